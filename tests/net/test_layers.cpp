// Each header on its own: emit -> parse round trips, field placement, and
// the rejections a kernel would make.
#include <doctest/doctest.h>

#include <vector>

#include "net/wire.hpp"

using namespace sendpath::net;

TEST_CASE("addresses print and parse") {
    CHECK(to_string(Ipv4Addr::of(10, 99, 0, 1)) == "10.99.0.1");
    CHECK(to_string(MacAddr{{0x02, 0, 0, 0, 0, 0xab}}) == "02:00:00:00:00:ab");
    CHECK(parse_ipv4_addr("192.168.1.254") == Ipv4Addr::of(192, 168, 1, 254));
    CHECK_FALSE(parse_ipv4_addr("256.1.1.1"));
    CHECK_FALSE(parse_ipv4_addr("1.2.3"));
    CHECK_FALSE(parse_ipv4_addr("1.2.3.4 "));
    CHECK(parse_mac_addr("02:00:00:00:00:AB") == MacAddr{{0x02, 0, 0, 0, 0, 0xab}});
    CHECK_FALSE(parse_mac_addr("02:00:00:00:00"));
    CHECK_FALSE(parse_mac_addr("02-00-00-00-00-01"));
}

TEST_CASE("Ethernet II round trip; 802.3 length field rejected") {
    EthernetRepr e{MacAddr{{1, 2, 3, 4, 5, 6}}, MacAddr{{7, 8, 9, 10, 11, 12}}, ETHERTYPE_ARP};
    uint8_t buf[14];
    e.emit(buf);
    CHECK(buf[0] == 1);
    CHECK(buf[6] == 7);
    CHECK(buf[12] == 0x08);
    CHECK(buf[13] == 0x06);
    std::string why;
    auto back = parse_ethernet(buf, &why);
    REQUIRE(back);
    CHECK(*back == e);
    buf[12] = 0x05;
    buf[13] = 0xdc;  // 1500: a length, not a type
    CHECK_FALSE(parse_ethernet(buf, &why));
    CHECK(why.find("802.3") != std::string::npos);
    CHECK_FALSE(parse_ethernet(std::span<const uint8_t>(buf, 13), &why));
}

TEST_CASE("ARP request and reply round trip; other hardware types rejected") {
    ArpRepr a;
    a.op = ARP_REPLY;
    a.sender_mac = MacAddr{{2, 0, 0, 0, 0, 1}};
    a.sender_ip = Ipv4Addr::of(10, 99, 0, 1);
    a.target_mac = MacAddr{{2, 0, 0, 0, 0, 2}};
    a.target_ip = Ipv4Addr::of(10, 99, 0, 2);
    uint8_t buf[28];
    a.emit(buf);
    CHECK(buf[7] == 2);  // op low byte
    std::string why;
    auto back = parse_arp(buf, &why);
    REQUIRE(back);
    CHECK(*back == a);
    buf[1] = 6;  // IEEE 802 hardware type
    CHECK_FALSE(parse_arp(buf, &why));
    buf[1] = 1;
    buf[7] = 3;  // RARP request
    CHECK_FALSE(parse_arp(buf, &why));
    CHECK_FALSE(parse_arp(std::span<const uint8_t>(buf, 27), &why));
}

TEST_CASE("IPv4 header: round trip, checksum, lengths, options skipped") {
    Ipv4Repr ip;
    ip.src = Ipv4Addr::of(10, 99, 0, 2);
    ip.dst = Ipv4Addr::of(10, 99, 0, 1);
    ip.ident = 0x1234;
    ip.ttl = 64;
    ip.payload_len = 8;
    std::vector<uint8_t> pkt(28, 0xee);
    ip.emit(pkt);
    CHECK(pkt[0] == 0x45);
    CHECK(pkt[2] == 0);
    CHECK(pkt[3] == 28);
    CHECK(pkt[6] == 0x40);  // DF
    CHECK(inet_checksum(std::span<const uint8_t>(pkt.data(), 20)) == 0);
    std::string why;
    auto back = parse_ipv4(pkt, &why);
    REQUIRE(back);
    CHECK(*back == ip);

    SUBCASE("bytes after the total length are padding") {
        pkt.resize(60, 0);
        auto p2 = parse_ipv4(pkt, &why);
        REQUIRE(p2);
        CHECK(p2->payload_len == 8);
    }
    SUBCASE("total length past the data is truncation") {
        pkt.resize(27);
        CHECK_FALSE(parse_ipv4(pkt, &why));
        CHECK(why.find("truncated") != std::string::npos);
    }
    SUBCASE("a flipped bit fails the header checksum") {
        pkt[8] ^= 0x01;  // TTL
        CHECK_FALSE(parse_ipv4(pkt, &why));
        CHECK(why == "bad IPv4 header checksum");
    }
    SUBCASE("IHL below 5 and version 6 are rejected") {
        pkt[0] = 0x44;
        CHECK_FALSE(parse_ipv4(pkt, &why));
        pkt[0] = 0x65;
        CHECK_FALSE(parse_ipv4(pkt, &why));
        CHECK(why == "IP version is not 4");
    }
    SUBCASE("an options area (IHL 6) is skipped") {
        std::vector<uint8_t> p(24 + 8, 0);
        p[0] = 0x46;
        p[3] = 32;
        p[8] = 64;
        p[9] = 6;
        p[20] = 1;  // NOP option
        p[21] = 1;
        p[22] = 1;
        p[23] = 0;
        write_be16(p.data() + 10, inet_checksum(std::span<const uint8_t>(p.data(), 24)));
        auto r = parse_ipv4(p, &why);
        REQUIRE(r);
        CHECK(r->header_len == 24);
        CHECK(r->payload_len == 8);
    }
}

TEST_CASE("TCP options: a Linux SYN-ACK's exact bytes") {
    TcpOptions o;
    o.mss = 1460;
    o.sack_perm = true;
    o.ts = std::make_pair(0x01020304u, 0x0a0b0c0du);
    o.wscale = 7;
    REQUIRE(tcp_options_len(o) == 20);
    uint8_t buf[20];
    CHECK(emit_tcp_options(o, buf) == 20);
    const uint8_t want[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d, 1, 3, 3, 7};
    CHECK(std::equal(buf, buf + 20, want));
    std::string why;
    auto back = parse_tcp_options(buf, &why);
    REQUIRE(back);
    CHECK(*back == o);
}

TEST_CASE("TCP options: the other Linux layouts") {
    std::string why;
    SUBCASE("timestamps without SACK: NOP,NOP,TS") {
        TcpOptions o;
        o.ts = std::make_pair(5u, 6u);
        uint8_t buf[12];
        REQUIRE(tcp_options_len(o) == 12);
        emit_tcp_options(o, buf);
        CHECK(buf[0] == TCPOPT_NOP);
        CHECK(buf[1] == TCPOPT_NOP);
        CHECK(buf[2] == TCPOPT_TIMESTAMP);
        CHECK(*parse_tcp_options(buf, &why) == o);
    }
    SUBCASE("SACK_PERM without timestamps: NOP,NOP,SACK_PERM then NOP,WS") {
        TcpOptions o;
        o.mss = 536;
        o.sack_perm = true;
        o.wscale = 2;
        uint8_t buf[12];
        REQUIRE(tcp_options_len(o) == 12);
        emit_tcp_options(o, buf);
        const uint8_t want[12] = {2, 4, 2, 24, 1, 1, 4, 2, 1, 3, 3, 2};
        CHECK(std::equal(buf, buf + 12, want));
        CHECK(*parse_tcp_options(buf, &why) == o);
    }
    SUBCASE("established segment with TS and SACK blocks: 3 blocks fit, the 4th is left out") {
        TcpOptions o;
        o.ts = std::make_pair(1u, 2u);
        o.sack_blocks = {{100, 200}, {300, 400}, {500, 600}, {700, 800}};
        REQUIRE(tcp_options_len(o) == 40);
        uint8_t buf[40];
        emit_tcp_options(o, buf);
        CHECK(buf[12] == TCPOPT_NOP);
        CHECK(buf[14] == TCPOPT_SACK);
        CHECK(buf[15] == 26);
        auto back = parse_tcp_options(buf, &why);
        REQUIRE(back);
        CHECK(back->sack_blocks.size() == 3);
        CHECK(back->sack_blocks[2] == std::make_pair(500u, 600u));
    }
    SUBCASE("without timestamps 4 SACK blocks fit") {
        TcpOptions o;
        o.sack_blocks = {{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}};
        CHECK(tcp_options_len(o) == 36);
    }
}

TEST_CASE("TCP options: bad lengths are errors, unknown kinds are skipped") {
    std::string why;
    const uint8_t zero_len[] = {30, 0, 1, 1};
    CHECK_FALSE(parse_tcp_options(zero_len, &why));  // would loop forever if accepted
    CHECK(why.find("length") != std::string::npos);
    const uint8_t one_len[] = {2, 1, 1, 1};
    CHECK_FALSE(parse_tcp_options(one_len, &why));
    const uint8_t past_end[] = {1, 1, 8, 10, 0, 0, 0, 0};
    CHECK_FALSE(parse_tcp_options(past_end, &why));
    const uint8_t no_len[] = {1, 1, 1, 2};
    CHECK_FALSE(parse_tcp_options(no_len, &why));
    CHECK(why.find("truncated") != std::string::npos);
    const uint8_t bad_mss[] = {2, 5, 5, 0xb4, 0, 0, 0, 0};
    CHECK_FALSE(parse_tcp_options(bad_mss, &why));
    CHECK(why == "bad TCP MSS option length");
    // A SACK option whose length is no whole number of blocks: Linux's
    // tcp_parse_options ignores it and keeps the other options.
    const uint8_t bad_sack[] = {1, 1, 5, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0, 2, 4, 0x05, 0xb4, 0, 0, 0};
    auto bs = parse_tcp_options(bad_sack, &why);
    REQUIRE(bs);
    CHECK(bs->sack_bad);
    CHECK(bs->sack_blocks.empty());
    CHECK(bs->mss == 1460);
    const uint8_t five_blocks_len[] = {5, 42, 0};  // 5 blocks cannot fit in 40 bytes: runs past the area
    CHECK_FALSE(parse_tcp_options(five_blocks_len, &why));
    const uint8_t bad_ws[] = {3, 4, 7, 0};
    CHECK_FALSE(parse_tcp_options(bad_ws, &why));

    const uint8_t unknown[] = {30, 4, 0xaa, 0xbb, 2, 4, 0x05, 0xb4};  // MPTCP-like kind, then MSS
    auto o = parse_tcp_options(unknown, &why);
    REQUIRE(o);
    CHECK(o->mss == 1460);
    const uint8_t eol[] = {2, 4, 0x05, 0xb4, 0, 99, 99, 99};  // garbage after EOL is padding
    o = parse_tcp_options(eol, &why);
    REQUIRE(o);
    CHECK(o->mss == 1460);
}

TEST_CASE("TCP header round trip and field placement") {
    TcpRepr t;
    t.src_port = 40000;
    t.dst_port = 5001;
    t.seq = 0xfffffff0u;
    t.ack = 1000001;
    t.flags = TCP_ACK | TCP_PSH;
    t.window = 502;
    t.urg_ptr = 0;
    t.options.ts = std::make_pair(77u, 88u);
    std::vector<uint8_t> buf(t.header_len());
    CHECK(t.emit(buf) == 32);
    CHECK(buf[12] == (8 << 4));  // data offset 8 words
    CHECK(buf[13] == 0x18);
    CHECK(read_be32(buf.data() + 4) == 0xfffffff0u);
    std::string why;
    std::size_t hl = 0;
    auto back = parse_tcp(buf, &why, &hl);
    REQUIRE(back);
    CHECK(hl == 32);
    CHECK(*back == t);
    buf[12] = 4 << 4;
    CHECK_FALSE(parse_tcp(buf, &why));
    buf[12] = 15 << 4;  // 60 bytes of header in a 32-byte segment
    CHECK_FALSE(parse_tcp(buf, &why));
    std::vector<uint8_t> small(10);
    CHECK_THROWS_AS(t.emit(small), std::length_error);
}

TEST_CASE("sequence comparisons wrap around 2^32") {
    CHECK(seq_before(0xfffffff0u, 0x10u));
    CHECK(seq_after(0x10u, 0xfffffff0u));
    CHECK_FALSE(seq_before(5, 5));
    CHECK(seq_before(1, 2));
}
