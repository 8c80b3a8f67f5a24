// Byte provenance on real engine runs: every byte found maps back to the
// send() call, iovec and buffer offset whose content the frame carries.
#include <doctest/doctest.h>

#include <span>

#include "engine/options.hpp"
#include "run/runner.hpp"
#include "support/scenarios.hpp"
#include "gui/model/provenance.hpp"
#include "gui/model/seq_graph.hpp"
#include "lesson/scenario.hpp"
#include "net/frame.hpp"
#include "run/runner.hpp"

using namespace sendpath;
using namespace sendpath::gui;

namespace {
using sptest::run_shipped;

// The byte a frame carries at raw sequence number seq.
std::optional<uint8_t> frame_byte(const trace::Trace& t, uint32_t frame, int64_t seq) {
    const trace::Frame& f = t.frames[frame];
    std::vector<uint8_t> scratch;
    const auto pf = net::parse_frame(t.frame_data(f, scratch), nullptr);
    if (!pf || !pf->tcp) return std::nullopt;
    const auto at = static_cast<uint32_t>(seq) - pf->tcp->seq;
    if (at >= pf->payload.size()) return std::nullopt;
    return pf->payload[at];
}
}  // namespace

TEST_CASE("provenance: a byte of the fourth iovec of iovecs.json") {
    // iov [100, 3000, 0, 5000, 50]: buffer offset 3110 is iovec 3, byte 10.
    const trace::Trace t = run_shipped("iovecs.json");
    const ProvenanceIndex idx = build_provenance_index(t);
    const SeqGraph g = build_seq_graph(t);
    REQUIRE(g.has_isn);
    REQUIRE(idx.iovs.size() == 1);
    CHECK(idx.iovs[0] == std::vector<int64_t>{100, 3000, 0, 5000, 50});
    const int64_t seq = static_cast<int64_t>(g.isn) + 1 + 3110;
    const ByteOrigin o = byte_origin(t, idx, g, seq);
    REQUIRE(o.found);
    CHECK(o.rel_seq == 3111);
    CHECK(o.call == 1);
    CHECK(o.buf_offset == 3110);
    CHECK(o.iov == 3);
    CHECK(o.iov_offset == 10);
    CHECK(o.copy.skb != 0);
    CHECK(o.copy.page != 0);  // this scenario copies into pages (scatter-gather)
    CHECK(t.events[o.copy.event].kind == o.copy.kind);
    REQUIRE(!o.sent.empty());
    const Transmission& tx = o.sent.front();
    CHECK(t.events[tx.event].kind == trace::Kind::transmit);
    CHECK(frame_byte(t, tx.frame, seq) == lesson::payload_byte(1, 3110));
    REQUIRE(!tx.why.empty());
    // One skb, one push at the end of the call: out_push starts the chain.
    CHECK(tx.why.front().kind == trace::Kind::out_push);
    CHECK(tx.why.back().event < tx.event);
    CHECK(describe_origin(o).str().find("iovec 3 byte 10") != std::string::npos);
    // The page byte maps back to the same sequence number.
    CHECK(seq_of_page_byte(idx, o.copy.page, o.page_byte, t.events.size()) == seq);
}

TEST_CASE("provenance: every byte of wait_for_sndbuf comes back to its buffer offset") {
    const trace::Trace t = run_shipped("wait_for_sndbuf.json");
    const ProvenanceIndex idx = build_provenance_index(t);
    const SeqGraph g = build_seq_graph(t);
    int checked = 0;
    bool saw_ack_push = false;
    for (int64_t off = 0; off < 50000; off += 997) {
        const ByteOrigin o = byte_origin(t, idx, g, static_cast<int64_t>(g.isn) + 1 + off);
        REQUIRE(o.found);
        CHECK(o.buf_offset == off);
        CHECK(o.iov == 0);
        REQUIRE(!o.sent.empty());
        CHECK(frame_byte(t, o.sent.front().frame, o.seq) == lesson::payload_byte(1, static_cast<uint64_t>(off)));
        for (const Transmission& tx : o.sent)
            if (!tx.why.empty() && tx.why.front().kind == trace::Kind::ack) saw_ack_push = true;
        ++checked;
    }
    CHECK(checked == 51);
    // With the send buffer full, later data leaves when ACKs open the window.
    CHECK(saw_ack_push);
    // The SYN's sequence number held no copied byte.
    CHECK(!byte_origin(t, idx, g, g.isn).found);
}

// retransmit_rto's byte 2950: lost on the wire, resent after the timeout.
struct RetransmittedByte {
    trace::Trace t = run_shipped("retransmit_rto.json");
    ByteOrigin o;
    RetransmittedByte() {
        const SeqGraph g = build_seq_graph(t);
        o = byte_origin(t, build_provenance_index(t), g, static_cast<int64_t>(g.isn) + 2950);
    }
};

TEST_CASE("provenance: the retransmitted byte lists both transmissions") {
    const RetransmittedByte b;
    const ByteOrigin& o = b.o;
    REQUIRE(o.found);
    REQUIRE(o.sent.size() == 2);
    CHECK(o.sent[0].dropped);
    CHECK(o.sent[1].retransmit);
    bool rto = false;
    for (const Decision& d : o.sent[1].why) rto = rto || d.kind == trace::Kind::rto_fire;
    CHECK(rto);
}

TEST_CASE("provenance: while a lesson hides the future, no copy or frame after the horizon is shown") {
    const RetransmittedByte b;
    const trace::Trace& t = b.t;
    const ByteOrigin& o = b.o;
    REQUIRE(o.found);
    REQUIRE(o.sent.size() == 2);
    // Nothing hidden: the copy and both frames.
    VisibleOrigin v = visible_origin(o, t.events.size() - 1);
    CHECK_FALSE(v.copy_hidden);
    CHECK(v.sent.size() == 2);
    // Stopped between the first transmission and the retransmission: only the first.
    v = visible_origin(o, o.sent[1].event - 1);
    CHECK_FALSE(v.copy_hidden);
    REQUIRE(v.sent.size() == 1);
    CHECK(v.sent[0].event == o.sent[0].event);
    // At the copy's event the copy shows, no frame yet.
    v = visible_origin(o, o.copy.event);
    CHECK_FALSE(v.copy_hidden);
    CHECK(v.sent.empty());
    // Before the copy: the byte's whole story is the future.
    v = visible_origin(o, o.copy.event - 1);
    CHECK(v.copy_hidden);
    CHECK(v.sent.empty());
}
