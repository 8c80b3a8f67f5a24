// The TCP header and its options.
//
// Options are written the way Linux's tcp_options_write() lays them out, so
// our frames look like a kernel's in Wireshark:
//   MSS (kind 2, len 4)
//   SACK_PERM + TS as one 12-byte block (4,2 then 8,10), or NOP,NOP,TS without SACK_PERM
//   NOP,NOP,SACK_PERM when SACK is permitted without timestamps
//   NOP,WS (kind 3, len 3)
//   NOP,NOP,SACK (kind 5) with up to 4 blocks (3 next to timestamps)
// A SYN carries the first four as negotiated; an established segment only
// TS (12 bytes) and SACK blocks. Which ones go out is decided by which
// TcpOptions fields are set, nothing else.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>  // emit() throws std::length_error
#include <string>
#include <utility>
#include <vector>

#include "net/addr.hpp"

namespace sendpath::net {

// Header flag bits (byte 13).
inline constexpr uint8_t TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08, TCP_ACK = 0x10, TCP_URG = 0x20,
                         TCP_ECE = 0x40, TCP_CWR = 0x80;

// Option kinds.
inline constexpr uint8_t TCPOPT_EOL = 0, TCPOPT_NOP = 1, TCPOPT_MSS = 2, TCPOPT_WINDOW = 3, TCPOPT_SACK_PERM = 4,
                         TCPOPT_SACK = 5, TCPOPT_TIMESTAMP = 8;
inline constexpr std::size_t kTcpMaxOptionBytes = 40;

struct TcpOptions {
    std::optional<uint16_t> mss;
    std::optional<uint8_t> wscale;
    bool sack_perm = false;
    std::optional<std::pair<uint32_t, uint32_t>> ts;         // tsval, tsecr
    std::vector<std::pair<uint32_t, uint32_t>> sack_blocks;  // (start, end) sequence numbers
    // A SACK option whose length is no whole number of blocks: Linux ignores
    // it (tcp_parse_options) and takes the segment without SACK information.
    bool sack_bad = false;
    bool operator==(const TcpOptions&) const = default;
};

// Bytes emit_tcp_options() writes: a multiple of 4, at most 40. SACK blocks
// that do not fit after the other options are left out, as Linux does.
std::size_t tcp_options_len(const TcpOptions& o);
// Writes tcp_options_len(o) bytes at out (the caller sized it). Returns that length.
std::size_t emit_tcp_options(const TcpOptions& o, uint8_t* out);
// Parses the option area (header bytes 20..doff*4). Unknown kinds are skipped
// by their length; a length that is < 2, runs past the area, or does not fit a
// known kind is an error, except a SACK option of a bad length, which is
// skipped and noted in sack_bad (as Linux ignores it).
std::optional<TcpOptions> parse_tcp_options(std::span<const uint8_t> area, std::string* why);

struct TcpRepr {
    static constexpr std::size_t kMinLen = 20;
    uint16_t src_port = 0;
    uint16_t dst_port = 0;
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint8_t flags = 0;    // TCP_FIN | TCP_SYN | ...
    uint16_t window = 0;  // the raw header field (not scaled)
    uint16_t urg_ptr = 0;
    TcpOptions options;

    std::size_t header_len() const { return kMinLen + tcp_options_len(options); }
    // Writes header_len() bytes with a zero checksum field. Returns header_len().
    // Throws std::length_error if out is shorter.
    std::size_t emit(std::span<uint8_t> out) const;
    bool operator==(const TcpRepr&) const = default;
};

// segment: the IPv4 payload (header + data). header_len, if given, receives
// the data offset in bytes; the payload is segment.subspan(*header_len).
// The checksum is not looked at here (see tcp_checksum_ok).
std::optional<TcpRepr> parse_tcp(std::span<const uint8_t> segment, std::string* why, std::size_t* header_len = nullptr);

// True when the checksum field matches the pseudo-header and the segment.
bool tcp_checksum_ok(std::span<const uint8_t> segment, Ipv4Addr src, Ipv4Addr dst);

// Sequence space comparisons, modulo 2^32 (the kernel's before()/after()).
inline bool seq_before(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) < 0; }
inline bool seq_after(uint32_t a, uint32_t b) { return seq_before(b, a); }

}  // namespace sendpath::net
