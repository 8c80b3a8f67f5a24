// validate_trace: the checks of a trace beyond its syntax (ranges, indexes
// into the other tables, time order). Both readers end with it and every
// writer starts with it, so it stands on its own.
#include "trace/trace_io.hpp"

#include <string_view>
#include <unordered_map>

#include "model/state.hpp"
#include "trace/io/detail.hpp"
#include "util/errors.hpp"

namespace sendpath::trace {

using namespace io;

void validate_trace(const Trace& t, const std::string& name) {
    auto fail = [&](const std::string& place, const std::string& expected) { throw InputError(name, place, expected); };
    if (t.format_version < kOldestFormatVersion || t.format_version > kFormatVersion)
        fail("/format_version", format_version_expected() + ", found " + std::to_string(t.format_version));
    if (t.files.size() > kMaxFiles)
        fail("/files", "at most " + std::to_string(kMaxFiles) + " files, found " + std::to_string(t.files.size()));
    {
        std::unordered_map<std::string_view, std::size_t> seen;
        for (std::size_t k = 0; k < t.files.size(); ++k) {
            auto [it, fresh] = seen.emplace(t.files[k], k);
            if (!fresh)
                fail("/files/" + std::to_string(k), "each file listed once; " + quote_short(t.files[k]) +
                                                        " is also /files/" + std::to_string(it->second));
        }
    }

    if (t.stacks.size() >= kNoStack) fail("/stacks", "fewer than 4294967295 call stacks");
    for (std::size_t k = 0; k < t.stacks.size(); ++k) {
        const auto& st = t.stacks[k];
        if (st.empty() || st.size() > static_cast<std::size_t>(kMaxDepth) + 1)
            fail("/stacks/" + std::to_string(k), "a call stack of 1 to " + std::to_string(kMaxDepth + 1) +
                                                     " functions (outermost first), found " +
                                                     std::to_string(st.size()));
        for (std::size_t d = 0; d < st.size(); ++d)
            if (st[d] >= Func::count_)
                fail("/stacks/" + std::to_string(k) + "/" + std::to_string(d),
                     "a function id below " + std::to_string(static_cast<int>(Func::count_)) + ", found " +
                         std::to_string(static_cast<int>(st[d])));
    }

    // Events and frames each come in time order, from 0.
    int64_t prev_time = 0;
    auto check_time = [&](const std::string& place, int64_t time, const char* whose, const char* rule) {
        if (time < 0) fail(place, "a time in microseconds, 0 or more, found " + std::to_string(time));
        if (time < prev_time)
            fail(place, std::string("a time no earlier than the previous ") + whose + " (" + std::to_string(prev_time) +
                            " us): " + rule + ", found " + std::to_string(time));
        prev_time = time;
    };
    uint64_t next_change = 0;
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const Event& e = t.events[i];
        check_time(ev_place(i) + "/t", e.time_us, "event's", "times never go backwards");
        if (static_cast<std::size_t>(e.kind) >= kKindCount)
            fail(ev_place(i) + "/kind", "an event kind id below " + std::to_string(kKindCount) + ", found " +
                                            std::to_string(static_cast<int>(e.kind)));
        if (e.func >= Func::count_)
            fail(ev_place(i) + "/function", "a function id below " + std::to_string(static_cast<int>(Func::count_)) +
                                                ", found " + std::to_string(static_cast<int>(e.func)));
        if (e.depth > kMaxDepth)
            fail(ev_place(i) + "/depth",
                 "a call depth from 0 to " + std::to_string(kMaxDepth) + ", found " + std::to_string(e.depth));
        if (e.stack != kNoStack) {
            if (e.stack >= t.stacks.size())
                fail(ev_place(i) + "/stack", "a call stack index below " + std::to_string(t.stacks.size()) +
                                                 " (the trace lists " + std::to_string(t.stacks.size()) +
                                                 " stacks), found " + std::to_string(e.stack));
            const auto& st = t.stacks[e.stack];
            if (st.size() != std::size_t{e.depth} + 1 || st.back() != e.func)
                fail(ev_place(i) + "/stack",
                     "a call stack that ends in the event's function " + quote_short(func_name(e.func)) +
                         " at its depth " + std::to_string(e.depth) + " (" + std::to_string(e.depth + 1) +
                         " functions), found /stacks/" + std::to_string(e.stack) + ": " + std::to_string(st.size()) +
                         " functions ending in " + quote_short(func_name(st.back())));
        }
        if (e.file >= t.files.size())
            fail(ev_place(i) + "/file", "a file id below " + std::to_string(t.files.size()) + " (the trace lists " +
                                            std::to_string(t.files.size()) + " files), found " +
                                            std::to_string(e.file));
        if (e.change_begin != next_change)
            fail(ev_place(i) + "/changes", "changes that start where the previous event's end (change " +
                                               std::to_string(next_change) + "), found change " +
                                               std::to_string(e.change_begin));
        if (e.change_end < e.change_begin || e.change_end > t.changes.size())
            fail(ev_place(i) + "/changes", "a change range inside the trace's " + std::to_string(t.changes.size()) +
                                               " changes, found [" + std::to_string(e.change_begin) + ", " +
                                               std::to_string(e.change_end) + ")");
        next_change = e.change_end;

        for (uint32_t c = e.change_begin; c < e.change_end; ++c) {
            const Change& ch = t.changes[c];
            const std::size_t j = c - e.change_begin;
            auto cfail = [&](std::string_view key, const std::string& expected) {
                fail(ch_place(i, j) + "/" + std::string(key), expected);
            };
            if (ch.op >= Op::count_)
                cfail("op", "a change op id below " + std::to_string(static_cast<int>(Op::count_)) + ", found " +
                                std::to_string(static_cast<int>(ch.op)));
            const Shape& s = shape(ch.op);
            auto opn = [&] { return std::string(op_name(ch.op)); };
            switch (s.field) {
                case FieldKind::none:
                    if (ch.field != 0)
                        cfail("field", "0 (" + opn() + " has no field), found " + std::to_string(ch.field));
                    break;
                case FieldKind::sock:
                    if (ch.field >= model::kSockFieldCount)
                        cfail("field", "a socket field id below " + std::to_string(model::kSockFieldCount) +
                                           ", found " + std::to_string(ch.field));
                    break;
                case FieldKind::skb:
                    if (ch.field >= model::kSkbFieldCount)
                        cfail("field", "an skb field id below " + std::to_string(model::kSkbFieldCount) + ", found " +
                                           std::to_string(ch.field));
                    break;
                case FieldKind::frag_index:
                    if (ch.field >= model::MAX_SKB_FRAGS)
                        cfail("index", "a fragment index from 0 to " + std::to_string(model::MAX_SKB_FRAGS - 1) +
                                           " (MAX_SKB_FRAGS is " + std::to_string(model::MAX_SKB_FRAGS) + "), found " +
                                           std::to_string(ch.field));
                    break;
                case FieldKind::arg:
                    if (ch.field >= static_cast<uint8_t>(Arg::count_))
                        cfail("arg", "an argument id below " + std::to_string(static_cast<int>(Arg::count_)) +
                                         ", found " + std::to_string(ch.field));
                    break;
            }
            if (s.target == TargetKind::none) {
                if (ch.target != 0)
                    cfail("target", "0 (" + opn() + " has no target), found " + std::to_string(ch.target));
            } else if (ch.target == 0) {
                cfail(target_key(s.target),
                      "an " + std::string(target_key(s.target)) + " id of 1 or more (ids start at 1), found 0");
            }
            if (s.value == ValueKind::none && ch.value != 0)
                cfail("value", "0 (" + opn() + " has no value), found " + std::to_string(ch.value));
            if (s.value == ValueKind::after && (ch.value < 0 || ch.value > kU32Max))
                cfail("after", "an skb id from 0 (the head of the queue) to " + std::to_string(kU32Max) + ", found " +
                                   std::to_string(ch.value));
        }
    }
    if (next_change != t.changes.size())
        fail("/events", "every change inside some event's range: changes " + std::to_string(next_change) + " to " +
                            std::to_string(t.changes.size() - 1) + " belong to no event");

    uint64_t next_byte = 0;
    prev_time = 0;
    for (std::size_t k = 0; k < t.frames.size(); ++k) {
        const Frame& f = t.frames[k];
        check_time(fr_place(k) + "/t", f.time_us, "frame's", "frames are in time order");
        if (f.event >= t.events.size())
            fail(fr_place(k) + "/event", "the index of an event of this trace (below " +
                                             std::to_string(t.events.size()) + "), found " + std::to_string(f.event));
        if (f.dir > 1) fail(fr_place(k) + "/dir", "0 (out) or 1 (in), found " + std::to_string(f.dir));
        if (f.dropped > 1) fail(fr_place(k) + "/dropped", "0 or 1, found " + std::to_string(f.dropped));
        if (f.offset != next_byte)
            fail(fr_place(k) + "/hex", "frame bytes that follow the previous frame's (offset " +
                                           std::to_string(next_byte) + "), found offset " + std::to_string(f.offset));
        if (f.payload_len > f.length || static_cast<uint64_t>(f.offset) + f.stored() > t.frame_bytes.size())
            fail(fr_place(k) + "/hex", "a byte range inside the trace's " + std::to_string(t.frame_bytes.size()) +
                                           " frame bytes, found offset " + std::to_string(f.offset) + " length " +
                                           std::to_string(f.stored()));
        if (f.payload_len > 0 && (f.payload_at > t.sent.size() || f.payload_len > t.sent.size() - f.payload_at))
            fail(fr_place(k) + "/hex", "a payload inside the " + std::to_string(t.sent.size()) + " bytes sent, found " +
                                           std::to_string(f.payload_len) + " bytes at " + std::to_string(f.payload_at));
        next_byte += f.stored();
    }
    if (next_byte != t.frame_bytes.size())
        fail("/frames", "every frame byte inside some frame: " + std::to_string(t.frame_bytes.size() - next_byte) +
                            " bytes belong to no frame");
}

}  // namespace sendpath::trace
