// The table of event kinds (trace/event_doc.hpp) against the engine: every
// emit site's kind names the function(s) it models, the arguments recorded
// just before each SP_EMIT in the source are documented for its kind, and
// every argument that any event of any shipped run carries is documented for
// that event's kind. So the events page (assets/events.md) and the GUI's
// hover text cannot leave out an argument the engine records.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "lesson/lesson.hpp"
#include "support/files.hpp"
#include "support/scenarios.hpp"
#include "trace/emit_site.hpp"
#include "trace/event_doc.hpp"
#include "trace/recorder.hpp"
#include "trace/trace_io.hpp"

namespace fs = std::filesystem;
using namespace sendpath;
using trace::Arg;
using trace::Kind;

namespace {

std::string undocumented(Kind k, Arg a, const std::string& where) {
    return "event kind `" + std::string(trace::kind_name(k)) + "` carries argument `" +
           std::string(trace::arg_name(a)) + "` (" + where +
           "), which its entry in core/trace/event_doc.cpp does not document: add {Arg::" +
           std::string(trace::arg_name(a)) + ", \"<what it means, its unit>\"} to the entry's arguments, then " +
           "regenerate assets/events.md (build/core/sendpath-cli events --markdown -o assets/events.md)";
}

// Which (kind, argument) pairs the runs showed; checked against the table.
struct Seen {
    std::map<Kind, std::set<Arg>> args;
    std::set<Kind> kinds;
    std::size_t events = 0, traces = 0;

    void check(const trace::Trace& t, const std::string& name) {
        ++traces;
        for (std::size_t i = 0; i < t.events.size(); ++i) {
            const auto& e = t.events[i];
            kinds.insert(e.kind);
            ++events;
            for (uint32_t c = e.change_begin; c < e.change_end; ++c) {
                const trace::Change& ch = t.changes[c];
                if (ch.op != trace::Op::arg) continue;
                const auto a = static_cast<Arg>(ch.field);
                // Each undocumented pair is reported once, where it was first seen.
                if (args[e.kind].insert(a).second && trace::arg_doc(e.kind, a).empty())
                    FAIL_CHECK(undocumented(e.kind, a, "first seen in " + name + ", event " + std::to_string(i)));
            }
        }
    }
};

// Read from the source: the arguments an SP_EMIT's own lines record, from the
// previous emit (or the start of the function) down to it, with the line
// that records each. Arguments set in a helper elsewhere (sk_stream_error's
// sigpipe) are left to the runs below.
struct SourceArg {
    Kind kind;
    Arg arg;
    std::string where;  // "recorded at line N before the SP_EMIT at file:line"
};
std::vector<SourceArg> args_in_source() {
    const std::regex arg_call(R"(\.arg\(\s*Arg::(\w+))");
    std::vector<SourceArg> out;
    for (const auto& s : trace::emit_sites()) {
        const auto lines = sptest::source_lines(std::string(trace::kEngineFiles[s.file]));
        REQUIRE(s.line >= 1);
        REQUIRE(s.line <= lines.size());
        const std::string place = std::string(trace::kEngineFiles[s.file]) + ":" + std::to_string(s.line);
        // Upwards from the line before the emit, to the previous emit or a line
        // that starts at column 0 (a function's head, a label, a namespace).
        for (std::size_t l = s.line - 1; l-- > 0;) {
            const std::string& text = lines[l];
            if (text.empty()) continue;
            if (text[0] != ' ' ||
                (text.find("EMIT(") != std::string::npos && text.find("#define") == std::string::npos))
                break;
            for (std::sregex_iterator m(text.begin(), text.end(), arg_call), end; m != end; ++m) {
                Arg a{};
                const std::string name = (*m)[1];
                REQUIRE_MESSAGE(trace::arg_by_name(name, a), place << ": Arg::" << name);
                out.push_back(
                    {s.kind, a, "recorded at line " + std::to_string(l + 1) + " before the SP_EMIT at " + place});
            }
        }
    }
    return out;
}

}  // namespace

TEST_CASE("every emit site's kind has an entry naming the function(s) it models") {
    REQUIRE(!trace::emit_sites().empty());
    for (const auto& s : trace::emit_sites()) {
        const std::string kind(trace::kind_name(s.kind));
        const std::string place = std::string(trace::kEngineFiles[s.file]) + ":" + std::to_string(s.line);
        CAPTURE(place);
        const auto* d = trace::find_kind_doc(s.kind);
        if (!d) {
            FAIL_CHECK("SP_EMIT(rec_, " << kind << ") at " << place
                                        << " emits a kind with no entry in core/trace/event_doc.cpp: add one "
                                           "(see `trace: every event kind has an entry ...` for the form)");
            continue;
        }
        CHECK_MESSAGE(!d->functions.empty(),
                      "SP_EMIT(rec_, " << kind << ") at " << place << ": its kind's entry lists no function");
    }
}

TEST_CASE("the arguments recorded before each SP_EMIT in the source are documented for its kind") {
    const auto found = args_in_source();
    CHECK(found.size() > 100);
    for (const auto& f : found)
        if (trace::arg_doc(f.kind, f.arg).empty()) FAIL_CHECK(undocumented(f.kind, f.arg, f.where));
}

TEST_CASE("every argument of every event of the shipped runs and prepared traces is documented for its kind") {
    Seen seen;
    for (const auto& file : sptest::shipped_scenarios()) {
        const auto sc = lesson::load_scenario(file);
        if (sc.peer.type == "tap") continue;  // needs root: its recorded traces are read below
        const std::string name = fs::path(file).filename().string();
        seen.check(run::run_scenario(sc, engine::Options{}), name);
        engine::Options modern;  // sendpath-cli run --no-linear-copy --autocork
        modern.linear_copy = false;
        modern.autocork = true;
        seen.check(run::run_scenario(sc, modern), name + " (modern options)");
    }
    for (const auto& entry : fs::directory_iterator(fs::path(SENDPATH_SOURCE_DIR) / "lessons")) {
        if (entry.path().extension() != ".json") continue;
        const auto l = lesson::load_lesson(entry.path().string());
        if (l.is_tap()) continue;
        seen.check(run::run_scenario(l.scenario, engine::Options{}), entry.path().filename().string());
    }
    // The prepared traces, the ones recorded over TAP against the real kernel among them.
    for (const auto& entry : fs::directory_iterator(fs::path(SENDPATH_SOURCE_DIR) / "traces")) {
        const auto ext = entry.path().extension();
        if (ext != ".json" && ext != ".cbor") continue;
        seen.check(trace::load_trace(entry.path().string()), "traces/" + entry.path().filename().string());
    }
    CHECK(seen.traces >= 100);
    MESSAGE(seen.events << " events of " << seen.traces << " traces, " << seen.kinds.size() << " of "
                        << trace::kKindCount << " kinds");

    // The other way: a documented argument that no run shows and no line of
    // the source records before an emit of its kind is stale (renamed, or no
    // longer recorded). Some are only in the source: the runs never reach the
    // branch (an ACK below snd_una gets `reason`, a window probe without data `seq`).
    for (const auto& f : args_in_source()) seen.args[f.kind].insert(f.arg);
    for (const auto& d : trace::kind_docs())
        for (const auto& a : d.args)
            CHECK_MESSAGE(seen.args[d.kind].count(a.arg),
                          "event kind `" << trace::kind_name(d.kind) << "` documents argument `"
                                         << trace::arg_name(a.arg)
                                         << "`, which no event of that kind in the shipped runs carries and no "
                                            "line before its SP_EMIT records: remove it from "
                                            "core/trace/event_doc.cpp if the engine no longer records it");
}
