// sendpath-cli as a test meets it: the real binary spawned through the shell
// in a fresh directory, its stdout, stderr and exit status collected.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace clitest {

namespace fs = std::filesystem;

inline const std::string kCli = SENDPATH_BINARY_DIR "/core/sendpath-cli";

struct Result {
    int status = -1;
    std::string out, err;
};

inline std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void spit(const fs::path& p, const std::string& text) {
    if (p.has_parent_path()) fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

// For the shell: single quotes, with embedded ones closed and escaped.
inline std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

inline bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// A fresh directory per test, removed afterwards.
struct TempDir {
    fs::path path;
    explicit TempDir(const std::string& prefix = "sendpath-cli-test") {
        std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string operator/(const std::string& name) const { return (path / name).string(); }
    std::vector<std::string> files() const {
        std::vector<std::string> v;
        for (const auto& e : fs::directory_iterator(path)) v.push_back(e.path().filename().string());
        return v;
    }
};

// The shell command line that runs sendpath-cli with args.
inline std::string command(const std::vector<std::string>& args) {
    std::string cmd = quote(kCli);
    for (const auto& a : args) cmd += " " + quote(a);
    return cmd;
}

// Runs sendpath-cli in dir (its working directory, so relative paths land
// there) and collects what it printed. tag keeps parallel calls apart.
inline Result cli(const TempDir& dir, const std::vector<std::string>& args, const std::string& tag = "") {
    const std::string out = dir / (".stdout" + tag), err = dir / (".stderr" + tag);
    const std::string cmd = "cd " + quote(dir.path.string()) + " && " + command(args) + " >" + quote(out) + " 2>" +
                            quote(err) + " </dev/null";
    const int rc = std::system(cmd.c_str());
    Result r;
    r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    fs::remove(out);
    fs::remove(err);
    return r;
}

}  // namespace clitest
