// What the fuzz entry points share: the source tree's files, and the checks
// run on any trace a reader accepted or a run produced.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_targets.hpp"
#include "model/state.hpp"
#include "trace/event.hpp"

namespace sendpath::fuzz {

// A path in the source tree ("lessons/01-first-send.json").
std::string source_path(const std::string& relative);

inline std::string_view as_text(const uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] void fail(const std::string& what);
inline void expect(bool ok, const std::string& what) {
    if (!ok) fail(what);
}

// A trace a reader accepted: it replays event by event without an exception
// other than RuntimeError (what `check` reports as "does not replay"), and
// writing it as JSON and as CBOR and reading each back gives the same trace.
void check_loaded_trace(const trace::Trace& t);

// A trace the engine wrote: it validates, every frame in it checks, it
// replays, the model's invariants hold after every event, and the replayed
// final state equals `engine_final` when given.
void check_run_trace(const trace::Trace& t, const model::State* engine_final);

}  // namespace sendpath::fuzz
