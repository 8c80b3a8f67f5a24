// Bad JSON traces: every class of mistake gives one InputError that names the
// file, the place (a JSON pointer, or line and column for syntax errors) and
// what was expected, and never crashes.
#include <doctest/doctest.h>

#include <functional>
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

Caught parse_error_of(const std::string& text) {
    return sptest::input_error_of([&] { return parse_trace_json(text, "bad.json"); });
}

std::string small_json() { return sptest::as_json(sptest::make_small_trace()); }

// The small trace as a DOM, edited by f, then parsed.
Caught edited(const std::function<void(json&)>& f) {
    json j = json::parse(small_json());
    f(j);
    return parse_error_of(j.dump());
}

#define CHECK_PLACE(c, where, says)                                               \
    do {                                                                          \
        REQUIRE((c).thrown);                                                      \
        CHECK((c).file == "bad.json");                                            \
        CHECK((c).place == (where));                                              \
        CHECK_MESSAGE((c).expected.find(says) != std::string::npos, (c).message); \
    } while (0)

}  // namespace

TEST_CASE("bad JSON: syntax errors give line and column") {
    std::string text = small_json();
    // Break the second event line: it is line 8 of the file.
    const auto p = text.find("{\"i\":1,");
    REQUIRE(p != std::string::npos);
    text.insert(p + 7, 1, ',');
    const Caught c = parse_error_of(text);
    CHECK_PLACE(c, "line 8, column 8", "valid JSON");
    CHECK(c.message.find("bad.json: line 8, column 8: ") == 0);
}

TEST_CASE("bad JSON: a truncated file at any length is an error, never a crash") {
    const std::string text = small_json();
    REQUIRE(text.back() == '\n');
    for (std::size_t n = 0; n + 1 < text.size(); ++n) {
        const Caught c = parse_error_of(text.substr(0, n));
        CHECK_MESSAGE(c.thrown, "prefix of " << n << " bytes parsed");
        CHECK(c.file == "bad.json");
    }
}

TEST_CASE("bad JSON: unknown names list what was expected") {
    auto c = edited([](json& j) { j["events"][1]["kind"] = "copy_linaer"; });
    CHECK_PLACE(c, "/events/1/kind", "an event kind (one of: ");
    CHECK(c.expected.find(", copy_linear, ") != std::string::npos);
    CHECK(c.expected.find("found \"copy_linaer\"") != std::string::npos);

    c = edited([](json& j) { j["events"][0]["function"] = "tcp_sendpage"; });
    CHECK_PLACE(c, "/events/0/function", "a function (one of: ");

    c = edited([](json& j) { j["events"][1]["changes"][1]["op"] = "skb_alloc"; });
    CHECK_PLACE(c, "/events/1/changes/1/op",
                "a change op (one of: sock_set, skb_new, skb_set, skb_frag, skb_link, skb_unlink, skb_free, page_new, "
                "page_set, page_free, arg)");

    c = edited([](json& j) { j["events"][1]["changes"][3]["field"] = "snd_seq"; });
    CHECK_PLACE(c, "/events/1/changes/3/field", "a socket field (one of: ");

    c = edited([](json& j) { j["events"][1]["changes"][2]["field"] = "write_seq"; });
    CHECK_PLACE(c, "/events/1/changes/2/field", "an skb field (one of: ");

    c = edited([](json& j) {
        j["events"][1]["changes"][0]["arg"] = "bytes_copied";
        j["events"][1].erase("args");
    });
    CHECK_PLACE(c, "/events/1/changes/0/arg", "an argument name (one of: ");
}

TEST_CASE("bad JSON: wrong types") {
    auto c = edited([](json& j) { j["events"][1]["t"] = "0"; });
    CHECK_PLACE(c, "/events/1/t", "an integer, 0 or more, found \"0\"");
    c = edited([](json& j) { j["events"][1]["line"] = 12.5; });
    CHECK_PLACE(c, "/events/1/line", "found 12.5");
    c = edited([](json& j) { j["events"][1]["changes"] = json::object(); });
    CHECK_PLACE(c, "/events/1/changes", "an array of changes, found an object");
    c = edited([](json& j) { j["events"][1]["changes"][3]["value"] = true; });
    CHECK_PLACE(c, "/events/1/changes/3/value", "found true");
    c = edited([](json& j) { j["events"][2] = 5; });
    CHECK_PLACE(c, "/events/2", "an event object, found 5");
    c = edited([](json& j) { j["frames"][0]["dropped"] = 0; });
    CHECK_PLACE(c, "/frames/0/dropped", "true or false");
    c = edited([](json& j) { j["frames"][0]["dir"] = "up"; });
    CHECK_PLACE(c, "/frames/0/dir", "\"out\" or \"in\"");
    c = edited([](json& j) { j["scenario"] = json::array(); });
    CHECK_PLACE(c, "/scenario", "an object or null");
    c = edited([](json& j) { j["events"] = json::object(); });
    CHECK_PLACE(c, "/events", "an array of events");
    c = parse_error_of("[1, 2]");
    CHECK_PLACE(c, "/", "a JSON object (a sendpath trace)");
}

TEST_CASE("bad JSON: values out of range") {
    auto c = edited([](json& j) { j["events"][1]["depth"] = 32; });
    CHECK_PLACE(c, "/events/1/depth", "from 0 to 31, found 32");
    c = edited([](json& j) { j["events"][1]["changes"][4]["index"] = 18; });
    CHECK_PLACE(c, "/events/1/changes/4/index", "MAX_SKB_FRAGS is 18");
    c = edited([](json& j) { j["events"][1]["changes"][4]["off"] = 70000; });
    CHECK_PLACE(c, "/events/1/changes/4/off", "from 0 to 65535, found 70000");
    c = edited([](json& j) { j["events"][1]["changes"][1]["skb"] = -1; });
    CHECK_PLACE(c, "/events/1/changes/1/skb", "from 0 to 4294967295, found -1");
    c = edited([](json& j) { j["events"][1]["changes"][1]["skb"] = 0; });
    CHECK_PLACE(c, "/events/1/changes/1/skb", "id of 1 or more");
    c = edited([](json& j) { j["events"][1]["changes"][3]["value"] = 18446744073709551615ull; });
    CHECK_PLACE(c, "/events/1/changes/3/value", "found 18446744073709551615");
    c = edited([](json& j) { j["events"][1]["file"] = "core/engine/tcp_recvmsg.cpp"; });
    CHECK_PLACE(c, "/events/1/file", "one of the files listed in /files");
    c = edited([](json& j) { j["frames"][1]["event"] = 4; });
    CHECK_PLACE(c, "/frames/1/event", "below 4), found 4");
    c = edited([](json& j) { j["format_version"] = 3; });
    CHECK_PLACE(c, "/format_version", "format version 1 or 2");
    c = edited([](json& j) { j["format"] = "pcap"; });
    CHECK_PLACE(c, "/format", "\"sendpath-trace\"");
}

TEST_CASE("bad JSON: frame hex must be pairs of hex digits") {
    auto c = edited([](json& j) { j["frames"][0]["hex"] = "0200aab"; });
    CHECK_PLACE(c, "/frames/0/hex", "an even number of hex digits");
    c = edited([](json& j) { j["frames"][0]["hex"] = "0200axbb"; });
    CHECK_PLACE(c, "/frames/0/hex", "found \"x\" at character 5");
    // Upper case is fine (written back in lower case).
    c = edited([](json& j) { j["frames"][0]["hex"] = "0200AABB"; });
    CHECK_FALSE(c.thrown);
}

TEST_CASE("bad JSON: times never go backwards") {
    auto c = edited([](json& j) { j["events"][3]["t"] = 49; });
    CHECK_PLACE(c, "/events/3/t", "no earlier than the previous event's (50 us)");
    c = edited([](json& j) { j["frames"][1]["t"] = 10; });
    CHECK_PLACE(c, "/frames/1/t", "no earlier than the previous frame's (50 us)");
}

TEST_CASE("bad JSON: keys that are unknown, missing, repeated or misnumbered") {
    auto c = edited([](json& j) { j["events"][1]["kin"] = "x"; });
    CHECK_PLACE(c, "/events/1/kin", "one of the keys of an event (i, t, kind,");
    c = edited([](json& j) { j["events"][1].erase("kind"); });
    CHECK_PLACE(c, "/events/1/kind", "the required key \"kind\"");
    c = edited([](json& j) { j["events"][1]["changes"][1]["value"] = 1; });
    CHECK_PLACE(c, "/events/1/changes/1/value", "one of the keys of a skb_new change (op, skb)");
    c = edited([](json& j) { j["events"][1]["changes"][2].erase("skb"); });
    CHECK_PLACE(c, "/events/1/changes/2/skb", "the required key \"skb\"");
    c = edited([](json& j) { j["events"][2]["i"] = 7; });
    CHECK_PLACE(c, "/events/2/i", "the event's index 2");
    c = edited([](json& j) { j.erase("frames"); });
    CHECK_PLACE(c, "/frames", "the required key \"frames\"");

    std::string text = small_json();
    const auto p = text.find("\"kind\":\"copy_linear\"");
    text.insert(p, "\"kind\":\"advance\",");
    c = parse_error_of(text);
    CHECK_PLACE(c, "/events/1/kind", "each key once");
}

TEST_CASE("bad JSON: args must agree with the arg changes") {
    auto c = edited([](json& j) { j["events"][1]["args"]["copy"] = 99; });
    CHECK_PLACE(c, "/events/1/args/copy", "100, the value of the \"copy\" arg change");
    c = edited([](json& j) { j["events"][1]["args"]["ret"] = 1; });
    CHECK_PLACE(c, "/events/1/args/ret", "only arguments that appear");
    c = edited([](json& j) { j["events"][1]["args"].erase("err"); });
    CHECK_PLACE(c, "/events/1/args", "found none for \"err\"");
    // Leaving args out altogether is fine: changes is authoritative.
    c = edited([](json& j) { j["events"][1].erase("args"); });
    CHECK_FALSE(c.thrown);
}

TEST_CASE("bad JSON: absurd nesting is refused, not recursed into") {
    std::string text = small_json();
    const auto p = text.find("\"scenario\":{");
    text.insert(p + 11, std::string(100000, '['));
    const Caught c = parse_error_of(text);
    REQUIRE(c.thrown);
    CHECK(c.expected.find("nested at most 256 levels") != std::string::npos);
}

namespace {

// One refusal for each message of the general JSON reader (json_read.cpp)
// that a small file can reach: the 4 GiB and 2^32-change limits cannot.
std::vector<Caught> every_json_refusal() {
    const std::vector<std::function<void(json&)>> edits = {
        [](json& j) { j["events"][1]["changes"][0] = 5; },
        [](json& j) { j["events"][1]["changes"][0].erase("op"); },
        [](json& j) { j["events"][1]["changes"][1]["skb"] = "3"; },
        [](json& j) { j["events"][1]["changes"][4]["index"] = 18; },
        [](json& j) { j["events"][1]["changes"][4]["page"] = -1; },
        [](json& j) { j["events"][1]["changes"][4]["off"] = 70000; },
        [](json& j) { j["events"][1]["changes"][4]["size"] = 70000; },
        [](json& j) { j["events"][1]["changes"][5]["after"] = -1; },
        [](json& j) { j["events"][1]["changes"][3]["value"] = true; },
        [](json& j) { j["events"][2]["changes"][0]["page"] = "2"; },
        [](json& j) { j["events"][2]["changes"][1]["count"] = 1.5; },
        [](json& j) { j["events"][2]["i"] = "2"; },
        [](json& j) { j["events"][2]["i"] = 7; },
        [](json& j) { j["events"][1]["file"] = 5; },
        [](json& j) { j["events"][1]["file"] = "core/engine/tcp_recvmsg.cpp"; },
        [](json& j) { j["events"][1]["site"] = 3; },
        [](json& j) {
            j["events"][1].erase("line");
            j["events"][1]["site"] = -1;
        },
        [](json& j) { j["events"][1]["line"] = 12.5; },
        [](json& j) { j["events"][1].erase("line"); },
        [](json& j) { j["events"][1]["stack"] = -1; },
        [](json& j) { j["events"][1]["changes"] = json::object(); },
        [](json& j) { j["events"][1]["args"] = 5; },
        [](json& j) { j["events"][1]["args"]["colour"] = 1; },
        [](json& j) { j["events"][1]["args"]["copy"] = "100"; },
        [](json& j) { j["events"][1]["args"]["ret"] = 1; },
        [](json& j) { j["events"][1]["args"]["copy"] = 99; },
        [](json& j) { j["events"][1]["args"].erase("err"); },
        [](json& j) { j["frames"][0] = 5; },
        [](json& j) { j["frames"][1]["i"] = "1"; },
        [](json& j) { j["frames"][1]["i"] = 4; },
        [](json& j) { j["frames"][0]["dir"] = 1; },
        [](json& j) { j["frames"][0]["dir"] = "up"; },
        [](json& j) { j["frames"][0]["skb"] = -1; },
        [](json& j) { j["frames"][0]["hex"] = 5; },
        [](json& j) { j["frames"][0]["hex"] = "0200aab"; },
        [](json& j) { j["frames"][0]["hex"] = "0200axbb"; },
        [](json& j) { j["format"] = 5; },
        [](json& j) { j["format"] = "pcap"; },
        [](json& j) { j["format_version"] = 3; },
        [](json& j) {
            for (int k = 0; k <= 256; ++k) j["files"].push_back("core/engine/f" + std::to_string(k) + ".cpp");
        },
        [](json& j) {
            // 257 events, each in a file of its own.
            const json e = j["events"][0];
            j["events"] = json::array();
            for (int k = 0; k <= 256; ++k) {
                json c = e;
                c["i"] = k;
                c["file"] = "core/engine/f" + std::to_string(k) + ".cpp";
                j["events"].push_back(c);
            }
        },
        [](json& j) { j["stacks"] = 5; },
        [](json& j) { j["stacks"] = json::array({json::array()}); },
        [](json& j) { j["stacks"] = json::array({5}); },
        [](json& j) {
            j["stacks"] = json::array({json::array({"tcp_sendmsg", "tcp_sendpage"})});
        },
    };
    std::vector<Caught> out;
    for (const auto& f : edits) out.push_back(edited(f));
    // A key given twice, and absurd nesting: text a DOM cannot hold.
    std::string text = small_json();
    text.insert(text.find("\"kind\":\"copy_linear\""), "\"kind\":\"advance\",");
    out.push_back(parse_error_of(text));
    text = small_json();
    text.insert(text.find("\"scenario\":{") + 11, std::string(300, '['));
    out.push_back(parse_error_of(text));
    return out;
}

}  // namespace

// The GUI in Chinese (--lang zh_CN) shows a bad file's error in Chinese, at
// the same JSON pointer; the CLI's English is today's text, byte for byte.
TEST_CASE("bad JSON: the error says the same in English and in Chinese, naming the place") {
    auto c = edited([](json& j) { j["events"][1]["changes"][0].erase("op"); });
    CHECK(c.message == "bad.json: /events/1/changes/0/op: the required key \"op\" of a change, found no such key");
    CHECK(c.zh == "bad.json: /events/1/changes/0/op: 变更必需的键 \"op\"；实际没有这个键");

    c = edited([](json& j) { j["frames"][0]["hex"] = "0200aab"; });
    CHECK(c.message == "bad.json: /frames/0/hex: an even number of hex digits (two per byte), found 7");
    CHECK(c.zh == "bad.json: /frames/0/hex: 偶数个十六进制数字（每字节两个）；实际有 7 个");

    c = edited([](json& j) { j["frames"][0]["hex"] = "0200axbb"; });
    CHECK(c.message == "bad.json: /frames/0/hex: hex digits 0-9, a-f, found \"x\" at character 5");
    CHECK(c.zh == "bad.json: /frames/0/hex: 十六进制数字 0-9、a-f；实际在字符位置 5 处为 \"x\"");

    c = edited([](json& j) { j["frames"][0]["dir"] = "up"; });
    CHECK(c.message == "bad.json: /frames/0/dir: \"out\" or \"in\", found \"up\"");
    CHECK(c.zh == "bad.json: /frames/0/dir: \"out\" 或 \"in\"；实际为：\"up\"");

    c = edited([](json& j) { j["format"] = "pcap"; });
    CHECK(c.message == "bad.json: /format: \"sendpath-trace\", found \"pcap\"");
    CHECK(c.zh == "bad.json: /format: \"sendpath-trace\"；实际为：\"pcap\"");

    c = edited([](json& j) { j["events"][1]["changes"][0] = 5; });
    CHECK(c.message ==
          "bad.json: /events/1/changes/0: a change object such as "
          "{\"op\":\"sock_set\",\"field\":\"write_seq\",\"value\":1}, found 5");
    CHECK(c.zh ==
          "bad.json: /events/1/changes/0: 变更对象，例如 {\"op\":\"sock_set\",\"field\":\"write_seq\",\"value\":1}"
          "；实际为：5");

    c = edited([](json& j) { j["events"][1]["changes"] = json::object(); });
    CHECK(c.message == "bad.json: /events/1/changes: an array of changes, found an object");
    CHECK(c.zh == "bad.json: /events/1/changes: 变更数组；实际为：一个对象");

    c = edited([](json& j) { j["events"][1]["args"]["copy"] = 99; });
    CHECK(c.message ==
          "bad.json: /events/1/args/copy: 100, the value of the \"copy\" arg change in /events/1/changes "
          "(\"changes\" is authoritative; \"args\" repeats it), found 99");
    CHECK(c.zh ==
          "bad.json: /events/1/args/copy: 100，即 /events/1/changes 中 \"copy\" 参数变更的值（以 \"changes\" "
          "为准，\"args\" 只是重复它）；实际为：99");

    c = edited([](json& j) { j["stacks"] = json::array({json::array()}); });
    CHECK(c.message ==
          "bad.json: /stacks/0: a call stack: an array of 1 to 32 function names, outermost first, found 0 "
          "names");
    CHECK(c.zh == "bad.json: /stacks/0: 调用栈：含 1 到 32 个函数名的数组，最外层在前；实际为：0 个名字");

    std::string text = small_json();
    text.insert(text.find("\"scenario\":{") + 11, std::string(300, '['));
    c = parse_error_of(text);
    CHECK(c.expected == "JSON nested at most 256 levels deep");
    CHECK(c.zh.ends_with(": 嵌套不超过 256 层的 JSON"));
}

TEST_CASE("bad JSON: every refusal of the general reader names its place and has no English left in Chinese") {
    const std::vector<Caught> all = every_json_refusal();
    CHECK(all.size() == 47);
    for (const Caught& c : all) {
        REQUIRE_MESSAGE(c.thrown, "an edit was read");
        CHECK(c.file == "bad.json");
        // The place is a JSON pointer, said alike in both languages.
        CHECK_MESSAGE(c.place.rfind("/", 0) == 0, c.message);
        CHECK_MESSAGE(c.zh.rfind("bad.json: " + c.place + ": ", 0) == 0, c.zh);
        const std::string left = sptest::english_phrase(c.zh, c.file);
        CHECK_MESSAGE(left.empty(), "\"" << left << "\" in " << c.zh);
    }
}
