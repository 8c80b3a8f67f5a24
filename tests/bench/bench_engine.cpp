// Engine speed on one 256 MiB send (issue: events/s and bytes/s with tracing
// on and off, beside a plain memcpy of the same bytes; trace bytes per event
// in JSON and CBOR).
//
//   build/tests/bench/bench_engine [MiB]
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "run/runner.hpp"
#include "lesson/scenario.hpp"
#include "run/runner.hpp"
#include "trace/trace_io.hpp"

using namespace sendpath;
using namespace sendpath::bench;

int main(int argc, char** argv) {
    const int64_t mib = arg_int(argc, argv, 1, 256);
    const int64_t bytes = mib << 20;
    const lesson::Scenario sc = bulk_send("bench", bytes);

    // Shared: the traced run's frames name their payload in it rather than copy it.
    auto user_buf = patterned_buffer(static_cast<std::size_t>(bytes));
    const std::vector<uint8_t>& user = *user_buf;
    std::vector<uint8_t> dst(user.size());

    // Baseline: one memcpy of the same bytes (warm both buffers first).
    std::memcpy(dst.data(), user.data(), user.size());
    auto m0 = clk::now();
    std::memcpy(dst.data(), user.data(), user.size());
    auto m1 = clk::now();
    const double memcpy_bps = static_cast<double>(bytes) / secs(m0, m1);

    engine::Options off;
    off.trace = false;
    engine::RunStats s_off;
    // Repeat (SENDPATH_BENCH_REPEAT) to profile the engine rather than the set-up.
    const int repeat = repeat_count();
    for (int r = 1; r < repeat; ++r) engine::run_scenario_with_buffer(sc, off, user_buf, &s_off);
    auto a0 = clk::now();
    engine::run_scenario_with_buffer(sc, off, user_buf, &s_off);
    auto a1 = clk::now();

    if (arg_is(argc, argv, 2, "--off-only")) {
        std::printf("engine, tracing off: %.3f s, %.0f MB/s, %llu events\n", secs(a0, a1),
                    static_cast<double>(bytes) / secs(a0, a1) / 1e6, static_cast<unsigned long long>(s_off.events));
        return 0;
    }
    engine::Options on;
    engine::RunStats s_on;
    for (int r = 1; r < repeat; ++r) engine::run_scenario_with_buffer(sc, on, user_buf, &s_on);
    auto b0 = clk::now();
    trace::Trace t = engine::run_scenario_with_buffer(sc, on, user_buf, &s_on);
    auto b1 = clk::now();

    if (arg_is(argc, argv, 2, "--no-write")) {
        std::printf("engine, tracing on: %.3f s, %.2f M events/s\n", secs(b0, b1),
                    t.events.size() / secs(b0, b1) / 1e6);
        return 0;
    }
    std::ostringstream js, cb;
    auto c0 = clk::now();
    trace::write_trace_json(t, js);
    auto c1 = clk::now();
    trace::write_trace_cbor(t, cb);
    auto c2 = clk::now();
    const double ev = static_cast<double>(t.events.size());
    // Bytes of whole frames as the files hold them (in memory, the engine's own
    // frames keep only their headers: their payload is named in the send stream).
    double frame_bytes = 0;
    for (const trace::Frame& f : t.frames) frame_bytes += f.length;

    std::printf("trace in memory        : %zu send-stream pieces, %.1f MB of frame headers kept\n",
                t.sent.pieces.size(), static_cast<double>(t.frame_bytes.size()) / 1e6);
    std::printf("send of %lld MiB, acked %llu bytes, virtual time %.3f s\n", static_cast<long long>(mib),
                static_cast<unsigned long long>(s_on.bytes_acked), static_cast<double>(s_on.end_time_us) / 1e6);
    std::printf("memcpy                 : %8.0f MB/s\n", memcpy_bps / 1e6);
    std::printf("engine, tracing off    : %8.3f s  %8.0f MB/s (%.2f x memcpy)  %.2f M events/s (%llu events)\n",
                secs(a0, a1), static_cast<double>(bytes) / secs(a0, a1) / 1e6,
                static_cast<double>(bytes) / secs(a0, a1) / memcpy_bps,
                static_cast<double>(s_off.events) / secs(a0, a1) / 1e6, static_cast<unsigned long long>(s_off.events));
    std::printf("engine, tracing on     : %8.3f s  %8.0f MB/s  %.2f M events/s (%llu events, %zu frames)\n",
                secs(b0, b1), static_cast<double>(bytes) / secs(b0, b1) / 1e6, ev / secs(b0, b1) / 1e6,
                static_cast<unsigned long long>(s_on.events), t.frames.size());
    std::printf("trace JSON             : %8.1f bytes/event overall, %.1f without frames (%.2f s to write)\n",
                static_cast<double>(js.str().size()) / ev,
                (static_cast<double>(js.str().size()) - 2.0 * frame_bytes) / ev, secs(c0, c1));
    std::printf("trace CBOR             : %8.1f bytes/event overall, %.1f without frame bytes (%.2f s to write)\n",
                static_cast<double>(cb.str().size()) / ev, (static_cast<double>(cb.str().size()) - frame_bytes) / ev,
                secs(c1, c2));
    return s_on.bytes_acked == static_cast<uint64_t>(bytes) ? 0 : 1;
}
