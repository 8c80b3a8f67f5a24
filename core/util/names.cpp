#include "util/names.hpp"

#include <algorithm>
#include <vector>

namespace sendpath::util {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string_view closest_name(std::string_view got, std::span<const std::string_view> candidates,
                              std::size_t max_edits) {
    std::string_view best;
    std::size_t best_d = max_edits + 1;
    for (auto c : candidates) {
        const std::size_t d = edit_distance(got, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}

std::string did_you_mean(std::string_view got, std::span<const std::string_view> candidates, char quote) {
    const std::string_view best = closest_name(got, candidates);
    if (best.empty()) return {};
    std::string s = " (did you mean ";
    s += quote;
    s += best;
    s += quote;
    s += "?)";
    return s;
}

std::string join(std::span<const std::string_view> names) {
    std::string s;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) s += ", ";
        s += names[i];
    }
    return s;
}

}  // namespace sendpath::util
