// The table of emit sites this build carries (trace/emit_site.hpp) against the
// engine's own source text: one site for every SP_EMIT, numbered in text
// order, each on the line it names. The GUI's Source view, CSV export and
// `diff` show lines from this table, so a wrong entry would point a student at
// the wrong line.
#include <doctest/doctest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "lesson/scenario.hpp"
#include "run/runner.hpp"
#include "trace/emit_site.hpp"
#include "trace/recorder.hpp"
#include "trace/trace_io.hpp"
#include "support/files.hpp"
#include "support/trace_query.hpp"

using namespace sendpath;

namespace {

// Lines (1-based) that hold an SP_EMIT call, or a call of tcp_sendmsg.cpp's
// EMIT(kind) shorthand for it: not a macro's definition, not a comment.
std::vector<uint32_t> emit_lines(const std::vector<std::string>& lines) {
    std::vector<uint32_t> out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& l = lines[i];
        const auto at = l.find("EMIT(");
        if (at == std::string::npos) continue;
        if (l.find("#define") != std::string::npos) continue;
        const auto comment = l.find("//");
        if (comment != std::string::npos && comment < at) continue;
        out.push_back(static_cast<uint32_t>(i + 1));
    }
    return out;
}

}  // namespace

TEST_CASE("every SP_EMIT of the engine is a site of this build, in text order, on its own line") {
    std::map<uint8_t, std::vector<trace::EmitSite>> by_file;
    for (const auto& s : trace::emit_sites()) by_file[s.file].push_back(s);

    std::size_t total = 0;
    for (uint8_t f = 0; f < std::size(trace::kEngineFiles); ++f) {
        const auto path = trace::kEngineFiles[f];
        CAPTURE(path);
        const auto lines = sptest::source_lines(std::string(path));
        REQUIRE(!lines.empty());
        const auto expected = emit_lines(lines);
        const auto& sites = by_file[f];
        REQUIRE(sites.size() == expected.size());
        for (std::size_t k = 0; k < sites.size(); ++k) {
            CAPTURE(k);
            CHECK(sites[k].ordinal == k);
            CHECK(sites[k].line == expected[k]);
            const std::string kind(trace::kind_name(sites[k].kind));
            const auto& text = lines[sites[k].line - 1];
            CHECK((text.find(", " + kind + ")") != std::string::npos ||
                   text.find("EMIT(" + kind + ")") != std::string::npos));
            CHECK(trace::find_emit_site(f, static_cast<uint16_t>(k)) == &trace::emit_sites()[total + k]);
        }
        total += sites.size();
    }
    CHECK(total == trace::emit_sites().size());
    CHECK(trace::find_emit_site(0, trace::kNoSite) == nullptr);
}

TEST_CASE("events of a run name their site, and the site gives back the line they were emitted on") {
    const auto sc = lesson::load_scenario(std::string(SENDPATH_SOURCE_DIR) + "/tests/scenarios/linear_then_pages.json");
    const auto t = run::run_scenario(sc, engine::Options{});
    REQUIRE(!t.events.empty());
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const auto& e = t.events[i];
        CAPTURE(i);
        REQUIRE(e.site != trace::kNoSite);
        const auto* s = trace::find_emit_site(e.file, e.site);
        REQUIRE(s != nullptr);
        CHECK(s->line == e.line);
        CHECK(s->kind == e.kind);
    }
}

namespace {

trace::Trace small_run() {
    const auto sc = lesson::load_scenario(std::string(SENDPATH_SOURCE_DIR) + "/tests/scenarios/linear_then_pages.json");
    return run::run_scenario(sc, engine::Options{});
}

// The trace as a format 1 file would hold it: each "site" replaced by the
// line this build gives it.
std::string as_format_1(const trace::Trace& t) {
    std::string j = sptest::as_json(t);
    j.replace(j.find("\"format_version\":2"), 18, "\"format_version\":1");
    std::size_t from = 0;
    for (const auto& e : t.events) {
        const std::string site = "\"site\":" + std::to_string(e.site) + ",";
        const auto at = j.find(site, from);
        REQUIRE(at != std::string::npos);
        const std::string line = "\"line\":" + std::to_string(e.line) + ",";
        j.replace(at, site.size(), line);
        from = at + line.size();
    }
    return j;
}

}  // namespace

TEST_CASE("a trace file names emit sites, never lines, and reads back with this build's lines") {
    const auto t = small_run();
    const std::string j = sptest::as_json(t);
    CHECK(j.find("\"format_version\":2") != std::string::npos);
    CHECK(j.find("\"line\":") == std::string::npos);
    CHECK(j.find("\"site\":") != std::string::npos);
    CHECK(trace::parse_trace_json(j, "t.json") == t);
    const auto c = sptest::as_cbor(t);
    CHECK(trace::parse_trace_cbor(c, "t.cbor") == t);
}

TEST_CASE("a format 1 trace (raw lines) still loads, its lines as written") {
    const auto t = small_run();
    const auto old = trace::parse_trace_json(as_format_1(t), "old.json");
    REQUIRE(old.events.size() == t.events.size());
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        CAPTURE(i);
        CHECK(old.events[i].site == trace::kNoSite);
        CHECK(old.events[i].line == t.events[i].line);
    }
    // Saved again, it is a format 2 file whose events keep their lines.
    const std::string again = sptest::as_json(old);
    CHECK(again.find("\"format_version\":2") != std::string::npos);
    CHECK(trace::parse_trace_json(again, "again.json") == old);
}

TEST_CASE("a site this build numbers as another kind gets no line, and messages name the site instead") {
    auto t = small_run();
    std::string j = sptest::as_json(t);
    // The first event (sendmsg_enter, in the runner's file) claims the site of another kind.
    const auto& e0 = t.events[0];
    const auto* other = trace::find_emit_site(trace::engine_file_id(t.files[e0.file]), 0);
    REQUIRE(other != nullptr);
    uint16_t wrong = 0;
    while (const auto* s = trace::find_emit_site(trace::engine_file_id(t.files[e0.file]), wrong)) {
        if (s->kind != e0.kind) break;
        ++wrong;
    }
    REQUIRE(trace::find_emit_site(trace::engine_file_id(t.files[e0.file]), wrong) != nullptr);
    const std::string site = "\"site\":" + std::to_string(e0.site) + ",";
    j.replace(j.find(site), site.size(), "\"site\":" + std::to_string(wrong) + ",");
    const auto read = trace::parse_trace_json(j, "moved.json");
    CHECK(read.events[0].line == 0);
    CHECK(trace::source_place(read, read.events[0]) == t.files[e0.file] + ", emit site " + std::to_string(wrong));
    CHECK(trace::source_place(t, t.events[0]) == t.files[e0.file] + ":" + std::to_string(e0.line));
}
