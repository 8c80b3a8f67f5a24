// The TAP link's io_uring, set up and driven by raw syscalls. See tap_uring.hpp.
#include "peer/tap_uring.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

namespace sendpath::peer {

std::unique_ptr<TapUring> TapUring::open(int tap_fd, std::size_t read_size, bool sqpoll, std::string& why) {
    auto u = std::unique_ptr<TapUring>(new TapUring(tap_fd, read_size));
    struct io_uring_params p {};
    p.cq_entries = 4 * (kSlots + kReads);
    p.flags = IORING_SETUP_CQSIZE;
    if (sqpoll) {
        p.flags |= IORING_SETUP_SQPOLL;
        p.sq_thread_idle = 20;  // ms of spinning before the kernel thread sleeps
    }
    const long fd = ::syscall(__NR_io_uring_setup, 2 * (kSlots + kReads), &p);
    if (fd < 0) {
        why = std::string("io_uring_setup: ") + std::strerror(errno);
        return nullptr;
    }
    u->ring_fd_ = static_cast<int>(fd);
    u->sqpoll_ = sqpoll;
    // NODROP (5.5): a full completion queue never loses a completion.
    if (!(p.features & IORING_FEAT_NODROP) || p.sq_entries < kSlots + kReads || p.cq_entries < 2 * (kSlots + kReads)) {
        why = "io_uring too old (before 5.5)";
        return nullptr;
    }
    u->sq_size_ = p.sq_off.array + p.sq_entries * sizeof(uint32_t);
    u->cq_size_ = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    const bool single = p.features & IORING_FEAT_SINGLE_MMAP;
    if (single) u->sq_size_ = u->cq_size_ = std::max(u->sq_size_, u->cq_size_);
    auto map = [&](std::size_t size, off_t what) -> void* {
        void* m = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, u->ring_fd_, what);
        if (m == MAP_FAILED) {
            why = std::string("mmap of the io_uring: ") + std::strerror(errno);
            return nullptr;
        }
        return m;
    };
    if (!(u->sq_ring_ = map(u->sq_size_, IORING_OFF_SQ_RING))) return nullptr;
    u->cq_ring_ = single ? u->sq_ring_ : map(u->cq_size_, IORING_OFF_CQ_RING);
    if (!u->cq_ring_) return nullptr;
    u->sqes_size_ = p.sq_entries * sizeof(struct io_uring_sqe);
    void* sqes = map(u->sqes_size_, IORING_OFF_SQES);
    if (!sqes) return nullptr;
    u->sqes_ = static_cast<struct io_uring_sqe*>(sqes);
    auto* sq = static_cast<char*>(u->sq_ring_);
    auto* cq = static_cast<char*>(u->cq_ring_);
    u->sq_head_ = reinterpret_cast<unsigned*>(sq + p.sq_off.head);
    u->sq_tail_ = reinterpret_cast<unsigned*>(sq + p.sq_off.tail);
    u->sq_mask_ = *reinterpret_cast<unsigned*>(sq + p.sq_off.ring_mask);
    u->sq_flags_ = reinterpret_cast<unsigned*>(sq + p.sq_off.flags);
    u->sq_array_ = reinterpret_cast<unsigned*>(sq + p.sq_off.array);
    u->cq_head_ = reinterpret_cast<unsigned*>(cq + p.cq_off.head);
    u->cq_tail_ = reinterpret_cast<unsigned*>(cq + p.cq_off.tail);
    u->cq_mask_ = *reinterpret_cast<unsigned*>(cq + p.cq_off.ring_mask);
    u->cqes_ = reinterpret_cast<struct io_uring_cqe*>(cq + p.cq_off.cqes);
    u->tail_ = u->submitted_ = *u->sq_tail_;
    return u;
}

TapUring::~TapUring() {
    if (sqes_) ::munmap(sqes_, sqes_size_);
    if (cq_ring_ && cq_ring_ != sq_ring_) ::munmap(cq_ring_, cq_size_);
    if (sq_ring_) ::munmap(sq_ring_, sq_size_);
    if (ring_fd_ >= 0) ::close(ring_fd_);
}

void TapUring::queue_write(std::span<const uint8_t> frame) {
    const unsigned slot = free_.back();
    free_.pop_back();
    slots_[slot].assign(frame.begin(), frame.end());
    push(IORING_OP_WRITE, slots_[slot].data(), static_cast<uint32_t>(slots_[slot].size()), slot);
}

void TapUring::queue_reads() {
    for (unsigned k = 0; k < kReads; ++k)
        push(IORING_OP_READ, read_buf(k), static_cast<uint32_t>(read_size_), kReadTag | k);
}

int TapUring::submit() {
    __atomic_store_n(sq_tail_, tail_, __ATOMIC_RELEASE);
    if (sqpoll_) {
        in_flight_ += tail_ - submitted_;
        submitted_ = tail_;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);  // the tail store before the flag load
        if (!(__atomic_load_n(sq_flags_, __ATOMIC_RELAXED) & IORING_SQ_NEED_WAKEUP)) return 0;
        return enter(0, 0, IORING_ENTER_SQ_WAKEUP);
    }
    const unsigned n = tail_ - submitted_;
    if (n == 0) return 0;
    const int err = enter(n, 0, 0);
    const unsigned taken = n - (tail_ - __atomic_load_n(sq_head_, __ATOMIC_ACQUIRE));
    in_flight_ += taken;
    submitted_ += taken;
    return err;
}

int TapUring::wait_for(unsigned count) { return enter(0, count, IORING_ENTER_GETEVENTS); }

TapUring::TapUring(int tap_fd, std::size_t read_size)
    : tap_fd_(tap_fd), slots_(kSlots), read_size_(read_size), reads_(new uint8_t[kReads * read_size]) {
    for (unsigned k = kSlots; k-- > 0;) free_.push_back(k);
}

void TapUring::push(uint8_t op, uint8_t* buf, uint32_t len, uint64_t data) {
    const unsigned i = tail_ & sq_mask_;
    struct io_uring_sqe& e = sqes_[i];
    std::memset(&e, 0, sizeof e);
    e.opcode = op;
    e.fd = tap_fd_;
    e.addr = reinterpret_cast<uint64_t>(buf);
    e.len = len;
    e.off = 0;  // a character device: no file position
    // Without RWF_NOWAIT, the ring would not honour O_NONBLOCK: a read
    // with nothing to read would wait in the kernel for a frame.
    e.rw_flags = RWF_NOWAIT;
    e.user_data = data;
    sq_array_[i] = i;
    ++tail_;
}

int TapUring::enter(unsigned to_submit, unsigned min_complete, unsigned flags) {
    return ::syscall(__NR_io_uring_enter, ring_fd_, to_submit, min_complete, flags, nullptr, 0) < 0 ? errno : 0;
}

}  // namespace sendpath::peer
