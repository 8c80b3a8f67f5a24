// Faults a real machine throws while sendpath-cli writes its output, tried
// on the real binary: the disk filling up (a small tmpfs mounted in a private
// mount namespace: root only; without root each test says so and returns) and
// SIGINT arriving while a large trace is written. Whatever happens, no file
// is left half-written under the name asked for, and a file that was there
// before is untouched.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "support/files.hpp"
#include "support/shell.hpp"

namespace fs = std::filesystem;
using sptest::slurp;
using sptest::TempDir;

namespace {

const std::string kCli = SENDPATH_BINARY_DIR "/core/sendpath-cli";

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}
bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// Why a tmpfs cannot be mounted here, or "" when it can.
std::string no_tmpfs_reason() {
    if (::geteuid() != 0) return "not root: a tmpfs needs a private mount namespace (unshare -m) as root";
    if (sptest::sh("unshare -m true >/dev/null 2>&1") != 0) return "unshare -m fails here (no CAP_SYS_ADMIN?)";
    return "";
}

#define TMPFS_PRECONDITION()                        \
    do {                                            \
        const std::string why_ = no_tmpfs_reason(); \
        if (!why_.empty()) {                        \
            MESSAGE("skipped: " << why_);           \
            return;                                 \
        }                                           \
    } while (0)

struct FullDiskRun {
    int status = -1;
    std::string err;
    std::vector<std::string> files;  // what the full file system holds afterwards
    bool earlier_untouched = false;
};

// Mounts a tmpfs of `size` at dir/full in a private mount namespace, puts
// `earlier` there as `target` (if given), runs the CLI with args (FULL in
// them stands for the tmpfs's path) and reports what it left there.
FullDiskRun run_on_full_disk(const TempDir& dir, const std::string& size, const std::string& earlier,
                             const std::string& target, const std::vector<std::string>& args) {
    fs::create_directories(dir.path / "full");
    const std::string full = dir / "full";
    std::string cli = quote(kCli);
    for (std::string a : args) {
        if (auto p = a.find("FULL"); p != std::string::npos) a.replace(p, 4, full);
        cli += " " + quote(a);
    }
    std::string script = "mount -t tmpfs -o size=" + size + " tmpfs " + quote(full) + " || exit 90\n";
    if (!earlier.empty()) script += "cp " + quote(earlier) + " " + quote(full + "/" + target) + " || exit 91\n";
    script += cli + " >" + quote(dir / "out") + " 2>" + quote(dir / "err") + " </dev/null; echo $? >" +
              quote(dir / "rc") + "\n";
    script += "ls -A " + quote(full) + " >" + quote(dir / "ls") + "\n";
    if (!earlier.empty())
        script +=
            "cmp -s " + quote(earlier) + " " + quote(full + "/" + target) + "; echo $? >" + quote(dir / "cmp") + "\n";
    REQUIRE(sptest::sh("unshare -m sh -c " + quote(script)) == 0);
    FullDiskRun r;
    r.status = std::stoi(slurp(dir / "rc"));
    r.err = slurp(dir / "err");
    const std::string ls = slurp(dir / "ls");
    for (std::size_t b = 0, e; b < ls.size(); b = e + 1) {
        e = ls.find('\n', b);
        if (e == std::string::npos) e = ls.size();
        if (e > b) r.files.push_back(ls.substr(b, e - b));
    }
    r.earlier_untouched = !earlier.empty() && slurp(dir / "cmp") == "0\n";
    return r;
}

// A trace of a bigger run (400 KB as JSON), written where there is room.
std::string big_trace(const TempDir& dir) {
    const std::string out = dir / "big.json";
    REQUIRE(sptest::sh(quote(kCli) + " run " + quote(SENDPATH_SOURCE_DIR "/lessons/scenarios/02-new-segments.json") +
                       " -o " + quote(out) + " >/dev/null") == 0);
    return out;
}
std::string small_trace(const TempDir& dir) {
    const std::string out = dir / "small.json";
    REQUIRE(sptest::sh(quote(kCli) + " run " + quote(SENDPATH_SOURCE_DIR "/tests/scenarios/tail_append.json") + " -o " +
                       quote(out) + " >/dev/null") == 0);
    return out;
}

}  // namespace

TEST_CASE("disk full while run writes a trace: the file named, exit 1, the earlier trace untouched") {
    TMPFS_PRECONDITION();
    TempDir dir("sendpath-faults");
    const std::string earlier = small_trace(dir);
    const FullDiskRun r =
        run_on_full_disk(dir, "128k", earlier, "t.json",
                         {"run", SENDPATH_SOURCE_DIR "/lessons/scenarios/02-new-segments.json", "-o", "FULL/t.json"});
    CHECK(r.status == 1);
    CHECK(has(r.err, dir / "full/t.json"));
    CHECK(has(r.err, "No space left on device"));
    CHECK(r.files == std::vector<std::string>{"t.json"});  // no temporary file left beside it
    CHECK(r.earlier_untouched);
}

TEST_CASE("disk full while run writes a new trace: no file under its name, none left beside it") {
    TMPFS_PRECONDITION();
    TempDir dir("sendpath-faults");
    const FullDiskRun r =
        run_on_full_disk(dir, "64k", "", "",
                         {"run", SENDPATH_SOURCE_DIR "/lessons/scenarios/02-new-segments.json", "-o", "FULL/t.cbor"});
    CHECK(r.status == 1);
    CHECK(has(r.err, dir / "full/t.cbor"));
    CHECK(r.files.empty());
}

TEST_CASE("disk full while export writes a pcap: the file named, exit 1, the earlier pcap untouched") {
    TMPFS_PRECONDITION();
    TempDir dir("sendpath-faults");
    const std::string big = big_trace(dir);
    const std::string earlier = dir / "earlier.pcap";
    REQUIRE(sptest::sh(quote(kCli) + " export " + quote(small_trace(dir)) + " -f pcap -o " + quote(earlier) +
                       " >/dev/null") == 0);
    const FullDiskRun r =
        run_on_full_disk(dir, "48k", earlier, "p.pcap", {"export", big, "-f", "pcap", "-o", "FULL/p.pcap"});
    CHECK(r.status == 1);
    CHECK(has(r.err, dir / "full/p.pcap"));
    CHECK(has(r.err, "No space left on device"));
    CHECK(r.files == std::vector<std::string>{"p.pcap"});
    CHECK(r.earlier_untouched);
}

TEST_CASE("disk full while grade writes the grades: the file named, exit 1, the earlier file untouched") {
    TMPFS_PRECONDITION();
    TempDir dir("sendpath-faults");
    // A class big enough that its grades do not fit in 16 KiB.
    std::string answers;
    for (int k = 0; k < 200; ++k) {
        const std::string f =
            dir.write("class/s" + std::to_string(k) + ".json",
                      "{\"lesson\": \"first-send\", \"student\": \"Student number " + std::to_string(k) +
                          " with a long name\", \"answers\": {\"room\": " + std::to_string(k) + "}}");
        (void)f;
    }
    const std::string earlier = dir.write("earlier.json", "{\"grades\": \"of last week\"}\n");
    const FullDiskRun r = run_on_full_disk(dir, "16k", earlier, "grades.json",
                                           {"grade", SENDPATH_SOURCE_DIR "/lessons/01-first-send.json", dir / "class",
                                            "--json", "-o", "FULL/grades.json"});
    CHECK(r.status == 1);
    CHECK(has(r.err, dir / "full/grades.json"));
    CHECK(r.files == std::vector<std::string>{"grades.json"});
    CHECK(r.earlier_untouched);
}

TEST_CASE("SIGINT while export writes a large trace: no partial file, under its name or beside it") {
    TempDir dir("sendpath-faults");
    // A 4 MiB transfer: a trace of some 20 MB, tens of milliseconds to write.
    const std::string scenario =
        dir.write("bulk.json", "{\"name\": \"bulk\", \"timeline\": [{\"send\": 4194304}], \"max_time_ms\": 60000}");
    const std::string big = dir / "big.json";
    REQUIRE(sptest::sh(quote(kCli) + " run " + quote(scenario) + " -o " + quote(big) + " >/dev/null") == 0);
    const std::string out = dir / "out.json";
    auto temporary_exists = [&] {
        for (const auto& e : fs::directory_iterator(dir.path))
            if (has(e.path().filename().string(), "out.json.tmp")) return true;
        return false;
    };
    int interrupted_while_writing = 0;
    for (int round = 0; round < 3; ++round) {
        fs::remove(out);
        // posix_spawn: the child gets SIGINT's default action (not this test's handler) from the start.
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        sigset_t def;
        sigemptyset(&def);
        sigaddset(&def, SIGINT);
        posix_spawnattr_setsigdefault(&attr, &def);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
        const std::vector<std::string> args{kCli, "export", big, "-f", "json", "-o", out};
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        pid_t pid = 0;
        REQUIRE(posix_spawn(&pid, kCli.c_str(), nullptr, &attr, argv.data(), environ) == 0);
        posix_spawnattr_destroy(&attr);
        // SIGINT as soon as the temporary file is there: the write has begun.
        int st = 0;
        bool exited = false;
        for (int k = 0; k < 100'000 && !temporary_exists(); ++k) {
            if (::waitpid(pid, &st, WNOHANG) == pid) {
                exited = true;
                break;
            }
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
        if (!exited) {
            ::kill(pid, SIGINT);
            REQUIRE(::waitpid(pid, &st, 0) == pid);
        }
        if (!exited && WIFSIGNALED(st)) ++interrupted_while_writing;
        // The target is whole (it checks) or absent; nothing else is left.
        CHECK_MESSAGE(!temporary_exists(), "a temporary file was left behind after SIGINT (round " << round << ")");
        if (fs::exists(out)) CHECK(sptest::sh(quote(kCli) + " check " + quote(out) + " >/dev/null") == 0);
    }
    // Else the test tried nothing: the write was never caught in progress.
    CHECK(interrupted_while_writing > 0);
}
