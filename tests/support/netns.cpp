#include "support/netns.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <sched.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace sptest {

bool have_net_admin() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("CapEff:", 0) == 0) return (std::strtoull(line.c_str() + 7, nullptr, 16) >> 12) & 1;
    return false;
}

bool enter_netns(const std::string& name) {
    const int fd = ::open(("/var/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::setns(fd, CLONE_NEWNET) == 0;
    ::close(fd);
    return ok;
}

// --- Netns

Netns::Deleter::~Deleter() {
    if (!name.empty()) sh("ip netns del " + name);
}

Netns::Netns(Options o) {
    static std::atomic<int> counter{0};
    name_ = !o.name.empty() ? o.name : "sp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    if (!run("ip netns add " + name_)) return;
    del_.name = name_;  // from here on, deleted whatever happens
    const std::string n = "ip -n " + name_ + " ";
    if (!run(n + "link set lo up") || !o.make_tap) return;
    const std::string dev = kTapDev;
    for (const std::string& cmd :
         {n + "tuntap add dev " + dev + " mode tap", n + "link set " + dev + " mtu " + std::to_string(o.mtu),
          n + "addr add " + kKernelIp + "/24 dev " + dev,
          exec() + "sysctl -qw net.ipv6.conf." + dev + ".disable_ipv6=1", n + "link set " + dev + " up"})
        if (!run(cmd)) return;
}

bool Netns::run(const std::string& cmd) {
    const int rc = sh(cmd);
    if (rc != 0 && error_.empty()) error_ = "failed (exit status " + std::to_string(rc) + "): " + cmd;
    return rc == 0;
}

// --- InNetns

InNetns::InNetns(const std::string& name) {
    old_ = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    ok_ = enter_netns(name);
}

InNetns::~InNetns() {
    if (old_ >= 0) {
        ::setns(old_, CLONE_NEWNET);
        ::close(old_);
    }
}

// --- Child

Child::Child(const std::string& ns, std::vector<std::string> argv, bool with_stderr) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) return;
    pid_ = ::fork();
    if (pid_ < 0) {
        ::close(p[0]);
        ::close(p[1]);
        return;
    }
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

Child::~Child() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
}

std::string Child::line(int timeout_ms) {
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

std::string Child::rest(int timeout_ms) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (read_more(end)) {}
    std::string s = std::move(buf_);
    buf_.clear();
    return s;
}

int Child::wait(int timeout_ms) {
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

bool Child::read_more(std::chrono::steady_clock::time_point end) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()).count();
    if (left <= 0 || out_ < 0) return false;
    struct pollfd pfd {
        out_, POLLIN, 0
    };
    if (::poll(&pfd, 1, static_cast<int>(left)) <= 0) return false;
    char b[4096];
    const ssize_t n = ::read(out_, b, sizeof b);
    if (n <= 0) return false;
    buf_.append(b, static_cast<std::size_t>(n));
    return true;
}

// --- Receiver

std::vector<std::string> Receiver::argv(const std::string& program, const std::string& listen,
                                        const std::vector<std::string>& extra, int timeout_s) {
    std::vector<std::string> a{program, "--listen", listen, "--timeout", std::to_string(timeout_s)};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

Receiver::Receiver(const std::string& program, const std::string& ns, const std::string& listen,
                   const std::vector<std::string>& extra, int timeout_s)
    : child_(ns, argv(program, listen, extra, timeout_s)) {
    if (!child_.ok()) {
        error_ = "cannot start " + program;
        return;
    }
    const std::string l = child_.line(5000);
    ok_ = l.rfind("listening", 0) == 0;
    if (!ok_) error_ = l;
}

Receiver::Report Receiver::finish(int timeout_ms) {
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

}  // namespace sptest
