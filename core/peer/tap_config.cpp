// Reading a TAP link's settings. See tap_config.hpp.
#include "peer/tap_config.hpp"

#include <algorithm>
#include <net/if.h>

#include "util/errors.hpp"

namespace sendpath::peer {

net::Ipv4Addr default_our_ip(net::Ipv4Addr peer_ip) {
    const uint32_t net24 = peer_ip.value & 0xffffff00u;
    return {net24 | ((peer_ip.value & 0xff) == 2 ? 1u : 2u)};
}

std::optional<IpPort> parse_ip_port(std::string_view s) {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const auto ip = net::parse_ipv4_addr(s.substr(0, colon));
    const std::string_view p = s.substr(colon + 1);
    if (!ip || p.empty() || p.size() > 5 ||
        !std::all_of(p.begin(), p.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
        return std::nullopt;
    long port = 0;
    for (char ch : p) port = port * 10 + (ch - '0');
    if (port < 1 || port > 65535) return std::nullopt;
    return IpPort{*ip, static_cast<uint16_t>(port)};
}

// A scenario file's own values were checked when it was read; these checks
// are for what comes from the command line.
TapConfig tap_config(const std::string& dev, const std::string& connect, const std::string& local) {
    using util::Message;
    TapConfig cfg;
    auto quoted = [](const std::string& v) { return "\"" + v + "\""; };
    if (dev.empty()) throw InputError("--tap", "", Message::of("err.tap.dev"));
    if (dev.size() >= IFNAMSIZ || dev.find('/') != std::string::npos)
        throw InputError("--tap", "", Message::of("err.tap.dev_name", {std::to_string(IFNAMSIZ - 1), quoted(dev)}));
    cfg.dev = dev;
    if (connect.empty()) throw InputError("--connect", "", Message::of("err.tap.connect"));
    const auto listener = parse_ip_port(connect);
    if (!listener) throw InputError("--connect", "", Message::of("err.tap.connect_bad", {quoted(connect)}));
    cfg.peer_ip = listener->ip;
    cfg.peer_port = listener->port;
    if (local.empty()) {
        cfg.our_ip = default_our_ip(cfg.peer_ip);
    } else {
        auto l = net::parse_ipv4_addr(local);
        if (!l) throw InputError("--local", "", Message::of("err.tap.local_bad", {quoted(local)}));
        cfg.our_ip = *l;
    }
    if (cfg.our_ip == cfg.peer_ip)
        throw InputError("--local", "", Message::of("err.tap.local_same", {net::to_string(cfg.peer_ip)}));
    return cfg;
}

}  // namespace sendpath::peer
