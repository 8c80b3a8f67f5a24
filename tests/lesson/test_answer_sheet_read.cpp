// Reading answers files leniently (read_answer_sheet: every problem with its
// place and severity, the rest still read) and reading a saved answer key back
// (answer_key_from_json), against lesson 1 and its prepared trace.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "lesson/grade.hpp"
#include "lesson/lesson.hpp"
#include "support/errors.hpp"
#include "trace/trace_io.hpp"
#include "util/sha256.hpp"

using nlohmann::json;
using namespace sendpath;
using namespace sendpath::lesson;
using Sev = SheetProblem::Severity;

namespace {

const std::string kSource = SENDPATH_SOURCE_DIR;

const Lesson& first_send() {
    static const Lesson l = load_lesson(kSource + "/lessons/01-first-send.json");
    return l;
}

const AnswerKey& first_key() {
    static const AnswerKey k = [] {
        AnswerKey key = compute_answer_key(first_send(), trace::load_trace(kSource + "/traces/01-first-send.json"));
        key.lesson_sha256 = lesson_sha256(first_send());
        return key;
    }();
    return k;
}

json all_correct() {
    json a = json::object();
    for (const auto& q : first_key().questions) a[q.id] = q.answer_json();
    return a;
}

json file_with(const json& answers) { return {{"lesson", "first-send"}, {"student", "Ada"}, {"answers", answers}}; }

}  // namespace

TEST_CASE("answers file: a bad answer is invalid on its own, the other answers are read") {
    json a = all_correct();
    a["room"] = "31756";
    a["held"] = {"queued", "nope"};
    a["q9"] = 1;
    const AnswerSheet s = read_answer_sheet(file_with(a), "ada.json", first_send());
    CHECK(s.gradable());
    CHECK(s.student == "Ada");
    REQUIRE(s.problems.size() == 3);
    CHECK(s.problems[0].place == "/answers/held/1");
    CHECK(s.problems[0].question == "held");
    CHECK(s.problems[1].place == "/answers/q9");
    CHECK(s.problems[1].question.empty());
    CHECK(s.problems[2].place == "/answers/room");
    CHECK(s.problems[2].text() ==
          "ada.json: /answers/room: expected a number (question room asks for a number), got \"31756\"");
    for (const auto& p : s.problems) CHECK(p.severity == Sev::invalid);
    CHECK(s.answers.count("room") == 0);
    CHECK(s.answers.count("branch1") == 1);

    const Grade g = grade_sheet(first_key(), s);
    CHECK(g.score == first_key().total_points - 2);
    for (const auto& q : g.questions) {
        if (q.id == "room" || q.id == "held") {
            CHECK(q.verdict == Verdict::invalid);
            CHECK(q.points == 0);
            CHECK_FALSE(q.note.empty());
        } else {
            CHECK(q.verdict == Verdict::correct);
        }
    }
    CHECK(verdict_name(Verdict::invalid) == "invalid");

    // The strict reader (the GUI's) still refuses the file at its first problem.
    const auto f =
        sptest::input_error_of([&] { return answer_sheet_from_json(file_with(a), "ada.json", first_send()); });
    CHECK(f.thrown);
    CHECK(f.place == "/answers/held/1");
}

TEST_CASE(
    "answers file: unknown top-level keys warn, student_id and meta are kept, fatal problems still name the student") {
    json j = file_with(all_correct());
    j["uploaded_by"] = "today";
    // What the GUI writes in assessment mode is known, not warned about.
    j["attempts"] = {{"room", json::array({{{"answer", 31756}, {"at", "2026-12-06T19:00:00Z"}}})}};
    j["submitted_at"] = "2026-12-06T19:05:00Z";
    j["student_id"] = "s7";
    j["meta"] = {{"section", 2}};
    AnswerSheet s = read_answer_sheet(j, "a.json", first_send());
    CHECK(s.gradable());
    REQUIRE(s.problems.size() == 1);
    CHECK(s.problems[0].severity == Sev::warning);
    CHECK(s.problems[0].place == "/uploaded_by");
    CHECK(s.student_id == "s7");
    CHECK(s.meta == json{{"section", 2}});
    CHECK(grade_sheet(first_key(), s).score == first_key().total_points);
    // The GUI's answers file keeps them.
    const json back = answer_sheet_to_json(s);
    CHECK(back.at("student_id") == "s7");
    CHECK(back.at("meta") == json{{"section", 2}});

    j["lesson"] = "page-merge";
    s = read_answer_sheet(j, "a.json", first_send());
    CHECK_FALSE(s.gradable());
    CHECK(s.student == "Ada");  // the row can still name her
    j = {{"student", "Bob"}, {"lesson", "first-send"}, {"answers", {1, 2}}};
    s = read_answer_sheet(j, "b.json", first_send());
    CHECK_FALSE(s.gradable());
    CHECK(s.student == "Bob");
    CHECK(s.problems.at(0).place == "/answers");
    s = read_answer_sheet({{"lesson", "first-send"}, {"answers", json::object()}}, "c.json", first_send());
    CHECK_FALSE(s.gradable());
    CHECK(s.student.empty());
    CHECK(s.problems.at(0).place == "");

    // The reader knows exactly the keys the schema lists.
    std::ifstream in(kSource + "/assets/answers.schema.json");
    const json schema = json::parse(in);
    std::set<std::string> listed;
    for (auto it = schema.at("properties").begin(); it != schema.at("properties").end(); ++it) listed.insert(it.key());
    CHECK(listed == std::set<std::string>{"$schema", "lesson", "student", "student_id", "meta", "answers", "attempts",
                                          "submitted_at"});
    json every = file_with(all_correct());
    every["$schema"] = "answers.schema.json";
    every["student_id"] = 12;
    every["meta"] = json::object();
    CHECK(read_answer_sheet(every, "e.json", first_send()).problems.empty());
}

TEST_CASE("answers file: a file that is not JSON or not there is one fatal problem") {
    const AnswerSheet s = read_answer_sheet_file(kSource + "/no/such/answers.json", first_send());
    CHECK_FALSE(s.gradable());
    REQUIRE(s.problems.size() == 1);
    CHECK(s.problems[0].severity == Sev::fatal);
    CHECK(s.problems[0].file == kSource + "/no/such/answers.json");
}

TEST_CASE("answer key: saved as JSON and read back, it grades the same") {
    const AnswerKey& key = first_key();
    const json saved = json::parse(key.to_json(first_send()).dump());
    CHECK(saved.at("key_format") == kKeyFormat);
    std::ifstream in(first_send().file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(saved.at("lesson_sha256") == util::sha256_hex(bytes));
    CHECK(saved.at("engine_version") == key.engine_version);

    const AnswerKey back = answer_key_from_json(saved, "key.json", first_send(), key.lesson_sha256);
    REQUIRE(back.questions.size() == key.questions.size());
    for (std::size_t i = 0; i < key.questions.size(); ++i) {
        CHECK(back.questions[i].id == key.questions[i].id);
        CHECK(back.questions[i].event == key.questions[i].event);
        CHECK(back.questions[i].answer_json() == key.questions[i].answer_json());
    }
    CHECK(back.step_events == key.step_events);
    CHECK(back.engine_version == key.engine_version);
    CHECK(back.total_points == key.total_points);
    json a = all_correct();
    a["room"] = 1;
    const AnswerSheet s = read_answer_sheet(file_with(a), "a.json", first_send());
    CHECK(grade_sheet(back, s).score == grade_sheet(key, s).score);
    CHECK(grade_sheet(back, s).score == key.total_points - 1);

    // A key for another lesson version, another lesson, or edited out of shape names its place.
    auto place_of = [&](const json& j, const std::string& sha) {
        const auto f = sptest::input_error_of([&] { return answer_key_from_json(j, "key.json", first_send(), sha); });
        REQUIRE(f.thrown);
        CHECK(f.file == "key.json");
        return f.place;
    };
    CHECK(place_of(saved, std::string(64, '0')) == "/lesson_sha256");
    json k = saved;
    k["lesson"] = "page-merge";
    CHECK(place_of(k, key.lesson_sha256) == "/lesson");
    k = saved;
    k["questions"][4]["answer"] = "many";
    CHECK(place_of(k, key.lesson_sha256) == "/questions/4/answer");
    k = saved;
    k["questions"][2]["answer"] = {"nope"};
    CHECK(place_of(k, key.lesson_sha256) == "/questions/2/answer/0");
    k = saved;
    k["questions"].erase(5);
    CHECK(place_of(k, key.lesson_sha256) == "/questions");
    k = saved;
    k["key_format"] = 2;
    CHECK(place_of(k, key.lesson_sha256) == "/key_format");
    k = saved;
    k.erase("key_format");
    CHECK(place_of(k, key.lesson_sha256) == "");
}

// Found by the answers fuzzer (tests/fuzz/corpus/answers/regression-message-cut-*):
// a long answer was cut inside a UTF-8 character in the message, and
// `grade --json`, which puts messages in JSON, threw on it.
TEST_CASE("a long non-ASCII answer is cut on a character boundary in the message") {
    std::string answer;
    for (int k = 0; k < 40; ++k) answer += "\xde\x93";  // a two-byte character, 40 times
    for (std::size_t shift = 0; shift < 2; ++shift) {
        const json j = {
            {"lesson", "first-send"}, {"student", "Ada"}, {"answers", {{"room", std::string(shift, 'x') + answer}}}};
        const AnswerSheet s = read_answer_sheet(j, "a.json", first_send());
        REQUIRE(!s.problems.empty());
        CHECK(s.problems.front().expected.find("...") != std::string::npos);
        CHECK_NOTHROW((void)json(s.problems.front().text()).dump());
    }
}
