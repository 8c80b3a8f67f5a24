#include "gui/model/settings.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/atomic_file.hpp"

namespace fs = std::filesystem;

namespace sendpath::gui {

std::string config_dir() {
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) return std::string(x) + "/sendpath";
    if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.config/sendpath";
    return {};
}

Settings load_settings(const std::string& path) {
    Settings s;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
        if (key == "recent" && !value.empty()) s.recent.push_back(value);
        else if (key.rfind("view.", 0) == 0) s.open_views[key.substr(5)] = value == "1";
        else if (key == "language") s.language = value;
    }
    return s;
}

bool save_settings(const Settings& s, const std::string& path) {
    std::ostringstream out;
    out << "# sendpath GUI settings (rewritten on exit)\n";
    for (const auto& [id, open] : s.open_views) out << "view." << id << "=" << (open ? 1 : 0) << "\n";
    for (const auto& r : s.recent) out << "recent=" << r << "\n";
    if (!s.language.empty()) out << "language=" << s.language << "\n";
    try {
        std::error_code ec;
        fs::create_directories(fs::path(path).parent_path(), ec);
        const std::string text = out.str();
        write_file_atomic(path, [&](std::ostream& o) { o << text; });
        return true;
    } catch (const std::exception&) { return false; }
}

void push_recent(std::vector<std::string>& recent, const std::string& path, std::size_t max) {
    recent.erase(std::remove(recent.begin(), recent.end(), path), recent.end());
    recent.insert(recent.begin(), path);
    if (recent.size() > max) recent.resize(max);
}

std::vector<DirEntry> list_dir(const std::string& dir, std::string* error) {
    std::vector<DirEntry> dirs, files;
    std::error_code ec;
    fs::directory_iterator it(dir.empty() ? "." : dir, ec);
    if (ec) {
        if (error) *error = dir + ": " + ec.message();
        return {};
    }
    for (const auto& e : it) {
        const std::string name = e.path().filename().string();
        if (name.empty() || name[0] == '.') continue;
        std::error_code ec2;
        if (e.is_directory(ec2)) {
            dirs.push_back({name, true});
        } else {
            const std::string ext = e.path().extension().string();
            if (ext == ".json" || ext == ".cbor") files.push_back({name, false});
        }
    }
    auto by_name = [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; };
    std::sort(dirs.begin(), dirs.end(), by_name);
    std::sort(files.begin(), files.end(), by_name);
    dirs.insert(dirs.end(), files.begin(), files.end());
    if (error) error->clear();
    return dirs;
}

std::string default_open_path(const std::string& data_dir) {
    std::string err;
    for (const DirEntry& e : list_dir(data_dir + "/lessons", &err))
        if (!e.is_dir) return data_dir + "/lessons/" + e.name;
    const std::string sc = data_dir + "/tests/scenarios/tail_append.json";
    std::error_code ec;
    return fs::is_regular_file(sc, ec) ? sc : std::string();
}

}  // namespace sendpath::gui
