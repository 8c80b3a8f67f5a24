// The TAP device's and the runner's runtime errors in Chinese, for what can be
// reached without root or a device: a TAP device that does not exist, a TAP
// scenario run with no TAP link, a trace replayed over TAP that was not
// recorded over one. English is byte for byte what the CLI printed before.
#include <doctest/doctest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "lesson/scenario.hpp"
#include "peer/tap_config.hpp"
#include "peer/tap_device.hpp"
#include "run/tap_replay.hpp"
#include "support/errors.hpp"
#include "support/scenarios.hpp"
#include "util/errors.hpp"

using namespace sendpath;
using sptest::english_phrase;
using sptest::runtime_error_of;

namespace {
// The text without its command lines (indented, after a newline): those are
// the shell's words, the same in every language.
std::string without_commands(const std::string& text) {
    std::string out;
    std::size_t at = 0;
    while (at <= text.size()) {
        const std::size_t nl = text.find('\n', at);
        const std::string line = text.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
        if (line.rfind("  ", 0) != 0) out += line;
        if (nl == std::string::npos) break;
        at = nl + 1;
    }
    return out;
}
}  // namespace

TEST_CASE("a TAP device that does not exist (or a /dev/net/tun we may not open) is said in Chinese") {
    peer::TapConfig cfg = peer::tap_config("spzh5none0", "10.231.7.1:5001");
    cfg.create = false;  // never make a device in a test that runs anywhere
    const auto e = runtime_error_of([&] { return peer::TapDevice(cfg).fd(); });
    REQUIRE(e);
    if (e.message.rfind("cannot open /dev/net/tun: ", 0) == 0) {
        // No permission on /dev/net/tun (not root), or no tun module.
        const bool perm = e.message.find("It must be readable and writable") != std::string::npos;
        const int err = perm ? (e.message.find(std::strerror(EACCES)) != std::string::npos ? EACCES : EPERM) : ENOENT;
        INFO(e.message);
        CHECK(e.zh.rfind("无法打开 /dev/net/tun：", 0) == 0);
        if (perm)
            CHECK(e.zh == std::string("无法打开 /dev/net/tun：") + (err == EACCES ? "权限不够" : "不允许的操作") +
                              "。当前用户必须能读写它；管理员可以运行\n"
                              "  chmod 0666 /dev/net/tun    （udev 规则：KERNEL==\"tun\", MODE=\"0666\"）");
    } else {
        const std::string user = e.message.substr(
            e.message.find(" mode tap user ") + 15,
            e.message.find('\n', e.message.find(" mode tap user ")) - e.message.find(" mode tap user ") - 15);
        CHECK(e.message ==
              "there is no TAP device spzh5none0 in this network namespace; an administrator creates it "
              "once with:\n  ip tuntap add dev spzh5none0 mode tap user " +
                  user + "\n  ip addr add 10.231.7.1/24 dev spzh5none0\n  ip link set spzh5none0 up");
        CHECK(e.zh ==
              "此网络命名空间中没有 TAP 设备 spzh5none0；管理员可以用以下命令创建一次：\n"
              "  ip tuntap add dev spzh5none0 mode tap user " +
                  user + "\n  ip addr add 10.231.7.1/24 dev spzh5none0\n  ip link set spzh5none0 up");
    }
    CHECK_MESSAGE(english_phrase(without_commands(e.zh)).empty(), e.zh);
}

TEST_CASE("a TAP scenario run with no TAP link, and a simulated trace replayed over TAP, in Chinese") {
    const auto no_link = runtime_error_of([] {
        const std::string path = std::string(SENDPATH_SOURCE_DIR) + "/lessons/scenarios/14-real-kernel.json";
        return engine::run_scenario(lesson::load_scenario(path), engine::Options{}).events.size();
    });
    REQUIRE(no_link);
    CHECK(no_link.message == "this scenario needs a TAP device (peer type \"tap\"), and no TAP link is available");
    CHECK(no_link.zh == "此场景需要一个 TAP 设备（对端类型为 \"tap\"），但没有可用的 TAP 链路");
    CHECK(english_phrase(no_link.zh).empty());

    const trace::Trace sim = sptest::run_shipped("tail_append.json");
    const auto not_tap = runtime_error_of([&] { return run::ReplayLink(sim).addrs().has_value(); });
    REQUIRE(not_tap);
    CHECK(not_tap.message == "this trace was not recorded over TAP (its scenario's peer type is not \"tap\")");
    CHECK(not_tap.zh == "此跟踪不是通过 TAP 录制的（它的场景中对端类型不是 \"tap\"）");
    CHECK(english_phrase(not_tap.zh).empty());
}
