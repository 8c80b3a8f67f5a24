// --script files: real interaction for tests and demos, one command per frame.
//
//   # comment
//   key Shift+F11          press a key chord through the same path as the keyboard
//   step_into | step_over | step_out | step_into_back | step_over_back | step_out_back
//   continue | reverse_continue | home | end | jump N
//   break kind copy_linear | break line tcp_sendmsg.cpp:120 | break cond EXPR | break watch FIELD
//   clear_breaks
//   filter TEXT            set the Events filter ("" clears it)
//   select_frame N         select frame N in the Wire view
//   pick N                 pick the payload byte at relative sequence number N (opens Byte provenance)
//   show VIEW | hide VIEW  open or close a view by id (source, events, skb_queue, ...)
//   open PATH              load a trace or scenario
//   compare PATH | close_compare   a second trace for the Compare view (opens that view)
//   wait N                 draw N frames doing nothing
//   sweep                  visit every event, one per frame (draws every view at every cursor)
//   screenshot FILE.png    save the window after this frame is drawn
//   expect_line N | expect_line_not N | expect_kind NAME | expect_func NAME | expect_event N | expect_depth N
//   expect_source TEXT     the lit source line contains TEXT (robust to line numbers moving)
//   expect_cond EXPR       a breakpoint condition on the state at the cursor ("queue_len == 2")
//   expect_frames N        frames on the wire up to the cursor
//   expect_segments N      data/SYN/FIN segments we sent, in the whole trace (the sequence graph's bars)
//   expect_divergence N    Compare: the first event where the two runs take different branches is N
//   expect_events N        the trace has N events (a live run's trace so far)
//   expect_live yes|no     a live run still feeds the trace ("no": it has ended, or never was live)
//   expect_error [TEXT]    an error panel is shown (and mentions TEXT)
//   expect_no_error
//   answer ID VALUE        lessons: type VALUE as the answer to question ID and press Check
//   submit                 lessons: submit an assessment (no confirmation asked)
//   instructor on|off      lessons: instructor mode (fails when locked in an assessment)
//   expect_answered N      lessons: N questions have a checked answer
//   expect_status TEXT     the status line, the lesson's notice or a question's Check message contains TEXT
//   expect_hidden yes|no   lessons: the views stop at the cursor (a question waits)
//   save_answers [PATH]    lessons: press Save answers (to PATH, else the path in the field)
//   set_student NAME       lessons: type NAME in the name field and press Enter
//   confirm yes|no         lessons: answer the confirmation that waits (Replace / Load them / Submit, or Cancel)
//   expect_confirm none|overwrite|student|submit   lessons: the confirmation waiting
//   resize WxH             resize the window (views follow it), e.g. resize 1920x1080
//   language CODE          View > Language: en or zh_CN (the font atlas follows on the next frame)
//   expect_language CODE   the GUI's language is CODE (en after a switch to Chinese without the font)
//   expect_glyphs          every Chinese text the GUI may draw (string table, event kinds, field
//                          meanings, the lesson shown, the Lessons menu) has all its characters in
//                          the font atlas
//   quit
// A failed expectation prints the line and why, and the app exits with status 1.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sendpath::gui {

struct ScriptStep {
    int line = 0;  // 1-based, for messages
    std::string verb;
    std::string arg;       // the rest of the line, trimmed
    long long number = 0;  // arg as a number, for verbs that take one
};

// Throws InputError(file, "line N", what was expected) for an unknown verb or a
// bad argument, so a typo fails before the window opens.
std::vector<ScriptStep> parse_script(std::string_view text, const std::string& file);

// "1920x1080" -> (1920, 1080); nullopt unless both are whole numbers from
// 400x300 to 7680x4320 (what --size and `resize` accept).
std::optional<std::pair<int, int>> parse_size(std::string_view s);

}  // namespace sendpath::gui
