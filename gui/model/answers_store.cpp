#include "gui/model/answers_store.hpp"

#include <cstdlib>
#include <filesystem>

#include "util/atomic_file.hpp"
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
    if (ec) throw RuntimeError("cannot create the folder " + dir.string() + ": " + ec.message());
    const std::string answers = ls.answers_json().dump(2) + "\n";
    write_file_atomic(path, [&](std::ostream& o) { o << answers; });
    const std::string drafts = ls.drafts_json().dump(2) + "\n";
    write_file_atomic(drafts_file(path), [&](std::ostream& o) { o << drafts; });
}

void read_answers(LessonSession& ls, const std::string& path) {
    const std::string text = read_file_text(path);
    const auto answers = nlohmann::json::parse(text, nullptr, false);
    if (answers.is_discarded()) throw InputError(path, "", "an answers file (JSON): it does not parse");
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
        ls.status = std::string("autosave failed: ") + e.what();
        return false;
    }
}

}  // namespace sendpath::gui
