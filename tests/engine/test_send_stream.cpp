// A traced run keeps each byte sent once: the engine's frames hold their
// headers and name their payload in the send stream (Trace::sent). Whatever
// reads a frame (files, pcap, the GUI) gets the whole frame, the bytes the
// peer got.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "lesson/scenario.hpp"
#include "net/frame.hpp"
#include "run/runner.hpp"
#include "support/errors.hpp"
#include "support/scenarios.hpp"
#include "trace/frame_check.hpp"
#include "trace/trace_io.hpp"
#include "util/errors.hpp"

using namespace sendpath;

namespace {
lesson::Scenario scenario(const char* json) { return sptest::scenario_from_text(json, "<test>"); }

// Payload of every frame we sent, by its offset in the stream (retransmissions
// land on the same offsets and must carry the same bytes).
std::map<uint64_t, std::vector<uint8_t>> sent_payloads(const trace::Trace& t, uint32_t seq0) {
    std::map<uint64_t, std::vector<uint8_t>> out;
    std::vector<uint8_t> scratch;
    for (const auto& f : t.frames) {
        if (f.dir != 0) continue;
        const auto bytes = t.frame_data(f, scratch);
        REQUIRE(bytes.size() == f.length);
        const auto p = net::parse_frame(bytes, nullptr);
        REQUIRE(p);
        REQUIRE(p->tcp);
        if (p->payload.empty()) continue;
        const uint64_t at = static_cast<uint32_t>(p->tcp->seq - seq0);
        std::vector<uint8_t> payload(p->payload.begin(), p->payload.end());
        auto [it, fresh] = out.emplace(at, payload);
        if (!fresh) CHECK(it->second == payload);
    }
    return out;
}

uint32_t first_data_seq(const trace::Trace& t) {
    std::vector<uint8_t> scratch;
    for (const auto& f : t.frames) {
        const auto p = net::parse_frame(t.frame_data(f, scratch), nullptr);
        if (f.dir == 0 && p && p->tcp && (p->tcp->flags & net::TCP_SYN)) return p->tcp->seq + 1;
    }
    FAIL("no SYN");
    return 0;
}

uint64_t whole_frame_bytes(const trace::Trace& t) {
    uint64_t n = 0;
    for (const auto& f : t.frames) n += f.length;
    return n;
}
}  // namespace

TEST_CASE("a traced send keeps its payload once: frames hold headers, and read back whole with the pattern's bytes") {
    const auto sc = scenario(R"({"name": "s", "timeline": [{"send": 300000}, {"send": 5000}, {"close": true}]})");
    const trace::Trace t = engine::run_scenario(sc, engine::Options{});
    REQUIRE(t.end_reason == "completed");
    CHECK(t.sent.size() == 305000);
    // 210 data frames of about 1.5 kB: the trace holds their headers only.
    CHECK(whole_frame_bytes(t) > 305000);
    CHECK(t.frame_bytes.size() * 10 < whole_frame_bytes(t));

    const auto payloads = sent_payloads(t, first_data_seq(t));
    uint64_t next = 0;
    for (const auto& [at, bytes] : payloads) {
        REQUIRE(at == next);  // every byte went out, in order
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            const uint64_t s = at + i;
            const uint8_t want = s < 300000 ? lesson::payload_byte(1, s) : lesson::payload_byte(2, s - 300000);
            REQUIRE(bytes[i] == want);
        }
        next = at + bytes.size();
    }
    CHECK(next == 305000);
    CHECK(trace::check_frames(t).bad == 0);

    // Files hold whole frames; what is read back equals the run's trace.
    std::ostringstream js, cb;
    trace::write_trace_json(t, js);
    trace::write_trace_cbor(t, cb);
    const trace::Trace from_json = trace::parse_trace_json(js.str(), "<json>");
    const std::string c = cb.str();
    const trace::Trace from_cbor =
        trace::parse_trace_cbor({reinterpret_cast<const uint8_t*>(c.data()), c.size()}, "<cbor>");
    CHECK(from_json == t);
    CHECK(from_cbor == t);
    for (const auto& f : from_json.frames) CHECK(f.payload_len == 0);
    CHECK(from_json.frame_bytes.size() == whole_frame_bytes(t));
}

TEST_CASE("a traced send of literal data or a caller's buffer reads back those bytes") {
    SUBCASE("literal data") {
        const auto sc = scenario(R"({"name": "s", "timeline": [{"send": {"data": "GET / HTTP/1.0\r\n\r\n"}},
                                                                {"send": {"data": "tail"}}]})");
        const trace::Trace t = engine::run_scenario(sc, engine::Options{});
        const auto payloads = sent_payloads(t, first_data_seq(t));
        std::string all;
        for (const auto& [at, bytes] : payloads) {
            REQUIRE(at == all.size());
            all.append(bytes.begin(), bytes.end());
        }
        CHECK(all == "GET / HTTP/1.0\r\n\r\ntail");
    }
    SUBCASE("a caller's buffer, cycled") {
        auto buf = std::make_shared<std::vector<uint8_t>>(1000);
        for (std::size_t i = 0; i < buf->size(); ++i) (*buf)[i] = static_cast<uint8_t>(i * 7 + 3);
        const auto sc = scenario(R"({"name": "s", "timeline": [{"send": 50000}]})");
        engine::RunStats st;
        const trace::Trace t = engine::run_scenario_with_buffer(sc, engine::Options{}, buf, &st);
        CHECK(t.sent.buffer == buf);  // kept, not copied
        const auto payloads = sent_payloads(t, first_data_seq(t));
        uint64_t next = 0;
        for (const auto& [at, bytes] : payloads) {
            REQUIRE(at == next);
            for (std::size_t i = 0; i < bytes.size(); ++i) REQUIRE(bytes[i] == (*buf)[(at + i) % 1000]);
            next = at + bytes.size();
        }
        CHECK(next == 50000);
    }
}

TEST_CASE("a frame naming bytes its trace does not hold is reported, never read past, and never written") {
    const auto sc = scenario(R"({"name": "s", "timeline": [{"send": 10000}]})");
    trace::Trace t = engine::run_scenario(sc, engine::Options{});
    std::size_t k = 0;
    while (k < t.frames.size() && t.frames[k].payload_len == 0) ++k;
    REQUIRE(k < t.frames.size());
    t.frames[k].payload_at = t.sent.size();  // past the end of the stream
    std::vector<uint8_t> scratch;
    CHECK(t.frame_data(t.frames[k], scratch).empty());
    const auto fc = trace::check_frames(t);
    CHECK(fc.bad == 1);
    CHECK(fc.first_bad == k);
    CHECK(fc.first_why == "its bytes lie outside the trace's frame bytes");
    std::ostringstream out;
    const auto e = sptest::input_error_of([&] { trace::write_trace_cbor(t, out); });
    REQUIRE_MESSAGE(e.thrown, "a damaged trace was written");
    CHECK(e.message.find("/frames/" + std::to_string(k) + "/hex") != std::string::npos);
}
