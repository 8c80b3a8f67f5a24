// Events: every event of the trace as a virtual list (ImGuiListClipper), the
// current one selected; click to jump; filter by kind or function.
#include <algorithm>
#include <cstdio>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "gui/model/event_columns.hpp"
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
        if (columns_doc_ != doc.id()) {
            columns_doc_ = doc.id();
            columns_ = event_columns_text(t);
        }
        // Lesson mode: rows after the cursor are the answers to come; they are not listed.
        const std::size_t shown = rows_up_to(rows_, doc.horizon());
        ImGui::SameLine();
        if (doc.future_hidden()) ImGui::TextUnformatted(TF("gui.events.so_far", {std::to_string(shown)}).c_str());
        else ImGui::Text("%zu / %zu", shown, t.events.size());
        if (doc.future_hidden()) item_tooltip(T("gui.events.future_hidden"));

        const ImGuiTableFlags flags =
            ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable;
        // The fixed columns are as wide as the widest text this trace puts in
        // them, so they never cut; the function column takes the rest and cuts
        // a name that does not fit with an ellipsis (the tooltip has it whole).
        // One table per document, so a trace with longer names starts with
        // wider columns instead of the widths of the last one.
        const float cw = ImGui::CalcTextSize("0").x;
        auto fit = [](std::string_view s) { return ImGui::CalcTextSize(s.data(), s.data() + s.size()).x; };
        const float index_w = fit(columns_.index), call_w = fit(columns_.call), kind_w = fit(columns_.kind),
                    line_w = fit(columns_.line),
                    time_w = std::max(fit("time"), fit(format_time_us(columns_.last_time_us)));
        // A narrow window (1024 pixels wide): rather than leave a function
        // only a few letters, the time column goes (the header line above
        // shows the cursor's time).
        const float pad = ImGui::GetStyle().CellPadding.x * 2 + 1;
        const float room = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize -
                           (index_w + call_w + kind_w + line_w + time_w + pad * 6);
        const bool drop_time = room < cw * 16;
        char table_id[32];
        std::snprintf(table_id, sizeof table_id, "events%llu", static_cast<unsigned long long>(doc.id()));
        if (!ImGui::BeginTable(table_id, 6, flags)) return;
        ImGui::TableSetupScrollFreeze(0, 1);
        // A header in the chosen language may be wider than the column's content.
        const char* h_time = T("gui.events.col.time");
        const char* h_call = T("gui.events.col.call");
        const char* h_kind = T("gui.events.col.kind");
        const char* h_line = T("gui.events.col.line");
        ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, index_w);
        ImGui::TableSetupColumn(h_time,
                                ImGuiTableColumnFlags_WidthFixed | (drop_time ? ImGuiTableColumnFlags_Disabled : 0),
                                std::max(time_w, fit(h_time)));
        ImGui::TableSetupColumn(h_call, ImGuiTableColumnFlags_WidthFixed, std::max(call_w, fit(h_call)));
        ImGui::TableSetupColumn(T("gui.events.col.function"), ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn(h_kind, ImGuiTableColumnFlags_WidthFixed, std::max(kind_w, fit(h_kind)));
        ImGui::TableSetupColumn(h_line, ImGuiTableColumnFlags_WidthFixed, std::max(line_w, fit(h_line)));
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
                const bool row_hovered = ImGui::IsItemHovered();
                if (ImGui::TableNextColumn()) ImGui::TextUnformatted(format_time_us(e.time_us).c_str());
                ImGui::TableNextColumn();
                if (e.call) ImGui::Text("%u", e.call);
                ImGui::TableNextColumn();
                // Indent by depth so calls read like a tree; half a character per level.
                ImGui::Dummy(ImVec2(cw * 0.5f * e.depth, 0));
                ImGui::SameLine(0, 0);
                const std::string_view func = trace::func_name(e.func);
                const std::string shown_func = fit_text(func, ImGui::GetContentRegionAvail().x, fit, ellipsis());
                ImGui::TextUnformatted(shown_func.c_str());
                if (row_hovered) tooltip(t, i, shown_func.size() != func.size() ? func : std::string_view{});
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
    // cut_func: the function's name when its cell had to cut it, so it is read here whole.
    static void tooltip(const trace::Trace& t, std::size_t i, std::string_view cut_func) {
        const trace::Event& e = t.events[i];
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
        if (!cut_func.empty()) ImGui::TextUnformatted(cut_func.data(), cut_func.data() + cut_func.size());
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

    // U+2026 when the font has it, else three dots.
    static std::string_view ellipsis() {
        return ImGui::GetFont()->FindGlyphNoFallback(0x2026) ? std::string_view("\u2026") : std::string_view("...");
    }

    uint64_t cache_doc_ = 0;
    uint64_t columns_doc_ = 0;
    EventColumnsText columns_;
    std::string cache_filter_;
    std::vector<uint32_t> rows_;
    uint64_t last_generation_ = 0;
};
}  // namespace

std::unique_ptr<View> make_events_view() { return std::make_unique<EventsView>(); }

}  // namespace sendpath::gui
