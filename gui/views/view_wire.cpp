// Wire: the frames sent and received up to the cursor, newest last, with
// the ones the current event produced highlighted; below, the selected frame
// decoded (Ethernet / IPv4 / TCP) and its bytes as a hex dump coloured by header.
#include <algorithm>
#include <cstdio>
#include <optional>

#include "gui/model/wire.hpp"
#include "gui/lang.hpp"
#include "gui/views/view.hpp"
#include "gui/widgets.hpp"
#include "net/frame.hpp"

namespace sendpath::gui {

namespace {
ImU32 layer_color(std::string_view layer) {
    if (layer == "Ethernet") return IM_COL32(150, 150, 165, 255);
    if (layer == "IPv4") return IM_COL32(120, 170, 235, 255);
    if (layer == "TCP") return IM_COL32(235, 160, 80, 255);
    if (layer == "ARP") return IM_COL32(190, 140, 230, 255);
    return IM_COL32(130, 210, 130, 255);  // payload
}

class WireView final : public View {
public:
    std::string_view id() const override { return "wire"; }
    std::string_view title() const override { return T("gui.view.wire"); }
    std::string window_title(const Document& doc) const override {
        return TF("gui.wire.title", {std::to_string(frames_at(doc.trace(), doc.cursor()))});
    }

    void draw(ViewContext& ctx) override {
        const Document& doc = ctx.doc;
        const trace::Trace& t = doc.trace();
        const std::size_t n = frames_at(t, doc.cursor());
        auto& sel = ctx.vs.selected_frame;
        if (sel && *sel >= n) sel.reset();
        // Stepping onto an event that put frames on the wire selects its last one.
        bool scroll_to_sel = false;
        if (last_generation_ != doc.generation()) {
            last_generation_ = doc.generation();
            if (n > 0 && t.frames[n - 1].event == doc.cursor()) {
                sel = n - 1;
                scroll_to_sel = true;
            }
        }
        if (n == 0) {
            text_dim(T("gui.wire.none"));
            return;
        }
        const float list_h =
            std::max(ImGui::GetTextLineHeightWithSpacing() * 4, ImGui::GetContentRegionAvail().y * 0.42f);
        // Scrolls sideways (the frame number stays): a SYN's options are
        // longer than a narrow window, and a summary is never cut off.
        if (ImGui::BeginTable("frames", 4,
                              ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_SizingFixedFit,
                              ImVec2(0, list_h))) {
            const float cw = ImGui::CalcTextSize("0").x;
            ImGui::TableSetupScrollFreeze(1, 1);
            ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, cw * 4);
            ImGui::TableSetupColumn(T("gui.wire.col.time"), ImGuiTableColumnFlags_WidthFixed, cw * 10);
            ImGui::TableSetupColumn(T("gui.wire.col.dir"), ImGuiTableColumnFlags_WidthFixed, cw * 4);
            ImGui::TableSetupColumn(T("gui.wire.col.summary"), ImGuiTableColumnFlags_WidthFixed, cw * 96);
            ImGui::TableHeadersRow();
            const float row_h = ImGui::GetTextLineHeight() + ImGui::GetStyle().CellPadding.y * 2;
            if (scroll_to_sel && sel)
                ImGui::SetScrollY(std::max(0.0f, static_cast<float>(*sel) * row_h - list_h * 0.5f));
            ImGuiListClipper clip;
            clip.Begin(static_cast<int>(n), row_h);
            std::vector<uint8_t> scratch;
            while (clip.Step()) {
                for (int r = clip.DisplayStart; r < clip.DisplayEnd; ++r) {
                    const auto i = static_cast<std::size_t>(r);
                    const trace::Frame& f = t.frames[i];
                    ImGui::TableNextRow();
                    if (f.event == doc.cursor())
                        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, with_alpha(colors::kChanged, 45));
                    else if (f.skb && f.skb == ctx.vs.selected_skb)  // linked selection: the selected skb's frames
                        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, with_alpha(id_color(f.skb), 70));
                    ImGui::TableNextColumn();
                    char label[24];
                    std::snprintf(label, sizeof label, "%zu", i);
                    if (ImGui::Selectable(label, sel == i, ImGuiSelectableFlags_SpanAllColumns)) {
                        sel = i;
                        if (f.skb) ctx.vs.selected_skb = f.skb;  // and the reverse: a frame lights its skb
                    }
                    if (ImGui::IsItemHovered() && f.skb)
                        ImGui::SetTooltip("%s", TF("gui.wire.from_skb", {std::to_string(f.skb)}).c_str());
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(format_time_us(f.time_us).c_str());
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(T(f.dir == 0 ? "gui.wire.out" : "gui.wire.in"));
                    ImGui::TableNextColumn();
                    // Without the addresses (the same on every row); the whole line on hover.
                    const std::string sum = net::summarize_frame(t.frame_data(f, scratch));
                    const std::string shown(summary_without_ports(sum));
                    if (f.dropped) ImGui::TextColored(colors::kError, "%s", TF("gui.wire.dropped", {shown}).c_str());
                    else ImGui::TextUnformatted(shown.c_str());
                    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", sum.c_str());
                }
            }
            ImGui::EndTable();
        }
        if (!sel) {
            text_dim(T("gui.wire.select"));
            return;
        }
        details(ctx, t, *sel);
    }

private:
    static void details(ViewContext& ctx, const trace::Trace& t, std::size_t i) {
        const trace::Frame& f = t.frames[i];
        std::vector<uint8_t> scratch;
        const std::span<const uint8_t> bytes = t.frame_data(f, scratch);
        const FrameDecode d = decode_frame(bytes);
        ImGui::BeginChild("detail", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
        ImGui::TextUnformatted((TF(f.dir == 0 ? "gui.wire.frame_sent" : "gui.wire.frame_received",
                                   {std::to_string(i), std::to_string(f.length), std::to_string(f.event)}) +
                                (f.skb ? TF("gui.wire.from", {std::to_string(f.skb)}) : std::string()))
                                   .c_str());
        if (ImGui::BeginTable("fields", 3, ImGuiTableFlags_SizingFixedFit)) {
            std::string last_layer;
            for (const FrameField& ff : d.fields) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                if (ff.layer != last_layer) {
                    ImGui::PushStyleColor(ImGuiCol_Text, layer_color(ff.layer));
                    ImGui::TextUnformatted(ff.layer.c_str());
                    ImGui::PopStyleColor();
                    last_layer = ff.layer;
                }
                ImGui::TableNextColumn();
                text_dim(ff.name);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(ff.value.c_str());
            }
            ImGui::EndTable();
        }
        ImGui::Spacing();
        // A payload byte's sequence number: the TCP seq plus its offset in the payload.
        std::optional<int64_t> payload_seq;
        std::size_t payload_begin = 0;
        for (const ByteRange& r : d.ranges)
            if (r.layer == "payload") payload_begin = r.begin;
        if (d.payload_len) {
            const auto pf = net::parse_frame(bytes, nullptr);
            if (pf && pf->tcp) payload_seq = pf->tcp->seq;
        }
        if (payload_seq) text_dim(T("gui.wire.click_payload"));
        hex(ctx, bytes, d, payload_seq, payload_begin);
        ImGui::EndChild();
    }

    static void hex(ViewContext& ctx, std::span<const uint8_t> bytes, const FrameDecode& d,
                    std::optional<int64_t> payload_seq, std::size_t payload_begin) {
        const float cw = ImGui::CalcTextSize("0").x;
        const float lh = ImGui::GetTextLineHeightWithSpacing();
        ImDrawList* dl = ImGui::GetWindowDrawList();
        auto color_at = [&](std::size_t off) {
            for (const ByteRange& r : d.ranges)
                if (off >= r.begin && off < r.end) return layer_color(r.layer);
            return colors::kDimText;
        };
        const std::size_t lines = (bytes.size() + 15) / 16;
        ImGuiListClipper clip;
        clip.Begin(static_cast<int>(lines), lh);
        while (clip.Step()) {
            for (int row = clip.DisplayStart; row < clip.DisplayEnd; ++row) {
                const ImVec2 p = ImGui::GetCursorScreenPos();
                const std::size_t off = static_cast<std::size_t>(row) * 16;
                char buf[20];  // room for a 64-bit offset in hex (gcc -O0 -Wformat-truncation checks it)
                std::snprintf(buf, sizeof buf, "%04zx", off);
                dl->AddText(p, colors::kDimText, buf);
                for (std::size_t k = 0; k < 16 && off + k < bytes.size(); ++k) {
                    const uint8_t b = bytes[off + k];
                    const ImU32 c = color_at(off + k);
                    std::snprintf(buf, sizeof buf, "%02x", b);
                    const float x = p.x + cw * (6 + 3 * static_cast<float>(k) + (k >= 8 ? 1 : 0));
                    const bool in_payload =
                        payload_seq && off + k >= payload_begin && off + k < payload_begin + d.payload_len;
                    const int64_t seq =
                        in_payload
                            ? static_cast<int64_t>(static_cast<uint32_t>(*payload_seq + (off + k - payload_begin)))
                            : -1;
                    if (in_payload && ctx.vs.picked_seq == seq)
                        dl->AddRectFilled(ImVec2(x - 1, p.y), ImVec2(x + cw * 2 + 1, p.y + ImGui::GetTextLineHeight()),
                                          IM_COL32(90, 90, 30, 255));
                    dl->AddText(ImVec2(x, p.y), c, buf);
                    const char ch[2] = {static_cast<char>(b >= 0x20 && b < 0x7f ? b : '.'), 0};
                    dl->AddText(ImVec2(p.x + cw * (6 + 49 + static_cast<float>(k)), p.y), c, ch);
                }
                ImGui::Dummy(ImVec2(cw * 72, ImGui::GetTextLineHeight()));
                if (payload_seq && ImGui::IsItemHovered()) {
                    // Which byte column is under the pointer (hex or ASCII part).
                    const float mx = (ImGui::GetIO().MousePos.x - p.x) / cw;
                    int k = -1;
                    if (mx >= 6 && mx < 6 + 49) k = static_cast<int>((mx - 6 - (mx >= 6 + 24 ? 1 : 0)) / 3);
                    else if (mx >= 55 && mx < 71) k = static_cast<int>(mx - 55);
                    const std::size_t at = off + static_cast<std::size_t>(std::max(k, 0));
                    if (k >= 0 && k < 16 && at >= payload_begin && at < payload_begin + d.payload_len) {
                        const auto seq =
                            static_cast<int64_t>(static_cast<uint32_t>(*payload_seq + (at - payload_begin)));
                        ImGui::SetTooltip(
                            "%s",
                            TF("gui.wire.byte_tip", {std::to_string(at - payload_begin), std::to_string(seq)}).c_str());
                        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
                            ctx.vs.picked_seq = seq;
                            ctx.vs.open["provenance"] = true;
                        }
                    }
                }
            }
        }
    }

    uint64_t last_generation_ = 0;
};
}  // namespace

std::unique_ptr<View> make_wire_view() { return std::make_unique<WireView>(); }

}  // namespace sendpath::gui
