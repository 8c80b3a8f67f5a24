// Events, state changes, frames and the Trace that holds them.
//
// An event is one branch outcome of the engine. It carries the engine source
// line that took the branch, the function and call depth (for step into / over
// / out), the send() call it belongs to, its arguments, and the state changes
// it made. Replaying the changes of events 0..k gives the model state after
// event k; nothing else is needed.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "trace/send_stream.hpp"

#include <nlohmann/json.hpp>

namespace sendpath::trace {

// Every event kind: X(name, what it means). Names are the snake_case strings
// used in trace files; never renumber without bumping kFormatVersion.
#define SENDPATH_EVENT_KINDS(X)                                                                                       \
    X(socket_create, "The socket is created: options, sysctl values and initial counters.")                           \
    X(sendmsg_enter, "tcp_sendmsg is called: flags, iovec count, bytes asked for.")                                   \
    X(wait_connect, "The socket is not yet established: wait in sk_stream_wait_connect.")                             \
    X(wait_connect_done, "sk_stream_wait_connect returned (err = 0 on success).")                                     \
    X(send_mss, "tcp_send_mss computed mss_now and size_goal.")                                                       \
    X(precheck_epipe, "sk_err or SEND_SHUTDOWN is set before copying: EPIPE.")                                        \
    X(iov_next, "The loop moves to the next iovec.")                                                                  \
    X(tail_append, "The tail skb is unsent and has room: append to it (copy = max - len).")                           \
    X(new_segment, "No room in the tail skb (or none unsent): a new segment is needed.")                              \
    X(wait_for_sndbuf, "sk_wmem_queued >= sk_sndbuf: the send buffer is full, wait.")                                 \
    X(skb_alloc_fail, "sk_stream_alloc_skb returned NULL: wait for memory.")                                          \
    X(skb_entail, "A new skb is allocated, charged and appended to the write queue.")                                 \
    X(copy_linear, "Bytes copied into the skb's linear tailroom.")                                                    \
    X(copy_linear_fault, "The user copy into the linear area faulted (EFAULT).")                                      \
    X(page_merge, "The cached page continues the last fragment: the copy extends it.")                                \
    X(frags_full, "MAX_SKB_FRAGS reached, or no scatter-gather: mark PSH, start a new segment.")                      \
    X(page_release, "The cached page is full: the socket drops its reference.")                                       \
    X(page_none, "No cached page: a new one will be allocated, offset 0.")                                            \
    X(wmem_sched_fail, "sk_wmem_schedule refused the copy: wait for memory.")                                         \
    X(page_alloc, "A new page is allocated for fragments.")                                                           \
    X(page_alloc_fail, "Page allocation failed: memory pressure, wait for memory.")                                   \
    X(page_new_frag, "Bytes copied to the page as a new fragment of the skb.")                                        \
    X(copy_page_fault, "The user copy into the page faulted (EFAULT): do_error.")                                     \
    X(psh_clear, "First bytes of this call: PSH is cleared on the skb.")                                              \
    X(advance, "write_seq and end_seq advance by the bytes copied.")                                                  \
    X(last_chunk, "The last byte of the last iovec is copied: go to out.")                                            \
    X(continue_fill, "The skb is not full (or MSG_OOB): keep filling it.")                                            \
    X(forced_push, "write_seq is more than max_window/2 past pushed_seq: push now.")                                  \
    X(mark_push, "tcp_mark_push sets PSH on an skb and pushed_seq = write_seq.")                                      \
    X(push_one, "The full skb is the send head: tcp_push_one sends it.")                                              \
    X(push_pending, "tcp_push_pending_frames: try to send everything queued.")                                        \
    X(full_queued, "The skb is full but unsent skbs are ahead of it: leave it queued.")                               \
    X(wait_for_memory, "Wait in sk_stream_wait_memory (pushing what was copied first).")                              \
    X(wait_end, "sk_stream_wait_memory returned (err = 0, or EPIPE, EAGAIN, EINTR ...).")                             \
    X(do_fault, "do_fault: an empty skb left by a fault is unlinked and freed.")                                      \
    X(fault_unlink, "The empty skb is removed from the write queue and freed.")                                       \
    X(do_error, "do_error: if bytes were copied, return them; else return the error.")                                \
    X(return_partial, "An error came after some bytes were queued: return the byte count.")                           \
    X(out_push, "out: bytes were copied, tcp_push with the call's flags.")                                            \
    X(out_err, "out_err: sk_stream_error maps the error; SIGPIPE for EPIPE without MSG_NOSIGNAL.")                    \
    X(sendmsg_exit, "tcp_sendmsg returns (ret = bytes or negative errno).")                                           \
    X(tcp_push, "tcp_push: mark PSH unless MSG_MORE, then push pending frames.")                                      \
    X(write_xmit, "tcp_write_xmit looks at the send head.")                                                           \
    X(nagle_defer, "Nagle (or cork) holds a small segment back.")                                                     \
    X(cwnd_limited, "The congestion window is full: stop sending.")                                                   \
    X(rwnd_limited, "The segment does not fit the peer's window: stop sending.")                                      \
    X(tso_defer, "TSO deferral: wait to send a bigger burst.")                                                        \
    X(tso_split, "tso_fragment splits the skb at the window or cwnd limit.")                                          \
    X(transmit, "tcp_transmit_skb builds the frame(s) and hands them to the device.")                                 \
    X(rto_arm, "The retransmission timer is armed.")                                                                  \
    X(probe0_arm, "The zero-window probe timer is armed.")                                                            \
    X(ack, "An ACK arrives: snd_una, window and timers are updated.")                                                 \
    X(ack_trim, "A partly acknowledged skb is trimmed at its head.")                                                  \
    X(skb_free, "A fully acknowledged skb is freed: memory and page references return.")                              \
    X(write_space, "Enough send buffer is free: the writer is woken (sk_stream_write_space).")                        \
    X(rto_fire, "The retransmission timer fires.")                                                                    \
    X(retransmit, "The head skb is sent again.")                                                                      \
    X(probe0_fire, "The zero-window probe timer fires.")                                                              \
    X(enter_loss, "Retransmission timeout: cwnd drops to 1, every segment in flight is marked lost.")                 \
    X(send_ack, "A bare ACK is sent (no skb on the write queue).")                                                    \
    X(cong_avoid, "The congestion window grows (slow start or congestion avoidance).")                                \
    X(sndbuf_grow, "tcp_new_space grows sk_sndbuf.")                                                                  \
    X(mem_pressure, "The global TCP memory pool enters or leaves pressure.")                                          \
    X(mem_reclaim, "sk_mem_reclaim returns whole pages of sk_forward_alloc to the global pool.")                      \
    X(sndbuf_moderate, "sk_stream_moderate_sndbuf shrinks sk_sndbuf under memory pressure.")                          \
    X(connect, "The engine sends a SYN (active open).")                                                               \
    X(established, "The SYN-ACK arrives: the connection is established.")                                             \
    X(reset, "An RST arrives: the connection is reset.")                                                              \
    X(fin, "A FIN is queued (shutdown or close).")                                                                    \
    X(setsockopt, "The application sets a socket option.")                                                            \
    X(shutdown, "The application calls shutdown().")                                                                  \
    X(close, "The application calls close().")                                                                        \
    X(signal, "A signal is delivered to the sending thread.")                                                         \
    X(tx_complete, "The device finished a clone: sk_wmem_alloc shrinks (TSQ_THROTTLED lifts).")                       \
    X(autocork_defer, "Autocorking: small tail while earlier data is still in the device.")                           \
    X(peer_read, "The simulated peer's application reads bytes.")                                                     \
    X(peer_drop, "A segment is dropped on the way (peer.drop, peer.drop_acks or peer.loss).")                         \
    X(frame_bad, "An incoming frame is invalid or not for us: counted and ignored.")                                  \
    X(time_advance, "The scenario lets time pass.")                                                                   \
    X(run_end, "The run ends (the trace's end_reason says why).")                                                     \
    X(cwnd_count, "Congestion avoidance counts an ACK in snd_cwnd_cnt toward the next cwnd increase.")                \
    X(rtt_sample, "An ACK times a segment sent once: srtt, rttvar and the RTO are updated.")                          \
    X(wait_sleep, "The writer sleeps, counted in sk_write_pending: for memory (SOCK_NOSPACE) or the handshake.")      \
    X(xmit_pass, "tcp_write_xmit: the skb passed the cwnd, window and Nagle tests; stamped, it is sent.")             \
    X(new_data_sent, "tcp_event_new_data_sent: sk_send_head moves on, snd_nxt and packets_out grow.")                 \
    X(minshall_update, "tcp_minshall_update: a segment under the MSS left; snd_sml marks its end.")                   \
    X(queue_shrunk, "tcp_check_space: ACKed skbs were freed; the flag is cleared, a waiting writer checked.")         \
    X(timer_clear, "The retransmission timer is no longer pending (nothing left in flight).")                         \
    X(rtx_acked, "tcp_clean_rtx_queue: what the ACK took off the queue, in segments, and what is left in flight.")    \
    X(peer_update, "The simulated peer's receive state after it took a segment, sent an ACK or read.")                \
    X(ts_recent, "tcp_replace_ts_recent: the peer's newest timestamp is kept to echo in our segments.")               \
    X(synack, "tcp_rcv_synsent_state_process: the SYN-ACK's options (MSS, window scale, timestamps) are taken.")      \
    X(async_nospace_clear, "tcp_sendmsg clears SOCK_ASYNC_NOSPACE, left by an earlier wait for memory.")              \
    X(split_fail, "tso_fragment or tcp_fragment found no memory for the second skb: -ENOMEM, nothing is split.")      \
    X(signal_return, "-ERESTARTSYS on the way to user space: send() restarts (SA_RESTART) or returns EINTR.")         \
    X(ack_held, "A writer waits in SYN_SENT: the handshake ACK is held for its data (200 ms at most).")               \
    X(delack_clear, "tcp_event_ack_sent: this segment carries the owed ACK; no delayed ACK is pending.")              \
    X(delack_fire, "tcp_delack_timer: the delayed-ACK timer expires; an owed ACK goes out bare.")                     \
    X(mem_schedule, "sk_wmem_schedule: forward_alloc is short; whole pages are asked of the pool.")                   \
    X(skb_alloc, "sk_stream_alloc_skb: a new skb, its linear room rounded up and its truesize, is allocated.")        \
    X(split_point, "The skb is longer than may go out now: it is to be cut at limit bytes.")                          \
    X(mark_urg, "tcp_mark_urg: send(MSG_OOB) puts the urgent pointer snd_up at write_seq.")                           \
    X(retrans_marked, "The resend went out: the skb is marked retransmitted, retrans_out grows.")                     \
    X(probe_send, "tcp_write_wakeup: the unsent head, PSH set and stamped, goes out as a probe.")                     \
    X(fin_acked, "Our FIN is acknowledged: FIN_WAIT1 to FIN_WAIT2, CLOSING to TIME_WAIT, LAST_ACK to CLOSE.")         \
    X(set_ca_state, "tcp_set_ca_state: the congestion state machine moves (0 Open ... 4 Loss).")                      \
    X(dupack, "tcp_add_reno_sack: without SACK, a duplicate ACK counts as one segment in sacked_out.")                \
    X(reno_sacks, "Without SACK, duplicate ACKs counted in sacked_out are taken back (new data ACKed, or reset).")    \
    X(mark_lost, "tcp_mark_head_lost: an skb at the head of the queue is marked lost; lost_out grows.")               \
    X(enter_recovery, "Enough duplicate ACKs: fast recovery begins, ssthresh is cut, high_seq = snd_nxt.")            \
    X(cwnd_down, "tcp_cwnd_down: during recovery cwnd drops by one every second ACK, to at most in_flight + 1.")      \
    X(moderate_cwnd, "tcp_moderate_cwnd: cwnd is cut to in_flight + 3 so a dubious ACK cannot release a burst.")      \
    X(complete_cwr, "tcp_complete_cwr: recovery is over; cwnd drops to ssthresh if it is above it.")                  \
    X(recovery_hold, "Without SACK, an ACK of exactly high_seq keeps the state until data above it is ACKed.")        \
    X(partial_ack, "In recovery, an ACK below high_seq (NewReno partial ACK): the next hole is lost too.")            \
    X(reordering, "tcp_update_reordering: more duplicate ACKs than segments out: the reordering metric grows.")       \
    X(loss_ack, "In Loss, an ACK of new data: icsk_retransmits, the count of timeouts in a row, starts again.")       \
    X(sack_blocks, "tcp_sacktag_write_queue: the ACK carries SACK blocks; the walk of the write queue starts.")       \
    X(sack_discard, "tcp_is_sackblock_valid: a SACK block outside what may be SACKed is ignored (see reason).")       \
    X(dsack, "tcp_check_dsack: the first SACK block reports data received twice (a D-SACK).")                         \
    X(sack_tag, "tcp_sacktag_one: the peer holds this skb; it is tagged SACKED and sacked_out grows.")                \
    X(lost_retrans, "tcp_mark_lost_retrans: a SACK above where a retransmission was sent: it was lost too.")          \
    X(sack_reneging, "The ACK stops at an skb the peer had SACKed: the peer dropped it; the timeout path runs.")      \
    X(seq_reject, "tcp_validate_incoming: the segment lies outside the receive window; dropped, answered by an ACK.") \
    X(ca_init, "tcp_init_congestion_control: the connection takes its congestion control (reno or cubic).")           \
    X(hystart_reset, "bictcp_hystart_reset: a HyStart round begins; it ends when snd_nxt of now is ACKed.")           \
    X(cubic_acked, "bictcp_acked: CUBIC notes the segments per ACK and, when usable, the ACK's RTT.")                 \
    X(hystart_update, "hystart_update: in slow start, the ACK train is timed and the round's least RTT kept.")        \
    X(hystart_exit, "hystart_update: a long ACK train or a grown RTT: slow start ends here (ssthresh = cwnd).")       \
    X(cubic_update, "bictcp_update: from the cubic curve, how many ACKs one more segment of cwnd takes (ca_cnt).")    \
    X(cubic_ssthresh, "bictcp_recalc_ssthresh: a loss: W_max is remembered and ssthresh = cwnd * 717 / 1024.")        \
    X(cubic_reset, "bictcp_state: the socket enters Loss; CUBIC forgets its epoch, W_max and minimum RTT.")           \
    X(enter_frto, "tcp_enter_frto: after a timeout, F-RTO resends the head but waits for ACKs before Loss.")          \
    X(frto_ack, "tcp_process_frto: an ACK during F-RTO, and what it decides (see reason).")                           \
    X(frto_loss, "tcp_enter_frto_loss: the timeout was real: Loss, every segment not SACKed marked lost.")            \
    X(frto_highmark, "tcp_ack: snd_una passed frto_highmark, which is cleared.")                                      \
    X(enter_cwr, "tcp_enter_cwr: cwnd is reduced without a loss (CWR); rate halving follows until high_seq.")         \
    X(undo, "tcp_try_undo_*: D-SACKs or timestamps show the reduction was needless; it is undone (see reason).")      \
    X(undo_cwr, "tcp_undo_cwr: cwnd, and for a full undo ssthresh, go back to what they were before the cut.")        \
    X(retrans_stamp, "No retransmission is in flight: retrans_stamp, the first one's time, is cleared.")              \
    X(peer_late, "A segment is held on the way (peer.late): later ones may overtake it.")                             \
    X(paws_reject, "PAWS: the segment's timestamp is older than ts_recent: an old duplicate, dropped and ACKed.")     \
    X(skb_shift, "skb_shift: page fragments move from an skb to the end of the skb before it.")                       \
    X(sack_shift, "tcp_shifted_skb: SACKed segments move into the SACKed skb before; sacked_out counts them.")        \
    X(sack_merge, "tcp_shifted_skb: every byte of the skb moved into the one before: it is unlinked and freed.")      \
    X(sack_skip, "tcp_sacktag_write_queue: the walk passes over skbs the last SACK ACK covered, or to the highest.")  \
    X(sack_cache, "tcp_sacktag_write_queue: recv_sack_cache now holds this ACK's SACK blocks, for the next ACK.")     \
    X(mem_suppress, "__sk_mem_schedule goes to suppress_allocation: sk_sndbuf is moderated, the charge may fail.")

enum class Kind : uint8_t {
#define SENDPATH_X(name, doc) name,
    SENDPATH_EVENT_KINDS(SENDPATH_X)
#undef SENDPATH_X
        count_
};
inline constexpr std::size_t kKindCount = static_cast<std::size_t>(Kind::count_);
std::string_view kind_name(Kind k);
std::string_view kind_doc(Kind k);
bool kind_by_name(std::string_view name, Kind& out);

// Engine functions, named as in the kernel.
#define SENDPATH_FUNCS(X)            \
    X(user)                          \
    X(tcp_sendmsg)                   \
    X(sk_stream_wait_connect)        \
    X(tcp_send_mss)                  \
    X(sk_stream_alloc_skb)           \
    X(skb_entail)                    \
    X(sk_wmem_schedule)              \
    X(sk_stream_wait_memory)         \
    X(sk_stream_moderate_sndbuf)     \
    X(tcp_mark_push)                 \
    X(tcp_push)                      \
    X(tcp_push_one)                  \
    X(tcp_push_pending_frames)       \
    X(tcp_write_xmit)                \
    X(tso_fragment)                  \
    X(tcp_transmit_skb)              \
    X(tcp_ack)                       \
    X(tcp_clean_rtx_queue)           \
    X(tcp_cong_avoid)                \
    X(tcp_check_space)               \
    X(sk_stream_write_space)         \
    X(tcp_retransmit_timer)          \
    X(tcp_retransmit_skb)            \
    X(tcp_probe_timer)               \
    X(tcp_connect)                   \
    X(tcp_rcv_synsent_state_process) \
    X(tcp_reset)                     \
    X(tcp_setsockopt)                \
    X(tcp_shutdown)                  \
    X(tcp_close)                     \
    X(tcp_v4_rcv)                    \
    X(tcp_wfree)                     \
    X(tcp_fragment)                  \
    X(tcp_send_fin)                  \
    X(tcp_send_ack)                  \
    X(tcp_write_wakeup)              \
    X(tcp_xmit_retransmit_queue)     \
    X(sk_mem_reclaim)                \
    X(peer)                          \
    X(tcp_rtt_estimator)             \
    X(tcp_event_new_data_sent)       \
    X(tcp_event_ack_sent)            \
    X(tcp_delack_timer)              \
    X(tcp_fastretrans_alert)         \
    X(tcp_sacktag_write_queue)       \
    X(tcp_init_congestion_control)   \
    X(bictcp_hystart_reset)          \
    X(bictcp_acked)                  \
    X(hystart_update)                \
    X(bictcp_update)                 \
    X(bictcp_recalc_ssthresh)        \
    X(bictcp_state)                  \
    X(tcp_enter_frto)                \
    X(tcp_process_frto)              \
    X(tcp_enter_frto_loss)           \
    X(tcp_enter_cwr)                 \
    X(tcp_shift_skb_data)            \
    X(tcp_shifted_skb)               \
    X(skb_shift)

enum class Func : uint8_t {
#define SENDPATH_X(name) name,
    SENDPATH_FUNCS(SENDPATH_X)
#undef SENDPATH_X
        count_
};
std::string_view func_name(Func f);
bool func_by_name(std::string_view name, Func& out);

// Event arguments: the values a branch logs besides its state changes.
// clang-format cannot settle on a layout for this macro of bare calls.
// clang-format off
#define SENDPATH_ARGS(X)                                                                            \
    X(flags) X(iovcnt) X(size) X(ret) X(err) X(copy) X(max) X(seglen) X(iov) X(reason)             \
    X(mss_now) X(size_goal) X(skb) X(page) X(off) X(refs) X(frame) X(segs) X(len) X(seq)           \
    X(end_seq) X(ack) X(win) X(quota) X(in_flight) X(limit) X(nonagle) X(value) X(opt) X(how)       \
    X(bytes) X(timeo_ms) X(cwnd) X(ssthresh) X(vm_wait_ms) X(sigpipe) X(frames) X(call) X(push_one) \
    X(sent) X(old) X(dropped) X(offset) X(target) X(rtt_us) X(tsecr) X(stamp)
// clang-format on

enum class Arg : uint8_t {
#define SENDPATH_X(name) name,
    SENDPATH_ARGS(SENDPATH_X)
#undef SENDPATH_X
        count_
};
std::string_view arg_name(Arg a);
bool arg_by_name(std::string_view name, Arg& out);

// One primitive state change. Replay applies them in order.
enum class Op : uint8_t {
    sock_set,    // field = SF, value
    skb_new,     // target = skb id (all fields zero, not on any queue)
    skb_set,     // target = skb id, field = KF, value
    skb_frag,    // target = skb id, field = fragment index, value = pack_frag(page, off, size)
    skb_link,    // target = skb id, value = id of the skb it follows on the write queue (0 = head)
    skb_unlink,  // target = skb id
    skb_free,    // target = skb id (already unlinked)
    page_new,    // target = page id (count 0)
    page_set,    // target = page id, value = new reference count
    page_free,   // target = page id
    arg,         // field = Arg, value: an argument of the event, not a state change
    count_
};
std::string_view op_name(Op op);
bool op_by_name(std::string_view name, Op& out);

struct Change {
    Op op = Op::sock_set;
    uint8_t field = 0;
    uint32_t target = 0;
    int64_t value = 0;
    bool operator==(const Change&) const = default;
};

inline int64_t pack_frag(uint32_t page, uint32_t off, uint32_t size) {
    return (static_cast<int64_t>(page) << 32) | (static_cast<int64_t>(off & 0xffff) << 16) | (size & 0xffff);
}
inline uint32_t frag_page(int64_t v) { return static_cast<uint32_t>(v >> 32); }
inline uint32_t frag_off(int64_t v) { return static_cast<uint32_t>((v >> 16) & 0xffff); }
inline uint32_t frag_size(int64_t v) { return static_cast<uint32_t>(v & 0xffff); }

// Event::stack when the call stack is not recorded (traces written before
// stacks were, and events built by hand).
inline constexpr uint32_t kNoStack = 0xffffffff;
// Event::site when the emit site is not known (traces written before sites
// were, and events built by hand): then only the line is (trace/emit_site.hpp).
inline constexpr uint16_t kNoSite = 0xffff;

struct Event {
    int64_t time_us = 0;        // virtual (or, over TAP, real) time
    uint32_t change_begin = 0;  // first change in Trace::changes
    uint32_t change_end = 0;    // one past the last change
    uint32_t call = 0;          // send() call it belongs to (1-based), 0 outside any send()
    Kind kind = Kind::sendmsg_enter;
    Func func = Func::user;
    uint8_t depth = 0;          // call depth, 0 = the application (user) level
    uint8_t file = 0;           // index into Trace::files
    uint16_t site = kNoSite;    // which SP_EMIT of that file emitted it (trace/emit_site.hpp)
    uint16_t line = 0;          // its source line in this build (from the site), 0 = unknown
    uint32_t stack = kNoStack;  // index into Trace::stacks: the exact call stack (its last entry is func)
    bool operator==(const Event&) const = default;
};

// A frame on the wire: every frame we sent or received, in time order.
struct Frame {
    int64_t time_us = 0;
    uint32_t event = 0;   // the transmit / ack / frame_bad event it belongs to
    uint32_t skb = 0;     // the skb it came from (outgoing data), 0 otherwise
    uint8_t dir = 0;      // 0 = we sent it, 1 = we received it
    uint8_t dropped = 0;  // 1 = lost on the way (scripted loss) or rejected as invalid on input
    uint32_t offset = 0;  // into Trace::frame_bytes
    uint32_t length = 0;  // of the whole frame
    // The frame's last payload_len bytes are not in frame_bytes: they are the
    // send stream's bytes from payload_at (Trace::sent). Only frames the
    // engine records itself keep their payload there; a trace read from a
    // file holds every frame whole.
    uint32_t payload_len = 0;
    uint64_t payload_at = 0;
    uint32_t stored() const { return length - payload_len; }
    bool operator==(const Frame&) const = default;
};

// 2: events name their emit site ("site") instead of a raw source line;
// format 1 files (lines only) still read.
inline constexpr int kFormatVersion = 2;
inline constexpr int kOldestFormatVersion = 1;

struct Trace {
    int format_version = kFormatVersion;
    std::string engine_version;      // sendpath version that wrote it
    nlohmann::json scenario;         // the scenario as run (normalized, every default filled in)
    nlohmann::json options;          // engine options as run
    std::vector<std::string> files;  // engine source files events point into ("core/engine/tcp_sendmsg.cpp")
    // The distinct call stacks of the run, each outermost first (user, tcp_sendmsg,
    // tcp_push, ...), depth + 1 entries; events name theirs by index. A run has a
    // handful, interned by the Recorder as they first occur.
    std::vector<std::vector<Func>> stacks;
    std::vector<Event> events;
    std::vector<Change> changes;
    std::vector<Frame> frames;
    std::vector<uint8_t> frame_bytes;
    SendStream sent;         // payloads of frames with payload_len > 0
    std::string end_reason;  // "completed", "interrupted by SIGINT", "device lost: ...", "error: ..."
    // Frames compare by their bytes, wherever their payload is kept.
    bool operator==(const Trace& o) const;

    const Change* changes_begin(const Event& e) const { return changes.data() + e.change_begin; }
    const Change* changes_end(const Event& e) const { return changes.data() + e.change_end; }
    // The bytes of frame f: straight from frame_bytes when it is kept whole
    // there, else put together in scratch. Empty when the trace does not hold
    // them all (a damaged trace: callers skip the frame, never read past).
    std::span<const uint8_t> frame_data(const Frame& f, std::vector<uint8_t>& scratch) const;
    // The exact call stack of event i (outermost first), or nullptr when the
    // trace does not record it (then only func and depth are known).
    const std::vector<Func>* stack_of(std::size_t i) const {
        const uint32_t s = events[i].stack;
        return s < stacks.size() ? &stacks[s] : nullptr;
    }
    // Value of an argument of event i, or fallback when it has none.
    int64_t arg(std::size_t i, Arg a, int64_t fallback = 0) const;
    bool has_arg(std::size_t i, Arg a) const;
    // What the application got from send() if event i is where a call ends for
    // it: a sendmsg_exit (bytes or -errno), or the signal_return that turned
    // the kernel-internal -ERESTARTSYS into -EINTR. Nothing for any other
    // event, nor for a -ERESTARTSYS exit (the call goes on or is restarted).
    std::optional<int64_t> send_result(std::size_t i) const;
};

// Reserves room in t for the trace of a run that sends `bytes`, counted up to
// 256 MiB (past that the vectors grow), and returns the bytes it reserved for.
// Growing a vector of hundreds of MB by doubling copies it and faults every
// page twice; reserved pages that are never touched cost nothing.
uint64_t reserve_for_send(Trace& t, uint64_t bytes);

}  // namespace sendpath::trace
