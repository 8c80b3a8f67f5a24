// The Internet checksum (RFC 1071): ones' complement sum of 16-bit words.
//
// A running sum is a uint32_t holding the sum of big-endian 16-bit words with
// end-around carry, not yet folded; so pseudo-header fields can be added to it
// as plain numbers. csum_fold() turns it into the 16-bit field value to store
// with write_be16(). A frame whose sum over header and checksum field folds to
// 0 is intact.
//
// csum_partial() reads 8 bytes at a time into 64-bit accumulators: it runs on
// every payload byte the engine sends (the 256 MiB benchmark), so it must not
// walk 16-bit words one by one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "net/addr.hpp"

namespace sendpath::net {

// Adds data (taken to start at an even offset of the checksummed stream) to sum.
uint32_t csum_partial(const uint8_t* data, std::size_t len, uint32_t sum);

// Copies len bytes from src to dst and returns csum_partial(src, len, sum):
// one pass over the bytes instead of two (the kernel's csum_partial_copy).
uint32_t csum_partial_copy(uint8_t* dst, const uint8_t* src, std::size_t len, uint32_t sum);

// Ones' complement addition of two running sums.
inline uint32_t csum_add(uint32_t a, uint32_t b) {
    uint64_t s = uint64_t{a} + b;
    return static_cast<uint32_t>((s & 0xffffffffu) + (s >> 32));
}

// Adds the sum of a block that sits at byte `offset` of the stream: a block at
// an odd offset has its bytes in the other halves of the 16-bit words, so its
// sum is byte-swapped first (the RFC 1071 byte-order independence).
uint32_t csum_block_add(uint32_t sum, uint32_t block_sum, std::size_t offset);

// Folds to 16 bits and complements: the value for the checksum field.
inline uint16_t csum_fold(uint32_t sum) {
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum & 0xffff);
}

// The checksum of one buffer (an IPv4 header, an ICMP message).
inline uint16_t inet_checksum(std::span<const uint8_t> data) {
    return csum_fold(csum_partial(data.data(), data.size(), 0));
}

// Sum of the TCP/UDP pseudo-header over IPv4: source, destination, zero,
// protocol, and the length of the TCP header plus payload.
inline uint32_t ipv4_pseudo_sum(Ipv4Addr src, Ipv4Addr dst, uint8_t protocol, uint16_t length) {
    uint64_t s = (src.value >> 16) + (src.value & 0xffff) + (dst.value >> 16) + (dst.value & 0xffff) +
                 uint64_t{protocol} + length;
    return static_cast<uint32_t>(s);  // at most 4 * 0xffff + 0xff + 0xffff: fits
}

}  // namespace sendpath::net
