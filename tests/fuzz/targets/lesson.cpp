// Lesson JSON: refused with an InputError, or every expression of it (step
// and question anchors, answers, choices) evaluated on a real trace: the
// prepared trace of the lesson with the same id, else 01-first-send's. An
// expression that does not fit the trace is a clean InputError too.
#include <filesystem>
#include <map>

#include "common.hpp"
#include "lesson/grade.hpp"
#include "lesson/json_read.hpp"
#include "lesson/lesson.hpp"
#include "trace/trace_io.hpp"
#include "util/errors.hpp"

namespace sendpath::fuzz {

namespace {

// The simulated lessons' prepared traces by lesson id ("first-send"), read once.
const std::map<std::string, trace::Trace>& prepared_traces() {
    static const std::map<std::string, trace::Trace> traces = [] {
        std::map<std::string, trace::Trace> m;
        for (const std::string& f : lesson::lesson_files(source_path("lessons"))) {
            const lesson::Lesson l = lesson::load_lesson(f);
            const std::string p = lesson::prepared_trace_path(l);
            if (std::filesystem::exists(p)) m.emplace(l.id, trace::load_trace(p));
        }
        return m;
    }();
    return traces;
}

}  // namespace

int fuzz_lesson(const uint8_t* data, std::size_t size) {
    // Relative scenario paths are taken from the lesson's folder: lessons/.
    const std::string name = source_path("lessons/fuzz-lesson.json");
    const auto& traces = prepared_traces();
    lesson::Lesson l;
    try {
        l = lesson::lesson_from_json(lesson::json_read::parse_text(as_text(data, size), name), name);
    } catch (const InputError&) { return 0; }
    auto it = traces.find(l.id);
    const trace::Trace& t = it != traces.end() ? it->second : traces.at("first-send");
    lesson::AnswerKey key;
    try {
        key = lesson::compute_answer_key(l, t);
    } catch (const InputError&) { return 0; }
    expect(key.questions.size() == l.questions.size(), "the answer key has not one entry per question");
    expect(key.step_events.size() == l.steps.size(), "the answer key has not one event per step");
    for (std::size_t e : key.step_events) expect(e < t.events.size(), "a step anchored past the trace's end");
    for (const auto& q : key.questions) expect(q.event < t.events.size(), "a question anchored past the trace's end");
    (void)key.to_json(l).dump();
    return 0;
}

}  // namespace sendpath::fuzz
