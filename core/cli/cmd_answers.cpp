// sendpath-cli answers: run a lesson's scenario and print its answer key.
#include <iostream>

#include "cli/cmd_lessons.hpp"
#include "cli/commands.hpp"
#include "lesson/grade.hpp"
#include "trace/trace_io.hpp"

namespace sendpath::cli {

namespace {

int run(const ParsedArgs& a) {
    const auto save = a.value("save-trace");
    if (save) check_output_path(*save, "the trace (--save-trace)");
    const lesson::Lesson l = resolve_lesson(a.positional[0]);
    const trace::Trace t = lesson_trace(l);
    lesson::AnswerKey key = lesson::compute_answer_key(l, t);
    key.lesson_sha256 = lesson::lesson_sha256(l);
    // The key is complete before the trace is written, so a lesson error
    // leaves no trace behind that make-traces.sh would take for a good one.
    if (save) trace::save_trace(t, *save, trace::format_for_path(*save));
    std::cout << key.to_json(l).dump(2) << "\n";
    return kExitOk;
}

}  // namespace

const Verb& verb_answers() {
    static const Verb v{
        {"answers",
         "Run a lesson's scenario and print its answer key as JSON.",
         {"LESSON"},
         {{"save-trace", 0, "FILE", "Also write the trace the key was computed from (.cbor gives CBOR, else JSON)."}},
         "LESSON is a lesson file or the id of a lesson in the default lessons folder (see\n"
         "'sendpath-cli lessons --help'). The scenario runs once with today's engine; a TAP\n"
         "lesson reads its recorded trace instead. The key lists, per step, the event it is\n"
         "shown at, and per question its id, type, anchor event, points, the correct answer and\n"
         "the expression that gave it. It names the engine version and the SHA-256 of the lesson\n"
         "file; saved, it pins the key for 'sendpath-cli grade --key FILE'.\n\n"
         "An expression that no longer fits the trace (no such event, no correct choice) is a\n"
         "lesson error: the message names the lesson file, the JSON pointer and the column,\n"
         "and the exit status is 2.\n\n"
         "example:\n"
         "  sendpath-cli answers lessons/01-first-send.json\n"
         "  sendpath-cli answers first-send --save-trace traces/01-first-send.json\n"},
        run};
    return v;
}

}  // namespace sendpath::cli
