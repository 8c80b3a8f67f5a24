// Link and network addresses.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sendpath::net {

struct MacAddr {
    std::array<uint8_t, 6> b{};
    static constexpr MacAddr broadcast() { return {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
    bool operator==(const MacAddr&) const = default;
};

// An IPv4 address in host order (10.99.0.1 is 0x0a630001).
struct Ipv4Addr {
    uint32_t value = 0;
    static constexpr Ipv4Addr of(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
        return {(uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d};
    }
    bool operator==(const Ipv4Addr&) const = default;
};

std::string to_string(const MacAddr& m);  // "02:00:00:00:00:01"
std::string to_string(Ipv4Addr a);        // "10.99.0.1"
// Dotted quad / colon-separated hex; nullopt for anything else.
std::optional<Ipv4Addr> parse_ipv4_addr(std::string_view s);
std::optional<MacAddr> parse_mac_addr(std::string_view s);

}  // namespace sendpath::net
