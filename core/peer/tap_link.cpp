// The TAP link. See tap_link.hpp for what it does and why its clock is built
// the way it is. Its parts live beside it: the settings (tap_config.cpp), the
// device (tap_device.cpp), the io_uring (tap_uring.cpp) and ARP (tap_arp.cpp).
//
// [SECTION] Opening
// [SECTION] The clock and wait()
// [SECTION] Sending
// [SECTION] ARP and the other frames the link keeps
#include "peer/tap_link.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <poll.h>
#include <unistd.h>

#include "net/bytes.hpp"
#include "net/ethernet.hpp"
#include "net/frame.hpp"
#include "peer/tap_uring.hpp"
#include "trace/recorder.hpp"
#include "util/errno_text.hpp"
#include "util/errors.hpp"

namespace sendpath::peer {
using util::Message;

namespace {

constexpr std::size_t kReadBuf = 65536 + 64;  // a 64 KiB MTU frame and then some
constexpr std::size_t kReadBurst = 256;       // frames read in one go before looking at the queue

std::string errno_text(int err) { return std::strerror(err); }

// Errors after which the device is of no more use to us.
bool means_device_lost(int err) {
    return err != EAGAIN && err != EWOULDBLOCK && err != EINTR && err != EINVAL && err != EMSGSIZE && err != ENOBUFS &&
           err != ENOMEM && err != EFAULT;
}

int64_t monotonic_ns() {
    struct timespec ts {};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

bool tap_frame_for_engine(std::span<const uint8_t> frame, std::optional<net::MacAddr> our_mac) {
    if (frame.size() < net::EthernetRepr::kLen) return true;
    if (net::read_be16(frame.data() + 12) != net::ETHERTYPE_IPV4) return false;
    const bool group = frame[0] & 1;  // the I/G bit: broadcast or multicast
    return !our_mac || group || std::equal(our_mac->b.begin(), our_mac->b.end(), frame.begin());
}

// ---------------------------------------------------------------------------
// [SECTION] Opening
// ---------------------------------------------------------------------------

TapLink::TapLink(TapConfig cfg)
    : cfg_(std::move(cfg)),
      t0_ns_(monotonic_ns()),
      device_(cfg_),
      arp_(cfg_.our_mac, cfg_.our_ip, cfg_.peer_ip),
      buf_(kReadBuf) {
    if (cfg_.our_port == 0) {
        // An ephemeral port per run: a kernel that still holds an old connection
        // on the same four-tuple (a run cut short) would answer our SYN with a
        // challenge ACK instead of a SYN-ACK.
        const uint64_t mix = static_cast<uint64_t>(::getpid()) * 2654435761u ^ static_cast<uint64_t>(t0_ns_ >> 10);
        cfg_.our_port = static_cast<uint16_t>(32768 + mix % 28232);
    }
    open_uring();
}

TapLink::~TapLink() {
    // What the engine sent last (the ACK of the kernel's FIN) is still queued.
    if (uring_) flush_writes(true);
    uring_.reset();
}

std::optional<SimAddrs> TapLink::addrs() const {
    SimAddrs a;
    a.our_mac = cfg_.our_mac;
    a.our_ip = cfg_.our_ip;
    a.our_port = cfg_.our_port;
    a.peer_mac = arp_.peer_mac();
    a.peer_ip = cfg_.peer_ip;
    a.peer_port = cfg_.peer_port;
    return a;
}

void TapLink::attach(trace::Recorder& rec) {
    rec_ = &rec;
    resolve_peer();
    rec.set_time(now_);
}

// ---------------------------------------------------------------------------
// [SECTION] The clock and wait()
// ---------------------------------------------------------------------------

int64_t TapLink::real_us() const {
    struct timespec ts {};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return (static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec - t0_ns_) / 1000;
}

void TapLink::timeout_at(int64_t t) {
    now_ = std::max(now_, t);
    floor_ = std::max(floor_, now_ + 1);  // what is read from now on comes after t
}

// A frame read from the device: stamped now (never before the last one) and queued.
void TapLink::took_frame(std::span<const uint8_t> frame) {
    Pending p;
    p.stamp = std::max(real_us(), floor_);
    floor_ = p.stamp;
    p.frame.assign(frame.begin(), frame.end());
    queue_.push_back(std::move(p));
    ++counters_.frames_in;
}

std::size_t TapLink::read_available() {
    std::size_t got = 0;
    if (uring_ && uring_->sqpoll()) flush_writes(false);
    // With the batched ring: the queued writes, then kReads reads, in one
    // submit. The kernel handles our frames inside it, so what it answers
    // to them is there for the reads.
    while (uring_ && !uring_->sqpoll() && got < kReadBurst && closed_.empty()) {
        const std::size_t n = ring_round(true);
        got += n;
        if (n < TapUring::kReads) return got;
    }
    while (got < kReadBurst && closed_.empty()) {
        const ssize_t n = ::read(device_.fd(), buf_.data(), buf_.size());
        if (n > 0) {
            took_frame({buf_.data(), static_cast<std::size_t>(n)});
            ++got;
            continue;
        }
        if (n == 0) break;
        const int err = errno;
        if (err == EINTR) continue;
        if (err == EAGAIN || err == EWOULDBLOCK) break;
        if (means_device_lost(err)) lose_device(Message::of("err.tap.lost_read", {cfg_.dev}), err);
        break;
    }
    return got;
}

bool TapLink::block_until(int64_t until_us) {
    const int64_t left = until_us - real_us();
    if (left <= 0) return true;
    struct timespec ts {};
    ts.tv_sec = static_cast<time_t>(left / 1'000'000);
    ts.tv_nsec = static_cast<long>(left % 1'000'000) * 1000;
    struct pollfd pfd {};
    pfd.fd = device_.fd();
    pfd.events = POLLIN;
    const int r = ::ppoll(&pfd, 1, &ts, nullptr);
    if (r < 0) {
        if (errno == EINTR) return false;
        lose_device(Message::of("err.tap.lost_poll", {cfg_.dev}), errno);
        return true;
    }
    if (r > 0 && (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) && read_available() == 0 && closed_.empty())
        lose_device(Message::of("err.tap.lost_poll_error", {cfg_.dev}), EBADFD);
    return true;
}

std::optional<Received> TapLink::wait(int64_t until_us) {
    const int64_t u = std::max(until_us, now_);
    for (;;) {
        while (!queue_.empty() && queue_.front().stamp <= u) {
            Pending p = std::move(queue_.front());
            queue_.pop_front();
            if (tap_frame_for_engine(p.frame, cfg_.our_mac)) {
                now_ = std::max(now_, p.stamp);
                ++counters_.to_engine;
                Received r;
                r.time_us = p.stamp;
                r.frame = std::move(p.frame);
                return r;
            }
            handle_link_frame(p);
        }
        if (!queue_.empty()) {  // the next frame came after u
            timeout_at(u);
            return std::nullopt;
        }
        if (!closed_.empty()) return std::nullopt;
        if (read_available() > 0) continue;  // also hands our queued frames to the device
        if (!closed_.empty()) return std::nullopt;
        if (real_us() >= u) {
            timeout_at(u);
            return std::nullopt;
        }
        // A signal: back to the runner with no frame and the clock where it
        // was, so it can look at its stop request now.
        if (!block_until(u)) return std::nullopt;
    }
}

void TapLink::lose_device(Message what, int err) {
    if (!closed_.empty()) return;
    const char* key = err == EIO                                       ? "err.tap.lost_down"
                      : err == EBADFD || err == ENODEV || err == ENXIO ? "err.tap.lost_removed"
                                                                       : "err.tap.lost";
    closed_msg_ = Message::of(key, {std::move(what), util::errno_message(err)});
    closed_ = closed_msg_.str();
}

// ---------------------------------------------------------------------------
// [SECTION] Sending
// ---------------------------------------------------------------------------

void TapLink::open_uring() {
    TapWrites w = cfg_.writes;
    if (const char* e = std::getenv("SENDPATH_TAP_WRITES")) {
        const std::string v = e;
        if (v == "plain") w = TapWrites::plain;
        else if (v == "batched") w = TapWrites::batched;
        else if (v == "sqpoll") w = TapWrites::sqpoll;
        else throw RuntimeError(Message::of("err.tap.writes_env", {v}));
    }
    if (w == TapWrites::plain) {
        plain_why_ = "plain writes asked for";
        return;
    }
    uring_ = TapUring::open(device_.fd(), kReadBuf, w == TapWrites::sqpoll, plain_why_);
    if (!uring_ && w == TapWrites::sqpoll) {
        // SQPOLL needs CAP_SYS_NICE before 5.11 (and a kernel thread): the batched ring then.
        std::string why;
        uring_ = TapUring::open(device_.fd(), kReadBuf, false, why);
        if (uring_) plain_why_.clear();
    }
    if (!uring_ || uring_->sqpoll()) return;
    // A first read must come back at once, with a frame or -EAGAIN: a kernel
    // whose TAP does not take RWF_NOWAIT says EOPNOTSUPP here, and plain
    // reads and writes are used then.
    ring_round(true);
    if (uring_ && ring_read_err_ != 0 && ring_read_err_ != EAGAIN) {
        plain_why_ = "io_uring read on the TAP: " + errno_text(ring_read_err_);
        uring_.reset();
    }
}

TapWrites TapLink::writes() const {
    return !uring_ ? TapWrites::plain : uring_->sqpoll() ? TapWrites::sqpoll : TapWrites::batched;
}

// With the ring, a frame is queued here and handed to the device at the next
// wait() that looks at the device (or when all slots are taken). That keeps
// the engine's contract: time moves only in wait(), and what the kernel
// answers is read there, after our frames went out. send() says true for a
// queued frame, as ReplayLink does: whether the TAP took it is known only at
// completion. A frame it did not take is counted in write_failed and is lost
// like a frame on the wire (TCP retransmits it); device loss ends the run at
// the next step, as before.
bool TapLink::send(std::span<const uint8_t> frame) {
    if (uring_ && closed_.empty() && uring_->full()) flush_writes(false);
    if (!uring_) return write_frame(frame);
    if (!closed_.empty()) {
        ++counters_.write_failed;
        return false;
    }
    uring_->queue_write(frame);
    if (uring_->sqpoll()) flush_writes(false);
    return true;
}

void TapLink::write_completed(int res, std::span<const uint8_t> frame) {
    if (res == static_cast<int>(frame.size())) {
        ++counters_.frames_out;
        return;
    }
    // The TAP could not take it now: write it ourselves, waiting for room as
    // a plain write does. The frames after it in the batch are already out,
    // so it arrives as after a reordering on the wire. (A TAP puts no limit
    // on writes in practice: not seen.)
    if (res == -EAGAIN || res == -EINTR) {
        write_frame(frame);
        return;
    }
    ++counters_.write_failed;  // a TAP takes a frame whole or not at all: a short write is a failure
    if (res < 0 && means_device_lost(-res)) lose_device(Message::of("err.tap.lost_write", {cfg_.dev}), -res);
}

std::size_t TapLink::ring_round(bool with_reads) {
    std::size_t got = 0;
    bool more = with_reads;
    auto on_write = [this](int res, std::span<const uint8_t> f) { write_completed(res, f); };
    auto on_read = [&](int res, std::span<const uint8_t> b) {
        // A frame is kept whichever read got it: the reads ran in order, so
        // one after a read that found nothing got a frame that came in
        // between, and the frames are still in the order the kernel sent them.
        if (res > 0) {
            took_frame(b.first(static_cast<std::size_t>(res)));
            ++got;
            return;
        }
        if (more) ring_read_err_ = res < 0 ? -res : 0;  // the device is drained, or why not
        more = false;
        if (res < 0 && res != -EAGAIN && res != -EINTR && res != -EOPNOTSUPP && means_device_lost(-res))
            lose_device(Message::of("err.tap.lost_read", {cfg_.dev}), -res);
    };
    if (with_reads) uring_->queue_reads();
    int err = 0;
    for (int tries = 0;; ++tries) {
        ++counters_.ring_submits;
        err = uring_->submit();
        uring_->reap(on_write, on_read);
        // Everything taken has completed, unless the kernel chose to run a
        // request elsewhere (not seen): then wait for it, its slot is in use.
        while (uring_->in_flight() > 0) {
            const int w = uring_->wait_for(uring_->in_flight());
            uring_->reap(on_write, on_read);
            if (w != 0 && w != EINTR) break;
        }
        if (err == 0 && uring_->unsubmitted() == 0) break;
        if (err != 0 && err != EINTR && err != EAGAIN && err != EBUSY) break;
        if (tries > 1000) break;         // still short of memory after a second: give the ring up
        if (tries > 10) ::usleep(1000);  // the kernel is short of memory
    }
    if (err == 0 && uring_->unsubmitted() > 0) err = EAGAIN;
    if (err != 0) {
        // The ring itself failed, and the kernel took none of what was
        // queued: those frames go out by write(), in order, and so does
        // everything after them.
        plain_why_ = "io_uring_enter: " + errno_text(err);
        uring_->take_unsubmitted([this](std::span<const uint8_t> f) { write_frame(f); });
        if (uring_->in_flight() == 0) uring_.reset();
    }
    return got;
}

void TapLink::flush_writes(bool all_done) {
    if (!uring_->sqpoll()) {
        ring_round(false);
        return;
    }
    // SQPOLL: the kernel thread takes what is published; we only collect
    // completions, and wait for one when every slot is busy.
    auto on_write = [this](int res, std::span<const uint8_t> f) { write_completed(res, f); };
    auto on_read = [](int, std::span<const uint8_t>) {};
    uring_->reap(on_write, on_read);
    if (uring_->unsubmitted()) {
        ++counters_.ring_submits;
        uring_->submit();  // no error to expect: at most a wake-up of the thread
    }
    for (int tries = 0; (uring_->full() || (all_done && uring_->writes_busy() > 0)) && tries < 100000; ++tries) {
        const int err = uring_->wait_for(1);
        if (err != 0 && err != EINTR && err != EAGAIN && err != EBUSY) break;
        uring_->reap(on_write, on_read);
    }
}

bool TapLink::write_frame(std::span<const uint8_t> frame) {
    if (!closed_.empty()) {
        ++counters_.write_failed;
        return false;
    }
    for (int attempt = 0;; ++attempt) {
        const ssize_t n = ::write(device_.fd(), frame.data(), frame.size());
        if (n == static_cast<ssize_t>(frame.size())) {
            ++counters_.frames_out;
            return true;
        }
        if (n >= 0) break;  // a TAP takes a frame whole or not at all
        const int err = errno;
        if (err == EINTR) continue;
        if ((err == EAGAIN || err == EWOULDBLOCK) && attempt < 50) {
            struct pollfd pfd {};
            pfd.fd = device_.fd();
            pfd.events = POLLOUT;
            ::poll(&pfd, 1, 2);
            continue;
        }
        if (means_device_lost(err)) lose_device(Message::of("err.tap.lost_write", {cfg_.dev}), err);
        break;
    }
    ++counters_.write_failed;
    return false;
}

// ---------------------------------------------------------------------------
// [SECTION] ARP and the other frames the link keeps
// ---------------------------------------------------------------------------

void TapLink::record(uint8_t dir, std::span<const uint8_t> frame, int64_t t, bool dropped) {
    if (!rec_) return;
    rec_->set_time(t);
    rec_->add_frame(dir, 0, frame.data(), frame.size(), dropped);
}

void TapLink::send_arp(const net::ArpRepr& arp, int64_t t) {
    arp_buf_.clear();
    net::emit_arp_frame(arp_buf_, arp);
    if (uring_) flush_writes(true);  // the engine's frames before it stay before it
    const bool ok = write_frame(arp_buf_);
    if (ok) ++counters_.arp_out;
    record(0, arp_buf_, t, !ok);
}

bool TapLink::handle_link_frame(const Pending& p) {
    const std::span<const uint8_t> f(p.frame);
    const ArpOutcome a = arp_.take(f);
    if (a.kind == ArpOutcome::Kind::other) {
        ++counters_.ignored;  // IPv6 and the rest: not ours to answer
        record(1, f, p.stamp, true);
        return false;
    }
    if (a.kind == ArpOutcome::Kind::bad) {
        ++counters_.arp_bad;
        record(1, f, p.stamp, true);
        return false;
    }
    ++counters_.arp_in;
    record(1, f, p.stamp, false);
    if (a.reply) send_arp(*a.reply, p.stamp);
    return a.learned;
}

// The kernel sends nothing on a TAP before it is running (TapDevice::running);
// an ARP request before then is answered into the void.
void TapLink::wait_running(int64_t until_real_us) {
    if (!device_.has_flags()) return;
    while (!device_.running() && real_us() < until_real_us) ::usleep(2000);
    now_ = std::max(now_, real_us());
    floor_ = std::max(floor_, now_);
}

void TapLink::resolve_peer() {
    if (arp_.peer_mac_known()) return;
    wait_running(real_us() + 2'000'000);
    std::deque<Pending> held;  // engine frames that came meanwhile
    for (int attempt = 0; attempt < std::max(cfg_.arp_tries, 1) && !arp_.peer_mac_known() && closed_.empty();
         ++attempt) {
        send_arp(arp_.request(), now_);
        const int64_t deadline = now_ + cfg_.arp_interval_us;
        while (!arp_.peer_mac_known() && closed_.empty()) {
            if (!queue_.empty() && queue_.front().stamp <= deadline) {
                Pending p = std::move(queue_.front());
                queue_.pop_front();
                if (tap_frame_for_engine(p.frame, cfg_.our_mac)) {
                    held.push_back(std::move(p));
                } else if (handle_link_frame(p)) {
                    now_ = std::max(now_, p.stamp);
                }
                continue;
            }
            if (!queue_.empty()) {
                timeout_at(deadline);
                break;
            }
            if (read_available() > 0) continue;
            if (real_us() >= deadline) {
                timeout_at(deadline);
                break;
            }
            block_until(deadline);  // a signal: look again
        }
    }
    // Held frames go first, stamped no earlier than the ARP frames recorded
    // before them (frames in a trace are in time order).
    for (auto it = held.rbegin(); it != held.rend(); ++it) {
        it->stamp = std::max(it->stamp, now_);
        queue_.push_front(std::move(*it));
    }
    if (!closed_.empty()) throw RuntimeError(closed_msg_);
    if (!arp_.peer_mac_known()) {
        const std::string ip = net::to_string(cfg_.peer_ip), dev = cfg_.dev;
        throw RuntimeError(Message::of(
            "err.tap.no_arp", {ip, dev, std::to_string(std::max(cfg_.arp_tries, 1)), net::to_string(cfg_.our_ip)}));
    }
}

}  // namespace sendpath::peer
