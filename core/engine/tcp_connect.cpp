// The socket's life around the sends: the active open (tcp_connect queues a
// SYN skb, as the kernel does, so it is charged and retransmitted like data),
// setsockopt for the options that change sending, shutdown and close with
// tcp_send_fin.
#include <algorithm>

#include "engine/engine.hpp"

SP_EMIT_FILE("core/engine/tcp_connect.cpp")

namespace sendpath::engine {

using namespace model;
using trace::Arg;
using trace::Func;
using trace::FuncScope;

void Engine::tcp_connect() {
    FuncScope fs(rec_, Func::tcp_connect);
    auto& sk = st().sk;
    // The SYN is an skb on the write queue. In 2.6.32.67 tcp_connect takes it
    // from sk_stream_alloc_skb(0), so its truesize is charged through
    // sk_wmem_schedule like any other skb (2.6.32.9 used a bare
    // alloc_skb_fclone and let forward_alloc go negative).
    SkBuff* buff = sk_stream_alloc_skb(0, /*scripted=*/false);
    if (!buff) {
        // -ENOBUFS to connect(): the socket stays closed.
        rec_.arg(Arg::err, -ENOBUFS_);
        SP_EMIT(rec_, connect);
        return;
    }
    // SYN_SENT is set by tcp_v4_connect just before; shown here, on connect.
    rec_.set(SF::state, TCP_SYN_SENT);
    SkBuff& syn = *buff;
    rec_.skb_set(syn, KF::seq, sk.write_seq);
    rec_.skb_set(syn, KF::end_seq, seq_add(sk.write_seq, 1));
    rec_.skb_set(syn, KF::tcp_flags, TCPHDR_SYN);
    rec_.skb_set(syn, KF::gso_segs, 1);
    rec_.skb_set(syn, KF::ip_summed, CHECKSUM_PARTIAL);
    rec_.set(SF::write_seq, seq_add(sk.write_seq, 1));
    rec_.set(SF::snd_nxt, sk.write_seq);
    rec_.set(SF::pushed_seq, sk.write_seq);
    rec_.skb_link(syn, st().tail());
    rec_.set(SF::sk_wmem_queued, sk.sk_wmem_queued + syn.truesize);
    sk_mem_charge(syn.truesize);
    rec_.skb_set(syn, KF::when_us, rec_.time());
    // The SYN's send time is the connection's first retrans_stamp (0 when the
    // connect is at jiffy 0); it stays until loss recovery first clears it.
    rec_.set(SF::retrans_stamp, syn.when_us / 1000);
    // tcp_connect counts the SYN in packets_out as it queues it, before
    // tcp_transmit_skb sends it.
    rec_.set(SF::packets_out, sk.packets_out + 1);
    rec_.arg(Arg::skb, syn.id);
    rec_.arg(Arg::seq, syn.seq);
    SP_EMIT(rec_, connect);
    tcp_transmit_skb(syn);
    inet_csk_reset_xmit_timer(ICSK_TIME_RETRANS, sk.icsk_rto_us);
}

void Engine::tcp_setsockopt(const std::string& name, int64_t value) {
    FuncScope fs(rec_, Func::tcp_setsockopt);
    auto& sk = st().sk;
    rec_.arg(Arg::opt, name == "TCP_NODELAY" ? 1 : name == "TCP_CORK" ? 3 : name == "SO_SNDBUF" ? 7 : 21);
    rec_.arg(Arg::value, value);
    // do_tcp_setsockopt and sock_setsockopt store the option first; the
    // event shows it stored, and what the option sets off (a push, a
    // write-space wake-up) follows as events of its own.
    bool push = false;
    bool write_space = false;
    if (name == "TCP_NODELAY") {
        if (value) {
            // Setting NODELAY pushes whatever Nagle was holding.
            rec_.set(SF::nonagle, sk.nonagle | TCP_NAGLE_OFF | TCP_NAGLE_PUSH);
            push = true;
        } else {
            rec_.set(SF::nonagle, sk.nonagle & ~TCP_NAGLE_OFF);
        }
    } else if (name == "TCP_CORK") {
        if (value) {
            rec_.set(SF::nonagle, sk.nonagle | TCP_NAGLE_CORK);
        } else {
            // Uncorking sends what the cork held.
            rec_.set(SF::nonagle, sk.nonagle & ~TCP_NAGLE_CORK);
            if (sk.nonagle & TCP_NAGLE_OFF) rec_.set(SF::nonagle, sk.nonagle | TCP_NAGLE_PUSH);
            push = true;
        }
    } else if (name == "SO_SNDBUF") {
        const int64_t v = std::max<int64_t>(std::min(value, cfg_.sysctl.wmem_max) * 2, 2048);
        rec_.set(SF::sock_flags, sk.sock_flags | SOCK_SNDBUF_LOCK);
        rec_.set(SF::sk_sndbuf, v);
        write_space = true;
    } else if (name == "SO_SNDTIMEO") {
        rec_.set(SF::sk_sndtimeo_ms, value);
    }
    SP_EMIT(rec_, setsockopt);
    if (push) tcp_push_pending_frames(tcp_current_mss(), sk.nonagle);
    // Waiters re-test: the buffer may now have room.
    if (write_space) sk_stream_write_space();
}

// Puts a FIN on the tail skb if it is unsent, else on a new skb of its own.
static void tcp_send_fin(Engine& e) {
    trace::FuncScope fs(e.rec_, Func::tcp_send_fin);
    auto& rec = e.rec_;
    auto& sk = e.st().sk;
    if (sk.sk_send_head != 0) {
        SkBuff& tail = *e.st().skb(e.st().tail());
        rec.skb_set(tail, KF::tcp_flags, tail.tcp_flags | TCPHDR_FIN);
        rec.skb_set(tail, KF::end_seq, seq_add(tail.end_seq, 1));
        rec.set(SF::write_seq, seq_add(sk.write_seq, 1));
        rec.arg(Arg::skb, tail.id);
    } else {
        // tcp_send_fin retries alloc_skb_fclone until it succeeds; here the allocation cannot fail.
        SkBuff& skb = rec.skb_new();
        const int64_t l1 = e.opt_.l1_cache_bytes;
        rec.skb_set(skb, KF::truesize, (e.opt_.max_tcp_header + l1 - 1) / l1 * l1 + e.opt_.sizeof_sk_buff);
        rec.skb_set(skb, KF::seq, sk.write_seq);
        rec.skb_set(skb, KF::end_seq, seq_add(sk.write_seq, 1));
        rec.skb_set(skb, KF::tcp_flags, TCPHDR_ACK | TCPHDR_FIN);
        rec.skb_set(skb, KF::gso_segs, 1);
        rec.skb_set(skb, KF::ip_summed, CHECKSUM_PARTIAL);
        rec.skb_link(skb, e.st().tail());
        // tcp_queue_skb -> tcp_add_write_queue_tail (see skb_entail).
        rec.set(SF::sk_send_head, skb.id);
        if (sk.highest_sack == 0) rec.set(SF::highest_sack, skb.id);
        rec.set(SF::sk_wmem_queued, sk.sk_wmem_queued + skb.truesize);
        e.sk_mem_charge(skb.truesize);
        rec.set(SF::write_seq, seq_add(sk.write_seq, 1));
        rec.arg(Arg::skb, skb.id);
    }
    SP_EMIT(rec, fin);
    e.tcp_push_pending_frames(e.tcp_current_mss(), TCP_NAGLE_OFF);
}

// tcp_close_state (2.6.32.67): the state a close or a shutdown of the
// sending side moves to, and whether a FIN must go out. SYN_SENT has told
// the peer nothing yet, so it just closes; states that already sent their
// FIN (or never had a peer) stay where they are. Part of its caller's
// event: the kernel's tcp_close_state is a helper of tcp_close and
// tcp_shutdown, and its change is theirs to show.
static bool tcp_close_state(Engine& e) {
    auto& sk = e.st().sk;
    int64_t next = sk.state;
    bool fin = false;
    switch (sk.state) {
        case TCP_SYN_SENT: next = TCP_CLOSE; break;
        case TCP_SYN_RECV:
        case TCP_ESTABLISHED:
            next = TCP_FIN_WAIT1;
            fin = true;
            break;
        case TCP_CLOSE_WAIT:
            next = TCP_LAST_ACK;
            fin = true;
            break;
        default: break;
    }
    if (next != sk.state) e.rec_.set(SF::state, next);
    return fin;
}

void Engine::tcp_shutdown(const std::string& how) {
    FuncScope fs(rec_, Func::tcp_shutdown);
    auto& sk = st().sk;
    const int64_t bits = how == "SHUT_RD"   ? RCV_SHUTDOWN
                         : how == "SHUT_WR" ? SEND_SHUTDOWN
                                            : RCV_SHUTDOWN | SEND_SHUTDOWN;
    // inet_shutdown stores the bits, then tcp_shutdown acts on the sending
    // side only in the states that have not yet sent their FIN. (In SYN_SENT
    // inet_shutdown calls tcp_disconnect instead, which is not modelled:
    // sendpath's runner stops the run rather than call this.)
    rec_.set(SF::sk_shutdown, sk.sk_shutdown | bits);
    const bool send_side = (bits & SEND_SHUTDOWN) != 0;
    const bool open = sk.state == TCP_ESTABLISHED || sk.state == TCP_SYN_SENT || sk.state == TCP_SYN_RECV ||
                      sk.state == TCP_CLOSE_WAIT;
    const bool fin = send_side && open && tcp_close_state(*this);
    rec_.arg(Arg::how, bits);
    SP_EMIT(rec_, shutdown);
    if (fin) tcp_send_fin(*this);
    if (send_side) wake();
}

void Engine::tcp_close() {
    FuncScope fs(rec_, Func::tcp_close);
    auto& sk = st().sk;
    // tcp_close: both directions shut, then tcp_close_state decides.
    rec_.set(SF::sk_shutdown, RCV_SHUTDOWN | SEND_SHUTDOWN);
    const bool fin = tcp_close_state(*this);
    SP_EMIT(rec_, close);
    if (fin) tcp_send_fin(*this);
    if (sk.state == TCP_CLOSE) {
        // A socket left in CLOSE (closed before the handshake finished, or
        // reset earlier) is destroyed at the end of tcp_close:
        // inet_csk_destroy_sock stops the timers and tcp_write_queue_purge
        // frees whatever is still queued (the SYN, or unsent data).
        inet_csk_clear_xmit_timer();
        while (!st().write_queue.empty()) {
            SkBuff& skb = *st().skb(st().write_queue.front());
            rec_.skb_unlink(skb);
            rec_.arg(Arg::skb, skb.id);
            rec_.arg(Arg::size, skb.truesize);
            sk_wmem_free_skb(skb);
            SP_EMIT(rec_, skb_free);
        }
    }
    wake();
}

bool Engine::all_acked() const {
    const auto& sk = st_const().sk;
    return sk.snd_una == sk.write_seq || sk.state == TCP_CLOSE;
}

}  // namespace sendpath::engine
