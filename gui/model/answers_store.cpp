#include "gui/model/answers_store.hpp"

#include <cstdlib>
#include <filesystem>

#include "util/atomic_file.hpp"
#include "util/errno_text.hpp"
#include "util/errors.hpp"

namespace fs = std::filesystem;

namespace sendpath::gui {

std::string answers_root() {
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return std::string(x) + "/sendpath/answers";
    if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.local/share/sendpath/answers";
    return {};
}

std::string autosave_file(const std::string& root, const std::string& lesson_id, const std::string& student) {
    // The name becomes a file name: nothing that could leave the folder ("../x") or confuse a shell.
    std::string name;
    for (char c : student) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '-' || c == '_';
        name += ok ? c : '_';
    }
    if (name.empty() || name.find_first_not_of('.') == std::string::npos) name = "unnamed";
    return (fs::path(root) / lesson_id / (name + ".json")).string();
}

std::string drafts_file(const std::string& answers_file) {
    fs::path p(answers_file);
    p.replace_extension(".drafts");
    return p.string();
}

void write_answers(const LessonSession& ls, const std::string& path) {
    const fs::path dir = fs::path(path).parent_path();
    std::error_code ec;
    if (!dir.empty()) fs::create_directories(dir, ec);
    if (ec)
        throw RuntimeError(
            util::Message::of("err.file.mkdir", {dir.string(), util::errno_message(ec.value(), ec.message())}));
    const std::string answers = ls.answers_json().dump(2) + "\n";
    write_file_atomic(path, [&](std::ostream& o) { o << answers; });
    const std::string drafts = ls.drafts_json().dump(2) + "\n";
    write_file_atomic(drafts_file(path), [&](std::ostream& o) { o << drafts; });
}

void read_answers(LessonSession& ls, const std::string& path) {
    const std::string text = read_file_text(path);
    const auto answers = nlohmann::json::parse(text, nullptr, false);
    if (answers.is_discarded())
        throw InputError(path, "", util::Message::of("gui.answers.not_json"));  // said in the GUI's language
    nlohmann::json drafts;
    std::error_code ec;
    if (fs::exists(drafts_file(path), ec)) {
        drafts = nlohmann::json::parse(read_file_text(drafts_file(path)), nullptr, false);
        if (drafts.is_discarded()) drafts = nullptr;  // drafts are a convenience: a bad one is skipped
    }
    ls.restore(answers, drafts, path);
}

bool autosave(LessonSession& ls) {
    if (ls.autosave_path.empty()) return true;
    try {
        write_answers(ls, ls.autosave_path);
        return true;
    } catch (const std::exception& e) {
        ls.say(util::Message::of("gui.lesson.autosave_failed", {message_of(e)}));
        return false;
    }
}

namespace {
void save_as(LessonSession& ls) {
    try {
        write_answers(ls, ls.save_path);
        ls.saved_to = ls.save_path;
        ls.status = "saved " + std::to_string(ls.checked.size()) + " answers to " + ls.save_path;
    } catch (const std::exception& e) { ls.say(util::Message::of("gui.lesson.not_saved", {message_of(e)})); }
}

void load_other_student(LessonSession& ls) {
    LessonSession fresh = ls;  // a copy: a file that does not read changes nothing
    try {
        fresh.ui.clear();
        fresh.checked.clear();
        fresh.sheet.answers.clear();
        read_answers(fresh, ls.pending_path);
        fresh.sheet.student = ls.pending_student;
        fresh.autosave_path = ls.pending_path;
        fresh.status = "loaded " + std::to_string(fresh.checked.size()) + " answers of " + ls.pending_student +
                       " from " + ls.pending_path;
        ls = std::move(fresh);
    } catch (const std::exception& e) { ls.say(util::Message::of("gui.lesson.not_loaded", {message_of(e)})); }
}
}  // namespace

void request_save(LessonSession& ls) {
    if (ls.sheet.student.empty()) {
        ls.status = "not saved: type your name first (a grader needs it)";
        return;
    }
    std::error_code ec;
    // A file this session did not write may be someone's work: ask first.
    if (fs::exists(ls.save_path, ec) && ls.save_path != ls.saved_to) ls.confirm = LessonSession::Confirm::overwrite;
    else save_as(ls);
}

void request_student(LessonSession& ls, const std::string& name) {
    if (name.find_first_not_of(" \t") == std::string::npos) {
        ls.status = "the student's name cannot be empty";
        return;
    }
    if (name == ls.sheet.student) return;
    if (ls.autosave_root.empty()) {
        ls.sheet.student = name;
        ls.status = "student: " + name;
        return;
    }
    const std::string next = autosave_file(ls.autosave_root, ls.lesson.id, name);
    std::error_code ec;
    if (next != ls.autosave_path && fs::exists(next, ec)) {
        ls.confirm = LessonSession::Confirm::student;
        ls.pending_student = name;
        ls.pending_path = next;
        return;
    }
    ls.sheet.student = name;
    ls.autosave_path = next;
    if (autosave(ls)) ls.status = "answers of " + name + " autosave to " + next;
}

void request_submit(LessonSession& ls) {
    if (ls.assessment && !ls.submitted) ls.confirm = LessonSession::Confirm::submit;
}

void confirm(LessonSession& ls, bool yes, const std::string& now) {
    const auto c = ls.confirm;
    ls.confirm = LessonSession::Confirm::none;
    if (!yes) {
        if (c == LessonSession::Confirm::overwrite) ls.status = "not saved: " + ls.save_path + " was left as it was";
        else if (c == LessonSession::Confirm::student)
            ls.status = "kept the answers on screen; " + ls.pending_path + " was not loaded";
        else if (c == LessonSession::Confirm::submit) ls.status = "not submitted";
        return;
    }
    if (c == LessonSession::Confirm::overwrite) save_as(ls);
    else if (c == LessonSession::Confirm::student) load_other_student(ls);
    else if (c == LessonSession::Confirm::submit) {
        ls.status = ls.submit(now);
        autosave(ls);
    }
}

std::string_view confirm_name(LessonSession::Confirm c) {
    switch (c) {
        case LessonSession::Confirm::none: return "none";
        case LessonSession::Confirm::overwrite: return "overwrite";
        case LessonSession::Confirm::student: return "student";
        case LessonSession::Confirm::submit: return "submit";
    }
    return "none";
}

}  // namespace sendpath::gui
