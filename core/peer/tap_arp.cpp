// The TAP link's ARP responder. See tap_arp.hpp.
#include "peer/tap_arp.hpp"

#include <string>

#include "net/bytes.hpp"

namespace sendpath::peer {

ArpOutcome ArpResponder::take(std::span<const uint8_t> frame) {
    ArpOutcome out;
    if (frame.size() < net::EthernetRepr::kLen || net::read_be16(frame.data() + 12) != net::ETHERTYPE_ARP) return out;
    std::string why;
    const auto arp = net::parse_arp(frame.subspan(net::EthernetRepr::kLen), &why);
    if (!arp) {
        out.kind = ArpOutcome::Kind::bad;
        return out;
    }
    out.kind = ArpOutcome::Kind::arp;
    // A MAC nobody can send to: never answered, never learned.
    const bool usable_mac = arp->sender_mac != net::MacAddr{} && arp->sender_mac != net::MacAddr::broadcast() &&
                            !(arp->sender_mac.b[0] & 1);
    if (arp->sender_ip == peer_ip_ && usable_mac && !peer_mac_known_) {
        peer_mac_ = arp->sender_mac;  // the first answer stands for the whole run
        peer_mac_known_ = true;
        out.learned = true;
    }
    // Answer every request for our address, also the kernel's re-probes
    // (DELAY -> PROBE after ~5 s): a silent host is unreachable after ~8 s.
    if (arp->op == net::ARP_REQUEST && arp->target_ip == our_ip_ && usable_mac) {
        net::ArpRepr r;
        r.op = net::ARP_REPLY;
        r.sender_mac = our_mac_;
        r.sender_ip = our_ip_;
        r.target_mac = arp->sender_mac;
        r.target_ip = arp->sender_ip;
        out.reply = r;
    }
    return out;
}

net::ArpRepr ArpResponder::request() const {
    net::ArpRepr r;
    r.op = net::ARP_REQUEST;
    r.sender_mac = our_mac_;
    r.sender_ip = our_ip_;
    r.target_mac = net::MacAddr{};
    r.target_ip = peer_ip_;
    return r;
}

}  // namespace sendpath::peer
