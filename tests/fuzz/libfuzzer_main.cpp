// The libFuzzer program of one target: SENDPATH_FUZZ_ENTRY names its entry
// point (targets/fuzz_targets.hpp). Built only with SENDPATH_FUZZ=ON (clang).
#include <cstdlib>

#include "fuzz_targets.hpp"
#include "trace/recorder.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // Runs refuse a change filed under another function's event, as in the
    // tests, unless SENDPATH_EMIT_RULE=0 says otherwise.
    const char* v = std::getenv("SENDPATH_EMIT_RULE");
    if (!v || !*v) sendpath::trace::set_emit_rule_default(true);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return sendpath::fuzz::SENDPATH_FUZZ_ENTRY(data, size);
}
