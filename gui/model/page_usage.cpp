#include "gui/model/page_usage.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace sendpath::gui {

std::vector<PageUse> page_usage(const model::State& s) {
    std::map<uint32_t, PageUse> by_id;
    for (const auto& [id, page] : s.pages) {
        PageUse& u = by_id[id];
        u.id = id;
        u.count = page.count;
    }
    auto add_frags = [&](const model::SkBuff& skb) {
        const auto n = std::min<int64_t>(skb.nr_frags, model::MAX_SKB_FRAGS);
        for (int64_t k = 0; k < n; ++k) {
            const model::Frag& f = skb.frags[static_cast<std::size_t>(k)];
            auto it = by_id.find(f.page);
            if (it == by_id.end()) continue;  // a fragment into a freed page: the invariant checker reports it
            it->second.frags.push_back(FragRef{skb.id, static_cast<uint32_t>(k), f.off, f.size});
        }
    };
    // Queue order first (what the student sees left to right), then skbs off the queue.
    for (uint32_t id : s.write_queue)
        if (const model::SkBuff* skb = s.skb(id)) add_frags(*skb);
    const std::set<uint32_t> queued(s.write_queue.begin(), s.write_queue.end());
    for (const auto& [id, skb] : s.skbs)
        if (!queued.count(id)) add_frags(skb);

    const auto cached = static_cast<uint32_t>(s.sk.sk_sndmsg_page);
    std::vector<PageUse> out;
    for (auto& [id, u] : by_id) {
        bool first = true;
        for (const FragRef& f : u.frags) {
            u.used_lo = first ? f.off : std::min(u.used_lo, f.off);
            u.used_hi = first ? f.off + f.size : std::max(u.used_hi, f.off + f.size);
            first = false;
        }
        u.cached = cached != 0 && id == cached;
        u.cached_off = u.cached ? static_cast<uint32_t>(s.sk.sk_sndmsg_off) : 0;
        u.expected_count = static_cast<int64_t>(u.frags.size()) + (u.cached ? 1 : 0);
        out.push_back(std::move(u));
    }
    return out;
}

}  // namespace sendpath::gui
