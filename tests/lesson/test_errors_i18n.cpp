// Input errors in two languages: the readers of lessons, answers files and
// traces say what they expected as string-table texts, so the CLI prints the
// same English as always (these texts are compared byte for byte) and the GUI
// in Chinese shows the error panel's "expected" row, and its place, in
// Chinese, with the file's own values (ids, keys, numbers) kept as they are.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "lesson/grade.hpp"
#include "lesson/json_read.hpp"
#include "lesson/lesson.hpp"
#include "support/errors.hpp"
#include "trace/trace_io.hpp"

using nlohmann::json;
using namespace sendpath;
using sptest::input_error_of;

namespace {

json small_lesson() {
    return json::parse(R"J({
      "id": "t1", "title": "A test lesson", "objectives": ["learn"],
      "scenario": {"timeline": [{"send": 100}]},
      "steps": [{"at": "first(sendmsg_enter)", "text": "It starts."}],
      "questions": [{"id": "q1", "type": "number", "at": "first(sendmsg_enter)", "prompt": "How many?",
                     "answer": "ret(call=1)"}]
    })J");
}

}  // namespace

TEST_CASE("errors i18n: a bad lesson id is the same English for the CLI and Chinese for the GUI") {
    json j = small_lesson();
    j["id"] = "Bad Id";
    const auto e = input_error_of([&] { return lesson::lesson_from_json(j, "x.json"); });
    REQUIRE(e);
    CHECK(e.message ==
          "x.json: /id: expected a lesson id of 1 to 64 characters a-z, 0-9, '-' or '_' (it names the lesson in "
          "answers files), got \"Bad Id\"");
    CHECK(e.zh ==
          "x.json: /id: 应为 1 到 64 个字符的课程 id，只含 a-z、0-9、'-' 或 '_'（答案文件用它指明课程），实际为 "
          "\"Bad Id\"");
}

TEST_CASE("errors i18n: nested texts are translated too: expected <what>, got <value>") {
    json j = small_lesson();
    j["steps"] = json::array();
    const auto e = input_error_of([&] { return lesson::lesson_from_json(j, "x.json"); });
    REQUIRE(e);
    CHECK(e.expected == "expected a list of one or more steps, got an empty list");
    CHECK(e.zh == "x.json: /steps: 应为：一个或多个步骤组成的列表；实际为：空列表");

    json q = small_lesson();
    q["questions"][0]["points"] = 1000;
    const auto p = input_error_of([&] { return lesson::lesson_from_json(q, "x.json"); });
    REQUIRE(p);
    CHECK(p.expected == "expected points from 1 to 100, got 1000");
    CHECK(p.zh == "x.json: /questions/0/points: 应为：分值，范围 1 到 100；实际为：1000");
}

TEST_CASE("errors i18n: an unknown key keeps its name and the suggestion in Chinese") {
    json j = small_lesson();
    j["titel"] = "typo";
    const auto e = input_error_of([&] { return lesson::lesson_from_json(j, "x.json"); });
    REQUIRE(e);
    CHECK(e.expected.rfind("unknown key \"titel\" (did you mean \"title\"?); expected one of: $schema, id, title", 0) ==
          0);
    CHECK(e.zh.find("未知的键 \"titel\"（是不是想写 \"title\"？）；应为以下之一：$schema, id, title") !=
          std::string::npos);
}

TEST_CASE("errors i18n: a JSON syntax error names line and column in the user's language") {
    const auto e = input_error_of([] { return lesson::json_read::parse_text("{\n  \"id\": ,\n}", "x.json"); });
    REQUIRE(e);
    CHECK(e.place == "line 2, column 9");
    CHECK(e.expected.rfind("expected valid JSON: ", 0) == 0);
    CHECK(e.zh.rfind("x.json: 第 2 行，第 9 列: 应为有效的 JSON：", 0) == 0);
}

TEST_CASE("errors i18n: an answers file for another lesson says so in Chinese") {
    const lesson::Lesson l = lesson::lesson_from_json(small_lesson(), "t1.json");
    const json sheet = json::parse(R"J({"lesson": "other", "student": "ann", "answers": {}})J");
    const auto e = input_error_of([&] { return lesson::answer_sheet_from_json(sheet, "a.json", l); });
    REQUIRE(e);
    CHECK(e.message ==
          "a.json: /lesson: expected the lesson being graded, \"t1\" (t1.json), got \"other\": this file "
          "answers another lesson");
    CHECK(e.zh ==
          "a.json: /lesson: 应为正在评分的课程 \"t1\"（t1.json），实际为 \"other\"：这个文件回答的是另一门课程");
}

TEST_CASE("errors i18n: a trace reader's error is English for the CLI and Chinese for the GUI") {
    const auto not_trace = input_error_of([] { return trace::parse_trace_json(R"({"id": "t1"})", "t.json"); });
    REQUIRE(not_trace);
    CHECK(not_trace.expected ==
          "\"sendpath-trace\" (a sendpath trace starts with {\"format\":\"sendpath-trace\", ...), found no such key: "
          "is this a trace file?");
    CHECK(not_trace.zh.find("这是跟踪文件吗？") != std::string::npos);

    const auto missing = input_error_of(
        [] { return trace::parse_trace_json(R"({"format": "sendpath-trace", "format_version": 2})", "t.json"); });
    REQUIRE(missing);
    CHECK(missing.expected == "the required key \"engine_version\" of a sendpath trace, found no such key");
    CHECK(missing.zh == "t.json: /engine_version: sendpath 跟踪必需的键 \"engine_version\"；实际没有这个键");

    const auto syntax = input_error_of([] { return trace::parse_trace_json("{\"format\": }", "t.json"); });
    REQUIRE(syntax);
    CHECK(syntax.place.rfind("line 1, column ", 0) == 0);
    CHECK(syntax.zh.rfind("t.json: 第 1 行，第 ", 0) == 0);
    CHECK(syntax.zh.find("有效的 JSON（") != std::string::npos);

    // A misspelt event kind: the list of kinds stays, the words around it are Chinese.
    const std::string bad_kind = R"({"format": "sendpath-trace", "format_version": 2, "engine_version": "0.1.0",
        "scenario": null, "options": null, "files": ["core/engine/tcp_sendmsg.cpp"], "end_reason": "completed",
        "events": [{"i": 0, "t": 0, "kind": "copy_linaer", "function": "tcp_sendmsg", "depth": 0,
                    "file": "core/engine/tcp_sendmsg.cpp", "site": 0, "call": 1}], "frames": []})";
    const auto kind = input_error_of([&] { return trace::parse_trace_json(bad_kind, "t.json"); });
    REQUIRE(kind);
    CHECK(kind.place == "/events/0/kind");
    CHECK(kind.expected.rfind("an event kind (one of: ", 0) == 0);
    CHECK(kind.expected.find(", found \"copy_linaer\"") != std::string::npos);
    CHECK(kind.zh.rfind("t.json: /events/0/kind: 事件类型（以下之一：", 0) == 0);
    CHECK(kind.zh.find("copy_linear") != std::string::npos);
    CHECK(kind.zh.find("；实际为：\"copy_linaer\"") != std::string::npos);
}
