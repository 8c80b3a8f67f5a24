// Trace JSON, differential: the fast scanner (json_fast.cpp) may give up on
// anything, but what it accepts the general reader (json_read.cpp) must
// accept too, and read to the same Trace.
#include <nlohmann/json.hpp>

#include "common.hpp"
#include "trace/io/detail.hpp"
#include "trace/trace_io.hpp"
#include "util/errors.hpp"

namespace sendpath::fuzz {

int fuzz_trace_json(const uint8_t* data, std::size_t size) {
    const std::string_view text = as_text(data, size);
    const std::string name = "fuzz.json";

    trace::Trace fast;
    bool fast_ok = false;
    try {
        trace::io::read_json_fast(text, fast);
        trace::io::finish_read(fast, name);
        fast_ok = true;
    } catch (const trace::io::NotCanonical&) {
    } catch (const InputError&) {
    } catch (const nlohmann::json::exception&) {
        // The fast path parses the small scenario and options objects with
        // nlohmann and hands any error over to the general reader.
    }

    trace::Trace general;
    std::string general_error;
    try {
        general = trace::io::read_json_general(text, name);
    } catch (const InputError& e) { general_error = e.what(); }

    if (fast_ok) {
        expect(general_error.empty(),
               "the fast JSON reader accepted a trace the general reader refuses: " + general_error);
        expect(fast == general, "the fast and the general JSON readers read the same file to different traces");
    }
    if (general_error.empty()) check_loaded_trace(general);
    return 0;
}

}  // namespace sendpath::fuzz
