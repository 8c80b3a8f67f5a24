// sendpath-cli diff: where do two traces part ways, in words.
//
// Replay is a pure function of the changes, so once the first differing event
// is found everything before it (and so the state before it) is identical:
// that one event is what a user needs to see. Scenario and option
// differences come first, since they usually explain the rest.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "model/state.hpp"
#include "trace/emit_site.hpp"
#include "trace/trace_io.hpp"

namespace sendpath::cli {

namespace {

using trace::Change;
using trace::Event;
using trace::Op;
using trace::Trace;

std::string short_json(const nlohmann::json& j) {
    std::string s = j.dump();
    if (s.size() > 60) s = s.substr(0, 57) + "...";
    return s;
}

// Up to a few differences between two JSON documents, as sentences.
std::vector<std::string> json_differences(const std::string& what, const nlohmann::json& a, const nlohmann::json& b) {
    std::vector<std::string> out;
    if (a == b) return out;
    const nlohmann::json patch = nlohmann::json::diff(a, b);
    constexpr std::size_t kShown = 5;
    for (const auto& op : patch) {
        if (out.size() == kShown) {
            out.push_back("... and " + std::to_string(patch.size() - kShown) + " more " + what + " differences");
            break;
        }
        std::string path = op.value("path", std::string());
        // An append to an array is "/-" in a JSON patch; name the index instead.
        if (path.size() >= 2 && path.compare(path.size() - 2, 2, "/-") == 0) {
            const std::string parent = path.substr(0, path.size() - 2);
            const nlohmann::json::json_pointer pp(parent);
            if (a.contains(pp) && a.at(pp).is_array()) path = parent + "/" + std::to_string(a.at(pp).size());
        }
        const std::string kind = op.value("op", std::string());
        const nlohmann::json::json_pointer ptr(path);
        if (kind == "replace")
            out.push_back(what + " differs at " + path + ": A has " + short_json(a.at(ptr)) + ", B has " +
                          short_json(op.at("value")));
        else if (kind == "add")
            out.push_back(what + " differs at " + path + ": A has nothing there, B has " + short_json(op.at("value")));
        else if (kind == "remove")
            out.push_back(what + " differs at " + path + ": A has " + short_json(a.at(ptr)) + ", B has nothing there");
        else out.push_back(what + " differs at " + path);
    }
    return out;
}

std::string event_words(const Trace& t, const Event& e) {
    return std::string(trace::kind_name(e.kind)) + " in " + std::string(trace::func_name(e.func)) + " (" +
           trace::source_place(t, e) + ")";
}

std::string sock_field(uint8_t f) {
    return f < model::kSockFieldCount ? std::string(model::sock_field_info(static_cast<model::SF>(f)).name)
                                      : "socket field #" + std::to_string(f);
}
std::string skb_field(uint8_t f) {
    return f < model::kSkbFieldCount ? std::string(model::skb_field_info(static_cast<model::KF>(f)).name)
                                     : "field #" + std::to_string(f);
}
std::string arg_field(uint8_t f) {
    return f < static_cast<uint8_t>(trace::Arg::count_) ? std::string(trace::arg_name(static_cast<trace::Arg>(f)))
                                                        : "argument #" + std::to_string(f);
}
std::string skb_name(uint32_t id) { return "skb " + std::to_string(id); }
std::string page_name(uint32_t id) { return "page " + std::to_string(id); }
std::string frag_words(int64_t v) {
    return "(page " + std::to_string(trace::frag_page(v)) + ", off " + std::to_string(trace::frag_off(v)) + ", size " +
           std::to_string(trace::frag_size(v)) + ")";
}

// What a change sets, and to what: "write_seq" / "1100". Empty subject for
// changes that are not an assignment (skb_new, skb_free ...).
struct Assignment {
    std::string subject, value;
};
Assignment assignment(const Change& c) {
    switch (c.op) {
        case Op::sock_set: return {sock_field(c.field), std::to_string(c.value)};
        case Op::skb_set: return {skb_name(c.target) + "'s " + skb_field(c.field), std::to_string(c.value)};
        case Op::skb_frag: return {skb_name(c.target) + " fragment " + std::to_string(c.field), frag_words(c.value)};
        case Op::page_set: return {page_name(c.target) + "'s count", std::to_string(c.value)};
        case Op::arg: return {"argument " + arg_field(c.field), std::to_string(c.value)};
        default: return {};
    }
}

std::string describe(const Change& c) {
    if (auto as = assignment(c); !as.subject.empty()) {
        if (c.op == Op::arg) return "has " + as.subject + " = " + as.value;
        return "sets " + as.subject + " to " + as.value;
    }
    switch (c.op) {
        case Op::skb_new: return "creates " + skb_name(c.target);
        case Op::skb_link:
            return "links " + skb_name(c.target) +
                   (c.value == 0 ? " at the head of the write queue"
                                 : " after " + skb_name(static_cast<uint32_t>(c.value)));
        case Op::skb_unlink: return "unlinks " + skb_name(c.target) + " from the write queue";
        case Op::skb_free: return "frees " + skb_name(c.target);
        case Op::page_new: return "creates " + page_name(c.target);
        case Op::page_free: return "frees " + page_name(c.target);
        default: return "makes change " + std::string(trace::op_name(c.op));
    }
}

std::string change_difference(const Change& a, const Change& b) {
    if (a.op == b.op && a.field == b.field && a.target == b.target) {
        const Assignment x = assignment(a), y = assignment(b);
        if (!x.subject.empty()) {
            if (a.op == Op::arg) return x.subject + " is " + x.value + " in A, " + y.value + " in B";
            return "A sets " + x.subject + " to " + x.value + ", B to " + y.value;
        }
        if (a.op == Op::skb_link) {
            auto pos = [](const Change& c) {
                return c.value == 0 ? std::string("at the head") : "after " + skb_name(static_cast<uint32_t>(c.value));
            };
            return "A links " + skb_name(a.target) + " " + pos(a) + ", B " + pos(b);
        }
    }
    return "A " + describe(a) + ", B " + describe(b);
}

// The first difference inside one event (same index in both traces), or "".
std::string event_difference(const Trace& ta, const Trace& tb, std::size_t i) {
    const Event& a = ta.events[i];
    const Event& b = tb.events[i];
    const std::string idx = "event " + std::to_string(i);
    const std::string same_state = "; state before it is identical";
    if (a.kind != b.kind || a.func != b.func)
        return idx + " differs: A has " + event_words(ta, a) + ", B has " + event_words(tb, b) + same_state;
    const std::string head =
        idx + " (" + std::string(trace::kind_name(a.kind)) + " in " + std::string(trace::func_name(a.func)) + ")";
    if (!trace::same_emit_place(ta, a, tb, b))
        return head + " differs: A took it at " + trace::source_place(ta, a) + ", B at " + trace::source_place(tb, b) +
               same_state;
    if (a.call != b.call || a.depth != b.depth)
        return head + " differs: A is in send() call " + std::to_string(a.call) + " at depth " +
               std::to_string(a.depth) + ", B in call " + std::to_string(b.call) + " at depth " +
               std::to_string(b.depth) + same_state;
    if (a.time_us != b.time_us)
        return head + " differs: A happens at " + format_time_us(a.time_us) + ", B at " + format_time_us(b.time_us) +
               same_state;
    const std::vector<Change> ca(ta.changes_begin(a), ta.changes_end(a));
    const std::vector<Change> cb(tb.changes_begin(b), tb.changes_end(b));
    if (ca == cb) return {};
    // Match equal changes first, so one extra change on one side is reported
    // as that, not as a shifted list where everything seems to differ.
    std::vector<Change> only_a, only_b;
    std::vector<bool> used(cb.size(), false);
    for (const Change& c : ca) {
        std::size_t k = 0;
        while (k < cb.size() && (used[k] || !(cb[k] == c))) ++k;
        if (k < cb.size()) used[k] = true;
        else only_a.push_back(c);
    }
    for (std::size_t k = 0; k < cb.size(); ++k)
        if (!used[k]) only_b.push_back(cb[k]);
    for (const Change& x : only_a)
        for (const Change& y : only_b)
            if (x.op == y.op && x.field == y.field && x.target == y.target)
                return head + ": " + change_difference(x, y);
    if (only_a.empty() && only_b.empty()) return head + ": the same changes, in a different order";
    if (only_a.empty()) return head + ": B also " + describe(only_b.front()) + "; A does not";
    if (only_b.empty()) return head + ": A also " + describe(only_a.front()) + "; B does not";
    return head + ": " + change_difference(only_a.front(), only_b.front());
}

std::string frame_difference(const Trace& ta, const Trace& tb) {
    const std::size_t n = std::min(ta.frames.size(), tb.frames.size());
    std::vector<uint8_t> scratch_a, scratch_b;
    for (std::size_t i = 0; i < n; ++i) {
        const trace::Frame& a = ta.frames[i];
        const trace::Frame& b = tb.frames[i];
        const std::string idx = "frame " + std::to_string(i);
        if (a.dir != b.dir)
            return idx + " differs: A " + (a.dir ? "received" : "sent") + " it, B " + (b.dir ? "received" : "sent") +
                   " it";
        if (a.time_us != b.time_us)
            return idx + " differs: A has it at " + format_time_us(a.time_us) + ", B at " + format_time_us(b.time_us);
        if (a.event != b.event || a.skb != b.skb)
            return idx + " differs: A ties it to event " + std::to_string(a.event) + " and skb " +
                   std::to_string(a.skb) + ", B to event " + std::to_string(b.event) + " and skb " +
                   std::to_string(b.skb);
        if (a.dropped != b.dropped) return idx + " differs: it is dropped in " + (a.dropped ? "A" : "B") + " only";
        if (a.length != b.length)
            return idx + " differs: A's is " + std::to_string(a.length) + " bytes long, B's " +
                   std::to_string(b.length);
        const auto pa = ta.frame_data(a, scratch_a);
        const auto pb = tb.frame_data(b, scratch_b);
        if (pa.size() != a.length || pb.size() != b.length)
            return idx + ": its bytes are missing from " + (pa.size() != a.length ? "A" : "B") + " (a damaged trace)";
        for (uint32_t k = 0; k < a.length; ++k)
            if (pa[k] != pb[k])
                return idx + " differs at byte " + std::to_string(k) + ": A has " + std::to_string(pa[k]) + ", B has " +
                       std::to_string(pb[k]);
    }
    if (ta.frames.size() != tb.frames.size())
        return "A has " + std::to_string(ta.frames.size()) + " frames, B has " + std::to_string(tb.frames.size());
    return {};
}

std::string length_difference(const Trace& ta, const Trace& tb) {
    const std::size_t na = ta.events.size(), nb = tb.events.size();
    if (na == nb) return {};
    const bool a_longer = na > nb;
    const Trace& longer = a_longer ? ta : tb;
    const std::size_t n = std::min(na, nb);
    return std::string(a_longer ? "B" : "A") + " ends after " + std::to_string(n) + " events; " +
           (a_longer ? "A" : "B") + " goes on with " + std::to_string(std::max(na, nb) - n) +
           " more, starting with event " + std::to_string(n) + ": " + event_words(longer, longer.events[n]);
}

int run(const ParsedArgs& args) {
    const std::string& pa = args.positional[0];
    const std::string& pb = args.positional[1];
    const Trace ta = trace::load_trace(pa);
    trace::validate_trace(ta, pa);
    const Trace tb = trace::load_trace(pb);
    trace::validate_trace(tb, pb);

    std::vector<std::string> found;
    auto add = [&](std::vector<std::string> v) { found.insert(found.end(), v.begin(), v.end()); };
    add(json_differences("scenario", ta.scenario, tb.scenario));
    add(json_differences("options", ta.options, tb.options));

    std::string first;
    const std::size_t n = std::min(ta.events.size(), tb.events.size());
    for (std::size_t i = 0; i < n && first.empty(); ++i) first = event_difference(ta, tb, i);
    if (first.empty()) first = length_difference(ta, tb);
    if (first.empty() && ta.end_reason != tb.end_reason)
        first = "the events are identical but A ended \"" + ta.end_reason + "\" and B \"" + tb.end_reason + "\"";
    if (first.empty()) first = frame_difference(ta, tb);
    if (!first.empty()) found.push_back(first);
    else if (!found.empty())
        found.push_back("the events and frames are identical (" + std::to_string(ta.events.size()) + " events, " +
                        std::to_string(ta.frames.size()) + " frames)");

    if (found.empty()) {
        std::cout << "identical: " << ta.events.size() << " events, " << ta.frames.size() << " frames\n";
        return kExitOk;
    }
    std::cout << "A: " << pa << "\nB: " << pb << "\n";
    if (ta.engine_version != tb.engine_version)
        std::cout << "note: A was written by sendpath " << ta.engine_version << ", B by " << tb.engine_version << "\n";
    for (const auto& line : found) std::cout << line << "\n";
    return kExitFail;
}

}  // namespace

const Verb& verb_diff() {
    static const Verb v{{"diff",
                         "Compare two traces and tell where they first part ways.",
                         {"A", "B"},
                         {},
                         "Reports differences in the scenario and engine options first, then the first event\n"
                         "that differs (its kind, function and engine source line, or the first state change\n"
                         "or argument that differs), or where one trace ends and the other goes on, then\n"
                         "frames. Everything before the first differing event is identical, state included.\n\n"
                         "exit status (as diff(1)): 0 identical, 1 different, 2 bad input.\n\n"
                         "example:\n"
                         "  sendpath-cli diff old.json new.json\n"},
                        run};
    return v;
}

}  // namespace sendpath::cli
