// Engine options as JSON: defaults, round trip, and errors under "/options".
#include <doctest/doctest.h>

#include <string>

#include "engine/options.hpp"
#include "support/errors.hpp"
#include "util/errors.hpp"

using nlohmann::json;
using sendpath::engine::Options;

namespace {

sptest::Caught options_error(const json& j) {
    const auto e = sptest::input_error_of([&] { return Options::from_json(j, "opts.json"); });
    REQUIRE_MESSAGE(e.thrown, "no InputError for " << j.dump());
    CHECK(e.file == "opts.json");
    return e;
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("empty options are the 2.6.32 defaults") {
    Options o = Options::from_json(json::object(), "opts.json");
    CHECK(o.to_json() == Options{}.to_json());
    CHECK(o.linear_copy);
    CHECK(!o.autocork);
    CHECK(o.max_tcp_header == 304);
}

TEST_CASE("options round trip with every key, times in microseconds") {
    Options o;
    o.linear_copy = false;
    o.autocork = true;
    o.sizeof_sk_buff = 256;
    o.max_tcp_header = 320;
    o.sizeof_shinfo = 384;
    o.l1_cache_bytes = 128;
    o.tx_completion_us = 75;
    o.trace = false;
    json j = o.to_json();
    CHECK(j.size() == 8);
    CHECK(j["tx_completion_us"] == 75);
    Options back = Options::from_json(j, "opts.json");
    CHECK(back.to_json() == j);
    CHECK(Options::from_json(json{{"tx_completion_ms", 0.5}}, "o").tx_completion_us == 500);
}

TEST_CASE("bad options name /options/<key> and what was expected") {
    sptest::Caught e = options_error(json{{"autocrok", true}});
    CHECK(e.place == "/options/autocrok");
    CHECK(has(e.expected, "did you mean \"autocork\""));
    CHECK(has(e.expected, "linear_copy, autocork, sizeof_sk_buff"));
    e = options_error(json{{"trace", "yes"}});
    CHECK(e.place == "/options/trace");
    CHECK(e.expected == "expected true or false, got \"yes\"");
    e = options_error(json{{"l1_cache_bytes", 48}});
    CHECK(e.place == "/options/l1_cache_bytes");
    CHECK(has(e.expected, "power of two"));
    e = options_error(json{{"max_tcp_header", -1}});
    CHECK(e.place == "/options/max_tcp_header");
    e = options_error(json{{"tx_completion_us", 1}, {"tx_completion_ms", 1}});
    CHECK(e.place == "/options/tx_completion_ms");
    e = options_error(json::array());
    CHECK(e.place == "/options");
    CHECK(has(e.expected, "engine options (a JSON object)"));
}

TEST_CASE("engine options' errors are said in Chinese for the GUI, the CLI's English unchanged") {
    const auto e = options_error(json{{"l1_cache_bytes", 48}});
    CHECK(e.message == "opts.json: /options/l1_cache_bytes: expected a power of two from 1 to 4096, got 48");
    CHECK(e.zh == "opts.json: /options/l1_cache_bytes: 应为：1 到 4096 之间的 2 的幂；实际为：48");
    for (const json& j : {json{{"sizeof_sk_buff", 0}}, json{{"max_trace_frame_bytes", 1}}, json{{"linear_copy", 1}},
                          json{{"colour", 1}}}) {
        const auto f = options_error(j);
        const std::string left = sptest::english_phrase(f.zh, f.file);
        CHECK_MESSAGE(left.empty(), "\"" << left << "\" in " << f.zh << " (English: " << f.message << ")");
    }
}
