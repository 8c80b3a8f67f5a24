// The fuzz entry points, shared by the libFuzzer programs (libfuzzer_main.cpp,
// built with clang when SENDPATH_FUZZ=ON) and the corpus replay test
// (test_corpus.cpp, built with every compiler).
//
// Each entry takes one input as bytes and returns 0. Input the program must
// refuse is fine (a clean InputError); anything else the entry throws
// FuzzFailure for, naming what broke: a reader that lets another exception
// out, two readers that disagree, a round trip that changes a trace, an
// invariant that breaks. libFuzzer reports the uncaught exception as a crash
// and saves the input; the replay test reports it as a failed check.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sendpath::fuzz {

class FuzzFailure : public std::logic_error {
public:
    explicit FuzzFailure(const std::string& what) : std::logic_error(what) {}
};

// Trace JSON: the fast scanner and the general reader agree (same Trace, or
// the fast one gives up); a trace that loads replays and survives a JSON and
// a CBOR round trip unchanged.
int fuzz_trace_json(const uint8_t* data, std::size_t size);
// Trace CBOR: the whole-buffer and the windowed stream reader agree; a trace
// that loads replays and round-trips.
int fuzz_trace_cbor(const uint8_t* data, std::size_t size);
// Scenario JSON: refused cleanly, or read, written back and read again to the
// same Scenario; a small one is run and its trace checked.
int fuzz_scenario(const uint8_t* data, std::size_t size);
// Lesson JSON (its scenario paths resolved in lessons/): refused cleanly, or
// its expressions are evaluated on the prepared trace of the lesson with the
// same id (else 01-first-send's).
int fuzz_lesson(const uint8_t* data, std::size_t size);
// Answers JSON against lessons/01-first-send.json and its key: read, graded.
int fuzz_answers(const uint8_t* data, std::size_t size);
// Engine options JSON: refused cleanly, or read and written back unchanged.
int fuzz_engine_options(const uint8_t* data, std::size_t size);
// One Ethernet frame through parse_frame and summarize_frame; a TCP frame
// that parses is emitted again and parses to the same headers and payload.
int fuzz_frame(const uint8_t* data, std::size_t size);
// The engine's receive path: the first byte picks a TCP state (SYN_SENT,
// ESTABLISHED with data in flight, FIN_WAIT1, TIME_WAIT), the rest is a list
// of frames (raw, or TCP headers the target fills in with valid checksums)
// delivered to a connection in that state. The trace validates, replays to the
// engine's own state, every frame in it checks, and the model's invariants
// hold after every event.
int fuzz_receive(const uint8_t* data, std::size_t size);

struct Target {
    std::string_view name;  // the corpus folder under tests/fuzz/corpus
    int (*entry)(const uint8_t*, std::size_t);
};
const std::vector<Target>& all_targets();

}  // namespace sendpath::fuzz
