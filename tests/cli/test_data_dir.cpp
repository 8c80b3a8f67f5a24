// util::data_dir: where both programs find lessons/, traces/ and assets/.
// $SENDPATH_DATA first, then <program dir>/../share/sendpath, then the source
// tree; the first that is a folder wins. (The installed case, with the source
// tree hidden, is tests/install/check_install.sh.)
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <unistd.h>

#include "util/data_dir.hpp"

namespace fs = std::filesystem;
using namespace sendpath;

namespace {

// Sets SENDPATH_DATA for one test and puts back what was there.
struct DataEnv {
    std::optional<std::string> saved;
    explicit DataEnv(const std::string& value) {
        if (const char* v = std::getenv("SENDPATH_DATA")) saved = v;
        ::setenv("SENDPATH_DATA", value.c_str(), 1);
    }
    ~DataEnv() {
        if (saved) ::setenv("SENDPATH_DATA", saved->c_str(), 1);
        else ::unsetenv("SENDPATH_DATA");
    }
};

}  // namespace

TEST_CASE("data_dir: SENDPATH_DATA, then beside the program, then the source tree") {
    const fs::path tmp = fs::temp_directory_path() / ("sendpath-data-dir-" + std::to_string(::getpid()));
    fs::create_directories(tmp);
    {
        DataEnv env(tmp.string());
        const auto c = util::data_dir_candidates();
        REQUIRE(c.size() == 3);
        CHECK(c[0].from == "SENDPATH_DATA");
        CHECK(c[0].dir == tmp);
        CHECK(c[1].from == "installed");
        CHECK(c[1].dir ==
              (fs::read_symlink("/proc/self/exe").parent_path() / ".." / "share" / "sendpath").lexically_normal());
        CHECK(c[2].from == "source tree");
        CHECK(c[2].dir == fs::path(SENDPATH_SOURCE_DIR));
        CHECK(util::data_dir() == tmp);
    }
    {
        // Not a folder: passed over, like every other place that does not exist.
        DataEnv env((tmp / "missing").string());
        const auto c = util::data_dir_candidates();
        REQUIRE(c.size() == 3);
        CHECK(c[0].dir == tmp / "missing");
        // From a build tree (no share/sendpath beside it) that is the source tree.
        CHECK(util::data_dir() == (fs::is_directory(c[1].dir) ? c[1].dir : c[2].dir));
        const std::string msg = util::data_dir_missing_message();
        CHECK(msg.find((tmp / "missing").string() + " (SENDPATH_DATA)") != std::string::npos);
        CHECK(msg.find(std::string(SENDPATH_SOURCE_DIR) + " (source tree)") != std::string::npos);
        CHECK(msg.find("set SENDPATH_DATA") != std::string::npos);
    }
    {
        DataEnv env("");  // set but empty: as if unset
        const auto c = util::data_dir_candidates();
        REQUIRE(c.size() == 2);
        CHECK(c[0].from == "installed");
    }
    fs::remove_all(tmp);
}
