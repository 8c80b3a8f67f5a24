// Timers (net/ipv4/tcp_timer.c, inet_connection_sock.h, 2.6.32.67): the one
// write timer that serves as retransmission timer and zero-window probe
// timer, retransmission with exponential backoff, loss recovery (go-back-N
// after a timeout), window probes, and the lazy memory reclaim that runs
// whenever the write timer fires.
#include <algorithm>
#include <climits>
#include <cstdint>

#include "engine/engine.hpp"

SP_EMIT_FILE("core/engine/tcp_timer.cpp")

namespace sendpath::engine {

using namespace model;
using trace::Arg;
using trace::Func;
using trace::FuncScope;

namespace {
constexpr int64_t TCP_RESOURCE_PROBE_US = 500'000;
constexpr int64_t TCP_RETRIES2 = 15;
}  // namespace

void Engine::inet_csk_reset_xmit_timer(int64_t what, int64_t when_us) {
    auto& sk = st().sk;
    when_us = std::min(when_us, TCP_RTO_MAX_US);
    rec_.set(SF::icsk_pending, what);
    rec_.set(SF::icsk_timeout_us, rec_.time() + when_us);
    write_timer_at_us_ = sk.icsk_timeout_us;
    rec_.arg(Arg::value, when_us);
    if (what == ICSK_TIME_PROBE0) SP_EMIT(rec_, probe0_arm);
    else SP_EMIT(rec_, rto_arm);
}

// 2.6.32.67 only forgets which timer was pending; the kernel timer itself still
// fires later and does nothing but reclaim memory.
void Engine::inet_csk_clear_xmit_timer() {
    if (st().sk.icsk_pending == ICSK_TIME_NONE) return;
    rec_.set(SF::icsk_pending, ICSK_TIME_NONE);
    SP_EMIT(rec_, timer_clear);
}

int64_t Engine::next_timer_us() const {
    int64_t t = write_timer_at_us_ >= 0 ? write_timer_at_us_ : INT64_MAX;
    if (delack_timer_at_us_ >= 0) t = std::min(t, delack_timer_at_us_);
    if (!tx_completions_.empty()) t = std::min(t, tx_completions_.front().first);
    return t;
}

void Engine::run_timers(int64_t now) {
    rec_.set_time(now);
    auto& sk = st().sk;
    while (!tx_completions_.empty() && tx_completions_.front().first <= now) {
        FuncScope fs(rec_, Func::tcp_wfree);
        rec_.set(SF::sk_wmem_alloc, sk.sk_wmem_alloc - tx_completions_.front().second);
        tx_completions_.erase(tx_completions_.begin());
        // The device drained: tcp_wfree lifts the small-queue throttle here, on
        // its own event, and tcp_tsq_handler then pushes what autocork held.
        const bool unthrottle = (sk.sock_flags & TSQ_THROTTLED) && tx_completions_.empty();
        if (unthrottle) rec_.set(SF::sock_flags, sk.sock_flags & ~TSQ_THROTTLED);
        rec_.arg(Arg::value, sk.sk_wmem_alloc);
        SP_EMIT(rec_, tx_complete);
        if (unthrottle) tcp_push_pending_frames(tcp_current_mss(), sk.nonagle);
    }
    if (delack_timer_at_us_ >= 0 && delack_timer_at_us_ <= now) {
        delack_timer_at_us_ = -1;
        tcp_delack_timer();
    }
    if (write_timer_at_us_ < 0 || write_timer_at_us_ > now) return;
    write_timer_at_us_ = -1;
    // tcp_write_timer
    if (sk.icsk_pending != ICSK_TIME_NONE && sk.state != TCP_CLOSE) {
        if (sk.icsk_timeout_us > now) {
            write_timer_at_us_ = sk.icsk_timeout_us;
            return;
        }
        // tcp_write_timer forgets the pending timer before it dispatches; the
        // handler records that on its own first event (rto_fire, probe0_fire).
        const int64_t event = sk.icsk_pending;
        if (event == ICSK_TIME_RETRANS) tcp_retransmit_timer();
        else tcp_probe_timer();
    }
    sk_mem_reclaim();
}

// tcp_enter_loss (2.6.32): ssthresh is cut unless it was already cut for
// this window, cwnd drops to 1, and every segment in flight that the peer
// has not SACKed is marked lost; without SACK the duplicate ACKs counted are
// forgotten. After a plain timeout (how false) the SACK tags stay and the
// undo marker is set unless something had already been retransmitted; when
// the peer reneged (how true) the SACK tags are forgotten too.
void Engine::tcp_enter_loss(bool how) {
    auto& sk = st().sk;
    // The congestion control's ssthresh hook runs (and records its own
    // event) before the changes that belong to enter_loss.
    if (sk.ca_state <= TCP_CA_Disorder || sk.snd_una == sk.high_seq ||
        (sk.ca_state == TCP_CA_Loss && !sk.icsk_retransmits)) {
        const int64_t prior_ssthresh = tcp_current_ssthresh();
        const int64_t ssthresh = tcp_ca_ssthresh(sk.snd_cwnd);
        rec_.set(SF::prior_ssthresh, prior_ssthresh);
        rec_.set(SF::snd_ssthresh, ssthresh);
    }
    rec_.set(SF::snd_cwnd, 1);
    rec_.set(SF::snd_cwnd_cnt, 0);
    if (!sk.sack_ok || how) rec_.set(SF::sacked_out, 0);
    if (how) rec_.set(SF::fackets_out, 0);
    rec_.set(SF::undo_retrans, 0);  // tcp_clear_retrans_partial
    int64_t undo_marker = how ? 0 : sk.snd_una;
    int64_t lost = 0;
    for (uint32_t id : st().write_queue) {
        if (id == sk.sk_send_head) break;
        SkBuff& skb = *st().skb(id);
        if (skb.sacked & (TCPCB_RETRANS | TCPCB_EVER_RETRANS)) undo_marker = 0;
        int64_t sacked = skb.sacked & ~(TCPCB_TAGBITS & ~TCPCB_SACKED_ACKED);
        if (!(sacked & TCPCB_SACKED_ACKED) || how) {
            sacked = (sacked & ~TCPCB_SACKED_ACKED) | TCPCB_LOST;
            lost += tcp_skb_pcount(skb);
        }
        if (sacked != skb.sacked) rec_.skb_set(skb, KF::sacked, sacked);
    }
    rec_.set(SF::undo_marker, undo_marker);
    rec_.set(SF::lost_out, lost);
    rec_.set(SF::retrans_out, 0);
    rec_.set(SF::reordering, std::min(sk.reordering, TCP_REORDERING));
    rec_.set(SF::ca_state, TCP_CA_Loss);
    rec_.set(SF::high_seq, sk.snd_nxt);
    if (sk.frto_counter) rec_.set(SF::frto_counter, 0);  // an F-RTO under way is abandoned
    rec_.arg(Arg::cwnd, sk.snd_cwnd);
    rec_.arg(Arg::ssthresh, sk.snd_ssthresh);
    SP_EMIT(rec_, enter_loss);
    // tcp_set_ca_state(Loss) calls the set_state hook (CUBIC resets). The
    // kernel calls it just before ca_state changes; nothing it touches is
    // read by the rest of tcp_enter_loss, so it follows as its own event.
    tcp_ca_set_state(TCP_CA_Loss);
}

void Engine::tcp_retransmit_timer() {
    FuncScope fs(rec_, Func::tcp_retransmit_timer);
    auto& sk = st().sk;
    rec_.set(SF::icsk_pending, ICSK_TIME_NONE);
    rec_.arg(Arg::value, sk.icsk_rto_us);
    SP_EMIT(rec_, rto_fire);
    if (!sk.packets_out || st().write_queue.empty()) return;

    if (sk.icsk_retransmits >= TCP_RETRIES2) {
        // tcp_write_timeout: give up.
        rec_.set(SF::sk_err, ETIMEDOUT_);
        rec_.set(SF::state, TCP_CLOSE);
        rec_.set(SF::sk_shutdown, RCV_SHUTDOWN | SEND_SHUTDOWN);
        rec_.arg(Arg::err, -ETIMEDOUT_);
        SP_EMIT(rec_, reset);
        wake();
        return;
    }
    // F-RTO (net.ipv4.tcp_frto) waits for ACKs before taking the timeout
    // as a loss; otherwise Loss at once.
    if (tcp_use_frto()) tcp_enter_frto();
    else tcp_enter_loss(false);
    SkBuff& head = *st().skb(st().write_queue.front());
    if (tcp_retransmit_skb(head) > 0) {
        inet_csk_reset_xmit_timer(ICSK_TIME_RETRANS, std::min(sk.icsk_rto_us, TCP_RESOURCE_PROBE_US));
        return;
    }
    rec_.set(SF::icsk_backoff, sk.icsk_backoff + 1);
    rec_.set(SF::icsk_retransmits, sk.icsk_retransmits + 1);
    rec_.set(SF::icsk_rto_us, std::min(sk.icsk_rto_us << 1, TCP_RTO_MAX_US));
    inet_csk_reset_xmit_timer(ICSK_TIME_RETRANS, sk.icsk_rto_us);
}

int Engine::tcp_retransmit_skb(SkBuff& skb) {
    FuncScope fs(rec_, Func::tcp_retransmit_skb);
    auto& sk = st().sk;
    if (before(skb.seq, sk.snd_una)) tcp_trim_head(skb, seq_diff(sk.snd_una, skb.seq));
    const int64_t cur_mss = tcp_current_mss();
    // tcp_retransmit_skb: an skb that starts at or past the window's right edge is not resent, unless at snd_una.
    if (!before(skb.seq, seq_add(sk.snd_una, sk.snd_wnd)) && skb.seq != sk.snd_una) return -1;
    if (skb.len > cur_mss) {
        if (!tcp_fragment(skb, cur_mss, cur_mss)) return 1;  // -ENOMEM
    }
    if (skb.gso_segs == 0) tcp_set_skb_tso_segs(skb, cur_mss);
    // Stamped, then handed to tcp_transmit_skb; only once it went out is
    // the skb marked as retransmitted and counted in retrans_out.
    rec_.skb_set(skb, KF::when_us, rec_.time());
    rec_.arg(Arg::skb, skb.id);
    rec_.arg(Arg::seq, skb.seq);
    rec_.arg(Arg::end_seq, skb.end_seq);
    SP_EMIT(rec_, retransmit);
    if (tcp_transmit_skb(skb) != 0) return 1;
    // The first retransmission in flight notes snd_nxt (lost_retrans_low),
    // and each keeps the snd_nxt it was sent at: a SACK above it later
    // shows it lost (tcp_mark_lost_retrans).
    if (!sk.retrans_out) rec_.set(SF::lost_retrans_low, sk.snd_nxt);
    rec_.skb_set(skb, KF::sacked, skb.sacked | TCPCB_RETRANS | TCPCB_EVER_RETRANS);
    rec_.set(SF::retrans_out, sk.retrans_out + skb.gso_segs);
    // The first retransmission of an episode stamps retrans_stamp (its send
    // time in jiffies), which a timestamp echo is held against for an undo;
    // each one counts in undo_retrans until a D-SACK shows it needless.
    if (!sk.retrans_stamp) rec_.set(SF::retrans_stamp, skb.when_us / 1000);
    rec_.set(SF::undo_retrans, sk.undo_retrans + 1);
    rec_.skb_set(skb, KF::ack_seq, sk.snd_nxt);
    rec_.arg(Arg::skb, skb.id);
    rec_.arg(Arg::value, sk.retrans_out);
    SP_EMIT(rec_, retrans_marked);
    return 0;
}

// tcp_xmit_retransmit_queue: resend the skbs marked lost, from the head, as
// far as cwnd allows, up to the highest lost one (retransmit_high, computed
// here from the LOST tags rather than kept as a field); an skb SACKed or with
// a retransmission in flight is skipped. Past it, in Recovery with SACK and
// when no new data may go (tcp_can_forward_retransmit), the skbs not yet
// resent from the first hole up to the highest SACK are resent as well
// (forward retransmission).
void Engine::tcp_xmit_retransmit_queue() {
    FuncScope fs(rec_, Func::tcp_xmit_retransmit_queue);
    auto& sk = st().sk;
    if (!sk.packets_out) return;
    int64_t retransmit_high = sk.snd_una;
    for (uint32_t id : st().write_queue) {
        if (id == sk.sk_send_head) break;
        const SkBuff& skb = *st().skb(id);
        if (skb.sacked & TCPCB_LOST) retransmit_high = skb.end_seq;
    }
    // The first skb neither lost, SACKed nor resent (its queue position; kNoHole: none yet).
    constexpr std::size_t kNoHole = SIZE_MAX;
    std::size_t hole = kNoHole;
    bool fwd_rexmitting = false;
    for (std::size_t i = 0; i < st().write_queue.size(); ++i) {
        uint32_t id = st().write_queue[i];
        if (id == sk.sk_send_head) break;
        if (packets_in_flight() >= sk.snd_cwnd) return;
        if (!fwd_rexmitting && !before(st().skb(id)->seq, retransmit_high)) {
            const bool can_forward = sk.ca_state == TCP_CA_Recovery && sk.sack_ok && !tcp_may_send_now();
            if (!can_forward) break;
            if (hole != kNoHole) {
                i = hole;
                id = st().write_queue[i];
                hole = kNoHole;
            }
            fwd_rexmitting = true;
        }
        SkBuff& skb = *st().skb(id);
        if (fwd_rexmitting) {
            if (!before(skb.seq, tcp_highest_sack_seq())) break;
        } else if (!(skb.sacked & TCPCB_LOST)) {
            if (hole == kNoHole && !(skb.sacked & (TCPCB_RETRANS | TCPCB_SACKED_ACKED))) hole = i;
            continue;
        }
        if (skb.sacked & (TCPCB_SACKED_ACKED | TCPCB_RETRANS)) continue;
        if (tcp_retransmit_skb(skb) != 0) return;
        if (skb.id == st().write_queue.front()) inet_csk_reset_xmit_timer(ICSK_TIME_RETRANS, sk.icsk_rto_us);
    }
}

void Engine::tcp_check_probe_timer() {
    auto& sk = st().sk;
    if (!sk.packets_out && !sk.icsk_pending) inet_csk_reset_xmit_timer(ICSK_TIME_PROBE0, sk.icsk_rto_us);
}

void Engine::tcp_probe_timer() {
    FuncScope fs(rec_, Func::tcp_probe_timer);
    auto& sk = st().sk;
    rec_.set(SF::icsk_pending, ICSK_TIME_NONE);
    SP_EMIT(rec_, probe0_fire);
    if (sk.packets_out || sk.sk_send_head == 0) {
        rec_.set(SF::icsk_backoff, 0);
        return;
    }
    // tcp_send_probe0
    const int err = tcp_write_wakeup();
    if (sk.packets_out || sk.sk_send_head == 0) {
        rec_.set(SF::icsk_backoff, 0);
        return;
    }
    if (err <= 0) {
        if (sk.icsk_backoff < TCP_RETRIES2) rec_.set(SF::icsk_backoff, sk.icsk_backoff + 1);
        inet_csk_reset_xmit_timer(ICSK_TIME_PROBE0, std::min(sk.icsk_rto_us << sk.icsk_backoff, TCP_RTO_MAX_US));
    } else {
        inet_csk_reset_xmit_timer(
            ICSK_TIME_PROBE0,
            std::min(std::min(sk.icsk_rto_us << sk.icsk_backoff, TCP_RTO_MAX_US), TCP_RESOURCE_PROBE_US));
    }
}

// A window probe: new data if any fits the window, else an old byte's ACK.
int Engine::tcp_write_wakeup() {
    FuncScope fs(rec_, Func::tcp_write_wakeup);
    auto& sk = st().sk;
    if (sk.state == TCP_CLOSE) return -1;
    const int64_t wnd_end = seq_add(sk.snd_una, sk.snd_wnd);
    if (sk.sk_send_head != 0 && before(st().skb(static_cast<uint32_t>(sk.sk_send_head))->seq, wnd_end)) {
        SkBuff& skb = *st().skb(static_cast<uint32_t>(sk.sk_send_head));
        const int64_t mss = tcp_current_mss();
        int64_t seg_size = seq_diff(wnd_end, skb.seq);
        rec_.skb_set(skb, KF::tcp_flags, skb.tcp_flags | TCPHDR_PSH);
        if (seg_size < skb.len || skb.len > mss) {
            seg_size = std::min(seg_size, mss);
            rec_.arg(Arg::skb, skb.id);
            rec_.arg(Arg::len, skb.len);
            rec_.arg(Arg::limit, seg_size);
            SP_EMIT(rec_, split_point);
            if (!tcp_fragment(skb, seg_size, mss)) return -1;
        } else if (!skb.gso_segs) {
            tcp_set_skb_tso_segs(skb, mss);
        }
        rec_.skb_set(skb, KF::when_us, rec_.time());
        rec_.arg(Arg::skb, skb.id);
        rec_.arg(Arg::len, skb.len);
        SP_EMIT(rec_, probe_send);
        const int err = tcp_transmit_skb(skb);
        if (!err) tcp_event_new_data_sent(skb);
        return err;
    }
    tcp_send_bare(seq_add(sk.snd_una, -1), TCPHDR_ACK);
    rec_.arg(Arg::seq, seq_add(sk.snd_una, -1));
    SP_EMIT(rec_, send_ack);
    return 0;
}

// tcp_delack_timer (2.6.32.67): nothing to do unless the timer is still
// armed; early, it waits for its time; else the timer is spent and, if an ACK
// is still owed, tcp_send_ack sends it. Under memory pressure it also returns
// memory to the pool. (The ato back-off it applies concerns received data.)
void Engine::tcp_delack_timer() {
    FuncScope fs(rec_, Func::tcp_delack_timer);
    auto& sk = st().sk;
    if (sk.state != TCP_CLOSE && (sk.icsk_ack_pending & ICSK_ACK_TIMER)) {
        if (sk.icsk_ack_timeout_us > rec_.time()) {
            delack_timer_at_us_ = sk.icsk_ack_timeout_us;
            return;
        }
        const bool owed = sk.icsk_ack_pending & ICSK_ACK_SCHED;
        rec_.set(SF::icsk_ack_pending, sk.icsk_ack_pending & ~ICSK_ACK_TIMER);
        rec_.arg(Arg::value, owed ? 1 : 0);
        SP_EMIT(rec_, delack_fire);
        if (owed) tcp_send_ack();
    }
    if (sk.tcp_memory_pressure) sk_mem_reclaim();
}

}  // namespace sendpath::engine
