// What the lesson verbs (lessons, answers, grade) share: where lessons are
// found, how a LESSON argument is resolved, and the trace a lesson's answers
// come from. Defined in cmd_lessons.cpp.
#pragma once

#include <string>

#include "lesson/lesson.hpp"
#include "trace/event.hpp"

namespace sendpath::cli {

// The folder `lessons` lists without DIR and `answers`/`grade` search for a
// lesson id: ./lessons when the current directory has one, else the lessons/
// folder of util::data_dir() (SENDPATH_DATA, the installed share/sendpath, or
// the source tree). "" if neither exists.
std::string default_lessons_dir();

// LESSON is a lesson file, or a lesson id looked up in default_lessons_dir().
// Throws InputError (exit 2) if it is neither, or if the lesson is bad.
lesson::Lesson resolve_lesson(const std::string& arg);

// The trace the lesson's answers are computed from: its scenario run with
// today's engine (default options), or, for a TAP lesson, its recorded trace.
// A run that does not complete, or a missing or non-TAP recording, is a lesson
// error (InputError, exit 2).
trace::Trace lesson_trace(const lesson::Lesson& l);

}  // namespace sendpath::cli
