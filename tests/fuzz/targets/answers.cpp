// Answers JSON against lessons/01-first-send.json (every question type) and
// its answer key from the prepared trace: the lenient reader never throws
// and keeps what it can; a gradable sheet grades within the points; the
// strict reader throws the lenient one's first problem, and only then.
#include "common.hpp"
#include "lesson/grade.hpp"
#include "lesson/json_read.hpp"
#include "lesson/lesson.hpp"
#include "trace/trace_io.hpp"
#include "util/errors.hpp"

namespace sendpath::fuzz {

int fuzz_answers(const uint8_t* data, std::size_t size) {
    static const lesson::Lesson l = lesson::load_lesson(source_path("lessons/01-first-send.json"));
    static const lesson::AnswerKey key =
        lesson::compute_answer_key(l, trace::load_trace(source_path("traces/01-first-send.json")));
    const std::string name = "fuzz-answers.json";
    nlohmann::json j;
    try {
        j = lesson::json_read::parse_text(as_text(data, size), name);
    } catch (const InputError&) { return 0; }
    const lesson::AnswerSheet sheet = lesson::read_answer_sheet(j, name, l);
    bool strict_threw = false;
    try {
        (void)lesson::answer_sheet_from_json(j, name, l);
    } catch (const InputError&) { strict_threw = true; }
    expect(strict_threw == !sheet.problems.empty(), "the strict answers reader disagrees with the lenient one");
    for (const auto& p : sheet.problems) {
        expect(!p.text().empty(), "an answers problem without a message");
        // `grade --json` puts the messages in JSON: they must stay valid UTF-8.
        (void)nlohmann::json(p.text()).dump();
    }
    if (!sheet.gradable()) return 0;
    const lesson::Grade g = lesson::grade_sheet(key, sheet);
    expect(g.total == key.total_points, "a grade's total is not the key's");
    expect(g.score >= 0 && g.score <= g.total, "a score outside 0..total");
    expect(g.questions.size() == key.questions.size(), "a grade has not one entry per question");
    int64_t sum = 0;
    for (const auto& q : g.questions) {
        expect(q.points >= 0 && q.points <= q.max_points, "a question scored outside 0..its points");
        sum += q.points;
    }
    expect(sum == g.score, "a score is not the sum of its questions");
    (void)lesson::answer_sheet_to_json(sheet).dump();
    return 0;
}

}  // namespace sendpath::fuzz
