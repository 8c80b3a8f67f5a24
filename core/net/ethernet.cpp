#include "net/ethernet.hpp"

#include <cstring>
#include <stdexcept>

#include "net/bytes.hpp"

namespace sendpath::net {

namespace {
// Ethernet II field offsets.
constexpr std::size_t ETH_DST = 0, ETH_SRC = 6, ETH_TYPE = 12;
// ARP field offsets.
constexpr std::size_t ARP_HTYPE = 0, ARP_PTYPE = 2, ARP_HLEN = 4, ARP_PLEN = 5, ARP_OP = 6, ARP_SHA = 8, ARP_SPA = 14,
                      ARP_THA = 18, ARP_TPA = 24;

bool fail(std::string* why, const char* reason) {
    if (why) *why = reason;
    return false;
}

MacAddr read_mac(const uint8_t* p) {
    MacAddr m;
    std::memcpy(m.b.data(), p, 6);
    return m;
}
}  // namespace

void EthernetRepr::emit(std::span<uint8_t> out) const {
    if (out.size() < kLen) throw std::length_error("EthernetRepr::emit: buffer shorter than 14 bytes");
    uint8_t* p = out.data();
    std::memcpy(p + ETH_DST, dst.b.data(), 6);
    std::memcpy(p + ETH_SRC, src.b.data(), 6);
    write_be16(p + ETH_TYPE, ethertype);
}

std::optional<EthernetRepr> parse_ethernet(std::span<const uint8_t> frame, std::string* why) {
    if (frame.size() < EthernetRepr::kLen) {
        fail(why, "frame shorter than an Ethernet header");
        return std::nullopt;
    }
    const uint8_t* p = frame.data();
    EthernetRepr e;
    e.dst = read_mac(p + ETH_DST);
    e.src = read_mac(p + ETH_SRC);
    e.ethertype = read_be16(p + ETH_TYPE);
    if (e.ethertype < 0x0600) {
        fail(why, "802.3 length field instead of an Ethernet II type");
        return std::nullopt;
    }
    return e;
}

void ArpRepr::emit(std::span<uint8_t> out) const {
    if (out.size() < kLen) throw std::length_error("ArpRepr::emit: buffer shorter than 28 bytes");
    uint8_t* p = out.data();
    write_be16(p + ARP_HTYPE, 1);
    write_be16(p + ARP_PTYPE, ETHERTYPE_IPV4);
    p[ARP_HLEN] = 6;
    p[ARP_PLEN] = 4;
    write_be16(p + ARP_OP, op);
    std::memcpy(p + ARP_SHA, sender_mac.b.data(), 6);
    write_be32(p + ARP_SPA, sender_ip.value);
    std::memcpy(p + ARP_THA, target_mac.b.data(), 6);
    write_be32(p + ARP_TPA, target_ip.value);
}

std::optional<ArpRepr> parse_arp(std::span<const uint8_t> payload, std::string* why) {
    if (payload.size() < ArpRepr::kLen) {
        fail(why, "ARP packet shorter than 28 bytes");
        return std::nullopt;
    }
    const uint8_t* p = payload.data();
    if (read_be16(p + ARP_HTYPE) != 1 || read_be16(p + ARP_PTYPE) != ETHERTYPE_IPV4 || p[ARP_HLEN] != 6 ||
        p[ARP_PLEN] != 4) {
        fail(why, "ARP is not IPv4 over Ethernet");
        return std::nullopt;
    }
    ArpRepr a;
    a.op = read_be16(p + ARP_OP);
    if (a.op != ARP_REQUEST && a.op != ARP_REPLY) {
        fail(why, "ARP operation is neither request nor reply");
        return std::nullopt;
    }
    a.sender_mac = read_mac(p + ARP_SHA);
    a.sender_ip = Ipv4Addr{read_be32(p + ARP_SPA)};
    a.target_mac = read_mac(p + ARP_THA);
    a.target_ip = Ipv4Addr{read_be32(p + ARP_TPA)};
    return a;
}

}  // namespace sendpath::net
