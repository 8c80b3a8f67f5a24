#include "gui/model/keys.hpp"

#include <array>
#include <cctype>

namespace sendpath::gui {

namespace {
constexpr std::string_view kKeyNames[] = {
    "none", "F1",    "F2", "F3",   "F4",   "F5",  "F6",     "F7",       "F8",    "F9",     "F10",   "F11", "F12",
    "Left", "Right", "Up", "Down", "Home", "End", "PageUp", "PageDown", "Enter", "Escape", "Space", "Tab", "A",
    "B",    "C",     "D",  "E",    "F",    "G",   "H",      "I",        "J",     "K",      "L",     "M",   "N",
    "O",    "P",     "Q",  "R",    "S",    "T",   "U",      "V",        "W",     "X",      "Y",     "Z"};
static_assert(std::size(kKeyNames) == static_cast<std::size_t>(Key::count_));

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

constexpr KeyChord plain(Key k) { return KeyChord{k, false, false, false}; }
constexpr KeyChord ctrl(Key k) { return KeyChord{k, true, false, false}; }
constexpr KeyChord shift(Key k) { return KeyChord{k, false, true, false}; }
constexpr KeyChord ctrl_shift(Key k) { return KeyChord{k, true, true, false}; }

// Order matters only for display: the first entry of an action is the one menus show.
const std::array kShortcuts = {
    Shortcut{Action::step_into, plain(Key::F11), "Step into"},
    Shortcut{Action::step_over, plain(Key::F10), "Step over"},
    Shortcut{Action::step_out, shift(Key::F11), "Step out"},
    Shortcut{Action::step_into_back, ctrl(Key::F11), "Step into (back)"},
    Shortcut{Action::step_over_back, ctrl(Key::F10), "Step over (back)"},
    Shortcut{Action::step_out_back, ctrl_shift(Key::F11), "Step out (back)"},
    Shortcut{Action::continue_forward, plain(Key::F5), "Continue"},
    Shortcut{Action::continue_backward, shift(Key::F5), "Reverse continue"},
    Shortcut{Action::first, plain(Key::Home), "First event"},
    Shortcut{Action::last, plain(Key::End), "Last event"},
    Shortcut{Action::step_into_alt, plain(Key::Right), "Step into"},
    Shortcut{Action::step_into_back_alt, plain(Key::Left), "Step into (back)"},
    Shortcut{Action::toggle_breakpoint, plain(Key::F9), "Toggle breakpoint on the current line"},
    Shortcut{Action::open_dialog, ctrl(Key::O), "Open..."},
    Shortcut{Action::quit, ctrl(Key::Q), "Quit"},
    Shortcut{Action::help, plain(Key::F1), "Keyboard shortcuts"},
};
}  // namespace

std::string_view key_name(Key k) {
    const auto i = static_cast<std::size_t>(k);
    return i < std::size(kKeyNames) ? kKeyNames[i] : "?";
}

std::optional<KeyChord> parse_chord(std::string_view text) {
    KeyChord c;
    while (!text.empty()) {
        const auto plus = text.find('+');
        const std::string_view part = text.substr(0, plus);
        if (plus == std::string_view::npos) {
            for (std::size_t i = 1; i < std::size(kKeyNames); ++i)
                if (iequals(part, kKeyNames[i])) {
                    c.key = static_cast<Key>(i);
                    return c;
                }
            return std::nullopt;
        }
        if (iequals(part, "ctrl")) c.ctrl = true;
        else if (iequals(part, "shift")) c.shift = true;
        else if (iequals(part, "alt")) c.alt = true;
        else return std::nullopt;
        text.remove_prefix(plus + 1);
    }
    return std::nullopt;
}

std::string chord_text(const KeyChord& c) {
    std::string s;
    if (c.ctrl) s += "Ctrl+";
    if (c.shift) s += "Shift+";
    if (c.alt) s += "Alt+";
    s += key_name(c.key);
    return s;
}

std::span<const Shortcut> shortcuts() { return kShortcuts; }

const Shortcut* shortcut_for(Action a) {
    for (const Shortcut& s : kShortcuts)
        if (s.action == a) return &s;
    return nullptr;
}

std::optional<Action> action_for(const KeyChord& c) {
    for (const Shortcut& s : kShortcuts)
        if (s.chord == c) return s.action;
    return std::nullopt;
}

std::optional<CommandType> command_for(Action a) {
    switch (a) {
        case Action::step_into:
        case Action::step_into_alt: return CommandType::step_into;
        case Action::step_over: return CommandType::step_over;
        case Action::step_out: return CommandType::step_out;
        case Action::step_into_back:
        case Action::step_into_back_alt: return CommandType::step_into_back;
        case Action::step_over_back: return CommandType::step_over_back;
        case Action::step_out_back: return CommandType::step_out_back;
        case Action::continue_forward: return CommandType::continue_forward;
        case Action::continue_backward: return CommandType::continue_backward;
        case Action::first: return CommandType::first;
        case Action::last: return CommandType::last;
        case Action::quit: return CommandType::quit;
        default: return std::nullopt;
    }
}

std::string_view command_name(CommandType t) {
    switch (t) {
        case CommandType::step_into: return "step_into";
        case CommandType::step_over: return "step_over";
        case CommandType::step_out: return "step_out";
        case CommandType::step_into_back: return "step_into_back";
        case CommandType::step_over_back: return "step_over_back";
        case CommandType::step_out_back: return "step_out_back";
        case CommandType::continue_forward: return "continue";
        case CommandType::continue_backward: return "reverse_continue";
        case CommandType::first: return "home";
        case CommandType::last: return "end";
        case CommandType::jump_to: return "jump";
        case CommandType::open: return "open";
        case CommandType::compare: return "compare";
        case CommandType::close_compare: return "close_compare";
        case CommandType::quit: return "quit";
    }
    return "?";
}

}  // namespace sendpath::gui
