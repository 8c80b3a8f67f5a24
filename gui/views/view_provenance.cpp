// Byte provenance: where one payload byte came from and how it left.
// Pick a byte with a click on a payload byte in Wire's hex dump, on an skb's
// payload bar in skb queue, or on a page bar in Pages; this view then shows the
// send() call and iovec, the copy (event, skb, page and offset), and every
// frame that carried it with the push decisions that sent it. Each line is a
// button that jumps to its event.
#include <cstdio>

#include "gui/model/provenance.hpp"
#include "gui/model/seq_graph.hpp"
#include "gui/lang.hpp"
#include "gui/views/view.hpp"
#include "gui/widgets.hpp"

namespace sendpath::gui {

namespace {
class ProvenanceView final : public View {
public:
    std::string_view id() const override { return "provenance"; }
    std::string_view title() const override { return T("gui.view.provenance"); }
    bool default_open() const override { return false; }

    void draw(ViewContext& ctx) override {
        const Document& doc = ctx.doc;
        const trace::Trace& t = doc.trace();
        if (cache_doc_ != doc.id()) {
            cache_doc_ = doc.id();
            index_ = build_provenance_index(t);
            graph_ = build_seq_graph(t);
        }
        if (ctx.vs.picked_page_byte) {
            const auto [page, off] = *ctx.vs.picked_page_byte;
            ctx.vs.picked_page_byte.reset();
            ctx.vs.picked_seq = seq_of_page_byte(index_, page, off, doc.cursor());
            if (!ctx.vs.picked_seq)
                ctx.vs.status = TF("gui.prov.page_empty", {std::to_string(page), std::to_string(off)});
        }
        if (!ctx.vs.picked_seq) {
            ImGui::PushTextWrapPos(0.0f);
            text_dim(T("gui.prov.pick"));
            ImGui::PopTextWrapPos();
            return;
        }
        const ByteOrigin o = byte_origin(t, index_, graph_, *ctx.vs.picked_seq);
        ImGui::TextUnformatted(TF("gui.prov.byte_at", {std::to_string(o.seq), std::to_string(o.rel_seq)}).c_str());
        ImGui::SameLine();
        if (ImGui::SmallButton(T("gui.prov.clear"))) ctx.vs.picked_seq.reset();
        if (!o.found) {
            text_dim(describe_origin(o).str(ui_lang()));
            return;
        }
        // A lesson question waits: the copy and the frames after the cursor are the future.
        const VisibleOrigin shown = visible_origin(o, doc.horizon());
        if (shown.copy_hidden) {
            ImGui::PushTextWrapPos(0.0f);
            text_dim(T("gui.prov.not_copied_hidden"));
            ImGui::PopTextWrapPos();
            return;
        }
        ImGui::Separator();
        ImGui::TextColored(colors::kChangedText, "%s",
                           TF("gui.prov.from", {describe_origin(o).str(ui_lang())}).c_str());
        if (o.iov < 0) text_dim(T("gui.prov.no_iovecs"));
        jump_line(ctx, o.copy.event, "%s",
                  TF(o.copy.page ? "gui.prov.copied_by" : "gui.prov.copied_by_linear",
                     {std::to_string(o.copy.event), trace::kind_name(o.copy.kind), std::to_string(o.copy.skb)})
                      .c_str());
        if (o.copy.page)
            ImGui::TextUnformatted(
                TF("gui.prov.into_page",
                   {std::to_string(o.copy.page), std::to_string(o.page_byte), std::to_string(o.copy.page_off),
                    std::to_string(o.copy.page_off + static_cast<uint32_t>(o.copy.len))})
                    .c_str());
        ImGui::TextUnformatted(
            TF("gui.prov.that_copy", {std::to_string(o.copy.len), std::to_string(o.copy.seq),
                                      std::to_string(o.copy.seq + o.copy.len), std::to_string(o.copy.buf_offset)})
                .c_str());
        // Where it is now: skbs are split (tso_fragment, tcp_fragment) and trimmed by ACKs after the copy.
        const model::State& st = doc.state();
        bool held = false;
        for (uint32_t id : st.write_queue) {
            const model::SkBuff* skb = st.skb(id);
            if (!skb || model::seq_diff(o.seq, skb->seq) < 0 || model::seq_diff(o.seq, skb->end_seq) >= 0) continue;
            held = true;
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(id_color(id)), "%s",
                               TF("gui.prov.at_cursor_skb",
                                  {std::to_string(id), std::to_string(skb->seq), std::to_string(skb->end_seq),
                                   std::to_string(model::seq_diff(o.seq, skb->seq))})
                                   .c_str());
            if (ImGui::IsItemClicked())
                ctx.vs.selected_skb = id;  // linked selection: light it in skb queue, Pages, Wire
            item_tooltip(T("gui.prov.select_skb"));
        }
        if (!held) text_dim(T(doc.cursor() < o.copy.event ? "gui.prov.not_yet" : "gui.prov.freed"));
        ImGui::Separator();
        if (doc.future_hidden()) text_dim(T("gui.prov.frames_hidden"));
        if (o.sent.empty()) {
            if (!doc.future_hidden()) text_dim(T("gui.prov.not_sent"));
            return;
        }
        for (const Transmission& tx : shown.sent) {
            const bool future = tx.event > doc.cursor();
            const std::string sent =
                TF(tx.retransmit ? "gui.prov.sent_again" : "gui.prov.sent",
                   {std::to_string(tx.frame), format_time_us(tx.time_us), std::to_string(tx.event)}) +
                (tx.dropped ? T("gui.prov.dropped") : "") + (future ? T("gui.prov.after_cursor") : "");
            jump_line(ctx, tx.event, "%s", sent.c_str());
            if (ImGui::IsItemClicked()) ctx.vs.selected_frame = tx.frame;
            std::string why;
            for (const Decision& d : tx.why)
                why += (why.empty() ? "" : " -> ") + std::string(trace::kind_name(d.kind)) + " (" +
                       std::to_string(d.event) + ")";
            if (!why.empty()) {
                ImGui::Indent();
                ImGui::PushTextWrapPos(0.0f);
                text_dim(TF("gui.prov.because", {why}));
                ImGui::PopTextWrapPos();
                ImGui::Unindent();
                if (ImGui::IsItemHovered() && !tx.why.empty())
                    ImGui::SetTooltip("%s", std::string(kind_summary_text(tx.why.front().kind)).c_str());
            }
        }
    }

private:
    template <class... A>
    static void jump_line(ViewContext& ctx, uint32_t event, const char* fmt, A... a) {
        char buf[256];
        std::snprintf(buf, sizeof buf, fmt, a...);
        ImGui::PushID(static_cast<int>(event));
        if (ImGui::Selectable(buf, ctx.doc.cursor() == event, 0, ImVec2(ImGui::CalcTextSize(buf).x, 0)))
            ctx.push(Command::jump(event));
        ImGui::PopID();
    }

    uint64_t cache_doc_ = 0;
    ProvenanceIndex index_;
    SeqGraph graph_;
};
}  // namespace

std::unique_ptr<View> make_provenance_view() { return std::make_unique<ProvenanceView>(); }

}  // namespace sendpath::gui
