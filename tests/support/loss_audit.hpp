// Why did each retransmission timeout of a trace happen? For every rto_fire,
// the audit looks at what the wire brought back between the head segment's
// last transmission and the timer, and asks whether 2.6.32's loss detection
// (tcp_time_to_recover with FACK or duplicate ACKs, tcp_mark_lost_retrans)
// had what it needs to repair the loss without the timer. It reads only the
// frames and the socket at the timeout, not the engine's own counters of
// duplicate ACKs, so a run where the engine missed a fast retransmit it should
// have made shows up as `evidence_missed`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "trace/event.hpp"

namespace sptest {

enum class TimeoutCause {
    // SYN_SENT, or nothing in flight but a FIN or a window probe: not loss
    // recovery. Also a head whose transmission the trace holds no frame of.
    not_data,
    // Already in Loss (an earlier timeout): what it retransmitted was lost
    // too. 2.6.32 retransmits nothing in Loss from ACK evidence alone.
    loss_state,
    // No ACK came back after the head's last transmission: everything sent
    // after it, or every ACK for it, was lost.
    no_ack,
    // The head was retransmitted in Recovery and that copy was lost: with SACK,
    // nothing above the snd_nxt it was sent at has been SACKed (what
    // tcp_mark_lost_retrans needs); without SACK, NewReno has no way to see it.
    lost_retransmission,
    // Without SACK, in Recovery with snd_una at high_seq: 2.6.32 holds the
    // state until something above high_seq is ACKed (tcp_try_undo_recovery,
    // RFC 2582's guard against a false fast retransmit) and counts no
    // duplicate ACK meanwhile, so a loss at high_seq waits for the timer.
    reno_hold,
    // With FACK, the ACKs were enough to start Recovery, but fewer segments
    // are to be marked lost (fackets_out - reordering) than the head skb
    // holds, and 2.6.32's tcp_mark_head_lost does not cut an skb to the count
    // when SACK is on: it stops and marks nothing, so nothing is resent.
    head_not_split,
    // The head is marked lost but not resent: tcp_xmit_retransmit_queue
    // resends only while fewer segments are in flight than cwnd allows
    // (without SACK, in flight can exceed cwnd once Recovery ends and the
    // duplicate-ACK count is reset), and the ACKs stopped before it did.
    cwnd_held,
    // ACKs came back, but with fewer SACKed (or duplicate-ACKed) segments
    // behind the hole than tcp_time_to_recover needs (reordering, 3 at first).
    too_few_behind,
    // The wire brought what 2.6.32 needs to repair the head without the timer,
    // and the timer fired anyway: an engine bug unless explained.
    evidence_missed,
};
inline constexpr std::size_t kTimeoutCauses = 9;
const char* timeout_cause_name(TimeoutCause c);

struct TimeoutAudit {
    std::size_t event = 0;  // the rto_fire
    TimeoutCause cause = TimeoutCause::not_data;
    int64_t ca_state = 0;     // before the timer
    int64_t packets_out = 0;  // before the timer
    int64_t acks_back = 0;    // ACKs received after the head's last transmission
    int64_t behind = 0;       // SACKed segments (FACK: up to the highest) or duplicate ACKs seen behind the head
    int64_t needed = 0;       // what tcp_time_to_recover (or tcp_mark_lost_retrans) needed
};

std::vector<TimeoutAudit> audit_timeouts(const sendpath::trace::Trace& t);
// One line per cause with its count, for the benches ("no_ack 3, ...").
std::string summarize(const std::vector<TimeoutAudit>& a);

}  // namespace sptest
