// F-RTO (net/ipv4/tcp_input.c, 2.6.32.67; RFC 4138 and its SACK variant):
// after a retransmission timeout the head is resent, but instead of going
// into Loss at once (cwnd 1, everything marked lost, go-back-N), the sender
// waits for the next ACKs. If they acknowledge data that was never resent,
// the original segments were only late: the timeout was spurious and the
// window is reduced (rate halving, tcp_enter_cwr) rather than collapsed.
// If they do not, tcp_enter_frto_loss does what tcp_enter_loss would have.
//
// net.ipv4.tcp_frto (2 by default): 0 off; 1 the basic algorithm; 2 the
// SACK-enhanced one when SACK was agreed, the basic one otherwise. The
// response to a spurious timeout is net.ipv4.tcp_frto_response's default,
// 0: rate halving (the other responses are not modelled).
#include <algorithm>
#include <cstdint>

#include "engine/engine.hpp"

SP_EMIT_FILE("core/engine/tcp_frto.cpp")

namespace sendpath::engine {

using namespace model;
using trace::Arg;
using trace::Func;
using trace::FuncScope;

namespace {
// What tcp_process_frto decided (frto_ack's reason).
enum FrtoStep : int64_t {
    FRTO_HIGHMARK = 1,   // the ACK reached frto_highmark: it was a loss
    FRTO_IGNORED = 2,    // neither a duplicate nor progress (a window update): nothing
    FRTO_DUPACK = 3,     // basic F-RTO: no new data ACKed: a loss
    FRTO_HOLD = 4,       // SACK F-RTO, first step: no new data ACKed yet: cwnd held to what is in flight
    FRTO_SACK_LOSS = 5,  // SACK F-RTO, second step: no progress, or a SACK of resent data: a loss
    FRTO_NEW_DATA = 6,   // first ACK of new data: two new segments may go (frto_counter 2)
    FRTO_SPURIOUS = 7,   // second ACK of new data: the timeout was spurious
};
}  // namespace

// tcp_is_sackfrto: the SACK-enhanced variant runs when tcp_frto is 2 and SACK was agreed.
bool Engine::tcp_is_sackfrto() const { return cfg_.sysctl.tcp_frto == 2 && st_const().sk.sack_ok; }

// tcp_use_frto: F-RTO is tried unless it is off (or path MTU probing is under
// way, which the engine never does). The SACK variant always may; the basic
// one only while at most the head has been resent, since it cannot tell an
// ACK of a retransmission from one of an original: no skb after the head
// (up to the first one not SACKed) may have been resent.
bool Engine::tcp_use_frto() const {
    const auto& sk = st_const().sk;
    if (!cfg_.sysctl.tcp_frto) return false;
    if (tcp_is_sackfrto()) return true;
    if (sk.retrans_out > 1) return false;
    const auto& q = st_const().write_queue;
    if (q.size() <= 1) return true;  // the head is the last skb
    for (std::size_t i = 1; i < q.size(); ++i) {
        if (q[i] == sk.sk_send_head) break;
        const SkBuff& skb = *st_const().skb(q[i]);
        if (skb.sacked & (TCPCB_RETRANS | TCPCB_EVER_RETRANS)) return false;
        if (!(skb.sacked & TCPCB_SACKED_ACKED)) break;
    }
    return true;
}

// tcp_enter_frto: ssthresh is cut as tcp_enter_loss would (unless already cut
// in this window; during an F-RTO still under way the hook is shown cwnd 2),
// but cwnd only drops to what is in flight plus one, nothing is marked lost,
// and the state is Disorder. frto_highmark is snd_nxt (with SACK, high_seq
// when a recovery was under way): an ACK reaching it proves a loss. Only the
// head's retransmission mark is cleared, to be resent by the timer.
void Engine::tcp_enter_frto() {
    FuncScope fs(rec_, Func::tcp_enter_frto);
    auto& sk = st().sk;
    const bool cut = (!sk.frto_counter && sk.ca_state <= TCP_CA_Disorder) || sk.snd_una == sk.high_seq ||
                     ((sk.ca_state == TCP_CA_Loss || sk.frto_counter) && !sk.icsk_retransmits);
    // The hook records its own event before this function changes anything.
    const int64_t prior_ssthresh = cut ? tcp_current_ssthresh() : 0;
    const int64_t ssthresh = cut ? tcp_ca_ssthresh(sk.frto_counter ? 2 : sk.snd_cwnd) : 0;
    if (cut) {
        rec_.set(SF::prior_ssthresh, prior_ssthresh);
        rec_.set(SF::snd_ssthresh, ssthresh);
    }
    rec_.set(SF::undo_retrans, 0);
    int64_t undo_marker = sk.snd_una;
    SkBuff& head = *st().skb(st().write_queue.front());
    if (head.sacked & (TCPCB_RETRANS | TCPCB_EVER_RETRANS)) undo_marker = 0;
    rec_.set(SF::undo_marker, undo_marker);
    if (head.sacked & TCPCB_RETRANS) {
        rec_.skb_set(head, KF::sacked, head.sacked & ~TCPCB_RETRANS);
        rec_.set(SF::retrans_out, sk.retrans_out - tcp_skb_pcount(head));
    }
    // Too bad if the application left cwnd unused: no more than in flight + 1.
    rec_.set(SF::snd_cwnd, std::min(sk.snd_cwnd, packets_in_flight() + 1));
    const bool earlier_recovery = tcp_is_sackfrto() &&
                                  (sk.frto_counter || sk.ca_state == TCP_CA_Recovery || sk.ca_state == TCP_CA_Loss) &&
                                  after(sk.high_seq, sk.snd_una);
    rec_.set(SF::frto_highmark, earlier_recovery ? sk.high_seq : sk.snd_nxt);
    rec_.arg(Arg::old, sk.ca_state);
    rec_.set(SF::ca_state, TCP_CA_Disorder);
    rec_.set(SF::high_seq, sk.snd_nxt);
    rec_.set(SF::frto_counter, 1);
    rec_.arg(Arg::cwnd, sk.snd_cwnd);
    rec_.arg(Arg::ssthresh, sk.snd_ssthresh);
    rec_.arg(Arg::end_seq, sk.frto_highmark);
    rec_.arg(Arg::value, tcp_is_sackfrto() ? 2 : 1);
    SP_EMIT(rec_, enter_frto);
}

// tcp_enter_frto_loss: the timeout was real, so what tcp_enter_loss would
// have done now happens: every skb not SACKed is marked lost (the ones sent
// during F-RTO too), retransmission marks are dropped (except, when no ACK
// of new data came at all, the head's resend, still in flight), and the
// state is Loss. cwnd is what is in flight plus allowed_segments (0 to 3 by
// the step F-RTO had reached).
void Engine::tcp_enter_frto_loss(int64_t allowed_segments, int flag) {
    FuncScope fs(rec_, Func::tcp_enter_frto_loss);
    auto& sk = st().sk;
    int64_t lost = 0, retrans = 0;
    int64_t undo_marker = sk.undo_marker;
    if (!sk.sack_ok) rec_.set(SF::sacked_out, 0);  // tcp_reset_reno_sack
    for (uint32_t id : st().write_queue) {
        if (id == sk.sk_send_head) break;
        SkBuff& skb = *st().skb(id);
        int64_t sacked = skb.sacked & ~TCPCB_LOST;
        if (sk.frto_counter == 1 && !(flag & FLAG_DATA_ACKED)) {
            // The first skb only: its resend from the timer is still out.
            if (sacked & TCPCB_RETRANS) retrans += tcp_skb_pcount(skb);
            flag |= FLAG_DATA_ACKED;
        } else {
            if (sacked & (TCPCB_RETRANS | TCPCB_EVER_RETRANS)) undo_marker = 0;
            sacked &= ~TCPCB_RETRANS;
        }
        if (!(sacked & TCPCB_SACKED_ACKED)) {
            sacked |= TCPCB_LOST;
            lost += tcp_skb_pcount(skb);
        }
        if (sacked != skb.sacked) rec_.skb_set(skb, KF::sacked, sacked);
    }
    rec_.set(SF::lost_out, lost);
    rec_.set(SF::retrans_out, retrans);
    rec_.set(SF::undo_marker, undo_marker);
    rec_.set(SF::snd_cwnd, packets_in_flight() + allowed_segments);
    rec_.set(SF::snd_cwnd_cnt, 0);
    rec_.set(SF::frto_counter, 0);
    rec_.set(SF::reordering, std::min(sk.reordering, TCP_REORDERING));
    rec_.arg(Arg::old, sk.ca_state);
    rec_.set(SF::ca_state, TCP_CA_Loss);
    rec_.set(SF::high_seq, sk.snd_nxt);
    rec_.arg(Arg::value, allowed_segments);
    rec_.arg(Arg::cwnd, sk.snd_cwnd);
    SP_EMIT(rec_, frto_loss);
    tcp_ca_set_state(TCP_CA_Loss);
}

// tcp_enter_cwr (set_ssthresh 0, as the rate-halving response calls it):
// cwnd comes down to what is in flight plus one and rate halving
// (tcp_cwnd_down) runs in CWR until high_seq is passed.
void Engine::tcp_enter_cwr() {
    FuncScope fs(rec_, Func::tcp_enter_cwr);
    auto& sk = st().sk;
    // (The kernel drops prior_ssthresh before this test; F-RTO, the only
    // caller here, always finds the state below CWR.)
    if (sk.ca_state >= TCP_CA_CWR) return;
    rec_.set(SF::prior_ssthresh, 0);
    rec_.set(SF::undo_marker, 0);
    rec_.arg(Arg::old, sk.snd_cwnd);
    rec_.set(SF::snd_cwnd, std::min(sk.snd_cwnd, packets_in_flight() + 1));
    rec_.set(SF::snd_cwnd_cnt, 0);
    rec_.set(SF::high_seq, sk.snd_nxt);
    rec_.set(SF::ca_state, TCP_CA_CWR);
    rec_.arg(Arg::cwnd, sk.snd_cwnd);
    rec_.arg(Arg::ssthresh, sk.snd_ssthresh);
    SP_EMIT(rec_, enter_cwr);
}

// tcp_process_frto: called by tcp_ack for each ACK while frto_counter is set.
// Returns true when cwnd must not grow on this ACK (everything but the
// spurious-timeout verdict).
bool Engine::tcp_process_frto(int flag) {
    FuncScope fs(rec_, Func::tcp_process_frto);
    auto& sk = st().sk;
    const int64_t counter = sk.frto_counter;
    // As in Loss: an ACK of new data restarts the count of timeouts in a row.
    if ((flag & FLAG_DATA_ACKED) && sk.icsk_retransmits) rec_.set(SF::icsk_retransmits, 0);
    // A resend other than the head's was ACKed, or the head's after new data
    // went out: no undo is possible any more.
    if ((flag & FLAG_NONHEAD_RETRANS_ACKED) || (counter >= 2 && (flag & FLAG_RETRANS_DATA_ACKED)))
        rec_.set(SF::undo_marker, 0);

    int64_t step = 0;
    int64_t allowed = 0;  // for a loss: segments beyond what is in flight
    if (!before(sk.snd_una, sk.frto_highmark)) {
        step = FRTO_HIGHMARK;
        allowed = counter == 1 ? 2 : 3;
    } else if (!tcp_is_sackfrto()) {
        if (!(flag & FLAG_ANY_PROGRESS) && (flag & FLAG_NOT_DUP)) {
            step = FRTO_IGNORED;
        } else if (!(flag & FLAG_DATA_ACKED)) {
            step = FRTO_DUPACK;
            allowed = counter == 1 ? 0 : 3;
        }
    } else {
        if (!(flag & FLAG_DATA_ACKED) && counter == 1) {
            step = FRTO_HOLD;
        } else if (counter >= 2 && (!(flag & FLAG_FORWARD_PROGRESS) ||
                                    ((flag & FLAG_DATA_SACKED) && !(flag & FLAG_ONLY_ORIG_SACKED)))) {
            // Nothing new, or a SACK of something resent: a loss, unless the
            // ACK was no duplicate (a window update).
            if (!(flag & FLAG_FORWARD_PROGRESS) && (flag & FLAG_NOT_DUP)) step = FRTO_IGNORED;
            else step = FRTO_SACK_LOSS, allowed = 3;
        }
    }
    if (!step) step = counter == 1 ? FRTO_NEW_DATA : FRTO_SPURIOUS;

    switch (step) {
        case FRTO_HOLD:
            // No new data may go while the first cumulative ACK is awaited.
            rec_.set(SF::snd_cwnd, std::min(sk.snd_cwnd, packets_in_flight()));
            break;
        case FRTO_NEW_DATA:
            // Two new segments go out (Nagle is skipped for them, see
            // tcp_nagle_test); their ACKs decide.
            rec_.set(SF::snd_cwnd, packets_in_flight() + 2);
            rec_.set(SF::frto_counter, 2);
            break;
        case FRTO_SPURIOUS:
            // The response (tcp_ratehalving_spur_to_response) follows as
            // tcp_enter_cwr; F-RTO is over and nothing can be undone.
            rec_.set(SF::frto_counter, 0);
            rec_.set(SF::undo_marker, 0);
            break;
        default: break;
    }
    rec_.arg(Arg::value, counter);
    rec_.arg(Arg::reason, step);
    rec_.arg(Arg::cwnd, sk.snd_cwnd);
    SP_EMIT(rec_, frto_ack);

    switch (step) {
        case FRTO_HIGHMARK:
        case FRTO_DUPACK:
        case FRTO_SACK_LOSS: tcp_enter_frto_loss(allowed, flag); return true;
        case FRTO_NEW_DATA:
            // With nothing that may be sent, the test cannot be made: a loss.
            if (!tcp_may_send_now()) tcp_enter_frto_loss(2, flag);
            return true;
        case FRTO_SPURIOUS: tcp_enter_cwr(); return false;
        default: return true;
    }
}

}  // namespace sendpath::engine
