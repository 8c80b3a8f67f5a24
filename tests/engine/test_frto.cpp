// F-RTO as 2.6.32 runs it after a retransmission timeout (tcp_use_frto,
// tcp_enter_frto, tcp_process_frto, tcp_enter_frto_loss, tcp_input.c,
// 2.6.32.67; net.ipv4.tcp_frto = 2 by default): a real loss ends in Loss as
// before, a timeout caused by a delay is found spurious and only halves the
// rate, and tcp_frto 0 is the classic timeout.
#include <doctest/doctest.h>

#include <deque>
#include <memory>
#include <optional>

#include "support/peer_edit_link.hpp"
#include "support/scenarios.hpp"
#include "support/trace_query.hpp"

using namespace sendpath;
using namespace sptest;
using K = trace::Kind;
using model::after;
using model::before;
using trace::Arg;

namespace {

// The simulated peer, with every segment that would reach the engine between
// from_us and to_us held back until to_us: a delay spike on the return path
// (a route change, a radio link retrying), the case F-RTO was made for.
class DelaySpikeLink final : public SimLinkWrapper {
public:
    DelaySpikeLink(peer::SimPeerConfig cfg, int64_t from_us, int64_t to_us)
        : SimLinkWrapper(std::move(cfg)), from_(from_us), to_(to_us) {}
    int64_t now_us() override { return std::max(sim_->now_us(), now_); }
    std::optional<engine::Received> wait(int64_t until_us) override {
        for (;;) {
            const bool release_first = !held_.empty() && to_ <= until_us;
            auto r = sim_->wait(release_first ? to_ : until_us);
            if (r && r->time_us >= from_ && r->time_us < to_) {
                held_.push_back(std::move(*r));
                continue;
            }
            if (r) return r;
            if (release_first) {
                engine::Received h = std::move(held_.front());
                held_.pop_front();
                h.time_us = to_;
                now_ = to_;
                return h;
            }
            return std::nullopt;
        }
    }

private:
    int64_t from_, to_;
    int64_t now_ = 0;
    std::deque<engine::Received> held_;
};

trace::Trace run_with_spike(lesson::Scenario sc, int64_t from_us, int64_t to_us) {
    return run_with_sim_link(std::move(sc), [&](const peer::SimPeerConfig& cfg) {
        return std::make_unique<DelaySpikeLink>(cfg, from_us, to_us);
    });
}

// 20 segments at 0 ms; at 50 ms 40 more, whose ACKs the spike holds for
// 400 ms, longer than the 200 ms retransmission timeout.
const char* kSpike = R"({"name":"frto_spurious","description":"delay spike",
    "socket":{"nodelay":true},
    "timeline":[{"send":28960},{"send":57920,"at_ms":50}],
    "max_time_ms":30000})";

}  // namespace

TEST_CASE("F-RTO after a tail loss: the ACK of the resend reaches frto_highmark, so it was a loss") {
    const auto t = run_shipped("frto_tail_loss.json");
    const auto fire = find_first(t, K::rto_fire);
    REQUIRE(fire);
    CHECK(t.events[*fire + 1].kind == K::cubic_ssthresh);
    const auto enter = find_next(t, K::enter_frto, *fire);
    REQUIRE(enter);
    CHECK(count(t, K::enter_loss) == 0);
    CHECK(t.arg(*enter, Arg::value) == 2);  // SACK-enhanced
    CHECK(t.arg(*enter, Arg::ssthresh) == 3);
    CHECK(t.arg(*enter, Arg::cwnd) == 2);  // in flight (1) + 1
    {
        const auto s = state_at(t, *enter);
        CHECK(s.sk.ca_state == model::TCP_CA_Disorder);
        CHECK(s.sk.frto_counter == 1);
        CHECK(s.sk.frto_highmark == s.sk.snd_nxt);
        CHECK(s.sk.lost_out == 0);  // nothing marked lost yet
    }
    const auto ack = find_first(t, K::frto_ack);
    REQUIRE(ack);
    CHECK(t.arg(*ack, Arg::reason) == 1);  // frto_highmark reached
    CHECK(t.events[*ack + 1].kind == K::frto_loss);
    CHECK(t.arg(*ack + 1, Arg::value) == 2);
    CHECK(state_at(t, *ack + 1).sk.ca_state == model::TCP_CA_Loss);
    CHECK(state_at(t, *ack + 1).sk.frto_counter == 0);
    CHECK(t.events[*ack + 2].kind == K::cubic_reset);
    const auto end = state_at(t, t.events.size() - 1);
    CHECK(end.sk.snd_una == end.sk.write_seq);
}

TEST_CASE("tcp_frto 0: the timeout goes into Loss at once; without SACK, F-RTO is the basic variant") {
    auto off = shipped_scenario("frto_tail_loss.json");
    off.sysctl.tcp_frto = 0;
    const auto t0 = engine::run_scenario(off, engine::Options{});
    CHECK(count(t0, K::enter_frto) == 0);
    const auto loss = find_first(t0, K::enter_loss);
    REQUIRE(loss);
    CHECK(t0.arg(*loss, Arg::cwnd) == 1);

    auto reno = shipped_scenario("frto_tail_loss.json");
    reno.peer.sack = false;
    const auto t1 = engine::run_scenario(reno, engine::Options{});
    const auto enter = find_first(t1, K::enter_frto);
    REQUIRE(enter);
    CHECK(t1.arg(*enter, Arg::value) == 1);  // basic F-RTO
    CHECK(find_first(t1, K::frto_loss));
}

TEST_CASE("F-RTO finds a timeout caused by a delay spike spurious: new data goes, then rate halving in CWR") {
    const auto t = run_with_spike(scenario_from_text(kSpike), 51'000, 451'000);
    const auto fire = find_first(t, K::rto_fire);
    REQUIRE(fire);
    const auto enter = find_next(t, K::enter_frto, *fire);
    REQUIRE(enter);
    // The held ACKs arrive: the first covers data sent once (and the head,
    // resent): two new segments may go, Nagle or not.
    const auto first = find_first(t, K::frto_ack);
    REQUIRE(first);
    CHECK(t.arg(*first, Arg::value) == 1);
    CHECK(t.arg(*first, Arg::reason) == 6);
    CHECK(state_at(t, *first).sk.frto_counter == 2);
    CHECK(state_at(t, *first).sk.snd_cwnd == state_at(t, *first).sk.packets_out - state_at(t, *first).sk.sacked_out -
                                                 state_at(t, *first).sk.lost_out + state_at(t, *first).sk.retrans_out +
                                                 2);
    const auto sent = find_next(t, K::new_data_sent, *first);
    REQUIRE(sent);
    CHECK(state_at(t, *sent).sk.frto_counter == 3);
    // The next ACK of new data proves it: spurious, rate halving (CWR).
    const auto second = find_next(t, K::frto_ack, *first + 1);
    REQUIRE(second);
    CHECK(t.arg(*second, Arg::reason) == 7);
    CHECK(t.events[*second + 1].kind == K::enter_cwr);
    CHECK(state_at(t, *second + 1).sk.ca_state == model::TCP_CA_CWR);
    CHECK(state_at(t, *second + 1).sk.frto_counter == 0);
    CHECK(count(t, K::frto_loss) == 0);
    CHECK(count(t, K::enter_loss) == 0);
    // CWR ends once an ACK passes high_seq: cwnd comes down to ssthresh.
    const auto done = find_next(t, K::complete_cwr, *second);
    REQUIRE(done);
    CHECK(state_at(t, *done).sk.snd_cwnd <= state_at(t, *done).sk.snd_ssthresh);
    const auto end = state_at(t, t.events.size() - 1);
    CHECK(end.sk.snd_una == end.sk.write_seq);
    CHECK(end.sk.ca_state == model::TCP_CA_Open);
}

TEST_CASE("tcp_frto 0: the timeout a delay spike caused is undone in Loss by the timestamp echo") {
    auto sc = scenario_from_text(kSpike);
    sc.sysctl.tcp_frto = 0;
    const auto t = run_with_spike(std::move(sc), 51'000, 451'000);
    const auto loss = find_first(t, K::enter_loss);
    REQUIRE(loss);
    const auto s = state_at(t, *loss);
    CHECK(s.sk.undo_marker == s.sk.snd_una);  // nothing resent before this timeout
    CHECK(s.sk.prior_ssthresh != 0);
    // The held ACKs echo the originals' timestamps, older than the resend's.
    const auto undo = find_next(t, K::undo, *loss);
    REQUIRE(undo);
    CHECK(t.arg(*undo, Arg::reason) == 5);  // tcp_try_undo_loss, before high_seq
    CHECK(t.arg(*undo, Arg::tsecr) < t.arg(*undo, Arg::stamp));
    const auto after = state_at(t, *undo);
    CHECK(after.sk.lost_out == 0);
    CHECK(after.sk.icsk_retransmits == 0);
    CHECK(t.events[*undo + 1].kind == K::undo_cwr);
    CHECK(state_at(t, *undo + 1).sk.snd_ssthresh == s.sk.prior_ssthresh);
    // With SACK the state is Open again at once, and no further timeout comes.
    const auto open = find_next(t, K::set_ca_state, *undo);
    REQUIRE(open);
    CHECK(t.arg(*open, Arg::value) == model::TCP_CA_Open);
    CHECK(count(t, K::rto_fire) == 1);
}

namespace {

// The three F-RTO events of a run: the timeout's and the first two ACKs'.
struct FrtoSteps {
    std::size_t enter, first, second;
    int64_t highmark;
};

FrtoSteps frto_steps(const trace::Trace& t) {
    const auto enter = find_first(t, K::enter_frto);
    REQUIRE(enter);
    const auto first = find_next(t, K::frto_ack, *enter);
    REQUIRE(first);
    const auto second = find_next(t, K::frto_ack, *first + 1);
    REQUIRE(second);
    return {*enter, *first, *second, state_at(t, *enter).sk.frto_highmark};
}

}  // namespace

TEST_CASE("SACK F-RTO: a SACK block that reaches above frto_highmark is no SACK of originals only, so it is a loss") {
    // tcp_sacktag_write_queue (2.6.32.67), advance_sp: FLAG_ONLY_ORIG_SACKED,
    // set by the originals 7-9 the block newly covers, is cleared because
    // the block ends above frto_highmark; tcp_process_frto then sees data
    // SACKed that is not only originals and calls it a loss. The late
    // originals' own ACKs (they SACK 7-9 only) are lost (peer.drop_acks).
    const auto t = run_shipped("frto_sack_above_highmark.json");
    CHECK(count(t, K::peer_drop) == 5);  // data segments 4 and 6, three ACKs
    const FrtoSteps f = frto_steps(t);
    CHECK(f.highmark == state_at(t, f.enter).sk.snd_nxt);
    CHECK(t.arg(f.first, Arg::reason) == 6);  // first ACK of new data: two segments go
    const auto n1 = find_next(t, K::new_data_sent, f.first);
    REQUIRE(n1);
    CHECK(n1 < f.second);
    CHECK(!before(state_at(t, *n1 - 1).sk.snd_nxt, f.highmark));  // sent above the mark
    // The second ACK: one SACK block over 7-9 and the first new segment.
    CHECK(t.arg(f.second, Arg::value) == 3);
    const auto cached = find_next(t, K::sack_cache, f.first);
    REQUIRE(cached);
    CHECK(cached < f.second);
    const auto c = state_at(t, *cached).sk;
    CHECK(c.recv_sack_cache2_end_seq == 0);  // one block
    CHECK(before(c.recv_sack_cache3_start_seq, f.highmark));
    CHECK(after(c.recv_sack_cache3_end_seq, f.highmark));
    bool original_tagged = false;
    for (std::size_t i = f.first; i < f.second; ++i)
        if (t.events[i].kind == K::sack_tag && !after(t.arg(i, Arg::end_seq), f.highmark)) {
            const auto s = state_at(t, i);  // kept alive: skb() points into it
            const auto* skb = s.skb(static_cast<uint32_t>(t.arg(i, Arg::skb)));
            REQUIRE(skb);
            CHECK(!(skb->sacked & model::TCPCB_EVER_RETRANS));
            original_tagged = true;
        }
    CHECK(original_tagged);
    CHECK(t.arg(f.second, Arg::reason) == 5);  // a loss
    CHECK(t.events[f.second + 1].kind == K::frto_loss);
    CHECK(count(t, K::enter_cwr) == 0);
}

TEST_CASE("SACK F-RTO: the SACK of late originals alone proves the timeout spurious") {
    // The same run with nothing lost on the way back: the first ACK after the
    // new segments SACKs only segment 7, an original below frto_highmark
    // (FLAG_ONLY_ORIG_SACKED stays): the timeout was spurious.
    auto sc = shipped_scenario("frto_sack_above_highmark.json");
    sc.peer.drop_acks.clear();
    const auto t = engine::run_scenario(sc, engine::Options{});
    const FrtoSteps f = frto_steps(t);
    CHECK(t.arg(f.first, Arg::reason) == 6);
    const auto cached = find_next(t, K::sack_cache, f.first);
    REQUIRE(cached);
    CHECK(cached < f.second);
    CHECK(!after(state_at(t, *cached).sk.recv_sack_cache3_end_seq, f.highmark));
    CHECK(t.arg(f.second, Arg::reason) == 7);  // spurious
    CHECK(t.events[f.second + 1].kind == K::enter_cwr);
    CHECK(count(t, K::frto_loss) == 0);
}
