// The lesson in the app: the replay stops at unanswered questions, steps
// follow the cursor, and checking an answer records it in the answers sheet.
#include <doctest/doctest.h>

#include "gui/model/lesson_session.hpp"
#include "run/runner.hpp"

using namespace sendpath;

TEST_CASE("a lesson pauses at each unanswered question and shows the step the cursor reached") {
    gui::LessonSession ls;
    ls.lesson = lesson::load_lesson(std::string(SENDPATH_SOURCE_DIR) + "/lessons/01-first-send.json");
    const trace::Trace t = engine::run_scenario(ls.lesson.scenario, engine::Options{});
    ls.key = lesson::compute_answer_key(ls.lesson, t);
    REQUIRE(!ls.key.questions.empty());
    const std::size_t q0 = ls.key.questions.front().event;
    for (const auto& q : ls.key.questions) CHECK(q.event >= q0);

    // Stepping from before the first question to the end stops at it.
    REQUIRE(q0 > 0);
    CHECK(ls.pause_point(q0 - 1, t.events.size() - 1) == q0);
    CHECK(!ls.pause_point(q0, q0).has_value());  // not moving forward: no pause

    // Once answered and checked, the replay goes past it.
    for (const auto& q : ls.key.questions)
        if (q.event == q0) ls.checked.insert(q.id);
    const auto next = ls.pause_point(q0 - 1, t.events.size() - 1);
    if (ls.checked.size() < ls.key.questions.size()) {
        REQUIRE(next.has_value());
        CHECK(*next > q0);
    } else {
        CHECK(!next.has_value());
    }
    // Instructor mode never pauses.
    ls.checked.clear();
    ls.instructor = true;
    CHECK(!ls.pause_point(0, t.events.size() - 1).has_value());

    // The step shown is the last one whose event the cursor reached.
    CHECK(ls.current_step(0) <= 0);
    const int last = ls.current_step(t.events.size() - 1);
    CHECK(last == static_cast<int>(ls.key.step_events.size()) - 1);
}
