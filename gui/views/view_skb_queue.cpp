// skb queue: sk_write_queue as a row of boxes, head first. Each box shows the
// skb's sequence range, its length split into linear part and page fragments
// (coloured by page), the PSH flag, the loss-recovery marks (SACK for held
// by the peer, LOST, RTX for resent), and its status: in flight (sent, before sk_send_head, not yet
// covered by snd_una), acked, or unsent. send_head and
// the tail (where tcp_sendmsg appends) are marked above the boxes; skbs the
// current event touched get a yellow frame.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "gui/model/skb_layout.hpp"
#include "gui/lang.hpp"
#include "gui/field_docs.hpp"
#include "gui/views/view.hpp"
#include "gui/widgets.hpp"

namespace sendpath::gui {

namespace {
const char* skb_status_text(SkbStatus s) {
    switch (s) {
        case SkbStatus::unsent: return T("gui.skb.status.unsent");
        case SkbStatus::in_flight: return T("gui.skb.status.in_flight");
        case SkbStatus::acked: return T("gui.skb.status.acked");
    }
    return "?";
}

class SkbQueueView final : public View {
public:
    std::string_view id() const override { return "skb_queue"; }
    std::string_view title() const override { return T("gui.view.skb_queue"); }
    std::string window_title(const Document& doc) const override {
        return TF("gui.skb.title", {std::to_string(doc.state().write_queue.size())});
    }

    void draw(ViewContext& ctx) override {
        const model::State& s = ctx.doc.state();
        seq_line(s);
        legend();
        if (!ctx.doc.effects().freed_skbs.empty()) {
            std::string freed = T("gui.skb.freed");
            for (uint32_t id : ctx.doc.effects().freed_skbs) freed += " skb " + std::to_string(id);
            ImGui::TextColored(colors::kChangedText, "%s", freed.c_str());
        }
        ImGui::Separator();
        ImGui::BeginChild("boxes", ImVec2(0, 0), false);
        if (s.write_queue.empty()) {
            text_dim(T("gui.skb.empty"));
            ImGui::EndChild();
            return;
        }
        const float cw = ImGui::CalcTextSize("0").x;
        const float lh = ImGui::GetTextLineHeight();
        SkbLayoutParams p;
        p.box_w = cw * 18;
        p.box_h = lh * 4 + 8 + lh * 1.0f;
        p.gap_x = cw * 2;
        p.gap_y = lh * 1.6f;
        p.top = lh * 1.4f;
        p.avail_w = ImGui::GetContentRegionAvail().x - 4;
        const auto boxes = layout_skb_queue(s, &ctx.doc.effects(), p);
        const ImVec2 o = ImGui::GetCursorScreenPos();
        ImDrawList* dl = ImGui::GetWindowDrawList();
        for (std::size_t k = 0; k < boxes.size(); ++k) {
            const SkbBox& b = boxes[k];
            const model::SkBuff& skb = *s.skb(b.id);
            const ImVec2 a(o.x + b.x + 2, o.y + b.y), z(a.x + b.w, a.y + b.h);
            // A long queue scrolls: boxes out of sight (with the marks above
            // them and the link to the next) are not drawn.
            if (!ImGui::IsRectVisible(ImVec2(a.x, a.y - p.top), ImVec2(z.x + p.gap_x, z.y))) continue;
            // Queue link to the next box on the same row.
            if (k + 1 < boxes.size() && boxes[k + 1].y == b.y) {
                const float my = a.y + b.h * 0.5f;
                dl->AddLine(ImVec2(z.x, my), ImVec2(z.x + p.gap_x, my), colors::kDimText, 1.5f);
            }
            marks(dl, b, a, lh);
            const ImU32 sc = status_color(b.status);
            dl->AddRectFilled(a, z, with_alpha(sc, 50), 4.0f);
            dl->AddRectFilled(a, ImVec2(z.x, a.y + lh + 4), with_alpha(sc, 140), 4.0f, ImDrawFlags_RoundCornersTop);
            const bool selected = ctx.vs.selected_skb == b.id;
            dl->AddRect(a, z, b.changed ? colors::kChanged : (selected ? IM_COL32(255, 255, 255, 255) : sc), 4.0f, 0,
                        b.changed || selected ? 2.5f : 1.0f);
            // A swatch in the skb's colour: its bytes have this colour in Pages.
            dl->AddRectFilled(ImVec2(a.x + 5, a.y + 4), ImVec2(a.x + 5 + lh * 0.6f, a.y + 4 + lh * 0.6f),
                              id_color(b.id), 2.0f);
            char buf[64];
            std::snprintf(buf, sizeof buf, "skb %u", b.id);
            dl->AddText(ImVec2(a.x + 9 + lh * 0.6f, a.y + 2), IM_COL32(255, 255, 255, 255), buf);
            // Badges from the right edge: PSH, then the scoreboard bits of
            // TCP_SKB_CB(skb)->sacked that loss recovery sets (SACK, LOST, RTX).
            float bx = z.x - 4;
            auto badge = [&](const char* text, ImU32 col) {
                const float w = cw * static_cast<float>(std::strlen(text));
                bx -= w + 2;
                dl->AddRectFilled(ImVec2(bx - 2, a.y + 2), ImVec2(bx + w + 2, a.y + 2 + lh), col, 3.0f);
                dl->AddText(ImVec2(bx, a.y + 2), IM_COL32(255, 255, 255, 255), text);
                bx -= 6;
            };
            if (b.psh) badge("PSH", IM_COL32(200, 60, 60, 255));
            if (skb.sacked & model::TCPCB_SACKED_ACKED) badge("SACK", IM_COL32(40, 140, 90, 255));
            if (skb.sacked & model::TCPCB_LOST) badge("LOST", IM_COL32(170, 40, 120, 255));
            if (skb.sacked & model::TCPCB_RETRANS) badge("RTX", IM_COL32(200, 120, 30, 255));
            float y = a.y + lh + 6;
            std::snprintf(buf, sizeof buf, "seq %lld", static_cast<long long>(skb.seq));
            dl->AddText(ImVec2(a.x + 5, y), IM_COL32(230, 230, 230, 255), buf);
            y += lh;
            std::snprintf(buf, sizeof buf, "end %lld", static_cast<long long>(skb.end_seq));
            dl->AddText(ImVec2(a.x + 5, y), IM_COL32(230, 230, 230, 255), buf);
            y += lh;
            std::snprintf(buf, sizeof buf, "len %lld  frags %lld", static_cast<long long>(skb.len),
                          static_cast<long long>(skb.nr_frags));
            dl->AddText(ImVec2(a.x + 5, y), IM_COL32(230, 230, 230, 255), buf);
            y += lh + 2;
            payload_bar(dl, skb, ImVec2(a.x + 5, y), b.w - 10, lh * 0.9f);
            // Hover and click over the whole box.
            ImGui::SetCursorScreenPos(a);
            ImGui::PushID(static_cast<int>(b.id));
            const bool clicked = ImGui::InvisibleButton("##skb", ImVec2(b.w, b.h));
            ImGui::PopID();
            // A click on the payload bar picks that byte (Byte provenance) and selects the skb;
            // elsewhere in the box it toggles the selection.
            const ImVec2 m = ImGui::GetIO().MousePos;
            const bool on_bar = m.y >= y && m.y < y + lh * 0.9f && m.x >= a.x + 5 && m.x < a.x + b.w - 5 && skb.len > 0;
            if (clicked && on_bar) {
                const auto byte = static_cast<int64_t>((m.x - a.x - 5) / (b.w - 10) * static_cast<float>(skb.len));
                ctx.vs.picked_seq = (skb.seq + std::clamp<int64_t>(byte, 0, skb.len - 1)) & 0xffffffffLL;
                ctx.vs.open["provenance"] = true;
                ctx.vs.selected_skb = b.id;
            } else if (clicked) {
                ctx.vs.selected_skb = selected ? 0 : b.id;
            }
            if (ImGui::IsItemHovered()) tooltip(skb, b);
        }
        ImGui::SetCursorScreenPos(ImVec2(o.x, o.y + skb_layout_height(boxes, p)));
        ImGui::Dummy(ImVec2(1, 1));
        ImGui::EndChild();
    }

private:
    static void seq_line(const model::State& s) {
        const auto& sk = s.sk;
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colors::kInFlight), "snd_una %lld",
                           static_cast<long long>(sk.snd_una));
        item_tooltip(sock_field_doc(model::SF::snd_una));
        ImGui::SameLine();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colors::kUnsent), "snd_nxt %lld",
                           static_cast<long long>(sk.snd_nxt));
        item_tooltip(sock_field_doc(model::SF::snd_nxt));
        ImGui::SameLine();
        ImGui::Text("write_seq %lld", static_cast<long long>(sk.write_seq));
        item_tooltip(sock_field_doc(model::SF::write_seq));
        ImGui::SameLine();
        text_dim(TF("gui.skb.in_flight_unsent", {std::to_string(model::seq_diff(sk.snd_nxt, sk.snd_una)),
                                                 std::to_string(model::seq_diff(sk.write_seq, sk.snd_nxt))}));
    }

    static void legend() {
        struct L {
            const char* text;
            ImU32 c;
        };
        static constexpr L kItems[] = {{"gui.skb.status.in_flight", colors::kInFlight},
                                       {"gui.skb.status.acked", colors::kAcked},
                                       {"gui.skb.status.unsent", colors::kUnsent},
                                       {"gui.skb.changed", colors::kChanged}};
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const float lh = ImGui::GetTextLineHeight();
        for (std::size_t i = 0; i < std::size(kItems); ++i) {
            if (i) ImGui::SameLine(0, lh);
            const ImVec2 p = ImGui::GetCursorScreenPos();
            dl->AddRectFilled(ImVec2(p.x, p.y + lh * 0.2f), ImVec2(p.x + lh * 0.6f, p.y + lh * 0.8f), kItems[i].c,
                              2.0f);
            ImGui::Dummy(ImVec2(lh * 0.7f, lh));
            ImGui::SameLine();
            text_dim(T(kItems[i].text));
        }
    }

    // Linear part grey, then one segment per fragment in the skb's own colour
    // (the colour Pages uses for this skb's bytes), labelled with its page.
    static void payload_bar(ImDrawList* dl, const model::SkBuff& skb, ImVec2 p, float w, float h) {
        dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), IM_COL32(25, 25, 30, 255));
        if (skb.len <= 0) return;
        const float scale = w / static_cast<float>(skb.len);
        float x = p.x;
        const float lin = static_cast<float>(skb.headlen()) * scale;
        if (lin > 0) {
            dl->AddRectFilled(ImVec2(x, p.y), ImVec2(x + lin, p.y + h), colors::kLinear);
            x += lin;
        }
        for (int64_t k = 0; k < std::min<int64_t>(skb.nr_frags, model::MAX_SKB_FRAGS); ++k) {
            const model::Frag& f = skb.frags[static_cast<std::size_t>(k)];
            const float fw = static_cast<float>(f.size) * scale;
            dl->AddRectFilled(ImVec2(x, p.y), ImVec2(x + fw, p.y + h), with_alpha(id_color(skb.id), k % 2 ? 200 : 255));
            if (k > 0 || lin > 0) dl->AddLine(ImVec2(x, p.y), ImVec2(x, p.y + h), IM_COL32(20, 20, 20, 255), 1.5f);
            char label[16];
            std::snprintf(label, sizeof label, "p%u", f.page);
            const ImVec2 ts = ImGui::CalcTextSize(label);
            if (fw > ts.x + 4 && h >= ts.y * 0.8f)
                dl->AddText(ImVec2(x + (fw - ts.x) * 0.5f, p.y + (h - ts.y) * 0.5f), IM_COL32(20, 20, 20, 255), label);
            x += fw;
        }
    }

    static void marks(ImDrawList* dl, const SkbBox& b, ImVec2 a, float lh) {
        std::string label;
        if (b.send_head) label = "send_head";
        if (b.tail) label += (label.empty() ? "" : ", ") + std::string(T("gui.skb.tail"));
        if (label.empty()) return;
        const float cx = a.x + 12;
        dl->AddTriangleFilled(ImVec2(cx - 5, a.y - 7), ImVec2(cx + 5, a.y - 7), ImVec2(cx, a.y - 1),
                              b.send_head ? colors::kUnsent : colors::kDimText);
        dl->AddText(ImVec2(cx + 8, a.y - lh - 2), b.send_head ? IM_COL32(170, 200, 255, 255) : colors::kDimText,
                    label.c_str());
    }

    static void tooltip(const model::SkBuff& skb, const SkbBox& b) {
        ImGui::BeginTooltip();
        ImGui::Text("skb %u: %s%s%s", b.id, skb_status_text(b.status), b.send_head ? T("gui.skb.tip_send_head") : "",
                    b.tail ? T("gui.skb.tip_tail") : "");
        if (ImGui::BeginTable("f", 3, ImGuiTableFlags_SizingFixedFit)) {
            for (std::size_t i = 0; i < model::kSkbFieldCount; ++i) {
                const auto f = static_cast<model::KF>(i);
                const auto& info = model::skb_field_info(f);
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(std::string(info.name).c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%lld", static_cast<long long>(skb.at(f)));
                ImGui::TableNextColumn();
                text_dim(skb_field_doc(f));
            }
            ImGui::EndTable();
        }
        ImGui::TextUnformatted(
            TF("gui.skb.linear", {std::to_string(skb.headlen()), std::to_string(skb.tailroom())}).c_str());
        for (int64_t k = 0; k < std::min<int64_t>(skb.nr_frags, model::MAX_SKB_FRAGS); ++k) {
            const model::Frag& f = skb.frags[static_cast<std::size_t>(k)];
            ImGui::TextUnformatted(TF("gui.skb.frag", {std::to_string(k), std::to_string(f.page), std::to_string(f.off),
                                                       std::to_string(f.size)})
                                       .c_str());
        }
        text_dim(T("gui.skb.click_tip"));
        ImGui::EndTooltip();
    }
};
}  // namespace

std::unique_ptr<View> make_skb_queue_view() { return std::make_unique<SkbQueueView>(); }

}  // namespace sendpath::gui
