#include "support/files.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace sptest {

namespace fs = std::filesystem;

namespace {
fs::path make_temp_dir(const std::string& prefix) {
    std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("cannot make a temporary directory " + tmpl);
    return tmpl;
}
}  // namespace

TempDir::TempDir(const std::string& prefix) : path(make_temp_dir(prefix)) {}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
    const fs::path p = path / name;
    spit(p, text);
    return p.string();
}

std::vector<std::string> TempDir::files() const {
    std::vector<std::string> v;
    for (const auto& e : fs::directory_iterator(path)) v.push_back(e.path().filename().string());
    return v;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void spit(const fs::path& p, const std::string& text) {
    if (p.has_parent_path()) fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

std::string source_path(const std::string& relative) { return std::string(SENDPATH_SOURCE_DIR) + "/" + relative; }

std::vector<std::string> source_lines(const std::string& relative) {
    std::ifstream in(source_path(relative));
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
}

std::string scenario_path(const std::string& name) { return source_path("tests/scenarios/" + name); }

std::vector<std::string> shipped_scenarios() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(source_path("tests/scenarios")))
        if (e.path().extension() == ".json") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace sptest
