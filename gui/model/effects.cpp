#include "gui/model/effects.hpp"

#include <algorithm>

namespace sendpath::gui {

namespace {
void sort_unique(std::vector<uint32_t>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}
}  // namespace

bool EventEffects::skb(uint32_t id) const { return std::binary_search(skbs.begin(), skbs.end(), id); }
bool EventEffects::page(uint32_t id) const { return std::binary_search(pages.begin(), pages.end(), id); }

EventEffects event_effects(const trace::Trace& t, std::size_t i) {
    EventEffects fx;
    if (i >= t.events.size()) return fx;
    const trace::Event& e = t.events[i];
    for (const trace::Change* c = t.changes_begin(e); c != t.changes_end(e); ++c) {
        switch (c->op) {
            case trace::Op::sock_set:
                if (c->field < model::kSockFieldCount) fx.fields[c->field] = true;
                break;
            case trace::Op::skb_new:
                fx.new_skbs.push_back(c->target);
                fx.skbs.push_back(c->target);
                break;
            case trace::Op::skb_free:
                fx.freed_skbs.push_back(c->target);
                fx.skbs.push_back(c->target);
                break;
            case trace::Op::skb_link:
            case trace::Op::skb_unlink:
                fx.queue_changed = true;
                fx.skbs.push_back(c->target);
                break;
            case trace::Op::skb_set:
            case trace::Op::skb_frag: fx.skbs.push_back(c->target); break;
            case trace::Op::page_new:
            case trace::Op::page_set:
            case trace::Op::page_free: fx.pages.push_back(c->target); break;
            default: break;
        }
    }
    sort_unique(fx.skbs);
    sort_unique(fx.new_skbs);
    sort_unique(fx.freed_skbs);
    sort_unique(fx.pages);
    return fx;
}

}  // namespace sendpath::gui
