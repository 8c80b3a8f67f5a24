// Answers given away: what a student sees when a question is asked, checked
// against that question's answer.
//
// A question is asked after its anchor event, with the replay stopped there
// (every view stops at the cursor). Three things on screen then can state the
// answer outright, and an author rarely notices:
//   - the step text: the Lesson window shows the latest step whose event is at
//     or before the question's event;
//   - the event header: the kind and arguments of the question's event (the
//     Source view's header, the Events list's last row);
//   - an argument shown at or before the question's event, in the Events list,
//     that the question is about: one the answer expression reads with
//     arg(NAME, ...), or that the prompt names (a name with '_': "mss_now").
// find_leaks reports each. What counts as "stating the answer":
//   - number questions: in the step text, the answer as a number of its own
//     (8192, not 81920 or 8.192), or spelled out up to twelve ("two
//     references"); in the header, any argument equal to it, except ids (skb,
//     page, frame, iov, call) the question is not about; in the Events list,
//     an argument the question is about equal to it. Answers 0, 1 and -1 are
//     too common ("fragment 0", "one skb", flags) to be told from an answer:
//     they count only for arguments the question is about;
//   - next_branch questions: the kind's name in the step text;
//   - choice questions are not checked (their answer is a choice, not a value).
// The state views (Counters, Pages, Skb queue) show the state at the cursor by
// design; a question about that state is a reading exercise, not a leak.
#pragma once

#include <string>
#include <vector>

#include "lesson/grade.hpp"
#include "lesson/lesson.hpp"
#include "trace/event.hpp"

namespace sendpath::lesson {

struct Leak {
    std::string question;  // the question's id
    std::string pointer;   // the question's JSON pointer ("/questions/0")
    std::string where;     // what gives it away: "step /steps/1", "the event header of event 12 (page_new_frag)", ...
    std::string shown;     // the text or argument that states it ("two references", "refs=2")
    std::string answer;    // the answer, as a student would type it

    // "FILE: /questions/0 (refs): the answer 2 is on screen when the question is asked: ..."
    std::string text(const std::string& file) const;
};

// Every leak of every question, in question order. The key must have been
// computed from trace for lesson (compute_answer_key).
std::vector<Leak> find_leaks(const Lesson& lesson, const AnswerKey& key, const trace::Trace& trace);

}  // namespace sendpath::lesson
