// The loaded document: one Trace, its Replay and the cursor.
//
// The views draw only from here: the state after the cursor's event, the
// state before it (for "changed on this step, was X"), and what the event
// touched. Both states are computed once when the cursor moves, not per frame.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "gui/model/effects.hpp"
#include "gui/model/lesson_session.hpp"
#include "model/state.hpp"
#include "trace/event.hpp"
#include "trace/replay.hpp"

namespace sendpath::gui {

class Document {
public:
    // Validates the trace by replaying it (trace::Replay throws RuntimeError
    // naming the event and change that does not apply). Cursor at event 0.
    Document(trace::Trace t, std::string path, std::string source_kind);

    const std::string& path() const { return path_; }
    const std::string& source_kind() const { return kind_; }  // "trace" or "scenario"
    const trace::Trace& trace() const { return *trace_; }
    trace::Replay& replay() { return *replay_; }
    std::size_t size() const { return trace_->events.size(); }
    bool empty() const { return trace_->events.empty(); }

    std::size_t cursor() const { return cursor_; }
    // Clamped to the last event. Recomputes the cached states.
    void seek(std::size_t i);
    // Re-reads the states at the cursor after someone moved the replay (breakpoint search).
    void refresh() { seek(cursor_); }

    const trace::Event* event() const { return empty() ? nullptr : &trace_->events[cursor_]; }
    const model::State& state() const { return state_; }       // after the cursor's event
    const model::State& prev_state() const { return prev_; }   // before it (empty at event 0)
    const EventEffects& effects() const { return effects_; }
    // Bumped on every seek: views that cache per-cursor data compare it.
    uint64_t generation() const { return generation_; }
    // Unique per Document in this process: views that cache per-trace data compare it.
    uint64_t id() const { return id_; }

    // Set when the document is a lesson: its narrative, questions and answers.
    std::shared_ptr<LessonSession> lesson;

private:
    std::unique_ptr<trace::Trace> trace_;  // heap: Replay keeps a pointer, Document may move
    std::unique_ptr<trace::Replay> replay_;
    std::string path_, kind_;
    std::size_t cursor_ = 0;
    model::State state_, prev_;
    EventEffects effects_;
    uint64_t generation_ = 0;
    uint64_t id_ = 0;
};

}  // namespace sendpath::gui
