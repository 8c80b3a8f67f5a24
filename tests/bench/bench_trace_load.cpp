// Trace loading speed without the GUI (issue 3: "a trace of one million
// events opens in under two seconds"). Generates a trace of about N events
// with the engine (the same scenario as bench_gui), saves it as CBOR and as
// JSON, then measures:
//   - load_trace of each file (read, decode, validate);
//   - trace::Replay construction (validation of every change + keyframes);
//   - seeks to random events (the state part of "any event within one frame").
//
//   build/tests/bench/bench_trace_load [events, default 1000000] [dir, default the temporary directory]
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "lesson/scenario.hpp"
#include "run/runner.hpp"
#include "trace/replay.hpp"
#include "trace/trace_io.hpp"

using namespace sendpath;
using namespace sendpath::bench;

// The first load is the one a user waits for (later ones reuse memory the
// first freed), so every run is printed; the figure returned is the first.
static double loads(int n, const std::string& path, std::size_t& events) {
    double first = 0;
    for (int k = 0; k < n; ++k) {
        const auto a = clk::now();
        const trace::Trace t = trace::load_trace(path);
        const auto b = clk::now();
        events = t.events.size();
        if (k == 0) first = ms(a, b);
        if (n > 1) std::printf("  run %d: %.0f ms\n", k + 1, ms(a, b));
    }
    return first;
}

int main(int argc, char** argv) {
    const long long want = arg_int(argc, argv, 1, 1000000);
    const std::string dir = arg_str(argc, argv, 2, temp_dir());
    const std::string cbor = dir + "/sendpath_bench_trace_load.cbor";
    const std::string jsonp = dir + "/sendpath_bench_trace_load.json";
    const int repeat = repeat_count();

    trace::Trace t = trace_of_about("bench_trace_load", want);
    trace::save_trace(t, cbor, trace::TraceFormat::cbor);
    trace::save_trace(t, jsonp, trace::TraceFormat::json);
    std::printf("trace: %zu events, %zu changes, %zu frames; CBOR %.1f MiB, JSON %.1f MiB\n", t.events.size(),
                t.changes.size(), t.frames.size(), static_cast<double>(std::filesystem::file_size(cbor)) / (1 << 20),
                static_cast<double>(std::filesystem::file_size(jsonp)) / (1 << 20));

    std::size_t n = 0;
    std::printf("load_trace CBOR: %.0f ms [target with Replay: < 2000 ms]\n", loads(repeat, cbor, n));
    if (!std::getenv("SENDPATH_BENCH_NO_JSON")) std::printf("load_trace JSON: %.0f ms\n", loads(repeat, jsonp, n));

    const trace::Trace loaded = trace::load_trace(cbor);
    if (!(loaded == t)) {
        std::fprintf(stderr, "bench_trace_load: the CBOR file does not load back to the trace that was saved\n");
        return 1;
    }
    t = trace::Trace{};
    const auto r0 = clk::now();
    trace::Replay replay(loaded);
    const auto r1 = clk::now();
    std::printf("Replay construction: %.0f ms\n", ms(r0, r1));

    std::mt19937_64 rng(42);
    std::vector<double> seeks;
    std::size_t sink = 0;
    for (int i = 0; i < 1000; ++i) {
        const std::size_t at = std::uniform_int_distribution<std::size_t>(0, loaded.events.size() - 1)(rng);
        const auto a = clk::now();
        sink += replay.seek(at).write_queue.size();
        seeks.push_back(ms(a, clk::now()));
    }
    const Spread sp = spread(seeks);
    std::printf("seek to a random event (1000 seeks): median %.3f ms, p95 %.3f ms, max %.3f ms (%zu)\n", sp.median,
                sp.p95, sp.worst, sink % 2);
    return 0;
}
