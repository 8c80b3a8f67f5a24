// The verbs of sendpath-cli and the helpers they share.
//
// Each verb lives in its own cmd_<verb>.cpp and exposes one Verb: its spec
// (options, --help text) and the function that runs it. main.cpp holds the
// one list of verbs; adding a verb is one file plus one line there.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "cli/args.hpp"

namespace sendpath::cli {

struct Verb {
    VerbSpec spec;
    // Returns the exit status. May throw UsageError (2), InputError (2),
    // RuntimeError or any other std::exception (1); main() reports those.
    int (*run)(const ParsedArgs& args);
};

const Verb& verb_run();
const Verb& verb_export();
const Verb& verb_check();
const Verb& verb_diff();
const Verb& verb_lessons();
const Verb& verb_answers();
const Verb& verb_grade();
const Verb& verb_events();

// Fails early, before any work, when path cannot be written: its directory
// does not exist or is not writable, or path is a directory. Throws InputError
// (exit 2) naming the option it came from.
void check_output_path(const std::string& path, const std::string& option);

// Writes an output: to standard output when path is "-" (a failed write
// throws RuntimeError), else to a temporary file renamed into place.
void write_output(const std::string& path, const std::function<void(std::ostream&)>& write);

// "1.234567 s" for a time in microseconds.
std::string format_time_us(int64_t us);
// "-11 (EAGAIN)" for a negative errno, "1000" for a byte count.
std::string format_ret(int64_t ret);

}  // namespace sendpath::cli
