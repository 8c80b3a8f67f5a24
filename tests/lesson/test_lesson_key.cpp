// Answer keys computed from real traces (the prepared traces in traces/, which
// test_cli checks against today's engine), lesson errors found on a trace,
// and grading answers files: correct, wrong, partial, malformed, mismatched.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "lesson/grade.hpp"
#include "lesson/lesson.hpp"
#include "support/errors.hpp"
#include "support/files.hpp"
#include "support/trace_query.hpp"
#include "trace/trace_io.hpp"
#include "util/errors.hpp"

using nlohmann::json;
using sendpath::InputError;
using namespace sendpath;
using namespace sendpath::lesson;
namespace fs = std::filesystem;

namespace {

const std::string kSource = SENDPATH_SOURCE_DIR;

struct Loaded {
    Lesson lesson;
    trace::Trace trace;
};

const Loaded& first_send() {
    static const Loaded l{load_lesson(kSource + "/lessons/01-first-send.json"),
                          trace::load_trace(kSource + "/traces/01-first-send.json")};
    return l;
}

const AnswerKey& first_key() {
    static const AnswerKey k = compute_answer_key(first_send().lesson, first_send().trace);
    return k;
}

// The first event of `kind` in send() call `call`, found by scanning (not by the expression language).
std::size_t find(const trace::Trace& t, trace::Kind kind, uint32_t call) {
    const auto i = sptest::find_first(t, kind, call);
    REQUIRE_MESSAGE(i.has_value(), "no such event");
    return *i;
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

AnswerSheet sheet(const json& answers, const std::string& lesson = "first-send") {
    return answer_sheet_from_json({{"lesson", lesson}, {"student", "Ada"}, {"answers", answers}}, "ada.json",
                                  first_send().lesson);
}

// The correct answers of lesson 1, as a student would write them.
json all_correct() {
    json a = json::object();
    for (const auto& q : first_key().questions) a[q.id] = q.answer_json();
    return a;
}

using Failure = sptest::Caught;
Failure sheet_error(const json& j) {
    const auto f = sptest::input_error_of([&] { return answer_sheet_from_json(j, "s.json", first_send().lesson); });
    REQUIRE_MESSAGE(f.thrown, "no InputError for " << j.dump());
    CHECK(f.file == "s.json");
    return f;
}

}  // namespace

TEST_CASE("answer key: lesson 1 on its prepared trace") {
    const auto& [l, t] = first_send();
    const AnswerKey& key = first_key();
    CHECK(key.lesson_id == "first-send");
    CHECK(key.events == t.events.size());
    REQUIRE(key.questions.size() == l.questions.size());
    REQUIRE(key.step_events.size() == l.steps.size());
    // Steps follow the send() calls in order.
    CHECK(std::is_sorted(key.step_events.begin(), key.step_events.end()));
    CHECK(t.events[key.step_events[0]].kind == trace::Kind::sendmsg_enter);

    const KeyQuestion* b1 = key.question("branch1");
    REQUIRE(b1);
    CHECK(b1->event == find(t, trace::Kind::iov_next, 1));
    CHECK(b1->kind == trace::Kind::new_segment);  // an empty write queue
    CHECK(b1->answer_json() == "new_segment");

    const KeyQuestion* b2 = key.question("branch2");
    REQUIRE(b2);
    CHECK(b2->kind == trace::Kind::tail_append);  // the held skb has room

    // copy = size_goal - len of the held skb: from the send_mss of call 2 and the first call's 100 bytes.
    const KeyQuestion* room = key.question("room");
    REQUIRE(room);
    const int64_t size_goal = t.arg(find(t, trace::Kind::send_mss, 2), trace::Arg::size_goal);
    CHECK(room->number == size_goal - 100);
    CHECK(room->expression == "arg(copy, at=first(tail_append, call=2))");

    const KeyQuestion* held = key.question("held");
    REQUIRE(held);
    CHECK(held->correct_choices == std::vector<std::string>{"queued"});
    CHECK(held->choice_values.size() == 3);

    const KeyQuestion* segs = key.question("segments");
    REQUIRE(segs);
    CHECK(segs->number == 1);
}

TEST_CASE("answer key: every shipped simulated lesson fits its prepared trace") {
    for (const auto& f : lesson_files(kSource + "/lessons")) {
        CAPTURE(f);
        const Lesson l = load_lesson(f);
        const std::string tp = prepared_trace_path(l);
        if (l.is_tap() && !fs::exists(tp)) continue;  // waits for a recording (see traces/README.md)
        REQUIRE(fs::exists(tp));
        const trace::Trace t = trace::load_trace(tp);
        const AnswerKey key = compute_answer_key(l, t);
        CHECK(key.questions.size() == l.questions.size());
        for (const auto& q : key.questions) CHECK(q.event < t.events.size());
        // The JSON key has what the README promises for each question.
        const auto j = key.to_json(l);
        for (const auto& q : j.at("questions"))
            for (const char* k : {"id", "type", "event", "at", "points", "answer", "expression"}) CHECK(q.contains(k));
    }
}

TEST_CASE("answer key: expressions that no longer fit the trace are lesson errors") {
    const trace::Trace& t = first_send().trace;
    auto key_error = [&](const json& questions) {
        json j = {{"id", "t"},
                  {"title", "T"},
                  {"objectives", {"o"}},
                  {"scenario", {{"timeline", {{{"send", 1}}}}}},
                  {"steps", {{{"at", "0"}, {"text", "x"}}}},
                  {"questions", questions}};
        const Lesson l = lesson_from_json(j, "l.json");
        const auto f = sptest::input_error_of([&] { return compute_answer_key(l, t); });
        REQUIRE_MESSAGE(f.thrown, "no error");
        CHECK(f.file == "l.json");
        return std::make_pair(f.place, f.expected);
    };
    auto [place, msg] = key_error(
        json::parse(R"J([{"id": "q", "type": "number", "at": "first(page_release)", "prompt": "p", "answer": "1"}])J"));
    CHECK(place == "/questions/0/at");
    CHECK(has(msg, "column 1"));
    CHECK(has(msg, "no event matches first(page_release)"));

    std::tie(place, msg) = key_error(json::parse(
        R"J([{"id": "q", "type": "number", "at": "0", "prompt": "p", "answer": "arg(copy, at=anchor)"}])J"));
    CHECK(place == "/questions/0/answer");
    CHECK(has(msg, "has no argument copy"));

    std::tie(place, msg) = key_error(
        json::parse(R"J([{"id": "q", "type": "number", "at": "0", "prompt": "p", "answer": "kind(anchor)"}])J"));
    CHECK(place == "/questions/0/answer");
    CHECK(has(msg, "expected a number"));

    std::tie(place, msg) = key_error(json::parse(
        R"J([{"id": "q", "type": "next_branch", "at": "first(iov_next)", "prompt": "p", "choices": ["tail_append", "copy_linear"]}])J"));
    CHECK(place == "/questions/0/choices");
    CHECK(has(msg, "the correct branch new_segment"));

    std::tie(place, msg) = key_error(
        json::parse(R"J([{"id": "q", "type": "next_branch", "at": "0", "prompt": "p", "answer": "anchor"}])J"));
    CHECK(has(msg, "expected an event kind"));

    std::tie(place, msg) = key_error(json::parse(R"J([{"id": "q", "type": "choice", "at": "0", "prompt": "p",
        "choices": [{"id": "a", "text": "A", "correct": "count(page_release) > 0"}, {"id": "b", "text": "B", "correct": "0"}]}])J"));
    CHECK(place == "/questions/0/choices");
    CHECK(has(msg, "at least one correct choice"));

    std::tie(place, msg) = key_error(json::parse(R"J([{"id": "q", "type": "choice", "at": "0", "prompt": "p",
        "choices": [{"id": "a", "text": "A", "correct": "tail_append"}, {"id": "b", "text": "B", "correct": "1"}]}])J"));
    CHECK(place == "/questions/0/choices/0/correct");
}

TEST_CASE("grade: all correct, all wrong, and a partly answered file") {
    const AnswerKey& key = first_key();
    Grade g = grade_sheet(key, sheet(all_correct()));
    CHECK(g.total == key.total_points);
    CHECK(g.score == g.total);
    for (const auto& q : g.questions) CHECK(q.verdict == Verdict::correct);

    json wrong = {{"branch1", "tail_append"}, {"linear_room", 4096}, {"held", "wire"},
                  {"branch2", "new_segment"}, {"room", 1},           {"segments", 2}};
    g = grade_sheet(key, sheet(wrong));
    CHECK(g.score == 0);
    for (const auto& q : g.questions) CHECK(q.verdict == Verdict::wrong);
    CHECK(g.questions[0].given == "tail_append");
    CHECK(g.questions[0].expected == "new_segment");

    // Two answered (one right, one wrong), one left null, the rest left out.
    json partial = {{"branch1", "new_segment"}, {"segments", 3}, {"room", nullptr}};
    g = grade_sheet(key, sheet(partial));
    CHECK(g.score == 1);
    int unanswered = 0;
    for (const auto& q : g.questions) unanswered += q.verdict == Verdict::unanswered ? 1 : 0;
    CHECK(unanswered == static_cast<int>(key.questions.size()) - 2);
}

TEST_CASE("grade: numbers within the tolerance, choice sets in any order") {
    KeyQuestion n;
    n.type = QuestionType::number;
    n.number = 100;
    n.tolerance = 0.5;
    Answer a;
    a.type = Answer::Type::number;
    a.number = 100.5;
    CHECK(answer_is_correct(n, a));
    a.number = 99.4;
    CHECK_FALSE(answer_is_correct(n, a));
    n.tolerance = 0;
    a.number = 100.0;
    CHECK(answer_is_correct(n, a));
    a.number = 100.01;
    CHECK_FALSE(answer_is_correct(n, a));

    KeyQuestion c;
    c.type = QuestionType::choice;
    c.correct_choices = {"a", "c"};
    Answer ac;
    ac.type = Answer::Type::choices;
    ac.choices = {"c", "a"};
    CHECK(answer_is_correct(c, ac));
    ac.choices = {"a"};
    CHECK_FALSE(answer_is_correct(c, ac));  // all or nothing
    ac.choices = {"a", "b", "c"};
    CHECK_FALSE(answer_is_correct(c, ac));
}

TEST_CASE("grade: malformed and mismatched answers files name the place") {
    json j = {{"lesson", "page-merge"}, {"student", "Bob"}, {"answers", json::object()}};
    Failure f = sheet_error(j);
    CHECK(f.place == "/lesson");
    CHECK(has(f.expected, "\"first-send\""));
    CHECK(has(f.expected, "another lesson"));

    j = {{"lesson", "first-send"}, {"student", "Bob"}, {"answers", {{"q9", 1}}}};
    f = sheet_error(j);
    CHECK(f.place == "/answers/q9");
    CHECK(has(f.expected, "branch1, linear_room"));

    j["answers"] = {{"room", "31756"}};
    f = sheet_error(j);
    CHECK(f.place == "/answers/room");
    CHECK(has(f.expected, "a number"));
    CHECK(has(f.expected, "\"31756\""));

    j["answers"] = {{"room", true}};
    CHECK(sheet_error(j).place == "/answers/room");

    j["answers"] = {{"branch1", "new_segmnt"}};
    f = sheet_error(j);
    CHECK(f.place == "/answers/branch1");
    CHECK(has(f.expected, "an event kind"));
    j["answers"] = {{"branch1", 3}};
    CHECK(sheet_error(j).place == "/answers/branch1");

    j["answers"] = {{"held", "maybe"}};
    f = sheet_error(j);
    CHECK(f.place == "/answers/held");
    CHECK(has(f.expected, "wire, queued, dropped"));
    j["answers"] = {{"held", {"queued", 2}}};
    CHECK(sheet_error(j).place == "/answers/held/1");
    j["answers"] = {{"held", {"queued", "queued"}}};
    CHECK(sheet_error(j).place == "/answers/held/1");
    j["answers"] = {{"held", json::array()}};
    CHECK(sheet_error(j).place == "/answers/held");

    j = {{"lesson", "first-send"}, {"answers", json::object()}};
    f = sheet_error(j);
    CHECK(f.place == "");
    CHECK(has(f.expected, "\"student\""));
    j = {{"lesson", "first-send"}, {"student", " "}, {"answers", json::object()}};
    CHECK(sheet_error(j).place == "/student");
    j = {{"lesson", "first-send"}, {"student", "Bob"}, {"answers", json::object()}, {"score", 6}};
    f = sheet_error(j);
    CHECK(f.place == "/score");
    j = {{"lesson", "first-send"}, {"student", "Bob"}, {"answers", {1, 2}}};
    CHECK(sheet_error(j).place == "/answers");
    CHECK(sheet_error(json::array()).place == "");
}

TEST_CASE("grade: an answers file reads back what answer_sheet_to_json wrote") {
    json a = all_correct();
    a["held"] = {"queued"};
    const AnswerSheet s = sheet(a);
    const json out = answer_sheet_to_json(s);
    CHECK(out["lesson"] == "first-send");
    CHECK(out["student"] == "Ada");
    const AnswerSheet back = answer_sheet_from_json(out, "again.json", first_send().lesson);
    CHECK(grade_sheet(first_key(), back).score == first_key().total_points);
    CHECK(out["answers"]["room"].is_number_integer());
}

TEST_CASE("lesson 13: when the timer fires is graded to within 1 ms, as its prompt says") {
    const Lesson l = load_lesson(sptest::source_path("lessons/13-loss-retransmit.json"));
    const trace::Trace t = trace::load_trace(prepared_trace_path(l));
    const AnswerKey key = compute_answer_key(l, t);
    const KeyQuestion* q = key.question("fires_after");
    REQUIRE(q);
    CHECK(q->tolerance == 1);
    const auto& lq =
        *std::find_if(l.questions.begin(), l.questions.end(), [](const auto& x) { return x.id == "fires_after"; });
    CHECK(lq.prompt.find("to within 1 ms") != std::string::npos);
    // The timer is armed with the RTO (at least 200 ms) and fires on a jiffy.
    CHECK(q->number >= 200);
    auto says = [&](double ms) {
        Answer a;
        a.number = ms;
        return answer_is_correct(*q, a);
    };
    CHECK(says(static_cast<double>(q->number)));
    CHECK(says(static_cast<double>(q->number) + 1));
    CHECK(says(static_cast<double>(q->number) - 1));
    CHECK_FALSE(says(static_cast<double>(q->number) + 2));
    CHECK_FALSE(says(200 - 2));
}
