// A scenario run by the engine inside the app, on a worker thread, while the
// GUI steps through the trace it produces (live mode).
//
// Only copies cross threads. The worker runs engine::run_scenario with
// tracing on; after every event (RunHooks::on_trace) it copies what is new
// in its own trace (events, changes, frames, frame bytes, call stacks) into an outbox
// under the mutex. The GUI thread takes the outbox (drain) into the
// Document's own Trace and lets its Replay keyframe the new events. The GUI
// never reads the worker's trace, the worker never reads the GUI's.
//
// Simulated peer: virtual time can wait for the user, so the worker runs only
// up to a budget of events (allow()) and then sleeps inside on_trace, the
// engine's clock stopped, until the budget grows or it is told to stop. The
// trace is the same as engine::run_scenario's: the engine does not know it
// waited. Real TAP link: the kernel does not wait, so the worker is never
// held back and the trace grows as frames come.
//
// Stopping (destructor, stop()): a reason for RunHooks::should_stop, a wake-up
// of a worker waiting for budget, then join. Over TAP the link's waits are cut
// into slices of at most 50 ms of its clock, so the runner polls should_stop
// at least that often (a TAP link otherwise sleeps in poll() until its next
// timer, possibly seconds).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/options.hpp"
#include "lesson/scenario.hpp"
#include "trace/event.hpp"

namespace sendpath::gui {

// The command line's --tap DEV --connect IP:PORT [--local IP], as sendpath-cli run reads them.
struct TapArgs {
    std::string dev;
    std::string connect;
    std::string local;  // "" = the kernel's /24 with host part .2
};

class LiveRun {
public:
    struct Config {
        lesson::Scenario scenario;  // peer.type "tap": over TAP (peer.dev and peer.connect set)
        engine::Options options;
        std::string tap_local;              // --local for a tap peer
        std::size_t initial_budget = 2048;  // events the simulated run may make before anyone asks
    };

    // Starts the worker. The scenario's peer decides the mode (simulated or TAP).
    explicit LiveRun(Config cfg);
    // stop("closed") and join.
    ~LiveRun();
    LiveRun(const LiveRun&) = delete;
    LiveRun& operator=(const LiveRun&) = delete;

    bool tap() const { return tap_; }
    const lesson::Scenario& scenario() const { return cfg_.scenario; }
    const std::string& tap_device() const { return cfg_.scenario.peer.dev; }

    // Simulated peer: the run may go on until it has made `events` events
    // (it never waits at its run_end event). No effect over TAP.
    void allow(std::size_t events);
    std::size_t budget() const;
    // Simulated peer: blocks until the worker waits for budget or has ended.
    // Over TAP: blocks until it has something not yet drained, has ended, or
    // timeout_ms passed. Returns true if there is something to drain.
    bool settle(int timeout_ms = 0);

    // Appends to t what the run made since the last drain (the first drain
    // also copies the scenario, options, engine files and version; the last
    // one, after the run ended, the end_reason). Returns events appended.
    std::size_t drain(trace::Trace& t);

    // The run has ended and drain() has taken everything.
    bool done() const;
    // The worker has ended (the run is over or failed to start).
    bool ended() const;
    // Events the engine has made so far (more than drained, while it runs).
    std::size_t produced() const;
    // The exception that kept the run from starting (a TAP device that cannot
    // be opened, ...), or null. The run then has no events.
    std::exception_ptr failure() const;

    // Ends the run now with this end_reason (if it is still running) and joins
    // the worker. What was produced stays to be drained. Idempotent.
    void stop(const std::string& reason);

private:
    void work();
    void on_trace(const trace::Trace& t, uint32_t index);
    // Copies t's events [sent_events_, n) with their changes and frames into out_. Caller holds m_.
    void copy_locked(const trace::Trace& t, std::size_t n);

    struct Chunk {
        std::vector<trace::Event> events;
        std::vector<trace::Change> changes;
        std::vector<trace::Frame> frames;
        std::vector<uint8_t> frame_bytes;
        std::vector<trace::SendPiece> pieces;  // of the send stream, which frames take their payload from
        std::vector<uint8_t> literal;
        std::vector<std::vector<trace::Func>> stacks;  // call stacks first seen since the last drain
        void clear() {
            stacks.clear();
            events.clear();
            changes.clear();
            frames.clear();
            frame_bytes.clear();
            pieces.clear();
            literal.clear();
        }
        bool empty() const {
            return events.empty() && changes.empty() && frames.empty() && frame_bytes.empty() && pieces.empty() &&
                   literal.empty() && stacks.empty();
        }
    };

    const Config cfg_;
    const bool tap_;
    mutable std::mutex m_;
    std::condition_variable work_cv_;  // the worker waits here for budget (or stop)
    std::condition_variable gui_cv_;   // settle() waits here
    std::atomic<bool> stop_{false};    // also read without m_ by the TAP link wrapper
    std::string stop_reason_;
    std::size_t allowed_;  // simulated: events the run may make before it waits
    std::size_t produced_ = 0;
    bool waiting_ = false;  // the worker sleeps in on_trace for budget
    bool ended_ = false;
    std::exception_ptr failure_;
    // Outbox (under m_): what the GUI has not drained yet.
    Chunk out_;
    bool header_ready_ = false, header_taken_ = false;
    trace::Trace header_;  // scenario, options, files, version (no events)
    std::string end_reason_;
    std::size_t undrained_events_ = 0;
    // Worker-only: how much of its trace has been copied into the outbox.
    std::size_t sent_events_ = 0, sent_changes_ = 0, sent_frames_ = 0, sent_bytes_ = 0, sent_stacks_ = 0;
    std::size_t sent_pieces_ = 0, sent_literal_ = 0;
    // GUI-only: a cleared chunk swapped in by drain, so capacity is reused.
    Chunk spare_;
    std::thread worker_;  // last: started after everything above exists
};

}  // namespace sendpath::gui
