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
//   others    non-IPv4 frames (IPv6 MLD and router solicitations, ...) are
//             counted and ignored
//
// Both are recorded in the trace (dir 1 in, dir 0 out; ignored ones marked
// dropped) and belong to the next event the engine emits. Every IPv4 frame,
// valid or not, goes to the engine, which parses it (net::parse_frame) and
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
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/addr.hpp"
#include "peer/link.hpp"

namespace sendpath::peer {

// How our frames reach the device (tap_link.cpp, "The io_uring"). The
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
    std::string dev;                       // TAP device name
    net::Ipv4Addr peer_ip;                 // the kernel's listener
    uint16_t peer_port = 0;
    net::Ipv4Addr our_ip;                  // see default_our_ip()
    net::MacAddr our_mac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};
    uint16_t our_port = 0;                 // 0: a port picked per run in 32768..60999
    // ARP for the kernel: this many requests, one every arp_interval_us.
    int arp_tries = 3;
    int64_t arp_interval_us = 1'000'000;
    // If the device does not exist, we hold CAP_NET_ADMIN and we are in a
    // network namespace of our own (not pid 1's): create it (it goes away
    // when the link closes), give it peer_ip/24 and mtu, bring it up.
    bool create = true;
    int64_t mtu = 1500;                    // for a device we create
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

// What the link saw besides the engine's frames.
struct TapCounters {
    uint64_t frames_in = 0;       // read from the device
    uint64_t frames_out = 0;      // written to it (ours and the link's ARP)
    uint64_t to_engine = 0;       // IPv4 frames handed to the engine
    uint64_t arp_in = 0;
    uint64_t arp_out = 0;
    uint64_t arp_bad = 0;         // ARP ethertype, but not a valid ARP packet
    uint64_t ignored = 0;         // not IPv4, not ARP (IPv6 MLD ...)
    uint64_t write_failed = 0;    // frames the device did not take
    uint64_t ring_submits = 0;    // io_uring_enter() calls that submitted (0 with plain writes)
};

// The frames that go to the engine over TAP: every IPv4 frame, and runts too
// short for an ethertype (the engine counts them as invalid). ARP and other
// ethertypes are the link's. ReplayLink uses the same rule.
bool tap_frame_for_engine(std::span<const uint8_t> frame);

class TapUring;

class TapLink final : public Link {
public:
    // Opens /dev/net/tun, attaches to cfg.dev (creating it if allowed) and
    // turns offloads off (TUNSETOFFLOAD 0: a persistent TAP keeps the last
    // owner's setting, and with it the kernel hands us partial checksums).
    // Throws RuntimeError that says what to do (device missing, no permission, busy).
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
    bool peer_mac_known() const { return peer_mac_known_; }
    bool created_device() const { return created_; }
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
    void open_device();
    void configure_created_device();
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
    void send_arp(uint16_t op, net::MacAddr target_mac, net::Ipv4Addr target_ip, int64_t t);
    void record(uint8_t dir, std::span<const uint8_t> frame, int64_t t, bool dropped);
    void lose_device(const std::string& what, int err);

    TapConfig cfg_;
    int fd_ = -1;
    int ctl_ = -1;               // an AF_INET socket for the device's flags
    bool created_ = false;
    int64_t t0_ns_ = 0;          // CLOCK_MONOTONIC when the link opened
    int64_t now_ = 0;            // the link's clock (see the header comment)
    int64_t floor_ = 0;          // the least stamp the next frame read may get
    std::deque<Pending> queue_;  // read, not yet handled, in order
    std::vector<uint8_t> buf_;
    trace::Recorder* rec_ = nullptr;
    net::MacAddr peer_mac_{};
    bool peer_mac_known_ = false;
    std::string closed_;
    TapCounters counters_;
    std::vector<uint8_t> arp_buf_;
    std::unique_ptr<TapUring> uring_;
    std::string plain_why_;
    int ring_read_err_ = 0;      // errno of the last ring read that brought no frame
};

}  // namespace sendpath::peer
