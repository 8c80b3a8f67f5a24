// Cursor moves on a trace that may still grow (live mode).
//
// A move is resolved on the events the document has now. A forward move
// whose target is not among them (step into at the last event, continue with
// no hit yet, a jump past the end, End) waits while the document is live: the
// caller asks the run for more events, pulls them in and resolves the same
// Move again, which searches only the events it has not looked at yet. Once
// the run has ended a move that found nothing goes to the last event, as on a
// finished trace.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "gui/model/breakpoints.hpp"
#include "gui/model/commands.hpp"
#include "gui/model/document.hpp"

namespace sendpath::gui {

struct Move {
    CommandType type = CommandType::step_into;
    std::size_t n = 0;        // jump_to's event
    std::size_t from = 0;     // the cursor when the move was asked for
    std::size_t scanned = 0;  // forward searches: events before this one are done with
    bool started = false;
};

// True for the commands that move the cursor (not open, compare, quit ...).
bool is_cursor_move(CommandType t);

// Where the move lands, or nullopt while the document is live and the target
// may lie past its end. *status gets the notice to show ("Stopped at a
// breakpoint: event 40"). May move the replay's cursor (condition
// breakpoints): seek the document afterwards.
std::optional<std::size_t> resolve_move(Document& doc, Move& m, const std::vector<Breakpoint>& bps,
                                        std::string* status);

// Events a waiting move should ask the run for next: a jump wants its event,
// searches grow the trace by chunks.
std::size_t events_wanted(const Document& doc, const Move& m);

}  // namespace sendpath::gui
