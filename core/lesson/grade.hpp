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

struct AnswerKey {
    std::string lesson_id, title, file;
    std::size_t events = 0;                // events in the trace the key was computed from
    std::string engine_version;            // of that trace
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

// One student's answer to one question.
struct Answer {
    enum class Type { number, kind, choices };
    Type type = Type::number;
    double number = 0;
    trace::Kind kind = trace::Kind::sendmsg_enter;
    std::vector<std::string> choices;  // choice ids as given (one or more)
    nlohmann::json given;              // as written in the file
};

struct AnswerSheet {
    std::string file;    // path as given
    std::string lesson;  // lesson id
    std::string student;
    std::map<std::string, Answer> answers;  // by question id; a question left out (or null) is unanswered
};

// Checks the answers file against the lesson: the lesson id, the student,
// question ids, and each answer's type (a number, a choice id or list of them,
// an event kind). Throws InputError(file, pointer, expected).
AnswerSheet answer_sheet_from_json(const nlohmann::json& j, const std::string& file, const Lesson& lesson);
AnswerSheet load_answer_sheet(const std::string& path, const Lesson& lesson);
// The answers file form of a sheet (what the GUI saves).
nlohmann::json answer_sheet_to_json(const AnswerSheet& sheet);

enum class Verdict { correct, wrong, unanswered };
std::string_view verdict_name(Verdict v);  // "correct", "wrong", "unanswered"

struct QuestionGrade {
    std::string id;
    Verdict verdict = Verdict::unanswered;
    int64_t points = 0, max_points = 0;
    nlohmann::json given;  // null when unanswered
    nlohmann::json expected;
};

struct Grade {
    int64_t score = 0, total = 0;
    std::vector<QuestionGrade> questions;  // in lesson order
};

bool answer_is_correct(const KeyQuestion& key, const Answer& answer);
Grade grade_sheet(const AnswerKey& key, const AnswerSheet& sheet);

}  // namespace sendpath::lesson
