// The wire and the clock, as the engine sees them.
//
// A Link carries our frames to whoever is on the other end and brings theirs
// back. It also owns time: virtual for the simulated peer (deterministic), the
// real clock for a TAP device. The engine is sans-IO: it hands finished
// Ethernet frames to send() and gets frames from wait().
//
// The port belongs to the engine; the peers (peer/) implement it, and the
// runner (run/) picks one for a run.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/addresses.hpp"
#include "net/frame.hpp"

namespace sendpath::trace {
class Recorder;
}

namespace sendpath::engine {

// A TCP segment a peer in this process hands over as it is, headers known
// (see Link::takes_segments): what parsing its frame would give.
struct SegmentIn {
    net::Ipv4Addr src_ip;
    net::Ipv4Addr dst_ip;
    net::TcpRepr tcp;
    uint32_t payload_len = 0;
};

struct Received {
    int64_t time_us = 0;
    std::vector<uint8_t> frame;  // the frame; may be empty when has_segment and no trace records it
    bool has_segment = false;    // then the engine takes segment instead of parsing frame
    SegmentIn segment;
};

class Link {
public:
    virtual ~Link() = default;
    virtual int64_t now_us() = 0;
    // A frame leaves us now. Returns false if the frame was lost on the way
    // (scripted loss); the frame is still recorded as sent.
    virtual bool send(std::span<const uint8_t> frame) = 0;
    // A link to a peer in this process may take our TCP segments before they
    // are bytes, as the kernel's loopback device hands a CHECKSUM_PARTIAL skb
    // to the receiving socket: there is no wire that could corrupt it, so no
    // checksum is computed or verified on the way. The engine then builds a
    // frame's bytes only to record them (sendpath-cli check verifies those).
    // Same contract as send(); only called when takes_segments().
    virtual bool takes_segments() const { return false; }
    virtual bool send_segment(const net::FrameAddrs& a, const net::TcpRepr& tcp, uint32_t payload_len) {
        (void)a, (void)tcp, (void)payload_len;
        return false;
    }
    // Waits until a frame for us arrives or time reaches until_us, whichever
    // comes first, and returns the frame if one came. Time is now_us() afterwards.
    virtual std::optional<Received> wait(int64_t until_us) = 0;
    // Why the link ended, if it did (device lost, interrupted); empty while usable.
    virtual std::string closed_reason() const { return {}; }
    // The run's addresses when the link decides them (over TAP: ours, the
    // kernel's, and its MAC learned by ARP); nullopt: the simulated SimAddrs{}.
    virtual std::optional<SimAddrs> addrs() const { return std::nullopt; }
    // Called once by the runner before the socket is created: frames the link
    // handles itself (ARP over TAP) are recorded through rec. May block while
    // the link learns the kernel's MAC.
    virtual void attach(trace::Recorder& rec) { (void)rec; }
};

}  // namespace sendpath::engine
