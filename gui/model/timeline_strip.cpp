#include "gui/model/timeline_strip.hpp"

#include <algorithm>

namespace sendpath::gui {

std::vector<int64_t> strip_columns(const trace::Trace& t, int cols, std::size_t horizon,
                                   const std::function<int(trace::Kind)>& salience) {
    std::vector<int64_t> out(static_cast<std::size_t>(std::max(cols, 0)), -1);
    std::vector<int> best(out.size(), 0);
    const std::size_t n = t.events.size();
    if (out.empty() || n == 0) return out;
    const std::size_t last = std::min(horizon, n - 1);
    for (std::size_t i = 0; i <= last; ++i) {
        const auto c = static_cast<std::size_t>(
            n > 1 ? static_cast<double>(i) / static_cast<double>(n - 1) * static_cast<double>(cols - 1) : 0);
        const int s = salience(t.events[i].kind);
        if (out[c] < 0 || s > best[c]) {
            out[c] = static_cast<int64_t>(i);
            best[c] = s;
        }
    }
    return out;
}

}  // namespace sendpath::gui
