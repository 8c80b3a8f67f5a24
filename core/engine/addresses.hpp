// The addresses of a run. With the simulated peer they are fixed; over TAP
// the kernel side is whatever the user configured (--connect IP:PORT), and the
// link says so (Link::addrs()).
#pragma once

#include <cstdint>

#include "net/addr.hpp"

namespace sendpath::engine {

struct SimAddrs {
    net::MacAddr our_mac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};
    net::Ipv4Addr our_ip = net::Ipv4Addr::of(10, 99, 0, 2);
    uint16_t our_port = 40000;
    net::MacAddr peer_mac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
    net::Ipv4Addr peer_ip = net::Ipv4Addr::of(10, 99, 0, 1);
    uint16_t peer_port = 5001;
};

}  // namespace sendpath::engine
