// Helpers for the TAP tests: a network namespace per test with a TAP device
// and the kernel's address in it, the kernel-side receiver (tap_receiver)
// started inside it, and engine runs whose TAP link is opened inside it.
//
// Every address lives only inside the namespace (10.99.0.0/24): no traffic
// leaves it, and `ip netns del` removes device, routes and sockets with it,
// also when a test fails (RAII).
//
// Without CAP_NET_ADMIN nothing here can run: each test starts with
// TAP_TEST_PRECONDITION(), which prints why and returns (doctest has no
// "skipped"; the CTest test "tap: CAP_NET_ADMIN" shows as Skipped instead).
#pragma once

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <sched.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <doctest/doctest.h>

#include "lesson/scenario.hpp"
#include "net/frame.hpp"
#include "peer/tap_link.hpp"
#include "run/runner.hpp"
#include "run/tap_setup.hpp"
#include "tap/sha256.hpp"
#include "trace/event.hpp"

#ifndef SENDPATH_TAP_RECEIVER
#define SENDPATH_TAP_RECEIVER SENDPATH_BINARY_DIR "/tests/tap/tap_receiver"
#endif

namespace taptest {

using namespace sendpath;

inline constexpr const char* kKernelIp = "10.99.0.1";
inline constexpr int kPort = 5001;
inline constexpr const char* kDev = "tap0";

inline bool have_net_admin() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("CapEff:", 0) == 0) return (std::strtoull(line.c_str() + 7, nullptr, 16) >> 12) & 1;
    return false;
}

// Why these tests cannot run here, or "" if they can.
inline std::string cannot_run() {
    if (!have_net_admin()) return "the TAP tests need CAP_NET_ADMIN (run them as root, as CI does)";
    if (::access("/dev/net/tun", R_OK | W_OK) != 0) return "/dev/net/tun is missing or not usable";
    if (std::system("ip -V >/dev/null 2>&1") != 0) return "the ip command (iproute2) is missing";
    return {};
}

#define TAP_TEST_PRECONDITION()                                        \
    do {                                                               \
        if (auto why_ = ::taptest::cannot_run(); !why_.empty()) {     \
            MESSAGE("skipped: " << why_);                              \
            return;                                                    \
        }                                                              \
    } while (0)

// Runs a shell command; returns its exit status (-1 if it did not run).
inline int sh(const std::string& cmd) {
    const int r = std::system(cmd.c_str());
    return r == -1 ? -1 : WIFEXITED(r) ? WEXITSTATUS(r) : 128 + WTERMSIG(r);
}

// Output of a shell command.
inline std::string sh_out(const std::string& cmd) {
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
        ::pclose(p);
    }
    return out;
}

// A network namespace with lo up and, by default, a persistent TAP device
// tap0 holding the kernel's address 10.99.0.1/24, up, without IPv6.
class Netns {
public:
    struct Options {
        int mtu = 1500;
        bool make_tap = true;
    };
    Netns() : Netns(Options{}) {}
    explicit Netns(Options o) {
        static std::atomic<int> counter{0};
        name_ = "sp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
        REQUIRE(sh("ip netns add " + name_) == 0);
        del_.name = name_;  // from here on, deleted whatever happens
        REQUIRE(sh("ip -n " + name_ + " link set lo up") == 0);
        if (!o.make_tap) return;
        const std::string n = "ip -n " + name_ + " ";
        REQUIRE(sh(n + "tuntap add dev " + kDev + " mode tap") == 0);
        REQUIRE(sh(n + "link set " + kDev + " mtu " + std::to_string(o.mtu)) == 0);
        REQUIRE(sh(n + "addr add " + kKernelIp + "/24 dev " + kDev) == 0);
        REQUIRE(sh(exec() + "sysctl -qw net.ipv6.conf." + kDev + ".disable_ipv6=1") == 0);
        REQUIRE(sh(n + "link set " + kDev + " up") == 0);
    }
    Netns(const Netns&) = delete;
    Netns& operator=(const Netns&) = delete;

    const std::string& name() const { return name_; }
    std::string exec() const { return "ip netns exec " + name_ + " "; }

private:
    // First member: destroyed also when the constructor fails half-way.
    struct Deleter {
        std::string name;
        ~Deleter() {
            if (!name.empty()) sh("ip netns del " + name);
        }
    } del_;
    std::string name_;
};

// The calling thread inside a namespace for the lifetime of the object.
class InNetns {
public:
    explicit InNetns(const std::string& name) {
        old_ = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        const int fd = ::open(("/var/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
        REQUIRE(fd >= 0);
        const int r = ::setns(fd, CLONE_NEWNET);
        ::close(fd);
        REQUIRE(r == 0);
    }
    ~InNetns() {
        if (old_ >= 0) {
            ::setns(old_, CLONE_NEWNET);
            ::close(old_);
        }
    }
    InNetns(const InNetns&) = delete;
    InNetns& operator=(const InNetns&) = delete;

private:
    int old_ = -1;
};

// Starts a program inside the namespace with stdout (and stderr, if asked)
// on a pipe. The child enters the namespace itself, so pid is the program's.
class Child {
public:
    Child(const std::string& ns, std::vector<std::string> argv, bool with_stderr = false) {
        int p[2];
        REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            const int fd = ::open(("/var/run/netns/" + ns).c_str(), O_RDONLY);
            if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) ::_exit(126);
            ::dup2(p[1], 1);
            if (with_stderr) ::dup2(p[1], 2);
            std::vector<char*> a;
            for (auto& s : argv) a.push_back(s.data());
            a.push_back(nullptr);
            ::execv(a[0], a.data());
            ::_exit(127);
        }
        ::close(p[1]);
        out_ = p[0];
    }
    ~Child() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (out_ >= 0) ::close(out_);
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return pid_; }

    // The next line of output, or "" at EOF / after timeout_ms.
    std::string line(int timeout_ms) {
        const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        for (;;) {
            if (auto nl = buf_.find('\n'); nl != std::string::npos) {
                std::string l = buf_.substr(0, nl);
                buf_.erase(0, nl + 1);
                return l;
            }
            if (!read_more(end)) return {};
        }
    }
    // Everything until EOF (or timeout).
    std::string rest(int timeout_ms) {
        const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        while (read_more(end)) {
        }
        std::string s = std::move(buf_);
        buf_.clear();
        return s;
    }
    // Exit status (128 + signal if killed), waiting at most timeout_ms; -1 if still running.
    int wait(int timeout_ms) {
        const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        for (;;) {
            int st = 0;
            const pid_t r = ::waitpid(pid_, &st, WNOHANG);
            if (r == pid_) {
                pid_ = -1;
                return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            }
            if (std::chrono::steady_clock::now() >= end) return -1;
            ::usleep(2000);
        }
    }

private:
    bool read_more(std::chrono::steady_clock::time_point end) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()).count();
        if (left <= 0) return false;
        struct pollfd pfd {out_, POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(left)) <= 0) return false;
        char b[4096];
        const ssize_t n = ::read(out_, b, sizeof b);
        if (n <= 0) return false;
        buf_.append(b, static_cast<std::size_t>(n));
        return true;
    }

    pid_t pid_ = -1;
    int out_ = -1;
    std::string buf_;
};

// tap_receiver on 10.99.0.1:5001 inside the namespace, listening when constructed.
class Receiver {
public:
    struct Report {
        long long bytes = -1;
        std::string sha;
        long long elapsed_us = 0;
        std::string end;  // eof, reset, rst-sent, timeout, error
        int status = -1;
        std::string text;
    };

    explicit Receiver(const Netns& ns, std::vector<std::string> args = {}, const std::string& ip = kKernelIp)
        : child_(ns.name(), argv(std::move(args), ip)) {
        const std::string l = child_.line(5000);
        REQUIRE_MESSAGE(l.rfind("listening", 0) == 0, "tap_receiver did not start: " << l);
    }

    Report finish(int timeout_ms = 30000) {
        Report r;
        r.text = child_.line(timeout_ms);
        std::istringstream in(r.text);
        std::string k;
        while (in >> k) {
            if (k == "bytes") in >> r.bytes;
            else if (k == "sha256") in >> r.sha;
            else if (k == "elapsed_us") in >> r.elapsed_us;
            else if (k == "end") in >> r.end;
        }
        r.status = child_.wait(5000);
        return r;
    }

private:
    static std::vector<std::string> argv(std::vector<std::string> extra, const std::string& ip) {
        std::vector<std::string> a{SENDPATH_TAP_RECEIVER, "--listen", ip + ":" + std::to_string(kPort), "--timeout", "60"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
    Child child_;
};

// SHA-256 of the bytes send() call `call` sends when the scenario gives no data.
inline std::string pattern_sha(uint32_t call, uint64_t n) {
    test::Sha256 h;
    std::vector<uint8_t> chunk(64);
    for (std::size_t i = 0; i < 64; ++i) chunk[i] = lesson::payload_byte(call, i);  // the pattern repeats every 64 bytes
    for (uint64_t off = 0; off < n; off += 64) h.update(chunk.data(), static_cast<std::size_t>(std::min<uint64_t>(64, n - off)));
    return h.hex();
}

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

inline std::size_t count(const trace::Trace& t, trace::Kind k) {
    std::size_t n = 0;
    for (const auto& e : t.events) n += e.kind == k;
    return n;
}

inline std::vector<std::size_t> find(const trace::Trace& t, trace::Kind k) {
    std::vector<std::size_t> v;
    for (std::size_t i = 0; i < t.events.size(); ++i)
        if (t.events[i].kind == k) v.push_back(i);
    return v;
}

// send() call results, in order.
inline std::vector<int64_t> send_rets(const trace::Trace& t) {
    std::vector<int64_t> v;
    for (auto i : find(t, trace::Kind::sendmsg_exit)) v.push_back(t.arg(i, trace::Arg::ret));
    return v;
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
    return sh_out("tshark -r '" + pcap + "' -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE "
                  "-Y '_ws.malformed || tcp.checksum.status==0 || ip.checksum.status==0' 2>/dev/null");
}

inline std::string temp_path(const std::string& leaf) {
    return std::string(SENDPATH_BINARY_DIR) + "/tests/tap/" + std::to_string(::getpid()) + "-" + leaf;
}

}  // namespace taptest
