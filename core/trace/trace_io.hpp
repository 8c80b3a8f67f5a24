// Reading and writing trace files.
//
// Two encodings with the same content: JSON (readable; each event an object
// whose "kind" holds its snake_case name) and CBOR (compact, through
// nlohmann/json). The format is described in README.md and by
// assets/trace.schema.json. Readers validate everything and throw InputError
// naming the file, the place and what was expected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "trace/event.hpp"

namespace sendpath::trace {

enum class TraceFormat { json, cbor };

void write_trace_json(const Trace& t, std::ostream& out);
void write_trace_cbor(const Trace& t, std::ostream& out);

// name is used in error messages (usually the path).
Trace parse_trace_json(std::string_view text, const std::string& name);
Trace parse_trace_cbor(std::span<const uint8_t> bytes, const std::string& name);
// The same from a seekable stream, read window bytes at a time, so a big file
// is never held whole in memory (load_trace reads CBOR files this way; tests
// pass tiny windows to cross many window edges).
Trace parse_trace_cbor(std::istream& in, const std::string& name, std::size_t window = std::size_t{4} << 20);

// Reads a file in either encoding (detected from its first byte).
Trace load_trace(const std::string& path);
// Writes atomically (temporary file, then rename) in the given encoding.
void save_trace(const Trace& t, const std::string& path, TraceFormat fmt);
// ".cbor" -> cbor, anything else -> json.
TraceFormat format_for_path(const std::string& path);

// One row per event: index,time_us,call,depth,function,kind,file,line,args,changes
void write_events_csv(const Trace& t, std::ostream& out);

// Checks that the trace is internally consistent beyond its syntax: change
// ranges, frame offsets and event references are in bounds, times never go
// backwards. Throws InputError(name, place, expected).
void validate_trace(const Trace& t, const std::string& name);

}  // namespace sendpath::trace
