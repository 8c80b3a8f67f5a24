#include "net/frame.hpp"

#include <cstdio>
#include <stdexcept>

#include "net/bytes.hpp"
#include "net/checksum.hpp"

namespace sendpath::net {

namespace {
constexpr std::size_t kTcpCsumOffset = 16;

std::size_t emit_tcp(std::vector<uint8_t>& out, const FrameAddrs& a, const TcpRepr& tcp,
                     std::span<const std::span<const uint8_t>> payload_parts, bool with_payload) {
    std::size_t payload_len = 0;
    for (const auto& part : payload_parts) payload_len += part.size();
    const std::size_t thl = tcp.header_len();
    const std::size_t ip_payload = thl + payload_len;
    if (Ipv4Repr::kMinLen + ip_payload > 0xffff)
        throw std::length_error("emit_tcp_frame: IPv4 total length above 65535");

    const std::size_t base = out.size();
    const std::size_t headers = EthernetRepr::kLen + Ipv4Repr::kMinLen + thl;
    // The payload is copied and summed in one pass over the page bytes
    // (resize's zero-fill of the frame buffer touches only cache-hot memory).
    out.resize(base + headers + (with_payload ? payload_len : 0));
    uint32_t sum = ipv4_pseudo_sum(a.src_ip, a.dst_ip, IP_PROTO_TCP, static_cast<uint16_t>(ip_payload));
    std::size_t offset = thl;  // of the payload within the TCP segment: a multiple of 4
    uint8_t* dst = out.data() + base + headers;
    for (const auto& part : payload_parts) {
        if (part.empty()) continue;
        if (with_payload) {
            sum = csum_block_add(sum, csum_partial_copy(dst, part.data(), part.size(), 0), offset);
            dst += part.size();
        } else {
            sum = csum_block_add(sum, csum_partial(part.data(), part.size(), 0), offset);
        }
        offset += part.size();
    }

    uint8_t* f = out.data() + base;
    EthernetRepr{a.dst_mac, a.src_mac, ETHERTYPE_IPV4}.emit({f, EthernetRepr::kLen});
    Ipv4Repr ip;
    ip.src = a.src_ip;
    ip.dst = a.dst_ip;
    ip.protocol = IP_PROTO_TCP;
    ip.ttl = a.ttl;
    ip.ident = a.ip_id;
    ip.df = a.df;
    ip.payload_len = static_cast<uint16_t>(ip_payload);
    ip.emit({f + EthernetRepr::kLen, Ipv4Repr::kMinLen});
    uint8_t* th = f + EthernetRepr::kLen + Ipv4Repr::kMinLen;
    tcp.emit({th, thl});
    sum = csum_partial(th, thl, sum);
    write_be16(th + kTcpCsumOffset, csum_fold(sum));
    return headers + (with_payload ? payload_len : 0);
}
}  // namespace

std::size_t emit_tcp_frame(std::vector<uint8_t>& out, const FrameAddrs& a, const TcpRepr& tcp,
                           std::span<const std::span<const uint8_t>> payload_parts) {
    return emit_tcp(out, a, tcp, payload_parts, true);
}

std::size_t emit_tcp_headers(std::vector<uint8_t>& out, const FrameAddrs& a, const TcpRepr& tcp,
                             std::span<const std::span<const uint8_t>> payload_parts) {
    return emit_tcp(out, a, tcp, payload_parts, false);
}

std::size_t emit_tcp_frame(std::vector<uint8_t>& out, const FrameAddrs& a, const TcpRepr& tcp,
                           std::span<const uint8_t> payload) {
    std::span<const uint8_t> parts[1] = {payload};
    return emit_tcp_frame(out, a, tcp, std::span<const std::span<const uint8_t>>(parts, 1));
}

std::size_t emit_arp_frame(std::vector<uint8_t>& out, const ArpRepr& arp) {
    const std::size_t base = out.size();
    out.resize(base + EthernetRepr::kLen + ArpRepr::kLen);
    uint8_t* f = out.data() + base;
    MacAddr dst = arp.op == ARP_REQUEST ? MacAddr::broadcast() : arp.target_mac;
    EthernetRepr{dst, arp.sender_mac, ETHERTYPE_ARP}.emit({f, EthernetRepr::kLen});
    arp.emit({f + EthernetRepr::kLen, ArpRepr::kLen});
    return EthernetRepr::kLen + ArpRepr::kLen;
}

std::optional<ParsedFrame> parse_frame(std::span<const uint8_t> frame, std::string* why) {
    auto eth = parse_ethernet(frame, why);
    if (!eth) return std::nullopt;
    ParsedFrame pf;
    pf.eth = *eth;
    auto l3 = frame.subspan(EthernetRepr::kLen);
    if (eth->ethertype == ETHERTYPE_ARP) {
        pf.arp = parse_arp(l3, why);
        if (!pf.arp) return std::nullopt;
        return pf;
    }
    if (eth->ethertype != ETHERTYPE_IPV4) {
        if (why) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "ethertype 0x%04x is neither IPv4 nor ARP", eth->ethertype);
            *why = buf;
        }
        return std::nullopt;
    }
    pf.ip = parse_ipv4(l3, why);
    if (!pf.ip) return std::nullopt;
    if (pf.ip->mf || pf.ip->frag_offset != 0) {
        if (why) *why = "IPv4 fragment (not reassembled)";
        return std::nullopt;
    }
    if (pf.ip->protocol != IP_PROTO_TCP) {
        if (why) *why = "IPv4 protocol " + std::to_string(pf.ip->protocol) + " is not TCP";
        return std::nullopt;
    }
    auto segment = l3.subspan(pf.ip->header_len, pf.ip->payload_len);
    std::size_t thl = 0;
    pf.tcp = parse_tcp(segment, why, &thl);
    if (!pf.tcp) return std::nullopt;
    if (!tcp_checksum_ok(segment, pf.ip->src, pf.ip->dst)) {
        if (why) *why = "bad TCP checksum";
        return std::nullopt;
    }
    pf.payload = segment.subspan(thl);
    return pf;
}

namespace {
std::string flags_string(uint8_t f) {
    std::string s;
    if (f & TCP_SYN) s += 'S';
    if (f & TCP_FIN) s += 'F';
    if (f & TCP_RST) s += 'R';
    if (f & TCP_PSH) s += 'P';
    if (f & TCP_URG) s += 'U';
    if (f & TCP_ECE) s += 'E';
    if (f & TCP_CWR) s += 'W';
    if (f & TCP_ACK) s += '.';
    return s.empty() ? "none" : s;
}

std::string options_string(const TcpOptions& o) {
    std::string s;
    auto add = [&](const std::string& part) { s += (s.empty() ? "" : ",") + part; };
    if (o.mss) add("mss " + std::to_string(*o.mss));
    if (o.sack_perm) add("sackOK");
    if (o.ts) add("TS " + std::to_string(o.ts->first) + " " + std::to_string(o.ts->second));
    if (o.wscale) add("wscale " + std::to_string(*o.wscale));
    for (const auto& b : o.sack_blocks) add("sack " + std::to_string(b.first) + ":" + std::to_string(b.second));
    return s;
}
}  // namespace

std::string summarize_frame(std::span<const uint8_t> frame) {
    std::string why;
    auto pf = parse_frame(frame, &why);
    if (!pf) return "invalid frame: " + why;
    if (pf->arp) {
        const ArpRepr& a = *pf->arp;
        if (a.op == ARP_REQUEST) return "ARP who-has " + to_string(a.target_ip) + " tell " + to_string(a.sender_ip);
        return "ARP reply " + to_string(a.sender_ip) + " is-at " + to_string(a.sender_mac);
    }
    const TcpRepr& t = *pf->tcp;
    std::string s = to_string(pf->ip->src) + ":" + std::to_string(t.src_port) + " > " + to_string(pf->ip->dst) + ":" +
                    std::to_string(t.dst_port) + " [" + flags_string(t.flags) + "] seq " + std::to_string(t.seq);
    if (!pf->payload.empty()) s += ":" + std::to_string(t.seq + static_cast<uint32_t>(pf->payload.size()));
    if (t.flags & TCP_ACK) s += " ack " + std::to_string(t.ack);
    s += " win " + std::to_string(t.window);
    std::string opts = options_string(t.options);
    if (!opts.empty()) s += " <" + opts + ">";
    s += " len " + std::to_string(pf->payload.size());
    return s;
}

}  // namespace sendpath::net
