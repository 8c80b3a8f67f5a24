// Default placement of the views. Dear ImGui 1.86 (Debian) has no docking, so
// the views are ordinary windows tiled like a debugger on first use; after
// that ImGui's layout.ini remembers where the user moved them.
//
//   +------------------------------ timeline -------------------------------+
//   | source (+ call stack)  | skb queue                                    |
//   |                        |----------------------------------------------|
//   |------------------------| counters           | pages                   |
//   | events                 |                    |-------------------------|
//   |                        |                    | wire                    |
//   +------------------------+--------------------+-------------------------+
// The sequence graph (closed by default) covers the source view when opened,
// Compare the right one.
#pragma once

#include <optional>
#include <string_view>

namespace sendpath::gui {

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
};

// For a display of w x h with a menu bar of menu_h on top. nullopt for views
// that float (breakpoints, dialogs): the App centres those.
std::optional<Rect> default_view_rect(std::string_view id, float w, float h, float menu_h);

// Where a view goes when the display changes from old_w x old_h to new_w x
// new_h: the same share of the area under the menu bar, so views tiled by the
// user stay tiled and fill the new window. Whole pixels; edges shared by two
// views before stay shared (both round the same value).
Rect follow_display(const Rect& r, float old_w, float old_h, float new_w, float new_h, float menu_h);

}  // namespace sendpath::gui
