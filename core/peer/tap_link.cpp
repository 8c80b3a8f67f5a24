// The TAP link. See tap_link.hpp for what it does and why its clock is built
// the way it is.
//
// [SECTION] Configuration
// [SECTION] Opening the device
// [SECTION] The clock and wait()
// [SECTION] Sending
// [SECTION] ARP and the other frames the link keeps
#include "peer/tap_link.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <ifaddrs.h>
#include <linux/if_tun.h>
#include <linux/io_uring.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/bytes.hpp"
#include "net/ethernet.hpp"
#include "net/frame.hpp"
#include "trace/recorder.hpp"
#include "util/errors.hpp"

namespace sendpath::peer {

namespace {

constexpr std::size_t kReadBuf = 65536 + 64;   // a 64 KiB MTU frame and then some
constexpr std::size_t kReadBurst = 256;        // frames read in one go before looking at the queue

std::string errno_text(int err) { return std::strerror(err); }

// Errors after which the device is of no more use to us.
bool means_device_lost(int err) {
    return err != EAGAIN && err != EWOULDBLOCK && err != EINTR && err != EINVAL && err != EMSGSIZE &&
           err != ENOBUFS && err != ENOMEM && err != EFAULT;
}

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { if (fd_ >= 0) ::close(fd_); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

// Whether we may add a device here: not in the kernel's initial network
// namespace (the host's), nor in pid 1's (a container's own), only in one made
// for the purpose (ip netns exec, unshare --net). The link never adds devices
// and routes where everything else lives.
bool in_own_netns() {
    constexpr ino_t kInitNetIno = 0xEFFFFFF9;  // the kernel's fixed inode for init_net (PROC_NET_INIT_INO)
    struct stat self {}, init {};
    if (::stat("/proc/self/ns/net", &self) != 0 || self.st_ino == kInitNetIno) return false;
    if (::stat("/proc/1/ns/net", &init) == 0 && init.st_ino == self.st_ino && init.st_dev == self.st_dev) return false;
    return true;
}

// The interface or route that already covers ip's /24 in this namespace, or "".
std::string subnet_in_use(net::Ipv4Addr ip) {
    const uint32_t net24 = ip.value & 0xffffff00u;
    struct ifaddrs* list = nullptr;
    std::string found;
    if (::getifaddrs(&list) == 0) {
        for (auto* a = list; a && found.empty(); a = a->ifa_next) {
            if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
            const uint32_t v = ntohl(reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr);
            if ((v & 0xffffff00u) == net24) found = std::string("address ") + net::to_string(net::Ipv4Addr{v}) + " on " + a->ifa_name;
        }
        ::freeifaddrs(list);
    }
    if (!found.empty()) return found;
    // /proc/net/route: Iface Destination Gateway Flags RefCnt Use Metric Mask ..., addresses in hex, host order of the kernel (little-endian here).
    std::ifstream routes("/proc/net/route");
    std::string line;
    std::getline(routes, line);
    while (std::getline(routes, line)) {
        char iface[64];
        unsigned dest = 0, gw = 0, flags = 0, refcnt = 0, use = 0, metric = 0, mask = 0;
        if (std::sscanf(line.c_str(), "%63s %x %x %x %u %u %u %x", iface, &dest, &gw, &flags, &refcnt, &use, &metric, &mask) != 8) continue;
        const uint32_t d = ntohl(dest), m = ntohl(mask);
        if (m != 0 && (ip.value & m) == (d & m)) return std::string("a route to ") + net::to_string(net::Ipv4Addr{d}) + " via " + iface;
    }
    return {};
}

// The user name for the administrator's command line.
std::string user_name() {
    if (const struct passwd* pw = ::getpwuid(::geteuid())) return pw->pw_name;
    return "$USER";
}

void copy_name(struct ifreq& ifr, const std::string& dev) {
    std::memset(&ifr, 0, sizeof ifr);
    std::memcpy(ifr.ifr_name, dev.data(), std::min(dev.size(), std::size_t{IFNAMSIZ - 1}));
}

struct sockaddr_in inet_sockaddr(net::Ipv4Addr a) {
    struct sockaddr_in sin {};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(a.value);
    return sin;
}

}  // namespace

// ---------------------------------------------------------------------------
// [SECTION] The io_uring
// ---------------------------------------------------------------------------

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
class TapUring {
public:
    static constexpr unsigned kSlots = 64;   // writes queued or in flight
    static constexpr unsigned kReads = 8;    // reads per submit
    static constexpr uint64_t kReadTag = uint64_t{1} << 32;

    // nullptr, and why, when this kernel or its policy gives us no io_uring
    // (ENOSYS before 5.1 or when compiled out, EPERM with
    // kernel.io_uring_disabled or a seccomp filter, ENOMEM under a small
    // RLIMIT_MEMLOCK before 5.12).
    static std::unique_ptr<TapUring> open(int tap_fd, std::size_t read_size, bool sqpoll, std::string& why) {
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

    ~TapUring() {
        if (sqes_) ::munmap(sqes_, sqes_size_);
        if (cq_ring_ && cq_ring_ != sq_ring_) ::munmap(cq_ring_, cq_size_);
        if (sq_ring_) ::munmap(sq_ring_, sq_size_);
        if (ring_fd_ >= 0) ::close(ring_fd_);
    }
    TapUring(const TapUring&) = delete;
    TapUring& operator=(const TapUring&) = delete;

    bool sqpoll() const { return sqpoll_; }
    bool full() const { return free_.empty(); }
    unsigned writes_busy() const { return kSlots - static_cast<unsigned>(free_.size()); }  // queued or in flight
    unsigned unsubmitted() const { return tail_ - submitted_; }
    unsigned in_flight() const { return in_flight_; }

    // Copies the frame into a free slot and puts its write in the ring (not
    // yet handed to the kernel). The caller makes room first (!full()).
    void queue_write(std::span<const uint8_t> frame) {
        const unsigned slot = free_.back();
        free_.pop_back();
        slots_[slot].assign(frame.begin(), frame.end());
        push(IORING_OP_WRITE, slots_[slot].data(), static_cast<uint32_t>(slots_[slot].size()), slot);
    }

    // Reads into the read buffers, after the writes queued so far.
    void queue_reads() {
        for (unsigned k = 0; k < kReads; ++k)
            push(IORING_OP_READ, read_buf(k), static_cast<uint32_t>(read_size_), kReadTag | k);
    }

    // Hands what is queued to the kernel: 0, or the errno of io_uring_enter().
    // Without SQPOLL the requests run inside this call and their completions
    // are there when it returns.
    int submit() {
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

    // Waits until `count` completions are there to reap.
    int wait_for(unsigned count) { return enter(0, count, IORING_ENTER_GETEVENTS); }


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
                on_read(c.res, std::span<const uint8_t>(read_buf(static_cast<unsigned>(c.user_data & 0xffff)), read_size_));
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
    TapUring(int tap_fd, std::size_t read_size)
        : tap_fd_(tap_fd), slots_(kSlots), read_size_(read_size), reads_(new uint8_t[kReads * read_size]) {
        for (unsigned k = kSlots; k-- > 0;) free_.push_back(k);
    }

    void push(uint8_t op, uint8_t* buf, uint32_t len, uint64_t data) {
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

    int enter(unsigned to_submit, unsigned min_complete, unsigned flags) {
        return ::syscall(__NR_io_uring_enter, ring_fd_, to_submit, min_complete, flags, nullptr, 0) < 0 ? errno : 0;
    }

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

// ---------------------------------------------------------------------------
// [SECTION] Configuration
// ---------------------------------------------------------------------------

net::Ipv4Addr default_our_ip(net::Ipv4Addr peer_ip) {
    const uint32_t net24 = peer_ip.value & 0xffffff00u;
    return {net24 | ((peer_ip.value & 0xff) == 2 ? 1u : 2u)};
}

std::optional<IpPort> parse_ip_port(std::string_view s) {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const auto ip = net::parse_ipv4_addr(s.substr(0, colon));
    const std::string_view p = s.substr(colon + 1);
    if (!ip || p.empty() || p.size() > 5 || !std::all_of(p.begin(), p.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
        return std::nullopt;
    long port = 0;
    for (char ch : p) port = port * 10 + (ch - '0');
    if (port < 1 || port > 65535) return std::nullopt;
    return IpPort{*ip, static_cast<uint16_t>(port)};
}

// A scenario file's own values were checked when it was read; these checks
// are for what comes from the command line.
TapConfig tap_config(const std::string& dev, const std::string& connect, const std::string& local) {
    TapConfig cfg;
    auto quoted = [](const std::string& v) { return "\"" + v + "\""; };
    if (dev.empty())
        throw InputError("--tap", "", "a TAP device name (--tap DEV, or \"dev\" under \"peer\" in the scenario)");
    if (dev.size() >= IFNAMSIZ || dev.find('/') != std::string::npos)
        throw InputError("--tap", "", "a device name of at most " + std::to_string(IFNAMSIZ - 1) + " characters and no '/', found " +
                                          quoted(dev));
    cfg.dev = dev;
    if (connect.empty())
        throw InputError("--connect", "", "the kernel's listener (--connect IP:PORT, or \"connect\" under \"peer\" in the scenario)");
    const auto listener = parse_ip_port(connect);
    if (!listener)
        throw InputError("--connect", "", "an IPv4 listener IP:PORT such as 10.99.0.1:5001, found " + quoted(connect));
    cfg.peer_ip = listener->ip;
    cfg.peer_port = listener->port;
    if (local.empty()) {
        cfg.our_ip = default_our_ip(cfg.peer_ip);
    } else {
        auto l = net::parse_ipv4_addr(local);
        if (!l) throw InputError("--local", "", "an IPv4 address such as 10.99.0.2, found " + quoted(local));
        cfg.our_ip = *l;
    }
    if (cfg.our_ip == cfg.peer_ip)
        throw InputError("--local", "", "an address other than the kernel's own (" + net::to_string(cfg.peer_ip) + ", from --connect)");
    return cfg;
}

bool tap_frame_for_engine(std::span<const uint8_t> frame) {
    if (frame.size() < net::EthernetRepr::kLen) return true;
    return net::read_be16(frame.data() + 12) == net::ETHERTYPE_IPV4;
}

// ---------------------------------------------------------------------------
// [SECTION] Opening the device
// ---------------------------------------------------------------------------

TapLink::TapLink(TapConfig cfg) : cfg_(std::move(cfg)), buf_(kReadBuf) {
    struct timespec ts {};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    t0_ns_ = static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
    if (cfg_.our_port == 0) {
        // An ephemeral port per run: a kernel that still holds an old connection
        // on the same four-tuple (a run cut short) would answer our SYN with a
        // challenge ACK instead of a SYN-ACK.
        const uint64_t mix = static_cast<uint64_t>(::getpid()) * 2654435761u ^ static_cast<uint64_t>(t0_ns_ >> 10);
        cfg_.our_port = static_cast<uint16_t>(32768 + mix % 28232);
    }
    try {
        open_device();
        open_uring();
    } catch (...) {
        if (fd_ >= 0) ::close(fd_);
        if (ctl_ >= 0) ::close(ctl_);
        throw;
    }
}

TapLink::~TapLink() {
    // What the engine sent last (the ACK of the kernel's FIN) is still queued.
    if (uring_) flush_writes(true);
    uring_.reset();
    if (fd_ >= 0) ::close(fd_);
    if (ctl_ >= 0) ::close(ctl_);
}

void TapLink::open_device() {
    const std::string& dev = cfg_.dev;
    const std::string admin = "an administrator creates it once with:\n  ip tuntap add dev " + dev + " mode tap user " +
                              user_name() + "\n  ip addr add " + net::to_string(cfg_.peer_ip) + "/24 dev " + dev +
                              "\n  ip link set " + dev + " up";
    fd_ = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) {
        const int err = errno;
        if (err == ENOENT || err == ENODEV || err == ENXIO)
            throw RuntimeError("cannot open /dev/net/tun: " + errno_text(err) + " (is the tun module loaded? modprobe tun)");
        if (err == EACCES || err == EPERM)
            throw RuntimeError("cannot open /dev/net/tun: " + errno_text(err) +
                               ". It must be readable and writable by this user; an administrator can run\n"
                               "  chmod 0666 /dev/net/tun    (udev rule: KERNEL==\"tun\", MODE=\"0666\")");
        throw RuntimeError("cannot open /dev/net/tun: " + errno_text(err));
    }
    // For the device's flags later: a socket stays in the network namespace
    // it was made in, as the device does, whatever the thread does meanwhile.
    ctl_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const bool existed = ::if_nametoindex(dev.c_str()) != 0;
    if (!existed && !cfg_.create)
        throw RuntimeError("there is no TAP device " + dev + " in this network namespace; " + admin);
    if (!existed && !in_own_netns())
        throw RuntimeError("there is no TAP device " + dev + " in this network namespace. sendpath creates one itself only "
                           "inside a network namespace of its own (ip netns exec NS ...), never in the host's; " + admin);
    if (!existed) {
        if (const std::string used = subnet_in_use(cfg_.peer_ip); !used.empty())
            throw RuntimeError("there is no TAP device " + dev + ", and sendpath will not create one for " +
                               net::to_string(cfg_.peer_ip) + "/24: this namespace already has " + used +
                               ". Choose the kernel's address in a free subnet, or create the device yourself: " + admin);
    }
    struct ifreq ifr;
    copy_name(ifr, dev);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (::ioctl(fd_, TUNSETIFF, &ifr) < 0) {
        const int err = errno;
        if ((err == EPERM || err == EACCES) && !existed)
            throw RuntimeError("there is no TAP device " + dev +
                               " in this network namespace, and creating one needs CAP_NET_ADMIN; " + admin);
        if (err == EPERM || err == EACCES)
            throw RuntimeError("TAP device " + dev + " exists but this user may not attach to it (it belongs to another "
                               "user or group: ip tuntap show). An administrator can give it to you with:\n  ip tuntap del dev " +
                               dev + " mode tap\n  ip tuntap add dev " + dev + " mode tap user $USER");
        if (err == EBUSY)
            throw RuntimeError("TAP device " + dev + " is already in use by another process (a TAP takes one opener)");
        if (err == EINVAL)
            throw RuntimeError("device " + dev + " exists but is not a TAP device (a TUN device, or another kind): pick another name");
        throw RuntimeError("TUNSETIFF on " + dev + ": " + errno_text(err));
    }
    created_ = !existed;
    // Always, right after attaching: a persistent TAP keeps the offloads its
    // last owner set, and with TUN_F_CSUM on (and no vnet header to say so)
    // every frame the kernel sends us has a partial checksum.
    if (::ioctl(fd_, TUNSETOFFLOAD, 0UL) < 0)
        throw RuntimeError("TUNSETOFFLOAD(0) on " + dev + ": " + errno_text(errno));
    if (created_) {
        configure_created_device();
        return;
    }
    copy_name(ifr, dev);
    if (ctl_ >= 0 && ::ioctl(ctl_, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP))
        throw RuntimeError("TAP device " + dev + " is down; an administrator brings it up with: ip link set " + dev + " up");
}

// A device we created is ours for this run: give it the kernel's address, our
// MTU, no IPv6 (whose MLD and router solicitations would only be noise), and
// bring it up. It disappears when the link closes.
void TapLink::configure_created_device() {
    const std::string& dev = cfg_.dev;
    Fd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (s.get() < 0) throw RuntimeError("socket(AF_INET): " + errno_text(errno));
    auto fail = [&](const std::string& what) {
        throw RuntimeError("created TAP device " + dev + " but could not " + what + ": " + errno_text(errno));
    };
    struct ifreq ifr;
    copy_name(ifr, dev);
    ifr.ifr_mtu = static_cast<int>(cfg_.mtu);
    if (::ioctl(s.get(), SIOCSIFMTU, &ifr) < 0) fail("set its MTU to " + std::to_string(cfg_.mtu));
    copy_name(ifr, dev);
    auto sin = inet_sockaddr(cfg_.peer_ip);
    std::memcpy(&ifr.ifr_addr, &sin, sizeof sin);
    if (::ioctl(s.get(), SIOCSIFADDR, &ifr) < 0) fail("give it the address " + net::to_string(cfg_.peer_ip));
    copy_name(ifr, dev);
    sin = inet_sockaddr(net::Ipv4Addr::of(255, 255, 255, 0));
    std::memcpy(&ifr.ifr_netmask, &sin, sizeof sin);
    if (::ioctl(s.get(), SIOCSIFNETMASK, &ifr) < 0) fail("set the netmask /24");
    {
        std::ofstream v6("/proc/sys/net/ipv6/conf/" + dev + "/disable_ipv6");
        if (v6) v6 << "1\n";  // best effort: IPv6 may be compiled out
    }
    copy_name(ifr, dev);
    if (::ioctl(s.get(), SIOCGIFFLAGS, &ifr) < 0) fail("read its flags");
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
    if (::ioctl(s.get(), SIOCSIFFLAGS, &ifr) < 0) fail("bring it up");
}

std::optional<SimAddrs> TapLink::addrs() const {
    SimAddrs a;
    a.our_mac = cfg_.our_mac;
    a.our_ip = cfg_.our_ip;
    a.our_port = cfg_.our_port;
    a.peer_mac = peer_mac_;
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
        const ssize_t n = ::read(fd_, buf_.data(), buf_.size());
        if (n > 0) {
            took_frame({buf_.data(), static_cast<std::size_t>(n)});
            ++got;
            continue;
        }
        if (n == 0) break;
        const int err = errno;
        if (err == EINTR) continue;
        if (err == EAGAIN || err == EWOULDBLOCK) break;
        if (means_device_lost(err)) lose_device("read from " + cfg_.dev, err);
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
    pfd.fd = fd_;
    pfd.events = POLLIN;
    const int r = ::ppoll(&pfd, 1, &ts, nullptr);
    if (r < 0) {
        if (errno == EINTR) return false;
        lose_device("poll on " + cfg_.dev, errno);
        return true;
    }
    if (r > 0 && (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) && read_available() == 0 && closed_.empty())
        lose_device("poll on " + cfg_.dev + " reports an error", EBADFD);
    return true;
}

std::optional<Received> TapLink::wait(int64_t until_us) {
    const int64_t u = std::max(until_us, now_);
    for (;;) {
        while (!queue_.empty() && queue_.front().stamp <= u) {
            Pending p = std::move(queue_.front());
            queue_.pop_front();
            if (tap_frame_for_engine(p.frame)) {
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

void TapLink::lose_device(const std::string& what, int err) {
    if (!closed_.empty()) return;
    closed_ = "device lost: " + what + ": " + errno_text(err);
    if (err == EIO) closed_ += " (the device is down)";
    else if (err == EBADFD || err == ENODEV || err == ENXIO) closed_ += " (the device was removed)";
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
        else throw RuntimeError("environment variable SENDPATH_TAP_WRITES is \"" + v +
                                "\"; expected plain, batched or sqpoll (or leave it unset)");
    }
    if (w == TapWrites::plain) {
        plain_why_ = "plain writes asked for";
        return;
    }
    uring_ = TapUring::open(fd_, kReadBuf, w == TapWrites::sqpoll, plain_why_);
    if (!uring_ && w == TapWrites::sqpoll) {
        // SQPOLL needs CAP_SYS_NICE before 5.11 (and a kernel thread): the batched ring then.
        std::string why;
        uring_ = TapUring::open(fd_, kReadBuf, false, why);
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
    if (res < 0 && means_device_lost(-res)) lose_device("write to " + cfg_.dev, -res);
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
            lose_device("read from " + cfg_.dev, -res);
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
        if (tries > 1000) break;          // still short of memory after a second: give the ring up
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
        const ssize_t n = ::write(fd_, frame.data(), frame.size());
        if (n == static_cast<ssize_t>(frame.size())) {
            ++counters_.frames_out;
            return true;
        }
        if (n >= 0) break;  // a TAP takes a frame whole or not at all
        const int err = errno;
        if (err == EINTR) continue;
        if ((err == EAGAIN || err == EWOULDBLOCK) && attempt < 50) {
            struct pollfd pfd {};
            pfd.fd = fd_;
            pfd.events = POLLOUT;
            ::poll(&pfd, 1, 2);
            continue;
        }
        if (means_device_lost(err)) lose_device("write to " + cfg_.dev, err);
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

void TapLink::send_arp(uint16_t op, net::MacAddr target_mac, net::Ipv4Addr target_ip, int64_t t) {
    net::ArpRepr arp;
    arp.op = op;
    arp.sender_mac = cfg_.our_mac;
    arp.sender_ip = cfg_.our_ip;
    arp.target_mac = target_mac;
    arp.target_ip = target_ip;
    arp_buf_.clear();
    net::emit_arp_frame(arp_buf_, arp);
    if (uring_) flush_writes(true);  // the engine's frames before it stay before it
    const bool ok = write_frame(arp_buf_);
    if (ok) ++counters_.arp_out;
    record(0, arp_buf_, t, !ok);
}

bool TapLink::handle_link_frame(const Pending& p) {
    const std::span<const uint8_t> f(p.frame);
    if (net::read_be16(f.data() + 12) != net::ETHERTYPE_ARP) {
        ++counters_.ignored;  // IPv6 and the rest: not ours to answer
        record(1, f, p.stamp, true);
        return false;
    }
    std::string why;
    auto arp = net::parse_arp(f.subspan(net::EthernetRepr::kLen), &why);
    if (!arp) {
        ++counters_.arp_bad;
        record(1, f, p.stamp, true);
        return false;
    }
    ++counters_.arp_in;
    record(1, f, p.stamp, false);
    bool learned = false;
    const bool usable_mac = arp->sender_mac != net::MacAddr{} && arp->sender_mac != net::MacAddr::broadcast() &&
                            !(arp->sender_mac.b[0] & 1);
    if (arp->sender_ip == cfg_.peer_ip && usable_mac && !peer_mac_known_) {
        peer_mac_ = arp->sender_mac;  // the first answer stands for the whole run
        peer_mac_known_ = true;
        learned = true;
    }
    // Answer every request for our address, also the kernel's re-probes
    // (DELAY -> PROBE after ~5 s): a silent host is unreachable after ~8 s.
    if (arp->op == net::ARP_REQUEST && arp->target_ip == cfg_.our_ip && usable_mac)
        send_arp(net::ARP_REPLY, arp->sender_mac, arp->sender_ip, p.stamp);
    return learned;
}

// The kernel sends nothing on a TAP before its link watcher has seen the
// carrier come up (when we attached) and started the device's queue, up to
// about a second later; an ARP request before then is answered into the void.
// IFF_RUNNING is set at the same moment.
void TapLink::wait_running(int64_t until_real_us) {
    if (ctl_ < 0) return;
    for (;;) {
        struct ifreq ifr;
        copy_name(ifr, cfg_.dev);
        if (::ioctl(ctl_, SIOCGIFFLAGS, &ifr) < 0 || (ifr.ifr_flags & IFF_RUNNING)) break;
        if (real_us() >= until_real_us) break;
        ::usleep(2000);
    }
    now_ = std::max(now_, real_us());
    floor_ = std::max(floor_, now_);
}

void TapLink::resolve_peer() {
    if (peer_mac_known_) return;
    wait_running(real_us() + 2'000'000);
    std::deque<Pending> held;  // engine frames that came meanwhile
    for (int attempt = 0; attempt < std::max(cfg_.arp_tries, 1) && !peer_mac_known_ && closed_.empty(); ++attempt) {
        send_arp(net::ARP_REQUEST, net::MacAddr{}, cfg_.peer_ip, now_);
        const int64_t deadline = now_ + cfg_.arp_interval_us;
        while (!peer_mac_known_ && closed_.empty()) {
            if (!queue_.empty() && queue_.front().stamp <= deadline) {
                Pending p = std::move(queue_.front());
                queue_.pop_front();
                if (tap_frame_for_engine(p.frame)) {
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
    if (!closed_.empty()) throw RuntimeError(closed_);
    if (!peer_mac_known_) {
        const std::string ip = net::to_string(cfg_.peer_ip), dev = cfg_.dev;
        throw RuntimeError("the kernel did not answer ARP for " + ip + " on " + dev + " (" +
                           std::to_string(std::max(cfg_.arp_tries, 1)) + " requests from " + net::to_string(cfg_.our_ip) +
                           "). Is " + ip + " the kernel's address on " + dev + " (ip addr add " + ip + "/24 dev " + dev +
                           ") and is the device up (ip link set " + dev + " up)? Our address must be in the same subnet (--local).");
    }
}

}  // namespace sendpath::peer
