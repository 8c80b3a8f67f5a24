// Hand-built traces for the trace file tests (synth_trace.cpp): the trace
// layer is tested apart from the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "trace/event.hpp"

namespace sendpath::trace::test {

// A small trace that uses every change op once.
Trace make_small_trace();
// A long trace shaped like real tcp_sendmsg runs (3-6 changes per event,
// small values, most events at the previous event's time).
Trace make_synthetic_trace(std::size_t events, uint32_t seed);

// A trace as the writers put it in a file.
std::string as_json(const Trace& t);
std::vector<uint8_t> as_cbor(const Trace& t);

}  // namespace sendpath::trace::test
