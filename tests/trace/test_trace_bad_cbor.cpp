// Bad CBOR traces: truncated, garbage, or well-formed CBOR with wrong content.
// Each gives one InputError naming the file and the place (the JSON form's
// pointer plus the byte offset, or the byte offset alone), never a crash.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "trace/trace_io.hpp"
#include "util/errors.hpp"
#include "support/errors.hpp"
#include "support/sample_traces.hpp"
#include "support/trace_query.hpp"

using namespace sendpath;
using namespace sendpath::trace;
using nlohmann::json;

namespace {

using sptest::Caught;

Caught parse_error_of(const std::vector<uint8_t>& bytes) {
    return sptest::input_error_of([&] { return parse_trace_cbor(bytes, "bad.cbor"); });
}

std::vector<uint8_t> small_cbor() { return sptest::as_cbor(sptest::make_small_trace()); }

// The small trace decoded to a DOM, edited by f, and encoded again.
Caught edited(const std::function<void(json&)>& f) {
    json j = json::from_cbor(small_cbor());
    f(j);
    return parse_error_of(json::to_cbor(j));
}

// Events are [dt, kind, function, depth, file, line, call delta, changes...];
// a change is its op id followed by its operands.
std::size_t index_of(const json& names, std::string_view name) {
    for (std::size_t k = 0; k < names.size(); ++k)
        if (names[k] == name) return k;
    FAIL("no name " << name);
    return 0;
}

#define CHECK_PLACE(c, where, says)                                               \
    do {                                                                          \
        REQUIRE((c).thrown);                                                      \
        CHECK((c).file == "bad.cbor");                                            \
        CHECK_MESSAGE((c).place.rfind(where, 0) == 0, (c).message);               \
        CHECK_MESSAGE((c).expected.find(says) != std::string::npos, (c).message); \
    } while (0)

}  // namespace

TEST_CASE("bad CBOR: every truncation of a file is an InputError at a byte offset") {
    const auto bytes = small_cbor();
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        const Caught c = parse_error_of(std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<long>(n)));
        REQUIRE_MESSAGE(c.thrown, "prefix of " << n << " bytes parsed");
        CHECK(c.file == "bad.cbor");
        CHECK(c.place.find("byte ") != std::string::npos);
    }
    const Caught c = parse_error_of(std::vector<uint8_t>(bytes.begin(), bytes.end() - 1));
    CHECK(c.place == "byte " + std::to_string(bytes.size() - 1));
    CHECK(c.expected.find("truncated") != std::string::npos);
}

TEST_CASE("bad CBOR: a corrupted byte anywhere is refused or read, never a crash") {
    const auto good = small_cbor();
    for (uint8_t v : {0x00, 0x17, 0x18, 0x1f, 0x3b, 0x5f, 0x7f, 0x9f, 0xbf, 0xdb, 0xf7, 0xfb, 0xff}) {
        for (std::size_t k = 0; k < good.size(); ++k) {
            auto bytes = good;
            bytes[k] = v;
            if (const Caught c = parse_error_of(bytes)) CHECK(c.file == "bad.cbor");
        }
    }
}

TEST_CASE("bad CBOR: garbage and other formats") {
    auto c = parse_error_of({'h', 'e', 'l', 'l', 'o'});
    CHECK_PLACE(c, "byte 0", "a CBOR map (first byte 0xa0 to 0xbf), found first byte 0x68");
    c = parse_error_of({});
    CHECK_PLACE(c, "byte 0", "truncated");
    auto bytes = small_cbor();
    bytes.push_back(0x00);
    c = parse_error_of(bytes);
    CHECK_PLACE(c, "byte " + std::to_string(bytes.size() - 1),
                "the end of the file after the trace map, found 1 more bytes");
    // A claimed length far beyond the file is a truncation, not an allocation.
    c = parse_error_of({0xbb, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
    CHECK_PLACE(c, "byte 9", "truncated");
    c = parse_error_of({0xa1, 0x1c, 0x00});
    CHECK_PLACE(c, "byte 1", "reserved");
}

TEST_CASE("bad CBOR: ids out of range or naming nothing this build knows") {
    auto c = edited([](json& j) { j["events"][1][1] = j["tables"]["kinds"].size(); });
    CHECK_PLACE(c, "/events/1/kind (byte ", "an id into /tables/kinds");
    c = edited([](json& j) { j["tables"]["kinds"][index_of(j["tables"]["kinds"], "copy_linear")] = "copy_linaer"; });
    CHECK_PLACE(c, "/events/1/kind", "an event kind (one of: ");
    CHECK(c.expected.find("found \"copy_linaer\" (/tables/kinds/") != std::string::npos);
    c = edited([](json& j) { j["events"][0][2] = 200; });
    CHECK_PLACE(c, "/events/0/function", "an id into /tables/functions");
    c = edited([](json& j) { j["events"][1][7] = 11; });
    CHECK_PLACE(c, "/events/1/changes/0/op", "an id into /tables/ops: an integer from 0 to 10, found 11");
    c = edited(
        [](json& j) { j["tables"]["sock_fields"][index_of(j["tables"]["sock_fields"], "write_seq")] = "snd_seq"; });
    CHECK_PLACE(c, "/events/1/changes/3/field", "a socket field (one of: ");
    c = edited([](json& j) { j["tables"].erase("ops"); });
    CHECK_PLACE(c, "/tables/ops", "the required name table");
    c = edited([](json& j) { j["tables"]["colours"] = json::array(); });
    CHECK_PLACE(c, "/tables/colours", "one of the name tables");
}

TEST_CASE("bad CBOR: wrong types") {
    auto c = edited([](json& j) { j["events"][1][1] = "copy_linear"; });
    CHECK_PLACE(c, "/events/1/kind", "found a text string");
    c = edited([](json& j) { j["events"][1][0] = 1.5; });
    CHECK_PLACE(c, "/events/1/t", "found a floating-point number");
    c = edited([](json& j) { j["events"][2] = json::object(); });
    CHECK_PLACE(c, "/events/2 (byte ", "an event array");
    c = edited([](json& j) { j["frames"][0][4] = 0; });
    CHECK_PLACE(c, "/frames/0/dropped", "true or false, found an integer");
    c = edited([](json& j) { j["frames"][0][5] = "0200aabb"; });
    CHECK_PLACE(c, "/frames/0/hex", "a byte string, found a text string");
    c = edited([](json& j) { j["files"][1] = 7; });
    CHECK_PLACE(c, "/files/1", "a file path, found an integer");
    c = edited([](json& j) { j["scenario"] = json::binary({1, 2, 3}); });
    CHECK_PLACE(c, "/scenario", "a value JSON can hold, found a byte string");
    c = edited([](json& j) { j["scenario"] = 5; });
    CHECK_PLACE(c, "/scenario", "an object or null");
}

TEST_CASE("bad CBOR: values out of range") {
    auto c = edited([](json& j) { j["events"][1][3] = 32; });
    CHECK_PLACE(c, "/events/1/depth", "from 0 to 31, found 32");
    c = edited([](json& j) { j["events"][1][4] = 3; });  // three files: ids 0..2
    CHECK_PLACE(c, "/events/1/file", "from 0 to 2, found 3");
    // Event 1's changes start at item 7: arg(op, arg, value), skb_new(op, skb), skb_set(op, skb, field, value),
    // sock_set(op, field, value), skb_frag(op, skb, index, page, off, size) ...
    c = edited([](json& j) { j["events"][1][7 + 3 + 2 + 4 + 3 + 2] = 18; });
    CHECK_PLACE(c, "/events/1/changes/4/index", "MAX_SKB_FRAGS is 18");
    c = edited([](json& j) { j["events"][1][7 + 3 + 1] = 0; });
    CHECK_PLACE(c, "/events/1/changes/1/skb", "id of 1 or more");
    c = edited([](json& j) { j["frames"][1][2] = 4; });
    CHECK_PLACE(c, "/frames/1/event", "below 4), found 4");
    c = edited([](json& j) { j["frames"][1][1] = 2; });
    CHECK_PLACE(c, "/frames/1/dir", "from 0 to 1, found 2");
    c = edited([](json& j) { j["format_version"] = 3; });
    CHECK_PLACE(c, "/format_version", "format version 1 or 2");
    c = edited([](json& j) { j["events"][2][6] = -2; });  // call 1 -> -1
    CHECK_PLACE(c, "/events/2/call", "keeps the call number from 0");
}

TEST_CASE("bad CBOR: times never go backwards") {
    auto c = edited([](json& j) { j["events"][3][0] = -1; });
    CHECK_PLACE(c, "/events/3/t", "a time delta in microseconds (times never go backwards)");
    c = edited([](json& j) { j["frames"][1][0] = 10; });
    CHECK_PLACE(c, "/frames/1/t", "no earlier than the previous frame's (50 us)");
}

TEST_CASE("bad CBOR: an event cut short inside a change") {
    auto c = edited([](json& j) { j["events"][1].erase(j["events"][1].size() - 1); });
    CHECK_PLACE(c, "/events/1/changes/6/value", "the operands of arg (op, arg, value)");
    c = edited([](json& j) { j["events"][1] = json::array({0, 1, 1}); });
    CHECK_PLACE(c, "/events/1/depth", "found one that ends before depth");
}

TEST_CASE("bad CBOR: unknown, missing and repeated keys") {
    auto c = edited([](json& j) { j["colour"] = 1; });
    CHECK_PLACE(c, "/colour", "one of the keys of a sendpath trace");
    c = edited([](json& j) { j.erase("events"); });
    CHECK_PLACE(c, "/events", "the required key \"events\"");
    // nlohmann cannot write a repeated key: patch the encoded "frames" key (the
    // last "frames" text: the args table has one too) into a second "events".
    auto bytes = small_cbor();
    const std::string frames =
        "\x66"
        "frames";
    const std::string events =
        "\x66"
        "events";
    auto it = std::find_end(bytes.begin(), bytes.end(), frames.begin(), frames.end());
    REQUIRE(it != bytes.end());
    std::copy(events.begin(), events.end(), it);
    c = parse_error_of(bytes);
    CHECK_PLACE(c, "/events", "each key once in the trace map");
}

TEST_CASE("CBOR from other encoders: indefinite lengths read the same") {
    // Re-encode the top map and the events array with indefinite lengths by hand.
    const json j = json::from_cbor(small_cbor());
    std::vector<uint8_t> b{0xbf};
    for (const auto& [k, v] : j.items()) {
        auto key = json::to_cbor(json(k));
        b.insert(b.end(), key.begin(), key.end());
        if (k == "events") {
            b.push_back(0x9f);
            for (const auto& e : v) {
                b.push_back(0x9f);
                for (const auto& x : e) {
                    auto xb = json::to_cbor(x);
                    b.insert(b.end(), xb.begin(), xb.end());
                }
                b.push_back(0xff);
            }
            b.push_back(0xff);
        } else {
            auto vb = json::to_cbor(v);
            b.insert(b.end(), vb.begin(), vb.end());
        }
    }
    b.push_back(0xff);
    CHECK(parse_trace_cbor(b, "indef.cbor") == sptest::make_small_trace());
}

// Found by the trace_cbor fuzzer (tests/fuzz/corpus/trace_cbor/regression-*):
// a file name that is not UTF-8 was read, and came back changed (U+FFFD) from
// a JSON export, as the JSON writer replaces what JSON cannot hold.
TEST_CASE("bad CBOR: a text string that is not UTF-8 is refused, naming the place") {
    const Caught c = edited([](json& j) { j["files"][1] = std::string("core/engine/t\x9bp_output.cpp"); });
    CHECK_PLACE(c, "/files", "in UTF-8");
    const Caught overlong = edited([](json& j) { j["end_reason"] = std::string("done \xc0\xaf"); });
    CHECK_PLACE(overlong, "/end_reason", "in UTF-8");
}

TEST_CASE("CBOR writer: a name that is not UTF-8 is written as the JSON writer puts it, and reads back") {
    Trace t = sptest::make_small_trace();
    t.end_reason = std::string("device lost: tap\xff");
    const Trace back = parse_trace_cbor(sptest::as_cbor(t), "t.cbor");
    CHECK(back.end_reason == "device lost: tap\xef\xbf\xbd");
    std::ostringstream js;
    write_trace_json(t, js);
    CHECK(parse_trace_json(js.str(), "t.json").end_reason == back.end_reason);
}

// The GUI in Chinese (--lang zh_CN) shows a bad file's error in Chinese; the
// CLI's English, which the tests above compare, is unchanged.
TEST_CASE("bad CBOR: the error says the same in English and in Chinese, with the file's values kept") {
    auto c = parse_error_of({'h', 'e', 'l', 'l', 'o'});
    CHECK(
        c.message ==
        "bad.cbor: byte 0: a sendpath trace: a JSON object starting with '{' or a CBOR map (first byte 0xa0 to 0xbf), "
        "found first byte 0x68");
    CHECK(c.zh ==
          "bad.cbor: 第 0 字节: sendpath 跟踪：以 '{' 开头的 JSON 对象，或 CBOR 映射（首字节 0xa0 到 "
          "0xbf）；实际首字节为 "
          "0x68");

    const auto bytes = small_cbor();
    c = parse_error_of(std::vector<uint8_t>(bytes.begin(), bytes.end() - 1));
    const std::string at = "第 " + std::to_string(bytes.size() - 1) + " 字节: ";
    CHECK(c.expected == "more bytes: the file ends inside /frames (truncated file?)");
    CHECK(c.zh == "bad.cbor: " + at + "更多字节：文件在 /frames 中途就结束了（文件被截断了？）");

    c = edited([](json& j) { j["events"][1][3] = 32; });
    CHECK(c.expected == "a call depth: an integer from 0 to 31, found 32");
    CHECK(c.zh.find("/events/1/depth（第 ") != std::string::npos);
    CHECK(c.zh.find(" 字节）: 调用深度：0 到 31 之间的整数；实际为：32") != std::string::npos);

    c = edited([](json& j) { j["tables"]["kinds"][index_of(j["tables"]["kinds"], "copy_linear")] = "copy_linaer"; });
    CHECK(c.zh.find("事件类型（以下之一：") != std::string::npos);
    CHECK(c.zh.find("；实际为：\"copy_linaer\"（/tables/kinds/") != std::string::npos);
}

TEST_CASE("bad CBOR: every refusal of a truncated, corrupted or edited file has no English left in Chinese") {
    std::size_t checked = 0;
    auto no_english = [&](const Caught& c) {
        if (!c.thrown) return;
        // nlohmann's own reason for a scenario or options value it cannot read stays as it wrote it.
        if (c.zh.find("[json.exception") != std::string::npos) return;
        ++checked;
        const std::string left = sptest::english_phrase(c.zh, c.file);
        CHECK_MESSAGE(left.empty(), "\"" << left << "\" in " << c.zh);
    };
    const auto good = small_cbor();
    for (std::size_t n = 0; n < good.size(); ++n)
        no_english(parse_error_of(std::vector<uint8_t>(good.begin(), good.begin() + static_cast<long>(n))));
    for (uint8_t v : {0x00, 0x18, 0x1c, 0x3b, 0x5f, 0x7f, 0x9f, 0xbf, 0xdb, 0xf8, 0xfb, 0xff}) {
        for (std::size_t k = 0; k < good.size(); ++k) {
            auto bytes = good;
            bytes[k] = v;
            no_english(parse_error_of(bytes));
        }
    }
    const std::vector<std::function<void(json&)>> edits = {
        [](json& j) { j["events"][1][1] = j["tables"]["kinds"].size(); },
        [](json& j) { j["events"][1][1] = "copy_linear"; },
        [](json& j) { j["events"][1][0] = 1.5; },
        [](json& j) { j["events"][2] = json::object(); },
        [](json& j) { j["frames"][0][4] = 0; },
        [](json& j) { j["frames"][0][5] = "0200aabb"; },
        [](json& j) {
            j["scenario"] = json::binary({1, 2, 3});
        },
        [](json& j) { j["scenario"] = 5; },
        [](json& j) { j["events"][1][7 + 3 + 2 + 4 + 3 + 2] = 18; },
        [](json& j) { j["events"][1][7 + 3 + 1] = 0; },
        [](json& j) { j["frames"][1][2] = 4; },
        [](json& j) { j["frames"][1][0] = 10; },
        [](json& j) { j["format_version"] = 3; },
        [](json& j) { j["format"] = "sendpath-traces"; },
        [](json& j) { j["events"][2][6] = -2; },
        [](json& j) { j["events"][1].erase(j["events"][1].size() - 1); },
        [](json& j) {
            j["events"][1] = json::array({0, 1, 1});
        },
        [](json& j) { j["frames"][0].push_back(1); },
        [](json& j) { j["colour"] = 1; },
        [](json& j) { j.erase("events"); },
        [](json& j) { j["tables"].erase("ops"); },
        [](json& j) { j["tables"]["colours"] = json::array(); },
        [](json& j) { j["stacks"] = json::array({json::array()}); },
        [](json& j) { j["files"][1] = std::string("core/engine/t\x9bp_output.cpp"); },
        [](json& j) { j["files"].push_back(j["files"][0]); },
    };
    for (const auto& f : edits) {
        const Caught c = edited(f);
        CHECK_MESSAGE(c.thrown, "an edit was read");
        no_english(c);
    }
    CHECK(checked > good.size());
}
