// Whole frames: Ethernet + IPv4 + TCP (or Ethernet + ARP), built and parsed in one go.
//
// emit_tcp_frame() is the engine's transmit path: it gathers the payload from
// several parts (an skb's linear area and its page fragments), so the bytes
// are copied once, straight into the output, and checksummed from the source.
// parse_frame() is the receive path: anything that comes off a TAP device is
// untrusted, so every length and both checksums are checked.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>  // emit() throws std::length_error
#include <string>
#include <vector>

#include "net/addr.hpp"
#include "net/ethernet.hpp"
#include "net/ipv4.hpp"
#include "net/tcp.hpp"

namespace sendpath::net {

struct FrameAddrs {
    MacAddr src_mac;
    MacAddr dst_mac;
    Ipv4Addr src_ip;
    Ipv4Addr dst_ip;
    uint16_t ip_id = 0;
    uint8_t ttl = 64;
    bool df = true;
};

// Ethernet + IPv4 (20) + TCP header: the frame size without payload.
inline std::size_t tcp_frame_overhead(const TcpRepr& tcp) {
    return EthernetRepr::kLen + Ipv4Repr::kMinLen + tcp.header_len();
}

// Appends one complete frame to out and returns its length. The IPv4 header
// checksum and the TCP checksum (pseudo-header + header + payload) are filled
// in. Throws std::length_error if the IPv4 total length would pass 65535.
std::size_t emit_tcp_frame(std::vector<uint8_t>& out, const FrameAddrs& a, const TcpRepr& tcp,
                           std::span<const std::span<const uint8_t>> payload_parts);
// The same frame's headers only (checksums over the payload included), for a
// record that keeps the payload elsewhere; returns the headers' length.
std::size_t emit_tcp_headers(std::vector<uint8_t>& out, const FrameAddrs& a, const TcpRepr& tcp,
                             std::span<const std::span<const uint8_t>> payload_parts);
// Same with a single contiguous payload.
std::size_t emit_tcp_frame(std::vector<uint8_t>& out, const FrameAddrs& a, const TcpRepr& tcp,
                           std::span<const uint8_t> payload = {});

// Appends a 42-byte ARP frame (no padding, as the kernel hands it to a TAP):
// to the broadcast address for a request, to target_mac for a reply.
std::size_t emit_arp_frame(std::vector<uint8_t>& out, const ArpRepr& arp);

struct ParsedFrame {
    EthernetRepr eth;
    std::optional<ArpRepr> arp;  // set for ARP frames
    std::optional<Ipv4Repr> ip;  // set (with tcp) for IPv4/TCP frames
    std::optional<TcpRepr> tcp;
    std::span<const uint8_t> payload;  // TCP payload, a view into the parsed bytes
    bool is_arp() const { return arp.has_value(); }
    bool is_tcp() const { return tcp.has_value(); }
};

// Accepts ARP (IPv4 over Ethernet) and unfragmented IPv4/TCP with valid
// checksums; everything else is nullopt with *why set ("bad TCP checksum",
// "IPv4 packet truncated ...", "ethertype 0x86dd is neither IPv4 nor ARP").
// Frames may be shorter than Ethernet's 60-byte minimum (no padding) or
// longer (padding after the IPv4 total length is ignored).
std::optional<ParsedFrame> parse_frame(std::span<const uint8_t> frame, std::string* why);

// One line in the spirit of tcpdump, for logs and views:
// "10.99.0.2:40000 > 10.99.0.1:5001 [P.] seq 1:1449 ack 1 win 502 <nop,nop,TS 5 1> len 1448"
// "ARP who-has 10.99.0.1 tell 10.99.0.2", or "invalid frame: <why>".
// seq/ack are printed raw (not relative).
std::string summarize_frame(std::span<const uint8_t> frame);

}  // namespace sendpath::net
