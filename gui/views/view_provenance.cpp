// Byte provenance: where one payload byte came from and how it left.
// Pick a byte with a click on a payload byte in Wire's hex dump, on an skb's
// payload bar in skb queue, or on a page bar in Pages; this view then shows the
// send() call and iovec, the copy (event, skb, page and offset), and every
// frame that carried it with the push decisions that sent it. Each line is a
// button that jumps to its event.
#include <cstdio>

#include "gui/model/provenance.hpp"
#include "gui/model/seq_graph.hpp"
#include "gui/views/view.hpp"
#include "gui/widgets.hpp"

namespace sendpath::gui {

namespace {
class ProvenanceView final : public View {
public:
    std::string_view id() const override { return "provenance"; }
    std::string_view title() const override { return "Byte provenance"; }
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
                ctx.vs.status =
                    "page " + std::to_string(page) + " byte " + std::to_string(off) + " holds no copied data yet";
        }
        if (!ctx.vs.picked_seq) {
            ImGui::PushTextWrapPos(0.0f);
            text_dim(
                "Pick a payload byte: click one in Wire's hex dump, on an skb's payload bar (skb queue), "
                "or on a page (Pages). This view tells which send() call and iovec it came from, which skb "
                "and page hold it, and which push decision sent it.");
            ImGui::PopTextWrapPos();
            return;
        }
        const ByteOrigin o = byte_origin(t, index_, graph_, *ctx.vs.picked_seq);
        ImGui::Text("byte at seq %lld (relative %lld)", static_cast<long long>(o.seq),
                    static_cast<long long>(o.rel_seq));
        ImGui::SameLine();
        if (ImGui::SmallButton("clear")) ctx.vs.picked_seq.reset();
        if (!o.found) {
            text_dim(describe_origin(o));
            return;
        }
        // A lesson question waits: the copy and the frames after the cursor are the future.
        const std::size_t horizon = doc.horizon();
        if (o.copy.event > horizon) {
            ImGui::PushTextWrapPos(0.0f);
            text_dim(
                "Not copied yet at the cursor. What happens to this byte later is hidden until the lesson's "
                "question is answered.");
            ImGui::PopTextWrapPos();
            return;
        }
        ImGui::Separator();
        ImGui::TextColored(colors::kChangedText, "from: %s", describe_origin(o).c_str());
        if (o.iov < 0) text_dim("(the scenario lists no iovecs for this call)");
        jump_line(ctx, o.copy.event, "copied by event %u (%s) into skb %u%s", o.copy.event,
                  std::string(trace::kind_name(o.copy.kind)).c_str(), o.copy.skb, o.copy.page ? "" : ", linear area");
        if (o.copy.page)
            ImGui::Text("  into page %u at offset %u (that copy filled page bytes %u..%u)", o.copy.page, o.page_byte,
                        o.copy.page_off, o.copy.page_off + static_cast<uint32_t>(o.copy.len));
        ImGui::Text("  that copy: %lld bytes, seq %lld..%lld, buffer offset %lld", static_cast<long long>(o.copy.len),
                    static_cast<long long>(o.copy.seq), static_cast<long long>(o.copy.seq + o.copy.len),
                    static_cast<long long>(o.copy.buf_offset));
        // Where it is now: skbs are split (tso_fragment, tcp_fragment) and trimmed by ACKs after the copy.
        const model::State& st = doc.state();
        bool held = false;
        for (uint32_t id : st.write_queue) {
            const model::SkBuff* skb = st.skb(id);
            if (!skb || model::seq_diff(o.seq, skb->seq) < 0 || model::seq_diff(o.seq, skb->end_seq) >= 0) continue;
            held = true;
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(id_color(id)),
                               "at the cursor: in skb %u (seq %lld..%lld), byte %lld of it", id,
                               static_cast<long long>(skb->seq), static_cast<long long>(skb->end_seq),
                               static_cast<long long>(model::seq_diff(o.seq, skb->seq)));
            if (ImGui::IsItemClicked())
                ctx.vs.selected_skb = id;  // linked selection: light it in skb queue, Pages, Wire
            item_tooltip("Click to select this skb (its fragments, frames and segments light up).");
        }
        if (!held)
            text_dim(doc.cursor() < o.copy.event ? "at the cursor: not copied yet"
                                                 : "at the cursor: on no skb (acknowledged and freed)");
        ImGui::Separator();
        if (doc.future_hidden())
            text_dim("Frames after the cursor are hidden until the lesson's question is answered.");
        if (o.sent.empty()) {
            if (!doc.future_hidden()) text_dim("Not sent in this trace.");
            return;
        }
        for (const Transmission& tx : o.sent) {
            if (tx.event > horizon) continue;
            const bool future = tx.event > doc.cursor();
            jump_line(ctx, tx.event, "%s in frame %u at %s (transmit event %u)%s%s",
                      tx.retransmit ? "sent again" : "sent", tx.frame, format_time_us(tx.time_us).c_str(), tx.event,
                      tx.dropped ? ", dropped on the way" : "", future ? ", after the cursor" : "");
            if (ImGui::IsItemClicked()) ctx.vs.selected_frame = tx.frame;
            std::string why;
            for (const Decision& d : tx.why)
                why += (why.empty() ? "" : " -> ") + std::string(trace::kind_name(d.kind)) + " (" +
                       std::to_string(d.event) + ")";
            if (!why.empty()) {
                ImGui::Indent();
                ImGui::PushTextWrapPos(0.0f);
                text_dim("because: " + why + " -> transmit");
                ImGui::PopTextWrapPos();
                ImGui::Unindent();
                if (ImGui::IsItemHovered() && !tx.why.empty())
                    ImGui::SetTooltip("%s", std::string(trace::kind_doc(tx.why.front().kind)).c_str());
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
