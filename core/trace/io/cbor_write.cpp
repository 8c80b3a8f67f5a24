// write_trace_cbor: the compact form, streamed like the JSON writer. Ids and
// field values are delta coded (detail.hpp, DeltaState), and the file carries
// the name tables behind its ids, so it reads without this build's enums.
#include "trace/trace_io.hpp"

#include <vector>

#include "trace/io/detail.hpp"

namespace sendpath::trace {

using namespace io;

namespace {

void put_head(std::string& b, uint8_t major, uint64_t v) {
    const auto m = static_cast<char>(major << 5);
    if (v < 24) {
        b += static_cast<char>(m | static_cast<char>(v));
        return;
    }
    int n;
    if (v <= 0xff) {
        b += static_cast<char>(m | 24);
        n = 1;
    } else if (v <= 0xffff) {
        b += static_cast<char>(m | 25);
        n = 2;
    } else if (v <= 0xffffffff) {
        b += static_cast<char>(m | 26);
        n = 4;
    } else {
        b += static_cast<char>(m | 27);
        n = 8;
    }
    for (int k = n - 1; k >= 0; --k) b += static_cast<char>((v >> (8 * k)) & 0xff);
}
void put_int(std::string& b, int64_t v) {
    if (v >= 0) put_head(b, 0, static_cast<uint64_t>(v));
    else put_head(b, 1, static_cast<uint64_t>(-1 - v));
}
void put_text(std::string& b, std::string_view s) {
    // CBOR text is UTF-8 and the reader refuses anything else: a name from a
    // broken device is written the way the JSON writer puts it (U+FFFD).
    if (!valid_utf8(s)) return put_text(b, utf8_replaced(s));
    put_head(b, 3, s.size());
    b.append(s);
}
void put_json(std::string& b, const json& j) {
    const auto v = json::to_cbor(j);
    b.append(reinterpret_cast<const char*>(v.data()), v.size());
}
void put_names(std::string& b, const NameTable& n) {
    put_head(b, 4, n.list().size());
    for (auto s : n.list()) put_text(b, s);
}

void put_change_cbor(std::string& b, const Change& c, DeltaState& d) {
    const Shape& s = shape(c.op);
    put_int(b, static_cast<int64_t>(c.op));
    if (s.target == TargetKind::skb) {
        put_int(b, static_cast<int64_t>(c.target) - d.skb);
        d.skb = c.target;
    } else if (s.target == TargetKind::page) {
        put_int(b, static_cast<int64_t>(c.target) - d.page);
        d.page = c.target;
    }
    if (s.field != FieldKind::none) put_int(b, c.field);
    if (s.value == ValueKind::frag) {
        put_int(b, frag_page(c.value));
        put_int(b, frag_off(c.value));
        put_int(b, frag_size(c.value));
    } else if (s.value == ValueKind::value && s.field == FieldKind::sock) {
        put_int(b, wrap_sub(c.value, d.sock[c.field]));
        d.sock[c.field] = c.value;
    } else if (s.value == ValueKind::value && s.field == FieldKind::skb) {
        put_int(b, wrap_sub(c.value, d.skbf[c.field]));
        d.skbf[c.field] = c.value;
    } else if (s.value != ValueKind::none) {
        put_int(b, c.value);
    }
}

}  // namespace

void write_trace_cbor(const Trace& t, std::ostream& out) {
    validate_trace(t, kWriteName);
    Sink sink(out);
    std::string& b = sink.buf;
    const bool stacks = !t.stacks.empty();  // without stacks, the bytes are those of a trace from before stacks
    put_head(b, 5, stacks ? 11 : 10);
    put_text(b, "format");
    put_text(b, kFormatName);
    put_text(b, "format_version");
    put_int(b, kFormatVersion);
    put_text(b, "engine_version");
    put_text(b, t.engine_version);
    put_text(b, "scenario");
    put_json(b, t.scenario);
    put_text(b, "options");
    put_json(b, t.options);
    put_text(b, "files");
    put_head(b, 4, t.files.size());
    for (const auto& f : t.files) put_text(b, f);
    if (stacks) {
        put_text(b, "stacks");
        put_head(b, 4, t.stacks.size());
        for (const auto& st : t.stacks) {
            put_head(b, 4, st.size());
            for (Func f : st) put_int(b, static_cast<int64_t>(f));
        }
    }
    put_text(b, "end_reason");
    put_text(b, t.end_reason);
    // The names behind every id, so the file reads without this build's enums.
    put_text(b, "tables");
    put_head(b, 5, 6);
    put_text(b, "kinds");
    put_names(b, kind_names());
    put_text(b, "functions");
    put_names(b, func_names());
    put_text(b, "ops");
    put_names(b, op_names());
    put_text(b, "args");
    put_names(b, arg_names());
    put_text(b, "sock_fields");
    put_names(b, sock_field_names());
    put_text(b, "skb_fields");
    put_names(b, skb_field_names());

    put_text(b, "events");
    put_head(b, 4, t.events.size());
    int64_t prev_time = 0, prev_call = 0;
    DeltaState delta;
    for (const Event& e : t.events) {
        std::size_t items = stacks ? 8 : 7;
        for (const Change* c = t.changes_begin(e); c != t.changes_end(e); ++c) items += 1 + operand_count(c->op);
        put_head(b, 4, items);
        put_int(b, e.time_us - prev_time);
        put_int(b, static_cast<int64_t>(e.kind));
        put_int(b, static_cast<int64_t>(e.func));
        put_int(b, e.depth);
        put_int(b, e.file);
        put_int(b, e.site != kNoSite ? int64_t{e.site} : -int64_t{e.line} - 1);
        put_int(b, static_cast<int64_t>(e.call) - prev_call);
        if (stacks) put_int(b, e.stack == kNoStack ? -1 : static_cast<int64_t>(e.stack));
        prev_time = e.time_us;
        prev_call = e.call;
        for (const Change* c = t.changes_begin(e); c != t.changes_end(e); ++c) put_change_cbor(b, *c, delta);
        sink.maybe_flush();
    }
    put_text(b, "frames");
    put_head(b, 4, t.frames.size());
    std::vector<uint8_t> scratch;
    for (std::size_t k = 0; k < t.frames.size(); ++k) {
        const Frame& f = t.frames[k];
        const auto bytes = whole_frame(t, k, scratch);
        put_head(b, 4, 6);
        put_int(b, f.time_us);
        put_int(b, f.dir);
        put_int(b, f.event);
        put_int(b, f.skb);
        b += static_cast<char>(f.dropped ? 0xf5 : 0xf4);
        put_head(b, 2, f.length);
        b.append(reinterpret_cast<const char*>(bytes.data()), f.length);
        sink.maybe_flush();
    }
    sink.flush();
}

}  // namespace sendpath::trace
