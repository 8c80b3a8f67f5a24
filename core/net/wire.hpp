// Everything in core/net: addresses, byte access, checksums, Ethernet, ARP,
// IPv4, TCP, whole frames. Parse and emit only; no protocol logic.
#pragma once

#include "net/addr.hpp"
#include "net/bytes.hpp"
#include "net/checksum.hpp"
#include "net/ethernet.hpp"
#include "net/frame.hpp"
#include "net/ipv4.hpp"
#include "net/tcp.hpp"
