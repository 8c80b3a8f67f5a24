#include "gui/model/layout.hpp"

#include <algorithm>
#include <cmath>

namespace sendpath::gui {

std::optional<Rect> default_view_rect(std::string_view id, float w, float h, float menu_h) {
    // The timeline's four rows (buttons, notice, slider, strip) at any height.
    const float timeline_h = std::round(std::max(std::clamp(h * 0.1f, 70.0f, 96.0f), menu_h * 5.3f));
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
    // Closed by default; opened, they cover views (which stay where they are
    // and come back when these are closed).
    // The graph takes Source's place: Events, or the Lesson window, stays in view below it.
    if (id == "seq_graph") return Rect{0, top, left_w, source_h};
    if (id == "compare") return Rect{left_w, top, right_w, body_h};
    if (id == "provenance") return Rect{0, top + source_h, left_w, body_h - source_h};
    if (id == "lesson") return Rect{0, top + source_h, left_w, body_h - source_h};
    return std::nullopt;
}

Rect follow_display(const Rect& r, float old_w, float old_h, float new_w, float new_h, float menu_h) {
    const float old_body = old_h - menu_h, new_body = new_h - menu_h;
    if (old_w <= 0 || old_body <= 0) return r;
    const float sx = new_w / old_w, sy = std::max(0.0f, new_body) / old_body;
    // Scale the edges, not the sizes, so neighbours keep meeting.
    const float x0 = std::round(r.x * sx), x1 = std::round((r.x + r.w) * sx);
    const float y0 = std::round(menu_h + (r.y - menu_h) * sy), y1 = std::round(menu_h + (r.y + r.h - menu_h) * sy);
    return Rect{x0, y0, std::max(1.0f, x1 - x0), std::max(1.0f, y1 - y0)};
}

}  // namespace sendpath::gui
