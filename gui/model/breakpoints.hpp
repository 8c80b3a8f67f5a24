// Breakpoints over a trace: where Continue / Reverse continue stop.
//
//   kind  copy_linear                       every event of that kind
//   line  tcp_sendmsg.cpp:120               every event emitted at that engine line
//                                           (the file may be given by its last path components)
//   cond  sk_wmem_queued >= sk_sndbuf       the state after the event satisfies a comparison
//   watch sk_send_head                      the event changes that socket field
//
// Condition operands: a socket field name, arg.NAME (an argument of the
// event; an event without it never matches), queue_len (skbs on the write
// queue), page_count (live pages), or an integer (decimal or 0x hex).
// Operators: == != < <= > >=.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/state.hpp"
#include "trace/event.hpp"
#include "trace/replay.hpp"

namespace sendpath::gui {

struct Operand {
    enum class Type { literal, sock_field, arg, queue_len, page_count };
    Type type = Type::literal;
    int64_t value = 0;
    model::SF field = model::SF::state;
    trace::Arg arg = trace::Arg::flags;
};

struct Condition {
    enum class Cmp { eq, ne, lt, le, gt, ge };
    Operand lhs, rhs;
    Cmp cmp = Cmp::eq;
};

// nullopt and *error set when text is not a condition.
std::optional<Condition> parse_condition(std::string_view text, std::string* error);
// False when an operand is an argument the event does not have.
bool eval_condition(const Condition& c, const trace::Trace& t, std::size_t event, const model::State& after);

struct Breakpoint {
    enum class Type { kind, line, condition, watch };
    Type type = Type::kind;
    bool enabled = true;
    trace::Kind kind = trace::Kind::sendmsg_enter;
    std::string file;                    // line
    uint32_t line = 0;                   // line
    Condition cond;                      // condition
    model::SF field = model::SF::state;  // watch
    std::string spec;                    // the text it was made from ("kind copy_linear"), for lists and settings

    bool needs_state() const { return type == Type::condition; }
};

Breakpoint kind_breakpoint(trace::Kind k);
Breakpoint line_breakpoint(std::string file, uint32_t line);
Breakpoint watch_breakpoint(model::SF f);
// "kind NAME" | "line FILE:N" | "cond EXPR" | "watch FIELD"; nullopt and *error if malformed.
std::optional<Breakpoint> parse_breakpoint(std::string_view spec, std::string* error);

// True when path names file: equal, or file is a suffix starting at a '/' boundary.
bool path_matches(std::string_view path, std::string_view file);

// after: the state after event i (only read by condition breakpoints; may be
// null when none of them is enabled).
bool breakpoint_hits(const Breakpoint& b, const trace::Trace& t, std::size_t i, const model::State* after);

// The first event after cur (or the last one before cur) where an enabled
// breakpoint hits. Moves the replay's cursor when a condition needs states;
// the caller seeks back to where it wants to be.
std::optional<std::size_t> find_next_hit(trace::Replay& r, const std::vector<Breakpoint>& bps, std::size_t cur);
std::optional<std::size_t> find_prev_hit(trace::Replay& r, const std::vector<Breakpoint>& bps, std::size_t cur);

}  // namespace sendpath::gui
