// Debugger-style movement over the events of a trace.
//
// The cursor is an event index; the state shown is the state after that event.
// Events carry the call depth of the engine function that emitted them
// (0 = the application), so the usual debugger moves fall out of depths alone:
//   step into  = the next event;
//   step over  = the next event whose depth <= the current depth;
//   step out   = the next event whose depth <  the current depth;
// and the backward forms are the same searches towards event 0. A move with
// no target goes to the end of the trace in its direction, like a program
// that runs to completion.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "trace/event.hpp"

namespace sendpath::gui {

std::size_t step_into(const trace::Trace& t, std::size_t cur);
std::size_t step_over(const trace::Trace& t, std::size_t cur);
std::size_t step_out(const trace::Trace& t, std::size_t cur);
std::size_t step_into_back(const trace::Trace& t, std::size_t cur);
std::size_t step_over_back(const trace::Trace& t, std::size_t cur);
std::size_t step_out_back(const trace::Trace& t, std::size_t cur);

// One frame of the call stack at the cursor, innermost first.
struct StackFrame {
    uint8_t depth = 0;
    // The latest event of this activation at or before the cursor, if the
    // function emitted one (a function can be entered without an event yet).
    std::optional<std::size_t> event;
    std::optional<trace::Func> func;
};

// Rebuilt from the events before the cursor: for each depth below the current
// one, the latest event at that depth that is still part of the live call
// chain (no shallower event between it and the cursor).
std::vector<StackFrame> call_stack(const trace::Trace& t, std::size_t cur);

}  // namespace sendpath::gui
