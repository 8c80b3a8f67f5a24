// Undo as 2.6.32 does it (tcp_may_undo, tcp_packet_delayed, tcp_try_undo_*,
// tcp_undo_cwr, tcp_input.c, 2.6.32.67): a cut of the window that a
// timestamp echo or D-SACKs prove needless is taken back, and one that was
// a real loss is not. The simulated peer holds a chosen segment late
// (peer.late), so later ones overtake it, as reordering paths do.
#include <doctest/doctest.h>

#include "support/scenarios.hpp"
#include "support/trace_query.hpp"

using namespace sendpath;
using namespace sptest;
using K = trace::Kind;
using trace::Arg;

namespace {
constexpr int64_t kInfiniteSsthresh = 0x7fffffff;
}

TEST_CASE("a late segment overtaken by nine: fast retransmit, then a full undo proved by the timestamp echo") {
    const auto t = run_shipped("undo_timestamps.json");
    const auto late = find_first(t, K::peer_late);
    REQUIRE(late);
    CHECK(t.arg(*late, Arg::segs) == 16);
    CHECK(t.arg(*late, Arg::value) == 800);

    const auto enter = find_first(t, K::enter_recovery);
    REQUIRE(enter);
    {
        const auto s = state_at(t, *enter);
        CHECK(s.sk.snd_ssthresh == 5);
        CHECK(s.sk.prior_ssthresh == kInfiniteSsthresh);  // slow start had not ended
        CHECK(s.sk.undo_marker == s.sk.snd_una);
        CHECK(s.sk.undo_retrans == 0);
    }
    const auto resend = find_next(t, K::retrans_marked, *enter);
    REQUIRE(resend);
    CHECK(state_at(t, *resend).sk.retrans_stamp == 51);  // jiffies (ms) of the resend
    CHECK(state_at(t, *resend).sk.undo_retrans == 1);

    const auto undo = find_first(t, K::undo);
    REQUIRE(undo);
    CHECK(t.arg(*undo, Arg::reason) == 1);  // recovery reached high_seq
    CHECK(t.arg(*undo, Arg::tsecr) == 50);  // the original's timestamp ...
    CHECK(t.arg(*undo, Arg::stamp) == 51);  // ... older than the resend's
    CHECK(t.arg(*undo, Arg::value) == 1);   // no D-SACK yet: the echo alone proves it
    CHECK(state_at(t, *undo).sk.undo_marker == 0);
    REQUIRE(t.events[*undo + 1].kind == K::undo_cwr);
    CHECK(t.arg(*undo + 1, Arg::cwnd) == 10);  // Reno: 2 * ssthresh
    CHECK(t.arg(*undo + 1, Arg::ssthresh) == kInfiniteSsthresh);
    // tcp_undo_cwr ends with tcp_moderate_cwnd: nothing in flight + reordering.
    CHECK(t.events[*undo + 2].kind == K::moderate_cwnd);
    CHECK(state_at(t, *undo + 2).sk.snd_cwnd == 3);
    const auto end = state_at(t, t.events.size() - 1);
    CHECK(end.sk.ca_state == model::TCP_CA_Open);
    CHECK(end.sk.snd_ssthresh == kInfiniteSsthresh);
    CHECK(end.sk.retrans_stamp == 0);
    CHECK(count(t, K::retransmit) == 1);
    CHECK(count(t, K::rto_fire) == 0);
}

TEST_CASE("the resend fills the hole: no undo at the end of recovery, then a D-SACK undoes it in Disorder") {
    const auto t = run_shipped("undo_dsack.json");
    const auto open = find_next(t, K::set_ca_state, *find_first(t, K::enter_recovery));
    REQUIRE(open);
    CHECK(t.arg(*open, Arg::value) == model::TCP_CA_Open);
    // The echo is the resend's own timestamp: no proof, no undo yet, and the
    // marker kept makes the state Disorder.
    const auto s = state_at(t, *open);
    CHECK(s.sk.undo_marker != 0);
    CHECK(s.sk.undo_retrans == 1);
    const auto disorder = find_next(t, K::set_ca_state, *open);
    REQUIRE(disorder);
    CHECK(t.arg(*disorder, Arg::value) == model::TCP_CA_Disorder);
    CHECK(find_next(t, K::undo, *open).value_or(0) > *disorder);

    // The late original comes back as a D-SACK for data already ACKed.
    const auto dsack = find_first(t, K::dsack);
    REQUIRE(dsack);
    CHECK(t.arg(*dsack, Arg::value) == 0);
    CHECK(state_at(t, *dsack).sk.undo_retrans == 0);
    // Nothing was in flight then; the first ACK of the next send undoes.
    const auto undo = find_next(t, K::undo, *dsack);
    REQUIRE(undo);
    CHECK(t.arg(*undo, Arg::reason) == 3);
    CHECK(t.events[*undo].call == 0);
    CHECK(t.events[*undo + 1].kind == K::undo_cwr);
    CHECK(t.arg(*undo + 1, Arg::cwnd) == 10);
    CHECK(t.arg(*undo + 1, Arg::ssthresh) == kInfiniteSsthresh);
    CHECK(state_at(t, t.events.size() - 1).sk.ca_state == model::TCP_CA_Open);
}

TEST_CASE("a real loss is not undone: the resend's ACK echoes its own timestamp and no D-SACK comes") {
    const auto t = run_shipped("fast_retransmit_sack.json");
    CHECK(count(t, K::undo) == 0);
    CHECK(count(t, K::undo_cwr) == 0);
    const auto end = state_at(t, t.events.size() - 1);
    CHECK(end.sk.snd_ssthresh == 5);
    CHECK(end.sk.undo_marker != 0);  // kept: a late D-SACK could still undo
}

TEST_CASE("CUBIC's undo_cwnd hook: cwnd goes back to W_max (last_max_cwnd), not to twice ssthresh") {
    auto sc = shipped_scenario("undo_timestamps.json");
    sc.sysctl.tcp_congestion_control = "cubic";
    const auto t = engine::run_scenario(sc, engine::Options{});
    const auto undo = find_first(t, K::undo);
    REQUIRE(undo);
    const auto s = state_at(t, *undo);
    CHECK(s.sk.last_max_cwnd == 11);
    CHECK(s.sk.snd_ssthresh == 11 * 717 / 1024);
    REQUIRE(t.events[*undo + 1].kind == K::undo_cwr);
    CHECK(t.arg(*undo + 1, Arg::cwnd) == 11);
    CHECK(t.arg(*undo + 1, Arg::ssthresh) == kInfiniteSsthresh);
}

TEST_CASE("NewReno, a partial ACK filled by the late original: Hoe's undo, reordering grows, nothing marked lost") {
    const auto t = run_shipped("undo_partial.json");
    const auto partial = find_first(t, K::partial_ack);
    REQUIRE(partial);
    const auto undo = find_next(t, K::undo, *partial);
    REQUIRE(undo);
    CHECK(*undo == *partial + 1);
    CHECK(t.arg(*undo, Arg::reason) == 4);
    CHECK(t.arg(*undo, Arg::tsecr) == 50);
    CHECK(t.arg(*undo, Arg::stamp) == 51);
    CHECK(state_at(t, *undo).sk.retrans_stamp == 0);  // no resend in flight
    REQUIRE(t.events[*undo + 1].kind == K::reordering);
    CHECK(state_at(t, *undo + 1).sk.reordering == 10);
    REQUIRE(t.events[*undo + 2].kind == K::undo_cwr);
    CHECK(t.arg(*undo + 2, Arg::cwnd) == 10);
    CHECK(t.arg(*undo + 2, Arg::ssthresh) == 5);  // a partial undo keeps ssthresh
    // Still Recovery; the partial ACK marks nothing lost (the hole was no loss).
    const auto s = state_at(t, *undo + 2);
    CHECK(s.sk.ca_state == model::TCP_CA_Recovery);
    const auto next_lost = find_next(t, K::mark_lost, *undo);
    REQUIRE(next_lost);
    CHECK(t.events[*next_lost].time_us > t.events[*undo].time_us);
    // The real hole (the lost fifth segment) is resent after the next duplicate ACK.
    CHECK(count(t, K::retransmit) == 2);
    CHECK(count(t, K::rto_fire) == 0);
}

TEST_CASE("peer.late reorders the arrivals: the held segment reaches the peer after the ones sent behind it") {
    const auto t = run_shipped("undo_dsack.json");
    // Its D-SACK shows the peer got it twice, the late original last.
    const auto dsack = find_first(t, K::dsack);
    REQUIRE(dsack);
    const auto late = find_first(t, K::peer_late);
    REQUIRE(late);
    CHECK(t.arg(*dsack, Arg::seq) == t.arg(*late, Arg::seq));
    CHECK(t.events[*dsack].time_us == 54'000);  // 50 ms + 0.5 + 3 held + 0.5 back
}
