// Lesson files: what a good one gives, one test per kind of mistake (each
// checking the file, the JSON pointer and what was expected), and the shipped
// lessons in lessons/.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "lesson/lesson.hpp"
#include "support/errors.hpp"
#include "support/files.hpp"
#include "trace/event.hpp"
#include "util/errors.hpp"
#include "util/i18n.hpp"

using nlohmann::json;
using sendpath::InputError;
using namespace sendpath::lesson;

namespace {

using sptest::TempDir;

// A small valid lesson; tests change one thing in it.
json good() {
    return json::parse(R"J({
      "id": "t1", "title": "A test lesson", "objectives": ["learn"],
      "scenario": {"timeline": [{"send": 100}]},
      "steps": [{"at": "first(sendmsg_enter)", "text": "It starts."}],
      "questions": [
        {"id": "q1", "type": "number", "at": "first(sendmsg_enter)", "prompt": "How many?", "answer": "ret(call=1)"},
        {"id": "q2", "type": "next_branch", "at": "first(iov_next)", "prompt": "Next?"},
        {"id": "q3", "type": "choice", "at": "0", "prompt": "Which?",
         "choices": [{"id": "a", "text": "A", "correct": "1"}, {"id": "b", "text": "B", "correct": "0"}]}
      ]})J");
}

using Failure = sptest::Caught;

Failure error_of(const json& j, const std::string& file = "lessons/t.json") {
    const Failure f = sptest::input_error_of([&] { return lesson_from_json(j, file); });
    REQUIRE_MESSAGE(f.thrown, "no InputError for: " << j.dump());
    CHECK(f.file == file);
    return f;
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

const std::string kSource = SENDPATH_SOURCE_DIR;

}  // namespace

TEST_CASE("lesson: a good lesson, with its defaults") {
    const Lesson l = lesson_from_json(good(), "x/t.json");
    CHECK(l.file == "x/t.json");
    CHECK(l.id == "t1");
    CHECK(l.title == "A test lesson");
    CHECK(l.objectives.size() == 1);
    CHECK(l.scenario.timeline.size() == 1);
    CHECK(l.scenario_file.empty());
    CHECK_FALSE(l.is_tap());
    REQUIRE(l.steps.size() == 1);
    CHECK(l.steps[0].at.text() == "first(sendmsg_enter)");
    CHECK(l.steps[0].pointer == "/steps/0");
    REQUIRE(l.questions.size() == 3);
    CHECK(l.questions[0].type == QuestionType::number);
    CHECK(l.questions[0].points == 1);
    CHECK(l.questions[0].tolerance == 0);
    CHECK(l.questions[1].type == QuestionType::next_branch);
    CHECK(l.questions[1].answer.text() == "next_kind(at=anchor)");  // the default
    CHECK(l.questions[2].choices.size() == 2);
    CHECK(l.total_points() == 3);
    CHECK(l.question("q2") == &l.questions[1]);
    CHECK(l.question("nope") == nullptr);
    CHECK(prepared_trace_path(l) == "traces/t.json");
}

TEST_CASE("lesson: a scenario by path, inside the lesson's folder") {
    TempDir d;
    d.write("lessons/scenarios/s.json", R"({"timeline": [{"send": 7}]})");
    json j = good();
    j["scenario"] = "scenarios/s.json";
    const std::string path = d.write("lessons/01-t.json", j.dump());
    const Lesson l = load_lesson(path);
    CHECK(l.scenario.timeline.at(0).iov == std::vector<int64_t>{7});
    CHECK(l.scenario_file == (d.path / "lessons/scenarios/s.json").string());
    CHECK(prepared_trace_path(l) == (d.path / "traces/01-t.json").string());

    for (const char* bad : {"../s.json", "/etc/passwd", "scenarios/../../s.json", ""}) {
        CAPTURE(bad);
        j["scenario"] = bad;
        const Failure f = error_of(j, path);
        CHECK(f.place == "/scenario");
        CHECK(has(f.expected, "inside the lesson's folder"));
    }
    j["scenario"] = "scenarios/none.json";
    Failure f = error_of(j, path);
    CHECK(f.place == "/scenario");
    CHECK(has(f.expected, "no such file"));

    // A bad scenario file is reported in its own name.
    const std::string bad_sc = d.write("lessons/scenarios/bad.json", R"({"timeline": [{"send": -5}]})");
    j["scenario"] = "scenarios/bad.json";
    d.write("lessons/02-t.json", j.dump());
    f = sptest::input_error_of([&] { return load_lesson(d / "lessons/02-t.json"); });
    REQUIRE_MESSAGE(f.thrown, "no error");
    CHECK(f.file == bad_sc);
    CHECK(f.place == "/timeline/0/send");
}

TEST_CASE("lesson: an inline scenario's errors are placed under /scenario") {
    json j = good();
    j["scenario"] = json::parse(R"({"timeline": [{"send": {"size": 10, "flagz": []}}]})");
    Failure f = error_of(j);
    CHECK(f.place == "/scenario/timeline/0/send/flagz");
    j["scenario"] = 5;
    f = error_of(j);
    CHECK(f.place == "/scenario");
    CHECK(has(f.expected, "an object, or the path of a scenario file"));
}

TEST_CASE("lesson: top-level mistakes") {
    json j = good();
    j.erase("title");
    Failure f = error_of(j);
    CHECK(f.place == "");
    CHECK(has(f.expected, "the key \"title\""));

    j = good();
    j["titel"] = "x";
    f = error_of(j);
    CHECK(f.place == "/titel");
    CHECK(has(f.expected, "did you mean \"title\""));

    j = good();
    j["id"] = "Lesson One";
    f = error_of(j);
    CHECK(f.place == "/id");
    CHECK(has(f.expected, "a-z, 0-9"));

    j = good();
    j["objectives"] = json::array();
    CHECK(error_of(j).place == "/objectives");
    j = good();
    j["objectives"] = {"ok", ""};
    CHECK(error_of(j).place == "/objectives/1");

    j = good();
    j["steps"] = json::array();
    CHECK(error_of(j).place == "/steps");
    j = good();
    j["steps"][0].erase("text");
    f = error_of(j);
    CHECK(f.place == "/steps/0");
    CHECK(has(f.expected, "the key \"text\""));

    CHECK_THROWS_AS(lesson_from_json(json::array(), "t.json"), InputError);
}

TEST_CASE("lesson: a bad JSON file gets the line and column") {
    TempDir d;
    const std::string path = d.write("bad.json", "{\n  \"id\": \"x\",\n  \"title\": \n}");
    Failure f = sptest::input_error_of([&] { return load_lesson(path); });
    REQUIRE_MESSAGE(f.thrown, "no error");
    CHECK(f.file == path);
    CHECK(has(f.place, "line 4"));
    const std::string dup = d.write("dup.json", R"({"id": "a", "id": "b"})");
    f = sptest::input_error_of([&] { return load_lesson(dup); });
    REQUIRE_MESSAGE(f.thrown, "no error");
    CHECK(has(f.expected, "each key once"));
}

TEST_CASE("lesson: expression errors name the pointer and the column") {
    json j = good();
    j["questions"][0]["answer"] = "count(page_merge call=2)";
    Failure f = error_of(j);
    CHECK(f.place == "/questions/0/answer");
    CHECK(has(f.expected, "column 18"));
    CHECK(has(f.expected, "\"count(page_merge call=2)\""));
    CHECK(has(f.expected, "expected ',' or ')'"));

    j = good();
    j["steps"][0]["at"] = "frist(sendmsg_enter)";
    f = error_of(j);
    CHECK(f.place == "/steps/0/at");
    CHECK(has(f.expected, "column 1"));
    CHECK(has(f.expected, "did you mean 'first'"));

    j = good();
    j["questions"][2]["choices"][1]["correct"] = "kind(0) == tail_apend";
    f = error_of(j);
    CHECK(f.place == "/questions/2/choices/1/correct");
    CHECK(has(f.expected, "column 12"));

    // An anchor cannot be placed relative to itself.
    j = good();
    j["questions"][0]["at"] = "anchor + 1";
    f = error_of(j);
    CHECK(f.place == "/questions/0/at");
    CHECK(has(f.expected, "does not use 'anchor'"));

    j = good();
    j["questions"][0]["answer"] = 100;
    f = error_of(j);
    CHECK(f.place == "/questions/0/answer");
    CHECK(has(f.expected, "an expression"));
}

TEST_CASE("lesson: question mistakes") {
    json j = good();
    j["questions"][1]["id"] = "q1";
    Failure f = error_of(j);
    CHECK(f.place == "/questions/1/id");
    CHECK(has(f.expected, "used once"));

    j = good();
    j["questions"][0]["type"] = "numeric";
    f = error_of(j);
    CHECK(f.place == "/questions/0/type");
    CHECK(has(f.expected, "number"));

    j = good();
    j["questions"][0].erase("answer");
    f = error_of(j);
    CHECK(f.place == "/questions/0");
    CHECK(has(f.expected, "the key \"answer\""));

    j = good();
    j["questions"][0]["tolerance"] = -1;
    CHECK(error_of(j).place == "/questions/0/tolerance");
    j = good();
    j["questions"][0]["points"] = 0;
    CHECK(error_of(j).place == "/questions/0/points");
    j = good();
    j["questions"][0]["choices"] = json::array();
    f = error_of(j);
    CHECK(f.place == "/questions/0/choices");
    CHECK(has(f.expected, "no \"choices\" in a number question"));

    j = good();
    j["questions"][2]["answer"] = "1";
    CHECK(error_of(j).place == "/questions/2/answer");
    j = good();
    j["questions"][2]["choices"].erase(1);
    f = error_of(j);
    CHECK(f.place == "/questions/2/choices");
    CHECK(has(f.expected, "two or more choices"));
    j = good();
    j["questions"][2]["choices"][1]["id"] = "a";
    CHECK(error_of(j).place == "/questions/2/choices/1/id");
    j = good();
    j["questions"][2]["choices"][0].erase("correct");
    CHECK(error_of(j).place == "/questions/2/choices/0");

    j = good();
    j["questions"][1]["choices"] = {"tail_append", "new_segmnt"};
    f = error_of(j);
    CHECK(f.place == "/questions/1/choices/1");
    CHECK(has(f.expected, "an event kind"));
    j["questions"][1]["choices"] = {"tail_append", "tail_append"};
    CHECK(error_of(j).place == "/questions/1/choices/1");
    j["questions"][1]["choices"] = {"tail_append", "new_segment"};
    CHECK(lesson_from_json(j, "t.json").questions[1].branch_choices.size() == 2);
}

TEST_CASE("lesson: a TAP lesson needs a recorded trace, a simulated one must not have one") {
    json j = good();
    j["scenario"]["peer"] = {{"type", "tap"}};
    Failure f = error_of(j);
    CHECK(has(f.expected, "recorded_trace"));
    j["recorded_trace"] = "../traces/t.json";
    const Lesson l = lesson_from_json(j, "lessons/t.json");
    CHECK(l.is_tap());
    CHECK(l.recorded_trace == "traces/t.json");
    CHECK(prepared_trace_path(l) == "traces/t.json");

    j = good();
    j["recorded_trace"] = "../traces/t.json";
    f = error_of(j);
    CHECK(f.place == "/recorded_trace");
    CHECK(has(f.expected, "simulated lesson"));
}

TEST_CASE("lesson: the shipped lessons read, in order, with unique ids and enough to do") {
    const auto files = lesson_files(kSource + "/lessons");
    REQUIRE(files.size() >= 12);
    CHECK(std::is_sorted(files.begin(), files.end()));
    std::set<std::string> ids;
    for (const auto& f : files) {
        CAPTURE(f);
        const Lesson l = load_lesson(f);
        CHECK(ids.insert(l.id).second);
        CHECK(l.questions.size() >= 3);
        CHECK(l.steps.size() >= 3);
        CHECK(l.objectives.size() >= 2);
    }
    // Every question type is used somewhere.
    bool seen[3] = {false, false, false};
    for (const auto& f : files)
        for (const auto& q : load_lesson(f).questions) seen[static_cast<int>(q.type)] = true;
    CHECK(seen[0]);
    CHECK(seen[1]);
    CHECK(seen[2]);
    CHECK_THROWS_AS(lesson_files(kSource + "/lessons/01-first-send.json"), InputError);
}

TEST_CASE("lesson: the JSON Schemas list the code's names") {
    auto load = [](const std::string& name) {
        std::ifstream in(kSource + "/assets/" + name);
        REQUIRE(in);
        return json::parse(in);
    };
    const json ls = load("lesson.schema.json");
    CHECK(ls.at("$schema") == "https://json-schema.org/draft/2020-12/schema");
    std::vector<std::string> kinds;
    for (std::size_t k = 0; k < sendpath::trace::kKindCount; ++k)
        kinds.emplace_back(sendpath::trace::kind_name(static_cast<sendpath::trace::Kind>(k)));
    CHECK(ls.at("$defs").at("kind").at("enum").get<std::vector<std::string>>() == kinds);
    CHECK(ls.at("$defs").at("question").at("properties").at("type").at("enum") ==
          json({"choice", "number", "next_branch"}));
    std::set<std::string> top;
    for (auto it = ls.at("properties").begin(); it != ls.at("properties").end(); ++it) top.insert(it.key());
    CHECK(top == std::set<std::string>{"$schema", "id", "title", "description", "objectives", "scenario",
                                       "recorded_trace", "steps", "questions", "assessment", "translations"});
    // The languages a lesson may be translated into are those sendpath has texts for, less English.
    std::vector<std::string> langs;
    for (const auto& l : sendpath::util::i18n::languages())
        if (l.code != sendpath::util::i18n::kEnglish) langs.emplace_back(l.code);
    CHECK(ls.at("$defs").at("language").at("enum").get<std::vector<std::string>>() == langs);
    const json as = load("answers.schema.json");
    CHECK(as.at("required") == json({"lesson", "student", "answers"}));
}
