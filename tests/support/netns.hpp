// Network namespaces for the TAP tests and bench_tap: a namespace with a TAP
// device and the kernel's address in it, the calling thread moved into one,
// programs started inside one (tap_receiver among them), shell commands.
//
// Every address lives only inside its namespace (10.99.0.0/24 by default):
// no traffic leaves it, and `ip netns del` removes devices, routes and
// sockets with it, also when a test fails (RAII).
//
// No doctest here, so that a bench can use these too: what can fail says so
// (ok(), error()) and the tests wrap it in REQUIRE (tests/tap/tap_support.hpp).
#pragma once

#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

#include "support/shell.hpp"

namespace sptest {

// The TAP set-up the tests and the bench share: the kernel's side of the link.
inline constexpr const char* kTapDev = "tap0";
inline constexpr const char* kKernelIp = "10.99.0.1";
inline constexpr int kKernelPort = 5001;

// Whether this process has CAP_NET_ADMIN (needed for namespaces and TAP devices).
bool have_net_admin();
// Moves the calling thread into the named namespace for good (a forked child,
// say); false if it cannot.
bool enter_netns(const std::string& name);

// A network namespace with lo up and, by default, a persistent TAP device
// (tap0) holding the kernel's address 10.99.0.1/24, up, without IPv6.
// Deleted with everything in it when the object goes.
class Netns {
public:
    struct Options {
        int mtu = 1500;
        bool make_tap = true;
        std::string name = {};  // "" = sp-PID-N, unique in this process
    };
    Netns() : Netns(Options{}) {}
    explicit Netns(Options o);
    Netns(const Netns&) = delete;
    Netns& operator=(const Netns&) = delete;

    // Whether every step of the set-up worked; else error() names the first that failed.
    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }
    const std::string& name() const { return name_; }
    // The prefix that runs a command inside: "ip netns exec NAME ".
    std::string exec() const { return "ip netns exec " + name_ + " "; }
    // Runs a shell command (usually `ip -n NAME ...` or exec() + ...); a
    // failure is kept as error() unless one came before. Returns whether it worked.
    bool run(const std::string& cmd);

private:
    // First member: destroyed also when a later one fails to construct.
    struct Deleter {
        std::string name;
        ~Deleter();
    } del_;
    std::string name_;
    std::string error_;
};

// The calling thread inside a namespace for the lifetime of the object, then
// back where it was.
class InNetns {
public:
    explicit InNetns(const std::string& name);
    ~InNetns();
    InNetns(const InNetns&) = delete;
    InNetns& operator=(const InNetns&) = delete;
    bool ok() const { return ok_; }

private:
    int old_ = -1;
    bool ok_ = false;
};

// A program started inside a namespace, its stdout (and stderr, if asked) on
// a pipe. The child enters the namespace itself, so pid() is the program's.
// Killed, if still running, when the object goes.
class Child {
public:
    Child(const std::string& ns, std::vector<std::string> argv, bool with_stderr = false);
    ~Child();
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    // Whether the pipe and the fork worked (the program itself may still fail to start).
    bool ok() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }
    // The next line of output, or "" at EOF / after timeout_ms.
    std::string line(int timeout_ms);
    // Everything until EOF (or timeout).
    std::string rest(int timeout_ms);
    // Exit status (128 + signal if killed), waiting at most timeout_ms; -1 if still running.
    int wait(int timeout_ms);

private:
    bool read_more(std::chrono::steady_clock::time_point end);

    pid_t pid_ = -1;
    int out_ = -1;
    std::string buf_;
};

// tap_receiver (tests/tap/receiver) listening inside a namespace: it prints
// "listening", then, when its peer is done, one line with the bytes it read,
// their SHA-256, the time from accept() to the last byte and how it ended.
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

    // program: the tap_receiver binary; listen: IP:PORT; extra: more options.
    Receiver(const std::string& program, const std::string& ns, const std::string& listen,
             const std::vector<std::string>& extra = {}, int timeout_s = 60);
    // Whether it started and listens; else error() has what it printed instead.
    bool ok() const { return ok_; }
    const std::string& error() const { return error_; }
    // Waits for its report line (at most timeout_ms), then for it to exit.
    Report finish(int timeout_ms = 30000);

private:
    static std::vector<std::string> argv(const std::string& program, const std::string& listen,
                                         const std::vector<std::string>& extra, int timeout_s);
    Child child_;
    bool ok_ = false;
    std::string error_;
};

}  // namespace sptest
