// The disk fills while the GUI saves a student's answers (the Lesson window's
// Save answers, gui/model/answers_store.hpp: request_save, then confirm to
// overwrite an earlier file): the window's notice names the file and says the
// disk is full, no partial file is left under the answers file's name (nor a
// temporary one), and the earlier file is byte for byte what it was.
//
// The save runs in a child process that mounts a small tmpfs in a mount
// namespace of its own (root only: without root the test says so and
// returns), and reports back what it saw.
#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "gui/model/answers_store.hpp"
#include "run/runner.hpp"
#include "support/files.hpp"

using namespace sendpath;
namespace fs = std::filesystem;

namespace {

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Fills the file system of `dir` to the last byte.
void fill(const std::string& dir) {
    std::ofstream out(dir + "/filler", std::ios::binary);
    const std::string block(4096, 'x');
    while (out.write(block.data(), static_cast<std::streamsize>(block.size())) && out.flush()) {}
    // The last part-block, byte by byte.
    out.clear();
    while (out.put('x') && out.flush()) {}
}

// A session of lesson 01 for `student` with its first `n` number questions answered (checked).
gui::LessonSession session(const std::string& student, std::size_t n) {
    gui::LessonSession ls;
    ls.lesson = lesson::load_lesson(std::string(SENDPATH_SOURCE_DIR) + "/lessons/01-first-send.json");
    const trace::Trace t = engine::run_scenario(ls.lesson.scenario, engine::Options{});
    ls.key = lesson::compute_answer_key(ls.lesson, t);
    ls.sheet.lesson = ls.lesson.id;  // as the GUI opens a lesson (gui/document_io.cpp)
    ls.sheet.student = student;
    for (const auto& q : ls.key.questions)
        if (q.type == lesson::QuestionType::number && ls.checked.size() < n)
            ls.check(q.id, std::to_string(q.number), "2026-12-07T00:00:00Z");
    return ls;
}

}  // namespace

TEST_CASE(
    "the disk fills while the GUI saves answers over an earlier file: a notice naming the file, the earlier "
    "file untouched, nothing else left") {
    if (::geteuid() != 0) {
        MESSAGE("skipped: not root: a tmpfs needs a private mount namespace");
        return;
    }
    const sptest::TempDir tmp("sendpath-gui-full");
    const std::string dir = tmp / "full";
    fs::create_directories(dir);
    const std::string report = tmp / "report";

    // The sessions are made here (running the lesson's scenario), the saves
    // in the child; the earlier file is another session's, so saving over it asks first.
    gui::LessonSession earlier = session("Ada", 1);
    gui::LessonSession now = session("Ada", 3);
    REQUIRE(earlier.checked.size() == 1);
    REQUIRE(now.checked.size() > 1);

    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        // The child: its own mount namespace, a tmpfs of 64 KiB at dir.
        std::ofstream rep(report);
        if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
            ::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=64k") != 0) {
            rep << "setup failed: " << std::strerror(errno) << "\n";
            rep.close();
            ::_exit(3);
        }
        const std::string file = dir + "/ada.json";
        earlier.save_path = file;
        gui::request_save(earlier);
        rep << "first: " << earlier.status << "\n";
        const std::string before = read_all(file);
        const std::string drafts_before = read_all(gui::drafts_file(file));
        fill(dir);

        now.save_path = file;
        gui::request_save(now);
        rep << "confirm: " << gui::confirm_name(now.confirm) << "\n";
        gui::confirm(now, true, "2026-12-07T00:01:00Z");
        rep << "status: " << now.status << "\n";
        rep << "unchanged: " << (read_all(file) == before && read_all(gui::drafts_file(file)) == drafts_before) << "\n";
        rep << "earlier size: " << before.size() << "\n";
        for (const auto& e : fs::directory_iterator(dir)) rep << "left: " << e.path().filename().string() << "\n";
        rep.close();
        ::_exit(0);
    }
    int st = 0;
    REQUIRE(::waitpid(pid, &st, 0) == pid);
    const std::string r = read_all(report);
    INFO(r);
    REQUIRE(WIFEXITED(st));
    REQUIRE(WEXITSTATUS(st) == 0);
    std::vector<std::string> left;
    std::string status;
    std::istringstream in(r);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("left: ", 0) == 0) left.push_back(line.substr(6));
        if (line.rfind("status: ", 0) == 0) status = line.substr(8);
    }
    MESSAGE("the Lesson window says: " << status);

    CHECK(r.find("first: saved 1 answers to " + dir + "/ada.json\n") != std::string::npos);
    CHECK(r.find("confirm: overwrite\n") != std::string::npos);
    // The notice names the file and the cause.
    CHECK(status.rfind("not saved: " + dir + "/ada.json: ", 0) == 0);
    CHECK(status.find("No space left on device") != std::string::npos);
    // The earlier answers file and its drafts, as they were; nothing else
    // but the filler (no temporary file).
    CHECK(r.find("unchanged: 1\n") != std::string::npos);
    CHECK(r.find("earlier size: 0\n") == std::string::npos);
    std::sort(left.begin(), left.end());
    CHECK(left == std::vector<std::string>{"ada.drafts", "ada.json", "filler"});
}
