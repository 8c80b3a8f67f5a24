#include "trace/frame_check.hpp"

#include "net/frame.hpp"

namespace sendpath::trace {

FrameCheck check_frames(const Trace& t) {
    FrameCheck r;
    for (std::size_t i = 0; i < t.frames.size(); ++i) {
        const Frame& f = t.frames[i];
        if (f.dir != 0 && f.dropped) continue;  // bad input, traced as such
        ++r.checked;
        std::string why;
        if (f.offset > t.frame_bytes.size() || f.length > t.frame_bytes.size() - f.offset) {
            why = "its bytes lie outside the trace's frame bytes";
        } else if (!net::parse_frame({t.frame_data(f), f.length}, &why)) {
            if (why.empty()) why = "not a valid frame";
        } else {
            continue;
        }
        if (r.bad++ == 0) {
            r.first_bad = i;
            r.first_why = why;
        }
    }
    return r;
}

}  // namespace sendpath::trace
