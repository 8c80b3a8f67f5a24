// The timeline's strip: which event stands for each pixel column when
// events outnumber pixels, and where the cursor is on it. Kept apart from the
// view so a test can check that nothing after the horizon
// (Document::horizon: the cursor while a lesson question waits) shapes it.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "gui/model/document.hpp"
#include "trace/event.hpp"

namespace sendpath::gui {

// For each of `cols` columns spread over events 0..last of t, the most
// salient event that falls in it (ties: the first), or -1. A walk over every
// event up to `last`: the reference StripIndex is tested against.
std::vector<int64_t> strip_columns(const trace::Trace& t, int cols, std::size_t last,
                                   const std::function<int(trace::Kind)>& salience);

// The events of a trace grouped by salience, made once per trace (one walk),
// so that the columns over any prefix 0..last are found without walking it:
// for each column, each salience from the highest down, one binary search.
// A lesson's step (the strip then spans 0..cursor, a new span each step)
// so costs O(columns x saliences x log events), whatever the trace's length.
class StripIndex {
public:
    StripIndex() = default;
    StripIndex(const trace::Trace& t, const std::function<int(trace::Kind)>& salience);
    // strip_columns(t, cols, last, salience) for the t and salience it was made from.
    std::vector<int64_t> columns(int cols, std::size_t last) const;

private:
    // (salience, the indices of the events that have it, ascending), highest salience first.
    std::vector<std::pair<int, std::vector<uint32_t>>> levels_;
};

// What the strip draws for doc in a strip `width` pixels wide (a column per
// whole pixel). It spans events 0..doc.horizon(): the whole trace, or, while
// a lesson hides the future, only what has been revealed, as the slider does.
// So neither a column nor the cursor's place says how much of the run is left.
struct StripLayout {
    std::size_t last = 0;          // the last event the strip spans
    std::vector<int64_t> columns;  // per pixel column: the event drawn there, -1 none
    float cursor_x = 0;            // the cursor line, from the strip's left edge
};
StripLayout layout_strip(const Document& doc, const StripIndex& index, float width);

// The strip's x (from its left edge) of event i, on a strip spanning 0..last.
float strip_x(std::size_t i, std::size_t last, float width);
// The event under x on a strip spanning 0..last (the nearest; never past last).
std::size_t strip_event_at(float x, std::size_t last, float width);

}  // namespace sendpath::gui
