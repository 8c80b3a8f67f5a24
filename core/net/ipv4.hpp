// The IPv4 header.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>  // emit() throws std::length_error
#include <string>

#include "net/addr.hpp"

namespace sendpath::net {

inline constexpr uint8_t IP_PROTO_TCP = 6;

struct Ipv4Repr {
    static constexpr std::size_t kMinLen = 20;  // emit() writes this header: no options
    Ipv4Addr src;
    Ipv4Addr dst;
    uint8_t protocol = IP_PROTO_TCP;
    uint8_t ttl = 64;
    uint8_t tos = 0;
    uint16_t ident = 0;
    bool df = true;            // don't fragment
    bool mf = false;           // more fragments
    uint16_t frag_offset = 0;  // in 8-byte units
    uint16_t payload_len = 0;  // total length minus header length
    uint8_t header_len = 20;   // from IHL on parse (options are skipped); emit() always writes 20

    // Writes the 20-byte header with its checksum. out.size() >= kMinLen.
    // Throws std::length_error if 20 + payload_len exceeds 65535.
    void emit(std::span<uint8_t> out) const;
    bool operator==(const Ipv4Repr&) const = default;
};

// packet: what follows the Ethernet header. Checks version, IHL, total length
// against the bytes present (bytes past total length are link padding and are
// ignored) and the header checksum. The payload is
// packet.subspan(header_len, payload_len).
std::optional<Ipv4Repr> parse_ipv4(std::span<const uint8_t> packet, std::string* why);

}  // namespace sendpath::net
