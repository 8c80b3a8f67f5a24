// The Events view's columns sized from what the trace holds, and a cell's
// text cut to its column with an ellipsis (the full text goes in the row's
// tooltip), as Wireshark's packet list and Tracy's zone lists do.
//
// No ImGui here: the view measures text with ImGui::CalcTextSize and passes
// that as `measure`, a test passes a fixed-pitch one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "trace/event.hpp"

namespace sendpath::gui {

// The widest text each fixed column of the Events list shows for trace t
// (header included), so a column sized to it never cuts a cell.
struct EventColumnsText {
    std::string index;         // the last event's number
    int64_t last_time_us = 0;  // the view formats it: times never go down, so it is the widest
    std::string call;          // the highest send() call number
    std::string kind;          // the longest kind name present in t
    std::string line;          // the highest source line
};
EventColumnsText event_columns_text(const trace::Trace& t);

using MeasureText = std::function<float(std::string_view)>;

// `text` as it fits in `width`: whole when it fits, else its longest prefix
// followed by `ellipsis` that fits (only the ellipsis, or nothing, when even
// that is too wide). Cut at a UTF-8 character boundary.
std::string fit_text(std::string_view text, float width, const MeasureText& measure, std::string_view ellipsis);

}  // namespace sendpath::gui
