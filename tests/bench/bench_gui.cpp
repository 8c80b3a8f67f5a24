// GUI speed with a big trace (issue 3: "a trace of one million events opens
// in under two seconds, and any event is reached (seek plus redraw) within one
// frame"). Generates a trace of about N events with the engine, saves it as
// CBOR, then measures, with the app's own code (App, every view, ImGui with
// no renderer: draw lists are built, nothing is rasterised):
//   - App::open: load_trace + Document (trace::Replay construction);
//   - jumps to random events: the seek plus one full frame (every view open);
//   - per-frame CPU time with the trace loaded, cursor still.
//
//   build/tests/gui/bench_gui [events, default 1000000] [path.cbor, default in the temporary directory]
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <imgui.h>

#include "bench_support.hpp"
#include "gui/app.hpp"
#include "gui/model/seq_graph.hpp"
#include "gui/model/seq_plot.hpp"
#include "gui/model/timeline_strip.hpp"
#include "gui/widgets.hpp"
#include "lesson/scenario.hpp"
#include "run/runner.hpp"
#include "trace/trace_io.hpp"

using namespace sendpath;
using namespace sendpath::bench;

static double frame(gui::App& app) {
    const auto t0 = clk::now();
    app.apply_commands();
    ImGui::NewFrame();
    app.draw();
    ImGui::Render();
    return ms(t0, clk::now());
}

// Lesson mode's sequence graph (issue 13): what a step costs the graph while
// a question hides the future, before and after the index. Before: the graph
// copied up to the horizon (clip_seq_graph), fitted, summarized by a walk.
// After: the horizon's prefix found in the index, fitted from its kept
// extents, summarized a pixel column at a time. Both then decide the strokes
// (plot_strokes). Measured at 200 random horizons, each followed by the step
// to the next event that sends a segment or takes an ACK (the plot moves, the
// dearest step), in a 640x480 plot, the graph's size in a 1280x800 window.
static void lesson_steps(const trace::Trace& t, const char* what) {
    const gui::SeqGraph g = gui::build_seq_graph(t);
    const auto i0 = clk::now();
    const gui::SeqGraphIndex ix(g, t);
    const double index_ms = ms(i0, clk::now());
    // The horizons: 200 random segments' events, each with the event before it.
    std::mt19937_64 rng(7);
    std::vector<std::size_t> horizons;
    for (int i = 0; i < 200; ++i) {
        const std::size_t k = std::uniform_int_distribution<std::size_t>(0, g.segments.size() - 1)(rng);
        horizons.push_back(std::size_t{g.segments[k].event} - 1);
        horizons.push_back(g.segments[k].event);
    }
    // Each way in a run of its own, so neither finds the caches as the other left them.
    std::vector<double> before, after;
    std::size_t sink = 0, columns = 0;
    for (std::size_t h : horizons) {
        const auto a = clk::now();
        const gui::SeqGraph clipped = gui::clip_seq_graph(g, h);
        const gui::PlotFrame f{gui::fit_range(clipped), 640, 480, 2.8f};
        const gui::SeqPlotSummary sum = gui::summarize_plot(clipped, t, f, 0);
        sink += gui::plot_strokes(clipped, t, sum, h).size();
        before.push_back(ms(a, clk::now()));
    }
    // A step through the index over `graph` (the same index either way: the
    // SACK blocks are walked in the visible range, not indexed).
    const auto index_steps = [&](const gui::SeqGraph& graph, std::vector<double>& times) {
        for (std::size_t h : horizons) {
            const auto a = clk::now();
            const gui::SeqPrefix p = ix.upto(h);
            const gui::PlotFrame f{gui::fit_range(ix.extents(p)), 640, 480, 2.8f};
            const gui::SeqPlotSummary sum = gui::summarize_plot_upto(graph, ix, t, f, 0, p);
            sink += gui::plot_strokes(graph, t, sum, h).size();
            times.push_back(ms(a, clk::now()));
            columns += sum.bars.size() + sum.lines.size();
        }
    };
    index_steps(g, after);
    // The SACK blocks' share: the same steps with a graph that has none (the
    // index is the same; the blocks are walked in the visible range).
    std::vector<double> no_sack;
    if (!g.sacks.empty()) {
        gui::SeqGraph bare = g;
        bare.sacks.clear();
        const std::size_t columns_with_sacks = columns;
        index_steps(bare, no_sack);
        columns = columns_with_sacks;  // the average below is of the real graph's steps
        const Spread sn = spread(no_sack);
        std::printf("lesson mode, %s: the same steps without the SACK blocks: median %.3f ms, max %.3f ms\n", what,
                    sn.median, sn.worst);
    }
    const Spread sb = spread(before), sa = spread(after);
    std::printf(
        "lesson mode, %s: a step that moves the sequence graph (400 steps; %zu segments, %zu ACKs, %zu SACK blocks; "
        "index built in %.0f ms): "
        "before (clip + walk) median %.3f ms, max %.3f ms; after (prefix + index) median %.3f ms, max %.3f ms; %.0f "
        "bars "
        "and step strokes a step on average (%zu)\n",
        what, g.segments.size(), g.acks.size(), g.sacks.size(), index_ms, sb.median, sb.worst, sa.median, sa.worst,
        static_cast<double>(columns) / static_cast<double>(horizons.size()), sink % 2);
}

// Lesson mode's timeline strip (issue 13): while a question waits the strip
// spans events 0..cursor, so every step gives it a new span and new columns.
// A walk over the events up to the horizon (strip_columns) against the index
// made once per trace (StripIndex::columns), at 400 random horizons, for a
// strip 1264 pixels wide (the timeline's in a 1280x800 window).
static void lesson_strip_steps(const std::string& path) {
    const trace::Trace t = trace::load_trace(path);
    // The view's salience: by the kind's colour family.
    auto salience = [](trace::Kind k) {
        const ImU32 c = gui::kind_color(k);
        if (c == IM_COL32(225, 85, 85, 255)) return 5;
        if (c == IM_COL32(235, 150, 60, 255)) return 4;
        if (c == IM_COL32(170, 130, 230, 255)) return 3;
        if (c == IM_COL32(80, 190, 200, 255)) return 2;
        return 1;
    };
    const auto i0 = clk::now();
    const gui::StripIndex index(t, salience);
    const double index_ms = ms(i0, clk::now());
    std::mt19937_64 rng(11);
    std::vector<std::size_t> horizons;
    for (int i = 0; i < 400; ++i)
        horizons.push_back(std::uniform_int_distribution<std::size_t>(0, t.events.size() - 1)(rng));
    std::vector<double> walk, indexed;
    std::size_t differ = 0;
    for (std::size_t h : horizons) {
        const auto a = clk::now();
        const auto w = gui::strip_columns(t, 1264, h, salience);
        const auto b = clk::now();
        const auto x = index.columns(1264, h);
        walk.push_back(ms(a, b));
        indexed.push_back(ms(b, clk::now()));
        differ += w == x ? 0 : 1;
    }
    const Spread sw = spread(walk), sx = spread(indexed);
    std::printf(
        "lesson mode, the timeline strip over events 0..horizon (400 random horizons, %zu events, 1264 columns; index "
        "built in %.0f ms): walk median %.3f ms, max %.3f ms; index median %.3f ms, max %.3f ms; %zu horizons where "
        "the two differ\n",
        t.events.size(), index_ms, sw.median, sw.worst, sx.median, sx.worst, differ);
}

int main(int argc, char** argv) {
    const long long want = arg_int(argc, argv, 1, 1000000);
    const std::string path = arg_str(argc, argv, 2, temp_file("sendpath_bench_gui.cbor"));

    const auto g0 = clk::now();
    int64_t bytes = 0;
    trace::Trace t = trace_of_about("bench_gui", want, &bytes);
    const auto g1 = clk::now();
    trace::save_trace(t, path, trace::TraceFormat::cbor);
    const auto g2 = clk::now();
    std::printf(
        "trace: %zu events, %zu changes, %zu frames (%.0f MiB sent); generated in %.0f ms, saved as CBOR in %.0f ms: "
        "%s\n",
        t.events.size(), t.changes.size(), t.frames.size(), static_cast<double>(bytes) / (1 << 20), ms(g0, g1),
        ms(g1, g2), path.c_str());
    const std::size_t n = t.events.size();
    t = trace::Trace{};

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1280, 800);
    io.DeltaTime = 1.0f / 60.0f;
    unsigned char* px = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);

    gui::App app(gui::AppOptions{false, {}});
    // Split: load_trace alone, then App::open (load_trace + Document/Replay).
    const auto l0 = clk::now();
    { const trace::Trace tmp = trace::load_trace(path); }
    const auto l1 = clk::now();
    if (!app.open(path)) {
        std::fprintf(stderr, "bench_gui: could not open %s\n", path.c_str());
        return 1;
    }
    const auto l2 = clk::now();
    std::printf(
        "open: load_trace %.0f ms; App::open (load_trace + Replay) %.0f ms, so Replay construction ~%.0f ms [target: < "
        "2000 ms]\n",
        ms(l0, l1), ms(l1, l2), ms(l1, l2) - ms(l0, l1));

    for (const char* v : {"seq_graph", "provenance"}) app.set_view_open(v, true);
    const double first = frame(app);
    double second = frame(app);
    std::printf(
        "first frame with every view open (caches built: sequence graph, provenance index): %.1f ms, next %.1f ms\n",
        first, second);

    // After each jump, a second frame at the same cursor: a still frame there.
    // Still frames are measured at all 200 cursors, since what the views draw
    // (queued skbs, pages, the graph around the cursor) depends on where it is.
    std::mt19937_64 rng(42);
    std::vector<double> seeks, still_at;
    for (int i = 0; i < 200; ++i) {
        app.push(gui::Command::jump(std::uniform_int_distribution<std::size_t>(0, n - 1)(rng)));
        seeks.push_back(frame(app));
        still_at.push_back(frame(app));
    }
    const Spread js = spread(seeks);
    std::printf(
        "jump to a random event + one frame (200 jumps): median %.2f ms, p95 %.2f ms, max %.2f ms [target: one frame, "
        "16.7 ms]\n",
        js.median, js.p95, js.worst);
    const Spread sa = spread(still_at);
    std::printf("still frame at each of those 200 cursors: median %.2f ms, p95 %.2f ms, max %.2f ms\n", sa.median,
                sa.p95, sa.worst);

    std::vector<double> still;
    for (int i = 0; i < 200; ++i) still.push_back(frame(app));
    const Spread ss = spread(still);
    std::printf("per-frame CPU, cursor still at the last of them (200 frames): median %.2f ms, p95 %.2f ms\n",
                ss.median, ss.p95);

    std::vector<double> steps;
    for (int i = 0; i < 200; ++i) {
        app.push(gui::Command::of(gui::CommandType::step_into));
        steps.push_back(frame(app));
    }
    const Spread st = spread(steps);
    std::printf("step into + one frame (200 steps): median %.2f ms, p95 %.2f ms\n", st.median, st.p95);
    ImGui::DestroyContext();
    lesson_steps(trace::load_trace(path), "the bulk send");
    lesson_strip_steps(path);
    // A lossy send, for the SACK blocks (walked per step in the visible range):
    // 32 MiB at 1 % loss both ways.
    {
        const nlohmann::json j = {
            {"name", "bench_gui_loss"},
            {"peer", {{"rcvbuf", 4 << 20}, {"read_rate", -1}, {"loss", {{"rate", 0.01}, {"seed", 5}}}}},
            {"timeline", nlohmann::json::array({{{"send", 32 << 20}}})},
            {"drain_ms", 600000},
            {"max_time_ms", 3600000},
        };
        engine::RunStats st;
        const trace::Trace lossy = engine::run_scenario_with_buffer(lesson::scenario_from_json(j, "bench_gui_loss"),
                                                                    engine::Options{}, patterned_buffer(1 << 20), &st);
        lesson_steps(lossy, "a 32 MiB send at 1 % loss");
    }
    return 0;
}
