// The send side of one TCP socket, modelled on Linux 2.6.32.67.
//
// Functions keep the kernel's names so the engine can be read beside a kernel
// listing: tcp_sendmsg (tcp_sendmsg.cpp), the memory accounting (sock_mem.cpp),
// tcp_push / tcp_write_xmit / tcp_transmit_skb (tcp_output.cpp), ACK input
// (tcp_input.cpp), timers (tcp_timer.cpp), connect / shutdown / close
// (tcp_connect.cpp). All state lives in model::State and changes only through
// the Recorder; payload bytes live here, in the page store.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "engine/config.hpp"
#include "engine/link.hpp"
#include "engine/options.hpp"
#include "model/state.hpp"
#include "net/addr.hpp"
#include "trace/recorder.hpp"

namespace sendpath::engine {

// Timer bounds and limits shared by the engine's files (include/net/tcp.h).
inline constexpr int64_t TCP_RTO_MIN_US = 200'000;
inline constexpr int64_t TCP_RTO_MAX_US = 120'000'000;
inline constexpr int64_t GSO_MAX_SIZE = 65536;
// sysctl_tcp_tso_win_divisor and the default reordering metric (tcp_max_burst).
inline constexpr int64_t TCP_TSO_WIN_DIVISOR = 3;
inline constexpr int64_t TCP_REORDERING = 3;
// PAWS: how far (in timestamp ticks) a TSval may lag ts_recent and still pass.
inline constexpr int32_t TCP_PAWS_WINDOW = 1;
// tcp_skb_pcount: the segments an skb counts for (0 before transmit means one).
inline int64_t tcp_skb_pcount(const model::SkBuff& skb) { return skb.gso_segs ? skb.gso_segs : 1; }
// What an ACK did, as tcp_ack collects it (tcp_input.c's FLAG_ bits).
inline constexpr int FLAG_DATA = 0x01;        // the segment carried data (or a FIN)
inline constexpr int FLAG_WIN_UPDATE = 0x02;  // it was allowed to update the send window
inline constexpr int FLAG_DATA_ACKED = 0x04;
inline constexpr int FLAG_RETRANS_DATA_ACKED = 0x08;
inline constexpr int FLAG_SYN_ACKED = 0x10;
inline constexpr int FLAG_DATA_SACKED = 0x20;
inline constexpr int FLAG_ECE = 0x40;
inline constexpr int FLAG_DATA_LOST = 0x80;          // a SACK block reaches above high_seq
inline constexpr std::size_t TCP_NUM_SACKS = 4;      // SACK blocks an option holds, and recv_sack_cache
inline constexpr int FLAG_ONLY_ORIG_SACKED = 0x200;  // a SACK newly covers an original sent before the F-RTO mark
inline constexpr int FLAG_SND_UNA_ADVANCED = 0x400;
inline constexpr int FLAG_DSACKING_ACK = 0x800;
inline constexpr int FLAG_NONHEAD_RETRANS_ACKED = 0x1000;  // a resent skb other than the first one was ACKed
inline constexpr int FLAG_SACK_RENEGING = 0x2000;          // the ACK stops at an skb the peer had SACKed
inline constexpr int FLAG_ACKED = FLAG_DATA_ACKED | FLAG_SYN_ACKED;
inline constexpr int FLAG_NOT_DUP = FLAG_DATA | FLAG_WIN_UPDATE | FLAG_ACKED;
inline constexpr int FLAG_CA_ALERT = FLAG_DATA_SACKED | FLAG_ECE;
inline constexpr int FLAG_FORWARD_PROGRESS = FLAG_ACKED | FLAG_DATA_SACKED;
inline constexpr int FLAG_ANY_PROGRESS = FLAG_FORWARD_PROGRESS | FLAG_SND_UNA_ADVANCED;
// TCP_MAX_REORDERING: the most duplicate ACKs reordering may explain.
inline constexpr int64_t TCP_MAX_REORDERING = 127;
// icsk_ack.pending bits (inet_connection_sock.h) and the longest delayed-ACK wait.
inline constexpr int64_t ICSK_ACK_SCHED = 1;
inline constexpr int64_t ICSK_ACK_TIMER = 2;
inline constexpr int64_t TCP_DELACK_MAX_US = 200'000;

// errno values as Linux numbers them.
enum Errno : int64_t {
    EINTR_ = 4,
    EAGAIN_ = 11,
    ENOMEM_ = 12,
    ENOBUFS_ = 105,
    EFAULT_ = 14,
    EPIPE_ = 32,
    ECONNRESET_ = 104,
    ETIMEDOUT_ = 110,
    ECONNREFUSED_ = 111,
    ERESTARTSYS_ = 512
};

// Where the application's bytes come from during one send() call.
struct UserBuffer {
    uint32_t call = 0;                  // send() call number
    std::vector<int64_t> iov;           // iovec lengths
    const std::string* data = nullptr;  // literal bytes, if the scenario gave them
    std::span<const uint8_t> external;  // benchmark buffer (cycled), if set
    int64_t fault_at = -1;              // offset where copy_from_user faults, -1 = never
    // Copies n bytes at call offset off into dst; false (nothing copied) if the
    // range contains the faulting byte, like a failed copy_from_user chunk.
    bool copy(uint8_t* dst, uint64_t off, uint64_t n) const;
};

// What the engine needs from the world around it while it sleeps.
class World {
public:
    virtual ~World() = default;
    // Lets time pass until woken (write_space, a state change, a signal) with
    // cond() true, or until timeout_us passes (-1 = forever). Returns the time
    // slept. Incoming frames and timers are processed meanwhile. cond() is
    // tested first: when it holds already, nothing sleeps. With
    // any_wakeup, the first wake-up ends the sleep whatever cond() says, as a
    // schedule_timeout() on the socket's wait queue does.
    virtual int64_t sleep(const std::function<bool()>& cond, int64_t timeout_us, bool any_wakeup = false) = 0;
    virtual bool signal_pending() = 0;
};

class Engine {
public:
    Engine(const Config& cfg, const Options& opt, trace::Recorder& rec, Link& link);

    void set_world(World* w) { world_ = w; }
    trace::Recorder& rec() { return rec_; }
    model::State& st() { return rec_.state(); }
    const model::State& st_const() const { return static_cast<const trace::Recorder&>(rec_).state(); }

    // Application calls.
    int64_t tcp_sendmsg(const UserBuffer& buf, int64_t flags);
    void tcp_connect();
    void tcp_setsockopt(const std::string& name, int64_t value);
    void tcp_shutdown(const std::string& how);
    void tcp_close();
    // Arms nothing; called by the runner when frames arrive and timers expire.
    void tcp_v4_rcv(const Received& in);
    int64_t next_timer_us() const;  // earliest engine timer, INT64_MAX if none
    void run_timers(int64_t now_us);
    // Woken by sk_stream_write_space / state changes since the last call.
    bool take_wakeup() {
        bool w = wakeup_;
        wakeup_ = false;
        return w;
    }
    void wake() { wakeup_ = true; }
    bool all_acked() const;
    uint64_t bytes_acked() const { return bytes_acked_; }

    // Payload bytes of skb `id` in [off, off+len), as spans into the page store
    // (linear part first, then fragments).
    void gather(const model::SkBuff& skb, uint32_t off, uint32_t len, std::vector<std::span<const uint8_t>>& out) const;

    // ---- internals, public so each .cpp can reach the others (kernel style) ----
    // tcp_sendmsg.cpp
    int64_t sk_stream_wait_connect(int64_t& timeo_us);
    int64_t sk_stream_wait_connect_loop(int64_t& timeo_us);  // its loop, without the closing event
    int64_t sk_stream_wait_memory(int64_t& timeo_us);
    int64_t sk_stream_wait_memory_loop(int64_t& timeo_us);  // its loop, without the closing event
    int64_t sk_stream_error(int64_t flags, int64_t err);
    void tcp_send_mss(int64_t flags, int64_t& mss_now, int64_t& size_goal);
    int64_t select_size() const;
    // scripted: whether the scenario's fail_skb_alloc counts this allocation
    // (the send path's; the SYN's is never failed on purpose).
    model::SkBuff* sk_stream_alloc_skb(int64_t size, bool scripted = true);
    void skb_entail(model::SkBuff& skb);
    void tcp_mark_push(model::SkBuff& skb);
    bool forced_push() const;
    // sock_mem.cpp
    bool sk_wmem_schedule(int64_t size);
    bool __sk_mem_schedule(int64_t size);
    bool sk_mem_schedule_grant(int64_t size, int64_t amt);
    void sk_mem_reclaim();
    void sk_stream_moderate_sndbuf();
    void sk_wmem_free_skb(model::SkBuff& skb);
    void sk_mem_charge(int64_t n);
    void sk_mem_uncharge(int64_t n);
    bool sk_stream_memory_free() const;
    void enter_memory_pressure();
    model::Page* alloc_page();
    void get_page(model::Page& p);
    void put_page(uint32_t page_id);
    uint8_t* page_data(uint32_t page_id);
    const uint8_t* page_data(uint32_t page_id) const;
    std::vector<uint8_t>& linear_data(uint32_t skb_id);
    void free_skb_storage(uint32_t skb_id);
    // tcp_output.cpp
    int64_t tcp_current_mss() const;
    int64_t tcp_sync_mss(int64_t pmtu);
    int64_t tcp_bound_to_half_wnd(int64_t pktsize) const;
    int64_t tcp_xmit_size_goal(int64_t mss_now, bool large);
    void tcp_push(int64_t flags, int64_t mss_now, int64_t nonagle);
    void tcp_push_pending_frames(int64_t mss_now, int64_t nonagle);
    void tcp_push_one(int64_t mss_now);
    bool tcp_write_xmit(int64_t mss_now, int64_t nonagle, bool push_one);
    int64_t tcp_init_tso_segs(model::SkBuff& skb, int64_t mss_now);
    void tcp_set_skb_tso_segs(model::SkBuff& skb, int64_t mss_now);
    int64_t tcp_cwnd_test(const model::SkBuff& skb) const;
    bool tcp_snd_wnd_test(const model::SkBuff& skb, int64_t mss_now) const;
    bool tcp_nagle_test(const model::SkBuff& skb, int64_t mss_now, int64_t nonagle) const;
    bool tcp_tso_should_defer(model::SkBuff& skb);
    int64_t tcp_mss_split_point(const model::SkBuff& skb, int64_t mss_now, int64_t cwnd_quota) const;
    bool tso_fragment(model::SkBuff& skb, int64_t len, int64_t mss_now);
    bool split_fail(const model::SkBuff& skb, int64_t len);
    bool tcp_fragment(model::SkBuff& skb, int64_t len, int64_t mss_now);
    int tcp_transmit_skb(model::SkBuff& skb);
    void tcp_event_new_data_sent(model::SkBuff& skb);
    void tcp_send_ack();
    void tcp_event_ack_sent();
    void tcp_send_bare(int64_t seq, int64_t flags);
    // Tells the trace where the `copy` bytes just taken from buf at `from`
    // came from (frames then name them instead of holding a copy).
    void record_sent(const UserBuffer& buf, uint64_t from, int64_t copy);
    int64_t packets_in_flight() const;
    bool sk_can_gso() const;
    bool urg_mode() const;
    uint32_t next_skb_after(uint32_t id) const;  // 0 = none
    bool is_tail(const model::SkBuff& skb) const;
    // tcp_input.cpp
    // tsecr: the timestamp echo of the segment (0 when it has none, or echoes 0).
    // sack: the ACK's SACK blocks (empty: none, or SACK not agreed).
    void tcp_ack(int64_t ack, int64_t ack_seq, int64_t seg_end, int64_t window, bool syn, int64_t tsecr,
                 const std::vector<std::pair<uint32_t, uint32_t>>& sack = {});
    int tcp_clean_rtx_queue(int64_t prior_snd_una, int64_t prior_fackets, int64_t tsecr, int64_t& pkts_acked);
    // SACK (tcp_input.c): tagging the write queue from the ACK's blocks.
    int tcp_sacktag_write_queue(int64_t ack, int64_t prior_snd_una,
                                const std::vector<std::pair<uint32_t, uint32_t>>& blocks);
    bool tcp_is_sackblock_valid(bool is_dsack, int64_t start_seq, int64_t end_seq, int64_t& reason) const;
    bool tcp_check_dsack(int64_t ack, int64_t prior_snd_una, const std::vector<std::pair<uint32_t, uint32_t>>& sp);
    int tcp_match_skb_to_sack(model::SkBuff& skb, int64_t start_seq, int64_t end_seq);
    // Returns the skb's new scoreboard tags; the caller stores them (or, for
    // segments just shifted into the skb before, drops them).
    int64_t tcp_sacktag_one(model::SkBuff& skb, bool dup_sack, int64_t fack_count, int64_t& reord, int& flag,
                            int64_t pcount);
    // tcp_shift_skb_data: what it did with the skb at write queue index i.
    enum class Shift { fallback, noop, shifted };
    Shift tcp_shift_skb_data(std::size_t i, int64_t start_seq, int64_t end_seq, bool dup_sack, int64_t& fack_count,
                             int64_t& reord, int& flag);
    bool tcp_shifted_skb(model::SkBuff& prev, model::SkBuff& skb, int64_t pcount, int64_t shifted, int64_t mss,
                         bool dup_sack, int64_t fack_count, int64_t& reord, int& flag);
    int64_t skb_shift(model::SkBuff& tgt, model::SkBuff& skb, int64_t shiftlen);
    void tcp_mark_lost_retrans();
    void tcp_update_reordering(int64_t metric);
    void tcp_timeout_skbs();
    bool tcp_head_timedout() const;
    bool tcp_skb_timedout(const model::SkBuff& skb) const;
    void tcp_skb_mark_lost(model::SkBuff& skb);
    int64_t tcp_highest_sack_seq() const;
    bool tcp_is_fack() const;
    bool tcp_check_sack_reneging(int flag);
    // Loss recovery without SACK (tcp_input.c): the state machine and its helpers.
    void tcp_fastretrans_alert(int64_t pkts_acked, int flag, int64_t tsecr);
    bool tcp_time_to_recover() const;
    bool tcp_may_send_now() const;
    void tcp_update_scoreboard(bool fast_rexmit);
    void tcp_mark_head_lost(int64_t packets);
    void tcp_cwnd_down(int flag);
    void tcp_moderate_cwnd();
    void tcp_complete_cwr();
    void tcp_try_to_open(int flag);
    void tcp_try_keep_open();
    // Undo (tcp_input.c): taking back a cut that proved needless.
    bool tcp_packet_delayed(int64_t tsecr) const;
    bool tcp_may_undo(int64_t tsecr) const;
    void emit_undo(int64_t reason, int64_t tsecr, int64_t stamp);
    void tcp_undo_cwr(bool undo);
    bool tcp_try_undo_recovery(int64_t tsecr);
    void tcp_try_undo_dsack();
    bool tcp_try_undo_partial(int64_t acked, int64_t tsecr);
    bool tcp_try_undo_loss(int64_t tsecr);
    void tcp_clear_retrans_stamp();
    int32_t tcp_ts_lag(uint32_t tsval) const;
    bool tcp_paws_check(uint32_t tsval, int32_t paws_win) const;
    bool tcp_may_update_window(int64_t ack, int64_t ack_seq, int64_t nwin) const;
    bool tcp_paws_discard(const net::TcpRepr& th, int64_t payload_len) const;
    void tcp_set_ca_state(int64_t state, bool new_high_seq);
    void tcp_add_reno_sack();
    void tcp_remove_reno_sacks(int64_t acked);
    void tcp_reset_reno_sack();
    void tcp_check_reno_reordering(int64_t addend);
    int64_t tcp_fackets_out() const;
    void tcp_trim_head(model::SkBuff& skb, int64_t len);
    bool tcp_is_cwnd_limited(int64_t in_flight);
    void tcp_cong_avoid(int64_t ack, int64_t in_flight);
    // Congestion control (tcp_cong.cpp): the hooks of tcp_congestion_ops,
    // dispatched on icsk_ca_ops, and CUBIC with HyStart (tcp_cubic.c).
    uint32_t tcp_time_stamp() const;  // jiffies (HZ = 1000) as the kernel's 32-bit tcp_time_stamp
    void tcp_init_congestion_control();
    int64_t tcp_ca_ssthresh(int64_t cwnd);
    int64_t tcp_current_ssthresh() const;
    int64_t tcp_ca_undo_cwnd() const;
    int64_t tcp_cwnd_min() const;
    void tcp_ca_set_state(int64_t new_state);
    void tcp_ca_pkts_acked(int64_t pkts_acked, int64_t rtt_us);
    void tcp_slow_start();
    void tcp_cong_avoid_ai(int64_t w);
    void bictcp_reset();
    void bictcp_hystart_reset();
    void bictcp_cong_avoid(int64_t ack);
    void bictcp_update();
    int64_t bictcp_recalc_ssthresh(int64_t cwnd);
    void bictcp_acked(int64_t cnt, int64_t rtt_us);
    void hystart_update(int64_t delay);
    void tcp_check_space();
    void tcp_new_space();
    void sk_stream_write_space();
    void tcp_reset();
    void tcp_rtt_estimator(int64_t rtt_us);
    void tcp_xmit_retransmit_queue();
    // tcp_timer.cpp
    void inet_csk_reset_xmit_timer(int64_t what, int64_t when_us);
    void inet_csk_clear_xmit_timer();
    void tcp_retransmit_timer();
    void tcp_probe_timer();
    int tcp_retransmit_skb(model::SkBuff& skb);
    void tcp_enter_loss(bool how);  // how: forget the SACK tags too
    // F-RTO (tcp_input.c): a timeout that may have been spurious.
    bool tcp_is_sackfrto() const;
    bool tcp_use_frto() const;
    void tcp_enter_frto();
    void tcp_enter_frto_loss(int64_t allowed_segments, int flag);
    bool tcp_process_frto(int flag);
    void tcp_enter_cwr();
    void tcp_check_probe_timer();
    int tcp_write_wakeup();
    void tcp_delack_timer();

    const Config cfg_;
    Options opt_;
    trace::Recorder& rec_;
    Link& link_;
    World* world_ = nullptr;

    // Constants derived from the configuration.
    int64_t tcp_header_len_ = 20;  // 20 + 12 with timestamps
    int64_t pmtu_ = 1500;
    uint32_t iss_ = 1000;
    // Addresses on the wire (set by the runner: simulated peer or TAP).
    net::MacAddr our_mac_, peer_mac_;
    net::Ipv4Addr our_ip_, peer_ip_;
    uint16_t our_port_ = 40000, peer_port_ = 5001;

    // Engine-private bookkeeping that is not kernel state.
    bool wakeup_ = false;
    uint64_t bytes_acked_ = 0;
    int64_t skb_allocs_ = 0;  // for scripted allocation failures
    int64_t page_allocs_ = 0;
    int64_t write_timer_at_us_ = -1;   // the write timer still fires after being "cleared" (lazy reclaim)
    int64_t delack_timer_at_us_ = -1;  // so does the delayed-ACK timer after the ACK went out with data
    uint64_t rng_ = 0x9e3779b97f4a7c15ull;
    uint16_t ip_id_ = 1;
    std::vector<uint8_t> frame_buf_;
    std::vector<std::pair<int64_t, int64_t>> tx_completions_;  // (time, truesize) of clones in the device (autocork)
    std::vector<std::span<const uint8_t>> parts_;
    // The bytes behind the model's pages, carved from slabs of kPagesPerSlab
    // that live as long as the engine; a freed page's buffer is reused.
    static constexpr std::size_t kPagesPerSlab = 64;
    std::vector<std::unique_ptr<uint8_t[]>> page_slabs_;
    std::vector<uint8_t*> page_store_;  // by page id (nullptr: freed)
    std::vector<uint8_t*> free_pages_;  // buffers to reuse
    void add_page_buffers(std::size_t pages);
    std::unordered_map<uint32_t, std::vector<uint8_t>> linear_;  // linear payload by skb id
    std::unordered_map<uint32_t, uint32_t> linear_head_;         // bytes pulled off the linear head (tcp_trim_head)
    uint64_t random_u32();
};

// Adds the ones' complement sum of len bytes to a running skb checksum, the
// block starting at byte offset `at` of the payload (odd offsets swap bytes).
int64_t csum_add_block(int64_t sum, const uint8_t* data, int64_t len, int64_t at);

}  // namespace sendpath::engine
