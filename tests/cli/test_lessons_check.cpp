// sendpath-cli lessons check as a lesson author meets it: the shipped lessons
// pass; a lesson that gives its answers away, or no longer fits its trace,
// fails with a message naming the file, the question and where the answer shows.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"

namespace fs = std::filesystem;
using namespace clitest;
using nlohmann::json;

namespace {

const std::string kSource = SENDPATH_SOURCE_DIR;

// A lesson on lesson 1's scenario, in d/course/, with the given steps and questions.
std::string write_lesson(const TempDir& d, const std::string& name, const json& steps, const json& questions) {
    fs::create_directories(d / "course/scenarios");
    fs::copy_file(kSource + "/lessons/scenarios/01-first-send.json", d / "course/scenarios/first.json",
                  fs::copy_options::overwrite_existing);
    const json l = {{"id", name},
                    {"title", "A lesson for the lint"},
                    {"objectives", {"none"}},
                    {"scenario", "scenarios/first.json"},
                    {"steps", steps},
                    {"questions", questions}};
    const std::string path = d / ("course/" + name + ".json");
    spit(path, l.dump(2));
    return path;
}

}  // namespace

TEST_CASE("cli: lessons check passes every shipped lesson") {
    TempDir d;
    const Result r = cli(d, {"lessons", "check", kSource + "/lessons"});
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(r.err.empty());
    CHECK(has(r.out, "01-first-send.json: ok"));
    CHECK(has(r.out, "lessons checked: 0 that do not read or fit their trace, 0 answers given away"));
}

TEST_CASE("cli: lessons check names each answer a leaky lesson puts on screen") {
    TempDir d;
    const json steps = {{{"at", "first(send_mss, call=1)"},
                         {"text",
                          "The first of two send() calls: tcp_send_mss sets mss_now, then the loop takes new_segment. "
                          "One skb, fragment 1."}}};
    const json questions = {
        // The header of send_mss carries mss_now.
        {{"id", "mss"},
         {"type", "number"},
         {"at", "first(send_mss, call=1)"},
         {"prompt", "What is mss_now?"},
         {"answer", "arg(mss_now, at=anchor)"}},
        // "two" in the step text.
        {{"id", "calls"},
         {"type", "number"},
         {"at", "first(send_mss, call=1)"},
         {"prompt", "How many send() calls does the application make?"},
         {"answer", "count(sendmsg_enter)"}},
        // The kind's name in the step text.
        {{"id", "branch"}, {"type", "next_branch"}, {"at", "first(iov_next, call=1)"}, {"prompt", "Which branch?"}},
        // The argument the answer reads, in an earlier row of the Events list.
        {{"id", "mss_later"},
         {"type", "number"},
         {"at", "first(iov_next, call=1)"},
         {"prompt", "Which segment size did tcp_send_mss give?"},
         {"answer", "arg(mss_now, at=first(send_mss, call=1))"}},
        // Answer 1: "One skb, fragment 1" in the step is not taken for it.
        {{"id", "fine"},
         {"type", "number"},
         {"at", "first(iov_next, call=1)"},
         {"prompt", "How many skbs will the write queue hold when the first call returns?"},
         {"answer", "state(queue_len, at=first(sendmsg_exit, call=1))"}},
    };
    const std::string path = write_lesson(d, "leaky", steps, questions);
    const Result r = cli(d, {"lessons", "check", path});
    CHECK(r.status == 1);
    const std::string at = path + ": ";
    CHECK_MESSAGE(has(r.err, at + "/questions/0 (mss): the answer "), r.err);
    CHECK(has(r.err, "the event header of event 18 (send_mss) shows mss_now="));
    CHECK(has(r.err, at + "/questions/1 (calls): the answer 2 is on screen when the question is asked: the text of "
                          "step /steps/0 (shown from event 18) shows \"The first of two send() calls"));
    CHECK(has(r.err, at + "/questions/2 (branch): the answer new_segment is on screen"));
    CHECK(has(r.err, at + "/questions/3 (mss_later): the answer "));
    CHECK(has(r.err, "the Events list's row of event 18 (send_mss) shows mss_now="));
    CHECK(!has(r.err, "(fine)"));
    CHECK(has(r.out, "leaky.json: 4 answers given away"));

    // Fixed, the same lesson checks clean.
    const json fixed_steps = {{{"at", "first(send_mss, call=1)"}, {"text", "tcp_send_mss works out the sizes."}}};
    const json fixed_questions = {questions[2], questions[4]};
    write_lesson(d, "leaky", fixed_steps, fixed_questions);
    const Result ok = cli(d, {"lessons", "check", path});
    CHECK_MESSAGE(ok.status == 0, ok.err);
    CHECK(has(ok.out, "leaky.json: ok (2 questions,"));
}

TEST_CASE("cli: lessons check finds a negative answer written in a step, and has no word for it") {
    TempDir d;
    // A negative answer (an errno, say) is looked for as "-N" in the text;
    // there is no number word for it (this once read past the word table).
    const json steps = {{{"at", "first(send_mss, call=1)"}, {"text", "Here the answer would be -1448, or minus it."}}};
    const json questions = {{{"id", "neg"},
                             {"type", "number"},
                             {"at", "first(send_mss, call=1)"},
                             {"prompt", "What is minus mss_now?"},
                             {"answer", "0 - arg(mss_now, at=anchor)"}}};
    const std::string path = write_lesson(d, "negative", steps, questions);
    const Result r = cli(d, {"lessons", "check", path});
    CHECK(r.status == 1);
    CHECK_MESSAGE(has(r.err, "-1448"), r.err);
}

TEST_CASE("cli: lessons check fails a lesson that no longer fits its trace, and checks the rest of the folder") {
    TempDir d;
    const json steps = {{{"at", "first(send_mss, call=1)"}, {"text", "Sizes."}}};
    write_lesson(d, "a-good", steps, json::array());
    const std::string bad =
        write_lesson(d, "b-stale", {{{"at", "first(rto_fire)"}, {"text", "The timer fires."}}}, json::array());
    const Result r = cli(d, {"lessons", "check", "course"});
    CHECK(r.status == 1);
    CHECK(has(r.out, "a-good.json: ok"));
    CHECK(has(r.out, "b-stale.json: does not check"));
    CHECK_MESSAGE(has(r.err, "/steps/0/at: column 1 of \"first(rto_fire)\": no event matches"), r.err);
    CHECK(has(r.out, "2 lessons checked: 1 that do not read or fit their trace, 0 answers given away"));

    const Result missing = cli(d, {"lessons", "check", "nowhere"});
    CHECK(missing.status == 2);
    CHECK(has(missing.err, "nowhere: expected a lesson file or a folder of lessons"));
}
