// Keyboard shortcuts, independent of GLFW so they can be listed, parsed from
// --script files ("key Ctrl+F11") and tested without a window. The App maps
// Key to GLFW key codes.
//
// The scheme (Visual Studio's, plus one rule for going backwards):
//   F11 step into, F10 step over, Shift+F11 step out, F5 continue;
//   the same with Ctrl goes backwards (Ctrl+F11, Ctrl+F10, Ctrl+Shift+F11);
//   Shift+F5 reverse-continue; Right/Left step into forwards/backwards;
//   Home/End first/last event; F9 breakpoint on the current line.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "gui/model/commands.hpp"

namespace sendpath::gui {

enum class Key {
    none,
    F1,
    F2,
    F3,
    F4,
    F5,
    F6,
    F7,
    F8,
    F9,
    F10,
    F11,
    F12,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    Enter,
    Escape,
    Space,
    Tab,
    A,
    B,
    C,
    D,
    E,
    F,
    G,
    H,
    I,
    J,
    K,
    L,
    M,
    N,
    O,
    P,
    Q,
    R,
    S,
    T,
    U,
    V,
    W,
    X,
    Y,
    Z,
    count_
};

struct KeyChord {
    Key key = Key::none;
    bool ctrl = false;
    bool shift = false;
    bool alt = false;
    bool operator==(const KeyChord&) const = default;
};

std::string_view key_name(Key k);
// "F11", "Ctrl+Shift+F11"; names are case-insensitive when parsing. nullopt if not a chord.
std::optional<KeyChord> parse_chord(std::string_view text);
std::string chord_text(const KeyChord& c);

// Actions reachable from the keyboard. Those that are commands map to a
// CommandType; the others are UI actions the App handles itself.
enum class Action {
    step_into,
    step_over,
    step_out,
    step_into_back,
    step_over_back,
    step_out_back,
    continue_forward,
    continue_backward,
    first,
    last,
    step_into_alt,
    step_into_back_alt,  // Right / Left
    toggle_breakpoint,
    open_dialog,
    quit,
    help,
    count_
};

struct Shortcut {
    Action action;
    KeyChord chord;
    std::string_view label;  // menu text
};

std::span<const Shortcut> shortcuts();
// The first shortcut of an action (what menus show), nullptr if it has none.
const Shortcut* shortcut_for(Action a);
// Exact match, modifiers included (Shift+F11 is not F11).
std::optional<Action> action_for(const KeyChord& c);
// The command an action stands for, if it is one.
std::optional<CommandType> command_for(Action a);

}  // namespace sendpath::gui
