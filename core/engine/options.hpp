// Engine options: which kernel behaviour to model and the build-dependent sizes.
//
// The default is the 2.6.32.67 tcp_sendmsg (linear tailroom first, then 4 KiB
// page fragments from the per-socket cached page, no autocorking). Modern
// behaviours are named options, never a silent mix (README "Engine options").
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace sendpath::engine {

struct Options {
    // Modern kernels (>= 4.x) put no payload in the linear area: select_size() = 0.
    bool linear_copy = true;
    // Modern kernels (>= 3.14) hold a small tail skb while earlier data is still in the device.
    bool autocork = false;
    // Build-dependent sizes (linux-send-path.md B.3), defaults for an x86-64 distro 2.6.32 build.
    int64_t sizeof_sk_buff = 232;
    int64_t max_tcp_header = 304;
    int64_t sizeof_shinfo = 320;
    int64_t l1_cache_bytes = 64;
    // How long the device keeps a clone before TX completion (matters for autocork only).
    int64_t tx_completion_us = 20;
    // Log events and frames. Off, the engine only runs (for benchmarks).
    bool trace = true;
    // A trace addresses its frame bytes with 32-bit offsets: a run whose trace
    // holds this many bytes of frames ends there, cleanly, with end_reason
    // "trace full ...". Lower it to keep traces of long runs small.
    static constexpr int64_t kMaxTraceFrameBytes = (int64_t{1} << 32) - (int64_t{64} << 20);
    int64_t max_trace_frame_bytes = kMaxTraceFrameBytes;

    // As JSON (the "options" of a trace). Defined with the other file readers
    // in sp_lesson (lesson/engine_options.cpp): the engine itself reads no JSON.
    nlohmann::json to_json() const;
    // Throws InputError(file, "/options/...", ...) on unknown keys or bad types.
    static Options from_json(const nlohmann::json& j, const std::string& file);
};

}  // namespace sendpath::engine
