// The TAP link's ARP responder without a device (no root needed): what it
// answers, what it learns, and what it leaves alone.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "net/bytes.hpp"
#include "net/ethernet.hpp"
#include "net/frame.hpp"
#include "peer/tap_arp.hpp"

using namespace sendpath;
using peer::ArpOutcome;
using peer::ArpResponder;

namespace {

const net::MacAddr kOurMac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};
const net::MacAddr kKernelMac{{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}};
const net::MacAddr kOtherMac{{0x52, 0x54, 0x00, 0xab, 0xcd, 0xef}};
const net::Ipv4Addr kOurIp = net::Ipv4Addr::of(10, 99, 0, 2);
const net::Ipv4Addr kKernelIp = net::Ipv4Addr::of(10, 99, 0, 1);
const net::Ipv4Addr kOtherIp = net::Ipv4Addr::of(10, 99, 0, 7);

ArpResponder responder() { return ArpResponder(kOurMac, kOurIp, kKernelIp); }

std::vector<uint8_t> arp_frame(uint16_t op, net::MacAddr sender_mac, net::Ipv4Addr sender_ip, net::Ipv4Addr target_ip,
                               net::MacAddr target_mac = {}) {
    net::ArpRepr a;
    a.op = op;
    a.sender_mac = sender_mac;
    a.sender_ip = sender_ip;
    a.target_mac = target_mac;
    a.target_ip = target_ip;
    std::vector<uint8_t> f;
    net::emit_arp_frame(f, a);
    return f;
}

std::vector<uint8_t> request_for(net::Ipv4Addr target, net::MacAddr from_mac = kKernelMac,
                                 net::Ipv4Addr from_ip = kKernelIp) {
    return arp_frame(net::ARP_REQUEST, from_mac, from_ip, target);
}

}  // namespace

TEST_CASE("a request for our address is answered from our MAC, and teaches us the kernel's") {
    ArpResponder r = responder();
    CHECK_FALSE(r.peer_mac_known());
    const ArpOutcome o = r.take(request_for(kOurIp));
    CHECK(o.kind == ArpOutcome::Kind::arp);
    CHECK(o.learned);
    CHECK(r.peer_mac_known());
    CHECK(r.peer_mac() == kKernelMac);
    REQUIRE(o.reply);
    CHECK(o.reply->op == net::ARP_REPLY);
    CHECK(o.reply->sender_mac == kOurMac);
    CHECK(o.reply->sender_ip == kOurIp);
    CHECK(o.reply->target_mac == kKernelMac);
    CHECK(o.reply->target_ip == kKernelIp);
    // On the wire the reply goes to the asker, not to everyone.
    std::vector<uint8_t> f;
    net::emit_arp_frame(f, *o.reply);
    std::string why;
    const auto eth = net::parse_ethernet(f, &why);
    REQUIRE(eth);
    CHECK(eth->dst == kKernelMac);
    CHECK(eth->src == kOurMac);
    CHECK(eth->ethertype == net::ETHERTYPE_ARP);
}

TEST_CASE("every later request is answered too, but the first MAC stands for the run") {
    ArpResponder r = responder();
    REQUIRE(r.take(request_for(kOurIp)).learned);
    // The kernel's re-probe, now from another MAC: answered to that MAC, nothing learned.
    const ArpOutcome o = r.take(request_for(kOurIp, kOtherMac));
    CHECK(o.kind == ArpOutcome::Kind::arp);
    CHECK_FALSE(o.learned);
    REQUIRE(o.reply);
    CHECK(o.reply->target_mac == kOtherMac);
    CHECK(r.peer_mac() == kKernelMac);
}

TEST_CASE("the kernel's reply to our request teaches its MAC and is not answered") {
    ArpResponder r = responder();
    const ArpOutcome o = r.take(arp_frame(net::ARP_REPLY, kKernelMac, kKernelIp, kOurIp, kOurMac));
    CHECK(o.kind == ArpOutcome::Kind::arp);
    CHECK(o.learned);
    CHECK_FALSE(o.reply);
    CHECK(r.peer_mac() == kKernelMac);
}

TEST_CASE("requests for other addresses, and ARP from other hosts, change nothing") {
    ArpResponder r = responder();
    SUBCASE("the kernel asks for another address") {
        const ArpOutcome o = r.take(request_for(kOtherIp));
        CHECK(o.kind == ArpOutcome::Kind::arp);
        CHECK_FALSE(o.reply);
        CHECK(o.learned);  // still the kernel speaking: its MAC is learned all the same
    }
    SUBCASE("another host asks for another address") {
        const ArpOutcome o = r.take(request_for(kKernelIp, kOtherMac, kOtherIp));
        CHECK(o.kind == ArpOutcome::Kind::arp);
        CHECK_FALSE(o.reply);
        CHECK_FALSE(o.learned);
        CHECK_FALSE(r.peer_mac_known());
    }
    SUBCASE("another host asks for us: answered, but its MAC is not the kernel's") {
        const ArpOutcome o = r.take(request_for(kOurIp, kOtherMac, kOtherIp));
        REQUIRE(o.reply);
        CHECK(o.reply->target_ip == kOtherIp);
        CHECK_FALSE(o.learned);
        CHECK_FALSE(r.peer_mac_known());
    }
    SUBCASE("a reply from another host") {
        const ArpOutcome o = r.take(arp_frame(net::ARP_REPLY, kOtherMac, kOtherIp, kOurIp, kOurMac));
        CHECK(o.kind == ArpOutcome::Kind::arp);
        CHECK_FALSE(o.reply);
        CHECK_FALSE(r.peer_mac_known());
    }
}

TEST_CASE("a sender MAC nobody can send to is neither answered nor learned") {
    const net::MacAddr zero{};
    const net::MacAddr multicast{{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}};
    for (const net::MacAddr& mac : {zero, net::MacAddr::broadcast(), multicast}) {
        ArpResponder r = responder();
        const ArpOutcome o = r.take(request_for(kOurIp, mac));
        CHECK_MESSAGE(o.kind == ArpOutcome::Kind::arp, net::to_string(mac));
        CHECK_MESSAGE(!o.reply, net::to_string(mac));
        CHECK_MESSAGE(!o.learned, net::to_string(mac));
        CHECK_FALSE(r.peer_mac_known());
    }
}

TEST_CASE("frames that are not ARP are left to the link; malformed ARP is bad") {
    ArpResponder r = responder();
    SUBCASE("IPv6 (a router solicitation, say)") {
        std::vector<uint8_t> f = request_for(kOurIp);
        net::write_be16(f.data() + 12, 0x86dd);
        CHECK(r.take(f).kind == ArpOutcome::Kind::other);
    }
    SUBCASE("too short for an ethertype") {
        const std::vector<uint8_t> f(13, 0xff);
        CHECK(r.take(f).kind == ArpOutcome::Kind::other);
        CHECK(r.take({}).kind == ArpOutcome::Kind::other);
    }
    SUBCASE("an ARP packet cut short") {
        std::vector<uint8_t> f = request_for(kOurIp);
        f.resize(net::EthernetRepr::kLen + net::ArpRepr::kLen - 1);
        const ArpOutcome o = r.take(f);
        CHECK(o.kind == ArpOutcome::Kind::bad);
        CHECK_FALSE(o.reply);
        CHECK_FALSE(o.learned);
    }
    SUBCASE("ARP for another protocol") {
        std::vector<uint8_t> f = request_for(kOurIp);
        net::write_be16(f.data() + net::EthernetRepr::kLen + 2, 0x86dd);  // protocol type
        CHECK(r.take(f).kind == ArpOutcome::Kind::bad);
    }
    SUBCASE("an operation that is neither request nor reply") {
        std::vector<uint8_t> f = request_for(kOurIp);
        net::write_be16(f.data() + net::EthernetRepr::kLen + 6, 3);  // RARP request
        const ArpOutcome o = r.take(f);
        CHECK(o.kind == ArpOutcome::Kind::bad);
        CHECK_FALSE(o.reply);
    }
    SUBCASE("padding after the packet (Ethernet's 60-byte minimum) is fine") {
        std::vector<uint8_t> f = request_for(kOurIp);
        f.resize(60, 0);
        const ArpOutcome o = r.take(f);
        CHECK(o.kind == ArpOutcome::Kind::arp);
        CHECK(o.reply);
        CHECK(o.learned);
        return;
    }
    CHECK_FALSE(r.peer_mac_known());  // nothing above taught us anything
}

TEST_CASE("our request asks everyone for the kernel's address") {
    const net::ArpRepr q = responder().request();
    CHECK(q.op == net::ARP_REQUEST);
    CHECK(q.sender_mac == kOurMac);
    CHECK(q.sender_ip == kOurIp);
    CHECK(q.target_mac == net::MacAddr{});
    CHECK(q.target_ip == kKernelIp);
    std::vector<uint8_t> f;
    net::emit_arp_frame(f, q);
    std::string why;
    const auto eth = net::parse_ethernet(f, &why);
    REQUIRE(eth);
    CHECK(eth->dst == net::MacAddr::broadcast());
}
