// CBOR read from a stream a window at a time (how load_trace reads a CBOR
// file, so a big trace is never held twice in memory) gives exactly what the
// in-memory reader gives: the same Trace, and for a broken file the same
// error at the same place.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "trace/trace_io.hpp"
#include "util/errors.hpp"
#include "support/errors.hpp"
#include "support/files.hpp"
#include "support/sample_traces.hpp"
#include "support/trace_query.hpp"

using namespace sendpath;
using namespace sendpath::trace;

namespace {

std::string cbor_of(const Trace& t) {
    std::ostringstream out;
    write_trace_cbor(t, out);
    return out.str();
}

// The trace read, or the error (t stays empty then).
struct Outcome : sptest::Caught {
    Trace t;
};

Outcome from_memory(const std::string& s) {
    Outcome o;
    static_cast<sptest::Caught&>(o) = sptest::input_error_of(
        [&] { o.t = parse_trace_cbor(std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()), "t.cbor"); });
    return o;
}

Outcome from_stream(const std::string& s, std::size_t window) {
    Outcome o;
    std::istringstream in(s);
    static_cast<sptest::Caught&>(o) = sptest::input_error_of([&] { o.t = parse_trace_cbor(in, "t.cbor", window); });
    return o;
}

}  // namespace

TEST_CASE("CBOR through a small window reads the same trace, whatever the window size") {
    const Trace t = sptest::make_synthetic_trace(400, 7);
    const std::string s = cbor_of(t);
    for (const std::size_t window : std::vector<std::size_t>{16, 17, 31, 64, 1000, 4096, s.size(), s.size() + 100}) {
        const Outcome o = from_stream(s, window);
        REQUIRE_MESSAGE(!o.thrown, "window " << window << ": " << o.place << ": " << o.expected);
        CHECK_MESSAGE(o.t == t, "window " << window);
    }
}

TEST_CASE("CBOR through a window: every truncation gives the in-memory reader's error") {
    const std::string s = cbor_of(sptest::make_small_trace());
    for (std::size_t n = 0; n < s.size(); ++n) {
        const std::string cut = s.substr(0, n);
        const Outcome mem = from_memory(cut);
        const Outcome str = from_stream(cut, 16);
        REQUIRE_MESSAGE(mem.thrown, "prefix of " << n << " bytes parsed");
        REQUIRE_MESSAGE(str.thrown, "prefix of " << n << " bytes parsed through a window");
        CHECK_MESSAGE(str.place == mem.place, "prefix of " << n);
        CHECK_MESSAGE(str.expected == mem.expected, "prefix of " << n);
    }
}

TEST_CASE("CBOR through a window: a corrupted byte gives the in-memory reader's outcome") {
    const std::string s = cbor_of(sptest::make_small_trace());
    for (std::size_t k = 0; k < s.size(); ++k)
        for (const uint8_t x : {0x00, 0x18, 0x1b, 0x5f, 0x9f, 0xbf, 0xff}) {
            std::string bad = s;
            bad[k] = static_cast<char>(x);
            const Outcome mem = from_memory(bad);
            const Outcome str = from_stream(bad, 16);
            REQUIRE_MESSAGE(str.thrown == mem.thrown, "byte " << k << " = " << int(x));
            CHECK_MESSAGE(str.place == mem.place, "byte " << k << " = " << int(x));
            CHECK_MESSAGE(str.expected == mem.expected, "byte " << k << " = " << int(x));
            if (!mem.thrown) CHECK(str.t == mem.t);
        }
}

TEST_CASE("load_trace of a CBOR file bigger than the read window, and of a truncated one") {
    const Trace t = sptest::make_synthetic_trace(150000, 3);
    const std::string s = cbor_of(t);
    REQUIRE(s.size() > (std::size_t{4} << 20));  // crosses the default window's edge
    const sptest::TempDir d;
    const std::string path = d.write("stream.cbor", s);
    CHECK(load_trace(path) == t);
    sptest::spit(path, s.substr(0, s.size() - 3));
    const auto e = sptest::input_error_of([&] { return load_trace(path); });
    REQUIRE_MESSAGE(e.thrown, "a truncated file loaded");
    CHECK(e.file == path);
    CHECK(e.place == "byte " + std::to_string(s.size() - 3));
    CHECK(e.expected.find("truncated file?") != std::string::npos);
}

TEST_CASE("JSON: the writer's layout, CRLF line ends, pretty-printed and reordered files all read to the same trace") {
    const Trace t = sptest::make_synthetic_trace(300, 11);
    std::ostringstream out;
    write_trace_json(t, out);
    const std::string canonical = out.str();
    CHECK(parse_trace_json(canonical, "a.json") == t);
    std::string crlf;
    for (char c : canonical) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    CHECK(parse_trace_json(crlf, "b.json") == t);
    // Another key order and indentation: the general reader takes these.
    const nlohmann::json j = nlohmann::json::parse(canonical);
    CHECK(parse_trace_json(j.dump(2), "c.json") == t);
    // A mistake deep in a file the fast reader was reading is still reported with its place.
    std::string bad = canonical;
    const auto p = bad.find("\"depth\":1", bad.size() / 2);
    REQUIRE(p != std::string::npos);
    bad.replace(p, 9, "\"depth\":40");
    const auto e = sptest::input_error_of([&] { return parse_trace_json(bad, "d.json"); });
    REQUIRE_MESSAGE(e.thrown, "a depth of 40 was accepted");
    CHECK(e.place.rfind("/events/", 0) == 0);
    CHECK(e.place.find("/depth") != std::string::npos);
    CHECK(e.expected.find("from 0 to 31, found 40") != std::string::npos);
}

TEST_CASE("JSON: a key with a space inside its quotes is not taken for the key it resembles") {
    const std::string good = sptest::slurp(sptest::source_path("traces/01-first-send.json"));
    CHECK_NOTHROW(parse_trace_json(good, "good.json"));
    for (const std::string& k : {std::string("\"field\":"), std::string("\"site\":"), std::string("\"dir\":")}) {
        CAPTURE(k);
        std::string bad = good;
        const auto at = bad.find(k);
        REQUIRE(at != std::string::npos);
        bad.insert(at + k.size() - 2, " ");  // "field " instead of "field"
        CHECK_THROWS_AS(parse_trace_json(bad, "bad.json"), InputError);
    }
}
