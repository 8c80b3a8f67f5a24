// Scenarios: what a run does. A scenario is a JSON file (assets/scenario.schema.json,
// README "Scenario files"): socket options, device features, sysctls, the peer,
// injected faults, and a timeline of application actions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "trace/send_stream.hpp"

namespace sendpath::lesson {

// Linux send flag values.
enum MsgFlag : int64_t { MSG_OOB = 0x1, MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000, MSG_MORE = 0x8000 };

struct Device {
    bool sg = true;          // scatter-gather (NETIF_F_SG): page fragments allowed
    bool csum = true;        // checksum offload (NETIF_F_ALL_CSUM): skbs are CHECKSUM_PARTIAL
    bool gso = true;         // software GSO: multi-segment skbs (needs sg and csum, as in 2.6.32)
    bool tso = false;        // hardware TSO: a multi-segment skb leaves as one big frame
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
    int64_t wmem_max = 131071;      // net.core.wmem_max (caps SO_SNDBUF)
    int64_t other_pages = 0;        // pages other sockets hold in tcp_memory_allocated
    // Fragments an skb may take before frags_full. 2.6.32 has the constant MAX_SKB_FRAGS (18), which a
    // 64 KB skb of 4 KB pages never reaches; modern kernels have this sysctl (net.core.max_skb_frags).
    int64_t max_skb_frags = 18;
    bool operator==(const Sysctls&) const = default;
};

struct Peer {
    std::string type = "sim";       // "sim" (built-in receiver) or "tap" (the real kernel)
    // sim
    int64_t rcvbuf = 131072;        // receive buffer: the window is what is free of it
    int64_t read_rate = -1;         // bytes/s its application reads; -1 = reads at once, 0 = only timeline reads
    bool delayed_ack = true;        // ACK every second full segment, else after delack_ms
    int64_t delack_ms = 40;
    int64_t one_way_delay_us = 500; // each direction
    int64_t mss = 1460;             // MSS it announces in the SYN-ACK
    int64_t wscale = 7;             // window scale it announces (if we offered scaling)
    std::vector<int64_t> drop;      // data segments to lose, by transmission number (1 = first data segment sent)
    std::optional<int64_t> reset_at_us;  // send an RST at this time
    // tap
    std::string dev;                // TAP device name
    std::string connect;            // kernel listener "IP:PORT"
    bool operator==(const Peer&) const = default;
};

struct Faults {
    std::vector<int64_t> fail_skb_alloc;   // the Nth skb allocation fails (1-based)
    std::vector<int64_t> fail_page_alloc;  // the Nth page allocation fails (1-based)
    std::vector<int64_t> signal_at_us;     // a signal arrives for the sending thread at these times
    bool operator==(const Faults&) const = default;
};

struct Action {
    enum class Type { send, sleep, peer_read, setsockopt, shutdown, close };
    Type type = Type::send;
    std::optional<int64_t> at_us;  // start no earlier than this virtual time (absolute)
    // send
    std::vector<int64_t> iov;      // iovec lengths (one entry = a plain buffer)
    std::optional<std::string> data;  // literal payload (UTF-8 bytes); else the pattern of payload_byte()
    int64_t flags = 0;             // MSG_* bits
    std::optional<int64_t> fault_at;  // byte offset in this call's buffer where the user copy faults (EFAULT)
    // sleep
    int64_t duration_us = 0;
    // peer_read
    int64_t bytes = 0;             // -1 = everything queued
    // setsockopt
    std::string option;            // "TCP_NODELAY", "TCP_CORK", "SO_SNDBUF", "SO_SNDTIMEO"
    int64_t value = 0;
    // shutdown: how = "SHUT_WR" (the only one that matters to sending), "SHUT_RD", "SHUT_RDWR"
    std::string how = "SHUT_WR";

    int64_t total() const;  // sum of iov
    bool operator==(const Action&) const = default;
};

struct Scenario {
    std::string name;
    std::string description;
    // "established": the handshake completes before the timeline starts (a blocking connect()).
    // "nonblocking": the timeline starts right after the SYN is sent, so the first send waits for the connection.
    std::string connect = "established";
    Device device;
    SockOptions sock;
    Sysctls sysctl;
    Peer peer;
    Faults faults;
    std::vector<Action> timeline;
    // After the timeline: run until everything is acknowledged, at most this long.
    int64_t drain_us = 10'000'000;
    // Stop the whole run at this virtual time whatever happens.
    int64_t max_time_us = 600'000'000;
    bool operator==(const Scenario&) const = default;

    // The scenario with every default filled in (what a trace stores).
    nlohmann::json to_json() const;
    // The bytes every send() of the timeline asks for, together.
    int64_t bytes_to_send() const;
};

// Parses and validates. file is used in error messages. Throws InputError
// naming the file, the JSON pointer of the bad value and what was expected.
Scenario scenario_from_json(const nlohmann::json& j, const std::string& file);
// Reads a scenario file (JSON). Bad JSON gets line and column.
Scenario load_scenario(const std::string& path);

// Byte `offset` of the buffer of send() call `call` when the scenario gives
// no literal data (the trace rebuilds frame payloads from it too).
using trace::payload_byte;

}  // namespace sendpath::lesson
