// The kernel side drops a share of our segments (an iptables statistic rule
// inside the namespace): the engine retransmits on timeout and the transfer
// completes intact. The run is also replayed: the timers that fired at real
// times fire at the same recorded times again.
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

TEST_CASE("with 5% of our segments dropped by the kernel side, the engine retransmits and the data arrives intact") {
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
