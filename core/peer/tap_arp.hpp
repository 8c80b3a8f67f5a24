// The TAP link's ARP: what it answers and what it learns, without a device.
//
// Over TAP we are a host on the kernel's Ethernet, so we must speak ARP: the
// kernel asks for our MAC before it sends us anything (and asks again every
// few seconds on a long connection: it stalls if nobody answers), and we ask
// for its MAC before our SYN. TapLink (tap_link.hpp) feeds every frame that is
// not the engine's to an ArpResponder, and writes and records what it says.
//
//   a request for our address       -> answered (a reply from our MAC)
//   any ARP from the kernel's IP    -> its MAC is learned, once: the first
//                                      usable MAC stands for the whole run
//   a sender MAC that is zero, broadcast or multicast
//                                   -> neither answered nor learned from
//   other requests and replies      -> counted as ARP, nothing more
//   an ARP ethertype with a packet that does not parse -> bad
//   another ethertype (IPv6 ...)    -> not ARP: the link ignores it
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "net/addr.hpp"
#include "net/ethernet.hpp"

namespace sendpath::peer {

struct ArpOutcome {
    enum class Kind {
        other,  // not an ARP frame (or too short to have an ethertype)
        bad,    // ARP ethertype, but not a valid ARP packet for IPv4 over Ethernet
        arp,    // a valid ARP packet
    };
    Kind kind = Kind::other;
    bool learned = false;               // it taught us the kernel's MAC
    std::optional<net::ArpRepr> reply;  // what to send back, if anything
};

class ArpResponder {
public:
    ArpResponder(net::MacAddr our_mac, net::Ipv4Addr our_ip, net::Ipv4Addr peer_ip)
        : our_mac_(our_mac), our_ip_(our_ip), peer_ip_(peer_ip) {}

    // One frame from the device (Ethernet header included).
    ArpOutcome take(std::span<const uint8_t> frame);

    // Who has the kernel's address? (sent before the SYN)
    net::ArpRepr request() const;

    bool peer_mac_known() const { return peer_mac_known_; }
    net::MacAddr peer_mac() const { return peer_mac_; }

private:
    net::MacAddr our_mac_;
    net::Ipv4Addr our_ip_;
    net::Ipv4Addr peer_ip_;
    net::MacAddr peer_mac_{};
    bool peer_mac_known_ = false;
};

}  // namespace sendpath::peer
