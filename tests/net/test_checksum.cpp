// The Internet checksum: known answers, and the fast path against a plain
// 16-bit-word reference at every length, alignment and split point.
#include <doctest/doctest.h>

#include <algorithm>

#include <random>
#include <vector>

#include "net/checksum.hpp"

using namespace sendpath::net;

namespace {
// RFC 1071 section 1, word by word: the definition, not an optimisation.
uint16_t reference_sum(const uint8_t* p, std::size_t n) {
    uint32_t s = 0;
    for (std::size_t i = 0; i + 1 < n; i += 2) s += (uint32_t{p[i]} << 8) | p[i + 1];
    if (n & 1) s += uint32_t{p[n - 1]} << 8;
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return static_cast<uint16_t>(s);
}
}  // namespace

TEST_CASE("RFC 1071 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2") {
    const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    CHECK(csum_fold(csum_partial(data, sizeof data, 0)) == static_cast<uint16_t>(~0xddf2));
    CHECK(inet_checksum(data) == 0x220d);
}

TEST_CASE("a real IPv4 header: the checksum field b861 verifies, and recomputes from zero") {
    uint8_t hdr[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                     0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    CHECK(inet_checksum(hdr) == 0);  // intact header: the sum including the field folds to 0
    hdr[10] = hdr[11] = 0;
    CHECK(inet_checksum(hdr) == 0xb861);
}

TEST_CASE("empty data and an odd single byte") {
    CHECK(csum_partial(nullptr, 0, 0) == 0);
    const uint8_t one[] = {0xab};
    CHECK(csum_fold(csum_partial(one, 1, 0)) == static_cast<uint16_t>(~0xab00));
}

TEST_CASE("fast checksum equals the word-by-word reference at every length and alignment") {
    std::mt19937 rng(1071);
    std::vector<uint8_t> buf(4096 + 16);
    for (auto& b : buf) b = static_cast<uint8_t>(rng());
    for (std::size_t align = 0; align < 8; ++align) {
        for (std::size_t len = 0; len <= 300; ++len) {
            const uint8_t* p = buf.data() + align;
            INFO("align ", align, " len ", len);
            REQUIRE(csum_fold(csum_partial(p, len, 0)) == static_cast<uint16_t>(~reference_sum(p, len)));
        }
    }
    // All-0xff data makes every carry happen.
    std::vector<uint8_t> ones(100000, 0xff);
    CHECK(csum_fold(csum_partial(ones.data(), ones.size(), 0)) ==
          static_cast<uint16_t>(~reference_sum(ones.data(), ones.size())));
}

TEST_CASE("copy-and-sum copies every byte and sums like csum_partial, at every length and alignment") {
    std::mt19937 rng(2581);
    std::vector<uint8_t> src(600 + 16), dst(600 + 16);
    for (auto& b : src) b = static_cast<uint8_t>(rng());
    for (std::size_t align = 0; align < 8; ++align) {
        for (std::size_t len = 0; len <= 300; len += (len < 70 ? 1 : 13)) {
            std::fill(dst.begin(), dst.end(), 0x5a);
            const uint8_t* p = src.data() + align;
            INFO("align ", align, " len ", len);
            REQUIRE(csum_partial_copy(dst.data() + 3, p, len, 0x1234) == csum_partial(p, len, 0x1234));
            REQUIRE(std::equal(p, p + len, dst.data() + 3));
            REQUIRE(dst[2] == 0x5a);        // nothing written before
            REQUIRE(dst[3 + len] == 0x5a);  // or after
        }
    }
}

TEST_CASE("a stream summed in blocks of odd sizes equals the sum of the whole") {
    std::mt19937 rng(7);
    std::vector<uint8_t> data(2000);
    for (auto& b : data) b = static_cast<uint8_t>(rng());
    const uint16_t whole = csum_fold(csum_partial(data.data(), data.size(), 0));
    for (int trial = 0; trial < 200; ++trial) {
        uint32_t sum = 0;
        std::size_t off = 0;
        while (off < data.size()) {
            std::size_t n = std::min<std::size_t>(data.size() - off, 1 + rng() % 97);
            sum = csum_block_add(sum, csum_partial(data.data() + off, n, 0), off);
            off += n;
        }
        REQUIRE(csum_fold(sum) == whole);
    }
}

TEST_CASE("pseudo-header sum adds addresses, protocol and length as 16-bit words") {
    Ipv4Addr s = Ipv4Addr::of(10, 99, 0, 2), d = Ipv4Addr::of(10, 99, 0, 1);
    // 0a63 + 0002 + 0a63 + 0001 + 0006 + 0014
    CHECK(ipv4_pseudo_sum(s, d, 6, 20) == 0x0a63u + 2 + 0x0a63 + 1 + 6 + 20);
    const uint8_t bytes[] = {10, 99, 0, 2, 10, 99, 0, 1, 0, 6, 0, 20};
    CHECK(csum_fold(ipv4_pseudo_sum(s, d, 6, 20)) == inet_checksum(bytes));
}
