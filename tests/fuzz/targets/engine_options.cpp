// Engine options JSON (`run --options FILE`): refused with an InputError, or
// read to Options that read back from their own to_json() unchanged.
#include "common.hpp"
#include "engine/options.hpp"
#include "lesson/json_read.hpp"
#include "lesson/scenario.hpp"
#include "run/runner.hpp"
#include "util/errors.hpp"

namespace sendpath::fuzz {

int fuzz_engine_options(const uint8_t* data, std::size_t size) {
    const std::string name = "fuzz-options.json";
    engine::Options opt;
    try {
        opt = engine::Options::from_json(lesson::json_read::parse_text(as_text(data, size), name), name);
    } catch (const InputError&) { return 0; }
    const nlohmann::json written = opt.to_json();
    engine::Options back;
    try {
        back = engine::Options::from_json(written, "to_json");
    } catch (const InputError& e) {
        fail(std::string("engine options' own to_json() does not read back: ") + e.what());
    }
    expect(back.to_json() == written, "engine options changed when read back from their to_json()");
    // The sizes feed the engine's arithmetic (truesize, select_size): a small
    // run with them must still keep the model's invariants.
    static const lesson::Scenario small = lesson::load_scenario(source_path("tests/scenarios/tail_append.json"));
    opt.trace = true;
    run::RunHooks hooks;
    hooks.reserve_trace = false;  // a small run: no bulk-send reservation (see receive.cpp)
    check_run_trace(run::run_scenario(small, opt, hooks), nullptr);
    return 0;
}

}  // namespace sendpath::fuzz
