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
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
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
// [SECTION] Configuration
// ---------------------------------------------------------------------------

net::Ipv4Addr default_our_ip(net::Ipv4Addr peer_ip) {
    const uint32_t net24 = peer_ip.value & 0xffffff00u;
    return {net24 | ((peer_ip.value & 0xff) == 2 ? 1u : 2u)};
}

// Malformed settings are bad input (InputError: the CLI exits 2), named by
// the option that gives them; a scenario file's own values were checked when
// it was read.
TapConfig tap_config_for(const lesson::Scenario& sc, const std::string& local) {
    TapConfig cfg;
    auto quoted = [](const std::string& v) { return "\"" + v + "\""; };
    if (sc.peer.dev.empty())
        throw InputError("--tap", "", "a TAP device name (--tap DEV, or \"dev\" under \"peer\" in the scenario)");
    if (sc.peer.dev.size() >= IFNAMSIZ || sc.peer.dev.find('/') != std::string::npos)
        throw InputError("--tap", "", "a device name of at most " + std::to_string(IFNAMSIZ - 1) + " characters and no '/', found " +
                                          quoted(sc.peer.dev));
    cfg.dev = sc.peer.dev;
    const std::string& c = sc.peer.connect;
    if (c.empty())
        throw InputError("--connect", "", "the kernel's listener (--connect IP:PORT, or \"connect\" under \"peer\" in the scenario)");
    const auto colon = c.rfind(':');
    std::optional<net::Ipv4Addr> ip;
    long port = -1;
    if (colon != std::string::npos) {
        ip = net::parse_ipv4_addr(std::string_view(c).substr(0, colon));
        const std::string p = c.substr(colon + 1);
        if (!p.empty() && p.size() <= 5 && std::all_of(p.begin(), p.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
            port = std::stol(p);
    }
    if (!ip || port < 1 || port > 65535)
        throw InputError("--connect", "", "an IPv4 listener IP:PORT such as 10.99.0.1:5001, found " + quoted(c));
    cfg.peer_ip = *ip;
    cfg.peer_port = static_cast<uint16_t>(port);
    if (local.empty()) {
        cfg.our_ip = default_our_ip(cfg.peer_ip);
    } else {
        auto l = net::parse_ipv4_addr(local);
        if (!l) throw InputError("--local", "", "an IPv4 address such as 10.99.0.2, found " + quoted(local));
        cfg.our_ip = *l;
    }
    if (cfg.our_ip == cfg.peer_ip)
        throw InputError("--local", "", "an address other than the kernel's own (" + net::to_string(cfg.peer_ip) + ", from --connect)");
    cfg.mtu = sc.device.mtu;
    return cfg;
}

bool tap_frame_for_engine(std::span<const uint8_t> frame) {
    if (frame.size() < net::EthernetRepr::kLen) return true;
    return net::read_be16(frame.data() + 12) == net::ETHERTYPE_IPV4;
}

std::unique_ptr<Link> make_tap_link(const lesson::Scenario& sc) { return make_tap_link_local(sc, ""); }

std::unique_ptr<Link> make_tap_link_local(const lesson::Scenario& sc, const std::string& local) {
    return std::make_unique<TapLink>(tap_config_for(sc, local));
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
    } catch (...) {
        if (fd_ >= 0) ::close(fd_);
        if (ctl_ >= 0) ::close(ctl_);
        throw;
    }
}

TapLink::~TapLink() {
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

std::size_t TapLink::read_available() {
    std::size_t got = 0;
    while (got < kReadBurst && closed_.empty()) {
        const ssize_t n = ::read(fd_, buf_.data(), buf_.size());
        if (n > 0) {
            Pending p;
            p.stamp = std::max(real_us(), floor_);
            floor_ = p.stamp;
            p.frame.assign(buf_.data(), buf_.data() + n);
            queue_.push_back(std::move(p));
            ++counters_.frames_in;
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
        if (read_available() > 0) continue;
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

bool TapLink::send(std::span<const uint8_t> frame) { return write_frame(frame); }

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
