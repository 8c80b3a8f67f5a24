// Findings of the 2.6.32 fidelity review (issue 11), one scenario each in
// tests/scenarios/, whose description gives the kernel function and release
// the expected events follow from.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>

#include "support/scenarios.hpp"
#include "support/trace_query.hpp"

using namespace sendpath;
using namespace sptest;
using K = trace::Kind;
using trace::Arg;

namespace {

// cwnd after each cong_avoid event, in order.
std::vector<int64_t> cwnd_growth(const trace::Trace& t) {
    std::vector<int64_t> out;
    for (auto i : find_all(t, K::cong_avoid)) out.push_back(t.arg(i, Arg::cwnd));
    return out;
}

}  // namespace

TEST_CASE("tcp_is_cwnd_limited: an application-limited sender over GSO grows cwnd 3 -> 4 -> 5 and no further") {
    const auto t = run_shipped("cwnd_app_limited_gso.json");
    CHECK(cwnd_growth(t) == std::vector<int64_t>{4, 5});
    CHECK(state_at(t, t.events.size() - 1).sk.snd_cwnd == 5);
}

TEST_CASE("tcp_is_cwnd_limited: without GSO the room left must be at most tcp_max_burst (3)") {
    const auto t = run_shipped("cwnd_app_limited_sg.json");
    CHECK(cwnd_growth(t) == std::vector<int64_t>{4, 5});
    CHECK(state_at(t, t.events.size() - 1).sk.snd_cwnd == 5);
}

TEST_CASE(
    "tcp_cong_avoid_ai: at cwnd w the window grows on the (w+1)-th ACK, each ACK before counted on its own event") {
    const auto t = run_shipped("cwnd_avoid_count.json");
    int checked = 0;
    for (std::size_t i = 1; i < t.events.size(); ++i) {
        const auto& e = t.events[i];
        CAPTURE(i);
        const int64_t cnt_before = state_at(t, i - 1).sk.snd_cwnd_cnt;
        if (e.kind == K::cwnd_count) {
            // Each ACK below the threshold is counted on its own event. (Rate
            // halving in a recovery before may leave the counter at 1.)
            CHECK(t.arg(i, Arg::value) == cnt_before + 1);
            CHECK(state_at(t, i).sk.snd_cwnd_cnt == cnt_before + 1);
        } else if (e.kind == K::cong_avoid) {
            const int64_t before = t.arg(i, Arg::cwnd) - 1;
            if (before > t.arg(i, Arg::ssthresh)) {  // congestion avoidance, not slow start
                // The counter is compared before it counts this ACK: it reached cwnd on the ACK before.
                CHECK(cnt_before == before);
                CHECK(state_at(t, i).sk.snd_cwnd_cnt == 0);
                ++checked;
            }
        }
    }
    CHECK(checked >= 3);
}

TEST_CASE("tcp_ack: the SYN-ACK samples the round trip but runs no cong_avoid") {
    const auto t = run_shipped("cwnd_avoid_count.json");
    const auto est = find_all(t, K::established);
    REQUIRE(est.size() == 1);
    for (auto i : find_all(t, K::cong_avoid)) CHECK(i > est[0]);
    const auto rtt = find_all(t, K::rtt_sample);
    REQUIRE(!rtt.empty());
    CHECK(rtt[0] < est[0]);
    CHECK(state_at(t, rtt[0]).sk.srtt_us > 0);
}

TEST_CASE("handshake RTT sample: the first data segment's RTO is the RTT plus 200 ms, not 3 s") {
    const auto t = run_json(R"({"peer":{"drop":[1]},"timeline":[{"send":1000}],"max_time_ms":30000})");
    const auto rto = find_all(t, K::rto_fire);
    REQUIRE(!rto.empty());
    const auto send = find_all(t, K::sendmsg_enter);
    REQUIRE(!send.empty());
    const int64_t after_send = t.events[rto[0]].time_us - t.events[send[0]].time_us;
    // srtt from the SYN-ACK: two one-way delays of 500 us; rto = srtt + max(2 srtt, 200 ms).
    CHECK(after_send >= 200'000);
    CHECK(after_send <= 205'000);
}

TEST_CASE("sk_stream_wait_memory: the vm_wait back-off ends at the first wake-up of the socket's wait queue") {
    const auto t = run_shipped("wait_for_memory_skb.json");
    const auto sleeps = find_all(t, K::wait_sleep);
    REQUIRE(!sleeps.empty());
    const auto s = sleeps[0];
    REQUIRE(t.has_arg(s, Arg::vm_wait_ms));  // the back-off is logged on the sleep itself
    const int64_t backoff_end = t.events[s].time_us + t.arg(s, Arg::vm_wait_ms) * 1000;
    std::size_t wake = 0;
    for (auto i : find_all(t, K::write_space))
        if (i > s) {
            wake = i;
            break;
        }
    REQUIRE(wake != 0);
    REQUIRE(t.events[wake].time_us < backoff_end);  // the scenario's ACK comes during the back-off
    std::size_t end = 0;
    for (auto i : find_all(t, K::wait_end))
        if (i > s) {
            end = i;
            break;
        }
    REQUIRE(end != 0);
    CHECK(t.events[end].time_us == t.events[wake].time_us);
    // No event of another kind carries the back-off.
    for (std::size_t i = 0; i < t.events.size(); ++i)
        if (t.has_arg(i, Arg::vm_wait_ms)) CHECK(t.events[i].kind == K::wait_sleep);
}

namespace {

// For each 100-byte data segment of a run, in order: how long after it left
// the engine took the ACK that covers it (the ack event whose ack is its
// end_seq).
std::vector<int64_t> ack_delays(const trace::Trace& t) {
    std::vector<int64_t> out;
    for (auto i : find_all(t, K::transmit)) {
        const int64_t end = t.arg(i, Arg::end_seq);
        if (end - t.arg(i, Arg::seq) != 100) continue;  // the SYN, the FIN
        std::optional<std::size_t> a = i;
        while ((a = find_next(t, K::ack, *a)) && t.arg(*a, Arg::ack) != end) {}
        REQUIRE_MESSAGE(a.has_value(), "no ACK for the segment sent at event " << i);
        out.push_back(t.events[*a].time_us - t.events[i].time_us);
    }
    return out;
}

}  // namespace

TEST_CASE("quick-ack mode (tcp_event_data_recv, tcp_incr_quickack): the first 16 lone segments are ACKed at once") {
    // Expected from the kernel's rules, not from a run: the budget is
    // min(65535 / (2 * 536), TCP_MAX_QUICKACKS) = 16 ACKs; an ACK sent at once
    // reaches the engine one round trip (2 x 500 us) after the segment left;
    // a delayed one 40 ms (delack) later. After 350 ms of silence, more than
    // the peer's RTO of 201 ms, the budget is filled again.
    constexpr int64_t kRtt = 2 * 500;
    constexpr int64_t kDelack = 40'000;
    const auto sc = shipped_scenario("quickack_first_segments.json");
    REQUIRE(sc.peer.quickack);  // the default: what Linux does

    const auto t = engine::run_scenario(sc, engine::Options{});
    const auto delays = ack_delays(t);
    REQUIRE(delays.size() == 19);
    for (std::size_t k = 0; k < 16; ++k) {
        CAPTURE(k + 1);
        CHECK(delays[k] == kRtt);
    }
    CHECK(delays[16] == kRtt + kDelack);  // the budget is spent: delayed again
    CHECK(delays[17] == kRtt + kDelack);
    CHECK(delays[18] == kRtt);  // after a silence longer than the RTO: quick again

    // The budget is in the trace: 15 left after the first ACK, spent by the 16th.
    const auto updates = find_all(t, K::peer_update);
    REQUIRE(!updates.empty());
    int64_t most = 0;
    for (auto i : updates) most = std::max(most, state_at(t, i).sk.peer_ack_quick);
    CHECK(most == 15);
    CHECK(state_at(t, t.events.size() - 1).sk.peer_ack_quick == 15);  // the last segment's refill, less one

    // Quick-ack off: the first lone segment already waits for the delayed ACK.
    auto off = sc;
    off.peer.quickack = false;
    const auto classic = ack_delays(engine::run_scenario(off, engine::Options{}));
    REQUIRE(classic.size() == 19);
    for (std::size_t k = 0; k < classic.size(); ++k) {
        CAPTURE(k + 1);
        CHECK(classic[k] == kRtt + kDelack);
    }
}

TEST_CASE("tcp_close_state: close() in SYN_SENT closes with no FIN and frees the SYN") {
    const auto t = run_shipped("close_syn_sent.json");
    const auto close = find_first(t, K::close);
    REQUIRE(close);
    CHECK(state_at(t, *close - 1).sk.state == model::TCP_SYN_SENT);
    CHECK(state_at(t, *close).sk.state == model::TCP_CLOSE);
    CHECK(count(t, K::fin) == 0);
    const auto freed = find_next(t, K::skb_free, *close);
    REQUIRE(freed);
    const auto after = state_at(t, *freed);
    CHECK(after.write_queue.empty());
    CHECK(after.sk.sk_wmem_queued == 0);
    CHECK(after.sk.icsk_pending == model::ICSK_TIME_NONE);
    // Only the SYN went out.
    CHECK(std::count_if(t.frames.begin(), t.frames.end(), [](const trace::Frame& f) { return f.dir == 0; }) == 1);
}

TEST_CASE("inet_shutdown in SYN_SENT disconnects, which is not modelled: the run stops and says so") {
    const auto t = run_json(R"({"connect":"nonblocking","timeline":[{"shutdown":"SHUT_WR"}],"max_time_ms":30000})");
    CHECK(t.end_reason.find("tcp_disconnect") != std::string::npos);
    CHECK(count(t, K::shutdown) == 0);
    CHECK(count(t, K::fin) == 0);
}

TEST_CASE("setsockopt: the option is stored on the setsockopt event; the push it causes follows") {
    const auto t = run_shipped("nodelay_push_held.json");
    const auto set = find_first(t, K::setsockopt);
    REQUIRE(set);
    CHECK((state_at(t, *set).sk.nonagle & model::TCP_NAGLE_OFF) != 0);
    CHECK((state_at(t, *set - 1).sk.nonagle & model::TCP_NAGLE_OFF) == 0);
    const auto push = find_next(t, K::push_pending, *set);
    REQUIRE(push);
    CHECK(t.events[*push].time_us == t.events[*set].time_us);
}

TEST_CASE("tcp_mark_urg: send(MSG_OOB) sets snd_up on an event of its own, before the push") {
    const auto t = run_shipped("msg_oob.json");
    const auto urg = find_first(t, K::mark_urg);
    REQUIRE(urg);
    const auto s = state_at(t, *urg);
    CHECK(s.sk.snd_up == s.sk.write_seq);
    CHECK(state_at(t, *urg - 1).sk.snd_up != s.sk.write_seq);
    const auto push = find_next(t, K::push_pending, *urg);
    REQUIRE(push);
}

TEST_CASE("tcp_retransmit_skb: stamped and sent, then marked retransmitted once it went out") {
    const auto t = run_shipped("retransmit_rto.json");
    const auto rtx = find_first(t, K::retransmit);
    REQUIRE(rtx);
    const auto sent = find_next(t, K::transmit, *rtx);
    const auto marked = find_next(t, K::retrans_marked, *rtx);
    REQUIRE(sent);
    REQUIRE(marked);
    CHECK(*sent < *marked);
    const uint32_t skb = static_cast<uint32_t>(t.arg(*rtx, Arg::skb));
    CHECK(state_at(t, *rtx).skbs.at(skb).when_us == t.events[*rtx].time_us);
    CHECK((state_at(t, *rtx).skbs.at(skb).sacked & model::TCPCB_RETRANS) == 0);
    CHECK((state_at(t, *marked).skbs.at(skb).sacked & model::TCPCB_RETRANS) != 0);
    CHECK(state_at(t, *marked).sk.retrans_out == state_at(t, *rtx).sk.retrans_out + 1);
}

TEST_CASE("tcp_rcv_state_process: the ACK of our FIN moves FIN_WAIT1 to FIN_WAIT2 on fin_acked") {
    const auto t = run_shipped("close_fin.json");
    const auto acked = find_first(t, K::fin_acked);
    REQUIRE(acked);
    CHECK(t.arg(*acked, Arg::old) == model::TCP_FIN_WAIT1);
    CHECK(state_at(t, *acked).sk.state == model::TCP_FIN_WAIT2);
    CHECK(state_at(t, *acked - 1).sk.state == model::TCP_FIN_WAIT1);
}

TEST_CASE("tcp_connect (2.6.32.67): the SYN is counted in packets_out as it is queued, on the connect event") {
    const auto t = run_shipped("close_syn_sent.json");
    const auto c = find_first(t, K::connect);
    REQUIRE(c);
    CHECK(state_at(t, *c - 1).sk.packets_out == 0);
    CHECK(state_at(t, *c).sk.packets_out == 1);
    // tcp_transmit_skb and the timer follow; neither changes the count.
    const auto arm = find_next(t, K::rto_arm, *c);
    REQUIRE(arm);
    CHECK(state_at(t, *arm).sk.packets_out == 1);
}
