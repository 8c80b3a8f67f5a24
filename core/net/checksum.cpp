#include "net/checksum.hpp"

#include <bit>
#include <cstring>

namespace sendpath::net {

namespace {

inline uint64_t load64(const uint8_t* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);  // native order; the sum is fixed up once at the end
    return v;
}

// Each 64-bit word is added as two 32-bit halves into 64-bit accumulators:
// no carry chain between iterations, so the loop pipelines (and vectorises).
// A block of kBlock bytes adds at most kBlock/4 values below 2^32: no overflow.
constexpr std::size_t kBlock = std::size_t{1} << 30;

uint64_t sum_block(const uint8_t* p, std::size_t n) {
    uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    while (n >= 32) {
        uint64_t w0 = load64(p), w1 = load64(p + 8), w2 = load64(p + 16), w3 = load64(p + 24);
        a0 += (w0 & 0xffffffffu) + (w0 >> 32);
        a1 += (w1 & 0xffffffffu) + (w1 >> 32);
        a2 += (w2 & 0xffffffffu) + (w2 >> 32);
        a3 += (w3 & 0xffffffffu) + (w3 >> 32);
        p += 32;
        n -= 32;
    }
    while (n >= 8) {
        uint64_t w = load64(p);
        a0 += (w & 0xffffffffu) + (w >> 32);
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        // Same byte positions as a full word, zero-padded: an odd last byte
        // stays the high-order byte of its big-endian 16-bit word.
        uint8_t tail[8] = {};
        std::memcpy(tail, p, n);
        uint64_t w = load64(tail);
        a0 += (w & 0xffffffffu) + (w >> 32);
    }
    // Four sums below 2^62 each: their total fits in 64 bits.
    return a0 + a1 + a2 + a3;
}

inline uint16_t fold16(uint64_t s) {
    s = (s & 0xffffffffu) + (s >> 32);
    s = (s & 0xffffffffu) + (s >> 32);
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    return static_cast<uint16_t>(s);
}

inline uint16_t swap16(uint16_t v) { return static_cast<uint16_t>((v << 8) | (v >> 8)); }

// Copies n bytes and sums them in the same pass (the kernel's
// csum_partial_copy): the bytes are read once, not once per job.
uint64_t copy_sum_block(uint8_t* dst, const uint8_t* p, std::size_t n) {
    uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    while (n >= 32) {
        uint64_t w0 = load64(p), w1 = load64(p + 8), w2 = load64(p + 16), w3 = load64(p + 24);
        std::memcpy(dst, &w0, 8);
        std::memcpy(dst + 8, &w1, 8);
        std::memcpy(dst + 16, &w2, 8);
        std::memcpy(dst + 24, &w3, 8);
        a0 += (w0 & 0xffffffffu) + (w0 >> 32);
        a1 += (w1 & 0xffffffffu) + (w1 >> 32);
        a2 += (w2 & 0xffffffffu) + (w2 >> 32);
        a3 += (w3 & 0xffffffffu) + (w3 >> 32);
        p += 32;
        dst += 32;
        n -= 32;
    }
    std::memcpy(dst, p, n);
    return a0 + a1 + a2 + a3 + sum_block(p, n);
}

uint32_t finish(uint64_t total, uint32_t sum) {
    uint16_t native = fold16(total);
    // Summing native little-endian words gives the byte-swapped sum (RFC 1071 2(B)).
    uint16_t be = std::endian::native == std::endian::little ? swap16(native) : native;
    return csum_add(sum, be);
}

}  // namespace

uint32_t csum_partial_copy(uint8_t* dst, const uint8_t* src, std::size_t len, uint32_t sum) {
    uint64_t total = 0;
    while (len > 0) {
        std::size_t n = len < kBlock ? len : kBlock;
        total += fold16(copy_sum_block(dst, src, n));
        src += n;
        dst += n;
        len -= n;
    }
    return finish(total, sum);
}

uint32_t csum_partial(const uint8_t* data, std::size_t len, uint32_t sum) {
    uint64_t total = 0;
    while (len > 0) {
        std::size_t n = len < kBlock ? len : kBlock;  // kBlock is even: parity is kept
        total += fold16(sum_block(data, n));
        data += n;
        len -= n;
    }
    return finish(total, sum);
}

uint32_t csum_block_add(uint32_t sum, uint32_t block_sum, std::size_t offset) {
    if (offset & 1) block_sum = swap16(fold16(block_sum));
    return csum_add(sum, block_sum);
}

}  // namespace sendpath::net
