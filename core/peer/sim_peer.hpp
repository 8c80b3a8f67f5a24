// The built-in simulated receiver: the wire and the host at the other end.
//
// SimLink is a Link whose clock is virtual (microseconds) and whose far end is
// a small, deterministic TCP receiver modelled on Linux's receive side:
//
//   handshake   answers our SYN with a SYN-ACK (ISN kIss, MSS SimPeerConfig::mss,
//               and WS / TS / SACK_PERM only if our SYN offered them; SACK_PERM
//               also only if SimPeerConfig::sack)
//   data        takes in-order data into a receive queue counted in bytes;
//               keeps out-of-order data inside its window (out_of_order_queue,
//               peer_ofo_queued) and moves it in once the hole is filled
//               (tcp_ofo_queue); answers out-of-order, old or out-of-window
//               segments with an immediate (duplicate) ACK
//   window      what is free of rcvbuf (__tcp_select_window): rounded up to the
//               scale unit, 0 instead of a sliver when the buffer is more than
//               half full and less than a segment is free (silly-window
//               avoidance), and never shrunk (tcp_select_window: an offered
//               right edge stays offered; with scaling, except by less than one
//               unit when rounding up would overcommit rcvbuf by a whole unit)
//   ACKs        delayed_ack off: every data segment at once. On: at once when
//               more than one full-sized segment (rcv_mss) is unacknowledged,
//               i.e. every second full segment, in quick-ack mode, and for
//               out-of-order, old or trimmed data, zero-window probes and FIN;
//               otherwise a delayed-ACK timer of delack_ms. As in Linux, PSH does
//               not force an ACK. While anything waits out of order, every
//               ACK goes at once (__tcp_ack_snd_check).
//   SACK        with SACK agreed, ACKs carry SACK blocks for the data held out
//               of order (the most recently changed block first, at most 4, 3
//               beside timestamps) and a D-SACK block, once, for data that came
//               twice (tcp_sack_new_ofo_skb, tcp_dsack_set, tcp_sack_remove)
//   quick-ack   SimPeerConfig::quickack (default on), as 2.6.32 runs it: the
//               first data segment, and one after a silence longer than the
//               peer's RTO, fill the budget ack_quick (icsk_ack.quick) to
//               rcv_wnd / (2 * rcv_mss), at least 2, at most 16; so do old,
//               overlapping, out-of-order and out-of-window segments
//               (tcp_enter_quickack_mode in tcp_data_queue). While it is above 0,
//               every segment is ACKed at once, and every ACK sent takes one
//               off it. The peer sends no data, so it never turns pingpong
//               (interactive) mode on, which would end quick-ack mode.
//   updates     after the application reads, a window update ACK is sent when
//               the window we could offer opens from zero, is at least twice the
//               one the sender knows (tcp_cleanup_rbuf), or 2*rcv_mss more
//   reads       read_rate -1: everything, as soon as it arrives; > 0: that many
//               bytes per second, in 1 ms ticks while data is queued; 0: only
//               app_read() (the scenario's peer_read actions)
//   loss        SimPeerConfig::drop: data segments (payload > 0) are numbered in
//               transmission order from 1; a listed one is lost on the way.
//               SimPeerConfig::loss_rate: each data segment, and each ACK back
//               (not the SYN-ACK or an RST), is lost with that probability, from
//               a splitmix64 generator seeded with loss_seed.
//               SimPeerConfig::drop_acks: the segments the peer sends after its
//               SYN-ACK (RSTs aside) are numbered from 1; a listed one is lost
//               on the way back
//   late        SimPeerConfig::late: a listed data segment (numbered as for
//               drop) arrives that many µs after it would have, so later
//               ones may overtake it (reordering)
//   reset       an RST at SimPeerConfig::reset_at_us
//   FIN         is acknowledged at once; the peer never closes its own side
//
// Frames the peer sends reach us one_way_delay_us later. Its state goes into
// the trace as the model's peer_* fields (among them peer_ack_quick, the
// quick-ack budget), set on events of its own, with Func::peer:
//   peer_read    args bytes                                   (each read)
//   peer_drop    args seq, len, dropped = the segment's number (inside send()),
//                or for a lost ACK: ack, len 0 (and dropped = its number
//                when drop_acks listed it)
//   peer_late    args seq, len, segs = the segment's number, value = the extra
//                delay in µs (inside send())
//   peer_update  args seq, bytes, win: after anything else it did that changed
//                a peer_* field (took a segment, sent an ACK)
// and our engine records the frames it receives. The Recorder's time is left
// at the time of the peer's last event (never later than now_us()).
// With the same configuration and the same calls, everything is the same: there is
// no randomness and no real clock in here.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "net/frame.hpp"
#include "peer/link.hpp"
#include "peer/sim_config.hpp"
#include "trace/recorder.hpp"

namespace sendpath::peer {

class SimLink final : public Link {
public:
    static constexpr uint32_t kIss = 1000000;  // the peer's initial sequence number
    static constexpr int64_t kReadTickUs = 1000;

    enum class State { listen, syn_rcvd, established, close_wait, closed };

    SimLink(const SimPeerConfig& cfg, trace::Recorder& rec, SimAddrs addrs = {});

    int64_t now_us() override { return now_; }
    bool send(std::span<const uint8_t> frame) override;
    bool takes_segments() const override { return true; }
    bool send_segment(const net::FrameAddrs& a, const net::TcpRepr& tcp, uint32_t payload_len) override;
    std::optional<Received> wait(int64_t until_us) override;

    // The peer's application reads now: bytes < 0 means everything queued.
    // Records a peer_read event (also for 0 bytes: the read happened).
    void app_read(int64_t bytes);

    // What the peer knows, for tests and views.
    State state() const { return state_; }
    uint32_t rcv_nxt() const { return rcv_nxt_; }
    int64_t queued() const { return queued_; }
    int64_t read_total() const { return read_total_; }
    int64_t data_segments_sent() const { return data_segments_; }  // by us, counted for scripted loss
    uint64_t frames_ignored() const { return ignored_; }           // unparsable or not for the peer
    int64_t window_now() const;                                    // bytes the sender may still send

private:
    // A frame of ours on its way to the peer, already parsed (the peer stores
    // no payload bytes, only their count).
    struct Arrival {
        int64_t at = 0;
        bool is_arp = false;
        net::ArpRepr arp;
        net::TcpRepr tcp;
        uint32_t payload_len = 0;
    };

    // A segment of ours that reached the peer's IP layer (parsed or handed over).
    bool arrive(net::Ipv4Addr dst, const net::TcpRepr& tcp, uint32_t payload_len);
    void queue_arrival(Arrival a);
    int64_t next_peer_event() const;
    void run_peer_event(int64_t t);
    void on_arp(const net::ArpRepr& arp, int64_t t);
    void on_segment(const net::TcpRepr& th, uint32_t len, int64_t t);
    void on_data(const net::TcpRepr& th, uint32_t len, int64_t t);
    void send_synack(int64_t t);
    void send_ack(int64_t t);
    // Quick-ack mode (tcp_input.c, include/net/tcp.h in 2.6.32).
    void tcp_event_data_recv(uint32_t len, int64_t t);
    void tcp_incr_quickack();
    void tcp_enter_quickack_mode();
    void tcp_dec_quickack_mode();
    void send_rst_for(const net::TcpRepr& th, uint32_t len, int64_t t);
    void transmit(net::TcpRepr th, int64_t t);
    void deliver(const net::TcpRepr& th, int64_t t);  // to us, one_way_delay_us after t
    int64_t select_window() const;                    // bytes to offer now (a multiple of 1 << wscale)
    // Takes n bytes off the queue and records peer_read (n = 0 only if always_record).
    void read(int64_t n, int64_t t, bool always_record, bool window_update);
    void maybe_window_update(int64_t t);
    void arm_read_tick(int64_t t);
    void publish();                 // peer_* fields of the model, on the event being built
    void publish_event(int64_t t);  // the same on an event of its own, if any changed

    SimPeerConfig cfg_;
    trace::Recorder& rec_;
    SimAddrs addrs_;
    std::vector<int64_t> drop_;  // sorted
    uint64_t loss_state_ = 0;    // peer.loss generator (splitmix64), starts at the seed
    bool random_loss();

    int64_t now_ = 0;  // our clock: never goes back
    std::deque<Arrival> to_peer_;
    std::deque<Received> to_us_;
    uint64_t ignored_ = 0;
    int64_t data_segments_ = 0;
    int64_t acks_sent_ = 0;  // segments sent after the SYN-ACK, RSTs aside: drop_acks' numbers
    uint16_t ip_id_ = 0;
    std::vector<uint8_t> frame_buf_;

    // The receiver (names as in tcp_sock).
    State state_ = State::listen;
    uint32_t irs_ = 0;         // our ISN
    uint32_t snd_nxt_ = kIss;  // the peer sends no data: kIss + 1 after the SYN-ACK
    uint32_t rcv_nxt_ = 0;
    uint32_t rcv_wup_ = 0;  // rcv_nxt when the last ACK went out
    uint32_t rcv_wnd_ = 0;  // window offered in that ACK (rcv_wup_ + rcv_wnd_ = right edge)
    bool ws_ok_ = false;    // our SYN offered window scaling
    int wscale_ = 0;        // the peer's receive window scale (0 if not negotiated)
    bool ts_ok_ = false;
    bool sack_ok_ = false;
    // out_of_order_queue: data that arrived after a hole, as sequence ranges in
    // order ([seq, end) of payload; fin when the FIN came with it).
    struct OfoRange {
        uint32_t seq = 0, end = 0;
        bool fin = false;
    };
    std::vector<OfoRange> ofo_;
    int64_t ofo_bytes_ = 0;
    void ofo_insert(uint32_t seq, uint32_t end, bool fin);
    // tcp_ofo_queue: what the hole's filling made in order; returns true on a FIN.
    bool tcp_ofo_queue();
    // SACK as a Linux receiver keeps it (tcp_input.c, 2.6.32): up to four
    // blocks, the most recently changed first (selective_acks), and one
    // D-SACK block to report data that came twice (duplicate_sack), sent
    // once ahead of the others.
    struct SackBlock {
        uint32_t start = 0, end = 0;
    };
    std::vector<SackBlock> selective_acks_;
    std::optional<SackBlock> dsack_;
    static bool tcp_sack_extend(SackBlock& sp, uint32_t seq, uint32_t end);
    void tcp_sack_new_ofo_skb(uint32_t seq, uint32_t end);
    void tcp_sack_maybe_coalesce();
    void tcp_sack_remove();
    void tcp_dsack_set(uint32_t seq, uint32_t end);
    void tcp_dsack_extend(uint32_t seq, uint32_t end);
    // The out-of-order part of tcp_data_queue: D-SACK for what was there
    // already, then the SACK blocks.
    void sack_ofo(uint32_t seq, uint32_t end);
    uint32_t ts_recent_ = 0;
    int64_t rcv_mss_ = 536;  // estimate of the sender's full segment size
    int64_t advmss_ = 1460;  // the MSS the peer announced
    int64_t queued_ = 0;     // received, not yet read
    int64_t read_total_ = 0;
    int64_t read_credit_ = 0;  // read_rate > 0: byte-milliseconds not yet spent
    int64_t delack_at_ = -1;   // delayed-ACK timer, -1 = not armed
    int64_t ack_quick_ = 0;    // icsk_ack.quick: ACKs still to send at once
    // icsk_ack.ato: 0 until the first data segment (or an old or out-of-order
    // one) arrives. Only whether it is 0 matters here: the delayed-ACK timer
    // is delack_ms, not an adaptive ato.
    int64_t ack_ato_ms_ = 0;
    int64_t ack_lrcvtime_ms_ = 0;  // icsk_ack.lrcvtime: when data last came in (jiffies, HZ = 1000)
    int64_t rto_ms_ = 3000;        // icsk_rto of the peer: TCP_TIMEOUT_INIT until the handshake's ACK is timed
    int64_t read_at_ = -1;         // next read tick, -1 = none
    int64_t reset_at_ = -1;        // scripted RST, -1 = none (or done)
};

}  // namespace sendpath::peer
