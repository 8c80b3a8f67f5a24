// The expression language of expr.hpp, in the order a text goes through it:
//
//   (top)            tokenize(): the text into numbers, names and operators.
//   Functions        functions(): each function, what it takes and its usage
//                    line; the name lists and "did you mean" for messages.
//   The tree         ExprNode, and Parser: tokens into a tree, by precedence.
//   Checking names   check_value() / check_call(): every name in the tree is a
//                    known kind, field, argument, function or keyword.
//   Evaluation       Evaluator: a checked tree against a trace and its replay.
//   (end)            The public functions of expr.hpp.
//
// One file on purpose: every stage shares the token and node types and the
// function table, which nothing outside it needs.
#include "lesson/expr.hpp"
#include "trace/name_table.hpp"
#include "util/names.hpp"

#include <algorithm>
#include <limits>
#include <vector>

namespace sendpath::lesson {

namespace {

enum class Tok {
    end,
    number,
    name,
    lparen,
    rparen,
    comma,
    assign,
    plus,
    minus,
    star,
    slash,
    percent,
    eq,
    ne,
    lt,
    le,
    gt,
    ge,
    and_,
    or_,
    not_
};

struct Token {
    Tok t = Tok::end;
    std::size_t pos = 0;  // 0-based offset in the text
    std::size_t len = 0;
    int64_t num = 0;
};

std::string_view tok_text(Tok t) {
    switch (t) {
        case Tok::end: return "the end of the expression";
        case Tok::number: return "a number";
        case Tok::name: return "a name";
        case Tok::lparen: return "'('";
        case Tok::rparen: return "')'";
        case Tok::comma: return "','";
        case Tok::assign: return "'='";
        case Tok::plus: return "'+'";
        case Tok::minus: return "'-'";
        case Tok::star: return "'*'";
        case Tok::slash: return "'/'";
        case Tok::percent: return "'%'";
        case Tok::eq: return "'=='";
        case Tok::ne: return "'!='";
        case Tok::lt: return "'<'";
        case Tok::le: return "'<='";
        case Tok::gt: return "'>'";
        case Tok::ge: return "'>='";
        case Tok::and_: return "'&&'";
        case Tok::or_: return "'||'";
        case Tok::not_: return "'!'";
    }
    return "?";
}

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

std::vector<Token> tokenize(std::string_view s) {
    std::vector<Token> out;
    std::size_t i = 0;
    auto two = [&](char next) { return i + 1 < s.size() && s[i + 1] == next; };
    while (i < s.size()) {
        const char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            ++i;
            continue;
        }
        Token t;
        t.pos = i;
        if (c >= '0' && c <= '9') {
            std::size_t j = i;
            int64_t v = 0;
            while (j < s.size() && s[j] >= '0' && s[j] <= '9') {
                if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s[j] - '0', &v))
                    throw ExprError(i + 1, "number too large (at most " +
                                               std::to_string(std::numeric_limits<int64_t>::max()) + ")");
                ++j;
            }
            if (j < s.size() && (is_name_start(s[j]) || s[j] == '.'))
                throw ExprError(
                    j + 1, "expected an integer (digits only), found '" + std::string(1, s[j]) + "' after the digits");
            t.t = Tok::number;
            t.num = v;
            t.len = j - i;
        } else if (is_name_start(c)) {
            std::size_t j = i;
            while (j < s.size() && is_name_char(s[j])) ++j;
            t.t = Tok::name;
            t.len = j - i;
        } else {
            t.len = 1;
            switch (c) {
                case '(': t.t = Tok::lparen; break;
                case ')': t.t = Tok::rparen; break;
                case ',': t.t = Tok::comma; break;
                case '+': t.t = Tok::plus; break;
                case '-': t.t = Tok::minus; break;
                case '*': t.t = Tok::star; break;
                case '/': t.t = Tok::slash; break;
                case '%': t.t = Tok::percent; break;
                case '=':
                    if (two('=')) {
                        t.t = Tok::eq;
                        t.len = 2;
                    } else {
                        t.t = Tok::assign;
                    }
                    break;
                case '!':
                    if (two('=')) {
                        t.t = Tok::ne;
                        t.len = 2;
                    } else {
                        t.t = Tok::not_;
                    }
                    break;
                case '<':
                    if (two('=')) {
                        t.t = Tok::le;
                        t.len = 2;
                    } else {
                        t.t = Tok::lt;
                    }
                    break;
                case '>':
                    if (two('=')) {
                        t.t = Tok::ge;
                        t.len = 2;
                    } else {
                        t.t = Tok::gt;
                    }
                    break;
                case '&':
                    if (!two('&')) throw ExprError(i + 1, "expected '&&' (logical and), found a single '&'");
                    t.t = Tok::and_;
                    t.len = 2;
                    break;
                case '|':
                    if (!two('|')) throw ExprError(i + 1, "expected '||' (logical or), found a single '|'");
                    t.t = Tok::or_;
                    t.len = 2;
                    break;
                default:
                    throw ExprError(i + 1, "unexpected character '" + std::string(1, c) +
                                               "': expected a number, a name, a function call or an operator");
            }
        }
        i += t.len;
        out.push_back(t);
    }
    Token end;
    end.t = Tok::end;
    end.pos = s.size();
    out.push_back(end);
    return out;
}

// ---------------------------------------------------------------------------
// Functions: what each takes. Checked when the expression is parsed.
// ---------------------------------------------------------------------------

// What a positional argument must be.
enum class P {
    kind,        // an event kind name, or `any`
    sock_field,  // a socket field (model/state.hpp), queue_len or page_count
    skb_field,   // an skb field, or headlen
    page_field,  // count
    arg_name,    // an event argument name
    value,       // any expression
};

enum class Fn {
    count,
    first,
    last,
    nth,
    next,
    next_kind,
    kind,
    time,
    depth,
    call,
    state,
    skb,
    page,
    arg,
    ret,
    frames,
    min,
    max,
    abs
};

struct FuncSpec {
    std::string_view name;
    Fn fn;
    std::vector<P> pos;                   // positional arguments in order
    bool variadic = false;                // the last positional may repeat (min, max)
    bool filters = false;                 // takes the event filters (call, after, before, func, depth, ARG=)
    std::vector<std::string_view> named;  // other named arguments it takes
    std::string_view usage;
};

const std::vector<FuncSpec>& functions() {
    static const std::vector<FuncSpec> list = {
        {"count", Fn::count, {P::kind}, false, true, {}, "count(KIND, filters...)"},
        {"first", Fn::first, {P::kind}, false, true, {}, "first(KIND, filters...)"},
        {"last", Fn::last, {P::kind}, false, true, {}, "last(KIND, filters...)"},
        {"nth", Fn::nth, {P::kind, P::value}, false, true, {}, "nth(KIND, N, filters...)"},
        {"next",
         Fn::next,
         {},
         false,
         false,
         {"at", "depth", "func"},
         "next(at=EVENT, depth=same|any|N, func=FUNCTION)"},
        {"next_kind",
         Fn::next_kind,
         {},
         false,
         false,
         {"at", "depth", "func"},
         "next_kind(at=EVENT, depth=same|any|N, func=FUNCTION)"},
        {"kind", Fn::kind, {P::value}, false, false, {}, "kind(EVENT)"},
        {"time", Fn::time, {P::value}, false, false, {}, "time(EVENT)"},
        {"depth", Fn::depth, {P::value}, false, false, {}, "depth(EVENT)"},
        {"call", Fn::call, {P::value}, false, false, {}, "call(EVENT)"},
        {"state", Fn::state, {P::sock_field}, false, false, {"at", "before"}, "state(FIELD, at=EVENT | before=EVENT)"},
        {"skb",
         Fn::skb,
         {P::skb_field},
         false,
         false,
         {"at", "before", "id"},
         "skb(FIELD, at=EVENT | before=EVENT, id=N|head|tail|send_head)"},
        {"page",
         Fn::page,
         {P::page_field},
         false,
         false,
         {"at", "before", "id"},
         "page(count, at=EVENT | before=EVENT, id=N|cached)"},
        {"arg", Fn::arg, {P::arg_name}, false, false, {"at"}, "arg(NAME, at=EVENT)"},
        {"ret", Fn::ret, {}, false, false, {"call"}, "ret(call=N)"},
        {"frames",
         Fn::frames,
         {},
         false,
         false,
         {"dir", "after", "before", "dropped", "skb"},
         "frames(dir=out|in, after=EVENT, before=EVENT, dropped=0|1, skb=N)"},
        {"min", Fn::min, {P::value}, true, false, {}, "min(A, B, ...)"},
        {"max", Fn::max, {P::value}, true, false, {}, "max(A, B, ...)"},
        {"abs", Fn::abs, {P::value}, false, false, {}, "abs(A)"},
    };
    return list;
}

const FuncSpec* find_function(std::string_view name) {
    for (const auto& f : functions())
        if (f.name == name) return &f;
    return nullptr;
}

// " (did you mean 'x'?)" for the closest candidate within 2 edits, else "".
std::string suggest(std::string_view got, const std::vector<std::string_view>& candidates) {
    return util::did_you_mean(got, candidates, '\'');
}

// Fields as state() and skb() take them: the model's, and a few counts
// computed from the state (see Evaluator).
std::vector<std::string_view> sock_field_names() {
    std::vector<std::string_view> v = trace::sock_field_names().list();
    v.push_back("queue_len");
    v.push_back("page_count");
    return v;
}
std::vector<std::string_view> skb_field_names() {
    std::vector<std::string_view> v = trace::skb_field_names().list();
    v.push_back("headlen");
    return v;
}

}  // namespace

// ---------------------------------------------------------------------------
// The tree
// ---------------------------------------------------------------------------

struct ExprNode {
    enum class Type { number, name, unary, binary, call };
    Type type = Type::number;
    std::size_t begin = 0, end = 0;  // 0-based [begin, end) in the text
    int64_t number = 0;
    std::string name;                                   // name, or the function of a call
    Tok op = Tok::end;                                  // unary / binary operator
    std::vector<std::shared_ptr<const ExprNode>> args;  // operands, or positional arguments
    struct Named {
        std::string name;
        std::size_t pos = 0;
        std::shared_ptr<const ExprNode> value;
    };
    std::vector<Named> named;
    const FuncSpec* fn = nullptr;

    const ExprNode* named_arg(std::string_view n) const {
        for (const auto& a : named)
            if (a.name == n) return a.value.get();
        return nullptr;
    }
};

namespace {

using NodePtr = std::shared_ptr<ExprNode>;

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text), toks_(tokenize(text)) {}

    NodePtr parse() {
        NodePtr n = parse_or();
        if (peek().t != Tok::end) {
            const Token& t = peek();
            throw ExprError(t.pos + 1, "expected an operator or the end of the expression, found " + shown(t));
        }
        return n;
    }

private:
    const Token& peek() const { return toks_[i_]; }
    const Token& take() { return toks_[i_++]; }
    std::string shown(const Token& t) const {
        if (t.t == Tok::end) return "the end of the expression";
        return "'" + std::string(text_.substr(t.pos, t.len)) + "'";
    }
    std::string_view tok_str(const Token& t) const { return text_.substr(t.pos, t.len); }

    NodePtr binary(Tok op, NodePtr l, NodePtr r) {
        auto n = std::make_shared<ExprNode>();
        n->type = ExprNode::Type::binary;
        n->op = op;
        n->begin = l->begin;
        n->end = r->end;
        n->args = {l, r};
        return n;
    }

    NodePtr parse_or() {
        NodePtr l = parse_and();
        while (peek().t == Tok::or_) {
            const Tok op = take().t;
            l = binary(op, l, parse_and());
        }
        return l;
    }
    NodePtr parse_and() {
        NodePtr l = parse_cmp();
        while (peek().t == Tok::and_) {
            const Tok op = take().t;
            l = binary(op, l, parse_cmp());
        }
        return l;
    }
    static bool is_cmp(Tok t) {
        return t == Tok::eq || t == Tok::ne || t == Tok::lt || t == Tok::le || t == Tok::gt || t == Tok::ge;
    }
    NodePtr parse_cmp() {
        NodePtr l = parse_sum();
        if (is_cmp(peek().t)) {
            const Tok op = take().t;
            l = binary(op, l, parse_sum());
            if (is_cmp(peek().t))
                throw ExprError(peek().pos + 1,
                                "comparisons do not chain: write 'a < b && b < c' instead of 'a < b < c'");
        }
        return l;
    }
    NodePtr parse_sum() {
        NodePtr l = parse_prod();
        while (peek().t == Tok::plus || peek().t == Tok::minus) {
            const Tok op = take().t;
            l = binary(op, l, parse_prod());
        }
        return l;
    }
    NodePtr parse_prod() {
        NodePtr l = parse_unary();
        while (peek().t == Tok::star || peek().t == Tok::slash || peek().t == Tok::percent) {
            const Tok op = take().t;
            l = binary(op, l, parse_unary());
        }
        return l;
    }
    NodePtr parse_unary() {
        if (peek().t == Tok::minus || peek().t == Tok::not_) {
            const Token& t = take();
            NodePtr operand = parse_unary();
            auto n = std::make_shared<ExprNode>();
            n->type = ExprNode::Type::unary;
            n->op = t.t;
            n->begin = t.pos;
            n->end = operand->end;
            n->args = {operand};
            return n;
        }
        return parse_primary();
    }
    NodePtr parse_primary() {
        const Token& t = peek();
        switch (t.t) {
            case Tok::number: {
                take();
                auto n = std::make_shared<ExprNode>();
                n->type = ExprNode::Type::number;
                n->number = t.num;
                n->begin = t.pos;
                n->end = t.pos + t.len;
                return n;
            }
            case Tok::name: {
                take();
                if (peek().t == Tok::lparen) return parse_call(t);
                auto n = std::make_shared<ExprNode>();
                n->type = ExprNode::Type::name;
                n->name = std::string(tok_str(t));
                n->begin = t.pos;
                n->end = t.pos + t.len;
                return n;
            }
            case Tok::lparen: {
                take();
                NodePtr inner = parse_or();
                if (peek().t != Tok::rparen)
                    throw ExprError(peek().pos + 1, "expected ')' to close the '(' at column " +
                                                        std::to_string(t.pos + 1) + ", found " + shown(peek()));
                take();
                return inner;
            }
            default: throw ExprError(t.pos + 1, "expected a number, a name or a function call, found " + shown(t));
        }
    }

    NodePtr parse_call(const Token& name_tok) {
        auto n = std::make_shared<ExprNode>();
        n->type = ExprNode::Type::call;
        n->name = std::string(tok_str(name_tok));
        n->begin = name_tok.pos;
        n->fn = find_function(n->name);
        if (!n->fn) {
            std::vector<std::string_view> names;
            for (const auto& f : functions()) names.push_back(f.name);
            throw ExprError(name_tok.pos + 1, "unknown function '" + n->name + "'" + suggest(n->name, names) +
                                                  "; the functions are: " + util::join(names));
        }
        take();  // '('
        if (peek().t != Tok::rparen) {
            for (;;) {
                const Token& a = peek();
                if (a.t == Tok::name && toks_[i_ + 1].t == Tok::assign) {
                    take();
                    take();
                    ExprNode::Named named;
                    named.name = std::string(tok_str(a));
                    named.pos = a.pos;
                    named.value = parse_or();
                    for (const auto& other : n->named)
                        if (other.name == named.name)
                            throw ExprError(a.pos + 1, "'" + named.name + "=' is given twice in " + n->name + "()");
                    n->named.push_back(std::move(named));
                } else {
                    if (!n->named.empty())
                        throw ExprError(a.pos + 1, "positional arguments of " + n->name +
                                                       "() come before the named ones (NAME=...)");
                    n->args.push_back(parse_or());
                }
                if (peek().t == Tok::comma) {
                    take();
                    continue;
                }
                break;
            }
        }
        if (peek().t != Tok::rparen)
            throw ExprError(peek().pos + 1,
                            "expected ',' or ')' in the arguments of " + n->name + "(), found " + shown(peek()));
        n->end = peek().pos + 1;
        take();
        return n;
    }

    std::string_view text_;
    std::vector<Token> toks_;
    std::size_t i_ = 0;
};

// ---------------------------------------------------------------------------
// Checking names, once the tree is built (a name means different things in
// different places: a kind, a field, a function, a keyword).
// ---------------------------------------------------------------------------

bool is_filter_name(std::string_view n, std::vector<std::string_view>* list = nullptr) {
    static const std::vector<std::string_view> fixed = {"call", "after", "before", "func", "depth"};
    if (list) {
        *list = fixed;
        for (auto a : trace::arg_names().list())
            if (a != "call") list->push_back(a);
    }
    if (std::find(fixed.begin(), fixed.end(), n) != fixed.end()) return true;
    trace::Arg a;
    return trace::arg_by_name(n, a);
}

void check_value(const ExprNode& n);

// A Name node that must be one of `words`, or (if allow_expr) any expression.
void check_keyword(const ExprNode& n, const std::vector<std::string_view>& words, bool allow_expr,
                   const std::string& what) {
    const bool is_name = n.type == ExprNode::Type::name;
    if (is_name && std::find(words.begin(), words.end(), n.name) != words.end()) return;
    trace::Kind k;
    const bool value_name = is_name && (n.name == "anchor" || trace::kind_by_name(n.name, k));
    if (is_name && (!allow_expr || !value_name))
        throw ExprError(n.begin + 1, "expected " + what + ", found '" + n.name + "'" + suggest(n.name, words));
    if (!allow_expr) throw ExprError(n.begin + 1, "expected " + what);
    check_value(n);
}

void check_name_in(const ExprNode& n, const std::vector<std::string_view>& names, const std::string& what) {
    if (n.type != ExprNode::Type::name) throw ExprError(n.begin + 1, "expected " + what + " (a bare name)");
    if (std::find(names.begin(), names.end(), n.name) == names.end())
        throw ExprError(n.begin + 1, "unknown " + what + " '" + n.name + "'" + suggest(n.name, names));
}

void check_call(const ExprNode& n) {
    const FuncSpec& f = *n.fn;
    const std::size_t want = f.pos.size();
    if (n.args.size() < want || (!f.variadic && n.args.size() > want)) {
        std::string msg = f.name == "min" || f.name == "max"
                              ? std::string(f.name) + "() takes one or more values"
                              : std::string(f.name) + "() takes " +
                                    (want == 0 ? "no positional argument"
                                               : std::to_string(want) + " positional argument" + (want > 1 ? "s" : ""));
        throw ExprError(n.begin + 1, msg + ", got " + std::to_string(n.args.size()) + ": " + std::string(f.usage));
    }
    for (std::size_t i = 0; i < n.args.size(); ++i) {
        const ExprNode& a = *n.args[i];
        const P p = f.pos[std::min(i, want - 1)];
        switch (p) {
            case P::kind: {
                auto names = trace::kind_names().list();
                names.push_back("any");
                check_name_in(a, names, "event kind");
                break;
            }
            case P::sock_field: check_name_in(a, sock_field_names(), "socket field"); break;
            case P::skb_field: check_name_in(a, skb_field_names(), "skb field"); break;
            case P::page_field: check_name_in(a, {"count"}, "page field"); break;
            case P::arg_name: check_name_in(a, trace::arg_names().list(), "event argument"); break;
            case P::value: check_value(a); break;
        }
    }
    for (const auto& na : n.named) {
        const bool known =
            f.filters ? is_filter_name(na.name) : std::find(f.named.begin(), f.named.end(), na.name) != f.named.end();
        if (!known) {
            std::vector<std::string_view> allowed = f.named;
            if (f.filters) is_filter_name("", &allowed);
            throw ExprError(
                na.pos + 1,
                std::string(f.name) + "() has no argument '" + na.name + "='" + suggest(na.name, allowed) +
                    "; it takes: " + (allowed.empty() ? std::string("no named arguments") : util::join(allowed)));
        }
        const ExprNode& v = *na.value;
        if (na.name == "func") check_name_in(v, trace::func_names().list(), "function");
        else if (na.name == "dir") check_keyword(v, {"out", "in"}, false, "dir=out or dir=in");
        else if (na.name == "depth" && !f.filters)
            check_keyword(v, {"same", "any"}, true, "depth=same, depth=any or a depth number");
        else if (na.name == "id" && f.fn == Fn::skb)
            check_keyword(v, {"head", "tail", "send_head"}, true, "an skb id, head, tail or send_head");
        else if (na.name == "id" && f.fn == Fn::page) check_keyword(v, {"cached"}, true, "a page id or cached");
        else check_value(v);
    }
    auto need = [&](std::string_view name) {
        if (!n.named_arg(name))
            throw ExprError(n.begin + 1,
                            std::string(f.name) + "() needs " + std::string(name) + "=...: " + std::string(f.usage));
    };
    switch (f.fn) {
        case Fn::next:
        case Fn::next_kind:
        case Fn::arg: need("at"); break;
        case Fn::ret: need("call"); break;
        case Fn::state:
        case Fn::skb:
        case Fn::page: {
            const bool at = n.named_arg("at") != nullptr, before = n.named_arg("before") != nullptr;
            if (at == before)
                throw ExprError(n.begin + 1, std::string(f.name) +
                                                 "() needs exactly one of at=EVENT (the state after it) "
                                                 "or before=EVENT (the state before it): " +
                                                 std::string(f.usage));
            if (f.fn != Fn::state) need("id");
            break;
        }
        default: break;
    }
}

void check_value(const ExprNode& n) {
    switch (n.type) {
        case ExprNode::Type::number: return;
        case ExprNode::Type::name: {
            trace::Kind k;
            if (n.name == "anchor" || trace::kind_by_name(n.name, k)) return;
            if (find_function(n.name))
                throw ExprError(n.begin + 1, "'" + n.name + "' is a function: write " + n.name + "(...)");
            auto names = trace::kind_names().list();
            names.push_back("anchor");
            throw ExprError(
                n.begin + 1,
                "unknown name '" + n.name + "'" + suggest(n.name, names) +
                    ": expected an event kind (such as tail_append), 'anchor', a number or a function call");
        }
        case ExprNode::Type::unary:
        case ExprNode::Type::binary:
            for (const auto& a : n.args) check_value(*a);
            return;
        case ExprNode::Type::call: check_call(n); return;
    }
}

bool mentions_anchor(const ExprNode& n) {
    if (n.type == ExprNode::Type::name && n.name == "anchor") return true;
    for (const auto& a : n.args)
        if (mentions_anchor(*a)) return true;
    for (const auto& a : n.named)
        if (mentions_anchor(*a.value)) return true;
    return false;
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

class Evaluator {
public:
    Evaluator(const std::string& text, EvalContext& ctx) : text_(text), ctx_(ctx), t_(ctx.trace()) {}

    Value eval(const ExprNode& n) {
        switch (n.type) {
            case ExprNode::Type::number: return Value::of(n.number);
            case ExprNode::Type::name: {
                if (n.name == "anchor") {
                    if (!ctx_.anchor)
                        throw ExprError(n.begin + 1,
                                        "'anchor' has no value here: it names the event a step or question "
                                        "is placed at, and only its other expressions may use it");
                    return Value::of(static_cast<int64_t>(*ctx_.anchor));
                }
                trace::Kind k;
                trace::kind_by_name(n.name, k);
                return Value::of(k);
            }
            case ExprNode::Type::unary: {
                const int64_t v =
                    num(*n.args[0], "the operand of '" + std::string(n.op == Tok::minus ? "-" : "!") + "'");
                if (n.op == Tok::not_) return Value::of(v == 0 ? 1 : 0);
                if (v == std::numeric_limits<int64_t>::min()) throw ExprError(n.begin + 1, "integer overflow");
                return Value::of(-v);
            }
            case ExprNode::Type::binary: return binary(n);
            case ExprNode::Type::call: return call(n);
        }
        return Value::of(0);
    }

    int64_t num(const ExprNode& n, const std::string& what) {
        const Value v = eval(n);
        if (v.is_kind())
            throw ExprError(n.begin + 1, what + " must be a number, but " + src(n) + " is the event kind " + v.str());
        return v.number;
    }

    std::size_t event(const ExprNode& n, const std::string& what) {
        const int64_t v = num(n, what);
        const std::size_t count = t_.events.size();
        if (v < 0 || static_cast<uint64_t>(v) >= count)
            throw ExprError(n.begin + 1, what + " must be an event index from 0 to " +
                                             std::to_string(count == 0 ? 0 : count - 1) + " (the trace has " +
                                             std::to_string(count) + " events), but " + src(n) + " is " +
                                             std::to_string(v));
        return static_cast<std::size_t>(v);
    }

private:
    std::string src(const ExprNode& n) const { return text_.substr(n.begin, n.end - n.begin); }

    [[noreturn]] void overflow(const ExprNode& n) const {
        throw ExprError(n.begin + 1, "integer overflow in " + src(n));
    }

    Value binary(const ExprNode& n) {
        const ExprNode& l = *n.args[0];
        const ExprNode& r = *n.args[1];
        if (n.op == Tok::and_ || n.op == Tok::or_) {
            // Short-circuit, so `count(x) > 0 && arg(copy, at=first(x)) == 5` is safe.
            const bool lv = num(l, "the left side of '" + std::string(n.op == Tok::and_ ? "&&" : "||") + "'") != 0;
            if (n.op == Tok::and_ && !lv) return Value::of(0);
            if (n.op == Tok::or_ && lv) return Value::of(1);
            return Value::of(
                num(r, "the right side of '" + std::string(n.op == Tok::and_ ? "&&" : "||") + "'") != 0 ? 1 : 0);
        }
        const Value a = eval(l), b = eval(r);
        if (n.op == Tok::eq || n.op == Tok::ne) {
            if (a.type != b.type)
                throw ExprError(n.begin + 1, "cannot compare " +
                                                 std::string(a.is_kind() ? "an event kind" : "a number") + " (" +
                                                 src(l) + ") with " + (b.is_kind() ? "an event kind" : "a number") +
                                                 " (" + src(r) + ")");
            return Value::of((a == b) == (n.op == Tok::eq) ? 1 : 0);
        }
        const std::string op(tok_text(n.op));
        if (a.is_kind())
            throw ExprError(l.begin + 1, "the left side of " + op + " must be a number, but " + src(l) +
                                             " is the event kind " + a.str());
        if (b.is_kind())
            throw ExprError(r.begin + 1, "the right side of " + op + " must be a number, but " + src(r) +
                                             " is the event kind " + b.str());
        const int64_t x = a.number, y = b.number;
        int64_t out = 0;
        switch (n.op) {
            case Tok::plus:
                if (__builtin_add_overflow(x, y, &out)) overflow(n);
                return Value::of(out);
            case Tok::minus:
                if (__builtin_sub_overflow(x, y, &out)) overflow(n);
                return Value::of(out);
            case Tok::star:
                if (__builtin_mul_overflow(x, y, &out)) overflow(n);
                return Value::of(out);
            case Tok::slash:
            case Tok::percent:
                if (y == 0) throw ExprError(r.begin + 1, "division by zero: " + src(r) + " is 0");
                if (x == std::numeric_limits<int64_t>::min() && y == -1) overflow(n);
                return Value::of(n.op == Tok::slash ? x / y : x % y);
            case Tok::lt: return Value::of(x < y ? 1 : 0);
            case Tok::le: return Value::of(x <= y ? 1 : 0);
            case Tok::gt: return Value::of(x > y ? 1 : 0);
            case Tok::ge: return Value::of(x >= y ? 1 : 0);
            default: break;
        }
        throw ExprError(n.begin + 1, "unknown operator");
    }

    struct Filter {
        bool any_kind = true;
        trace::Kind kind = trace::Kind::sendmsg_enter;
        std::optional<int64_t> call, after, before, depth;
        std::optional<trace::Func> func;
        std::vector<std::pair<trace::Arg, int64_t>> args;
    };

    Filter filter(const ExprNode& n) {
        Filter f;
        const ExprNode& k = *n.args[0];
        if (k.name != "any") {
            f.any_kind = false;
            trace::kind_by_name(k.name, f.kind);
        }
        for (const auto& na : n.named) {
            const ExprNode& v = *na.value;
            if (na.name == "func") {
                trace::Func fn;
                trace::func_by_name(v.name, fn);
                f.func = fn;
            } else if (na.name == "call") {
                f.call = num(v, "call=");
            } else if (na.name == "after") {
                f.after = static_cast<int64_t>(event(v, "after="));
            } else if (na.name == "before") {
                f.before = static_cast<int64_t>(event(v, "before="));
            } else if (na.name == "depth") {
                f.depth = num(v, "depth=");
            } else {
                trace::Arg a;
                trace::arg_by_name(na.name, a);
                f.args.emplace_back(a, num(v, na.name + "="));
            }
        }
        return f;
    }

    bool matches(const Filter& f, std::size_t i) const {
        const trace::Event& e = t_.events[i];
        if (!f.any_kind && e.kind != f.kind) return false;
        if (f.call && static_cast<int64_t>(e.call) != *f.call) return false;
        if (f.after && static_cast<int64_t>(i) <= *f.after) return false;
        if (f.before && static_cast<int64_t>(i) >= *f.before) return false;
        if (f.depth && static_cast<int64_t>(e.depth) != *f.depth) return false;
        if (f.func && e.func != *f.func) return false;
        for (const auto& [a, v] : f.args)
            if (!t_.has_arg(i, a) || t_.arg(i, a) != v) return false;
        return true;
    }

    [[noreturn]] void no_event(const ExprNode& n, const std::string& detail = {}) const {
        throw ExprError(n.begin + 1, "no event matches " + src(n) + detail + " (the trace has " +
                                         std::to_string(t_.events.size()) + " events)");
    }

    // The model state after event `at`, or before event `before` (the empty
    // state before event 0).
    const model::State& state_for(const ExprNode& n, std::size_t& where, bool& is_before) {
        static const model::State empty;
        if (const ExprNode* at = n.named_arg("at")) {
            where = event(*at, "at=");
            is_before = false;
            return ctx_.state_after(where);
        }
        where = event(*n.named_arg("before"), "before=");
        is_before = true;
        return where == 0 ? empty : ctx_.state_after(where - 1);
    }
    std::string when(std::size_t where, bool is_before) const {
        return (is_before ? "before event " : "after event ") + std::to_string(where) + " (" +
               std::string(trace::kind_name(t_.events[where].kind)) + ")";
    }

    Value call(const ExprNode& n) {
        const FuncSpec& f = *n.fn;
        const std::size_t count = t_.events.size();
        switch (f.fn) {
            case Fn::count: {
                const Filter flt = filter(n);
                int64_t c = 0;
                for (std::size_t i = 0; i < count; ++i) c += matches(flt, i) ? 1 : 0;
                return Value::of(c);
            }
            case Fn::first:
            case Fn::nth: {
                int64_t want = 1;
                if (f.fn == Fn::nth) {
                    want = num(*n.args[1], "N of nth()");
                    if (want < 1)
                        throw ExprError(n.args[1]->begin + 1, "N of nth() counts from 1, got " + std::to_string(want));
                }
                const Filter flt = filter(n);
                int64_t seen = 0;
                for (std::size_t i = 0; i < count; ++i)
                    if (matches(flt, i) && ++seen == want) return Value::of(static_cast<int64_t>(i));
                if (f.fn == Fn::nth && seen > 0)
                    no_event(n, ": only " + std::to_string(seen) + " event" + (seen > 1 ? "s" : "") + " match");
                no_event(n);
            }
            case Fn::last: {
                const Filter flt = filter(n);
                for (std::size_t i = count; i-- > 0;)
                    if (matches(flt, i)) return Value::of(static_cast<int64_t>(i));
                no_event(n);
            }
            case Fn::next:
            case Fn::next_kind: {
                const std::size_t at = event(*n.named_arg("at"), "at=");
                const int64_t at_depth = t_.events[at].depth;
                enum { same, any, exact } mode = same;
                int64_t depth = 0;
                if (const ExprNode* d = n.named_arg("depth")) {
                    if (d->type == ExprNode::Type::name && d->name == "same") {
                        mode = same;
                    } else if (d->type == ExprNode::Type::name && d->name == "any") {
                        mode = any;
                    } else {
                        mode = exact;
                        depth = num(*d, "depth=");
                    }
                }
                std::optional<trace::Func> fn;
                if (const ExprNode* fnode = n.named_arg("func")) {
                    trace::Func x;
                    trace::func_by_name(fnode->name, x);
                    fn = x;
                }
                for (std::size_t i = at + 1; i < count; ++i) {
                    const trace::Event& e = t_.events[i];
                    if (mode == same && e.depth > at_depth) continue;
                    if (mode == exact && e.depth != depth) continue;
                    if (fn && e.func != *fn) continue;
                    return f.fn == Fn::next ? Value::of(static_cast<int64_t>(i)) : Value::of(e.kind);
                }
                throw ExprError(n.begin + 1, "no event comes after event " + std::to_string(at) + " (" +
                                                 std::string(trace::kind_name(t_.events[at].kind)) + ") for " + src(n));
            }
            case Fn::kind: return Value::of(t_.events[event(*n.args[0], "the event of kind()")].kind);
            case Fn::time: return Value::of(t_.events[event(*n.args[0], "the event of time()")].time_us);
            case Fn::depth:
                return Value::of(static_cast<int64_t>(t_.events[event(*n.args[0], "the event of depth()")].depth));
            case Fn::call:
                return Value::of(static_cast<int64_t>(t_.events[event(*n.args[0], "the event of call()")].call));
            case Fn::state: {
                std::size_t where = 0;
                bool is_before = false;
                const model::State& s = state_for(n, where, is_before);
                const std::string& field = n.args[0]->name;
                if (field == "queue_len") return Value::of(static_cast<int64_t>(s.write_queue.size()));
                if (field == "page_count") return Value::of(static_cast<int64_t>(s.pages.size()));
                model::SF sf;
                model::sock_field_by_name(field, sf);
                return Value::of(s.sk.at(sf));
            }
            case Fn::skb: {
                std::size_t where = 0;
                bool is_before = false;
                const model::State& s = state_for(n, where, is_before);
                const ExprNode& idn = *n.named_arg("id");
                int64_t id = 0;
                std::string which;
                if (idn.type == ExprNode::Type::name &&
                    (idn.name == "head" || idn.name == "tail" || idn.name == "send_head")) {
                    which = idn.name;
                    if (idn.name == "head") id = s.write_queue.empty() ? 0 : s.write_queue.front();
                    if (idn.name == "tail") id = s.tail();
                    if (idn.name == "send_head") id = s.sk.sk_send_head;
                    if (id == 0)
                        throw ExprError(idn.begin + 1,
                                        "there is no " + which + " skb " + when(where, is_before) +
                                            (idn.name == "send_head" ? ": everything queued has been sent"
                                                                     : ": the write queue is empty"));
                } else {
                    id = num(idn, "id=");
                }
                const model::SkBuff* skb =
                    id > 0 && id <= std::numeric_limits<uint32_t>::max() ? s.skb(static_cast<uint32_t>(id)) : nullptr;
                if (!skb)
                    throw ExprError(idn.begin + 1,
                                    "skb " + std::to_string(id) + " does not exist " + when(where, is_before));
                const std::string& field = n.args[0]->name;
                if (field == "headlen") return Value::of(skb->headlen());
                model::KF kf;
                model::skb_field_by_name(field, kf);
                return Value::of(skb->at(kf));
            }
            case Fn::page: {
                std::size_t where = 0;
                bool is_before = false;
                const model::State& s = state_for(n, where, is_before);
                const ExprNode& idn = *n.named_arg("id");
                int64_t id = 0;
                if (idn.type == ExprNode::Type::name && idn.name == "cached") {
                    id = s.sk.sk_sndmsg_page;
                    if (id == 0)
                        throw ExprError(idn.begin + 1, "the socket has no cached page " + when(where, is_before));
                } else {
                    id = num(idn, "id=");
                }
                const model::Page* p =
                    id > 0 && id <= std::numeric_limits<uint32_t>::max() ? s.page(static_cast<uint32_t>(id)) : nullptr;
                if (!p)
                    throw ExprError(idn.begin + 1,
                                    "page " + std::to_string(id) + " does not exist " + when(where, is_before));
                return Value::of(p->count);
            }
            case Fn::arg: {
                const std::size_t at = event(*n.named_arg("at"), "at=");
                trace::Arg a;
                trace::arg_by_name(n.args[0]->name, a);
                if (!t_.has_arg(at, a)) {
                    std::string have;
                    const trace::Event& e = t_.events[at];
                    for (uint32_t c = e.change_begin; c < e.change_end; ++c) {
                        const trace::Change& ch = t_.changes[c];
                        if (ch.op != trace::Op::arg) continue;
                        const std::string nm(trace::arg_name(static_cast<trace::Arg>(ch.field)));
                        if (have.find(nm) == std::string::npos) have += (have.empty() ? "" : ", ") + nm;
                    }
                    throw ExprError(n.begin + 1, "event " + std::to_string(at) + " (" +
                                                     std::string(trace::kind_name(e.kind)) + ") has no argument " +
                                                     n.args[0]->name + "; " +
                                                     (have.empty() ? "it has none" : "its arguments are: " + have));
                }
                return Value::of(t_.arg(at, a));
            }
            case Fn::ret: {
                const int64_t c = num(*n.named_arg("call"), "call=");
                for (std::size_t i = 0; i < count; ++i)
                    if (static_cast<int64_t>(t_.events[i].call) == c)
                        if (const auto ret = t_.send_result(i)) return Value::of(*ret);
                throw ExprError(n.begin + 1,
                                "send() call " + std::to_string(c) + " never returns in this trace (" + src(n) + ")");
            }
            case Fn::frames: {
                std::optional<int> dir;
                std::optional<int64_t> after, before, dropped, skb;
                if (const ExprNode* d = n.named_arg("dir")) dir = d->name == "out" ? 0 : 1;
                if (const ExprNode* a = n.named_arg("after")) after = static_cast<int64_t>(event(*a, "after="));
                if (const ExprNode* b = n.named_arg("before")) before = static_cast<int64_t>(event(*b, "before="));
                if (const ExprNode* d = n.named_arg("dropped")) dropped = num(*d, "dropped=") != 0 ? 1 : 0;
                if (const ExprNode* s = n.named_arg("skb")) skb = num(*s, "skb=");
                int64_t c = 0;
                for (const trace::Frame& fr : t_.frames) {
                    if (dir && fr.dir != *dir) continue;
                    if (after && static_cast<int64_t>(fr.event) <= *after) continue;
                    if (before && static_cast<int64_t>(fr.event) >= *before) continue;
                    if (dropped && fr.dropped != *dropped) continue;
                    if (skb && static_cast<int64_t>(fr.skb) != *skb) continue;
                    ++c;
                }
                return Value::of(c);
            }
            case Fn::min:
            case Fn::max: {
                int64_t best = num(*n.args[0], "the values of " + std::string(f.name) + "()");
                for (std::size_t i = 1; i < n.args.size(); ++i) {
                    const int64_t v = num(*n.args[i], "the values of " + std::string(f.name) + "()");
                    best = f.fn == Fn::min ? std::min(best, v) : std::max(best, v);
                }
                return Value::of(best);
            }
            case Fn::abs: {
                const int64_t v = num(*n.args[0], "the value of abs()");
                if (v == std::numeric_limits<int64_t>::min()) overflow(n);
                return Value::of(v < 0 ? -v : v);
            }
        }
        throw ExprError(n.begin + 1, "unknown function");
    }

    const std::string& text_;
    EvalContext& ctx_;
    const trace::Trace& t_;
};

}  // namespace

std::string Value::str() const { return is_kind() ? std::string(trace::kind_name(kind)) : std::to_string(number); }

Expr Expr::parse(std::string_view text) {
    std::size_t first = 0;
    while (first < text.size() && (text[first] == ' ' || text[first] == '\t' || text[first] == '\n')) ++first;
    if (first == text.size()) throw ExprError(1, "expected an expression, found an empty string");
    Parser p(text);
    NodePtr root = p.parse();
    check_value(*root);
    Expr e;
    e.text_ = std::string(text);
    e.root_ = std::move(root);
    return e;
}

bool Expr::uses_anchor() const { return root_ && mentions_anchor(*root_); }

EvalContext::EvalContext(const trace::Trace& t) : trace_(&t), replay_(t) {}

Value evaluate(const Expr& expr, EvalContext& ctx) {
    if (expr.empty()) throw ExprError(1, "expected an expression, found none");
    Evaluator ev(expr.text(), ctx);
    return ev.eval(*expr.root());
}

std::size_t evaluate_event(const Expr& expr, EvalContext& ctx) {
    if (expr.empty()) throw ExprError(1, "expected an expression, found none");
    Evaluator ev(expr.text(), ctx);
    return ev.event(*expr.root(), "an anchor");
}

std::string expr_function_list() {
    std::string s;
    for (const auto& f : functions()) s += std::string(f.usage) + "\n";
    return s;
}

}  // namespace sendpath::lesson
