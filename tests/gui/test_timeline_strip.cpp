// The timeline's strip (issue 13, graded lessons must not give answers
// away): while a lesson hides the future the strip spans only what has been
// revealed, so neither its columns nor the cursor's place on it tell how much
// of the run is left; outside lessons it spans the whole trace. The index the
// view uses gives the same columns as a walk over every event.
#include <doctest/doctest.h>

#include <algorithm>

#include "gui/document_io.hpp"
#include "gui/model/lesson_session.hpp"
#include "gui/model/timeline_strip.hpp"
#include "support/files.hpp"
#include "support/scenarios.hpp"

using namespace sendpath;
using namespace sendpath::gui;

namespace {
std::unique_ptr<Document> open_lesson(const std::string& name) {
    LoadOptions lo;
    lo.live = false;
    return load_document(sptest::source_path("lessons/" + name), lo);
}

// The first n events of t, with their changes and frames: the trace as it
// stood after event n - 1, as if the run had ended there.
trace::Trace first_events(const trace::Trace& t, std::size_t n) {
    trace::Trace p = t;
    p.events.resize(n);
    p.changes.resize(p.events.back().change_end);
    std::erase_if(p.frames, [&](const trace::Frame& f) { return f.event >= n; });
    return p;
}

int salience(trace::Kind k) {
    if (k == trace::Kind::transmit) return 3;
    if (k == trace::Kind::sendmsg_exit) return 2;
    return 1;
}
}  // namespace

TEST_CASE("timeline strip: while a lesson hides the future, nothing on it depends on the events after the horizon") {
    auto whole = open_lesson("01-first-send.json");
    REQUIRE(whole->lesson);
    const auto* q = whole->lesson->key.question("branch1");
    REQUIRE(q);
    const std::size_t h = q->event;
    const trace::Trace& t = whole->trace();
    REQUIRE(h + 40 < t.events.size());
    // The same run cut 20 events after the question: identical up to the
    // horizon, shorter after it; the same lesson, the same answers so far.
    Document shorter(first_events(t, h + 20), whole->path(), whole->source_kind());
    shorter.lesson = whole->lesson;
    whole->seek(h);
    shorter.seek(h);
    REQUIRE(whole->future_hidden());
    REQUIRE(shorter.future_hidden());

    const StripIndex whole_index(t, salience), shorter_index(shorter.trace(), salience);
    for (float width : {1200.0f, 300.0f, 37.0f}) {
        CAPTURE(width);
        const StripLayout a = layout_strip(*whole, whole_index, width);
        const StripLayout b = layout_strip(shorter, shorter_index, width);
        CHECK(a.last == h);
        CHECK(a.columns == b.columns);
        CHECK(a.cursor_x == b.cursor_x);
        // The strip ends at the cursor, as the slider does: its place tells nothing.
        CHECK(a.cursor_x == doctest::Approx(width - 1));
        // Every event up to the horizon has a column, the cursor's own among them.
        CHECK(std::find(a.columns.begin(), a.columns.end(), static_cast<int64_t>(h)) != a.columns.end());
        for (int64_t e : a.columns) CHECK(e <= static_cast<int64_t>(h));
        // The pointer over the strip never names an event after the horizon.
        CHECK(strip_event_at(width - 1, a.last, width) == h);
        CHECK(strip_event_at(width * 2, a.last, width) == h);
    }

    // Once nothing is hidden the strip spans each trace whole again, so the
    // two differ: the test above would see it if the horizon were ignored.
    whole->lesson->instructor = true;
    REQUIRE_FALSE(whole->future_hidden());
    const StripLayout a = layout_strip(*whole, whole_index, 1200);
    const StripLayout b = layout_strip(shorter, shorter_index, 1200);
    CHECK(a.last == t.events.size() - 1);
    CHECK(b.last == h + 19);
    CHECK(a.cursor_x < b.cursor_x);
    CHECK(a.columns != b.columns);
}

TEST_CASE("timeline strip: the index gives the columns a walk over every event gives, for any span and width") {
    // 5 % loss: transmits, exits and the rest interleaved irregularly.
    const trace::Trace t = sptest::run_shipped("random_loss.json");
    const std::size_t n = t.events.size();
    REQUIRE(n > 3000);
    const StripIndex index(t, salience);
    for (int cols : {1, 2, 7, 300, 1279, 5000})
        for (std::size_t last : {std::size_t{0}, std::size_t{1}, std::size_t{5}, n / 3, n / 2 + 17, n - 1}) {
            CAPTURE(cols);
            CAPTURE(last);
            const auto want = strip_columns(t, cols, last, salience);
            CHECK(index.columns(cols, last) == want);
            // More columns than events: every event has its own.
            if (static_cast<std::size_t>(cols) > last)
                CHECK(std::count_if(want.begin(), want.end(), [](int64_t e) { return e >= 0; }) ==
                      static_cast<std::ptrdiff_t>(last + 1));
        }
}
