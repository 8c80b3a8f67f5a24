// A lesson open in the app: the lesson, its answer key on the trace shown,
// and the student's answers so far.
//
// The replay pauses at every question the student has not answered yet
// (pause_point), so a question is asked before the trace reveals what happens
// next; while any question waits, every view stops at the cursor
// (hides_future, Document::horizon). Instructor mode shows the key and lets
// the instructor go anywhere.
//
// Everything a student typed lives here, in the Document's session, and not
// in a view: opening another lesson makes a new session, so nothing carries
// over from one lesson to the next (issue 13).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lesson/grade.hpp"
#include "lesson/lesson.hpp"
#include "util/message.hpp"

namespace sendpath::gui {

// One try at a question (assessment mode records every one, with its time).
struct Attempt {
    nlohmann::json answer;
    std::string at;  // UTC, ISO 8601 ("2026-12-06T17:40:03Z")
};

// What the Lesson window holds for one question.
struct QuestionUi {
    std::string input;   // typed or chosen, not necessarily checked yet
    std::string status;  // what the last Check said ("recorded: correct", "'x' is not a number")
    std::vector<Attempt> attempts;
};

struct LessonSession {
    // Unique in this process: a view holding per-session UI state (the name
    // field) tells a new session from the old one by it, not by address.
    uint64_t serial = next_serial();
    lesson::Lesson lesson;
    lesson::AnswerKey key;
    lesson::AnswerSheet sheet;      // the student's answers (lesson id, student name, answers by id)
    std::set<std::string> checked;  // questions whose answer was checked (recorded)
    bool instructor = false;
    // Assessment: the first answer checked is final, correctness is shown
    // only after submit(), and instructor mode needs an instructor key.
    bool assessment = false;
    bool instructor_unlocked = true;  // false in assessment mode without --instructor-key
    bool submitted = false;
    std::string submitted_at;
    std::map<std::string, QuestionUi> ui;  // by question id
    // Where answers autosave after every change ("" = not saved: headless
    // runs, or no student's name yet), and the folder of every student's files.
    std::string autosave_path;
    std::string autosave_root;
    std::string save_path;  // Save answers... target (the file handed in)
    std::string saved_to;   // the file Save answers last wrote: saved again without asking
    std::string status;     // the session's last notice (saved, loaded, could not save)
    // The notice as a string-table text when it was made from one (an error
    // that stopped a save or a load): the Lesson window says it in the GUI's
    // language for as long as status is still its English (gui/lang.hpp, notice_text).
    util::Message status_message;
    // Sets status and status_message together.
    void say(util::Message m) {
        status = m.str();
        status_message = std::move(m);
    }
    // A question the Lesson window asks before work is replaced
    // (answers_store.hpp: request_save, request_student, request_submit, confirm).
    enum class Confirm { none, overwrite, student, submit };
    Confirm confirm = Confirm::none;
    std::string pending_student, pending_path;  // Confirm::student: the other name and its saved file

    // The first unanswered question anchored in [from, to] when moving
    // forward (to > from): a forward move stops there. A question at the
    // event the cursor is on counts too, so stepping on without answering
    // stays put, and a question at event 0 pauses. nullopt in instructor
    // mode, after an assessment's Submit, or when none.
    std::optional<std::size_t> pause_point(std::size_t from, std::size_t to) const;
    // While a question waits (and not in instructor mode), no view may show
    // anything after the cursor.
    bool hides_future() const;
    // Index of the last step shown at event `cursor` (steps whose anchor is <= cursor), or -1.
    int current_step(std::size_t cursor) const;
    // Question indices (into lesson.questions and key.questions) by event,
    // file order among questions at the same event.
    std::vector<std::size_t> question_order() const;
    // The question the student is asked now: the first unanswered one (in
    // event order) at or before the cursor; -1 if none.
    int active_question(std::size_t cursor) const;
    bool answered(const std::string& id) const { return sheet.answers.count(id) != 0; }
    bool correct(const std::string& id) const;
    // Correctness may be shown: practice mode, or after submit, or to an instructor.
    bool verdict_visible() const { return !assessment || submitted || instructor; }
    // Assessment: a question answered once cannot be changed, and after
    // Submit none can be answered any more.
    bool locked(const std::string& id) const { return assessment && (submitted || checked.count(id) != 0); }

    // Checks `text` as the answer to question `id` (the Check button and the
    // script's "answer"): records it in the sheet when it has the right
    // shape. Always returns what happened, also kept in ui[id].status.
    // `now` is the attempt's time (UTC ISO 8601).
    struct CheckResult {
        bool recorded = false;
        std::string message;
    };
    CheckResult check(const std::string& id, const std::string& text, const std::string& now);
    // Assessment: ends the attempt; the verdicts become visible. Returns the notice.
    std::string submit(const std::string& now);
    // Turns instructor mode on or off; false (and a notice in status) when locked.
    bool set_instructor(bool on);

    // The answers file (assets/answers.md): lesson, student, answers; in
    // assessment mode also "attempts" (by question id: [{answer, at}]) and,
    // once submitted, "submitted_at".
    nlohmann::json answers_json() const;
    // Typed answers not yet checked, by question id (the autosave's side file).
    nlohmann::json drafts_json() const;
    // Restores what answers_json() / drafts_json() wrote (answers checked
    // again against the lesson). Throws InputError for a file that does not fit.
    void restore(const nlohmann::json& answers, const nlohmann::json& drafts, const std::string& file);

private:
    static uint64_t next_serial();
};

// UTC now as ISO 8601, for attempts and submit times.
std::string utc_now_iso();

// The line the Lesson window shows for a question the cursor has not reached
// yet: its id, and the event it is asked at, unless the future is hidden
// (the number would tell the student the run lasts at least that long).
util::Message upcoming_question_line(const std::string& id, std::size_t event, bool future_hidden);

}  // namespace sendpath::gui
