// sendpath-cli export: a trace in another form (JSON, CBOR, pcap, CSV of events).
#include <iostream>

#include "cli/commands.hpp"
#include "trace/pcap.hpp"
#include "trace/trace_io.hpp"
#include "util/errors.hpp"

namespace sendpath::cli {

namespace {

std::string format_from_extension(const std::string& path) {
    for (const char* ext : {"json", "cbor", "pcap", "csv"}) {
        const std::string dot = std::string(".") + ext;
        if (path.size() > dot.size() && path.compare(path.size() - dot.size(), dot.size(), dot) == 0) return ext;
    }
    return {};
}

void write_as(const trace::Trace& t, const std::string& format, std::ostream& os) {
    if (format == "json") trace::write_trace_json(t, os);
    else if (format == "cbor") trace::write_trace_cbor(t, os);
    else if (format == "pcap") trace::write_pcap(t, os);
    else trace::write_events_csv(t, os);
}

int run(const ParsedArgs& a) {
    const std::string& in = a.positional[0];
    const std::string& out = a.required("output");
    std::string format = a.value("format").value_or(format_from_extension(out));
    if (format.empty())
        throw UsageError("missing --format (json, cbor, pcap or csv); it cannot be guessed from the name " + out);
    if (format != "json" && format != "cbor" && format != "pcap" && format != "csv")
        throw UsageError("--format " + format + " is not one of json, cbor, pcap, csv");
    if (out != "-") check_output_path(out, "the " + format + " file (-o)");

    const trace::Trace t = trace::load_trace(in);
    write_output(out, [&](std::ostream& os) { write_as(t, format, os); });
    if (out == "-") return kExitOk;
    std::cout << out << ": " << t.events.size() << " events, " << t.frames.size() << " frames as " << format << "\n";
    return kExitOk;
}

}  // namespace

const Verb& verb_export() {
    static const Verb v{
        {"export",
         "Write a trace as JSON, CBOR, pcap (its frames) or CSV (one row per event).",
         {"TRACE"},
         {
             {"output", 'o', "FILE", "File to write; - writes to standard output.", true},
             {"format", 'f', "FORMAT", "json, cbor, pcap or csv; by default taken from the extension of -o."},
         },
         "The input may be JSON or CBOR (detected from its first byte). The output is written\n"
         "to a temporary file and renamed into place, so a failure never leaves half a file.\n\n"
         "examples:\n"
         "  sendpath-cli export page_merge.json --format csv -o page_merge.csv\n"
         "  sendpath-cli export page_merge.json -o page_merge.cbor\n"},
        run};
    return v;
}

}  // namespace sendpath::cli
