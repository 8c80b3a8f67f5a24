// The kernel receives exactly the bytes sent: sizes from 1 byte to 8 MiB,
// with and without scatter-gather, over three MTU / MSS settings. And a TAP
// run replays: re-running the engine on its incoming frames gives the same events.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include "run/tap_replay.hpp"
#include "tap/tap_support.hpp"
#include "trace/pcap.hpp"
#include "trace/replay.hpp"
#include "trace/trace_io.hpp"

using namespace taptest;
using sendpath::trace::Kind;

namespace {

nlohmann::json transfer(int64_t bytes, bool sg, int64_t mtu) {
    return {{"name", "transfer"},
            {"device", {{"sg", sg}, {"mtu", mtu}}},
            {"timeline", nlohmann::json::array({{{"send", bytes}}, {{"close", true}}})},
            {"max_time_ms", 120000}};
}

// Largest TCP payload in a frame we sent.
std::size_t max_payload_out(const trace::Trace& t) {
    std::size_t m = 0;
    for (const auto& fv : parsed_frames(t))
        if (fv.f->dir == 0 && fv.p && fv.p->is_tcp()) m = std::max(m, fv.p->payload.size());
    return m;
}

}  // namespace

TEST_CASE("the kernel receives exactly the bytes sent, 1 B to 8 MiB, with and without sg, three MSS") {
    TAP_TEST_PRECONDITION();
    struct Setting {
        int tap_mtu;
        int64_t scenario_mtu;
        std::size_t mss;  // payload per full segment: min(our MTU, the kernel's) - 40 - 12 (timestamps)
    };
    for (const Setting s : {Setting{1500, 1500, 1448}, Setting{9000, 9000, 8948}, Setting{1500, 576, 524}}) {
        Netns ns(Netns::Options{.mtu = s.tap_mtu});
        for (const int64_t size : {int64_t{1}, int64_t{1448}, int64_t{100 << 10}, int64_t{8 << 20}}) {
            for (const bool sg : {true, false}) {
                CAPTURE(s.tap_mtu);
                CAPTURE(s.scenario_mtu);
                CAPTURE(size);
                CAPTURE(sg);
                Receiver rx(ns);
                engine::RunStats st;
                const trace::Trace t = run_tap(ns, transfer(size, sg, s.scenario_mtu), &st);
                const auto rep = rx.finish();
                CHECK(t.end_reason == "completed");
                CHECK(rep.end == "eof");
                CHECK(rep.bytes == size);
                CHECK(rep.sha == pattern_sha(1, static_cast<uint64_t>(size)));
                // Payload only: the acknowledged FIN carries no byte.
                CHECK(st.bytes_acked == static_cast<uint64_t>(size));
                CHECK(send_rets(t) == std::vector<int64_t>{size});
                // Full segments are exactly the MSS both sides agreed on.
                if (size >= 100 << 10) CHECK(max_payload_out(t) == s.mss);
                if (size == 1) CHECK(max_payload_out(t) == 1);
            }
        }
    }
}

TEST_CASE("a TAP trace is a valid trace, and re-running the engine on its incoming frames gives the same events") {
    TAP_TEST_PRECONDITION();
    Netns ns;
    Receiver rx(ns);
    const trace::Trace t = run_tap(ns, transfer(300000, true, 1500));
    CHECK(rx.finish().bytes == 300000);
    REQUIRE(t.end_reason == "completed");

    // A trace like any other: it validates, saves, loads and replays with no device.
    trace::validate_trace(t, "tap trace");
    const std::string path = temp_path("replay.json");
    trace::save_trace(t, path, trace::TraceFormat::json);
    const trace::Trace loaded = trace::load_trace(path);
    std::remove(path.c_str());
    CHECK(loaded == t);
    trace::Replay replay(loaded);
    const auto& end = replay.seek(loaded.events.size() - 1).sk;
    CHECK(end.snd_una == end.write_seq);  // everything, FIN included, acknowledged
    // The kernel's FIN came in and was acknowledged before the run ended.
    CHECK(end.state == model::TCP_TIME_WAIT);
    // Our ACK of it is the last frame: after it come only tcp_check_space's
    // bookkeeping (the ACK freed our FIN's skb) and the end of the run.
    std::size_t last_ack = t.events.size();
    for (std::size_t i = 0; i < t.events.size(); ++i)
        if (t.events[i].kind == Kind::send_ack) last_ack = i;
    REQUIRE(last_ack < t.events.size());
    for (std::size_t i = last_ack + 1; i < t.events.size(); ++i)
        CHECK((t.events[i].kind == Kind::queue_shrunk || t.events[i].kind == Kind::run_end));

    // The ARP exchange is in it: our request, the kernel's reply, before our SYN.
    const auto frames = parsed_frames(t);
    REQUIRE(frames.size() >= 3);
    CHECK((frames[0].f->dir == 0 && frames[0].p && frames[0].p->is_arp() && frames[0].p->arp->op == net::ARP_REQUEST));
    const auto reply = std::find_if(frames.begin(), frames.end(), [](const FrameView& f) {
        return f.f->dir == 1 && f.p && f.p->is_arp() && f.p->arp->op == net::ARP_REPLY;
    });
    const auto syn = std::find_if(frames.begin(), frames.end(), [](const FrameView& f) {
        return f.f->dir == 0 && f.p && f.p->is_tcp() && (f.p->tcp->flags & net::TCP_SYN);
    });
    REQUIRE(reply != frames.end());
    REQUIRE(syn != frames.end());
    CHECK(reply < syn);
    // The kernel's SYN-ACK: its options answer ours, and the engine took them.
    const auto synack = std::find_if(frames.begin(), frames.end(), [](const FrameView& f) {
        return f.f->dir == 1 && f.p && f.p->is_tcp() && (f.p->tcp->flags & net::TCP_SYN);
    });
    REQUIRE(synack != frames.end());
    CHECK(synack->p->tcp->options.mss == std::optional<uint16_t>(1460));
    CHECK(synack->p->tcp->options.sack_perm);
    CHECK(synack->p->tcp->options.ts.has_value());
    CHECK(synack->p->tcp->options.wscale.has_value());

    // Same scenario, same options, same incoming frames at the same times:
    // the same events, changes and TCP frames.
    peer::ReplayLink probe(t);
    CHECK(probe.frames_total() > 0);
    const trace::Trace again = peer::rerun_tap_trace(t);
    CHECK(again.end_reason == t.end_reason);
    REQUIRE(again.events.size() == t.events.size());
    CHECK(again.events == t.events);
    CHECK(again.changes == t.changes);
    auto tcp_frames = [](const trace::Trace& tr) {
        std::vector<std::vector<uint8_t>> v;
        std::vector<uint8_t> scratch;
        for (const auto& f : tr.frames) {
            const auto bytes = tr.frame_data(f, scratch);
            if (peer::tap_frame_for_engine(bytes)) v.emplace_back(bytes.begin(), bytes.end());
        }
        return v;
    };
    CHECK(tcp_frames(again) == tcp_frames(t));
}

TEST_CASE("a TSO device (device.tso): each skb leaves as one frame of up to 64 KB and the kernel takes it whole") {
    TAP_TEST_PRECONDITION();
    Netns ns;
    Receiver rx(ns);
    const int64_t size = 3 << 20;
    nlohmann::json j = transfer(size, true, 1500);
    j["device"]["tso"] = true;
    const trace::Trace t = run_tap(ns, j);
    const auto rep = rx.finish();
    CHECK(t.end_reason == "completed");
    CHECK(rep.bytes == size);
    CHECK(rep.sha == pattern_sha(1, size));
    CHECK(max_payload_out(t) > 1448);  // super-frames, far past the MTU
    CHECK(max_payload_out(t) <= 65535 - 52);
    // Still a clean capture: tshark reads the big frames with good checksums.
    const std::string pcap = temp_path("tso.pcap");
    {
        std::ofstream out(pcap, std::ios::binary);
        trace::write_pcap(t, out);
    }
    if (auto problems = tshark_problems(pcap)) CHECK_MESSAGE(problems->empty(), *problems);
    std::remove(pcap.c_str());
}
