#include "fuzz_targets.hpp"

namespace sendpath::fuzz {

const std::vector<Target>& all_targets() {
    static const std::vector<Target> targets{
        {"trace_json", fuzz_trace_json}, {"trace_cbor", fuzz_trace_cbor}, {"scenario", fuzz_scenario},
        {"lesson", fuzz_lesson},         {"answers", fuzz_answers},       {"engine_options", fuzz_engine_options},
        {"frame", fuzz_frame},           {"receive", fuzz_receive},
    };
    return targets;
}

}  // namespace sendpath::fuzz
