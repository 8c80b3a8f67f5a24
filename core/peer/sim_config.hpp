// How the simulated receiver (sim_peer.hpp) behaves. The scenario layer fills
// it in from a scenario's "peer" section (lesson::Peer is one).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace sendpath::peer {

struct SimPeerConfig {
    int64_t rcvbuf = 131072;  // receive buffer: the window is what is free of it
    int64_t read_rate = -1;   // bytes/s its application reads; -1 = reads at once, 0 = only timeline reads
    bool delayed_ack = true;  // ACK every second full segment, else after delack_ms
    int64_t delack_ms = 40;
    // Quick-ack mode as Linux 2.6.32 runs it (tcp_incr_quickack): the first
    // segments of a connection, and those after a pause longer than the RTO,
    // are ACKed at once. false: every lone segment waits for delack_ms, the
    // classic Nagle / delayed-ACK stall from the very first exchange.
    bool quickack = true;
    int64_t one_way_delay_us = 500;  // each direction
    int64_t mss = 1460;              // MSS it announces in the SYN-ACK
    int64_t wscale = 7;              // window scale it announces (if we offered scaling)
    std::vector<int64_t> drop;       // data segments to lose, by transmission number (1 = first data segment sent)
    // The peer's ACKs lost on the way back, by number: 1 = the first segment
    // it sends after its SYN-ACK (an ACK or a window update; an RST always
    // arrives). Increasing.
    std::vector<int64_t> drop_acks;
    // Data segments that arrive late, by transmission number: each pair is
    // (number, extra one-way delay in µs), numbers increasing. A segment held
    // longer than the ones sent after it reaches the peer out of order.
    std::vector<std::pair<int64_t, int64_t>> late;
    // Random loss: each data segment on its way to the peer, and each ACK on
    // its way back, is lost with probability loss_rate (0 = none), drawn from
    // a generator seeded with loss_seed, so a run is the same every time.
    double loss_rate = 0;
    uint64_t loss_seed = 1;
    // SACK: agreed when the sender's SYN offers it, and then SACK and D-SACK
    // blocks go out as a Linux receiver sends them. false: the peer answers
    // without SACK_PERM and the sender counts duplicate ACKs (NewReno).
    bool sack = true;
    std::optional<int64_t> reset_at_us;  // send an RST at this time
    bool operator==(const SimPeerConfig&) const = default;
};

}  // namespace sendpath::peer
