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

#include "util/errors.hpp"

namespace sendpath::peer {

namespace {

std::string errno_text(int err) { return std::strerror(err); }

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

// The interface or route that already covers ip's /24 in this namespace, or "".
std::string subnet_in_use(net::Ipv4Addr ip) {
    const uint32_t net24 = ip.value & 0xffffff00u;
    struct ifaddrs* list = nullptr;
    std::string found;
    if (::getifaddrs(&list) == 0) {
        for (auto* a = list; a && found.empty(); a = a->ifa_next) {
            if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
            const uint32_t v = ntohl(reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr);
            if ((v & 0xffffff00u) == net24)
                found = std::string("address ") + net::to_string(net::Ipv4Addr{v}) + " on " + a->ifa_name;
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
            return std::string("a route to ") + net::to_string(net::Ipv4Addr{d}) + " via " + iface;
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
    const std::string admin = "an administrator creates it once with:\n  ip tuntap add dev " + dev + " mode tap user " +
                              user_name() + "\n  ip addr add " + net::to_string(cfg.peer_ip) + "/24 dev " + dev +
                              "\n  ip link set " + dev + " up";
    fd_ = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) {
        const int err = errno;
        if (err == ENOENT || err == ENODEV || err == ENXIO)
            throw RuntimeError("cannot open /dev/net/tun: " + errno_text(err) +
                               " (is the tun module loaded? modprobe tun)");
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
    if (!existed && !cfg.create)
        throw RuntimeError("there is no TAP device " + dev + " in this network namespace; " + admin);
    if (!existed && !in_own_netns())
        throw RuntimeError("there is no TAP device " + dev +
                           " in this network namespace. sendpath creates one itself only "
                           "inside a network namespace of its own (ip netns exec NS ...), never in the host's; " +
                           admin);
    if (!existed) {
        if (const std::string used = subnet_in_use(cfg.peer_ip); !used.empty())
            throw RuntimeError(
                "there is no TAP device " + dev + ", and sendpath will not create one for " +
                net::to_string(cfg.peer_ip) + "/24: this namespace already has " + used +
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
            throw RuntimeError(
                "TAP device " + dev +
                " exists but this user may not attach to it (it belongs to another "
                "user or group: ip tuntap show). An administrator can give it to you with:\n  ip tuntap del dev " +
                dev + " mode tap\n  ip tuntap add dev " + dev + " mode tap user $USER");
        if (err == EBUSY)
            throw RuntimeError("TAP device " + dev + " is already in use by another process (a TAP takes one opener)");
        if (err == EINVAL)
            throw RuntimeError("device " + dev +
                               " exists but is not a TAP device (a TUN device, or another kind): pick another name");
        throw RuntimeError("TUNSETIFF on " + dev + ": " + errno_text(err));
    }
    created_ = !existed;
    // Always, right after attaching: a persistent TAP keeps the offloads its
    // last owner set, and with TUN_F_CSUM on (and no vnet header to say so)
    // every frame the kernel sends us has a partial checksum.
    if (::ioctl(fd_, TUNSETOFFLOAD, 0UL) < 0)
        throw RuntimeError("TUNSETOFFLOAD(0) on " + dev + ": " + errno_text(errno));
    if (created_) {
        configure_created(cfg);
        return;
    }
    copy_name(ifr, dev);
    if (ctl_ >= 0 && ::ioctl(ctl_, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP))
        throw RuntimeError("TAP device " + dev + " is down; an administrator brings it up with: ip link set " + dev +
                           " up");
}

// A device we created is ours for this run: give it the kernel's address, our
// MTU, no IPv6 (whose MLD and router solicitations would only be noise), and
// bring it up. It disappears when the link closes.
void TapDevice::configure_created(const TapConfig& cfg) {
    const std::string& dev = cfg.dev;
    Fd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (s.get() < 0) throw RuntimeError("socket(AF_INET): " + errno_text(errno));
    auto fail = [&](const std::string& what) {
        throw RuntimeError("created TAP device " + dev + " but could not " + what + ": " + errno_text(errno));
    };
    struct ifreq ifr;
    copy_name(ifr, dev);
    ifr.ifr_mtu = static_cast<int>(cfg.mtu);
    if (::ioctl(s.get(), SIOCSIFMTU, &ifr) < 0) fail("set its MTU to " + std::to_string(cfg.mtu));
    copy_name(ifr, dev);
    auto sin = inet_sockaddr(cfg.peer_ip);
    std::memcpy(&ifr.ifr_addr, &sin, sizeof sin);
    if (::ioctl(s.get(), SIOCSIFADDR, &ifr) < 0) fail("give it the address " + net::to_string(cfg.peer_ip));
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
