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
    // The texts are string-table keys (util/message.hpp), said in the GUI's language.
    using util::Message;
    auto fail = [&](const std::string& place, const Message& expected) { throw InputError(name, place, expected); };
    auto num = [](auto v) { return Message(std::to_string(v)); };
    // "<what>, found <v>"
    auto found = [](Message what, Message v) {
        return Message::of("err.trace.found", {std::move(what), std::move(v)});
    };
    if (t.format_version < kOldestFormatVersion || t.format_version > kFormatVersion)
        fail("/format_version", found(format_version_expected_message(), num(t.format_version)));
    if (t.files.size() > kMaxFiles)
        fail("/files", found(Message::of("err.trace.max_files", {num(kMaxFiles)}), num(t.files.size())));
    {
        std::unordered_map<std::string_view, std::size_t> seen;
        for (std::size_t k = 0; k < t.files.size(); ++k) {
            auto [it, fresh] = seen.emplace(t.files[k], k);
            if (!fresh)
                fail("/files/" + std::to_string(k),
                     Message::of("err.trace.file_twice",
                                 {quote_short(t.files[k]), "/files/" + std::to_string(it->second)}));
        }
    }

    if (t.stacks.size() >= kNoStack) fail("/stacks", Message::of("err.trace.too_many_stacks"));
    for (std::size_t k = 0; k < t.stacks.size(); ++k) {
        const auto& st = t.stacks[k];
        if (st.empty() || st.size() > static_cast<std::size_t>(kMaxDepth) + 1)
            fail("/stacks/" + std::to_string(k),
                 Message::of("err.trace.stack_size", {num(kMaxDepth + 1), num(st.size())}));
        for (std::size_t d = 0; d < st.size(); ++d)
            if (st[d] >= Func::count_)
                fail("/stacks/" + std::to_string(k) + "/" + std::to_string(d),
                     found(Message::of("err.trace.id_below",
                                       {Message::of("err.names.function"), num(static_cast<int>(Func::count_))}),
                           num(static_cast<int>(st[d]))));
    }

    // Events and frames each come in time order, from 0.
    int64_t prev_time = 0;
    // kind: "event" or "frame" (the keys err.trace.time_order.<kind>).
    auto check_time = [&](const std::string& place, int64_t time, const char* kind) {
        if (time < 0) fail(place, found(Message::of("err.trace.time_not_negative"), num(time)));
        if (time < prev_time)
            fail(place, found(Message::of(std::string("err.trace.time_order.") + kind, {num(prev_time)}), num(time)));
        prev_time = time;
    };
    uint64_t next_change = 0;
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const Event& e = t.events[i];
        check_time(ev_place(i) + "/t", e.time_us, "event");
        if (static_cast<std::size_t>(e.kind) >= kKindCount)
            fail(ev_place(i) + "/kind",
                 found(Message::of("err.trace.id_below", {Message::of("err.names.kind"), num(kKindCount)}),
                       num(static_cast<int>(e.kind))));
        if (e.func >= Func::count_)
            fail(ev_place(i) + "/function",
                 found(Message::of("err.trace.id_below",
                                   {Message::of("err.names.function"), num(static_cast<int>(Func::count_))}),
                       num(static_cast<int>(e.func))));
        if (e.depth > kMaxDepth)
            fail(ev_place(i) + "/depth",
                 found(Message::of("err.what.range", {Message::of("err.trace.what.depth"), "0", num(kMaxDepth)}),
                       num(e.depth)));
        if (e.stack != kNoStack) {
            if (e.stack >= t.stacks.size())
                fail(ev_place(i) + "/stack",
                     found(Message::of("err.trace.stack_index", {num(t.stacks.size())}), num(e.stack)));
            const auto& st = t.stacks[e.stack];
            if (st.size() != std::size_t{e.depth} + 1 || st.back() != e.func)
                fail(ev_place(i) + "/stack",
                     Message::of("err.trace.stack_mismatch", {quote_short(func_name(e.func)), num(e.depth),
                                                              num(e.depth + 1), "/stacks/" + std::to_string(e.stack),
                                                              num(st.size()), quote_short(func_name(st.back()))}));
        }
        if (e.file >= t.files.size())
            fail(ev_place(i) + "/file", found(Message::of("err.trace.file_id", {num(t.files.size())}), num(e.file)));
        if (e.change_begin != next_change)
            fail(ev_place(i) + "/changes",
                 Message::of("err.trace.changes_start", {num(next_change), num(e.change_begin)}));
        if (e.change_end < e.change_begin || e.change_end > t.changes.size())
            fail(ev_place(i) + "/changes",
                 found(Message::of("err.trace.change_range", {num(t.changes.size())}),
                       "[" + std::to_string(e.change_begin) + ", " + std::to_string(e.change_end) + ")"));
        next_change = e.change_end;

        for (uint32_t c = e.change_begin; c < e.change_end; ++c) {
            const Change& ch = t.changes[c];
            const std::size_t j = c - e.change_begin;
            auto cfail = [&](std::string_view key, const Message& expected) {
                fail(ch_place(i, j) + "/" + std::string(key), expected);
            };
            if (ch.op >= Op::count_)
                cfail("op", found(Message::of("err.trace.id_below",
                                              {Message::of("err.names.op"), num(static_cast<int>(Op::count_))}),
                                  num(static_cast<int>(ch.op))));
            const Shape& s = shape(ch.op);
            auto opn = [&] { return Message(std::string(op_name(ch.op))); };
            switch (s.field) {
                case FieldKind::none:
                    if (ch.field != 0)
                        cfail("field", found(Message::of("err.trace.op_no_field", {opn()}), num(ch.field)));
                    break;
                case FieldKind::sock:
                    if (ch.field >= model::kSockFieldCount)
                        cfail("field", found(Message::of("err.trace.id_below",
                                                         {Message::of("err.names.sock"), num(model::kSockFieldCount)}),
                                             num(ch.field)));
                    break;
                case FieldKind::skb:
                    if (ch.field >= model::kSkbFieldCount)
                        cfail("field", found(Message::of("err.trace.id_below",
                                                         {Message::of("err.names.skb"), num(model::kSkbFieldCount)}),
                                             num(ch.field)));
                    break;
                case FieldKind::frag_index:
                    if (ch.field >= model::MAX_SKB_FRAGS)
                        cfail("index", found(Message::of("err.trace.frag_index",
                                                         {num(model::MAX_SKB_FRAGS - 1), num(model::MAX_SKB_FRAGS)}),
                                             num(ch.field)));
                    break;
                case FieldKind::arg:
                    if (ch.field >= static_cast<uint8_t>(Arg::count_))
                        cfail("arg", found(Message::of("err.trace.arg_id_below", {num(static_cast<int>(Arg::count_))}),
                                           num(ch.field)));
                    break;
            }
            if (s.target == TargetKind::none) {
                if (ch.target != 0)
                    cfail("target", found(Message::of("err.trace.op_no_target", {opn()}), num(ch.target)));
            } else if (ch.target == 0) {
                cfail(target_key(s.target),
                      Message::of(s.target == TargetKind::skb ? "err.trace.skb_id_zero" : "err.trace.page_id_zero"));
            }
            if (s.value == ValueKind::none && ch.value != 0)
                cfail("value", found(Message::of("err.trace.op_no_value", {opn()}), num(ch.value)));
            if (s.value == ValueKind::after && (ch.value < 0 || ch.value > kU32Max))
                cfail("after", found(Message::of("err.trace.after_range", {num(kU32Max)}), num(ch.value)));
        }
    }
    if (next_change != t.changes.size())
        fail("/events", Message::of("err.trace.orphan_changes", {num(next_change), num(t.changes.size() - 1)}));

    uint64_t next_byte = 0;
    prev_time = 0;
    for (std::size_t k = 0; k < t.frames.size(); ++k) {
        const Frame& f = t.frames[k];
        check_time(fr_place(k) + "/t", f.time_us, "frame");
        if (f.event >= t.events.size())
            fail(fr_place(k) + "/event",
                 found(Message::of("err.trace.frame_event", {num(t.events.size())}), num(f.event)));
        if (f.dir > 1) fail(fr_place(k) + "/dir", found(Message::of("err.trace.frame_dir"), num(f.dir)));
        if (f.dropped > 1) fail(fr_place(k) + "/dropped", found(Message::of("err.trace.zero_or_one"), num(f.dropped)));
        if (f.offset != next_byte)
            fail(fr_place(k) + "/hex", Message::of("err.trace.frame_offset", {num(next_byte), num(f.offset)}));
        if (f.payload_len > f.length || static_cast<uint64_t>(f.offset) + f.stored() > t.frame_bytes.size())
            fail(fr_place(k) + "/hex",
                 Message::of("err.trace.frame_range", {num(t.frame_bytes.size()), num(f.offset), num(f.stored())}));
        if (f.payload_len > 0 && (f.payload_at > t.sent.size() || f.payload_len > t.sent.size() - f.payload_at))
            fail(fr_place(k) + "/hex",
                 Message::of("err.trace.frame_payload", {num(t.sent.size()), num(f.payload_len), num(f.payload_at)}));
        next_byte += f.stored();
    }
    if (next_byte != t.frame_bytes.size())
        fail("/frames", Message::of("err.trace.orphan_bytes", {num(t.frame_bytes.size() - next_byte)}));
}

}  // namespace sendpath::trace
