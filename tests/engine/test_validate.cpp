// tcp_validate_incoming (tcp_input.c, 2.6.32.67) on an established
// connection: a segment outside the receive window is dropped before its
// ACK number or RST bit is looked at, and answered with an ACK; an RST in
// the window resets. The simulated peer's segments are edited on the way.
#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "engine/engine.hpp"
#include "engine/link.hpp"
#include "net/frame.hpp"
#include "peer/sim_peer.hpp"
#include "support/scenarios.hpp"
#include "support/trace_query.hpp"

using namespace sendpath;
using namespace sptest;
using K = trace::Kind;
using trace::Arg;

namespace {

// The simulated peer, with the n-th segment it sends after its SYN-ACK
// (from 1) edited by `edit`; frames are built again from the edited header.
class EditLink final : public engine::Link {
public:
    using Edit = std::function<void(int n, net::TcpRepr& tcp)>;
    EditLink(peer::SimPeerConfig cfg, Edit edit) : cfg_(std::move(cfg)), edit_(std::move(edit)) {}
    void attach(trace::Recorder& rec) override { sim_ = std::make_unique<peer::SimLink>(cfg_, rec); }
    int64_t now_us() override { return sim_->now_us(); }
    bool send(std::span<const uint8_t> frame) override { return sim_->send(frame); }
    bool takes_segments() const override { return true; }
    bool send_segment(const net::FrameAddrs& a, const net::TcpRepr& tcp, uint32_t payload_len) override {
        return sim_->send_segment(a, tcp, payload_len);
    }
    std::optional<engine::Received> wait(int64_t until_us) override {
        auto r = sim_->wait(until_us);
        if (r && r->has_segment && !(r->segment.tcp.flags & net::TCP_SYN)) {
            edit_(++n_, r->segment.tcp);
            if (!r->frame.empty()) {
                const auto old = net::parse_frame(r->frame, nullptr);
                const engine::SimAddrs s{};
                net::FrameAddrs a{
                    s.peer_mac, s.our_mac, s.peer_ip, s.our_ip, old && old->ip ? old->ip->ident : uint16_t{0},
                    64,         true};
                r->frame.clear();
                net::emit_tcp_frame(r->frame, a, r->segment.tcp);
            }
        }
        return r;
    }

private:
    peer::SimPeerConfig cfg_;
    Edit edit_;
    std::unique_ptr<peer::SimLink> sim_;
    int n_ = 0;
};

constexpr const char* kScenario = R"({
  "socket": {"nodelay": true},
  "timeline": [{"send": 14480}],
  "max_time_ms": 30000
})";

trace::Trace run_edited(EditLink::Edit edit) {
    auto sc = scenario_from_text(kScenario);
    const peer::SimPeerConfig cfg = sc.peer;
    sc.peer.type = "tap";  // the runner then takes the link from the hook
    run::RunHooks hooks;
    hooks.make_tap_link = [&](const lesson::Scenario&) { return std::make_unique<EditLink>(cfg, edit); };
    return run::run_scenario(sc, engine::Options{}, hooks);
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
