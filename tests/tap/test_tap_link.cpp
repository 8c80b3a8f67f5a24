// The TAP link itself: configuration and its errors, a device it creates,
// untrusted frames (counted, kept from the engine or handed to it), ARP
// re-probes answered on a long connection, and a device lost mid-run.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <sys/socket.h>
#include <thread>

#include "tap/tap_support.hpp"
#include "trace/trace_io.hpp"
#include "util/errors.hpp"

using namespace taptest;
using sendpath::trace::Kind;

namespace {

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) { return e.what(); }
    return "(no error)";
}

lesson::Scenario with_peer(const std::string& dev, const std::string& connect) {
    lesson::Scenario sc;
    sc.peer.type = "tap";
    sc.peer.dev = dev;
    sc.peer.connect = connect;
    return sc;
}

}  // namespace

TEST_CASE("configuration from the scenario and --local, and what is wrong with it") {
    using peer::tap_config_for;
    CHECK(net::to_string(peer::default_our_ip(net::Ipv4Addr::of(10, 99, 0, 1))) == "10.99.0.2");
    CHECK(net::to_string(peer::default_our_ip(net::Ipv4Addr::of(192, 168, 7, 2))) == "192.168.7.1");
    const auto cfg = tap_config_for(with_peer("tap0", "10.99.0.1:5001"));
    CHECK(cfg.dev == "tap0");
    CHECK(net::to_string(cfg.peer_ip) == "10.99.0.1");
    CHECK(cfg.peer_port == 5001);
    CHECK(net::to_string(cfg.our_ip) == "10.99.0.2");
    CHECK(net::to_string(tap_config_for(with_peer("tap0", "10.99.0.1:5001"), "10.99.0.9").our_ip) == "10.99.0.9");

    CHECK(error_of([] { tap_config_for(with_peer("", "10.99.0.1:5001")); }).find("--tap: a TAP device name") !=
          std::string::npos);
    CHECK(error_of([] { tap_config_for(with_peer("tap0", "")); }).find("--connect: the kernel's listener") !=
          std::string::npos);
    for (const char* bad :
         {"10.99.0.1", "10.99.0.1:", "10.99.0.1:0", "10.99.0.1:65536", "10.99.0:5001", "host:80", "10.99.0.1:5x"})
        CHECK_MESSAGE(error_of([&] {
                          tap_config_for(with_peer("tap0", bad));
                      }).find("--connect: an IPv4 listener IP:PORT") != std::string::npos,
                      bad);
    CHECK(error_of([] {
              tap_config_for(with_peer("tap0", "10.99.0.1:5001"), "10.99.0.1");
          }).find("--local: an address other than the kernel's own") != std::string::npos);
    CHECK(error_of([] {
              tap_config_for(with_peer("tap0", "10.99.0.1:5001"), "nonsense");
          }).find("--local: an IPv4 address") != std::string::npos);
    CHECK(error_of([] { tap_config_for(with_peer("a/b", "10.99.0.1:5001")); }).find("no '/', found \"a/b\"") !=
          std::string::npos);
}

TEST_CASE("a missing device, without permission to create it, gets the administrator's commands") {
    TAP_TEST_PRECONDITION();
    Netns ns(Netns::Options{.make_tap = false});
    InNetns in(ns.name());
    auto cfg = peer::tap_config_for(with_peer("sptapnone", "10.99.0.1:5001"));
    cfg.create = false;
    const std::string e = error_of([&] { peer::TapLink link(cfg); });
    CHECK_MESSAGE(e.find("there is no TAP device sptapnone") != std::string::npos, e);
    CHECK_MESSAGE(e.find("ip tuntap add dev sptapnone mode tap user") != std::string::npos, e);
    CHECK_MESSAGE(e.find("ip addr add 10.99.0.1/24 dev sptapnone") != std::string::npos, e);
}

TEST_CASE("with CAP_NET_ADMIN the link creates a missing device, with the kernel's address, for the run only") {
    TAP_TEST_PRECONDITION();
    Netns ns(Netns::Options{.make_tap = false});
    Receiver rx(ns, {}, "0.0.0.0");  // the address does not exist before the link makes it
    const trace::Trace t = run_tap(ns, {{"timeline", nlohmann::json::array({{{"send", 5000}}, {{"close", true}}})}});
    const auto rep = rx.finish();
    CHECK(t.end_reason == "completed");
    CHECK(rep.bytes == 5000);
    CHECK(rep.sha == pattern_sha(1, 5000));
    // Gone with the link.
    CHECK(sh("ip -n " + ns.name() + " link show " + kDev + " >/dev/null 2>&1") != 0);
}

TEST_CASE("untrusted frames: non-IPv4 counted and ignored, bad ARP counted, any IPv4 bytes go to the engine") {
    TAP_TEST_PRECONDITION();
    Netns ns;
    InNetns in(ns.name());
    peer::TapLink link(peer::tap_config_for(with_peer(kDev, "10.99.0.1:5001")));
    link.resolve_peer();
    REQUIRE(link.peer_mac_known());

    // The kernel side of tap0 transmits whatever a packet socket gives it.
    const int ps = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    REQUIRE(ps >= 0);
    struct sockaddr_ll sll {};
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = static_cast<int>(::if_nametoindex(kDev));
    sll.sll_halen = 6;
    auto inject = [&](std::vector<uint8_t> f) {
        CHECK(::sendto(ps, f.data(), f.size(), 0, reinterpret_cast<sockaddr*>(&sll), sizeof sll) ==
              static_cast<ssize_t>(f.size()));
    };
    const std::vector<uint8_t> us{0x02, 0, 0, 0, 0, 0x02}, them{0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    auto eth = [&](uint16_t type, std::size_t len) {
        std::vector<uint8_t> f(len, 0xa5);
        std::copy(us.begin(), us.end(), f.begin());
        std::copy(them.begin(), them.end(), f.begin() + 6);
        f[12] = static_cast<uint8_t>(type >> 8);
        f[13] = static_cast<uint8_t>(type);
        return f;
    };
    const peer::TapCounters before = link.counters();
    inject(eth(0x86dd, 90));                    // IPv6: not ours, not the engine's
    inject(eth(0x0806, 30));                    // ARP ethertype, 16 bytes of nonsense
    std::vector<uint8_t> v4 = eth(0x0800, 60);  // IPv4 ethertype, garbage header
    inject(v4);
    // A request for our address from some other host: answered, and the
    // kernel's MAC we learned stays.
    {
        net::ArpRepr req;
        req.op = net::ARP_REQUEST;
        std::copy(them.begin(), them.end(), req.sender_mac.b.begin());
        req.sender_ip = net::Ipv4Addr::of(10, 99, 0, 77);
        req.target_ip = net::Ipv4Addr::of(10, 99, 0, 2);
        std::vector<uint8_t> f;
        net::emit_arp_frame(f, req);
        inject(f);
    }
    ::close(ps);

    std::vector<std::vector<uint8_t>> to_engine;
    const int64_t until = link.now_us() + 300'000;
    while (auto r = link.wait(until)) {
        CHECK(r->time_us <= until);
        to_engine.push_back(r->frame);
    }
    // A wait that ends without a frame leaves the clock exactly at its end.
    CHECK(link.now_us() == until);
    const peer::TapCounters& c = link.counters();
    CHECK(c.ignored - before.ignored == 1);
    CHECK(c.arp_bad - before.arp_bad == 1);
    CHECK(c.arp_in - before.arp_in == 1);
    CHECK(c.arp_out - before.arp_out == 1);
    REQUIRE(to_engine.size() == 1);
    CHECK(to_engine[0] == v4);
    CHECK(link.addrs()->peer_mac != net::MacAddr{{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}});
    CHECK(link.closed_reason().empty());
}

TEST_CASE("the kernel's ARP re-probes are answered, so a long connection keeps working") {
    TAP_TEST_PRECONDITION();
    Netns ns;
    // Make the kernel's neighbour entry for us go stale and probe within a
    // second or two instead of after ~5 s.
    REQUIRE(sh(ns.exec() + "sysctl -qw net.ipv4.neigh." + kDev + ".base_reachable_time_ms=300 net.ipv4.neigh." + kDev +
               ".delay_first_probe_time=1") == 0);
    Receiver rx(ns);
    const trace::Trace t = run_tap(ns, {{"timeline", nlohmann::json::array({{{"send", 1000}},
                                                                            {{"sleep_ms", 2500}},
                                                                            {{"send", 1000}},
                                                                            {{"sleep_ms", 2500}},
                                                                            {{"send", 1000}},
                                                                            {{"close", true}}})},
                                        {"max_time_ms", 60000}});
    const auto rep = rx.finish();
    CHECK(t.end_reason == "completed");
    CHECK(rep.bytes == 3000);
    int64_t syn_time = -1;
    int requests = 0, replies = 0;
    for (const auto& fv : parsed_frames(t)) {
        if (!fv.p) continue;
        if (fv.f->dir == 0 && fv.p->is_tcp() && (fv.p->tcp->flags & net::TCP_SYN)) syn_time = fv.f->time_us;
        if (syn_time < 0 || !fv.p->is_arp()) continue;
        if (fv.f->dir == 1 && fv.p->arp->op == net::ARP_REQUEST &&
            fv.p->arp->target_ip == net::Ipv4Addr::of(10, 99, 0, 2))
            ++requests;
        if (fv.f->dir == 0 && fv.p->arp->op == net::ARP_REPLY) ++replies;
    }
    CHECK(requests >= 1);
    CHECK(replies == requests);
}

TEST_CASE(
    "the device disappears mid-run: the run ends with \"device lost\" and the trace holds everything until then") {
    TAP_TEST_PRECONDITION();
    Netns ns;
    Receiver rx(ns, {"--slow", "20000"});
    std::thread killer([&] {
        ::usleep(600'000);
        sh("ip -n " + ns.name() + " link del " + kDev);
    });
    const trace::Trace t = run_tap(
        ns, {{"timeline", nlohmann::json::array({{{"send", 1 << 20}}, {{"close", true}}})}, {"max_time_ms", 60000}});
    killer.join();
    CHECK_MESSAGE(t.end_reason.rfind("device lost: ", 0) == 0, t.end_reason);
    CHECK(t.events.back().kind == Kind::run_end);
    CHECK(t.frames.size() > 10);
    trace::validate_trace(t, "device lost trace");
}
