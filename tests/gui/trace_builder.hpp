// Hand-built traces for the GUI model tests, made through the engine's own
// Recorder so they replay exactly like real ones.
#pragma once

#include "model/state.hpp"
#include "trace/event.hpp"
#include "trace/recorder.hpp"

namespace sendpath::gui::test {

// Emits events at the given depths (function chosen by depth), one per entry,
// lines 100, 101, ... in file 0. Each event sets local.copy to its index so
// watch/cond breakpoints have something to find.
inline trace::Trace trace_with_depths(std::initializer_list<int> depths) {
    static constexpr trace::Func kByDepth[] = {trace::Func::user, trace::Func::tcp_sendmsg, trace::Func::tcp_push,
                                               trace::Func::tcp_write_xmit, trace::Func::tcp_transmit_skb};
    trace::Trace t;
    model::State s;
    trace::Recorder rec(s, &t);
    uint32_t line = 100;
    int cur = 0;
    int i = 0;
    for (int d : depths) {
        while (cur < d) rec.enter(kByDepth[++cur]);
        while (cur > d) { rec.leave(); --cur; }
        rec.set(model::SF::copy, i);
        rec.arg(trace::Arg::copy, i * 10);
        rec.emit(trace::Kind::iov_next, 0, line++);
        ++i;
    }
    return t;
}

}  // namespace sendpath::gui::test
