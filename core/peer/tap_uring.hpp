// An io_uring for the TAP fd, driven by raw syscalls (there is no liburing
// here). In this VM a syscall costs ~2 us, as much as the engine's work for a
// segment: one io_uring_enter() carries a batch of writes and then a few
// reads, instead of one write() per frame and one read() per frame coming
// back. The kernel does the same work per frame (each write is still one
// frame, taken whole by the TAP, and the kernel's receive path for it runs
// inside the submit, as it runs inside a write()).
//
// Each queued frame is copied into a slot of its own that nobody touches
// until the frame's completion has been reaped. Every request carries
// RWF_NOWAIT, so a write the TAP cannot take now, or a read with nothing to
// read, completes at once with -EAGAIN instead of waiting in the kernel
// (O_NONBLOCK alone does not do that in a ring): requests run inside the
// submit, in ring order.
//
// Only TapLink (tap_link.cpp) drives it: what to do with a completion is the
// link's business (counters, a frame the TAP did not take, a lost device).
#pragma once

#include <cstddef>
#include <cstdint>
#include <linux/io_uring.h>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sendpath::peer {

class TapUring {
public:
    static constexpr unsigned kSlots = 64;  // writes queued or in flight
    static constexpr unsigned kReads = 8;   // reads per submit
    static constexpr uint64_t kReadTag = uint64_t{1} << 32;

    // nullptr, and why, when this kernel or its policy gives us no io_uring
    // (ENOSYS before 5.1 or when compiled out, EPERM with
    // kernel.io_uring_disabled or a seccomp filter, ENOMEM under a small
    // RLIMIT_MEMLOCK before 5.12).
    static std::unique_ptr<TapUring> open(int tap_fd, std::size_t read_size, bool sqpoll, std::string& why);

    ~TapUring();
    TapUring(const TapUring&) = delete;
    TapUring& operator=(const TapUring&) = delete;

    bool sqpoll() const { return sqpoll_; }
    bool full() const { return free_.empty(); }
    unsigned writes_busy() const { return kSlots - static_cast<unsigned>(free_.size()); }  // queued or in flight
    unsigned unsubmitted() const { return tail_ - submitted_; }
    unsigned in_flight() const { return in_flight_; }

    // Copies the frame into a free slot and puts its write in the ring (not
    // yet handed to the kernel). The caller makes room first (!full()).
    void queue_write(std::span<const uint8_t> frame);

    // Reads into the read buffers, after the writes queued so far.
    void queue_reads();

    // Hands what is queued to the kernel: 0, or the errno of io_uring_enter().
    // Without SQPOLL the requests run inside this call and their completions
    // are there when it returns.
    int submit();

    // Waits until `count` completions are there to reap.
    int wait_for(unsigned count);

    // After io_uring_enter() failed (so the kernel took none of them): the
    // queued writes' frames in order, and the ring is empty again.
    template <class W>
    void take_unsubmitted(W&& on_write) {
        for (unsigned k = submitted_; k != tail_; ++k) {
            const struct io_uring_sqe& e = sqes_[sq_array_[k & sq_mask_]];
            if (e.user_data & kReadTag) continue;
            const auto slot = static_cast<unsigned>(e.user_data);
            on_write(std::span<const uint8_t>(slots_[slot]));
            free_.push_back(slot);
        }
        tail_ = submitted_;
        __atomic_store_n(sq_tail_, tail_, __ATOMIC_RELEASE);
    }

    // Calls on_write(result, frame) or on_read(result, buffer) for each
    // completion, in the order they completed, and frees write slots.
    template <class W, class R>
    unsigned reap(W&& on_write, R&& on_read) {
        unsigned head = *cq_head_, n = 0;
        const unsigned tail = __atomic_load_n(cq_tail_, __ATOMIC_ACQUIRE);
        for (; head != tail; ++head, ++n) {
            const struct io_uring_cqe& c = cqes_[head & cq_mask_];
            if (c.user_data & kReadTag) {
                on_read(c.res,
                        std::span<const uint8_t>(read_buf(static_cast<unsigned>(c.user_data & 0xffff)), read_size_));
            } else {
                const auto slot = static_cast<unsigned>(c.user_data);
                on_write(c.res, std::span<const uint8_t>(slots_[slot]));
                free_.push_back(slot);
            }
        }
        __atomic_store_n(cq_head_, head, __ATOMIC_RELEASE);
        in_flight_ -= n;
        return n;
    }

private:
    // The read buffers are left uninitialised: a read touches only the pages
    // its frame needs (page faults are dear in a VM).
    TapUring(int tap_fd, std::size_t read_size);

    void push(uint8_t op, uint8_t* buf, uint32_t len, uint64_t data);
    int enter(unsigned to_submit, unsigned min_complete, unsigned flags);

    int tap_fd_;
    int ring_fd_ = -1;
    bool sqpoll_ = false;
    void* sq_ring_ = nullptr;
    void* cq_ring_ = nullptr;
    std::size_t sq_size_ = 0, cq_size_ = 0, sqes_size_ = 0;
    struct io_uring_sqe* sqes_ = nullptr;
    unsigned* sq_head_ = nullptr;
    unsigned* sq_tail_ = nullptr;
    unsigned* sq_flags_ = nullptr;
    unsigned* sq_array_ = nullptr;
    unsigned sq_mask_ = 0;
    unsigned* cq_head_ = nullptr;
    unsigned* cq_tail_ = nullptr;
    unsigned cq_mask_ = 0;
    struct io_uring_cqe* cqes_ = nullptr;
    unsigned tail_ = 0;       // our SQ tail (what is queued)
    unsigned submitted_ = 0;  // what the kernel has taken
    unsigned in_flight_ = 0;  // taken, completion not yet reaped
    // A slot's bytes stay as they are from queue_write() until its completion is reaped.
    std::vector<std::vector<uint8_t>> slots_;
    std::vector<unsigned> free_;
    std::size_t read_size_;
    std::unique_ptr<uint8_t[]> reads_;
    uint8_t* read_buf(unsigned k) { return reads_.get() + k * read_size_; }
};

}  // namespace sendpath::peer
