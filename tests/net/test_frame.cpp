// Whole frames: what the engine puts on the wire must parse back to what it
// meant, and anything else that arrives must be rejected without harm.
#include <doctest/doctest.h>

#include <random>
#include <vector>

#include "net/wire.hpp"

using namespace sendpath::net;

namespace {
FrameAddrs our_addrs() {
    FrameAddrs a;
    a.src_mac = MacAddr{{2, 0, 0, 0, 0, 2}};
    a.dst_mac = MacAddr{{2, 0, 0, 0, 0, 1}};
    a.src_ip = Ipv4Addr::of(10, 99, 0, 2);
    a.dst_ip = Ipv4Addr::of(10, 99, 0, 1);
    a.ip_id = 0x4242;
    return a;
}

TcpRepr data_segment() {
    TcpRepr t;
    t.src_port = 40000;
    t.dst_port = 5001;
    t.seq = 1;
    t.ack = 1000001;
    t.flags = TCP_ACK | TCP_PSH;
    t.window = 229;
    t.options.ts = std::make_pair(1000u, 2000u);
    return t;
}

std::vector<uint8_t> pattern(std::size_t n, uint8_t seed) {
    std::vector<uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i * 7);
    return v;
}
}  // namespace

TEST_CASE("a data frame round trips through emit_tcp_frame and parse_frame") {
    auto payload = pattern(1448, 3);
    std::vector<uint8_t> out = {0xaa};  // appended after what is already there
    std::size_t n = emit_tcp_frame(out, our_addrs(), data_segment(), payload);
    CHECK(n == 14 + 20 + 32 + 1448);
    REQUIRE(out.size() == 1 + n);
    CHECK(out[0] == 0xaa);
    std::span<const uint8_t> frame(out.data() + 1, n);
    std::string why;
    auto pf = parse_frame(frame, &why);
    REQUIRE_MESSAGE(pf, why);
    CHECK(pf->is_tcp());
    CHECK(pf->eth.src == our_addrs().src_mac);
    CHECK(pf->ip->src == Ipv4Addr::of(10, 99, 0, 2));
    CHECK(pf->ip->ident == 0x4242);
    CHECK(pf->ip->ttl == 64);
    CHECK(pf->ip->df);
    CHECK(*pf->tcp == data_segment());
    CHECK(std::equal(pf->payload.begin(), pf->payload.end(), payload.begin(), payload.end()));
}

TEST_CASE("payload gathered from parts of odd sizes gives the same frame as one contiguous buffer") {
    auto payload = pattern(3001, 9);
    std::vector<uint8_t> whole;
    emit_tcp_frame(whole, our_addrs(), data_segment(), payload);
    // linear part of 3 bytes, then "page fragments" of odd and even sizes, one empty
    std::vector<std::span<const uint8_t>> parts;
    std::size_t cuts[] = {0, 3, 3, 1000, 1001, 2999, 3001};
    for (std::size_t i = 0; i + 1 < std::size(cuts); ++i)
        parts.emplace_back(payload.data() + cuts[i], cuts[i + 1] - cuts[i]);
    std::vector<uint8_t> gathered;
    emit_tcp_frame(gathered, our_addrs(), data_segment(), parts);
    CHECK(gathered == whole);
    std::string why;
    CHECK_MESSAGE(parse_frame(gathered, &why), why);
}

TEST_CASE("SYN with every option, pure ACK (54 bytes, unpadded) and padded frames parse") {
    std::string why;
    TcpRepr syn;
    syn.src_port = 40000;
    syn.dst_port = 5001;
    syn.seq = 0;
    syn.flags = TCP_SYN;
    syn.window = 65535;
    syn.options.mss = 1460;
    syn.options.sack_perm = true;
    syn.options.ts = std::make_pair(1u, 0u);
    syn.options.wscale = 7;
    std::vector<uint8_t> f;
    CHECK(emit_tcp_frame(f, our_addrs(), syn) == 74);  // what Linux sends for a SYN
    auto pf = parse_frame(f, &why);
    REQUIRE(pf);
    CHECK(*pf->tcp == syn);
    CHECK(pf->payload.empty());

    TcpRepr ack;
    ack.flags = TCP_ACK;
    ack.ack = 12345;
    f.clear();
    CHECK(emit_tcp_frame(f, our_addrs(), ack) == 54);
    REQUIRE(parse_frame(f, &why));
    f.resize(60, 0);  // Ethernet minimum-size padding
    pf = parse_frame(f, &why);
    REQUIRE(pf);
    CHECK(pf->payload.empty());
    CHECK(pf->ip->payload_len == 20);
}

TEST_CASE("ARP frames: 42 bytes, broadcast request, unicast reply") {
    ArpRepr req;
    req.op = ARP_REQUEST;
    req.sender_mac = MacAddr{{2, 0, 0, 0, 0, 2}};
    req.sender_ip = Ipv4Addr::of(10, 99, 0, 2);
    req.target_ip = Ipv4Addr::of(10, 99, 0, 1);
    std::vector<uint8_t> f;
    CHECK(emit_arp_frame(f, req) == 42);
    std::string why;
    auto pf = parse_frame(f, &why);
    REQUIRE(pf);
    REQUIRE(pf->is_arp());
    CHECK(pf->eth.dst == MacAddr::broadcast());
    CHECK(*pf->arp == req);
    CHECK(summarize_frame(f) == "ARP who-has 10.99.0.1 tell 10.99.0.2");
    for (std::size_t len = 0; len < f.size(); ++len)
        CHECK_FALSE(parse_frame(std::span<const uint8_t>(f.data(), len), &why));
}

TEST_CASE("every truncation of a frame is rejected, without reading past the end") {
    auto payload = pattern(100, 1);
    TcpRepr t = data_segment();
    t.options.sack_blocks = {{10, 20}};
    std::vector<uint8_t> f;
    emit_tcp_frame(f, our_addrs(), t, payload);
    std::string why;
    REQUIRE(parse_frame(f, &why));
    for (std::size_t len = 0; len < f.size(); ++len) {
        // A heap copy of exactly len bytes, so a sanitizer build catches any overread.
        std::vector<uint8_t> cut(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(len));
        INFO("length ", len);
        why.clear();
        CHECK_FALSE(parse_frame(cut, &why));
        CHECK_FALSE(why.empty());
    }
}

TEST_CASE("any single flipped bit in the IPv4 or TCP part is rejected") {
    auto payload = pattern(37, 5);
    std::vector<uint8_t> f;
    emit_tcp_frame(f, our_addrs(), data_segment(), payload);
    std::string why;
    for (std::size_t i = 14; i < f.size(); ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            auto g = f;
            g[i] ^= static_cast<uint8_t>(1u << bit);
            INFO("byte ", i, " bit ", bit);
            CHECK_FALSE(parse_frame(g, &why));
        }
    }
    auto g = f;
    g.back() ^= 0x40;
    CHECK_FALSE(parse_frame(g, &why));
    CHECK(why == "bad TCP checksum");
    g = f;
    g[14 + 8] ^= 1;  // TTL
    CHECK_FALSE(parse_frame(g, &why));
    CHECK(why == "bad IPv4 header checksum");
}

TEST_CASE("frames that are valid but not ARP or TCP are rejected with a reason") {
    std::string why;
    std::vector<uint8_t> f;
    emit_tcp_frame(f, our_addrs(), data_segment());
    auto ipv6 = f;
    ipv6[12] = 0x86;
    ipv6[13] = 0xdd;
    CHECK_FALSE(parse_frame(ipv6, &why));
    CHECK(why == "ethertype 0x86dd is neither IPv4 nor ARP");

    auto udp = f;
    udp[14 + 9] = 17;
    write_be16(udp.data() + 14 + 10, 0);
    write_be16(udp.data() + 14 + 10, inet_checksum(std::span<const uint8_t>(udp.data() + 14, 20)));
    CHECK_FALSE(parse_frame(udp, &why));
    CHECK(why == "IPv4 protocol 17 is not TCP");

    auto frag = f;
    frag[14 + 6] = 0x20;  // MF
    write_be16(frag.data() + 14 + 10, 0);
    write_be16(frag.data() + 14 + 10, inet_checksum(std::span<const uint8_t>(frag.data() + 14, 20)));
    CHECK_FALSE(parse_frame(frag, &why));
    CHECK(why.find("fragment") != std::string::npos);
}

TEST_CASE("a frame too large for IPv4 is refused at emit time") {
    std::vector<uint8_t> big(65535 - 20 - 20 + 1);
    std::vector<uint8_t> f;
    TcpRepr t;
    CHECK_THROWS_AS(emit_tcp_frame(f, our_addrs(), t, big), std::length_error);
    big.pop_back();
    CHECK(emit_tcp_frame(f, our_addrs(), t, big) == 14 + 65535);
    std::string why;
    CHECK(parse_frame(f, &why));
}

TEST_CASE("summary line names addresses, flags, sequence range and options") {
    auto payload = pattern(1448, 0);
    std::vector<uint8_t> f;
    emit_tcp_frame(f, our_addrs(), data_segment(), payload);
    CHECK(summarize_frame(f) ==
          "10.99.0.2:40000 > 10.99.0.1:5001 [P.] seq 1:1449 ack 1000001 win 229 <TS 1000 2000> len 1448");
    f.back() ^= 1;
    CHECK(summarize_frame(f) == "invalid frame: bad TCP checksum");
}

TEST_CASE("random bytes and random mutations of good frames never crash the parser") {
    std::mt19937 rng(20240611);
    std::string why;
    std::vector<uint8_t> good;
    TcpRepr t = data_segment();
    t.options.sack_blocks = {{1, 2}, {3, 4}};
    emit_tcp_frame(good, our_addrs(), t, pattern(64, 2));
    int accepted = 0;
    for (int i = 0; i < 20000; ++i) {
        std::vector<uint8_t> f;
        if (i % 2 == 0) {
            f.resize(rng() % 160);
            for (auto& b : f) b = static_cast<uint8_t>(rng());
            if (f.size() > 14 && i % 4 == 0) {  // steer some into the IPv4/TCP parsers
                f[12] = 0x08;
                f[13] = (i % 8 == 0) ? 0x06 : 0x00;
                f[14] = static_cast<uint8_t>(0x40 | (rng() % 16));
            }
        } else {
            f = good;
            int flips = 1 + static_cast<int>(rng() % 4);
            for (int k = 0; k < flips; ++k) f[rng() % f.size()] = static_cast<uint8_t>(rng());
            if (rng() % 3 == 0) f.resize(rng() % (f.size() + 1));
        }
        auto pf = parse_frame(f, &why);
        if (pf) {
            ++accepted;
            // Whatever was accepted points inside the input.
            if (pf->is_tcp()) {
                CHECK(pf->payload.data() >= f.data());
                CHECK(pf->payload.data() + pf->payload.size() <= f.data() + f.size());
            }
        }
        (void)summarize_frame(f);
    }
    // Mutations that only touch MAC addresses (or nothing) still parse.
    CHECK(accepted > 0);
}
