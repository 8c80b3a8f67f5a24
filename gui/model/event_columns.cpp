#include "gui/model/event_columns.hpp"

#include <algorithm>
#include <array>

namespace sendpath::gui {

EventColumnsText event_columns_text(const trace::Trace& t) {
    EventColumnsText c{"#", 0, "call", "kind", "line"};
    if (t.events.empty()) return c;
    std::array<bool, trace::kKindCount> present{};
    uint32_t max_call = 0, max_line = 0;
    for (const trace::Event& e : t.events) {
        present[static_cast<std::size_t>(e.kind)] = true;
        max_call = std::max<uint32_t>(max_call, e.call);
        max_line = std::max<uint32_t>(max_line, e.line);
    }
    auto longer = [](std::string& have, std::string s) {
        if (s.size() > have.size()) have = std::move(s);
    };
    longer(c.index, std::to_string(t.events.size() - 1));
    c.last_time_us = t.events.back().time_us;
    longer(c.call, std::to_string(max_call));
    longer(c.line, std::to_string(max_line));
    for (std::size_t k = 0; k < present.size(); ++k)
        if (present[k]) longer(c.kind, std::string(trace::kind_name(static_cast<trace::Kind>(k))));
    return c;
}

std::string fit_text(std::string_view text, float width, const MeasureText& measure, std::string_view ellipsis) {
    if (measure(text) <= width) return std::string(text);
    // The widths of prefixes grow with their length: the longest one that
    // fits beside the ellipsis, by bisection over character boundaries.
    auto boundary = [&](std::size_t n) {
        while (n > 0 && n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
        return n;
    };
    std::size_t lo = 0, hi = text.size();  // prefix lo fits, prefix hi does not
    while (hi - lo > 1) {
        const std::size_t mid = boundary(lo + (hi - lo) / 2);
        if (mid <= lo) break;
        std::string candidate(text.substr(0, mid));
        candidate += ellipsis;
        if (measure(candidate) <= width) lo = mid;
        else hi = mid;
    }
    std::string out(text.substr(0, lo));
    out += ellipsis;
    if (lo == 0 && measure(out) > width) return {};
    return out;
}

}  // namespace sendpath::gui
