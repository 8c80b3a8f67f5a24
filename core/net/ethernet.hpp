// Ethernet II headers and ARP for IPv4 over Ethernet.
//
// Each *Repr is a validated value: parse_*() checks lengths and fields and
// returns std::nullopt with a reason for anything it cannot accept; emit()
// writes exactly kLen bytes. Neither ever reads or writes outside its span.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>  // emit() throws std::length_error
#include <string>

#include "net/addr.hpp"

namespace sendpath::net {

inline constexpr uint16_t ETHERTYPE_IPV4 = 0x0800;
inline constexpr uint16_t ETHERTYPE_ARP = 0x0806;

struct EthernetRepr {
    static constexpr std::size_t kLen = 14;  // dst(6) src(6) ethertype(2)
    MacAddr dst;
    MacAddr src;
    uint16_t ethertype = ETHERTYPE_IPV4;
    // out.size() must be at least kLen (checked: throws std::length_error).
    void emit(std::span<uint8_t> out) const;
    bool operator==(const EthernetRepr&) const = default;
};
std::optional<EthernetRepr> parse_ethernet(std::span<const uint8_t> frame, std::string* why);

inline constexpr uint16_t ARP_REQUEST = 1;
inline constexpr uint16_t ARP_REPLY = 2;

// ARP with hardware type Ethernet (1), protocol IPv4 (0x0800), lengths 6 and 4.
struct ArpRepr {
    static constexpr std::size_t kLen = 28;
    uint16_t op = ARP_REQUEST;
    MacAddr sender_mac;
    Ipv4Addr sender_ip;
    MacAddr target_mac;  // zero in a request
    Ipv4Addr target_ip;
    void emit(std::span<uint8_t> out) const;  // out.size() >= kLen
    bool operator==(const ArpRepr&) const = default;
};
// payload: what follows the Ethernet header (trailing padding is ignored).
std::optional<ArpRepr> parse_arp(std::span<const uint8_t> payload, std::string* why);

}  // namespace sendpath::net
