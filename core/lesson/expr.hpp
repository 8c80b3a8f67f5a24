// The lesson expression language: answers computed from a trace.
//
// A lesson never types an answer by hand. Each anchor ("pause here") and each
// correct answer is a small expression over the trace's events and the
// replayed state, so a lesson stays right when the engine changes:
//
//   first(page_merge, call=2)                       index of an event
//   count(new_segment, call=1)                      how many events match
//   state(write_seq, at=first(advance, call=1))     a socket field after an event
//   skb(len, at=last(advance), id=tail)             an skb field after an event
//   arg(copy, at=first(tail_append))                an event's argument
//   next_kind(at=anchor)                            the branch that comes next
//   ret(call=2) - 100 > 0 && count(forced_push) == 1
//
// Values are 64-bit integers (event indices are integers too) or event kinds
// (a bare kind name such as `tail_append`, or what kind()/next_kind() give).
// The grammar, every function and its errors are in the README ("Lessons").
// Parsing checks names (functions, kinds, fields, arguments) so a typo is
// found when the lesson loads; evaluation errors (no such event, an skb that
// does not exist there) are found when an answer key is computed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "model/state.hpp"
#include "trace/event.hpp"
#include "trace/replay.hpp"

namespace sendpath::lesson {

// A parse or evaluation error at a 1-based column of the expression text.
// Lesson code turns it into an InputError naming the lesson file, the JSON
// pointer of the expression and the column.
class ExprError : public std::runtime_error {
public:
    ExprError(std::size_t column, const std::string& message) : std::runtime_error(message), column_(column) {}
    std::size_t column() const { return column_; }

private:
    std::size_t column_;
};

struct Value {
    enum class Type { number, kind };
    Type type = Type::number;
    int64_t number = 0;
    trace::Kind kind = trace::Kind::sendmsg_enter;

    static Value of(int64_t n) { return Value{Type::number, n, trace::Kind::sendmsg_enter}; }
    static Value of(trace::Kind k) { return Value{Type::kind, 0, k}; }
    bool is_kind() const { return type == Type::kind; }
    // "100" or "tail_append".
    std::string str() const;
    bool operator==(const Value&) const = default;
};

struct ExprNode;

// A parsed expression (cheap to copy: the tree is shared and immutable).
class Expr {
public:
    Expr() = default;
    // Throws ExprError at the column of the first problem.
    static Expr parse(std::string_view text);
    const std::string& text() const { return text_; }
    bool empty() const { return root_ == nullptr; }
    const ExprNode* root() const { return root_.get(); }
    // True when the expression mentions `anchor` (it then needs one to evaluate).
    bool uses_anchor() const;

private:
    std::string text_;
    std::shared_ptr<const ExprNode> root_;
};

// What expressions are evaluated against: one trace, replayed on demand.
// Keep one context per trace; it caches the replay's keyframes.
class EvalContext {
public:
    explicit EvalContext(const trace::Trace& t);
    const trace::Trace& trace() const { return *trace_; }
    // The model state after event i (i < events.size()).
    const model::State& state_after(std::size_t i) { return replay_.seek(i); }

    // The event `anchor` names while a step's or question's expressions are
    // evaluated (unset: `anchor` is an error).
    std::optional<std::size_t> anchor;

private:
    const trace::Trace* trace_;
    trace::Replay replay_;
};

// Throws ExprError (column inside expr.text()).
Value evaluate(const Expr& expr, EvalContext& ctx);
// An expression that must give an event index of the trace (an anchor).
std::size_t evaluate_event(const Expr& expr, EvalContext& ctx);

// Names the language knows, for messages and documentation.
std::string expr_function_list();

}  // namespace sendpath::lesson
