// The sequence graph's plot summary (model/seq_plot.hpp) draws what a walk
// over every visible segment and SACK block with the cursor known draws: the
// same bars, in the same colours, dimmed after the cursor, the same "R" marks
// beside retransmissions, crosses on dropped segments, the ring at the cursor
// and the SACK and D-SACK blocks with the holes between them.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <span>
#include <tuple>

#include "gui/model/seq_graph.hpp"
#include "gui/model/seq_plot.hpp"
#include "net/frame.hpp"
#include "support/scenarios.hpp"
#include "support/trace_builder.hpp"

using namespace sendpath;
using namespace sendpath::gui;

namespace {
// The reference: every segment in the visible range, one at a time, the way
// the view drew before the summary (a bar per column, colour and side of the
// cursor; marks and the ring per segment).
std::vector<PlotStroke> walk_every_segment(const SeqGraph& g, const trace::Trace& t, const PlotFrame& f,
                                           uint32_t selected_skb, std::size_t cursor) {
    std::vector<PlotStroke> out;
    std::size_t visible = 0;
    for (const SeqSegment& s : g.segments) visible += s.time_us >= f.range.t0 && s.time_us <= f.range.t1 ? 1 : 0;
    const bool detailed = visible < kDetailedSegments;
    struct Bar {
        float x = 0, y0 = 0, y1 = 0;
        Tone tone = Tone::sent;
        bool future = false, used = false;
    };
    Bar bars[3];
    auto line = [&](Tone tone, bool future, float x0, float y0, float x1, float y1, float w) {
        out.push_back(PlotStroke{PlotStroke::Type::line, tone, future, x0, y0, x1, y1, w});
    };
    auto flush = [&](Bar& b) {
        if (!b.used) return;
        line(b.tone, b.future, b.x, b.y0, b.x, b.y1, 1.5f);
        if (detailed) {
            line(b.tone, b.future, b.x - f.tick, b.y0, b.x + f.tick, b.y0, 1.0f);
            line(b.tone, b.future, b.x - f.tick, b.y1, b.x + f.tick, b.y1, 1.0f);
        }
        b.used = false;
    };
    int crosses = 0;
    for (const SeqSegment& s : g.segments) {
        if (s.time_us < f.range.t0 || s.time_us > f.range.t1) continue;
        const bool future = s.event > cursor;
        Tone tone = s.retransmit ? Tone::retransmit : Tone::sent;
        if (selected_skb && t.frames[s.frame].skb == selected_skb) tone = Tone::selected;
        const float x = std::round(f.x(static_cast<double>(s.time_us)));
        float y0 = f.y(static_cast<double>(s.seq_lo)), y1 = f.y(static_cast<double>(s.seq_hi));
        if (y0 - y1 < 3) y1 = y0 - 3;
        Bar& b = bars[static_cast<int>(tone)];
        if (b.used && (b.x != x || b.future != future)) flush(b);
        if (!b.used) b = Bar{x, y0, y1, tone, future, true};
        else {
            b.y0 = std::max(b.y0, y0);
            b.y1 = std::min(b.y1, y1);
        }
        if (s.retransmit && detailed)
            out.push_back(PlotStroke{PlotStroke::Type::letter_r, tone, future, x + f.tick + 2, y1, 0, 0, 1});
        if (s.dropped && crosses < kMaxDroppedMarks) {
            ++crosses;
            const float ym = (y0 + y1) * 0.5f, d = f.tick * 1.6f;
            line(Tone::dropped, future, x - d, ym - d, x + d, ym + d, 2.0f);
            line(Tone::dropped, future, x - d, ym + d, x + d, ym - d, 2.0f);
        }
        if (s.event == cursor)
            out.push_back(
                PlotStroke{PlotStroke::Type::ring, Tone::cursor, false, x, (y0 + y1) * 0.5f, f.tick * 2.5f, 0, 2.0f});
    }
    for (Bar& b : bars) flush(b);
    return out;
}

// The reference for SACK blocks: every visible block, one at a time, a bar at
// its ACK's time from its left edge to its right edge (at least 2 pixels);
// in each pixel column, the blocks of each kind (SACK, D-SACK) on each side
// of the cursor joined where they overlap or touch.
std::vector<PlotStroke> walk_every_sack(const SeqGraph& g, const PlotFrame& f, std::size_t cursor) {
    std::map<std::tuple<float, bool, bool>, std::vector<std::pair<float, float>>> columns;  // -> (top, bottom)
    for (const SeqSack& k : g.sacks) {
        if (k.time_us < f.range.t0 || k.time_us > f.range.t1) continue;
        const float x = std::round(f.x(static_cast<double>(k.time_us)));
        const float y0 = f.y(static_cast<double>(k.seq_lo));
        float y1 = f.y(static_cast<double>(k.seq_hi));
        if (y0 - y1 < 2) y1 = y0 - 2;
        columns[{x, k.dsack, k.event > cursor}].emplace_back(y1, y0);
    }
    std::vector<PlotStroke> out;
    for (auto& [key, spans] : columns) {
        const auto [x, dsack, future] = key;
        std::sort(spans.begin(), spans.end());
        auto emit = [&](std::pair<float, float> p) {
            out.push_back(PlotStroke{PlotStroke::Type::line, dsack ? Tone::dsack : Tone::sack, future, x, p.second, x,
                                     p.first, 2.0f});
        };
        std::pair<float, float> open = spans.front();
        for (std::size_t i = 1; i < spans.size(); ++i) {
            if (spans[i].first <= open.second) open.second = std::max(open.second, spans[i].second);
            else {
                emit(open);
                open = spans[i];
            }
        }
        emit(open);
    }
    return out;
}

auto order(const PlotStroke& s) { return std::make_tuple(s.type, s.tone, s.future, s.x0, s.y0, s.x1, s.y1, s.width); }

// The segments' strokes (not the step lines), sorted: drawing order aside, the same set.
std::vector<PlotStroke> segment_strokes(std::vector<PlotStroke> v) {
    std::erase_if(v, [](const PlotStroke& s) { return s.tone == Tone::ack || s.tone == Tone::window; });
    std::sort(v.begin(), v.end(), [](const PlotStroke& a, const PlotStroke& b) { return order(a) < order(b); });
    return v;
}

std::size_t count(const std::vector<PlotStroke>& v, PlotStroke::Type type, Tone tone, bool future) {
    return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [&](const PlotStroke& s) {
        return s.type == type && s.tone == tone && s.future == future;
    }));
}

// Cursors worth checking: the start, the end, and events that sent a segment
// sharing its pixel column with others (past and future meet there).
std::vector<std::size_t> cursors_of(const trace::Trace& t, const SeqGraph& g) {
    std::vector<std::size_t> c = {0, t.events.size() - 1};
    for (std::size_t k = 1; k <= 7; ++k) c.push_back(g.segments[g.segments.size() * k / 8].event);
    for (const SeqSegment& s : g.segments)
        if (s.retransmit) {
            c.push_back(s.event);
            break;
        }
    // Where SACK blocks of the past and the future share a column.
    for (std::size_t k = 1; k <= 5 && !g.sacks.empty(); ++k) c.push_back(g.sacks[g.sacks.size() * k / 6].event);
    for (const SeqSack& k : g.sacks)
        if (k.dsack) c.push_back(k.event);
    return c;
}

void check_same_as_walk(const trace::Trace& t, const SeqGraph& g, const PlotFrame& f, uint32_t selected_skb) {
    const SeqPlotSummary sum = summarize_plot(g, t, f, selected_skb);
    for (std::size_t cursor : cursors_of(t, g)) {
        CAPTURE(cursor);
        auto want = walk_every_segment(g, t, f, selected_skb, cursor);
        const auto sacks = walk_every_sack(g, f, cursor);
        want.insert(want.end(), sacks.begin(), sacks.end());
        const auto got = plot_strokes(g, t, sum, cursor);
        CHECK(segment_strokes(got) == segment_strokes(want));
        for (Tone tone : {Tone::retransmit, Tone::selected})
            for (bool future : {false, true})
                CHECK(count(got, PlotStroke::Type::letter_r, tone, future) ==
                      count(want, PlotStroke::Type::letter_r, tone, future));
    }
}
}  // namespace

TEST_CASE(
    "seq plot: the summary draws the same bars, R marks, crosses, ring and SACK blocks as a walk over every segment "
    "and block") {
    // 5 % of segments and ACKs lost: retransmissions and dropped segments all
    // along, SACK blocks on the duplicate ACKs and a few D-SACKs.
    const trace::Trace t = sptest::run_shipped("random_loss.json");
    const SeqGraph g = build_seq_graph(t);
    REQUIRE(g.segments.size() > 500);
    REQUIRE(g.sacks.size() > 100);
    REQUIRE(std::count_if(g.sacks.begin(), g.sacks.end(), [](const SeqSack& k) { return k.dsack; }) > 0);
    const auto retransmits = std::count_if(g.segments.begin(), g.segments.end(), [](auto& s) { return s.retransmit; });
    REQUIRE(retransmits > 10);
    uint32_t skb = 0;  // an skb that was retransmitted, for the linked selection
    for (const SeqSegment& s : g.segments)
        if (s.retransmit && t.frames[s.frame].skb) skb = t.frames[s.frame].skb;
    REQUIRE(skb != 0);

    SUBCASE("fitted into 120 pixel columns: many segments per column") {
        const PlotFrame f{fit_range(g), 120, 300, 2.8f};
        const SeqPlotSummary sum = summarize_plot(g, t, f, 0);
        CHECK(sum.detailed);
        CHECK(sum.bars.size() < g.segments.size() / 2);
        const auto at_end = plot_strokes(g, t, sum, t.events.size() - 1);
        CHECK(count(at_end, PlotStroke::Type::letter_r, Tone::retransmit, false) ==
              static_cast<std::size_t>(retransmits));
        check_same_as_walk(t, g, f, 0);
        check_same_as_walk(t, g, f, skb);
    }
    SUBCASE("zoomed in on the middle, 1000 pixel columns wide") {
        PlotRange r = fit_range(g);
        r = zoom_time_at(r, 0.5, 6.0);
        check_same_as_walk(t, g, PlotFrame{r, 1000, 600, 2.8f}, skb);
    }
}

TEST_CASE("seq plot: with more than kDetailedSegments visible, bars only, the same as the walk") {
    // 8 MiB at 2 % loss: about 5,800 segments.
    const trace::Trace t = sptest::run_json(
        R"({"peer": {"loss": {"rate": 0.02, "seed": 3}}, "timeline": [{"send": 8388608}], "max_time_ms": 600000})");
    const SeqGraph g = build_seq_graph(t);
    REQUIRE(g.segments.size() > kDetailedSegments);
    const PlotFrame f{fit_range(g), 900, 500, 2.8f};
    const SeqPlotSummary sum = summarize_plot(g, t, f, 0);
    CHECK(!sum.detailed);
    const auto got = plot_strokes(g, t, sum, t.events.size() / 2);
    CHECK(count(got, PlotStroke::Type::letter_r, Tone::retransmit, false) == 0);
    CHECK(count(got, PlotStroke::Type::line, Tone::dropped, false) > 0);
    CHECK(count(got, PlotStroke::Type::line, Tone::sent, true) > 0);  // the future, dimmed
    CHECK(got.size() < g.segments.size());
    check_same_as_walk(t, g, f, 0);
}

namespace {
// Lesson mode before the index: the graph copied up to the horizon
// (clip_seq_graph), fitted, summarized by the walk. With the index: a prefix
// of the whole graph, its extents kept, summarized column by column. Both are
// checked at horizons that add a segment or an ACK (the fit moves) and the
// events just before them, fitted and zoomed, with and without a selection.
void check_prefix_same_as_clip(const trace::Trace& t, const SeqGraph& g, uint32_t skb, std::size_t samples) {
    const SeqGraphIndex ix(g, t);
    REQUIRE(ix.in_event_order());
    std::vector<std::size_t> horizons = {0, t.events.size() - 1};
    for (std::size_t k = 0; k < samples; ++k) {
        const SeqSegment& s = g.segments[g.segments.size() * k / samples];
        const SeqStep& a = g.acks[g.acks.size() * k / samples];
        const std::size_t sack = g.sacks.empty() ? 0 : g.sacks[g.sacks.size() * k / samples].event;
        for (std::size_t h : {std::size_t{s.event}, std::size_t{a.event}, sack}) {
            horizons.push_back(h);
            if (h > 0) horizons.push_back(h - 1);
        }
    }
    std::size_t compared = 0;
    for (std::size_t h : horizons) {
        CAPTURE(h);
        const SeqGraph clipped = clip_seq_graph(g, h);
        const SeqPrefix p = ix.upto(h);
        REQUIRE(p.segments == clipped.segments.size());
        REQUIRE(p.steps == clipped.acks.size());
        REQUIRE(p.sacks == clipped.sacks.size());
        const PlotRange fit = fit_range(clipped);
        CHECK(fit_range(ix.extents(p)) == fit);
        if (clipped.empty()) continue;
        for (const PlotFrame& f : {PlotFrame{fit, 900, 500, 2.8f}, PlotFrame{fit, 120, 300, 2.8f},
                                   PlotFrame{zoom_time_at(fit, 0.7, 5.0), 1000, 600, 2.8f},
                                   PlotFrame{zoom_at(fit, 0.3, 0.5, 3.0), 700, 400, 2.8f}})
            for (uint32_t sel : {uint32_t{0}, skb}) {
                const SeqPlotSummary want = summarize_plot(clipped, t, f, sel);
                const SeqPlotSummary got = summarize_plot_upto(g, ix, t, f, sel, p);
                CHECK(got == want);
                // Nothing of the future: every stroke's event is at or before the horizon.
                for (const auto& k : got.lines) CHECK(k.event <= h);
                for (const auto& k : got.marks) CHECK(k.event <= h);
                for (const auto& b : got.bars) CHECK(b.ev_max <= h);
                for (const auto& b : got.sack_bars) CHECK(b.ev_max <= h);
                const auto strokes = plot_strokes(g, t, got, h);
                CHECK(strokes == plot_strokes(clipped, t, want, h));
                CHECK(std::none_of(strokes.begin(), strokes.end(), [](const PlotStroke& s) { return s.future; }));
                ++compared;
            }
        // What the view shows beside the plot: the window edge at the cursor, the hovered segment.
        const int64_t now = t.events[h].time_us;
        CHECK(step_value_at(std::span<const SeqStep>(g.windows.data(), p.steps), now) ==
              step_value_at(clipped.windows, now));
        const double tpp = (fit.t1 - fit.t0) / 900, spp = (fit.s1 - fit.s0) / 500;
        if (!clipped.segments.empty()) {
            const SeqSegment& lastseg = clipped.segments.back();
            CHECK(nearest_segment(g, static_cast<double>(lastseg.time_us) + 3 * tpp,
                                  static_cast<double>(lastseg.seq_hi), tpp, spp, 6.0, p.segments) ==
                  nearest_segment(clipped, static_cast<double>(lastseg.time_us) + 3 * tpp,
                                  static_cast<double>(lastseg.seq_hi), tpp, spp, 6.0));
        }
    }
    CHECK(compared > samples * 8);
}
}  // namespace

TEST_CASE("seq plot: lesson mode's prefix of the graph draws exactly what the clipped copy drew") {
    SUBCASE("5 % loss: retransmissions, drops, a selected skb") {
        const trace::Trace t = sptest::run_shipped("random_loss.json");
        const SeqGraph g = build_seq_graph(t);
        uint32_t skb = 0;
        for (const SeqSegment& s : g.segments)
            if (s.retransmit && t.frames[s.frame].skb) skb = t.frames[s.frame].skb;
        REQUIRE(skb != 0);
        check_prefix_same_as_clip(t, g, skb, 40);
    }
    SUBCASE("more than kDetailedSegments segments: bars and crosses only") {
        const trace::Trace t = sptest::run_json(
            R"({"peer": {"loss": {"rate": 0.02, "seed": 3}}, "timeline": [{"send": 8388608}], "max_time_ms": 600000})");
        const SeqGraph g = build_seq_graph(t);
        REQUIRE(g.segments.size() > kDetailedSegments);
        check_prefix_same_as_clip(t, g, 0, 12);
    }
}

TEST_CASE("seq plot: the cursor's time and the window edge labels never overlap, nor cross the cursor line") {
    // Issue 13: "^ window edge 133969" overlapped "t = 2.000 ms". Every cursor
    // position across plots 1024 and 400 pixels wide, with label widths of the
    // app's font (7 pixels a character, 16-pixel lines).
    const float lh = 16, top = 40;
    for (const float right : {1024.0f, 400.0f})
        for (const float time_w : {7.0f * 12, 7.0f * 16})
            for (const float edge_w : {7.0f * 20, 7.0f * 27})
                for (float cx = 80; cx <= right; cx += 0.5f) {
                    CAPTURE(right);
                    CAPTURE(cx);
                    const float left = 80;
                    const CursorLabels l = place_cursor_labels(left, right, top, cx, time_w, edge_w, lh);
                    // Inside the plot, never across the cursor line.
                    CHECK(l.time_x >= left);
                    CHECK(l.time_x + time_w <= right);
                    CHECK((l.time_x > cx || l.time_x + time_w < cx));
                    // The two boxes do not meet.
                    const bool apart_x = l.edge_x + edge_w <= l.time_x || l.time_x + time_w <= l.edge_x;
                    const bool apart_y = l.edge_y >= l.time_y + lh || l.time_y >= l.edge_y + lh;
                    CHECK((apart_x || apart_y));
                    // The edge label crosses the cursor line only where it fits on neither side.
                    const bool crosses = l.edge_x < cx && cx < l.edge_x + edge_w;
                    const bool fits_a_side = cx + 4 + edge_w <= right - 2 || cx - 4 - edge_w >= left + 2;
                    if (fits_a_side) CHECK(!crosses);
                }
}

TEST_CASE("seq graph: each ACK's SACK blocks are drawn from left edge to right edge, the holes between them open") {
    // FACK with two holes: the peer loses the 1st and 4th segments of a
    // flight, so some ACKs carry two blocks with a hole between them.
    const trace::Trace t = sptest::run_shipped("fack_two_holes.json");
    const SeqGraph g = build_seq_graph(t);
    REQUIRE(!g.sacks.empty());
    // The blocks per ACK are the ones the engine counted on taking each ACK in
    // (its sack_blocks events), in the same order.
    std::vector<int64_t> counted, drawn;
    for (std::size_t i = 0; i < t.events.size(); ++i)
        if (t.events[i].kind == trace::Kind::sack_blocks) counted.push_back(t.arg(i, trace::Arg::segs));
    for (std::size_t i = 0; i < g.sacks.size(); ++i)
        if (i == 0 || g.sacks[i].frame != g.sacks[i - 1].frame) drawn.push_back(1);
        else ++drawn.back();
    CHECK(drawn == counted);
    // Every block lies above its ACK's cumulative ack (none is a D-SACK here)
    // and its edges are segment boundaries: the peer SACKs whole segments.
    for (const SeqSack& k : g.sacks) {
        CHECK(!k.dsack);
        const auto ack =
            std::find_if(g.acks.begin(), g.acks.end(), [&](const SeqStep& a) { return a.frame == k.frame; });
        REQUIRE(ack != g.acks.end());
        CHECK(k.seq_lo > ack->value);
        CHECK(std::any_of(g.segments.begin(), g.segments.end(),
                          [&](const SeqSegment& s) { return s.seq_lo == k.seq_lo; }));
        CHECK(std::any_of(g.segments.begin(), g.segments.end(),
                          [&](const SeqSegment& s) { return s.seq_hi == k.seq_hi; }));
    }
    // The whole flight's ACKs come in at one time, so their blocks share a
    // pixel column: drawn joined where they overlap or touch, the holes (the
    // segments still missing) left open. Reference: the blocks joined in
    // sequence space, then put in pixels.
    auto joined = [&](const PlotFrame& f, auto&& take) {
        std::vector<std::pair<int64_t, int64_t>> v;
        for (const SeqSack& k : g.sacks)
            if (take(k)) v.emplace_back(k.seq_lo, k.seq_hi);
        std::sort(v.begin(), v.end());
        std::vector<std::pair<int64_t, int64_t>> out;
        for (const auto& x : v) {
            if (!out.empty() && x.first <= out.back().second) out.back().second = std::max(out.back().second, x.second);
            else out.push_back(x);
        }
        std::vector<std::pair<float, float>> px;  // (top, bottom), top down
        for (auto it = out.rbegin(); it != out.rend(); ++it)
            px.emplace_back(f.y(static_cast<double>(it->second)), f.y(static_cast<double>(it->first)));
        return px;
    };
    const PlotFrame f{fit_range(g), 900, 500, 2.8f};
    const SeqPlotSummary sum = summarize_plot(g, t, f, 0);
    const SeqSack* two = nullptr;  // the first ACK with two blocks
    for (std::size_t i = 0; i + 1 < g.sacks.size() && !two; ++i)
        if (g.sacks[i].frame == g.sacks[i + 1].frame) two = &g.sacks[i];
    REQUIRE(two);
    const float col = std::round(f.x(static_cast<double>(two->time_us)));
    auto same_time = [&](const SeqSack& k) { return k.time_us == two->time_us; };
    std::vector<std::pair<float, float>> bars;
    for (const auto& bar : sum.sack_bars) {
        CHECK(bar.tone == Tone::sack);
        if (bar.x == col) bars.emplace_back(bar.y1, bar.y0);
    }
    std::sort(bars.begin(), bars.end());
    const auto want = joined(f, same_time);
    CHECK(want.size() == 2);  // two holes: one below the lower block (above the ACK line), one between
    CHECK(bars == want);
    // With the cursor at that ACK: its blocks and the ones before it bright,
    // the later ones dimmed, each side joined on its own.
    std::vector<std::pair<float, float>> past, future;
    for (const PlotStroke& s : plot_strokes(g, t, sum, two->event))
        if (s.tone == Tone::sack && s.x0 == col) (s.future ? future : past).emplace_back(s.y1, s.y0);
    std::sort(past.begin(), past.end());
    std::sort(future.begin(), future.end());
    CHECK(past == joined(f, [&](const SeqSack& k) { return same_time(k) && k.event <= two->event; }));
    CHECK(future == joined(f, [&](const SeqSack& k) { return same_time(k) && k.event > two->event; }));
    CHECK(!future.empty());
}

TEST_CASE("seq graph: a D-SACK block is told apart, as the engine told it") {
    // 5 % loss both ways: lost ACKs make retransmissions the peer already had.
    const trace::Trace t = sptest::run_shipped("random_loss.json");
    const SeqGraph g = build_seq_graph(t);
    std::vector<std::pair<int64_t, int64_t>> engine, drawn;
    for (std::size_t i = 0; i < t.events.size(); ++i)
        if (t.events[i].kind == trace::Kind::dsack)
            engine.emplace_back(relative_seq(g, static_cast<uint32_t>(t.arg(i, trace::Arg::seq))),
                                relative_seq(g, static_cast<uint32_t>(t.arg(i, trace::Arg::end_seq))));
    for (const SeqSack& k : g.sacks)
        if (k.dsack) drawn.emplace_back(k.seq_lo, k.seq_hi);
    REQUIRE(!engine.empty());
    CHECK(drawn == engine);
    // Drawn in their own colour, apart from the SACK blocks of the same ACK.
    const SeqPlotSummary sum = summarize_plot(g, t, PlotFrame{fit_range(g), 900, 500, 2.8f}, 0);
    CHECK(std::count_if(sum.sack_bars.begin(), sum.sack_bars.end(),
                        [](const SeqPlotSummary::Bar& b) { return b.tone == Tone::dsack; }) > 0);
    CHECK(std::count_if(sum.sack_bars.begin(), sum.sack_bars.end(),
                        [](const SeqPlotSummary::Bar& b) { return b.tone == Tone::sack; }) > 0);
}

TEST_CASE("seq graph: SACK blocks are read from the ACKs' options; D-SACK by either of RFC 2883's two signs") {
    // A hand-made exchange: our SYN at ISN 1000, the peer's SYN-ACK, four
    // 100-byte segments, then ACKs from the peer carrying SACK options.
    sptest::TraceBuilder b;
    net::FrameAddrs out_addrs, in_addrs;
    out_addrs.src_ip = in_addrs.dst_ip = net::Ipv4Addr::of(10, 99, 0, 2);
    out_addrs.dst_ip = in_addrs.src_ip = net::Ipv4Addr::of(10, 99, 0, 1);
    auto frame = [&](bool in, uint32_t seq, uint32_t ack, uint8_t flags, std::size_t len,
                     std::vector<std::pair<uint32_t, uint32_t>> sacks, bool dropped = false) {
        net::TcpRepr tcp;
        tcp.src_port = in ? 5001 : 40000;
        tcp.dst_port = in ? 40000 : 5001;
        tcp.seq = seq;
        tcp.ack = ack;
        tcp.flags = flags;
        tcp.window = 1000;
        tcp.options.sack_blocks = std::move(sacks);
        const std::vector<uint8_t> payload(len, 'x');
        std::vector<uint8_t> bytes;
        net::emit_tcp_frame(bytes, in ? in_addrs : out_addrs, tcp, payload);
        b.at(b.now() + 10)
            .frame(in ? 1 : 0, 0, bytes, dropped)
            .emit(in ? trace::Kind::sack_blocks : trace::Kind::transmit);
    };
    frame(false, 1000, 0, net::TCP_SYN, 0, {});
    frame(true, 5000, 1001, net::TCP_SYN | net::TCP_ACK, 0, {});
    for (uint32_t k = 0; k < 4; ++k) frame(false, 1001 + 100 * k, 5001, net::TCP_ACK, 100, {});
    // Segment 1 lost: the peer holds 2 and 3 above its ACK of 1101.
    frame(true, 5001, 1101, net::TCP_ACK, 0, {{1201, 1301}, {1301, 1401}});
    // A D-SACK below the cumulative ACK (segment 0 came twice), then a SACK block.
    frame(true, 5001, 1101, net::TCP_ACK, 0, {{1001, 1101}, {1201, 1401}});
    // A D-SACK inside the second block (segment 2 came twice).
    frame(true, 5001, 1101, net::TCP_ACK, 0, {{1201, 1301}, {1201, 1401}});
    // A lost ACK never reached us: nothing of it is drawn.
    frame(true, 5001, 1101, net::TCP_ACK, 0, {{1201, 1501}}, true);
    const trace::Trace t = b.take();
    const SeqGraph g = build_seq_graph(t);
    REQUIRE(g.has_isn);
    std::vector<std::tuple<int64_t, int64_t, bool>> got;
    for (const SeqSack& k : g.sacks) got.emplace_back(k.seq_lo, k.seq_hi, k.dsack);
    const std::vector<std::tuple<int64_t, int64_t, bool>> want = {
        {201, 301, false}, {301, 401, false},  // two blocks, no D-SACK
        {1, 101, true},    {201, 401, false},  // below the ACK: D-SACK
        {201, 301, true},  {201, 401, false},  // inside the second block: D-SACK
    };
    CHECK(got == want);
    // Each block at its ACK's time and event.
    for (const SeqSack& k : g.sacks) {
        CHECK(t.frames[k.frame].dir == 1);
        CHECK(k.time_us == t.frames[k.frame].time_us);
        CHECK(k.event == t.frames[k.frame].event);
    }
}

TEST_CASE("seq graph: hovering a time names the SACK blocks of the ACK in force then, and in a lesson none later") {
    const trace::Trace t = sptest::run_shipped("fack_two_holes.json");
    const SeqGraph g = build_seq_graph(t);
    auto edges = [](std::span<const SeqSack> v) {
        std::vector<std::pair<int64_t, int64_t>> out;
        for (const SeqSack& k : v) out.emplace_back(k.seq_lo, k.seq_hi);
        return out;
    };
    using Edges = std::vector<std::pair<int64_t, int64_t>>;
    // At 51 ms the whole flight's ACKs came in; the last one holds two
    // blocks, the most recently changed first, with the hole between them.
    CHECK(edges(sacks_at(g.acks, g.sacks, 51000)) == Edges{{27513, 36201}, {23169, 26065}});
    CHECK(edges(sacks_at(g.acks, g.sacks, 51999)) == Edges{{27513, 36201}, {23169, 26065}});
    // Before the losses: ACKs without blocks; before any ACK: nothing.
    CHECK(sacks_at(g.acks, g.sacks, 20000).empty());
    CHECK(sacks_at(g.acks, g.sacks, -1).empty());
    // After the recovery the cumulative ACK covers everything: no block.
    CHECK(sacks_at(g.acks, g.sacks, t.events.back().time_us).empty());
    // Lesson mode at the first ACK with two blocks: that ACK's, not the
    // later ones of the same millisecond.
    uint32_t first_two = 0;
    for (std::size_t k = 1; k < g.sacks.size() && !first_two; ++k)
        if (g.sacks[k].event == g.sacks[k - 1].event) first_two = g.sacks[k].event;
    REQUIRE(first_two > 0);
    const SeqGraphIndex ix(g, t);
    const SeqPrefix p = ix.upto(first_two);
    CHECK(edges(sacks_at(std::span(g.acks.data(), p.steps), std::span(g.sacks.data(), p.sacks), 51000)) ==
          Edges{{27513, 28961}, {23169, 26065}});
}
