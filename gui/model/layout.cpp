#include "gui/model/layout.hpp"

#include <algorithm>
#include <cmath>

namespace sendpath::gui {

std::optional<Rect> default_view_rect(std::string_view id, float w, float h, float menu_h) {
    const float timeline_h = std::round(std::clamp(h * 0.1f, 70.0f, 96.0f));
    const float top = menu_h + timeline_h;
    const float body_h = std::max(0.0f, h - top);
    const float left_w = std::round(w * 0.43f);
    const float right_w = w - left_w;
    const float counters_w = std::round(right_w * 0.46f);
    const float source_h = std::round(body_h * 0.62f);
    const float skb_h = std::round(body_h * 0.36f);
    const float lower_h = body_h - skb_h;
    const float pages_h = std::round(lower_h * 0.38f);
    if (id == "timeline") return Rect{0, menu_h, w, timeline_h};
    if (id == "source") return Rect{0, top, left_w, source_h};
    if (id == "events") return Rect{0, top + source_h, left_w, body_h - source_h};
    if (id == "skb_queue") return Rect{left_w, top, right_w, skb_h};
    if (id == "counters") return Rect{left_w, top + skb_h, counters_w, lower_h};
    if (id == "pages") return Rect{left_w + counters_w, top + skb_h, right_w - counters_w, pages_h};
    if (id == "wire") return Rect{left_w + counters_w, top + skb_h + pages_h, right_w - counters_w, lower_h - pages_h};
    // Closed by default; opened, they cover a column (the views under them stay
    // where they are and come back when these are closed).
    if (id == "seq_graph") return Rect{0, top, left_w, body_h};
    if (id == "compare") return Rect{left_w, top, right_w, body_h};
    if (id == "provenance") return Rect{0, top + source_h, left_w, body_h - source_h};
    if (id == "lesson") return Rect{0, top + source_h, left_w, body_h - source_h};
    return std::nullopt;
}

}  // namespace sendpath::gui
