// Answer keys and grading.
//
// compute_answer_key evaluates a lesson's expressions on a trace: where each
// step and question sits (an event index) and what each correct answer is.
// An answers file (assets/answers.schema.json) holds one student's answers
// to one lesson; grade_sheet scores it against the key. Nothing here runs the
// engine or touches the file system beyond reading the one answers file, so
// graders can run many of these side by side.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lesson/lesson.hpp"
#include "util/message.hpp"
#include "trace/event.hpp"

namespace sendpath::lesson {

struct KeyQuestion {
    std::string id;
    QuestionType type = QuestionType::number;
    std::size_t event = 0;  // the anchor: ask after this event, before showing the next one
    int64_t points = 1;
    std::string at;                                 // the anchor's expression
    std::string expression;                         // number / next_branch: the expression that gave the answer
    int64_t number = 0;                             // number
    double tolerance = 0;                           // number
    trace::Kind kind = trace::Kind::sendmsg_enter;  // next_branch
    std::vector<std::string> correct_choices;       // choice: ids of the correct choices, in lesson order
    std::vector<std::pair<std::string, int64_t>> choice_values;  // choice: each choice id and its expression's value

    // The correct answer as it appears in an answers file.
    nlohmann::json answer_json() const;
};

// Version of the key's JSON form (AnswerKey::to_json, read back by answer_key_from_json).
inline constexpr int kKeyFormat = 1;

struct AnswerKey {
    std::string lesson_id, title, file;
    std::size_t events = 0;                // events in the trace the key was computed from
    std::string engine_version;            // of that trace
    std::string lesson_sha256;             // of the lesson file's bytes ("" if not known)
    std::vector<std::size_t> step_events;  // step i is shown at event step_events[i]
    std::vector<KeyQuestion> questions;    // in lesson order
    int64_t total_points = 0;

    const KeyQuestion* question(const std::string& id) const;
    // The `sendpath-cli answers` output (README "Lessons"), keys in a reading order.
    nlohmann::ordered_json to_json(const Lesson& lesson) const;
};

// Evaluates every anchor and answer on the trace. Throws InputError naming the
// lesson file, the JSON pointer of the expression, the column and why (no
// such event, a choice question with no correct choice on this trace, ...):
// a lesson that no longer fits the engine is a lesson error.
AnswerKey compute_answer_key(const Lesson& lesson, const trace::Trace& trace);

// SHA-256 of the lesson file's bytes, as 64 hex digits. Throws InputError if
// the file cannot be read.
std::string lesson_sha256(const Lesson& lesson);

// A key saved from `sendpath-cli answers` (AnswerKey::to_json), read back to
// grade with. It must be for this lesson file: the same id, the same
// lesson_sha256 (lesson_sha, the hash of the file now), the same questions
// with the same types and points. Throws InputError(file, pointer, expected).
AnswerKey answer_key_from_json(const nlohmann::json& j, const std::string& file, const Lesson& lesson,
                               const std::string& lesson_sha);
AnswerKey load_answer_key(const std::string& path, const Lesson& lesson, const std::string& lesson_sha);

// One student's answer to one question.
struct Answer {
    enum class Type { number, kind, choices };
    Type type = Type::number;
    double number = 0;
    trace::Kind kind = trace::Kind::sendmsg_enter;
    std::vector<std::string> choices;  // choice ids as given (one or more)
    nlohmann::json given;              // as written in the file
};

// Something off in an answers file, found while reading it.
struct SheetProblem {
    enum class Severity {
        warning,  // ignored, the file is graded as if it were not there (an unknown top-level key)
        invalid,  // one answer cannot be graded (wrong type, unknown choice, unknown question id)
        fatal,    // the file cannot be graded (not JSON, another lesson, no student, no answers)
    };
    Severity severity = Severity::fatal;
    std::string place;     // a JSON pointer ("/answers/room"), "line 3, column 1", or "" for the whole file
    std::string question;  // the question the problem makes invalid, "" if none
    std::string expected;  // "expected ..., got ..."
    std::string file;
    // place and expected as string-table texts (util/message.hpp), for a GUI
    // in another language; empty for problems made without an InputError.
    util::Message place_message, expected_message;

    // "file: place: expected", as InputError words it.
    std::string text() const;
};
std::string_view severity_name(SheetProblem::Severity s);  // "warning", "invalid", "fatal"

struct AnswerSheet {
    std::string file;                       // path as given
    std::string lesson;                     // lesson id
    std::string student;                    // "" when the file names none (it then has a fatal problem)
    std::string student_id;                 // optional
    nlohmann::json meta;                    // optional free object, kept as given (null when absent)
    std::map<std::string, Answer> answers;  // by question id; a question left out (or null) is unanswered
    // What read_answer_sheet found, in file order; answer_sheet_from_json throws the first instead.
    std::vector<SheetProblem> problems;
    // The answers object as written (null if there is none): what duplicate detection compares.
    nlohmann::json given_answers;

    bool gradable() const;  // no fatal problem
    // The problem that makes question `id` invalid, or nullptr.
    const SheetProblem* invalid_answer(const std::string& id) const;
};

// Reads an answers file against the lesson without throwing: every problem
// goes into sheet.problems with its place, and as much as can be read is kept
// (the student's name even when the file answers another lesson). A bad
// answer makes only its question invalid; an unknown top-level key is a
// warning; a missing or bad lesson, student or answers object is fatal.
AnswerSheet read_answer_sheet(const nlohmann::json& j, const std::string& file, const Lesson& lesson);
// The same from a file; a file that cannot be read or is not JSON gives a
// sheet with one fatal problem.
AnswerSheet read_answer_sheet_file(const std::string& path, const Lesson& lesson);

// Strict forms (the GUI's): the first problem of any severity is thrown as
// InputError(file, pointer, expected).
AnswerSheet answer_sheet_from_json(const nlohmann::json& j, const std::string& file, const Lesson& lesson);
AnswerSheet load_answer_sheet(const std::string& path, const Lesson& lesson);
// The answers file form of a sheet (what the GUI saves).
nlohmann::json answer_sheet_to_json(const AnswerSheet& sheet);

// invalid: the answer was there but could not be read (its problem is in `note`); no points.
enum class Verdict { correct, wrong, unanswered, invalid };
std::string_view verdict_name(Verdict v);  // "correct", "wrong", "unanswered", "invalid"

struct QuestionGrade {
    std::string id;
    Verdict verdict = Verdict::unanswered;
    int64_t points = 0, max_points = 0;
    nlohmann::json given;  // null when unanswered
    nlohmann::json expected;
    std::string note;  // invalid: what was expected ("expected a number ..., got \"a lot\"")
};

struct Grade {
    int64_t score = 0, total = 0;
    std::vector<QuestionGrade> questions;  // in lesson order
};

bool answer_is_correct(const KeyQuestion& key, const Answer& answer);
// Grades what the sheet holds; a question with an invalid answer scores 0 with
// verdict invalid. The sheet should be gradable().
Grade grade_sheet(const AnswerKey& key, const AnswerSheet& sheet);

}  // namespace sendpath::lesson
