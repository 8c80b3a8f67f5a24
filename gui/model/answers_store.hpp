// Where a student's answers are kept between sessions, and how they are
// written: $XDG_DATA_HOME/sendpath/answers/<lesson-id>/<student>.json
// (default ~/.local/share/sendpath/...), one file per lesson and student, in
// the answers-file format the grader reads (assets/answers.md), so the file
// itself can be handed in. Answers typed but not checked yet go beside it in
// <student>.drafts (not an answers file: a grader given the folder skips it).
// Every write goes to a temporary file that is renamed over the target, so a
// crash never leaves half a file.
#pragma once

#include <string>
#include <string_view>

#include "gui/model/lesson_session.hpp"

namespace sendpath::gui {

// $XDG_DATA_HOME/sendpath/answers, else $HOME/.local/share/sendpath/answers, else "".
std::string answers_root();
// root/<lesson id>/<student>.json; characters other than letters, digits,
// '.', '-' and '_' in the student's name become '_' ("" -> "unnamed").
std::string autosave_file(const std::string& root, const std::string& lesson_id, const std::string& student);
std::string drafts_file(const std::string& answers_file);

// Writes ls.answers_json() to path and ls.drafts_json() beside it (creating
// the folders). Throws RuntimeError naming the file when it cannot.
void write_answers(const LessonSession& ls, const std::string& path);
// Reads what write_answers wrote into ls (a missing drafts file is no error).
// Throws InputError for a file that is not an answers file of this lesson.
void read_answers(LessonSession& ls, const std::string& path);

// Writes ls to ls.autosave_path when it has one; says what happened in
// ls.status only on failure (a save after every answer would drown the
// Check messages). Returns false when the write failed.
bool autosave(LessonSession& ls);

// The Lesson window's actions that can replace someone's work: each either
// acts at once or sets ls.confirm and waits for confirm(). Scripts call the
// same functions (save_answers, set_student, confirm yes|no).
//
// Save answers to ls.save_path: refused without a student's name; a file
// that exists and that this session did not write asks (Confirm::overwrite).
void request_save(LessonSession& ls);
// Another student's name: answers of that name already saved for this lesson
// ask before they are loaded (Confirm::student); the answers on screen stay
// in their own file. A blank name is refused.
void request_student(LessonSession& ls, const std::string& name);
// Submit (an assessment) always asks (Confirm::submit).
void request_submit(LessonSession& ls);
// The answer to the pending question: yes does what was asked, no leaves
// everything as it was. Says what happened in ls.status.
void confirm(LessonSession& ls, bool yes, const std::string& now);
// Confirm's name, for scripts and messages: "none", "overwrite", "student", "submit".
std::string_view confirm_name(LessonSession::Confirm c);

}  // namespace sendpath::gui
