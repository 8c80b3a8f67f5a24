// Trace CBOR: the reader over a whole buffer and the one over a stream read a
// few bytes at a time (the first input byte picks the window, so window edges
// fall everywhere) accept the same files and read them to the same Trace.
#include <span>
#include <sstream>

#include "common.hpp"
#include "trace/trace_io.hpp"
#include "util/errors.hpp"

namespace sendpath::fuzz {

int fuzz_trace_cbor(const uint8_t* data, std::size_t size) {
    const std::string name = "fuzz.cbor";
    const std::size_t window = size > 0 ? std::size_t{1} + data[0] % 64 : 1;

    trace::Trace whole;
    std::string whole_error;
    try {
        whole = trace::parse_trace_cbor(std::span<const uint8_t>(data, size), name);
    } catch (const InputError& e) { whole_error = e.what(); }

    trace::Trace streamed;
    std::string stream_error;
    try {
        std::istringstream in(std::string(as_text(data, size)));
        streamed = trace::parse_trace_cbor(in, name, window);
    } catch (const InputError& e) { stream_error = e.what(); }

    expect(whole_error.empty() == stream_error.empty(), "the CBOR readers disagree (window " + std::to_string(window) +
                                                            "): whole buffer says \"" + whole_error +
                                                            "\", stream says \"" + stream_error + "\"");
    if (whole_error.empty()) {
        expect(whole == streamed, "the CBOR readers read the same file to different traces");
        check_loaded_trace(whole);
    }
    return 0;
}

}  // namespace sendpath::fuzz
