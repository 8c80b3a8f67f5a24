#include "support/trace_builder.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace sptest {

using namespace sendpath;
using model::KF;
using model::SF;
using trace::Arg;
using trace::Func;
using trace::Kind;
using trace::Op;

TraceBuilder::TraceBuilder() : rec_(st_, &t_) {}

TraceBuilder& TraceBuilder::at(int64_t time_us) {
    rec_.set_time(time_us);
    return *this;
}

TraceBuilder& TraceBuilder::call(uint32_t call) {
    rec_.set_call(call);
    return *this;
}

TraceBuilder& TraceBuilder::in(std::initializer_list<Func> frames) {
    return in(std::span<const Func>(frames.begin(), frames.size()));
}

TraceBuilder& TraceBuilder::in(std::span<const Func> frames) {
    while (rec_.depth() > 0) rec_.leave();
    for (Func f : frames) rec_.enter(f);
    return *this;
}

TraceBuilder& TraceBuilder::enter(Func f) {
    rec_.enter(f);
    return *this;
}

TraceBuilder& TraceBuilder::leave() {
    rec_.leave();
    return *this;
}

// A test that names an skb or page the State does not hold has a bug of its
// own: say so rather than let the Recorder touch a missing entry.
model::SkBuff& TraceBuilder::skb(uint32_t id) {
    model::SkBuff* s = st_.skb(id);
    if (!s)
        throw std::logic_error("TraceBuilder: no skb " + std::to_string(id) + " (use raw() for a deliberate mistake)");
    return *s;
}

model::Page& TraceBuilder::page(uint32_t id) {
    model::Page* p = st_.page(id);
    if (!p)
        throw std::logic_error("TraceBuilder: no page " + std::to_string(id) + " (use raw() for a deliberate mistake)");
    return *p;
}

TraceBuilder& TraceBuilder::sock(SF f, int64_t v) {
    rec_.set(f, v);
    return *this;
}

uint32_t TraceBuilder::skb_new() { return rec_.skb_new().id; }

TraceBuilder& TraceBuilder::skb_set(uint32_t id, KF f, int64_t v) {
    rec_.skb_set(skb(id), f, v);
    return *this;
}

TraceBuilder& TraceBuilder::skb_frag(uint32_t id, uint32_t index, uint32_t page_id, uint32_t off, uint32_t size) {
    rec_.skb_frag(skb(id), index, model::Frag{page_id, off, size});
    return *this;
}

TraceBuilder& TraceBuilder::skb_link(uint32_t id, uint32_t after) {
    if (after != 0) skb(after);  // must exist (the Recorder only asserts it)
    rec_.skb_link(skb(id), after);
    return *this;
}

TraceBuilder& TraceBuilder::skb_unlink(uint32_t id) {
    rec_.skb_unlink(skb(id));
    return *this;
}

TraceBuilder& TraceBuilder::skb_free(uint32_t id) {
    skb(id);
    rec_.skb_free(id);
    return *this;
}

uint32_t TraceBuilder::page_new() { return rec_.page_new().id; }

TraceBuilder& TraceBuilder::page_set(uint32_t id, int64_t count) {
    rec_.page_set(page(id), count);
    return *this;
}

TraceBuilder& TraceBuilder::page_free(uint32_t id) {
    page(id);
    rec_.page_free(id);
    return *this;
}

TraceBuilder& TraceBuilder::arg(Arg a, int64_t v) {
    rec_.arg(a, v);
    return *this;
}

TraceBuilder& TraceBuilder::frame(uint8_t dir, uint32_t skb_id, const std::vector<uint8_t>& bytes, bool dropped) {
    rec_.add_frame(dir, skb_id, bytes.data(), bytes.size(), dropped);
    return *this;
}

uint32_t TraceBuilder::emit(Kind kind, uint8_t file, uint32_t line) {
    rec_.emit(kind, file, line);
    // Not the Recorder's count: emit_raw adds events it does not see.
    return static_cast<uint32_t>(t_.events.size() - 1);
}

TraceBuilder& TraceBuilder::raw(Op op, uint8_t field, uint32_t target, int64_t value) {
    t_.changes.push_back(trace::Change{op, field, target, value});
    return *this;
}

uint32_t TraceBuilder::emit_raw(Kind kind, Func func, uint8_t depth, uint8_t file, uint32_t line) {
    trace::Event e;
    e.time_us = rec_.time();
    e.call = rec_.call();
    e.kind = kind;
    e.func = func;
    e.depth = depth;
    e.file = file;
    e.line = line;
    e.change_begin = t_.events.empty() ? 0 : t_.events.back().change_end;
    e.change_end = static_cast<uint32_t>(t_.changes.size());
    t_.events.push_back(e);
    return static_cast<uint32_t>(t_.events.size() - 1);
}

trace::Trace TraceBuilder::take() { return std::exchange(t_, trace::Trace{}); }

}  // namespace sptest
