#include "gui/model/timeline_strip.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace sendpath::gui {

namespace {
// The column event i falls in, of cols spread over events 0..last. In
// integers, so that first_of_column() is its exact inverse.
std::size_t column_of(std::size_t i, std::size_t last, int cols) {
    if (last == 0 || cols <= 1) return 0;
    return static_cast<std::size_t>(static_cast<uint64_t>(i) * static_cast<uint64_t>(cols - 1) / last);
}
// The first event of column c (the smallest i with column_of(i) >= c).
std::size_t first_of_column(std::size_t c, std::size_t last, int cols) {
    if (c == 0) return 0;
    if (last == 0 || cols <= 1) return last + 1;  // every event is in column 0
    const auto span = static_cast<uint64_t>(cols - 1);
    return static_cast<std::size_t>((static_cast<uint64_t>(c) * last + span - 1) / span);
}
}  // namespace

std::vector<int64_t> strip_columns(const trace::Trace& t, int cols, std::size_t last,
                                   const std::function<int(trace::Kind)>& salience) {
    std::vector<int64_t> out(static_cast<std::size_t>(std::max(cols, 0)), -1);
    std::vector<int> best(out.size(), 0);
    const std::size_t n = t.events.size();
    if (out.empty() || n == 0) return out;
    last = std::min(last, n - 1);
    for (std::size_t i = 0; i <= last; ++i) {
        const std::size_t c = column_of(i, last, cols);
        const int s = salience(t.events[i].kind);
        if (out[c] < 0 || s > best[c]) {
            out[c] = static_cast<int64_t>(i);
            best[c] = s;
        }
    }
    return out;
}

StripIndex::StripIndex(const trace::Trace& t, const std::function<int(trace::Kind)>& salience) {
    std::map<int, std::vector<uint32_t>, std::greater<>> by_salience;
    for (std::size_t i = 0; i < t.events.size(); ++i)
        by_salience[salience(t.events[i].kind)].push_back(static_cast<uint32_t>(i));
    for (auto& [s, events] : by_salience) levels_.emplace_back(s, std::move(events));
}

std::vector<int64_t> StripIndex::columns(int cols, std::size_t last) const {
    std::vector<int64_t> out(static_cast<std::size_t>(std::max(cols, 0)), -1);
    std::size_t n = 0;
    for (const auto& level : levels_) n += level.second.size();
    if (out.empty() || n == 0) return out;
    last = std::min(last, n - 1);
    // Where each salience's list reaches the column being filled: columns
    // move forward, so each search starts where the last one ended.
    std::vector<std::size_t> pos(levels_.size(), 0);
    for (std::size_t c = 0; c < out.size(); ++c) {
        const std::size_t a = first_of_column(c, last, cols);
        const std::size_t b = std::min(first_of_column(c + 1, last, cols), last + 1);
        if (a >= b) continue;  // fewer events than columns: this one has none
        for (std::size_t k = 0; k < levels_.size(); ++k) {
            const std::vector<uint32_t>& events = levels_[k].second;
            const auto from = events.begin() + static_cast<std::ptrdiff_t>(pos[k]);
            const auto it = std::lower_bound(from, events.end(), a, [](uint32_t e, std::size_t v) { return e < v; });
            pos[k] = static_cast<std::size_t>(it - events.begin());
            if (it != events.end() && *it < b) {
                out[c] = static_cast<int64_t>(*it);
                break;
            }
        }
    }
    return out;
}

float strip_x(std::size_t i, std::size_t last, float width) {
    if (last == 0) return 0;
    return static_cast<float>(std::min(i, last)) / static_cast<float>(last) * (width - 1);
}

std::size_t strip_event_at(float x, std::size_t last, float width) {
    if (last == 0 || width <= 1) return 0;
    const float f = std::clamp(x, 0.0f, width - 1) / (width - 1);
    return std::min(last, static_cast<std::size_t>(std::lround(f * static_cast<float>(last))));
}

StripLayout layout_strip(const Document& doc, const StripIndex& index, float width) {
    StripLayout l;
    // The horizon, not the last event: while a lesson hides the future, the
    // strip ends where the slider does.
    l.last = doc.horizon();
    l.columns = index.columns(static_cast<int>(width), l.last);
    l.cursor_x = strip_x(doc.cursor(), l.last, width);
    return l;
}

}  // namespace sendpath::gui
