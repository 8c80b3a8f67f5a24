#include "trace/event_doc.hpp"
#include "trace/event_doc_i18n.hpp"
#include "util/i18n.hpp"

#include <array>
#include <iterator>

namespace sendpath::trace {

namespace {

struct AreaDoc {
    std::string_view title;
    std::string_view intro;
};

constexpr AreaDoc kAreas[] = {
    {"tcp_sendmsg: entry",
     "What `tcp_sendmsg` does before it copies a byte: it logs the call, waits for the handshake if the socket is "
     "not yet connected, works out the segment size and refuses a socket that can no longer send."},
    {"tcp_sendmsg: the copy loop",
     "The loop over the application's buffers. Each pass finds an skb with room (the unsent tail, or a fresh one "
     "put on the write queue), copies bytes into its linear area or into page fragments, advances the sequence "
     "numbers, then decides whether to keep filling, push, or leave the full skb queued."},
    {"tcp_sendmsg: waiting for room",
     "The ways the copy loop runs out of room (send buffer full, memory refused, an allocation failed) and the "
     "sleep in `sk_stream_wait_memory` that follows, pushing what was copied first."},
    {"tcp_sendmsg: errors and return",
     "How `tcp_sendmsg` leaves: through `out` with a push of what it copied, or through the error labels, which "
     "clean up after a fault and return either the bytes already queued or a negative errno."},
    {"Socket memory",
     "The accounting behind the send buffer: the global TCP page pool with its pressure levels, pages handed back "
     "to it, and the send buffer shrunk under pressure."},
    {"Push and transmit",
     "From `tcp_push` to the wire: `tcp_write_xmit` walks the unsent skbs and stops at the first test that fails "
     "(congestion window, peer's window, Nagle, TSO deferral); an skb that passes may be split, then "
     "`tcp_transmit_skb` builds its frames."},
    {"ACK processing",
     "A segment from the peer: the checks on it, `tcp_ack` moving `snd_una` and the window, "
     "`tcp_clean_rtx_queue` freeing or trimming acknowledged skbs, the RTT sample and the congestion window, and "
     "finally waking a writer that waits for room."},
    {"Timers",
     "The one write timer, serving as retransmission timer or zero-window probe timer (`icsk_pending` says "
     "which): armed, cleared, and what happens when it fires."},
    {"Loss recovery",
     "What an ACK that is not plain progress sets off (`tcp_fastretrans_alert`): duplicate ACKs counted, the "
     "move from Open through Disorder to Recovery, the head marked lost and sent again at once (fast "
     "retransmit), the window cut by half an ACK at a time, partial ACKs (NewReno) and the way back to Open. "
     "Without SACK, as the engine runs today, each duplicate ACK stands for one segment the peer holds."},
    {"Congestion control",
     "The congestion control's hooks (`struct tcp_congestion_ops`): how the window grows on an ACK of new data, "
     "what ssthresh becomes after a loss, and the private state they keep. 2.6.32's default is CUBIC with "
     "HyStart (`tcp_cubic.c`); a scenario can choose Reno (`sysctl.tcp_congestion_control`). Until the "
     "handshake completes every socket runs a plain Reno."},
    {"Connection",
     "The socket's life around the sends: the SYN, the SYN-ACK and establishment, FINs, resets, `shutdown()` and "
     "`close()`."},
    {"Application and run",
     "Events of sendpath's runner, which plays the application and the scenario's clock: they stand for what "
     "happens outside the TCP code."},
    {"Simulated peer",
     "Events of the simulated receiver at the other end (`core/peer/sim_peer.cpp`): not the sender's kernel, but "
     "what its receiver did, so the sender's behaviour can be explained."},
};
static_assert(std::size(kAreas) == static_cast<std::size_t>(Area::count_));

// The descriptions are ours: written from what the engine does and from the
// notes on the kernel it follows (shared/docs/linux-send-path.md).
std::vector<KindDoc> make_table() {
    using A = Area;
    using O = Origin;
    constexpr std::string_view tcp_c = "net/ipv4/tcp.c";
    constexpr std::string_view out_c = "net/ipv4/tcp_output.c";
    constexpr std::string_view in_c = "net/ipv4/tcp_input.c";
    constexpr std::string_view timer_c = "net/ipv4/tcp_timer.c";
    constexpr std::string_view cubic_c = "net/ipv4/tcp_cubic.c";
    constexpr std::string_view stream_c = "net/core/stream.c";
    // Arguments several kinds share.
    const ArgDoc skb{Arg::skb, "id of the skb concerned"};
    const ArgDoc offset{Arg::offset, "where the copy starts in this call's buffer (bytes from its start)"};
    return {
        // ---- tcp_sendmsg: entry ------------------------------------------------
        {Kind::sendmsg_enter,
         A::sendmsg_entry,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "The application's send() reaches TCP. The socket is locked: segments that arrive from now on wait in the "
         "backlog until the call sleeps or returns. The send timeout is taken from SO_SNDTIMEO, or is zero with "
         "MSG_DONTWAIT.",
         {{Arg::flags, "the send flags (MSG_MORE, MSG_DONTWAIT, MSG_NOSIGNAL, MSG_OOB as bits)"},
          {Arg::iovcnt, "how many buffers (iovecs) the call passes"},
          {Arg::size, "the total bytes asked to send"}}},
        {Kind::wait_connect,
         A::sendmsg_entry,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "Data can be sent only in ESTABLISHED or CLOSE_WAIT. In any other state the call waits for the handshake "
         "to finish in sk_stream_wait_connect.",
         {}},
        {Kind::wait_connect_done,
         A::sendmsg_entry,
         O::kernel,
         {"sk_stream_wait_connect"},
         stream_c,
         {},
         "The wait for the connection is over: it is established, or a pending socket error, a state that can no "
         "longer connect (EPIPE), a zero timeout (EAGAIN) or a signal ended it.",
         {{Arg::err,
           "0 when connected, else a negative errno (the socket's error, EPIPE, EAGAIN, EINTR or ERESTARTSYS)"}}},
        {Kind::async_nospace_clear,
         A::sendmsg_entry,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "A flag an earlier wait for memory left set (SOCK_ASYNC_NOSPACE, used for SIGIO) is cleared on entry; a "
         "new wait may set it again.",
         {}},
        {Kind::send_mss,
         A::sendmsg_entry,
         O::kernel,
         {"tcp_send_mss", "tcp_current_mss", "tcp_xmit_size_goal"},
         "net/ipv4/tcp.c, net/ipv4/tcp_output.c",
         {},
         "The segment size for this call: mss_now from the path MTU and the options in use, and size_goal, how big "
         "one skb may grow: with GSO a multiple of mss_now under 64 KB and under half the peer's largest window, "
         "without it one MSS. Worked out again after every wait.",
         {{Arg::mss_now, "the current MSS in bytes"}, {Arg::size_goal, "the bytes one skb is filled to"}}},
        {Kind::precheck_epipe,
         A::sendmsg_entry,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "Before copying, a pending socket error or a shut-down sending side ends the call with EPIPE. No simulated "
         "run reaches it: after shutdown() the wait for the connection returns EPIPE first.",
         {}},

        // ---- tcp_sendmsg: the copy loop ---------------------------------------
        {Kind::iov_next,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "The loop takes the next of the application's buffers.",
         {{Arg::iov, "index of the buffer, from 0"}, {Arg::seglen, "its length in bytes"}}},
        {Kind::tail_append,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "The last skb of the write queue has not been sent yet and holds fewer than max bytes, so the copy goes "
         "there. max is size_goal, or one MSS when the skb is checksummed in software.",
         {skb,
          {Arg::copy, "room left in it: max minus its length, in bytes"},
          {Arg::max, "the length the skb may reach"}}},
        {Kind::new_segment,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "There is no unsent tail with room (or the page path asked for a new skb): the loop goes to its "
         "new_segment label, which checks the send buffer before allocating.",
         {}},
        {Kind::skb_entail,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg", "sk_stream_alloc_skb", "skb_entail", "select_size"},
         tcp_c,
         {},
         "A fresh skb is allocated, its truesize charged to the socket, and it is linked at the tail of the write "
         "queue (becoming the send head if nothing else is unsent). select_size decides how much linear room it "
         "gets.",
         {skb, {Arg::size, "its linear capacity in bytes (0: every byte will go to page fragments)"}}},
        {Kind::copy_linear,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg", "skb_add_data"},
         "net/ipv4/tcp.c, include/net/sock.h",
         {},
         "Bytes are copied from the application into the skb's linear area (its tailroom), summing them on the way "
         "when the device does not checksum.",
         {{Arg::copy, "bytes copied"}, offset}},
        {Kind::copy_linear_fault,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg", "skb_add_data"},
         "net/ipv4/tcp.c, include/net/sock.h",
         {},
         "Reading the application's buffer faulted while copying into the linear area: the skb is trimmed back and "
         "the call goes to do_fault with EFAULT.",
         {offset}},
        {Kind::page_merge,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg", "skb_can_coalesce", "skb_copy_to_page"},
         "net/ipv4/tcp.c, include/linux/skbuff.h, include/net/sock.h",
         {},
         "The socket's cached page still has room and the skb's last fragment ends exactly where that room starts, "
         "so the bytes are copied into the page and the fragment simply grows. No new page reference is taken.",
         {skb,
          {Arg::page, "id of the page"},
          {Arg::off, "offset in the page where the bytes go"},
          {Arg::copy, "bytes copied"},
          {Arg::refs, "what happened to page references: 0 for a merge (none taken)"},
          offset}},
        {Kind::frags_full,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "A new fragment is needed but the skb cannot take one: every fragment slot is used, or the device has no "
         "scatter-gather. The skb is marked PSH and the loop starts a new segment.",
         {skb, {Arg::segs, "how many fragments the skb holds"}}},
        {Kind::mark_push,
         A::copy_loop,
         O::kernel,
         {"tcp_mark_push"},
         tcp_c,
         {},
         "The PSH flag is set on an skb and pushed_seq moves up to write_seq, the point up to which the sender has "
         "asked for a push.",
         {skb}},
        {Kind::page_release,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "The socket's cached page is used up to its end: the socket drops its reference to it and forgets it, so a "
         "new page will be taken.",
         {{Arg::page, "id of the page let go"}}},
        {Kind::page_none,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "The socket has no cached page: one will be allocated and filled from offset 0.",
         {}},
        {Kind::page_alloc,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg", "sk_stream_alloc_page"},
         "net/ipv4/tcp.c, include/net/sock.h",
         {},
         "A new page is allocated for fragments. Until the copy puts it in a fragment, the only reference to it is "
         "tcp_sendmsg's local variable.",
         {{Arg::page, "id of the new page"}}},
        {Kind::page_new_frag,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg", "skb_copy_to_page"},
         "net/ipv4/tcp.c, include/net/sock.h",
         {},
         "The bytes are copied into the page and become a new fragment of the skb. The fragment takes a page "
         "reference, and a page with room left becomes (or stays) the socket's cached page.",
         {skb,
          {Arg::page, "id of the page"},
          {Arg::off, "offset in the page where the fragment starts"},
          {Arg::copy, "bytes copied"},
          {Arg::refs,
           "what happened to page references: 1 the cached page gained one for the fragment, 2 a new page "
           "became the cached page and gained one, 3 a new page filled by this copy is owned by the fragment alone"},
          offset}},
        {Kind::copy_page_fault,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg", "skb_copy_to_page"},
         "net/ipv4/tcp.c, include/net/sock.h",
         {},
         "Reading the application's buffer faulted while copying into a page. A page just allocated is kept as the "
         "socket's cached page so it is not lost; the call goes to do_error with EFAULT.",
         {{Arg::page, "id of the page"}, offset}},
        {Kind::psh_clear,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "These are the first bytes this call copied: PSH is cleared on the skb, so only the call's last skb "
         "(marked later) asks the receiver to push.",
         {}},
        {Kind::advance,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "The copy is accounted in sequence space: write_seq and the skb's end_seq move by the bytes copied, and the "
         "skb's segment count is reset to be worked out when it is sent.",
         {}},
        {Kind::last_chunk,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "The last byte of the last buffer has been copied: the loop ends and the call goes to out.",
         {}},
        {Kind::continue_fill,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "The skb is still shorter than max (or the call is MSG_OOB): the loop goes on filling it without pushing.",
         {}},
        {Kind::forced_push,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg", "forced_push"},
         tcp_c,
         {},
         "The skb is full and more than half of the peer's largest window has been written since the last push: "
         "the skb is marked PSH and everything queued is pushed now.",
         {}},
        {Kind::push_one,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg", "tcp_push_one"},
         "net/ipv4/tcp.c, net/ipv4/tcp_output.c",
         {},
         "The skb is full and it is the send head (nothing unsent before it): tcp_push_one tries to send just this "
         "skb.",
         {}},
        {Kind::full_queued,
         A::copy_loop,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "The skb is full but unsent skbs are ahead of it: it stays queued and the loop goes on.",
         {}},

        // ---- tcp_sendmsg: waiting for room ------------------------------------
        {Kind::wait_for_sndbuf,
         A::waits,
         O::kernel,
         {"tcp_sendmsg", "sk_stream_memory_free"},
         "net/ipv4/tcp.c, include/net/sock.h",
         {},
         "A new skb is needed but the queued bytes (sk_wmem_queued) have reached the send buffer (sk_sndbuf): "
         "SOCK_NOSPACE is set and the call goes on to wait.",
         {}},
        {Kind::skb_alloc_fail,
         A::waits,
         O::kernel,
         {"tcp_sendmsg", "sk_stream_alloc_skb"},
         tcp_c,
         {},
         "No skb could be had: the allocation failed (a scripted fault, which puts TCP under memory pressure) or "
         "the memory charge for it was refused. The call waits for memory.",
         {}},
        {Kind::wmem_sched_fail,
         A::waits,
         O::kernel,
         {"tcp_sendmsg", "sk_wmem_schedule"},
         "net/ipv4/tcp.c, include/net/sock.h",
         {},
         "The socket could not be charged for the bytes about to go into a page: the global TCP memory limits "
         "refused. The call waits for memory.",
         {{Arg::copy, "bytes the refused charge was for"}}},
        {Kind::page_alloc_fail,
         A::waits,
         O::kernel,
         {"tcp_sendmsg", "sk_stream_alloc_page"},
         "net/ipv4/tcp.c, include/net/sock.h",
         {},
         "No page could be allocated (a scripted fault): TCP enters memory pressure, the send buffer is moderated, "
         "and the call waits for memory.",
         {}},
        {Kind::wait_for_memory,
         A::waits,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "The call is about to sleep. Bytes it already copied are pushed first (without MSG_MORE), so the peer "
         "gets them while the writer waits.",
         {}},
        {Kind::wait_sleep,
         A::waits,
         O::kernel,
         {"sk_stream_wait_memory", "sk_stream_wait_connect"},
         stream_c,
         {},
         "The writer goes to sleep, counted in sk_write_pending while it is asleep. In sk_stream_wait_memory it sets "
         "SOCK_NOSPACE and sleeps until an ACK frees enough room, an error, a signal or the timeout; after a memory "
         "failure (not a full buffer) it first sleeps a random 2 to 201 ms back-off. In sk_stream_wait_connect it "
         "sleeps until the handshake ends.",
         {{Arg::vm_wait_ms, "the back-off in ms; only when this sleep is one"},
          {Arg::timeo_ms, "the send timeout left in ms, -1 for none"}}},
        {Kind::wait_end,
         A::waits,
         O::kernel,
         {"sk_stream_wait_memory"},
         stream_c,
         {},
         "The wait is over: there is room again, or an error or shutdown (EPIPE), no time left (EAGAIN) or a signal "
         "(EINTR, or ERESTARTSYS without a timeout) ends it.",
         {{Arg::err, "0 to carry on copying, else the negative errno"},
          {Arg::timeo_ms, "the send timeout left in ms, -1 for none"}}},

        // ---- tcp_sendmsg: errors and return -----------------------------------
        {Kind::do_fault,
         A::sendmsg_exit,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "The do_fault label, after a fault in the linear copy: an skb the fault left empty must not stay queued.",
         {}},
        {Kind::fault_unlink,
         A::sendmsg_exit,
         O::kernel,
         {"tcp_sendmsg", "tcp_unlink_write_queue", "sk_wmem_free_skb"},
         "net/ipv4/tcp.c, include/net/tcp.h, include/net/sock.h",
         {},
         "The empty skb is taken off the write queue (and off the send head) and freed, its memory uncharged.",
         {skb}},
        {Kind::do_error,
         A::sendmsg_exit,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "The do_error label: if this call copied anything it returns that count, else it returns the error.",
         {}},
        {Kind::return_partial,
         A::sendmsg_exit,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "An error came after some bytes were queued: the error is dropped and the bytes copied are returned (via "
         "out, which pushes them).",
         {{Arg::ret, "the bytes copied, which the call returns"}}},
        {Kind::out_push,
         A::sendmsg_exit,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "The out label with bytes copied: tcp_push with the call's flags and the socket's Nagle and cork setting.",
         {{Arg::flags, "the call's send flags"}}},
        {Kind::out_err,
         A::sendmsg_exit,
         O::kernel,
         {"tcp_sendmsg", "sk_stream_error"},
         "net/ipv4/tcp.c, net/core/stream.c",
         {},
         "The out_err label: sk_stream_error turns EPIPE into a pending socket error if there is one, and raises "
         "SIGPIPE for EPIPE unless the call passed MSG_NOSIGNAL.",
         {{Arg::err, "the negative errno returned"}, {Arg::sigpipe, "1 when SIGPIPE is raised, else 0"}}},
        {Kind::sendmsg_exit,
         A::sendmsg_exit,
         O::kernel,
         {"tcp_sendmsg"},
         tcp_c,
         {},
         "tcp_sendmsg returns to the application and the socket is released.",
         {{Arg::ret, "bytes sent, or a negative errno"}}},

        // ---- Socket memory ----------------------------------------------------
        {Kind::mem_pressure,
         A::memory,
         O::kernel,
         {"tcp_enter_memory_pressure", "__sk_mem_schedule"},
         "net/ipv4/tcp.c, net/core/sock.c",
         {},
         "TCP as a whole enters memory pressure (pages in use passed tcp_mem[1], or an allocation failed) or leaves "
         "it (a charge found usage back under tcp_mem[0]).",
         {{Arg::value, "1 entering pressure, 0 leaving it"}}},
        {Kind::mem_schedule,
         A::memory,
         O::kernel,
         {"sk_wmem_schedule", "__sk_mem_schedule"},
         "include/net/sock.h, net/core/sock.c",
         {},
         "A charge is larger than sk_forward_alloc: whole pages are taken from TCP's pool (tcp_memory_allocated) "
         "and the tcp_mem levels decide whether the socket may keep them. Refused, the pages go back.",
         {{Arg::size, "bytes to be charged"},
          {Arg::value, "pages added to sk_forward_alloc (0 when refused)"},
          {Arg::ret, "1 granted, 0 refused"}}},
        {Kind::mem_suppress,
         A::memory,
         O::kernel,
         {"__sk_mem_schedule"},
         "net/core/sock.c",
         {},
         "The pages just charged take TCP past what this socket may have: the pool is over tcp_mem[2], or TCP is "
         "under pressure and this socket already holds more than its share (tcp_mem[2] pages for every socket of "
         "its size would not fit). __sk_mem_schedule goes to suppress_allocation: sk_stream_moderate_sndbuf shrinks "
         "sk_sndbuf to half of what is queued (not below SOCK_MIN_SNDBUF), then the charge is still granted if "
         "what is queued plus it reaches sk_sndbuf (the writer will wait for buffer space), else refused and the "
         "pages go back (mem_schedule says which).",
         {{Arg::size, "bytes to be charged"},
          {Arg::value, "pages charged on entry"},
          {Arg::reason, "1 over tcp_mem[2], 2 under pressure and over this socket's share"}}},
        {Kind::skb_alloc,
         A::memory,
         O::kernel,
         {"sk_stream_alloc_skb"},
         "net/ipv4/tcp.c",
         {},
         "A new skb: its linear room is rounded up to 4 bytes, the data area (with MAX_TCP_HEADER) to the cache "
         "line, and truesize is that plus struct sk_buff. Its truesize has been scheduled (sk_wmem_schedule).",
         {skb, {Arg::size, "linear payload room"}, {Arg::value, "truesize, in bytes"}}},
        {Kind::mem_reclaim,
         A::memory,
         O::kernel,
         {"sk_mem_reclaim", "__sk_mem_reclaim"},
         "include/net/sock.h, net/core/sock.c",
         {},
         "Whole pages of the socket's prepaid allowance (sk_forward_alloc) go back to the global pool. 2.6.32 does "
         "this lazily, here when the write timer runs.",
         {{Arg::value, "pages returned"}}},
        {Kind::sndbuf_moderate,
         A::memory,
         O::kernel,
         {"sk_stream_moderate_sndbuf"},
         "include/net/sock.h",
         {},
         "Under memory pressure an unlocked send buffer shrinks to half of what is queued (but not below 2048 "
         "bytes), so the writer blocks sooner.",
         {{Arg::old, "sk_sndbuf before, in bytes"}, {Arg::value, "sk_sndbuf after, in bytes"}}},

        // ---- Push and transmit ------------------------------------------------
        {Kind::tcp_push,
         A::xmit,
         O::kernel,
         {"tcp_push"},
         tcp_c,
         {},
         "Push what is queued: unless MSG_MORE (or when a push is forced) the tail skb gets PSH, MSG_OOB sets the "
         "urgent pointer, then the pending frames are pushed (corked under MSG_MORE).",
         {{Arg::flags, "the send flags it was called with"},
          {Arg::nonagle, "the Nagle setting it was given (bits: 1 off, 2 cork, 4 push once)"}}},
        {Kind::autocork_defer,
         A::xmit,
         O::kernel,
         {"tcp_push", "tcp_should_autocork"},
         tcp_c,
         "Linux 3.14 and later; engine option autocork",
         "Autocorking: the tail is small and earlier data is still in the device, so nothing is sent now; the "
         "device's completion pushes the tail later, maybe grown by then.",
         {skb}},
        {Kind::push_pending,
         A::xmit,
         O::kernel,
         {"__tcp_push_pending_frames"},
         out_c,
         {},
         "Try to send everything unsent (nothing happens if the socket is closed or nothing is unsent). If nothing "
         "could go while nothing is in flight, the zero-window probe timer is armed.",
         {{Arg::nonagle, "the Nagle setting used (bits: 1 off, 2 cork, 4 push once)"}}},
        {Kind::write_xmit,
         A::xmit,
         O::kernel,
         {"tcp_write_xmit"},
         out_c,
         {},
         "The transmit loop starts at the send head and sends skbs until a test fails or nothing is left.",
         {{Arg::nonagle, "the Nagle setting for the queue's tail (bits: 1 off, 2 cork, 4 push once)"},
          {Arg::push_one, "1 when called from tcp_push_one (at most one skb, no TSO deferral)"}}},
        {Kind::cwnd_limited,
         A::xmit,
         O::kernel,
         {"tcp_write_xmit", "tcp_cwnd_test"},
         out_c,
         {},
         "The segments in flight fill the congestion window: sending stops until ACKs come back.",
         {skb,
          {Arg::in_flight, "segments in flight: sent and unacknowledged, less those marked lost, plus retransmissions"},
          {Arg::cwnd, "the congestion window, in segments"}}},
        {Kind::rwnd_limited,
         A::xmit,
         O::kernel,
         {"tcp_write_xmit", "tcp_snd_wnd_test"},
         out_c,
         {},
         "The skb's first segment would end past what the peer's window allows: sending stops until the window "
         "opens.",
         {skb, {Arg::win, "the peer's window (snd_wnd), in bytes"}}},
        {Kind::nagle_defer,
         A::xmit,
         O::kernel,
         {"tcp_write_xmit", "tcp_nagle_test"},
         out_c,
         {},
         "Nagle's algorithm (Minshall's form) or TCP_CORK holds back a segment smaller than the MSS: with cork "
         "always, with Nagle while an earlier small segment is unacknowledged.",
         {skb,
          {Arg::len, "the skb's length in bytes"},
          {Arg::nonagle, "the Nagle setting (bits: 1 off, 2 cork, 4 push once)"}}},
        {Kind::tso_defer,
         A::xmit,
         O::kernel,
         {"tcp_write_xmit", "tcp_tso_should_defer"},
         out_c,
         {},
         "TSO deferral: the windows would allow only a small part of a multi-segment skb, so sending waits briefly "
         "for a bigger burst.",
         {skb}},
        {Kind::mark_urg,
         A::xmit,
         O::kernel,
         {"tcp_push", "tcp_mark_urg"},
         tcp_c,
         {},
         "send() with MSG_OOB: before pushing, tcp_push puts the urgent pointer snd_up at write_seq. Urgent mode "
         "lasts until snd_una reaches snd_up; meanwhile each segment that starts before snd_up carries URG and "
         "points at it.",
         {{Arg::skb, "id of the tail skb, holding the urgent byte"}}},
        {Kind::split_point,
         A::xmit,
         O::kernel,
         {"tcp_write_xmit", "tcp_write_wakeup"},
         out_c,
         {},
         "The skb is longer than what may go out now (the cwnd and window split point of tcp_mss_split_point, or "
         "the window's edge for a probe): it is to be cut at limit bytes, by tso_fragment or tcp_fragment.",
         {skb, {Arg::len, "its length now, in bytes"}, {Arg::limit, "the bytes the first part keeps"}}},
        {Kind::tso_split,
         A::xmit,
         O::kernel,
         {"tso_fragment", "tcp_fragment"},
         out_c,
         {},
         "The skb is longer than may go now (window, congestion window, or one MSS for a retransmission or "
         "probe): it is cut in two, the tail part becoming a new skb right after it.",
         {{Arg::skb, "id of the skb cut (it keeps the first part)"},
          {Arg::len, "bytes it keeps"},
          {Arg::value, "id of the new skb holding the rest"}}},
        {Kind::split_fail,
         A::xmit,
         O::kernel,
         {"tso_fragment", "tcp_fragment"},
         out_c,
         {},
         "The second skb of a split could not be allocated (usually the memory charge was refused): nothing is "
         "split and the caller stops sending.",
         {{Arg::skb, "id of the skb that was to be cut"}, {Arg::len, "bytes it was to keep"}}},
        {Kind::xmit_pass,
         A::xmit,
         O::kernel,
         {"tcp_write_xmit"},
         out_c,
         {},
         "The skb passed every test: it is stamped with the time (for the RTT sample) and handed to "
         "tcp_transmit_skb.",
         {skb,
          {Arg::quota, "segments the congestion window still allows"},
          {Arg::limit, "the most bytes the skb may carry now"}}},
        {Kind::transmit,
         A::xmit,
         O::kernel,
         {"tcp_transmit_skb"},
         out_c,
         {},
         "The skb's frames are built (TCP and IP headers with options and checksums) and handed to the device; "
         "without TSO a multi-segment skb is cut into MSS-sized frames by software GSO.",
         {skb,
          {Arg::seq, "its first sequence number"},
          {Arg::end_seq, "the sequence number after its last byte"},
          {Arg::frames, "frames built from it"},
          {Arg::dropped, "frames lost on the way; only when some were"}}},
        {Kind::new_data_sent,
         A::xmit,
         O::kernel,
         {"tcp_event_new_data_sent"},
         out_c,
         {},
         "New data left: the send head moves to the next skb, snd_nxt to the skb's end, and its segments count as "
         "in flight. The first segment in flight arms the retransmission timer.",
         {skb, {Arg::end_seq, "its end sequence number"}, {Arg::segs, "its segments, now in flight"}}},
        {Kind::minshall_update,
         A::xmit,
         O::kernel,
         {"tcp_minshall_update"},
         out_c,
         {},
         "A segment smaller than the MSS was sent: snd_sml remembers where it ends, for Nagle's test.",
         {{Arg::end_seq, "the end of that small segment"}}},
        {Kind::send_ack,
         A::xmit,
         O::kernel,
         {"tcp_send_ack", "tcp_write_wakeup"},
         out_c,
         {},
         "A segment without data and without an skb on the write queue: the ACK ending the handshake or answering "
         "a FIN, or a window probe that repeats an old byte's sequence number.",
         {{Arg::ack, "the acknowledgment number it carries; only on an ACK of tcp_send_ack"},
          {Arg::seq, "its sequence number (snd_una - 1); only on a window probe"}}},
        {Kind::tx_complete,
         A::xmit,
         O::kernel,
         {"tcp_wfree"},
         out_c,
         "Linux 3.6 and later (TCP small queues); engine option autocork",
         "The device is done with a clone of a sent skb: the socket's in-device bytes (sk_wmem_alloc) shrink. When "
         "the last one completes, the small-queue throttle lifts and what autocorking held is pushed.",
         {{Arg::value, "sk_wmem_alloc after, in bytes"}}},

        // ---- ACK processing ---------------------------------------------------
        {Kind::frame_bad,
         A::ack,
         O::kernel,
         {"tcp_v4_rcv", "tcp_rcv_synsent_state_process"},
         "net/ipv4/tcp_ipv4.c, net/ipv4/tcp_input.c",
         {},
         "An incoming frame is not a TCP segment of this connection, or answers our SYN with the wrong "
         "acknowledgment number: it is counted and ignored. reason 1: not a TCP segment (or its checksum or "
         "lengths are wrong); 2: a TCP segment for another address or port; 3: a bad answer to our SYN.",
         {{Arg::len, "the frame's length in bytes; for a frame not of this connection"},
          {Arg::ack, "the wrong acknowledgment number; for a bad answer to the SYN"},
          {Arg::reason, "1, 2 or 3 (above)"}}},
        {Kind::ts_recent,
         A::ack,
         O::kernel,
         {"tcp_replace_ts_recent"},
         in_c,
         {},
         "The segment carries a newer timestamp: it is kept, to be echoed in the segments we send.",
         {{Arg::value, "the peer's timestamp value"}}},
        {Kind::ack,
         A::ack,
         O::kernel,
         {"tcp_ack", "tcp_ack_update_window"},
         in_c,
         {},
         "An acknowledgment is processed: snd_una moves up to it and the peer's window is taken if the segment is "
         "newer than the one the window came from. An ACK below snd_una (stale) or above snd_nxt (for data never "
         "sent) changes nothing.",
         {{Arg::ack, "the acknowledgment number"},
          {Arg::win, "the window it advertises, in bytes (scaled)"},
          {Arg::bytes, "bytes newly acknowledged; when the ACK is taken"},
          {Arg::reason, "why it was ignored: 1 older than snd_una, 2 beyond snd_nxt; only then"}}},
        {Kind::ack_trim,
         A::ack,
         O::kernel,
         {"tcp_trim_head", "tcp_tso_acked"},
         "net/ipv4/tcp_output.c, net/ipv4/tcp_input.c",
         {},
         "Part of an skb has been acknowledged (the first segments of a multi-segment skb, or the start of an skb "
         "about to be retransmitted): those bytes are cut off its head and their memory uncharged.",
         {skb, {Arg::len, "bytes cut off"}}},
        {Kind::skb_free,
         A::ack,
         O::kernel,
         {"tcp_clean_rtx_queue", "sk_wmem_free_skb", "tcp_write_queue_purge"},
         "net/ipv4/tcp_input.c, include/net/sock.h, include/net/tcp.h",
         {},
         "An skb leaves the write queue and is freed: its truesize is uncharged and its page references are "
         "dropped. Most often it was fully acknowledged (tcp_clean_rtx_queue); a socket closed in SYN_SENT frees "
         "its SYN this way too, when it is destroyed.",
         {skb, {Arg::size, "its truesize, in bytes, given back"}}},
        {Kind::rtx_acked,
         A::ack,
         O::kernel,
         {"tcp_clean_rtx_queue"},
         in_c,
         {},
         "What this ACK took off the retransmission queue, counted in segments, and what is still in flight. The "
         "retransmission timer is then restarted, or cleared if nothing is left.",
         {{Arg::segs, "segments acknowledged"}, {Arg::value, "segments still in flight (packets_out)"}}},
        {Kind::rtt_sample,
         A::ack,
         O::kernel,
         {"tcp_rtt_estimator"},
         in_c,
         {},
         "An acknowledged segment that was sent only once gives a round-trip sample: the smoothed RTT, its "
         "variation and the retransmission timeout are updated.",
         {{Arg::value, "the sample, in microseconds"}}},
        {Kind::cong_avoid,
         A::congestion,
         O::kernel,
         {"tcp_reno_cong_avoid", "bictcp_cong_avoid", "tcp_slow_start", "tcp_cong_avoid_ai"},
         "net/ipv4/tcp_cong.c",
         {},
         "The congestion window grows by one segment: on every ACK in slow start (cwnd <= ssthresh); in "
         "congestion avoidance once snd_cwnd_cnt has counted w ACKs, where w is cwnd for Reno and ca_cnt for "
         "CUBIC. Only while the window is actually being used (tcp_is_cwnd_limited).",
         {{Arg::cwnd, "the new congestion window, in segments"}, {Arg::ssthresh, "the slow-start threshold"}}},
        {Kind::cwnd_count,
         A::congestion,
         O::kernel,
         {"tcp_cong_avoid_ai", "tcp_reno_cong_avoid", "bictcp_cong_avoid"},
         "net/ipv4/tcp_cong.c",
         {},
         "In congestion avoidance an ACK that does not yet grow the window is counted in snd_cwnd_cnt (Reno "
         "grows after cwnd of them, CUBIC after ca_cnt).",
         {{Arg::cwnd, "the congestion window, in segments"}, {Arg::value, "the count after this ACK"}}},
        {Kind::queue_shrunk,
         A::ack,
         O::kernel,
         {"tcp_check_space"},
         in_c,
         {},
         "Acknowledged skbs were freed or trimmed (SOCK_QUEUE_SHRUNK): the flag is cleared, and if a writer is "
         "waiting for room the send buffer may grow and the writer may be woken.",
         {{Arg::value, "1 when a writer waits for room (SOCK_NOSPACE), else 0"}}},
        {Kind::sndbuf_grow,
         A::ack,
         O::kernel,
         {"tcp_new_space"},
         in_c,
         {},
         "An unlocked send buffer grows to hold about two congestion windows of segments, when memory is plentiful "
         "and the window is not already full.",
         {{Arg::old, "sk_sndbuf before, in bytes"}, {Arg::value, "sk_sndbuf after, in bytes"}}},
        {Kind::write_space,
         A::ack,
         O::kernel,
         {"sk_stream_write_space"},
         stream_c,
         {},
         "At least a third of the send buffer is free: SOCK_NOSPACE is cleared and a waiting writer is woken.",
         {{Arg::value, "free room (sk_sndbuf - sk_wmem_queued), in bytes"}}},

        // ---- Timers -----------------------------------------------------------
        {Kind::rto_arm,
         A::timers,
         O::kernel,
         {"inet_csk_reset_xmit_timer"},
         "include/net/inet_connection_sock.h",
         {},
         "The write timer is set as the retransmission timer: it fires if no ACK restarts it in time.",
         {{Arg::value, "the timeout, in microseconds from now"}}},
        {Kind::probe0_arm,
         A::timers,
         O::kernel,
         {"inet_csk_reset_xmit_timer"},
         "include/net/inet_connection_sock.h",
         {},
         "The write timer is set as the zero-window probe timer: data waits, nothing is in flight, and the peer's "
         "window has no room.",
         {{Arg::value, "the timeout, in microseconds from now"}}},
        {Kind::timer_clear,
         A::timers,
         O::kernel,
         {"inet_csk_clear_xmit_timer"},
         "include/net/inet_connection_sock.h",
         {},
         "No timer is pending any more (everything in flight was acknowledged). 2.6.32 leaves the kernel timer "
         "itself running; when it fires it finds nothing to do but reclaim memory.",
         {}},
        {Kind::delack_fire,
         A::timers,
         O::kernel,
         {"tcp_delack_timer"},
         timer_c,
         {},
         "The delayed-ACK timer expires while still armed: it is spent, and the ACK still owed goes out alone "
         "(tcp_send_ack).",
         {{Arg::value, "1 when an ACK was owed and is sent now"}}},
        {Kind::rto_fire,
         A::timers,
         O::kernel,
         {"tcp_retransmit_timer", "tcp_write_timer"},
         timer_c,
         {},
         "The retransmission timer expired without an ACK: unless TCP gives up on the connection, it enters loss "
         "recovery, sends the head again and doubles the timeout.",
         {{Arg::value, "the timeout that expired, in microseconds"}}},
        {Kind::set_ca_state,
         A::recovery,
         O::kernel,
         {"tcp_fastretrans_alert", "tcp_set_ca_state", "tcp_try_keep_open"},
         in_c,
         {},
         "The congestion state machine changes state: an ACK of high_seq ends Loss or Recovery (back to Open); "
         "a duplicate ACK, or anything still counted lost, retransmitted or undoable, moves Open to Disorder "
         "(high_seq is then set to snd_nxt), and Disorder returns to Open once high_seq is acknowledged.",
         {{Arg::old, "the state before (0 Open, 1 Disorder, 2 CWR, 3 Recovery, 4 Loss)"},
          {Arg::value, "the state now"}}},
        {Kind::dupack,
         A::recovery,
         O::kernel,
         {"tcp_add_reno_sack", "tcp_fastretrans_alert"},
         in_c,
         {},
         "The ACK repeats snd_una, carries no data and no window change: a duplicate ACK. Without SACK it is the "
         "only sign that a later segment arrived while an earlier one is missing, so sacked_out counts one more "
         "segment held by the peer (and packets_in_flight one fewer). tcp_reordering (3) of them and the next "
         "one means a loss.",
         {{Arg::value, "sacked_out now"}}},
        {Kind::reno_sacks,
         A::recovery,
         O::kernel,
         {"tcp_remove_reno_sacks", "tcp_reset_reno_sack"},
         in_c,
         {},
         "New data was acknowledged. Without SACK, tcp_clean_rtx_queue takes one duplicate ACK back for each "
         "segment the ACK covered beyond the first (the hole itself); leaving Recovery or Loss forgets them all.",
         {{Arg::old, "sacked_out before"},
          {Arg::segs, "segments this ACK covered (when counted by tcp_clean_rtx_queue)"},
          {Arg::value, "sacked_out now"}}},
        {Kind::reordering,
         A::recovery,
         O::kernel,
         {"tcp_update_reordering", "tcp_check_reno_reordering"},
         in_c,
         {},
         "More duplicate ACKs came than segments are out: they cannot all mean losses, so the path reorders. "
         "sacked_out is held below packets_out and the reordering metric grows to what was seen (at most 127).",
         {{Arg::old, "reordering before"}, {Arg::value, "reordering now"}}},
        {Kind::enter_recovery,
         A::recovery,
         O::kernel,
         {"tcp_fastretrans_alert", "tcp_time_to_recover"},
         in_c,
         {},
         "tcp_time_to_recover says the hole is a loss: without SACK, sacked_out + 1 exceeds reordering (the third "
         "duplicate ACK). The state becomes Recovery (3), high_seq = snd_nxt marks what must be acknowledged to "
         "end it, ssthresh drops to what the congestion control says (Reno half cwnd, CUBIC 717/1024 of it, at "
         "least 2) and the head is marked lost to go out at once.",
         {{Arg::old, "the state before"},
          {Arg::value, "sacked_out: the duplicate ACKs counted"},
          {Arg::cwnd, "cwnd, not yet reduced"},
          {Arg::ssthresh, "the new slow-start threshold"}}},
        {Kind::mark_lost,
         A::recovery,
         O::kernel,
         {"tcp_mark_head_lost", "tcp_update_scoreboard", "tcp_skb_mark_lost"},
         in_c,
         {},
         "An skb at the head of the write queue is taken for lost (TCPCB_LOST) and counted in lost_out. Without "
         "SACK only one segment is marked each time: the head on entering Recovery, the next hole after each "
         "partial ACK (a longer skb is cut to one segment first).",
         {skb, {Arg::seq, "its first sequence number"}, {Arg::value, "lost_out now"}}},
        {Kind::cwnd_down,
         A::recovery,
         O::kernel,
         {"tcp_cwnd_down"},
         in_c,
         {},
         "Rate halving: during recovery every ACK that shows progress, and without SACK every duplicate ACK, "
         "counts in snd_cwnd_cnt; every second one takes a segment off cwnd (while it is above tcp_cwnd_min: Reno's "
         "ssthresh / 2, CUBIC's ssthresh), and cwnd is "
         "never above what is in flight plus one, so one segment leaves per two ACKs.",
         {{Arg::old, "cwnd before"}, {Arg::cwnd, "cwnd now"}, {Arg::in_flight, "packets in flight"}}},
        {Kind::moderate_cwnd,
         A::recovery,
         O::kernel,
         {"tcp_moderate_cwnd"},
         in_c,
         {},
         "After a dubious ACK (in Disorder, in Loss, or when Recovery ends) cwnd is cut to what is in flight plus "
         "tcp_max_burst (the reordering metric, 3), so that one ACK cannot release a burst.",
         {{Arg::old, "cwnd before"}, {Arg::cwnd, "cwnd now"}, {Arg::in_flight, "packets in flight"}}},
        {Kind::complete_cwr,
         A::recovery,
         O::kernel,
         {"tcp_complete_cwr"},
         in_c,
         {},
         "Recovery is over: cwnd comes down to ssthresh if rate halving left it above.",
         {{Arg::old, "cwnd before"}, {Arg::cwnd, "cwnd now"}, {Arg::ssthresh, "the slow-start threshold"}}},
        {Kind::recovery_hold,
         A::recovery,
         O::kernel,
         {"tcp_try_undo_recovery"},
         in_c,
         {},
         "The ACK is exactly high_seq. Without SACK the state is kept until something above high_seq is "
         "acknowledged (RFC 2582), so that duplicate ACKs for segments sent before the loss cannot start a "
         "second, false fast retransmit; cwnd is moderated meanwhile.",
         {{Arg::ack, "snd_una, equal to high_seq"}, {Arg::value, "the state kept (3 Recovery, 4 Loss)"}}},
        {Kind::partial_ack,
         A::recovery,
         O::kernel,
         {"tcp_try_undo_partial", "tcp_fastretrans_alert"},
         in_c,
         {},
         "In Recovery an ACK moves snd_una but stays below high_seq: the retransmission arrived, but another "
         "segment of the same window is missing too. NewReno takes the new head for lost and sends it at once, "
         "without waiting for three more duplicate ACKs.",
         {{Arg::ack, "snd_una now"}, {Arg::end_seq, "high_seq, where recovery ends"}}},
        {Kind::loss_ack,
         A::recovery,
         O::kernel,
         {"tcp_fastretrans_alert"},
         in_c,
         {},
         "In Loss an ACK acknowledged new data (or reached high_seq): the connection is making progress, so the "
         "count of timeouts in a row that would make TCP give up (icsk_retransmits) starts again from 0.",
         {{Arg::value, "icsk_retransmits now (0)"}}},
        {Kind::sack_blocks,
         A::recovery,
         O::kernel,
         {"tcp_sacktag_write_queue"},
         in_c,
         {},
         "The ACK carries SACK blocks: ranges the peer holds beyond the cumulative ACK. They are checked, sorted "
         "and walked against the write queue in one pass. When nothing was SACKed before, the highest SACK "
         "(highest_sack) starts again from the head and fackets_out from 0.",
         {{Arg::segs, "blocks in the option"}, {Arg::ack, "the cumulative ACK it came with"}}},
        {Kind::sack_discard,
         A::recovery,
         O::kernel,
         {"tcp_is_sackblock_valid", "tcp_sacktag_write_queue", "tcp_parse_options"},
         in_c,
         {},
         "A SACK block is not used. reason 1: it ends past snd_nxt, or is empty or reversed; 2: it starts at or "
         "past snd_nxt; 3: it starts at or below snd_una and is no D-SACK that could count; 4: a D-SACK ending at "
         "or below snd_una (2.6.32 refuses those); 5: a D-SACK older than undo_marker; 6: it lies wholly below "
         "what was already ACKed, nothing to learn; 7: the option's length is no whole number of blocks, so the "
         "whole option is ignored. Nothing else changes: a bad block never stops the ACK.",
         {{Arg::seq, "block start"}, {Arg::end_seq, "block end"}, {Arg::reason, "why (1-7)"}}},
        {Kind::dsack,
         A::recovery,
         O::kernel,
         {"tcp_check_dsack", "tcp_dsack_seen"},
         in_c,
         {},
         "The first SACK block lies below the cumulative ACK, or inside the second block: the peer reports data "
         "it received twice (D-SACK, RFC 2883), so a retransmission was not needed. sack_ok gains 4 (a D-SACK "
         "seen). A D-SACK for a resent skb clears its retransmission from retrans_out and takes one off "
         "undo_retrans; one for data acknowledged before this ACK (its skb already freed) and sent after "
         "undo_marker takes one off here, whatever it covers, as 2.6.32 counts it.",
         {{Arg::seq, "block start"}, {Arg::end_seq, "block end"}, {Arg::value, "undo_retrans after this D-SACK"}}},
        {Kind::sack_tag,
         A::recovery,
         O::kernel,
         {"tcp_sacktag_one", "tcp_sacktag_walk", "tcp_advance_highest_sack"},
         in_c,
         {},
         "A SACK block covers this skb (cut first at a segment boundary if it covered only part of it): it is "
         "tagged SACKED (0x01) and its segments join sacked_out; a LOST tag goes, and lost_out with it. "
         "fackets_out grows to the segments from the head through this one. If it is the highest SACKed skb, "
         "highest_sack moves to the skb after it.",
         {{Arg::skb, "the skb"},
          {Arg::seq, "its start"},
          {Arg::end_seq, "its end"},
          {Arg::old, "sacked_out before"},
          {Arg::value, "sacked_out now"},
          {Arg::segs, "fackets_out now"}}},
        {Kind::skb_shift,
         A::recovery,
         O::kernel,
         {"skb_shift", "skb_can_coalesce"},
         in_c,
         {},
         "Part of a SACK walk (tcp_shift_skb_data): the first len bytes of this skb, all in page fragments, move "
         "to the end of the target skb before it. A first fragment that continues the target's last one in the "
         "same page is merged into it and its page reference dropped; the others move whole; one cut in two "
         "leaves a part on each side, the page then counted once more. len, data_len and truesize move by len "
         "on both; both now leave with the device's checksum (CHECKSUM_PARTIAL). It changes nothing when the "
         "target would need more than MAX_SKB_FRAGS (sysctl.max_skb_frags) fragments.",
         {{Arg::skb, "the skb the bytes leave"},
          {Arg::target, "the skb before it, which takes them"},
          {Arg::len, "bytes moved"},
          {Arg::old, "the target's fragments before"},
          {Arg::value, "the target's fragments now"}}},
        {Kind::sack_shift,
         A::recovery,
         O::kernel,
         {"tcp_shifted_skb", "tcp_shift_skb_data", "tcp_sacktag_one"},
         in_c,
         {},
         "A SACK block covers whole segments at the start of this skb, and the skb before it is SACKed (and "
         "neither lost nor resent): with GSO, 2.6.32 moves those segments into that skb instead of tagging "
         "them where they are, so a SACKed run is one skb. The edge between the two moves (the target's end_seq "
         "and this skb's seq), segs segments move from gso_segs to gso_segs, and they join sacked_out as "
         "tcp_sacktag_one counts them (a LOST tag on them leaves lost_out). The target keeps its own tags, "
         "plus EVER_RETRANS if the moved data was ever resent.",
         {{Arg::skb, "the skb the segments leave"},
          {Arg::target, "the SACKed skb before it"},
          {Arg::len, "bytes moved"},
          {Arg::segs, "segments moved"},
          {Arg::old, "sacked_out before"},
          {Arg::value, "sacked_out now"}}},
        {Kind::sack_merge,
         A::recovery,
         O::kernel,
         {"tcp_shifted_skb", "tcp_unlink_write_queue", "sk_wmem_free_skb"},
         in_c,
         {},
         "Every byte of this skb moved into the SACKed skb before it: it leaves the write queue and is freed. "
         "What was left of its truesize (the struct and its empty data area) comes off sk_wmem_queued; if it "
         "was the highest SACKed skb, highest_sack moves to the skb after it. When the skb eaten was a "
         "retransmission filling a hole, the SACKed skb after it is moved in too.",
         {{Arg::skb, "the skb freed"}, {Arg::target, "the skb that took its data"}, {Arg::size, "truesize freed"}}},
        {Kind::sack_skip,
         A::recovery,
         O::kernel,
         {"tcp_sacktag_write_queue", "tcp_sacktag_skip", "tcp_sack_cache_ok", "tcp_highest_sack"},
         in_c,
         {},
         "The walk of the write queue passes over skbs it need not look at; nothing changes. The blocks of the "
         "previous SACK ACK (recv_sack_cache) were walked then, so where a block overlaps one of them only its "
         "new parts are walked: no tag, shift or merge is tried on the skbs inside the cached block. reason 1: "
         "the rest of the block lies inside the cached block (seq, end_seq); 2: the walk moved past the cached "
         "block (its skbs counted in fack_count only); 3: the cached block ends where the highest SACK does, so "
         "the walk goes on at tcp_highest_sack, the skb after the highest SACKed one, with fackets_out segments "
         "before it; 4: the block (seq, end_seq) starts at or above the highest SACK, so the walk jumps there "
         "the same way.",
         {{Arg::seq, "the cached block's start, or the block's (reason 4)"},
          {Arg::end_seq, "its end"},
          {Arg::reason, "1-4"},
          {Arg::skb, "the skb the walk is at now (0: none)"},
          {Arg::segs, "fack_count: the segments before that skb"}}},
        {Kind::sack_cache,
         A::recovery,
         O::kernel,
         {"tcp_sacktag_write_queue"},
         in_c,
         {},
         "At the end of the walk the ACK's usable SACK blocks (in sequence order) are kept in recv_sack_cache "
         "for the next SACK ACK: the unused entries first, as 0 to 0, then the blocks. Emitted only when the "
         "cache changed. The next ACK skips what these blocks covered, unless nothing is SACKed by then.",
         {{Arg::segs, "blocks kept"}}},
        {Kind::lost_retrans,
         A::recovery,
         O::kernel,
         {"tcp_mark_lost_retrans"},
         in_c,
         {},
         "With FACK in Recovery: this retransmission went out when snd_nxt was at `ack`, and the peer now SACKs "
         "data above that, sent later, so the retransmission was lost as well. Its retransmission no longer "
         "counts in retrans_out and it is marked lost to go out again. Without skb: lost_retrans_low, the lowest "
         "snd_nxt of a retransmission still in flight, moved.",
         {{Arg::skb, "the skb"},
          {Arg::seq, "its start, or lost_retrans_low now"},
          {Arg::ack, "snd_nxt when it was resent"},
          {Arg::value, "lost_out now"}}},
        {Kind::sack_reneging,
         A::recovery,
         O::kernel,
         {"tcp_check_sack_reneging"},
         in_c,
         {},
         "The cumulative ACK stops at an skb the peer had SACKed: it has dropped data it reported holding. "
         "Nothing it SACKed can be trusted, so the connection enters Loss forgetting every SACK tag "
         "(tcp_enter_loss with how = 1), counts a timeout and resends the head at once.",
         {{Arg::ack, "snd_una"}, {Arg::value, "icsk_retransmits now"}}},
        // ---- Congestion control -------------------------------------------------
        {Kind::ca_init,
         A::congestion,
         O::kernel,
         {"tcp_init_congestion_control", "bictcp_init", "bictcp_reset"},
         "net/ipv4/tcp_cong.c",
         {},
         "The handshake is complete and cwnd set: the socket leaves the Reno it ran so far "
         "(tcp_init_congestion_ops) for net.ipv4.tcp_congestion_control's choice. CUBIC starts with every field "
         "of its state at 0 except delayed_ack, 32 (two segments per ACK, in 16ths), and opens its first HyStart "
         "round.",
         {{Arg::value, "icsk_ca_ops: 0 Reno, 1 CUBIC"}}},
        {Kind::hystart_reset,
         A::congestion,
         O::kernel,
         {"bictcp_hystart_reset", "bictcp_cong_avoid", "bictcp_state"},
         cubic_c,
         {},
         "A HyStart round is one round trip of slow start: it starts now (round_start, last_jiffies) and ends "
         "when the ACK of what has been sent by now (ca_end_seq = snd_nxt) arrives; the round's RTT samples start "
         "again. Opened at the start, by an ACK past the round's end in slow start, and after a timeout.",
         {{Arg::seq, "ca_end_seq: snd_nxt now"}, {Arg::value, "round_start, in jiffies"}}},
        {Kind::cubic_acked,
         A::congestion,
         O::kernel,
         {"bictcp_acked", "tcp_clean_rtx_queue"},
         cubic_c,
         {},
         "tcp_clean_rtx_queue hands CUBIC what an ACK covered (the pkts_acked hook). In Open, delayed_ack moves "
         "towards the segments each ACK covers (15/16 of itself plus the count, in a 16-bit field). The ACK's "
         "round trip, in whole jiffies, is a sample unless the ACK covered resent data or took under a jiffy, or "
         "the epoch began less than a second ago (epoch_start; the engine's jiffies start at 0, so the first "
         "second of a run counts too). A sample lowers delay_min, and in slow start from 16 segments on goes "
         "to HyStart.",
         {{Arg::segs, "segments the ACK covered"},
          {Arg::rtt_us, "its round trip in microseconds, whole jiffies; -1: none"},
          {Arg::value, "delayed_ack now"},
          {Arg::reason, "0 sample taken, 1 no usable round trip, 2 within a second of epoch_start"}}},
        {Kind::hystart_update,
         A::congestion,
         O::kernel,
         {"hystart_update"},
         cubic_c,
         {},
         "HyStart looks for the point where slow start has filled the path. An ACK within 2 jiffies of the last "
         "one in the train extends it (last_jiffies); a train as long as half of delay_min since round_start is "
         "one sign. The first 8 samples of a round keep their smallest in curr_rtt; after them, curr_rtt above "
         "delay_min by an eighth of it (2 to 16 ms) is the other. On a path of a jiffy or less, half the minimum "
         "RTT rounds to 0 jiffies, so the first close ACK is a train: 2.6.32 leaves slow start at 16 segments "
         "on a LAN.",
         {{Arg::value, "the sample, in jiffies << 3"}, {Arg::reason, "found: 1 ACK train, 2 delay increase"}}},
        {Kind::hystart_exit,
         A::congestion,
         O::kernel,
         {"hystart_update"},
         cubic_c,
         {},
         "One of HyStart's signs was seen: ssthresh is set to cwnd, so the next ACK grows the window by the "
         "cubic curve instead of doubling it per round trip. HyStart does nothing more until a timeout resets it.",
         {{Arg::cwnd, "cwnd, now also ssthresh"}, {Arg::reason, "found: 1 ACK train, 2 delay increase"}}},
        {Kind::cubic_update,
         A::congestion,
         O::kernel,
         {"bictcp_update", "cubic_root"},
         cubic_c,
         {},
         "Above ssthresh, CUBIC works out ca_cnt, the ACKs one more segment of cwnd takes, from the curve "
         "W(t) = C (t - K)^3 + W_max: t is the time since the epoch began plus delay_min, K the time the curve "
         "takes to get back to W_max (bic_K, in 1/1024 s, from a cube root). The first ACK of an epoch starts it "
         "(epoch_start) with the origin at W_max, or at cwnd when cwnd is not below it. ca_cnt is cwnd / (target "
         "- cwnd) when the target is above cwnd, else 100 cwnd; at most 20 while there is no W_max; no more than "
         "Reno would take (the estimate tcp_cwnd, fed by ack_cnt); scaled by the segments per ACK. While cwnd "
         "stays the same nothing is recomputed for 31 jiffies (HZ / 32), only ack_cnt counts.",
         {{Arg::cwnd, "cwnd"},
          {Arg::target, "bic_target: where the curve puts cwnd one delay_min from now (absent when skipped)"},
          {Arg::value, "ca_cnt"},
          {Arg::reason, "0 recomputed, 1 skipped (same cwnd within 31 jiffies)"}}},
        {Kind::cubic_ssthresh,
         A::congestion,
         O::kernel,
         {"bictcp_recalc_ssthresh"},
         cubic_c,
         {},
         "The ssthresh hook, called on entering Recovery or Loss: the epoch ends (epoch_start 0); W_max "
         "(last_max_cwnd) becomes cwnd, or (1 + 717/1024) / 2 of it when cwnd did not get back to the last W_max "
         "(fast convergence, which leaves room to a newer flow); loss_cwnd = cwnd; and the new ssthresh is cwnd * "
         "717 / 1024, at least 2. The caller's event sets it.",
         {{Arg::old, "cwnd"},
          {Arg::ssthresh, "the ssthresh returned"},
          {Arg::value, "last_max_cwnd now"},
          {Arg::reason, "1 fast convergence lowered W_max, 0 not"}}},
        {Kind::cubic_reset,
         A::congestion,
         O::kernel,
         {"bictcp_state", "bictcp_reset"},
         cubic_c,
         {},
         "tcp_set_ca_state calls CUBIC's set_state hook; on Loss (a timeout) it clears its state as at the start "
         "(W_max, the epoch, delay_min, the HyStart verdict) and a new HyStart round follows.",
         {}},
        {Kind::enter_frto,
         A::timers,
         O::kernel,
         {"tcp_enter_frto", "tcp_use_frto", "tcp_retransmit_timer"},
         in_c,
         {},
         "The retransmission timer fired and F-RTO may be used (net.ipv4.tcp_frto; the basic variant only while "
         "nothing after the head was resent). ssthresh is cut as tcp_enter_loss would cut it, but cwnd only comes "
         "down to what is in flight plus one, nothing is marked lost, and the state is Disorder: the head is resent "
         "and the next ACKs decide whether the timeout was spurious (frto_counter 1). frto_highmark is snd_nxt "
         "(with SACK, high_seq if a recovery was under way).",
         {{Arg::old, "ca_state before"},
          {Arg::cwnd, "cwnd now"},
          {Arg::ssthresh, "ssthresh now"},
          {Arg::end_seq, "frto_highmark"},
          {Arg::value, "the variant: 1 basic, 2 SACK-enhanced"}}},
        {Kind::frto_ack,
         A::timers,
         O::kernel,
         {"tcp_process_frto"},
         in_c,
         {},
         "An ACK while F-RTO runs. An ACK that reaches frto_highmark, a duplicate (basic F-RTO), or in the second "
         "step an ACK without progress, or one that SACKs resent data or has a SACK block reaching above "
         "frto_highmark (SACK F-RTO), means a real loss: "
         "tcp_enter_frto_loss follows. The first ACK of data never resent lets two new segments go (cwnd = in "
         "flight + 2, frto_counter 2; with SACK, until it comes cwnd is held to what is in flight); the second "
         "one proves the timeout spurious: F-RTO ends and the response, rate halving (tcp_enter_cwr), follows. "
         "cwnd does not grow on these ACKs except the last.",
         {{Arg::value, "frto_counter when the ACK came"},
          {Arg::reason,
           "1 frto_highmark reached, 2 ignored (a window update), 3 a duplicate (basic), 4 held (SACK, first step), "
           "5 a loss (SACK, second step), 6 new data may go, 7 spurious"},
          {Arg::cwnd, "cwnd now"}}},
        {Kind::frto_loss,
         A::timers,
         O::kernel,
         {"tcp_enter_frto_loss"},
         in_c,
         {},
         "F-RTO found a real loss, and does what tcp_enter_loss would have: every skb not SACKed is marked lost "
         "(lost_out), retransmission marks are dropped except the head's resend when no ACK of new data came at "
         "all, and the state is Loss. cwnd is what is in flight plus 0 to 3 segments, by the step reached.",
         {{Arg::old, "ca_state before"},
          {Arg::value, "segments allowed beyond those in flight"},
          {Arg::cwnd, "cwnd now"}}},
        {Kind::frto_highmark,
         A::ack,
         O::kernel,
         {"tcp_ack"},
         in_c,
         {},
         "snd_una has passed frto_highmark: the mark is cleared, so that SACKs below it count as reordering "
         "again.",
         {{Arg::end_seq, "the mark that was cleared"}}},
        {Kind::enter_cwr,
         A::recovery,
         O::kernel,
         {"tcp_enter_cwr", "tcp_ratehalving_spur_to_response"},
         in_c,
         {},
         "The window is reduced without a loss to repair: after a spurious timeout (F-RTO's default response) "
         "cwnd drops to what is in flight plus one, the undo marker is dropped, and the state is CWR: each ACK "
         "runs rate halving (tcp_cwnd_down) until an ACK above high_seq ends it (tcp_complete_cwr). ssthresh "
         "stays what tcp_enter_frto made it.",
         {{Arg::old, "cwnd before"}, {Arg::cwnd, "cwnd now"}, {Arg::ssthresh, "ssthresh"}}},
        {Kind::undo,
         A::recovery,
         O::kernel,
         {"tcp_try_undo_recovery", "tcp_try_undo_dsack", "tcp_try_undo_partial", "tcp_try_undo_loss", "tcp_may_undo",
          "tcp_packet_delayed"},
         in_c,
         {},
         "The cut of the window was needless, and is taken back (tcp_undo_cwr follows). tcp_may_undo allows it "
         "while undo_marker is set and either every retransmission since has been reported twice by a D-SACK "
         "(undo_retrans 0) or the ACK's timestamp echo is older than the first retransmission (retrans_stamp): "
         "the original, not the resend, reached the peer. When recovery ends (reason 1) or a loss episode ends "
         "(2) the marker is dropped; in Disorder, D-SACKs alone (3); on a partial ACK in Recovery (4, Hoe) the "
         "path is taken to reorder and no further segment is retransmitted yet; in Loss (5) the lost marks "
         "are cleared, the timeout count restarts and, with SACK, the state is Open again.",
         {{Arg::reason, "1 recovery ended, 2 loss ended, 3 D-SACK, 4 partial ACK (Hoe), 5 loss (partial)"},
          {Arg::value, "undo_retrans"},
          {Arg::tsecr, "the ACK's timestamp echo in jiffies (0: none, or not looked at: reason 3)"},
          {Arg::stamp, "retrans_stamp, when the first retransmission went (0: none)"}}},
        {Kind::undo_cwr,
         A::recovery,
         O::kernel,
         {"tcp_undo_cwr", "bictcp_undo_cwnd"},
         in_c,
         {},
         "The window goes back up. With a prior_ssthresh saved, cwnd becomes what the congestion control's "
         "undo_cwnd hook says (CUBIC: the larger of cwnd and W_max, last_max_cwnd; Reno has no hook: the larger of "
         "cwnd and twice ssthresh), and for a full undo ssthresh returns to prior_ssthresh if that is higher. "
         "Without one, cwnd is raised to ssthresh at least. tcp_moderate_cwnd then caps the burst.",
         {{Arg::old, "cwnd before"}, {Arg::cwnd, "cwnd now"}, {Arg::ssthresh, "ssthresh now"}}},
        {Kind::retrans_stamp,
         A::recovery,
         O::kernel,
         {"tcp_fastretrans_alert", "tcp_try_to_open", "tcp_try_undo_partial"},
         in_c,
         {},
         "No retransmission is in flight any more (retrans_out 0, or the state is Open): retrans_stamp, the "
         "time of the first retransmission that a timestamp echo is compared with for an undo, is cleared. A "
         "later retransmission sets it again.",
         {{Arg::old, "retrans_stamp before"}}},
        {Kind::paws_reject,
         A::ack,
         O::kernel,
         {"tcp_validate_incoming", "tcp_paws_discard", "tcp_disordered_ack", "tcp_send_dupack"},
         in_c,
         {},
         "Protection against wrapped sequence numbers (RFC 1323), checked before anything else in the segment: "
         "its timestamp (TSval) is more than one tick older than ts_recent, the newest one taken from the peer, "
         "so it is an old duplicate from an earlier pass through the sequence space. It is dropped unread and "
         "answered with an ACK. An RST is exempt, and so is a pure duplicate ACK at rcv_nxt that changes "
         "nothing and lags by less than one RTO (tcp_disordered_ack): ACKs overtaking each other are harmless.",
         {{Arg::value, "the segment's TSval"}, {Arg::old, "ts_recent"}, {Arg::seq, "the segment's sequence number"}}},
        {Kind::seq_reject,
         A::ack,
         O::kernel,
         {"tcp_validate_incoming", "tcp_sequence", "tcp_send_dupack"},
         in_c,
         {},
         "The segment does not overlap the receive window (rcv_nxt to rcv_nxt + rcv_wnd): an old duplicate, "
         "or bytes from nowhere. It is dropped before anything in it is looked at, its ACK number, window, "
         "timestamp and RST bit included, and unless it is an RST an ACK goes back saying where we are "
         "(RFC 793). A SYN inside the window instead resets the connection.",
         {{Arg::seq, "its sequence number"},
          {Arg::end_seq, "its end (SYN and FIN count one)"},
          {Arg::value, "rcv_nxt"}}},
        {Kind::enter_loss,
         A::timers,
         O::kernel,
         {"tcp_enter_loss"},
         in_c,
         {},
         "After a timeout the congestion window drops to one segment, the threshold as the congestion control says "
         "(Reno half the window, CUBIC 717/1024 of it), and every "
         "segment in flight is marked lost, to be sent again as ACKs allow.",
         {{Arg::cwnd, "the congestion window now (1)"}, {Arg::ssthresh, "the slow-start threshold now"}}},
        {Kind::retransmit,
         A::timers,
         O::kernel,
         {"tcp_retransmit_skb", "tcp_xmit_retransmit_queue"},
         out_c,
         {},
         "An skb already sent goes out again: the head after a timeout, or the next lost one as ACKs come in loss "
         "recovery. It is stamped with the time and handed to tcp_transmit_skb; retrans_marked follows once it left.",
         {skb, {Arg::seq, "its first sequence number"}, {Arg::end_seq, "the sequence number after its last byte"}}},
        {Kind::retrans_marked,
         A::timers,
         O::kernel,
         {"tcp_retransmit_skb"},
         out_c,
         {},
         "The resent skb went out: it is marked as retransmitted (so its ACK gives no RTT sample, after Karn) and "
         "its segments are counted in retrans_out, which packets_in_flight adds back.",
         {skb, {Arg::value, "retrans_out now, in segments"}}},
        {Kind::probe_send,
         A::timers,
         O::kernel,
         {"tcp_write_wakeup"},
         out_c,
         {},
         "The probe timer found unsent data that the window lets start: the head skb (cut to the window or one MSS "
         "first if need be) gets PSH, is stamped and goes out as new data rather than as a bare probe.",
         {skb, {Arg::len, "its length, in bytes"}}},
        {Kind::probe0_fire,
         A::timers,
         O::kernel,
         {"tcp_probe_timer", "tcp_write_timer"},
         timer_c,
         {},
         "The zero-window probe timer expired: a probe is sent (data if any fits the window, else a bare ACK) and "
         "the timer is set again, backing off.",
         {}},

        // ---- Connection -------------------------------------------------------
        {Kind::connect,
         A::connection,
         O::kernel,
         {"tcp_connect"},
         out_c,
         {},
         "The active open: a SYN is put on the write queue as an skb (allocated by sk_stream_alloc_skb, charged and "
         "retransmitted like data) and sent. If that allocation fails, connect() gets ENOBUFS and the socket stays "
         "closed.",
         {skb,
          {Arg::seq, "the initial sequence number"},
          {Arg::err, "-ENOBUFS when the SYN could not be allocated; only then"}}},
        {Kind::synack,
         A::connection,
         O::kernel,
         {"tcp_rcv_synsent_state_process"},
         in_c,
         {},
         "The SYN-ACK arrives: its options (MSS, window scale, timestamps) are taken before its ACK of our SYN is "
         "processed.",
         {{Arg::seq, "the peer's initial sequence number"},
          {Arg::ack, "its acknowledgment number"},
          {Arg::mss_now, "the MSS the peer announced (536 when it announced none)"}}},
        {Kind::established,
         A::connection,
         O::kernel,
         {"tcp_rcv_synsent_state_process"},
         in_c,
         {},
         "The connection is established: the MSS is worked out, the initial congestion window set (RFC 3390), the "
         "send buffer fitted, and a writer waiting in sk_stream_wait_connect is woken.",
         {{Arg::mss_now, "the MSS now in use"},
          {Arg::win, "the peer's window, in bytes"},
          {Arg::cwnd, "the initial congestion window, in segments"}}},
        {Kind::ack_held,
         A::connection,
         O::kernel,
         {"tcp_rcv_synsent_state_process"},
         in_c,
         {},
         "The SYN-ACK found a writer asleep in sk_stream_wait_connect (sk_write_pending): instead of answering at "
         "once, the ACK is scheduled as a delayed ACK, so that the data the writer is about to send carries it. "
         "The delayed-ACK timer (TCP_DELACK_MAX, 200 ms) sends it alone if no data comes.",
         {{Arg::value, "how long the ACK may wait, in microseconds"}}},
        {Kind::delack_clear,
         A::xmit,
         O::kernel,
         {"tcp_event_ack_sent"},
         out_c,
         {},
         "A segment with the ACK flag is being sent while an ACK was owed: it carries that ACK, so no delayed ACK is "
         "pending any more. The kernel timer is not stopped; when it fires it finds nothing to do.",
         {}},
        {Kind::fin,
         A::connection,
         O::kernel,
         {"tcp_send_fin", "tcp_fin"},
         "net/ipv4/tcp_output.c, net/ipv4/tcp_input.c",
         {},
         "Our FIN is queued (on the unsent tail skb, or on an skb of its own) after shutdown() or close(); or the "
         "peer's FIN arrives, which moves the state on and is acknowledged.",
         {{Arg::skb, "id of the skb carrying our FIN; only for ours"}}},
        {Kind::reset,
         A::connection,
         O::kernel,
         {"tcp_reset", "tcp_write_timeout"},
         "net/ipv4/tcp_input.c, net/ipv4/tcp_timer.c",
         {},
         "The connection dies: an RST arrived (ECONNREFUSED in SYN-SENT, EPIPE in CLOSE_WAIT, else ECONNRESET), or "
         "the retransmission timer gave up (ETIMEDOUT). The error is left for the writer, who is woken.",
         {{Arg::err, "the socket error, as a negative errno"}}},
        {Kind::setsockopt,
         A::connection,
         O::kernel,
         {"do_tcp_setsockopt", "sock_setsockopt"},
         "net/ipv4/tcp.c, net/core/sock.c",
         {},
         "The application sets an option. Turning TCP_NODELAY on, or TCP_CORK off, pushes what was held; "
         "SO_SNDBUF doubles the value asked, locks the buffer size and may wake a writer.",
         {{Arg::opt, "the option: 1 TCP_NODELAY, 3 TCP_CORK, 7 SO_SNDBUF, 21 SO_SNDTIMEO"},
          {Arg::value, "the value given"}}},
        {Kind::shutdown,
         A::connection,
         O::kernel,
         {"tcp_shutdown"},
         tcp_c,
         {},
         "The application shuts down one or both directions. Shutting down sending moves the state as "
         "tcp_close_state says: ESTABLISHED and SYN_RECV to FIN_WAIT1, CLOSE_WAIT to LAST_ACK, each queuing a FIN; "
         "states past their FIN stay as they are. (In SYN_SENT, inet_shutdown disconnects instead, which sendpath "
         "does not model: the run stops there.)",
         {{Arg::how, "the directions shut (bits: 1 receiving, 2 sending)"}}},
        {Kind::fin_acked,
         A::connection,
         O::kernel,
         {"tcp_rcv_state_process"},
         in_c,
         {},
         "An ACK covers our FIN (snd_una reached write_seq): FIN_WAIT1 moves to FIN_WAIT2, CLOSING to TIME_WAIT, "
         "LAST_ACK to CLOSE.",
         {{Arg::old, "the state before (TCP_* number)"}, {Arg::value, "the state now"}}},
        {Kind::close,
         A::connection,
         O::kernel,
         {"tcp_close"},
         tcp_c,
         {},
         "The application closes the socket: both directions are shut and tcp_close_state moves the state: "
         "ESTABLISHED and SYN_RECV to FIN_WAIT1, CLOSE_WAIT to LAST_ACK, each queuing a FIN; SYN_SENT to CLOSE "
         "with no FIN, after which the socket is destroyed (timers stopped, the SYN freed).",
         {}},

        // ---- Application and run ---------------------------------------------
        {Kind::socket_create,
         A::application,
         O::runner,
         {"Runner::socket_create"},
         "socket() and the settings a new TCP socket starts with (tcp_v4_init_sock, the sysctls, the scenario's "
         "options)",
         {},
         "The scenario's socket is set up: the socket options, the sysctl values and the counters a new socket "
         "starts with.",
         {{Arg::value, "the device MTU, in bytes"}}},
        {Kind::signal,
         A::application,
         O::runner,
         {"Runner::deliver_signal"},
         "a signal sent to the sending thread (it makes signal_pending() true)",
         {},
         "The scenario sends the thread a signal. A wait in progress ends with EINTR (or ERESTARTSYS without a "
         "timeout); "
         "the signal counts as delivered when the call returns.",
         {}},
        {Kind::signal_return,
         A::application,
         O::kernel,
         {"handle_signal"},
         "arch/x86/kernel/signal.c",
         {},
         "tcp_sendmsg returned -ERESTARTSYS, a value no application ever sees. On the way back to user space the "
         "signal's handler runs: installed with SA_RESTART, the system call is rewound and send() starts again; "
         "without it, send() returns -1 with errno EINTR.",
         {{Arg::value, "1 the call restarts (SA_RESTART), 0 it returns"},
          {Arg::ret, "what send() returns to the application (-EINTR); only when it returns"}}},
        {Kind::time_advance,
         A::application,
         O::runner,
         {"Runner::play_timeline"},
         "the application sleeping between its calls",
         {},
         "The scenario lets virtual time pass: timers fire and the peer acts meanwhile.",
         {{Arg::value, "how long, in microseconds"}}},
        {Kind::run_end,
         A::application,
         O::runner,
         {"Runner::run"},
         "the end of the program",
         {},
         "The run is over; the trace's end_reason says why (completed, interrupted, the trace full, an error).",
         {}},

        // ---- Simulated peer ---------------------------------------------------
        {Kind::peer_update,
         A::peer,
         O::peer,
         {"SimLink::publish_event"},
         "the receiver's TCP: taking a segment, acknowledging, advertising its window",
         {},
         "Emitted whenever what the receiver holds changed: the next byte it expects, the bytes it has not read yet, "
         "the window it offers. The sender's kernel never sees this; it explains the ACKs and windows that come "
         "back.",
         {{Arg::seq, "the next sequence number it expects (its rcv_nxt)"},
          {Arg::bytes, "bytes waiting in its receive queue, unread"},
          {Arg::win, "the window it offers, in bytes"}}},
        {Kind::peer_read,
         A::peer,
         O::peer,
         {"SimLink::read"},
         "the receiving application calling recv()",
         {},
         "The receiving application reads bytes, which opens the window it offers.",
         {{Arg::bytes, "bytes read"}}},
        {Kind::peer_drop,
         A::peer,
         O::peer,
         {"SimLink::arrive"},
         "a segment lost in the network",
         {},
         "A segment is lost on the way, as the scenario asks (peer.drop and peer.drop_acks by number, or peer.loss "
         "at random): a data segment the receiver never sees, or one of the receiver's ACKs that never reaches "
         "the sender.",
         {{Arg::seq, "a data segment's first sequence number"},
          {Arg::len, "its payload, in bytes (0 for an ACK)"},
          {Arg::dropped,
           "which data segment it was, counted from 1; for an ACK peer.drop_acks listed, which of "
           "the peer's segments after its SYN-ACK"},
          {Arg::ack, "a lost ACK's acknowledgment number"}}},
        {Kind::peer_late,
         A::peer,
         O::peer,
         {"SimLink::arrive"},
         "a segment delayed in the network",
         {},
         "A data segment is held on the way for longer than the path's delay, as the scenario asks (peer.late): "
         "segments sent after it can reach the receiver first, which then sees a hole, sends duplicate ACKs with "
         "SACK blocks, and D-SACKs a retransmission that turns out to have been needless.",
         {{Arg::seq, "the segment's first sequence number"},
          {Arg::len, "its payload, in bytes"},
          {Arg::segs, "which data segment it is, counted from 1"},
          {Arg::value, "the extra delay, in µs"}}},
    };
}

void md_escape_into(std::string& out, std::string_view s) {
    // Only what would start emphasis or HTML; GitHub's Markdown leaves underscores inside words alone.
    for (char c : s) {
        if (c == '*' || c == '<' || c == '`') out += '\\';
        out += c;
    }
}

// The sendpath file whose code emits the kinds of a non-kernel origin.
std::string_view origin_file(Origin o) {
    return o == Origin::runner ? "core/run/runner.cpp" : o == Origin::peer ? "core/peer/sim_peer.cpp" : "";
}

std::string join(const std::vector<std::string_view>& v, std::string_view sep, std::string_view quote = "") {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) s += sep;
        s += quote;
        s += v[i];
        s += quote;
    }
    return s;
}

// The GitHub anchor of an area's heading: lower case, spaces to '-', other punctuation dropped.
std::string anchor(std::string_view title) {
    std::string a;
    for (char c : title) {
        if (c >= 'A' && c <= 'Z') a += static_cast<char>(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') a += c;
        else if (c == ' ') a += '-';
    }
    return a;
}

}  // namespace

std::string_view area_title(Area a) {
    const auto i = static_cast<std::size_t>(a);
    return i < std::size(kAreas) ? kAreas[i].title : std::string_view("?");
}
std::string_view area_intro(Area a) {
    const auto i = static_cast<std::size_t>(a);
    return i < std::size(kAreas) ? kAreas[i].intro : std::string_view();
}
std::string_view origin_name(Origin o) {
    switch (o) {
        case Origin::kernel: return "kernel";
        case Origin::runner: return "runner";
        case Origin::peer: return "peer";
    }
    return "?";
}

const std::vector<KindDoc>& kind_docs() {
    static const std::vector<KindDoc> table = make_table();
    return table;
}

const KindDoc* find_kind_doc(Kind k) {
    static const std::array<const KindDoc*, kKindCount> index = [] {
        std::array<const KindDoc*, kKindCount> ix{};
        for (const KindDoc& d : kind_docs()) {
            const auto i = static_cast<std::size_t>(d.kind);
            if (i < ix.size() && !ix[i]) ix[i] = &d;
        }
        return ix;
    }();
    const auto i = static_cast<std::size_t>(k);
    return i < index.size() ? index[i] : nullptr;
}

std::string_view arg_doc(Kind k, Arg a) {
    if (const KindDoc* d = find_kind_doc(k))
        for (const ArgDoc& ad : d->args)
            if (ad.arg == a) return ad.meaning;
    return {};
}

std::string kind_functions(Kind k) {
    const KindDoc* d = find_kind_doc(k);
    return d ? join(d->functions, ", ") : std::string();
}

std::string kind_release(Kind k) {
    const KindDoc* d = find_kind_doc(k);
    if (d && !d->release.empty()) return std::string(d->release);
    return "Linux 2.6.32.67";
}

std::string kind_models(Kind k) {
    const KindDoc* d = find_kind_doc(k);
    if (!d) return {};
    if (d->origin != Origin::kernel) return std::string(origin_name(d->origin)) + ": " + std::string(d->where);
    std::string s = "models " + join(d->functions, ", ");
    if (!d->release.empty()) s += " (" + std::string(d->release) + ")";
    return s;
}

std::string events_markdown() {
    std::string s;
    s += "# Event kinds\n\n";
    s +=
        "<!-- Generated: do not edit. Source: core/trace/event_doc.cpp (and the one-line summaries in\n"
        "     core/trace/event.hpp). Regenerate: build/core/sendpath-cli events --markdown -o assets/events.md -->\n\n";
    s += "*This page is generated from the engine's own table of event kinds "
         "(`core/trace/event_doc.cpp`, with the one-line summaries of `SENDPATH_EVENT_KINDS` in "
         "`core/trace/event.hpp`). Do not edit it by hand: change the table, then run "
         "`build/core/sendpath-cli events --markdown -o assets/events.md`. The test "
         "`cli: assets/events.md is what sendpath-cli events --markdown prints` fails while they differ.*\n\n";
    s += "Every branch the engine takes is an event of one of these kinds. For each kind: the one-line summary "
         "the GUI shows on hover, what happens, the kernel function(s) it models, as named in Linux 2.6.32.67 "
         "(the deciding one first; a few kinds model a later release, behind an engine option), and every "
         "argument the engine puts on it. The function a trace names for an event is the engine's own call stack "
         "(`function` in [trace.md](trace.md)), which can be a caller of the one listed here. Where each kind is "
         "emitted, drawn and graded: [core/README.md](../core/README.md#event-kinds-from-emit-to-grade).\n\n";
    s += "Arguments hold integers: ids of skbs and pages as the trace numbers them, byte counts, sequence "
         "numbers (as the socket's fields hold them), times in microseconds unless the name says `_ms`, negative errno "
         "values. The state changes an event makes are not arguments: they are in the trace beside it.\n\n";
    s += "## Contents\n\n";
    for (std::size_t a = 0; a < static_cast<std::size_t>(Area::count_); ++a) {
        const auto area = static_cast<Area>(a);
        s += "- [" + std::string(area_title(area)) + "](#" + anchor(area_title(area)) + "):";
        for (const KindDoc& d : kind_docs())
            if (d.area == area)
                s += " [`" + std::string(kind_name(d.kind)) + "`](#" + std::string(kind_name(d.kind)) + ")";
        s += "\n";
    }
    for (std::size_t a = 0; a < static_cast<std::size_t>(Area::count_); ++a) {
        const auto area = static_cast<Area>(a);
        s += "\n## " + std::string(area_title(area)) + "\n\n";
        s += std::string(area_intro(area)) + "\n";
        for (const KindDoc& d : kind_docs()) {
            if (d.area != area) continue;
            s += "\n### `" + std::string(kind_name(d.kind)) + "`\n\n";
            s += "**" + std::string(kind_doc(d.kind)) + "** ";
            md_escape_into(s, d.detail);
            s += "\n\n";
            if (d.origin == Origin::kernel) {
                s += "- Models: " + join(d.functions, ", ", "`") + " (" + std::string(d.where) + "), " +
                     kind_release(d.kind) + ".\n";
            } else {
                s += "- Not kernel code: sendpath's " + std::string(origin_name(d.origin)) + ", " +
                     join(d.functions, ", ", "`") + " (" + std::string(origin_file(d.origin)) + "), standing for " +
                     std::string(d.where) + ".\n";
            }
            if (d.args.empty()) {
                s += "- Arguments: none.\n";
            } else {
                s += "- Arguments:\n";
                for (const ArgDoc& ad : d.args) {
                    s += "  - `" + std::string(arg_name(ad.arg)) + "`: ";
                    md_escape_into(s, ad.meaning);
                    s += ".\n";
                }
            }
        }
    }
    return s;
}

// One line per kind: its name, the function that emits it, its summary in
// lang (English where lang has none).
std::string events_text(std::string_view lang) {
    std::string s;
    for (const KindDoc& d : kind_docs()) {
        std::string name(kind_name(d.kind));
        std::string fn(d.functions.empty() ? std::string_view("?") : d.functions.front());
        if (name.size() < 20) name += std::string(20 - name.size(), ' ');
        if (fn.size() < 30) fn += std::string(30 - fn.size(), ' ');
        s += name + " " + fn + " " + std::string(kind_summary(d.kind, lang)) + "\n";
    }
    return s;
}

std::string events_text() { return events_text(util::i18n::kEnglish); }

std::string event_text(Kind k) {
    std::string s(kind_name(k));
    s += ": " + std::string(kind_doc(k)) + "\n";
    const KindDoc* d = find_kind_doc(k);
    if (!d) return s + "(no entry in core/trace/event_doc.cpp)\n";
    s += "  " + std::string(d->detail) + "\n";
    s += "  section: " + std::string(area_title(d->area)) + "\n";
    if (d->origin == Origin::kernel)
        s += "  models:  " + join(d->functions, ", ") + " (" + std::string(d->where) + "), " + kind_release(k) + "\n";
    else
        s += "  models:  not kernel code: sendpath's " + std::string(origin_name(d->origin)) + ", " +
             join(d->functions, ", ") + " (" + std::string(origin_file(d->origin)) + "), standing for " +
             std::string(d->where) + "\n";
    if (d->args.empty()) s += "  args:    none\n";
    for (std::size_t i = 0; i < d->args.size(); ++i)
        s += std::string(i == 0 ? "  args:    " : "           ") + std::string(arg_name(d->args[i].arg)) + ": " +
             std::string(d->args[i].meaning) + "\n";
    return s;
}

}  // namespace sendpath::trace
