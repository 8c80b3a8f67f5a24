// Synthetic traces for the trace file tests. The engine is written apart from
// these tests, so they build traces by hand: one small trace that uses every
// change op once, and a long one shaped like real tcp_sendmsg runs (3-6
// changes per event, small values, most events at the previous event's time).
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "model/state.hpp"
#include "trace/event.hpp"
#include "trace/synth_trace.hpp"
#include "trace/trace_io.hpp"

namespace sendpath::trace::test {

using model::KF;
using model::SF;

namespace {

class Builder {
public:
    Trace t;
    int64_t now = 0;
    uint32_t call = 0;

    void arg(Arg a, int64_t v) { push(Op::arg, static_cast<uint8_t>(a), 0, v); }
    void sock(SF f, int64_t v) { push(Op::sock_set, static_cast<uint8_t>(f), 0, v); }
    void skb_new(uint32_t id) { push(Op::skb_new, 0, id, 0); }
    void skb_set(uint32_t id, KF f, int64_t v) { push(Op::skb_set, static_cast<uint8_t>(f), id, v); }
    void skb_frag(uint32_t id, uint8_t index, uint32_t page, uint32_t off, uint32_t size) {
        push(Op::skb_frag, index, id, pack_frag(page, off, size));
    }
    void skb_link(uint32_t id, uint32_t after) { push(Op::skb_link, 0, id, after); }
    void skb_unlink(uint32_t id) { push(Op::skb_unlink, 0, id, 0); }
    void skb_free(uint32_t id) { push(Op::skb_free, 0, id, 0); }
    void page_new(uint32_t id) { push(Op::page_new, 0, id, 0); }
    void page_set(uint32_t id, int64_t count) { push(Op::page_set, 0, id, count); }
    void page_free(uint32_t id) { push(Op::page_free, 0, id, 0); }

    void emit(Kind kind, Func func, uint8_t depth, uint8_t file, uint32_t line) {
        Event e;
        e.time_us = now;
        e.kind = kind;
        e.func = func;
        e.depth = depth;
        e.file = file;
        e.line = line;
        e.call = call;
        e.change_begin = static_cast<uint32_t>(t.changes.size());
        t.changes.insert(t.changes.end(), pending_.begin(), pending_.end());
        e.change_end = static_cast<uint32_t>(t.changes.size());
        pending_.clear();
        t.events.push_back(e);
    }
    void frame(uint8_t dir, uint32_t skb, const std::vector<uint8_t>& bytes, bool dropped = false) {
        Frame f;
        f.time_us = now;
        f.event = static_cast<uint32_t>(t.events.size() - 1);
        f.skb = skb;
        f.dir = dir;
        f.dropped = dropped ? 1 : 0;
        f.offset = static_cast<uint32_t>(t.frame_bytes.size());
        f.length = static_cast<uint32_t>(bytes.size());
        t.frame_bytes.insert(t.frame_bytes.end(), bytes.begin(), bytes.end());
        t.frames.push_back(f);
    }

private:
    void push(Op op, uint8_t field, uint32_t target, int64_t value) { pending_.push_back({op, field, target, value}); }
    std::vector<Change> pending_;
};

// xorshift32: deterministic across platforms, unlike std:: distributions.
struct Rng {
    uint32_t s;
    uint32_t operator()() {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        return s;
    }
};

void set_header(Trace& t) {
    t.engine_version = "0.1.0";
    t.files = {"core/engine/tcp_sendmsg.cpp", "core/engine/tcp_output.cpp", "core/engine/tcp_input.cpp"};
    t.scenario = {{"name", "synthetic"}, {"mss", 1448}, {"timeline", nlohmann::json::array({{{"send", 100}}})}};
    t.options = {{"linear_copy", true}, {"autocork", false}, {"sizeof_sk_buff", 232}};
    t.end_reason = "completed";
}

}  // namespace

Trace make_small_trace() {
    Builder b;
    set_header(b.t);
    b.call = 1;
    b.arg(Arg::flags, 0);
    b.arg(Arg::size, 100);
    b.sock(SF::copied, 0);
    b.emit(Kind::sendmsg_enter, Func::tcp_sendmsg, 1, 0, 100);

    b.arg(Arg::copy, 100);
    b.skb_new(3);
    b.skb_set(3, KF::len, 100);
    b.sock(SF::write_seq, 1100);
    b.skb_frag(3, 0, 2, 0, 100);
    b.skb_link(3, 2);
    b.arg(Arg::err, -11);
    b.emit(Kind::copy_linear, Func::tcp_sendmsg, 1, 0, 123);

    b.now = 50;
    b.page_new(2);
    b.page_set(2, 2);
    b.skb_unlink(3);
    b.skb_free(3);
    b.page_free(2);
    b.emit(Kind::transmit, Func::tcp_transmit_skb, 3, 1, 400);
    b.frame(0, 3, {0x02, 0x00, 0xaa, 0xbb});

    b.now = 60;
    b.call = 0;
    b.emit(Kind::ack, Func::tcp_ack, 1, 2, 77);
    b.frame(1, 0, {0x10, 0x20}, true);
    return b.t;
}

Trace make_synthetic_trace(std::size_t events, uint32_t seed) {
    Builder b;
    set_header(b.t);
    Rng rng{seed | 1};
    const int64_t mss = 1448;
    int64_t write_seq = 1000, snd_una = 1000, wmem = 0, pkts = 0;
    uint32_t next_skb = 1, next_page = 1, page = 0, page_off = 0;
    std::vector<uint32_t> queue;

    while (b.t.events.size() < events) {
        b.call++;
        const int64_t size = 200 + rng() % 6000;
        b.arg(Arg::flags, 0);
        b.arg(Arg::iovcnt, 1);
        b.arg(Arg::size, size);
        b.sock(SF::copied, 0);
        b.emit(Kind::sendmsg_enter, Func::tcp_sendmsg, 1, 0, 912);
        b.arg(Arg::mss_now, mss);
        b.arg(Arg::size_goal, mss);
        b.sock(SF::mss_now, mss);
        b.sock(SF::size_goal, mss);
        b.emit(Kind::send_mss, Func::tcp_send_mss, 2, 0, 931);

        int64_t left = size, copied = 0;
        while (left > 0) {
            const uint32_t id = next_skb++;
            b.arg(Arg::copy, 0);
            b.sock(SF::seglen, left);
            b.emit(Kind::new_segment, Func::tcp_sendmsg, 1, 0, 960);
            b.skb_new(id);
            b.skb_set(id, KF::seq, write_seq);
            b.skb_set(id, KF::truesize, 1024);
            b.skb_link(id, queue.empty() ? 0 : queue.back());
            wmem += 1024;
            b.sock(SF::sk_wmem_queued, wmem);
            b.emit(Kind::skb_entail, Func::skb_entail, 2, 0, 975);
            queue.push_back(id);

            const int64_t lin = std::min<int64_t>(left, 200 + rng() % 600);
            b.arg(Arg::copy, lin);
            b.skb_set(id, KF::len, lin);
            copied += lin;
            b.sock(SF::copied, copied);
            b.emit(Kind::copy_linear, Func::tcp_sendmsg, 1, 0, 1003);
            left -= lin;
            write_seq += lin;
            b.sock(SF::write_seq, write_seq);
            b.skb_set(id, KF::end_seq, write_seq);
            b.emit(Kind::advance, Func::tcp_sendmsg, 1, 0, 1090);

            if (left > 0) {
                if (page == 0 || page_off >= 4096) {
                    if (page) {
                        b.arg(Arg::page, page);
                        b.page_set(page, 1);
                        b.emit(Kind::page_release, Func::tcp_sendmsg, 1, 0, 1030);
                    }
                    page = next_page++;
                    page_off = 0;
                    b.page_new(page);
                    b.page_set(page, 1);
                    b.sock(SF::sk_sndmsg_page, page);
                    b.emit(Kind::page_alloc, Func::tcp_sendmsg, 1, 0, 1041);
                }
                const int64_t fr = std::min<int64_t>({left, mss - lin, 4096 - page_off});
                b.arg(Arg::copy, fr);
                b.skb_frag(id, 0, page, page_off, static_cast<uint32_t>(fr));
                b.skb_set(id, KF::len, lin + fr);
                b.skb_set(id, KF::data_len, fr);
                b.page_set(page, 2);
                b.emit(Kind::page_new_frag, Func::tcp_sendmsg, 1, 0, 1060);
                page_off += static_cast<uint32_t>(fr);
                left -= fr;
                write_seq += fr;
                copied += fr;
                b.sock(SF::write_seq, write_seq);
                b.sock(SF::sk_sndmsg_off, page_off);
                b.skb_set(id, KF::end_seq, write_seq);
                b.emit(Kind::advance, Func::tcp_sendmsg, 1, 0, 1090);
            }
        }
        b.arg(Arg::flags, 0);
        b.emit(Kind::out_push, Func::tcp_sendmsg, 1, 0, 1150);
        b.emit(Kind::tcp_push, Func::tcp_push, 2, 1, 210);
        for (uint32_t id : queue) {
            b.arg(Arg::skb, id);
            b.arg(Arg::len, mss);
            pkts++;
            b.sock(SF::snd_nxt, write_seq);
            b.sock(SF::packets_out, pkts);
            b.skb_set(id, KF::when_us, b.now);
            b.emit(Kind::transmit, Func::tcp_transmit_skb, 4, 1, 480);
            std::vector<uint8_t> bytes(54 + rng() % 16);
            for (auto& x : bytes) x = static_cast<uint8_t>(rng());
            b.frame(0, id, bytes);
        }
        b.arg(Arg::ret, size);
        b.emit(Kind::sendmsg_exit, Func::tcp_sendmsg, 1, 0, 1190);
        b.call = 0;

        b.now += 180 + rng() % 50;
        snd_una = write_seq;
        b.arg(Arg::ack, snd_una);
        b.sock(SF::snd_una, snd_una);
        b.sock(SF::packets_out, 0);
        pkts = 0;
        b.emit(Kind::ack, Func::tcp_ack, 1, 2, 320);
        for (uint32_t id : queue) {
            b.skb_unlink(id);
            b.skb_free(id);
            wmem -= 1024;
            b.sock(SF::sk_wmem_queued, wmem);
            b.emit(Kind::skb_free, Func::tcp_clean_rtx_queue, 2, 2, 355);
        }
        queue.clear();
    }
    return b.t;
}

std::string as_json(const Trace& t) {
    std::ostringstream out;
    write_trace_json(t, out);
    return out.str();
}

std::vector<uint8_t> as_cbor(const Trace& t) {
    std::ostringstream out;
    write_trace_cbor(t, out);
    const std::string s = out.str();
    return {s.begin(), s.end()};
}

}  // namespace sendpath::trace::test
