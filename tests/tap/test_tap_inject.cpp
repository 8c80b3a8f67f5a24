// Frames nobody should trust, injected on the kernel's side of the TAP while
// the engine sends 4 MiB: an AF_PACKET socket on tap0 inside the test's
// namespace writes them into the TAP, so the engine reads them among the
// kernel's own frames. Random bytes, and copies of the kernel's latest frame
// with a bad checksum, a wrong port, a bad length, another host's MAC, or an
// acknowledgment far outside the window. The kernel must still receive every
// byte, the trace must check, and each injected frame must be in the trace as
// input that was dropped, with the reason.
#include <doctest/doctest.h>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <linux/if_packet.h>
#include <map>
#include <optional>
#include <cstring>
#include <linux/if_ether.h>
#include <net/if.h>
#include <poll.h>
#include <random>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include "net/bytes.hpp"
#include "net/checksum.hpp"
#include "tap/tap_support.hpp"
#include "trace/trace_io.hpp"

using namespace taptest;
using sendpath::trace::Arg;
using sendpath::trace::Kind;

namespace {

// What was done to an injected frame, and so why it must be dropped.
enum class Mutation {
    random_bytes,      // anything, to any MAC: not a frame anyone can parse
    random_ipv4,       // to our MAC as IPv4, then random: the engine's parser refuses it
    bad_tcp_checksum,  // a copy of the kernel's frame, one payload or header byte changed
    bad_ip_checksum,   // the IPv4 header checksum changed
    wrong_port,        // to another port of ours, checksums right: not this connection
    truncated,         // cut short of its IPv4 total length
    bad_ip_length,     // IPv4 total length beyond the frame
    wrong_mac,         // a valid copy sent to another host's MAC: the link ignores it
    bad_ack,           // for this connection, valid, but acknowledging far outside what was sent
    count_
};

const char* mutation_name(Mutation m) {
    static const char* const names[] = {"random bytes",          "random IPv4", "bad TCP checksum",
                                        "bad IPv4 checksum",     "wrong port",  "truncated",
                                        "bad IPv4 total length", "wrong MAC",   "bad seq/ack"};
    return names[static_cast<int>(m)];
}

struct Injected {
    Mutation m;
    std::vector<uint8_t> bytes;
};

void fix_ip_checksum(std::vector<uint8_t>& f) {
    net::write_be16(f.data() + 14 + 10, 0);
    net::write_be16(f.data() + 14 + 10, net::inet_checksum({f.data() + 14, 20}));
}

// The frame the kernel sent (an IPv4/TCP frame without IPv4 options), mutated.
std::vector<uint8_t> mutate(const std::vector<uint8_t>& real, const net::ParsedFrame& p, Mutation m,
                            std::mt19937& rng) {
    std::vector<uint8_t> f = real;
    auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
    const std::size_t ihl = 14 + 20;  // the kernel sends no IPv4 options
    net::FrameAddrs a{p.eth.src, p.eth.dst, p.ip->src, p.ip->dst, p.ip->ident, p.ip->ttl, true};
    switch (m) {
        case Mutation::bad_tcp_checksum:
            // Any byte of the TCP header or payload; the checksum field itself too.
            f[pick(ihl, f.size() - 1)] ^= static_cast<uint8_t>(pick(1, 255));
            break;
        case Mutation::bad_ip_checksum: f[14 + 10] ^= static_cast<uint8_t>(pick(1, 255)); break;
        case Mutation::wrong_port: {
            net::TcpRepr t = *p.tcp;
            t.dst_port = static_cast<uint16_t>(t.dst_port + pick(1, 1000));
            f.clear();
            net::emit_tcp_frame(f, a, t, p.payload);
            break;
        }
        case Mutation::truncated: f.resize(pick(14, f.size() - 1)); break;
        case Mutation::bad_ip_length:
            net::write_be16(f.data() + 14 + 2, static_cast<uint16_t>(f.size() - 14 + pick(1, 2000)));
            fix_ip_checksum(f);
            break;
        case Mutation::wrong_mac: f[5] ^= 0x5a; break;
        case Mutation::bad_ack: {
            // Far outside anything sent or acknowledged (the window is well under
            // 1 GiB): acknowledging the future or the distant past; the sequence
            // number moved too, where the kernel never sent anything.
            net::TcpRepr t = *p.tcp;
            t.ack += (rng() & 1) ? 0x40000000u : 0xc0000000u;
            if (rng() & 1) t.seq += 0x20000000u;
            f.clear();
            net::emit_tcp_frame(f, a, t, p.payload);
            break;
        }
        default: break;
    }
    return f;
}

// The injector: on tap0 in the namespace, reads what passes (the kernel's
// frames to the engine, to copy; our SYN, to know where the data starts) and
// injects kPerFrame frames for every frame the kernel sends, until the kernel
// has acknowledged all the data (or the engine closes), or it has sent `limit`.
// The kernel may acknowledge 4 MiB in a handful of stretch ACKs (seen: 8); so
// that every kind is injected often enough, copies of its last frame go on
// until kMinInjected, while the engine sleeps before its close.
constexpr int kPerFrame = 16;
constexpr std::size_t kMinInjected = 400;

class Injector {
public:
    // Returns once the injector listens on tap0 (or has failed): a SYN sent
    // before that would go unseen, and without our sequence number the
    // injector would never know the kernel has all the data (CI saw 176
    // frames injected instead of 400 when the engine's SYN won that race).
    Injector(std::string ns, uint32_t bytes, std::size_t limit) : ns_(std::move(ns)), bytes_(bytes), limit_(limit) {
        th_ = std::thread([this] { run(); });
        while (!ready_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~Injector() { stop(); }
    void stop() {
        stop_ = true;
        if (th_.joinable()) th_.join();
    }
    const std::vector<Injected>& injected() const { return injected_; }
    const std::string& error() const { return error_; }
    std::optional<net::MacAddr> our_mac() const { return our_mac_; }

private:
    void run() {
        sptest::InNetns in(ns_);
        if (!in.ok()) return fail("cannot enter the namespace");
        const int fd = ::socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
        if (fd < 0) return fail("socket(AF_PACKET)");
        // Straight to the TAP, not through tap0's queueing discipline: an
        // injected frame reaches the engine before any frame the kernel
        // sends after it (the kernel's answer to our FIN, which ends the run).
        const int one = 1;
        ::setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
        // Room for every frame of the transfer: a frame missed here is an
        // acknowledgment the injector does not stop at.
        const int rcvbuf = 64 << 20;
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf);
        sockaddr_ll sll{};
        sll.sll_family = AF_PACKET;
        sll.sll_protocol = htons(ETH_P_ALL);
        sll.sll_ifindex = static_cast<int>(::if_nametoindex(kDev));
        if (sll.sll_ifindex == 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) {
            ::close(fd);
            return fail("bind to tap0");
        }
        ready_ = true;
        std::mt19937 rng(14);
        std::vector<uint8_t> buf(65536);
        int next = 0;
        while (!stop_ && injected_.size() < limit_) {
            pollfd pfd{fd, POLLIN, 0};
            if (::poll(&pfd, 1, 5) <= 0) continue;
            sockaddr_ll from{};
            socklen_t fl = sizeof from;
            const ssize_t n =
                ::recvfrom(fd, buf.data(), buf.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &fl);
            if (n <= 0) continue;
            const std::vector<uint8_t> real(buf.begin(), buf.begin() + n);
            const auto p = net::parse_frame(real, nullptr);
            if (!p || !p->is_tcp()) continue;
            if (from.sll_pkttype != PACKET_OUTGOING) {  // the engine's frame to the kernel
                if (p->tcp->flags & net::TCP_SYN) isn_ = p->tcp->seq;
                if (p->tcp->flags & net::TCP_FIN) break;
                continue;
            }
            if (p->tcp->flags & net::TCP_SYN) {  // the kernel's SYN-ACK: no copies of it
                isn_ = p->tcp->ack - 1;          // it acknowledges our SYN, whether or not we saw it
                continue;
            }
            // The kernel has all the data: injection ends (after kMinInjected)
            // while the engine, sleeping before its close, still reads what
            // was injected.
            const bool all_acked = isn_ && p->tcp->ack - (*isn_ + 1) >= bytes_;
            if (all_acked && injected_.size() >= kMinInjected) break;
            our_mac_ = p->eth.dst;
            const std::size_t quota =
                all_acked ? std::min(limit_, kMinInjected) : std::min(limit_, injected_.size() + kPerFrame);
            while (injected_.size() < quota) {
                const auto m = static_cast<Mutation>(next++ % static_cast<int>(Mutation::count_));
                std::vector<uint8_t> f;
                if (m == Mutation::random_bytes || m == Mutation::random_ipv4) {
                    f.resize(std::uniform_int_distribution<std::size_t>(14, 1514)(rng));
                    for (auto& b : f) b = static_cast<uint8_t>(rng());
                    if (m == Mutation::random_ipv4) {
                        std::copy(p->eth.dst.b.begin(), p->eth.dst.b.end(), f.begin());
                        net::write_be16(f.data() + 12, net::ETHERTYPE_IPV4);
                    }
                } else {
                    f = mutate(real, *p, m, rng);
                }
                // A full device queue (ENOBUFS) is waited out: the frame must go.
                ssize_t sent = -1;
                for (int tries = 0; tries < 1000 && sent < 0; ++tries) {
                    sent = ::send(fd, f.data(), f.size(), 0);
                    if (sent < 0 && errno != ENOBUFS && errno != EAGAIN) break;
                    if (sent < 0) ::usleep(1000);
                }
                if (sent != static_cast<ssize_t>(f.size())) {
                    ::close(fd);
                    return fail("send on the AF_PACKET socket");
                }
                injected_.push_back({m, std::move(f)});
            }
            if (all_acked) break;
        }
        ::close(fd);
    }
    void fail(const std::string& what) {
        error_ = what + ": " + std::strerror(errno);
        ready_ = true;
    }

    std::string ns_;
    uint32_t bytes_;  // the transfer's size
    std::size_t limit_;
    std::optional<uint32_t> isn_;  // our SYN's sequence number
    std::atomic<bool> stop_{false};
    std::atomic<bool> ready_{false};  // bound to tap0, or failed
    std::vector<Injected> injected_;
    std::optional<net::MacAddr> our_mac_;
    std::string error_;
    std::thread th_;
};

}  // namespace

TEST_CASE(
    "frames injected on the kernel's side during a 4 MiB transfer: every byte arrives, each is dropped input "
    "with its reason") {
    TAP_TEST_PRECONDITION();
    Netns ns;
    // Room in the TAP's queue for the kernel's frames and the injected ones
    // together (the default 500 can fill while the engine is busy; a frame
    // the queue has no room for is lost before the engine could see it).
    REQUIRE(sh("ip -n " + ns.name() + " link set " + kDev + " txqueuelen 20000") == 0);
    Receiver rx(ns);
    const uint32_t size = 4 << 20;
    Injector inj(ns.name(), size, 20000);
    const trace::Trace t =
        run_tap(ns, {{"timeline", nlohmann::json::array({{{"send", size}}, {{"sleep_ms", 1000}}, {{"close", true}}})},
                     {"max_time_ms", 60000}});
    inj.stop();
    REQUIRE_MESSAGE(inj.error().empty(), inj.error());
    const auto rep = rx.finish();

    // The transfer is untouched.
    CHECK(t.end_reason == "completed");
    CHECK(rep.bytes == size);
    CHECK(rep.sha == pattern_sha(1, size));
    // The trace checks: sendpath-cli check replays it, checks the model's
    // invariants after every event and every frame not marked dropped.
    const std::string path = temp_path("inject.cbor");
    trace::save_trace(t, path, trace::TraceFormat::cbor);
    CHECK(sh(std::string(SENDPATH_BINARY_DIR "/core/sendpath-cli") + " check '" + path + "' >/dev/null") == 0);

    // Every injected frame is in the trace as received; the test injected
    // some of every kind.
    const auto& inj_frames = inj.injected();
    MESSAGE(inj_frames.size() << " frames injected among " << t.frames.size() << " frames");
    REQUIRE(inj_frames.size() >= 200);
    REQUIRE(inj.our_mac());
    std::multimap<std::vector<uint8_t>, std::size_t> received;  // bytes -> frame index
    std::vector<uint8_t> scratch;
    for (std::size_t k = 0; k < t.frames.size(); ++k) {
        if (t.frames[k].dir != 1) continue;
        const auto b = t.frame_data(t.frames[k], scratch);
        received.emplace(std::vector<uint8_t>(b.begin(), b.end()), k);
    }
    std::map<Mutation, int> seen;
    for (const Injected& x : inj_frames) {
        const std::string mutation = mutation_name(x.m);
        CAPTURE(mutation);
        const auto it = received.find(x.bytes);
        if (it == received.end())
            FAIL("an injected frame is missing from the trace; tap0's drops: "
                 << sh_out("ip -n " + ns.name() + " -s link show " + kDev + " | tail -4"));
        const std::size_t k = it->second;
        received.erase(it);
        const trace::Frame& f = t.frames[k];
        ++seen[x.m];
        std::string why;
        const auto p = net::parse_frame(x.bytes, &why);
        switch (x.m) {
            case Mutation::random_bytes:
            case Mutation::random_ipv4:
            case Mutation::bad_tcp_checksum:
            case Mutation::bad_ip_checksum:
            case Mutation::truncated:
            case Mutation::bad_ip_length:
                // Dropped, and the trace says why: the frame is no frame
                // (summarize_frame, as the wire view shows it, gives the parser's reason).
                CHECK(f.dropped == 1);
                CHECK(!p);
                CHECK(net::summarize_frame(x.bytes).rfind("invalid frame: ", 0) == 0);
                if (x.m == Mutation::bad_ip_checksum) CHECK(why == "bad IPv4 header checksum");
                if (x.m == Mutation::bad_ip_length)
                    CHECK(why.find("total length beyond the frame") != std::string::npos);
                if (x.m != Mutation::random_bytes) {
                    // IPv4 to our MAC: the link hands it to the engine, which
                    // counts it with a frame_bad event of its own.
                    REQUIRE(f.event < t.events.size());
                    CHECK(t.events[f.event].kind == Kind::frame_bad);
                    CHECK(t.arg(f.event, Arg::len) == static_cast<int64_t>(x.bytes.size()));
                }
                break;
            case Mutation::wrong_port:
                // A valid segment, but of no connection of ours: the engine's frame_bad.
                CHECK(f.dropped == 1);
                REQUIRE(p);
                REQUIRE(f.event < t.events.size());
                CHECK(t.events[f.event].kind == Kind::frame_bad);
                CHECK(t.arg(f.event, Arg::len) == static_cast<int64_t>(x.bytes.size()));
                break;
            case Mutation::wrong_mac:
                // Valid, but to another host: the link ignores it, as a NIC would.
                CHECK(f.dropped == 1);
                REQUIRE(p);
                CHECK(!(p->eth.dst == *inj.our_mac()));
                CHECK(!peer::tap_frame_for_engine(x.bytes, inj.our_mac()));
                break;
            case Mutation::bad_ack: {
                // Taken as a segment of this connection. Its timestamp is a
                // copy of an earlier frame's, so PAWS may find it older than
                // ts_recent and tcp_validate_incoming drop it unread
                // (paws_reject); with its sequence number moved out of the
                // receive window it is dropped unread too (seq_reject); else
                // tcp_ack drops it for its ACK number (reason 1: before
                // snd_una, 2: past snd_nxt).
                REQUIRE(p);
                CHECK(f.dropped == 0);
                REQUIRE(f.event < t.events.size());
                // Its frame belongs to the first event after it arrived.
                std::optional<std::size_t> e;
                const Kind k0 = t.events[f.event].kind;
                if (k0 == Kind::ack || k0 == Kind::seq_reject || k0 == Kind::paws_reject) {
                    e = f.event;
                } else {
                    for (Kind k : {Kind::ack, Kind::seq_reject, Kind::paws_reject}) {
                        const auto n = sptest::find_next(t, k, f.event);
                        if (n && (!e || *n < *e)) e = n;
                    }
                }
                REQUIRE(e);
                if (t.events[*e].kind == Kind::paws_reject) {
                    CHECK(t.arg(*e, Arg::seq) == p->tcp->seq);
                    REQUIRE(p->tcp->options.ts);
                    CHECK(t.arg(*e, Arg::value) == p->tcp->options.ts->first);
                } else if (t.events[*e].kind == Kind::seq_reject) {
                    CHECK(t.arg(*e, Arg::seq) == p->tcp->seq);
                } else {
                    const int64_t reason = t.arg(*e, Arg::reason);
                    CHECK((reason == 1 || reason == 2));
                    CHECK(t.arg(*e, Arg::ack) == p->tcp->ack);
                }
                break;
            }
            case Mutation::count_: break;
        }
    }
    for (int m = 0; m < static_cast<int>(Mutation::count_); ++m) {
        const std::string mutation = mutation_name(static_cast<Mutation>(m));
        CAPTURE(mutation);
        CHECK(seen[static_cast<Mutation>(m)] > 0);
    }
}
