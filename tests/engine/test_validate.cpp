// tcp_validate_incoming (tcp_input.c, 2.6.32.67) on an established
// connection: a segment outside the receive window is dropped before its
// ACK number or RST bit is looked at, and answered with an ACK; an RST in
// the window resets. The simulated peer's segments are edited on the way.
#include <doctest/doctest.h>

#include <utility>

#include "engine/engine.hpp"
#include "support/peer_edit_link.hpp"
#include "support/scenarios.hpp"
#include "support/trace_query.hpp"

using namespace sendpath;
using namespace sptest;
using K = trace::Kind;
using trace::Arg;

namespace {

constexpr const char* kScenario = R"({
  "socket": {"nodelay": true},
  "timeline": [{"send": 14480}],
  "max_time_ms": 30000
})";

trace::Trace run_edited(PeerEditLink::Edit edit) {
    return run_with_peer_edits(scenario_from_text(kScenario), std::move(edit));
}

}  // namespace

TEST_CASE("a segment outside the receive window is dropped, its ACK unread, and answered with an ACK") {
    const uint32_t far = 1u << 30;
    const auto t = run_edited([&](int n, net::TcpRepr& tcp) {
        if (n == 2) tcp.seq += far;  // the peer's 2nd ACK, moved a quarter of the sequence space away
    });
    const auto rej = find_first(t, K::seq_reject);
    REQUIRE(rej);
    CHECK(count(t, K::seq_reject) == 1);
    const auto s = state_at(t, *rej);
    CHECK(t.arg(*rej, Arg::value) == s.sk.rcv_nxt);
    CHECK(t.arg(*rej, Arg::seq) == static_cast<uint32_t>(s.sk.rcv_nxt + far));
    // No ack event for it: the next event is our ACK back.
    const auto back = find_next(t, K::send_ack, *rej);
    REQUIRE(back);
    CHECK(*back <= *rej + 3);
    CHECK(state_at(t, *back).sk.snd_una == s.sk.snd_una);
    // The transfer still completes: later ACKs are cumulative.
    CHECK(t.end_reason == "completed");
    const auto end = state_at(t, t.events.size() - 1);
    CHECK(end.sk.snd_una == end.sk.write_seq);
}

TEST_CASE("an RST outside the receive window is ignored; one inside it resets the connection") {
    const auto far = run_edited([](int n, net::TcpRepr& tcp) {
        if (n == 2) {
            tcp.flags = net::TCP_RST;
            tcp.seq += 1u << 30;
        }
    });
    const auto rej = find_first(far, K::seq_reject);
    REQUIRE(rej);
    CHECK(count(far, K::reset) == 0);
    CHECK_FALSE(find_next(far, K::send_ack, *rej));  // an RST gets no answer
    const auto end = state_at(far, far.events.size() - 1);
    CHECK(end.sk.sk_err == 0);
    CHECK(end.sk.snd_una == end.sk.write_seq);

    const auto in = run_edited([](int n, net::TcpRepr& tcp) {
        if (n == 2) tcp.flags = net::TCP_RST;  // at rcv_nxt: inside the window
    });
    CHECK(count(in, K::seq_reject) == 0);
    const auto reset = find_first(in, K::reset);
    REQUIRE(reset);
    CHECK(state_at(in, *reset).sk.sk_err == engine::ECONNRESET_);
}

TEST_CASE("PAWS: a segment whose timestamp is older than ts_recent is dropped unread and answered") {
    // The peer's 3rd segment carries a TSval 1000 ticks in the past and an
    // ACK that would advance snd_una: an old duplicate, never looked at.
    const auto t = run_edited([](int n, net::TcpRepr& tcp) {
        if (n == 3 && tcp.options.ts) tcp.options.ts->first -= 1000;
    });
    const auto rej = find_first(t, K::paws_reject);
    REQUIRE(rej);
    CHECK(count(t, K::paws_reject) == 1);
    const auto before = state_at(t, *rej);
    CHECK(t.arg(*rej, Arg::old) == before.sk.ts_recent);
    CHECK(t.arg(*rej, Arg::value) == static_cast<uint32_t>(before.sk.ts_recent - 1000));
    // Its ACK number was not read: no ack event, our ACK goes back, and
    // ts_recent did not move back.
    const auto back = find_next(t, K::send_ack, *rej);
    REQUIRE(back);
    const auto next_ack = find_next(t, K::ack, *rej);
    CHECK((!next_ack || *next_ack > *back));
    CHECK(state_at(t, *back).sk.ts_recent == before.sk.ts_recent);
    CHECK(state_at(t, *back).sk.snd_una == before.sk.snd_una);
    CHECK(t.end_reason == "completed");
}

TEST_CASE("PAWS spares a TSval one tick old, and an RST whatever its timestamp") {
    const auto one = run_edited([](int n, net::TcpRepr& tcp) {
        if (n == 3 && tcp.options.ts) tcp.options.ts->first -= 1;
    });
    CHECK(count(one, K::paws_reject) == 0);

    const auto rst = run_edited([](int n, net::TcpRepr& tcp) {
        if (n == 3 && tcp.options.ts) {
            tcp.options.ts->first -= 1000;
            tcp.flags = net::TCP_RST;
        }
    });
    CHECK(count(rst, K::paws_reject) == 0);
    CHECK(find_first(rst, K::reset));
}
