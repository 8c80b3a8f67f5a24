// The kernel side drops a share of our segments (an iptables statistic rule
// inside the namespace) and the transfer completes intact. With SACK agreed
// (the default: the kernel accepts our offer) the engine reads the kernel's
// SACK blocks and repairs by fast retransmit; with SACK off it counts
// duplicate ACKs (NewReno) and repairs by fast retransmit too. The runs are also replayed: the
// timers that fired at real times fire at the same recorded times again.
#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <regex>

#include "run/tap_replay.hpp"
#include "support/loss_audit.hpp"
#include "tap/tap_support.hpp"

using namespace taptest;
using sendpath::trace::Kind;
using sptest::find_first;
using sptest::state_at;

namespace {

// Packets the DROP rule matched so far.
long long dropped_by_rule(const Netns& ns) {
    const std::string out = sh_out(ns.exec() + "iptables -L INPUT -v -x -n 2>/dev/null");
    std::smatch m;
    if (std::regex_search(out, m, std::regex(R"(\n\s*(\d+)\s+\d+\s+DROP)"))) return std::stoll(m[1]);
    return -1;
}

// 256 KiB and a close under the drop rule: every 20th segment to the
// listener, not the SYN (a lost SYN only costs the 3 s initial timeout); nth
// rather than random, so the same segments every run. Checks that all of it
// arrived intact; socket is the scenario's socket section.
struct LossRun {
    trace::Trace t;
    long long drops = -1;
};
std::optional<LossRun> run_with_drops(const nlohmann::json& socket) {
    if (sh("iptables -V >/dev/null 2>&1") != 0) {
        MESSAGE("skipped: iptables is not installed");
        return std::nullopt;
    }
    Netns ns;
    REQUIRE(sh(ns.exec() + "iptables -A INPUT -p tcp --dport " + std::to_string(kPort) +
               " ! --syn -m statistic --mode nth --every 20 --packet 0 -j DROP") == 0);
    Receiver rx(ns);
    const int64_t size = 256 << 10;
    LossRun r;
    r.t = run_tap(ns, {{"socket", socket},
                       {"timeline", nlohmann::json::array({{{"send", size}}, {{"close", true}}})},
                       {"max_time_ms", 120000}});
    const auto rep = rx.finish(60000);
    CHECK(r.t.end_reason == "completed");
    CHECK(rep.bytes == size);
    CHECK(rep.sha == pattern_sha(1, size));
    r.drops = dropped_by_rule(ns);
    CHECK(r.drops > 0);
    return r;
}

// No timeout after the kernel's ACKs had shown 2.6.32 what to resend
// (tests/support/loss_audit.hpp).
void check_no_timeout_unexplained(const trace::Trace& t) {
    for (const auto& x : sptest::audit_timeouts(t)) {
        CAPTURE(x.event);
        CHECK(x.cause != sptest::TimeoutCause::evidence_missed);
    }
}

}  // namespace

TEST_CASE(
    "with 5% of our segments dropped by the kernel side and SACK agreed, the kernel's SACK blocks drive fast "
    "recovery") {
    TAP_TEST_PRECONDITION();
    const auto run = run_with_drops(nlohmann::json::object());
    if (!run) return;
    const trace::Trace& t = run->t;
    // The kernel agrees to SACK and reports what it holds: the engine tags
    // the queue from its blocks (tcp_sacktag_write_queue), recovers on
    // fackets_out and resends without waiting for the timer.
    const auto est = find_first(t, Kind::established);
    REQUIRE(est);
    CHECK((state_at(t, *est).sk.sack_ok & model::TCP_SACK_OK) != 0);
    CHECK(count(t, Kind::sack_tag) >= 1);
    CHECK(count(t, Kind::enter_recovery) >= 1);
    CHECK(count(t, Kind::retransmit) >= 1);
    CHECK(count(t, Kind::dupack) == 0);  // with SACK no duplicate ACK is counted one by one
    MESSAGE("drops " << run->drops << ", timeouts " << count(t, Kind::rto_fire) << ", fast recoveries "
                     << count(t, Kind::enter_recovery) << ", retransmissions " << count(t, Kind::retransmit));
    // A timeout remains only where no SACK can tell (a lost tail, a lost
    // retransmission with nothing sent after it): far fewer than the losses,
    // and none after the kernel's ACKs had shown 2.6.32 what to resend.
    CHECK(static_cast<long long>(count(t, Kind::rto_fire)) < run->drops);
    check_no_timeout_unexplained(t);
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
    // socket.sack = false: our SYN offers no SACK, so the kernel sends plain
    // duplicate ACKs and the engine counts them (tcp_add_reno_sack).
    const auto run = run_with_drops({{"sack", false}});
    if (!run) return;
    const trace::Trace& t = run->t;
    CHECK(count(t, Kind::dupack) >= 3);
    CHECK(count(t, Kind::enter_recovery) >= 1);
    CHECK(count(t, Kind::retransmit) >= 1);
    MESSAGE("drops " << run->drops << ", timeouts " << count(t, Kind::rto_fire) << ", fast recoveries "
                     << count(t, Kind::enter_recovery) << ", retransmissions " << count(t, Kind::retransmit));
    // A timeout remains only where no duplicate ACKs can come (a lost tail, a
    // lost retransmission): far fewer than the losses, and none after three
    // duplicate ACKs.
    CHECK(static_cast<long long>(count(t, Kind::rto_fire)) < run->drops);
    check_no_timeout_unexplained(t);
    const trace::Trace re = peer::rerun_tap_trace(t);
    CHECK(re.events == t.events);
}
