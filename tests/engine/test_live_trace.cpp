// A live view (the GUI's live mode) watches the trace while the engine writes
// it: RunHooks::on_trace sees every event as soon as it exists, and a Replay
// that grows with Replay::extend gives the same states as one built at the end.
#include <doctest/doctest.h>

#include "support/scenarios.hpp"
#include "trace/replay.hpp"

using namespace sendpath;

TEST_CASE("a growing trace: on_trace sees each event with its changes and frames, and Replay::extend keeps up") {
    const auto sc = sptest::scenario_from_text(R"({
        "name": "live", "socket": {"sndbuf": 16384},
        "timeline": [{"send": 60000}, {"close": true}]})",
                                               "<live>");
    trace::Trace copy;  // what a live view copies out, event by event
    std::size_t seen = 0;
    engine::RunHooks hooks;
    hooks.on_trace = [&](const trace::Trace& partial, uint32_t index) {
        CHECK(index == seen);
        REQUIRE(partial.events.size() == index + 1u);
        const trace::Event& e = partial.events[index];
        CHECK(e.change_end <= partial.changes.size());
        // Frames of this event are already there.
        for (std::size_t f = copy.frames.size(); f < partial.frames.size(); ++f)
            CHECK(partial.frames[f].event <= index);
        copy.events.push_back(e);
        copy.changes.assign(partial.changes.begin(), partial.changes.end());
        copy.frames.assign(partial.frames.begin(), partial.frames.end());
        ++seen;
    };
    const trace::Trace full = engine::run_scenario(sc, engine::Options{}, hooks);
    CHECK(seen == full.events.size());
    CHECK(copy.events == full.events);
    CHECK(copy.changes == full.changes);

    // Replay built on the first third, then extended twice, seeks like one built on the whole.
    trace::Trace growing;
    growing.events.assign(full.events.begin(), full.events.begin() + full.events.size() / 3);
    growing.changes = full.changes;
    trace::Replay live(growing, 64);
    CHECK(live.size() == full.events.size() / 3);
    growing.events.assign(full.events.begin(), full.events.begin() + 2 * full.events.size() / 3);
    live.extend();
    growing.events = full.events;
    live.extend();
    REQUIRE(live.size() == full.events.size());
    trace::Replay whole(full, 64);
    for (std::size_t i = 0; i < full.events.size(); i += 7) CHECK(live.seek(i) == whole.seek(i));
    CHECK(live.seek(full.events.size() - 1) == whole.seek(full.events.size() - 1));
}
