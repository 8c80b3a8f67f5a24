// Lessons: a scenario with narrative steps and questions placed on its trace.
//
// A lesson is one JSON file in lessons/ (assets/lesson.schema.json, README
// "Lessons"). Every place in the trace ("when the first page_merge happens")
// and every correct answer is an expression (lesson/expr.hpp) evaluated on the
// trace of the lesson's scenario, never a value typed by hand, so a lesson
// stays right when the engine changes. This file only reads and checks lesson
// files; lesson/grade.hpp computes the answer key from a trace and grades.
//
// Typical use (the CLI and the GUI):
//   Lesson l = load_lesson("lessons/01-first-send.json");
//   trace::Trace t = engine::run_scenario(l.scenario, {});   // or load l.recorded_trace for a TAP lesson
//   AnswerKey key = compute_answer_key(l, t);                // step and question anchors as event indices
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lesson/expr.hpp"
#include "lesson/scenario.hpp"
#include "trace/event.hpp"

namespace sendpath::lesson {

// Texts in other languages. Every text of a lesson is written in English
// (required); a lesson may add the same text in another language in a
// "translations" object beside it (assets/lesson.md, "Translations"), keyed by
// language code ("zh_CN", util/i18n.hpp). A text missing in a language is
// shown in English. Only texts are translated: ids, anchors, expressions and
// event kinds are the same in every language, so answers files and grading
// do not depend on the language (localized() below).
using Translations = std::map<std::string, std::string>;  // language code -> text

// Narrative shown when the replay reaches the anchor event.
struct Step {
    Expr at;  // the event it is attached to
    std::string text;
    std::string pointer;  // "/steps/3", for messages
    Translations text_in;
};

struct Choice {
    std::string id;  // what an answers file names ("a", "tail")
    std::string text;
    Expr correct;  // nonzero on the trace: this choice is correct
    Translations text_in;
};

enum class QuestionType { choice, number, next_branch };
std::string_view question_type_name(QuestionType t);  // "choice", "number", "next_branch"

struct Question {
    std::string id;
    QuestionType type = QuestionType::number;
    Expr at;  // where the replay pauses to ask (the student sees the state after this event)
    std::string prompt;
    std::string explain;  // shown once answered (may be empty)
    int64_t points = 1;
    // choice: two or more choices; the correct ones are those whose expression is nonzero.
    std::vector<Choice> choices;
    // number: the value; next_branch: an event kind (default: next_kind(at=anchor)).
    Expr answer;
    double tolerance = 0;  // number: |given - answer| <= tolerance is correct
    std::string unit;      // number: shown after the input ("bytes")
    // next_branch: kinds offered to pick from (empty: any event kind may be typed).
    std::vector<trace::Kind> branch_choices;
    std::string pointer;  // "/questions/2", for messages
    Translations prompt_in, explain_in, unit_in;
};

struct Lesson {
    std::string file;  // path as given
    std::string id;    // what answers files name in "lesson"
    std::string title;
    std::string description;
    std::vector<std::string> objectives;
    Scenario scenario;
    std::string scenario_file;  // the scenario's path, "" when the scenario is inline
    // A TAP lesson (peer type "tap") cannot be rerun anywhere: its answers come
    // from a recorded trace. The path is resolved against the lesson's folder.
    std::string recorded_trace;
    std::vector<Step> steps;
    std::vector<Question> questions;
    // "assessment": true: the GUI counts the first answer, shows results only
    // after Submit and locks instructor mode (gui/README.md "Lessons").
    bool assessment = false;
    Translations title_in, description_in;
    std::map<std::string, std::vector<std::string>> objectives_in;  // as many as objectives, when present

    // The languages the lesson has any text in, English first.
    std::vector<std::string> languages() const;
    bool is_tap() const { return scenario.peer.type == "tap"; }
    int64_t total_points() const;
    const Question* question(const std::string& id) const;
};

// The lesson as a student reading lang sees it: every text in lang where the
// lesson has it, in English where not, and the translations dropped. Ids,
// anchors, expressions and points are untouched, so the answer key and the
// grade of an answers file are the same for every language. English (or a
// language sendpath has no table for) gives the lesson as written.
Lesson localized(const Lesson& lesson, const std::string& lang);

// Reads and checks a lesson file: keys and types, ids, every expression
// parsed, the scenario loaded. Throws InputError naming the file, the JSON
// pointer and (for expressions) the column.
Lesson load_lesson(const std::string& path);
// The same from parsed JSON; relative scenario paths are taken from the folder of `file`.
Lesson lesson_from_json(const nlohmann::json& j, const std::string& file);

// The lesson files (*.json, not recursive) of a folder, sorted by name: the
// order lessons are taught in. Throws InputError if dir is not a readable folder.
std::vector<std::string> lesson_files(const std::string& dir);

// The prepared trace of a lesson: <lesson folder>/../traces/<lesson file name>,
// e.g. lessons/01-first-send.json -> traces/01-first-send.json. For a TAP
// lesson this is its recorded_trace.
std::string prepared_trace_path(const Lesson& lesson);

}  // namespace sendpath::lesson
