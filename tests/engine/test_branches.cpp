// One test per branch of tcp_sendmsg and below: a scenario that takes it,
// the event it emits, and the state it leaves.
#include <doctest/doctest.h>

#include "support/scenarios.hpp"
#include "support/trace_query.hpp"

using namespace sendpath;
using namespace sptest;
using K = trace::Kind;
using trace::Arg;

namespace {
trace::Trace run_file(const std::string& name) { return run_shipped(name + ".json"); }
std::size_t first(const trace::Trace& t, K k, uint32_t call = 0) {
    const auto i = find_first(t, k, call);
    REQUIRE_MESSAGE(i.has_value(), "no event " << trace::kind_name(k));
    return *i;
}
// TCP payload bytes of a frame (Ethernet + IPv4 + TCP).
int64_t payload_len(const trace::Trace& t, const trace::Frame& f) {
    std::vector<uint8_t> scratch;
    const auto bytes = t.frame_data(f, scratch);
    REQUIRE(bytes.size() == f.length);
    const uint8_t* p = bytes.data();
    const int64_t ip_total = (p[16] << 8) | p[17];
    const int64_t ihl = (p[14] & 0x0f) * 4;
    const int64_t doff = (p[14 + ihl + 12] >> 4) * 4;
    return ip_total - ihl - doff;
}
// Frames we sent that carry data.
int64_t data_frames(const trace::Trace& t) {
    int64_t n = 0;
    for (const auto& f : t.frames)
        if (f.dir == 0 && payload_len(t, f) > 0) ++n;
    return n;
}
}  // namespace

TEST_CASE("tail_append: the second send appends to the unsent tail skb, no new segment") {
    const auto t = run_file("tail_append");
    CHECK(send_ret(t, 1) == 100);
    CHECK(send_ret(t, 2) == 100);
    CHECK(count(t, K::tail_append, 2) == 1);
    CHECK(count(t, K::new_segment, 2) == 0);
    CHECK(count(t, K::skb_entail, 2) == 0);
    // After the append: one skb of 200 bytes, one fragment of 200 bytes on the cached page.
    const auto s = state_at(t, first(t, K::page_merge, 2));
    const auto* skb = s.skb(s.tail());
    REQUIRE(skb != nullptr);
    CHECK(skb->len == 200);
    CHECK(skb->nr_frags == 1);
    CHECK(skb->frags[0].size == 200);
    CHECK(s.sk.sk_sndmsg_off == 200);
    CHECK(s.page(skb->frags[0].page)->count == 2);  // the fragment and the socket's cache
}

TEST_CASE("new_segment and skb_entail: a send bigger than size_goal fills skbs of size_goal") {
    const auto t = run_file("new_segment_size_goal");
    const auto mss = t.arg(first(t, K::send_mss, 1), Arg::mss_now);
    const auto goal = t.arg(first(t, K::send_mss, 1), Arg::size_goal);
    CHECK(mss == 1448);
    CHECK(goal % mss == 0);
    CHECK(goal == 22 * 1448);  // half of the unscaled 65535 SYN-ACK window
    // The first skb is filled to exactly size_goal before it is pushed and the next one entailed.
    const auto entails = find_all(t, K::skb_entail, 1);
    REQUIRE(entails.size() >= 2);
    std::size_t full = entails[0];
    while (t.events[full].kind != K::push_one && t.events[full].kind != K::forced_push) ++full;
    CHECK(full < entails[1]);
    const auto s = state_at(t, full);
    CHECK(s.skb(static_cast<uint32_t>(t.arg(entails[0], Arg::skb)))->len == goal);
    CHECK(send_ret(t, 1) == 150000);
}

TEST_CASE("copy_linear without scatter-gather: mss-sized linear skbs, checksummed while copying") {
    const auto t = run_file("linear_copy_no_sg");
    CHECK(count(t, K::copy_linear, 1) == 3);
    CHECK(count(t, K::page_alloc) == 0);
    const auto s = state_at(t, find_all(t, K::copy_linear, 1)[0]);
    const auto* skb = s.skb(static_cast<uint32_t>(t.arg(first(t, K::skb_entail, 1), Arg::skb)));
    CHECK(skb->ip_summed == model::CHECKSUM_NONE);
    CHECK(skb->linear_cap == 1448);
    CHECK(skb->data_len == 0);
    CHECK(skb->csum != 0);
    CHECK(data_frames(t) == 3);
}

TEST_CASE("linear then pages: select_size gives pgbreak, the rest goes to fragments") {
    const auto t = run_file("linear_then_pages");
    const auto e = first(t, K::skb_entail, 1);
    CHECK(t.arg(e, Arg::size) == 4096 - 304 - 320);
    const auto s = state_at(t, first(t, K::page_new_frag, 1));
    const auto* skb = s.skb(static_cast<uint32_t>(t.arg(e, Arg::skb)));
    CHECK(skb->headlen() == 3472);
    CHECK(skb->data_len > 0);
}

TEST_CASE("page_merge: consecutive copies extend the last fragment on the cached page") {
    const auto t = run_file("page_merge");
    CHECK(count(t, K::page_merge) == 2);
    const auto s = state_at(t, find_all(t, K::page_merge).back());
    const auto* skb = s.skb(s.tail());
    CHECK(skb->nr_frags == 1);
    CHECK(skb->frags[0].size == 600);
    CHECK(s.sk.sk_sndmsg_off == 600);
}

TEST_CASE("page_release: an exhausted cached page is dropped and a new one allocated") {
    const auto t = run_file("page_release_new_page");
    const auto r = first(t, K::page_release);
    const uint32_t old_page = static_cast<uint32_t>(t.arg(r, Arg::page));
    const auto before = state_at(t, r - 1);
    const auto after = state_at(t, r);
    CHECK(before.sk.sk_sndmsg_page == old_page);
    CHECK(after.sk.sk_sndmsg_page == 0);
    CHECK(after.page(old_page)->count == before.page(old_page)->count - 1);
    CHECK(t.events[r + 1].kind == K::page_alloc);
}

TEST_CASE("page filled by one copy: the fragment owns it and the socket caches nothing") {
    const auto t = run_file("page_full_uncached");
    const auto f = first(t, K::page_new_frag, 1);
    CHECK(t.arg(f, Arg::copy) == 4096);
    CHECK(t.arg(f, Arg::refs) == 3);
    const auto s = state_at(t, f);
    CHECK(s.sk.sk_sndmsg_page == 0);
    CHECK(s.sk.sk_sndmsg_off == 4096);
    CHECK(s.page(static_cast<uint32_t>(t.arg(f, Arg::page)))->count == 1);
}

TEST_CASE("frags_full without scatter-gather: PSH is marked and a new segment starts") {
    const auto t = run_file("frags_full_no_sg");
    const auto f = first(t, K::frags_full);
    const auto s = state_at(t, f);
    const auto* skb = s.skb(static_cast<uint32_t>(t.arg(f, Arg::skb)));
    CHECK((skb->tcp_flags & model::TCPHDR_PSH) != 0);
    CHECK(skb->tailroom() == 0);
    CHECK(t.events[f + 1].kind == K::new_segment);
}

TEST_CASE("push_one: a full skb at the send head leaves in the middle of the call") {
    const auto t = run_file("push_one");
    const auto p = first(t, K::push_one, 1);
    // tcp_push_one -> tcp_write_xmit: the skb passes the tests and leaves.
    CHECK(t.events[p + 1].kind == K::write_xmit);
    const auto next_transmit = find_next(t, K::transmit, p);
    REQUIRE(next_transmit);
    const std::size_t x = *next_transmit;
    CHECK(t.events[x - 1].kind == K::xmit_pass);
    CHECK(t.events[x].call == 1);
    CHECK(x < first(t, K::sendmsg_exit, 1));
    CHECK(t.events[p].call == 1);
    CHECK(p < first(t, K::sendmsg_exit, 1));
}

TEST_CASE("forced_push: write_seq passes pushed_seq + max_window/2") {
    const auto t = run_file("forced_push");
    const auto f = first(t, K::forced_push, 1);
    const auto s = state_at(t, f);
    CHECK(model::after(s.sk.write_seq, model::seq_add(s.sk.pushed_seq, s.sk.max_window / 2)));
    const auto after = state_at(t, f + 1);  // mark_push
    CHECK(after.sk.pushed_seq == after.sk.write_seq);
}

TEST_CASE("full_queued: an skb fills behind an unsent head and just waits") {
    const auto t = run_file("full_queued");
    CHECK(count(t, K::full_queued, 1) >= 1);
    CHECK(count(t, K::cwnd_limited) >= 1);
}

TEST_CASE("Nagle holds a small segment while an earlier small one is unacknowledged; TCP_NODELAY does not") {
    const auto nagle = run_file("nagle");
    CHECK(count(nagle, K::nagle_defer, 2) == 1);
    CHECK(data_frames(nagle) == 2);  // 100, then 200 after the ACK
    const auto nodelay = run_file("nodelay");
    CHECK(count(nodelay, K::nagle_defer) == 0);
    CHECK(data_frames(nodelay) == 3);
    const auto held = run_file("nodelay_push_held");
    const auto so = first(held, K::setsockopt);
    CHECK(held.events[so].time_us == 6000);  // 5 ms after the handshake
    bool sent_at_setsockopt = false;
    for (auto i : find_all(held, K::transmit))
        if (i > so && held.events[i].time_us == held.events[so].time_us) sent_at_setsockopt = true;
    CHECK(sent_at_setsockopt);
}

TEST_CASE("MSG_MORE and TCP_CORK collect small sends into one segment") {
    for (const char* name : {"msg_more", "cork"}) {
        CAPTURE(name);
        const auto t = run_file(name);
        CHECK(count(t, K::nagle_defer) >= 2);
        CHECK(data_frames(t) == 1);
    }
}

TEST_CASE("wait_for_sndbuf: a full send buffer blocks, ACKs wake the writer through write_space") {
    const auto t = run_file("wait_for_sndbuf");
    const auto w = first(t, K::wait_for_sndbuf, 1);
    const auto s = state_at(t, w);
    CHECK(s.sk.sk_wmem_queued >= s.sk.sk_sndbuf);
    CHECK((s.sk.sock_flags & model::SOCK_NOSPACE) != 0);
    const auto ws = find_all(t, K::write_space);
    REQUIRE(!ws.empty());
    CHECK(ws.front() > w);
    const auto woken = state_at(t, ws.front());
    CHECK(woken.sk.sk_sndbuf - woken.sk.sk_wmem_queued >= woken.sk.sk_wmem_queued / 2);
    CHECK(send_ret(t, 1) == 50000);
}

TEST_CASE("suppress_allocation: the pages charged on entry are logged before sk_sndbuf is moderated") {
    // __sk_mem_schedule (2.6.32.67) charges first, then goes to
    // suppress_allocation, where sk_stream_moderate_sndbuf runs: the charge
    // is mem_suppress's, not sndbuf_moderate's (the emit rule failed the run
    // before, a fuzz finding).
    const auto t = run_file("mem_suppress_moderate");
    const auto sup = first(t, K::mem_suppress);
    CHECK(t.arg(sup, Arg::reason) == 1);  // over tcp_mem[2]
    const auto s = state_at(t, sup);
    CHECK(s.sk.tcp_memory_allocated == s.sk.tcp_mem2 + 1);
    const auto prior = state_at(t, sup - 1);
    CHECK(s.sk.sk_forward_alloc == prior.sk.sk_forward_alloc + t.arg(sup, Arg::value) * 4096);
    REQUIRE(t.events[sup + 1].kind == K::sndbuf_moderate);
    CHECK(state_at(t, sup + 1).sk.sk_sndbuf == s.sk.sk_wmem_queued / 2);
    CHECK(state_at(t, sup + 1).sk.sk_forward_alloc == s.sk.sk_forward_alloc);  // moderating charges nothing
    REQUIRE(t.events[sup + 2].kind == K::mem_schedule);
    CHECK(t.arg(sup + 2, Arg::ret) == 1);  // queued + size reaches the new sk_sndbuf: granted
    CHECK(first(t, K::wait_for_sndbuf) > sup);
    CHECK(send_ret(t, 1) == 60000);
}

TEST_CASE("wait_for_memory: skb allocation failure, page allocation failure, tcp_mem limit") {
    const auto skb = run_file("wait_for_memory_skb");
    CHECK(count(skb, K::skb_alloc_fail) == 1);
    CHECK(count(skb, K::mem_pressure) >= 1);
    const auto wm = first(skb, K::wait_for_memory);
    CHECK(skb.arg(first(skb, K::wait_end), Arg::err) == 0);
    CHECK(skb.events[first(skb, K::wait_end)].time_us > skb.events[wm].time_us);  // the vm_wait back-off
    CHECK(send_ret(skb, 1) == 4000);

    const auto page = run_file("wait_for_memory_page");
    CHECK(count(page, K::page_alloc_fail) == 1);
    CHECK(send_ret(page, 1) == 10000);

    const auto mem = run_file("wait_for_memory_pressure");
    CHECK(count(mem, K::wmem_sched_fail) >= 1);
    const auto s = state_at(mem, first(mem, K::wmem_sched_fail));
    CHECK(s.sk.tcp_memory_pressure == 1);
    CHECK(send_ret(mem, 1) == 60000);
}

TEST_CASE("copy faults: EFAULT with an empty skb freed, partial counts, page faults park the page") {
    const auto lin = run_file("copy_fault_linear");
    CHECK(send_ret(lin, 1) == -14);
    const auto fu = first(lin, K::fault_unlink, 1);
    const auto s = state_at(lin, fu);
    CHECK(s.skb(static_cast<uint32_t>(lin.arg(fu, Arg::skb))) == nullptr);
    CHECK(s.sk.sk_send_head == 0);

    const auto part = run_file("copy_fault_partial");
    CHECK(count(part, K::return_partial, 1) == 1);
    CHECK(send_ret(part, 1) == 1448);

    const auto pg = run_file("copy_fault_page");
    CHECK(send_ret(pg, 1) == -14);
    const auto f = first(pg, K::copy_page_fault, 1);
    const auto ps = state_at(pg, f);
    CHECK(ps.sk.sk_sndmsg_page == pg.arg(f, Arg::page));
    CHECK(ps.sk.sk_sndmsg_off == 0);
    CHECK(count(pg, K::fault_unlink, 1) == 0);  // 2.6.3x leaves the empty skb queued
}

TEST_CASE("non-blocking sends: partial count, then EAGAIN") {
    for (const char* name : {"dontwait_eagain", "nonblock_eagain"}) {
        CAPTURE(name);
        const auto t = run_file(name);
        CHECK(send_ret(t, 1) > 0);
        CHECK(send_ret(t, 2) == -11);
    }
    const auto t = run_file("sndtimeo_eagain");
    const auto we = first(t, K::wait_end, 1);
    CHECK(t.arg(we, Arg::err) == -11);
    CHECK(t.events[we].time_us - t.events[first(t, K::wait_for_sndbuf, 1)].time_us == 100000);
}

TEST_CASE("errors: EPIPE after shutdown with and without SIGPIPE, ECONNRESET then EPIPE, signals") {
    const auto ep = run_file("epipe_after_shutdown");
    CHECK(send_ret(ep, 2) == -32);
    CHECK(ep.arg(first(ep, K::out_err, 2), Arg::sigpipe) == 1);
    CHECK(ep.arg(first(ep, K::out_err, 3), Arg::sigpipe) == 0);

    const auto rst = run_file("econnreset");
    CHECK(send_ret(rst, 2) == -104);
    CHECK(rst.arg(first(rst, K::out_err, 2), Arg::sigpipe) == 0);
    CHECK(send_ret(rst, 3) == -32);
    CHECK(rst.arg(first(rst, K::out_err, 3), Arg::sigpipe) == 1);

    const auto w = run_file("econnreset_while_waiting");
    CHECK(send_ret(w, 3) == -104);

    CHECK(send_ret(run_file("signal_eintr"), 3) == -4);
}

TEST_CASE("ERESTARTSYS stays in the kernel: the application gets EINTR, or its send() restarts with SA_RESTART") {
    // Without SA_RESTART: tcp_sendmsg returns -512, the signal's return to
    // user space makes it -EINTR, and that is what the call returned.
    const auto t = run_file("signal_erestartsys");
    const auto exit3 = first(t, K::sendmsg_exit, 3);
    CHECK(t.arg(exit3, Arg::ret) == -512);
    const auto back = first(t, K::signal_return, 3);
    CHECK(back == exit3 + 1);
    CHECK(t.arg(back, Arg::value) == 0);
    CHECK(!t.send_result(exit3));
    CHECK(t.send_result(back) == -4);

    // With SA_RESTART: the same send() enters tcp_sendmsg again right away,
    // sleeps again and finally returns what it copied; nothing says EINTR.
    const auto r = run_file("signal_sa_restart");
    const auto rb = first(r, K::signal_return, 3);
    CHECK(r.arg(rb, Arg::value) == 1);
    CHECK(!r.has_arg(rb, Arg::ret));
    CHECK(r.events[rb + 1].kind == K::sendmsg_enter);
    CHECK(r.events[rb + 1].call == 3);
    CHECK(r.events[rb + 1].time_us == r.events[rb].time_us);
    std::vector<int64_t> results;
    for (std::size_t i = 0; i < r.events.size(); ++i)
        if (r.events[i].call == 3)
            if (const auto v = r.send_result(i)) results.push_back(*v);
    CHECK(results == std::vector<int64_t>{1000});
    CHECK(r.events[find_all(r, K::sendmsg_exit).back()].time_us > 20000);
}

TEST_CASE("wait_connect: a send on a connecting socket waits for the handshake, or EAGAIN") {
    const auto t = run_file("wait_connect");
    const auto w = first(t, K::wait_connect, 1);
    const auto d = first(t, K::wait_connect_done, 1);
    CHECK(t.arg(d, Arg::err) == 0);
    CHECK(first(t, K::established) > w);
    CHECK(first(t, K::established) < d);
    const auto e = run_file("wait_connect_eagain");
    CHECK(send_ret(e, 1) == -11);
    CHECK(send_ret(e, 2) == 100);
}

TEST_CASE("the handshake's ACK is held for a waiting writer's data, or sent by the delayed-ACK timer") {
    // The writer asleep in sk_stream_wait_connect is counted in sk_write_pending,
    // which is what tcp_rcv_synsent_state_process looks at.
    const auto t = run_file("wait_connect");
    const auto sleep = first(t, K::wait_sleep, 1);
    CHECK(t.events[sleep].func == trace::Func::sk_stream_wait_connect);
    CHECK(state_at(t, sleep).sk.sk_write_pending == 1);
    const auto held = first(t, K::ack_held);
    // Right after establishment: only the congestion control's start
    // (tcp_init_congestion_control, CUBIC's first HyStart round) comes between.
    CHECK(held == first(t, K::established) + 3);
    CHECK(t.events[first(t, K::established) + 1].kind == K::ca_init);
    CHECK(state_at(t, held).sk.icsk_ack_pending == 3);
    CHECK(state_at(t, first(t, K::wait_connect_done, 1)).sk.sk_write_pending == 0);
    // Only two segments leave: the SYN, and the data that carries the ACK.
    std::vector<int64_t> out;
    for (const auto& f : t.frames)
        if (f.dir == 0) out.push_back(payload_len(t, f));
    CHECK(out == std::vector<int64_t>{0, 100});
    CHECK(count(t, K::send_ack) == 0);
    const auto cleared = first(t, K::delack_clear, 1);
    CHECK(t.events[cleared + 1].kind == K::transmit);
    CHECK(state_at(t, cleared).sk.icsk_ack_pending == 0);

    // A writer with nothing to send: the ACK goes out bare when the timer
    // expires, TCP_DELACK_MAX (200 ms) after the SYN-ACK.
    const auto n = run_file("wait_connect_ack_held");
    const auto fire = first(n, K::delack_fire);
    CHECK(n.events[fire].time_us - n.events[first(n, K::ack_held)].time_us == 200000);
    CHECK(n.events[fire + 1].kind == K::delack_clear);
    CHECK(n.events[fire + 2].kind == K::send_ack);
    CHECK(send_ret(n, 1) == 0);
    CHECK(send_ret(n, 2) == 100);
}

TEST_CASE("MSG_OOB: size_goal is mss, no push mid-call, the frames carry URG") {
    const auto t = run_file("msg_oob");
    CHECK(t.arg(first(t, K::send_mss, 1), Arg::size_goal) == 1448);
    CHECK(count(t, K::push_one, 1) == 0);
    CHECK(count(t, K::continue_fill, 1) >= 2);
    int urg = 0;
    std::vector<uint8_t> scratch;
    for (const auto& f : t.frames)
        if (f.dir == 0 && payload_len(t, f) > 0 && (t.frame_data(f, scratch)[14 + 20 + 13] & 0x20)) ++urg;
    CHECK(urg >= 1);
}

TEST_CASE("iovecs: each iovec in turn, last_chunk only after the last") {
    const auto t = run_file("iovecs");
    CHECK(count(t, K::iov_next, 1) == 5);
    CHECK(count(t, K::last_chunk, 1) == 1);
    CHECK(send_ret(t, 1) == 8150);
}

TEST_CASE("below tcp_sendmsg: cwnd and window limits, TSO split, RTO retransmission, FIN") {
    const auto cw = run_file("cwnd_limited");
    const auto c = first(cw, K::cwnd_limited);
    CHECK(cw.arg(c, Arg::in_flight) >= cw.arg(c, Arg::cwnd));
    CHECK(count(cw, K::cong_avoid) > 5);

    const auto rw = run_file("rwnd_limited");
    CHECK(count(rw, K::rwnd_limited) >= 1);
    CHECK(count(rw, K::probe0_arm) >= 1);
    CHECK(send_ret(rw, 1) == 10000);

    const auto ts = run_file("tso_split");
    const auto sp = first(ts, K::tso_split);
    CHECK(ts.arg(sp, Arg::len) == 3 * 1448);

    const auto rto = run_file("retransmit_rto");
    CHECK(count(rto, K::peer_drop) == 1);
    const auto fire = first(rto, K::rto_fire);
    CHECK(rto.events[fire].time_us - rto.events[first(rto, K::peer_drop)].time_us >= 200000);
    CHECK(count(rto, K::retransmit) == 1);
    CHECK(rto.end_reason == "completed");

    const auto fin = run_file("close_fin");
    const auto last = state_at(fin, fin.events.size() - 1);
    CHECK(last.sk.state == model::TCP_FIN_WAIT2);
    CHECK(last.sk.snd_una == last.sk.write_seq);
}

TEST_CASE("frags_full at the fragment limit: PSH, new segment before size_goal") {
    const auto t = run_file("frags_full_max");
    const auto f = first(t, K::frags_full, 2);
    CHECK(t.arg(f, Arg::segs) == 4);
    const auto s = state_at(t, f);
    const auto* skb = s.skb(static_cast<uint32_t>(t.arg(f, Arg::skb)));
    CHECK(skb->nr_frags == 4);
    CHECK(skb->len < s.sk.size_goal);
    CHECK((skb->tcp_flags & model::TCPHDR_PSH) != 0);
    CHECK(t.events[f + 1].kind == K::new_segment);
}

TEST_CASE("split_fail: tso_fragment without memory sends nothing; the probe timer retries with tcp_fragment") {
    const auto t = run_file("split_fail");
    const auto point = first(t, K::split_point);
    CHECK(t.events[point].func == trace::Func::tcp_write_xmit);
    CHECK(t.arg(point, Arg::limit) == 3 * 1448);  // initial cwnd 3
    const auto fail = first(t, K::split_fail);
    CHECK(t.events[fail].func == trace::Func::tso_fragment);
    CHECK(fail > point);
    CHECK(t.arg(fail, Arg::len) == 3 * 1448);
    // Nothing left, nothing in flight: __tcp_push_pending_frames arms the probe timer.
    CHECK(count(t, K::transmit, 1) == 0);
    CHECK(t.events[fail + 1].kind == K::probe0_arm);
    const auto fire = first(t, K::probe0_fire);
    CHECK(t.events[fire + 1].kind == K::split_point);
    CHECK(t.events[fire + 1].func == trace::Func::tcp_write_wakeup);
    CHECK(count(t, K::split_fail) == 1);
    CHECK(send_ret(t, 1) == 20000);
    CHECK(t.end_reason == "completed");
}
