// Where the skb queue view draws each skb, and what it says about it.
//
// The write queue of the modelled (2.6.3x) kernel holds sent and unsent skbs:
// those before sk_send_head were transmitted and wait for their ACK (in
// flight), or are already covered by snd_una (acked, about to be freed);
// sk_send_head and everything after it is unsent. Boxes are laid out
// left to right in queue order and wrap to a new row when the width is used up.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "gui/model/effects.hpp"
#include "model/state.hpp"

namespace sendpath::gui {

enum class SkbStatus { unsent, in_flight, acked };
std::string_view skb_status_name(SkbStatus s);

struct SkbBox {
    uint32_t id = 0;
    SkbStatus status = SkbStatus::unsent;
    bool send_head = false;  // sk_send_head points here
    bool tail = false;       // last skb of the write queue (where tcp_sendmsg appends)
    bool changed = false;    // the current event touched it
    bool psh = false;
    float x = 0, y = 0, w = 0, h = 0;  // relative to the view's origin
};

struct SkbLayoutParams {
    float avail_w = 600;  // width available for boxes
    float box_w = 150;
    float box_h = 96;
    float gap_x = 14;  // room between boxes (the view draws queue links there)
    float gap_y = 30;  // room between rows (the view draws send_head / tail marks there)
    float top = 20;    // first row starts here (room for marks above)
};

SkbStatus skb_status(const model::State& s, const model::SkBuff& skb, bool before_send_head);
std::vector<SkbBox> layout_skb_queue(const model::State& s, const EventEffects* fx, const SkbLayoutParams& p);
// Total height the layout needs (0 for an empty queue).
float skb_layout_height(const std::vector<SkbBox>& boxes, const SkbLayoutParams& p);

}  // namespace sendpath::gui
