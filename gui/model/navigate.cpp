#include "gui/model/navigate.hpp"

#include <algorithm>

#include "gui/model/stepping.hpp"

namespace sendpath::gui {

namespace {
// Events a waiting breakpoint search or End asks for at a time (App::run_move
// asks again within its time budget, so this sets the grain, not the speed).
constexpr std::size_t kChunk = 4096;

uint8_t depth_at(const trace::Trace& t, std::size_t i) { return i < t.events.size() ? t.events[i].depth : 0; }
}  // namespace

bool is_cursor_move(CommandType t) {
    switch (t) {
        case CommandType::open:
        case CommandType::compare:
        case CommandType::close_compare:
        case CommandType::quit: return false;
        default: return true;
    }
}

std::size_t events_wanted(const Document& doc, const Move& m) {
    switch (m.type) {
        case CommandType::jump_to: return std::max(m.n + 1, doc.size() + 1);
        case CommandType::continue_forward:
        case CommandType::last: return doc.size() + kChunk;
        default: return doc.size() + Document::kAhead;  // a step: its target is usually near
    }
}

std::optional<std::size_t> resolve_move(Document& doc, Move& m, const std::vector<Breakpoint>& bps,
                                        std::string* status) {
    const trace::Trace& t = doc.trace();
    const std::size_t n = doc.size();
    if (n == 0) return 0;
    const std::size_t cur = std::min(m.from, n - 1);
    const bool live = doc.live();
    if (!m.started) {
        m.started = true;
        m.scanned = cur + 1;
    }
    status->clear();
    // A forward search over events [m.scanned, n): the first event pred accepts.
    auto search = [&](auto pred) -> std::optional<std::size_t> {
        for (std::size_t i = std::max(m.scanned, cur + 1); i < n; ++i)
            if (pred(t.events[i])) return i;
        m.scanned = std::max(m.scanned, n);
        if (live) return std::nullopt;
        return n - 1;  // no target: to the end, like a program that runs to completion
    };
    switch (m.type) {
        case CommandType::step_into: return search([](const trace::Event&) { return true; });
        case CommandType::step_over: {
            const uint8_t d = depth_at(t, cur);
            return search([d](const trace::Event& e) { return e.depth <= d; });
        }
        case CommandType::step_out: {
            const uint8_t d = depth_at(t, cur);
            return search([d](const trace::Event& e) { return e.depth < d; });
        }
        case CommandType::step_into_back: return step_into_back(t, cur);
        case CommandType::step_over_back: return step_over_back(t, cur);
        case CommandType::step_out_back: return step_out_back(t, cur);
        case CommandType::first: return 0;
        case CommandType::last:
            // Over TAP the end is wherever real time has got to; a simulated run is played to its end.
            if (live && !doc.live_tap()) {
                m.scanned = n;
                return std::nullopt;
            }
            return n - 1;
        case CommandType::jump_to:
            if (m.n < n) return m.n;
            if (live) return std::nullopt;
            return n - 1;
        case CommandType::continue_forward: {
            const auto hit = find_next_hit(doc.replay(), bps, std::max(m.scanned, cur + 1) - 1);
            if (hit) {
                *status = "Stopped at a breakpoint: event " + std::to_string(*hit);
                return hit;
            }
            m.scanned = std::max(m.scanned, n);
            if (live) return std::nullopt;
            *status =
                bps.empty() ? "No breakpoints: ran to the last event" : "No breakpoint hit: stopped at the last event";
            return n - 1;
        }
        case CommandType::continue_backward: {
            const auto hit = find_prev_hit(doc.replay(), bps, cur);
            if (hit) {
                *status = "Stopped at a breakpoint: event " + std::to_string(*hit);
                return hit;
            }
            *status = bps.empty() ? "No breakpoints: ran to the first event"
                                  : "No breakpoint hit: stopped at the first event";
            return 0;
        }
        default: return cur;
    }
}

}  // namespace sendpath::gui
