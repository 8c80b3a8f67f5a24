// sendpath-cli: the headless face of sendpath (no display, no GUI libraries, no root).
//
//   sendpath-cli VERB [arguments] [options]
//
// The verbs are a table (as ImHex's subcommands and Tracy's tools); each one
// parses its own options from its VerbSpec. Exit status: 0 success, 1 runtime
// failure or a finding, 2 bad usage or bad input.
#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "trace/event.hpp"
#include "util/errors.hpp"

namespace {

using namespace sendpath;
using namespace sendpath::cli;

const std::vector<const Verb*>& verbs() {
    static const std::vector<const Verb*> list = {&verb_run(),     &verb_export(),  &verb_check(), &verb_diff(),
                                                  &verb_lessons(), &verb_answers(), &verb_grade(), &verb_events()};
    return list;
}

const Verb* find_verb(const std::string& name) {
    for (const Verb* v : verbs())
        if (v->spec.name == name) return v;
    return nullptr;
}

std::string top_usage() {
    return "usage: sendpath-cli VERB [arguments] [options]\n"
           "       sendpath-cli VERB --help\n"
           "       sendpath-cli --version\n";
}

std::string top_help() {
    std::string s = top_usage() +
                    "\nRuns sendpath scenarios headless and works with their traces: the log of every\n"
                    "decision the engine took on the way from send() to Ethernet frames.\n\nverbs:\n";
    for (const Verb* v : verbs())
        s += "  " + v->spec.name + std::string(10 - v->spec.name.size(), ' ') + v->spec.summary + "\n";
    s += "\nexit status: 0 success, 1 runtime failure or a finding (check, diff), 2 bad usage or bad input.\n"
         "Run 'sendpath-cli VERB --help' for a verb's options.\n";
    return s;
}

int usage_error(const std::string& what, const std::string& usage, const std::string& hint) {
    std::cerr << "sendpath-cli: " << what << "\n" << usage << hint;
    return kExitUsage;
}

int run_verb(const Verb& verb, const std::vector<std::string>& rest) {
    const std::string hint = "Try 'sendpath-cli " + verb.spec.name + " --help'.\n";
    try {
        const ParsedArgs args = parse_args(verb.spec, rest);
        if (args.help) {
            std::cout << help_text(verb.spec);
            return kExitOk;
        }
        return verb.run(args);
    } catch (const UsageError& e) {
        return usage_error(verb.spec.name + ": " + e.what(), usage_line(verb.spec) + "\n", hint);
    } catch (const InputError& e) {
        std::cerr << "sendpath-cli: " << e.what() << "\n";
        return kExitUsage;
    } catch (const RuntimeError& e) {
        std::cerr << "sendpath-cli: " << e.what() << "\n";
        return kExitFail;
    } catch (const std::bad_alloc&) {
        std::cerr << "sendpath-cli: out of memory\n";
        return kExitFail;
    } catch (const std::exception& e) {
        std::cerr << "sendpath-cli: " << verb.spec.name << " failed: " << e.what() << "\n";
        return kExitFail;
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    if (args.empty()) return usage_error("no verb given", top_usage(), "Try 'sendpath-cli --help'.\n");
    const std::string& first = args[0];
    if (first == "--help" || first == "-h" || first == "help") {
        if (first == "help" && args.size() > 1) {
            if (const Verb* v = find_verb(args[1])) {
                std::cout << help_text(v->spec);
                return kExitOk;
            }
            return usage_error("unknown verb '" + args[1] + "'", top_usage(), "Try 'sendpath-cli --help'.\n");
        }
        std::cout << top_help();
        return kExitOk;
    }
    if (first == "--version" || first == "-V") {
        std::cout << "sendpath-cli " << SENDPATH_VERSION << " (trace format " << trace::kFormatVersion << ")\n";
        return kExitOk;
    }
    const Verb* verb = find_verb(first);
    if (!verb) {
        const std::string what = first[0] == '-' ? "unknown option " + first : "unknown verb '" + first + "'";
        return usage_error(what, top_usage(), "Try 'sendpath-cli --help' for the list of verbs.\n");
    }
    return run_verb(*verb, std::vector<std::string>(args.begin() + 1, args.end()));
}
