#include "gui/model/skb_layout.hpp"

#include <algorithm>

namespace sendpath::gui {

std::string_view skb_status_name(SkbStatus s) {
    switch (s) {
        case SkbStatus::unsent: return "unsent";
        case SkbStatus::in_flight: return "in flight";
        case SkbStatus::acked: return "acked";
    }
    return "?";
}

SkbStatus skb_status(const model::State& s, const model::SkBuff& skb, bool before_send_head) {
    if (!before_send_head) return SkbStatus::unsent;
    return model::after(skb.end_seq, s.sk.snd_una) ? SkbStatus::in_flight : SkbStatus::acked;
}

std::vector<SkbBox> layout_skb_queue(const model::State& s, const EventEffects* fx, const SkbLayoutParams& p) {
    std::vector<SkbBox> out;
    const auto head = static_cast<uint32_t>(s.sk.sk_send_head);
    const int per_row = std::max(1, static_cast<int>((p.avail_w + p.gap_x) / (p.box_w + p.gap_x)));
    bool before_head = true;
    int n = 0;
    for (uint32_t id : s.write_queue) {
        const model::SkBuff* skb = s.skb(id);
        if (!skb) continue;  // Replay guarantees queued skbs exist; be safe anyway
        if (head != 0 && id == head) before_head = false;
        SkbBox b;
        b.id = id;
        b.status = skb_status(s, *skb, before_head);
        b.send_head = head != 0 && id == head;
        b.tail = id == s.tail();
        b.changed = fx && fx->skb(id);
        b.psh = (skb->tcp_flags & model::TCPHDR_PSH) != 0;
        b.x = static_cast<float>(n % per_row) * (p.box_w + p.gap_x);
        b.y = p.top + static_cast<float>(n / per_row) * (p.box_h + p.gap_y);
        b.w = p.box_w;
        b.h = p.box_h;
        out.push_back(b);
        ++n;
    }
    return out;
}

float skb_layout_height(const std::vector<SkbBox>& boxes, const SkbLayoutParams& p) {
    if (boxes.empty()) return 0;
    return boxes.back().y + p.box_h + p.gap_y;
}

}  // namespace sendpath::gui
