#include "trace/recorder.hpp"

#include "util/errors.hpp"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstdlib>
#include <string>

namespace sendpath::trace {

using model::Frag;
using model::KF;
using model::Page;
using model::SF;
using model::SkBuff;

Recorder::Recorder(model::State& state, Trace* trace) : st_(state), trace_(trace) {
    if (trace_ && trace_->files.empty())
        for (auto f : kEngineFiles) trace_->files.emplace_back(f);
}

namespace {
// SENDPATH_EMIT_RULE=1 turns the rule on in any build (CTest sets it for
// every test), =0 off; unset, it is on in debug builds only.
bool emit_rule_from_environment() {
    const char* v = std::getenv("SENDPATH_EMIT_RULE");
    if (v && *v) return std::string_view(v) != "0";
#ifdef NDEBUG
    return false;
#else
    return true;
#endif
}
std::atomic<bool> g_emit_rule{emit_rule_from_environment()};
}  // namespace

void set_emit_rule_default(bool on) { g_emit_rule = on; }
bool emit_rule_default() { return g_emit_rule; }

void Recorder::push(Op op, uint8_t field, uint32_t target, int64_t value) {
    trace_->changes.push_back(Change{op, field, target, value});
    if (emit_rule_) pending_by_ |= uint64_t{1} << static_cast<unsigned>(stack_[depth_]);
}

void Recorder::check_emit_rule(Kind kind, uint8_t file, uint32_t line) const {
    const Func by = stack_[depth_];
    const uint64_t strays = pending_by_ & ~(uint64_t{1} << static_cast<unsigned>(by));
    if (!strays) return;
    for (std::size_t f = 0; f < kFuncCount; ++f) {
        if (!(strays & (uint64_t{1} << f))) continue;
        const Func stray = static_cast<Func>(f);
        const std::string_view where = file < std::size(kEngineFiles) ? kEngineFiles[file] : "?";
        throw EmitRuleError("emit rule: event " + std::to_string(emitted_) + " (" + std::string(kind_name(kind)) +
                            ", emitted by " + std::string(func_name(by)) + " at " + std::string(where) + ":" +
                            std::to_string(line) + ") would carry changes made by " + std::string(func_name(stray)) +
                            ", which emitted no event of its own");
    }
}

SkBuff& Recorder::skb_new() {
    const uint32_t id = next_skb_++;
    SkBuff& skb = st_.skbs[id];
    skb.id = id;
    if (trace_) push(Op::skb_new, 0, id, 0);
    return skb;
}

void Recorder::skb_link(SkBuff& skb, uint32_t after) {
    auto& q = st_.write_queue;
    if (after == 0) {
        q.insert(q.begin(), skb.id);
    } else {
        auto it = std::find(q.begin(), q.end(), after);
        assert(it != q.end() && "skb_link after an skb that is not queued");
        q.insert(it + 1, skb.id);
    }
    if (trace_) push(Op::skb_link, 0, skb.id, after);
}

void Recorder::skb_unlink(SkBuff& skb) {
    auto& q = st_.write_queue;
    auto it = std::find(q.begin(), q.end(), skb.id);
    assert(it != q.end() && "skb_unlink of an skb that is not queued");
    q.erase(it);
    if (trace_) push(Op::skb_unlink, 0, skb.id, 0);
}

void Recorder::skb_free(uint32_t id) {
    st_.skbs.erase(id);
    if (trace_) push(Op::skb_free, 0, id, 0);
}

Page& Recorder::page_new() {
    const uint32_t id = next_page_++;
    Page& p = st_.pages[id];
    p.id = id;
    if (trace_) push(Op::page_new, 0, id, 0);
    return p;
}

void Recorder::page_free(uint32_t id) {
    st_.pages.erase(id);
    if (trace_) push(Op::page_free, 0, id, 0);
}

uint32_t Recorder::emit(Kind kind, uint8_t file, uint16_t site, uint32_t line) {
    if (emit_rule_ && trace_) {
        check_emit_rule(kind, file, line);
        pending_by_ = 0;
    }
    const uint32_t index = static_cast<uint32_t>(emitted_++);
    if (trace_) {
        Event e;
        e.time_us = time_us_;
        e.change_begin = trace_->events.empty() ? 0 : trace_->events.back().change_end;
        e.change_end = static_cast<uint32_t>(trace_->changes.size());
        e.call = call_;
        e.kind = kind;
        e.func = stack_[depth_];
        e.depth = depth_;
        e.file = file;
        e.site = site;
        e.line = static_cast<uint16_t>(line);
        e.stack = node_in_trace_[node_] != kNoStack ? node_in_trace_[node_] : trace_stack();
        trace_->events.push_back(e);
    }
    if (hook_) hook_(hook_ctx_, index, st_);
    return index;
}

uint32_t Recorder::new_node(uint32_t parent, Func f) {
    const auto id = static_cast<uint32_t>(node_parent_.size());
    node_child_.emplace_back();
    node_child_.back().fill(0);
    node_parent_.push_back(parent);
    node_func_.push_back(f);
    node_in_trace_.push_back(kNoStack);
    node_child_[parent][static_cast<std::size_t>(f)] = id;
    return id;
}

uint32_t Recorder::trace_stack() {
    std::vector<Func> s;
    for (uint32_t n = node_; n != 0; n = node_parent_[n]) s.push_back(node_func_[n]);
    s.push_back(node_func_[0]);
    std::reverse(s.begin(), s.end());
    node_in_trace_[node_] = static_cast<uint32_t>(trace_->stacks.size());
    trace_->stacks.push_back(std::move(s));
    return node_in_trace_[node_];
}

uint32_t Recorder::add_frame(uint8_t dir, uint32_t skb, const uint8_t* data, std::size_t len, bool dropped) {
    if (!trace_) return 0;
    Frame f;
    f.time_us = time_us_;
    f.event = static_cast<uint32_t>(trace_->events.size());
    f.skb = skb;
    f.dir = dir;
    f.dropped = dropped ? 1 : 0;
    // Offsets are 32-bit; the runner ends a run well before (max_trace_frame_bytes).
    if (trace_->frame_bytes.size() + len > 0xffffffffu)
        throw RuntimeError(util::Message::of("err.trace.frame_bytes_full"));
    f.offset = static_cast<uint32_t>(trace_->frame_bytes.size());
    f.length = static_cast<uint32_t>(len);
    trace_->frame_bytes.insert(trace_->frame_bytes.end(), data, data + len);
    trace_->frames.push_back(f);
    frame_bytes_total_ += len;
    return static_cast<uint32_t>(trace_->frames.size() - 1);
}

uint32_t Recorder::add_frame_of_stream(uint32_t skb, const uint8_t* data, std::size_t kept, int64_t payload_seq,
                                       uint32_t payload_len, bool dropped) {
    if (!trace_) return 0;
    const uint32_t k = add_frame(0, skb, data, kept, dropped);
    if (payload_len == 0) return k;
    Frame& f = trace_->frames[k];
    // The payload was copied before it was sent, and what is in flight is far
    // less than 4 GiB: its offset is the one below the stream's end that has
    // the sequence number's low 32 bits.
    const uint64_t end = trace_->sent.size();
    const uint32_t back = static_cast<uint32_t>(sent_seq0_ + end) - static_cast<uint32_t>(payload_seq);
    f.payload_at = end - back;
    f.payload_len = payload_len;
    f.length += payload_len;
    frame_bytes_total_ += payload_len;
    return k;
}

void Recorder::add_sent(SendPiece::Source source, uint32_t call, uint64_t from, uint32_t len, int64_t seq) {
    if (!trace_ || len == 0) return;
    SendStream& s = trace_->sent;
    if (s.pieces.empty()) sent_seq0_ = static_cast<uint32_t>(seq);
    // Frames find their payload by sequence number: the stream must grow
    // exactly as write_seq does.
    if (static_cast<uint32_t>(sent_seq0_ + s.size()) != static_cast<uint32_t>(seq))
        throw RuntimeError(util::Message::of("err.trace.stream_step", {std::to_string(s.size()), std::to_string(seq)}));
    SendPiece p;
    p.stream_at = s.size();
    p.from = from;
    p.len = len;
    p.call = call;
    p.source = source;
    s.pieces.push_back(p);
}

void Recorder::add_sent_literal(uint32_t call, const uint8_t* bytes, uint32_t len, int64_t seq) {
    if (!trace_ || len == 0) return;
    std::vector<uint8_t>& lit = trace_->sent.literal;
    const uint64_t from = lit.size();
    lit.insert(lit.end(), bytes, bytes + len);
    add_sent(SendPiece::literal, call, from, len, seq);
}

}  // namespace sendpath::trace
