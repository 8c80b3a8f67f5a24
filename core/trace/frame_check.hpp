// Are the frames in a trace real ones? Every frame we sent (dir 0), and every
// frame we received and took (dir 1, not marked dropped), must parse as ARP or
// IPv4/TCP with both checksums right. The simulated peer and the engine hand
// their segments to each other unparsed (peer::Link::takes_segments), and the
// frames are built only for the trace, so this is where a frame built wrongly
// shows up: sendpath-cli check and the tests over every shipped scenario run it.
// Frames received and marked dropped are bad input that was traced as such.
#pragma once

#include <cstddef>
#include <string>

#include "trace/event.hpp"

namespace sendpath::trace {

struct FrameCheck {
    std::size_t checked = 0;    // frames looked at
    std::size_t bad = 0;        // of them, not valid
    std::size_t first_bad = 0;  // index into Trace::frames, if bad > 0
    std::string first_why;      // what was wrong with it
};

FrameCheck check_frames(const Trace& t);

}  // namespace sendpath::trace
