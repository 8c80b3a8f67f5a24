// Loss recovery with SACK, as 2.6.32.67 runs it: tcp_sacktag_write_queue
// tags the write queue from the peer's SACK blocks, FACK (net.ipv4.tcp_fack)
// decides when to recover and what is lost, and bad SACK blocks are ignored
// as tcp_is_sackblock_valid says. The scenarios' descriptions in
// tests/scenarios/ derive the expected figures from the kernel's logic.
#include <doctest/doctest.h>

#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "model/invariants.hpp"
#include "net/frame.hpp"
#include "support/peer_edit_link.hpp"
#include "support/scenarios.hpp"
#include "support/trace_query.hpp"
#include "trace/frame_check.hpp"
#include "trace/invariant_scope.hpp"
#include "trace/replay.hpp"
#include "trace/trace_io.hpp"

using namespace sendpath;
using namespace sptest;
using K = trace::Kind;
using trace::Arg;

namespace {

using Blocks = std::vector<std::pair<uint32_t, uint32_t>>;

std::vector<int64_t> arg_values(const trace::Trace& t, K kind, Arg a) {
    std::vector<int64_t> out;
    for (auto i : find_all(t, kind)) out.push_back(t.arg(i, a));
    return out;
}

// The SACK blocks of every ACK the engine received, in order (empty when none).
std::vector<Blocks> received_sack_blocks(const trace::Trace& t) {
    std::vector<Blocks> out;
    std::vector<uint8_t> scratch;
    for (const auto& f : t.frames) {
        if (f.dir != 1) continue;
        auto pf = net::parse_frame(t.frame_data(f, scratch), nullptr);
        if (pf && pf->is_tcp()) out.push_back(pf->tcp->options.sack_blocks);
    }
    return out;
}

// The first ACKs of shipped scenario `scenario` that carry SACK blocks
// edited: edit(n, options) for the n-th of them (from 1).
trace::Trace run_edited(const std::string& scenario, std::function<void(int n, net::TcpOptions& opts)> edit) {
    int acks = 0;
    return run_with_peer_edits(shipped_scenario(scenario), [&](int, net::TcpRepr& tcp) {
        if (!tcp.options.sack_blocks.empty()) edit(++acks, tcp.options);
    });
}

// What `sendpath-cli check` does: the trace validates, replays, keeps the
// model's invariants at every event, and holds only valid frames.
void check_like_cli(const trace::Trace& t) {
    trace::validate_trace(t, "<edited run>");
    trace::Replay replay(t);
    bool copy_pending = false;
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const auto bad = model::check_invariants(replay.seek(i), trace::invariant_scope(t, i, copy_pending));
        if (!bad.empty()) FAIL("event " << i << ": " << bad.front());
    }
    const auto frames = trace::check_frames(t);
    CHECK_MESSAGE(frames.bad == 0, frames.first_why);
}

}  // namespace

TEST_CASE("SACK: one lost segment is resent when FACK counts four segments out, and the SACKed ones are tagged") {
    const auto t = run_shipped("fast_retransmit_sack.json");
    const auto est = find_first(t, K::established);
    REQUIRE(est);
    CHECK(state_at(t, *est).sk.sack_ok == (model::TCP_SACK_OK | model::TCP_FACK_ENABLED));
    const auto drop = find_first(t, K::peer_drop);
    REQUIRE(drop);
    const int64_t lost_seq = t.arg(*drop, Arg::seq);

    // The peer's ACKs carry one block, growing from just past the hole.
    const auto blocks = received_sack_blocks(t);
    std::vector<Blocks> with_sack;
    for (const auto& b : blocks)
        if (!b.empty()) with_sack.push_back(b);
    REQUIRE(with_sack.size() == 9);
    CHECK(with_sack[0] == Blocks{{static_cast<uint32_t>(lost_seq + 1448), static_cast<uint32_t>(lost_seq + 2896)}});
    CHECK(with_sack[8] ==
          Blocks{{static_cast<uint32_t>(lost_seq + 1448), static_cast<uint32_t>(lost_seq + 10 * 1448)}});

    // The first SACK tags the skb after the hole: sacked_out 1, and
    // fackets_out (arg segs) counts the hole too. Each later one covers the
    // next segment, which tcp_shift_skb_data (GSO is on, the data in page
    // fragments) moves into that SACKed skb: sacked_out 2, 3 ... 9, and the
    // queue keeps one SACKed skb holding them all (2.6.32's SACK shifting).
    CHECK(arg_values(t, K::sack_tag, Arg::value) == std::vector<int64_t>{1});
    CHECK(arg_values(t, K::sack_tag, Arg::segs) == std::vector<int64_t>{2});
    CHECK(arg_values(t, K::sack_shift, Arg::value) == std::vector<int64_t>{2, 3, 4, 5, 6, 7, 8, 9});
    CHECK(arg_values(t, K::sack_shift, Arg::segs) == std::vector<int64_t>(8, 1));
    for (auto i : find_all(t, K::sack_shift)) {
        const auto s = state_at(t, i);
        int sacked_skbs = 0;
        for (uint32_t id : s.write_queue) {
            const model::SkBuff& skb = *s.skb(id);
            if (!(skb.sacked & model::TCPCB_SACKED_ACKED)) continue;
            ++sacked_skbs;
            CHECK(skb.id == static_cast<uint32_t>(t.arg(i, Arg::target)));
            CHECK(skb.gso_segs == s.sk.sacked_out);
            CHECK(skb.len == s.sk.sacked_out * 1448);
        }
        CHECK(sacked_skbs == 1);
        CHECK(s.sk.fackets_out == s.sk.sacked_out + 1);
    }
    CHECK(count(t, K::dupack) == 0);  // with SACK, duplicate ACKs are not counted one by one

    const auto rec = find_first(t, K::enter_recovery);
    REQUIRE(rec);
    CHECK(t.arg(*rec, Arg::value) == 3);  // sacked_out: the third SACK, fackets_out 4 > reordering 3
    CHECK(t.arg(*rec, Arg::ssthresh) == 5);
    CHECK(state_at(t, *rec).sk.fackets_out == 4);
    const auto lost = find_next(t, K::mark_lost, *rec);
    REQUIRE(lost);
    CHECK(t.arg(*lost, Arg::seq) == lost_seq);
    CHECK(count(t, K::mark_lost) == 1);  // fackets_out - reordering = 1: the head only
    const auto rtx = find_next(t, K::retransmit, *rec);
    REQUIRE(rtx);
    CHECK(t.arg(*rtx, Arg::seq) == lost_seq);
    CHECK(arg_values(t, K::cwnd_down, Arg::cwnd) == std::vector<int64_t>{7, 6, 6, 5, 4, 3, 2});
    CHECK(count(t, K::rto_fire) == 0);
    CHECK(count(t, K::retransmit) == 1);
    // SACK does not hold Recovery at high_seq (that is Reno's rule).
    CHECK(count(t, K::recovery_hold) == 0);
    const auto end = state_at(t, t.events.size() - 1);
    CHECK(end.sk.snd_una == end.sk.write_seq);
    CHECK(end.sk.sacked_out == 0);
    CHECK(end.sk.fackets_out == 0);
    CHECK(end.sk.lost_out == 0);
    CHECK(end.sk.retrans_out == 0);
}

TEST_CASE("FACK: the second hole of a flight is marked lost and resent before the partial ACK") {
    const auto t = run_shipped("fack_two_holes.json");
    const auto drops = find_all(t, K::peer_drop);
    REQUIRE(drops.size() == 2);
    const int64_t first = t.arg(drops[0], Arg::seq), second = t.arg(drops[1], Arg::seq);

    const auto rec = find_first(t, K::enter_recovery);
    REQUIRE(rec);
    CHECK(state_at(t, *rec).sk.fackets_out == 5);  // the 5th segment SACKed: fackets_out jumps past the hole
    const auto lost = find_all(t, K::mark_lost);
    REQUIRE(lost.size() == 2);
    CHECK(t.arg(lost[0], Arg::seq) == first);
    CHECK(t.arg(lost[1], Arg::seq) == second);
    CHECK(state_at(t, lost[1]).sk.fackets_out == 7);  // 7 - reordering 3 = 4 segments from the head
    const auto rtx = find_all(t, K::retransmit);
    REQUIRE(rtx.size() == 2);
    CHECK(t.arg(rtx[1], Arg::seq) == second);
    const auto partial = find_first(t, K::partial_ack);
    REQUIRE(partial);
    CHECK(rtx[1] < *partial);  // NewReno would resend it only after this
    CHECK(count(t, K::rto_fire) == 0);
    CHECK(count(t, K::enter_recovery) == 1);
}

TEST_CASE("D-SACK: data resent needlessly is reported by the peer and recognised") {
    const auto t = run_shipped("random_loss.json");
    const auto d = find_all(t, K::dsack);
    REQUIRE(!d.empty());
    for (auto i : d) {
        const auto s = state_at(t, i);
        CHECK((s.sk.sack_ok & model::TCP_DSACK_SEEN) != 0);
        // The block lies below the ACK it came with: data received twice.
        CHECK(net::seq_before(static_cast<uint32_t>(t.arg(i, Arg::seq)), static_cast<uint32_t>(s.sk.snd_una)));
    }
    CHECK(count(t, K::rto_fire) < count(t, K::enter_recovery));
}

TEST_CASE("bad SACK blocks are ignored as 2.6.32 ignores them, and recovery goes on from the good ones") {
    // The first four ACKs with SACK blocks are spoiled, each in its own way.
    const auto t = run_edited("fast_retransmit_sack.json", [](int n, net::TcpOptions& o) {
        const auto [s, e] = o.sack_blocks.front();
        switch (n) {
            case 1: o.sack_blocks = {{e + 100000, e + 101448}}; break;  // past snd_nxt
            case 2: o.sack_blocks = {{e, s}}; break;                    // reversed
            case 3:  // a SACK option of a bad length: no blocks at all
                o.sack_blocks.clear();
                o.sack_bad = true;
                break;
            case 4:  // the real block, an overlapping copy of it, and one below snd_una
                o.sack_blocks = {{s, e}, {s + 700, e}, {s - 4 * 1448, s - 3 * 1448}};
                break;
            default: break;
        }
    });
    CHECK(t.end_reason == "completed");
    check_like_cli(t);
    const auto discards = find_all(t, K::sack_discard);
    std::vector<int64_t> reasons;
    for (auto i : discards) reasons.push_back(t.arg(i, Arg::reason));
    // 1: past snd_nxt; 1: reversed; 7: the option's length; 3: a block starting below snd_una.
    CHECK(reasons == std::vector<int64_t>{1, 1, 7, 3});
    // The 4th ACK is the first with a usable block: it covers four segments,
    // which the skb after the hole holds whole (a GSO skb, so no cut), and
    // its overlapping copy tags nothing twice: sacked_out 4, then one more
    // per later ACK, each segment shifted into the SACKed skb.
    CHECK(arg_values(t, K::sack_tag, Arg::value) == std::vector<int64_t>{4});
    CHECK(arg_values(t, K::sack_shift, Arg::value) == std::vector<int64_t>{5, 6, 7, 8, 9});
    // Recovery on that ACK (fackets_out 5), one ACK later than without the
    // spoiled ones, and the loss is still repaired by a fast retransmit.
    const auto rec = find_first(t, K::enter_recovery);
    REQUIRE(rec);
    CHECK(t.arg(*rec, Arg::value) == 4);
    CHECK(count(t, K::enter_recovery) == 1);
    CHECK(count(t, K::rto_fire) == 0);
    const auto end = state_at(t, t.events.size() - 1);
    CHECK(end.sk.snd_una == end.sk.write_seq);
    CHECK(end.sk.sacked_out == 0);
}

TEST_CASE("SACK off at the peer: no SACK_PERM in the SYN-ACK, and recovery counts duplicate ACKs") {
    auto sc = shipped_scenario("fast_retransmit_sack.json");
    sc.peer.sack = false;
    const auto t = engine::run_scenario(sc, engine::Options{});
    const auto est = find_first(t, K::established);
    REQUIRE(est);
    CHECK(state_at(t, *est).sk.sack_ok == 0);
    CHECK(count(t, K::sack_blocks) == 0);
    CHECK(count(t, K::dupack) >= 3);
    for (const auto& b : received_sack_blocks(t)) CHECK(b.empty());
}

TEST_CASE("tcp_fack off: plain SACK, sack_ok 1, recovery on the third SACKed segment") {
    auto sc = shipped_scenario("fack_two_holes.json");
    sc.sysctl.tcp_fack = false;
    const auto t = engine::run_scenario(sc, engine::Options{});
    const auto est = find_first(t, K::established);
    REQUIRE(est);
    CHECK(state_at(t, *est).sk.sack_ok == model::TCP_SACK_OK);
    const auto rec = find_first(t, K::enter_recovery);
    REQUIRE(rec);
    CHECK(state_at(t, *rec).sk.sacked_out == 3);  // tcp_dupack_heurestics: sacked_out + 1 > reordering
    CHECK(count(t, K::rto_fire) == 0);
    const auto end = state_at(t, t.events.size() - 1);
    CHECK(end.sk.snd_una == end.sk.write_seq);
}

namespace {
// Two segments of one flight lost (16 and 19), and the first one's
// retransmission too (26): the SACKed runs behind each hole grow by
// shifting, and the second hole's retransmission, SACKed while the first
// hole is still open, joins the runs on both sides.
std::string two_holes(bool gso) {
    return std::string(R"({"socket": {"nodelay": true}, "sysctl": {"tcp_congestion_control": "reno"},
        "device": {"gso": )") +
           (gso ? "true" : "false") + R"(}, "peer": {"drop": [16, 19, 26]},
        "timeline": [{"send": 21720}, {"send": 14480, "at_ms": 50}], "max_time_ms": 30000})";
}
}  // namespace

TEST_CASE("SACK shifting (tcp_shift_skb_data, 2.6.32): SACKed segments move into the SACKed skb before them") {
    const auto t = run_json(two_holes(true));
    CHECK(t.end_reason == "completed");
    check_like_cli(t);

    // Every skb_shift is followed by its tcp_shifted_skb, which moves the
    // sequence edge by the same bytes, and the bytes stay where the
    // sequence numbers say: the pages' data reached the peer intact (the
    // frames check, and the run completed).
    const auto shifts = find_all(t, K::skb_shift);
    REQUIRE(shifts.size() >= 3);
    for (auto i : shifts) {
        REQUIRE(t.events[i + 1].kind == K::sack_shift);
        CHECK(t.arg(i + 1, Arg::len) == t.arg(i, Arg::len));
        const auto before = state_at(t, i - 1), after_shift = state_at(t, i + 1);
        const auto* prev_before = before.skb(static_cast<uint32_t>(t.arg(i, Arg::target)));
        const auto* prev_after = after_shift.skb(static_cast<uint32_t>(t.arg(i, Arg::target)));
        REQUIRE(prev_before);
        REQUIRE(prev_after);
        CHECK(prev_after->len == prev_before->len + t.arg(i, Arg::len));
        CHECK(prev_after->end_seq == model::seq_add(prev_before->end_seq, t.arg(i, Arg::len)));
        CHECK(prev_after->truesize == prev_before->truesize + t.arg(i, Arg::len));
        CHECK(prev_after->headlen() == 0);
        CHECK((prev_after->sacked & model::TCPCB_TAGBITS) == model::TCPCB_SACKED_ACKED);
    }

    // A whole skb eaten is freed: sk_wmem_queued loses what was left of
    // its truesize, and it is gone from the queue.
    const auto merges = find_all(t, K::sack_merge);
    REQUIRE(merges.size() >= 2);
    for (auto i : merges) {
        const auto before = state_at(t, i - 1), after_merge = state_at(t, i);
        CHECK(after_merge.sk.sk_wmem_queued == before.sk.sk_wmem_queued - t.arg(i, Arg::size));
        CHECK(after_merge.skb(static_cast<uint32_t>(t.arg(i, Arg::skb))) == nullptr);
    }

    // The second hole's retransmission is SACKed while the first hole is
    // open: it moves into the run before it and is freed, and the SACKed
    // run after it follows (already SACKed, so sacked_out does not grow
    // again): one SACKed skb is left behind the first hole.
    const auto filled = find_next(t, K::sack_merge, merges[merges.size() - 2]);
    REQUIRE(filled);
    const auto collapse = find_next(t, K::sack_shift, merges[merges.size() - 2]);
    REQUIRE(collapse);
    CHECK(t.arg(*collapse, Arg::segs) > 1);
    CHECK(t.arg(*collapse, Arg::old) == t.arg(*collapse, Arg::value));
    const auto s = state_at(t, merges.back());
    int sacked_skbs = 0;
    for (uint32_t id : s.write_queue) {
        const auto& skb = *s.skb(id);
        if (skb.sacked & model::TCPCB_SACKED_ACKED) {
            ++sacked_skbs;
            CHECK(skb.gso_segs == s.sk.sacked_out);
        }
    }
    CHECK(sacked_skbs == 1);
    CHECK(s.sk.lost_out + s.sk.sacked_out <= s.sk.packets_out);
}

TEST_CASE("without GSO 2.6.32 does not shift: each SACKed skb is tagged where it is") {
    const auto t = run_json(two_holes(false));
    CHECK(t.end_reason == "completed");
    check_like_cli(t);
    CHECK(count(t, K::skb_shift) == 0);
    CHECK(count(t, K::sack_shift) == 0);
    CHECK(count(t, K::sack_merge) == 0);
    CHECK(count(t, K::sack_tag) >= 8);
}

TEST_CASE("recv_sack_cache (2.6.32): a SACK block is walked only where the previous SACK ACK did not reach") {
    // tests/scenarios/sack_cache_skip.json derives these figures.
    const auto t = run_shipped("sack_cache_skip.json");
    CHECK(t.end_reason == "completed");
    check_like_cli(t);

    // The ACKs that carry SACK blocks: [3897, 5345), [3897, 6793), [3897, 8241), [2449, 8241).
    const auto acks = find_all(t, K::sack_blocks);
    REQUIRE(acks.size() == 4);
    const auto blocks = received_sack_blocks(t);
    std::vector<Blocks> sacked;
    for (const auto& b : blocks)
        if (!b.empty()) sacked.push_back(b);
    REQUIRE(sacked.size() == 4);
    CHECK(sacked[0] == Blocks{{3897, 5345}});
    CHECK(sacked[3] == Blocks{{2449, 8241}});

    // After each SACK ACK the cache holds its one block in the last entry,
    // the three before it empty.
    const auto caches = find_all(t, K::sack_cache);
    REQUIRE(caches.size() == 4);
    for (std::size_t n = 0; n < caches.size(); ++n) {
        const auto s = state_at(t, caches[n]);
        CHECK(s.sk.recv_sack_cache0_start_seq == 0);
        CHECK(s.sk.recv_sack_cache0_end_seq == 0);
        CHECK(s.sk.recv_sack_cache2_end_seq == 0);
        CHECK(s.sk.recv_sack_cache3_start_seq == sacked[n][0].first);
        CHECK(s.sk.recv_sack_cache3_end_seq == sacked[n][0].second);
    }

    // Second and third ACK: the cached part is passed, the walk jumps to the
    // highest SACK with fack_count = fackets_out, and the new segment shifts.
    for (std::size_t n : {1, 2}) {
        const auto skip = find_next(t, K::sack_skip, acks[n]);
        REQUIRE(skip);
        CHECK(*skip < caches[n]);
        CHECK(t.arg(*skip, Arg::reason) == 3);
        CHECK(t.arg(*skip, Arg::seq) == 3897);
        CHECK(t.arg(*skip, Arg::segs) == state_at(t, *skip).sk.fackets_out);
        const auto shift = find_next(t, K::sack_shift, *skip);
        REQUIRE(shift);
        CHECK(*shift < caches[n]);
    }

    // Fourth ACK: [2449, 3897) is walked and tagged; [3897, 8241) is the
    // cached block and is not walked again: no shift, so the SACKed run
    // stays a skb of its own after segment 2's skb.
    const auto tag = find_next(t, K::sack_tag, acks[3]);
    REQUIRE(tag);
    CHECK(t.arg(*tag, Arg::seq) == 2449);
    CHECK(t.arg(*tag, Arg::end_seq) == 3897);
    const auto skip = find_next(t, K::sack_skip, acks[3]);
    REQUIRE(skip);
    CHECK(*skip < caches[3]);
    CHECK(t.arg(*skip, Arg::reason) == 1);
    CHECK(t.arg(*skip, Arg::seq) == 3897);
    CHECK(t.arg(*skip, Arg::end_seq) == 8241);
    for (auto i = acks[3]; i < caches[3]; ++i) {
        CHECK(t.events[i].kind != K::skb_shift);
        CHECK(t.events[i].kind != K::sack_shift);
        CHECK(t.events[i].kind != K::sack_merge);
    }
    const auto s = state_at(t, caches[3]);
    std::vector<std::pair<int64_t, int64_t>> sacked_skbs;
    for (uint32_t id : s.write_queue) {
        const auto& skb = *s.skb(id);
        if (skb.sacked & model::TCPCB_SACKED_ACKED) sacked_skbs.emplace_back(skb.seq, skb.end_seq);
    }
    CHECK(sacked_skbs == std::vector<std::pair<int64_t, int64_t>>{{2449, 3897}, {3897, 8241}});
    CHECK(s.sk.sacked_out == 4);
}
