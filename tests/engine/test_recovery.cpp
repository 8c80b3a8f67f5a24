// Loss recovery without SACK, as tcp_fastretrans_alert (tcp_input.c,
// 2.6.32.67) runs it when the peer does not agree to SACK: duplicate ACKs
// counted in sacked_out, fast retransmit on the third, rate halving, NewReno
// partial ACKs, and the timer when a retransmission is lost. Each scenario's
// description in tests/scenarios/ derives the expected figures.
#include <doctest/doctest.h>

#include <optional>
#include <vector>

#include "net/frame.hpp"
#include "support/scenarios.hpp"
#include "support/trace_query.hpp"

using namespace sendpath;
using namespace sptest;
using K = trace::Kind;
using trace::Arg;

namespace {

std::vector<int64_t> arg_values(const trace::Trace& t, K kind, Arg a) {
    std::vector<int64_t> out;
    for (auto i : find_all(t, kind)) out.push_back(t.arg(i, a));
    return out;
}

// Whether the first frame we sent (the SYN) offers SACK-permitted.
bool syn_offers_sack(const trace::Trace& t) {
    std::vector<uint8_t> scratch;
    for (const auto& f : t.frames) {
        auto pf = net::parse_frame(t.frame_data(f, scratch), nullptr);
        if (pf && pf->is_tcp() && (pf->tcp->flags & net::TCP_SYN) && !(pf->tcp->flags & net::TCP_ACK))
            return pf->tcp->options.sack_perm;
    }
    FAIL("no SYN in the trace");
    return false;
}

}  // namespace

TEST_CASE("fast retransmit: one segment lost in a 10-segment flight is resent on the third duplicate ACK") {
    const auto t = run_shipped("fast_retransmit_reno.json");
    const auto drop = find_first(t, K::peer_drop);
    REQUIRE(drop);
    const int64_t lost_seq = t.arg(*drop, Arg::seq);

    // The peer does not agree to SACK: duplicate ACKs are counted one by one.
    const auto dup1 = find_first(t, K::dupack);
    REQUIRE(dup1);
    CHECK(state_at(t, *dup1).sk.sack_ok == 0);
    CHECK(state_at(t, *dup1).sk.sacked_out == 1);
    // The first duplicate moves Open to Disorder; nothing is resent yet.
    const auto disorder = find_next(t, K::set_ca_state, *dup1);
    REQUIRE(disorder);
    CHECK(t.arg(*disorder, Arg::value) == model::TCP_CA_Disorder);

    const auto rec = find_first(t, K::enter_recovery);
    REQUIRE(rec);
    CHECK(count(t, K::dupack) >= 3);
    CHECK(t.arg(*rec, Arg::value) == 3);  // on the third duplicate ACK
    CHECK(t.arg(*rec, Arg::cwnd) == 11);
    CHECK(t.arg(*rec, Arg::ssthresh) == 5);  // half of cwnd 11
    {
        const auto s = state_at(t, *rec);
        CHECK(s.sk.ca_state == model::TCP_CA_Recovery);
        CHECK(s.sk.high_seq == s.sk.snd_nxt);
        CHECK(s.sk.undo_marker == s.sk.snd_una);
        CHECK(s.sk.snd_una == lost_seq);
        CHECK(s.sk.packets_out == 10);
    }
    // The head is cut to one segment and marked lost, then resent at once.
    const auto lost = find_next(t, K::mark_lost, *rec);
    REQUIRE(lost);
    CHECK(t.arg(*lost, Arg::seq) == lost_seq);
    CHECK(state_at(t, *lost).sk.lost_out == 1);
    const auto down = find_next(t, K::cwnd_down, *rec);
    REQUIRE(down);
    CHECK(t.arg(*down, Arg::cwnd) == 7);       // in_flight + 1: 10 out - 3 counted - 1 lost
    CHECK(t.arg(*down, Arg::in_flight) == 6);  // packets_out - (sacked_out + lost_out) + retrans_out
    const auto rtx = find_next(t, K::retransmit, *lost);
    REQUIRE(rtx);
    CHECK(t.arg(*rtx, Arg::seq) == lost_seq);
    CHECK(find_next(t, K::dupack, *rec).value_or(t.events.size()) > *rtx);  // before the next duplicate ACK
    CHECK(state_at(t, *rtx + 2).sk.retrans_out == 1);

    // Rate halving over the six duplicate ACKs that follow: one segment off cwnd every second ACK, never above
    // in_flight + 1.
    CHECK(arg_values(t, K::cwnd_down, Arg::cwnd) == std::vector<int64_t>{7, 6, 6, 5, 4, 3, 2});

    // Repaired without a timeout; the ACK of high_seq holds Recovery (no SACK, RFC 2582).
    CHECK(count(t, K::rto_fire) == 0);
    CHECK(count(t, K::retransmit) == 1);
    const auto hold = find_first(t, K::recovery_hold);
    REQUIRE(hold);
    const auto end = state_at(t, t.events.size() - 1);
    CHECK(end.sk.snd_una == end.sk.write_seq);
    CHECK(end.sk.sacked_out == 0);
    CHECK(end.sk.lost_out == 0);
    CHECK(end.sk.ca_state == model::TCP_CA_Recovery);
}

TEST_CASE("NewReno: a partial ACK in Recovery marks the next hole lost and resends it without a timeout") {
    const auto t = run_shipped("newreno_partial_ack.json");
    const auto drops = find_all(t, K::peer_drop);
    REQUIRE(drops.size() == 2);
    const int64_t second_hole = t.arg(drops[1], Arg::seq);
    const auto partial = find_first(t, K::partial_ack);
    REQUIRE(partial);
    CHECK(t.arg(*partial, Arg::ack) == second_hole);
    CHECK(state_at(t, *partial).sk.ca_state == model::TCP_CA_Recovery);
    const auto lost = find_next(t, K::mark_lost, *partial);
    REQUIRE(lost);
    CHECK(t.arg(*lost, Arg::seq) == second_hole);
    const auto rtx = find_next(t, K::retransmit, *partial);
    REQUIRE(rtx);
    CHECK(t.arg(*rtx, Arg::seq) == second_hole);
    CHECK(count(t, K::enter_recovery) == 1);
    CHECK(count(t, K::rto_fire) == 0);
    const auto end = state_at(t, t.events.size() - 1);
    CHECK(end.sk.snd_una == end.sk.write_seq);
}

TEST_CASE("a lost fast retransmission is repaired by the timer; ssthresh is not cut twice for one window") {
    const auto t = run_shipped("fast_retransmit_lost.json");
    const auto rec = find_first(t, K::enter_recovery);
    REQUIRE(rec);
    CHECK(t.arg(*rec, Arg::ssthresh) == 5);
    const auto fire = find_first(t, K::rto_fire);
    REQUIRE(fire);
    CHECK(*fire > *rec);
    const auto loss = find_next(t, K::enter_loss, *fire);
    REQUIRE(loss);
    CHECK(t.arg(*loss, Arg::cwnd) == 1);
    CHECK(t.arg(*loss, Arg::ssthresh) == 5);  // Recovery, snd_una below high_seq: already cut in this window
    const auto s = state_at(t, *loss);
    CHECK(s.sk.ca_state == model::TCP_CA_Loss);
    CHECK(s.sk.sacked_out == 0);  // the duplicate ACKs counted are forgotten
    CHECK(s.sk.lost_out == s.sk.packets_out);
    CHECK(s.sk.undo_marker == 0);  // something had been resent: no undo
    const auto again = find_next(t, K::retransmit, *loss);
    REQUIRE(again);
    CHECK(t.arg(*again, Arg::seq) == t.arg(*find_first(t, K::peer_drop), Arg::seq));
    // The ACK of the third copy covers resent data: timed by the timestamp echo, 1 ms, not from the first send.
    const auto sample = find_next(t, K::rtt_sample, *again);
    REQUIRE(sample);
    CHECK(t.arg(*sample, Arg::value) == 1000);
    CHECK(find_next(t, K::loss_ack, *again));
    const auto end = state_at(t, t.events.size() - 1);
    CHECK(end.sk.snd_una == end.sk.write_seq);
    CHECK(end.sk.icsk_retransmits == 0);
}

TEST_CASE("SACK off on our side: no SACK-permitted in the SYN, and the same NewReno recovery") {
    const auto off = run_shipped("newreno_sack_off.json");
    const auto on = run_shipped("newreno_partial_ack.json");
    CHECK_FALSE(syn_offers_sack(off));
    CHECK(syn_offers_sack(on));  // offered by default; the simulated peer does not agree
    CHECK(state_at(off, off.events.size() - 1).sk.sack_ok == 0);
    auto kinds = [](const trace::Trace& t) {
        std::vector<K> out;
        for (const auto& e : t.events)
            if (e.kind == K::enter_recovery || e.kind == K::partial_ack || e.kind == K::mark_lost ||
                e.kind == K::retransmit || e.kind == K::rto_fire)
                out.push_back(e.kind);
        return out;
    };
    CHECK(kinds(off) == kinds(on));
    CHECK(count(off, K::rto_fire) == 0);
}

TEST_CASE("without SACK, duplicate ACKs never count more segments than are out besides the hole") {
    // tcp_limit_reno_sacked holds sacked_out + max(lost_out, 1) <= packets_out; a loss without reordering never
    // exceeds it, so the reordering metric stays at tcp_reordering (3).
    const auto t = run_shipped("fast_retransmit_reno.json");
    for (auto i : find_all(t, K::dupack)) {
        const auto s = state_at(t, i);
        CHECK(s.sk.sacked_out + std::max<int64_t>(s.sk.lost_out, 1) <= s.sk.packets_out);
    }
    CHECK(count(t, K::reordering) == 0);
    CHECK(state_at(t, t.events.size() - 1).sk.reordering == 3);
}

TEST_CASE("peer.loss: random loss with a seed loses the same segments every run, both ways, and the data arrives") {
    const auto a = run_shipped("random_loss.json");
    const auto b = run_shipped("random_loss.json");
    CHECK(a.events == b.events);
    CHECK(a.changes == b.changes);
    CHECK(a.end_reason == "completed");
    const auto end = state_at(a, a.events.size() - 1);
    CHECK(end.sk.snd_una == end.sk.write_seq);
    std::size_t data = 0, acks = 0;
    for (auto i : find_all(a, K::peer_drop)) (a.arg(i, Arg::len) > 0 ? data : acks) += 1;
    CHECK(data > 10);
    CHECK(acks > 10);
    MESSAGE(data << " data segments and " << acks << " ACKs lost; " << count(a, K::enter_recovery)
                 << " fast recoveries, " << count(a, K::rto_fire) << " timeouts");
    CHECK(count(a, K::enter_recovery) > count(a, K::rto_fire));

    auto sc = sptest::shipped_scenario("random_loss.json");
    sc.peer.loss_seed = 8;
    const auto c = engine::run_scenario(sc, engine::Options{});
    std::vector<int64_t> seqs_a, seqs_c;
    for (auto i : find_all(a, K::peer_drop)) seqs_a.push_back(a.arg(i, Arg::seq));
    for (auto i : find_all(c, K::peer_drop)) seqs_c.push_back(c.arg(i, Arg::seq));
    CHECK(seqs_a != seqs_c);
}
