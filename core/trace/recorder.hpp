// The one choke point through which the engine changes the model.
//
// Every mutation of the State goes through a Recorder method, which applies it
// and (when tracing is on) appends it to the pending changes. emit() closes an
// event: the pending changes and arguments become that event's. So the log is
// complete by construction: replaying it gives back the engine's state.
#pragma once

#include <array>
#include <cassert>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "model/state.hpp"
#include "trace/emit_site.hpp"
#include "trace/event.hpp"

namespace sendpath::trace {

// The emit rule: every change belongs to an event emitted by the function
// that made it. A function that changes the state and emits nothing would
// leave its changes to whatever event comes next (in another function, or in
// the peer), and a student stepping through events would see them under the
// wrong step. With the rule on, Recorder::emit throws EmitRuleError when a
// change or argument is still pending from another function. On in debug
// builds and wherever SENDPATH_EMIT_RULE=1 (CTest sets it for every test).
class EmitRuleError : public std::logic_error {
public:
    using std::logic_error::logic_error;
};
void set_emit_rule_default(bool on);
bool emit_rule_default();

// Engine source files that events point into. The index is the file id used in
// events; the GUI embeds these files and shows the line that took a branch.
inline constexpr std::string_view kEngineFiles[] = {
    "core/engine/tcp_sendmsg.cpp", "core/engine/tcp_output.cpp",  "core/engine/tcp_input.cpp",
    "core/engine/tcp_timer.cpp",   "core/engine/sock_mem.cpp",    "core/run/runner.cpp",
    "core/peer/sim_peer.cpp",      "core/engine/tcp_connect.cpp", "core/engine/tcp_cong.cpp",
    "core/engine/tcp_frto.cpp",
};
constexpr uint8_t engine_file_id(std::string_view path) {
    for (uint8_t i = 0; i < std::size(kEngineFiles); ++i)
        if (kEngineFiles[i] == path) return i;
    return 0xff;  // not listed: a compile-time error where used as a constant
}

class Recorder {
public:
    // trace == nullptr: tracing off (state still changes, nothing is logged).
    Recorder(model::State& state, Trace* trace);

    model::State& state() { return st_; }
    const model::State& state() const { return st_; }
    bool tracing() const { return trace_ != nullptr; }
    // The emit rule for this Recorder (starts as emit_rule_default()).
    void set_emit_rule(bool on) { emit_rule_ = on; }
    bool emit_rule() const { return emit_rule_; }
    Trace* trace() { return trace_; }

    // Context stamped on the next events.
    void set_time(int64_t time_us) { time_us_ = time_us; }
    int64_t time() const { return time_us_; }
    void set_call(uint32_t call) { call_ = call; }
    uint32_t call() const { return call_; }
    // The stack is also followed as a node of a tree of the stacks seen so
    // far (one table lookup per call), so emit() stamps an event's exact
    // stack as an index without looking at the stack.
    void enter(Func f) {
        const bool full = depth_ >= kMaxDepth - 1;  // the deepest frame is replaced
        stack_[full ? depth_ : ++depth_] = f;
        const uint32_t from = full ? node_parent_[node_] : node_;
        const uint32_t child = node_child_[from][static_cast<std::size_t>(f)];
        node_ = child != 0 ? child : new_node(from, f);
    }
    void leave() {
        if (depth_ > 0) {
            --depth_;
            node_ = node_parent_[node_];
        }
    }
    uint8_t depth() const { return depth_; }
    Func func() const { return stack_[depth_]; }

    // The mutations below run a few million times a second: inline, with
    // only the logging (tracing on) out of line.

    // Socket-wide values.
    void set(model::SF f, int64_t v) {
        int64_t& slot = st_.sk.at(f);
        if (slot == v) return;  // unchanged values are not changes: keeps the log small
        slot = v;
        if (trace_) push(Op::sock_set, static_cast<uint8_t>(f), 0, v);
    }

    // skbs. skb_new returns a reference that stays valid until skb_free.
    model::SkBuff& skb_new();
    void skb_set(model::SkBuff& skb, model::KF f, int64_t v) {
        int64_t& slot = skb.at(f);
        if (slot == v) return;
        slot = v;
        if (trace_) push(Op::skb_set, static_cast<uint8_t>(f), skb.id, v);
    }
    // Inline too so a fragment the caller just edited stays in registers (a
    // call read it back from the stack in one load that spanned two stores).
    void skb_frag(model::SkBuff& skb, uint32_t index, model::Frag frag) {
        assert(index < model::MAX_SKB_FRAGS && "fragment index beyond MAX_SKB_FRAGS");
        if (skb.frags[index] == frag) return;
        skb.frags[index] = frag;
        if (trace_) push(Op::skb_frag, static_cast<uint8_t>(index), skb.id, pack_frag(frag.page, frag.off, frag.size));
    }
    void skb_link(model::SkBuff& skb, uint32_t after);  // after = 0: at the head
    void skb_unlink(model::SkBuff& skb);
    void skb_free(uint32_t id);

    // pages
    model::Page& page_new();
    void page_set(model::Page& page, int64_t count) {
        if (page.count == count) return;
        page.count = count;
        if (trace_) push(Op::page_set, 0, page.id, count);
    }
    void page_free(uint32_t id);

    // An argument of the next event.
    void arg(Arg a, int64_t v) {
        if (trace_) push(Op::arg, static_cast<uint8_t>(a), 0, v);
    }

    // Closes the event: pending changes and arguments become event number
    // events_emitted(). Returns that index. `site` is the emit site's ordinal
    // in `file`, `line` where it stands in this build's source.
    uint32_t emit(Kind kind, uint8_t file, uint16_t site, uint32_t line);
    // An event with a line but no emit site (tests building traces by hand).
    uint32_t emit(Kind kind, uint8_t file, uint32_t line) { return emit(kind, file, kNoSite, line); }
    // The form SP_EMIT uses: the same, and the site enters this build's
    // table of emit sites (trace/emit_site.hpp) before main().
    template <Kind K, uint8_t File, uint16_t Site, uint32_t Line>
    uint32_t emit() {
        (void)detail::EmitSiteEntry<File, Site, Line, K>::registered;
        return emit(K, File, Site, Line);
    }
    uint64_t events_emitted() const { return emitted_; }

    // Appends a frame to the trace (no-op when tracing is off); it belongs to
    // the next event emitted. Returns its index (or 0 when not tracing).
    uint32_t add_frame(uint8_t dir, uint32_t skb, const uint8_t* data, std::size_t len, bool dropped = false);
    // An outgoing frame whose first `kept` bytes are in `data` and whose last
    // payload_len bytes are the send stream's from sequence number
    // payload_seq (recorded by add_sent, not copied again).
    uint32_t add_frame_of_stream(uint32_t skb, const uint8_t* data, std::size_t kept, int64_t payload_seq,
                                 uint32_t payload_len, bool dropped);
    // A copy of len bytes from the application's buffer into the send stream
    // at sequence number seq (write_seq before the copy): where they came from
    // (SendPiece), so frames can name them instead of holding them.
    void add_sent(SendPiece::Source source, uint32_t call, uint64_t from, uint32_t len, int64_t seq);
    // Literal bytes: kept in the trace (scenario strings, small).
    void add_sent_literal(uint32_t call, const uint8_t* bytes, uint32_t len, int64_t seq);
    // Bytes of every frame recorded, payloads kept in the send stream included.
    uint64_t frame_bytes_total() const { return frame_bytes_total_; }

    // Called after every event with its index and the engine's own state
    // (tests hold it against the replayed state). Unset in normal runs.
    using EmitHook = void (*)(void* ctx, uint32_t index, const model::State& state);
    void set_emit_hook(EmitHook hook, void* ctx) {
        hook_ = hook;
        hook_ctx_ = ctx;
    }

private:
    void push(Op op, uint8_t field, uint32_t target, int64_t value);
    void check_emit_rule(Kind kind, uint8_t file, uint32_t line) const;
    uint32_t new_node(uint32_t parent, Func f);
    uint32_t trace_stack();  // Trace::stacks index of the current stack, added on first use

    static constexpr int kMaxDepth = 32;
    model::State& st_;
    Trace* trace_;
    int64_t time_us_ = 0;
    uint32_t call_ = 0;
    uint8_t depth_ = 0;
    Func stack_[kMaxDepth] = {Func::user};
    uint32_t next_skb_ = 1;
    uint32_t next_page_ = 1;
    uint64_t emitted_ = 0;
    uint64_t frame_bytes_total_ = 0;
    uint32_t sent_seq0_ = 0;  // sequence number of send-stream offset 0
    // The tree of call stacks: node 0 is [user]; 0 in node_child_ means none yet.
    static constexpr std::size_t kFuncCount = static_cast<std::size_t>(Func::count_);
    uint32_t node_ = 0;
    std::vector<std::array<uint32_t, kFuncCount>> node_child_ = std::vector<std::array<uint32_t, kFuncCount>>(1);
    std::vector<uint32_t> node_parent_ = {0};
    std::vector<Func> node_func_ = {Func::user};
    std::vector<uint32_t> node_in_trace_ = {kNoStack};  // index in Trace::stacks, kNoStack until an event uses it
    EmitHook hook_ = nullptr;
    void* hook_ctx_ = nullptr;
    // For the emit rule: one bit per function that made a change or an
    // argument now pending (bit f: Func f).
    bool emit_rule_ = emit_rule_default();
    uint64_t pending_by_ = 0;
    static_assert(kFuncCount <= 64, "the emit rule keeps one bit per Func");
};

// RAII: a function call in the engine (for call depth and the Func of events).
class FuncScope {
public:
    FuncScope(Recorder& r, Func f) : r_(r) { r_.enter(f); }
    ~FuncScope() { r_.leave(); }
    FuncScope(const FuncScope&) = delete;
    FuncScope& operator=(const FuncScope&) = delete;

private:
    Recorder& r_;
};

}  // namespace sendpath::trace

// SP_EMIT_FILE("core/engine/x.cpp"): placed once in each file that emits,
// after its includes and before its first SP_EMIT. It names the file and
// starts the count of its emit sites.
#define SP_EMIT_FILE(path)                                                               \
    namespace {                                                                          \
    constexpr uint8_t kSpEmitFile = ::sendpath::trace::engine_file_id(path);             \
    static_assert(kSpEmitFile != 0xff, "SP_EMIT_FILE: the file is not in kEngineFiles"); \
    constexpr int kSpEmitCounterBase = __COUNTER__;                                      \
    }

// SP_EMIT(rec, kind): close an event of that kind here. The site is this
// SP_EMIT's ordinal in its file (__COUNTER__ counts them in text order, so
// lines added or removed around it change nothing); the line goes along for
// the live trace and this build's table of sites.
#define SP_EMIT(rec, kind) SP_EMIT_AT_(rec, kind, __COUNTER__)
#define SP_EMIT_AT_(rec, kind, counter)                                                                            \
    (rec)                                                                                                          \
        .emit<::sendpath::trace::Kind::kind, kSpEmitFile, static_cast<uint16_t>((counter)-kSpEmitCounterBase - 1), \
              __LINE__>()
