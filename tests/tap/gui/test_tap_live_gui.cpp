// Live mode over TAP (gui/model/live_run): the GUI's document grows while the
// real kernel answers, to the end of the run, and the kernel receives every
// byte. Built with the GUI only (tests/gui/CMakeLists.txt: test_tap_live_gui,
// label tap); like every TAP test it needs CAP_NET_ADMIN and says "skipped"
// without it.
#include <doctest/doctest.h>

#include <chrono>

#include "gui/model/document.hpp"
#include "gui/model/live_run.hpp"
#include "run/tap_replay.hpp"
#include "tap/tap_support.hpp"
#include "trace/replay.hpp"

using namespace taptest;
using sendpath::trace::Kind;

namespace {

nlohmann::json transfer(int64_t bytes) {
    return {{"name", "live transfer"},
            {"timeline",
             nlohmann::json::array({{{"send", 1000}}, {{"sleep_ms", 300}}, {{"send", bytes}}, {{"close", true}}})},
            {"max_time_ms", 60000}};
}

}  // namespace

TEST_CASE("a live TAP document grows while the kernel answers, to the end, and the kernel gets every byte") {
    TAP_TEST_PRECONDITION();
    Netns ns;
    Receiver rx(ns);
    const int64_t size = 2 << 20;
    gui::LiveRun::Config cfg;
    cfg.scenario = tap_scenario(transfer(size));
    std::unique_ptr<gui::Document> doc;
    {
        InNetns in(ns.name());  // the worker thread starts in the namespace and stays there
        doc = std::make_unique<gui::Document>(std::make_unique<gui::LiveRun>(std::move(cfg)), "tap", "scenario");
    }
    REQUIRE(doc->live());
    CHECK(doc->live_tap());
    CHECK(doc->tap_device() == kDev);
    CHECK(!doc->empty());

    // Not gated: the run goes on in real time; each pull takes in what is new.
    std::size_t pulls_that_grew = 0, last = doc->size();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (doc->live() && std::chrono::steady_clock::now() < deadline) {
        doc->pull(20);
        if (doc->size() > last) ++pulls_that_grew;
        last = doc->size();
        doc->seek(doc->size() - 1);  // "follow the end": the cursor stays on the newest event
        CHECK(doc->cursor() == doc->size() - 1);
    }
    REQUIRE(!doc->live());
    CHECK(pulls_that_grew >= 3);  // it grew while running (the 300 ms sleep alone spans many pulls)

    const trace::Trace& t = doc->trace();
    CHECK(t.end_reason == "completed");
    CHECK(t.events.back().kind == Kind::run_end);
    const auto rep = rx.finish();
    CHECK(rep.end == "eof");
    CHECK(rep.bytes == size + 1000);
    CHECK(send_rets(t) == std::vector<int64_t>{1000, size});
    trace::Replay replay(t);
    const auto& end = replay.seek(t.events.size() - 1).sk;
    CHECK(end.snd_una == end.write_seq);  // everything, FIN included, acknowledged

    // The trace built live is exactly the engine's: re-running the engine on
    // its incoming frames (no device) gives the same events and changes.
    const trace::Trace again = peer::rerun_tap_trace(t);
    CHECK(again.end_reason == t.end_reason);
    CHECK(again.events == t.events);
    CHECK(again.changes == t.changes);
}

TEST_CASE("closing a live TAP document mid-run stops the run promptly") {
    TAP_TEST_PRECONDITION();
    Netns ns;
    Receiver rx(ns);
    gui::LiveRun::Config cfg;
    // A long sleep: the link waits in poll() for its next timer; closing must not wait for it.
    cfg.scenario =
        tap_scenario({{"name", "sleepy"},
                      {"timeline", nlohmann::json::array({{{"send", 100}}, {{"sleep_ms", 20000}}, {{"send", 100}}})},
                      {"max_time_ms", 60000}});
    std::unique_ptr<gui::Document> doc;
    {
        InNetns in(ns.name());
        doc = std::make_unique<gui::Document>(std::make_unique<gui::LiveRun>(std::move(cfg)), "tap", "scenario");
    }
    // Until the first send() is acknowledged and the sleep has begun.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline && count(doc->trace(), Kind::time_advance) == 0) doc->pull(20);
    REQUIRE(count(doc->trace(), Kind::time_advance) == 1);
    const auto t0 = std::chrono::steady_clock::now();
    doc->stop_live("closed");
    const auto took = std::chrono::steady_clock::now() - t0;
    CHECK(took < std::chrono::milliseconds(1000));
    CHECK(!doc->live());
    CHECK(doc->trace().end_reason.rfind("closed", 0) == 0);
    CHECK(count(doc->trace(), Kind::sendmsg_enter) == 1);  // the second send() never came
    doc.reset();
}
