// Timeline: transport buttons, the cursor as a slider over event indices, and
// a strip with one tick per event (per pixel column when events outnumber
// pixels) coloured by kind family, so waits, pushes and ACKs stand out.
#include <algorithm>
#include <optional>

#include "gui/model/keys.hpp"
#include "gui/model/timeline_strip.hpp"
#include "gui/lang.hpp"
#include "gui/views/view.hpp"
#include "gui/widgets.hpp"

namespace sendpath::gui {

namespace {
// How much a kind should show when many share one pixel column.
int salience(trace::Kind k) {
    const ImU32 c = kind_color(k);
    if (c == IM_COL32(225, 85, 85, 255)) return 5;    // waits and failures
    if (c == IM_COL32(235, 150, 60, 255)) return 4;   // push / transmit
    if (c == IM_COL32(170, 130, 230, 255)) return 3;  // ACK / timers
    if (c == IM_COL32(80, 190, 200, 255)) return 2;   // new skb / page
    return 1;
}

class TimelineView final : public View {
public:
    std::string_view id() const override { return "timeline"; }
    std::string_view title() const override { return T("gui.view.timeline"); }
    ImGuiWindowFlags window_flags() const override {
        return ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoCollapse;
    }

    void draw(ViewContext& ctx) override {
        const Document& doc = ctx.doc;
        const trace::Trace& t = doc.trace();
        const std::size_t n = doc.size();
        const std::size_t cur = doc.cursor();

        transport(ctx);
        ImGui::SameLine(0, ImGui::GetFontSize());
        const trace::Event& e = t.events[cur];
        // While a lesson hides the future, neither the header nor the slider
        // may tell how much of the run is left: no total, and the slider ends
        // at the horizon.
        const bool hidden = doc.future_hidden();
        const std::size_t last = hidden ? doc.horizon() : n - 1;
        ImGui::TextUnformatted(doc.position_text(ui_lang()).c_str());
        ImGui::SameLine(0, ImGui::GetFontSize());
        ImGui::Text("t = %s", format_time_us(e.time_us).c_str());
        ImGui::SameLine(0, ImGui::GetFontSize());
        if (e.call) ImGui::TextUnformatted(TF("gui.timeline.call", {std::to_string(e.call)}).c_str());
        else text_dim(T("gui.timeline.outside_send"));
        live_status(ctx);
        // The notice gets a line of its own (the layout keeps room for it), so
        // a long one is wrapped, never cut by the window's edge.
        ImGui::PushTextWrapPos(0.0f);
        text_dim(ctx.vs.status.empty() ? std::string_view(" ") : std::string_view(ctx.vs.status));
        ImGui::PopTextWrapPos();

        int v = static_cast<int>(cur);
        ImGui::SetNextItemWidth(-1);
        if (ImGui::SliderInt("##cursor", &v, 0, static_cast<int>(last), "%d", ImGuiSliderFlags_AlwaysClamp))
            ctx.push(Command::jump(static_cast<std::size_t>(v)));
        strip(ctx);
    }

private:
    // Live mode: the run is still making events (and how many so far), or how it ended.
    static void live_status(ViewContext& ctx) {
        Document& doc = ctx.doc;
        if (!doc.was_live()) return;
        ImGui::SameLine(0, ImGui::GetFontSize());
        if (doc.live()) {
            const ImVec4 live_col(0.35f, 0.85f, 0.45f, 1.0f);
            if (doc.live_tap()) {
                ImGui::TextColored(
                    live_col, "%s",
                    TF("gui.timeline.live_tap", {doc.tap_device(), std::to_string(doc.produced())}).c_str());
                ImGui::SameLine();
                ImGui::Checkbox(T("gui.timeline.follow_end"), &ctx.vs.follow_live);
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", T("gui.timeline.follow_end_tip"));
            } else {
                ImGui::TextColored(live_col, "%s", TF("gui.timeline.live", {std::to_string(doc.produced())}).c_str());
                if (ImGui::IsItemHovered())
                    ImGui::SetTooltip("%s", TF("gui.timeline.live_tip", {std::to_string(Document::kAhead)}).c_str());
            }
        } else if (doc.future_hidden()) {
            ImGui::TextUnformatted(T("gui.timeline.run_ended_hidden"));
        } else {
            const std::string& why = doc.trace().end_reason;
            ImGui::TextUnformatted(
                TF("gui.timeline.run_ended", {std::to_string(doc.size()), why.empty() ? "?" : end_reason_text(why)})
                    .c_str());
        }
    }

    static void transport(ViewContext& ctx) {
        struct B {
            const char* label;
            Action a;
        };
        static constexpr B kButtons[] = {{"gui.timeline.btn.first", Action::first},
                                         {"gui.timeline.btn.rcont", Action::continue_backward},
                                         {"gui.timeline.btn.out_back", Action::step_out_back},
                                         {"gui.timeline.btn.over_back", Action::step_over_back},
                                         {"gui.timeline.btn.into_back", Action::step_into_back},
                                         {"gui.timeline.btn.into", Action::step_into},
                                         {"gui.timeline.btn.over", Action::step_over},
                                         {"gui.timeline.btn.out", Action::step_out},
                                         {"gui.timeline.btn.cont", Action::continue_forward},
                                         {"gui.timeline.btn.last", Action::last}};
        for (std::size_t i = 0; i < std::size(kButtons); ++i) {
            if (i) ImGui::SameLine(0, i == 5 ? ImGui::GetFontSize() * 0.8f : 2.0f);
            const B& b = kButtons[i];
            if (ImGui::Button((std::string(T(b.label)) + "##" + b.label).c_str()))
                ctx.push(Command::of(*command_for(b.a)));
            if (ImGui::IsItemHovered()) {
                const Shortcut* s = shortcut_for(b.a);
                ImGui::SetTooltip("%s (%s)", std::string(s->label).c_str(), chord_text(s->chord).c_str());
            }
        }
    }

    void strip(ViewContext& ctx) {
        const Document& doc = ctx.doc;
        const ImVec2 p0 = ImGui::GetCursorScreenPos();
        const float w = std::max(1.0f, ImGui::GetContentRegionAvail().x);
        const float h = std::max(8.0f, ImGui::GetContentRegionAvail().y - 2);
        ImGui::InvisibleButton("##strip", ImVec2(w, h));
        // The strip spans events 0..horizon (layout_strip): in a lesson with a
        // question waiting, only what has been revealed, so its columns and the
        // cursor's place say nothing of how much of the run is left. The
        // events are indexed once per trace; a new span (every lesson step)
        // then costs a few binary searches per column, not a walk.
        if (cache_doc_ != doc.id()) {
            cache_doc_ = doc.id();
            index_ = StripIndex(doc.trace(), salience);
            cache_layout_.reset();
        }
        if (!cache_layout_ || cache_width_ != w || cache_horizon_ != doc.horizon() || cache_cursor_ != doc.cursor()) {
            cache_width_ = w;
            cache_horizon_ = doc.horizon();
            cache_cursor_ = doc.cursor();
            if (!cache_layout_ || cache_layout_->last != doc.horizon() ||
                cache_layout_->columns.size() != static_cast<std::size_t>(static_cast<int>(w)))
                cache_layout_ = layout_strip(doc, index_, w);
            else cache_layout_->cursor_x = strip_x(doc.cursor(), cache_layout_->last, w);
        }
        const StripLayout& layout = *cache_layout_;
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + h), colors::kPanel);
        for (std::size_t c = 0; c < layout.columns.size(); ++c) {
            const int64_t ev = layout.columns[c];
            if (ev < 0) continue;
            const trace::Kind k = doc.trace().events[static_cast<std::size_t>(ev)].kind;
            const float top = p0.y + h * (1.0f - 0.2f * static_cast<float>(salience(k)));
            const float x = p0.x + static_cast<float>(c) + 0.5f;
            dl->AddLine(ImVec2(x, top), ImVec2(x, p0.y + h), kind_color(k));
        }
        // Breakpoint hits are found on demand (Continue); here just the cursor.
        const float cx = p0.x + layout.cursor_x;
        dl->AddLine(ImVec2(cx, p0.y), ImVec2(cx, p0.y + h), IM_COL32(255, 255, 255, 255), 2.0f);
        if (ImGui::IsItemHovered() || ImGui::IsItemActive()) {
            // Never past the strip's last event: the horizon.
            const std::size_t i = strip_event_at(ImGui::GetIO().MousePos.x - p0.x, layout.last, w);
            const trace::Event& e = doc.trace().events[i];
            ImGui::SetTooltip("%s", TF("gui.timeline.strip_tip",
                                       {std::to_string(i), trace::kind_name(e.kind), trace::func_name(e.func)})
                                        .c_str());
            if (ImGui::IsItemActive() && i != doc.cursor()) ctx.push(Command::jump(i));
        }
    }

    uint64_t cache_doc_ = 0;
    StripIndex index_;  // the trace's events by salience, made once per trace
    float cache_width_ = 0;
    std::size_t cache_horizon_ = 0, cache_cursor_ = 0;
    std::optional<StripLayout> cache_layout_;  // what the strip draws, for that width, horizon and cursor
};
}  // namespace

std::unique_ptr<View> make_timeline_view() { return std::make_unique<TimelineView>(); }

}  // namespace sendpath::gui
