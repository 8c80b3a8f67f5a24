// A small command-line parser for sendpath-cli's verbs.
//
// Each verb declares its options and positional arguments in a VerbSpec; the
// same spec produces the verb's --help text, so the help can never drift from
// what the parser accepts. Problems throw UsageError (exit status 2).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace sendpath::cli {

// Exit statuses (README "Command line"): success; a runtime failure or a
// finding (check found a problem, diff found a difference); bad usage or input.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFail = 1;
inline constexpr int kExitUsage = 2;

// Bad command line. main() prints it with the verb's usage line and exits 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    std::string name;        // long name without dashes: "output"
    char short_name = 0;     // 'o', or 0
    std::string value_name;  // "FILE"; empty for a flag
    std::string help;
    bool required = false;  // shown in the usage line; ParsedArgs::required() enforces it
};

struct VerbSpec {
    std::string name;     // "run"
    std::string summary;  // one line for `sendpath-cli --help`
    // Names of the positional arguments, in order. "[DIR]" may be left out (only
    // at the end); "ANSWERS..." (the last one) may be given more than once.
    std::vector<std::string> positional;
    std::vector<OptionSpec> options;  // --help is implied
    std::string description;          // paragraphs after the option list (examples, notes)
};

struct ParsedArgs {
    std::vector<std::string> positional;
    std::map<std::string, std::string> values;  // options that take a value
    std::map<std::string, bool> flags;          // flags that were given
    bool help = false;

    bool flag(const std::string& name) const { return flags.count(name) != 0; }
    std::optional<std::string> value(const std::string& name) const;
    // The value of a required option; throws UsageError naming it if absent.
    const std::string& required(const std::string& name) const;
};

// Parses args (everything after the verb). Accepts --name VALUE, --name=VALUE,
// -x VALUE, and "--" to end the options. An option given twice, an unknown
// option, a missing value or the wrong number of positional arguments throws
// UsageError. With --help/-h anywhere, returns at once with help = true.
ParsedArgs parse_args(const VerbSpec& spec, std::span<const std::string> args);

// "usage: sendpath-cli run SCENARIO -o TRACE [options]" style synopsis.
std::string usage_line(const VerbSpec& spec);
// The whole --help text of a verb.
std::string help_text(const VerbSpec& spec);

}  // namespace sendpath::cli
