#include "trace/frame_check.hpp"

#include "net/frame.hpp"

namespace sendpath::trace {

FrameCheck check_frames(const Trace& t) {
    FrameCheck r;
    std::vector<uint8_t> scratch;
    for (std::size_t i = 0; i < t.frames.size(); ++i) {
        const Frame& f = t.frames[i];
        if (f.dir != 0 && f.dropped) continue;  // bad input, traced as such
        ++r.checked;
        std::string why;
        const auto bytes = t.frame_data(f, scratch);
        if (bytes.size() != f.length) {
            why = "its bytes lie outside the trace's frame bytes";
        } else if (!net::parse_frame(bytes, &why)) {
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
