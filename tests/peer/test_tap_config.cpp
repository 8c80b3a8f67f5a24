// A TAP link's settings from what the user typed (--tap, --connect, --local
// or a scenario's peer.dev and peer.connect), without a device: what is
// accepted, and the message for what is not.
#include <doctest/doctest.h>

#include <string>

#include "net/addr.hpp"
#include "peer/tap_config.hpp"
#include "support/errors.hpp"
#include "util/errors.hpp"

using namespace sendpath;
using peer::parse_ip_port;
using peer::tap_config;

namespace {

// The InputError a call throws, as "file: expected" (file is the option), or "" if none.
template <class F>
std::string input_error(F&& f) {
    try {
        f();
    } catch (const InputError& e) {
        CHECK(e.place().empty());
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("IP:PORT") {
    auto ok = [](const char* s, const char* ip, uint16_t port) {
        const auto p = parse_ip_port(s);
        REQUIRE_MESSAGE(p, s);
        CHECK_MESSAGE(net::to_string(p->ip) == ip, s);
        CHECK_MESSAGE(p->port == port, s);
    };
    ok("10.99.0.1:5001", "10.99.0.1", 5001);
    ok("192.168.7.2:1", "192.168.7.2", 1);
    ok("1.2.3.4:65535", "1.2.3.4", 65535);
    ok("10.0.0.1:00080", "10.0.0.1", 80);
    for (const char* bad : {"", ":", "10.99.0.1", "10.99.0.1:", ":5001", "10.99.0.1:0", "10.99.0.1:65536",
                            "10.99.0.1:123456", "10.99.0.1:+80", "10.99.0.1:-1", "10.99.0.1:5x", "10.99.0.1: 80",
                            "10.99.0:5001", "10.99.0.1.5:80", "256.1.1.1:80", "host:80", "10.99.0.1:80:90", "[::1]:80"})
        CHECK_MESSAGE(!parse_ip_port(bad), "\"" << bad << "\"");
}

TEST_CASE("a good configuration, and our address by default") {
    const peer::TapConfig c = tap_config("tap0", "10.99.0.1:5001");
    CHECK(c.dev == "tap0");
    CHECK(net::to_string(c.peer_ip) == "10.99.0.1");
    CHECK(c.peer_port == 5001);
    CHECK(net::to_string(c.our_ip) == "10.99.0.2");  // the kernel's /24, host part .2
    // The rest keeps its defaults.
    CHECK(c.our_port == 0);
    CHECK(c.mtu == 1500);
    CHECK(c.create);
    CHECK(c.writes == peer::TapWrites::batched);
    // .1 when the kernel is .2; --local wins.
    CHECK(net::to_string(tap_config("tap0", "192.168.7.2:80").our_ip) == "192.168.7.1");
    CHECK(net::to_string(tap_config("tap0", "10.99.0.1:5001", "10.99.0.9").our_ip) == "10.99.0.9");
    CHECK(tap_config("abcdefghijklmno", "10.99.0.1:5001").dev == "abcdefghijklmno");  // 15 characters: the most
    CHECK(net::to_string(peer::default_our_ip(net::Ipv4Addr::of(172, 16, 5, 200))) == "172.16.5.2");
}

TEST_CASE("a missing or malformed device, listener or local address: the option and what was expected") {
    CHECK(input_error([] { tap_config("", "10.99.0.1:5001"); }) ==
          "--tap: a TAP device name (--tap DEV, or \"dev\" under \"peer\" in the scenario)");
    CHECK(input_error([] { tap_config("abcdefghijklmnop", "10.99.0.1:5001"); }) ==
          "--tap: a device name of at most 15 characters and no '/', found \"abcdefghijklmnop\"");
    CHECK(input_error([] { tap_config("a/b", "10.99.0.1:5001"); }) ==
          "--tap: a device name of at most 15 characters and no '/', found \"a/b\"");
    CHECK(input_error([] { tap_config("tap0", ""); }) ==
          "--connect: the kernel's listener (--connect IP:PORT, or \"connect\" under \"peer\" in the scenario)");
    for (const char* bad : {"10.99.0.1", "10.99.0.1:0", "10.99.0.1:65536", "host:80", "10.99.0:5001"})
        CHECK(input_error([&] { tap_config("tap0", bad); }) ==
              "--connect: an IPv4 listener IP:PORT such as 10.99.0.1:5001, found \"" + std::string(bad) + "\"");
    CHECK(input_error([] { tap_config("tap0", "10.99.0.1:5001", "nonsense"); }) ==
          "--local: an IPv4 address such as 10.99.0.2, found \"nonsense\"");
    CHECK(input_error([] { tap_config("tap0", "10.99.0.1:5001", "10.99.0.1"); }) ==
          "--local: an address other than the kernel's own (10.99.0.1, from --connect)");
    // The device is looked at first, then the listener.
    CHECK(input_error([] { tap_config("", ""); }).rfind("--tap:", 0) == 0);
    CHECK(input_error([] { tap_config("tap0", "bad", "also bad"); }).rfind("--connect:", 0) == 0);
}

TEST_CASE("a TAP setting refused in Chinese: the option, the values and IP:PORT kept, no English left") {
    auto zh = [](auto f) { return sptest::input_error_of(f).zh; };
    CHECK(zh([] { tap_config("", "10.99.0.1:5001"); }) ==
          "--tap: TAP 设备名（--tap DEV，或场景中 \"peer\" 下的 \"dev\"）");
    CHECK(zh([] { tap_config("a/b", "10.99.0.1:5001"); }) ==
          "--tap: 不超过 15 个字符且不含 '/' 的设备名；实际为：\"a/b\"");
    CHECK(zh([] { tap_config("tap0", ""); }) ==
          "--connect: 内核的监听地址（--connect IP:PORT，或场景中 \"peer\" 下的 \"connect\"）");
    CHECK(zh([] { tap_config("tap0", "host:80"); }) ==
          "--connect: IPv4 监听地址 IP:PORT，例如 10.99.0.1:5001；实际为：\"host:80\"");
    CHECK(zh([] { tap_config("tap0", "10.99.0.1:5001", "nonsense"); }) ==
          "--local: IPv4 地址，例如 10.99.0.2；实际为：\"nonsense\"");
    CHECK(zh([] { tap_config("tap0", "10.99.0.1:5001", "10.99.0.1"); }) ==
          "--local: 与内核自己的地址（10.99.0.1，来自 --connect）不同的地址");
}
