// The kernel side drops a share of our segments (an iptables statistic rule
// inside the namespace) and the transfer completes intact. With SACK agreed
// (the default: the kernel accepts our offer) the engine does not read SACK
// blocks yet, so it repairs on timeout; with SACK off it counts duplicate
// ACKs and repairs by fast retransmit. The runs are also replayed: the
// timers that fired at real times fire at the same recorded times again.
#include <doctest/doctest.h>

#include <regex>

#include "run/tap_replay.hpp"
#include "tap/tap_support.hpp"

using namespace taptest;
using sendpath::trace::Kind;

namespace {

// Packets the DROP rule matched so far.
long long dropped_by_rule(const Netns& ns) {
    const std::string out = sh_out(ns.exec() + "iptables -L INPUT -v -x -n 2>/dev/null");
    std::smatch m;
    if (std::regex_search(out, m, std::regex(R"(\n\s*(\d+)\s+\d+\s+DROP)"))) return std::stoll(m[1]);
    return -1;
}

}  // namespace

TEST_CASE("with 5% of our segments dropped by the kernel side and SACK agreed, the engine repairs on timeout") {
    TAP_TEST_PRECONDITION();
    if (sh("iptables -V >/dev/null 2>&1") != 0) {
        MESSAGE("skipped: iptables is not installed");
        return;
    }
    Netns ns;
    // Every 20th segment to the listener, not the SYN (a lost SYN only costs
    // the 3 s initial timeout). nth rather than random: the same segments every run.
    REQUIRE(sh(ns.exec() + "iptables -A INPUT -p tcp --dport " + std::to_string(kPort) +
               " ! --syn -m statistic --mode nth --every 20 --packet 0 -j DROP") == 0);
    Receiver rx(ns);
    const int64_t size = 256 << 10;
    const trace::Trace t = run_tap(
        ns, {{"timeline", nlohmann::json::array({{{"send", size}}, {{"close", true}}})}, {"max_time_ms", 120000}});
    const auto rep = rx.finish(60000);
    CHECK(t.end_reason == "completed");
    CHECK(rep.bytes == size);
    CHECK(rep.sha == pattern_sha(1, size));
    const long long drops = dropped_by_rule(ns);
    CHECK(drops > 0);
    // Each loss shows: the timer fires, loss state, the head goes again.
    CHECK(count(t, Kind::rto_fire) >= 1);
    CHECK(count(t, Kind::enter_loss) >= 1);
    CHECK(count(t, Kind::retransmit) >= 1);
    // The frames that went twice are on the wire twice.
    std::map<uint32_t, int> seen;
    int again = 0;
    for (const auto& fv : parsed_frames(t))
        if (fv.f->dir == 0 && fv.p && fv.p->is_tcp() && !fv.p->payload.empty()) again += seen[fv.p->tcp->seq]++ > 0;
    CHECK(again >= 1);

    // Replayed on its recorded frames: same events, timers included.
    const trace::Trace re = peer::rerun_tap_trace(t);
    CHECK(re.events == t.events);
    CHECK(re.changes == t.changes);
}

TEST_CASE("without SACK, the same losses are repaired by fast retransmit: fewer timeouts than losses") {
    TAP_TEST_PRECONDITION();
    if (sh("iptables -V >/dev/null 2>&1") != 0) {
        MESSAGE("skipped: iptables is not installed");
        return;
    }
    Netns ns;
    REQUIRE(sh(ns.exec() + "iptables -A INPUT -p tcp --dport " + std::to_string(kPort) +
               " ! --syn -m statistic --mode nth --every 20 --packet 0 -j DROP") == 0);
    Receiver rx(ns);
    const int64_t size = 256 << 10;
    // socket.sack = false: our SYN offers no SACK, so the kernel sends plain
    // duplicate ACKs and the engine counts them (tcp_add_reno_sack).
    const trace::Trace t = run_tap(ns, {{"socket", {{"sack", false}}},
                                        {"timeline", nlohmann::json::array({{{"send", size}}, {{"close", true}}})},
                                        {"max_time_ms", 120000}});
    const auto rep = rx.finish(60000);
    CHECK(t.end_reason == "completed");
    CHECK(rep.bytes == size);
    CHECK(rep.sha == pattern_sha(1, size));
    const long long drops = dropped_by_rule(ns);
    CHECK(drops > 0);
    CHECK(count(t, Kind::dupack) >= 3);
    CHECK(count(t, Kind::enter_recovery) >= 1);
    CHECK(count(t, Kind::retransmit) >= 1);
    MESSAGE("drops " << drops << ", timeouts " << count(t, Kind::rto_fire) << ", fast recoveries "
                     << count(t, Kind::enter_recovery) << ", retransmissions " << count(t, Kind::retransmit));
    // A timeout remains only where no duplicate ACKs can come (a lost tail, a
    // lost retransmission): far fewer than the losses.
    CHECK(static_cast<long long>(count(t, Kind::rto_fire)) < drops);
    const trace::Trace re = peer::rerun_tap_trace(t);
    CHECK(re.events == t.events);
}
