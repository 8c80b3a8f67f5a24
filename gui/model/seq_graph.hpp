// The sequence graph (tcptrace / Stevens style): what the frames of a trace
// say about sequence numbers over time, and the zoom/pan arithmetic of its
// plot. No drawing here; view_seq_graph.cpp maps these to ImDrawList calls.
//
// Sequence numbers are relative to our ISN (the seq of our first SYN), so the
// SYN is 0 and the first data byte is 1, as tcptrace and Wireshark show them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "trace/event.hpp"

namespace sendpath::gui {

// One outgoing frame that occupies sequence space (data, SYN or FIN).
struct SeqSegment {
    int64_t time_us = 0;
    uint32_t frame = 0;       // index in Trace::frames
    uint32_t event = 0;       // the transmit event it belongs to
    int64_t seq_lo = 0;       // relative, first byte
    int64_t seq_hi = 0;       // relative, one past the last (seq + len, SYN/FIN count one)
    bool retransmit = false;  // starts below the highest sequence sent before it
    bool dropped = false;     // lost on the way (scripted loss)
};

// A point of a step line: from time_us on, the line is at value.
struct SeqStep {
    int64_t time_us = 0;
    int64_t value = 0;  // relative sequence number
    uint32_t frame = 0;
    uint32_t event = 0;
};

// One SACK block of an ACK from the peer (RFC 2018): a range of sequence
// space it holds above the cumulative ACK, as the ACK's TCP option carries it
// on the wire. Drawn as tcptrace and Wireshark draw it, a short vertical bar at
// the ACK's time from the block's left edge to its right edge.
struct SeqSack {
    int64_t time_us = 0;
    uint32_t frame = 0;  // the ACK's index in Trace::frames
    uint32_t event = 0;  // the event that took the ACK in
    int64_t seq_lo = 0;  // relative, the block's left edge
    int64_t seq_hi = 0;  // relative, its right edge (one past its last byte)
    // D-SACK (RFC 2883): the first block reports data received twice, by the
    // rule of tcp_check_dsack: it starts below the cumulative ACK, or lies
    // inside the second block.
    bool dsack = false;
};

struct SeqGraph {
    bool has_isn = false;  // false: no SYN in the trace, numbers are raw
    uint32_t isn = 0;
    int wscale = 0;  // the peer's window scale (both SYNs carried the option), else 0
    std::vector<SeqSegment> segments;
    std::vector<SeqStep> acks;     // ack number of each incoming ACK (snd_una as the peer sees it)
    std::vector<SeqStep> windows;  // ack + (window << wscale): the right edge the peer allows
    // The SACK blocks of those ACKs, in their order (an ACK's blocks in the
    // option's order). They are not in the extents: a genuine block covers data
    // we sent, so it lies within the segments' range anyway, and a bogus one
    // from a misbehaving peer must not squash the plot.
    std::vector<SeqSack> sacks;
    int64_t t_min = 0, t_max = 0;      // over everything above
    int64_t seq_min = 0, seq_max = 0;  // segments and ACKs: the window edge is often far above the data,
    int64_t window_max = 0;            // so it is kept apart (the view marks it when it is off the top)
    bool empty() const { return segments.empty() && acks.empty(); }
};

SeqGraph build_seq_graph(const trace::Trace& t);
// The graph as of event `horizon`: only segments, ACKs and SACK blocks of events at or
// before it, extents recomputed (so even the axes' range says nothing of
// what comes later). Lesson mode draws this while a question waits.
SeqGraph clip_seq_graph(const SeqGraph& g, std::size_t horizon);

// Relative sequence number of a raw one (wraps like the kernel's before/after).
int64_t relative_seq(const SeqGraph& g, uint32_t raw);

// The visible rectangle of the plot: time on x, sequence on y.
struct PlotRange {
    double t0 = 0, t1 = 1;  // microseconds
    double s0 = 0, s1 = 1;  // relative sequence numbers
    bool operator==(const PlotRange&) const = default;
};

// What fit_range() needs of a graph: its extents, and whether it has anything.
struct SeqExtents {
    bool empty = true;
    int64_t t_min = 0, t_max = 0, seq_min = 0, seq_max = 0, window_max = 0;
};

// Segments and ACKs with a small margin (and a minimum span so one point is
// visible); the window line is included when it is within half the data's span.
PlotRange fit_range(const SeqExtents& e);
PlotRange fit_range(const SeqGraph& g);
// Zoom by factor (>1 zooms in) keeping the point under the pointer fixed; fx and
// fy are the pointer's position as fractions of the plot (0 = left / bottom).
PlotRange zoom_at(const PlotRange& r, double fx, double fy, double factor);
// Zoom time only (Shift+wheel in the view), keeping fx fixed.
PlotRange zoom_time_at(const PlotRange& r, double fx, double factor);
// Move by a drag of (dfx, dfy) plot fractions (dragging right shows earlier times).
PlotRange pan(const PlotRange& r, double dfx, double dfy);

// About n "nice" tick values (1, 2, 5 x 10^k steps) inside [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int n);

// The step lines' value at time t (the last step at or before t), or -1 before the first.
int64_t step_value_at(std::span<const SeqStep> steps, int64_t t);
// The SACK blocks of the ACK in force at time t: the last of `acks` at or
// before t, if it carried any among `sacks` (lesson mode passes the prefixes
// drawn). Empty before the first ACK, or when that ACK carried none.
std::span<const SeqSack> sacks_at(std::span<const SeqStep> acks, std::span<const SeqSack> sacks, int64_t t);
// Index of the segment nearest to (t, s) in plot units scaled by (t_per_px, s_per_px),
// within max_px pixels; -1 if none. Only the first `upto` segments are looked at (lesson mode: those
// drawn).
int nearest_segment(const SeqGraph& g, double t, double s, double t_per_px, double s_per_px, double max_px,
                    std::size_t upto = std::numeric_limits<std::size_t>::max());

}  // namespace sendpath::gui
