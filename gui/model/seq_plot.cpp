#include "gui/model/seq_plot.hpp"

#include <algorithm>
#include <cmath>

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
// so a small segment stays visible when zoomed out).
struct SegPx {
    float x, y0, y1;
};
SegPx seg_px(const PlotFrame& f, const SeqSegment& s) {
    const float x = std::round(f.x(static_cast<double>(s.time_us)));
    const float y0 = f.y(static_cast<double>(s.seq_lo));
    float y1 = f.y(static_cast<double>(s.seq_hi));
    if (y0 - y1 < 3) y1 = y0 - 3;
    return {x, y0, y1};
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
    const float tick = frame.tick;
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
    for (int k = 0; k < 3; ++k) flush(k);
    s.in_event_order =
        std::is_sorted(lo, hi, [](const SeqSegment& a, const SeqSegment& b) { return a.event < b.event; });
    return s;
}

std::vector<PlotStroke> plot_strokes(const SeqGraph& g, const trace::Trace& t, const SeqPlotSummary& s,
                                     std::size_t cursor) {
    std::vector<PlotStroke> out;
    out.reserve(s.lines.size() + s.bars.size() * (s.detailed ? 3 : 1) + s.marks.size() + 4);
    for (const auto& k : s.lines) {
        out.push_back(k.stroke);
        out.back().future = k.event > cursor;
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

}  // namespace sendpath::gui
