// What the Pages view shows for each page: its reference count, which skb
// fragments point into it, the byte range they use, and whether it is the
// socket's cached page (sk_sndmsg_page) with the offset new fragments start
// at (sk_sndmsg_off). A page's count should be one per fragment plus one
// while cached; expected_count lets the view flag a mismatch.
#pragma once

#include <cstdint>
#include <vector>

#include "model/state.hpp"

namespace sendpath::gui {

struct FragRef {
    uint32_t skb = 0;
    uint32_t index = 0;  // fragment slot in the skb
    uint32_t off = 0;
    uint32_t size = 0;
};

struct PageUse {
    uint32_t id = 0;
    int64_t count = 0;
    int64_t expected_count = 0;
    std::vector<FragRef> frags;  // in write-queue order, then by fragment index
    uint32_t used_lo = 0;        // lowest byte any fragment uses (0 when none)
    uint32_t used_hi = 0;        // one past the highest byte
    bool cached = false;
    uint32_t cached_off = 0;  // sk_sndmsg_off when cached
};

std::vector<PageUse> page_usage(const model::State& s);

}  // namespace sendpath::gui
