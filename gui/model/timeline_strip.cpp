#include "gui/model/timeline_strip.hpp"

#include <algorithm>

namespace sendpath::gui {

namespace {
// The column event i falls in, of cols spread over n events.
std::size_t column_of(std::size_t i, std::size_t n, int cols) {
    return static_cast<std::size_t>(
        n > 1 ? static_cast<double>(i) / static_cast<double>(n - 1) * static_cast<double>(cols - 1) : 0);
}
}  // namespace

std::vector<int64_t> strip_columns(const trace::Trace& t, int cols, std::size_t horizon,
                                   const std::function<int(trace::Kind)>& salience) {
    std::vector<int64_t> out(static_cast<std::size_t>(std::max(cols, 0)), -1);
    std::vector<int> best(out.size(), 0);
    const std::size_t n = t.events.size();
    if (out.empty() || n == 0) return out;
    const std::size_t last = std::min(horizon, n - 1);
    for (std::size_t i = 0; i <= last; ++i) {
        const std::size_t c = column_of(i, n, cols);
        const int s = salience(t.events[i].kind);
        if (out[c] < 0 || s > best[c]) {
            out[c] = static_cast<int64_t>(i);
            best[c] = s;
        }
    }
    return out;
}

std::vector<int64_t> clip_strip_columns(const std::vector<int64_t>& whole, const trace::Trace& t, std::size_t horizon,
                                        const std::function<int(trace::Kind)>& salience) {
    std::vector<int64_t> out = whole;
    const std::size_t n = t.events.size();
    const int cols = static_cast<int>(whole.size());
    if (out.empty() || n == 0 || horizon >= n - 1) return out;
    const std::size_t ch = column_of(horizon, n, cols);
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(ch), out.end(), -1);
    std::size_t first = horizon;
    while (first > 0 && column_of(first - 1, n, cols) == ch) --first;
    int best = 0;
    for (std::size_t i = first; i <= horizon; ++i) {
        const int s = salience(t.events[i].kind);
        if (out[ch] < 0 || s > best) {
            out[ch] = static_cast<int64_t>(i);
            best = s;
        }
    }
    return out;
}

}  // namespace sendpath::gui
