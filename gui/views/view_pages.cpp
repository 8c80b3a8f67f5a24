// Pages: each live page as a 4096-byte bar. Fragments pointing into it are
// drawn where they sit, in their skb's colour; the cached page
// (sk_sndmsg_page) shows sk_sndmsg_off, where the next fragment will start.
// The reference count is checked against what the picture implies (one per
// fragment, plus one while cached).
#include <algorithm>
#include <cstdio>

#include "gui/model/page_usage.hpp"
#include "gui/lang.hpp"
#include "gui/field_docs.hpp"
#include "gui/views/view.hpp"
#include "gui/widgets.hpp"

namespace sendpath::gui {

namespace {
class PagesView final : public View {
public:
    std::string_view id() const override { return "pages"; }
    std::string_view title() const override { return T("gui.view.pages"); }
    std::string window_title(const Document& doc) const override {
        return TF("gui.pages.title", {std::to_string(doc.state().pages.size())});
    }

    void draw(ViewContext& ctx) override {
        const model::State& s = ctx.doc.state();
        const auto& sk = s.sk;
        // Wrapped, never cut, in a narrow window.
        ImGui::PushTextWrapPos(0.0f);
        if (sk.sk_sndmsg_page)
            ImGui::TextUnformatted(
                TF("gui.pages.cached", {std::to_string(sk.sk_sndmsg_page), std::to_string(sk.sk_sndmsg_off)}).c_str());
        else ImGui::TextUnformatted(T("gui.pages.no_cached"));
        item_tooltip(sock_field_doc(model::SF::sk_sndmsg_page));
        // Once per cursor position, not per frame.
        if (cache_doc_ != ctx.doc.id() || cache_generation_ != ctx.doc.generation()) {
            cache_doc_ = ctx.doc.id();
            cache_generation_ = ctx.doc.generation();
            pages_ = page_usage(s);
        }
        const std::vector<PageUse>& pages = pages_;
        if (pages.empty()) {
            text_dim(T("gui.pages.none"));
            ImGui::PopTextWrapPos();
            return;
        }
        ImGui::PopTextWrapPos();
        ImGui::BeginChild("pages", ImVec2(0, 0), false);
        ImGui::PushTextWrapPos(0.0f);
        const float cw = ImGui::CalcTextSize("0").x;
        const float lh = ImGui::GetTextLineHeight();
        const float label_w = cw * 16;
        ImDrawList* dl = ImGui::GetWindowDrawList();
        for (const PageUse& u : pages) {
            const bool changed = ctx.doc.effects().page(u.id);
            const ImVec2 p = ImGui::GetCursorScreenPos();
            const float bar_w = std::max(40.0f, ImGui::GetContentRegionAvail().x - label_w - 4);
            const float h = lh * 1.3f;
            // A big send buffer holds hundreds of pages: those out of sight take their place only.
            if (!ImGui::IsRectVisible(p, ImVec2(p.x + label_w + bar_w, p.y + h))) {
                ImGui::Dummy(ImVec2(label_w + bar_w, h));
                ImGui::Dummy(ImVec2(1, lh * 0.3f));
                continue;
            }
            char buf[64];
            std::snprintf(buf, sizeof buf, "page %u", u.id);
            dl->AddText(p, changed ? colors::kChanged : IM_COL32(230, 230, 230, 255), buf);
            std::snprintf(buf, sizeof buf, "%s", TF("gui.pages.refs", {std::to_string(u.count)}).c_str());
            // Fewer references than fragments + cache would be a bookkeeping bug;
            // more is normal for a moment (the allocating code still holds it).
            const ImU32 rc = u.count < u.expected_count   ? IM_COL32(255, 110, 110, 255)
                             : u.count > u.expected_count ? colors::kInFlight
                                                          : colors::kDimText;
            dl->AddText(ImVec2(p.x + cw * 8, p.y), rc, buf);
            const ImVec2 b0(p.x + label_w, p.y), b1(b0.x + bar_w, b0.y + h);
            dl->AddRectFilled(b0, b1, IM_COL32(25, 25, 30, 255));
            const float scale = bar_w / static_cast<float>(model::PAGE_SIZE);
            for (const FragRef& f : u.frags) {
                const ImVec2 f0(b0.x + f.off * scale, b0.y + 1), f1(b0.x + (f.off + f.size) * scale, b1.y - 1);
                const bool sel = ctx.vs.selected_skb == f.skb;
                dl->AddRectFilled(f0, f1, with_alpha(id_color(f.skb), sel || ctx.vs.selected_skb == 0 ? 230 : 90));
                dl->AddRect(f0, f1, IM_COL32(15, 15, 15, 255));
                if (f1.x - f0.x > cw * 6) {
                    std::snprintf(buf, sizeof buf, "skb %u", f.skb);
                    dl->AddText(ImVec2(f0.x + 3, b0.y + (h - lh) * 0.5f), IM_COL32(20, 20, 20, 255), buf);
                }
            }
            if (u.cached) {
                const float x = b0.x + static_cast<float>(u.cached_off) * scale;
                dl->AddLine(ImVec2(x, b0.y - 2), ImVec2(x, b1.y + 2), colors::kChanged, 2.0f);
            }
            dl->AddRect(b0, b1,
                        changed ? colors::kChanged : (u.cached ? IM_COL32(170, 200, 255, 255) : colors::kDimText), 0, 0,
                        changed ? 2.0f : 1.0f);
            ImGui::PushID(static_cast<int>(u.id));
            ImGui::InvisibleButton("##page", ImVec2(label_w + bar_w, h));
            ImGui::PopID();
            if (ImGui::IsItemHovered()) {
                const float at = (ImGui::GetIO().MousePos.x - b0.x) / scale;
                tooltip(u, at);
                // A click on the bar picks that byte of the page for Byte provenance.
                if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && at >= 0 &&
                    at < static_cast<float>(model::PAGE_SIZE)) {
                    ctx.vs.picked_page_byte = std::make_pair(u.id, static_cast<uint32_t>(at));
                    ctx.vs.open["provenance"] = true;
                    for (const FragRef& f : u.frags)
                        if (at >= static_cast<float>(f.off) && at < static_cast<float>(f.off + f.size))
                            ctx.vs.selected_skb = f.skb;
                }
            }
            ImGui::Dummy(ImVec2(1, lh * 0.3f));
        }
        text_dim(T("gui.pages.legend"));
        ImGui::PopTextWrapPos();
        ImGui::EndChild();
    }

private:
    static void tooltip(const PageUse& u, float at_byte) {
        ImGui::BeginTooltip();
        ImGui::TextUnformatted(
            TF(u.cached ? "gui.pages.tip_cached" : "gui.pages.tip", {std::to_string(u.id), std::to_string(u.count)})
                .c_str());
        if (u.count < u.expected_count)
            ImGui::TextColored(colors::kError, "%s",
                               TF(u.cached ? "gui.pages.too_few_cached" : "gui.pages.too_few",
                                  {std::to_string(u.expected_count), std::to_string(u.frags.size())})
                                   .c_str());
        else if (u.count > u.expected_count)
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colors::kInFlight), "%s",
                               TF(u.cached ? "gui.pages.extra_cached" : "gui.pages.extra",
                                  {std::to_string(u.count - u.expected_count), std::to_string(u.frags.size())})
                                   .c_str());
        if (!u.frags.empty())
            ImGui::TextUnformatted(
                TF("gui.pages.used", {std::to_string(u.used_lo), std::to_string(u.used_hi)}).c_str());
        if (u.cached) ImGui::TextUnformatted(TF("gui.pages.next_frag", {std::to_string(u.cached_off)}).c_str());
        for (const FragRef& f : u.frags) {
            const bool here = at_byte >= static_cast<float>(f.off) && at_byte < static_cast<float>(f.off + f.size);
            ImGui::TextColored(here ? ImVec4(1, 1, 1, 1) : colors::kDim, "%s",
                               TF("gui.pages.frag", {std::to_string(f.skb), std::to_string(f.index),
                                                     std::to_string(f.off), std::to_string(f.size)})
                                   .c_str());
        }
        ImGui::EndTooltip();
    }

    uint64_t cache_doc_ = 0, cache_generation_ = 0;
    std::vector<PageUse> pages_;
};
}  // namespace

std::unique_ptr<View> make_pages_view() { return std::make_unique<PagesView>(); }

}  // namespace sendpath::gui
