// Commands: what the user asked for, as data.
//
// Menus, shortcuts, views and --script push Commands into a queue; the App
// applies the queue once per frame, before anything is drawn, so every view of
// a frame sees the same cursor (Tracy/ImHex "request" style; style.md 3.5).
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

namespace sendpath::gui {

enum class CommandType {
    step_into,          // next event
    step_over,          // next event at the same or a shallower call depth
    step_out,           // next event at a shallower call depth
    step_into_back,     // previous event
    step_over_back,     // previous event at the same or a shallower depth
    step_out_back,      // previous event at a shallower depth (where the current call came from)
    continue_forward,   // next breakpoint hit, else the last event
    continue_backward,  // previous breakpoint hit, else the first event
    first,              // event 0
    last,               // last event
    jump_to,            // event n
    open,               // load path (trace or scenario)
    compare,            // load path as the second document of the Compare view
    close_compare,      // drop the second document
    quit,
};

struct Command {
    CommandType type = CommandType::step_into;
    std::size_t n = 0;  // jump_to
    std::string path;   // open

    static Command of(CommandType t) { return Command{t, 0, {}}; }
    static Command jump(std::size_t n) { return Command{CommandType::jump_to, n, {}}; }
    static Command open_file(std::string p) { return Command{CommandType::open, 0, std::move(p)}; }
    static Command compare_file(std::string p) { return Command{CommandType::compare, 0, std::move(p)}; }
};

using CommandQueue = std::deque<Command>;

std::string_view command_name(CommandType t);

}  // namespace sendpath::gui
