// Lesson mode (issue 13, "Seen as a student"): while a question waits no
// view may show what comes after the cursor; each lesson's work is its own
// and autosaves; questions come in event order; a question at the cursor's
// event (event 0 too) holds the replay; Check always says what happened;
// assessments count the first answer and show results only after Submit.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "gui/app.hpp"
#include "gui/document_io.hpp"
#include "gui/model/answers_store.hpp"
#include "gui/model/embedded_sources.hpp"
#include "gui/model/event_filter.hpp"
#include "gui/model/lesson_session.hpp"
#include "gui/model/seq_graph.hpp"
#include "gui/model/timeline_strip.hpp"
#include "lesson/grade.hpp"
#include "support/files.hpp"
#include "util/errors.hpp"

using namespace sendpath;
using namespace sendpath::gui;
namespace fs = std::filesystem;

namespace {
std::unique_ptr<Document> open_lesson(const std::string& name) {
    LoadOptions lo;
    lo.live = false;  // the whole trace at once: the test looks at what lies past the cursor
    return load_document(sptest::source_path("lessons/" + name), lo);
}
const lesson::KeyQuestion& key_of(const LessonSession& ls, const std::string& id) {
    const auto* q = ls.key.question(id);
    REQUIRE(q);
    return *q;
}
}  // namespace

TEST_CASE("lesson: while a question waits the horizon is the cursor, and every view's data stops there") {
    auto doc = open_lesson("01-first-send.json");
    REQUIRE(doc->lesson);
    LessonSession& ls = *doc->lesson;
    const std::size_t q = key_of(ls, "branch1").event;
    REQUIRE(q + 1 < doc->size());
    doc->seek(q);
    CHECK(doc->future_hidden());
    CHECK(doc->horizon() == q);
    const trace::Trace& t = doc->trace();

    // Header: the cursor's event without the total, which would tell how
    // much of the run is left; the total is back once nothing is hidden.
    CHECK(doc->position_text("en") == "event " + std::to_string(q));
    CHECK(doc->position_text("zh_CN") == "事件 " + std::to_string(q));
    // Events list: no row after the cursor.
    const auto rows = filter_events(t, EventFilter(""));
    CHECK(rows_up_to(rows, doc->horizon()) == q + 1);
    // Timeline strip: it spans only events 0..cursor (test_timeline_strip.cpp),
    // so no column stands for an event after the cursor, and the cursor's own
    // event has its tick.
    auto salience = [](trace::Kind k) { return k == trace::Kind::transmit ? 2 : 1; };
    const auto cols = layout_strip(*doc, StripIndex(t, salience), 300).columns;
    bool cursor_seen = false;
    for (int64_t e : cols) {
        CHECK(e <= static_cast<int64_t>(q));
        cursor_seen = cursor_seen || e == static_cast<int64_t>(q);
    }
    CHECK(cursor_seen);
    // Source: the lines only later events reach get no dot.
    const std::string file = t.files[t.events[q].file];
    const auto before = emitted_lines(t, file, doc->horizon(), 2000);
    const auto all = emitted_lines(t, file, t.events.size() - 1, 2000);
    std::size_t later_only = 0;
    for (std::size_t i = q + 1; i < t.events.size(); ++i) {
        const trace::Event& e = t.events[i];
        if (t.files[e.file] != file || e.line >= before.size()) continue;
        CHECK(all[e.line]);
        bool earlier = false;
        for (std::size_t k = 0; k <= q; ++k)
            earlier = earlier || (t.events[k].file == e.file && t.events[k].line == e.line);
        if (!earlier) {
            CHECK(!before[e.line]);
            ++later_only;
        }
    }
    CHECK(later_only > 0);  // the lesson's trace does go on to lines not reached yet
    // The view's dots come from each line's first event: the same lines.
    const auto first = first_emitting_events(t)[t.events[q].file];
    for (std::size_t line = 0; line < before.size(); ++line)
        CHECK(before[line] == (line < first.size() && first[line] <= doc->horizon()));
    // Sequence graph: nothing after the cursor, and the extents are those of the past.
    const SeqGraph full = build_seq_graph(t);
    const SeqGraph clipped = clip_seq_graph(full, doc->horizon());
    CHECK(clipped.segments.size() < full.segments.size());
    for (const auto& s : clipped.segments) CHECK(s.event <= q);
    for (const auto& a : clipped.acks) CHECK(a.event <= q);
    for (const auto& w : clipped.windows) CHECK(w.event <= q);
    CHECK(clipped.seq_max < full.seq_max);

    // Instructor mode lifts it; so does answering every question.
    ls.instructor = true;
    CHECK(!doc->future_hidden());
    CHECK(doc->horizon() == doc->size() - 1);
    ls.instructor = false;
    for (const auto& kq : ls.key.questions) ls.checked.insert(kq.id);
    CHECK(!doc->future_hidden());
}

TEST_CASE("lesson: a question not reached yet is listed without its event while the future is hidden") {
    auto doc = open_lesson("01-first-send.json");
    REQUIRE(doc->lesson);
    LessonSession& ls = *doc->lesson;
    doc->seek(key_of(ls, "branch1").event);
    REQUIRE(doc->future_hidden());
    const auto& later = key_of(ls, "segments");
    // The event a later question is asked at would say the run lasts that long.
    const std::string hidden = upcoming_question_line(later.id, later.event, doc->future_hidden()).str();
    CHECK(hidden == "- segments: asked later");
    CHECK(hidden.find(std::to_string(later.event)) == std::string::npos);
    CHECK(upcoming_question_line(later.id, later.event, doc->future_hidden()).str("zh_CN") == "- segments：稍后提问");
    // With nothing hidden (instructor mode), the event is said.
    ls.instructor = true;
    CHECK(upcoming_question_line(later.id, later.event, doc->future_hidden()).str() ==
          "- segments: asked at event " + std::to_string(later.event));
}

TEST_CASE("lesson: a question at the cursor's event holds the replay, event 0 included") {
    auto doc = open_lesson("09-full-sndbuf.json");
    LessonSession& ls = *doc->lesson;
    REQUIRE(key_of(ls, "sndbuf").event == 0);
    const std::size_t last = doc->size() - 1;
    CHECK(ls.pause_point(0, 1) == 0u);
    CHECK(ls.pause_point(0, last) == 0u);
    CHECK(ls.active_question(0) >= 0);
    ls.checked.insert("sndbuf");
    const std::size_t next = key_of(ls, "branch").event;
    CHECK(ls.pause_point(0, last) == next);
    // Sitting on the paused question: a further step stays there.
    CHECK(ls.pause_point(next, next + 1) == next);
    CHECK(!ls.pause_point(next, next).has_value());
}

TEST_CASE("lesson: questions are listed in event order and the active one is the first unanswered reached") {
    auto doc = open_lesson("01-first-send.json");
    LessonSession& ls = *doc->lesson;
    const auto order = ls.question_order();
    REQUIRE(order.size() == ls.key.questions.size());
    for (std::size_t i = 1; i < order.size(); ++i)
        CHECK(ls.key.questions[order[i - 1]].event <= ls.key.questions[order[i]].event);
    // Lesson 01 lists "segments" (event 34) after questions at event 36 in its file.
    bool file_order_differs = false;
    for (std::size_t i = 0; i < order.size(); ++i) file_order_differs = file_order_differs || order[i] != i;
    CHECK(file_order_differs);
    const std::size_t q = key_of(ls, "branch1").event;
    CHECK(ls.active_question(q - 1) == -1);
    REQUIRE(ls.active_question(q) >= 0);
    CHECK(ls.key.questions[static_cast<std::size_t>(ls.active_question(q))].id == "branch1");
}

TEST_CASE("lesson: Check always says what happened") {
    auto doc = open_lesson("01-first-send.json");
    LessonSession& ls = *doc->lesson;
    const std::string now = "2026-12-06T10:00:00Z";
    CHECK(!ls.check("linear_room", "", now).recorded);
    CHECK(ls.ui["linear_room"].status.find("nothing to check") != std::string::npos);
    auto r = ls.check("linear_room", "twelve", now);
    CHECK(!r.recorded);
    CHECK(r.message.find("'twelve' is not a number") != std::string::npos);
    CHECK(!ls.check("branch1", "no_such_kind", now).recorded);
    CHECK(ls.ui["branch1"].status.find("not recorded") != std::string::npos);
    CHECK(ls.checked.empty());
    r = ls.check("linear_room", "5", now);
    CHECK(r.recorded);
    CHECK(r.message == "recorded: not quite");
    r = ls.check("linear_room", "0", now);  // practice: another try is allowed
    CHECK(r.message == "recorded: correct");
    CHECK(ls.check("nope", "1", now).message.find("no question") != std::string::npos);
}

TEST_CASE("lesson: an assessment counts the first answer and shows results only after Submit") {
    auto doc = open_lesson("01-first-send.json");
    LessonSession& ls = *doc->lesson;
    ls.assessment = true;
    ls.instructor_unlocked = false;
    auto r = ls.check("linear_room", "7", "2026-12-06T10:00:00Z");
    CHECK(r.recorded);
    CHECK(r.message.find("correct") == std::string::npos);  // no verdict yet
    CHECK(!ls.verdict_visible());
    r = ls.check("linear_room", "0", "2026-12-06T10:00:05Z");
    CHECK(!r.recorded);
    CHECK(ls.sheet.answers.at("linear_room").number == 7);
    CHECK(!ls.set_instructor(true));
    CHECK(!ls.instructor);
    CHECK(ls.submit("2026-12-06T10:01:00Z").find("submitted: 0 of") != std::string::npos);
    CHECK(ls.verdict_visible());
    const auto j = ls.answers_json();
    REQUIRE(j.contains("attempts"));
    CHECK(j["attempts"]["linear_room"].size() == 1);
    CHECK(j["attempts"]["linear_room"][0]["answer"] == 7);
    CHECK(j["attempts"]["linear_room"][0]["at"] == "2026-12-06T10:00:00Z");
    CHECK(j["submitted_at"] == "2026-12-06T10:01:00Z");
    // Submitted: nothing more is recorded, and the replay no longer holds back.
    CHECK(!ls.check("branch1", "new_segment", "2026-12-06T10:02:00Z").recorded);
    CHECK(ls.ui["branch1"].status.find("submitted") != std::string::npos);
    CHECK(!ls.pause_point(0, 60).has_value());
    CHECK(!ls.hides_future());
}

TEST_CASE("lesson: \"assessment\": true in the lesson makes it an assessment; an instructor key unlocks") {
    auto j = nlohmann::json::parse(sptest::slurp(sptest::source_path("lessons/01-first-send.json")));
    j["scenario"] = nlohmann::json::parse(sptest::slurp(sptest::source_path("lessons/scenarios/01-first-send.json")));
    j["assessment"] = true;
    sptest::TempDir dir;
    const std::string path = dir.write("assess.json", j.dump(2));
    CHECK(lesson::load_lesson(path).assessment);
    CHECK(!lesson::load_lesson(sptest::source_path("lessons/01-first-send.json")).assessment);
    j["assessment"] = "yes";
    CHECK_THROWS_AS(lesson::load_lesson(dir.write("bad.json", j.dump(2))), InputError);

    App app(AppOptions{false, {}});
    REQUIRE(app.open(path));
    LessonSession* ls = app.doc()->lesson.get();
    CHECK(ls->assessment);
    CHECK(!ls->instructor_unlocked);
    CHECK(!ls->set_instructor(true));
    LessonOptions lo;
    lo.instructor_key = true;
    app.set_lesson_options(lo);
    REQUIRE(app.open(path));
    CHECK(app.doc()->lesson->set_instructor(true));
}

TEST_CASE("lesson: answers autosave per lesson and student, read back whole, drafts too") {
    sptest::TempDir dir;
    const std::string root = dir / "answers";
    CHECK(autosave_file(root, "first-send", "Ann Lee") == root + "/first-send/Ann_Lee.json");
    CHECK(autosave_file(root, "first-send", "../x") == root + "/first-send/.._x.json");
    CHECK(autosave_file(root, "first-send", "") == root + "/first-send/unnamed.json");

    auto doc = open_lesson("01-first-send.json");
    LessonSession& ls = *doc->lesson;
    ls.sheet.student = "ann";
    ls.autosave_path = autosave_file(root, ls.lesson.id, "ann");
    ls.check("linear_room", "0", "t");
    ls.ui["room"].input = "123";  // typed, not checked
    REQUIRE(autosave(ls));
    CHECK(fs::exists(ls.autosave_path));
    CHECK(fs::exists(drafts_file(ls.autosave_path)));
    // Written whole (a temporary file renamed): nothing else is left in the folder.
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(fs::path(ls.autosave_path).parent_path())) {
        (void)e;
        ++n;
    }
    CHECK(n == 2);
    // The autosave is an answers file the grader reads.
    const auto sheet = lesson::load_answer_sheet(ls.autosave_path, ls.lesson);
    CHECK(sheet.student == "ann");
    CHECK(sheet.answers.count("linear_room") == 1);

    auto again = open_lesson("01-first-send.json");
    read_answers(*again->lesson, ls.autosave_path);
    CHECK(again->lesson->checked == std::set<std::string>{"linear_room"});
    CHECK(again->lesson->ui["room"].input == "123");
    CHECK(again->lesson->correct("linear_room"));
}

TEST_CASE("lesson: opening another lesson starts clean, and coming back restores the autosave") {
    sptest::TempDir dir;
    App app(AppOptions{false, {}});
    LessonOptions lo;
    lo.student = "bo";
    lo.answers_dir = dir / "answers";
    app.set_lesson_options(lo);
    REQUIRE(app.open(sptest::source_path("lessons/01-first-send.json")));
    REQUIRE(app.doc()->lesson);
    LessonSession* ls = app.doc()->lesson.get();
    CHECK(ls->sheet.student == "bo");
    CHECK(ls->ui.empty());
    ls->ui["held"].input = "queued";
    CHECK(ls->check("branch1", "new_segment", "t").recorded);
    REQUIRE(autosave(*ls));

    REQUIRE(app.open(sptest::source_path("lessons/07-nagle-nodelay.json")));
    LessonSession* l7 = app.doc()->lesson.get();
    CHECK(l7->checked.empty());
    CHECK(l7->sheet.answers.empty());
    CHECK(l7->ui.empty());  // lesson 01's choice "queued" is not pre-filled here
    CHECK(l7->save_path == l7->lesson.id + "-answers.json");

    REQUIRE(app.open(sptest::source_path("lessons/01-first-send.json")));
    LessonSession* back = app.doc()->lesson.get();
    CHECK(back->checked == std::set<std::string>{"branch1"});
    CHECK(back->ui["held"].input == "queued");
    CHECK(back->status.find("restored 1 answers") != std::string::npos);
}

TEST_CASE("lesson: an autosave that does not read is never overwritten") {
    sptest::TempDir dir;
    const std::string root = dir / "answers";
    const std::string bad = autosave_file(root, "first-send", "cy");
    sptest::spit(bad, "{ not json");
    App app(AppOptions{false, {}});
    LessonOptions lo;
    lo.student = "cy";
    lo.answers_dir = root;
    app.set_lesson_options(lo);
    REQUIRE(app.open(sptest::source_path("lessons/01-first-send.json")));
    LessonSession* ls = app.doc()->lesson.get();
    CHECK(ls->autosave_path.empty());
    CHECK(ls->status.find("autosave off") != std::string::npos);
    ls->check("branch1", "new_segment", "t");
    CHECK(autosave(*ls));
    CHECK(sptest::slurp(bad) == "{ not json");
}

TEST_CASE("lesson: a jump past an unanswered question stops there and says which") {
    App app(AppOptions{false, {}});
    REQUIRE(app.open(sptest::source_path("lessons/01-first-send.json")));
    const std::size_t q = key_of(*app.doc()->lesson, "branch1").event;
    app.push(Command::jump(q + 20));
    for (int i = 0; i < 200 && (i == 0 || app.busy()); ++i) app.apply_commands();
    CHECK(app.doc()->cursor() == q);
    REQUIRE(app.last_pause());
    CHECK(app.last_pause()->stopped == q);
    CHECK(app.last_pause()->wanted == q + 20);
    CHECK(app.last_pause()->question == "branch1");
    CHECK(app.view_state().status.find("branch1") != std::string::npos);
    // End from there stays at the question, answered or not moving past it.
    app.push(Command::of(CommandType::last));
    for (int i = 0; i < 200 && (i == 0 || app.busy()); ++i) app.apply_commands();
    CHECK(app.doc()->cursor() == q);
}

TEST_CASE("lesson: the autosave folder is $XDG_DATA_HOME/sendpath/answers, else ~/.local/share/sendpath/answers") {
    const char* old_xdg = std::getenv("XDG_DATA_HOME");
    const char* old_home = std::getenv("HOME");
    const std::string xdg = old_xdg ? old_xdg : "", home = old_home ? old_home : "";
    setenv("XDG_DATA_HOME", "/tmp/xdg-test", 1);
    CHECK(answers_root() == "/tmp/xdg-test/sendpath/answers");
    unsetenv("XDG_DATA_HOME");
    setenv("HOME", "/home/someone", 1);
    CHECK(answers_root() == "/home/someone/.local/share/sendpath/answers");
    if (old_xdg) setenv("XDG_DATA_HOME", xdg.c_str(), 1);
    if (old_home) setenv("HOME", home.c_str(), 1);
    else unsetenv("HOME");
}

TEST_CASE("lesson: the header gives the run's total only when nothing is hidden") {
    LoadOptions lo;
    lo.live = false;
    auto plain = load_document(sptest::source_path("traces/01-first-send.json"), lo);
    REQUIRE(plain);
    CHECK_FALSE(plain->future_hidden());
    CHECK(plain->position_text("en") == "event 0 / " + std::to_string(plain->size() - 1));
    auto doc = open_lesson("01-first-send.json");
    REQUIRE(doc->lesson);
    doc->seek(key_of(*doc->lesson, "branch1").event);
    CHECK(doc->position_text("en").find('/') == std::string::npos);
    // Instructor mode shows everything again, the total with it.
    doc->lesson->instructor = true;
    REQUIRE_FALSE(doc->future_hidden());
    CHECK(doc->position_text("en").find('/') != std::string::npos);
}
