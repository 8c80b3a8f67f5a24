// Replay: the model state at any event, rebuilt from the trace alone.
//
// state(i) = apply(changes of events 0..i) to an empty State. Keyframes (a
// full State every keyframe_every events) make seeking cheap: a seek copies
// the nearest earlier keyframe and applies at most keyframe_every events.
// Moving forward from the current cursor applies only the events in between.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "model/state.hpp"
#include "trace/event.hpp"

namespace sendpath::trace {

class Replay {
public:
    // Validates every change while building keyframes; throws RuntimeError
    // naming the event and change if the trace does not replay (an skb that
    // does not exist, a page freed twice, an unknown field ...).
    explicit Replay(const Trace& trace, std::size_t keyframe_every = 1024);

    // Events validated and keyframed so far (the trace may have grown since).
    std::size_t size() const { return built_; }

    // The trace grew (a live run appended events, changes and frames to the
    // same Trace object): validate and keyframe the new events. Throws like
    // the constructor; events before size() are never re-read.
    void extend();
    const Trace& trace() const { return *trace_; }

    // State after event i has been applied (i < size()).
    const model::State& seek(std::size_t i);
    std::size_t cursor() const { return cursor_; }

    // Applies changes [b, e) to s. event_index is only used in error messages.
    static void apply(model::State& s, const Change* b, const Change* e, std::size_t event_index);

private:
    const Trace* trace_;
    std::size_t every_;
    std::size_t built_ = 0;
    model::State tip_;                     // state after event built_-1: where extend() goes on
    std::vector<model::State> keyframes_;  // keyframes_[k] = state after event k*every_ - 1 (k=0: empty)
    model::State cur_;
    std::size_t cursor_ = static_cast<std::size_t>(-1);  // -1: cur_ is the empty state
};

}  // namespace sendpath::trace
