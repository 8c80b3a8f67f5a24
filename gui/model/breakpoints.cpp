#include "gui/model/breakpoints.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sendpath::gui {

namespace {
std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::optional<int64_t> parse_int(std::string_view s) {
    bool neg = false;
    if (!s.empty() && s.front() == '-') {
        neg = true;
        s.remove_prefix(1);
    }
    int base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s.remove_prefix(2);
    }
    if (s.empty()) return std::nullopt;
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return neg ? -v : v;
}

std::optional<Operand> parse_operand(std::string_view s, std::string* error) {
    s = trim(s);
    Operand o;
    if (auto v = parse_int(s)) {
        o.type = Operand::Type::literal;
        o.value = *v;
        return o;
    }
    if (s == "queue_len") {
        o.type = Operand::Type::queue_len;
        return o;
    }
    if (s == "page_count") {
        o.type = Operand::Type::page_count;
        return o;
    }
    if (s.substr(0, 4) == "arg.") {
        if (trace::arg_by_name(s.substr(4), o.arg)) {
            o.type = Operand::Type::arg;
            return o;
        }
        if (error) *error = "unknown event argument '" + std::string(s.substr(4)) + "'";
        return std::nullopt;
    }
    if (model::sock_field_by_name(s, o.field)) {
        o.type = Operand::Type::sock_field;
        return o;
    }
    if (error)
        *error = s.empty()
                     ? std::string("missing operand")
                     : "'" + std::string(s) + "' is not a socket field, arg.NAME, queue_len, page_count or a number";
    return std::nullopt;
}

std::optional<int64_t> value_of(const Operand& o, const trace::Trace& t, std::size_t i, const model::State& s) {
    switch (o.type) {
        case Operand::Type::literal: return o.value;
        case Operand::Type::sock_field: return s.sk.at(o.field);
        case Operand::Type::arg:
            if (!t.has_arg(i, o.arg)) return std::nullopt;
            return t.arg(i, o.arg);
        case Operand::Type::queue_len: return static_cast<int64_t>(s.write_queue.size());
        case Operand::Type::page_count: return static_cast<int64_t>(s.pages.size());
    }
    return std::nullopt;
}
}  // namespace

std::optional<Condition> parse_condition(std::string_view text, std::string* error) {
    // Two-character operators first so ">=" is not read as ">".
    static constexpr std::pair<std::string_view, Condition::Cmp> kOps[] = {
        {">=", Condition::Cmp::ge}, {"<=", Condition::Cmp::le}, {"==", Condition::Cmp::eq},
        {"!=", Condition::Cmp::ne}, {">", Condition::Cmp::gt},  {"<", Condition::Cmp::lt}};
    for (const auto& [tok, cmp] : kOps) {
        const auto at = text.find(tok);
        if (at == std::string_view::npos) continue;
        Condition c;
        c.cmp = cmp;
        auto l = parse_operand(text.substr(0, at), error);
        if (!l) return std::nullopt;
        auto r = parse_operand(text.substr(at + tok.size()), error);
        if (!r) return std::nullopt;
        c.lhs = *l;
        c.rhs = *r;
        return c;
    }
    if (error) *error = "expected a comparison such as 'sk_wmem_queued >= sk_sndbuf' (operators == != < <= > >=)";
    return std::nullopt;
}

bool eval_condition(const Condition& c, const trace::Trace& t, std::size_t i, const model::State& after) {
    const auto l = value_of(c.lhs, t, i, after);
    const auto r = value_of(c.rhs, t, i, after);
    if (!l || !r) return false;
    switch (c.cmp) {
        case Condition::Cmp::eq: return *l == *r;
        case Condition::Cmp::ne: return *l != *r;
        case Condition::Cmp::lt: return *l < *r;
        case Condition::Cmp::le: return *l <= *r;
        case Condition::Cmp::gt: return *l > *r;
        case Condition::Cmp::ge: return *l >= *r;
    }
    return false;
}

Breakpoint kind_breakpoint(trace::Kind k) {
    Breakpoint b;
    b.type = Breakpoint::Type::kind;
    b.kind = k;
    b.spec = "kind " + std::string(trace::kind_name(k));
    return b;
}

Breakpoint line_breakpoint(std::string file, uint32_t line) {
    Breakpoint b;
    b.type = Breakpoint::Type::line;
    b.spec = "line " + file + ":" + std::to_string(line);
    b.file = std::move(file);
    b.line = line;
    return b;
}

Breakpoint watch_breakpoint(model::SF f) {
    Breakpoint b;
    b.type = Breakpoint::Type::watch;
    b.field = f;
    b.spec = "watch " + std::string(model::sock_field_info(f).name);
    return b;
}

std::optional<Breakpoint> parse_breakpoint(std::string_view spec, std::string* error) {
    spec = trim(spec);
    const auto sp = spec.find(' ');
    const std::string_view verb = spec.substr(0, sp);
    const std::string_view rest = sp == std::string_view::npos ? std::string_view() : trim(spec.substr(sp + 1));
    if (verb == "kind") {
        trace::Kind k;
        if (trace::kind_by_name(rest, k)) return kind_breakpoint(k);
        if (error) *error = "'" + std::string(rest) + "' is not an event kind";
        return std::nullopt;
    }
    if (verb == "line") {
        const auto colon = rest.rfind(':');
        const auto n = colon == std::string_view::npos ? std::nullopt : parse_int(rest.substr(colon + 1));
        if (!n || *n <= 0 || colon == 0) {
            if (error) *error = "expected FILE:LINE, e.g. tcp_sendmsg.cpp:120";
            return std::nullopt;
        }
        return line_breakpoint(std::string(rest.substr(0, colon)), static_cast<uint32_t>(*n));
    }
    if (verb == "cond") {
        auto c = parse_condition(rest, error);
        if (!c) return std::nullopt;
        Breakpoint b;
        b.type = Breakpoint::Type::condition;
        b.cond = *c;
        b.spec = "cond " + std::string(rest);
        return b;
    }
    if (verb == "watch") {
        model::SF f;
        if (model::sock_field_by_name(rest, f)) return watch_breakpoint(f);
        if (error) *error = "'" + std::string(rest) + "' is not a socket field";
        return std::nullopt;
    }
    if (error) *error = "expected 'kind NAME', 'line FILE:N', 'cond EXPR' or 'watch FIELD'";
    return std::nullopt;
}

bool path_matches(std::string_view path, std::string_view file) {
    if (file.empty() || file.size() > path.size()) return false;
    if (path.substr(path.size() - file.size()) != file) return false;
    return path.size() == file.size() || path[path.size() - file.size() - 1] == '/';
}

bool breakpoint_hits(const Breakpoint& b, const trace::Trace& t, std::size_t i, const model::State* after) {
    if (!b.enabled || i >= t.events.size()) return false;
    const trace::Event& e = t.events[i];
    switch (b.type) {
        case Breakpoint::Type::kind: return e.kind == b.kind;
        case Breakpoint::Type::line:
            return e.line == b.line && e.file < t.files.size() && path_matches(t.files[e.file], b.file);
        case Breakpoint::Type::condition: return after && eval_condition(b.cond, t, i, *after);
        case Breakpoint::Type::watch:
            for (const trace::Change* c = t.changes_begin(e); c != t.changes_end(e); ++c)
                if (c->op == trace::Op::sock_set && c->field == static_cast<uint8_t>(b.field)) return true;
            return false;
    }
    return false;
}

namespace {
bool any_needs_state(const std::vector<Breakpoint>& bps) {
    return std::any_of(bps.begin(), bps.end(), [](const Breakpoint& b) { return b.enabled && b.needs_state(); });
}
bool any_hits(trace::Replay& r, const std::vector<Breakpoint>& bps, std::size_t i, bool states) {
    const model::State* s = states ? &r.seek(i) : nullptr;
    for (const Breakpoint& b : bps)
        if (breakpoint_hits(b, r.trace(), i, s)) return true;
    return false;
}
}  // namespace

std::optional<std::size_t> find_next_hit(trace::Replay& r, const std::vector<Breakpoint>& bps, std::size_t cur) {
    const bool states = any_needs_state(bps);
    for (std::size_t i = cur + 1; i < r.size(); ++i)
        if (any_hits(r, bps, i, states)) return i;
    return std::nullopt;
}

std::optional<std::size_t> find_prev_hit(trace::Replay& r, const std::vector<Breakpoint>& bps, std::size_t cur) {
    // Scan forwards from 0 and keep the last hit: Replay moves forwards cheaply,
    // while each backward seek would restart from a keyframe.
    const bool states = any_needs_state(bps);
    std::optional<std::size_t> last;
    for (std::size_t i = 0; i < cur && i < r.size(); ++i)
        if (any_hits(r, bps, i, states)) last = i;
    return last;
}

}  // namespace sendpath::gui
