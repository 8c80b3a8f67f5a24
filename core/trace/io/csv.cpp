// write_events_csv: one row per event, for spreadsheets. An export only (it
// is never read back), so it is apart from the two trace encodings.
#include "trace/trace_io.hpp"

#include <string>
#include <vector>

#include "trace/io/detail.hpp"

namespace sendpath::trace {

using namespace io;

void write_events_csv(const Trace& t, std::ostream& out) {
    // Only the file path is free text; quote it when it needs quoting (RFC 4180).
    auto csv_field = [](std::string_view s) {
        if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
        std::string q = "\"";
        for (char c : s) {
            if (c == '"') q += '"';
            q += c;
        }
        return q + "\"";
    };
    validate_trace(t, kWriteName);
    std::vector<std::string> files;
    for (const auto& f : t.files) files.push_back(csv_field(f));
    Sink sink(out);
    std::string& b = sink.buf;
    b += "index,time_us,call,depth,function,kind,file,line,args,changes\n";
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const Event& e = t.events[i];
        append_int(b, static_cast<int64_t>(i));
        b += ',';
        append_int(b, e.time_us);
        b += ',';
        append_int(b, e.call);
        b += ',';
        append_int(b, e.depth);
        b += ',';
        b += func_name(e.func);
        b += ',';
        b += kind_name(e.kind);
        b += ',';
        b += files[e.file];
        b += ',';
        append_int(b, e.line);
        b += ',';
        bool first = true;
        const Change* cb = t.changes_begin(e);
        const Change* ce = t.changes_end(e);
        for (const Change* c = cb; c != ce; ++c) {
            if (c->op != Op::arg) continue;
            if (!first) b += ';';
            first = false;
            b += arg_name(static_cast<Arg>(c->field));
            b += '=';
            append_int(b, c->value);
        }
        b += ',';
        append_int(b, static_cast<int64_t>(ce - cb));
        b += '\n';
        sink.maybe_flush();
    }
    sink.flush();
}

}  // namespace sendpath::trace
