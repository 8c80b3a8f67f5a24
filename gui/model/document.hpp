// The loaded document: one Trace, its Replay and the cursor.
//
// The views draw only from here: the state after the cursor's event, the
// state before it (for "changed on this step, was X"), and what the event
// touched. Both states are computed once when the cursor moves, not per frame.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>

#include "gui/model/effects.hpp"
#include "gui/model/lesson_session.hpp"
#include "gui/model/live_run.hpp"
#include "model/state.hpp"
#include "trace/event.hpp"
#include "trace/replay.hpp"

namespace sendpath::gui {

class Document {
public:
    // Validates the trace by replaying it (trace::Replay throws RuntimeError
    // naming the event and change that does not apply). Cursor at event 0.
    Document(trace::Trace t, std::string path, std::string source_kind);
    // A live document (README "Live mode"): the trace grows while run goes on.
    // Waits for the run's first event; rethrows what kept the run from
    // starting (InputError, RuntimeError: a TAP device that cannot be opened).
    Document(std::unique_ptr<LiveRun> run, std::string path, std::string source_kind);
    ~Document();
    Document(const Document&) = delete;
    Document& operator=(const Document&) = delete;

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

    // The last event any view may draw: the cursor while a lesson question
    // waits (a student must not see what happens next before answering),
    // else the last event. Every view that lists or plots events consults
    // this, not size(); 0 for an empty trace.
    std::size_t horizon() const {
        if (empty()) return 0;
        return lesson && lesson->hides_future() ? cursor_ : size() - 1;
    }
    bool future_hidden() const { return !empty() && horizon() + 1 < size(); }
    // The header's position text in lang: "event 17 / 349", or, while a
    // lesson hides the future, "event 17" (the total would say how much of
    // the run is left).
    std::string position_text(std::string_view lang) const;

    const trace::Event* event() const { return empty() ? nullptr : &trace_->events[cursor_]; }
    const model::State& state() const { return state_; }      // after the cursor's event
    const model::State& prev_state() const { return prev_; }  // before it (empty at event 0)
    const EventEffects& effects() const { return effects_; }
    // Bumped on every seek: views that cache per-cursor data compare it.
    uint64_t generation() const { return generation_; }
    // Unique per Document and trace content in this process: views that cache
    // per-trace data compare it. A live document takes a new id whenever its
    // trace grows, so those caches see the new events.
    uint64_t id() const { return id_; }
    // Unique per Document in this process and, unlike id(), kept while a live
    // trace grows: what a view keys a reader's choice on (the kernel view's
    // checkbox), so that a growth does not put it back to its default.
    uint64_t serial() const { return serial_; }

    // Live mode. live(): a run still feeds the trace. was_live(): it did once
    // (the timeline then says how the run ended).
    bool live() const { return run_ != nullptr; }
    bool was_live() const { return was_live_; }
    bool live_tap() const { return run_ && run_->tap(); }
    const std::string& tap_device() const { return tap_dev_; }
    // Events the run has made so far (>= size() while it runs).
    std::size_t produced() const { return run_ ? std::max(run_->produced(), size()) : size(); }
    // Takes in what the run made: with the simulated peer first waits until
    // the run has used its budget (so what a step shows does not depend on
    // thread timing); over TAP takes what is there, waiting at most
    // wait_ms for something. Validates and keyframes the new events; ends live
    // mode once the run has ended and everything is in. Returns events added.
    std::size_t pull(int wait_ms = 0);
    // Simulated peer: lets the run go on until the trace has n events (the next
    // pull() brings them). Seeking keeps between kAhead/2 and kAhead (or a
    // quarter of the trace, if more) events of budget past the cursor. No
    // effect over TAP.
    void want(std::size_t n);
    // Ends the run now (end_reason = why), takes in what it made, leaves live mode.
    void stop_live(const std::string& why);
    static constexpr std::size_t kAhead = 2048;

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
    uint64_t serial_ = 0;
    std::unique_ptr<LiveRun> run_;  // joined (stopped) in the destructor
    std::size_t allowed_ = 0;       // the budget last given to the run
    bool was_live_ = false;
    std::string tap_dev_;
};

}  // namespace sendpath::gui
