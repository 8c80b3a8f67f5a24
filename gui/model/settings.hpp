// What the app remembers between runs, and the file system helpers of the
// File menu. Everything lives in $XDG_CONFIG_HOME/sendpath (or
// ~/.config/sendpath): layout.ini (ImGui's window positions) and
// settings.txt (recent files, open views, language), a plain "key=value" file.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace sendpath::gui {

// Empty when neither XDG_CONFIG_HOME nor HOME is set.
std::string config_dir();

struct Settings {
    std::vector<std::string> recent;         // most recent first
    std::map<std::string, bool> open_views;  // view id -> open
    std::string language;                    // View > Language ("zh_CN"); "" = never chosen: the environment's
};

// A missing or unreadable file gives default settings; unknown keys are ignored
// (the file is ours, but may come from a newer version).
Settings load_settings(const std::string& path);
// Atomic (temporary file + rename). Returns false if it could not be written.
bool save_settings(const Settings& s, const std::string& path);

// Moves path to the front, drops duplicates, keeps at most max entries.
void push_recent(std::vector<std::string>& recent, const std::string& path, std::size_t max = 10);

struct DirEntry {
    std::string name;
    bool is_dir = false;
};
// Directories first, then .json and .cbor files, each sorted by name; hidden
// entries left out. *error set (and empty result) if dir cannot be read.
std::vector<DirEntry> list_dir(const std::string& dir, std::string* error);

// What `sendpath` opens without an argument: the first lesson in
// DATA/lessons, else DATA/tests/scenarios/tail_append.json (DATA is the
// source tree), else "". DATA is util::data_dir().
std::string default_open_path(const std::string& data_dir);

}  // namespace sendpath::gui
