#include "net/addr.hpp"

#include <cstdio>

namespace sendpath::net {

std::string to_string(const MacAddr& m) {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m.b[0], m.b[1], m.b[2], m.b[3], m.b[4], m.b[5]);
    return buf;
}

std::string to_string(Ipv4Addr a) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", (a.value >> 24) & 0xff, (a.value >> 16) & 0xff, (a.value >> 8) & 0xff,
                  a.value & 0xff);
    return buf;
}

std::optional<Ipv4Addr> parse_ipv4_addr(std::string_view s) {
    uint32_t v = 0;
    std::size_t i = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (i >= s.size() || s[i] != '.') return std::nullopt;
            ++i;
        }
        std::size_t start = i;
        uint32_t octet = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) octet = octet * 10 + (s[i++] - '0');
        if (i == start || octet > 255) return std::nullopt;
        v = (v << 8) | octet;
    }
    if (i != s.size()) return std::nullopt;
    return Ipv4Addr{v};
}

std::optional<MacAddr> parse_mac_addr(std::string_view s) {
    if (s.size() != 17) return std::nullopt;
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    MacAddr m;
    for (std::size_t k = 0; k < 6; ++k) {
        int hi = hex(s[3 * k]), lo = hex(s[3 * k + 1]);
        if (hi < 0 || lo < 0 || (k < 5 && s[3 * k + 2] != ':')) return std::nullopt;
        m.b[k] = static_cast<uint8_t>(hi * 16 + lo);
    }
    return m;
}

}  // namespace sendpath::net
