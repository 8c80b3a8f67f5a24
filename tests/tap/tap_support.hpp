// Helpers for the TAP tests: a network namespace per test with a TAP device
// and the kernel's address in it, the kernel-side receiver (tap_receiver)
// started inside it (tests/support/netns.hpp, here with REQUIREs), and engine
// runs whose TAP link is opened inside it.
//
// Without CAP_NET_ADMIN nothing here can run: each test starts with
// TAP_TEST_PRECONDITION(), which prints why and returns (doctest has no
// "skipped"; the CTest test "tap: CAP_NET_ADMIN" shows as Skipped instead).
#pragma once

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "lesson/scenario.hpp"
#include "net/frame.hpp"
#include "peer/tap_link.hpp"
#include "run/runner.hpp"
#include "run/tap_setup.hpp"
#include "support/files.hpp"
#include "support/netns.hpp"
#include "support/pattern_sha.hpp"
#include "support/trace_query.hpp"
#include "trace/event.hpp"

#ifndef SENDPATH_TAP_RECEIVER
#define SENDPATH_TAP_RECEIVER SENDPATH_BINARY_DIR "/tests/tap/tap_receiver"
#endif

namespace taptest {

using namespace sendpath;

inline constexpr const char* kKernelIp = sptest::kKernelIp;
inline constexpr int kPort = sptest::kKernelPort;
inline constexpr const char* kDev = sptest::kTapDev;

using sptest::count;
using sptest::find_all;
using sptest::send_rets;
using sptest::sh;
using sptest::sh_out;

// Why these tests cannot run here, or "" if they can.
inline std::string cannot_run() {
    if (!sptest::have_net_admin()) return "the TAP tests need CAP_NET_ADMIN (run them as root, as CI does)";
    if (::access("/dev/net/tun", R_OK | W_OK) != 0) return "/dev/net/tun is missing or not usable";
    if (std::system("ip -V >/dev/null 2>&1") != 0) return "the ip command (iproute2) is missing";
    return {};
}

#define TAP_TEST_PRECONDITION()                                   \
    do {                                                          \
        if (auto why_ = ::taptest::cannot_run(); !why_.empty()) { \
            MESSAGE("skipped: " << why_);                         \
            return;                                               \
        }                                                         \
    } while (0)

// The namespace helpers of tests/support/netns.hpp, each set-up step a
// REQUIRE: a test stops where its world could not be made.

// A network namespace with lo up and, by default, tap0 holding 10.99.0.1/24.
class Netns : public sptest::Netns {
public:
    Netns() : Netns(Options{}) {}
    explicit Netns(Options o) : sptest::Netns(std::move(o)) { REQUIRE_MESSAGE(ok(), error()); }
};

// The calling thread inside a namespace for the lifetime of the object.
class InNetns : public sptest::InNetns {
public:
    explicit InNetns(const std::string& name) : sptest::InNetns(name) {
        REQUIRE_MESSAGE(ok(), "cannot enter " << name);
    }
};

// A program started inside the namespace with its output on a pipe.
class Child : public sptest::Child {
public:
    Child(const std::string& ns, std::vector<std::string> argv, bool with_stderr = false)
        : sptest::Child(ns, std::move(argv), with_stderr) {
        REQUIRE_MESSAGE(ok(), "cannot start a child process");
    }
};

// tap_receiver on 10.99.0.1:5001 inside the namespace, listening when constructed.
class Receiver : public sptest::Receiver {
public:
    explicit Receiver(const Netns& ns, std::vector<std::string> args = {}, const std::string& ip = kKernelIp)
        : sptest::Receiver(SENDPATH_TAP_RECEIVER, ns.name(), ip + ":" + std::to_string(kPort), args) {
        REQUIRE_MESSAGE(ok(), "tap_receiver did not start: " << error());
    }
};

using sptest::pattern_sha;

inline lesson::Scenario tap_scenario(nlohmann::json j) {
    if (!j.contains("name")) j["name"] = "tap test";
    auto sc = lesson::scenario_from_json(j, "<tap test scenario>");
    sc.peer.type = "tap";
    sc.peer.dev = kDev;
    sc.peer.connect = std::string(kKernelIp) + ":" + std::to_string(kPort);
    return sc;
}

// Runs the scenario with the engine in this process, its TAP link opened
// inside the namespace (the whole run stays there: nothing else is touched).
inline trace::Trace run_tap(const Netns& ns, const nlohmann::json& j, engine::RunStats* stats = nullptr,
                            engine::Options opt = {}) {
    const lesson::Scenario sc = tap_scenario(j);
    InNetns in(ns.name());
    engine::RunHooks hooks;
    hooks.make_tap_link = peer::make_tap_link;
    return engine::run_scenario(sc, opt, hooks, stats);
}

struct FrameView {
    const trace::Frame* f;
    std::optional<net::ParsedFrame> p;
    std::vector<uint8_t> bytes;  // a copy: the trace may put a frame together in scratch memory
};

inline std::vector<FrameView> parsed_frames(const trace::Trace& t) {
    std::vector<FrameView> v;
    std::vector<uint8_t> scratch;
    for (const auto& f : t.frames) {
        const auto bytes = t.frame_data(f, scratch);
        FrameView fv{&f, std::nullopt, {bytes.begin(), bytes.end()}};
        std::string why;
        fv.p = net::parse_frame(fv.bytes, &why);
        v.push_back(std::move(fv));
    }
    return v;
}

// The tshark check of the issue: prints nothing for a clean capture.
// Returns its output, or nullopt if tshark is not installed.
inline std::optional<std::string> tshark_problems(const std::string& pcap) {
    if (sh("command -v tshark >/dev/null 2>&1") != 0) return std::nullopt;
    return sh_out("tshark -r '" + pcap +
                  "' -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE "
                  "-Y '_ws.malformed || tcp.checksum.status==0 || ip.checksum.status==0' 2>/dev/null");
}

// A file of this test process, in a directory removed when it ends.
inline std::string temp_path(const std::string& leaf) {
    static const sptest::TempDir d("sendpath-tap-test");
    return d / leaf;
}

}  // namespace taptest
