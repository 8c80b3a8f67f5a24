#include "gui/model/compare.hpp"

#include <algorithm>
#include <map>

#include "model/state.hpp"
#include "trace/emit_site.hpp"

namespace sendpath::gui {

namespace {
using util::Message;

// "push_one in tcp_sendmsg (tcp_sendmsg.cpp:120)": kernel names stay as they are.
Message words(const trace::Trace& t, const trace::Event& e) {
    return Message::of("gui.cmpd.where", {std::string(trace::kind_name(e.kind)), std::string(trace::func_name(e.func)),
                                          trace::source_place(t, e)});
}

// First change that differs between two events with the same shape, as words.
Message change_words(const trace::Change& c) {
    using trace::Op;
    const std::string v = std::to_string(c.value);
    switch (c.op) {
        case Op::sock_set:
            if (c.field < model::kSockFieldCount)
                return std::string(model::sock_field_info(static_cast<model::SF>(c.field)).name) + " = " + v;
            break;
        case Op::skb_set:
            if (c.field < model::kSkbFieldCount)
                return "skb " + std::to_string(c.target) + " " +
                       std::string(model::skb_field_info(static_cast<model::KF>(c.field)).name) + " = " + v;
            break;
        case Op::arg:
            if (c.field < static_cast<uint8_t>(trace::Arg::count_))
                return Message::of("gui.cmpd.argument",
                                   {std::string(trace::arg_name(static_cast<trace::Arg>(c.field))), v});
            break;
        case Op::page_set: return Message::of("gui.cmpd.page_count", {std::to_string(c.target), v});
        default: break;
    }
    return std::string(trace::op_name(c.op)) + " (" + std::to_string(c.field) + ", " + std::to_string(c.target) +
           ") = " + v;
}

std::optional<EventDivergence> divergence(const trace::Trace& a, const trace::Trace& b, bool branches_only) {
    const std::size_t n = std::min(a.events.size(), b.events.size());
    for (std::size_t i = 0; i < n; ++i) {
        const trace::Event& x = a.events[i];
        const trace::Event& y = b.events[i];
        const std::string at = std::to_string(i);
        if (x.kind != y.kind || x.func != y.func)
            return EventDivergence{i, Message::of("gui.cmpd.has", {at, words(a, x), words(b, y)})};
        const std::string kind(trace::kind_name(x.kind));
        if (!trace::same_emit_place(a, x, b, y))
            return EventDivergence{i, Message::of("gui.cmpd.taken_at", {at, kind, words(a, x), words(b, y)})};
        if (x.call != y.call || x.depth != y.depth)
            return EventDivergence{
                i, Message::of("gui.cmpd.call_depth", {at, kind, std::to_string(x.call), std::to_string(x.depth),
                                                       std::to_string(y.call), std::to_string(y.depth)})};
        if (branches_only) continue;
        if (x.time_us != y.time_us)
            return EventDivergence{
                i, Message::of("gui.cmpd.time", {at, kind, std::to_string(x.time_us), std::to_string(y.time_us)})};
        const std::size_t na = x.change_end - x.change_begin, nb = y.change_end - y.change_begin;
        for (std::size_t k = 0; k < std::min(na, nb); ++k) {
            const trace::Change& ca = a.changes[x.change_begin + k];
            const trace::Change& cb = b.changes[y.change_begin + k];
            if (!(ca == cb))
                return EventDivergence{i, Message::of("gui.cmpd.sets", {at, kind, change_words(ca), change_words(cb)})};
        }
        if (na != nb)
            return EventDivergence{i,
                                   Message::of("gui.cmpd.changes", {at, kind, std::to_string(na), std::to_string(nb)})};
    }
    if (a.events.size() == b.events.size()) return std::nullopt;
    const bool a_longer = a.events.size() > b.events.size();
    const trace::Trace& longer = a_longer ? a : b;
    return EventDivergence{n, Message::of("gui.cmpd.ended", {std::to_string(n), a_longer ? "B" : "A",
                                                             a_longer ? "A" : "B", words(longer, longer.events[n])})};
}
}  // namespace

std::optional<EventDivergence> first_event_divergence(const trace::Trace& a, const trace::Trace& b) {
    return divergence(a, b, false);
}
std::optional<EventDivergence> first_branch_divergence(const trace::Trace& a, const trace::Trace& b) {
    return divergence(a, b, true);
}

std::vector<SeqRow> align_by_seq(const SeqGraph& a, const SeqGraph& b) {
    std::map<int64_t, SeqRow> rows;
    auto add = [&](const SeqGraph& g, bool is_a) {
        for (std::size_t i = 0; i < g.segments.size(); ++i) {
            const SeqSegment& s = g.segments[i];
            if (s.retransmit) continue;
            SeqRow& r = rows[s.seq_lo];
            r.seq_lo = s.seq_lo;
            int& slot = is_a ? r.a : r.b;
            if (slot < 0) slot = static_cast<int>(i);
        }
    };
    add(a, true);
    add(b, false);
    std::vector<SeqRow> out;
    out.reserve(rows.size());
    for (auto& [seq, r] : rows) {
        r.differs =
            r.a < 0 || r.b < 0 ||
            a.segments[static_cast<std::size_t>(r.a)].seq_hi != b.segments[static_cast<std::size_t>(r.b)].seq_hi;
        out.push_back(r);
    }
    return out;
}

std::optional<std::size_t> first_seq_divergence(const std::vector<SeqRow>& rows) {
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (rows[i].differs) return i;
    return std::nullopt;
}

}  // namespace sendpath::gui
