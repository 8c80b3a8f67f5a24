// UI-only state: what the user selected, filtered and opened. Nothing here is
// part of the trace; losing it loses no data (Tracy's ViewData, style.md 3.3).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gui/model/breakpoints.hpp"
#include "util/message.hpp"

namespace sendpath::gui {

// What the error panel shows: InputError's three parts, or a bare message.
struct ErrorInfo {
    std::string title;  // "Could not open lessons/x.json"
    // The title's string-table key and value, so a language switch can say it again.
    std::string title_key, title_arg;
    std::string file;
    // InputError's place and expected as string-table texts (util/message.hpp):
    // the panel says them in the GUI's language, now and after a switch.
    util::Message place, expected;
    // For errors that are not InputError: RuntimeError's text (a string-table
    // text where it has one, e.g. a trace that does not replay), else what().
    util::Message message;
};

// The error panel's rows as it shows them: (label, text) in the GUI's
// language, rows with nothing to say left out (app.cpp draws them; scripts'
// expect_error reads them).
struct ErrorRow {
    const char* label;
    std::string text;
};
std::vector<ErrorRow> error_rows(const ErrorInfo& e);

struct ViewState {
    std::map<std::string, bool> open;  // view id -> window open
    std::string event_filter;
    std::optional<std::size_t> selected_frame;  // Wire view
    uint32_t selected_skb = 0;                  // skb queue / Pages cross-highlight, 0 = none
    std::vector<Breakpoint> breakpoints;
    std::string breakpoint_input;
    std::string breakpoint_error;
    bool only_changed_counters = false;

    bool show_help = false;
    bool show_open_dialog = false;
    bool open_for_compare = false;  // the open dialog picks the Compare view's second trace
    // Byte provenance: a payload byte picked in Wire (hex dump), skb queue
    // (payload bar) or Pages (a page byte, resolved by the Provenance view).
    std::optional<int64_t> picked_seq;                              // raw sequence number
    std::optional<std::pair<uint32_t, uint32_t>> picked_page_byte;  // (page, offset), until resolved
    std::optional<std::size_t> compare_row;                         // Compare view: the row last clicked
    bool show_demo = false;
    bool show_metrics = false;
    std::string browse_dir;
    std::string open_path_input;

    bool reset_layout = false;  // place every view at its default rect this frame
    // Live TAP run: the cursor stays on the newest event as the trace grows
    // (a step or jump by the user turns it off; the timeline's checkbox on).
    bool follow_live = true;
    std::string status;              // last notice ("no breakpoint hit: stopped at the last event")
    std::optional<ErrorInfo> error;  // the error panel, while shown
};

}  // namespace sendpath::gui
