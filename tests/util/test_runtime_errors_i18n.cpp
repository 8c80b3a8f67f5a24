// Runtime errors of util (atomic writes, errno texts, the data folder) in
// Chinese: English byte for byte as the CLI printed it before, Chinese with
// the paths kept and no English phrase left.
#include <doctest/doctest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "support/errors.hpp"
#include "util/atomic_file.hpp"
#include "util/data_dir.hpp"
#include "util/errno_text.hpp"
#include "util/errors.hpp"

namespace fs = std::filesystem;
using namespace sendpath;
using sptest::english_phrase;
using sptest::runtime_error_of;

namespace {
struct TempDir {
    fs::path path = fs::temp_directory_path() / ("sendpath-zh5-" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};
void write_hello(std::ostream& o) { o << "hello\n"; }
}  // namespace

TEST_CASE("errno texts: strerror's English, Chinese for the values users meet, strerror for the rest") {
    for (int e : {ENOSPC, EACCES, EPERM, ENOENT, EBUSY, EROFS, EDQUOT, EEXIST, ENODEV, EINVAL}) {
        const util::Message m = util::errno_message(e);
        CHECK(m.str() == std::strerror(e));
        const std::string zh = m.str("zh_CN");
        CHECK_MESSAGE(zh != std::strerror(e), "errno " << e << " has no Chinese text");
        CHECK_MESSAGE(english_phrase(zh).empty(), zh);
    }
    CHECK(util::errno_message(ENOSPC).str("zh_CN") == "设备上没有剩余空间");
    CHECK(util::errno_message(EACCES).str("zh_CN") == "权限不够");
    CHECK(util::errno_message(ENOENT).str("zh_CN") == "没有那个文件或目录");
    // A value without a text of its own: strerror's words in every language.
    CHECK(util::errno_message(EOVERFLOW).str("zh_CN") == std::strerror(EOVERFLOW));
    // Read back from strerror's words (a trace's end_reason keeps only them).
    CHECK(util::errno_message_of_text(std::strerror(ENODEV)).str("zh_CN") == "没有那个设备");
    CHECK(util::errno_message_of_text("Something else").str("zh_CN") == "Something else");
}

TEST_CASE("an atomic write into a folder that does not exist says so, in English and in Chinese") {
    TempDir dir;
    const std::string path = (dir.path / "missing" / "answers.json").string();
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    const auto e = runtime_error_of([&] {
        write_file_atomic(path, write_hello);
        return 0;
    });
    REQUIRE(e);
    CHECK(e.message == path + ": cannot create " + tmp + ": No such file or directory");
    CHECK(e.zh == path + "：无法创建 " + tmp + "：没有那个文件或目录");
    CHECK(english_phrase(e.zh).empty());
}

TEST_CASE("an atomic write over a folder cannot rename into place: English and Chinese") {
    TempDir dir;
    const fs::path target = dir.path / "taken";
    fs::create_directories(target / "inside");  // a folder that is not empty: rename(2) says EISDIR
    const std::string path = target.string();
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    const auto e = runtime_error_of([&] {
        write_file_atomic(path, write_hello);
        return 0;
    });
    REQUIRE(e);
    CHECK(e.message == path + ": cannot rename " + tmp + " into place: Is a directory");
    CHECK(e.zh == path + "：无法把 " + tmp + " 改名为正式文件：是一个目录");
    CHECK(english_phrase(e.zh).empty());
    CHECK(!fs::exists(tmp));  // the temporary file went
}

TEST_CASE("a file that cannot be read says why in Chinese too") {
    const auto e = sptest::input_error_of([] { return read_file_bytes("/nonexistent/sendpath/trace.cbor"); });
    REQUIRE(e);
    CHECK(e.message == "/nonexistent/sendpath/trace.cbor: a readable file (No such file or directory)");
    CHECK(e.zh == "/nonexistent/sendpath/trace.cbor: 可读的文件（没有那个文件或目录）");
}

TEST_CASE("the data folder not found: the places tried and what to do, in Chinese") {
    const util::Message m = util::data_dir_missing();
    CHECK(m.str() == util::data_dir_missing_message());
    CHECK(m.str().rfind("sendpath's data (lessons/, traces/, assets/) is not found: none of ", 0) == 0);
    CHECK(m.str().find(std::string(SENDPATH_SOURCE_DIR) + " (source tree)") != std::string::npos);
    const std::string zh = m.str("zh_CN");
    CHECK(zh.rfind("找不到 sendpath 的数据（lessons/、traces/、assets/）：", 0) == 0);
    CHECK(zh.find(std::string(SENDPATH_SOURCE_DIR) + "（源代码树）") != std::string::npos);
    CHECK_MESSAGE(english_phrase(zh).empty(), zh);
}
