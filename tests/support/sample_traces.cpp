#include "support/sample_traces.hpp"

#include <algorithm>
#include <vector>

#include "model/state.hpp"
#include "support/trace_builder.hpp"

namespace sptest {

using namespace sendpath;
using model::KF;
using model::SF;
using trace::Arg;
using trace::Func;
using trace::Kind;
using trace::Op;
using trace::Trace;

namespace {

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

// The trace file tests pin the form these traces had before call stacks
// were recorded (a CBOR map of 10 entries, 7-item events): the stacks the
// Recorder kept are dropped.
Trace without_stacks(Trace t) {
    t.stacks.clear();
    for (auto& e : t.events) e.stack = trace::kNoStack;
    return t;
}

}  // namespace

Trace make_small_trace() {
    // Raw changes and events throughout: the Recorder would refuse this state
    // and stamp call stacks the old form has not.
    TraceBuilder b;
    set_header(b.trace());
    b.call(1);
    b.raw(Op::arg, static_cast<uint8_t>(Arg::flags), 0, 0)
        .raw(Op::arg, static_cast<uint8_t>(Arg::size), 0, 100)
        .raw(Op::sock_set, static_cast<uint8_t>(SF::copied), 0, 0);
    b.emit_raw(Kind::sendmsg_enter, Func::tcp_sendmsg, 1, 0, 100);

    b.raw(Op::arg, static_cast<uint8_t>(Arg::copy), 0, 100)
        .raw(Op::skb_new, 0, 3, 0)
        .raw(Op::skb_set, static_cast<uint8_t>(KF::len), 3, 100)
        .raw(Op::sock_set, static_cast<uint8_t>(SF::write_seq), 0, 1100)
        .raw(Op::skb_frag, 0, 3, trace::pack_frag(2, 0, 100))
        .raw(Op::skb_link, 0, 3, 2)
        .raw(Op::arg, static_cast<uint8_t>(Arg::err), 0, -11);
    b.emit_raw(Kind::copy_linear, Func::tcp_sendmsg, 1, 0, 123);

    b.at(50);
    b.raw(Op::page_new, 0, 2, 0)
        .raw(Op::page_set, 0, 2, 2)
        .raw(Op::skb_unlink, 0, 3, 0)
        .raw(Op::skb_free, 0, 3, 0)
        .raw(Op::page_free, 0, 2, 0);
    b.frame(0, 3, {0x02, 0x00, 0xaa, 0xbb});
    b.emit_raw(Kind::transmit, Func::tcp_transmit_skb, 3, 1, 400);

    b.at(60).call(0);
    b.frame(1, 0, {0x10, 0x20}, true);
    b.emit_raw(Kind::ack, Func::tcp_ack, 1, 2, 77);
    return b.take();
}

Trace make_synthetic_trace(std::size_t events, uint32_t seed) {
    TraceBuilder b;
    set_header(b.trace());
    Rng rng{seed | 1};
    const Func S = Func::tcp_sendmsg;
    const int64_t mss = 1448;
    int64_t write_seq = 1000, snd_una = 1000, wmem = 0, pkts = 0;
    uint32_t call = 0, page = 0, page_off = 0;
    std::vector<uint32_t> queue;

    while (b.trace().events.size() < events) {
        b.call(++call).in({S});
        const int64_t size = 200 + rng() % 6000;
        b.arg(Arg::flags, 0).arg(Arg::iovcnt, 1).arg(Arg::size, size).sock(SF::copied, 0);
        b.emit(Kind::sendmsg_enter, 0, 912);
        b.in({S, Func::tcp_send_mss});
        b.arg(Arg::mss_now, mss).arg(Arg::size_goal, mss).sock(SF::mss_now, mss).sock(SF::size_goal, mss);
        b.emit(Kind::send_mss, 0, 931);

        int64_t left = size, copied = 0;
        while (left > 0) {
            b.in({S});
            b.arg(Arg::copy, 0).sock(SF::seglen, left);
            b.emit(Kind::new_segment, 0, 960);
            b.in({S, Func::skb_entail});
            const uint32_t id = b.skb_new();
            b.skb_set(id, KF::seq, write_seq).skb_set(id, KF::truesize, 1024);
            b.skb_link(id, queue.empty() ? 0 : queue.back());
            wmem += 1024;
            b.sock(SF::sk_wmem_queued, wmem);
            b.emit(Kind::skb_entail, 0, 975);
            queue.push_back(id);

            b.in({S});
            const int64_t lin = std::min<int64_t>(left, 200 + rng() % 600);
            copied += lin;
            b.arg(Arg::copy, lin).skb_set(id, KF::len, lin).sock(SF::copied, copied);
            b.emit(Kind::copy_linear, 0, 1003);
            left -= lin;
            write_seq += lin;
            b.sock(SF::write_seq, write_seq).skb_set(id, KF::end_seq, write_seq);
            b.emit(Kind::advance, 0, 1090);

            if (left > 0) {
                if (page == 0 || page_off >= 4096) {
                    if (page) {  // the socket drops its reference; the fragments keep theirs
                        b.arg(Arg::page, page).page_set(page, b.state().page(page)->count - 1);
                        b.emit(Kind::page_release, 0, 1030);
                    }
                    page = b.page_new();
                    page_off = 0;
                    b.page_set(page, 1).sock(SF::sk_sndmsg_page, page);
                    b.emit(Kind::page_alloc, 0, 1041);
                }
                const int64_t fr = std::min<int64_t>({left, mss - lin, 4096 - page_off});
                b.arg(Arg::copy, fr).skb_frag(id, 0, page, page_off, static_cast<uint32_t>(fr));
                b.skb_set(id, KF::len, lin + fr).skb_set(id, KF::data_len, fr);
                b.page_set(page, b.state().page(page)->count + 1);  // the fragment's reference
                b.emit(Kind::page_new_frag, 0, 1060);
                page_off += static_cast<uint32_t>(fr);
                left -= fr;
                write_seq += fr;
                copied += fr;
                b.sock(SF::write_seq, write_seq).sock(SF::sk_sndmsg_off, page_off).skb_set(id, KF::end_seq, write_seq);
                b.emit(Kind::advance, 0, 1090);
            }
        }
        b.in({S});
        b.arg(Arg::flags, 0);
        b.emit(Kind::out_push, 0, 1150);
        b.in({S, Func::tcp_push});
        b.emit(Kind::tcp_push, 1, 210);
        b.in({S, Func::tcp_push, Func::tcp_write_xmit, Func::tcp_transmit_skb});
        for (uint32_t id : queue) {
            pkts++;
            b.arg(Arg::skb, id).arg(Arg::len, mss);
            b.sock(SF::snd_nxt, b.state().skb(id)->end_seq)
                .sock(SF::packets_out, pkts)
                .skb_set(id, KF::when_us, b.now());
            std::vector<uint8_t> bytes(54 + rng() % 16);
            for (auto& x : bytes) x = static_cast<uint8_t>(rng());
            b.frame(0, id, bytes);
            b.emit(Kind::transmit, 1, 480);
        }
        b.in({S});
        b.arg(Arg::ret, size);
        b.emit(Kind::sendmsg_exit, 0, 1190);
        b.call(0);

        b.at(b.now() + 180 + rng() % 50);
        snd_una = write_seq;
        pkts = 0;
        b.in({Func::tcp_ack});
        b.arg(Arg::ack, snd_una).sock(SF::snd_una, snd_una).sock(SF::packets_out, 0);
        b.emit(Kind::ack, 2, 320);
        b.in({Func::tcp_ack, Func::tcp_clean_rtx_queue});
        for (uint32_t id : queue) {
            wmem -= 1024;
            b.skb_unlink(id).skb_free(id).sock(SF::sk_wmem_queued, wmem);
            b.emit(Kind::skb_free, 2, 355);
        }
        queue.clear();
    }
    return without_stacks(b.take());
}

Trace trace_with_depths(std::initializer_list<int> depths) {
    static constexpr Func kByDepth[] = {Func::user, Func::tcp_sendmsg, Func::tcp_push, Func::tcp_write_xmit,
                                        Func::tcp_transmit_skb};
    TraceBuilder b;
    uint32_t line = 100;
    int i = 0;
    for (int d : depths) {
        b.in(std::span<const Func>(kByDepth + 1, static_cast<std::size_t>(d)));
        b.sock(SF::copy, i).arg(Arg::copy, i * 10);
        b.emit(Kind::iov_next, 0, line++);
        ++i;
    }
    return b.take();
}

}  // namespace sptest
