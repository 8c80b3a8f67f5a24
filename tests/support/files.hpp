// Files for tests and benches: a temporary directory that removes itself,
// whole files read and written, and paths in the source tree.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sptest {

// A fresh directory of its own (mkdtemp under the system's temporary
// directory), removed with everything in it when the object goes, also when
// a test fails. Throws std::runtime_error if it cannot be made.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "sendpath-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path path;

    // The path of `name` inside the directory.
    std::string operator/(const std::string& name) const { return (path / name).string(); }
    // Writes text to `name` (folders made as needed); returns its path.
    std::string write(const std::string& name, const std::string& text) const;
    // The names of the entries in the directory, in no particular order.
    std::vector<std::string> files() const;
};

// The whole content of a file, "" when it cannot be read.
std::string slurp(const std::filesystem::path& p);
// Writes text to a file, making its folders first.
void spit(const std::filesystem::path& p, const std::string& text);

// A path in the source tree: source_path("tests/scenarios/nagle.json").
std::string source_path(const std::string& relative);
// The lines of a file in the source tree, none when it cannot be read.
std::vector<std::string> source_lines(const std::string& relative);
// A scenario shipped with the tests: tests/scenarios/<name>.
std::string scenario_path(const std::string& name);
// Every tests/scenarios/*.json, sorted.
std::vector<std::string> shipped_scenarios();

}  // namespace sptest
