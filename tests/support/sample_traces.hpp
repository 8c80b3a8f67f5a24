// Traces built by hand (support/trace_builder.hpp) that several tests share:
// the trace layer's file tests use them without the engine, the GUI model
// tests to step through known depths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "trace/event.hpp"

namespace sptest {

// Four events that use every change op once, in the old form (no call
// stacks, three engine files), pinned byte for byte by the trace file tests.
// Deliberately not a state the engine could reach (skb 3 linked after a skb 2
// that never existed, a page made after the fragment that uses it): the file
// layer checks form, not meaning.
sendpath::trace::Trace make_small_trace();

// A long trace shaped like real tcp_sendmsg runs (3-6 changes per event,
// small values, most events at the previous event's time), recorded through
// the Recorder, in the old form too (its call stacks dropped); the same seed
// gives the same trace.
sendpath::trace::Trace make_synthetic_trace(std::size_t events, uint32_t seed);

// One event per entry, at that call depth (the function chosen by depth:
// user, tcp_sendmsg, tcp_push, tcp_write_xmit, tcp_transmit_skb), kind
// iov_next, lines 100, 101, ... in file 0. Event i sets local.copy to i and
// has the argument copy = 10 * i, so watch and condition breakpoints have
// something to find.
sendpath::trace::Trace trace_with_depths(std::initializer_list<int> depths);

}  // namespace sptest
