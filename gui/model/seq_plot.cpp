#include "gui/model/seq_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

namespace sendpath::gui {

namespace {
Tone tone_of(const SeqSegment& s, const trace::Trace& t, uint32_t selected_skb) {
    // Linked selection: the selected skb's segments in its own colour.
    if (selected_skb && s.frame < t.frames.size() && t.frames[s.frame].skb == selected_skb) return Tone::selected;
    return s.retransmit ? Tone::retransmit : Tone::sent;
}

PlotStroke line(Tone tone, float x0, float y0, float x1, float y1, float width) {
    return PlotStroke{PlotStroke::Type::line, tone, false, x0, y0, x1, y1, width};
}

// A segment's bar in pixels: x its column, y0 its bottom, y1 its top (at least 3 pixels tall,
// so a small segment stays visible when zoomed out). Written as a min of two
// functions that never rise with seq_lo and seq_hi, so a column's bar is
// also y(min seq_lo) .. min(y(max seq_hi), y(max seq_lo) - 3): what
// summarize_plot_upto() takes from its range trees.
struct SegPx {
    float x, y0, y1;
};
float seg_x(const PlotFrame& f, const SeqSegment& s) { return std::round(f.x(static_cast<double>(s.time_us))); }
SegPx seg_px(const PlotFrame& f, const SeqSegment& s) {
    const float y0 = f.y(static_cast<double>(s.seq_lo));
    return {seg_x(f, s), y0, std::min(f.y(static_cast<double>(s.seq_hi)), y0 - 3)};
}

// The "R" beside a retransmission (detailed plots only) and the cross on a
// dropped segment, at most kMaxDroppedMarks crosses.
void add_marks(SeqPlotSummary& s, const SeqSegment& seg, Tone tone, const PlotFrame& frame, int& dropped_marks) {
    const SegPx p = seg_px(frame, seg);
    const float tick = frame.tick;
    if (seg.retransmit && s.detailed)
        s.marks.push_back(SeqPlotSummary::Keyed{
            PlotStroke{PlotStroke::Type::letter_r, tone, false, p.x + tick + 2, p.y1, 0, 0, 1}, seg.event});
    if (seg.dropped && dropped_marks < kMaxDroppedMarks) {
        ++dropped_marks;
        const float ym = (p.y0 + p.y1) * 0.5f, d = tick * 1.6f;
        s.marks.push_back(
            SeqPlotSummary::Keyed{line(Tone::dropped, p.x - d, ym - d, p.x + d, ym + d, 2.0f), seg.event});
        s.marks.push_back(
            SeqPlotSummary::Keyed{line(Tone::dropped, p.x - d, ym + d, p.x + d, ym - d, 2.0f), seg.event});
    }
}

// A step line over the visible time range: one vertical stroke per pixel
// column (min..max of the steps in it), each stroke keyed by the event of the
// step that opened its column.
void step_line(std::vector<SeqPlotSummary::Keyed>& out, const std::vector<SeqStep>& steps, Tone tone,
               const PlotFrame& f) {
    if (steps.empty()) return;
    const PlotRange& r = f.range;
    auto it =
        std::upper_bound(steps.begin(), steps.end(), r.t0, [](double v, const SeqStep& s) { return v < s.time_us; });
    if (it != steps.begin()) --it;  // the step in force at the left edge
    const auto end =
        std::upper_bound(steps.begin(), steps.end(), r.t1, [](double v, const SeqStep& s) { return v < s.time_us; });
    // The visible range ends before the first step: nothing is in force (the
    // walk below would run past the end: a zoom into the handshake crashed).
    if (end == steps.begin()) return;
    auto add = [&](float x0, float y0, float x1, float y1, uint32_t ev) {
        out.push_back(SeqPlotSummary::Keyed{line(tone, x0, y0, x1, y1, 1.5f), ev});
    };
    float px = f.x(static_cast<double>(it->time_us)), py = f.y(static_cast<double>(it->value));
    float col_lo = py, col_hi = py;
    uint32_t pev = it->event;
    for (++it; it != end; ++it) {
        const float x = f.x(static_cast<double>(it->time_us)), y = f.y(static_cast<double>(it->value));
        if (std::floor(x) == std::floor(px)) {  // same column: widen the stroke
            col_lo = std::min(col_lo, y);
            col_hi = std::max(col_hi, y);
            py = y;
            continue;
        }
        if (col_hi - col_lo > 0.5f) add(px, col_lo, px, col_hi, pev);
        add(px, py, x, py, pev);
        add(x, py, x, y, pev);
        px = x;
        py = col_lo = col_hi = y;
        pev = it->event;
    }
    if (col_hi - col_lo > 0.5f) add(px, col_lo, px, col_hi, pev);
    const float xr = end == steps.end() ? f.width : std::min(f.width, f.x(static_cast<double>(end->time_us)));
    add(px, py, xr, py, pev);
}

// A SACK block's bar in pixels: at the ACK's time, at least 2 pixels tall
// (a one-segment block stays visible when zoomed out).
SegPx sack_px(const PlotFrame& f, const SeqSack& k) {
    const float y0 = f.y(static_cast<double>(k.seq_lo));
    return {std::round(f.x(static_cast<double>(k.time_us))), y0, std::min(f.y(static_cast<double>(k.seq_hi)), y0 - 2)};
}

// Pixel intervals y1 (top) .. y0 (bottom) of SACK blocks in one column, with
// the events of the blocks in each.
struct SackPiece {
    float y0, y1;
    uint32_t ev_min, ev_max;
};
// Joins the pieces that overlap or touch; the result is sorted top down and
// leaves every hole between blocks open.
std::vector<SackPiece> join_pieces(std::vector<SackPiece> v) {
    std::sort(v.begin(), v.end(), [](const SackPiece& a, const SackPiece& b) { return a.y1 < b.y1; });
    std::vector<SackPiece> out;
    for (const SackPiece& p : v) {
        if (!out.empty() && p.y1 <= out.back().y0) {
            SackPiece& o = out.back();
            o.y0 = std::max(o.y0, p.y0);
            o.ev_min = std::min(o.ev_min, p.ev_min);
            o.ev_max = std::max(o.ev_max, p.ev_max);
        } else {
            out.push_back(p);
        }
    }
    return out;
}

constexpr float kSackWidth = 2.0f;

// The SACK blocks among the first n of `sacks` in the visible time range, a
// pixel column at a time: each kind's blocks (SACK, D-SACK) joined apart.
// summarize_plot() gives every block of the graph, summarize_plot_upto() the
// prefix's: the same code, so lesson mode draws what the clipped graph would.
void sack_bars(std::vector<SeqPlotSummary::Bar>& out, const std::vector<SeqSack>& sacks, std::size_t n,
               const PlotFrame& f) {
    const auto begin = sacks.begin(), end = sacks.begin() + static_cast<std::ptrdiff_t>(std::min(n, sacks.size()));
    const PlotRange& r = f.range;
    const auto lo = std::lower_bound(begin, end, r.t0, [](const SeqSack& k, double v) { return k.time_us < v; });
    const auto hi = std::upper_bound(begin, end, r.t1, [](double v, const SeqSack& k) { return v < k.time_us; });
    std::vector<SackPiece> pieces[2];
    for (auto i = lo; i != hi;) {
        const float col = sack_px(f, *i).x;
        auto j = i;
        for (; j != hi && sack_px(f, *j).x == col; ++j) {
            const SegPx p = sack_px(f, *j);
            pieces[j->dsack ? 1 : 0].push_back(SackPiece{p.y0, p.y1, j->event, j->event});
        }
        const auto first = static_cast<uint32_t>(i - begin), last = static_cast<uint32_t>(j - begin - 1);
        for (int k = 0; k < 2; ++k) {
            for (const SackPiece& p : join_pieces(std::move(pieces[k])))
                out.push_back(SeqPlotSummary::Bar{k ? Tone::dsack : Tone::sack, col, p.y0, p.y1, first, last, p.ev_min,
                                                  p.ev_max});
            pieces[k].clear();
        }
        i = j;
    }
}

void emit_bar(std::vector<PlotStroke>& out, Tone tone, bool future, float x, float y0, float y1, bool detailed,
              float tick) {
    out.push_back(line(tone, x, y0, x, y1, 1.5f));
    if (detailed) {
        out.push_back(line(tone, x - tick, y0, x + tick, y0, 1.0f));
        out.push_back(line(tone, x - tick, y1, x + tick, y1, 1.0f));
    }
    const std::size_t n = detailed ? 3 : 1;
    for (std::size_t k = out.size() - n; k < out.size(); ++k) out[k].future = future;
}
}  // namespace

SeqPlotSummary summarize_plot(const SeqGraph& g, const trace::Trace& t, const PlotFrame& frame, uint32_t selected_skb) {
    SeqPlotSummary s;
    s.frame = frame;
    s.selected_skb = selected_skb;
    step_line(s.lines, g.windows, Tone::window, frame);
    step_line(s.lines, g.acks, Tone::ack, frame);
    sack_bars(s.sack_bars, g.sacks, g.sacks.size(), frame);

    // Only segments in the visible time range (they are in time order).
    const auto& segs = g.segments;
    const PlotRange& r = frame.range;
    const auto lo =
        std::lower_bound(segs.begin(), segs.end(), r.t0, [](const SeqSegment& x, double v) { return x.time_us < v; });
    const auto hi =
        std::upper_bound(segs.begin(), segs.end(), r.t1, [](double v, const SeqSegment& x) { return v < x.time_us; });
    s.seg_lo = static_cast<std::size_t>(lo - segs.begin());
    s.seg_hi = static_cast<std::size_t>(hi - segs.begin());
    s.detailed = s.seg_hi - s.seg_lo < kDetailedSegments;

    // One open bar per colour: sent, retransmitted, the selected skb's.
    SeqPlotSummary::Bar open[3];
    bool used[3] = {false, false, false};
    auto flush = [&](int k) {
        if (!used[k]) return;
        s.bars.push_back(open[k]);
        used[k] = false;
    };
    int dropped_marks = 0;
    for (std::size_t i = s.seg_lo; i < s.seg_hi; ++i) {
        const SeqSegment& seg = segs[i];
        const Tone tone = tone_of(seg, t, selected_skb);
        const int k = static_cast<int>(tone);  // sent 0, retransmit 1, selected 2
        const SegPx p = seg_px(frame, seg);
        const auto idx = static_cast<uint32_t>(i);
        if (used[k] && open[k].x != p.x) flush(k);
        if (!used[k]) {
            open[k] = SeqPlotSummary::Bar{tone, p.x, p.y0, p.y1, idx, idx, seg.event, seg.event};
            used[k] = true;
        } else {
            SeqPlotSummary::Bar& b = open[k];
            b.y0 = std::max(b.y0, p.y0);
            b.y1 = std::min(b.y1, p.y1);
            b.last = idx;
            b.ev_min = std::min(b.ev_min, seg.event);
            b.ev_max = std::max(b.ev_max, seg.event);
        }
        add_marks(s, seg, tone, frame, dropped_marks);
    }
    for (int k = 0; k < 3; ++k) flush(k);
    s.in_event_order =
        std::is_sorted(lo, hi, [](const SeqSegment& a, const SeqSegment& b) { return a.event < b.event; });
    return s;
}

std::vector<PlotStroke> plot_strokes(const SeqGraph& g, const trace::Trace& t, const SeqPlotSummary& s,
                                     std::size_t cursor) {
    std::vector<PlotStroke> out;
    out.reserve(s.lines.size() + s.sack_bars.size() + s.bars.size() * (s.detailed ? 3 : 1) + s.marks.size() + 4);
    for (const auto& k : s.lines) {
        out.push_back(k.stroke);
        out.back().future = k.event > cursor;
    }
    for (const SeqPlotSummary::Bar& b : s.sack_bars) {
        if (b.ev_max <= cursor || b.ev_min > cursor) {
            out.push_back(line(b.tone, b.x, b.y0, b.x, b.y1, kSackWidth));
            out.back().future = b.ev_min > cursor;
            continue;
        }
        // Past and future meet in this bar: its blocks are joined again, each
        // side apart (the column's blocks of this kind that lie within it).
        std::vector<SackPiece> side[2];
        for (uint32_t i = b.first; i <= b.last && i < g.sacks.size(); ++i) {
            const SeqSack& k = g.sacks[i];
            if ((k.dsack ? Tone::dsack : Tone::sack) != b.tone) continue;
            const SegPx p = sack_px(s.frame, k);
            if (p.y1 < b.y1 || p.y0 > b.y0) continue;  // another bar of the column
            side[k.event > cursor ? 1 : 0].push_back(SackPiece{p.y0, p.y1, k.event, k.event});
        }
        for (int f = 0; f < 2; ++f)
            for (const SackPiece& p : join_pieces(std::move(side[f]))) {
                out.push_back(line(b.tone, b.x, p.y0, b.x, p.y1, kSackWidth));
                out.back().future = f == 1;
            }
    }
    const auto& segs = g.segments;
    for (const SeqPlotSummary::Bar& b : s.bars) {
        if (b.ev_max <= cursor || b.ev_min > cursor) {
            emit_bar(out, b.tone, b.ev_min > cursor, b.x, b.y0, b.y1, s.detailed, s.frame.tick);
            continue;
        }
        // Past and future meet in this column: its segments of this colour
        // again, a bar each time the side changes.
        bool open = false, future = false;
        float y0 = 0, y1 = 0;
        for (uint32_t i = b.first; i <= b.last; ++i) {
            const SeqSegment& seg = segs[i];
            if (tone_of(seg, t, s.selected_skb) != b.tone) continue;
            const SegPx p = seg_px(s.frame, seg);
            const bool fut = seg.event > cursor;
            if (open && fut != future) {
                emit_bar(out, b.tone, future, b.x, y0, y1, s.detailed, s.frame.tick);
                open = false;
            }
            if (!open) {
                open = true;
                future = fut;
                y0 = p.y0;
                y1 = p.y1;
            } else {
                y0 = std::max(y0, p.y0);
                y1 = std::min(y1, p.y1);
            }
        }
        if (open) emit_bar(out, b.tone, future, b.x, y0, y1, s.detailed, s.frame.tick);
    }
    for (const auto& k : s.marks) {
        out.push_back(k.stroke);
        out.back().future = k.event > cursor;
    }
    // The ring around what the cursor's event sent: found by a binary search
    // when the visible segments are in event order (frames are recorded as
    // events make them), else by a walk.
    auto ring = [&](const SeqSegment& seg) {
        const SegPx p = seg_px(s.frame, seg);
        out.push_back(PlotStroke{PlotStroke::Type::ring, Tone::cursor, false, p.x, (p.y0 + p.y1) * 0.5f,
                                 s.frame.tick * 2.5f, 0, 2.0f});
    };
    const auto first = segs.begin() + static_cast<std::ptrdiff_t>(s.seg_lo);
    const auto last = segs.begin() + static_cast<std::ptrdiff_t>(s.seg_hi);
    if (s.in_event_order) {
        auto it = std::lower_bound(first, last, cursor, [](const SeqSegment& x, std::size_t c) { return x.event < c; });
        for (; it != last && it->event == cursor; ++it) ring(*it);
    } else {
        for (auto it = first; it != last; ++it)
            if (it->event == cursor) ring(*it);
    }
    return out;
}

namespace {
// A range tree (bottom-up segment tree) over per-item values T combined by
// Op, which must be associative and commutative (mins and maxes): query(l, r)
// combines items l..r-1 in O(log n).
template <class T, class Op>
class RangeTree {
public:
    RangeTree() = default;
    RangeTree(const std::vector<T>& items, T identity) : n_(items.size()), id_(identity), node_(2 * items.size()) {
        std::copy(items.begin(), items.end(), node_.begin() + static_cast<std::ptrdiff_t>(n_));
        for (std::size_t i = n_; i-- > 1;) node_[i] = Op{}(node_[2 * i], node_[2 * i + 1]);
    }
    T query(std::size_t l, std::size_t r) const {
        T acc = id_;
        for (l += n_, r += n_; l < r; l >>= 1, r >>= 1) {
            if (l & 1) acc = Op{}(acc, node_[l++]);
            if (r & 1) acc = Op{}(acc, node_[--r]);
        }
        return acc;
    }

private:
    std::size_t n_ = 0;
    T id_{};
    std::vector<T> node_;
};

// std::partition_point(from, last, pred), searched by doubling from `from`:
// the columns are taken left to right and each holds a small part of what
// is left, so a column costs the log of its own size, in memory near the last.
template <class It, class Pred>
It gallop(It from, It last, Pred pred) {
    const auto n = last - from;
    std::ptrdiff_t bound = 1;
    while (bound < n && pred(from[bound])) bound *= 2;
    return std::partition_point(from + bound / 2, from + std::min(bound + 1, n), pred);
}

// A column's segments of one colour: what their bar needs.
struct SegAgg {
    int64_t min_lo, max_lo, max_hi;
    uint32_t min_ev, max_ev;
};
struct SegAggOp {
    SegAgg operator()(const SegAgg& a, const SegAgg& b) const {
        return {std::min(a.min_lo, b.min_lo), std::max(a.max_lo, b.max_lo), std::max(a.max_hi, b.max_hi),
                std::min(a.min_ev, b.min_ev), std::max(a.max_ev, b.max_ev)};
    }
};
constexpr SegAgg kNoSeg{std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(),
                        std::numeric_limits<int64_t>::min(), std::numeric_limits<uint32_t>::max(), 0};

// A column's steps of a step line: the lowest and highest value.
struct StepAgg {
    int64_t lo, hi;
};
struct StepAggOp {
    StepAgg operator()(const StepAgg& a, const StepAgg& b) const {
        return {std::min(a.lo, b.lo), std::max(a.hi, b.hi)};
    }
};
constexpr StepAgg kNoStep{std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()};

// Extents of the first n items, kept for every n.
struct Ext {
    int64_t t_min, t_max, lo, hi;
};
}  // namespace

struct SeqGraphIndex::Impl {
    bool in_event_order = true;
    std::vector<uint32_t> seg_events, step_events, sack_events;  // to find a horizon's prefix
    std::vector<Ext> seg_ext, step_ext;                          // [n-1]: extents of the first n
    std::vector<int64_t> window_max;                             // [n-1]: the highest window edge of the first n steps
    // Segments by their own colour (retransmitted or not): global indices, and a tree over each list.
    std::vector<uint32_t> by_tone[2];
    RangeTree<SegAgg, SegAggOp> tone_tree[2];
    std::vector<uint32_t> dropped;                    // indices of dropped segments
    std::vector<std::pair<uint32_t, uint32_t>> skbs;  // (skb of the segment's frame, segment index), sorted
    std::vector<uint32_t> descents;                   // [i]: segments j in 1..i whose event is below segment j-1's
    RangeTree<StepAgg, StepAggOp> ack_tree, window_tree;
};

SeqGraphIndex::SeqGraphIndex(const SeqGraph& g, const trace::Trace& t) : impl_(std::make_unique<Impl>()) {
    Impl& x = *impl_;
    const auto& segs = g.segments;
    std::vector<SegAgg> tone_items[2];
    x.seg_events.reserve(segs.size());
    x.descents.reserve(segs.size());
    for (std::size_t i = 0; i < segs.size(); ++i) {
        const SeqSegment& s = segs[i];
        const auto idx = static_cast<uint32_t>(i);
        x.seg_events.push_back(s.event);
        const bool down = i > 0 && s.event < segs[i - 1].event;
        x.descents.push_back((i > 0 ? x.descents.back() : 0) + (down ? 1 : 0));
        x.in_event_order = x.in_event_order && !down;
        Ext e{s.time_us, s.time_us, s.seq_lo, s.seq_hi};
        if (i > 0) {
            const Ext& p = x.seg_ext.back();
            e = Ext{std::min(p.t_min, e.t_min), std::max(p.t_max, e.t_max), std::min(p.lo, e.lo), std::max(p.hi, e.hi)};
        }
        x.seg_ext.push_back(e);
        const int k = s.retransmit ? 1 : 0;
        x.by_tone[k].push_back(idx);
        tone_items[k].push_back(SegAgg{s.seq_lo, s.seq_lo, s.seq_hi, s.event, s.event});
        if (s.dropped) x.dropped.push_back(idx);
        if (s.frame < t.frames.size()) x.skbs.emplace_back(t.frames[s.frame].skb, idx);
    }
    for (int k = 0; k < 2; ++k) x.tone_tree[k] = RangeTree<SegAgg, SegAggOp>(tone_items[k], kNoSeg);
    std::sort(x.skbs.begin(), x.skbs.end());

    // acks and windows are pushed together: the same events and times.
    std::vector<StepAgg> acks, windows;
    for (std::size_t i = 0; i < g.acks.size(); ++i) {
        const SeqStep& a = g.acks[i];
        const int64_t w = g.windows[i].value;
        if (i > 0 && a.event < g.acks[i - 1].event) x.in_event_order = false;
        x.step_events.push_back(a.event);
        Ext e{a.time_us, a.time_us, a.value, a.value};
        int64_t wm = std::max<int64_t>(0, w);
        if (i > 0) {
            const Ext& p = x.step_ext.back();
            e = Ext{std::min(p.t_min, e.t_min), std::max(p.t_max, e.t_max), std::min(p.lo, e.lo), std::max(p.hi, e.hi)};
            wm = std::max(wm, x.window_max.back());
        }
        x.step_ext.push_back(e);
        x.window_max.push_back(wm);
        acks.push_back(StepAgg{a.value, a.value});
        windows.push_back(StepAgg{w, w});
    }
    for (std::size_t i = 0; i < g.sacks.size(); ++i) {
        if (i > 0 && g.sacks[i].event < g.sacks[i - 1].event) x.in_event_order = false;
        x.sack_events.push_back(g.sacks[i].event);
    }
    x.ack_tree = RangeTree<StepAgg, StepAggOp>(acks, kNoStep);
    x.window_tree = RangeTree<StepAgg, StepAggOp>(windows, kNoStep);
}

SeqGraphIndex::~SeqGraphIndex() = default;
SeqGraphIndex::SeqGraphIndex(SeqGraphIndex&&) noexcept = default;
SeqGraphIndex& SeqGraphIndex::operator=(SeqGraphIndex&&) noexcept = default;

bool SeqGraphIndex::in_event_order() const { return impl_->in_event_order; }

SeqPrefix SeqGraphIndex::upto(std::size_t horizon) const {
    auto count = [&](const std::vector<uint32_t>& events) {
        return static_cast<std::size_t>(
            std::upper_bound(events.begin(), events.end(), horizon,
                             [](std::size_t h, uint32_t e) { return h < static_cast<std::size_t>(e); }) -
            events.begin());
    };
    return SeqPrefix{count(impl_->seg_events), count(impl_->step_events), count(impl_->sack_events)};
}

SeqExtents SeqGraphIndex::extents(SeqPrefix p) const {
    // As set_extents(): segments first, then ACKs; window_max from 0.
    SeqExtents e;
    const Impl& x = *impl_;
    if (p.segments > 0) {
        const Ext& s = x.seg_ext[p.segments - 1];
        e = SeqExtents{false, s.t_min, s.t_max, s.lo, s.hi, 0};
    }
    if (p.steps > 0) {
        const Ext& a = x.step_ext[p.steps - 1];
        if (e.empty) e = SeqExtents{false, a.t_min, a.t_max, a.lo, a.hi, 0};
        else
            e = SeqExtents{false,
                           std::min(e.t_min, a.t_min),
                           std::max(e.t_max, a.t_max),
                           std::min(e.seq_min, a.lo),
                           std::max(e.seq_max, a.hi),
                           0};
        e.window_max = x.window_max[p.steps - 1];
    }
    return e;
}

namespace {
// step_line() over the first n steps, a pixel column at a time: the steps
// of a column are found by binary search and their extremes by the tree.
void step_line_upto(std::vector<SeqPlotSummary::Keyed>& out, const std::vector<SeqStep>& all, std::size_t n,
                    const RangeTree<StepAgg, StepAggOp>& tree, Tone tone, const PlotFrame& f) {
    if (n == 0) return;
    const auto begin = all.begin(), last = all.begin() + static_cast<std::ptrdiff_t>(n);
    const PlotRange& r = f.range;
    auto it = std::upper_bound(begin, last, r.t0, [](double v, const SeqStep& s) { return v < s.time_us; });
    if (it != begin) --it;  // the step in force at the left edge
    const auto end_it = std::upper_bound(begin, last, r.t1, [](double v, const SeqStep& s) { return v < s.time_us; });
    auto i = static_cast<std::size_t>(it - begin);
    const auto e = static_cast<std::size_t>(end_it - begin);
    if (e == 0) return;  // as step_line(): the range ends before the first step
    auto add = [&](float x0, float y0, float x1, float y1, uint32_t ev) {
        out.push_back(SeqPlotSummary::Keyed{line(tone, x0, y0, x1, y1, 1.5f), ev});
    };
    float px = f.x(static_cast<double>(all[i].time_us));
    uint32_t pev = all[i].event;
    float py = 0, col_lo = 0, col_hi = 0;
    for (;;) {
        // The column opened by step i: the steps after it in the same pixel column.
        const float col = std::floor(px);
        std::size_t j = i + 1;
        if (j < e) {
            const auto first_after =
                gallop(begin + static_cast<std::ptrdiff_t>(j), begin + static_cast<std::ptrdiff_t>(e),
                       [&](const SeqStep& s) { return std::floor(f.x(static_cast<double>(s.time_us))) <= col; });
            j = static_cast<std::size_t>(first_after - begin);
        }
        const StepAgg a = tree.query(i, j);
        col_lo = f.y(static_cast<double>(a.hi));
        col_hi = f.y(static_cast<double>(a.lo));
        py = f.y(static_cast<double>(all[j - 1].value));
        if (j >= e) break;
        if (col_hi - col_lo > 0.5f) add(px, col_lo, px, col_hi, pev);
        const float x = f.x(static_cast<double>(all[j].time_us)), y = f.y(static_cast<double>(all[j].value));
        add(px, py, x, py, pev);
        add(x, py, x, y, pev);
        px = x;
        pev = all[j].event;
        i = j;
    }
    if (col_hi - col_lo > 0.5f) add(px, col_lo, px, col_hi, pev);
    const float xr = e == n ? f.width : std::min(f.width, f.x(static_cast<double>(all[e].time_us)));
    add(px, py, xr, py, pev);
}
}  // namespace

SeqPlotSummary summarize_plot_upto(const SeqGraph& g, const SeqGraphIndex& index, const trace::Trace& t,
                                   const PlotFrame& frame, uint32_t selected_skb, SeqPrefix p) {
    const SeqGraphIndex::Impl& x = index.impl();
    SeqPlotSummary s;
    s.frame = frame;
    s.selected_skb = selected_skb;
    step_line_upto(s.lines, g.windows, p.steps, x.window_tree, Tone::window, frame);
    step_line_upto(s.lines, g.acks, p.steps, x.ack_tree, Tone::ack, frame);
    sack_bars(s.sack_bars, g.sacks, p.sacks, frame);

    const auto& segs = g.segments;
    const auto begin = segs.begin(), last = segs.begin() + static_cast<std::ptrdiff_t>(p.segments);
    const PlotRange& r = frame.range;
    const auto lo = std::lower_bound(begin, last, r.t0, [](const SeqSegment& v, double t0) { return v.time_us < t0; });
    const auto hi = std::upper_bound(begin, last, r.t1, [](double t1, const SeqSegment& v) { return t1 < v.time_us; });
    s.seg_lo = static_cast<std::size_t>(lo - begin);
    s.seg_hi = static_cast<std::size_t>(hi - begin);
    s.detailed = s.seg_hi - s.seg_lo < kDetailedSegments;

    // The selected skb's segments in view: few (an skb is sent a few times).
    std::vector<uint32_t> selected;
    if (selected_skb) {
        auto a = std::lower_bound(x.skbs.begin(), x.skbs.end(), std::make_pair(selected_skb, uint32_t{0}));
        for (; a != x.skbs.end() && a->first == selected_skb; ++a)
            if (a->second >= s.seg_lo && a->second < s.seg_hi) selected.push_back(a->second);
    }

    // Bars, a pixel column at a time. The walk in summarize_plot() appends a
    // colour's bar when that colour's next segment opens another column (or at
    // the end, sent before retransmit before selected): each bar is given that
    // moment as its key, and the bars are put in key order.
    struct Keyed {
        std::size_t key;
        SeqPlotSummary::Bar bar;
    };
    std::vector<Keyed> bars;
    std::size_t open_bar[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
    auto add_bar = [&](Tone tone, float bx, const SegAgg& a, uint32_t first, uint32_t last_idx) {
        const int k = static_cast<int>(tone);
        if (open_bar[k] != SIZE_MAX) bars[open_bar[k]].key = first;
        const float y0 = frame.y(static_cast<double>(a.min_lo));
        const float y1 = std::min(frame.y(static_cast<double>(a.max_hi)), frame.y(static_cast<double>(a.max_lo)) - 3);
        open_bar[k] = bars.size();
        bars.push_back(Keyed{SIZE_MAX - 3 + static_cast<std::size_t>(k),
                             SeqPlotSummary::Bar{tone, bx, y0, y1, first, last_idx, a.min_ev, a.max_ev}});
    };
    const Tone static_tone[2] = {Tone::sent, Tone::retransmit};
    // Where each colour's list reaches the column being taken.
    std::size_t pos[2];
    for (int k = 0; k < 2; ++k)
        pos[k] = static_cast<std::size_t>(
            std::lower_bound(x.by_tone[k].begin(), x.by_tone[k].end(), static_cast<uint32_t>(s.seg_lo)) -
            x.by_tone[k].begin());
    for (std::size_t i = s.seg_lo; i < s.seg_hi;) {
        const float col = seg_x(frame, segs[i]);
        const auto after = gallop(begin + static_cast<std::ptrdiff_t>(i), hi,
                                  [&](const SeqSegment& v) { return seg_x(frame, v) <= col; });
        const auto j = static_cast<std::size_t>(after - begin);
        // The selected skb's segments in this column.
        const auto sel_a = std::lower_bound(selected.begin(), selected.end(), static_cast<uint32_t>(i));
        const auto sel_b = std::lower_bound(sel_a, selected.end(), static_cast<uint32_t>(j));
        for (int k = 0; k < 2; ++k) {
            // This colour's segments in [i, j), less the selected ones: the
            // pieces of its list between them.
            const auto& list = x.by_tone[k];
            const std::size_t a = pos[k];
            const auto b = static_cast<std::size_t>(gallop(list.begin() + static_cast<std::ptrdiff_t>(a), list.end(),
                                                           [&](uint32_t v) { return v < static_cast<uint32_t>(j); }) -
                                                    list.begin());
            pos[k] = b;
            SegAgg agg = kNoSeg;
            uint32_t first = 0, last_idx = 0;
            bool any = false;
            std::size_t from = a;
            auto take = [&](std::size_t to) {
                if (to <= from) return;
                agg = SegAggOp{}(agg, x.tone_tree[k].query(from, to));
                if (!any) first = list[from];
                last_idx = list[to - 1];
                any = true;
            };
            for (auto sel = sel_a; sel != sel_b; ++sel) {
                if (segs[*sel].retransmit != (k == 1)) continue;
                const auto at =
                    static_cast<std::size_t>(std::lower_bound(list.begin() + static_cast<std::ptrdiff_t>(from),
                                                              list.begin() + static_cast<std::ptrdiff_t>(b), *sel) -
                                             list.begin());
                take(at);
                from = at + 1;
            }
            take(b);
            if (any) add_bar(static_tone[k], col, agg, first, last_idx);
        }
        if (sel_a != sel_b) {
            SegAgg agg = kNoSeg;
            for (auto sel = sel_a; sel != sel_b; ++sel) {
                const SeqSegment& v = segs[*sel];
                agg = SegAggOp{}(agg, SegAgg{v.seq_lo, v.seq_lo, v.seq_hi, v.event, v.event});
            }
            add_bar(Tone::selected, col, agg, *sel_a, *(sel_b - 1));
        }
        i = j;
    }
    std::stable_sort(bars.begin(), bars.end(), [](const Keyed& a, const Keyed& b) { return a.key < b.key; });
    s.bars.reserve(bars.size());
    for (const Keyed& k : bars) s.bars.push_back(k.bar);

    // Marks: a detailed plot has fewer than kDetailedSegments segments, walked
    // as summarize_plot() does; otherwise only crosses, from the dropped list.
    int dropped_marks = 0;
    if (s.detailed) {
        for (std::size_t i = s.seg_lo; i < s.seg_hi; ++i)
            add_marks(s, segs[i], tone_of(segs[i], t, selected_skb), frame, dropped_marks);
    } else {
        auto d = std::lower_bound(x.dropped.begin(), x.dropped.end(), static_cast<uint32_t>(s.seg_lo));
        for (; d != x.dropped.end() && *d < s.seg_hi && dropped_marks < kMaxDroppedMarks; ++d)
            add_marks(s, segs[*d], tone_of(segs[*d], t, selected_skb), frame, dropped_marks);
    }
    s.in_event_order = s.seg_hi - s.seg_lo < 2 || x.descents[s.seg_hi - 1] == x.descents[s.seg_lo];
    return s;
}

CursorLabels place_cursor_labels(float left, float right, float top, float cx, float time_w, float edge_w, float lh) {
    CursorLabels l;
    // Right of the cursor line, or left of it where the plot ends: never across it.
    l.time_x = std::max(left + 2, cx + 4 + time_w <= right - 2 ? cx + 4 : cx - 4 - time_w);
    l.time_y = top + 2;
    // The window edge: top left, or a line lower where the time label would
    // cover it; beside the cursor line, a line lower, where it would cross it.
    auto crosses_cursor = [&](float x) { return x - 3 < cx && cx < x + edge_w + 3; };
    l.edge_x = left + 4;
    l.edge_y = top + 2;
    if (l.edge_x < l.time_x + time_w + 6 && l.time_x < l.edge_x + edge_w + 6) l.edge_y += lh + 2;
    if (crosses_cursor(l.edge_x)) {
        l.edge_y = top + 4 + lh;
        if (cx + 4 + edge_w <= right - 2) l.edge_x = cx + 4;
        else if (cx - 4 - edge_w >= left + 2) l.edge_x = cx - 4 - edge_w;
    }
    return l;
}

}  // namespace sendpath::gui
