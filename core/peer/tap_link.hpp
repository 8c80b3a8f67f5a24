// The real Linux kernel as the peer, over a TAP device.
//
// TapLink is a Link whose frames go out on a TAP device (IFF_TAP | IFF_NO_PI,
// one frame per write) and whose far end is the kernel's own TCP stack
// behind it. The writes are batched: send() queues the frame, and wait(),
// before it reads from the device, hands the queue to it in one
// io_uring_enter() followed by the reads (TapWrites; one write() per frame
// where there is no io_uring).
// It keeps to itself what is not TCP for the engine:
//
//   ARP       answers requests for our address (the kernel re-probes every few
//             seconds on a long connection and stalls if nobody answers),
//             resolves the kernel's MAC before the SYN (attach()), and keeps
//             the first MAC the kernel gave
//   others    non-IPv4 frames (IPv6 MLD and router solicitations, ...), and
//             frames to another host's MAC (what a NIC filters out; the
//             kernel would drop them as PACKET_OTHERHOST), are counted and
//             ignored
//
// Both are recorded in the trace (dir 1 in, dir 0 out; ignored ones marked
// dropped) and belong to the next event the engine emits. Every IPv4 frame to
// our MAC or a group address, valid or not, goes to the engine, which parses it (net::parse_frame) and
// traces bad ones as frame_bad.
//
// The clock. Real time (CLOCK_MONOTONIC, microseconds since the link opened)
// enters only through the time stamp a frame gets when it is read. now_us()
// moves only in wait() (and in attach(), before the run): to the stamp of the
// frame it returns, or to exactly until_us when it returns none. A frame is
// returned only if its stamp is <= until_us, and a wait that times out at
// until_us leaves every later frame a stamp > until_us. So the whole run is a
// function of the incoming frames and their stamps, which the trace records:
// ReplayLink (run/tap_replay.hpp) feeds them to the engine again and gets the
// same events. The price: the engine's own CPU time is not on the clock (what
// it does after a frame or timer all carries that frame's or timer's time),
// and a timer fires when the link looks, a little after it was due in real time.
// Batching does not touch the clock: a queued frame leaves before the link
// next reads from the device or sleeps (or once 64 are queued), so every
// frame read afterwards was read after it left.
//
// Ending. A read or write error that means the device is gone (ENODEV, EIO,
// EBADFD, ENXIO, ...) sets closed_reason() to "device lost: ..."; the runner
// then ends the run with that reason (for a batched write: at the step after
// the batch went out; frames sent meanwhile are recorded as sent). A signal
// interrupting the wait returns at once with no frame and now_us() unchanged,
// so the runner sees its stop request without delay.
//
// Its parts, each in a file of its own: the settings and reading them from
// the command line (tap_config.hpp), opening the device (tap_device.hpp), the
// io_uring (tap_uring.hpp) and ARP (tap_arp.hpp). This file drives them.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "net/addr.hpp"
#include "peer/link.hpp"
#include "peer/tap_arp.hpp"
#include "peer/tap_config.hpp"
#include "peer/tap_device.hpp"
#include "util/message.hpp"

namespace sendpath::peer {

// What the link saw besides the engine's frames.
struct TapCounters {
    uint64_t frames_in = 0;   // read from the device
    uint64_t frames_out = 0;  // written to it (ours and the link's ARP)
    uint64_t to_engine = 0;   // IPv4 frames handed to the engine
    uint64_t arp_in = 0;
    uint64_t arp_out = 0;
    uint64_t arp_bad = 0;       // ARP ethertype, but not a valid ARP packet
    uint64_t ignored = 0;       // not IPv4, not ARP (IPv6 MLD ...), or IPv4 to another host's MAC
    uint64_t write_failed = 0;  // frames the device did not take
    uint64_t ring_submits = 0;  // io_uring_enter() calls that submitted (0 with plain writes)
};

// The frames that go to the engine over TAP: every IPv4 frame whose
// destination is our_mac or a group address (broadcast, multicast), and runts
// too short for an ethertype (the engine counts them as invalid). ARP, other
// ethertypes and IPv4 to another host's MAC are the link's. ReplayLink uses
// the same rule; without our_mac the destination is not looked at.
bool tap_frame_for_engine(std::span<const uint8_t> frame, std::optional<net::MacAddr> our_mac = std::nullopt);

class TapUring;

class TapLink final : public Link {
public:
    // Opens the device (TapDevice: attaches to cfg.dev, creating it if
    // allowed, offloads off) and the io_uring. Throws RuntimeError that says
    // what to do (device missing, no permission, busy).
    explicit TapLink(TapConfig cfg);
    ~TapLink() override;
    TapLink(const TapLink&) = delete;
    TapLink& operator=(const TapLink&) = delete;

    int64_t now_us() override { return now_; }
    bool send(std::span<const uint8_t> frame) override;
    std::optional<Received> wait(int64_t until_us) override;
    std::string closed_reason() const override { return closed_; }
    std::optional<SimAddrs> addrs() const override;
    // Records the link's own frames from now on, and resolves the kernel's MAC.
    void attach(trace::Recorder& rec) override;

    // ARPs for the kernel until it answers (arp_tries requests). Throws
    // RuntimeError if it never does. attach() calls it; a no-op once known.
    void resolve_peer();
    bool peer_mac_known() const { return arp_.peer_mac_known(); }
    bool created_device() const { return device_.created(); }
    const TapConfig& config() const { return cfg_; }
    const TapCounters& counters() const { return counters_; }
    // How frames go out now: batched or sqpoll through io_uring, or plain
    // (asked for, or the ring could not be had: plain_writes_why() says why).
    TapWrites writes() const;
    const std::string& plain_writes_why() const { return plain_why_; }

private:
    struct Pending {
        int64_t stamp = 0;
        std::vector<uint8_t> frame;
    };

    int64_t real_us() const;
    void wait_running(int64_t until_real_us);  // until the kernel can send on the device
    // Reads what the device holds now (up to a bound) into queue_. Returns frames read.
    std::size_t read_available();
    // Blocks until the device is readable or real time reaches until_us.
    // False if interrupted by a signal.
    bool block_until(int64_t until_us);
    void timeout_at(int64_t t);
    // ARP and other non-engine frames; returns true if it taught us the kernel's MAC.
    bool handle_link_frame(const Pending& p);
    bool write_frame(std::span<const uint8_t> frame);
    void took_frame(std::span<const uint8_t> frame);  // read from the device: stamp and queue it
    void open_uring();
    // Hands queued frames to the device; all_done: also waits until every
    // write in flight has completed (their buffers are then free).
    void flush_writes(bool all_done);
    void write_completed(int res, std::span<const uint8_t> frame);
    // One io_uring_enter(): the queued writes, then (with_reads) a few reads
    // into queue_. Returns the frames read.
    std::size_t ring_round(bool with_reads);
    void send_arp(const net::ArpRepr& arp, int64_t t);
    void record(uint8_t dir, std::span<const uint8_t> frame, int64_t t, bool dropped);
    // what: "read from DEV" (err.tap.lost_*), err: the errno that said the device is gone.
    void lose_device(util::Message what, int err);

    TapConfig cfg_;
    int64_t t0_ns_ = 0;  // CLOCK_MONOTONIC when the link opened
    TapDevice device_;
    ArpResponder arp_;           // answers for our address, learns the kernel's MAC
    int64_t now_ = 0;            // the link's clock (see the header comment)
    int64_t floor_ = 0;          // the least stamp the next frame read may get
    std::deque<Pending> queue_;  // read, not yet handled, in order
    std::vector<uint8_t> buf_;
    trace::Recorder* rec_ = nullptr;
    std::string closed_;        // closed_msg_ in English ("device lost: ...")
    util::Message closed_msg_;  // why the link closed, in any language
    TapCounters counters_;
    std::vector<uint8_t> arp_buf_;
    std::unique_ptr<TapUring> uring_;
    std::string plain_why_;
    int ring_read_err_ = 0;  // errno of the last ring read that brought no frame
};

}  // namespace sendpath::peer
