// Opening and configuring the TAP device. See tap_device.hpp.
#include "peer/tap_device.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <ifaddrs.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/errno_text.hpp"
#include "util/errors.hpp"

namespace sendpath::peer {

namespace {

using util::errno_message;
using util::Message;

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
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
    struct stat self {
    }, init{};
    if (::stat("/proc/self/ns/net", &self) != 0 || self.st_ino == kInitNetIno) return false;
    if (::stat("/proc/1/ns/net", &init) == 0 && init.st_ino == self.st_ino && init.st_dev == self.st_dev) return false;
    return true;
}

// The interface or route that already covers ip's /24 in this namespace, or an empty text.
Message subnet_in_use(net::Ipv4Addr ip) {
    const uint32_t net24 = ip.value & 0xffffff00u;
    struct ifaddrs* list = nullptr;
    Message found;
    if (::getifaddrs(&list) == 0) {
        for (auto* a = list; a && found.empty(); a = a->ifa_next) {
            if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
            const uint32_t v = ntohl(reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr);
            if ((v & 0xffffff00u) == net24)
                found =
                    Message::of("err.tap.used_address", {net::to_string(net::Ipv4Addr{v}), std::string(a->ifa_name)});
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
        if (std::sscanf(line.c_str(), "%63s %x %x %x %u %u %u %x", iface, &dest, &gw, &flags, &refcnt, &use, &metric,
                        &mask) != 8)
            continue;
        const uint32_t d = ntohl(dest), m = ntohl(mask);
        if (m != 0 && (ip.value & m) == (d & m))
            return Message::of("err.tap.used_route", {net::to_string(net::Ipv4Addr{d}), std::string(iface)});
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

TapDevice::TapDevice(const TapConfig& cfg) : dev_(cfg.dev) {
    try {
        attach(cfg);
    } catch (...) {
        if (fd_ >= 0) ::close(fd_);
        if (ctl_ >= 0) ::close(ctl_);
        throw;
    }
}

TapDevice::~TapDevice() {
    if (fd_ >= 0) ::close(fd_);
    if (ctl_ >= 0) ::close(ctl_);
}

void TapDevice::attach(const TapConfig& cfg) {
    const std::string& dev = cfg.dev;
    const Message admin = Message::of("err.tap.admin", {dev, user_name(), net::to_string(cfg.peer_ip)});
    fd_ = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) {
        const int err = errno;
        if (err == ENOENT || err == ENODEV || err == ENXIO)
            throw RuntimeError(Message::of("err.tap.tun_module", {errno_message(err)}));
        if (err == EACCES || err == EPERM) throw RuntimeError(Message::of("err.tap.tun_perm", {errno_message(err)}));
        throw RuntimeError(Message::of("err.tap.tun_open", {errno_message(err)}));
    }
    // For the device's flags later: a socket stays in the network namespace
    // it was made in, as the device does, whatever the thread does meanwhile.
    ctl_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const bool existed = ::if_nametoindex(dev.c_str()) != 0;
    if (!existed && !cfg.create) throw RuntimeError(Message::of("err.tap.no_device", {dev, admin}));
    if (!existed && !in_own_netns()) throw RuntimeError(Message::of("err.tap.no_device_host", {dev, admin}));
    if (!existed) {
        if (Message used = subnet_in_use(cfg.peer_ip); !used.empty())
            throw RuntimeError(
                Message::of("err.tap.subnet_used", {dev, net::to_string(cfg.peer_ip), std::move(used), admin}));
    }
    struct ifreq ifr;
    copy_name(ifr, dev);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (::ioctl(fd_, TUNSETIFF, &ifr) < 0) {
        const int err = errno;
        if ((err == EPERM || err == EACCES) && !existed)
            throw RuntimeError(Message::of("err.tap.needs_cap", {dev, admin}));
        if (err == EPERM || err == EACCES) throw RuntimeError(Message::of("err.tap.not_owner", {dev}));
        if (err == EBUSY) throw RuntimeError(Message::of("err.tap.busy", {dev}));
        if (err == EINVAL) throw RuntimeError(Message::of("err.tap.not_tap", {dev}));
        throw RuntimeError(Message::of("err.tap.ioctl", {"TUNSETIFF", dev, errno_message(err)}));
    }
    created_ = !existed;
    // Always, right after attaching: a persistent TAP keeps the offloads its
    // last owner set, and with TUN_F_CSUM on (and no vnet header to say so)
    // every frame the kernel sends us has a partial checksum.
    if (::ioctl(fd_, TUNSETOFFLOAD, 0UL) < 0)
        throw RuntimeError(Message::of("err.tap.ioctl", {"TUNSETOFFLOAD(0)", dev, errno_message(errno)}));
    if (created_) {
        configure_created(cfg);
        return;
    }
    copy_name(ifr, dev);
    if (ctl_ >= 0 && ::ioctl(ctl_, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP))
        throw RuntimeError(Message::of("err.tap.down", {dev}));
}

// A device we created is ours for this run: give it the kernel's address, our
// MTU, no IPv6 (whose MLD and router solicitations would only be noise), and
// bring it up. It disappears when the link closes.
void TapDevice::configure_created(const TapConfig& cfg) {
    const std::string& dev = cfg.dev;
    Fd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (s.get() < 0) throw RuntimeError(Message::of("err.tap.socket", {errno_message(errno)}));
    auto fail = [&](Message what) {
        const int err = errno;
        throw RuntimeError(Message::of("err.tap.configure", {dev, std::move(what), errno_message(err)}));
    };
    struct ifreq ifr;
    copy_name(ifr, dev);
    ifr.ifr_mtu = static_cast<int>(cfg.mtu);
    if (::ioctl(s.get(), SIOCSIFMTU, &ifr) < 0) fail(Message::of("err.tap.set_mtu", {std::to_string(cfg.mtu)}));
    copy_name(ifr, dev);
    auto sin = inet_sockaddr(cfg.peer_ip);
    std::memcpy(&ifr.ifr_addr, &sin, sizeof sin);
    if (::ioctl(s.get(), SIOCSIFADDR, &ifr) < 0) fail(Message::of("err.tap.set_addr", {net::to_string(cfg.peer_ip)}));
    copy_name(ifr, dev);
    sin = inet_sockaddr(net::Ipv4Addr::of(255, 255, 255, 0));
    std::memcpy(&ifr.ifr_netmask, &sin, sizeof sin);
    if (::ioctl(s.get(), SIOCSIFNETMASK, &ifr) < 0) fail(Message::of("err.tap.set_mask"));
    {
        std::ofstream v6("/proc/sys/net/ipv6/conf/" + dev + "/disable_ipv6");
        if (v6) v6 << "1\n";  // best effort: IPv6 may be compiled out
    }
    copy_name(ifr, dev);
    if (::ioctl(s.get(), SIOCGIFFLAGS, &ifr) < 0) fail(Message::of("err.tap.read_flags"));
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
    if (::ioctl(s.get(), SIOCSIFFLAGS, &ifr) < 0) fail(Message::of("err.tap.bring_up"));
}

// The kernel sends nothing on a TAP before its link watcher has seen the
// carrier come up (when we attached) and started the device's queue, up to
// about a second later. IFF_RUNNING is set at the same moment.
bool TapDevice::running() const {
    if (ctl_ < 0) return true;
    struct ifreq ifr;
    copy_name(ifr, dev_);
    return ::ioctl(ctl_, SIOCGIFFLAGS, &ifr) < 0 || (ifr.ifr_flags & IFF_RUNNING);
}

}  // namespace sendpath::peer
