// How a TAP link is set up, and reading those settings from what the user typed.
//
// The text comes from the command line (--tap DEV, --connect IP:PORT,
// --local IP) or from a scenario's "tap" peer (peer.dev, peer.connect); the
// run layer (run/tap_setup.hpp) puts a scenario's values in. Malformed values
// are bad input: InputError named by the option that gives them (the CLI
// exits 2), with what was expected and what was found.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/addr.hpp"

namespace sendpath::peer {

// How our frames reach the device (tap_link.cpp, tap_uring.hpp). The
// environment variable SENDPATH_TAP_WRITES=plain|batched|sqpoll overrides it.
enum class TapWrites {
    batched,  // queued, and handed to the device in batches through an
              // io_uring at the next wait(), with the reads; plain where the
              // kernel gives us no io_uring (old, disabled, seccomp)
    sqpoll,   // the same ring with IORING_SETUP_SQPOLL: a kernel thread takes
              // each frame at once and writes it on another CPU. Faster when
              // a CPU is idle, slower when none is; it spins while busy
    plain,    // one write() per frame and one read() per frame coming back
};

struct TapConfig {
    std::string dev;        // TAP device name
    net::Ipv4Addr peer_ip;  // the kernel's listener
    uint16_t peer_port = 0;
    net::Ipv4Addr our_ip;  // see default_our_ip()
    net::MacAddr our_mac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};
    uint16_t our_port = 0;  // 0: a port picked per run in 32768..60999
    // ARP for the kernel: this many requests, one every arp_interval_us.
    int arp_tries = 3;
    int64_t arp_interval_us = 1'000'000;
    // If the device does not exist, we hold CAP_NET_ADMIN and we are in a
    // network namespace of our own (not pid 1's): create it (it goes away
    // when the link closes), give it peer_ip/24 and mtu, bring it up.
    bool create = true;
    int64_t mtu = 1500;  // for a device we create
    TapWrites writes = TapWrites::batched;
};

// Our address by default: the kernel's /24 with host part .2 (.1 if the kernel is .2).
net::Ipv4Addr default_our_ip(net::Ipv4Addr peer_ip);

// "IP:PORT" with a dotted IPv4 address and a port from 1 to 65535; nullopt otherwise.
struct IpPort {
    net::Ipv4Addr ip;
    uint16_t port = 0;
};
std::optional<IpPort> parse_ip_port(std::string_view s);

// The configuration for device dev, the kernel's listener connect ("IP:PORT")
// and our address local ("" = default_our_ip). Throws InputError naming the
// option (--tap, --connect, --local) that is missing or malformed. The rest
// (mtu, writes, ...) keeps its default.
TapConfig tap_config(const std::string& dev, const std::string& connect, const std::string& local = "");

}  // namespace sendpath::peer
