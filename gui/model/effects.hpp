// What one event touched, read from its change list: the views highlight
// these skbs, pages and socket fields ("what did this step do?").
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/state.hpp"
#include "trace/event.hpp"

namespace sendpath::gui {

struct EventEffects {
    std::vector<uint32_t> skbs;                         // created, changed, (un)linked or freed, sorted, unique
    std::vector<uint32_t> new_skbs;                     // created by this event
    std::vector<uint32_t> freed_skbs;                   // freed by this event (gone from the state after it)
    std::vector<uint32_t> pages;                        // created, recounted or freed
    std::array<bool, model::kSockFieldCount> fields{};  // socket fields set
    bool queue_changed = false;                         // an skb was linked or unlinked

    bool skb(uint32_t id) const;
    bool page(uint32_t id) const;
    bool field(model::SF f) const { return fields[static_cast<std::size_t>(f)]; }
};

EventEffects event_effects(const trace::Trace& t, std::size_t i);

}  // namespace sendpath::gui
