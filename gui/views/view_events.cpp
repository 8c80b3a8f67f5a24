// Events: every event of the trace as a virtual list (ImGuiListClipper), the
// current one selected; click to jump; filter by kind or function.
#include <algorithm>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "gui/model/event_filter.hpp"
#include "gui/lang.hpp"
#include "gui/views/view.hpp"
#include "gui/widgets.hpp"
#include "trace/event_doc.hpp"

namespace sendpath::gui {

namespace {
class EventsView final : public View {
public:
    std::string_view id() const override { return "events"; }
    std::string_view title() const override { return T("gui.view.events"); }

    void draw(ViewContext& ctx) override {
        const Document& doc = ctx.doc;
        const trace::Trace& t = doc.trace();
        ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("00000 / 00000").x - 16);
        ImGui::InputTextWithHint("##filter", T("gui.events.filter_hint"), &ctx.vs.event_filter);
        item_tooltip(T("gui.events.filter_tip"));
        if (cache_doc_ != doc.id() || cache_filter_ != ctx.vs.event_filter) {
            cache_doc_ = doc.id();
            cache_filter_ = ctx.vs.event_filter;
            rows_ = filter_events(t, EventFilter(cache_filter_));
            last_generation_ = 0;  // scroll to the cursor again
        }
        // Lesson mode: rows after the cursor are the answers to come; they are not listed.
        const std::size_t shown = rows_up_to(rows_, doc.horizon());
        ImGui::SameLine();
        if (doc.future_hidden()) ImGui::TextUnformatted(TF("gui.events.so_far", {std::to_string(shown)}).c_str());
        else ImGui::Text("%zu / %zu", shown, t.events.size());
        if (doc.future_hidden()) item_tooltip(T("gui.events.future_hidden"));

        const ImGuiTableFlags flags =
            ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable;
        if (!ImGui::BeginTable("events", 6, flags)) return;
        const float cw = ImGui::CalcTextSize("0").x;
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, cw * 5);
        ImGui::TableSetupColumn(T("gui.events.col.time"), ImGuiTableColumnFlags_WidthFixed, cw * 9);
        ImGui::TableSetupColumn(T("gui.events.col.call"), ImGuiTableColumnFlags_WidthFixed, cw * 4);
        ImGui::TableSetupColumn(T("gui.events.col.function"), ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn(T("gui.events.col.kind"), ImGuiTableColumnFlags_WidthFixed, cw * 17);
        ImGui::TableSetupColumn(T("gui.events.col.line"), ImGuiTableColumnFlags_WidthFixed, cw * 4);
        ImGui::TableHeadersRow();

        const float row_h = ImGui::GetTextLineHeight() + ImGui::GetStyle().CellPadding.y * 2;
        if (last_generation_ != doc.generation()) {
            last_generation_ = doc.generation();
            const auto it = std::lower_bound(rows_.begin(), rows_.end(), static_cast<uint32_t>(doc.cursor()));
            const float y = static_cast<float>(it - rows_.begin()) * row_h;
            const float top = ImGui::GetScrollY(), h = ImGui::GetWindowHeight() - row_h * 2;
            if (y < top || y > top + h - row_h) ImGui::SetScrollY(std::max(0.0f, y - h * 0.4f));
        }

        ImGuiListClipper clip;
        clip.Begin(static_cast<int>(shown), row_h);
        while (clip.Step()) {
            for (int r = clip.DisplayStart; r < clip.DisplayEnd; ++r) {
                const std::size_t i = rows_[static_cast<std::size_t>(r)];
                const trace::Event& e = t.events[i];
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                char label[32];
                std::snprintf(label, sizeof label, "%zu", i);
                const bool current = i == doc.cursor();
                if (ImGui::Selectable(label, current, ImGuiSelectableFlags_SpanAllColumns) && !current)
                    ctx.push(Command::jump(i));
                if (ImGui::IsItemHovered()) tooltip(t, i);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(format_time_us(e.time_us).c_str());
                ImGui::TableNextColumn();
                if (e.call) ImGui::Text("%u", e.call);
                ImGui::TableNextColumn();
                // Indent by depth so calls read like a tree; half a character per level, so deep
                // calls' names still fit a 1280-pixel layout.
                ImGui::Dummy(ImVec2(cw * 0.5f * e.depth, 0));
                ImGui::SameLine(0, 0);
                ImGui::TextUnformatted(std::string(trace::func_name(e.func)).c_str());
                ImGui::TableNextColumn();
                ImGui::PushStyleColor(ImGuiCol_Text, kind_color(e.kind));
                ImGui::TextUnformatted(std::string(trace::kind_name(e.kind)).c_str());
                ImGui::PopStyleColor();
                ImGui::TableNextColumn();
                ImGui::Text("%u", e.line);
                if (ImGui::IsItemHovered() && e.file < t.files.size())
                    ImGui::SetTooltip("%s:%u", t.files[e.file].c_str(), e.line);
            }
        }
        ImGui::EndTable();
    }

private:
    static void tooltip(const trace::Trace& t, std::size_t i) {
        const trace::Event& e = t.events[i];
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
        ImGui::Text("%s: %s", std::string(trace::kind_name(e.kind)).c_str(),
                    std::string(kind_summary_text(e.kind)).c_str());
        const std::string models = kind_models_text(e.kind);
        if (!models.empty()) ImGui::TextDisabled("%s", models.c_str());
        const std::string args = format_args(t, i);
        if (!args.empty()) ImGui::TextUnformatted(TF("gui.events.args", {args}).c_str());
        const uint32_t changes =
            e.change_end - e.change_begin -
            static_cast<uint32_t>(std::count_if(t.changes_begin(e), t.changes_end(e),
                                                [](const trace::Change& c) { return c.op == trace::Op::arg; }));
        ImGui::TextUnformatted(TF("gui.events.changes", {std::to_string(changes)}).c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }

    uint64_t cache_doc_ = 0;
    std::string cache_filter_;
    std::vector<uint32_t> rows_;
    uint64_t last_generation_ = 0;
};
}  // namespace

std::unique_ptr<View> make_events_view() { return std::make_unique<EventsView>(); }

}  // namespace sendpath::gui
