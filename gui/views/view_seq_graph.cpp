// Sequence graph, tcptrace / Stevens style: relative sequence number (y)
// against time (x). Each data segment we sent is a vertical bar from seq to
// seq+len at its time (white, retransmissions red, a red X where the network
// dropped it); the ACK line (green steps) is the peer's cumulative ack, the
// window line (yellow steps) ack + window: how far the peer lets us send.
// SACK blocks (purple) are short bars at their ACK's time (a few pixels to
// its left) from each block's left edge to its right edge, as in Wireshark's
// tcptrace graph; a D-SACK block (data the peer got twice) is orange.
// Segments after the cursor are dimmed (in a lesson with a question waiting
// they are not drawn at all); the cursor's time is a vertical line.
// Wheel zooms around the pointer (Shift+wheel: time only), drag pans,
// double-click fits everything, a click on a segment jumps to its transmit.
//
// Neither a frame's cost nor a jump's grows with the trace: the plot is
// summarized into at most a few strokes per pixel column once per range, plot
// size and selection, and a jump only decides which strokes are the future
// (model/seq_plot.hpp); a still frame replays the strokes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <span>
#include <vector>

#include "gui/model/seq_graph.hpp"
#include "gui/model/seq_plot.hpp"
#include "gui/lang.hpp"
#include "gui/views/view.hpp"
#include "gui/widgets.hpp"

namespace sendpath::gui {

namespace {
constexpr ImU32 kSegment = IM_COL32(235, 235, 235, 255);
constexpr ImU32 kRetransmit = IM_COL32(255, 90, 90, 255);
constexpr ImU32 kAckLine = IM_COL32(110, 200, 110, 255);
constexpr ImU32 kWindowLine = IM_COL32(220, 200, 80, 255);
constexpr ImU32 kSack = IM_COL32(190, 120, 255, 255);
constexpr ImU32 kDsack = IM_COL32(255, 150, 40, 255);
constexpr ImU32 kCursor = IM_COL32(120, 170, 255, 255);
constexpr ImU32 kGrid = IM_COL32(60, 62, 70, 255);

// What the kept strokes were made for.
struct SummaryKey {
    uint64_t graph = 0;  // SeqGraphView::graph_serial_
    PlotFrame frame;
    uint32_t selected_skb = 0;
    bool operator==(const SummaryKey&) const = default;
};

class SeqGraphView final : public View {
public:
    std::string_view id() const override { return "seq_graph"; }
    std::string_view title() const override { return T("gui.view.seq_graph"); }
    bool default_open() const override { return false; }
    ImGuiWindowFlags window_flags() const override {
        return ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse;
    }

    void draw(ViewContext& ctx) override {
        const Document& doc = ctx.doc;
        if (cache_doc_ != doc.id()) {
            full_ = build_seq_graph(doc.trace());
            first_dsack_ = static_cast<std::size_t>(
                std::find_if(full_.sacks.begin(), full_.sacks.end(), [](const SeqSack& k) { return k.dsack; }) -
                full_.sacks.begin());
            index_.reset();
            ++graph_serial_;
            cache_doc_ = doc.id();
            cache_horizon_.reset();
        }
        // Lesson mode: only what happened up to the horizon (the cursor while a
        // question waits) is plotted; the fit follows it as the student steps.
        // The graph is indexed once and a step draws a prefix of it, so a step
        // costs the same in a trace of any length; a trace whose frames are not
        // in event order is clipped by a walk instead.
        if (cache_horizon_ != doc.horizon()) {
            const bool clipped = doc.future_hidden();
            const SeqPrefix before = prefix_;
            if (clipped && !index_) index_.emplace(full_, doc.trace());
            use_prefix_ = clipped && index_->in_event_order();
            if (use_prefix_) {
                prefix_ = index_->upto(doc.horizon());
                graph_ = SeqGraph{};
            } else {
                graph_ = clipped ? clip_seq_graph(full_, doc.horizon()) : full_;
                prefix_ = SeqPrefix{graph_.segments.size(), graph_.acks.size(), graph_.sacks.size()};
            }
            // The legend names SACK and D-SACK once the plot has one (in a
            // lesson, once one is revealed: not before it happens).
            has_sack_ = prefix_.sacks > 0;
            has_dsack_ = use_prefix_ ? first_dsack_ < prefix_.sacks
                                     : std::any_of(graph_.sacks.begin(), graph_.sacks.end(),
                                                   [](const SeqSack& k) { return k.dsack; });
            // A step that adds no segment or ACK leaves the plot as it was.
            if (!(prefix_ == before)) ++graph_serial_;
            if (clipped || !cache_horizon_ || was_clipped_) range_ = fit();
            was_clipped_ = clipped;
            cache_horizon_ = doc.horizon();
        }
        if (prefix_.empty()) {
            text_dim(T("gui.seq.none"));
            return;
        }
        legend();
        plot(ctx);
    }

private:
    void legend() {
        auto swatch = [](ImU32 c, const char* label) {
            const float s = ImGui::GetTextLineHeight();
            // On the next line when the window is too narrow for it.
            if (ImGui::GetContentRegionAvail().x < s + 4 + ImGui::CalcTextSize(label).x) ImGui::NewLine();
            const ImVec2 p = ImGui::GetCursorScreenPos();
            ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + s * 0.3f), ImVec2(p.x + s, p.y + s * 0.7f), c);
            ImGui::Dummy(ImVec2(s, s));
            ImGui::SameLine(0, 4);
            ImGui::TextUnformatted(label);
            ImGui::SameLine(0, ImGui::GetFontSize());
        };
        if (ImGui::SmallButton(T("gui.seq.fit"))) range_ = fit();
        ImGui::SameLine();
        swatch(kSegment, T("gui.seq.sent"));
        swatch(kRetransmit, T("gui.seq.retransmit"));
        swatch(kAckLine, T("gui.seq.ack"));
        swatch(kWindowLine, T("gui.seq.ack_window"));
        // SACK and D-SACK only once drawn: a run without SACK keeps its legend short.
        if (has_sack_) swatch(kSack, T("gui.seq.sack"));
        if (has_dsack_) swatch(kDsack, T("gui.seq.dsack"));
        swatch(kCursor, T("gui.seq.cursor"));
        if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize("(?)").x) ImGui::NewLine();
        help_marker(T("gui.seq.help"));
        ImGui::NewLine();
    }

    void plot(ViewContext& ctx) {
        const Document& doc = ctx.doc;
        const trace::Trace& t = doc.trace();
        const float lh = ImGui::GetTextLineHeight();
        const float cw = ImGui::CalcTextSize("0").x;
        const ImVec2 origin = ImGui::GetCursorScreenPos();
        const ImVec2 avail = ImGui::GetContentRegionAvail();
        const float axis_w = cw * 9, axis_h = lh * 1.6f;
        const ImVec2 p0(origin.x + axis_w, origin.y);
        const ImVec2 p1(origin.x + std::max(axis_w + 40, avail.x), origin.y + std::max(60.0f, avail.y - axis_h));
        const float pw = p1.x - p0.x, ph = p1.y - p0.y;

        ImGui::InvisibleButton("##plot", ImVec2(std::max(1.0f, avail.x), std::max(1.0f, avail.y)));
        const bool hovered = ImGui::IsItemHovered();
        const ImGuiIO& io = ImGui::GetIO();
        const double fx = (io.MousePos.x - p0.x) / pw, fy = (p1.y - io.MousePos.y) / ph;
        if (hovered && io.MouseWheel != 0) {
            const double factor = std::pow(1.25, io.MouseWheel);
            range_ = io.KeyShift ? zoom_time_at(range_, fx, factor) : zoom_at(range_, fx, fy, factor);
        }
        if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f)) {
            range_ = pan(range_, io.MouseDelta.x / pw, -io.MouseDelta.y / ph);
            dragged_ = true;
        }
        if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) range_ = fit();

        const PlotRange& r = range_;
        auto X = [&](double tus) { return static_cast<float>(p0.x + (tus - r.t0) / (r.t1 - r.t0) * pw); };
        auto Y = [&](double s) { return static_cast<float>(p1.y - (s - r.s0) / (r.s1 - r.s0) * ph); };

        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddRectFilled(p0, p1, colors::kPanel);
        char buf[64];
        // Grid and axes.
        for (double v : nice_ticks(r.s0, r.s1, std::max(2, static_cast<int>(ph / (lh * 2.5f))))) {
            const float y = Y(v);
            dl->AddLine(ImVec2(p0.x, y), ImVec2(p1.x, y), kGrid);
            std::snprintf(buf, sizeof buf, "%.0f", v);
            dl->AddText(ImVec2(origin.x + axis_w - ImGui::CalcTextSize(buf).x - 4, y - lh * 0.5f), colors::kDimText,
                        buf);
        }
        for (double v : nice_ticks(r.t0, r.t1, std::max(2, static_cast<int>(pw / (cw * 12))))) {
            const float x = X(v);
            dl->AddLine(ImVec2(x, p0.y), ImVec2(x, p1.y), kGrid);
            std::snprintf(buf, sizeof buf, "%g ms", v / 1000.0);
            dl->AddText(ImVec2(x - ImGui::CalcTextSize(buf).x * 0.5f, p1.y + 3), colors::kDimText, buf);
        }
        dl->PushClipRect(p0, p1, true);

        const int64_t now = doc.event() ? doc.event()->time_us : 0;
        const std::size_t cursor = doc.cursor();
        const SummaryKey key{graph_serial_, PlotFrame{r, pw, ph, std::max(2.0f, cw * 0.4f)}, ctx.vs.selected_skb};
        if (!(key == summary_key_) || !summary_valid_) {
            summary_ = use_prefix_ ? summarize_plot_upto(full_, *index_, t, key.frame, key.selected_skb, prefix_)
                                   : summarize_plot(graph_, t, key.frame, key.selected_skb);
            summary_key_ = key;
            summary_valid_ = true;
            strokes_valid_ = false;
        }
        if (!strokes_valid_ || strokes_cursor_ != cursor) {
            strokes_ = plot_strokes(drawn(), t, summary_, cursor);
            strokes_cursor_ = cursor;
            strokes_valid_ = true;
        }
        // The cursor line under the data: in a lesson the cursor is the
        // latest event, often the ACK whose SACK blocks were just drawn at
        // exactly its time, which a line on top would hide.
        const float cx = X(static_cast<double>(now));
        dl->AddLine(ImVec2(cx, p0.y), ImVec2(cx, p1.y), kCursor, 2.0f);
        // SACK blocks a little left of their ACK's time: what we send on an ACK
        // goes out in the same microsecond, and its bar (one per column and
        // colour, from its lowest to its highest byte) would cover them.
        const float sack_dx = -(key.frame.tick + 2);
        for (const PlotStroke& s : strokes_) {
            ImU32 c = tone_color(s.tone, ctx.vs.selected_skb);
            if (s.future) c = with_alpha(c, 60);
            const float dx = s.tone == Tone::sack || s.tone == Tone::dsack ? sack_dx : 0;
            const ImVec2 a(p0.x + s.x0 + dx, p0.y + s.y0);
            switch (s.type) {
                case PlotStroke::Type::line: dl->AddLine(a, ImVec2(p0.x + s.x1 + dx, p0.y + s.y1), c, s.width); break;
                case PlotStroke::Type::ring: dl->AddCircle(a, s.x1, c, 0, s.width); break;
                case PlotStroke::Type::letter_r: dl->AddText(ImVec2(a.x, a.y - lh * 0.5f), c, "R"); break;
            }
        }
        const auto& segs = drawn().segments;
        // The cursor's time at the top, beside the cursor line.
        char time_label[64];
        std::snprintf(time_label, sizeof time_label, "t = %s", format_time_us(now).c_str());
        // The window edge at the cursor, when it is above the visible range.
        const int64_t wnow = step_value_at(steps(drawn().windows), now);
        const bool edge_shown = wnow > r.s1;
        if (edge_shown) std::snprintf(buf, sizeof buf, "%s", TF("gui.seq.window_edge", {std::to_string(wnow)}).c_str());
        const CursorLabels labels = place_cursor_labels(p0.x, p1.x, p0.y, cx, ImGui::CalcTextSize(time_label).x,
                                                        edge_shown ? ImGui::CalcTextSize(buf).x : 0, lh);
        if (edge_shown) dl->AddText(ImVec2(labels.edge_x, labels.edge_y), kWindowLine, buf);
        dl->PopClipRect();
        dl->AddRect(p0, p1, colors::kDimText);
        dl->AddText(ImVec2(labels.time_x, labels.time_y), kCursor, time_label);

        // Hover: the segment under the pointer (or the lines' values at that time); click jumps.
        if (hovered && fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1) {
            const double tm = r.t0 + fx * (r.t1 - r.t0), sm = r.s0 + fy * (r.s1 - r.s0);
            const int k =
                nearest_segment(drawn(), tm, sm, (r.t1 - r.t0) / pw, (r.s1 - r.s0) / ph, 6.0, prefix_.segments);
            ImGui::BeginTooltip();
            if (k >= 0) {
                const SeqSegment& s = segs[static_cast<std::size_t>(k)];
                ImGui::TextUnformatted(TF(s.retransmit ? "gui.seq.retransmission" : "gui.seq.segment",
                                          {std::to_string(s.seq_lo), std::to_string(s.seq_hi),
                                           std::to_string(s.seq_hi - s.seq_lo), format_time_us(s.time_us)})
                                           .c_str());
                ImGui::TextUnformatted(
                    TF(s.dropped ? "gui.seq.frame_dropped" : "gui.seq.frame",
                       {std::to_string(s.frame), std::to_string(s.event),
                        trace::kind_name(t.events[std::min<std::size_t>(s.event, t.events.size() - 1)].kind)})
                        .c_str());
                text_dim(T("gui.seq.click_jump"));
            } else {
                const auto tt = static_cast<int64_t>(tm);
                ImGui::Text("%s, seq %.0f", format_time_us(tt).c_str(), sm);
                const int64_t a = step_value_at(steps(drawn().acks), tt), w = step_value_at(steps(drawn().windows), tt);
                if (a >= 0)
                    ImGui::TextUnformatted(TF("gui.seq.acked_up_to",
                                              {std::to_string(a), std::to_string(w), std::to_string(drawn().wscale)})
                                               .c_str());
                else text_dim(T("gui.seq.no_ack"));
                // That ACK's SACK blocks, each left..right edge, a D-SACK marked.
                const auto blocks = sacks_at(steps(drawn().acks), sack_prefix(), tt);
                if (!blocks.empty()) {
                    std::string list;
                    for (const SeqSack& k : blocks) {
                        if (!list.empty()) list += ", ";
                        list += std::to_string(k.seq_lo) + ".." + std::to_string(k.seq_hi);
                        if (k.dsack) list += std::string(" ") + T("gui.seq.dsack_mark");
                    }
                    ImGui::TextUnformatted(TF("gui.seq.sack_blocks", {list}).c_str());
                }
            }
            ImGui::EndTooltip();
            if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) && !dragged_ && k >= 0)
                ctx.push(Command::jump(segs[static_cast<std::size_t>(k)].event));
        }
        if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) dragged_ = false;
    }

    // The graph the plot's indices refer to, of which the first prefix_ segments and steps are drawn.
    const SeqGraph& drawn() const { return use_prefix_ ? full_ : graph_; }
    std::span<const SeqStep> steps(const std::vector<SeqStep>& all) const {
        return {all.data(), std::min(all.size(), prefix_.steps)};
    }
    std::span<const SeqSack> sack_prefix() const {
        const auto& all = drawn().sacks;
        return {all.data(), std::min(all.size(), prefix_.sacks)};
    }
    PlotRange fit() const { return use_prefix_ ? fit_range(index_->extents(prefix_)) : fit_range(graph_); }

    static ImU32 tone_color(Tone tone, uint32_t selected_skb) {
        switch (tone) {
            case Tone::sent: return kSegment;
            case Tone::retransmit:
            case Tone::dropped: return kRetransmit;
            case Tone::selected: return id_color(selected_skb);
            case Tone::ack: return kAckLine;
            case Tone::window: return kWindowLine;
            case Tone::cursor: return colors::kChanged;
            case Tone::sack: return kSack;
            case Tone::dsack: return kDsack;
        }
        return kSegment;
    }

    uint64_t cache_doc_ = 0;
    std::optional<std::size_t> cache_horizon_;
    uint64_t graph_serial_ = 0;  // counts the graphs drawn (a trace, a prefix of it)
    SeqPlotSummary summary_;     // the plot without the cursor
    SummaryKey summary_key_;
    bool summary_valid_ = false;
    std::vector<PlotStroke> strokes_;  // with the cursor: what a frame draws
    std::size_t strokes_cursor_ = 0;
    bool strokes_valid_ = false;
    bool was_clipped_ = false;
    SeqGraph full_;                       // every segment and ACK of the trace
    SeqGraph graph_;                      // without the prefix: what is drawn, full_ or full_ clipped by a walk
    std::optional<SeqGraphIndex> index_;  // lesson mode: built once per trace
    bool use_prefix_ = false;             // lesson mode draws full_'s first prefix_ segments and steps
    SeqPrefix prefix_;
    PlotRange range_;
    bool dragged_ = false;
    std::size_t first_dsack_ = 0;                // index of full_'s first D-SACK block (its size: none)
    bool has_sack_ = false, has_dsack_ = false;  // the plot has SACK / D-SACK blocks (legend entries)
};
}  // namespace

std::unique_ptr<View> make_seq_graph_view() { return std::make_unique<SeqGraphView>(); }

}  // namespace sendpath::gui
