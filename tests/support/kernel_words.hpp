// Text checks the translation tests share: the kernel identifiers a text
// names, which every language must keep as they are.
#pragma once

#include <cctype>
#include <set>
#include <string>
#include <string_view>

namespace sptest {

// Words with an underscore: kernel names (sk_wmem_queued, tcp_sendmsg, MAX_SKB_FRAGS).
inline std::set<std::string> kernel_identifiers(std::string_view s) {
    std::set<std::string> out;
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    for (std::size_t i = 0; i < s.size();) {
        if (!word(s[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < s.size() && word(s[j])) ++j;
        const std::string w(s.substr(i, j - i));
        if (w.find('_') != std::string::npos) out.insert(w);
        i = j;
    }
    return out;
}

}  // namespace sptest
