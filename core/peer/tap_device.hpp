// The TAP device itself: attaching to it, creating it where we may, and
// telling the user what to do when neither can be done.
//
// A device is created only if it does not exist, TapConfig::create allows it,
// we hold CAP_NET_ADMIN and we are in a network namespace of our own (never
// the host's, nor pid 1's): then it gets the kernel's address (peer_ip/24),
// the MTU and no IPv6, is brought up, and goes away when we close it.
#pragma once

#include <string>

#include "peer/tap_config.hpp"

namespace sendpath::peer {

class TapDevice {
public:
    // Opens /dev/net/tun, attaches to cfg.dev (creating it if allowed) and
    // turns offloads off (TUNSETOFFLOAD 0: a persistent TAP keeps the last
    // owner's setting, and with it the kernel hands us partial checksums).
    // Throws RuntimeError that says what to do (device missing, no permission, busy).
    explicit TapDevice(const TapConfig& cfg);
    ~TapDevice();
    TapDevice(const TapDevice&) = delete;
    TapDevice& operator=(const TapDevice&) = delete;

    int fd() const { return fd_; }  // non-blocking: one frame per read() or write()
    bool created() const { return created_; }
    // Whether the device's flags can be read (running() is meaningful).
    bool has_flags() const { return ctl_ >= 0; }
    // IFF_RUNNING: the kernel sends on the device. Also true if the flags
    // cannot be read (nothing to wait for then).
    bool running() const;

private:
    void attach(const TapConfig& cfg);
    void configure_created(const TapConfig& cfg);

    std::string dev_;
    int fd_ = -1;
    int ctl_ = -1;  // an AF_INET socket for the device's flags
    bool created_ = false;
};

}  // namespace sendpath::peer
