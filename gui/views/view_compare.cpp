// Compare: a second trace beside the first (File > Compare with..., or
// `sendpath A --compare B`). B's cursor follows A's event index; the first
// event where they differ is marked and one click away. Two tables: events
// side by side by index, and the segments that carried each byte range by
// sequence number (where segment boundaries or send times differ: Nagle
// against TCP_NODELAY shows it at once).
#include <algorithm>
#include <cstdio>

#include "gui/model/compare.hpp"
#include "gui/model/counters.hpp"
#include "gui/model/seq_graph.hpp"
#include "gui/field_docs.hpp"
#include "gui/lang.hpp"
#include "gui/views/view.hpp"
#include "gui/widgets.hpp"

namespace sendpath::gui {

namespace {
constexpr ImU32 kDivergedRow = IM_COL32(130, 40, 40, 160);
constexpr ImU32 kDifferentRow = IM_COL32(90, 45, 45, 110);
constexpr ImU32 kCursorRow = IM_COL32(60, 80, 120, 200);

// The counters worth comparing at a glance (the rest are in Counters).
constexpr model::SF kFields[] = {model::SF::write_seq, model::SF::pushed_seq,  model::SF::snd_nxt,
                                 model::SF::snd_una,   model::SF::packets_out, model::SF::sk_wmem_queued,
                                 model::SF::snd_cwnd};

std::string file_name(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

class CompareView final : public View {
public:
    std::string_view id() const override { return "compare"; }
    std::string_view title() const override { return T("gui.view.compare"); }
    bool default_open() const override { return false; }
    std::string window_title(const Document&) const override { return T("gui.cmp.title"); }

    void draw(ViewContext& ctx) override {
        if (!ctx.compare) {
            ImGui::TextWrapped("%s", T("gui.cmp.nothing"));
            if (ImGui::Button(T("gui.menu.compare_with"))) {
                ctx.vs.show_open_dialog = true;
                ctx.vs.open_for_compare = true;
            }
            text_dim(T("gui.cmp.also"));
            return;
        }
        // Where two runs part, and their rows by event, are about the whole
        // trace: in a lesson that is the answer to come.
        if (ctx.doc.future_hidden()) {
            ImGui::TextWrapped("%s", T("gui.cmp.hidden"));
            return;
        }
        Document& a = ctx.doc;
        Document& b = *ctx.compare;
        if (cache_a_ != a.id() || cache_b_ != b.id()) rebuild(a, b);
        // B follows A's event index, so its state is comparable at the same step.
        if (!b.empty() && b.cursor() != std::min(a.cursor(), b.size() - 1)) b.seek(std::min(a.cursor(), b.size() - 1));

        for (const Document* d : {&a, &b})
            ImGui::TextUnformatted(
                TF("gui.cmp.side", {d == &a ? "A" : "B", file_name(d->path()), std::to_string(d->size()),
                                    std::to_string(d->trace().frames.size())})
                    .c_str());
        if (branch_) {
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextColored(colors::kError, "%s", TF("gui.cmp.paths_part", {branch_->what.str(ui_lang())}).c_str());
            ImGui::PopTextWrapPos();
            const std::string label = TF("gui.cmp.go_to", {std::to_string(branch_->event)});
            if (ImGui::SmallButton(label.c_str())) ctx.push(Command::jump(branch_->event));
            item_tooltip(T("gui.cmp.paths_tip"));
        } else {
            ImGui::TextColored(colors::kGood, "%s", T("gui.cmp.same_branches"));
        }
        if (divergence_ && (!branch_ || divergence_->event < branch_->event)) {
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextColored(colors::kChangedText, "%s",
                               TF("gui.cmp.values_differ", {divergence_->what.str(ui_lang())}).c_str());
            ImGui::PopTextWrapPos();
        } else if (!divergence_) {
            ImGui::TextColored(colors::kGood, "%s", T("gui.cmp.identical"));
        }
        if (seq_div_) {
            const SeqRow& r = rows_[*seq_div_];
            ImGui::TextColored(colors::kChangedText, "%s",
                               TF("gui.cmp.seg_differ", {std::to_string(r.seq_lo)}).c_str());
        }
        counters(a, b);
        if (ImGui::BeginTabBar("cmp")) {
            if (ImGui::BeginTabItem((std::string(T("gui.cmp.by_event")) + "###by_event").c_str())) {
                by_event(ctx, a, b);
                ImGui::EndTabItem();
            }
            if (ImGui::BeginTabItem((std::string(T("gui.cmp.by_seq")) + "###by_seq").c_str())) {
                by_seq(ctx, a);
                ImGui::EndTabItem();
            }
            ImGui::EndTabBar();
        }
    }

private:
    void rebuild(const Document& a, const Document& b) {
        cache_a_ = a.id();
        cache_b_ = b.id();
        divergence_ = first_event_divergence(a.trace(), b.trace());
        branch_ = first_branch_divergence(a.trace(), b.trace());
        ga_ = build_seq_graph(a.trace());
        gb_ = build_seq_graph(b.trace());
        rows_ = align_by_seq(ga_, gb_);
        seq_div_ = first_seq_divergence(rows_);
        scrolled_gen_ = ~0ull;
    }

    void counters(const Document& a, const Document& b) {
        if (!ImGui::BeginTable("cmp_counters", 1 + static_cast<int>(std::size(kFields)),
                               ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchSame))
            return;
        ImGui::TableSetupColumn(T("gui.cmp.at_cursor"));
        for (model::SF f : kFields) ImGui::TableSetupColumn(std::string(model::sock_field_info(f).name).c_str());
        ImGui::TableHeadersRow();
        for (int side = 0; side < 2; ++side) {
            const Document& d = side == 0 ? a : b;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(
                TF("gui.cmp.side_event", {side == 0 ? "A" : "B", std::to_string(d.cursor())}).c_str());
            for (model::SF f : kFields) {
                ImGui::TableNextColumn();
                const int64_t v = d.state().sk.at(f);
                const bool differs = a.state().sk.at(f) != b.state().sk.at(f);
                if (differs) ImGui::TextColored(colors::kChangedText, "%lld", static_cast<long long>(v));
                else ImGui::Text("%lld", static_cast<long long>(v));
                item_tooltip(std::string(sock_field_doc(f)) + (differs ? T("gui.cmp.differs") : ""));
            }
        }
        ImGui::EndTable();
    }

    void by_event(ViewContext& ctx, const Document& a, const Document& b) {
        const std::size_t n = std::max(a.size(), b.size());
        const ImGuiTableFlags flags =
            ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable;
        if (!ImGui::BeginTable("cmp_events", 3, flags)) return;
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("0000000").x);
        ImGui::TableSetupColumn("A");
        ImGui::TableSetupColumn("B");
        ImGui::TableHeadersRow();
        const float row_h = ImGui::GetTextLineHeightWithSpacing();
        // Follow the cursor once per move, then leave scrolling to the user.
        if (scrolled_gen_ != a.generation()) {
            scrolled_gen_ = a.generation();
            const float y = static_cast<float>(a.cursor()) * row_h;
            const float h = ImGui::GetWindowHeight();
            if (y < ImGui::GetScrollY() || y > ImGui::GetScrollY() + h - row_h * 3)
                ImGui::SetScrollY(std::max(0.0f, y - h * 0.4f));
        }
        ImGuiListClipper clip;
        clip.Begin(static_cast<int>(n), row_h);
        while (clip.Step()) {
            for (int r = clip.DisplayStart; r < clip.DisplayEnd; ++r) {
                const auto i = static_cast<std::size_t>(r);
                ImGui::TableNextRow();
                const trace::Event* ea = i < a.size() ? &a.trace().events[i] : nullptr;
                const trace::Event* eb = i < b.size() ? &b.trace().events[i] : nullptr;
                const bool differs = !ea || !eb || ea->kind != eb->kind || ea->func != eb->func;
                if (i == a.cursor()) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, kCursorRow);
                else if (branch_ && i == branch_->event)
                    ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, kDivergedRow);
                else if (differs && branch_ && i > branch_->event)
                    ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, kDifferentRow);
                ImGui::TableNextColumn();
                char label[32];
                std::snprintf(label, sizeof label, "%zu%s", i, branch_ && i == branch_->event ? " <>" : "");
                if (ImGui::Selectable(label, false, ImGuiSelectableFlags_SpanAllColumns) && i < a.size())
                    ctx.push(Command::jump(i));
                ImGui::TableNextColumn();
                event_cell(a.trace(), ea);
                ImGui::TableNextColumn();
                event_cell(b.trace(), eb);
            }
        }
        ImGui::EndTable();
    }

    static void event_cell(const trace::Trace& t, const trace::Event* e) {
        if (!e) {
            text_dim(T("gui.cmp.ended"));
            return;
        }
        ImGui::PushStyleColor(ImGuiCol_Text, kind_color(e->kind));
        ImGui::TextUnformatted(std::string(trace::kind_name(e->kind)).c_str());
        ImGui::PopStyleColor();
        ImGui::SameLine();
        const auto i = static_cast<std::size_t>(e - t.events.data());
        text_dim(std::string(trace::func_name(e->func)) + " " + format_args(t, i));
    }

    void by_seq(ViewContext& ctx, const Document& a) {
        if (rows_.empty()) {
            text_dim(T("gui.cmp.no_data"));
            return;
        }
        const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY;
        if (!ImGui::BeginTable("cmp_seq", 5, flags)) return;
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(T("gui.cmp.col.seq"));
        ImGui::TableSetupColumn(T("gui.cmp.col.a"));
        ImGui::TableSetupColumn(T("gui.cmp.col.b"));
        ImGui::TableSetupColumn(T("gui.cmp.col.dt"));
        ImGui::TableSetupColumn("");
        ImGui::TableHeadersRow();
        ImGuiListClipper clip;
        clip.Begin(static_cast<int>(rows_.size()));
        while (clip.Step()) {
            for (int k = clip.DisplayStart; k < clip.DisplayEnd; ++k) {
                const SeqRow& r = rows_[static_cast<std::size_t>(k)];
                const SeqSegment* sa = r.a >= 0 ? &ga_.segments[static_cast<std::size_t>(r.a)] : nullptr;
                const SeqSegment* sb = r.b >= 0 ? &gb_.segments[static_cast<std::size_t>(r.b)] : nullptr;
                ImGui::TableNextRow();
                if (seq_div_ && static_cast<std::size_t>(k) == *seq_div_)
                    ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, kDivergedRow);
                else if (r.differs) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, kDifferentRow);
                if (sa && sa->event == a.cursor()) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, kCursorRow);
                ImGui::TableNextColumn();
                char label[48];
                std::snprintf(label, sizeof label, "%lld", static_cast<long long>(r.seq_lo));
                if (ImGui::Selectable(label, false, ImGuiSelectableFlags_SpanAllColumns) && sa)
                    ctx.push(Command::jump(sa->event));
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", T(sa ? "gui.cmp.click_a" : "gui.cmp.no_a"));
                for (const SeqSegment* s : {sa, sb}) {
                    ImGui::TableNextColumn();
                    if (!s) {
                        text_dim("-");
                        continue;
                    }
                    ImGui::Text("..%lld (%lld B) at %s", static_cast<long long>(s->seq_hi),
                                static_cast<long long>(s->seq_hi - s->seq_lo), format_time_us(s->time_us).c_str());
                }
                ImGui::TableNextColumn();
                if (sa && sb) {
                    const int64_t d = sb->time_us - sa->time_us;
                    if (d == 0) text_dim(T("gui.cmp.same"));
                    else ImGui::TextColored(colors::kChangedText, "%+.3f ms", static_cast<double>(d) / 1000.0);
                }
                ImGui::TableNextColumn();
                if (seq_div_ && static_cast<std::size_t>(k) == *seq_div_)
                    ImGui::TextColored(colors::kError, "%s", T("gui.cmp.first_diff"));
            }
        }
        ImGui::EndTable();
    }

    uint64_t cache_a_ = 0, cache_b_ = 0;
    std::optional<EventDivergence> divergence_, branch_;
    SeqGraph ga_, gb_;
    std::vector<SeqRow> rows_;
    std::optional<std::size_t> seq_div_;
    uint64_t scrolled_gen_ = ~0ull;
};
}  // namespace

std::unique_ptr<View> make_compare_view() { return std::make_unique<CompareView>(); }

}  // namespace sendpath::gui
