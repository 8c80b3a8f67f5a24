// How the TAP link hands frames to the device: batched through an io_uring
// (the default), with an SQPOLL kernel thread, or one write() per frame, the
// fallback when the kernel gives us no io_uring. Whichever way, the kernel
// gets the same bytes and the run replays to the same events.
#include <doctest/doctest.h>

#include <cstddef>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "run/tap_replay.hpp"
#include "tap/tap_support.hpp"

using namespace taptest;

namespace {

struct Seen {
    peer::TapWrites writes = peer::TapWrites::plain;
    std::string why;
    peer::TapCounters counters;
};

// Runs the scenario over a TapLink opened with `writes`; `seen` gets the
// link's state the last time the runner reported progress.
trace::Trace run_with(const Netns& ns, const nlohmann::json& j, peer::TapWrites writes, Seen& seen) {
    const lesson::Scenario sc = tap_scenario(j);
    InNetns in(ns.name());
    peer::TapLink* live = nullptr;
    engine::RunHooks hooks;
    hooks.make_tap_link = [&](const lesson::Scenario& s) -> std::unique_ptr<peer::Link> {
        peer::TapConfig cfg = peer::tap_config_for(s);
        cfg.writes = writes;
        auto l = std::make_unique<peer::TapLink>(cfg);
        live = l.get();
        return l;
    };
    hooks.progress = [&](int64_t, uint64_t) {
        if (!live) return;
        seen.writes = live->writes();
        seen.why = live->plain_writes_why();
        seen.counters = live->counters();
    };
    return engine::run_scenario(sc, engine::Options{}, hooks);
}

nlohmann::json transfer(int64_t bytes) {
    return {{"name", "writes"},
            {"timeline", nlohmann::json::array({{{"send", bytes}}, {{"close", true}}})},
            {"max_time_ms", 60000}};
}

// SENDPATH_TAP_WRITES overrides the mode a test sets: then the test says so and skips.
bool mode_forced_by_env() {
    const char* e = std::getenv("SENDPATH_TAP_WRITES");
    if (e) MESSAGE("skipped: SENDPATH_TAP_WRITES=" << e << " overrides the mode this test sets");
    return e != nullptr;
}

}  // namespace

TEST_CASE("batched, SQPOLL or plain writes: the kernel gets the same bytes, and the run replays to the same events") {
    TAP_TEST_PRECONDITION();
    if (mode_forced_by_env()) return;
    Netns ns;
    constexpr int64_t kBytes = 2 << 20;
    for (const auto mode : {peer::TapWrites::batched, peer::TapWrites::sqpoll, peer::TapWrites::plain}) {
        CAPTURE(static_cast<int>(mode));
        Receiver rx(ns);
        Seen seen;
        const trace::Trace t = run_with(ns, transfer(kBytes), mode, seen);
        const auto rep = rx.finish();
        CHECK(t.end_reason == "completed");
        CHECK(rep.bytes == kBytes);
        CHECK(rep.sha == pattern_sha(1, kBytes));
        const auto& c = seen.counters;
        CHECK(c.write_failed == 0);
        CHECK(c.frames_out > 100);  // the transfer was under way at the last report
        if (mode == peer::TapWrites::plain) {
            CHECK(seen.writes == peer::TapWrites::plain);
            CHECK(seen.why == "plain writes asked for");
            CHECK(c.ring_submits == 0);
        } else if (seen.writes == peer::TapWrites::plain) {
            MESSAGE("this kernel gives us no io_uring (" << seen.why << "): plain writes were used");
        } else {
            CHECK(seen.writes == mode);
            CHECK(seen.why.empty());
            CHECK(c.ring_submits > 0);
            // Fewer syscalls than plain writes would make: one per frame out, one per frame in.
            if (mode == peer::TapWrites::batched) CHECK(c.ring_submits * 2 < c.frames_out + c.frames_in);
        }
        // The same incoming frames at the same times: the same events.
        const trace::Trace again = peer::rerun_tap_trace(t);
        CHECK(again.end_reason == t.end_reason);
        CHECK(again.events == t.events);
        CHECK(again.changes == t.changes);
    }
}

#if defined(__x86_64__)
// A seccomp filter (as in containers that forbid io_uring) makes
// io_uring_setup() fail with EPERM: the link says why and writes plainly.
TEST_CASE("where io_uring is forbidden (seccomp EPERM), the link falls back to plain writes and the run completes") {
    TAP_TEST_PRECONDITION();
    if (mode_forced_by_env()) return;
    Netns ns;
    Receiver rx(ns);
    constexpr int64_t kBytes = 300000;
    // In a child: the filter stays there, and so does anything that goes wrong.
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        struct sock_filter f[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog {};
        prog.len = sizeof f / sizeof f[0];
        prog.filter = f;
        if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
            ::_exit(10);
        Seen seen;
        const trace::Trace t = run_with(ns, transfer(kBytes), peer::TapWrites::batched, seen);
        if (t.end_reason != "completed") ::_exit(11);
        if (seen.writes != peer::TapWrites::plain) ::_exit(12);
        if (seen.why != "io_uring_setup: " + std::string(std::strerror(EPERM))) ::_exit(13);
        if (seen.counters.ring_submits != 0 || seen.counters.frames_out < 100) ::_exit(14);
        ::_exit(0);
    }
    int st = 0;
    REQUIRE(::waitpid(pid, &st, 0) == pid);
    REQUIRE(WIFEXITED(st));
    // 10: no seccomp here; 11: the run failed; 12, 13: the ring was used anyway or the reason is wrong; 14: counters.
    CHECK(WEXITSTATUS(st) == 0);
    const auto rep = rx.finish();
    CHECK(rep.bytes == kBytes);
    CHECK(rep.sha == pattern_sha(1, kBytes));
}
#endif
