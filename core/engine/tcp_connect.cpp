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
    rec_.arg(Arg::skb, syn.id);
    rec_.arg(Arg::seq, syn.seq);
    SP_EMIT(rec_, connect);
    tcp_transmit_skb(syn);
    rec_.set(SF::packets_out, 1);
    inet_csk_reset_xmit_timer(ICSK_TIME_RETRANS, sk.icsk_rto_us);
}

void Engine::tcp_setsockopt(const std::string& name, int64_t value) {
    FuncScope fs(rec_, Func::tcp_setsockopt);
    auto& sk = st().sk;
    rec_.arg(Arg::opt, name == "TCP_NODELAY" ? 1 : name == "TCP_CORK" ? 3 : name == "SO_SNDBUF" ? 7 : 21);
    rec_.arg(Arg::value, value);
    SP_EMIT(rec_, setsockopt);
    if (name == "TCP_NODELAY") {
        if (value) {
            // Setting NODELAY pushes whatever Nagle was holding.
            rec_.set(SF::nonagle, sk.nonagle | TCP_NAGLE_OFF | TCP_NAGLE_PUSH);
            tcp_push_pending_frames(tcp_current_mss(), sk.nonagle);
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
            tcp_push_pending_frames(tcp_current_mss(), sk.nonagle);
        }
    } else if (name == "SO_SNDBUF") {
        const int64_t v = std::max<int64_t>(std::min(value, cfg_.sysctl.wmem_max) * 2, 2048);
        rec_.set(SF::sock_flags, sk.sock_flags | SOCK_SNDBUF_LOCK);
        rec_.set(SF::sk_sndbuf, v);
        // Waiters re-test: the buffer may now have room.
        sk_stream_write_space();
    } else if (name == "SO_SNDTIMEO") {
        rec_.set(SF::sk_sndtimeo_ms, value);
    }
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
        rec.set(SF::sk_send_head, skb.id);
        rec.set(SF::sk_wmem_queued, sk.sk_wmem_queued + skb.truesize);
        e.sk_mem_charge(skb.truesize);
        rec.set(SF::write_seq, seq_add(sk.write_seq, 1));
        rec.arg(Arg::skb, skb.id);
    }
    SP_EMIT(rec, fin);
    e.tcp_push_pending_frames(e.tcp_current_mss(), TCP_NAGLE_OFF);
}

void Engine::tcp_shutdown(const std::string& how) {
    FuncScope fs(rec_, Func::tcp_shutdown);
    auto& sk = st().sk;
    const int64_t bits = how == "SHUT_RD"   ? RCV_SHUTDOWN
                         : how == "SHUT_WR" ? SEND_SHUTDOWN
                                            : RCV_SHUTDOWN | SEND_SHUTDOWN;
    rec_.set(SF::sk_shutdown, sk.sk_shutdown | bits);
    rec_.arg(Arg::how, bits);
    SP_EMIT(rec_, shutdown);
    if (!(bits & SEND_SHUTDOWN)) return;
    // tcp_close_state: only states that have sent nothing final get a FIN.
    if (sk.state == TCP_ESTABLISHED || sk.state == TCP_SYN_SENT || sk.state == TCP_SYN_RECV ||
        sk.state == TCP_CLOSE_WAIT) {
        rec_.set(SF::state, sk.state == TCP_CLOSE_WAIT ? TCP_LAST_ACK : TCP_FIN_WAIT1);
        tcp_send_fin(*this);
    }
    wake();
}

void Engine::tcp_close() {
    FuncScope fs(rec_, Func::tcp_close);
    auto& sk = st().sk;
    SP_EMIT(rec_, close);
    const bool fin_sent = sk.state != TCP_ESTABLISHED && sk.state != TCP_CLOSE_WAIT && sk.state != TCP_SYN_SENT;
    rec_.set(SF::sk_shutdown, RCV_SHUTDOWN | SEND_SHUTDOWN);
    if (!fin_sent) {
        rec_.set(SF::state, sk.state == TCP_CLOSE_WAIT ? TCP_LAST_ACK : TCP_FIN_WAIT1);
        tcp_send_fin(*this);
    }
    wake();
}

bool Engine::all_acked() const {
    const auto& sk = st_const().sk;
    return sk.snd_una == sk.write_seq || sk.state == TCP_CLOSE;
}

}  // namespace sendpath::engine
