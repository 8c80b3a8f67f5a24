// write_trace_json: the readable form, streamed one event (frame) per line.
// It builds no nlohmann::json for the whole file (a trace can hold millions
// of events); nlohmann only writes the scenario and options objects and
// escapes strings.
#include "trace/trace_io.hpp"

#include <vector>

#include "trace/io/detail.hpp"

namespace sendpath::trace {

using namespace io;

namespace {

void append_change_json(std::string& b, const Change& c) {
    const Shape& s = shape(c.op);
    b += "{\"op\":\"";
    b += op_name(c.op);
    b += '"';
    if (s.target != TargetKind::none) {
        b += ",\"";
        b += target_key(s.target);
        b += "\":";
        append_int(b, c.target);
    }
    switch (s.field) {
        case FieldKind::none: break;
        case FieldKind::frag_index:
            b += ",\"index\":";
            append_int(b, c.field);
            break;
        case FieldKind::sock:
        case FieldKind::skb:
        case FieldKind::arg:
            b += ",\"";
            b += field_key(s.field);
            b += "\":\"";
            b += field_names(s.field).list()[c.field];
            b += '"';
            break;
    }
    switch (s.value) {
        case ValueKind::none: break;
        case ValueKind::frag:
            b += ",\"page\":";
            append_int(b, frag_page(c.value));
            b += ",\"off\":";
            append_int(b, frag_off(c.value));
            b += ",\"size\":";
            append_int(b, frag_size(c.value));
            break;
        case ValueKind::value:
        case ValueKind::after:
        case ValueKind::count:
            b += ",\"";
            b += value_key(s.value);
            b += "\":";
            append_int(b, c.value);
            break;
    }
    b += '}';
}

void append_hex(std::string& b, const uint8_t* p, std::size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (std::size_t i = 0; i < n; ++i) {
        b += kHex[p[i] >> 4];
        b += kHex[p[i] & 15];
    }
}

}  // namespace

void write_trace_json(const Trace& t, std::ostream& out) {
    validate_trace(t, kWriteName);
    Sink sink(out);
    std::string& b = sink.buf;
    b += "{\"format\":";
    b += json_string(kFormatName);
    b += ",\"format_version\":";
    append_int(b, kFormatVersion);
    b += ",\"engine_version\":";
    b += json_string(t.engine_version);
    b += ",\n\"scenario\":";
    b += json_text(t.scenario);
    b += ",\n\"options\":";
    b += json_text(t.options);
    b += ",\n\"files\":[";
    std::vector<std::string> file_json;
    for (std::size_t k = 0; k < t.files.size(); ++k) {
        file_json.push_back(json_string(t.files[k]));
        if (k) b += ',';
        b += file_json.back();
    }
    b += ']';
    if (!t.stacks.empty()) {
        // Written only when recorded, so a trace without stacks keeps its old bytes.
        b += ",\n\"stacks\":[";
        for (std::size_t k = 0; k < t.stacks.size(); ++k) {
            b += k ? ",\n[" : "\n[";
            for (std::size_t d = 0; d < t.stacks[k].size(); ++d) {
                b += d ? ",\"" : "\"";
                b += func_name(t.stacks[k][d]);
                b += '"';
            }
            b += ']';
        }
        b += "\n]";
    }
    b += ",\n\"end_reason\":";
    b += json_string(t.end_reason);
    b += ",\n\"events\":[";
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const Event& e = t.events[i];
        b += i ? ",\n{\"i\":" : "\n{\"i\":";
        append_int(b, static_cast<int64_t>(i));
        b += ",\"t\":";
        append_int(b, e.time_us);
        b += ",\"kind\":\"";
        b += kind_name(e.kind);
        b += "\",\"function\":\"";
        b += func_name(e.func);
        b += "\",\"depth\":";
        append_int(b, e.depth);
        b += ",\"file\":";
        b += file_json[e.file];
        if (e.site != kNoSite) {
            b += ",\"site\":";
            append_int(b, e.site);
        } else {
            b += ",\"line\":";
            append_int(b, e.line);
        }
        b += ",\"call\":";
        append_int(b, e.call);
        if (e.stack != kNoStack) {
            b += ",\"stack\":";
            append_int(b, e.stack);
        }
        const Change* cb = t.changes_begin(e);
        const Change* ce = t.changes_end(e);
        // "args" repeats the first value of each argument (as Trace::arg reads it).
        uint64_t seen = 0;
        bool any = false;
        for (const Change* c = cb; c != ce; ++c) {
            if (c->op != Op::arg || (seen >> c->field) & 1) continue;
            seen |= uint64_t{1} << c->field;
            b += any ? ",\"" : ",\"args\":{\"";
            any = true;
            b += arg_name(static_cast<Arg>(c->field));
            b += "\":";
            append_int(b, c->value);
        }
        if (any) b += '}';
        if (cb != ce) {
            b += ",\"changes\":[";
            for (const Change* c = cb; c != ce; ++c) {
                if (c != cb) b += ',';
                append_change_json(b, *c);
            }
            b += ']';
        }
        b += '}';
        sink.maybe_flush();
    }
    b += t.events.empty() ? "],\n\"frames\":[" : "\n],\n\"frames\":[";
    std::vector<uint8_t> scratch;
    for (std::size_t k = 0; k < t.frames.size(); ++k) {
        const Frame& f = t.frames[k];
        b += k ? ",\n{\"i\":" : "\n{\"i\":";
        append_int(b, static_cast<int64_t>(k));
        b += ",\"t\":";
        append_int(b, f.time_us);
        b += f.dir ? ",\"dir\":\"in\"" : ",\"dir\":\"out\"";
        b += ",\"event\":";
        append_int(b, f.event);
        b += ",\"skb\":";
        append_int(b, f.skb);
        b += f.dropped ? ",\"dropped\":true" : ",\"dropped\":false";
        b += ",\"hex\":\"";
        append_hex(b, whole_frame(t, k, scratch).data(), f.length);
        b += "\"}";
        sink.maybe_flush();
    }
    b += t.frames.empty() ? "]}\n" : "\n]}\n";
    sink.flush();
}

}  // namespace sendpath::trace
