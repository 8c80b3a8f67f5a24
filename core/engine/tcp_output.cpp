// The transmit side (net/ipv4/tcp_output.c and tcp_push in tcp.c, 2.6.32.67):
// MSS and size_goal, tcp_push, tcp_push_pending_frames, tcp_push_one,
// tcp_write_xmit with its cwnd, window, Nagle and TSO-deferral tests,
// tso_fragment / tcp_fragment, and tcp_transmit_skb, which builds real
// Ethernet/IPv4/TCP frames (software GSO splits a multi-segment skb into
// MSS-sized frames when the device has no TSO).
#include <algorithm>
#include <climits>

#include "engine/engine.hpp"
#include "net/frame.hpp"

SP_EMIT_FILE("core/engine/tcp_output.cpp")

namespace sendpath::engine {

using namespace model;
using trace::Arg;
using trace::Func;
using trace::FuncScope;

namespace {
constexpr int64_t TSO_WIN_DIVISOR = 3;
}  // namespace

// ---------------------------------------------------------------------------
// MSS and size_goal
// ---------------------------------------------------------------------------

bool Engine::sk_can_gso() const { return cfg_.device.gso && cfg_.device.sg && cfg_.device.csum; }

int64_t Engine::tcp_bound_to_half_wnd(int64_t pktsize) const {
    const auto& sk = st_const().sk;
    const int64_t cutoff = sk.max_window >= 512 ? sk.max_window >> 1 : sk.max_window;
    if (cutoff && pktsize > cutoff) return std::max(cutoff, 68 - tcp_header_len_);
    return pktsize;
}

int64_t Engine::tcp_sync_mss(int64_t pmtu) {
    auto& sk = st().sk;
    int64_t mss = pmtu - 20 - 20;  // IPv4 header, TCP header without options
    if (sk.mss_clamp && mss > sk.mss_clamp) mss = sk.mss_clamp;
    if (mss < 48) mss = 48;
    mss -= tcp_header_len_ - 20;
    mss = tcp_bound_to_half_wnd(mss);
    pmtu_ = pmtu;
    rec_.set(SF::mss_cache, mss);
    return mss;
}

int64_t Engine::tcp_current_mss() const { return st_const().sk.mss_cache; }

int64_t Engine::tcp_xmit_size_goal(int64_t mss_now, bool large) {
    auto& sk = st().sk;
    int64_t goal = mss_now;
    if (large && sk_can_gso()) {
        goal = (GSO_MAX_SIZE - 1) - 20 - tcp_header_len_;
        goal = tcp_bound_to_half_wnd(goal);
        const int64_t old_goal = sk.xmit_size_goal_segs * mss_now;
        if (old_goal <= goal && old_goal + mss_now > goal) {
            goal = old_goal;
        } else {
            rec_.set(SF::xmit_size_goal_segs, goal / mss_now);
            goal = sk.xmit_size_goal_segs * mss_now;
        }
    }
    return std::max(goal, mss_now);
}

// ---------------------------------------------------------------------------
// Queue helpers
// ---------------------------------------------------------------------------

uint32_t Engine::next_skb_after(uint32_t id) const {
    const auto& q = st_const().write_queue;
    auto it = std::find(q.begin(), q.end(), id);
    if (it == q.end() || ++it == q.end()) return 0;
    return *it;
}

bool Engine::is_tail(const SkBuff& skb) const { return st_const().tail() == skb.id; }

bool Engine::urg_mode() const {
    const auto& sk = st_const().sk;
    return sk.snd_up != sk.snd_una;
}

int64_t Engine::packets_in_flight() const {
    const auto& sk = st_const().sk;
    // tcp_packets_in_flight: out, minus what has left the network (left_out:
    // held out of order by the peer, or lost), plus what was sent again.
    return sk.packets_out - (sk.sacked_out + sk.lost_out) + sk.retrans_out;
}

// ---------------------------------------------------------------------------
// tcp_push and friends
// ---------------------------------------------------------------------------

void Engine::tcp_push(int64_t flags, int64_t mss_now, int64_t nonagle) {
    FuncScope fs(rec_, Func::tcp_push);
    auto& sk = st().sk;
    rec_.arg(Arg::flags, flags);
    rec_.arg(Arg::nonagle, nonagle);
    SP_EMIT(rec_, tcp_push);
    if (sk.sk_send_head == 0) return;
    SkBuff& tail = *st().skb(st().tail());
    if (!(flags & MSG_MORE) || forced_push()) tcp_mark_push(tail);
    if (flags & MSG_OOB) {
        // tcp_mark_urg, inlined in tcp_push.
        rec_.set(SF::snd_up, sk.write_seq);
        rec_.arg(Arg::skb, tail.id);
        SP_EMIT(rec_, mark_urg);
    }

    if (opt_.autocork && tail.len < sk.size_goal && sk.packets_out > 0 && sk.sk_wmem_alloc > tail.truesize) {
        // Modern kernels: earlier data is still in the device; its TX
        // completion will push this small tail, maybe grown by then.
        rec_.set(SF::sock_flags, sk.sock_flags | TSQ_THROTTLED);
        rec_.arg(Arg::skb, tail.id);
        SP_EMIT(rec_, autocork_defer);
        return;
    }
    tcp_push_pending_frames(mss_now, (flags & MSG_MORE) ? TCP_NAGLE_CORK : nonagle);
}

void Engine::tcp_push_pending_frames(int64_t mss_now, int64_t nonagle) {
    FuncScope fs(rec_, Func::tcp_push_pending_frames);
    auto& sk = st().sk;
    if (sk.state == TCP_CLOSE || sk.sk_send_head == 0) return;
    rec_.arg(Arg::nonagle, nonagle);
    SP_EMIT(rec_, push_pending);
    if (tcp_write_xmit(mss_now, nonagle, false)) tcp_check_probe_timer();
}

void Engine::tcp_push_one(int64_t mss_now) {
    FuncScope fs(rec_, Func::tcp_push_one);
    tcp_write_xmit(mss_now, TCP_NAGLE_PUSH, true);
}

// ---------------------------------------------------------------------------
// tcp_write_xmit
// ---------------------------------------------------------------------------

void Engine::tcp_set_skb_tso_segs(SkBuff& skb, int64_t mss_now) {
    if (skb.len <= mss_now || !sk_can_gso() || skb.ip_summed == CHECKSUM_NONE) {
        rec_.skb_set(skb, KF::gso_segs, 1);
        rec_.skb_set(skb, KF::gso_size, 0);
    } else {
        rec_.skb_set(skb, KF::gso_segs, (skb.len + mss_now - 1) / mss_now);
        rec_.skb_set(skb, KF::gso_size, mss_now);
    }
}

int64_t Engine::tcp_init_tso_segs(SkBuff& skb, int64_t mss_now) {
    if (!skb.gso_segs || (skb.gso_segs > 1 && skb.gso_size != mss_now)) tcp_set_skb_tso_segs(skb, mss_now);
    return skb.gso_segs;
}

int64_t Engine::tcp_cwnd_test(const SkBuff& skb) const {
    const auto& sk = st_const().sk;
    // tcp_cwnd_test: an skb that is only a FIN (one segment) is not held back by cwnd.
    if ((skb.tcp_flags & TCPHDR_FIN) && skb.gso_segs == 1) return 1;
    const int64_t in_flight = packets_in_flight();
    if (in_flight < sk.snd_cwnd) return sk.snd_cwnd - in_flight;
    return 0;
}

bool Engine::tcp_snd_wnd_test(const SkBuff& skb, int64_t mss_now) const {
    const auto& sk = st_const().sk;
    int64_t end_seq = skb.end_seq;
    if (skb.len > mss_now) end_seq = seq_add(skb.seq, mss_now);
    return !after(end_seq, seq_add(sk.snd_una, sk.snd_wnd));
}

bool Engine::tcp_nagle_test(const SkBuff& skb, int64_t mss_now, int64_t nonagle) const {
    const auto& sk = st_const().sk;
    if (nonagle & TCP_NAGLE_PUSH) return true;
    // Urgent data and the FIN are not held by Nagle; nor new data in F-RTO's
    // second step (frto_counter 2), which must go out to test the timeout.
    if (urg_mode() || sk.frto_counter == 2 || (skb.tcp_flags & TCPHDR_FIN)) return true;
    // tcp_nagle_check with Minshall's variant: hold a small segment only while
    // an earlier small segment is still unacknowledged.
    const bool minshall = after(sk.snd_sml, sk.snd_una) && !after(sk.snd_sml, sk.snd_nxt);
    const bool hold = skb.len < mss_now && ((nonagle & TCP_NAGLE_CORK) || (!nonagle && sk.packets_out && minshall));
    return !hold;
}

bool Engine::tcp_tso_should_defer(SkBuff& skb) {
    auto& sk = st().sk;
    const int64_t jiffies = rec_.time() / 1000;
    auto send_now = [&] {
        rec_.set(SF::tso_deferred, 0);
        return false;
    };
    if (skb.tcp_flags & TCPHDR_FIN) return send_now();
    if (sk.ca_state != TCP_CA_Open) return send_now();
    if (sk.tso_deferred && jiffies - (sk.tso_deferred >> 1) > 1) return send_now();

    const int64_t in_flight = packets_in_flight();
    const int64_t send_win = seq_diff(seq_add(sk.snd_una, sk.snd_wnd), skb.seq);
    const int64_t cong_win = (sk.snd_cwnd - in_flight) * sk.mss_cache;
    const int64_t limit = std::min(send_win, cong_win);
    if (limit >= GSO_MAX_SIZE) return send_now();
    if (!is_tail(skb) && limit >= skb.len) return send_now();
    const int64_t chunk = std::min(sk.snd_wnd, sk.snd_cwnd * sk.mss_cache) / TSO_WIN_DIVISOR;
    if (limit >= chunk) return send_now();

    // No send-now case applied, so tcp_tso_should_defer defers; the first deferral stamps jiffies (low bit set).
    if (!sk.tso_deferred) rec_.set(SF::tso_deferred, 1 | (jiffies << 1));
    return true;
}

int64_t Engine::tcp_mss_split_point(const SkBuff& skb, int64_t mss_now, int64_t cwnd) const {
    const auto& sk = st_const().sk;
    const int64_t window = seq_diff(seq_add(sk.snd_una, sk.snd_wnd), skb.seq);
    const int64_t cwnd_len = mss_now * cwnd;
    if (cwnd_len <= window && !is_tail(skb)) return cwnd_len;
    const int64_t needed = std::min<int64_t>(skb.len, window);
    if (cwnd_len <= needed) return cwnd_len;
    return needed - needed % mss_now;
}

bool Engine::tcp_write_xmit(int64_t mss_now, int64_t nonagle, bool push_one) {
    FuncScope fs(rec_, Func::tcp_write_xmit);
    auto& sk = st().sk;
    int64_t sent_pkts = 0;
    rec_.arg(Arg::push_one, push_one ? 1 : 0);
    rec_.arg(Arg::nonagle, nonagle);
    SP_EMIT(rec_, write_xmit);

    while (sk.sk_send_head != 0) {
        SkBuff& skb = *st().skb(static_cast<uint32_t>(sk.sk_send_head));
        // tcp_init_tso_segs: its changes are this function's, on the decision below.
        const int64_t tso_segs = tcp_init_tso_segs(skb, mss_now);

        const int64_t cwnd_quota = tcp_cwnd_test(skb);
        if (!cwnd_quota) {
            rec_.arg(Arg::skb, skb.id);
            rec_.arg(Arg::in_flight, packets_in_flight());
            rec_.arg(Arg::cwnd, sk.snd_cwnd);
            SP_EMIT(rec_, cwnd_limited);
            break;
        }
        if (!tcp_snd_wnd_test(skb, mss_now)) {
            rec_.arg(Arg::skb, skb.id);
            rec_.arg(Arg::win, sk.snd_wnd);
            SP_EMIT(rec_, rwnd_limited);
            break;
        }
        if (tso_segs == 1) {
            if (!tcp_nagle_test(skb, mss_now, is_tail(skb) ? nonagle : TCP_NAGLE_PUSH)) {
                rec_.arg(Arg::skb, skb.id);
                rec_.arg(Arg::len, skb.len);
                rec_.arg(Arg::nonagle, nonagle);
                SP_EMIT(rec_, nagle_defer);
                break;
            }
        } else if (!push_one && tcp_tso_should_defer(skb)) {
            rec_.arg(Arg::skb, skb.id);
            SP_EMIT(rec_, tso_defer);
            break;
        }

        int64_t limit = mss_now;
        if (tso_segs > 1 && !urg_mode()) limit = tcp_mss_split_point(skb, mss_now, cwnd_quota);
        if (skb.len > limit) {
            rec_.arg(Arg::skb, skb.id);
            rec_.arg(Arg::len, skb.len);
            rec_.arg(Arg::limit, limit);
            SP_EMIT(rec_, split_point);
            if (!tso_fragment(skb, limit, mss_now)) break;
        }

        // Every test passed: the skb is stamped with its send time (for the
        // RTT sample its ACK will give) and goes to tcp_transmit_skb.
        rec_.skb_set(skb, KF::when_us, rec_.time());
        rec_.arg(Arg::skb, skb.id);
        rec_.arg(Arg::quota, cwnd_quota);
        rec_.arg(Arg::limit, limit);
        SP_EMIT(rec_, xmit_pass);
        if (tcp_transmit_skb(skb) != 0) break;
        tcp_event_new_data_sent(skb);
        // tcp_minshall_update: remember the end of the last small segment
        // sent, which Nagle's test (tcp_minshall_check) looks at.
        if (skb.len < mss_now) {
            rec_.set(SF::snd_sml, skb.end_seq);
            rec_.arg(Arg::end_seq, skb.end_seq);
            SP_EMIT(rec_, minshall_update);
        }
        ++sent_pkts;
        if (push_one) break;
    }
    if (sent_pkts) return false;
    return !sk.packets_out && sk.sk_send_head != 0;
}

// tcp_event_new_data_sent: the skb has left; sk_send_head moves past it,
// snd_nxt to its end, and its segments count as in flight. The first
// segment in flight starts the retransmission timer.
void Engine::tcp_event_new_data_sent(SkBuff& skb) {
    FuncScope fs(rec_, Func::tcp_event_new_data_sent);
    auto& sk = st().sk;
    const int64_t prior_packets = sk.packets_out;
    rec_.set(SF::sk_send_head, next_skb_after(skb.id));
    rec_.set(SF::snd_nxt, skb.end_seq);
    // F-RTO skips Nagle for the first new segment only.
    if (sk.frto_counter == 2) rec_.set(SF::frto_counter, 3);
    rec_.set(SF::packets_out, sk.packets_out + skb.gso_segs);
    rec_.arg(Arg::skb, skb.id);
    rec_.arg(Arg::end_seq, skb.end_seq);
    rec_.arg(Arg::segs, skb.gso_segs);
    SP_EMIT(rec_, new_data_sent);
    if (!prior_packets) inet_csk_reset_xmit_timer(ICSK_TIME_RETRANS, sk.icsk_rto_us);
}

// ---------------------------------------------------------------------------
// Splitting skbs
// ---------------------------------------------------------------------------

// Moves everything after the first len bytes of skb into a new skb buff
// (which the callers have allocated and charged) and links buff after skb.
static void split_payload(Engine& e, SkBuff& skb, SkBuff& buff, int64_t len) {
    auto& rec = e.rec_;
    const int64_t headlen = skb.headlen();
    if (len < headlen) {
        // Part of the linear area moves: copy it into buff's linear area.
        auto& from = e.linear_data(skb.id);
        const uint32_t pulled = e.linear_head_.count(skb.id) ? e.linear_head_.at(skb.id) : 0;
        auto& to = e.linear_data(buff.id);
        to.assign(from.begin() + pulled + len, from.begin() + pulled + headlen);
        from.resize(pulled + static_cast<std::size_t>(len));
        for (int64_t i = 0; i < skb.nr_frags; ++i) rec.skb_frag(buff, static_cast<uint32_t>(i), skb.frags[i]);
        rec.skb_set(buff, KF::nr_frags, skb.nr_frags);
        rec.skb_set(buff, KF::len, skb.len - len);
        rec.skb_set(buff, KF::data_len, skb.data_len);
        rec.skb_set(skb, KF::nr_frags, 0);
        rec.skb_set(skb, KF::data_len, 0);
        rec.skb_set(skb, KF::len, len);
        return;
    }
    // skb_split: fragments wholly past the split move; one that straddles it
    // is shared, each half holding a page reference.
    int64_t pos = headlen;
    int64_t keep = 0, k = 0;
    for (int64_t i = 0; i < skb.nr_frags; ++i) {
        Frag f = skb.frags[i];
        const int64_t fend = pos + f.size;
        if (fend <= len) {
            ++keep;
        } else if (pos < len) {
            const uint32_t first = static_cast<uint32_t>(len - pos);
            rec.skb_frag(buff, static_cast<uint32_t>(k++), Frag{f.page, f.off + first, f.size - first});
            rec.skb_frag(skb, static_cast<uint32_t>(i), Frag{f.page, f.off, first});
            e.get_page(*e.st().page(f.page));
            ++keep;
        } else {
            rec.skb_frag(buff, static_cast<uint32_t>(k++), f);
        }
        pos = fend;
    }
    for (int64_t i = keep; i < skb.nr_frags; ++i) rec.skb_frag(skb, static_cast<uint32_t>(i), Frag{});
    rec.skb_set(buff, KF::nr_frags, k);
    rec.skb_set(buff, KF::len, skb.len - len);
    rec.skb_set(buff, KF::data_len, skb.len - len);
    rec.skb_set(skb, KF::nr_frags, keep);
    rec.skb_set(skb, KF::data_len, skb.data_len - (skb.len - len));
    rec.skb_set(skb, KF::len, len);
}

static void finish_split(Engine& e, SkBuff& skb, SkBuff& buff, int64_t len, int64_t mss_now, bool keep_sacked) {
    auto& rec = e.rec_;
    auto& sk = e.st().sk;
    const int64_t old_pcount = skb.gso_segs;
    rec.skb_set(buff, KF::seq, seq_add(skb.seq, len));
    rec.skb_set(buff, KF::end_seq, skb.end_seq);
    rec.skb_set(skb, KF::end_seq, buff.seq);
    // tcp_fragment / tso_fragment: the first half loses PSH and FIN; buff, which keeps the old end, keeps them.
    rec.skb_set(buff, KF::tcp_flags, skb.tcp_flags);
    rec.skb_set(skb, KF::tcp_flags, skb.tcp_flags & ~(TCPHDR_FIN | TCPHDR_PSH));
    rec.skb_set(buff, KF::sacked, keep_sacked ? skb.sacked : 0);
    rec.skb_set(buff, KF::when_us, skb.when_us);
    rec.skb_set(buff, KF::ip_summed, skb.ip_summed);
    e.tcp_set_skb_tso_segs(skb, mss_now);
    e.tcp_set_skb_tso_segs(buff, mss_now);
    rec.skb_link(buff, skb.id);
    // tcp_fragment: splitting a sent skb changes its segment count; packets_out, retrans_out, lost_out follow.
    if (skb.when_us != 0 && !before(skb.seq, sk.snd_una) && before(skb.seq, sk.snd_nxt) && old_pcount) {
        const int64_t diff = old_pcount - skb.gso_segs - buff.gso_segs;
        if (diff) {
            rec.set(SF::packets_out, sk.packets_out - diff);
            if (skb.sacked & TCPCB_RETRANS) rec.set(SF::retrans_out, sk.retrans_out - diff);
            if (skb.sacked & TCPCB_LOST) rec.set(SF::lost_out, sk.lost_out - diff);
            if (skb.sacked & TCPCB_SACKED_ACKED) rec.set(SF::sacked_out, sk.sacked_out - diff);
            // tcp_adjust_pcount: without SACK, sacked_out shrinks with the count.
            if (!sk.sack_ok && diff > 0) rec.set(SF::sacked_out, sk.sacked_out - std::min(sk.sacked_out, diff));
            // tcp_adjust_fackets_out: an skb below the highest SACK counts in fackets_out.
            if (sk.sacked_out && !e.is_tail(skb) && after(e.tcp_highest_sack_seq(), skb.seq))
                rec.set(SF::fackets_out, sk.fackets_out - diff);
        }
    }
}

// The second skb of a split could not be allocated (sk_stream_alloc_skb said
// no, usually because sk_wmem_schedule refused under memory pressure): the
// kernel's tso_fragment and tcp_fragment return -ENOMEM and the caller stops.
bool Engine::split_fail(const SkBuff& skb, int64_t len) {
    rec_.arg(Arg::skb, skb.id);
    rec_.arg(Arg::len, len);
    SP_EMIT(rec_, split_fail);
    return false;
}

bool Engine::tso_fragment(SkBuff& skb, int64_t len, int64_t mss_now) {
    // tso_fragment splits only skbs whose payload is all in page fragments; others go to tcp_fragment.
    if (skb.len != skb.data_len) return tcp_fragment(skb, len, mss_now);
    FuncScope fs(rec_, Func::tso_fragment);
    auto& sk = st().sk;
    SkBuff* buff = sk_stream_alloc_skb(0);
    if (!buff) return split_fail(skb, len);
    rec_.set(SF::sk_wmem_queued, sk.sk_wmem_queued + buff->truesize);
    sk_mem_charge(buff->truesize);
    const int64_t nlen = skb.len - len;
    rec_.skb_set(*buff, KF::truesize, buff->truesize + nlen);
    rec_.skb_set(skb, KF::truesize, skb.truesize - nlen);
    rec_.skb_set(*buff, KF::ip_summed, CHECKSUM_PARTIAL);
    rec_.skb_set(skb, KF::ip_summed, CHECKSUM_PARTIAL);
    split_payload(*this, skb, *buff, len);
    finish_split(*this, skb, *buff, len, mss_now, false);
    rec_.arg(Arg::skb, skb.id);
    rec_.arg(Arg::len, len);
    rec_.arg(Arg::value, buff->id);
    SP_EMIT(rec_, tso_split);
    return true;
}

bool Engine::tcp_fragment(SkBuff& skb, int64_t len, int64_t mss_now) {
    FuncScope fs(rec_, Func::tcp_fragment);
    auto& sk = st().sk;
    int64_t nsize = skb.headlen() - len;
    if (nsize < 0) nsize = 0;
    SkBuff* buff = sk_stream_alloc_skb(nsize);
    if (!buff) return split_fail(skb, len);
    rec_.set(SF::sk_wmem_queued, sk.sk_wmem_queued + buff->truesize);
    sk_mem_charge(buff->truesize);
    const int64_t nlen = skb.len - len - nsize;
    rec_.skb_set(*buff, KF::truesize, buff->truesize + nlen);
    rec_.skb_set(skb, KF::truesize, skb.truesize - nlen);
    split_payload(*this, skb, *buff, len);
    if (skb.nr_frags == 0 && buff->nr_frags == 0 && skb.ip_summed != CHECKSUM_PARTIAL) {
        // Software checksum: both halves get theirs recomputed.
        const auto& a = linear_data(skb.id);
        const uint32_t pulled = linear_head_.count(skb.id) ? linear_head_.at(skb.id) : 0;
        rec_.skb_set(skb, KF::csum, csum_add_block(0, a.data() + pulled, skb.len, 0));
        const auto& b = linear_data(buff->id);
        rec_.skb_set(*buff, KF::csum, csum_add_block(0, b.data(), buff->len, 0));
    } else {
        rec_.skb_set(skb, KF::ip_summed, CHECKSUM_PARTIAL);
        rec_.skb_set(*buff, KF::ip_summed, CHECKSUM_PARTIAL);
    }
    finish_split(*this, skb, *buff, len, mss_now, true);
    rec_.arg(Arg::skb, skb.id);
    rec_.arg(Arg::len, len);
    rec_.arg(Arg::value, buff->id);
    SP_EMIT(rec_, tso_split);
    return true;
}

// ---------------------------------------------------------------------------
// tcp_transmit_skb: the frames
// ---------------------------------------------------------------------------

int Engine::tcp_transmit_skb(SkBuff& skb) {
    FuncScope fs(rec_, Func::tcp_transmit_skb);
    auto& sk = st().sk;
    const bool syn = skb.tcp_flags & TCPHDR_SYN;
    if (skb.tcp_flags & TCPHDR_ACK) tcp_event_ack_sent();

    net::TcpRepr th;
    th.src_port = our_port_;
    th.dst_port = peer_port_;
    th.ack = seq32(sk.rcv_nxt);
    if (syn) {
        // SYN options in the order Linux writes them.
        th.window = static_cast<uint16_t>(std::min<int64_t>(sk.rcv_wnd, 65535));
        th.options.mss = static_cast<uint16_t>(pmtu_ - 40);
        if (cfg_.sock.sack) th.options.sack_perm = true;
        if (cfg_.sock.timestamps) th.options.ts = std::make_pair(static_cast<uint32_t>(rec_.time() / 1000), 0u);
        if (cfg_.sock.window_scaling) th.options.wscale = static_cast<uint8_t>(sk.rcv_wscale);
    } else {
        // tcp_select_window: we receive no data, so the offer never changes.
        th.window = static_cast<uint16_t>(std::min<int64_t>(sk.rcv_wnd >> sk.rcv_wscale, 65535));
        if (sk.tstamp_ok)
            th.options.ts = std::make_pair(static_cast<uint32_t>(rec_.time() / 1000), seq32(sk.ts_recent));
    }

    net::FrameAddrs a{our_mac_, peer_mac_, our_ip_, peer_ip_, 0, 64, true};
    // Software GSO cuts a multi-segment skb into MSS-sized frames; a TSO
    // device takes it whole.
    const bool gso_split = skb.gso_segs > 1 && !cfg_.device.tso;
    const int64_t seg_size = gso_split ? skb.gso_size : std::max<int64_t>(skb.len, 1);
    const int64_t nsegs = gso_split ? skb.gso_segs : 1;
    int64_t frames_lost = 0;
    // A peer in this process takes the segment as it is (Link::takes_segments);
    // then the headers are built and the payload summed only for the trace.
    const bool segments = link_.takes_segments();
    const bool need_bytes = !segments || rec_.tracing();
    for (int64_t k = 0; k < nsegs; ++k) {
        const int64_t off = k * seg_size;
        const int64_t n = std::min<int64_t>(seg_size, skb.len - off);
        const bool last = k == nsegs - 1;
        th.seq = seq32(seq_add(skb.seq, off));
        th.flags = static_cast<uint8_t>(skb.tcp_flags & (last ? 0xff : ~(TCPHDR_FIN | TCPHDR_PSH)));
        th.urg_ptr = 0;
        // Urgent pointer while urgent mode covers this segment.
        if (urg_mode() && before(th.seq, sk.snd_up)) {
            const int64_t d = seq_diff(sk.snd_up, th.seq);
            th.urg_ptr = static_cast<uint16_t>(d < 0x10000 ? d : 0xffff);
            th.flags |= TCPHDR_URG;
        }
        a.ip_id = ip_id_++;
        // The trace keeps the headers; the payload it names in the send stream.
        std::size_t kept = 0;
        if (need_bytes) {
            parts_.clear();
            if (n > 0) gather(skb, static_cast<uint32_t>(off), static_cast<uint32_t>(n), parts_);
            frame_buf_.clear();
            kept = segments ? net::emit_tcp_headers(frame_buf_, a, th, parts_)
                            : net::emit_tcp_frame(frame_buf_, a, th, parts_) - static_cast<std::size_t>(n);
        }
        const bool delivered = segments ? link_.send_segment(a, th, static_cast<uint32_t>(n)) : link_.send(frame_buf_);
        if (!delivered) ++frames_lost;
        rec_.add_frame_of_stream(skb.id, frame_buf_.data(), kept, th.seq, static_cast<uint32_t>(n), !delivered);
    }
    if (opt_.autocork) {
        // The clone stays in the device until TX completion.
        rec_.set(SF::sk_wmem_alloc, sk.sk_wmem_alloc + skb.truesize);
        tx_completions_.emplace_back(rec_.time() + opt_.tx_completion_us, skb.truesize);
    }
    // tcp_event_data_sent (called by tcp_transmit_skb for a segment with
    // data): the time of the last data sent, which restarts idle cwnd checks.
    if (skb.len > 0) rec_.set(SF::lsndtime_us, rec_.time());
    rec_.arg(Arg::skb, skb.id);
    rec_.arg(Arg::seq, skb.seq);
    rec_.arg(Arg::end_seq, skb.end_seq);
    rec_.arg(Arg::frames, nsegs);
    if (frames_lost) rec_.arg(Arg::dropped, frames_lost);
    SP_EMIT(rec_, transmit);
    return 0;
}

// A segment with no skb behind it: the ACK of the handshake, window probes.
void Engine::tcp_send_bare(int64_t seq, int64_t flags) {
    auto& sk = st().sk;
    net::TcpRepr th;
    th.src_port = our_port_;
    th.dst_port = peer_port_;
    th.seq = seq32(seq);
    th.ack = seq32(sk.rcv_nxt);
    th.flags = static_cast<uint8_t>(flags);
    th.window = static_cast<uint16_t>(std::min<int64_t>(sk.rcv_wnd >> sk.rcv_wscale, 65535));
    if (sk.tstamp_ok) th.options.ts = std::make_pair(static_cast<uint32_t>(rec_.time() / 1000), seq32(sk.ts_recent));
    if (flags & TCPHDR_ACK) tcp_event_ack_sent();
    net::FrameAddrs a{our_mac_, peer_mac_, our_ip_, peer_ip_, ip_id_++, 64, true};
    const bool segments = link_.takes_segments();
    if (!segments || rec_.tracing()) {
        frame_buf_.clear();
        net::emit_tcp_frame(frame_buf_, a, th, std::span<const uint8_t>{});
    }
    const bool delivered = segments ? link_.send_segment(a, th, 0) : link_.send(frame_buf_);
    rec_.add_frame(0, 0, frame_buf_.data(), frame_buf_.size(), !delivered);
}

// tcp_event_ack_sent (2.6.32.67, called for every segment with ACK set as it
// is built): an ACK that was owed goes out with this segment, so it is no
// longer pending. Like the write timer, the delayed-ACK kernel timer is not
// stopped (inet_csk_clear_xmit_timer); it fires later and finds nothing to do.
void Engine::tcp_event_ack_sent() {
    auto& sk = st().sk;
    if (!sk.icsk_ack_pending) return;
    FuncScope fs(rec_, Func::tcp_event_ack_sent);
    rec_.set(SF::icsk_ack_pending, 0);
    SP_EMIT(rec_, delack_clear);
}

void Engine::tcp_send_ack() {
    FuncScope fs(rec_, Func::tcp_send_ack);
    tcp_send_bare(st().sk.snd_nxt, TCPHDR_ACK);
    rec_.arg(Arg::ack, st().sk.rcv_nxt);
    SP_EMIT(rec_, send_ack);
}

}  // namespace sendpath::engine
