// The simulated receiver, driven directly with frames built by hand: what it
// answers, when, and with which window.
#include <doctest/doctest.h>

#include <memory>
#include <random>
#include <vector>

#include "lesson/scenario.hpp"
#include "model/state.hpp"
#include "net/wire.hpp"
#include "peer/sim_peer.hpp"
#include "support/trace_query.hpp"
#include "trace/recorder.hpp"

using namespace sendpath;
using peer::SimLink;

namespace {

constexpr uint32_t kOurIsn = 5000;
constexpr int64_t kDelay = 500;  // one-way delay in the default scenario

struct Got {
    int64_t time_us = 0;
    net::TcpRepr tcp;
    std::size_t payload = 0;
    bool arp = false;
    net::ArpRepr arp_repr;
};

// One SimLink with its own trace, and our side of the connection played by hand.
struct Rig {
    lesson::Scenario sc;
    model::State st;
    trace::Trace tr;
    trace::Recorder rec{st, &tr};
    peer::SimAddrs ad;
    std::unique_ptr<SimLink> link;
    uint32_t snd_nxt = kOurIsn + 1;
    uint32_t peer_ack = 0;  // rcv_nxt on our side
    uint16_t ip_id = 0;

    explicit Rig(lesson::Scenario s) : sc(std::move(s)) { link = std::make_unique<SimLink>(sc.peer, rec, ad); }

    std::vector<uint8_t> frame(const net::TcpRepr& t, std::size_t payload_len) {
        net::FrameAddrs a{ad.our_mac, ad.peer_mac, ad.our_ip, ad.peer_ip, ip_id++, 64, true};
        std::vector<uint8_t> payload(payload_len, 'x');
        std::vector<uint8_t> f;
        net::emit_tcp_frame(f, a, t, payload);
        return f;
    }
    net::TcpRepr header(uint8_t flags) const {
        net::TcpRepr t;
        t.src_port = ad.our_port;
        t.dst_port = ad.peer_port;
        t.seq = snd_nxt;
        t.ack = peer_ack;
        t.flags = flags;
        t.window = 1000;
        t.options.ts = std::make_pair(static_cast<uint32_t>(link->now_us() / 1000), 0u);
        return t;
    }
    bool send_syn(bool with_options = true) {
        net::TcpRepr t;
        t.src_port = ad.our_port;
        t.dst_port = ad.peer_port;
        t.seq = kOurIsn;
        t.flags = net::TCP_SYN;
        t.window = 65535;
        if (with_options) {
            t.options.mss = 1460;
            t.options.sack_perm = true;
            t.options.ts = std::make_pair(77u, 0u);
            t.options.wscale = 7;
        }
        return link->send(frame(t, 0));
    }
    bool send_data(std::size_t len, uint8_t flags = net::TCP_ACK | net::TCP_PSH) {
        auto t = header(flags);
        snd_nxt += static_cast<uint32_t>(len) + ((flags & net::TCP_FIN) ? 1 : 0);
        return link->send(frame(t, len));
    }
    bool send_bare(uint32_t seq, uint8_t flags = net::TCP_ACK) {
        auto t = header(flags);
        t.seq = seq;
        return link->send(frame(t, 0));
    }
    // Every frame that reaches us up to `until`.
    std::vector<Got> collect(int64_t until) {
        std::vector<Got> out;
        while (auto r = link->wait(until)) {
            std::string why;
            auto pf = net::parse_frame(r->frame, &why);
            REQUIRE_MESSAGE(pf, why);
            Got g;
            g.time_us = r->time_us;
            if (pf->is_arp()) {
                g.arp = true;
                g.arp_repr = *pf->arp;
            } else {
                g.tcp = *pf->tcp;
                g.payload = pf->payload.size();
                CHECK(pf->ip->src == ad.peer_ip);
                CHECK(pf->ip->dst == ad.our_ip);
            }
            out.push_back(g);
        }
        CHECK(link->now_us() == until);
        return out;
    }
    void handshake() {
        REQUIRE(send_syn());
        auto got = collect(link->now_us() + 2 * kDelay);
        REQUIRE(got.size() == 1);
        peer_ack = got[0].tcp.seq + 1;
        REQUIRE(send_bare(snd_nxt));
        collect(link->now_us() + 2 * kDelay);
        REQUIRE(link->state() == SimLink::State::established);
    }
    std::vector<std::size_t> events(trace::Kind k) const { return sptest::find_all(tr, k); }
};

lesson::Scenario scenario() { return lesson::Scenario{}; }

}  // namespace

TEST_CASE("SYN gets a SYN-ACK with the options our SYN offered, one round trip later") {
    Rig r(scenario());
    REQUIRE(r.send_syn());
    auto got = r.collect(5000);
    REQUIRE(got.size() == 1);
    const auto& t = got[0].tcp;
    CHECK(got[0].time_us == 2 * kDelay);
    CHECK(t.flags == (net::TCP_SYN | net::TCP_ACK));
    CHECK(t.seq == SimLink::kIss);
    CHECK(t.ack == kOurIsn + 1);
    CHECK(t.window == 65535);  // min(rcvbuf, 65535): a SYN's window is not scaled
    CHECK(t.options.mss == 1460);
    CHECK(t.options.sack_perm);  // offered, and peer.sack is on: agreed (it sends SACK blocks)
    CHECK(t.options.wscale == 7);
    REQUIRE(t.options.ts);
    CHECK(t.options.ts->second == 77u);  // our tsval echoed
    CHECK(r.link->state() == SimLink::State::syn_rcvd);
}

TEST_CASE("a SYN without options gets only MSS back; scenario MSS and wscale are used") {
    auto sc = scenario();
    sc.peer.mss = 1000;
    sc.peer.wscale = 3;
    sc.peer.rcvbuf = 20000;
    Rig r(sc);
    REQUIRE(r.send_syn(false));
    auto got = r.collect(5000);
    REQUIRE(got.size() == 1);
    CHECK(got[0].tcp.options == net::TcpOptions{1000, std::nullopt, false, std::nullopt, {}});
    CHECK(got[0].tcp.window == 20000);
}

TEST_CASE("delayed ACK without quick-ack mode: every second full segment at once, the odd one after delack_ms") {
    auto sc = scenario();
    sc.peer.quickack = false;
    Rig r(sc);
    r.handshake();
    const int64_t t0 = r.link->now_us();
    for (int i = 0; i < 11; ++i) REQUIRE(r.send_data(1448));
    auto got = r.collect(t0 + 100'000);
    REQUIRE(got.size() == 6);
    for (int k = 0; k < 5; ++k) {
        CHECK(got[k].time_us == t0 + 2 * kDelay);
        CHECK(got[k].tcp.ack == kOurIsn + 1 + 1448u * 2 * (k + 1));
        CHECK(got[k].tcp.flags == net::TCP_ACK);
    }
    CHECK(got[5].time_us == t0 + 2 * kDelay + 40'000);  // delack_ms = 40
    CHECK(got[5].tcp.ack == kOurIsn + 1 + 1448u * 11);
    CHECK(r.link->rcv_nxt() == kOurIsn + 1 + 1448u * 11);
}

TEST_CASE("quick-ack mode: the first 16 full segments at once, then every second one (tcp_incr_quickack)") {
    Rig r(scenario());
    r.handshake();
    const int64_t t0 = r.link->now_us();
    for (int i = 0; i < 20; ++i) REQUIRE(r.send_data(1448));
    auto got = r.collect(t0 + 100'000);
    // The first segment raises rcv_mss to 1448 (tcp_measure_rcv_mss) before
    // tcp_incr_quickack: 65535 / (2 * 1448) = 22 quick ACKs, capped at 16.
    // Then the delayed-ACK rule: segments 18 and 20 each make two full ones
    // unacknowledged.
    REQUIRE(got.size() == 18);
    for (int k = 0; k < 16; ++k) CHECK(got[k].tcp.ack == kOurIsn + 1 + 1448u * (k + 1));
    CHECK(got[16].tcp.ack == kOurIsn + 1 + 1448u * 18);
    CHECK(got[17].tcp.ack == kOurIsn + 1 + 1448u * 20);
    for (const auto& g : got) CHECK(g.time_us == t0 + 2 * kDelay);
    CHECK(r.st.sk.peer_ack_quick == 0);
    // The budget is shown on the peer's own events: 15 after the first ACK.
    auto updates = r.events(trace::Kind::peer_update);
    REQUIRE(!updates.empty());
    CHECK(sptest::state_at(r.tr, updates.front()).sk.peer_ack_quick == 0);  // the handshake: no data yet
    bool saw_15 = false;
    for (auto i : updates) saw_15 = saw_15 || sptest::state_at(r.tr, i).sk.peer_ack_quick == 15;
    CHECK(saw_15);
}

TEST_CASE(
    "quick-ack budget: half the window in rcv_mss segments, then delayed; refilled after a silence over the RTO") {
    auto sc = scenario();
    sc.peer.rcvbuf = 8000;
    Rig r(sc);
    r.handshake();
    const int64_t t0 = r.link->now_us();
    for (int i = 0; i < 10; ++i) REQUIRE(r.send_data(100));
    auto got = r.collect(t0 + 100'000);
    // rcv_wnd is the SYN-ACK's 8000, rcv_mss min(1460, 536, 8000 / 2) = 536,
    // which 100-byte segments do not raise: 8000 / 1072 = 7 quick ACKs. The
    // other three wait together for the delayed ACK (300 bytes < rcv_mss).
    REQUIRE(got.size() == 8);
    for (int k = 0; k < 7; ++k) {
        CHECK(got[k].time_us == t0 + 2 * kDelay);
        CHECK(got[k].tcp.ack == kOurIsn + 1 + 100u * (k + 1));
    }
    CHECK(got[7].time_us == t0 + 2 * kDelay + 40'000);
    CHECK(got[7].tcp.ack == kOurIsn + 1 + 1000u);

    // 100 ms after the last data: less than the peer's RTO (the handshake's
    // 1 ms echo + 200 ms), so still delayed.
    REQUIRE(r.send_data(100));
    got = r.collect(r.link->now_us() + 100'000);
    REQUIRE(got.size() == 1);
    CHECK(got[0].time_us == t0 + 100'000 + 2 * kDelay + 40'000);
    // 300 ms of silence, more than the RTO: tcp_event_data_recv refills the budget.
    r.collect(r.link->now_us() + 200'000);
    const int64_t t1 = r.link->now_us();
    REQUIRE(r.send_data(100));
    got = r.collect(t1 + 100'000);
    REQUIRE(got.size() == 1);
    CHECK(got[0].time_us == t1 + 2 * kDelay);
    CHECK(r.st.sk.peer_ack_quick > 0);
}

TEST_CASE("quick-ack mode off: the very first lone segment waits for the delayed ACK") {
    auto sc = scenario();
    sc.peer.quickack = false;
    Rig r(sc);
    r.handshake();
    const int64_t t0 = r.link->now_us();
    REQUIRE(r.send_data(100));
    auto got = r.collect(t0 + 100'000);
    REQUIRE(got.size() == 1);
    CHECK(got[0].time_us == t0 + 2 * kDelay + 40'000);
    CHECK(r.st.sk.peer_ack_quick == 0);
}

TEST_CASE("without delayed ACK every data segment is acknowledged") {
    auto sc = scenario();
    sc.peer.delayed_ack = false;
    Rig r(sc);
    r.handshake();
    const int64_t t0 = r.link->now_us();
    for (int i = 0; i < 5; ++i) REQUIRE(r.send_data(100));
    auto got = r.collect(t0 + 100'000);
    REQUIRE(got.size() == 5);
    for (int k = 0; k < 5; ++k) CHECK(got[k].tcp.ack == kOurIsn + 1 + 100u * (k + 1));
}

TEST_CASE("scripted loss of the peer's second ACK: a peer_drop event, the others arrive") {
    auto sc = scenario();
    sc.peer.drop_acks = {5, 2};  // a config built in code need not be in order
    Rig r(sc);
    r.handshake();
    const int64_t t0 = r.link->now_us();
    for (int i = 0; i < 3; ++i) REQUIRE(r.send_data(1448));  // quick-ack mode: an ACK each
    const auto got = r.collect(t0 + 100'000);
    REQUIRE(got.size() == 2);
    CHECK(got[0].tcp.ack == kOurIsn + 1 + 1448);
    CHECK(got[1].tcp.ack == kOurIsn + 1 + 3 * 1448);

    const auto drops = r.events(trace::Kind::peer_drop);
    REQUIRE(drops.size() == 1);
    CHECK(r.tr.events[drops[0]].func == trace::Func::peer);
    CHECK(r.tr.arg(drops[0], trace::Arg::ack) == kOurIsn + 1 + 2 * 1448);
    CHECK(r.tr.arg(drops[0], trace::Arg::len) == 0);
    CHECK(r.tr.arg(drops[0], trace::Arg::dropped) == 2);
    CHECK(r.link->rcv_nxt() == kOurIsn + 1 + 3 * 1448);  // the data itself arrived
}

TEST_CASE("scripted loss of data segment 3: a peer_drop event, then duplicate ACKs") {
    auto sc = scenario();
    sc.peer.drop = {3};
    sc.peer.quickack = false;  // one ACK for segments 1 and 2 together
    Rig r(sc);
    r.handshake();
    const int64_t t0 = r.link->now_us();
    const uint32_t seg3 = kOurIsn + 1 + 2 * 1448;
    CHECK(r.send_data(1448));
    CHECK(r.send_data(1448));
    CHECK_FALSE(r.send_data(1448));  // lost on the way
    CHECK(r.send_data(1448));
    CHECK(r.send_data(1448));
    CHECK(r.send_data(1448));
    auto got = r.collect(t0 + 10'000);
    REQUIRE(got.size() == 4);  // the ACK for 1+2, then one duplicate per segment after the hole
    for (const auto& g : got) CHECK(g.tcp.ack == seg3);
    CHECK(r.link->data_segments_sent() == 6);

    auto drops = r.events(trace::Kind::peer_drop);
    REQUIRE(drops.size() == 1);
    CHECK(r.tr.events[drops[0]].func == trace::Func::peer);
    CHECK(r.tr.events[drops[0]].file == trace::engine_file_id("core/peer/sim_peer.cpp"));
    CHECK(r.tr.arg(drops[0], trace::Arg::seq) == seg3);
    CHECK(r.tr.arg(drops[0], trace::Arg::dropped) == 3);
    CHECK(r.tr.arg(drops[0], trace::Arg::len) == 1448);

    // The three segments after the hole wait in the out-of-order queue.
    CHECK(r.link->rcv_nxt() == seg3);

    // The retransmission fills the hole, and what waited follows it in: one
    // ACK covers all four segments (tcp_ofo_queue).
    auto t = r.header(net::TCP_ACK);
    t.seq = seg3;
    REQUIRE(r.link->send(r.frame(t, 1448)));
    got = r.collect(r.link->now_us() + 100'000);
    REQUIRE(got.size() == 1);
    CHECK(got[0].tcp.ack == seg3 + 4 * 1448);
    CHECK(r.link->rcv_nxt() == seg3 + 4 * 1448);
}

TEST_CASE("SACK blocks as a Linux receiver sends them: the newest first, at most 3 beside timestamps, D-SACK once") {
    auto sc = scenario();
    sc.peer.drop = {2, 4, 6, 8};  // four holes: 1 _ 3 _ 5 _ 7 _ 9
    Rig r(sc);
    r.handshake();
    const uint32_t base = kOurIsn + 1;
    auto seg = [&](int n) { return base + static_cast<uint32_t>(n - 1) * 1000; };
    for (int i = 1; i <= 9; ++i) r.send_data(1000);
    auto got = r.collect(r.link->now_us() + 10'000);
    // After segment 3 one block; each later island becomes the first block.
    std::vector<std::vector<std::pair<uint32_t, uint32_t>>> blocks;
    for (const auto& g : got)
        if (!g.tcp.options.sack_blocks.empty()) blocks.push_back(g.tcp.options.sack_blocks);
    REQUIRE(blocks.size() == 4);
    CHECK(blocks[0] == std::vector<std::pair<uint32_t, uint32_t>>{{seg(3), seg(4)}});
    CHECK(blocks[1] == std::vector<std::pair<uint32_t, uint32_t>>{{seg(5), seg(6)}, {seg(3), seg(4)}});
    // Four islands, but beside the timestamp only three blocks fit: the oldest is left out.
    CHECK(blocks[3] ==
          std::vector<std::pair<uint32_t, uint32_t>>{{seg(9), seg(10)}, {seg(7), seg(8)}, {seg(5), seg(6)}});

    // Segment 3 again: already held out of order. Its ACK carries a D-SACK
    // first, then the block it belongs to moved to the front; the next ACK
    // has no D-SACK any more.
    auto t = r.header(net::TCP_ACK);
    t.seq = seg(3);
    REQUIRE(r.link->send(r.frame(t, 1000)));
    got = r.collect(r.link->now_us() + 10'000);
    REQUIRE(got.size() == 1);
    CHECK(got[0].tcp.options.sack_blocks ==
          std::vector<std::pair<uint32_t, uint32_t>>{{seg(3), seg(4)}, {seg(3), seg(4)}, {seg(9), seg(10)}});
    // Segment 2 fills the first hole: 2 and 3 are in order, the block for 3 goes.
    t.seq = seg(2);
    REQUIRE(r.link->send(r.frame(t, 1000)));
    got = r.collect(r.link->now_us() + 10'000);
    REQUIRE(got.size() == 1);
    CHECK(got[0].tcp.ack == seg(4));
    CHECK(got[0].tcp.options.sack_blocks ==
          std::vector<std::pair<uint32_t, uint32_t>>{{seg(9), seg(10)}, {seg(7), seg(8)}, {seg(5), seg(6)}});
    // Old data below rcv_nxt: a D-SACK for it.
    t.seq = seg(1);
    REQUIRE(r.link->send(r.frame(t, 1000)));
    got = r.collect(r.link->now_us() + 10'000);
    REQUIRE(got.size() == 1);
    REQUIRE(!got[0].tcp.options.sack_blocks.empty());
    CHECK(got[0].tcp.options.sack_blocks.front() == std::make_pair(seg(1), seg(2)));
}

TEST_CASE("peer.sack false: no SACK_PERM in the SYN-ACK and no SACK blocks") {
    auto sc = scenario();
    sc.peer.sack = false;
    sc.peer.drop = {2};
    Rig r(sc);
    REQUIRE(r.send_syn());
    auto got = r.collect(r.link->now_us() + 2 * kDelay);
    REQUIRE(got.size() == 1);
    CHECK_FALSE(got[0].tcp.options.sack_perm);
    r.peer_ack = got[0].tcp.seq + 1;
    REQUIRE(r.send_bare(r.snd_nxt));
    r.collect(r.link->now_us() + 2 * kDelay);
    for (int i = 0; i < 4; ++i) r.send_data(1000);
    for (const auto& g : r.collect(r.link->now_us() + 10'000)) CHECK(g.tcp.options.sack_blocks.empty());
}

TEST_CASE("the window closes when the application does not read, and reopens after a read") {
    auto sc = scenario();
    sc.peer.read_rate = 0;
    sc.peer.rcvbuf = 8192;
    sc.peer.delayed_ack = false;
    Rig r(sc);
    r.handshake();
    CHECK(r.link->window_now() == 8192);
    for (int i = 0; i < 8; ++i) REQUIRE(r.send_data(1024));
    auto got = r.collect(r.link->now_us() + 10'000);
    REQUIRE(got.size() == 8);
    for (int k = 0; k < 8; ++k) CHECK(got[k].tcp.window == (8192 - 1024 * (k + 1)) >> 7);
    CHECK(r.link->window_now() == 0);
    CHECK(r.link->queued() == 8192);
    CHECK(r.st.sk.peer_rcv_queued == 8192);
    CHECK(r.st.sk.peer_rcv_wnd == 0);

    // Data into a zero window is dropped and answered; so is a window probe (seq = snd_una - 1).
    const uint32_t before = r.link->rcv_nxt();
    REQUIRE(r.send_data(1024));
    r.snd_nxt -= 1024;
    REQUIRE(r.send_bare(r.snd_nxt - 1));
    got = r.collect(r.link->now_us() + 10'000);
    REQUIRE(got.size() == 2);
    for (const auto& g : got) {
        CHECK(g.tcp.window == 0);
        CHECK(g.tcp.ack == before);
    }

    // A read smaller than one segment does not reopen the window (silly window avoidance).
    r.link->app_read(1000);
    got = r.collect(r.link->now_us() + 10'000);
    CHECK(got.empty());
    // Reading everything does, with a window update.
    r.link->app_read(-1);
    got = r.collect(r.link->now_us() + 10'000);
    REQUIRE(got.size() == 1);
    CHECK(got[0].tcp.window == 8192 >> 7);
    CHECK(got[0].tcp.ack == before);

    auto reads = r.events(trace::Kind::peer_read);
    REQUIRE(reads.size() == 2);
    CHECK(r.tr.arg(reads[0], trace::Arg::bytes) == 1000);
    CHECK(r.tr.arg(reads[1], trace::Arg::bytes) == 7192);
    CHECK(r.st.sk.peer_read_total == 8192);
    CHECK(r.st.sk.peer_rcv_queued == 0);
}

TEST_CASE("read_rate: the application reads in 1 ms ticks at its rate") {
    auto sc = scenario();
    sc.peer.read_rate = 1'448'000;  // 1448 bytes per ms
    Rig r(sc);
    r.handshake();
    const int64_t t0 = r.link->now_us();
    for (int i = 0; i < 4; ++i) REQUIRE(r.send_data(1448));
    r.collect(t0 + kDelay + 2500);
    CHECK(r.link->read_total() == 2 * 1448);
    r.collect(t0 + 100'000);
    CHECK(r.link->read_total() == 4 * 1448);
    auto reads = r.events(trace::Kind::peer_read);
    REQUIRE(reads.size() == 4);
    for (std::size_t k = 0; k < 4; ++k) {
        CHECK(r.tr.events[reads[k]].time_us == t0 + kDelay + 1000 * static_cast<int64_t>(k + 1));
        CHECK(r.tr.arg(reads[k], trace::Arg::bytes) == 1448);
    }
}

TEST_CASE("read_rate -1: data is read on arrival and the window stays wide open") {
    Rig r(scenario());
    r.handshake();
    for (int i = 0; i < 10; ++i) REQUIRE(r.send_data(1448));
    auto got = r.collect(r.link->now_us() + 10'000);
    REQUIRE(got.size() == 10);  // quick-ack mode: each of the first segments at once
    for (const auto& g : got) CHECK(g.tcp.window == 131072 >> 7);
    CHECK(r.link->read_total() == 14480);
    CHECK(r.link->queued() == 0);
    CHECK(r.events(trace::Kind::peer_read).size() == 10);
}

TEST_CASE("FIN is acknowledged at once") {
    Rig r(scenario());
    r.handshake();
    REQUIRE(r.send_data(100, net::TCP_ACK | net::TCP_PSH | net::TCP_FIN));
    auto got = r.collect(r.link->now_us() + 10'000);
    REQUIRE(got.size() == 1);
    CHECK(got[0].tcp.ack == kOurIsn + 1 + 100 + 1);
    CHECK(r.link->state() == SimLink::State::close_wait);
}

TEST_CASE("reset_at_us: an RST at that time, and RSTs for what comes after") {
    auto sc = scenario();
    sc.peer.reset_at_us = 20'000;
    Rig r(sc);
    r.handshake();
    auto got = r.collect(30'000);
    REQUIRE(got.size() == 1);
    CHECK(got[0].time_us == 20'000 + kDelay);
    CHECK((got[0].tcp.flags & net::TCP_RST));
    CHECK(got[0].tcp.seq == SimLink::kIss + 1);
    CHECK(r.link->state() == SimLink::State::closed);
    REQUIRE(r.send_data(10));
    got = r.collect(40'000);
    REQUIRE(got.size() == 1);
    CHECK(got[0].tcp.flags == net::TCP_RST);
}

TEST_CASE("ARP requests for the peer are answered; bad frames are ignored") {
    Rig r(scenario());
    net::ArpRepr req;
    req.op = net::ARP_REQUEST;
    req.sender_mac = r.ad.our_mac;
    req.sender_ip = r.ad.our_ip;
    req.target_ip = r.ad.peer_ip;
    std::vector<uint8_t> f;
    net::emit_arp_frame(f, req);
    REQUIRE(r.link->send(f));
    auto syn = r.frame(r.header(net::TCP_SYN), 0);
    syn.back() ^= 0xff;  // bad TCP checksum
    REQUIRE(r.link->send(syn));
    auto got = r.collect(10'000);
    REQUIRE(got.size() == 1);
    REQUIRE(got[0].arp);
    CHECK(got[0].arp_repr.op == net::ARP_REPLY);
    CHECK(got[0].arp_repr.sender_mac == r.ad.peer_mac);
    CHECK(got[0].arp_repr.target_ip == r.ad.our_ip);
    CHECK(r.link->frames_ignored() == 1);
    CHECK(r.link->state() == SimLink::State::listen);
}

TEST_CASE("time never goes back, and wait() stops at until when nothing comes") {
    Rig r(scenario());
    CHECK_FALSE(r.link->wait(3000));
    CHECK(r.link->now_us() == 3000);
    CHECK_FALSE(r.link->wait(1000));
    CHECK(r.link->now_us() == 3000);
    REQUIRE(r.send_syn());
    auto got = r.link->wait(3000 + 2 * kDelay);
    REQUIRE(got);
    CHECK(got->time_us == 3000 + 2 * kDelay);
    CHECK(r.link->now_us() == got->time_us);
}

TEST_CASE("determinism: the same inputs give the same frames and the same trace") {
    auto run = [] {
        auto sc = scenario();
        sc.peer.drop = {2, 7};
        sc.peer.read_rate = 500'000;
        sc.peer.rcvbuf = 20000;
        Rig r(sc);
        r.handshake();
        std::vector<std::pair<int64_t, std::vector<uint8_t>>> frames;
        for (int round = 0; round < 6; ++round) {
            for (int i = 0; i < 3; ++i) r.send_data(700 + 300 * static_cast<std::size_t>(i));
            while (auto g = r.link->wait(r.link->now_us() + 7000)) frames.emplace_back(g->time_us, g->frame);
            if (round == 3) r.link->app_read(2000);
        }
        return std::make_pair(frames, r.tr);
    };
    auto a = run();
    auto b = run();
    CHECK(a.first.size() > 10);
    CHECK(a.first == b.first);
    CHECK(a.second == b.second);
}

TEST_CASE(
    "the offered right edge does not move back, and the buffer is not overrun, whatever the sender and reader do") {
    auto sc = scenario();
    sc.peer.read_rate = 0;
    sc.peer.rcvbuf = 10000;  // not a multiple of the 128-byte scale unit
    Rig r(sc);
    r.handshake();
    std::mt19937 rng(42);
    uint32_t right = 0;
    bool have_right = false;
    int acks = 0, shrinks = 0;
    for (int step = 0; step < 400; ++step) {
        const unsigned what = rng() % 4;
        if (what <= 1) {
            r.snd_nxt = r.link->rcv_nxt();         // go back to what the peer has (covers trimming and holes)
            if (rng() % 5 == 0) r.snd_nxt += 100;  // now and then a hole
            r.send_data(1 + rng() % 2000);
        } else if (what == 2) {
            r.link->app_read(static_cast<int64_t>(rng() % 3000));
        }
        for (const auto& g : r.collect(r.link->now_us() + static_cast<int64_t>(rng() % 50'000))) {
            const uint32_t edge = g.tcp.ack + (uint32_t{g.tcp.window} << 7);
            // Never back by a whole scale unit (see select_window: by less only
            // when rounding up would overcommit the buffer).
            if (have_right) CHECK_FALSE(net::seq_before(edge + 127, right));
            if (have_right && net::seq_before(edge, right)) ++shrinks;
            right = edge;
            have_right = true;
            ++acks;
        }
        REQUIRE(r.link->queued() <= sc.peer.rcvbuf + 127);
        REQUIRE(r.link->queued() >= 0);
    }
    CHECK(acks > 50);
    CHECK(r.link->read_total() > 0);
    MESSAGE(acks, " ACKs, ", shrinks, " moved the edge back by less than 128 bytes");
}

TEST_CASE("random and damaged frames sent to the peer do no harm") {
    Rig r(scenario());
    r.handshake();
    std::mt19937 rng(7);
    auto good = r.frame(r.header(net::TCP_ACK | net::TCP_PSH), 300);
    for (int i = 0; i < 3000; ++i) {
        std::vector<uint8_t> f = good;
        if (i % 3 == 0) {
            f.resize(rng() % 200);
            for (auto& b : f) b = static_cast<uint8_t>(rng());
        } else {
            f[rng() % f.size()] = static_cast<uint8_t>(rng());
        }
        r.link->send(f);
        if (i % 100 == 0) r.collect(r.link->now_us() + 1000);
    }
    r.collect(r.link->now_us() + 100'000);
    // Everything damaged was counted and dropped; the connection still works.
    CHECK(r.link->frames_ignored() > 2000);
    CHECK(r.link->state() == SimLink::State::established);
    r.snd_nxt = r.link->rcv_nxt();
    const uint32_t expect = r.snd_nxt + 1448 * 2;
    r.send_data(1448);
    r.send_data(1448);
    auto got = r.collect(r.link->now_us() + 10'000);
    REQUIRE_FALSE(got.empty());
    CHECK(got.back().tcp.ack == expect);
}
