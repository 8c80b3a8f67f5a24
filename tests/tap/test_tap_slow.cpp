// A receiver that reads slowly: its window closes, our send buffer fills,
// tcp_sendmsg waits in wait_for_sndbuf, and the kernel's ACKs (window
// updates as it reads) free the buffer and wake the writer.
#include <doctest/doctest.h>

#include "tap/tap_support.hpp"

using namespace taptest;
using sendpath::trace::Arg;
using sendpath::trace::Kind;

TEST_CASE("a slow reader fills the send buffer: wait_for_sndbuf, then the kernel's ACKs wake the writer") {
    TAP_TEST_PRECONDITION();
    Netns ns;
    // 8 KiB asked (the kernel doubles it) and 100 KB/s read: the window closes at once.
    Receiver rx(ns, {"--rcvbuf", "8192", "--slow", "100000"});
    const int64_t size = 64 << 10;
    const trace::Trace t = run_tap(ns, {{"socket", {{"sndbuf", 4096}}},
                                        {"timeline", nlohmann::json::array({{{"send", size}}, {{"close", true}}})},
                                        {"max_time_ms", 60000}});
    const auto rep = rx.finish(60000);
    CHECK(t.end_reason == "completed");
    CHECK(rep.bytes == size);
    CHECK(rep.sha == pattern_sha(1, size));
    CHECK(send_rets(t) == std::vector<int64_t>{size});

    const auto waits = find_all(t, Kind::wait_for_sndbuf);
    REQUIRE(!waits.empty());
    // After the first wait: an ACK from the kernel frees skbs, write_space
    // wakes the writer, and the wait ends without error.
    const std::size_t w = waits.front();
    std::size_t ack = 0, space = 0, end = 0;
    for (std::size_t i = w + 1; i < t.events.size() && !end; ++i) {
        const Kind k = t.events[i].kind;
        if (k == Kind::ack && !ack) ack = i;
        if (k == Kind::write_space && ack && !space) space = i;
        if (k == Kind::wait_end && space) end = i;
    }
    REQUIRE(ack > w);
    REQUIRE(space > ack);
    REQUIRE(end > space);
    CHECK(t.arg(end, Arg::err) == 0);
    // The writer slept in real time: the wake came from the kernel, later.
    CHECK(t.events[space].time_us > t.events[w].time_us);
    // The window the kernel offered closed on the way (Win=0 in some ACK).
    bool zero_window = false;
    for (const auto& fv : parsed_frames(t))
        if (fv.f->dir == 1 && fv.p && fv.p->is_tcp() && !(fv.p->tcp->flags & net::TCP_SYN) && fv.p->tcp->window == 0)
            zero_window = true;
    CHECK(zero_window);
}
