// The simulated peer with its segments edited or held on the way to the
// engine, for tests that need what a well-behaved receiver and path never
// give (bad SACK blocks, out-of-window segments, a stray RST, a delay spike).
//
// Inline, not in sp_test_support: the library stays at the trace layer, and a
// test that runs scenarios links the engine itself (sendpath_core).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "engine/link.hpp"
#include "lesson/scenario.hpp"
#include "net/frame.hpp"
#include "peer/sim_peer.hpp"
#include "run/runner.hpp"

namespace sptest {

// The simulated peer behind a test's own Link, which passes everything
// through and may override what reaches the engine (wait) or the clock it sees.
class SimLinkWrapper : public sendpath::engine::Link {
public:
    explicit SimLinkWrapper(sendpath::peer::SimPeerConfig cfg) : cfg_(std::move(cfg)) {}
    void attach(sendpath::trace::Recorder& rec) override {
        sim_ = std::make_unique<sendpath::peer::SimLink>(cfg_, rec);
    }
    int64_t now_us() override { return sim_->now_us(); }
    bool send(std::span<const uint8_t> frame) override { return sim_->send(frame); }
    bool takes_segments() const override { return true; }
    bool send_segment(const sendpath::net::FrameAddrs& a, const sendpath::net::TcpRepr& tcp,
                      uint32_t payload_len) override {
        return sim_->send_segment(a, tcp, payload_len);
    }
    std::optional<sendpath::engine::Received> wait(int64_t until_us) override { return sim_->wait(until_us); }

protected:
    sendpath::peer::SimPeerConfig cfg_;
    std::unique_ptr<sendpath::peer::SimLink> sim_;
};

// Calls edit(n, tcp) with the n-th segment (from 1) the simulated peer sends
// after its SYN-ACK; the frame is built again from the edited header, so the
// trace holds what the engine read.
class PeerEditLink final : public SimLinkWrapper {
public:
    using Edit = std::function<void(int n, sendpath::net::TcpRepr& tcp)>;
    PeerEditLink(sendpath::peer::SimPeerConfig cfg, Edit edit)
        : SimLinkWrapper(std::move(cfg)), edit_(std::move(edit)) {}
    std::optional<sendpath::engine::Received> wait(int64_t until_us) override {
        auto r = sim_->wait(until_us);
        if (r && r->has_segment && !(r->segment.tcp.flags & sendpath::net::TCP_SYN)) {
            edit_(++n_, r->segment.tcp);
            if (!r->frame.empty()) {
                const auto old = sendpath::net::parse_frame(r->frame, nullptr);
                const sendpath::engine::SimAddrs s{};
                sendpath::net::FrameAddrs a{
                    s.peer_mac, s.our_mac, s.peer_ip, s.our_ip, old && old->ip ? old->ip->ident : uint16_t{0},
                    64,         true};
                r->frame.clear();
                sendpath::net::emit_tcp_frame(r->frame, a, r->segment.tcp);
            }
        }
        return r;
    }

private:
    Edit edit_;
    int n_ = 0;
};

// Runs sc with the engine's default options over the Link make(cfg) returns,
// cfg being sc's simulated peer (a SimLinkWrapper around it).
template <class MakeLink>
sendpath::trace::Trace run_with_sim_link(sendpath::lesson::Scenario sc, MakeLink make) {
    const sendpath::peer::SimPeerConfig cfg = sc.peer;
    sc.peer.type = "tap";  // the runner then takes the link from the hook
    sendpath::run::RunHooks hooks;
    hooks.make_tap_link = [&](const sendpath::lesson::Scenario&) -> std::unique_ptr<sendpath::engine::Link> {
        return make(cfg);
    };
    return sendpath::run::run_scenario(sc, sendpath::engine::Options{}, hooks);
}

// Runs sc against the simulated peer of sc.peer, its segments edited by edit.
inline sendpath::trace::Trace run_with_peer_edits(sendpath::lesson::Scenario sc, PeerEditLink::Edit edit) {
    return run_with_sim_link(std::move(sc), [&](const sendpath::peer::SimPeerConfig& cfg) {
        return std::make_unique<PeerEditLink>(cfg, edit);
    });
}

}  // namespace sptest
