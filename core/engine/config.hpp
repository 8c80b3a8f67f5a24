// What the engine is told about the machine and the socket it models: the
// device's features, the socket options, the sysctls and the faults to inject.
//
// These are the engine's own types. The scenario layer (lesson/scenario.hpp)
// reads them from a scenario file and hands them over as a Config; the engine
// knows nothing of scenarios, timelines or files.
#pragma once

#include <array>
#include <string>
#include <cstdint>
#include <optional>
#include <vector>

namespace sendpath::engine {

// Linux send flag values.
enum MsgFlag : int64_t { MSG_OOB = 0x1, MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000, MSG_MORE = 0x8000 };

struct Device {
    bool sg = true;    // scatter-gather (NETIF_F_SG): page fragments allowed
    bool csum = true;  // checksum offload (NETIF_F_ALL_CSUM): skbs are CHECKSUM_PARTIAL
    bool gso = true;   // software GSO: multi-segment skbs (needs sg and csum, as in 2.6.32)
    bool tso = false;  // hardware TSO: a multi-segment skb leaves as one big frame
    int64_t mtu = 1500;
    bool operator==(const Device&) const = default;
};

struct SockOptions {
    std::optional<int64_t> sndbuf;  // SO_SNDBUF as passed to setsockopt (the kernel doubles it)
    bool nodelay = false;           // TCP_NODELAY
    bool cork = false;              // TCP_CORK
    int64_t sndtimeo_ms = -1;       // SO_SNDTIMEO, -1 = wait forever
    bool nonblock = false;          // O_NONBLOCK: every send behaves as MSG_DONTWAIT
    bool timestamps = true;         // offer the TCP timestamp option in the SYN
    bool window_scaling = true;     // offer window scaling in the SYN
    bool sack = true;               // offer SACK-permitted in the SYN
    bool operator==(const SockOptions&) const = default;
};

struct Sysctls {
    std::array<int64_t, 3> tcp_wmem{4096, 16384, 4194304};
    std::array<int64_t, 3> tcp_mem{188205, 250940, 376410};  // pages (a 2 GB machine)
    int64_t wmem_max = 131071;                               // net.core.wmem_max (caps SO_SNDBUF)
    int64_t other_pages = 0;                                 // pages other sockets hold in tcp_memory_allocated
    // Fragments an skb may take before frags_full. 2.6.32 has the constant MAX_SKB_FRAGS (18), which a
    // 64 KB skb of 4 KB pages never reaches; modern kernels have this sysctl (net.core.max_skb_frags).
    int64_t max_skb_frags = 18;
    // net.ipv4.tcp_fack (default 1): with SACK, count holes up to the highest SACK as lost (FACK).
    bool tcp_fack = true;
    // net.ipv4.tcp_congestion_control: 2.6.32's default is "cubic" (CUBIC with
    // HyStart, tcp_cubic.c); "reno" is tcp_cong.c's Reno.
    std::string tcp_congestion_control = "cubic";
    // net.ipv4.tcp_frto: F-RTO after a timeout. 0 off, 1 basic (RFC 4138),
    // 2 (2.6.32's default) SACK-enhanced when SACK is agreed, else basic.
    int64_t tcp_frto = 2;
    bool operator==(const Sysctls&) const = default;
};

struct Faults {
    std::vector<int64_t> fail_skb_alloc;   // the Nth skb allocation fails (1-based)
    std::vector<int64_t> fail_page_alloc;  // the Nth page allocation fails (1-based)
    std::vector<int64_t> signal_at_us;     // a signal arrives for the sending thread at these times
    // The handler was installed with SA_RESTART: a send() that got -ERESTARTSYS
    // is started again instead of failing with EINTR.
    bool sa_restart = false;
    bool operator==(const Faults&) const = default;
};

// Everything the engine reads of a run's setup.
struct Config {
    Device device;
    SockOptions sock;
    Sysctls sysctl;
    Faults faults;
    // The bytes the run's send() calls ask for, together: the engine takes
    // buffers for up to a send buffer's worth of them up front.
    int64_t bytes_to_send = 0;
};

}  // namespace sendpath::engine
