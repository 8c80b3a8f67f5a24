// Goodput from the engine to the Linux kernel over a TAP device (tracing on
// and off), beside the kernel's own TCP over a veth pair with TSO, GSO and GRO
// off (so both move 1448-byte segments), in the same run. A third row lets the
// engine model a TSO device (device.tso): each skb leaves as one frame of up
// to 64 KB, which the kernel takes whole, so the TAP sees ~45x fewer writes.
// The link hands frames to the TAP in batches through an io_uring; the last
// two rows show the fallback (one write() per frame) and the SQPOLL ring
// (TapWrites in peer/tap_link.hpp).
// Run by hand, as root (README "TAP", scripts/tap-bench.sh):
//
//   build/tests/bench/bench_tap [MiB=64] [runs=3]
//   build/tests/bench/bench_tap MiB runs --loss PERCENT [--newreno-only]
//
// With --loss, iptables drops that share of the TCP segments without SYN in
// both directions on the receiver's side of each path (random, so every run
// loses different segments), and the rows are the kernel's own sender and
// the engine with SACK offered (the kernel agrees; the engine does not read
// SACK blocks yet) and with SACK off (NewReno). It prints each sender's time,
// its ratio to the kernel's, the engine's timeouts, fast recoveries and
// retransmissions, and whether the SHA-256 the receiver computed matches.
//
// Everything happens inside three network namespaces it makes and deletes
// (sp-bench-PID-tap, -a, -b; addresses 10.99.0.0/24 and 10.99.1.0/24 inside
// them only). The receiver is tap_receiver --no-hash on both paths, and its
// time from accept() to the last byte read is what goodput is computed from.
#include <arpa/inet.h>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <map>
#include <net/if.h>
#include <netinet/in.h>
#include <memory>
#include <sstream>
#include <string>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "bench_support.hpp"
#include "lesson/scenario.hpp"
#include "peer/tap_link.hpp"
#include "run/runner.hpp"
#include "run/tap_setup.hpp"
#include "support/loss_audit.hpp"
#include "support/netns.hpp"
#include "support/pattern_sha.hpp"
#include "support/shell.hpp"
#include "trace/replay.hpp"
#include "trace/trace_io.hpp"

// Last: its macros (TCP_INFO, and names such as TCPOPT_SACK that core/net also
// declares) must not reach the project's headers.
#include <netinet/tcp.h>

#ifndef SENDPATH_TAP_RECEIVER
#error "SENDPATH_TAP_RECEIVER must name the tap_receiver program"
#endif

using namespace sendpath;
using namespace sendpath::bench;

namespace {

void must(const std::string& cmd) {
    if (sptest::sh(cmd) != 0) die("bench_tap: failed: " + cmd);
}

// Turns a legacy ethtool offload flag off (ethtool -K DEV tso off ...), inside the current namespace.
bool offload_off(const std::string& dev, uint32_t set_cmd, uint32_t get_cmd) {
    const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr {};
    std::strncpy(ifr.ifr_name, dev.c_str(), IFNAMSIZ - 1);
    struct ethtool_value v {
        set_cmd, 0
    };
    ifr.ifr_data = reinterpret_cast<char*>(&v);
    ::ioctl(s, SIOCETHTOOL, &ifr);
    struct ethtool_value g {
        get_cmd, 1
    };
    ifr.ifr_data = reinterpret_cast<char*>(&g);
    const bool ok = ::ioctl(s, SIOCETHTOOL, &ifr) == 0 && g.data == 0;
    ::close(s);
    return ok;
}

// tap_receiver --no-hash inside a namespace; report() waits for its last
// line: bytes read and microseconds from accept to the last byte.
class Receiver {
public:
    Receiver(const std::string& ns, const std::string& at, bool hash = false)
        : rx_(SENDPATH_TAP_RECEIVER, ns, at, hash ? std::vector<std::string>{} : std::vector<std::string>{"--no-hash"},
              600) {
        if (!rx_.ok()) die("bench_tap: the receiver did not start");
    }
    std::pair<long long, long long> report() {
        last_ = rx_.finish(600000);
        return {last_.bytes, last_.text.empty() ? -1 : last_.elapsed_us};
    }
    const std::string& sha() const { return last_.sha; }

private:
    sptest::Receiver rx_;
    sptest::Receiver::Report last_;
};

// Random loss of percent % of the TCP segments without SYN, both ways, in a namespace.
void add_loss(const std::string& ns, double percent) {
    char p[32];
    std::snprintf(p, sizeof p, "%.4f", percent / 100);
    for (const char* chain : {"INPUT", "OUTPUT"})
        must("ip netns exec " + ns + " iptables -A " + chain +
             " -p tcp --tcp-flags SYN NONE -m statistic --mode random --probability " + p + " -j DROP");
}

// A namespace's counters from a /proc/net file of "Prefix: names" and
// "Prefix: values" line pairs (snmp's "Tcp:", netstat's "TcpExt:"), by name.
std::map<std::string, long long> netns_counters(const std::string& ns, const std::string& file,
                                                const std::string& prefix) {
    std::istringstream in(sptest::sh_out("ip netns exec " + ns + " cat " + file));
    std::vector<std::vector<std::string>> rows;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(prefix, 0) != 0) continue;
        std::istringstream words(line.substr(prefix.size()));
        rows.emplace_back(std::istream_iterator<std::string>(words), std::istream_iterator<std::string>());
    }
    std::map<std::string, long long> c;
    if (rows.size() < 2) return c;
    for (std::size_t i = 0; i < rows[0].size() && i < rows[1].size(); ++i) c[rows[0][i]] = std::stoll(rows[1][i]);
    return c;
}

// The receiver's namespace's TCP counters (/proc/net/snmp): segments in
// (data, for a receiver) and out (its ACKs). Their growth over a run says how
// many data segments each ACK answered.
struct TcpSegs {
    long long in = 0, out = 0;
};
TcpSegs tcp_segs(const std::string& ns) {
    auto c = netns_counters(ns, "/proc/net/snmp", "Tcp:");
    return {c["InSegs"], c["OutSegs"]};
}
// Data segments per ACK between two readings, 0 if no ACK went out.
double segs_per_ack(const TcpSegs& before, const TcpSegs& after) {
    return after.out > before.out ? double(after.in - before.in) / double(after.out - before.out) : 0;
}

struct Sample {
    double mb_s = 0;    // goodput, 1e6 bytes per second, from the receiver's time
    double cpu_s = 0;   // CPU time of sender and receiver together (kernel work in their syscalls included)
    double wall_s = 0;  // the sender's whole run (engine: set-up, ARP and handshake included)
    uint64_t events = 0;
    uint64_t frames = 0;
    // Timeouts, fast recoveries and retransmissions: the engine's from its trace (with tracing), the
    // kernel's sender's from its namespace's counters (TcpExt TCPTimeouts, TCPSackRecovery +
    // TCPRenoRecovery, Tcp RetransSegs).
    std::size_t timeouts = 0, recoveries = 0, retransmits = 0;
    // Data segments the receiver took in per segment (ACK) it sent back.
    double segs_per_ack = 0;
    // The sender's congestion window, in segments, averaged over samples: the
    // engine's at each transmission (from the trace), the kernel's from
    // TCP_INFO every 200 us while data is unacknowledged. The largest sample beside it.
    double cwnd_mean = 0;
    long cwnd_max = 0;
    // With tracing: why each timeout fired (tests/support/loss_audit.hpp).
    std::vector<sptest::TimeoutAudit> audit;
    bool sha_ok = true;  // only checked when the receiver hashed
};

// How the link wrote its frames in the last engine run (it falls back to
// plain write() where the kernel gives no io_uring), and why if plainly.
peer::TapWrites g_writes_used = peer::TapWrites::plain;
std::string g_plain_why;

Sample engine_over_tap(const std::string& ns, int64_t bytes, bool tracing, bool tso = false,
                       peer::TapWrites writes = peer::TapWrites::batched, bool sack = true, bool hash = false) {
    nlohmann::json j = {
        {"name", "bench_tap"},        {"device", {{"tso", tso}}},
        {"socket", {{"sack", sack}}}, {"timeline", nlohmann::json::array({{{"send", bytes}}, {{"close", true}}})},
        {"drain_ms", 60000},          {"max_time_ms", 600000}};
    lesson::Scenario sc = lesson::scenario_from_json(j, "bench_tap");
    sc.peer.type = "tap";
    sc.peer.dev = "tap0";
    sc.peer.connect = "10.99.0.1:5001";
    engine::Options opt;
    opt.trace = tracing;
    engine::RunHooks hooks;
    hooks.make_tap_link = [&](const lesson::Scenario& s) -> std::unique_ptr<peer::Link> {
        peer::TapConfig cfg = peer::tap_config_for(s);
        cfg.writes = writes;
        auto link = std::make_unique<peer::TapLink>(cfg);
        g_writes_used = link->writes();
        g_plain_why = link->plain_writes_why();
        return link;
    };

    Receiver rx(ns, "10.99.0.1:5001", hash);
    const TcpSegs seg0 = tcp_segs(ns);
    engine::RunStats st;
    double c0 = 0, k0 = 0, c1 = 0;
    clk::time_point t0, t1;
    trace::Trace t;
    {
        const sptest::InNetns in(ns);
        if (!in.ok()) std::exit(1);
        c0 = cpu_seconds(RUSAGE_SELF);
        k0 = cpu_seconds(RUSAGE_CHILDREN);
        t0 = clk::now();
        t = engine::run_scenario(sc, opt, hooks, &st);
        t1 = clk::now();
        c1 = cpu_seconds(RUSAGE_SELF);
    }
    const auto [got, us] = rx.report();
    const TcpSegs seg1 = tcp_segs(ns);
    const double k1 = cpu_seconds(RUSAGE_CHILDREN);
    if (got != bytes || (tracing && t.end_reason != "completed")) {
        std::fprintf(stderr, "bench_tap: engine run: %lld of %lld bytes, %s\n", got, static_cast<long long>(bytes),
                     t.end_reason.c_str());
        std::exit(1);
    }
    Sample s;
    s.mb_s = static_cast<double>(bytes) / static_cast<double>(us);
    s.wall_s = std::chrono::duration<double>(t1 - t0).count();
    s.cpu_s = (c1 - c0) + (k1 - k0);
    s.events = st.events;
    s.frames = t.frames.size();
    for (const auto& e : t.events) {
        s.timeouts += e.kind == trace::Kind::rto_fire;
        s.recoveries += e.kind == trace::Kind::enter_recovery;
        s.retransmits += e.kind == trace::Kind::retransmit;
    }
    if (tracing) {
        s.audit = sptest::audit_timeouts(t);
        trace::Replay replay(t);
        double sum = 0;
        long n = 0;
        for (std::size_t i = 1; i < t.events.size(); ++i) {
            if (t.events[i].kind != trace::Kind::transmit) continue;
            const long cwnd = static_cast<long>(replay.seek(i - 1).sk.snd_cwnd);
            sum += static_cast<double>(cwnd);
            s.cwnd_max = std::max(s.cwnd_max, cwnd);
            ++n;
        }
        s.cwnd_mean = n ? sum / static_cast<double>(n) : 0;
    }
    // A timeout the audit cannot explain: keep the trace to look into.
    for (const auto& a : s.audit)
        if (a.cause == sptest::TimeoutCause::evidence_missed) {
            static int kept = 0;
            const std::string path =
                "/tmp/bench_tap-unexplained-" + std::to_string(::getpid()) + "-" + std::to_string(++kept) + ".cbor";
            trace::save_trace(t, path, trace::TraceFormat::cbor);
            std::printf("\n  (timeout at event %zu not explained: trace kept in %s)\n", a.event, path.c_str());
            break;
        }
    s.segs_per_ack = segs_per_ack(seg0, seg1);
    if (hash) s.sha_ok = rx.sha() == sptest::pattern_sha(1, static_cast<uint64_t>(bytes));
    return s;
}

// fatal = false: a transfer that did not finish in the receiver's time is
// reported with mb_s = 0 instead of ending the bench (heavy random loss).
Sample kernel_over_veth(const std::string& ns_a, const std::string& ns_b, int64_t bytes, bool fatal = true) {
    Receiver rx(ns_b, "10.99.1.2:5001", false);
    const TcpSegs seg0 = tcp_segs(ns_b);
    auto ext0 = netns_counters(ns_a, "/proc/net/netstat", "TcpExt:");
    auto tcp0 = netns_counters(ns_a, "/proc/net/snmp", "Tcp:");
    int cwnd_pipe[2];
    if (::pipe(cwnd_pipe) != 0) std::exit(1);
    const double k0 = cpu_seconds(RUSAGE_CHILDREN);
    const auto t0 = clk::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(cwnd_pipe[0]);
        if (!sptest::enter_netns(ns_a)) ::_exit(126);
        const int s = ::socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sin {};
        sin.sin_family = AF_INET;
        sin.sin_port = htons(5001);
        ::inet_pton(AF_INET, "10.99.1.2", &sin.sin_addr);
        if (::connect(s, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) ::_exit(2);
        // A second thread reads TCP_INFO every 200 us while the sender
        // writes 1 MiB at a time, until everything is acknowledged: the
        // window the kernel's sender kept, without slowing what it sends.
        std::atomic<bool> written{false};
        double sum = 0;
        long samples = 0, most = 0;
        std::thread sampler([&] {
            const auto give_up = clk::now() + std::chrono::seconds(600);
            for (;;) {
                struct tcp_info ti {};
                socklen_t len = sizeof ti;
                if (::getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0) break;
                if (ti.tcpi_unacked > 0) {
                    sum += ti.tcpi_snd_cwnd;
                    most = std::max<long>(most, ti.tcpi_snd_cwnd);
                    ++samples;
                }
                if ((written && ti.tcpi_unacked == 0) || clk::now() > give_up) break;
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
        });
        std::vector<char> buf(1 << 20, 'k');
        int64_t left = bytes;
        while (left > 0) {
            const ssize_t n = ::write(s, buf.data(), static_cast<std::size_t>(std::min<int64_t>(left, buf.size())));
            if (n <= 0) ::_exit(3);
            left -= n;
        }
        written = true;
        sampler.join();
        ::close(s);
        char line[64];
        const int w = std::snprintf(line, sizeof line, "%.3f %ld\n", samples ? sum / double(samples) : 0.0, most);
        if (::write(cwnd_pipe[1], line, static_cast<std::size_t>(w)) != w) ::_exit(4);
        ::_exit(0);
    }
    ::close(cwnd_pipe[1]);
    char line[64] = {};
    const ssize_t got_line = ::read(cwnd_pipe[0], line, sizeof line - 1);
    ::close(cwnd_pipe[0]);
    int st = 0;
    ::waitpid(pid, &st, 0);
    const auto t1 = clk::now();
    const auto [got, us] = rx.report();
    const TcpSegs seg1 = tcp_segs(ns_b);
    const double k1 = cpu_seconds(RUSAGE_CHILDREN);
    if (got != bytes) {
        std::fprintf(stderr, "bench_tap: kernel run: %lld of %lld bytes\n", got, static_cast<long long>(bytes));
        if (fatal) std::exit(1);
        return Sample{};
    }
    Sample s;
    s.mb_s = static_cast<double>(bytes) / static_cast<double>(us);
    s.wall_s = std::chrono::duration<double>(t1 - t0).count();
    s.cpu_s = k1 - k0;
    s.segs_per_ack = segs_per_ack(seg0, seg1);
    if (got_line > 0) std::sscanf(line, "%lf %ld", &s.cwnd_mean, &s.cwnd_max);
    // The sender's own count of timeouts and recoveries, from its namespace.
    auto ext1 = netns_counters(ns_a, "/proc/net/netstat", "TcpExt:");
    s.timeouts = static_cast<std::size_t>(ext1["TCPTimeouts"] - ext0["TCPTimeouts"]);
    s.recoveries = static_cast<std::size_t>(ext1["TCPSackRecovery"] - ext0["TCPSackRecovery"] +
                                            ext1["TCPRenoRecovery"] - ext0["TCPRenoRecovery"]);
    auto tcp1 = netns_counters(ns_a, "/proc/net/snmp", "Tcp:");
    s.retransmits = static_cast<std::size_t>(tcp1["RetransSegs"] - tcp0["RetransSegs"]);
    return s;
}

// The --loss comparison: the kernel over veth and the engine over TAP, the
// same random loss on both, run by run.
int run_loss(const sptest::Netns& tap_ns, const sptest::Netns& ns_a, const sptest::Netns& ns_b, int64_t bytes, int runs,
             double percent, bool newreno_only) {
    add_loss(tap_ns.name(), percent);
    add_loss(ns_b.name(), percent);
    std::printf("bench_tap --loss %.1f%%: %lld bytes per run, %d runs; seconds from accept to the last byte read\n",
                percent, static_cast<long long>(bytes), runs);
    struct LossRow {
        const char* name;
        bool sack;
        std::vector<double> s;
        std::size_t timeouts = 0, recoveries = 0, retransmits = 0;
        std::vector<sptest::TimeoutAudit> audit{};
        bool sha_ok = true;
    };
    std::vector<double> kern, kern_nosack, kern_classic;
    std::vector<LossRow> rows = {{"engine over TAP, SACK agreed (SACK + FACK)", true, {}},
                                 {"engine over TAP, SACK off (NewReno)", false, {}}};
    if (newreno_only) rows.erase(rows.begin());
    for (int r = 0; r < runs; ++r) {
        // A kernel run that does not finish in the receiver's time counts as that time.
        auto secs = [&](const Sample& x) { return x.mb_s > 0 ? static_cast<double>(bytes) / x.mb_s / 1e6 : 600.0; };
        const Sample k = kernel_over_veth(ns_a.name(), ns_b.name(), bytes, false);
        kern.push_back(secs(k));
        // The same with SACK off on the kernel's sender (a per-namespace
        // sysctl): NewReno against NewReno.
        must("ip netns exec " + ns_a.name() + " sysctl -qw net.ipv4.tcp_sack=0");
        const Sample kn = kernel_over_veth(ns_a.name(), ns_b.name(), bytes, false);
        must("ip netns exec " + ns_a.name() + " sysctl -qw net.ipv4.tcp_sack=1");
        kern_nosack.push_back(secs(kn));
        // And with the loss detection 2.6.32 lacks turned off on the
        // sender: no RACK (tcp_recovery=0), no tail-loss probe or early
        // retransmit (tcp_early_retrans=0). What is left is the
        // duplicate-ACK and SACK logic with the timer behind it, as in 2.6.32
        // (with today's PRR instead of rate halving, and without FACK).
        must("ip netns exec " + ns_a.name() + " sysctl -qw net.ipv4.tcp_recovery=0 net.ipv4.tcp_early_retrans=0");
        const Sample kc = kernel_over_veth(ns_a.name(), ns_b.name(), bytes, false);
        must("ip netns exec " + ns_a.name() + " sysctl -qw net.ipv4.tcp_recovery=1 net.ipv4.tcp_early_retrans=3");
        kern_classic.push_back(secs(kc));
        auto kernel_row = [&](const char* name, double secs_taken, const Sample& x) {
            std::printf(
                "%s %.3f s (%zu timeouts, %zu recoveries, %zu retransmissions, cwnd mean %.1f max %ld, %.2f segments "
                "per ACK)",
                name, secs_taken, x.timeouts, x.recoveries, x.retransmits, x.cwnd_mean, x.cwnd_max, x.segs_per_ack);
        };
        std::printf("  run %d: ", r + 1);
        kernel_row("kernel", kern.back(), k);
        kernel_row("; kernel without SACK", kern_nosack.back(), kn);
        kernel_row("; kernel without RACK and TLP", kern_classic.back(), kc);
        for (auto& row : rows) {
            const Sample e =
                engine_over_tap(tap_ns.name(), bytes, true, false, peer::TapWrites::batched, row.sack, true);
            row.s.push_back(static_cast<double>(bytes) / e.mb_s / 1e6);
            row.timeouts += e.timeouts;
            row.recoveries += e.recoveries;
            row.retransmits += e.retransmits;
            row.sha_ok &= e.sha_ok;
            row.audit.insert(row.audit.end(), e.audit.begin(), e.audit.end());
            std::printf(
                "; %s %.3f s (%zu timeouts, %zu fast recoveries, %zu retransmissions, cwnd mean %.1f max %ld, %.2f "
                "segments per ACK, sha %s)",
                row.sack ? "SACK" : "NewReno", row.s.back(), e.timeouts, e.recoveries, e.retransmits, e.cwnd_mean,
                e.cwnd_max, e.segs_per_ack, e.sha_ok ? "ok" : "WRONG");
        }
        std::printf("\n");
        std::fflush(stdout);
    }
    std::printf("%-58s %9s %10s\n", "median", "seconds", "x kernel");
    std::printf("%-58s %9.3f %10s\n", "kernel TCP over veth (TSO/GSO/GRO off)", median(kern), "");
    std::printf("%-58s %9.3f %10.1f\n", "kernel TCP over veth, SACK off on the sender", median(kern_nosack),
                median(kern_nosack) / median(kern));
    std::printf("%-58s %9.3f %10.1f\n", "kernel TCP over veth, RACK and TLP off on the sender", median(kern_classic),
                median(kern_classic) / median(kern));
    bool ok = true;
    for (const auto& row : rows) {
        std::printf("%-58s %9.3f %10.1f   (in all runs: %zu timeouts, %zu fast recoveries, %zu retransmissions%s)\n",
                    row.name, median(row.s), median(row.s) / median(kern), row.timeouts, row.recoveries,
                    row.retransmits, row.sha_ok ? "" : ", SHA-256 WRONG");
        ok &= row.sha_ok;
    }
    // Why the engine's timeouts fired, judged from what came back on the wire
    // against 2.6.32's rules; evidence_missed would be a loss the engine
    // should have repaired by fast retransmit.
    for (const auto& row : rows)
        std::printf("timeouts of \"%s\", all runs: %s\n", row.name, sptest::summarize(row.audit).c_str());
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const int64_t mib = arg_int(argc, argv, 1, 64);
    const int runs = static_cast<int>(arg_int(argc, argv, 2, 3));
    const int64_t bytes = mib << 20;
    if (::geteuid() != 0) {
        std::fprintf(stderr, "bench_tap: run it as root (it makes network namespaces, a TAP and a veth pair)\n");
        return 2;
    }
    // The engine's TAP namespace, as the TAP tests make it (tap0 holding
    // 10.99.0.1/24), and two joined by a veth pair for the kernel's own TCP.
    const std::string base = "sp-bench-" + std::to_string(::getpid());
    const sptest::Netns tap_ns(sptest::Netns::Options{.name = base + "-tap"});
    if (!tap_ns.ok()) die("bench_tap: " + tap_ns.error());
    const sptest::Netns ns_a(sptest::Netns::Options{.make_tap = false, .name = base + "-a"});
    if (!ns_a.ok()) die("bench_tap: " + ns_a.error());
    const sptest::Netns ns_b(sptest::Netns::Options{.make_tap = false, .name = base + "-b"});
    if (!ns_b.ok()) die("bench_tap: " + ns_b.error());
    must("ip -n " + ns_a.name() + " link add va type veth peer name vb netns " + ns_b.name());
    must("ip -n " + ns_a.name() + " addr add 10.99.1.1/24 dev va");
    must("ip -n " + ns_b.name() + " addr add 10.99.1.2/24 dev vb");
    must("ip -n " + ns_a.name() + " link set va up");
    must("ip -n " + ns_b.name() + " link set vb up");
    double loss = -1;
    bool newreno_only = false;
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--loss" && i + 1 < argc) loss = std::atof(argv[i + 1]);
        if (std::string(argv[i]) == "--newreno-only") newreno_only = true;
    }
    bool offloads_off = true;
    for (const auto& [n, dev] :
         {std::pair{ns_a.name(), std::string("va")}, std::pair{ns_b.name(), std::string("vb")}}) {
        const sptest::InNetns in(n);
        offloads_off &= offload_off(dev, ETHTOOL_STSO, ETHTOOL_GTSO);
        offloads_off &= offload_off(dev, ETHTOOL_SGSO, ETHTOOL_GGSO);
        offloads_off &= offload_off(dev, ETHTOOL_SGRO, ETHTOOL_GGRO);
    }
    if (loss >= 0) return run_loss(tap_ns, ns_a, ns_b, bytes, runs, loss, newreno_only);

    std::printf(
        "bench_tap: %lld MiB per run, %d runs, median goodput (1 MB = 1e6 bytes, receiver's accept -> last byte)\n",
        static_cast<long long>(mib), runs);
    // The link's frames go out batched through an io_uring unless a row says
    // otherwise (peer::TapWrites); the last two rows show the other ways.
    struct Row {
        const char* name;
        bool tracing;
        bool tso;
        peer::TapWrites writes;
        std::vector<double> mb_s, per_cpu;
        std::string fell_back;  // what was used instead, if the link could not do as asked
    };
    using W = peer::TapWrites;
    std::vector<Row> rows = {
        {"engine over TAP, tracing on", true, false, W::batched, {}, {}, {}},
        {"engine over TAP, tracing off", false, false, W::batched, {}, {}, {}},
        {"engine over TAP, device.tso, tracing on", true, true, W::batched, {}, {}, {}},
        {"  tracing on, a write() per frame (no ring)", true, false, W::plain, {}, {}, {}},
        {"  tracing on, ring with SQPOLL thread", true, false, W::sqpoll, {}, {}, {}},
    };
    std::vector<double> kern, kern_cpu, on_wall;
    uint64_t events = 0, frames = 0;
    for (int r = 0; r < runs; ++r) {
        const Sample k = kernel_over_veth(ns_a.name(), ns_b.name(), bytes);
        kern.push_back(k.mb_s);
        // Bytes per CPU-second of sender + receiver: what the goodput would be
        // with one idle core for the pair, whatever else the machine is doing.
        kern_cpu.push_back(static_cast<double>(bytes) / k.cpu_s / 1e6);
        std::printf("  run %d: kernel over veth %.0f MB/s (%.2f CPU-s); engine over TAP:", r + 1, k.mb_s, k.cpu_s);
        for (auto& row : rows) {
            const Sample e = engine_over_tap(tap_ns.name(), bytes, row.tracing, row.tso, row.writes);
            if (g_writes_used != row.writes)
                row.fell_back = std::string(g_writes_used == W::batched ? "the batched ring" : "a write() per frame") +
                                (g_plain_why.empty() ? "" : " (" + g_plain_why + ")");
            row.mb_s.push_back(e.mb_s);
            row.per_cpu.push_back(static_cast<double>(bytes) / e.cpu_s / 1e6);
            if (&row == &rows.front()) {
                events = e.events;
                frames = e.frames;
                on_wall.push_back(e.wall_s);
            }
            std::printf(" %.0f", e.mb_s);
        }
        std::printf(" MB/s\n");
        std::fflush(stdout);
    }
    double load[3] = {0, 0, 0};
    ::getloadavg(load, 3);
    std::printf("load average at the end: %.2f (%ld CPUs online)\n", load[0], ::sysconf(_SC_NPROCESSORS_ONLN));
    std::printf("%-44s %8s %10s %16s\n", "", "MB/s", "of kernel", "MB per CPU-s");
    std::printf("%-44s %8.0f %10s %16.0f\n",
                offloads_off ? "kernel TCP over veth (TSO/GSO/GRO off)" : "kernel TCP over veth (offloads NOT all off)",
                median(kern), "", median(kern_cpu));
    for (const auto& row : rows)
        std::printf("%-44s %8.0f %9.0f%% %16.0f\n", row.name, median(row.mb_s), 100 * median(row.mb_s) / median(kern),
                    median(row.per_cpu));
    for (const auto& row : rows)
        if (!row.fell_back.empty()) std::printf("note: \"%s\" used %s\n", row.name, row.fell_back.c_str());
    // The host's speed drifts within seconds: the ratio of the engine's run to
    // the kernel's run just before it is steadier than the ratio of medians.
    std::vector<double> ratio;
    for (std::size_t r = 0; r < kern.size(); ++r) ratio.push_back(100 * rows.front().mb_s[r] / kern[r]);
    std::printf("tracing on / kernel, run by run: median %.0f%%, lowest %.0f%%, highest %.0f%%\n", median(ratio),
                *std::min_element(ratio.begin(), ratio.end()), *std::max_element(ratio.begin(), ratio.end()));
    std::printf("(tracing on: %llu events, %llu frames per run; the run, ARP and handshake included, took %.2f s)\n",
                static_cast<unsigned long long>(events), static_cast<unsigned long long>(frames), median(on_wall));
    return 0;
}
