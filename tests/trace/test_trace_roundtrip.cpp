// Round trips and the exact shape of the two trace encodings.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "trace/trace_io.hpp"
#include "util/errors.hpp"
#include "support/sample_traces.hpp"
#include "support/trace_query.hpp"

using namespace sendpath;
using namespace sendpath::trace;

using sptest::as_cbor;
using sptest::as_json;

TEST_CASE("the JSON form: one event per line, changes in order, args repeated for readers") {
    const std::string expected =
        R"({"format":"sendpath-trace","format_version":2,"engine_version":"0.1.0",)"
        "\n"
        R"("scenario":{"mss":1448,"name":"synthetic","timeline":[{"send":100}]},)"
        "\n"
        R"("options":{"autocork":false,"linear_copy":true,"sizeof_sk_buff":232},)"
        "\n"
        R"("files":["core/engine/tcp_sendmsg.cpp","core/engine/tcp_output.cpp","core/engine/tcp_input.cpp"],)"
        "\n"
        R"("end_reason":"completed",)"
        "\n"
        R"("events":[)"
        "\n"
        R"({"i":0,"t":0,"kind":"sendmsg_enter","function":"tcp_sendmsg","depth":1,"file":"core/engine/tcp_sendmsg.cpp","line":100,"call":1,"args":{"flags":0,"size":100},"changes":[{"op":"arg","arg":"flags","value":0},{"op":"arg","arg":"size","value":100},{"op":"sock_set","field":"copied","value":0}]},)"
        "\n"
        R"({"i":1,"t":0,"kind":"copy_linear","function":"tcp_sendmsg","depth":1,"file":"core/engine/tcp_sendmsg.cpp","line":123,"call":1,"args":{"copy":100,"err":-11},"changes":[{"op":"arg","arg":"copy","value":100},{"op":"skb_new","skb":3},{"op":"skb_set","skb":3,"field":"len","value":100},{"op":"sock_set","field":"write_seq","value":1100},{"op":"skb_frag","skb":3,"index":0,"page":2,"off":0,"size":100},{"op":"skb_link","skb":3,"after":2},{"op":"arg","arg":"err","value":-11}]},)"
        "\n"
        R"({"i":2,"t":50,"kind":"transmit","function":"tcp_transmit_skb","depth":3,"file":"core/engine/tcp_output.cpp","line":400,"call":1,"changes":[{"op":"page_new","page":2},{"op":"page_set","page":2,"count":2},{"op":"skb_unlink","skb":3},{"op":"skb_free","skb":3},{"op":"page_free","page":2}]},)"
        "\n"
        R"({"i":3,"t":60,"kind":"ack","function":"tcp_ack","depth":1,"file":"core/engine/tcp_input.cpp","line":77,"call":0})"
        "\n"
        R"(],)"
        "\n"
        R"("frames":[)"
        "\n"
        R"({"i":0,"t":50,"dir":"out","event":2,"skb":3,"dropped":false,"hex":"0200aabb"},)"
        "\n"
        R"({"i":1,"t":60,"dir":"in","event":3,"skb":0,"dropped":true,"hex":"1020"})"
        "\n"
        R"(]})"
        "\n";
    CHECK(as_json(sptest::make_small_trace()) == expected);
}

TEST_CASE("an empty trace writes and reads back in both forms") {
    Trace t;
    t.end_reason = "completed";
    const std::string j = as_json(t);
    CHECK(j.find("\"events\":[],") != std::string::npos);
    CHECK(parse_trace_json(j, "empty.json") == t);
    CHECK(parse_trace_cbor(as_cbor(t), "empty.cbor") == t);
}

TEST_CASE("JSON round trip gives back the same Trace") {
    for (const Trace& t : {sptest::make_small_trace(), sptest::make_synthetic_trace(3000, 7)}) {
        const Trace back = parse_trace_json(as_json(t), "rt.json");
        CHECK(back.events.size() == t.events.size());
        CHECK(back.changes == t.changes);
        CHECK(back.frame_bytes == t.frame_bytes);
        CHECK(back == t);
    }
}

TEST_CASE("CBOR round trip gives back the same Trace") {
    for (const Trace& t : {sptest::make_small_trace(), sptest::make_synthetic_trace(3000, 11)}) {
        const Trace back = parse_trace_cbor(as_cbor(t), "rt.cbor");
        CHECK(back.changes == t.changes);
        CHECK(back.frames == t.frames);
        CHECK(back == t);
    }
}

TEST_CASE("extreme values survive both encodings") {
    Trace t = sptest::make_small_trace();
    t.events[3].time_us = INT64_MAX;
    t.frames[1].time_us = INT64_MAX;
    t.events[3].line = 0xffff;
    t.events[3].depth = 31;
    // Event 1's changes: 3 arg copy, 4 skb_new, 5 skb_set, 6 sock_set, 7 skb_frag, 8 skb_link, 9 arg err.
    t.changes[0].value = INT64_MIN;  // arg flags
    t.changes[6].value = INT64_MAX;  // sock_set write_seq
    t.changes[7].value = pack_frag(0xffffffff, 0xffff, 0xffff);
    t.changes[7].field = 17;          // last fragment slot
    t.changes[8].value = 0xffffffff;  // skb_link after
    t.changes[5].target = 0xffffffff;
    t.events[1].call = 0xffffffff;
    t.events[2].call = 0;
    CHECK(parse_trace_json(as_json(t), "x.json") == t);
    CHECK(parse_trace_cbor(as_cbor(t), "x.cbor") == t);
}

TEST_CASE("JSON -> CBOR -> JSON is byte-identical") {
    const std::string j1 = as_json(sptest::make_synthetic_trace(2000, 3));
    const Trace from_json = parse_trace_json(j1, "a.json");
    const Trace from_cbor = parse_trace_cbor(as_cbor(from_json), "a.cbor");
    CHECK(as_json(from_cbor) == j1);
}

TEST_CASE("writing is deterministic: the same Trace gives the same bytes") {
    const Trace t = sptest::make_synthetic_trace(2000, 5);
    CHECK(as_json(t) == as_json(t));
    CHECK(as_cbor(t) == as_cbor(t));
    // A copy made through the other encoding writes the same bytes too.
    CHECK(as_cbor(parse_trace_json(as_json(t), "c.json")) == as_cbor(t));
}

TEST_CASE("CBOR stays under 48 bytes per event on a realistic trace") {
    Trace t = sptest::make_synthetic_trace(20000, 42);
    // Frame bytes are payload, not event overhead: measure the events alone.
    t.frames.clear();
    t.frame_bytes.clear();
    const double per_event = static_cast<double>(as_cbor(t).size()) / static_cast<double>(t.events.size());
    const double per_change = static_cast<double>(t.changes.size()) / static_cast<double>(t.events.size());
    const double json_per_event = static_cast<double>(as_json(t).size()) / static_cast<double>(t.events.size());
    MESSAGE("CBOR: " << per_event << " bytes/event (JSON: " << json_per_event << "), " << per_change
                     << " changes/event over " << t.events.size() << " events");
    CHECK(per_change >= 3.0);
    CHECK(per_event < 48.0);
}

TEST_CASE("CBOR names its ids: a file whose tables are in another order still reads right") {
    // A future build may reorder the X-macro lists; the file's own tables decide.
    const Trace t = sptest::make_small_trace();
    auto j = nlohmann::json::from_cbor(as_cbor(t));
    auto& kinds = j["tables"]["kinds"];
    const std::size_t n = kinds.size();
    // Swap kind ids 0 (sendmsg_enter) and 1 (wait_connect) in the table and in the events.
    std::swap(kinds[0], kinds[1]);
    for (auto& e : j["events"]) {
        if (e[1] == 0) e[1] = 1;
        else if (e[1] == 1) e[1] = 0;
    }
    CHECK(kinds.size() == n);
    const auto bytes = nlohmann::json::to_cbor(j);
    CHECK(parse_trace_cbor(bytes, "swapped.cbor") == t);
}
