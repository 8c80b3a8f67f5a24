// The receive side as far as a sender needs it (net/ipv4/tcp_input.c, 2.6.32.67):
// frames in, tcp_ack with the window update, tcp_clean_rtx_queue freeing or
// trimming acknowledged skbs, Reno slow start and congestion avoidance, the
// RTT estimator, tcp_check_space / tcp_new_space / sk_stream_write_space that
// wake a blocked writer, and tcp_reset.
#include <algorithm>
#include <array>
#include <string>

#include "engine/engine.hpp"
#include "net/frame.hpp"

SP_EMIT_FILE("core/engine/tcp_input.cpp")

namespace sendpath::engine {

using namespace model;
using trace::Arg;
using trace::Func;
using trace::FuncScope;

namespace {
// Which helper undid a cut (the undo event's reason).
enum UndoReason : int64_t {
    UNDO_RECOVERY_END = 1,  // tcp_try_undo_recovery, Recovery reached high_seq
    UNDO_LOSS_END = 2,      // tcp_try_undo_recovery, Loss reached high_seq
    UNDO_DSACK = 3,         // tcp_try_undo_dsack
    UNDO_PARTIAL = 4,       // tcp_try_undo_partial (Hoe)
    UNDO_LOSS = 5,          // tcp_try_undo_loss
};
}  // namespace

void Engine::tcp_v4_rcv(const Received& in) {
    FuncScope fs(rec_, Func::tcp_v4_rcv);
    rec_.set_time(in.time_us);
    auto& sk = st().sk;
    const std::span<const uint8_t> frame = in.frame;
    // A peer in this process hands its segment over as it is; anything else
    // (a TAP device) is untrusted bytes.
    const SegmentIn* seg = in.has_segment ? &in.segment : nullptr;
    SegmentIn parsed;
    if (!seg) {
        std::string why;
        if (auto pf = net::parse_frame(frame, &why); pf && pf->is_tcp()) {
            parsed =
                SegmentIn{pf->ip->src, pf->ip->dst, std::move(*pf->tcp), static_cast<uint32_t>(pf->payload.size())};
            seg = &parsed;
        }
    }
    if (!seg || seg->dst_ip != our_ip_ || seg->tcp.dst_port != our_port_ || seg->tcp.src_port != peer_port_) {
        // Not a TCP segment for our connection: count it, trace it, ignore it.
        rec_.add_frame(1, 0, frame.data(), frame.size(), true);
        rec_.arg(Arg::len, static_cast<int64_t>(frame.size()));
        rec_.arg(Arg::reason, seg ? 2 : 1);
        SP_EMIT(rec_, frame_bad);
        return;
    }
    rec_.add_frame(1, 0, frame.data(), frame.size(), false);
    const net::TcpRepr& th = seg->tcp;

    if (sk.state == TCP_SYN_SENT) {
        FuncScope fs2(rec_, Func::tcp_rcv_synsent_state_process);
        if ((th.flags & TCPHDR_ACK) && th.ack != seq32(sk.snd_nxt)) {
            rec_.arg(Arg::ack, th.ack);
            rec_.arg(Arg::reason, 3);
            SP_EMIT(rec_, frame_bad);
            return;
        }
        if (th.flags & TCPHDR_RST) {
            if (th.flags & TCPHDR_ACK) tcp_reset();
            return;
        }
        if (!(th.flags & TCPHDR_SYN) || !(th.flags & TCPHDR_ACK)) return;
        // SYN-ACK: take the peer's options, then the ACK frees our SYN.
        rec_.set(SF::rcv_nxt, seq_add(th.seq, 1));
        rec_.set(SF::snd_wl1, th.seq);
        const int64_t peer_mss = th.options.mss ? *th.options.mss : 536;
        rec_.set(SF::mss_clamp, std::min<int64_t>(peer_mss, pmtu_ - 40));
        if (th.options.wscale && cfg_.sock.window_scaling) {
            rec_.set(SF::snd_wscale, std::min<int64_t>(*th.options.wscale, 14));
        } else {
            rec_.set(SF::snd_wscale, 0);
            rec_.set(SF::rcv_wscale, 0);
        }
        // tcp_parse_options: SACK holds only if our SYN offered it and the SYN-ACK agrees.
        // With SACK, FACK is on when net.ipv4.tcp_fack is (tcp_enable_fack).
        if (th.options.sack_perm && cfg_.sock.sack)
            rec_.set(SF::sack_ok, TCP_SACK_OK | (cfg_.sysctl.tcp_fack ? int64_t{TCP_FACK_ENABLED} : int64_t{0}));
        if (th.options.ts && cfg_.sock.timestamps) {
            rec_.set(SF::tstamp_ok, 1);
            rec_.set(SF::ts_recent, th.options.ts->first);
            tcp_header_len_ = 32;
        } else {
            tcp_header_len_ = 20;
        }
        // The options of the SYN-ACK are taken (tcp_parse_options) before
        // tcp_ack sees it acknowledge our SYN.
        rec_.arg(Arg::seq, th.seq);
        rec_.arg(Arg::ack, th.ack);
        rec_.arg(Arg::mss_now, peer_mss);
        SP_EMIT(rec_, synack);
        tcp_ack(th.ack, th.seq, seq_add(th.seq, 1 + seg->payload_len), th.window, true,
                (th.options.ts && cfg_.sock.timestamps) ? th.options.ts->second : 0);
        tcp_sync_mss(pmtu_);
        // RFC 3390 initial window, as 2.6.32 sets it at establishment.
        const int64_t mss = sk.mss_cache;
        rec_.set(SF::snd_cwnd, mss > 1460 ? 2 : mss > 1095 ? 3 : 4);
        // tcp_init_buffer_space / tcp_fixup_sndbuf.
        if (!(sk.sock_flags & SOCK_SNDBUF_LOCK)) {
            const int64_t sndmem = 3 * (sk.mss_clamp + opt_.max_tcp_header + 16 + opt_.sizeof_sk_buff);
            if (sk.sk_sndbuf < sndmem) rec_.set(SF::sk_sndbuf, std::min(sndmem, cfg_.sysctl.tcp_wmem[2]));
        }
        rec_.set(SF::state, TCP_ESTABLISHED);
        rec_.arg(Arg::mss_now, sk.mss_cache);
        rec_.arg(Arg::win, sk.snd_wnd);
        rec_.arg(Arg::cwnd, sk.snd_cwnd);
        SP_EMIT(rec_, established);
        // tcp_init_metrics has set cwnd; now the congestion control takes over.
        tcp_init_congestion_control();
        wake();  // sk_state_change
        if (sk.sk_write_pending) {
            // tcp_rcv_synsent_state_process (2.6.32.67): a writer is already
            // asleep in sk_stream_wait_connect and will send data at once, so
            // the ACK is not sent alone: it is scheduled as a delayed ACK
            // (inet_csk_schedule_ack, timer at TCP_DELACK_MAX) and the first
            // data segment carries it. (The quick-ack and ato settings made
            // here govern how we ACK received data, which this sender never
            // gets, so they are not modelled.)
            rec_.set(SF::icsk_ack_pending, sk.icsk_ack_pending | ICSK_ACK_SCHED | ICSK_ACK_TIMER);
            rec_.set(SF::icsk_ack_timeout_us, rec_.time() + TCP_DELACK_MAX_US);
            delack_timer_at_us_ = sk.icsk_ack_timeout_us;
            rec_.arg(Arg::value, TCP_DELACK_MAX_US);
            SP_EMIT(rec_, ack_held);
            return;
        }
        tcp_send_ack();
        return;
    }

    // tcp_validate_incoming (2.6.32), first PAWS (RFC 1323): with timestamps
    // agreed, a segment whose TSval is older than ts_recent by more than one
    // is an old duplicate, and is dropped and answered with an ACK, unless it
    // is an RST or a harmless out-of-order duplicate ACK (tcp_paws_discard).
    if (sk.tstamp_ok && th.options.ts && tcp_paws_discard(th, seg->payload_len) && !(th.flags & TCPHDR_RST)) {
        rec_.arg(Arg::value, th.options.ts->first);
        rec_.arg(Arg::old, sk.ts_recent);
        rec_.arg(Arg::seq, th.seq);
        SP_EMIT(rec_, paws_reject);
        tcp_send_ack();
        return;
    }
    // Step 1: the segment must overlap the receive window, from rcv_nxt
    // (this sender receives no data, so rcv_wup stays at rcv_nxt) to
    // rcv_nxt + rcv_wnd. One outside it is dropped; it gets an ACK that says
    // where we are (tcp_send_dupack), unless it is an RST.
    {
        const int64_t seg_seq = th.seq;
        const int64_t end_seq =
            seq_add(seg_seq, static_cast<int64_t>(seg->payload_len) + ((th.flags & TCPHDR_SYN) ? 1 : 0) +
                                 ((th.flags & TCPHDR_FIN) ? 1 : 0));
        if (before(end_seq, sk.rcv_nxt) || after(seg_seq, seq_add(sk.rcv_nxt, sk.rcv_wnd))) {
            rec_.arg(Arg::seq, seg_seq);
            rec_.arg(Arg::end_seq, end_seq);
            rec_.arg(Arg::value, sk.rcv_nxt);
            SP_EMIT(rec_, seq_reject);
            if (!(th.flags & TCPHDR_RST)) tcp_send_ack();
            return;
        }
    }
    // Step 2: an RST inside the window resets the connection.
    if (th.flags & TCPHDR_RST) {
        tcp_reset();
        return;
    }
    // tcp_replace_ts_recent, once the segment is known to be in the window:
    // keep the peer's newest timestamp to echo back, from a segment that
    // starts at or before rcv_wup (rcv_nxt here) and whose TSval is not older
    // (tcp_paws_check with no slack).
    if (sk.tstamp_ok && th.options.ts && !(th.flags & TCPHDR_SYN) && !after(th.seq, sk.rcv_nxt) &&
        tcp_paws_check(th.options.ts->first, 0) && sk.ts_recent != th.options.ts->first) {
        rec_.set(SF::ts_recent, th.options.ts->first);
        rec_.arg(Arg::value, th.options.ts->first);
        SP_EMIT(rec_, ts_recent);
    }
    // Step 4: a SYN at or after rcv_nxt on a synchronized connection resets it.
    if ((th.flags & TCPHDR_SYN) && !before(th.seq, sk.rcv_nxt)) {
        tcp_reset();
        return;
    }
    if (th.flags & TCPHDR_ACK) {
        const int64_t seg_end =
            seq_add(th.seq, static_cast<int64_t>(seg->payload_len) + ((th.flags & TCPHDR_FIN) ? 1 : 0));
        // tcp_parse_options: a SACK option whose length is no whole number of
        // blocks is ignored, and the ACK is taken without it.
        if (sk.sack_ok && th.options.sack_bad) {
            rec_.arg(Arg::reason, 7);
            SP_EMIT(rec_, sack_discard);
        }
        static const std::vector<std::pair<uint32_t, uint32_t>> kNoSack;
        tcp_ack(th.ack, th.seq, seg_end, th.window, false, (th.options.ts && sk.tstamp_ok) ? th.options.ts->second : 0,
                sk.sack_ok ? th.options.sack_blocks : kNoSack);
        // Our FIN is acknowledged: the closing states move on (tcp_rcv_state_process).
        if (sk.snd_una == sk.write_seq && (sk.sk_shutdown & SEND_SHUTDOWN)) {
            const int64_t was = sk.state;
            if (sk.state == TCP_FIN_WAIT1) rec_.set(SF::state, TCP_FIN_WAIT2);
            else if (sk.state == TCP_CLOSING) rec_.set(SF::state, TCP_TIME_WAIT);
            else if (sk.state == TCP_LAST_ACK) rec_.set(SF::state, TCP_CLOSE);
            if (sk.state != was) {
                rec_.arg(Arg::old, was);
                rec_.arg(Arg::value, sk.state);
                SP_EMIT(rec_, fin_acked);
            }
        }
    }

    if (th.flags & TCPHDR_FIN && seq32(seq_add(th.seq, static_cast<int64_t>(seg->payload_len))) == seq32(sk.rcv_nxt)) {
        // The peer closed its side: we only ACK it (nothing is read here).
        rec_.set(SF::rcv_nxt, seq_add(sk.rcv_nxt, 1));
        if (sk.state == TCP_ESTABLISHED) rec_.set(SF::state, TCP_CLOSE_WAIT);
        else if (sk.state == TCP_FIN_WAIT2) rec_.set(SF::state, TCP_TIME_WAIT);
        else if (sk.state == TCP_FIN_WAIT1) rec_.set(SF::state, TCP_CLOSING);
        rec_.set(SF::sk_shutdown, sk.sk_shutdown | RCV_SHUTDOWN);
        SP_EMIT(rec_, fin);
        wake();
        tcp_send_ack();
    }

    // tcp_data_snd_check: send what the ACK allows, then see whether a
    // writer waiting for buffer space can be woken.
    if (sk.state != TCP_CLOSE) {
        tcp_push_pending_frames(tcp_current_mss(), sk.nonagle);
        tcp_check_space();
    }
}

// How many timestamp ticks tsval lags ts_recent (negative: it is newer).
int32_t Engine::tcp_ts_lag(uint32_t tsval) const {
    return static_cast<int32_t>(static_cast<uint32_t>(st_const().sk.ts_recent) - tsval);
}

// tcp_paws_check: tsval lags ts_recent by at most paws_win ticks. (The other
// way it passes, ts_recent being 24 days old, never comes in a run.)
bool Engine::tcp_paws_check(uint32_t tsval, int32_t paws_win) const { return tcp_ts_lag(tsval) <= paws_win; }

// tcp_may_update_window: the ACK moves snd_una, or the segment is newer than
// the one that last set the window (snd_wl1), or as new and offers more.
bool Engine::tcp_may_update_window(int64_t ack, int64_t ack_seq, int64_t nwin) const {
    const auto& sk = st_const().sk;
    return after(ack, sk.snd_una) || after(ack_seq, sk.snd_wl1) || (ack_seq == sk.snd_wl1 && nwin > sk.snd_wnd);
}

// tcp_paws_discard: the TSval is older than ts_recent by more than
// TCP_PAWS_WINDOW (1), and the segment is not a disordered ACK.
// tcp_disordered_ack: a pure ACK at rcv_nxt, a duplicate of snd_una, that
// does not update the window and whose TSval lies within one RTO of
// ts_recent: such an ACK overtaken by a newer one is harmless.
bool Engine::tcp_paws_discard(const net::TcpRepr& th, int64_t payload_len) const {
    const auto& sk = st_const().sk;
    const auto tsval = th.options.ts->first;
    if (tcp_paws_check(tsval, TCP_PAWS_WINDOW)) return false;
    const int64_t seq = th.seq;
    const int64_t end_seq = seq_add(seq, payload_len + ((th.flags & TCPHDR_FIN) ? 1 : 0));
    const int64_t ack = th.ack;
    const int64_t nwin = static_cast<int64_t>(th.window) << sk.snd_wscale;
    const int64_t rto_jiffies = sk.icsk_rto_us / 1000;
    const bool disordered_ack = (th.flags & TCPHDR_ACK) && seq == end_seq && seq == sk.rcv_nxt && ack == sk.snd_una &&
                                !tcp_may_update_window(ack, seq, nwin) &&
                                tcp_ts_lag(tsval) <= rto_jiffies * 1024 / 1000;
    return !disordered_ack;
}

void Engine::tcp_ack(int64_t ack, int64_t ack_seq, int64_t seg_end, int64_t window, bool syn, int64_t tsecr,
                     const std::vector<std::pair<uint32_t, uint32_t>>& sack) {
    FuncScope fs(rec_, Func::tcp_ack);
    auto& sk = st().sk;
    const int64_t prior_snd_una = sk.snd_una;
    rec_.arg(Arg::ack, ack);
    rec_.arg(Arg::win, syn ? window : window << sk.snd_wscale);

    // tcp_ack: an ACK below snd_una is stale (a later one overtook it), so it changes nothing.
    if (before(ack, prior_snd_una)) {
        rec_.arg(Arg::reason, 1);
        SP_EMIT(rec_, ack);
        // old_ack: its SACK blocks may still be news; then, in Open, the
        // state may become Disorder (tcp_try_keep_open).
        if (!sack.empty()) {
            tcp_sacktag_write_queue(ack, prior_snd_una, sack);
            if (sk.ca_state == TCP_CA_Open) tcp_try_keep_open();
        }
        return;
    }
    // tcp_ack: an ACK past snd_nxt covers bytes never sent; it is dropped as well.
    if (after(ack, sk.snd_nxt)) {
        rec_.arg(Arg::reason, 2);
        SP_EMIT(rec_, ack);
        return;
    }
    int flag = 0;
    if (after(ack, prior_snd_una)) flag |= FLAG_SND_UNA_ADVANCED;
    const int64_t prior_in_flight = packets_in_flight();
    const int64_t prior_fackets = sk.fackets_out;
    // The segment carries data or a FIN of the peer's: then it is no duplicate ACK.
    if (ack_seq != seg_end) flag |= FLAG_DATA;

    // tcp_ack_update_window
    const int64_t nwin = syn ? window : window << sk.snd_wscale;
    if (tcp_may_update_window(ack, ack_seq, nwin)) {
        flag |= FLAG_WIN_UPDATE;
        rec_.set(SF::snd_wl1, ack_seq);
        if (sk.snd_wnd != nwin) {
            rec_.set(SF::snd_wnd, nwin);
            if (nwin > sk.max_window) {
                rec_.set(SF::max_window, nwin);
                tcp_sync_mss(pmtu_);
            }
        }
    }
    rec_.set(SF::snd_una, ack);
    const int64_t acked_bytes = seq_diff(ack, prior_snd_una);
    if (acked_bytes > 0 && !syn) bytes_acked_ += static_cast<uint64_t>(acked_bytes);
    rec_.arg(Arg::bytes, acked_bytes);
    SP_EMIT(rec_, ack);
    // The ACK's SACK blocks tag the write queue before anything is freed.
    if (!sack.empty()) flag |= tcp_sacktag_write_queue(ack, prior_snd_una, sack);

    const int64_t prior_packets = sk.packets_out;
    if (!prior_packets) {
        // no_queue: a zero-window probe may have been answered.
        if (sk.sk_send_head != 0) {
            const SkBuff& head = *st().skb(static_cast<uint32_t>(sk.sk_send_head));
            if (!after(head.end_seq, seq_add(sk.snd_una, sk.snd_wnd))) {
                rec_.set(SF::icsk_backoff, 0);
                inet_csk_clear_xmit_timer();
            } else {
                inet_csk_reset_xmit_timer(ICSK_TIME_PROBE0,
                                          std::min(sk.icsk_rto_us << sk.icsk_backoff, TCP_RTO_MAX_US));
            }
        }
        return;
    }

    int64_t pkts_acked = 0;
    flag |= tcp_clean_rtx_queue(prior_snd_una, prior_fackets, tsecr, pkts_acked);
    // During F-RTO this ACK is one of the steps; cwnd is not grown on it
    // unless it showed the timeout spurious.
    const bool frto_cwnd = sk.frto_counter ? tcp_process_frto(flag) : false;
    // Once snd_una is past frto_highmark the mark is dropped, so that SACKs
    // below it are read as reordering again (tcp_sacktag_write_queue).
    if (sk.frto_highmark && before(sk.frto_highmark, sk.snd_una)) {
        rec_.arg(Arg::end_seq, sk.frto_highmark);
        rec_.set(SF::frto_highmark, 0);
        SP_EMIT(rec_, frto_highmark);
    }
    // tcp_ack_is_dubious: a duplicate ACK, news of loss, or a state other
    // than Open sends the ACK through the loss state machine. tcp_ack (2.6.32)
    // grows the window only for acknowledged data, and, on that path, not in
    // Recovery or CWR (tcp_may_raise_cwnd): the SYN-ACK acknowledging our
    // SYN samples the round trip but leaves cwnd.
    const bool dubious = !(flag & FLAG_NOT_DUP) || (flag & FLAG_CA_ALERT) || sk.ca_state != TCP_CA_Open;
    if (dubious) {
        const bool may_raise = sk.ca_state != TCP_CA_Recovery && sk.ca_state != TCP_CA_CWR;
        if ((flag & FLAG_DATA_ACKED) && !frto_cwnd && may_raise) tcp_cong_avoid(ack, prior_in_flight);
        tcp_fastretrans_alert(prior_packets - sk.packets_out, flag, tsecr);
    } else if ((flag & FLAG_DATA_ACKED) && !frto_cwnd) {
        tcp_cong_avoid(ack, prior_in_flight);
    }
}

// Frees every skb the ACK covers; trims one that is covered only in part.
// Returns FLAG_DATA_ACKED and/or FLAG_SYN_ACKED for what the ACK covered,
// and in pkts_acked the segments it took off.
int Engine::tcp_clean_rtx_queue(int64_t prior_snd_una, int64_t prior_fackets, int64_t tsecr, int64_t& pkts_acked) {
    FuncScope fs(rec_, Func::tcp_clean_rtx_queue);
    auto& sk = st().sk;
    int flag = 0;
    // With SACK: the fewest segments ahead of one never resent and never
    // SACKed that this ACK covers; below fackets_out, a hole was filled by
    // the original, so the path reordered.
    int64_t reord = sk.packets_out;
    int64_t seq_rtt_ms = -1;
    int64_t ca_seq_rtt = -1;     // the newest such skb's round trip, for the congestion control
    bool retrans_acked = false;  // FLAG_RETRANS_DATA_ACKED
    int64_t acked_segs = 0;
    while (!st().write_queue.empty()) {
        const uint32_t id = st().write_queue.front();
        if (id == sk.sk_send_head) break;
        SkBuff& skb = *st().skb(id);
        int64_t acked_pcount = 0;
        bool fully_acked = true;
        if (after(skb.end_seq, sk.snd_una)) {
            if (skb.gso_segs <= 1 || !after(sk.snd_una, skb.seq)) break;
            // tcp_tso_acked: trim the acknowledged whole segments off the head.
            const int64_t mss = skb.gso_size ? skb.gso_size : sk.mss_cache;
            const int64_t packets_acked_bytes = seq_diff(sk.snd_una, skb.seq) / mss * mss;
            if (packets_acked_bytes == 0) break;
            const int64_t old_pcount = skb.gso_segs;
            tcp_trim_head(skb, packets_acked_bytes);
            acked_pcount = old_pcount - skb.gso_segs;
            if (!acked_pcount) break;
            fully_acked = false;
        } else {
            acked_pcount = tcp_skb_pcount(skb);
        }
        if (skb.sacked & (TCPCB_RETRANS | TCPCB_EVER_RETRANS)) {
            if (skb.sacked & TCPCB_RETRANS)
                rec_.set(SF::retrans_out, std::max<int64_t>(0, sk.retrans_out - acked_pcount));
            // A resent skb that is not the first one this ACK covers (F-RTO reads this).
            if ((flag & FLAG_DATA_ACKED) || acked_pcount > 1) flag |= FLAG_NONHEAD_RETRANS_ACKED;
            retrans_acked = true;
            seq_rtt_ms = -1;
            ca_seq_rtt = -1;
        } else {
            // The oldest skb sent once since the last resent one times the
            // round trip, in jiffies (ms) as the kernel counts. Everything
            // ahead of sk_send_head was sent, the SYN at time 0 included.
            ca_seq_rtt = rec_.time() / 1000 - skb.when_us / 1000;
            if (seq_rtt_ms < 0) seq_rtt_ms = ca_seq_rtt;
            if (!(skb.sacked & TCPCB_SACKED_ACKED)) reord = std::min(acked_segs, reord);
        }
        if (skb.sacked & TCPCB_SACKED_ACKED) rec_.set(SF::sacked_out, sk.sacked_out - acked_pcount);
        if (skb.sacked & TCPCB_LOST) rec_.set(SF::lost_out, std::max<int64_t>(0, sk.lost_out - acked_pcount));
        rec_.set(SF::packets_out, sk.packets_out - acked_pcount);
        acked_segs += acked_pcount;
        flag |= (skb.tcp_flags & TCPHDR_SYN) ? FLAG_SYN_ACKED : FLAG_DATA_ACKED;
        if (!fully_acked) break;
        rec_.skb_unlink(skb);
        rec_.arg(Arg::skb, id);
        rec_.arg(Arg::size, skb.truesize);
        sk_wmem_free_skb(skb);
        SP_EMIT(rec_, skb_free);
    }
    // The urgent pointer is acknowledged: urgent mode ends. (Outside urgent
    // mode snd_up follows snd_una this way on every ACK that moves it.)
    const bool up_moved = !before(sk.snd_up, prior_snd_una) && !after(sk.snd_up, sk.snd_una) && sk.snd_up != sk.snd_una;
    if (up_moved) rec_.set(SF::snd_up, sk.snd_una);
    // The ACK stops at an skb the peer had SACKed: it dropped what it held.
    if (!st().write_queue.empty() && st().write_queue.front() != sk.sk_send_head &&
        (st().skb(st().write_queue.front())->sacked & TCPCB_SACKED_ACKED))
        flag |= FLAG_SACK_RENEGING;
    // fackets_out loses what was ACKed (after the reordering check below,
    // which reads the value before).
    const int64_t fackets_before = sk.fackets_out;
    if ((flag & FLAG_ACKED) && sk.fackets_out)
        rec_.set(SF::fackets_out, sk.fackets_out - std::min(acked_segs, sk.fackets_out));
    if ((flag & FLAG_ACKED) || up_moved) {
        // What the ACK took off the queue, in segments (a TSO skb trimmed
        // in part counts its whole segments), and what is left in flight.
        // An ACK that moved snd_una by less than a segment of a TSO skb takes
        // nothing off, but still carries snd_up along: 0 segments.
        rec_.arg(Arg::segs, acked_segs);
        rec_.arg(Arg::value, sk.packets_out);
        SP_EMIT(rec_, rtx_acked);
    }
    if (flag & FLAG_ACKED) {
        // tcp_ack_update_rtt: a timestamp echo times the round trip whatever
        // was resent (an echo of 0 is ignored); without one, Karn's rule: no
        // sample from an ACK that covers resent data.
        if (tsecr > 0) tcp_rtt_estimator(std::max<int64_t>(rec_.time() / 1000 - tsecr, 1) * 1000);
        else if (seq_rtt_ms >= 0 && !retrans_acked) tcp_rtt_estimator(std::max<int64_t>(seq_rtt_ms, 1) * 1000);
        // tcp_rearm_rto
        if (!sk.packets_out) inet_csk_clear_xmit_timer();
        else inet_csk_reset_xmit_timer(ICSK_TIME_RETRANS, sk.icsk_rto_us);
        // Without SACK, the segments this ACK covered take back the
        // duplicate ACKs that stood for them.
        if (!sk.sack_ok) tcp_remove_reno_sacks(acked_segs);
        // With SACK: a hole filled by a segment never resent is reordering.
        else if (reord < prior_fackets) tcp_update_reordering(fackets_before - reord);
        // The congestion control's pkts_acked hook gets the newest segment's
        // round trip, in whole jiffies, only when the ACK covers nothing
        // resent and the trip took at least one jiffy (2.6.32 tests
        // ca_seq_rtt > 0); else -1.
        tcp_ca_pkts_acked(acked_segs, (!retrans_acked && ca_seq_rtt > 0) ? ca_seq_rtt * 1000 : -1);
    }
    pkts_acked = acked_segs;
    return flag;
}

void Engine::tcp_trim_head(SkBuff& skb, int64_t len) {
    auto& sk = st().sk;
    const int64_t headlen = skb.headlen();
    if (len <= headlen) {
        linear_head_[skb.id] += static_cast<uint32_t>(len);
        rec_.skb_set(skb, KF::linear_cap, skb.linear_cap - len);
    } else {
        // __pskb_trim_head: drop the linear part and eat into the fragments.
        if (headlen) {
            linear_head_[skb.id] += static_cast<uint32_t>(headlen);
            rec_.skb_set(skb, KF::linear_cap, skb.linear_cap - headlen);
        }
        int64_t eat = len - headlen;
        int64_t k = 0;
        const int64_t n = skb.nr_frags;
        for (int64_t i = 0; i < n; ++i) {
            Frag f = skb.frags[i];
            if (eat >= f.size) {
                eat -= f.size;
                put_page(f.page);
            } else {
                f.off += static_cast<uint32_t>(eat);
                f.size -= static_cast<uint32_t>(eat);
                eat = 0;
                rec_.skb_frag(skb, static_cast<uint32_t>(k++), f);
            }
        }
        for (int64_t i = k; i < n; ++i) rec_.skb_frag(skb, static_cast<uint32_t>(i), Frag{});
        rec_.skb_set(skb, KF::nr_frags, k);
        rec_.skb_set(skb, KF::data_len, skb.data_len - (len - headlen));
    }
    rec_.skb_set(skb, KF::len, skb.len - len);
    rec_.skb_set(skb, KF::seq, seq_add(skb.seq, len));
    rec_.skb_set(skb, KF::ip_summed, CHECKSUM_PARTIAL);
    rec_.skb_set(skb, KF::truesize, skb.truesize - len);
    rec_.set(SF::sk_wmem_queued, sk.sk_wmem_queued - len);
    sk_mem_uncharge(len);
    rec_.set(SF::sock_flags, sk.sock_flags | SOCK_QUEUE_SHRUNK);
    // The segment count is redone with the skb's own segment size
    // (tcp_skb_mss), as 2.6.32.67 does; 2.6.32.9 used the current MSS.
    if (skb.gso_segs > 1) tcp_set_skb_tso_segs(skb, skb.gso_size);
    rec_.arg(Arg::skb, skb.id);
    rec_.arg(Arg::len, len);
    SP_EMIT(rec_, ack_trim);
}

void Engine::tcp_rtt_estimator(int64_t m) {
    FuncScope fs(rec_, Func::tcp_rtt_estimator);
    auto& sk = st().sk;
    if (m <= 0) m = 1;
    rec_.arg(Arg::value, m);
    // RFC 6298 smoothing, with the variance term floored at tcp_rto_min as Linux does.
    if (sk.srtt_us == 0) {
        rec_.set(SF::srtt_us, m);
        rec_.set(SF::rttvar_us, m / 2);
    } else {
        const int64_t err = m - sk.srtt_us;
        rec_.set(SF::srtt_us, sk.srtt_us + err / 8);
        rec_.set(SF::rttvar_us, sk.rttvar_us + ((err < 0 ? -err : err) - sk.rttvar_us) / 4);
    }
    const int64_t rto = std::min(sk.srtt_us + std::max(4 * sk.rttvar_us, TCP_RTO_MIN_US), TCP_RTO_MAX_US);
    rec_.set(SF::icsk_rto_us, rto);
    rec_.set(SF::icsk_backoff, 0);
    SP_EMIT(rec_, rtt_sample);
}

// tcp_is_cwnd_limited (2.6.32): a window is grown only while it is being
// used. It is when the flight fills it; with GSO, also when the room left
// is under a third of cwnd and under one 64 KB GSO frame (tcp_tso_win_divisor
// 3, sk_gso_max_size); and in every case when the room left is no more than
// tcp_max_burst, the reordering metric (3 segments).
bool Engine::tcp_is_cwnd_limited(int64_t in_flight) {
    const auto& sk = st().sk;
    if (in_flight >= sk.snd_cwnd) return true;
    const int64_t left = sk.snd_cwnd - in_flight;
    if (sk_can_gso() && left * TCP_TSO_WIN_DIVISOR < sk.snd_cwnd && left * sk.mss_cache < GSO_MAX_SIZE) return true;
    return left <= sk.reordering;
}

void Engine::tcp_check_space() {
    auto& sk = st().sk;
    if (!(sk.sock_flags & SOCK_QUEUE_SHRUNK)) return;
    FuncScope fs(rec_, Func::tcp_check_space);
    rec_.set(SF::sock_flags, sk.sock_flags & ~SOCK_QUEUE_SHRUNK);
    rec_.arg(Arg::value, (sk.sock_flags & SOCK_NOSPACE) ? 1 : 0);
    SP_EMIT(rec_, queue_shrunk);
    if (sk.sock_flags & SOCK_NOSPACE) tcp_new_space();
}

void Engine::tcp_new_space() {
    auto& sk = st().sk;
    // tcp_should_expand_sndbuf
    if (!(sk.sock_flags & SOCK_SNDBUF_LOCK) && !sk.tcp_memory_pressure && sk.tcp_memory_allocated < sk.tcp_mem0 &&
        sk.packets_out < sk.snd_cwnd) {
        int64_t sndmem = std::max(sk.mss_clamp, sk.mss_cache) + opt_.max_tcp_header + 16 + opt_.sizeof_sk_buff;
        const int64_t demanded = std::max<int64_t>(sk.snd_cwnd, 3 + 1);
        sndmem *= 2 * demanded;
        if (sndmem > sk.sk_sndbuf) {
            rec_.arg(Arg::old, sk.sk_sndbuf);
            rec_.set(SF::sk_sndbuf, std::min(sndmem, cfg_.sysctl.tcp_wmem[2]));
            rec_.arg(Arg::value, sk.sk_sndbuf);
            SP_EMIT(rec_, sndbuf_grow);
        }
    }
    sk_stream_write_space();
}

// Wake the writer once a third of the send buffer is free.
void Engine::sk_stream_write_space() {
    FuncScope fs(rec_, Func::sk_stream_write_space);
    auto& sk = st().sk;
    if (sk.sk_sndbuf - sk.sk_wmem_queued >= (sk.sk_wmem_queued >> 1)) {
        rec_.set(SF::sock_flags, sk.sock_flags & ~SOCK_NOSPACE);
        rec_.arg(Arg::value, sk.sk_sndbuf - sk.sk_wmem_queued);
        SP_EMIT(rec_, write_space);
        wake();
    }
}

void Engine::tcp_reset() {
    FuncScope fs(rec_, Func::tcp_reset);
    auto& sk = st().sk;
    int64_t err = ECONNRESET_;
    if (sk.state == TCP_SYN_SENT) err = ECONNREFUSED_;
    else if (sk.state == TCP_CLOSE_WAIT) err = EPIPE_;
    else if (sk.state == TCP_CLOSE) return;
    rec_.set(SF::sk_err, err);
    // tcp_done
    rec_.set(SF::state, TCP_CLOSE);
    inet_csk_clear_xmit_timer();
    rec_.set(SF::sk_shutdown, RCV_SHUTDOWN | SEND_SHUTDOWN);
    rec_.arg(Arg::err, -err);
    SP_EMIT(rec_, reset);
    wake();  // sk_state_change
}

// ---------------------------------------------------------------------------
// Loss recovery without SACK: tcp_fastretrans_alert and its helpers
// (tcp_input.c, 2.6.32). Without SACK the receiver only repeats its ACK;
// each duplicate ACK stands for one segment that arrived out of order, and
// sacked_out counts them. A cut of the window that proves needless (every
// retransmission D-SACKed, or a timestamp echo older than the first one) is
// taken back by the tcp_try_undo_* helpers.
// ---------------------------------------------------------------------------

// tcp_fackets_out: with SACK, fackets_out; without, the duplicate ACKs plus
// the hole they point at.
int64_t Engine::tcp_fackets_out() const {
    const auto& sk = st_const().sk;
    return sk.sack_ok ? sk.fackets_out : sk.sacked_out + 1;
}

// tcp_set_ca_state, and the high_seq that tcp_try_keep_open sets with it.
void Engine::tcp_set_ca_state(int64_t state, bool new_high_seq) {
    auto& sk = st().sk;
    rec_.arg(Arg::old, sk.ca_state);
    rec_.set(SF::ca_state, state);
    if (new_high_seq) rec_.set(SF::high_seq, sk.snd_nxt);
    rec_.arg(Arg::value, state);
    SP_EMIT(rec_, set_ca_state);
}

// tcp_check_reno_reordering: more duplicate ACKs than segments out cannot all
// be losses; sacked_out is held below packets_out (tcp_limit_reno_sacked)
// and reordering grows to what was seen (tcp_update_reordering).
void Engine::tcp_check_reno_reordering(int64_t addend) {
    auto& sk = st().sk;
    const int64_t holes = std::min(std::max<int64_t>(sk.lost_out, 1), sk.packets_out);
    if (sk.sacked_out + holes <= sk.packets_out) return;
    rec_.set(SF::sacked_out, sk.packets_out - holes);
    const int64_t metric = sk.packets_out + addend;
    if (metric > sk.reordering) {
        rec_.arg(Arg::old, sk.reordering);
        rec_.set(SF::reordering, std::min(metric, TCP_MAX_REORDERING));
        rec_.arg(Arg::value, sk.reordering);
        SP_EMIT(rec_, reordering);
    }
}

// tcp_add_reno_sack: one more duplicate ACK.
void Engine::tcp_add_reno_sack() {
    auto& sk = st().sk;
    rec_.set(SF::sacked_out, sk.sacked_out + 1);
    tcp_check_reno_reordering(0);
    rec_.arg(Arg::value, sk.sacked_out);
    SP_EMIT(rec_, dupack);
}

// tcp_remove_reno_sacks: new data was ACKed. One of the segments it covers
// was the hole; each other one had sent a duplicate ACK, now taken back.
void Engine::tcp_remove_reno_sacks(int64_t acked) {
    auto& sk = st().sk;
    const int64_t old = sk.sacked_out;
    if (acked > 0) rec_.set(SF::sacked_out, acked - 1 >= sk.sacked_out ? 0 : sk.sacked_out - (acked - 1));
    tcp_check_reno_reordering(acked);
    if (sk.sacked_out == old) return;
    rec_.arg(Arg::old, old);
    rec_.arg(Arg::segs, acked);
    rec_.arg(Arg::value, sk.sacked_out);
    SP_EMIT(rec_, reno_sacks);
}

// tcp_reset_reno_sack: every counted duplicate ACK is dropped at once.
void Engine::tcp_reset_reno_sack() {
    auto& sk = st().sk;
    if (!sk.sacked_out) return;
    rec_.arg(Arg::old, sk.sacked_out);
    rec_.set(SF::sacked_out, 0);
    rec_.arg(Arg::value, 0);
    SP_EMIT(rec_, reno_sacks);
}

// tcp_may_send_now: would tcp_write_xmit send the send head at once?
bool Engine::tcp_may_send_now() const {
    const auto& sk = st_const().sk;
    if (sk.sk_send_head == 0) return false;
    const SkBuff& skb = *st_const().skb(static_cast<uint32_t>(sk.sk_send_head));
    const int64_t mss = tcp_current_mss();
    const int64_t segs = skb.len <= mss ? 1 : (skb.len + mss - 1) / mss;
    const int64_t nonagle = is_tail(skb) ? TCP_NAGLE_PUSH : sk.nonagle;
    if (segs == 1 && !tcp_nagle_test(skb, mss, nonagle)) return false;
    return tcp_cwnd_test(skb) && tcp_snd_wnd_test(skb, mss);
}

// tcp_time_to_recover: is the hole a loss rather than reordering?
bool Engine::tcp_time_to_recover() const {
    const auto& sk = st_const().sk;
    if (sk.frto_counter) return false;  // no recovery while F-RTO decides
    if (sk.lost_out) return true;       // the loss is proven
    // The classic rule (tcp_dupack_heurestics): with FACK, fackets_out; else
    // sacked_out + 1 (without SACK: the third duplicate ACK) above reordering.
    if ((tcp_is_fack() ? sk.fackets_out : sk.sacked_out + 1) > sk.reordering) return true;
    // With FACK, the head was sent more than an RTO ago.
    if (tcp_is_fack() && tcp_head_timedout()) return true;
    // Nothing more can be sent, and half the flight is reported received.
    return sk.packets_out <= sk.reordering && sk.sacked_out >= std::max(sk.packets_out / 2, TCP_REORDERING) &&
           !tcp_may_send_now();
}

// tcp_mark_head_lost: walk from the head, marking skbs lost until `packets`
// segments are counted (with SACK but not FACK, SACKed segments only); an
// skb that would pass the count is cut to it, without SACK.
void Engine::tcp_mark_head_lost(int64_t packets) {
    auto& sk = st().sk;
    int64_t cnt = 0;
    for (std::size_t i = 0; i < st().write_queue.size(); ++i) {
        const uint32_t id = st().write_queue[i];
        if (id == sk.sk_send_head) break;
        SkBuff* skb = st().skb(id);
        if (after(skb->end_seq, sk.high_seq)) break;
        const int64_t oldcnt = cnt;
        if (tcp_is_fack() || !sk.sack_ok || (skb->sacked & TCPCB_SACKED_ACKED)) cnt += tcp_skb_pcount(*skb);
        if (cnt > packets) {
            if (sk.sack_ok || oldcnt >= packets) break;
            const int64_t mss = skb->gso_size ? skb->gso_size : sk.mss_cache;
            if (!tcp_fragment(*skb, (packets - oldcnt) * mss, mss)) break;
            skb = st().skb(id);
            cnt = packets;
        }
        tcp_skb_mark_lost(*skb);
    }
}

// tcp_update_scoreboard: without SACK, only the head is taken for lost; with
// FACK, every segment up to the highest SACK but the last `reordering`
// (at least one); with plain SACK, as many as are SACKed beyond reordering
// (at least the head on a fast retransmit). Then, with FACK, the timed-out.
void Engine::tcp_update_scoreboard(bool fast_rexmit) {
    auto& sk = st().sk;
    if (!sk.sack_ok) tcp_mark_head_lost(1);
    else if (tcp_is_fack()) tcp_mark_head_lost(std::max<int64_t>(sk.fackets_out - sk.reordering, 1));
    else tcp_mark_head_lost(std::max<int64_t>(sk.sacked_out - sk.reordering, fast_rexmit ? 1 : 0));
    tcp_timeout_skbs();
}

// tcp_cwnd_down: rate halving. On each ACK that shows progress (or, without
// SACK, each duplicate ACK) the counter gains one; every second one takes a
// segment off cwnd, down to the floor (tcp_cwnd_min: Reno's ssthresh / 2, CUBIC's ssthresh),
// and cwnd never exceeds what is in flight plus one.
void Engine::tcp_cwnd_down(int flag) {
    auto& sk = st().sk;
    if (!((flag & (FLAG_ANY_PROGRESS | FLAG_DSACKING_ACK)) || (!sk.sack_ok && !(flag & FLAG_NOT_DUP)))) return;
    int64_t decr = sk.snd_cwnd_cnt + 1;
    rec_.set(SF::snd_cwnd_cnt, decr & 1);
    decr >>= 1;
    const int64_t floor = tcp_cwnd_min();
    int64_t cwnd = sk.snd_cwnd;
    if (decr && cwnd > floor) cwnd -= decr;
    const int64_t in_flight = packets_in_flight();
    cwnd = std::min(cwnd, in_flight + 1);
    rec_.arg(Arg::old, sk.snd_cwnd);
    rec_.set(SF::snd_cwnd, cwnd);
    rec_.arg(Arg::cwnd, cwnd);
    rec_.arg(Arg::in_flight, in_flight);
    SP_EMIT(rec_, cwnd_down);
}

// tcp_moderate_cwnd: no more than tcp_max_burst (the reordering metric)
// segments may leave at once after a dubious ACK.
void Engine::tcp_moderate_cwnd() {
    auto& sk = st().sk;
    const int64_t in_flight = packets_in_flight();
    const int64_t cap = in_flight + sk.reordering;
    if (sk.snd_cwnd <= cap) return;
    rec_.arg(Arg::old, sk.snd_cwnd);
    rec_.set(SF::snd_cwnd, cap);
    rec_.arg(Arg::cwnd, cap);
    rec_.arg(Arg::in_flight, in_flight);
    SP_EMIT(rec_, moderate_cwnd);
}

// tcp_complete_cwr: the reduction is over; cwnd lands at ssthresh at most.
void Engine::tcp_complete_cwr() {
    auto& sk = st().sk;
    rec_.arg(Arg::old, sk.snd_cwnd);
    rec_.set(SF::snd_cwnd, std::min(sk.snd_cwnd, sk.snd_ssthresh));
    rec_.arg(Arg::cwnd, sk.snd_cwnd);
    rec_.arg(Arg::ssthresh, sk.snd_ssthresh);
    SP_EMIT(rec_, complete_cwr);
}

// tcp_try_keep_open: Disorder while anything is counted out of order, lost
// or retransmitted, or an undo is pending; else Open.
void Engine::tcp_try_keep_open() {
    auto& sk = st().sk;
    const int64_t state =
        (sk.sacked_out + sk.lost_out || sk.retrans_out || sk.undo_marker) ? TCP_CA_Disorder : TCP_CA_Open;
    if (sk.ca_state != state) tcp_set_ca_state(state, true);
}

// tcp_try_to_open: in CWR, rate halving goes on; otherwise Disorder or Open
// (tcp_try_keep_open) with the burst moderated. (ECE, which would enter
// CWR here, is not modelled.)
void Engine::tcp_try_to_open(int flag) {
    // Nothing resent is in flight (and F-RTO is not counting on the head's
    // resend): the first retransmission's time no longer matters.
    if (!st().sk.frto_counter && !st().sk.retrans_out) tcp_clear_retrans_stamp();
    if (st().sk.ca_state == TCP_CA_CWR) {
        tcp_cwnd_down(flag);
        return;
    }
    tcp_try_keep_open();
    tcp_moderate_cwnd();
}

// tcp_clear_retrans_stamp: retrans_stamp back to 0 (as tcp_fastretrans_alert
// does in Open, tcp_try_to_open once nothing resent is in flight).
void Engine::tcp_clear_retrans_stamp() {
    auto& sk = st().sk;
    if (!sk.retrans_stamp) return;
    rec_.arg(Arg::old, sk.retrans_stamp);
    rec_.set(SF::retrans_stamp, 0);
    SP_EMIT(rec_, retrans_stamp);
}

// tcp_packet_delayed: nothing was resent, or the ACK echoes a timestamp from
// before the first resend: what reached the peer was an original that was
// only late. (An echo of 0 counts as none, as in the kernel.)
bool Engine::tcp_packet_delayed(int64_t tsecr) const {
    const auto& sk = st_const().sk;
    return !sk.retrans_stamp || (tsecr && before(tsecr, sk.retrans_stamp));
}

// tcp_may_undo: an episode is still open to undo (undo_marker) and either
// every retransmission since came back in a D-SACK or the echo shows a delay.
bool Engine::tcp_may_undo(int64_t tsecr) const {
    const auto& sk = st_const().sk;
    return sk.undo_marker && (!sk.undo_retrans || tcp_packet_delayed(tsecr));
}

// The `undo` event, with what tcp_may_undo looked at (stamp: retrans_stamp
// as it was then).
void Engine::emit_undo(int64_t reason, int64_t tsecr, int64_t stamp) {
    rec_.arg(Arg::reason, reason);
    rec_.arg(Arg::value, st_const().sk.undo_retrans);
    rec_.arg(Arg::tsecr, tsecr);
    rec_.arg(Arg::stamp, stamp);
    SP_EMIT(rec_, undo);
}

// tcp_undo_cwr: cwnd goes back up. With prior_ssthresh saved, the congestion
// control's undo_cwnd hook decides (tcp_ca_undo_cwnd), and `undo` (a full
// undo) restores ssthresh too when it was higher; without, cwnd is lifted to
// ssthresh. tcp_moderate_cwnd then caps the burst this could release.
void Engine::tcp_undo_cwr(bool undo) {
    auto& sk = st().sk;
    const int64_t old = sk.snd_cwnd;
    if (sk.prior_ssthresh) {
        rec_.set(SF::snd_cwnd, tcp_ca_undo_cwnd());
        if (undo && sk.prior_ssthresh > sk.snd_ssthresh) rec_.set(SF::snd_ssthresh, sk.prior_ssthresh);
    } else {
        rec_.set(SF::snd_cwnd, std::max(sk.snd_cwnd, sk.snd_ssthresh));
    }
    rec_.arg(Arg::old, old);
    rec_.arg(Arg::cwnd, sk.snd_cwnd);
    rec_.arg(Arg::ssthresh, sk.snd_ssthresh);
    SP_EMIT(rec_, undo_cwr);
    tcp_moderate_cwnd();
}

// tcp_try_undo_recovery: the episode (Recovery, or Loss) reached high_seq.
// If it may be undone, it is, and the marker is dropped. Then, without SACK,
// an ACK of exactly high_seq holds the state (RFC 2582); else the state is
// Open. Returns true when the state is held.
bool Engine::tcp_try_undo_recovery(int64_t tsecr) {
    auto& sk = st().sk;
    if (tcp_may_undo(tsecr)) {
        rec_.set(SF::undo_marker, 0);
        emit_undo(sk.ca_state == TCP_CA_Loss ? UNDO_LOSS_END : UNDO_RECOVERY_END, tsecr, sk.retrans_stamp);
        tcp_undo_cwr(true);
    }
    if (sk.snd_una == sk.high_seq && !sk.sack_ok) {
        rec_.arg(Arg::ack, sk.snd_una);
        rec_.arg(Arg::value, sk.ca_state);
        SP_EMIT(rec_, recovery_hold);
        tcp_moderate_cwnd();
        return true;
    }
    tcp_set_ca_state(TCP_CA_Open, false);
    return false;
}

// tcp_try_undo_dsack: D-SACKs have reported every retransmission of the
// episode as a duplicate: nothing was lost, the cut is undone.
void Engine::tcp_try_undo_dsack() {
    auto& sk = st().sk;
    if (!sk.undo_marker || sk.undo_retrans) return;
    rec_.set(SF::undo_marker, 0);
    emit_undo(UNDO_DSACK, 0, sk.retrans_stamp);
    tcp_undo_cwr(true);
}

// tcp_try_undo_partial: a partial ACK in Recovery. Without SACK, or when more
// than `reordering` segments are known out, the next hole is lost too (the
// result, do_lost). But if the ACK shows the hole was filled by the late
// original, the path reorders: reordering grows, cwnd (not ssthresh) is
// undone, and nothing more is marked lost yet.
bool Engine::tcp_try_undo_partial(int64_t acked, int64_t tsecr) {
    auto& sk = st().sk;
    bool failed = !sk.sack_ok || tcp_fackets_out() > sk.reordering;
    if (tcp_may_undo(tsecr)) {
        const int64_t stamp = sk.retrans_stamp;
        if (!sk.retrans_out) rec_.set(SF::retrans_stamp, 0);
        emit_undo(UNDO_PARTIAL, tsecr, stamp);
        tcp_update_reordering(tcp_fackets_out() + acked);
        tcp_undo_cwr(false);
        failed = false;
    }
    return failed;
}

// tcp_try_undo_loss: in Loss, an ACK shows the timeout needless: the lost
// marks go, the timeout count restarts, the cut is undone, and with SACK the
// state is Open again (without SACK it stays Loss until high_seq).
bool Engine::tcp_try_undo_loss(int64_t tsecr) {
    auto& sk = st().sk;
    if (!tcp_may_undo(tsecr)) return false;
    for (uint32_t id : st().write_queue) {
        if (id == sk.sk_send_head) break;
        SkBuff& skb = *st().skb(id);
        if (skb.sacked & TCPCB_LOST) rec_.skb_set(skb, KF::sacked, skb.sacked & ~TCPCB_LOST);
    }
    rec_.set(SF::lost_out, 0);
    rec_.set(SF::icsk_retransmits, 0);
    rec_.set(SF::undo_marker, 0);
    emit_undo(UNDO_LOSS, tsecr, sk.retrans_stamp);
    tcp_undo_cwr(true);
    if (sk.sack_ok) tcp_set_ca_state(TCP_CA_Open, false);
    return true;
}

void Engine::tcp_fastretrans_alert(int64_t pkts_acked, int flag, int64_t tsecr) {
    FuncScope fs(rec_, Func::tcp_fastretrans_alert);
    auto& sk = st().sk;
    const bool is_dupack = !(flag & (FLAG_SND_UNA_ADVANCED | FLAG_NOT_DUP));
    bool do_lost = is_dupack || ((flag & FLAG_DATA_SACKED) && tcp_fackets_out() > sk.reordering);
    bool fast_rexmit = false;

    // B. The peer dropped data it had SACKed: handled like a timeout.
    if (tcp_check_sack_reneging(flag)) return;
    // C. With FACK, SACKed data above high_seq proves the holes below lost.
    if (tcp_is_fack() && (flag & FLAG_DATA_LOST) && before(sk.snd_una, sk.high_seq) && sk.ca_state != TCP_CA_Open &&
        sk.fackets_out > sk.reordering)
        tcp_mark_head_lost(sk.fackets_out - sk.reordering);

    // E. In Open nothing resent is out; otherwise the state ends once
    // high_seq is acknowledged.
    if (sk.ca_state == TCP_CA_Open) {
        tcp_clear_retrans_stamp();
    } else if (!before(sk.snd_una, sk.high_seq)) {
        switch (sk.ca_state) {
            case TCP_CA_Loss:
                if (sk.icsk_retransmits) {
                    rec_.set(SF::icsk_retransmits, 0);
                    rec_.arg(Arg::value, 0);
                    SP_EMIT(rec_, loss_ack);
                }
                if (tcp_try_undo_recovery(tsecr)) return;
                break;
            case TCP_CA_Disorder:
                // Open again, the undo marker dropped; with SACK, an ACK of
                // exactly high_seq waits for the D-SACKs that might still
                // allow an undo.
                tcp_try_undo_dsack();
                if (!sk.undo_marker || !sk.sack_ok || sk.snd_una != sk.high_seq) {
                    rec_.set(SF::undo_marker, 0);
                    tcp_set_ca_state(TCP_CA_Open, false);
                }
                break;
            case TCP_CA_Recovery:
                if (!sk.sack_ok) tcp_reset_reno_sack();
                if (tcp_try_undo_recovery(tsecr)) return;
                tcp_complete_cwr();
                break;
            case TCP_CA_CWR:
                // CWR lasts until something above high_seq is ACKed (for the
                // ECN CWR bit to reach the peer, in the kernel's words).
                if (sk.snd_una != sk.high_seq) {
                    tcp_complete_cwr();
                    tcp_set_ca_state(TCP_CA_Open, false);
                }
                break;
            default: break;
        }
    }

    // F. What the state does with this ACK.
    switch (sk.ca_state) {
        case TCP_CA_Recovery:
            if (!(flag & FLAG_SND_UNA_ADVANCED)) {
                if (!sk.sack_ok && is_dupack) tcp_add_reno_sack();
            } else {
                rec_.arg(Arg::ack, sk.snd_una);
                rec_.arg(Arg::end_seq, sk.high_seq);
                SP_EMIT(rec_, partial_ack);
                do_lost = tcp_try_undo_partial(pkts_acked, tsecr);
            }
            break;
        case TCP_CA_Loss:
            if ((flag & FLAG_DATA_ACKED) && sk.icsk_retransmits) {
                rec_.set(SF::icsk_retransmits, 0);
                rec_.arg(Arg::value, 0);
                SP_EMIT(rec_, loss_ack);
            }
            if (!sk.sack_ok && (flag & FLAG_SND_UNA_ADVANCED)) tcp_reset_reno_sack();
            if (!tcp_try_undo_loss(tsecr)) {
                // The timeout stands: keep resending what is lost.
                tcp_moderate_cwnd();
                tcp_xmit_retransmit_queue();
                return;
            }
            // Undone: without SACK the state stays Loss until high_seq; with
            // SACK it is Open, and the ACK goes on as one in Open.
            if (sk.ca_state != TCP_CA_Open) return;
            [[fallthrough]];
        default:
            if (!sk.sack_ok) {
                if (flag & FLAG_SND_UNA_ADVANCED) tcp_reset_reno_sack();
                if (is_dupack) tcp_add_reno_sack();
            }
            if (sk.ca_state == TCP_CA_Disorder) tcp_try_undo_dsack();
            if (!tcp_time_to_recover()) {
                tcp_try_to_open(flag);
                return;
            }
            // Enter Recovery: ssthresh from the congestion control's hook
            // (Reno: half the window; CUBIC: 717/1024 of it; at least 2),
            // unless a reduction is already under way, with the old value
            // kept for an undo (prior_ssthresh); the marker for a later undo
            // with the retransmissions already out (undo_retrans); and
            // high_seq, the point whose ACK ends the episode.
            {
                const bool cut = sk.ca_state < TCP_CA_CWR;
                const int64_t prior_ssthresh = cut ? tcp_current_ssthresh() : 0;
                const int64_t ssthresh = cut ? tcp_ca_ssthresh(sk.snd_cwnd) : 0;
                rec_.set(SF::high_seq, sk.snd_nxt);
                rec_.set(SF::undo_marker, sk.snd_una);
                rec_.set(SF::undo_retrans, sk.retrans_out);
                rec_.set(SF::prior_ssthresh, prior_ssthresh);
                if (cut) rec_.set(SF::snd_ssthresh, ssthresh);
            }
            rec_.set(SF::snd_cwnd_cnt, 0);
            rec_.arg(Arg::old, sk.ca_state);
            rec_.set(SF::ca_state, TCP_CA_Recovery);
            rec_.arg(Arg::value, sk.sacked_out);
            rec_.arg(Arg::cwnd, sk.snd_cwnd);
            rec_.arg(Arg::ssthresh, sk.snd_ssthresh);
            SP_EMIT(rec_, enter_recovery);
            fast_rexmit = true;
            break;
    }
    if (do_lost || (tcp_is_fack() && tcp_head_timedout())) tcp_update_scoreboard(fast_rexmit);
    tcp_cwnd_down(flag);
    tcp_xmit_retransmit_queue();
}

// ---------------------------------------------------------------------------
// SACK: tcp_sacktag_write_queue and its helpers (tcp_input.c, 2.6.32). The
// peer's SACK blocks say which data it holds beyond snd_una; the skbs they
// cover are tagged SACKED (TCPCB_SACKED_ACKED) and counted in sacked_out,
// fackets_out counts from the head up to the highest SACKed segment, holes
// included. The walk skips what the previous SACK ACK's blocks already
// covered (recv_sack_cache) and starts a block at or above the highest
// SACK there. tcp_shift_skb_data, which moves newly SACKed segments into
// the SACKed skb before them, is below.
// ---------------------------------------------------------------------------

bool Engine::tcp_is_fack() const { return st_const().sk.sack_ok & TCP_FACK_ENABLED; }

// tcp_highest_sack_seq: where the highest SACKed data ends; snd_una when
// nothing is SACKed, snd_nxt when no skb follows the highest SACKed one.
int64_t Engine::tcp_highest_sack_seq() const {
    const auto& sk = st_const().sk;
    if (!sk.sacked_out) return sk.snd_una;
    if (sk.highest_sack == 0) return sk.snd_nxt;
    const SkBuff* skb = st_const().skb(static_cast<uint32_t>(sk.highest_sack));
    return skb ? skb->seq : sk.snd_nxt;
}

// tcp_is_sackblock_valid. reason: 1 ends past snd_nxt, or is empty or
// reversed; 2 starts at or past snd_nxt (wrapped); 3 starts at or below
// snd_una and is no D-SACK that could count; 4 a D-SACK that ends at or below
// snd_una (2.6.32 refuses those); 5 a D-SACK older than undo_marker.
bool Engine::tcp_is_sackblock_valid(bool is_dsack, int64_t start_seq, int64_t end_seq, int64_t& reason) const {
    const auto& sk = st_const().sk;
    if (after(end_seq, sk.snd_nxt) || !before(start_seq, end_seq)) return reason = 1, false;
    if (!before(start_seq, sk.snd_nxt)) return reason = 2, false;
    if (after(start_seq, sk.snd_una)) return true;
    if (!is_dsack || !sk.undo_marker) return reason = 3, false;
    if (!after(end_seq, sk.snd_una)) return reason = 4, false;
    if (!before(start_seq, sk.undo_marker)) return true;
    if (!after(end_seq, sk.undo_marker)) return reason = 5, false;
    // Crossing undo_marker: accepted within max_window of its end.
    if (before(start_seq, seq_add(end_seq, -sk.max_window))) return reason = 5, false;
    return true;
}

// tcp_check_dsack: the first block is a D-SACK when it lies below the
// cumulative ACK, or inside the second block (RFC 2883). A D-SACK of data
// already acknowledged before this ACK (its skb is gone) and sent after
// undo_marker is counted against undo_retrans here, without looking at
// what it covers. (2.6.32 has no guard on undo_marker or on the count
// going below 0; later releases added both.)
bool Engine::tcp_check_dsack(int64_t ack, int64_t prior_snd_una, const std::vector<std::pair<uint32_t, uint32_t>>& sp) {
    auto& sk = st().sk;
    bool dup = before(sp[0].first, ack);
    if (!dup && sp.size() > 1) dup = !after(sp[0].second, sp[1].second) && !before(sp[0].first, sp[1].first);
    if (!dup) return false;
    // tcp_dsack_seen
    rec_.set(SF::sack_ok, sk.sack_ok | TCP_DSACK_SEEN);
    if (!after(sp[0].second, prior_snd_una) && after(sp[0].second, sk.undo_marker))
        rec_.set(SF::undo_retrans, sk.undo_retrans - 1);
    rec_.arg(Arg::value, sk.undo_retrans);
    rec_.arg(Arg::seq, sp[0].first);
    rec_.arg(Arg::end_seq, sp[0].second);
    SP_EMIT(rec_, dsack);
    return true;
}

// tcp_match_skb_to_sack: is the skb inside [start_seq, end_seq)? A
// multi-segment skb the block covers in part is cut at a segment boundary
// first, so that only whole segments are tagged. Returns 1 inside, 0 not,
// -1 when it cannot tell (the block covers less than one segment of it, or
// the cut failed).
int Engine::tcp_match_skb_to_sack(SkBuff& skb, int64_t start_seq, int64_t end_seq) {
    bool in_sack = !after(start_seq, skb.seq) && !before(end_seq, skb.end_seq);
    const int64_t pcount = tcp_skb_pcount(skb);
    if (pcount > 1 && !in_sack && after(skb.end_seq, start_seq)) {
        const int64_t mss = skb.gso_size ? skb.gso_size : st().sk.mss_cache;
        in_sack = !after(start_seq, skb.seq);
        int64_t pkt_len;
        if (!in_sack) {
            pkt_len = std::max(seq_diff(start_seq, skb.seq), mss);
        } else {
            pkt_len = seq_diff(end_seq, skb.seq);
            if (pkt_len < mss) return -1;
        }
        if (pkt_len > mss) {
            int64_t new_len = pkt_len / mss * mss;
            if (!in_sack && new_len < pkt_len) {
                new_len += mss;
                if (new_len > skb.len) return 0;
            }
            pkt_len = new_len;
        }
        // (A cut at the very end would leave an empty skb; there is nothing to cut.)
        if (pkt_len < skb.len && !tcp_fragment(skb, pkt_len, mss)) return -1;
    }
    return in_sack ? 1 : 0;
}

// tcp_sacktag_one: the scoreboard of pcount segments a block covers (an
// skb's, or those tcp_shifted_skb just moved out of it). fack_count is the
// number of segments ahead of them; reord the lowest such count of a
// segment that was SACKed after a later one (reordering); flag collects
// FLAG_DATA_SACKED. The counts change here; the skb's new tags are returned
// for the caller to store, and the caller emits the event.
int64_t Engine::tcp_sacktag_one(SkBuff& skb, bool dup_sack, int64_t fack_count, int64_t& reord, int& flag,
                                int64_t pcount) {
    auto& sk = st().sk;
    int64_t sacked = skb.sacked;
    const bool ever_retrans = sacked & (TCPCB_RETRANS | TCPCB_EVER_RETRANS);
    // A D-SACK for a resent segment: one retransmission of the episode was
    // not needed (undo_retrans); if it had been SACKed before, the path reordered.
    if (dup_sack && ever_retrans) {
        if (after(skb.end_seq, sk.undo_marker)) rec_.set(SF::undo_retrans, sk.undo_retrans - 1);
        if (sacked & TCPCB_SACKED_ACKED) reord = std::min(fack_count, reord);
    }
    // Already covered by the cumulative ACK: tcp_clean_rtx_queue frees it.
    if (!after(skb.end_seq, sk.snd_una)) return sacked;
    if (!(sacked & TCPCB_SACKED_ACKED)) {
        if (sacked & TCPCB_RETRANS) {
            // Resent and now SACKed: if it was taken for lost, the copy that
            // arrived settles both counts; if not, the retransmission is
            // believed still in flight and keeps counting.
            if (sacked & TCPCB_LOST) {
                sacked &= ~(TCPCB_LOST | TCPCB_RETRANS);
                rec_.set(SF::lost_out, sk.lost_out - pcount);
                rec_.set(SF::retrans_out, sk.retrans_out - pcount);
            }
        } else {
            // Never resent and SACKed below the highest SACK: a segment
            // overtaken by later ones, so the path reorders.
            if (!ever_retrans && before(skb.seq, tcp_highest_sack_seq())) reord = std::min(fack_count, reord);
            // SACK-enhanced F-RTO: an original sent before the timeout arrived.
            if (!ever_retrans && !after(skb.end_seq, sk.frto_highmark)) flag |= FLAG_ONLY_ORIG_SACKED;
            if (sacked & TCPCB_LOST) {
                sacked &= ~TCPCB_LOST;
                rec_.set(SF::lost_out, sk.lost_out - pcount);
            }
        }
        sacked |= TCPCB_SACKED_ACKED;
        flag |= FLAG_DATA_SACKED;
        rec_.set(SF::sacked_out, sk.sacked_out + pcount);
        if (fack_count + pcount > sk.fackets_out) rec_.set(SF::fackets_out, fack_count + pcount);
    }
    // A D-SACK for a retransmission still counted in flight: it arrived
    // (twice), so it no longer counts.
    if (dup_sack && (sacked & TCPCB_RETRANS)) {
        sacked &= ~TCPCB_RETRANS;
        rec_.set(SF::retrans_out, sk.retrans_out - pcount);
    }
    return sacked;
}

// skb_shift (net/core/skbuff.c, 2.6.32): moves the first shiftlen bytes of
// skb, all of them in page fragments, to the end of tgt. A first fragment
// that continues tgt's last one in the same page is merged into it (its page
// reference is dropped); the others move whole, and one cut in two leaves a
// part on each side with a page reference each. Returns the bytes moved, or
// 0, changing nothing, when tgt would need more than MAX_SKB_FRAGS
// fragments. (The kernel first unshares a cloned skb; the engine keeps no
// clones, as the device has sent its copy by the time a SACK comes back.)
// The fragment limit is the scenario's sysctl.max_skb_frags, as in tcp_sendmsg.
int64_t Engine::skb_shift(SkBuff& tgt, SkBuff& skb, int64_t shiftlen) {
    FuncScope fs(rec_, Func::skb_shift);
    const int64_t max_frags = cfg_.sysctl.max_skb_frags;
    const int64_t tgt_frags_before = tgt.nr_frags;
    std::array<Frag, model::MAX_SKB_FRAGS> to_frags = tgt.frags, from_frags = skb.frags;
    int64_t todo = shiftlen, from = 0, to = tgt.nr_frags, merge = -1;
    bool cut = false;  // a fragment cut in two: both halves hold the page
    const Frag first = skb.frags[0];
    // skb_can_coalesce: the first fragment continues tgt's last one.
    if (to > 0 && tgt.frags[to - 1].page == first.page && first.off == tgt.frags[to - 1].off + tgt.frags[to - 1].size) {
        merge = to - 1;
        todo -= first.size;
        if (todo < 0) {
            // Less than the first fragment moves: the two fragments' edge moves.
            to_frags[merge].size += static_cast<uint32_t>(shiftlen);
            from_frags[0].off += static_cast<uint32_t>(shiftlen);
            from_frags[0].size -= static_cast<uint32_t>(shiftlen);
            from = -1;  // nothing leaves skb's fragment array
        } else {
            ++from;
        }
    }
    if (from >= 0) {
        // The whole skb would not fit: not worth starting.
        if (shiftlen == skb.len && skb.nr_frags - from > max_frags - to) return 0;
        while (todo > 0 && from < skb.nr_frags) {
            if (to == max_frags) return 0;
            Frag& f = from_frags[from];
            if (todo >= f.size) {
                to_frags[to++] = f;
                todo -= f.size;
                ++from;
            } else {
                to_frags[to++] = Frag{f.page, f.off, static_cast<uint32_t>(todo)};
                f.off += static_cast<uint32_t>(todo);
                f.size -= static_cast<uint32_t>(todo);
                todo = 0;
                cut = true;
                break;
            }
        }
        if (merge >= 0) to_frags[merge].size += first.size;
    }
    // Commit: tgt's fragments, then skb's remaining ones moved to the front.
    for (int64_t k = 0; k < to; ++k) rec_.skb_frag(tgt, static_cast<uint32_t>(k), to_frags[k]);
    rec_.skb_set(tgt, KF::nr_frags, to);
    if (cut) get_page(*st().page(from_frags[from].page));
    if (from < 0) {
        rec_.skb_frag(skb, 0, from_frags[0]);
    } else {
        if (merge >= 0) put_page(first.page);
        const int64_t left = skb.nr_frags - from;
        for (int64_t k = 0; k < skb.nr_frags; ++k)
            rec_.skb_frag(skb, static_cast<uint32_t>(k), k < left ? from_frags[from + k] : Frag{});
        rec_.skb_set(skb, KF::nr_frags, left);
    }
    // Both go out with the device's checksum from now on.
    rec_.skb_set(tgt, KF::ip_summed, CHECKSUM_PARTIAL);
    rec_.skb_set(skb, KF::ip_summed, CHECKSUM_PARTIAL);
    rec_.skb_set(skb, KF::len, skb.len - shiftlen);
    rec_.skb_set(skb, KF::data_len, skb.data_len - shiftlen);
    rec_.skb_set(skb, KF::truesize, skb.truesize - shiftlen);
    rec_.skb_set(tgt, KF::len, tgt.len + shiftlen);
    rec_.skb_set(tgt, KF::data_len, tgt.data_len + shiftlen);
    rec_.skb_set(tgt, KF::truesize, tgt.truesize + shiftlen);
    rec_.arg(Arg::skb, skb.id);
    rec_.arg(Arg::target, tgt.id);
    rec_.arg(Arg::len, shiftlen);
    rec_.arg(Arg::old, tgt_frags_before);
    rec_.arg(Arg::value, tgt.nr_frags);
    SP_EMIT(rec_, skb_shift);
    return shiftlen;
}

// tcp_shifted_skb: skb_shift moved `shifted` bytes, pcount segments of mss,
// from skb into prev. The sequence edge between them moves, the segment
// counts follow, and the moved segments are scored as SACKed
// (tcp_sacktag_one; the tags it returns are for segments no longer in skb,
// so they are dropped). Returns true when nothing was left of skb: it is
// unlinked and freed (what remains of its truesize is the struct's own).
bool Engine::tcp_shifted_skb(SkBuff& prev, SkBuff& skb, int64_t pcount, int64_t shifted, int64_t mss, bool dup_sack,
                             int64_t fack_count, int64_t& reord, int& flag) {
    FuncScope fs(rec_, Func::tcp_shifted_skb);
    auto& sk = st().sk;
    const int64_t old_sacked_out = sk.sacked_out;
    rec_.skb_set(prev, KF::end_seq, seq_add(prev.end_seq, shifted));
    rec_.skb_set(skb, KF::seq, seq_add(skb.seq, shifted));
    rec_.skb_set(prev, KF::gso_segs, tcp_skb_pcount(prev) + pcount);
    rec_.skb_set(skb, KF::gso_segs, skb.gso_segs - pcount);
    // A one-segment skb had no gso_size; now that it has several it needs one.
    if (!prev.gso_size) rec_.skb_set(prev, KF::gso_size, mss);
    if (skb.gso_segs <= 1) rec_.skb_set(skb, KF::gso_size, 0);
    tcp_sacktag_one(skb, dup_sack, fack_count, reord, flag, pcount);
    // Whether it was ever resent travels with the data (both go with one ACK).
    rec_.skb_set(prev, KF::sacked, prev.sacked | (skb.sacked & TCPCB_EVER_RETRANS));
    rec_.arg(Arg::skb, skb.id);
    rec_.arg(Arg::target, prev.id);
    rec_.arg(Arg::len, shifted);
    rec_.arg(Arg::segs, pcount);
    rec_.arg(Arg::old, old_sacked_out);
    rec_.arg(Arg::value, sk.sacked_out);
    SP_EMIT(rec_, sack_shift);
    if (skb.len > 0) return false;
    // Nothing left of skb. (2.6.32 ORs prev's TCP flags into the skb it is
    // about to free, which changes nothing; tcp_shift_skb_data keeps a FIN
    // out of here, see there.)
    const uint32_t id = skb.id;
    if (sk.highest_sack == id) rec_.set(SF::highest_sack, next_skb_after(id));
    rec_.skb_unlink(skb);
    rec_.arg(Arg::skb, id);
    rec_.arg(Arg::target, prev.id);
    rec_.arg(Arg::size, skb.truesize);
    sk_wmem_free_skb(skb);
    SP_EMIT(rec_, sack_merge);
    return true;
}

// tcp_skb_seglen: the size of the skb's segments (its length when it is one).
static int64_t tcp_skb_seglen(const SkBuff& skb) { return tcp_skb_pcount(skb) == 1 ? skb.len : skb.gso_size; }

// skb_can_shift: all its bytes in page fragments (a linear part cannot move).
static bool skb_can_shift(const SkBuff& skb) { return skb.headlen() == 0 && skb.data_len > 0; }

// tcp_shift_skb_data (2.6.29 and later; 2.6.32): before the skb at write
// queue index i is tagged by the block [start_seq, end_seq), its SACKed
// whole segments move into the skb before it when that one is SACKed and
// nothing else (only with GSO, only segments of the same size, and only
// from an skb wholly in page fragments), so a SACKed run becomes one skb.
// When the skb is eaten whole, the skb after it, if SACKed, follows too:
// a retransmission that fills a hole joins the runs on both sides.
// fallback: tag it as usual (tcp_match_skb_to_sack); noop: the block does
// not cover a whole segment of it; shifted: the walk goes on after prev.
Engine::Shift Engine::tcp_shift_skb_data(std::size_t i, int64_t start_seq, int64_t end_seq, bool dup_sack,
                                         int64_t& fack_count, int64_t& reord, int& flag) {
    FuncScope fs(rec_, Func::tcp_shift_skb_data);
    auto& sk = st().sk;
    auto& q = st().write_queue;
    SkBuff& skb = *st().skb(q[i]);
    if (!sk_can_gso()) return Shift::fallback;
    // Retransmitted and not lost (S|R would not come of it) unless a D-SACK.
    if (!dup_sack && (skb.sacked & (TCPCB_LOST | TCPCB_RETRANS)) == TCPCB_RETRANS) return Shift::fallback;
    if (!skb_can_shift(skb)) return Shift::fallback;
    if (!after(skb.end_seq, sk.snd_una)) return Shift::fallback;  // about to be freed
    if (i == 0) return Shift::fallback;
    SkBuff& prev = *st().skb(q[i - 1]);
    if ((prev.sacked & TCPCB_TAGBITS) != TCPCB_SACKED_ACKED) return Shift::fallback;

    int64_t len, pcount, mss;
    if (!after(start_seq, skb.seq) && !before(end_seq, skb.end_seq)) {
        // The block covers all of it.
        len = skb.len;
        pcount = tcp_skb_pcount(skb);
        mss = tcp_skb_seglen(skb);
        if (mss != tcp_skb_seglen(prev)) return Shift::fallback;
    } else {
        if (!after(skb.end_seq, start_seq)) return Shift::noop;
        if (tcp_skb_pcount(skb) <= 1) return Shift::noop;
        // Only a head the block covers can move (to the skb before).
        if (after(start_seq, skb.seq)) return Shift::fallback;
        len = seq_diff(end_seq, skb.seq);
        mss = skb.gso_size;
        if (mss != tcp_skb_seglen(prev)) return Shift::fallback;
        if (len < mss) return Shift::noop;
        pcount = len / mss;  // whole segments only
        len = pcount * mss;
    }
    // A FIN eaten with the last bytes: 2.6.32 loses its sequence number from
    // the queue (the flags go to the freed skb; later kernels carry the FIN
    // over to prev), which the engine's queue cannot hold: the engine tags
    // that skb instead, as if the shift had not been possible.
    if (len == skb.len && (skb.tcp_flags & TCPHDR_FIN)) return Shift::fallback;
    if (!skb_shift(prev, skb, len)) return Shift::fallback;
    if (tcp_shifted_skb(prev, skb, pcount, len, mss, dup_sack, fack_count, reord, flag)) {
        // skb is gone; the one now after prev may join too.
        if (i < q.size()) {
            SkBuff& next = *st().skb(q[i]);
            const int64_t next_len = next.len;
            if (skb_can_shift(next) && next.id != sk.sk_send_head &&
                (next.sacked & TCPCB_TAGBITS) == TCPCB_SACKED_ACKED && mss == tcp_skb_seglen(next) &&
                !(next.tcp_flags & TCPHDR_FIN) && skb_shift(prev, next, next_len)) {
                const int64_t next_pcount = tcp_skb_pcount(next);
                pcount += next_pcount;
                tcp_shifted_skb(prev, next, next_pcount, next_len, mss, false, fack_count, reord, flag);
            }
        }
    }
    fack_count += pcount;
    return Shift::shifted;
}

// tcp_mark_lost_retrans (FACK, in Recovery): a retransmission sent when
// snd_nxt was below what the peer now SACKs should have arrived before that
// data; it did not, so it was lost as well and is marked lost again.
void Engine::tcp_mark_lost_retrans() {
    auto& sk = st().sk;
    const int64_t received_upto = tcp_highest_sack_seq();
    if (!tcp_is_fack() || !sk.retrans_out || !after(received_upto, sk.lost_retrans_low) ||
        sk.ca_state != TCP_CA_Recovery)
        return;
    int64_t new_low_seq = sk.snd_nxt;
    int64_t cnt = 0;
    for (std::size_t i = 0; i < st().write_queue.size(); ++i) {
        const uint32_t id = st().write_queue[i];
        if (id == sk.sk_send_head || cnt == sk.retrans_out) break;
        SkBuff& skb = *st().skb(id);
        if (!after(skb.end_seq, sk.snd_una) || !(skb.sacked & TCPCB_RETRANS)) continue;
        const int64_t pcount = tcp_skb_pcount(skb);
        if (after(received_upto, skb.ack_seq)) {
            rec_.skb_set(skb, KF::sacked, skb.sacked & ~TCPCB_RETRANS);
            rec_.set(SF::retrans_out, sk.retrans_out - pcount);
            // tcp_skb_mark_lost_uncond_verify
            if (!(skb.sacked & (TCPCB_LOST | TCPCB_SACKED_ACKED))) {
                rec_.skb_set(skb, KF::sacked, skb.sacked | TCPCB_LOST);
                rec_.set(SF::lost_out, sk.lost_out + pcount);
            }
            rec_.arg(Arg::skb, skb.id);
            rec_.arg(Arg::seq, skb.seq);
            rec_.arg(Arg::ack, skb.ack_seq);
            rec_.arg(Arg::value, sk.lost_out);
            SP_EMIT(rec_, lost_retrans);
        } else {
            if (before(skb.ack_seq, new_low_seq)) new_low_seq = skb.ack_seq;
            cnt += pcount;
        }
    }
    if (sk.retrans_out && sk.lost_retrans_low != new_low_seq) {
        rec_.set(SF::lost_retrans_low, new_low_seq);
        rec_.arg(Arg::seq, new_low_seq);
        SP_EMIT(rec_, lost_retrans);
    }
}

// tcp_update_reordering: the path reorders by `metric` segments; with SACK
// that also ends FACK for this connection (tcp_disable_fack).
void Engine::tcp_update_reordering(int64_t metric) {
    auto& sk = st().sk;
    if (metric <= sk.reordering) return;
    rec_.arg(Arg::old, sk.reordering);
    rec_.set(SF::reordering, std::min(metric, TCP_MAX_REORDERING));
    if (sk.sack_ok & TCP_FACK_ENABLED) rec_.set(SF::sack_ok, sk.sack_ok & ~TCP_FACK_ENABLED);
    rec_.arg(Arg::value, sk.reordering);
    SP_EMIT(rec_, reordering);
}

int Engine::tcp_sacktag_write_queue(int64_t ack, int64_t prior_snd_una,
                                    const std::vector<std::pair<uint32_t, uint32_t>>& blocks) {
    FuncScope fs(rec_, Func::tcp_sacktag_write_queue);
    auto& sk = st().sk;
    int flag = 0;
    int64_t reord = sk.packets_out;

    // Nothing SACKed yet: the highest SACK starts again from the head.
    if (!sk.sacked_out) {
        if (sk.fackets_out) rec_.set(SF::fackets_out, 0);
        if (!st().write_queue.empty() && sk.highest_sack != st().write_queue.front())
            rec_.set(SF::highest_sack, st().write_queue.front());
    }
    rec_.arg(Arg::segs, static_cast<int64_t>(blocks.size()));
    rec_.arg(Arg::ack, ack);
    SP_EMIT(rec_, sack_blocks);

    const bool found_dup_sack = tcp_check_dsack(ack, prior_snd_una, blocks);
    if (found_dup_sack) flag |= FLAG_DSACKING_ACK;
    // An ACK far older than snd_una (more than a window) brings nothing usable.
    if (before(ack, seq_add(prior_snd_una, -sk.max_window))) return 0;
    if (!sk.packets_out) return flag;

    auto discard = [&](int64_t s, int64_t e, int64_t reason) {
        rec_.arg(Arg::seq, s);
        rec_.arg(Arg::end_seq, e);
        rec_.arg(Arg::reason, reason);
        SP_EMIT(rec_, sack_discard);
    };
    struct Block {
        int64_t start, end;
        bool dup;
    };
    std::vector<Block> sp;
    bool first_kept = true;  // first_sack_index: the D-SACK block survived validation
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const bool dup_sack = i == 0 && found_dup_sack;
        const int64_t s = blocks[i].first, e = blocks[i].second;
        int64_t reason = 0;
        if (!tcp_is_sackblock_valid(dup_sack, s, e, reason)) {
            // A plain block below snd_una on an ACK that is itself behind
            // (ACKs reordered) is skipped without counting it as discarded.
            if (!dup_sack && ack != sk.snd_una && !after(e, sk.snd_una)) {
                discard(s, e, 6);
                continue;
            }
            if (i == 0) first_kept = false;
            discard(s, e, reason);
            continue;
        }
        // Wholly below what was ACKed before this ACK: nothing to learn.
        if (!after(e, prior_snd_una)) {
            discard(s, e, 6);
            continue;
        }
        sp.push_back({s, e, dup_sack});
    }
    // The blocks in sequence order, so one walk of the queue serves them all.
    std::stable_sort(sp.begin(), sp.end(), [](const Block& a, const Block& b) { return before(a.start, b.start); });
    if (!first_kept)
        for (Block& b : sp) b.dup = false;

    // The walk's place: index i of the write queue, and fack_count, the
    // segments of the skbs before it.
    int64_t fack_count = 0;
    std::size_t i = 0;
    auto& q = st().write_queue;
    // tcp_sacktag_skip: past the skbs that end at or before skip_to_seq,
    // counting their segments, looking at nothing else.
    auto sacktag_skip = [&](int64_t skip_to_seq) {
        while (i < q.size()) {
            const uint32_t id = q[i];
            if (id == sk.sk_send_head) break;
            const SkBuff& skb = *st().skb(id);
            if (after(skb.end_seq, skip_to_seq)) break;
            fack_count += tcp_skb_pcount(skb);
            ++i;
        }
    };
    // tcp_sacktag_walk: the skbs [start_seq, end_seq) touches, from i on.
    auto sacktag_walk = [&](const Block* next_dup, int64_t start_seq, int64_t end_seq, bool dup_in) {
        while (i < q.size()) {
            const uint32_t id = q[i];
            if (id == sk.sk_send_head) break;
            if (!before(st().skb(id)->seq, end_seq)) break;
            int in_sack = 0;
            bool dup_sack = dup_in;
            // The D-SACK block, when it lies inside this one, is checked on
            // the skbs they share (next_dup).
            if (next_dup && before(st().skb(id)->seq, next_dup->end)) {
                in_sack = tcp_match_skb_to_sack(*st().skb(id), next_dup->start, next_dup->end);
                if (in_sack > 0) dup_sack = true;
            }
            if (in_sack <= 0) {
                // Moved into the SACKed skb before it: the walk goes on from
                // that skb's successor, which is now at index i.
                const Shift shift = tcp_shift_skb_data(i, start_seq, end_seq, dup_sack, fack_count, reord, flag);
                if (shift == Shift::shifted) continue;
                in_sack = shift == Shift::noop ? 0 : tcp_match_skb_to_sack(*st().skb(id), start_seq, end_seq);
            }
            if (in_sack < 0) break;
            SkBuff& skb = *st().skb(id);
            if (in_sack) {
                const int64_t old_sacked = skb.sacked, old_sacked_out = sk.sacked_out;
                const int64_t old_undo_retrans = sk.undo_retrans;
                const int64_t sacked = tcp_sacktag_one(skb, dup_sack, fack_count, reord, flag, tcp_skb_pcount(skb));
                if (sacked != skb.sacked) rec_.skb_set(skb, KF::sacked, sacked);
                // tcp_advance_highest_sack: the skb after it marks the highest SACK.
                const int64_t old_highest = sk.highest_sack;
                if (!before(skb.seq, tcp_highest_sack_seq())) {
                    const int64_t next = next_skb_after(skb.id);
                    if (sk.highest_sack != next) rec_.set(SF::highest_sack, next);
                }
                if (skb.sacked != old_sacked || sk.highest_sack != old_highest || sk.undo_retrans != old_undo_retrans) {
                    rec_.arg(Arg::skb, skb.id);
                    rec_.arg(Arg::seq, skb.seq);
                    rec_.arg(Arg::end_seq, skb.end_seq);
                    rec_.arg(Arg::old, old_sacked_out);
                    rec_.arg(Arg::value, sk.sacked_out);
                    rec_.arg(Arg::segs, sk.fackets_out);
                    SP_EMIT(rec_, sack_tag);
                }
            }
            fack_count += tcp_skb_pcount(skb);
            ++i;
        }
    };
    // tcp_maybe_skipping_dsack: a D-SACK block inside this one that starts
    // before the place the walk skips to is walked on its own first.
    auto maybe_skipping_dsack = [&](const Block* next_dup, int64_t skip_to_seq) {
        if (!next_dup || !before(next_dup->start, skip_to_seq)) return;
        sacktag_skip(next_dup->start);
        sacktag_walk(nullptr, next_dup->start, next_dup->end, true);
    };
    // The walk passes over what it need not look at again: a sack_skip
    // event, which changes nothing. reason 1: the rest of the block lies in
    // a cached block; 2: the walk moved past a cached block; 3: past a cached
    // block to the highest SACK; 4: a block at or above the highest SACK, so
    // the walk starts there.
    auto emit_skip = [&](int64_t reason, int64_t s, int64_t e) {
        rec_.arg(Arg::seq, s);
        rec_.arg(Arg::end_seq, e);
        rec_.arg(Arg::reason, reason);
        rec_.arg(Arg::skb, i < q.size() ? int64_t{q[i]} : 0);
        rec_.arg(Arg::segs, fack_count);
        SP_EMIT(rec_, sack_skip);
    };
    // tcp_highest_sack: the walk goes on at the skb after the highest SACKed
    // one, with fackets_out segments before it. false: none follows it.
    auto jump_to_highest_sack = [&](int64_t reason, int64_t s, int64_t e) {
        if (sk.highest_sack == 0) return false;
        std::size_t to = i;
        for (std::size_t n = 0; n < q.size(); ++n)
            if (q[n] == static_cast<uint32_t>(sk.highest_sack)) to = n;
        const bool moved = to != i;
        i = to;
        fack_count = sk.fackets_out;
        if (moved || reason == 3) emit_skip(reason, s, e);
        return true;
    };

    // recv_sack_cache: the blocks the previous SACK ACK used, in sequence
    // order after empty (0, 0) entries. With nothing SACKed it is not used.
    struct Cached {
        int64_t start, end;
    };
    const std::array<Cached, TCP_NUM_SACKS> cache = {{
        {sk.recv_sack_cache0_start_seq, sk.recv_sack_cache0_end_seq},
        {sk.recv_sack_cache1_start_seq, sk.recv_sack_cache1_end_seq},
        {sk.recv_sack_cache2_start_seq, sk.recv_sack_cache2_end_seq},
        {sk.recv_sack_cache3_start_seq, sk.recv_sack_cache3_end_seq},
    }};
    std::size_t c = 0;  // tcp_sack_cache_ok: c < TCP_NUM_SACKS
    if (!sk.sacked_out) c = TCP_NUM_SACKS;
    else
        while (c < TCP_NUM_SACKS && !cache[c].start && !cache[c].end) ++c;

    // advance_sp: the block is done. Its end above frto_highmark means the
    // ACK also reports data sent after the F-RTO mark, so SACK-enhanced
    // F-RTO (RFC 4138, Appendix B) must not take it as originals only; the
    // blocks come in sequence order, so what an earlier block set is
    // rightly cleared here. A walk that stops (no skb after the highest
    // SACK) or a block retried against the next cached one does not pass here.
    auto advance_sp = [&](const Block& done) {
        if (after(done.end, sk.frto_highmark)) flag &= ~FLAG_ONLY_ORIG_SACKED;
    };
    for (std::size_t k = 0; k < sp.size();) {
        const Block& blk = sp[k];
        const Block* next_dup = (k + 1 < sp.size() && sp[k + 1].dup) ? &sp[k + 1] : nullptr;
        // Event "B": SACKed data above high_seq means a hole below it is lost.
        if (after(blk.end, sk.high_seq)) flag |= FLAG_DATA_LOST;
        // Cached blocks that end at or before this one starts are passed.
        while (c < TCP_NUM_SACKS && !before(blk.start, cache[c].end)) ++c;
        if (c < TCP_NUM_SACKS && !blk.dup && after(blk.end, cache[c].start)) {
            const Cached& cached = cache[c];
            // Only the part before the cached block is new: walk it.
            if (before(blk.start, cached.start)) {
                sacktag_skip(blk.start);
                sacktag_walk(next_dup, blk.start, cached.start, blk.dup);
            }
            if (!after(blk.end, cached.end)) {
                emit_skip(1, cached.start, cached.end);
                advance_sp(blk);
                ++k;
                continue;
            }
            maybe_skipping_dsack(next_dup, cached.end);
            if (tcp_highest_sack_seq() != cached.end) {
                // Past the cached block; the rest of this block is checked
                // against the next cached one.
                sacktag_skip(cached.end);
                emit_skip(2, cached.start, cached.end);
                ++c;
                continue;
            }
            // The rest starts where the highest SACK does: the walk goes there.
            if (!jump_to_highest_sack(3, cached.start, cached.end)) break;
            ++c;
        } else {
            if (!before(blk.start, tcp_highest_sack_seq()) && !jump_to_highest_sack(4, blk.start, blk.end)) break;
            sacktag_skip(blk.start);
        }
        sacktag_walk(next_dup, blk.start, blk.end, blk.dup);
        advance_sp(blk);
        ++k;
    }

    // The cache now holds this ACK's blocks, in order, after empty entries.
    std::array<Cached, TCP_NUM_SACKS> now{};
    for (std::size_t n = 0; n < sp.size(); ++n) now[TCP_NUM_SACKS - sp.size() + n] = {sp[n].start, sp[n].end};
    bool cache_changed = false;
    auto put = [&](SF f, int64_t v) {
        if (sk.at(f) == v) return;
        rec_.set(f, v);
        cache_changed = true;
    };
    put(SF::recv_sack_cache0_start_seq, now[0].start);
    put(SF::recv_sack_cache0_end_seq, now[0].end);
    put(SF::recv_sack_cache1_start_seq, now[1].start);
    put(SF::recv_sack_cache1_end_seq, now[1].end);
    put(SF::recv_sack_cache2_start_seq, now[2].start);
    put(SF::recv_sack_cache2_end_seq, now[2].end);
    put(SF::recv_sack_cache3_start_seq, now[3].start);
    put(SF::recv_sack_cache3_end_seq, now[3].end);
    if (cache_changed) {
        rec_.arg(Arg::segs, static_cast<int64_t>(sp.size()));
        SP_EMIT(rec_, sack_cache);
    }

    tcp_mark_lost_retrans();
    // Reordering seen by this ACK, unless in Loss without an undo marker or
    // below an F-RTO mark not yet passed.
    if (reord < sk.fackets_out && (sk.ca_state != TCP_CA_Loss || sk.undo_marker) &&
        (!sk.frto_highmark || after(sk.snd_una, sk.frto_highmark)))
        tcp_update_reordering(sk.fackets_out - reord);
    return flag;
}

// tcp_skb_mark_lost: one skb taken for lost, unless already lost or SACKed.
void Engine::tcp_skb_mark_lost(SkBuff& skb) {
    auto& sk = st().sk;
    if (skb.sacked & (TCPCB_LOST | TCPCB_SACKED_ACKED)) return;
    rec_.skb_set(skb, KF::sacked, skb.sacked | TCPCB_LOST);
    rec_.set(SF::lost_out, sk.lost_out + tcp_skb_pcount(skb));
    rec_.arg(Arg::skb, skb.id);
    rec_.arg(Arg::seq, skb.seq);
    rec_.arg(Arg::value, sk.lost_out);
    SP_EMIT(rec_, mark_lost);
}

// tcp_skb_timedout: sent more than an RTO ago (in jiffies, as the kernel counts).
bool Engine::tcp_skb_timedout(const SkBuff& skb) const {
    return rec_.time() / 1000 - skb.when_us / 1000 > st_const().sk.icsk_rto_us / 1000;
}

// tcp_head_timedout: the head was sent more than an RTO ago.
bool Engine::tcp_head_timedout() const {
    const auto& sk = st_const().sk;
    if (!sk.packets_out || st_const().write_queue.empty()) return false;
    return tcp_skb_timedout(*st_const().skb(st_const().write_queue.front()));
}

// tcp_timeout_skbs (FACK): skbs from the head that were sent more than an RTO
// ago are lost. (2.6.32 starts from a scoreboard hint; the result is the same.)
void Engine::tcp_timeout_skbs() {
    auto& sk = st().sk;
    if (!tcp_is_fack() || !tcp_head_timedout()) return;
    for (std::size_t i = 0; i < st().write_queue.size(); ++i) {
        const uint32_t id = st().write_queue[i];
        if (id == sk.sk_send_head) break;
        SkBuff& skb = *st().skb(id);
        if (!tcp_skb_timedout(skb)) break;
        tcp_skb_mark_lost(skb);
    }
}

// tcp_check_sack_reneging: the peer SACKed data and then dropped it. The
// SACK tags are forgotten and everything is resent, as after a timeout.
bool Engine::tcp_check_sack_reneging(int flag) {
    auto& sk = st().sk;
    if (!(flag & FLAG_SACK_RENEGING)) return false;
    tcp_enter_loss(true);
    rec_.set(SF::icsk_retransmits, sk.icsk_retransmits + 1);
    rec_.arg(Arg::ack, sk.snd_una);
    rec_.arg(Arg::value, sk.icsk_retransmits);
    SP_EMIT(rec_, sack_reneging);
    tcp_retransmit_skb(*st().skb(st().write_queue.front()));
    inet_csk_reset_xmit_timer(ICSK_TIME_RETRANS, sk.icsk_rto_us);
    return true;
}

}  // namespace sendpath::engine
