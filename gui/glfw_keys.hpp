// gui::Key -> GLFW key code (ImGui 1.86's GLFW backend indexes io.KeysDown by GLFW codes).
#pragma once

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include "gui/model/keys.hpp"

namespace sendpath::gui {

inline int glfw_key(Key k) {
    switch (k) {
        case Key::Left: return GLFW_KEY_LEFT;
        case Key::Right: return GLFW_KEY_RIGHT;
        case Key::Up: return GLFW_KEY_UP;
        case Key::Down: return GLFW_KEY_DOWN;
        case Key::Home: return GLFW_KEY_HOME;
        case Key::End: return GLFW_KEY_END;
        case Key::PageUp: return GLFW_KEY_PAGE_UP;
        case Key::PageDown: return GLFW_KEY_PAGE_DOWN;
        case Key::Enter: return GLFW_KEY_ENTER;
        case Key::Escape: return GLFW_KEY_ESCAPE;
        case Key::Space: return GLFW_KEY_SPACE;
        case Key::Tab: return GLFW_KEY_TAB;
        default: break;
    }
    if (k >= Key::F1 && k <= Key::F12) return GLFW_KEY_F1 + (static_cast<int>(k) - static_cast<int>(Key::F1));
    if (k >= Key::A && k <= Key::Z) return GLFW_KEY_A + (static_cast<int>(k) - static_cast<int>(Key::A));
    return GLFW_KEY_UNKNOWN;
}

}  // namespace sendpath::gui
