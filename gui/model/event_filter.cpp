#include "gui/model/event_filter.hpp"

#include <algorithm>

#include <cctype>
#include <charconv>

namespace sendpath::gui {

EventFilter::EventFilter(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == ',' || text[i] == '\t')) ++i;
        std::size_t j = i;
        while (j < text.size() && text[j] != ' ' && text[j] != ',' && text[j] != '\t') ++j;
        std::string_view word = text.substr(i, j - i);
        i = j;
        if (word.empty()) continue;
        bool neg = false;
        if (word.front() == '-') {
            neg = true;
            word.remove_prefix(1);
        }
        if (word.empty()) continue;
        Term term;
        if (word.substr(0, 5) == "call:") {
            int64_t n = 0;
            auto num = word.substr(5);
            auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), n);
            if (ec == std::errc() && p == num.data() + num.size() && n >= 0) term.call = n;
        }
        for (char c : word) term.text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        (neg ? exclude_ : include_).push_back(std::move(term));
    }
}

bool EventFilter::term_matches(const Term& term, const trace::Event& e) {
    if (term.call >= 0) return e.call == term.call;
    return trace::kind_name(e.kind).find(term.text) != std::string_view::npos ||
           trace::func_name(e.func).find(term.text) != std::string_view::npos;
}

bool EventFilter::matches(const trace::Trace& t, std::size_t i) const {
    const trace::Event& e = t.events[i];
    for (const Term& term : exclude_)
        if (term_matches(term, e)) return false;
    if (include_.empty()) return true;
    for (const Term& term : include_)
        if (term_matches(term, e)) return true;
    return false;
}

std::vector<uint32_t> filter_events(const trace::Trace& t, const EventFilter& f) {
    std::vector<uint32_t> out;
    out.reserve(f.empty() ? t.events.size() : 256);
    for (std::size_t i = 0; i < t.events.size(); ++i)
        if (f.matches(t, i)) out.push_back(static_cast<uint32_t>(i));
    return out;
}

std::size_t rows_up_to(const std::vector<uint32_t>& rows, std::size_t horizon) {
    return static_cast<std::size_t>(
        std::upper_bound(rows.begin(), rows.end(), horizon, [](std::size_t h, uint32_t r) { return h < r; }) -
        rows.begin());
}

}  // namespace sendpath::gui
