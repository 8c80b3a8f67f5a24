// One Ethernet frame off the wire: parse_frame accepts it or says why not;
// summarize_frame (the logs' one-line form) works on anything. What parses
// is emitted again by our own writers and parses to the same headers and
// payload: the reader and the writers agree on every field.
#include <algorithm>
#include <span>
#include <vector>

#include "common.hpp"
#include "net/frame.hpp"

namespace sendpath::fuzz {

int fuzz_frame(const uint8_t* data, std::size_t size) {
    const std::span<const uint8_t> bytes(data, size);
    std::string why;
    const auto parsed = net::parse_frame(bytes, &why);
    const std::string line = net::summarize_frame(bytes);
    expect(!line.empty(), "summarize_frame gave an empty line");
    if (!parsed) {
        expect(!why.empty(), "parse_frame refused a frame without saying why");
        return 0;
    }
    std::vector<uint8_t> again;
    if (parsed->is_arp()) {
        net::emit_arp_frame(again, *parsed->arp);
        std::string why2;
        const auto re = net::parse_frame(again, &why2);
        expect(re && re->is_arp() && *re->arp == *parsed->arp, "an ARP frame does not survive emit and parse: " + why2);
        return 0;
    }
    expect(parsed->is_tcp() && parsed->ip.has_value(), "parse_frame accepted a frame that is neither ARP nor TCP");
    const net::Ipv4Repr& ip = *parsed->ip;
    const net::FrameAddrs addrs{parsed->eth.src, parsed->eth.dst, ip.src, ip.dst, ip.ident, ip.ttl, ip.df};
    try {
        net::emit_tcp_frame(again, addrs, *parsed->tcp, parsed->payload);
    } catch (const std::length_error&) {
        // Options written in Linux's layout can take more room than the
        // sender's: only when that passes 65535 bytes of IPv4 is this refused.
        return 0;
    }
    std::string why2;
    const auto re = net::parse_frame(again, &why2);
    expect(re && re->is_tcp(), "a TCP frame we emitted from a parsed one does not parse: " + why2);
    net::TcpRepr a = *parsed->tcp, b = *re->tcp;
    // SACK blocks that do not fit beside the other options are left out on
    // emit, as Linux does: the ones kept must be the first ones.
    expect(b.options.sack_blocks.size() <= a.options.sack_blocks.size() &&
               std::equal(b.options.sack_blocks.begin(), b.options.sack_blocks.end(), a.options.sack_blocks.begin()),
           "SACK blocks changed in emit and parse");
    a.options.sack_blocks.clear();
    b.options.sack_blocks.clear();
    expect(a == b, "TCP headers changed in emit and parse");
    expect(re->ip->src == ip.src && re->ip->dst == ip.dst && re->ip->ttl == ip.ttl && re->ip->ident == ip.ident &&
               re->ip->df == ip.df,
           "IPv4 headers changed in emit and parse");
    expect(std::equal(re->payload.begin(), re->payload.end(), parsed->payload.begin(), parsed->payload.end()),
           "a TCP payload changed in emit and parse");
    return 0;
}

}  // namespace sendpath::fuzz
