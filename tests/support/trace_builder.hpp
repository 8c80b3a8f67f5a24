// The one way tests build a trace by hand: through the engine's own Recorder,
// so the state changes are checked against a live State, unchanged values
// are left out and every event gets its call stack, as in a recorded run.
//
// A test that needs a trace the Recorder would never write (a state that
// does not add up, an event without a call stack, fields out of range) uses
// the escape hatch: raw() appends a change as given, emit_raw() an event with
// exactly the fields given, and trace() is the Trace itself to patch.
//
//   sptest::TraceBuilder b;
//   b.call(1).in({Func::tcp_sendmsg});
//   b.arg(Arg::size, 100).emit(Kind::sendmsg_enter);
//   const uint32_t skb = b.skb_new();
//   b.skb_set(skb, KF::len, 100).emit(Kind::skb_entail);
//   trace::Trace t = b.take();
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "model/state.hpp"
#include "trace/event.hpp"
#include "trace/recorder.hpp"

namespace sptest {

class TraceBuilder {
public:
    TraceBuilder();
    // The Recorder holds references into the builder.
    TraceBuilder(const TraceBuilder&) = delete;
    TraceBuilder& operator=(const TraceBuilder&) = delete;

    // What the next events are stamped with: time, send() call, call stack.
    TraceBuilder& at(int64_t time_us);
    TraceBuilder& call(uint32_t call);
    // The stack becomes user, then `frames` outermost first (depth = frames.size()).
    TraceBuilder& in(std::initializer_list<sendpath::trace::Func> frames);
    TraceBuilder& in(std::span<const sendpath::trace::Func> frames);
    TraceBuilder& enter(sendpath::trace::Func f);
    TraceBuilder& leave();
    int64_t now() const { return rec_.time(); }

    // State changes, through the Recorder: ids are the Recorder's (1, 2, ...),
    // and a value set to what it already is is not logged.
    TraceBuilder& sock(sendpath::model::SF f, int64_t v);
    uint32_t skb_new();
    TraceBuilder& skb_set(uint32_t skb, sendpath::model::KF f, int64_t v);
    TraceBuilder& skb_frag(uint32_t skb, uint32_t index, uint32_t page, uint32_t off, uint32_t size);
    TraceBuilder& skb_link(uint32_t skb, uint32_t after);  // after = 0: at the head
    TraceBuilder& skb_unlink(uint32_t skb);
    TraceBuilder& skb_free(uint32_t skb);
    uint32_t page_new();
    TraceBuilder& page_set(uint32_t page, int64_t count);
    TraceBuilder& page_free(uint32_t page);
    TraceBuilder& arg(sendpath::trace::Arg a, int64_t v);
    // A frame of the next event, at the current time.
    TraceBuilder& frame(uint8_t dir, uint32_t skb, const std::vector<uint8_t>& bytes = {}, bool dropped = false);
    // Closes an event: the changes, arguments and frames since the last one
    // are its own. Returns its index.
    uint32_t emit(sendpath::trace::Kind kind, uint8_t file = 0, uint32_t line = 0);

    // Escape hatch: a change appended as given, no State, no check.
    TraceBuilder& raw(sendpath::trace::Op op, uint8_t field, uint32_t target, int64_t value);
    // Escape hatch: an event with exactly these fields (and the current time
    // and call), no call stack recorded.
    uint32_t emit_raw(sendpath::trace::Kind kind, sendpath::trace::Func func, uint8_t depth, uint8_t file,
                      uint32_t line);

    // The trace so far (its header fields are the test's to fill) and the
    // state the Recorder keeps.
    sendpath::trace::Trace& trace() { return t_; }
    const sendpath::model::State& state() const { return st_; }
    sendpath::trace::Recorder& recorder() { return rec_; }
    // The finished trace, moved out: the builder is done.
    sendpath::trace::Trace take();

private:
    sendpath::model::SkBuff& skb(uint32_t id);
    sendpath::model::Page& page(uint32_t id);

    sendpath::model::State st_;
    sendpath::trace::Trace t_;
    sendpath::trace::Recorder rec_;
};

}  // namespace sptest
