// tap_receiver: the kernel side of the TAP tests. A plain TCP server: it
// accepts one connection, reads everything until EOF and reports the byte
// count and SHA-256 of what it read, so a test can hold them against what the
// scenario sent.
//
//   tap_receiver --listen IP:PORT [--rcvbuf BYTES] [--slow BYTES_PER_S]
//                [--rst-after BYTES] [--timeout S] [--no-hash]
//   tap_receiver --check-caps      exit 77 (CTest: skipped) without CAP_NET_ADMIN
//
// stdout, one line each, flushed:
//   listening IP:PORT
//   bytes N sha256 HEX elapsed_us T end eof|reset|rst-sent|timeout
// elapsed_us runs from accept() to the last byte read. --slow reads in 1 ms
// ticks, BYTES_PER_S/1000 bytes each (the window closes, the sender waits).
// --rst-after closes with SO_LINGER 0 once that many bytes are read: the
// kernel sends an RST. --no-hash skips SHA-256 (sha256 -) so that a benchmark
// measures the transfer, not the hashing. Exit status 0 on EOF or a sent RST,
// 1 otherwise.
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "util/sha256.hpp"

namespace {

using clk = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& msg) {
    std::fprintf(stderr, "tap_receiver: %s\n", msg.c_str());
    std::exit(1);
}

// CAP_NET_ADMIN (bit 12) in the effective set, from /proc/self/status.
bool have_net_admin() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("CapEff:", 0) != 0) continue;
        const unsigned long long caps = std::strtoull(line.c_str() + 7, nullptr, 16);
        return (caps >> 12) & 1;
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    std::string listen_at;
    long long rcvbuf = 0, slow = 0, rst_after = -1, timeout_s = 120;
    bool hash = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto val = [&]() -> std::string {
            if (i + 1 >= argc) die(a + " needs a value");
            return argv[++i];
        };
        if (a == "--check-caps") {
            if (have_net_admin()) return 0;
            std::printf(
                "tap tests skipped: they need CAP_NET_ADMIN (run them as root, as CI does) to make a network "
                "namespace and a TAP device\n");
            return 77;
        }
        if (a == "--listen") listen_at = val();
        else if (a == "--rcvbuf") rcvbuf = std::atoll(val().c_str());
        else if (a == "--slow") slow = std::atoll(val().c_str());
        else if (a == "--rst-after") rst_after = std::atoll(val().c_str());
        else if (a == "--timeout") timeout_s = std::atoll(val().c_str());
        else if (a == "--no-hash") hash = false;
        else die("unknown argument " + a);
    }
    const auto colon = listen_at.rfind(':');
    if (colon == std::string::npos) die("--listen IP:PORT is required");
    struct sockaddr_in sin {};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(static_cast<uint16_t>(std::atoi(listen_at.c_str() + colon + 1)));
    if (::inet_pton(AF_INET, listen_at.substr(0, colon).c_str(), &sin.sin_addr) != 1) die("bad address " + listen_at);

    const int ls = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (ls < 0) die(std::string("socket: ") + std::strerror(errno));
    const int one = 1;
    ::setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (rcvbuf > 0) {
        // Before listen(): the accepted socket inherits it, and the window scale
        // in the SYN-ACK is chosen from it.
        const int v = static_cast<int>(rcvbuf);
        ::setsockopt(ls, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
    }
    if (::bind(ls, reinterpret_cast<sockaddr*>(&sin), sizeof sin) < 0)
        die("bind " + listen_at + ": " + std::strerror(errno));
    if (::listen(ls, 1) < 0) die(std::string("listen: ") + std::strerror(errno));
    std::printf("listening %s\n", listen_at.c_str());
    std::fflush(stdout);

    const auto give_up = clk::now() + std::chrono::seconds(timeout_s);
    auto ms_left = [&] {
        return static_cast<int>(std::max<long long>(
            0, std::chrono::duration_cast<std::chrono::milliseconds>(give_up - clk::now()).count()));
    };
    struct pollfd pl {
        ls, POLLIN, 0
    };
    if (::poll(&pl, 1, ms_left()) <= 0) {
        std::printf("bytes 0 sha256 - elapsed_us 0 end timeout\n");
        return 1;
    }
    const int c = ::accept4(ls, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) die(std::string("accept: ") + std::strerror(errno));
    const auto t_accept = clk::now();
    auto t_last = t_accept;

    sendpath::util::Sha256 sha;
    std::vector<uint8_t> buf(1 << 20);
    long long total = 0;
    const char* end = "eof";
    const long long per_tick = slow > 0 ? std::max<long long>(slow / 1000, 1) : static_cast<long long>(buf.size());
    for (;;) {
        long long want = per_tick;
        if (rst_after >= 0) want = std::min(want, rst_after - total);
        if (rst_after >= 0 && want <= 0) {
            struct linger lg {
                1, 0
            };
            ::setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            end = "rst-sent";
            break;
        }
        struct pollfd pc {
            c, POLLIN, 0
        };
        const int pr = ::poll(&pc, 1, ms_left());
        if (pr == 0) {
            end = "timeout";
            break;
        }
        const ssize_t n = ::recv(c, buf.data(), static_cast<std::size_t>(want), 0);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            end = errno == ECONNRESET ? "reset" : "error";
            break;
        }
        if (hash) sha.update(std::string_view(reinterpret_cast<const char*>(buf.data()), static_cast<std::size_t>(n)));
        total += n;
        t_last = clk::now();
        if (slow > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ::close(c);  // with SO_LINGER 0: the RST
    ::close(ls);
    const long long us = std::chrono::duration_cast<std::chrono::microseconds>(t_last - t_accept).count();
    std::printf("bytes %lld sha256 %s elapsed_us %lld end %s\n", total, hash ? sha.hex().c_str() : "-", us, end);
    std::fflush(stdout);
    return std::strcmp(end, "eof") == 0 || std::strcmp(end, "rst-sent") == 0 ? 0 : 1;
}
