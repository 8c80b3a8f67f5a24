// sendpath-cli as a test meets it: the real binary spawned through the shell
// in a fresh directory, its stdout, stderr and exit status collected.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <vector>

#include "support/files.hpp"

namespace clitest {

namespace fs = std::filesystem;

inline const std::string kCli = SENDPATH_BINARY_DIR "/core/sendpath-cli";

struct Result {
    int status = -1;
    std::string out, err;
};

using sptest::slurp;
using sptest::spit;
using sptest::TempDir;

// For the shell: single quotes, with embedded ones closed and escaped.
inline std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

inline bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

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
