// A lesson open in the app: the lesson, its answer key on the trace shown,
// and the student's answers so far.
//
// The replay pauses at every question the student has not answered yet
// (pause_point), so a question is asked before the trace reveals what happens
// next; instructor mode shows the key and lets the instructor go anywhere.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "lesson/grade.hpp"
#include "lesson/lesson.hpp"

namespace sendpath::gui {

struct LessonSession {
    lesson::Lesson lesson;
    lesson::AnswerKey key;
    lesson::AnswerSheet sheet;      // the student's answers (lesson id, student name, answers by id)
    std::set<std::string> checked;  // questions whose answer was checked (the verdict is shown)
    bool instructor = false;

    // The first question anchored in (from, to] that has no checked answer:
    // a forward move stops there. nullopt in instructor mode or when none.
    std::optional<std::size_t> pause_point(std::size_t from, std::size_t to) const;
    // Index of the last step shown at event `cursor` (steps whose anchor is <= cursor), or -1.
    int current_step(std::size_t cursor) const;
    bool answered(const std::string& id) const { return sheet.answers.count(id) != 0; }
    bool correct(const std::string& id) const;
};

}  // namespace sendpath::gui
