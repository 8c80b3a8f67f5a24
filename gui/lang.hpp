// The GUI's language and its texts.
//
// Every user-facing text of the GUI is a key of util/i18n's string table
// ("gui.menu.file"); the English and Chinese texts live in
// core/util/i18n_gui.cpp and core/util/i18n_gui_zh_CN.cpp (gui/README.md,
// "Languages"). The language is one value for the whole app: chosen at start
// (--lang, else settings.txt, else LC_ALL/LC_MESSAGES/LANG) and changed by
// View > Language, which takes effect on the next frame.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "util/message.hpp"

namespace sendpath::gui {

// "en" or "zh_CN" (util::i18n codes).
const std::string& ui_lang();
void set_ui_lang(std::string lang);

// The text of key in the GUI's language (English where it has none). NUL
// terminated: the tables hold string literals, and a key nobody wrote comes
// back as itself, so pass literals.
const char* T(const char* key);
// T with {0}, {1} ... replaced.
std::string TF(const char* key, std::initializer_list<std::string_view> args);

// A notice gui/model made (in English: the model has no language), in the
// GUI's language: Check's verdicts, the lesson session's notices, where a
// continue stopped. Texts it does not know are returned as they are.
std::string model_notice(const std::string& en);

// A trace's end_reason in the GUI's language: the reasons the engine and the
// GUI write ("completed", "max_time_us reached", "stopped from the File
// menu", ...). end_reason is data of the trace, written in English; a reason
// it does not know (a newer engine's) is returned as it is.
std::string end_reason_text(const std::string& en);

// A notice the model made as a string-table text too (LessonSession::say):
// msg in the GUI's language while it still says en (the model set both);
// otherwise en, through model_notice.
std::string notice_text(const std::string& en, const util::Message& msg);

}  // namespace sendpath::gui
