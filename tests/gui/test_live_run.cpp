// Live mode: a scenario run by the engine on a worker thread while the
// document is stepped (gui/model/live_run, document, navigate). No window:
// the moves go through resolve_move + want + pull, as App::run_move does.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <string>

#include "gui/document_io.hpp"
#include "gui/model/breakpoints.hpp"
#include "gui/model/document.hpp"
#include "gui/model/kernel_view.hpp"
#include "gui/model/live_run.hpp"
#include "gui/model/navigate.hpp"
#include "lesson/grade.hpp"
#include "lesson/lesson.hpp"
#include "lesson/scenario.hpp"
#include "run/runner.hpp"
#include "support/files.hpp"
#include "support/trace_query.hpp"
#include "trace/replay.hpp"

using namespace sendpath;
using namespace sendpath::gui;

namespace {

lesson::Scenario scenario(const std::string& rel) { return lesson::load_scenario(sptest::source_path(rel)); }

// 18013 events: a 2 MB send, a 100-byte one whose sendmsg_enter (event 8072)
// is far past the first budget, then another 2 MB.
const char* kBig = "tests/gui/data/live_big.json";

std::unique_ptr<Document> live_doc(const lesson::Scenario& sc) {
    LiveRun::Config cfg;
    cfg.scenario = sc;
    cfg.initial_budget = Document::kAhead + 1;
    return std::make_unique<Document>(std::make_unique<LiveRun>(std::move(cfg)), "live", "scenario");
}

// One user move, the way App::run_move drives it (without its time budget).
std::size_t move(Document& d, CommandType t, const std::vector<Breakpoint>& bps = {}, std::size_t n = 0,
                 std::string* status = nullptr) {
    Move m;
    m.type = t;
    m.n = n;
    m.from = d.cursor();
    std::string st;
    for (int guard = 0; guard < 100000; ++guard) {
        if (auto to = resolve_move(d, m, bps, &st)) {
            d.seek(*to);
            if (status) *status = st;
            return *to;
        }
        d.want(events_wanted(d, m));
        d.pull(d.live_tap() ? 50 : 0);
    }
    FAIL("the move never landed");
    return 0;
}

// Threads of this process (the worker is one while it runs).
int thread_count() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
    return -1;
}

// Field by field first, so a failure says which part differs.
void check_same(const trace::Trace& a, const trace::Trace& b) {
    CHECK(a.events.size() == b.events.size());
    CHECK(a.events == b.events);
    CHECK(a.changes == b.changes);
    CHECK(a.frames == b.frames);
    CHECK(a.frame_bytes == b.frame_bytes);
    CHECK(a.end_reason == b.end_reason);
    CHECK(a.scenario == b.scenario);
    CHECK(a.options == b.options);
    CHECK(a.files == b.files);
    CHECK(a.stacks == b.stacks);
    CHECK(a.engine_version == b.engine_version);
    CHECK(a.format_version == b.format_version);
    CHECK(a == b);
}

std::size_t first_index_of(const trace::Trace& t, trace::Kind k, std::size_t after) {
    return sptest::find_next(t, k, after).value_or(t.events.size());
}

}  // namespace

TEST_CASE("live: the run waits kAhead events past the cursor, and stepping past the end grows the trace") {
    const auto sc = scenario(kBig);
    auto doc = live_doc(sc);
    REQUIRE(doc->live());
    CHECK(doc->size() == Document::kAhead + 1);  // the run waits for the user, deterministically
    CHECK(doc->produced() == doc->size());
    CHECK(doc->trace().end_reason.empty());
    CHECK(doc->trace().files.size() > 0);  // scenario, options and files came with the first events

    // Nothing moves: nothing grows.
    doc->pull();
    CHECK(doc->size() == Document::kAhead + 1);

    // Stepping well inside the budget does not grow the trace (each growth
    // makes views rebuild their caches): only within kAhead/2 of its end.
    move(*doc, CommandType::jump_to, {}, Document::kAhead / 2 - 10);
    doc->pull();
    CHECK(doc->size() == Document::kAhead + 1);

    // At the last event so far, step into: the next event exists now.
    const std::size_t last = doc->size() - 1;
    move(*doc, CommandType::jump_to, {}, last);
    CHECK(doc->cursor() == last);
    const uint64_t id_before = doc->id();
    CHECK(move(*doc, CommandType::step_into) == last + 1);
    CHECK(doc->size() > last + 1);
    CHECK(doc->id() != id_before);  // views keyed by the id see the new events
    CHECK(doc->live());

    // A jump far past the end pulls until that event exists, not to the end.
    CHECK(move(*doc, CommandType::jump_to, {}, 7000) == 7000);
    CHECK(doc->live());
    CHECK(doc->size() <= 7000 + 2 * Document::kAhead + 1);
    CHECK(doc->state().sk.at(model::SF::write_seq) ==
          trace::Replay(doc->trace()).seek(7000).sk.at(model::SF::write_seq));
}

TEST_CASE("live: the trace built live is the trace run_scenario makes") {
    for (const char* rel : {kBig, "tests/scenarios/retransmit_rto.json", "tests/scenarios/wait_for_sndbuf.json",
                            "tests/scenarios/signal_eintr.json", "tests/scenarios/econnreset.json"}) {
        CAPTURE(rel);
        const auto sc = scenario(rel);
        const trace::Trace full = engine::run_scenario(sc, engine::Options{});

        // Through the document: End plays the run to its end.
        auto doc = live_doc(sc);
        std::string status;
        CHECK(move(*doc, CommandType::last, {}, 0, &status) == full.events.size() - 1);
        CHECK(!doc->live());
        CHECK(doc->was_live());
        CHECK(doc->trace().events.back().kind == trace::Kind::run_end);
        CHECK(doc->trace().end_reason == full.end_reason);
        check_same(doc->trace(), full);

        // One event at a time: every budget boundary falls between two events somewhere.
        LiveRun::Config cfg;
        cfg.scenario = sc;
        cfg.initial_budget = 1;
        LiveRun run(std::move(cfg));
        trace::Trace t;
        trace::Replay r(t);
        for (std::size_t k = 1; k < 100000 && !run.done(); ++k) {
            run.allow(k);
            run.settle();
            const std::size_t added = run.drain(t);
            r.extend();  // each slice replays on its own
            if (!run.ended()) CHECK(added <= 1);
        }
        CHECK(run.done());
        check_same(t, full);
    }
}

TEST_CASE("live: continue pulls events until a breakpoint hits, and no further than the budget past it") {
    const auto sc = scenario(kBig);
    const trace::Trace full = engine::run_scenario(sc, engine::Options{});
    const std::size_t first = first_index_of(full, trace::Kind::sendmsg_enter, 0);
    const std::size_t second = first_index_of(full, trace::Kind::sendmsg_enter, first);
    REQUIRE(second < full.events.size());
    REQUIRE(second > 3 * Document::kAhead);  // far past what the run makes before anyone asks

    auto doc = live_doc(sc);
    std::vector<Breakpoint> bps{kind_breakpoint(trace::Kind::sendmsg_enter)};
    std::string status;
    CHECK(move(*doc, CommandType::continue_forward, bps, 0, &status) == first);
    CHECK(move(*doc, CommandType::continue_forward, bps, 0, &status) == second);
    CHECK(status == "Stopped at a breakpoint: event " + std::to_string(second));
    CHECK(doc->live());  // the run is not over: it was pulled only as far as needed
    CHECK(doc->size() < full.events.size());

    // The third send(), then no more hits: continue runs to the end of the run and says so.
    const std::size_t third = first_index_of(full, trace::Kind::sendmsg_enter, second);
    CHECK(move(*doc, CommandType::continue_forward, bps, 0, &status) == third);
    CHECK(move(*doc, CommandType::continue_forward, bps, 0, &status) == full.events.size() - 1);
    CHECK(status == "No breakpoint hit: stopped at the last event");
    CHECK(!doc->live());
    check_same(doc->trace(), full);

    // Backward moves never wait.
    CHECK(move(*doc, CommandType::continue_backward, bps, 0, &status) == third);
}

TEST_CASE("live: closing a document mid-run ends the run and joins its worker") {
    const int before = thread_count();
    const auto sc = scenario(kBig);
    {
        auto doc = live_doc(sc);
        REQUIRE(doc->live());
        CHECK(thread_count() == before + 1);  // the worker, waiting for budget
        const auto t0 = std::chrono::steady_clock::now();
        doc.reset();
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
    }
    CHECK(thread_count() == before);

    // stop(): the run ends with that reason at once, and what it made replays.
    LiveRun::Config cfg;
    cfg.scenario = sc;
    cfg.initial_budget = 500;
    LiveRun run(std::move(cfg));
    run.settle();
    CHECK(!run.ended());
    run.stop("closed in a test");
    CHECK(run.ended());
    trace::Trace t;
    run.drain(t);
    CHECK(run.done());
    CHECK(t.end_reason.rfind("closed in a test", 0) == 0);
    REQUIRE(!t.events.empty());
    CHECK(t.events.back().kind == trace::Kind::run_end);
    CHECK(t.events.size() < 1000);
    CHECK_NOTHROW(trace::Replay{t});

    // A document stopped by hand keeps its trace and leaves live mode.
    auto doc = live_doc(sc);
    doc->stop_live("stopped from the File menu");
    CHECK(!doc->live());
    CHECK(doc->trace().end_reason.rfind("stopped from the File menu", 0) == 0);
    CHECK(doc->trace().events.back().kind == trace::Kind::run_end);
}

TEST_CASE("live: a scenario that cannot start throws from the document's constructor") {
    // A tap peer without a device to open: the run fails before its first event.
    auto sc = scenario(kBig);
    sc.peer.type = "tap";
    sc.peer.dev = "sp-no-such-tap";
    sc.peer.connect = "10.99.0.1:5001";
    LiveRun::Config cfg;
    cfg.scenario = sc;
    const int before = thread_count();
    CHECK_THROWS(Document(std::make_unique<LiveRun>(std::move(cfg)), "tap", "scenario"));
    CHECK(thread_count() == before);
}

TEST_CASE("live: a lesson opens live, and its trace is the one its answer key was computed on") {
    const std::string path = std::string(SENDPATH_SOURCE_DIR) + "/lessons/09-full-sndbuf.json";
    auto doc = load_document(path);
    REQUIRE(doc->lesson);
    CHECK(doc->source_kind() == "lesson");
    CHECK(doc->was_live());
    const lesson::Lesson l = lesson::load_lesson(path);
    const trace::Trace full = engine::run_scenario(l.scenario, engine::Options{});
    move(*doc, CommandType::last);
    CHECK(!doc->live());
    check_same(doc->trace(), full);
    // Same trace, same key: every question's event is where the key says.
    const auto key = lesson::compute_answer_key(l, full);
    CHECK(key.step_events == doc->lesson->key.step_events);
}

TEST_CASE("live: the kernel view's checkbox keeps the reader's choice while the trace grows") {
    const auto sc = scenario(kBig);
    auto doc = live_doc(sc);
    KernelViewChoice choice;
    CHECK_FALSE(choice.for_doc(*doc));  // a plain scenario: off by default
    choice.for_doc(*doc) = true;        // the reader turns it on
    const uint64_t id_before = doc->id(), serial = doc->serial();
    CHECK(move(*doc, CommandType::jump_to, {}, 7000) == 7000);
    REQUIRE(doc->id() != id_before);  // the trace grew: per-trace caches are rebuilt
    CHECK(doc->serial() == serial);
    CHECK(choice.for_doc(*doc));  // ... but the reader's choice stays
    // Another document takes its own default: a lesson's is on.
    LoadOptions lo;
    lo.live = false;
    auto lesson_doc = load_document(sptest::source_path("lessons/01-first-send.json"), lo);
    CHECK(lesson_doc->serial() != serial);
    CHECK(choice.for_doc(*lesson_doc));
    choice.for_doc(*lesson_doc) = false;
    CHECK_FALSE(choice.for_doc(*lesson_doc));
}
