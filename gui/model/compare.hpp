// Compare: two traces side by side (say Nagle against TCP_NODELAY).
//
// Two alignments: by event index (the engine is deterministic, so two runs of
// similar scenarios take the same branches until something makes them differ:
// the first divergence is where to look), and by sequence number (the bytes
// are the same, the segments carrying them are not: which segment boundaries
// and send times differ). Re-implemented here in the spirit of sendpath-cli
// diff (core/cli/cmd_diff.cpp), kept small: the GUI needs the index and a one-line reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gui/model/seq_graph.hpp"
#include "trace/event.hpp"
#include "util/message.hpp"

namespace sendpath::gui {

struct EventDivergence {
    std::size_t event = 0;  // first index where the traces differ (== the shorter size when one is a prefix)
    // "event 12: A has push_one in tcp_sendmsg, B has nagle_defer in tcp_write_xmit", as a
    // string-table text (util/message.hpp): the view says it in the GUI's language.
    util::Message what;
};

// nullopt when both have the same events (kind, function, line, call, depth,
// time and changes).
std::optional<EventDivergence> first_event_divergence(const trace::Trace& a, const trace::Trace& b);
// Where the two runs take different paths: the first event whose kind,
// function, source line, call or depth differ (time and values ignored).
// Two runs with different options usually differ in values from event 0; this
// is the divergence a reader wants (Nagle: nagle_defer where NODELAY transmits).
std::optional<EventDivergence> first_branch_divergence(const trace::Trace& a, const trace::Trace& b);

// One row of the by-sequence alignment: a segment starting at seq_lo in A, in
// B, or in both (first transmissions only; retransmissions are the same bytes again).
struct SeqRow {
    int64_t seq_lo = 0;
    int a = -1, b = -1;    // index into each SeqGraph's segments, -1 = no segment starts here
    bool differs = false;  // only one side starts a segment here, or they end at different seqs
};

std::vector<SeqRow> align_by_seq(const SeqGraph& a, const SeqGraph& b);
// Index of the first differing row, or nullopt.
std::optional<std::size_t> first_seq_divergence(const std::vector<SeqRow>& rows);

}  // namespace sendpath::gui
