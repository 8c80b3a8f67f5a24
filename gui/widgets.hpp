// Shared drawing helpers and the palette (Tracy's TracyImGui.hpp role).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <imgui.h>

#include "gui/model/skb_layout.hpp"
#include "trace/event.hpp"

namespace sendpath::gui {

namespace colors {
inline constexpr ImU32 kUnsent = IM_COL32(96, 140, 200, 255);
inline constexpr ImU32 kInFlight = IM_COL32(230, 160, 60, 255);
inline constexpr ImU32 kAcked = IM_COL32(110, 190, 110, 255);
inline constexpr ImU32 kChanged = IM_COL32(255, 220, 80, 255);
inline constexpr ImU32 kCurrentLine = IM_COL32(70, 90, 40, 255);
inline constexpr ImU32 kBreakpoint = IM_COL32(220, 60, 60, 255);
inline constexpr ImU32 kLinear = IM_COL32(150, 150, 170, 255);
inline constexpr ImU32 kPanel = IM_COL32(40, 42, 48, 255);
inline constexpr ImU32 kDimText = IM_COL32(150, 150, 150, 255);
inline const ImVec4 kChangedText{1.0f, 0.86f, 0.31f, 1.0f};
inline const ImVec4 kDim{0.6f, 0.6f, 0.6f, 1.0f};
inline const ImVec4 kError{1.0f, 0.42f, 0.42f, 1.0f};
inline const ImVec4 kGood{0.5f, 0.85f, 0.5f, 1.0f};
}  // namespace colors

ImU32 status_color(SkbStatus s);
// A colour per kind family: copy (green), new skb/page (teal), push/transmit
// (orange), waits and failures (red), ACK/timers (violet), other (grey).
ImU32 kind_color(trace::Kind k);
// A stable, distinct colour per id (skb or page) for fragments.
ImU32 id_color(uint32_t id);
ImU32 with_alpha(ImU32 c, int alpha);

// "12.345 ms" (or "1.234567 s" past 10 s) for virtual microseconds.
std::string format_time_us(int64_t us);
// The event's arguments as "copy=1448 max=1448".
std::string format_args(const trace::Trace& t, std::size_t i);
// An event kind's one-line summary in the GUI's language (trace/event_doc_i18n.hpp).
std::string_view kind_summary_text(trace::Kind k);
// "models tcp_sendmsg, sk_stream_alloc_skb (release)" for a kernel kind, what
// sendpath's runner or peer stands for otherwise; in the GUI's language.
std::string kind_models_text(trace::Kind k);

// "(?)" with a tooltip, as in the ImGui demo.
void help_marker(const char* text);
// A tooltip with a wrapped paragraph when the last item is hovered.
void item_tooltip(std::string_view text);
// Dimmed text.
void text_dim(std::string_view text);
// A horizontal bar of `fraction` (0..1) with a label inside.
void gauge(const char* label, double value, double max, const char* unit, ImU32 color);

}  // namespace sendpath::gui
