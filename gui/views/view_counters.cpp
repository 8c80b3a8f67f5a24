// Counters: every socket field, grouped as the kernel groups them (struct
// sock, tcp_sock, inet_connection_sock, the global pool, tcp_sendmsg's
// locals, the simulated peer). Fields the current event changed are yellow
// with their old value; hovering a name gives its one-sentence meaning.
// Gauges on top show the limits that make tcp_sendmsg wait.
#include <algorithm>
#include <cstdio>

#include "gui/model/breakpoints.hpp"
#include "gui/model/counters.hpp"
#include "gui/lang.hpp"
#include "gui/field_docs.hpp"
#include "util/i18n.hpp"
#include "gui/views/view.hpp"
#include "gui/widgets.hpp"

namespace sendpath::gui {

namespace {
// The group's header: struct names stay, the others are words.
std::string group_title_text(std::string_view group) {
    const std::string key = "gui.counters.group." + std::string(group);
    const std::string_view t = util::i18n::tr(ui_lang(), key);
    return t == key ? std::string(group) : std::string(t);
}

class CountersView final : public View {
public:
    std::string_view id() const override { return "counters"; }
    std::string_view title() const override { return T("gui.view.counters"); }

    void draw(ViewContext& ctx) override {
        const model::State& s = ctx.doc.state();
        const model::State& before = ctx.doc.prev_state();
        gauges(s);
        ImGui::Checkbox(T("gui.counters.only_changed"), &ctx.vs.only_changed_counters);
        ImGui::SameLine();
        help_marker(T("gui.counters.help"));
        ImGui::Separator();
        ImGui::BeginChild("fields");
        const auto changed = changed_fields(before, s);
        auto is_changed = [&](model::SF f) { return std::find(changed.begin(), changed.end(), f) != changed.end(); };
        for (const FieldGroup& g : sock_field_groups()) {
            const auto n = std::count_if(g.fields.begin(), g.fields.end(), is_changed);
            if (ctx.vs.only_changed_counters && n == 0) continue;
            std::string header = group_title_text(g.group);
            if (n) header += "  " + TF("gui.counters.n_changed", {std::to_string(n)});
            header += "###" + std::string(g.group);
            const bool default_open = g.group != "icsk" && g.group != "mem" && g.group != "peer";
            if (n) ImGui::PushStyleColor(ImGuiCol_Text, colors::kChangedText);
            const bool open =
                ImGui::CollapsingHeader(header.c_str(), default_open ? ImGuiTreeNodeFlags_DefaultOpen : 0);
            if (n) ImGui::PopStyleColor();
            if (!open) continue;
            if (!ImGui::BeginTable(g.group.data(), 2, ImGuiTableFlags_RowBg)) continue;
            const float cw = ImGui::CalcTextSize("0").x;
            // A narrow window leaves the values room for "1 (ESTABLISHED)" first.
            const float name_w = std::clamp(ImGui::GetContentRegionAvail().x - cw * 17, cw * 12, cw * 20);
            ImGui::TableSetupColumn("field", ImGuiTableColumnFlags_WidthFixed, name_w);
            ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
            for (model::SF f : g.fields) {
                const bool ch = is_changed(f);
                if (ctx.vs.only_changed_counters && !ch) continue;
                const auto& info = model::sock_field_info(f);
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                if (ch) ImGui::PushStyleColor(ImGuiCol_Text, colors::kChangedText);
                ImGui::PushTextWrapPos(0.0f);
                ImGui::TextUnformatted(info.name.data(), info.name.data() + info.name.size());
                ImGui::PopTextWrapPos();
                item_tooltip(sock_field_doc(f));
                context_menu(ctx, f);
                ImGui::TableNextColumn();
                // Wrapped in a narrow window, never cut; flag lists break
                // between flags ("NOSPACE | QUEUE_SHRUNK"), not inside one.
                std::string value = format_field(f, s.sk.at(f));
                for (std::size_t at = value.find('|'); at != std::string::npos; at = value.find('|', at + 3))
                    value.replace(at, 1, " | ");
                ImGui::TextWrapped("%s", value.c_str());
                item_tooltip(sock_field_doc(f));
                if (ch) {
                    ImGui::PopStyleColor();
                    const std::string was = TF("gui.counters.was", {std::to_string(before.sk.at(f))});
                    ImGui::SameLine();
                    // Below the value when the rest of the line is too short for it.
                    if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(was.c_str()).x) ImGui::NewLine();
                    text_dim(was);
                    item_tooltip(TF("gui.counters.before", {format_field(f, before.sk.at(f))}));
                }
            }
            ImGui::EndTable();
        }
        ImGui::EndChild();
    }

private:
    static void context_menu(ViewContext& ctx, model::SF f) {
        const std::string name(model::sock_field_info(f).name);
        // Text has no id of its own: name the popup after the field.
        if (!ImGui::BeginPopupContextItem(name.c_str())) return;
        if (ImGui::MenuItem(TF("gui.counters.break_when", {name}).c_str()))
            ctx.vs.breakpoints.push_back(watch_breakpoint(f));
        ImGui::EndPopup();
    }

    static void gauges(const model::State& s) {
        const auto& sk = s.sk;
        gauge("sk_wmem_queued / sk_sndbuf", static_cast<double>(sk.sk_wmem_queued), static_cast<double>(sk.sk_sndbuf),
              T("gui.unit.bytes"), colors::kUnsent);
        item_tooltip(T("gui.counters.sndbuf_tip"));
        // Charged memory: queued truesize plus what is reserved in advance.
        ImGui::TextWrapped("%s", T("gui.counters.charged"));
        const double q = static_cast<double>(std::max<int64_t>(0, sk.sk_wmem_queued));
        const double fa = static_cast<double>(std::max<int64_t>(0, sk.sk_forward_alloc));
        const double total = std::max(q + fa, static_cast<double>(sk.sk_sndbuf));
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float w = ImGui::GetContentRegionAvail().x, h = ImGui::GetFrameHeight();
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), IM_COL32(25, 25, 30, 255), 3.0f);
        if (total > 0) {
            const float qw = static_cast<float>(q / total) * w, fw = static_cast<float>(fa / total) * w;
            dl->AddRectFilled(p, ImVec2(p.x + qw, p.y + h), colors::kUnsent, 3.0f);
            dl->AddRectFilled(ImVec2(p.x + qw, p.y), ImVec2(p.x + qw + fw, p.y + h), with_alpha(colors::kAcked, 180));
        }
        const std::string sum = format_sum(sk.sk_wmem_queued, sk.sk_forward_alloc, T("gui.unit.bytes"));
        const ImVec2 ts = ImGui::CalcTextSize(sum.c_str());
        dl->AddText(ImVec2(p.x + (w - ts.x) * 0.5f, p.y + (h - ts.y) * 0.5f), IM_COL32(255, 255, 255, 255),
                    sum.c_str());
        ImGui::Dummy(ImVec2(w, h));
        item_tooltip(T("gui.counters.charged_tip"));
        gauge("tcp_memory_allocated / tcp_mem[2]", static_cast<double>(sk.tcp_memory_allocated),
              static_cast<double>(sk.tcp_mem2), T("gui.unit.pages"), colors::kAcked);
        item_tooltip(T("gui.counters.mem_tip"));
        gauge("packets_out / snd_cwnd", static_cast<double>(sk.packets_out), static_cast<double>(sk.snd_cwnd),
              T("gui.unit.segments"), colors::kInFlight);
        item_tooltip(T("gui.counters.cwnd_tip"));
    }
};
}  // namespace

std::unique_ptr<View> make_counters_view() { return std::make_unique<CountersView>(); }

}  // namespace sendpath::gui
