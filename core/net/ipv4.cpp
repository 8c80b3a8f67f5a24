#include "net/ipv4.hpp"

#include <stdexcept>

#include "net/bytes.hpp"
#include "net/checksum.hpp"

namespace sendpath::net {

namespace {
// IPv4 field offsets.
constexpr std::size_t IP_VER_IHL = 0, IP_TOS = 1, IP_TOTLEN = 2, IP_ID = 4, IP_FRAG = 6, IP_TTL = 8, IP_PROTO = 9,
                      IP_CSUM = 10, IP_SRC = 12, IP_DST = 16;
constexpr uint16_t IP_DF = 0x4000, IP_MF = 0x2000, IP_OFFMASK = 0x1fff;

std::optional<Ipv4Repr> fail(std::string* why, const char* reason) {
    if (why) *why = reason;
    return std::nullopt;
}
}  // namespace

void Ipv4Repr::emit(std::span<uint8_t> out) const {
    if (out.size() < kMinLen) throw std::length_error("Ipv4Repr::emit: buffer shorter than 20 bytes");
    if (kMinLen + payload_len > 0xffff) throw std::length_error("Ipv4Repr::emit: total length above 65535");
    uint8_t* p = out.data();
    p[IP_VER_IHL] = 0x45;
    p[IP_TOS] = tos;
    write_be16(p + IP_TOTLEN, static_cast<uint16_t>(kMinLen + payload_len));
    write_be16(p + IP_ID, ident);
    write_be16(p + IP_FRAG, static_cast<uint16_t>((df ? IP_DF : 0) | (mf ? IP_MF : 0) | (frag_offset & IP_OFFMASK)));
    p[IP_TTL] = ttl;
    p[IP_PROTO] = protocol;
    write_be16(p + IP_CSUM, 0);
    write_be32(p + IP_SRC, src.value);
    write_be32(p + IP_DST, dst.value);
    write_be16(p + IP_CSUM, csum_fold(csum_partial(p, kMinLen, 0)));
}

std::optional<Ipv4Repr> parse_ipv4(std::span<const uint8_t> packet, std::string* why) {
    if (packet.size() < Ipv4Repr::kMinLen) return fail(why, "IPv4 header truncated");
    const uint8_t* p = packet.data();
    if ((p[IP_VER_IHL] >> 4) != 4) return fail(why, "IP version is not 4");
    std::size_t hlen = static_cast<std::size_t>(p[IP_VER_IHL] & 0x0f) * 4;
    if (hlen < Ipv4Repr::kMinLen) return fail(why, "IPv4 header length below 20");
    if (hlen > packet.size()) return fail(why, "IPv4 options truncated");
    uint16_t total = read_be16(p + IP_TOTLEN);
    if (total < hlen) return fail(why, "IPv4 total length shorter than its header");
    if (total > packet.size()) return fail(why, "IPv4 packet truncated (total length beyond the frame)");
    if (csum_fold(csum_partial(p, hlen, 0)) != 0) return fail(why, "bad IPv4 header checksum");
    Ipv4Repr r;
    r.tos = p[IP_TOS];
    r.ident = read_be16(p + IP_ID);
    uint16_t frag = read_be16(p + IP_FRAG);
    r.df = (frag & IP_DF) != 0;
    r.mf = (frag & IP_MF) != 0;
    r.frag_offset = frag & IP_OFFMASK;
    r.ttl = p[IP_TTL];
    r.protocol = p[IP_PROTO];
    r.src = Ipv4Addr{read_be32(p + IP_SRC)};
    r.dst = Ipv4Addr{read_be32(p + IP_DST)};
    r.header_len = static_cast<uint8_t>(hlen);
    r.payload_len = static_cast<uint16_t>(total - hlen);
    return r;
}

}  // namespace sendpath::net
