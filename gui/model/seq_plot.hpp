// What the sequence graph's plot draws, in pixels, kept apart from ImGui so a
// test can compare it with a walk over every segment.
//
// A frame's cost must not grow with the trace, nor a jump's. So the drawing is
// made in two steps:
//   - summarize_plot(): once per range, plot size and selection, every
//     segment and step in the visible range becomes at most a few strokes per
//     pixel column (a bar per column and colour, a step line's min..max per
//     column), each with the events it stands for;
//   - plot_strokes(): once per cursor, which of those strokes are the future
//     (dimmed) and the ring around the cursor's segments. A column where past
//     and future meet is the only one whose segments are walked again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "gui/model/seq_graph.hpp"
#include "trace/event.hpp"

namespace sendpath::gui {

// The plot's pixels: x from its left edge, y from its top edge (as drawn).
struct PlotFrame {
    PlotRange range;
    float width = 1, height = 1;
    float tick = 2;  // half the width of a segment's end ticks
    float x(double t_us) const { return static_cast<float>((t_us - range.t0) / (range.t1 - range.t0) * width); }
    float y(double seq) const { return static_cast<float>(height - (seq - range.s0) / (range.s1 - range.s0) * height); }
    bool operator==(const PlotFrame&) const = default;
};

// What a stroke stands for; the view picks the colour.
enum class Tone : uint8_t { sent, retransmit, selected, ack, window, dropped, cursor, sack, dsack };

struct PlotStroke {
    enum class Type : uint8_t { line, ring, letter_r };
    Type type = Type::line;
    Tone tone = Tone::sent;
    bool future = false;  // after the cursor: drawn dimmed
    // line: (x0, y0) to (x1, y1); ring: centre (x0, y0), radius x1; letter_r: its left middle at (x0, y0).
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    float width = 1;
    bool operator==(const PlotStroke&) const = default;
};

// More visible segments than this: no end ticks and no "R" marks (they would
// cover each other), only bars.
constexpr std::size_t kDetailedSegments = 4000;
// At most this many dropped-segment crosses.
constexpr int kMaxDroppedMarks = 2000;

struct SeqPlotSummary {
    // A stroke that is the future when its event is after the cursor.
    struct Keyed {
        PlotStroke stroke;
        uint32_t event = 0;
        bool operator==(const Keyed&) const = default;
    };
    // The bar of one colour in one pixel column: segments first..last (other
    // colours' among them) span y0 (bottom) to y1 (top); their events are
    // ev_min..ev_max.
    struct Bar {
        Tone tone = Tone::sent;
        float x = 0, y0 = 0, y1 = 0;
        uint32_t first = 0, last = 0;
        uint32_t ev_min = 0, ev_max = 0;
        bool operator==(const Bar&) const = default;
    };
    PlotFrame frame;
    uint32_t selected_skb = 0;
    std::size_t seg_lo = 0, seg_hi = 0;  // the segments in the visible time range
    bool detailed = false;               // fewer than kDetailedSegments of them
    bool in_event_order = true;          // those segments' events never go down
    std::vector<Keyed> lines;            // the window and ACK step lines
    std::vector<Bar> bars;
    // SACK blocks (tone sack or dsack): in each pixel column, the blocks of
    // one kind joined where they overlap or touch, so the holes between them
    // stay open. first..last are the column's blocks (indices into
    // SeqGraph::sacks, the other kind's among them), ev_min..ev_max the
    // events of the blocks joined into this bar.
    std::vector<Bar> sack_bars;
    std::vector<Keyed> marks;  // "R" beside retransmissions (detailed only), crosses on dropped segments
    bool operator==(const SeqPlotSummary&) const = default;
};

// Everything the plot of g shows over frame.range, without the cursor. A
// segment whose frame came from skb selected_skb (0: none) is drawn in the
// selection's colour. t is the trace g was built from.
SeqPlotSummary summarize_plot(const SeqGraph& g, const trace::Trace& t, const PlotFrame& frame, uint32_t selected_skb);

// Lesson mode draws the graph as of the horizon (clip_seq_graph). Copying
// that part of the graph, and summarizing it by a walk, on every step cost
// O(trace); instead the whole graph is indexed once and a step draws a
// prefix of it:
//   - SeqGraphIndex::upto(): how many segments and steps are at or before an
//     event (binary search; frames are recorded in event order);
//   - SeqGraphIndex::extents(): their extents, for fit_range (kept per prefix);
//   - summarize_plot_upto(): the same summary as summarize_plot() of the
//     clipped graph, in a time that depends on the plot's width in pixels and
//     only logarithmically on the trace (range trees of each column's
//     extremes instead of a walk over its segments); the SACK blocks in the
//     visible range are walked (joining a column's blocks keeps their holes,
//     which a tree of extremes would not), as many as the peer sent there.

// How much of a graph is drawn: its first `segments` segments, its first
// `steps` ACK and window steps and its first `sacks` SACK blocks.
struct SeqPrefix {
    std::size_t segments = 0, steps = 0, sacks = 0;
    bool empty() const { return segments == 0 && steps == 0; }
    bool operator==(const SeqPrefix&) const = default;
};

class SeqGraphIndex {
public:
    // O(n log n) once per graph; t is the trace g was built from.
    SeqGraphIndex(const SeqGraph& g, const trace::Trace& t);
    ~SeqGraphIndex();
    SeqGraphIndex(SeqGraphIndex&&) noexcept;
    SeqGraphIndex& operator=(SeqGraphIndex&&) noexcept;

    // False when the graph's segments or steps do not come in event order (a
    // hand-made trace): a prefix is then not the graph as of an event, and the
    // caller clips by a walk instead.
    bool in_event_order() const;
    // The segments and steps of events at or before `horizon`.
    SeqPrefix upto(std::size_t horizon) const;
    // What set_extents() gives the clipped graph, so fit_range(extents(upto(h)))
    // == fit_range(clip_seq_graph(g, h)).
    SeqExtents extents(SeqPrefix p) const;

    struct Impl;
    const Impl& impl() const { return *impl_; }

private:
    std::unique_ptr<Impl> impl_;
};

// summarize_plot(clip_seq_graph(g, h), t, frame, selected_skb) for p =
// index.upto(h), without the copy or the walk (index built from g and t).
SeqPlotSummary summarize_plot_upto(const SeqGraph& g, const SeqGraphIndex& index, const trace::Trace& t,
                                   const PlotFrame& frame, uint32_t selected_skb, SeqPrefix p);

// The strokes to draw with the cursor at event `cursor`, in drawing order:
// step lines, SACK blocks, bars (with end ticks when detailed), marks, then a
// ring around each visible segment the cursor's event sent.
std::vector<PlotStroke> plot_strokes(const SeqGraph& g, const trace::Trace& t, const SeqPlotSummary& s,
                                     std::size_t cursor);

// Where the labels at the top of the plot go: the cursor's time ("t = ...")
// beside the cursor line, and the window edge ("^ window edge N", when it is
// above the visible range). The plot spans x from left to right below y top;
// cx is the cursor line; the widths are the labels' (edge_w 0: none); lh a
// line's height. The time label never crosses the cursor line, the two
// labels never overlap, and the edge label crosses the cursor line only when
// the plot is too narrow for it on either side.
struct CursorLabels {
    float time_x = 0, time_y = 0;
    float edge_x = 0, edge_y = 0;
};
CursorLabels place_cursor_labels(float left, float right, float top, float cx, float time_w, float edge_w, float lh);

}  // namespace sendpath::gui
