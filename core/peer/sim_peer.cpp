// The simulated receiver. See sim_peer.hpp for what it models and what not.
//
// [SECTION] Link: send() and wait(), the two timelines
// [SECTION] The peer's events: arrivals, delayed ACK, reads, reset
// [SECTION] Receiving: handshake, data, FIN
// [SECTION] Sending: ACKs, the window, RST
// [SECTION] The application: reads
#include "peer/sim_peer.hpp"

#include <algorithm>
#include <climits>
#include <string>

SP_EMIT_FILE("core/peer/sim_peer.cpp")

namespace sendpath::peer {

using model::SF;
using net::seq_after;
using net::seq_before;
using trace::Arg;
using trace::Func;
using trace::FuncScope;

namespace {
constexpr int64_t kNever = INT64_MAX;
constexpr int64_t TCP_MSS_DEFAULT = 536;
constexpr int64_t TCP_MIN_MSS = 88;
// Quick-ack constants of 2.6.32 (include/net/tcp.h), in ms (HZ = 1000).
constexpr int64_t TCP_MAX_QUICKACKS = 16;
constexpr int64_t TCP_ATO_MIN_MS = 40;
constexpr int64_t TCP_RTO_MIN_MS = 200;
constexpr int64_t TCP_RTO_MAX_MS = 120000;
}  // namespace

SimLink::SimLink(const SimPeerConfig& cfg, trace::Recorder& rec, SimAddrs addrs)
    : cfg_(cfg), rec_(rec), addrs_(addrs), drop_(cfg.drop), loss_state_(cfg.loss_seed) {
    std::sort(drop_.begin(), drop_.end());
    std::sort(cfg_.late.begin(), cfg_.late.end());            // arrive() looks a segment up by binary search
    std::sort(cfg_.drop_acks.begin(), cfg_.drop_acks.end());  // and transmit() an ACK
    cfg_.wscale = std::clamp<int64_t>(cfg_.wscale, 0, 14);
    cfg_.mss = std::clamp<int64_t>(cfg_.mss, TCP_MIN_MSS, 65535);
    cfg_.rcvbuf = std::max<int64_t>(cfg_.rcvbuf, 0);
    cfg_.one_way_delay_us = std::max<int64_t>(cfg_.one_way_delay_us, 0);
    cfg_.delack_ms = std::max<int64_t>(cfg_.delack_ms, 0);
    advmss_ = cfg_.mss;
    if (cfg_.reset_at_us) reset_at_ = std::max<int64_t>(*cfg_.reset_at_us, 0);
}

// ---------------------------------------------------------------------------
// [SECTION] Link: send() and wait(), the two timelines
// ---------------------------------------------------------------------------

bool SimLink::send(std::span<const uint8_t> frame) {
    std::string why;
    auto pf = net::parse_frame(frame, &why);
    if (!pf) {
        ++ignored_;  // on the wire, but the peer's stack drops it (bad checksum, truncated ...)
        return true;
    }
    Arrival a;
    a.at = now_ + cfg_.one_way_delay_us;
    if (pf->is_arp()) {
        a.is_arp = true;
        a.arp = *pf->arp;
        queue_arrival(std::move(a));
        return true;
    }
    return arrive(pf->ip->dst, *pf->tcp, static_cast<uint32_t>(pf->payload.size()));
}

bool SimLink::send_segment(const net::FrameAddrs& a, const net::TcpRepr& tcp, uint32_t payload_len) {
    return arrive(a.dst_ip, tcp, payload_len);
}

bool SimLink::arrive(net::Ipv4Addr dst, const net::TcpRepr& tcp, uint32_t payload_len) {
    if (dst != addrs_.peer_ip) {
        ++ignored_;
        return true;
    }
    Arrival a;
    a.at = now_ + cfg_.one_way_delay_us;
    a.payload_len = payload_len;
    if (a.payload_len > 0) {
        ++data_segments_;
        if (std::binary_search(drop_.begin(), drop_.end(), data_segments_) || random_loss()) {
            FuncScope fs(rec_, Func::peer);
            rec_.set_time(now_);
            rec_.arg(Arg::seq, tcp.seq);
            rec_.arg(Arg::len, a.payload_len);
            rec_.arg(Arg::dropped, data_segments_);  // which data segment, counted from 1
            SP_EMIT(rec_, peer_drop);
            return false;
        }
        // peer.late: this one is held on the way; it goes into the queue of
        // arrivals behind every frame due no later than it, so the ones sent
        // after it may overtake it.
        const auto late = std::lower_bound(cfg_.late.begin(), cfg_.late.end(), data_segments_,
                                           [](const auto& e, int64_t n) { return e.first < n; });
        if (late != cfg_.late.end() && late->first == data_segments_) {
            a.at += late->second;
            FuncScope fs(rec_, Func::peer);
            rec_.set_time(now_);
            rec_.arg(Arg::seq, tcp.seq);
            rec_.arg(Arg::len, a.payload_len);
            rec_.arg(Arg::segs, data_segments_);
            rec_.arg(Arg::value, late->second);
            SP_EMIT(rec_, peer_late);
        }
    }
    a.tcp = tcp;
    queue_arrival(std::move(a));
    return true;
}

// Frames sent after a late one are due before it: the queue stays in arrival
// order, and frames due at the same time keep the order they were sent in.
void SimLink::queue_arrival(Arrival a) {
    const auto pos = std::upper_bound(to_peer_.begin(), to_peer_.end(), a.at,
                                      [](int64_t at, const Arrival& b) { return at < b.at; });
    to_peer_.insert(pos, std::move(a));
}

std::optional<Received> SimLink::wait(int64_t until_us) {
    until_us = std::max(until_us, now_);
    for (;;) {
        const int64_t t_peer = next_peer_event();
        const int64_t t_us = to_us_.empty() ? kNever : to_us_.front().time_us;
        // The peer acts first on a tie: what it does at t can only reach us later.
        if (t_peer <= until_us && t_peer <= t_us) {
            run_peer_event(t_peer);
            continue;
        }
        if (t_us <= until_us) {
            now_ = t_us;
            Received r = std::move(to_us_.front());
            to_us_.pop_front();
            return r;
        }
        now_ = until_us;
        return std::nullopt;
    }
}

// ---------------------------------------------------------------------------
// [SECTION] The peer's events: arrivals, delayed ACK, reads, reset
// ---------------------------------------------------------------------------

int64_t SimLink::next_peer_event() const {
    int64_t t = to_peer_.empty() ? kNever : to_peer_.front().at;
    if (delack_at_ >= 0) t = std::min(t, delack_at_);
    if (read_at_ >= 0) t = std::min(t, read_at_);
    if (reset_at_ >= 0) t = std::min(t, reset_at_);
    return t;
}

// One event at time t, in a fixed order on ties: arrival, read tick, delayed
// ACK, reset. So the same scenario always gives the same trace.
void SimLink::run_peer_event(int64_t t) {
    if (!to_peer_.empty() && to_peer_.front().at == t) {
        Arrival a = std::move(to_peer_.front());
        to_peer_.pop_front();
        if (a.is_arp) on_arp(a.arp, t);
        else on_segment(a.tcp, a.payload_len, t);
    } else if (read_at_ == t) {
        // read_rate bytes per second = read_rate/1000 bytes per 1 ms tick,
        // kept in thousandths so slow rates still read, a byte at a time.
        read_credit_ += cfg_.read_rate;
        const int64_t n = std::min(queued_, read_credit_ / 1000);
        read_credit_ -= n * 1000;
        read(n, t, false, true);
        if (queued_ > 0) {
            read_at_ = t + kReadTickUs;
        } else {
            read_at_ = -1;
            read_credit_ = 0;  // an idle reader saves up no burst
        }
    } else if (delack_at_ == t) {
        delack_at_ = -1;
        if (rcv_nxt_ != rcv_wup_ && (state_ == State::established || state_ == State::close_wait)) send_ack(t);
    } else if (reset_at_ == t) {
        reset_at_ = -1;
        if (state_ == State::syn_rcvd || state_ == State::established || state_ == State::close_wait) {
            net::TcpRepr th;
            th.seq = snd_nxt_;
            th.ack = rcv_nxt_;
            th.flags = net::TCP_RST | net::TCP_ACK;
            transmit(th, t);
            state_ = State::closed;
            delack_at_ = -1;
        }
    }
    publish_event(t);
}

// ---------------------------------------------------------------------------
// [SECTION] Receiving: handshake, data, FIN
// ---------------------------------------------------------------------------

void SimLink::on_arp(const net::ArpRepr& arp, int64_t t) {
    if (arp.op != net::ARP_REQUEST || arp.target_ip != addrs_.peer_ip) return;
    net::ArpRepr reply;
    reply.op = net::ARP_REPLY;
    reply.sender_mac = addrs_.peer_mac;
    reply.sender_ip = addrs_.peer_ip;
    reply.target_mac = arp.sender_mac;
    reply.target_ip = arp.sender_ip;
    Received r;
    r.time_us = t + cfg_.one_way_delay_us;
    net::emit_arp_frame(r.frame, reply);
    to_us_.push_back(std::move(r));
}

void SimLink::on_segment(const net::TcpRepr& th, uint32_t len, int64_t t) {
    if (th.dst_port != addrs_.peer_port || th.src_port != addrs_.our_port) {
        ++ignored_;
        if (!(th.flags & net::TCP_RST)) send_rst_for(th, len, t);  // no such socket
        return;
    }
    const bool syn = th.flags & net::TCP_SYN, ack = th.flags & net::TCP_ACK, rst = th.flags & net::TCP_RST;
    switch (state_) {
        case State::listen:
        case State::closed:
            if (rst) return;
            if (state_ == State::listen && syn && !ack) {
                irs_ = th.seq;
                rcv_nxt_ = th.seq + 1;
                // Options: each one only if our SYN offered it.
                const int64_t their_mss = th.options.mss ? *th.options.mss : TCP_MSS_DEFAULT;
                ws_ok_ = th.options.wscale.has_value();
                wscale_ = ws_ok_ ? static_cast<int>(cfg_.wscale) : 0;
                // SACK is agreed when our SYN offered it (net.ipv4.tcp_sack = 1)
                // and the scenario leaves the peer's SACK on.
                sack_ok_ = th.options.sack_perm && cfg_.sack;
                ts_ok_ = th.options.ts.has_value();
                if (ts_ok_) ts_recent_ = th.options.ts->first;
                // tcp_initialize_rcv_mss: rcv_mss starts at the least of these sizes; on_data raises it.
                rcv_mss_ = std::min({advmss_, their_mss, TCP_MSS_DEFAULT, std::max<int64_t>(cfg_.rcvbuf / 2, 1)});
                rcv_mss_ = std::max(rcv_mss_, TCP_MIN_MSS);
                state_ = State::syn_rcvd;
                send_synack(t);
                return;
            }
            send_rst_for(th, len, t);
            return;
        case State::syn_rcvd:
            if (rst) {
                state_ = State::closed;
                return;
            }
            if (syn && !ack && th.seq == irs_) {  // our SYN again: the SYN-ACK is answered anew
                send_synack(t);
                return;
            }
            if (!ack) return;
            if (th.ack != kIss + 1) {
                send_rst_for(th, len, t);
                return;
            }
            state_ = State::established;
            // tcp_rcv_state_process: tcp_ack does not time the ACK that ends the
            // handshake, so the passive side times it by its timestamp echo
            // (tcp_ack_saw_tstamp). A first sample m gives, in tcp_rtt_estimator
            // and tcp_set_rto, srtt = m and rttvar = max(2m, TCP_RTO_MIN): rto =
            // m + max(2m, 200 ms). Without timestamps the RTO stays at
            // TCP_TIMEOUT_INIT (3 s). 2.6.32 skips an echo of 0, which here is a
            // real echo (the peer's clock starts at 0), so it is taken.
            if (ts_ok_ && th.options.ts) {
                const int64_t m = std::max<int64_t>(t / 1000 - static_cast<int64_t>(th.options.ts->second), 1);
                rto_ms_ = std::min(m + std::max(2 * m, TCP_RTO_MIN_MS), TCP_RTO_MAX_MS);
            }
            on_data(th, len, t);  // the handshake's ACK may carry data
            return;
        case State::established:
        case State::close_wait:
            if (rst) {
                // Accept an RST only inside the window (RFC 5961 would challenge the rest).
                if (!seq_before(th.seq, rcv_nxt_) && !seq_after(th.seq, rcv_nxt_ + std::max<uint32_t>(rcv_wnd_, 1))) {
                    state_ = State::closed;
                    delack_at_ = -1;
                }
                return;
            }
            if (syn) {  // a SYN on an open connection: tell the sender where we are
                send_ack(t);
                return;
            }
            on_data(th, len, t);
            return;
    }
}

void SimLink::on_data(const net::TcpRepr& th, uint32_t len, int64_t t) {
    const bool fin = th.flags & net::TCP_FIN;
    // RFC 7323: keep the timestamp of the segment that starts at or before the
    // last ACK we sent, so the echo measures the whole delayed-ACK round trip.
    if (ts_ok_ && th.options.ts && !seq_after(th.seq, rcv_wup_)) ts_recent_ = th.options.ts->first;

    if (len == 0 && !fin) {
        // A bare ACK. One below rcv_nxt is a window probe (or keepalive): answer it.
        if (seq_before(th.seq, rcv_nxt_)) send_ack(t);
        return;
    }
    if (state_ == State::close_wait) {  // nothing can come after the FIN
        send_ack(t);
        return;
    }
    // tcp_data_queue: whatever is not the next data in order (a retransmission
    // of what we have, data past the window, data after a hole, a segment that
    // overlaps what we have) puts the receiver in quick-ack mode.
    if (seq_after(th.seq, rcv_nxt_)) {
        // A hole before this segment (one was lost). What of it lies inside
        // the offered window is kept in the out-of-order queue (like the
        // in-order path, this receiver takes nothing past its right edge, so
        // its buffer is never overrun); either way an ACK goes at once, a
        // duplicate that tells the sender what is missing.
        tcp_enter_quickack_mode();
        const uint32_t edge = rcv_nxt_ + static_cast<uint32_t>(window_now());
        if (seq_before(th.seq, edge)) {
            const bool past = seq_after(th.seq + len, edge);
            const uint32_t kept_end = past ? edge : th.seq + len;
            if (sack_ok_) sack_ofo(th.seq, kept_end);
            ofo_insert(th.seq, kept_end, fin && !past);
        }
        send_ack(t);
        return;
    }
    const uint32_t end = th.seq + len + (fin ? 1 : 0);
    if (!seq_after(end, rcv_nxt_)) {  // all of it was received before
        if (sack_ok_) tcp_dsack_set(th.seq, end);
        tcp_enter_quickack_mode();
        send_ack(t);
        return;
    }
    // In order (possibly overlapping what we have): take what the window allows.
    const uint32_t fresh = th.seq + len - rcv_nxt_;  // len minus the overlap
    const int64_t room = window_now();
    const uint32_t take = static_cast<uint32_t>(std::min<int64_t>(fresh, room));
    if (len > 0 && take == 0 && fresh > 0) {
        // Zero window: the data is dropped, the ACK repeats the window.
        tcp_enter_quickack_mode();
        send_ack(t);
        return;
    }
    if (seq_before(th.seq, rcv_nxt_)) {  // overlaps what we have: D-SACK the old part
        if (sack_ok_) tcp_dsack_set(th.seq, rcv_nxt_);
        tcp_enter_quickack_mode();
    }
    rcv_nxt_ += take;
    queued_ += take;
    bool ack_now = take < fresh;  // trimmed at the window edge
    bool fin_now = fin && take == fresh;
    // The hole is filled: what waited out of order follows it in, and while
    // anything still waits there, every ACK goes at once (__tcp_ack_snd_check).
    if (!ofo_.empty() && !fin_now) fin_now = tcp_ofo_queue();
    if (!selective_acks_.empty()) tcp_sack_remove();
    if (!ofo_.empty()) ack_now = true;
    if (fin_now) {
        rcv_nxt_ += 1;
        state_ = State::close_wait;
        ack_now = true;
    }
    if (take > 0) tcp_event_data_recv(len, t);

    if (cfg_.read_rate < 0 && queued_ > 0) read(queued_, t, false, false);
    else arm_read_tick(t);

    // __tcp_ack_snd_check: at once when more than one full segment is
    // unacknowledged, or in quick-ack mode (tcp_in_quickack_mode: quick is not
    // 0; pingpong never turns on here); otherwise tcp_send_delayed_ack.
    if (!cfg_.delayed_ack || ack_now || static_cast<int64_t>(rcv_nxt_ - rcv_wup_) > rcv_mss_ || ack_quick_ > 0) {
        send_ack(t);
    } else if (delack_at_ < 0) {
        delack_at_ = t + cfg_.delack_ms * 1000;
    }
}

// tcp_event_data_recv, for data taken in order. First tcp_measure_rcv_mss: a
// segment at least as big as the guess raises it. Then the delayed-ACK
// engine: the first data ever (ato still 0) starts quick-ack mode and sets
// ato; later, data after a silence longer than the RTO starts it again (the
// sender has been idle, and restarts its window from few segments). The
// other cases of the kernel only adapt ato, which the peer does not use.
void SimLink::tcp_event_data_recv(uint32_t len, int64_t t) {
    if (static_cast<int64_t>(len) >= rcv_mss_) rcv_mss_ = std::min<int64_t>(len, advmss_);
    const int64_t now_ms = t / 1000;
    if (ack_ato_ms_ == 0) {
        tcp_incr_quickack();
        ack_ato_ms_ = TCP_ATO_MIN_MS;
    } else if (now_ms - ack_lrcvtime_ms_ > rto_ms_) {
        tcp_incr_quickack();
    }
    ack_lrcvtime_ms_ = now_ms;
}

// tcp_incr_quickack: a budget of half the window in full segments, the window
// being the one last offered (rcv_wnd). Too small a window still gets 2, and
// no budget goes past TCP_MAX_QUICKACKS; one that is larger stays.
void SimLink::tcp_incr_quickack() {
    if (!cfg_.quickack) return;  // the scenario wants the classic stall
    int64_t quickacks = static_cast<int64_t>(rcv_wnd_) / (2 * rcv_mss_);
    if (quickacks == 0) quickacks = 2;
    if (quickacks > ack_quick_) ack_quick_ = std::min(quickacks, TCP_MAX_QUICKACKS);
}

// tcp_enter_quickack_mode: tcp_incr_quickack, pingpong off (never on here),
// and ato back to its minimum.
void SimLink::tcp_enter_quickack_mode() {
    tcp_incr_quickack();
    ack_ato_ms_ = TCP_ATO_MIN_MS;
}

// tcp_dec_quickack_mode, from tcp_event_ack_sent: each ACK sent spends one of
// the budget (2.6.32 counts every ACK, pure window updates too); the last one
// leaves quick-ack mode with ato at its minimum.
void SimLink::tcp_dec_quickack_mode() {
    if (ack_quick_ == 0) return;
    if (--ack_quick_ == 0) ack_ato_ms_ = TCP_ATO_MIN_MS;
}

// ---------------------------------------------------------------------------
// [SECTION] Sending: ACKs, the window, RST
// ---------------------------------------------------------------------------

void SimLink::ofo_insert(uint32_t seq, uint32_t end, bool fin) {
    // Keep the ranges sorted and disjoint: merge the new one with any it touches.
    OfoRange r{seq, end, fin};
    std::vector<OfoRange> out;
    bool placed = false;
    for (const OfoRange& o : ofo_) {
        if (seq_before(o.end, r.seq)) {
            out.push_back(o);
        } else if (seq_before(r.end, o.seq)) {
            if (!placed) out.push_back(r), placed = true;
            out.push_back(o);
        } else {
            if (seq_before(o.seq, r.seq)) r.seq = o.seq;
            if (seq_after(o.end, r.end)) r.end = o.end, r.fin = o.fin;
            else if (o.end == r.end) r.fin = r.fin || o.fin;
        }
    }
    if (!placed) out.push_back(r);
    ofo_ = std::move(out);
    ofo_bytes_ = 0;
    for (const OfoRange& o : ofo_) ofo_bytes_ += static_cast<int64_t>(o.end - o.seq);
}

bool SimLink::tcp_ofo_queue() {
    bool fin = false;
    while (!ofo_.empty() && !seq_after(ofo_.front().seq, rcv_nxt_)) {
        const OfoRange o = ofo_.front();
        ofo_.erase(ofo_.begin());
        ofo_bytes_ -= static_cast<int64_t>(o.end - o.seq);
        if (!seq_after(o.end, rcv_nxt_)) continue;  // all of it arrived again since
        const uint32_t fresh = o.end - rcv_nxt_;
        rcv_nxt_ += fresh;
        queued_ += fresh;
        if (o.fin) {
            fin = true;
            break;
        }
    }
    return fin;
}

constexpr std::size_t kMaxSackBlocks = 4;  // TCP_NUM_SACKS

// tcp_sack_extend: a block that touches or overlaps [seq, end) grows to cover it.
bool SimLink::tcp_sack_extend(SackBlock& sp, uint32_t seq, uint32_t end) {
    if (seq_after(seq, sp.end) || seq_after(sp.start, end)) return false;
    if (seq_before(seq, sp.start)) sp.start = seq;
    if (seq_after(end, sp.end)) sp.end = end;
    return true;
}

// tcp_sack_new_ofo_skb: the block the new data extends moves to the front
// (and absorbs any it now touches); else a new block goes in front, the
// oldest dropped when there are four already.
void SimLink::tcp_sack_new_ofo_skb(uint32_t seq, uint32_t end) {
    for (std::size_t i = 0; i < selective_acks_.size(); ++i) {
        if (tcp_sack_extend(selective_acks_[i], seq, end)) {
            std::rotate(selective_acks_.begin(), selective_acks_.begin() + static_cast<std::ptrdiff_t>(i),
                        selective_acks_.begin() + static_cast<std::ptrdiff_t>(i) + 1);
            if (selective_acks_.size() > 1) tcp_sack_maybe_coalesce();
            return;
        }
    }
    if (selective_acks_.size() >= kMaxSackBlocks) selective_acks_.pop_back();
    selective_acks_.insert(selective_acks_.begin(), SackBlock{seq, end});
}

// tcp_sack_maybe_coalesce: the first block swallows the others it touches.
void SimLink::tcp_sack_maybe_coalesce() {
    for (std::size_t i = 1; i < selective_acks_.size();) {
        if (tcp_sack_extend(selective_acks_[0], selective_acks_[i].start, selective_acks_[i].end))
            selective_acks_.erase(selective_acks_.begin() + static_cast<std::ptrdiff_t>(i));
        else ++i;
    }
}

// tcp_sack_remove: blocks rcv_nxt has reached are gone; with nothing out of
// order, all of them.
void SimLink::tcp_sack_remove() {
    if (ofo_.empty()) {
        selective_acks_.clear();
        return;
    }
    std::erase_if(selective_acks_, [&](const SackBlock& b) { return !seq_before(rcv_nxt_, b.start); });
}

void SimLink::tcp_dsack_set(uint32_t seq, uint32_t end) { dsack_ = SackBlock{seq, end}; }

void SimLink::tcp_dsack_extend(uint32_t seq, uint32_t end) {
    if (!dsack_) tcp_dsack_set(seq, end);
    else tcp_sack_extend(*dsack_, seq, end);
}

// tcp_data_queue, out of order: data already held is reported in a D-SACK
// (all of it, or the part that overlaps), and the blocks are updated.
void SimLink::sack_ofo(uint32_t seq, uint32_t end) {
    if (ofo_.empty()) {
        selective_acks_.assign(1, SackBlock{seq, end});
        return;
    }
    if (seq == ofo_.back().end) {
        // Right after the last range: the first block grows, if it is that one.
        if (selective_acks_.empty() || selective_acks_[0].end != seq) tcp_sack_new_ofo_skb(seq, end);
        else selective_acks_[0].end = end;
        return;
    }
    // The range the data starts in or after (skb1 in the kernel).
    const OfoRange* r = nullptr;
    for (const OfoRange& o : ofo_)
        if (!seq_after(o.seq, seq)) r = &o;
    if (r && seq_before(seq, r->end)) {
        if (!seq_after(end, r->end)) {  // all of it is held already
            tcp_dsack_set(seq, end);
            tcp_sack_new_ofo_skb(seq, end);
            return;
        }
        if (seq_after(seq, r->seq)) tcp_dsack_set(seq, r->end);
    }
    // Ranges after it that the new data covers, wholly or in part.
    for (const OfoRange& o : ofo_) {
        if (!seq_after(o.seq, seq) || !seq_after(end, o.seq)) continue;
        if (seq_before(end, o.end)) {
            tcp_dsack_extend(o.seq, end);
            break;
        }
        tcp_dsack_extend(o.seq, o.end);
    }
    tcp_sack_new_ofo_skb(seq, end);
}

int64_t SimLink::window_now() const {
    const int32_t w = static_cast<int32_t>(rcv_wup_ + rcv_wnd_ - rcv_nxt_);
    return w > 0 ? w : 0;
}

// A simplified __tcp_select_window: the offer is what rcvbuf has free. A buffer
// more than half full with less than rcv_mss free offers 0 (receiver-side silly
// window avoidance). With scaling, the free space is rounded up to the scale
// unit. Without, the offer is the free space cut to whole rcv_mss, but the last
// offer is reused while it lies in (free - rcv_mss, free], and a buffer of one
// rcv_mss may offer all it has free. Then, as in tcp_select_window, a right
// edge once advertised does not move left, and the bytes accepted stay below
// rcvbuf plus one scale unit.
int64_t SimLink::select_window() const {
    const int64_t unit = int64_t{1} << wscale_;
    const int64_t cap = int64_t{65535} << wscale_;
    const int64_t full = std::min(cfg_.rcvbuf, cap);
    const int64_t free_space = std::clamp<int64_t>(cfg_.rcvbuf - queued_ - ofo_bytes_, 0, cap);
    const int64_t cur = window_now();
    int64_t w;
    if (free_space < full / 2 && free_space < rcv_mss_) {
        w = 0;
    } else if (wscale_ > 0) {
        w = (free_space + unit - 1) / unit * unit;
    } else {
        const int64_t last = rcv_wnd_;
        if (last <= free_space - rcv_mss_ || last > free_space) w = free_space / rcv_mss_ * rcv_mss_;
        else if (rcv_mss_ == full && free_space > last + full / 2) w = free_space;
        else w = last;
    }
    if (w < cur) {
        // Keep the offered edge, rounded up to what the header can say. Rounding
        // up again after every odd-sized segment would let a sender feed small
        // segments forever; so once the buffer is overcommitted by a whole unit,
        // round down instead (the edge moves back by less than one unit).
        const int64_t up = (cur + unit - 1) / unit * unit;
        w = queued_ + up <= cfg_.rcvbuf + unit - 1 ? up : cur / unit * unit;
    }
    return w;
}

void SimLink::send_synack(int64_t t) {
    net::TcpRepr th;
    th.seq = kIss;
    th.ack = rcv_nxt_;
    th.flags = net::TCP_SYN | net::TCP_ACK;
    // tcp_make_synack: scaling starts after the handshake, so this window goes out as is, at most 65535.
    const int64_t w = std::min<int64_t>(cfg_.rcvbuf, 65535);
    th.window = static_cast<uint16_t>(w);
    th.options.mss = static_cast<uint16_t>(advmss_);
    th.options.sack_perm = sack_ok_;
    if (ws_ok_) th.options.wscale = static_cast<uint8_t>(wscale_);
    rcv_wup_ = rcv_nxt_;
    rcv_wnd_ = static_cast<uint32_t>(w);
    snd_nxt_ = kIss + 1;
    transmit(th, t);
}

void SimLink::send_ack(int64_t t) {
    const int64_t w = select_window();
    net::TcpRepr th;
    th.seq = snd_nxt_;
    th.ack = rcv_nxt_;
    th.flags = net::TCP_ACK;
    th.window = static_cast<uint16_t>(std::min<int64_t>(w >> wscale_, 65535));
    // tcp_established_options / tcp_options_write: the D-SACK block first,
    // then the SACK blocks, as many as fit beside the timestamp (3, else 4);
    // the D-SACK goes out once.
    if (sack_ok_) {
        if (dsack_) th.options.sack_blocks.emplace_back(dsack_->start, dsack_->end);
        for (const SackBlock& b : selective_acks_) th.options.sack_blocks.emplace_back(b.start, b.end);
        dsack_.reset();
    }
    rcv_wup_ = rcv_nxt_;
    rcv_wnd_ = static_cast<uint32_t>(w);
    // tcp_event_ack_sent
    tcp_dec_quickack_mode();
    delack_at_ = -1;
    transmit(th, t);
}

// The answer to a segment for no connection (RFC 793 "reset generation").
void SimLink::send_rst_for(const net::TcpRepr& in, uint32_t len, int64_t t) {
    net::TcpRepr th;
    th.src_port = in.dst_port;
    th.dst_port = in.src_port;
    if (in.flags & net::TCP_ACK) {
        th.seq = in.ack;
        th.flags = net::TCP_RST;
    } else {
        th.seq = 0;
        th.ack = in.seq + len + ((in.flags & net::TCP_SYN) ? 1 : 0) + ((in.flags & net::TCP_FIN) ? 1 : 0);
        th.flags = net::TCP_RST | net::TCP_ACK;
    }
    deliver(th, t);
}

// Our segments reach the engine as they are (the frame bytes are built only
// for the trace), as ours reach the peer: see Link::takes_segments.
void SimLink::deliver(const net::TcpRepr& th, int64_t t) {
    net::FrameAddrs a{addrs_.peer_mac, addrs_.our_mac, addrs_.peer_ip, addrs_.our_ip, ip_id_++, 64, true};
    Received r;
    r.time_us = t + cfg_.one_way_delay_us;
    if (rec_.tracing()) net::emit_tcp_frame(r.frame, a, th);
    r.has_segment = true;
    r.segment = SegmentIn{addrs_.peer_ip, addrs_.our_ip, th, 0};
    to_us_.push_back(std::move(r));
}

// peer.loss: true with probability loss_rate. splitmix64 over the seed, so
// the same scenario loses the same segments on every run.
bool SimLink::random_loss() {
    if (cfg_.loss_rate <= 0) return false;
    loss_state_ += 0x9e3779b97f4a7c15ull;
    uint64_t z = loss_state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53 < cfg_.loss_rate;
}

void SimLink::transmit(net::TcpRepr th, int64_t t) {
    th.src_port = addrs_.peer_port;
    th.dst_port = addrs_.our_port;
    // peer.loss applies to the way back too, to ACKs only: the SYN-ACK and
    // RSTs always arrive (a lost SYN-ACK would cost the 3 s initial timeout).
    // peer.drop_acks: listed ones by number, before (and without) a draw.
    if (!(th.flags & (net::TCP_SYN | net::TCP_RST))) {
        ++acks_sent_;
        const bool listed = std::binary_search(cfg_.drop_acks.begin(), cfg_.drop_acks.end(), acks_sent_);
        if (listed || random_loss()) {
            FuncScope fs(rec_, Func::peer);
            rec_.set_time(t);
            rec_.arg(Arg::ack, th.ack);
            rec_.arg(Arg::len, 0);
            if (listed) rec_.arg(Arg::dropped, acks_sent_);
            SP_EMIT(rec_, peer_drop);
            return;
        }
    }
    // Timestamps on every segment once agreed (except RST), tsval in ms of peer time.
    if (ts_ok_ && !(th.flags & net::TCP_RST))
        th.options.ts = std::make_pair(static_cast<uint32_t>(t / 1000), ts_recent_);
    deliver(th, t);
}

void SimLink::publish() {
    rec_.set(SF::peer_rcv_nxt, rcv_nxt_);
    rec_.set(SF::peer_rcv_queued, queued_);
    rec_.set(SF::peer_ofo_queued, ofo_bytes_);
    rec_.set(SF::peer_rcv_wnd, rcv_wnd_);
    rec_.set(SF::peer_read_total, read_total_);
    rec_.set(SF::peer_ack_quick, ack_quick_);
}

// The peer's fields change on an event of the peer's own (the emit rule):
// after it took a segment, sent an ACK or read, whatever it did.
void SimLink::publish_event(int64_t t) {
    const auto& sk = rec_.state().sk;
    if (sk.peer_rcv_nxt == static_cast<int64_t>(rcv_nxt_) && sk.peer_rcv_queued == queued_ &&
        sk.peer_ofo_queued == ofo_bytes_ && sk.peer_rcv_wnd == rcv_wnd_ && sk.peer_read_total == read_total_ &&
        sk.peer_ack_quick == ack_quick_)
        return;
    FuncScope fs(rec_, Func::peer);
    rec_.set_time(t);
    publish();
    rec_.arg(Arg::seq, rcv_nxt_);
    rec_.arg(Arg::bytes, queued_);
    rec_.arg(Arg::win, rcv_wnd_);
    SP_EMIT(rec_, peer_update);
}

// ---------------------------------------------------------------------------
// [SECTION] The application: reads
// ---------------------------------------------------------------------------

void SimLink::app_read(int64_t bytes) {
    const int64_t n = bytes < 0 ? queued_ : std::min(bytes, queued_);
    read(n, now_, true, true);
    publish_event(now_);
}

void SimLink::read(int64_t n, int64_t t, bool always_record, bool window_update) {
    if (n <= 0 && !always_record) return;
    n = std::max<int64_t>(n, 0);
    queued_ -= n;
    read_total_ += n;
    {
        FuncScope fs(rec_, Func::peer);
        rec_.set_time(t);
        publish();
        rec_.arg(Arg::bytes, n);
        SP_EMIT(rec_, peer_read);
    }
    if (window_update) maybe_window_update(t);
}

// tcp_cleanup_rbuf: after a read, tell the sender about a window worth using:
// one that opens from zero, at least doubles (Linux's test, which matters for
// small buffers), or grows by two full segments.
void SimLink::maybe_window_update(int64_t t) {
    if (state_ != State::established && state_ != State::close_wait) return;
    const int64_t cur = window_now();
    const int64_t w = select_window();
    if (w > cur && (w >= 2 * cur || w - cur >= 2 * rcv_mss_)) send_ack(t);
}

void SimLink::arm_read_tick(int64_t t) {
    if (cfg_.read_rate > 0 && read_at_ < 0 && queued_ > 0) read_at_ = t + kReadTickUs;
}

}  // namespace sendpath::peer
