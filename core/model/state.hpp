// The kernel objects sendpath models, as plain data.
//
// Everything the engine decides is visible here: the socket's counters, the
// skbs on the write queue with their fragments, the pages those fragments point
// into, and the global TCP memory pool. The engine mutates this State only
// through the Recorder (core/trace/recorder.hpp), which logs every change into
// the current event; Replay (core/trace/replay.hpp) rebuilds the same State
// from those changes alone. Payload bytes are not part of the State: they live
// in the engine's page store and on the wire (frames in the trace).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

namespace sendpath::model {

// Constants of the 2.6.3x kernel the engine models by default (see
// shared/docs/linux-send-path.md B.7). Build-dependent sizes are engine
// options instead (core/engine/options.hpp).
inline constexpr uint32_t PAGE_SIZE = 4096;
inline constexpr uint32_t MAX_SKB_FRAGS = 18;  // 65536/PAGE_SIZE + 2

// TCP states, numbered as in include/net/tcp_states.h.
enum TcpState : int64_t {
    TCP_ESTABLISHED = 1,
    TCP_SYN_SENT,
    TCP_SYN_RECV,
    TCP_FIN_WAIT1,
    TCP_FIN_WAIT2,
    TCP_TIME_WAIT,
    TCP_CLOSE,
    TCP_CLOSE_WAIT,
    TCP_LAST_ACK,
    TCP_LISTEN,
    TCP_CLOSING
};
std::string_view tcp_state_name(int64_t state);

// icsk_ca_state: where the congestion state machine is (tcp_fastretrans_alert).
enum CaState : int64_t { TCP_CA_Open = 0, TCP_CA_Disorder = 1, TCP_CA_CWR = 2, TCP_CA_Recovery = 3, TCP_CA_Loss = 4 };

// TCP header flag bits as they sit in the header (and in TCP_SKB_CB->flags).
enum TcpFlag : int64_t {
    TCPHDR_FIN = 0x01,
    TCPHDR_SYN = 0x02,
    TCPHDR_RST = 0x04,
    TCPHDR_PSH = 0x08,
    TCPHDR_ACK = 0x10,
    TCPHDR_URG = 0x20
};

// tp->nonagle bits.
enum Nonagle : int64_t { TCP_NAGLE_OFF = 1, TCP_NAGLE_CORK = 2, TCP_NAGLE_PUSH = 4 };

// sk->sk_shutdown bits.
enum Shutdown : int64_t { RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2 };

// skb->ip_summed values that matter on the send side.
enum IpSummed : int64_t { CHECKSUM_NONE = 0, CHECKSUM_PARTIAL = 3 };

// Socket flag bits kept in sock_flags (sk->sk_flags and sk->sk_socket->flags merged).
enum SockFlag : int64_t {
    SOCK_NOSPACE = 1,
    SOCK_ASYNC_NOSPACE = 2,
    SOCK_QUEUE_SHRUNK = 4,
    SOCK_SNDBUF_LOCK = 8,
    TSQ_THROTTLED = 16
};

// inet_connection_sock->icsk_pending: which timer the shared retransmit timer is.
enum IcskTimer : int64_t { ICSK_TIME_NONE = 0, ICSK_TIME_RETRANS = 1, ICSK_TIME_PROBE0 = 3 };

// TCP_SKB_CB(skb)->sacked bits used here.
// TCPCB_RETRANS here is the kernel's TCPCB_SACKED_RETRANS (a retransmission
// in flight); TCPCB_TAGBITS are the three scoreboard tags.
enum Sacked : int64_t {
    TCPCB_SACKED_ACKED = 0x01,
    TCPCB_RETRANS = 0x02,
    TCPCB_LOST = 0x04,
    TCPCB_TAGBITS = 0x07,
    TCPCB_EVER_RETRANS = 0x80
};
// icsk_ca_ops: which congestion control runs the connection.
enum CaOps : int64_t { CA_OPS_RENO = 0, CA_OPS_CUBIC = 1 };
// CUBIC's HyStart: what ended slow start (ca->found bits, hystart_detect).
enum HystartFound : int64_t { HYSTART_ACK_TRAIN = 1, HYSTART_DELAY = 2 };
// tcp_sock->rx_opt.sack_ok bits: SACK agreed, FACK in use, a D-SACK seen.
enum SackOk : int64_t { TCP_SACK_OK = 1, TCP_FACK_ENABLED = 2, TCP_DSACK_SEEN = 4 };

// Every socket-wide value: X(group, name, one-sentence meaning).
// Groups: sock (struct sock), tcp (tcp_sock), icsk (inet_connection_sock),
// mem (the global TCP memory pool), local (tcp_sendmsg's local variables, so a
// student sees them like a debugger's Locals window), peer (the simulated
// receiver, when there is one), ca (the congestion control's private state,
// icsk_ca_priv: CUBIC's struct bictcp; Reno keeps none).
#define SENDPATH_SOCK_FIELDS(X)                                                                                        \
    X(sock, state, "TCP state of the socket (TCP_ESTABLISHED, TCP_SYN_SENT, ...).")                                    \
    X(sock, sk_err, "Pending socket error (positive errno), reported and cleared by the next call.")                   \
    X(sock, sk_shutdown, "Shutdown bits: RCV_SHUTDOWN=1, SEND_SHUTDOWN=2.")                                            \
    X(sock, sk_sndbuf, "Send buffer limit in bytes: new skbs wait while sk_wmem_queued >= sk_sndbuf.")                 \
    X(sock, sk_wmem_queued, "Truesize of every skb on the write queue, sent or not.")                                  \
    X(sock, sk_forward_alloc, "Bytes charged to the global pool in advance and not yet used.")                         \
    X(sock, sk_wmem_alloc, "Truesize of skb clones still in the device queue (for autocorking).")                      \
    X(sock, sock_flags, "SOCK_NOSPACE=1, ASYNC_NOSPACE=2, QUEUE_SHRUNK=4, SNDBUF_LOCK=8, TSQ_THROTTLED=16.")           \
    X(sock, sk_send_head, "First skb not yet sent (skb id), 0 when everything queued has been sent.")                  \
    X(sock, sk_sndmsg_page, "The socket's cached page (page id) that new fragments are cut from, 0 if none.")          \
    X(sock, sk_sndmsg_off, "Offset in the cached page where the next fragment starts.")                                \
    X(sock, sk_sndtimeo_ms, "SO_SNDTIMEO in ms; -1 means wait forever.")                                               \
    X(sock, sk_write_pending, "Writers asleep in sk_stream_wait_connect or sk_stream_wait_memory.")                    \
    X(tcp, write_seq, "Sequence number after the last byte queued by the application.")                                \
    X(tcp, pushed_seq, "write_seq when PSH was last marked; forced_push compares against it.")                         \
    X(tcp, snd_una, "First byte sent but not yet acknowledged.")                                                       \
    X(tcp, snd_nxt, "Next sequence number to send.")                                                                   \
    X(tcp, snd_wnd, "Window the peer last advertised, in bytes (already scaled).")                                     \
    X(tcp, snd_wl1, "Sequence number of the segment that last updated snd_wnd.")                                       \
    X(tcp, max_window, "Largest window the peer ever advertised.")                                                     \
    X(tcp, snd_sml, "End of the last small segment sent (Minshall's Nagle variant).")                                  \
    X(tcp, snd_up, "Urgent pointer: write_seq after the last MSG_OOB send.")                                           \
    X(tcp, mss_cache, "Current effective MSS (payload bytes per segment).")                                            \
    X(tcp, xmit_size_goal_segs, "size_goal in MSS units, cached between calls.")                                       \
    X(tcp, snd_cwnd, "Congestion window in segments.")                                                                 \
    X(tcp, snd_ssthresh, "Slow start threshold in segments.")                                                          \
    X(tcp, snd_cwnd_cnt, "Congestion-avoidance counter: ACKed segments since cwnd last grew.")                         \
    X(tcp, packets_out, "Segments sent and not yet acknowledged.")                                                     \
    X(tcp, retrans_out, "Retransmitted segments not yet acknowledged.")                                                \
    X(tcp, lost_out, "Segments marked lost (by an RTO or a fast retransmit), not yet acknowledged.")                   \
    X(tcp, sacked_out, "Segments the peer holds out of order; without SACK, the duplicate ACKs counted.")              \
    X(tcp, sack_ok, "SACK bits: 1 agreed (tcp_is_sack), 2 FACK in use, 4 a D-SACK seen; 0: Reno, dup ACKs counted.")   \
    X(tcp, fackets_out, "With SACK: segments from snd_una up to the highest SACKed one, holes included (FACK).")       \
    X(tcp, highest_sack, "The skb after the highest SACKed one (skb id); 0: none follows it.")                         \
    X(tcp, recv_sack_cache0_start_seq,                                                                                 \
      "SACK block 1 of 4 the previous SACK ACK used (recv_sack_cache), start; 0 with end 0: empty.")                   \
    X(tcp, recv_sack_cache0_end_seq,                                                                                   \
      "SACK block 1 of 4 the previous SACK ACK used (recv_sack_cache), end; sorted, empty ones first.")                \
    X(tcp, recv_sack_cache1_start_seq,                                                                                 \
      "SACK block 2 of 4 the previous SACK ACK used (recv_sack_cache), start; 0 with end 0: empty.")                   \
    X(tcp, recv_sack_cache1_end_seq,                                                                                   \
      "SACK block 2 of 4 the previous SACK ACK used (recv_sack_cache), end; sorted, empty ones first.")                \
    X(tcp, recv_sack_cache2_start_seq,                                                                                 \
      "SACK block 3 of 4 the previous SACK ACK used (recv_sack_cache), start; 0 with end 0: empty.")                   \
    X(tcp, recv_sack_cache2_end_seq,                                                                                   \
      "SACK block 3 of 4 the previous SACK ACK used (recv_sack_cache), end; sorted, empty ones first.")                \
    X(tcp, recv_sack_cache3_start_seq,                                                                                 \
      "SACK block 4 of 4 the previous SACK ACK used (recv_sack_cache), start; 0 with end 0: empty.")                   \
    X(tcp, recv_sack_cache3_end_seq,                                                                                   \
      "SACK block 4 of 4 the previous SACK ACK used (recv_sack_cache), end; sorted, empty ones first.")                \
    X(tcp, lost_retrans_low, "Lowest snd_nxt at which a retransmission in flight was sent (tcp_mark_lost_retrans).")   \
    X(tcp, reordering, "Duplicate ACKs (in segments) that mean a loss rather than reordering: 3 to start.")            \
    X(tcp, frto_counter, "F-RTO step after a timeout: 0 none, 1 first ACK awaited, 2 new data may go, 3 it went.")     \
    X(tcp, frto_highmark, "F-RTO: snd_nxt (or high_seq) at the timeout; an ACK reaching it ends F-RTO as a loss.")     \
    X(tcp, undo_marker, "snd_una when recovery or the timeout began, 0 once its reduction cannot be undone.")          \
    X(tcp, undo_retrans, "Retransmissions since undo_marker not yet shown needless by a D-SACK; 0 allows an undo.")    \
    X(tcp, prior_ssthresh, "ssthresh (or 3/4 cwnd if more) before the reduction, restored by an undo; 0: none.")       \
    X(tcp, retrans_stamp, "Jiffies (ms) when the first retransmission of this episode was sent; 0 when none.")         \
    X(tcp, nonagle, "Nagle bits: OFF=1 (TCP_NODELAY), CORK=2 (TCP_CORK), PUSH=4 (one-shot).")                          \
    X(tcp, rcv_nxt, "Next sequence number expected from the peer (our ACK field).")                                    \
    X(tcp, rcv_wnd, "Receive window we advertise, in bytes.")                                                          \
    X(tcp, snd_wscale, "Peer's window scale shift (applied to its window field).")                                     \
    X(tcp, rcv_wscale, "Our window scale shift.")                                                                      \
    X(tcp, ts_recent, "Last timestamp value seen from the peer (echoed as TSecr), 0 if none.")                         \
    X(tcp, tstamp_ok, "1 when both sides agreed on the timestamp option.")                                             \
    X(tcp, srtt_us, "Smoothed round-trip time in microseconds (0 until the first sample).")                            \
    X(tcp, rttvar_us, "Round-trip time variation in microseconds.")                                                    \
    X(tcp, ca_state, "Congestion state: 0 Open, 1 Disorder, 2 CWR, 3 Recovery, 4 Loss.")                               \
    X(tcp, high_seq, "snd_nxt when the congestion state last changed: recovery ends once it is acknowledged.")         \
    X(tcp, tso_deferred, "Nonzero while TSO deferral waits: 1 | (jiffies << 1) when it started.")                      \
    X(tcp, lsndtime_us, "Virtual time of the last data transmission (slow start after idle).")                         \
    X(tcp, mss_clamp, "Largest MSS allowed: the smaller of ours and the peer's SYN option.")                           \
    X(icsk, icsk_pending, "Which timer is armed: 0 none, 1 RETRANS, 3 PROBE0.")                                        \
    X(icsk, icsk_timeout_us, "Virtual time in microseconds when the armed timer fires.")                               \
    X(icsk, icsk_rto_us, "Current retransmission timeout in microseconds.")                                            \
    X(icsk, icsk_backoff, "Exponential backoff count of the timer.")                                                   \
    X(icsk, icsk_retransmits, "Consecutive retransmission timeouts without progress.")                                 \
    X(icsk, icsk_ack_pending, "Delayed ACK: SCHED=1 an ACK is owed, TIMER=2 the delayed-ACK timer is armed.")          \
    X(icsk, icsk_ack_timeout_us, "Virtual time in microseconds when the delayed-ACK timer fires.")                     \
    X(icsk, icsk_ca_ops, "Congestion control: 0 Reno (tcp_cong.c), 1 CUBIC with HyStart (tcp_cubic.c).")               \
    X(ca, ca_cnt, "CUBIC (ca->cnt): ACKs per one-segment cwnd increase in congestion avoidance.")                      \
    X(ca, last_max_cwnd, "CUBIC: cwnd before the last reduction (W_max), lowered by fast convergence.")                \
    X(ca, loss_cwnd, "CUBIC: cwnd when ssthresh was last recalculated (a loss).")                                      \
    X(ca, last_cwnd, "CUBIC: cwnd when bictcp_update last computed cnt.")                                              \
    X(ca, last_time, "CUBIC: jiffies when bictcp_update last computed cnt.")                                           \
    X(ca, bic_origin_point, "CUBIC: the cwnd the cubic curve levels off at (W_max of this epoch).")                    \
    X(ca, bic_K, "CUBIC: time from the epoch's start to the origin point, in 1/1024 s.")                               \
    X(ca, delay_min, "CUBIC: smallest RTT seen, in jiffies << 3 (0 until a sample).")                                  \
    X(ca, epoch_start, "CUBIC: jiffies when this congestion-avoidance epoch began, 0 when none runs.")                 \
    X(ca, ack_cnt, "CUBIC: ACKs counted in this epoch, for the Reno-friendly estimate.")                               \
    X(ca, tcp_cwnd, "CUBIC: what Reno's cwnd would be by now in this epoch (TCP friendliness).")                       \
    X(ca, delayed_ack, "CUBIC: segments per ACK, << 4, averaged over ACKs in Open (32 = 2 per ACK).")                  \
    X(ca, sample_cnt, "HyStart: RTT samples taken in this round (8 are needed).")                                      \
    X(ca, found, "HyStart: why slow start ended: 1 ACK train, 2 delay increase, 0 not yet.")                           \
    X(ca, round_start, "HyStart: jiffies when this round began.")                                                      \
    X(ca, ca_end_seq, "HyStart (ca->end_seq): snd_nxt when this round began; an ACK past it starts the next.")         \
    X(ca, last_jiffies, "HyStart: jiffies of the last ACK close enough to the one before to be in the train.")         \
    X(ca, curr_rtt, "HyStart: smallest RTT sample of this round, in jiffies << 3.")                                    \
    X(mem, tcp_memory_allocated, "Pages charged to TCP by all sockets (global).")                                      \
    X(mem, tcp_memory_pressure, "1 while TCP is under memory pressure (global).")                                      \
    X(mem, tcp_mem0, "sysctl tcp_mem[0] in pages: below it there is no pressure.")                                     \
    X(mem, tcp_mem1, "sysctl tcp_mem[1] in pages: above it TCP enters pressure.")                                      \
    X(mem, tcp_mem2, "sysctl tcp_mem[2] in pages: above it allocations fail.")                                         \
    X(local, copied, "tcp_sendmsg: bytes copied in this call so far.")                                                 \
    X(local, iov, "tcp_sendmsg: index of the iovec being copied.")                                                     \
    X(local, seglen, "tcp_sendmsg: bytes left in the current iovec.")                                                  \
    X(local, mss_now, "tcp_sendmsg: MSS for this call (tcp_send_mss).")                                                \
    X(local, size_goal, "tcp_sendmsg: bytes an skb may hold (a multiple of mss_now with GSO).")                        \
    X(local, copy, "tcp_sendmsg: bytes to copy in this step.")                                                         \
    X(local, max, "tcp_sendmsg: the tail skb's limit for this step (size_goal, or mss_now without checksum offload).") \
    X(local, err, "tcp_sendmsg: the error that will be returned (negative errno), 0 if none.")                         \
    X(local, timeo_ms, "tcp_sendmsg: time left to wait in ms, -1 for forever.")                                        \
    X(peer, peer_rcv_nxt, "Simulated receiver: next byte it expects.")                                                 \
    X(peer, peer_rcv_queued, "Simulated receiver: bytes received but not yet read by its application.")                \
    X(peer, peer_ofo_queued, "Simulated receiver: bytes it holds out of order, after a hole (out_of_order_queue).")    \
    X(peer, peer_rcv_wnd, "Simulated receiver: window it advertised last, in bytes.")                                  \
    X(peer, peer_read_total, "Simulated receiver: bytes its application has read.")                                    \
    X(peer, peer_ack_quick, "Simulated receiver: icsk_ack.quick, the ACKs it still sends at once (quick-ack mode).")

enum class SF : uint8_t {
#define SENDPATH_X(group, name, doc) name,
    SENDPATH_SOCK_FIELDS(SENDPATH_X)
#undef SENDPATH_X
        count_
};
inline constexpr std::size_t kSockFieldCount = static_cast<std::size_t>(SF::count_);

struct Sock {
#define SENDPATH_X(group, name, doc) int64_t name = 0;
    SENDPATH_SOCK_FIELDS(SENDPATH_X)
#undef SENDPATH_X
    int64_t& at(SF f);
    int64_t at(SF f) const;
    bool operator==(const Sock&) const = default;
};
// Field f's member, so at() inlines to one indexed access.
inline constexpr int64_t Sock::*kSockMembers[] = {
#define SENDPATH_X(group, name, doc) &Sock::name,
    SENDPATH_SOCK_FIELDS(SENDPATH_X)
#undef SENDPATH_X
};
static_assert(std::size(kSockMembers) == kSockFieldCount);
inline int64_t& Sock::at(SF f) { return this->*kSockMembers[static_cast<std::size_t>(f)]; }
inline int64_t Sock::at(SF f) const { return this->*kSockMembers[static_cast<std::size_t>(f)]; }

struct FieldInfo {
    std::string_view group;
    std::string_view name;
    std::string_view doc;
};
const FieldInfo& sock_field_info(SF f);
// Returns false when name is not a socket field.
bool sock_field_by_name(std::string_view name, SF& out);

// One page fragment of an skb (skb_frag_t).
struct Frag {
    uint32_t page = 0;  // page id
    uint32_t off = 0;   // offset in the page
    uint32_t size = 0;  // bytes
    bool operator==(const Frag&) const = default;
};

// Per-skb values: X(name, meaning).
#define SENDPATH_SKB_FIELDS(X)                                                                            \
    X(seq, "First sequence number of the skb (TCP_SKB_CB->seq).")                                         \
    X(end_seq, "seq + len, plus one for SYN or FIN.")                                                     \
    X(len, "Payload bytes: linear part plus fragments.")                                                  \
    X(data_len, "Payload bytes held in page fragments.")                                                  \
    X(linear_cap, "Linear payload room reserved at allocation (select_size).")                            \
    X(truesize, "Memory charged for the skb: data area, struct sk_buff, and fragment bytes.")             \
    X(tcp_flags, "TCP flags it will carry (ACK=0x10, PSH=0x08, FIN=0x01).")                               \
    X(ip_summed, "Checksum mode: 0 CHECKSUM_NONE (computed while copying), 3 CHECKSUM_PARTIAL (device).") \
    X(gso_segs, "Number of MSS-sized segments it is sent as (0 = recompute at transmit).")                \
    X(gso_size, "Segment size used for gso_segs (0 when it goes out as one segment).")                    \
    X(nr_frags, "Number of page fragments in use.")                                                       \
    X(sacked, "Scoreboard: SACKED=0x01, RETRANS=0x02, LOST=0x04, EVER_RETRANS=0x80.")                     \
    X(ack_seq, "snd_nxt when it was last retransmitted (tcp_mark_lost_retrans compares SACKs with it).")  \
    X(when_us, "Virtual time of the last transmission in microseconds (0 = never sent).")                 \
    X(csum, "Running software checksum of the payload (CHECKSUM_NONE only).")

enum class KF : uint8_t {
#define SENDPATH_X(name, doc) name,
    SENDPATH_SKB_FIELDS(SENDPATH_X)
#undef SENDPATH_X
        count_
};
inline constexpr std::size_t kSkbFieldCount = static_cast<std::size_t>(KF::count_);

struct SkBuff {
    uint32_t id = 0;  // stable id, never reused within a trace (1, 2, ...)
#define SENDPATH_X(name, doc) int64_t name = 0;
    SENDPATH_SKB_FIELDS(SENDPATH_X)
#undef SENDPATH_X
    std::array<Frag, MAX_SKB_FRAGS> frags{};
    int64_t& at(KF f);
    int64_t at(KF f) const;
    int64_t headlen() const { return len - data_len; }
    int64_t tailroom() const { return data_len != 0 ? 0 : linear_cap - len; }
    bool operator==(const SkBuff&) const = default;
};
inline constexpr int64_t SkBuff::*kSkbMembers[] = {
#define SENDPATH_X(name, doc) &SkBuff::name,
    SENDPATH_SKB_FIELDS(SENDPATH_X)
#undef SENDPATH_X
};
static_assert(std::size(kSkbMembers) == kSkbFieldCount);
inline int64_t& SkBuff::at(KF f) { return this->*kSkbMembers[static_cast<std::size_t>(f)]; }
inline int64_t SkBuff::at(KF f) const { return this->*kSkbMembers[static_cast<std::size_t>(f)]; }
const FieldInfo& skb_field_info(KF f);
bool skb_field_by_name(std::string_view name, KF& out);

// A page in the pool. count is the page reference count: one per fragment
// that points into it, plus one while it is the socket's cached page.
struct Page {
    uint32_t id = 0;
    int64_t count = 0;
    bool operator==(const Page&) const = default;
};

// The whole modelled state at one point in time.
struct State {
    Sock sk;
    std::map<uint32_t, SkBuff> skbs;    // every live skb by id
    std::vector<uint32_t> write_queue;  // sk_write_queue, head first (sent and unsent skbs)
    std::map<uint32_t, Page> pages;     // every live page by id
    bool operator==(const State&) const = default;

    // The pointers point into this State: on a temporary (a State returned
    // by value, as the tests' state_at does) they would dangle at the end of
    // the statement, so asking a temporary does not compile.
    SkBuff* skb(uint32_t id) &;
    const SkBuff* skb(uint32_t id) const&;
    const SkBuff* skb(uint32_t id) const&& = delete;
    Page* page(uint32_t id) &;
    const Page* page(uint32_t id) const&;
    const Page* page(uint32_t id) const&& = delete;
    uint32_t tail() const { return write_queue.empty() ? 0 : write_queue.back(); }
};

// Modular sequence arithmetic (sequence numbers live in int64 fields as 0..2^32-1).
inline uint32_t seq32(int64_t v) { return static_cast<uint32_t>(v); }
inline int64_t seq_add(int64_t a, int64_t d) { return static_cast<int64_t>(static_cast<uint32_t>(a + d)); }
inline int64_t seq_diff(int64_t a, int64_t b) {
    return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
}
inline bool before(int64_t a, int64_t b) { return seq_diff(a, b) < 0; }
inline bool after(int64_t a, int64_t b) { return before(b, a); }

}  // namespace sendpath::model
