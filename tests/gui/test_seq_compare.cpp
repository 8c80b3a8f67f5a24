// The sequence graph's data and plot arithmetic, and Compare's alignments,
// on real engine runs of the shipped scenarios.
#include <doctest/doctest.h>

#include <algorithm>

#include "engine/options.hpp"
#include "run/runner.hpp"
#include "support/scenarios.hpp"
#include "gui/model/compare.hpp"
#include "gui/model/file_watch.hpp"
#include "gui/model/layout.hpp"
#include "gui/model/seq_graph.hpp"
#include "lesson/scenario.hpp"
#include "run/runner.hpp"

using namespace sendpath;
using namespace sendpath::gui;

using sptest::run_shipped;

TEST_CASE("seq graph: retransmit_rto shows the lost third segment and its retransmission") {
    const trace::Trace t = run_shipped("retransmit_rto.json");
    const SeqGraph g = build_seq_graph(t);
    REQUIRE(g.has_isn);
    // The SYN is relative 0..1; data starts at 1 (3000 bytes: 1448 + 1448 + 104).
    REQUIRE(!g.segments.empty());
    CHECK(g.segments.front().seq_lo == 0);
    CHECK(g.segments.front().seq_hi == 1);
    std::vector<const SeqSegment*> data;
    for (const SeqSegment& s : g.segments)
        if (s.seq_lo >= 1 && s.seq_hi <= 3001) data.push_back(&s);
    REQUIRE(data.size() == 4);
    CHECK(data[0]->seq_lo == 1);
    CHECK(data[0]->seq_hi == 1449);
    CHECK(data[1]->seq_hi == 2897);
    CHECK(data[2]->seq_lo == 2897);
    CHECK(data[2]->seq_hi == 3001);
    CHECK(data[2]->dropped);
    CHECK(!data[2]->retransmit);
    // The retransmission: same bytes, later, after the RTO (>= 200 ms).
    CHECK(data[3]->retransmit);
    CHECK(!data[3]->dropped);
    CHECK(data[3]->seq_lo == 2897);
    CHECK(data[3]->time_us - data[2]->time_us >= 200000);
    // Each segment points at the event that sent it.
    for (const SeqSegment* s : data) {
        REQUIRE(s->event < t.events.size());
        CHECK(t.frames[s->frame].event == s->event);
    }
    // The ACK line: 2896 bytes acked before the timeout, everything after the retransmission.
    REQUIRE(!g.acks.empty());
    CHECK(step_value_at(g.acks, data[3]->time_us - 1) == 2897);
    CHECK(g.acks.back().value == 3001);
    CHECK(step_value_at(g.acks, g.acks.front().time_us - 1) == -1);
    // The window line is above the ACK line.
    for (std::size_t i = 0; i < g.acks.size(); ++i) CHECK(g.windows[i].value > g.acks[i].value);
    CHECK(g.seq_max >= 3001);
}

TEST_CASE("seq graph: fit, zoom around the pointer, pan") {
    const SeqGraph g = build_seq_graph(run_shipped("retransmit_rto.json"));
    const PlotRange r = fit_range(g);
    CHECK(r.t0 < static_cast<double>(g.t_min));
    CHECK(r.t1 > static_cast<double>(g.t_max));
    CHECK(r.s0 < static_cast<double>(g.seq_min));
    CHECK(r.s1 > static_cast<double>(g.seq_max));
    // The point under the pointer stays put; the span shrinks by the factor.
    const double fx = 0.25, fy = 0.75;
    const PlotRange z = zoom_at(r, fx, fy, 2.0);
    CHECK(z.t0 + fx * (z.t1 - z.t0) == doctest::Approx(r.t0 + fx * (r.t1 - r.t0)));
    CHECK(z.s0 + fy * (z.s1 - z.s0) == doctest::Approx(r.s0 + fy * (r.s1 - r.s0)));
    CHECK(z.t1 - z.t0 == doctest::Approx((r.t1 - r.t0) / 2));
    CHECK(z.s1 - z.s0 == doctest::Approx((r.s1 - r.s0) / 2));
    // A zoom factor that is not positive leaves both axes as they were.
    for (const double bad : {0.0, -2.0}) {
        const PlotRange same = zoom_at(r, fx, fy, bad);
        CHECK((same.t0 == r.t0 && same.t1 == r.t1 && same.s0 == r.s0 && same.s1 == r.s1));
    }
    // Time-only zoom leaves sequence alone.
    const PlotRange zt = zoom_time_at(r, 0.5, 4.0);
    CHECK(zt.s0 == r.s0);
    CHECK(zt.t1 - zt.t0 == doctest::Approx((r.t1 - r.t0) / 4));
    // Zooming in forever stops at one microsecond / one byte.
    PlotRange deep = r;
    for (int i = 0; i < 200; ++i) deep = zoom_at(deep, 0.5, 0.5, 2.0);
    CHECK(deep.t1 - deep.t0 >= 1.0 - 1e-9);
    CHECK(deep.s1 - deep.s0 >= 1.0 - 1e-9);
    // Dragging right by a tenth of the plot shows earlier times.
    const PlotRange p = pan(r, 0.1, 0.0);
    CHECK(p.t0 == doctest::Approx(r.t0 - 0.1 * (r.t1 - r.t0)));
    CHECK(p.s0 == r.s0);
}

TEST_CASE("seq graph: nice ticks and picking a segment") {
    const auto ticks = nice_ticks(0, 3000, 6);
    REQUIRE(ticks.size() >= 4);
    CHECK(ticks.front() == 0);
    CHECK(ticks[1] - ticks[0] == 500);
    CHECK(ticks.back() <= 3000);
    CHECK(nice_ticks(5, 5, 4).empty());

    const SeqGraph g = build_seq_graph(run_shipped("retransmit_rto.json"));
    const SeqSegment& target = g.segments[1];
    const double t_per_px = 10, s_per_px = 10;
    const int k = nearest_segment(g, static_cast<double>(target.time_us) + 20, static_cast<double>(target.seq_lo + 100),
                                  t_per_px, s_per_px, 6.0);
    REQUIRE(k >= 0);
    CHECK(g.segments[static_cast<std::size_t>(k)].seq_lo == target.seq_lo);
    CHECK(nearest_segment(g, static_cast<double>(g.t_max) + 1e6, 0, t_per_px, s_per_px, 6.0) == -1);
}

TEST_CASE("seq graph: a trace without frames is empty and fits to a default range") {
    const SeqGraph g = build_seq_graph(trace::Trace{});
    CHECK(g.empty());
    CHECK(!g.has_isn);
    const PlotRange r = fit_range(g);
    CHECK(r.t1 > r.t0);
}

TEST_CASE("compare: Nagle against TCP_NODELAY") {
    const trace::Trace nagle = run_shipped("nagle.json");
    const trace::Trace nodelay = run_shipped("nodelay.json");
    const auto d = first_event_divergence(nagle, nodelay);
    REQUIRE(d);
    CHECK(d->event < std::min(nagle.events.size(), nodelay.events.size()));
    CHECK(d->what.str().find("event " + std::to_string(d->event)) == 0);
    // Everything before the divergence is the same.
    for (std::size_t i = 0; i < d->event; ++i) CHECK(nagle.events[i].kind == nodelay.events[i].kind);

    const SeqGraph ga = build_seq_graph(nagle), gb = build_seq_graph(nodelay);
    const auto rows = align_by_seq(ga, gb);
    const auto first = first_seq_divergence(rows);
    REQUIRE(first);
    // Both send the first 100 bytes alone; then Nagle holds 200 bytes together
    // while NODELAY sends two more 100-byte segments.
    const SeqRow& r = rows[*first];
    CHECK(r.seq_lo == 101);
    REQUIRE(r.a >= 0);
    REQUIRE(r.b >= 0);
    CHECK(ga.segments[static_cast<std::size_t>(r.a)].seq_hi == 301);
    CHECK(gb.segments[static_cast<std::size_t>(r.b)].seq_hi == 201);
    const auto row201 = std::find_if(rows.begin(), rows.end(), [](const SeqRow& x) { return x.seq_lo == 201; });
    REQUIRE(row201 != rows.end());
    CHECK(row201->a == -1);
    CHECK(row201->b >= 0);
    CHECK(row201->differs);
}

TEST_CASE("compare: identical traces, and one that stops early") {
    const trace::Trace a = run_shipped("tail_append.json");
    CHECK(!first_event_divergence(a, a));
    CHECK(!first_seq_divergence(align_by_seq(build_seq_graph(a), build_seq_graph(a))));
    trace::Trace shorter = a;
    shorter.events.resize(a.events.size() - 3);
    const auto d = first_event_divergence(a, shorter);
    REQUIRE(d);
    CHECK(d->event == a.events.size() - 3);
    CHECK(d->what.str().find("B has ended") != std::string::npos);
    // A changed argument is found and named.
    trace::Trace edited = a;
    const std::size_t k = a.events.size() / 2;
    REQUIRE(edited.events[k].change_end > edited.events[k].change_begin);
    edited.changes[edited.events[k].change_begin].value += 1;
    const auto e = first_event_divergence(a, edited);
    REQUIRE(e);
    CHECK(e->event == k);
}

TEST_CASE("file watch: one reload per change, at most once a second") {
    FileWatch w;
    CHECK(!w.due(0.0));  // nothing watched
    w.watch("x.json", 100);
    CHECK(w.due(10.0));
    CHECK(!w.due(10.5));
    CHECK(w.due(11.0));
    CHECK(!w.changed(100));
    CHECK(!w.changed(std::nullopt));  // being rewritten: wait
    CHECK(w.changed(200));
    CHECK(!w.changed(200));
    CHECK(!file_mtime("/nonexistent/sendpath/x"));
    CHECK(file_mtime(std::string(SENDPATH_SOURCE_DIR) + "/tests/scenarios/nagle.json"));
}

TEST_CASE("compare: the branch divergence of Nagle against TCP_NODELAY is where Nagle holds the segment") {
    const trace::Trace nagle = run_shipped("nagle.json");
    const trace::Trace nodelay = run_shipped("nodelay.json");
    const auto values = first_event_divergence(nagle, nodelay);
    const auto branch = first_branch_divergence(nagle, nodelay);
    REQUIRE(values);
    REQUIRE(branch);
    // The option shows in the values from the start; the paths part later.
    CHECK(values->event <= branch->event);
    CHECK(branch->event > 9);  // both connect and enter the first send() alike
    const bool nagle_side = nagle.events[branch->event].kind == trace::Kind::nagle_defer ||
                            branch->what.str().find("nagle_defer") != std::string::npos;
    CHECK(nagle_side);
    // Field names, not numbers, in the description of a value difference.
    CHECK(values->what.str().find("field 3") == std::string::npos);
}

TEST_CASE("layout: the sequence graph, Compare and Byte provenance open inside the window") {
    const float W = 1280, H = 800, menu = 22;
    for (const char* id : {"seq_graph", "compare", "provenance"}) {
        const auto r = default_view_rect(id, W, H, menu);
        REQUIRE(r);
        CHECK(r->x >= 0);
        CHECK(r->y >= menu);
        CHECK(r->x + r->w <= W + 0.5f);
        CHECK(r->y + r->h <= H + 0.5f);
        CHECK(r->w >= 400);
        CHECK(r->h >= 200);
    }
    // The graph and Compare sit side by side, so both can be open at once.
    const auto g = default_view_rect("seq_graph", W, H, menu), c = default_view_rect("compare", W, H, menu);
    CHECK(g->x + g->w <= c->x + 0.5f);
}
