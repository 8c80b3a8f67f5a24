// The timeline's strip: which event stands for each pixel column when
// events outnumber pixels. Kept apart from the view so a test can check that
// nothing after the horizon (Document::horizon: the cursor while a lesson
// question waits) gets a tick.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "trace/event.hpp"

namespace sendpath::gui {

// For each of `cols` columns spread over all events of t, the most salient
// event at or before `horizon` that falls in it (ties: the first), or -1.
// Columns stay spread over the whole trace, so the cursor does not jump
// when the horizon moves; the ones past the horizon are simply empty.
std::vector<int64_t> strip_columns(const trace::Trace& t, int cols, std::size_t horizon,
                                   const std::function<int(trace::Kind)>& salience);

// The same columns as strip_columns(t, cols, horizon, salience), made from
// `whole` = strip_columns(t, cols, <last event>, salience): columns before
// the horizon's are unchanged, those after it are empty, and only the events
// of the horizon's own column are looked at. So a lesson's step costs the
// same in a trace of any length.
std::vector<int64_t> clip_strip_columns(const std::vector<int64_t>& whole, const trace::Trace& t, std::size_t horizon,
                                        const std::function<int(trace::Kind)>& salience);

}  // namespace sendpath::gui
