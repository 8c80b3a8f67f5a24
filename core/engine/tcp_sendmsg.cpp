// tcp_sendmsg as Linux 2.6.32.67 runs it (net/ipv4/tcp.c), with its helpers
// tcp_send_mss, select_size, sk_stream_alloc_skb, skb_entail, tcp_mark_push,
// forced_push, sk_stream_wait_connect, sk_stream_wait_memory, sk_stream_error.
//
// The labels new_segment, wait_for_sndbuf, wait_for_memory, do_fault,
// do_error, out and out_err are the kernel's, and so is the order of the
// tests, so this file can be read beside a kernel listing. Every branch
// outcome emits one event (EMIT), which records the line it is on.
#include <algorithm>
#include <cstring>

#include "engine/engine.hpp"

SP_EMIT_FILE("core/engine/tcp_sendmsg.cpp")

namespace sendpath::engine {

using namespace model;
using trace::Arg;
using trace::Func;
using trace::FuncScope;

namespace {
constexpr int64_t MAX_SCHEDULE_TIMEOUT = -1;  // "wait forever"
int64_t timeo_ms(int64_t timeo_us) { return timeo_us < 0 ? -1 : timeo_us / 1000; }
}  // namespace

bool UserBuffer::copy(uint8_t* dst, uint64_t off, uint64_t n) const {
    if (fault_at >= 0 && static_cast<uint64_t>(fault_at) >= off && static_cast<uint64_t>(fault_at) < off + n)
        return false;
    if (data) std::memcpy(dst, data->data() + off, n);
    else if (!external.empty()) trace::copy_cycled(dst, external, off, n);
    else trace::copy_pattern(dst, call, off, n);
    return true;
}

void Engine::record_sent(const UserBuffer& buf, uint64_t from, int64_t copy) {
    if (!rec_.tracing()) return;
    const auto n = static_cast<uint32_t>(copy);
    const int64_t seq = st().sk.write_seq;
    if (buf.data) rec_.add_sent_literal(buf.call, reinterpret_cast<const uint8_t*>(buf.data->data()) + from, n, seq);
    else
        rec_.add_sent(buf.external.empty() ? trace::SendPiece::pattern : trace::SendPiece::buffer, buf.call, from, n,
                      seq);
}

// ---------------------------------------------------------------------------
// tcp_sendmsg
// ---------------------------------------------------------------------------
int64_t Engine::tcp_sendmsg(const UserBuffer& buf, int64_t flags) {
    FuncScope fs(rec_, Func::tcp_sendmsg);
    auto& sk = st().sk;

    // Locals, declared up front because the kernel's gotos jump across them.
    int64_t iovlen = static_cast<int64_t>(buf.iov.size());
    int64_t iov = 0;
    uint64_t from = 0;       // offset of the next user byte in this call's buffer
    uint64_t iov_start = 0;  // offset where the current iovec starts
    int64_t copied = 0;
    int64_t err = 0;
    int64_t mss_now = 0, size_goal = 0;
    int64_t seglen = 0;
    int64_t copy = 0, max = 0;
    int64_t timeo = 0;
    SkBuff* skb = nullptr;
    uint64_t total = 0;
    for (auto l : buf.iov) total += static_cast<uint64_t>(l);

    // The locals are part of the State so a student sees them change (only
    // a trace can show them, so an untraced run skips this).
    auto sync = [&] {
        if (!rec_.tracing()) return;
        rec_.set(SF::copied, copied);
        rec_.set(SF::iov, iov);
        rec_.set(SF::seglen, seglen);
        rec_.set(SF::mss_now, mss_now);
        rec_.set(SF::size_goal, size_goal);
        rec_.set(SF::copy, copy);
        rec_.set(SF::max, max);
        rec_.set(SF::err, err);
        rec_.set(SF::timeo_ms, timeo_ms(timeo));
    };
#define EMIT(kind) (sync(), SP_EMIT(rec_, kind))

    // lock_sock: incoming segments wait in the backlog until we sleep or return.
    timeo = (flags & MSG_DONTWAIT) ? 0 : (sk.sk_sndtimeo_ms < 0 ? MAX_SCHEDULE_TIMEOUT : sk.sk_sndtimeo_ms * 1000);
    rec_.arg(Arg::flags, flags);
    rec_.arg(Arg::iovcnt, iovlen);
    rec_.arg(Arg::size, static_cast<int64_t>(total));
    EMIT(sendmsg_enter);

    // Sending needs ESTABLISHED or CLOSE_WAIT; in any other state tcp_sendmsg asks sk_stream_wait_connect.
    if (sk.state != TCP_ESTABLISHED && sk.state != TCP_CLOSE_WAIT) {
        EMIT(wait_connect);
        err = sk_stream_wait_connect(timeo);
        if (err != 0) goto out_err;
    }

    // tcp_sendmsg clears SOCK_ASYNC_NOSPACE on entry (sk_stream_wait_memory may set it again).
    if (sk.sock_flags & SOCK_ASYNC_NOSPACE) {
        rec_.set(SF::sock_flags, sk.sock_flags & ~SOCK_ASYNC_NOSPACE);
        EMIT(async_nospace_clear);
    }

    tcp_send_mss(flags, mss_now, size_goal);

    // tcp_sendmsg's copy loop begins: nothing copied yet; a socket error or SEND_SHUTDOWN is EPIPE.
    copied = 0;
    err = -EPIPE_;
    if (sk.sk_err || (sk.sk_shutdown & SEND_SHUTDOWN)) {
        EMIT(precheck_epipe);
        goto out_err;
    }

    while (--iovlen >= 0) {
        seglen = buf.iov[static_cast<std::size_t>(iov)];
        from = iov_start;
        rec_.arg(Arg::iov, iov);
        rec_.arg(Arg::seglen, seglen);
        EMIT(iov_next);

        while (seglen > 0) {
            copy = 0;
            max = size_goal;
            skb = st().skb(st().tail());
            if (sk.sk_send_head != 0) {
                // The tail is unsent: it can take more bytes.
                if (skb->ip_summed == CHECKSUM_NONE) max = mss_now;
                copy = max - skb->len;
            }

            if (copy <= 0) {
            new_segment:
                EMIT(new_segment);
                // No unsent tail with room: tcp_sendmsg checks the send buffer (sk_stream_memory_free),
                // then gets a fresh skb whose linear part select_size() sizes (see there).
                if (!sk_stream_memory_free()) goto wait_for_sndbuf;

                skb = sk_stream_alloc_skb(select_size());
                if (!skb) {
                    EMIT(skb_alloc_fail);
                    goto wait_for_memory;
                }

                // A checksumming device (NETIF_F_ALL_CSUM) gets CHECKSUM_PARTIAL: the copies below skip the sum.
                if (cfg_.device.csum) rec_.skb_set(*skb, KF::ip_summed, CHECKSUM_PARTIAL);

                skb_entail(*skb);
                copy = size_goal;
                max = size_goal;
                rec_.arg(Arg::skb, skb->id);
                rec_.arg(Arg::size, skb->linear_cap);
                EMIT(skb_entail);
            } else {
                rec_.arg(Arg::skb, skb->id);
                rec_.arg(Arg::copy, copy);
                rec_.arg(Arg::max, max);
                EMIT(tail_append);
            }

            // Take no more than what is left of this iovec.
            if (copy > seglen) copy = seglen;

            // tcp_sendmsg fills the skb's linear area while it has room, then page fragments (else branch).
            if (skb->tailroom() > 0) {
                // skb_add_data: the linear copy is bounded by the tailroom.
                if (copy > skb->tailroom()) copy = skb->tailroom();
                auto& lin = linear_data(skb->id);
                const std::size_t old = lin.size();
                lin.resize(old + static_cast<std::size_t>(copy));
                if (!buf.copy(lin.data() + old, from, static_cast<uint64_t>(copy))) {
                    lin.resize(old);  // skb_add_data trims back to the old length
                    err = -EFAULT_;
                    rec_.arg(Arg::offset, static_cast<int64_t>(from));
                    EMIT(copy_linear_fault);
                    goto do_fault;
                }
                if (skb->ip_summed == CHECKSUM_NONE)
                    rec_.skb_set(*skb, KF::csum, csum_add_block(skb->csum, lin.data() + old, copy, skb->len));
                rec_.skb_set(*skb, KF::len, skb->len + copy);
                rec_.arg(Arg::copy, copy);
                rec_.arg(Arg::offset, static_cast<int64_t>(from));
                EMIT(copy_linear);
            } else {
                bool merge = false;
                int64_t i = skb->nr_frags;
                uint32_t page = static_cast<uint32_t>(sk.sk_sndmsg_page);
                int64_t off = sk.sk_sndmsg_off;

                if (i > 0 && page != 0 && skb->frags[i - 1].page == page &&
                    skb->frags[i - 1].off + skb->frags[i - 1].size == off && off != PAGE_SIZE) {
                    // skb_can_coalesce: the cached page has room and continues the last fragment, which grows.
                    merge = true;
                } else if (i == cfg_.sysctl.max_skb_frags || !cfg_.device.sg) {
                    // A new fragment is needed but cannot be added (every frag slot taken, or no
                    // scatter-gather on the device): tcp_sendmsg marks PSH and opens a new segment.
                    tcp_mark_push(*skb);
                    rec_.arg(Arg::skb, skb->id);
                    rec_.arg(Arg::segs, i);
                    EMIT(frags_full);
                    goto new_segment;
                } else if (page != 0) {
                    if (off == PAGE_SIZE) {
                        // The cached page is used up: drop the socket's reference.
                        rec_.arg(Arg::page, page);
                        put_page(page);
                        rec_.set(SF::sk_sndmsg_page, 0);
                        page = 0;
                        off = 0;
                        EMIT(page_release);
                    }
                } else {
                    off = 0;
                    EMIT(page_none);
                }

                if (copy > static_cast<int64_t>(PAGE_SIZE) - off) copy = PAGE_SIZE - off;

                if (!sk_wmem_schedule(copy)) {
                    rec_.arg(Arg::copy, copy);
                    EMIT(wmem_sched_fail);
                    goto wait_for_memory;
                }

                if (page == 0) {
                    // No cached page to use: take a fresh one (sk_stream_alloc_page in 2.6.32).
                    Page* p = alloc_page();
                    if (!p) {
                        EMIT(page_alloc_fail);
                        goto wait_for_memory;
                    }
                    page = p->id;
                    rec_.arg(Arg::page, page);
                    EMIT(page_alloc);
                }

                // skb_copy_to_page: the user bytes go into the page at off; a fault ends in do_error.
                if (!buf.copy(page_data(page) + off, from, static_cast<uint64_t>(copy))) {
                    // A fresh page (none was cached) sits in no fragment after the fault: tcp_sendmsg
                    // keeps it as the socket's cached page (sk_sndmsg_page) so it is reused, not lost.
                    if (sk.sk_sndmsg_page == 0) {
                        rec_.set(SF::sk_sndmsg_page, page);
                        rec_.set(SF::sk_sndmsg_off, 0);
                    }
                    err = -EFAULT_;
                    rec_.arg(Arg::page, page);
                    rec_.arg(Arg::offset, static_cast<int64_t>(from));
                    EMIT(copy_page_fault);
                    goto do_error;
                }
                if (skb->ip_summed == CHECKSUM_NONE)
                    rec_.skb_set(*skb, KF::csum, csum_add_block(skb->csum, page_data(page) + off, copy, skb->len));

                // Account the bytes: skb len, data_len and truesize grow, and the socket is charged.
                rec_.skb_set(*skb, KF::len, skb->len + copy);
                rec_.skb_set(*skb, KF::data_len, skb->data_len + copy);
                rec_.skb_set(*skb, KF::truesize, skb->truesize + copy);
                rec_.set(SF::sk_wmem_queued, sk.sk_wmem_queued + copy);
                sk_mem_charge(copy);

                // The refs argument: 0 merged, 1 cache hit (+1), 2 new page cached (+1),
                // 3 new page filled (the fragment owns it).
                int64_t refs = 0;
                if (merge) {
                    Frag f = skb->frags[i - 1];
                    f.size += static_cast<uint32_t>(copy);
                    rec_.skb_frag(*skb, static_cast<uint32_t>(i - 1), f);
                } else {
                    rec_.skb_frag(*skb, static_cast<uint32_t>(i),
                                  Frag{page, static_cast<uint32_t>(off), static_cast<uint32_t>(copy)});
                    rec_.skb_set(*skb, KF::nr_frags, i + 1);
                    Page& pg = *st().page(page);
                    if (sk.sk_sndmsg_page == page) {
                        get_page(pg);
                        refs = 1;
                    } else if (off + copy < static_cast<int64_t>(PAGE_SIZE)) {
                        get_page(pg);
                        rec_.set(SF::sk_sndmsg_page, page);
                        refs = 2;
                    } else {
                        refs = 3;
                    }
                }
                rec_.set(SF::sk_sndmsg_off, off + copy);
                rec_.arg(Arg::skb, skb->id);
                rec_.arg(Arg::page, page);
                rec_.arg(Arg::off, off);
                rec_.arg(Arg::copy, copy);
                rec_.arg(Arg::refs, refs);
                rec_.arg(Arg::offset, static_cast<int64_t>(from));
                if (merge) EMIT(page_merge);
                else EMIT(page_new_frag);
            }

            if (copied == 0) {
                rec_.skb_set(*skb, KF::tcp_flags, skb->tcp_flags & ~TCPHDR_PSH);
                EMIT(psh_clear);
            }

            record_sent(buf, from, copy);
            rec_.set(SF::write_seq, seq_add(sk.write_seq, copy));
            rec_.skb_set(*skb, KF::end_seq, seq_add(skb->end_seq, copy));
            rec_.skb_set(*skb, KF::gso_segs, 0);

            from += static_cast<uint64_t>(copy);
            copied += copy;
            seglen -= copy;
            EMIT(advance);
            if (seglen == 0 && iovlen == 0) {
                EMIT(last_chunk);
                goto out;
            }

            if (skb->len < max || (flags & MSG_OOB)) {
                EMIT(continue_fill);
                continue;
            }

            if (forced_push()) {
                EMIT(forced_push);
                tcp_mark_push(*skb);
                tcp_push_pending_frames(mss_now, TCP_NAGLE_PUSH);
            } else if (skb->id == sk.sk_send_head) {
                EMIT(push_one);
                tcp_push_one(mss_now);
            } else {
                EMIT(full_queued);
            }
            continue;

        wait_for_sndbuf:
            rec_.set(SF::sock_flags, sk.sock_flags | SOCK_NOSPACE);
            rec_.set(SF::sk_write_pending, sk.sk_write_pending + 1);
            EMIT(wait_for_sndbuf);
        wait_for_memory:
            EMIT(wait_for_memory);
            if (copied) tcp_push(flags & ~MSG_MORE, mss_now, TCP_NAGLE_PUSH);

            err = sk_stream_wait_memory(timeo);
            if (err != 0) goto do_error;

            tcp_send_mss(flags, mss_now, size_goal);
        }
        iov_start += static_cast<uint64_t>(buf.iov[static_cast<std::size_t>(iov)]);
        ++iov;
    }

out:
    if (copied) {
        rec_.arg(Arg::flags, flags);
        EMIT(out_push);
        tcp_push(flags, mss_now, sk.nonagle);
    }
    rec_.arg(Arg::ret, copied);
    EMIT(sendmsg_exit);
    return copied;

do_fault:
    EMIT(do_fault);
    if (skb->len == 0) {
        const uint32_t id = skb->id;
        if (sk.sk_send_head == id) rec_.set(SF::sk_send_head, 0);  // tcp_check_send_head
        rec_.skb_unlink(*skb);
        sk_wmem_free_skb(*skb);
        skb = nullptr;
        rec_.arg(Arg::skb, id);
        EMIT(fault_unlink);
    }

do_error:
    EMIT(do_error);
    if (copied) {
        rec_.arg(Arg::ret, copied);
        EMIT(return_partial);
        goto out;
    }
out_err:
    err = sk_stream_error(flags, err);
    rec_.arg(Arg::err, err);
    EMIT(out_err);
    rec_.arg(Arg::ret, err);
    EMIT(sendmsg_exit);
    return err;
#undef EMIT
}

// ---------------------------------------------------------------------------
// Helpers of tcp_sendmsg
// ---------------------------------------------------------------------------

void Engine::tcp_send_mss(int64_t flags, int64_t& mss_now, int64_t& size_goal) {
    FuncScope fs(rec_, Func::tcp_send_mss);
    mss_now = tcp_current_mss();
    size_goal = tcp_xmit_size_goal(mss_now, !(flags & MSG_OOB));
    rec_.arg(Arg::mss_now, mss_now);
    rec_.arg(Arg::size_goal, size_goal);
    SP_EMIT(rec_, send_mss);
}

// How much linear room a new skb gets: with scatter-gather and GSO none (all
// payload goes to page fragments); with scatter-gather alone, one page's worth
// when a segment is bigger than that; without scatter-gather, a whole segment.
int64_t Engine::select_size() const {
    if (!opt_.linear_copy) return 0;
    int64_t tmp = st_const().sk.mss_cache;
    if (cfg_.device.sg) {
        if (sk_can_gso()) {
            tmp = 0;
        } else {
            const int64_t shinfo =
                (opt_.sizeof_shinfo + opt_.l1_cache_bytes - 1) / opt_.l1_cache_bytes * opt_.l1_cache_bytes;
            const int64_t pgbreak = PAGE_SIZE - opt_.max_tcp_header - shinfo;
            if (tmp >= pgbreak && tmp <= pgbreak + (static_cast<int64_t>(MAX_SKB_FRAGS) - 1) * PAGE_SIZE) tmp = pgbreak;
        }
    }
    return tmp;
}

SkBuff* Engine::sk_stream_alloc_skb(int64_t size, bool scripted) {
    FuncScope fs(rec_, Func::sk_stream_alloc_skb);
    size = (size + 3) & ~int64_t{3};
    const int64_t l1 = opt_.l1_cache_bytes;
    const int64_t data = (size + opt_.max_tcp_header + l1 - 1) / l1 * l1;
    const int64_t truesize = data + opt_.sizeof_sk_buff;

    if (scripted) ++skb_allocs_;
    if (scripted && std::find(cfg_.faults.fail_skb_alloc.begin(), cfg_.faults.fail_skb_alloc.end(), skb_allocs_) !=
                        cfg_.faults.fail_skb_alloc.end()) {
        // alloc_skb_fclone failed: the protocol enters memory pressure.
        enter_memory_pressure();
        sk_stream_moderate_sndbuf();
        return nullptr;
    }
    if (!sk_wmem_schedule(truesize)) return nullptr;  // no pressure call on this path

    SkBuff& skb = rec_.skb_new();
    rec_.skb_set(skb, KF::truesize, truesize);
    rec_.skb_set(skb, KF::linear_cap, size);
    rec_.arg(Arg::skb, skb.id);
    rec_.arg(Arg::size, size);
    rec_.arg(Arg::value, truesize);
    SP_EMIT(rec_, skb_alloc);
    return &skb;
}

// The kernel's skb_entail is a static inline helper of tcp_sendmsg (tcp.c),
// so its changes are tcp_sendmsg's and show on the skb_entail event that
// tcp_sendmsg emits right after it.
void Engine::skb_entail(SkBuff& skb) {
    auto& sk = st().sk;
    rec_.skb_set(skb, KF::seq, sk.write_seq);
    rec_.skb_set(skb, KF::end_seq, sk.write_seq);
    rec_.skb_set(skb, KF::tcp_flags, TCPHDR_ACK);
    rec_.skb_set(skb, KF::sacked, 0);
    rec_.skb_link(skb, st().tail());
    // tcp_add_write_queue_tail: the first unsent skb is the send head, and,
    // if no skb followed the highest SACKed one, it now does (highest_sack).
    if (sk.sk_send_head == 0) {
        rec_.set(SF::sk_send_head, skb.id);
        if (sk.highest_sack == 0) rec_.set(SF::highest_sack, skb.id);
    }
    rec_.set(SF::sk_wmem_queued, sk.sk_wmem_queued + skb.truesize);
    sk_mem_charge(skb.truesize);
    if (sk.nonagle & TCP_NAGLE_PUSH) rec_.set(SF::nonagle, sk.nonagle & ~TCP_NAGLE_PUSH);
}

void Engine::tcp_mark_push(SkBuff& skb) {
    FuncScope fs(rec_, Func::tcp_mark_push);
    rec_.skb_set(skb, KF::tcp_flags, skb.tcp_flags | TCPHDR_PSH);
    rec_.set(SF::pushed_seq, st().sk.write_seq);
    rec_.arg(Arg::skb, skb.id);
    SP_EMIT(rec_, mark_push);
}

bool Engine::forced_push() const {
    const auto& sk = st_const().sk;
    return after(sk.write_seq, seq_add(sk.pushed_seq, sk.max_window >> 1));
}

// ---------------------------------------------------------------------------
// Sleeping (net/core/stream.c)
// ---------------------------------------------------------------------------

// Its result (0, or a negative errno) is logged on wait_connect_done, the
// event of this function that carries what the loop changed (sk_err read).
int64_t Engine::sk_stream_wait_connect(int64_t& timeo) {
    FuncScope fs(rec_, Func::sk_stream_wait_connect);
    const int64_t err = sk_stream_wait_connect_loop(timeo);
    rec_.arg(Arg::err, err);
    SP_EMIT(rec_, wait_connect_done);
    return err;
}

int64_t Engine::sk_stream_wait_connect_loop(int64_t& timeo) {
    auto& sk = st().sk;
    for (;;) {
        if (sk.sk_err) {
            const int64_t e = sk.sk_err;  // sock_error reads and clears it
            rec_.set(SF::sk_err, 0);
            return -e;
        }
        if (sk.state != TCP_SYN_SENT && sk.state != TCP_SYN_RECV) return -EPIPE_;
        if (timeo == 0) return -EAGAIN_;
        if (world_->signal_pending()) return timeo < 0 ? -ERESTARTSYS_ : -EINTR_;
        // Counted as a waiting writer while asleep: the SYN-ACK's handler
        // looks at sk_write_pending to hold its ACK back (ack_held).
        rec_.set(SF::sk_write_pending, sk.sk_write_pending + 1);
        rec_.arg(Arg::timeo_ms, timeo_ms(timeo));
        SP_EMIT(rec_, wait_sleep);
        const int64_t slept =
            world_->sleep([&] { return !sk.sk_err && sk.state != TCP_SYN_SENT && sk.state != TCP_SYN_RECV; }, timeo);
        rec_.set(SF::sk_write_pending, sk.sk_write_pending - 1);  // shown on wait_connect_done or the next wait_sleep
        if (timeo > 0) timeo = std::max<int64_t>(0, timeo - slept);
        if (!sk.sk_err && sk.state != TCP_SYN_SENT && sk.state != TCP_SYN_RECV) return 0;
    }
}

// Its result is logged on wait_end, the event of this function that carries
// what the loop changed since it last slept (the socket flags).
int64_t Engine::sk_stream_wait_memory(int64_t& timeo) {
    FuncScope fs(rec_, Func::sk_stream_wait_memory);
    const int64_t err = sk_stream_wait_memory_loop(timeo);
    rec_.arg(Arg::err, err);
    rec_.arg(Arg::timeo_ms, timeo_ms(timeo));
    SP_EMIT(rec_, wait_end);
    return err;
}

int64_t Engine::sk_stream_wait_memory_loop(int64_t& timeo) {
    auto& sk = st().sk;
    int64_t vm_wait = 0;
    int64_t current_timeo = timeo;

    // Coming here from a memory failure (not a full send buffer): back off for
    // a random 2..HZ/5+1 jiffies before trying again (the vm_wait of
    // sk_stream_wait_memory, 2.6.32.67).
    if (sk_stream_memory_free()) {
        vm_wait = (static_cast<int64_t>(random_u32() % 200) + 2) * 1000;
        current_timeo = vm_wait;
    }

    for (;;) {
        rec_.set(SF::sock_flags, sk.sock_flags | SOCK_ASYNC_NOSPACE);
        if (sk.sk_err || (sk.sk_shutdown & SEND_SHUTDOWN)) return -EPIPE_;
        if (timeo == 0) return -EAGAIN_;
        if (world_->signal_pending()) return timeo < 0 ? -ERESTARTSYS_ : -EINTR_;
        rec_.set(SF::sock_flags, sk.sock_flags & ~SOCK_ASYNC_NOSPACE);
        if (sk_stream_memory_free() && !vm_wait) break;

        rec_.set(SF::sock_flags, sk.sock_flags | SOCK_NOSPACE);
        rec_.set(SF::sk_write_pending, sk.sk_write_pending + 1);
        // The writer goes to sleep: the flags above are this function's, on
        // its own event, before the world's events while it sleeps.
        if (vm_wait) rec_.arg(Arg::vm_wait_ms, vm_wait / 1000);
        rec_.arg(Arg::timeo_ms, timeo_ms(timeo));
        SP_EMIT(rec_, wait_sleep);
        int64_t slept = 0;
        if (vm_wait) {
            // sk_wait_event sleeps in schedule_timeout() on the socket's wait
            // queue: any wake-up of the queue ends the back-off early (an ACK
            // that frees room wakes it through sk_stream_write_space), and the
            // loop then looks again.
            slept = world_->sleep([&] { return sk.sk_err || (sk.sk_shutdown & SEND_SHUTDOWN); }, vm_wait,
                                  /*any_wakeup=*/true);
        } else {
            slept =
                world_->sleep([&] { return sk.sk_err || (sk.sk_shutdown & SEND_SHUTDOWN) || sk_stream_memory_free(); },
                              current_timeo);
        }
        rec_.set(SF::sk_write_pending, sk.sk_write_pending - 1);  // shown on wait_end or the next wait_sleep
        if (vm_wait) {
            // The back-off is taken from the caller's timeout.
            if (timeo > 0) timeo = std::max<int64_t>(0, timeo - slept);
            current_timeo = timeo;
            vm_wait = 0;
        } else {
            if (current_timeo > 0) current_timeo = std::max<int64_t>(0, current_timeo - slept);
            timeo = current_timeo;
        }
    }
    return 0;
}

int64_t Engine::sk_stream_error(int64_t flags, int64_t err) {
    auto& sk = st().sk;
    if (err == -EPIPE_ && sk.sk_err) {
        err = -sk.sk_err;
        rec_.set(SF::sk_err, 0);
    }
    // SIGPIPE goes with EPIPE unless MSG_NOSIGNAL.
    rec_.arg(Arg::sigpipe, (err == -EPIPE_ && !(flags & MSG_NOSIGNAL)) ? 1 : 0);
    return err;
}

}  // namespace sendpath::engine
