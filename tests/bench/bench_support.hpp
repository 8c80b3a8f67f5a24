// What the benches share: the clock, the spread of repeated timings (best,
// median, 95th percentile, worst), their command-line arguments and
// SENDPATH_BENCH_REPEAT, where their files go, the bulk send they all
// measure and the trace of about N events made from it, and dying with a
// message when the set-up fails. Network namespaces (bench_tap) come from
// tests/support/netns.hpp, as the TAP tests have them.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <sys/resource.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "run/runner.hpp"
#include "lesson/scenario.hpp"
#include "trace/event.hpp"

namespace sendpath::bench {

using clk = std::chrono::steady_clock;

inline double secs(clk::time_point a, clk::time_point b) { return std::chrono::duration<double>(b - a).count(); }
inline double ms(clk::time_point a, clk::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

// CPU seconds (user + system) of this process (RUSAGE_SELF) or of its
// waited-for children (RUSAGE_CHILDREN).
inline double cpu_seconds(int who) {
    struct rusage u {};
    ::getrusage(who, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The middle value (the mean of the two middle ones for an even count), 0 for none.
inline double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// Repeated measurements of one thing, smallest first.
struct Spread {
    double best = 0, median = 0, p95 = 0, worst = 0;
};
inline Spread spread(std::vector<double> v) {
    if (v.empty()) return {};
    std::sort(v.begin(), v.end());
    return {v.front(), bench::median(v), v[v.size() * 95 / 100], v.back()};
}

// Positional argument i (1-based, as in argv), or the default when absent.
inline int64_t arg_int(int argc, char** argv, int i, int64_t fallback) {
    return argc > i ? std::atoll(argv[i]) : fallback;
}
inline std::string arg_str(int argc, char** argv, int i, const std::string& fallback) {
    return argc > i ? argv[i] : fallback;
}
inline bool arg_is(int argc, char** argv, int i, const std::string& flag) { return argc > i && argv[i] == flag; }

// SENDPATH_BENCH_REPEAT: how many times to run what is measured (the last run
// counts), so a profiler sees the measured code rather than the set-up. At least 1.
inline int repeat_count() {
    const char* r = std::getenv("SENDPATH_BENCH_REPEAT");
    return r ? std::max(1, std::atoi(r)) : 1;
}

// Where a bench's files go when no path is given: the temporary directory.
inline std::string temp_dir() { return std::filesystem::temp_directory_path().string(); }
inline std::string temp_file(const std::string& name) {
    return (std::filesystem::temp_directory_path() / name).string();
}

// Stops the bench: its set-up failed, and the figures would mean nothing.
[[noreturn]] inline void die(const std::string& why) {
    std::fprintf(stderr, "%s\n", why.c_str());
    std::exit(1);
}

// The run every engine bench measures: one send of `bytes` to a simulated
// peer that reads at once into a 4 MiB window, 50 us away.
inline lesson::Scenario bulk_send(const std::string& name, int64_t bytes) {
    const nlohmann::json j = {
        {"name", name},
        {"peer", {{"rcvbuf", 4 << 20}, {"read_rate", -1}, {"one_way_delay_us", 50}}},
        {"timeline", nlohmann::json::array({{{"send", bytes}}})},
        {"drain_ms", 60000},
        {"max_time_ms", 3600000},
    };
    return lesson::scenario_from_json(j, name);
}

// The application's buffer: n bytes of a pattern that is not all one value.
inline std::shared_ptr<std::vector<uint8_t>> patterned_buffer(std::size_t n) {
    auto buf = std::make_shared<std::vector<uint8_t>>(n);
    for (std::size_t i = 0; i < n; ++i) (*buf)[i] = static_cast<uint8_t>(i * 131 + (i >> 12));
    return buf;
}

// The traced bulk send of `bytes`, from a 1 MiB buffer sent again and again.
inline trace::Trace bulk_send_trace(const std::string& name, int64_t bytes) {
    engine::RunStats st;
    return engine::run_scenario_with_buffer(bulk_send(name, bytes), engine::Options{}, patterned_buffer(1 << 20), &st);
}

// A bulk-send trace of about `events` events: events grow about linearly with
// bytes, so a 4 MiB run is measured and the send scaled from it. *bytes_sent
// gets the size of the send.
inline trace::Trace trace_of_about(const std::string& name, long long events, int64_t* bytes_sent = nullptr) {
    const int64_t probe_bytes = 4 << 20;
    const std::size_t probe_events = bulk_send_trace(name, probe_bytes).events.size();
    const int64_t bytes =
        std::max<int64_t>(probe_bytes, static_cast<int64_t>(static_cast<double>(probe_bytes) * events / probe_events));
    if (bytes_sent) *bytes_sent = bytes;
    return bulk_send_trace(name, bytes);
}

}  // namespace sendpath::bench
