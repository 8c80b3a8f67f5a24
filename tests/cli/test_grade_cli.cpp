// The lesson verbs as a grader meets them: sendpath-cli lessons, answers and
// grade, spawned with arguments; stdout, stderr and the exit status checked.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"
#include "trace/trace_io.hpp"

namespace fs = std::filesystem;
using namespace clitest;
using nlohmann::json;
using namespace sendpath;

namespace {

const std::string kSource = SENDPATH_SOURCE_DIR;
const std::string kLesson1 = kSource + "/lessons/01-first-send.json";

std::size_t lines(const std::string& s) {
    std::size_t n = 0;
    for (char c : s) n += c == '\n' ? 1 : 0;
    return n;
}

// The answer key of lesson 1, from the CLI itself.
json key_of(const TempDir& d, const std::string& lesson = kLesson1) {
    const Result r = cli(d, {"answers", lesson});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    return json::parse(r.out);
}

// An answers file for lesson 1 with the first `right` questions answered
// correctly and the others wrong (numbers off by 1 + miss, the other branch).
json answers_with(const json& key, std::size_t right, const std::string& student, int64_t miss = 0) {
    json a = json::object();
    std::size_t i = 0;
    for (const auto& q : key.at("questions")) {
        const json& ans = q.at("answer");
        if (i++ < right) {
            a[q.at("id").get<std::string>()] = ans;
        } else if (ans.is_number()) {
            a[q.at("id").get<std::string>()] = ans.get<int64_t>() + 1 + miss;
        } else if (ans.is_string()) {
            a[q.at("id").get<std::string>()] = ans == "tail_append" ? "new_segment" : "tail_append";
        } else {
            a[q.at("id").get<std::string>()] = ans.at(0) == "wire" ? "queued" : "wire";
        }
    }
    return {{"lesson", "first-send"}, {"student", student}, {"answers", a}};
}

}  // namespace

TEST_CASE("lessons: lists the shipped lessons in order, from any directory") {
    TempDir d;  // no ./lessons here: the source tree's lessons/ is used
    Result r = cli(d, {"lessons"});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(has(r.out, "lessons in " + kSource + "/lessons"));
    CHECK(has(r.out, " 1  first-send"));
    CHECK(has(r.out, "6 questions"));
    CHECK(r.out.find("first-send") < r.out.find("new-segments"));
    CHECK(lines(r.out) >= 13);

    r = cli(d, {"lessons", kSource + "/lessons", "--json"});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const json list = json::parse(r.out);
    REQUIRE(list.size() >= 12);
    CHECK(list[0].at("id") == "first-send");
    CHECK(list[0].at("questions") == 6);
    CHECK(list[0].at("tap") == false);
    CHECK(list[0].at("trace_exists") == true);

    // ./lessons, when there is one, comes first.
    spit(d / "lessons/only.json", slurp(kLesson1));
    spit(d / "lessons/scenarios/01-first-send.json", slurp(kSource + "/lessons/scenarios/01-first-send.json"));
    r = cli(d, {"lessons"});
    CHECK(r.status == 0);
    CHECK(has(r.out, "lessons in lessons:"));
    CHECK(lines(r.out) == 2);
}

TEST_CASE("lessons: a bad lesson file is reported with its place, the others still listed, exit 2") {
    TempDir d;
    spit(d / "course/01-good.json", slurp(kLesson1));
    spit(d / "course/scenarios/01-first-send.json", slurp(kSource + "/lessons/scenarios/01-first-send.json"));
    json bad = json::parse(slurp(kLesson1));
    bad["id"] = "other";
    bad["questions"][1]["answer"] = "skb(linear_cap, at=first(skb_entail call=1), id=1)";
    spit(d / "course/02-bad.json", bad.dump(2));
    json dup = json::parse(slurp(kLesson1));
    spit(d / "course/03-dup.json", dup.dump(2));
    const Result r = cli(d, {"lessons", d / "course"});
    CHECK(r.status == 2);
    CHECK(has(r.out, "first-send"));
    CHECK(has(r.err, "02-bad.json: /questions/1/answer: column 37"));
    CHECK(has(r.err, "03-dup.json: /id"));
    CHECK(has(r.err, "2 of 3 lesson files"));

    CHECK(cli(d, {"lessons", d / "nowhere"}).status == 2);
}

TEST_CASE("answers: the key as JSON, by file or by id, and the trace it came from") {
    TempDir d;
    Result r = cli(d, {"answers", "first-send", "--save-trace", d / "t.json"});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const json key = json::parse(r.out);
    CHECK(key.at("lesson") == "first-send");
    CHECK(key.at("total") == 6);
    REQUIRE(key.at("questions").size() == 6);
    const json& q0 = key.at("questions")[0];
    CHECK(q0.at("id") == "branch1");
    CHECK(q0.at("type") == "next_branch");
    CHECK(q0.at("answer") == "new_segment");
    CHECK(q0.at("expression") == "next_kind(at=anchor)");
    CHECK(q0.at("at") == "first(iov_next, call=1)");
    const trace::Trace t = trace::load_trace(d / "t.json");
    CHECK(t.events.at(q0.at("event").get<std::size_t>()).kind == trace::Kind::iov_next);
    // The saved trace is the lesson's scenario run with the default options, byte for byte.
    const Result run = cli(d, {"run", kSource + "/lessons/scenarios/01-first-send.json", "-o", d / "run.json"});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    const bool same = slurp(d / "t.json") == slurp(d / "run.json");
    CHECK(same);

    const Result by_path = cli(d, {"answers", kLesson1});
    CHECK(by_path.status == 0);
    CHECK(json::parse(by_path.out).at("questions") == key.at("questions"));
}

TEST_CASE("answers: lesson errors exit 2 with the file, pointer and column") {
    TempDir d;
    Result r = cli(d, {"answers", "no-such-lesson"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "no-such-lesson"));
    CHECK(has(r.err, "first-send"));  // the ids there are

    json l = json::parse(slurp(kLesson1));
    l["scenario"] = json::parse(slurp(kSource + "/lessons/scenarios/01-first-send.json"));
    l["questions"][3]["at"] = "first(iov_next, call=3)";  // there is no third send
    spit(d / "l.json", l.dump());
    r = cli(d, {"answers", d / "l.json", "--save-trace", d / "t.json"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "l.json: /questions/3/at: column 1"));
    CHECK(has(r.err, "no event matches first(iov_next, call=3)"));
    CHECK_FALSE(fs::exists(d / "t.json"));  // no trace for a lesson that does not fit

    r = cli(d, {"answers", kSource + "/lessons/14-real-kernel.json"});
    if (!fs::exists(kSource + "/traces/14-real-kernel.json")) {
        CHECK(r.status == 2);
        CHECK(has(r.err, "/recorded_trace"));
        CHECK(has(r.err, "recorded TAP trace"));
    } else {
        CHECK_MESSAGE(r.status == 0, r.err);
    }
}

TEST_CASE("grade: text, JSON and CSV for correct, wrong, partial, malformed and mismatched files") {
    TempDir d;
    const json key = key_of(d);
    const std::size_t n = key.at("questions").size();
    spit(d / "ada.json", answers_with(key, n, "Ada Lovelace").dump());
    spit(d / "bob.json", answers_with(key, 2, "Bob").dump());
    json partial = answers_with(key, n, "Cy");
    partial["answers"].erase("room");
    partial["answers"]["segments"] = nullptr;
    spit(d / "cy.json", partial.dump());
    spit(d / "broken.json", "{\"lesson\": \"first-send\",\n \"student\": \"Dee\",\n \"answers\": {\n}");
    json other = answers_with(key, n, "Eve");
    other["lesson"] = "page-merge";
    spit(d / "eve.json", other.dump());
    json typo = answers_with(key, 3, "Fay", 10);
    typo["answers"]["rooom"] = 1;
    spit(d / "fay.json", typo.dump());
    json type = answers_with(key, 3, "Gus", 20);
    type["answers"]["room"] = "a lot";
    spit(d / "gus.json", type.dump());

    const std::vector<std::string> files = {"ada.json", "bob.json", "cy.json", "broken.json",
                                            "eve.json", "fay.json", "gus.json"};
    std::vector<std::string> args = {"grade", "first-send"};
    args.insert(args.end(), files.begin(), files.end());

    // Text.
    Result r = cli(d, args);
    CHECK(r.status == 1);  // some files could not be graded, some answers are invalid
    CHECK(has(r.out, "ada.json: Ada Lovelace: 6/6"));
    CHECK(has(r.out, "bob.json: Bob: 2/6"));
    CHECK(has(r.out, "cy.json: Cy: 4/6"));
    CHECK(has(r.out, "  room unanswered (0/1): correct"));
    CHECK(has(r.out, "wrong (0/1): answered"));
    // Not graded, but the row still names the student (or, unreadable, the file).
    CHECK(has(r.out, "broken.json: broken.json (student unknown): not graded: broken.json: line 4"));
    CHECK(has(r.out, "eve.json: Eve: not graded: eve.json: /lesson: expected the lesson being graded, \"first-send\""));
    // An unknown question id or a bad answer leaves the rest graded.
    CHECK(has(r.out, "fay.json: Fay: 3/6"));
    CHECK(has(r.out, "  invalid: /answers/rooom: expected a question id of lesson first-send"));
    CHECK(has(r.out, "gus.json: Gus: 3/6"));
    CHECK(has(r.out,
              "  room invalid (0/1): /answers/room: expected a number (question room asks for a number), got "
              "\"a lot\"; correct "));
    CHECK(has(r.out, "graded 5 of 7 files; mean score 3.60 of 6; 2 could not be graded; 2 with invalid answers"));
    CHECK_FALSE(has(r.out, "duplicate"));

    // JSON.
    args.push_back("--json");
    r = cli(d, args);
    CHECK(r.status == 1);
    const json report = json::parse(r.out);
    CHECK(report.at("lesson") == "first-send");
    CHECK(report.at("total") == 6);
    CHECK(report.at("graded") == 5);
    CHECK(report.at("errors") == 2);
    CHECK(report.at("with_invalid_answers") == 2);
    const json& fs_ = report.at("files");
    REQUIRE(fs_.size() == files.size());
    CHECK(fs_[0].at("file") == "ada.json");
    CHECK(fs_[0].at("score") == 6);
    CHECK(fs_[0].at("total") == 6);
    CHECK(fs_[1].at("score") == 2);
    CHECK(fs_[2].at("score") == 4);
    CHECK(fs_[1].at("questions")[5].at("result") == "wrong");
    CHECK(fs_[2].at("questions")[4].at("result") == "unanswered");
    CHECK(fs_[2].at("questions")[4].at("answer").is_null());
    CHECK(fs_[3].at("score").is_null());
    CHECK(fs_[3].at("student").is_null());
    CHECK(has(fs_[3].at("error").get<std::string>(), "broken.json"));
    CHECK(fs_[4].at("student") == "Eve");
    CHECK(fs_[4].at("graded") == false);
    CHECK(fs_[6].at("score") == 3);
    CHECK(fs_[6].at("questions")[4].at("result") == "invalid");
    CHECK(fs_[6].at("questions")[4].at("answer") == "a lot");
    CHECK(has(fs_[6].at("questions")[4].at("problem").get<std::string>(), "expected a number"));
    CHECK(fs_[6].at("problems")[0].at("place") == "/answers/room");
    CHECK(fs_[6].at("problems")[0].at("severity") == "invalid");
    CHECK(fs_[6].at("problems")[0].at("question") == "room");
    CHECK(has(r.err, "gus.json: /answers/room"));  // people hear about them on stderr too

    // CSV: a header and one row per file.
    args.back() = "--csv";
    r = cli(d, args);
    CHECK(r.status == 1);
    CHECK(lines(r.out) == files.size() + 1);
    CHECK(r.out.rfind("file,student,student_id,score,total,branch1,linear_room,held,branch2,room,segments,error,"
                      "invalid,warnings,duplicates,engine_version,lesson_sha256\n",
                      0) == 0);
    const std::string tail = ",0.1.0," + key.at("lesson_sha256").get<std::string>() + "\n";
    CHECK(has(r.out, "\nada.json,Ada Lovelace,,6,6,1,1,1,1,1,1,,,," + tail));
    CHECK(has(r.out, "\ncy.json,Cy,,4,6,1,1,1,1,,,,,," + tail));
    CHECK(has(r.out, "\neve.json,Eve,,,6,,,,,,,\"eve.json: /lesson"));
    CHECK(has(r.out, "\ngus.json,Gus,,3,6,1,1,1,0,0,0,,\"/answers/room: expected a number"));

    // Only good files: exit 0.
    r = cli(d, {"grade", kLesson1, "ada.json", "bob.json"});
    CHECK(r.status == 0);
    CHECK(has(r.out, "graded 2 of 2 files; mean score 4.00 of 6"));
}

TEST_CASE("grade: bad usage and a bad lesson exit 2") {
    TempDir d;
    Result r = cli(d, {"grade", "first-send"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "missing ANSWERS"));
    CHECK(has(r.err, "usage: sendpath-cli grade LESSON ANSWERS..."));
    spit(d / "a.json", "{}");
    r = cli(d, {"grade", "first-send", "a.json", "--json", "--csv"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "exclude each other"));
    r = cli(d, {"grade", "nope", "a.json"});
    CHECK(r.status == 2);
    r = cli(d, {"lessons", "a", "b"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "unexpected argument 'b'"));
}

TEST_CASE("grade: a class of 200 answers files in one invocation, in seconds") {
    TempDir d;
    const json key = key_of(d);
    const std::size_t n = key.at("questions").size();
    std::vector<std::string> args = {"grade", "first-send", "--json"};
    int64_t expected_sum = 0;
    for (int i = 0; i < 200; ++i) {
        const std::size_t right = static_cast<std::size_t>(i) % (n + 1);
        expected_sum += static_cast<int64_t>(right);
        const std::string name = "class/student-" + std::to_string(i) + ".json";
        spit(d / name, answers_with(key, right, "student " + std::to_string(i), i).dump(1));
        args.push_back(name);
    }
    const auto start = std::chrono::steady_clock::now();
    const Result r = cli(d, args);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    MESSAGE("grading 200 answers files took " << seconds << " s");
    // Every wrong answer is the student's own; the all-correct files agree, and are flagged for a look.
    REQUIRE_MESSAGE(r.status == 1, r.err);
    const json report = json::parse(r.out);
    REQUIRE(report.at("files").size() == 200);
    int64_t sum = 0;
    std::size_t flagged = 0;
    for (const auto& f : report.at("files")) {
        sum += f.at("score").get<int64_t>();
        const bool dup = !f.at("duplicate_groups").empty();
        flagged += dup ? 1 : 0;
        CHECK(dup == (f.at("score") == static_cast<int64_t>(n)));
    }
    CHECK(flagged == 28);  // i % 7 == 6 for i < 200
    CHECK(report.at("duplicates") == 28);
    REQUIRE(report.at("duplicate_groups").size() == 1);  // one group, not 28 x 27 pairs
    CHECK(report.at("duplicate_groups")[0].at("reason") == "same answers");
    CHECK(report.at("duplicate_groups")[0].at("all_correct") == true);
    CHECK(report.at("duplicate_groups")[0].at("files").size() == 28);
    CHECK(sum == expected_sum);
    CHECK(report.at("files")[7].at("score") == 7 % (n + 1));
    CHECK(seconds < 20);  // "seconds", with room for a loaded CI machine or a sanitizer build
}

TEST_CASE("grade: two grade processes side by side give the same output as one alone") {
    TempDir d;
    const json key = key_of(d);
    std::vector<std::string> args = {"grade", "first-send", "--csv"};
    for (int i = 0; i < 40; ++i) {
        const std::string name = "s" + std::to_string(i) + ".json";
        spit(d / name, answers_with(key, static_cast<std::size_t>(i % 6), "s" + std::to_string(i), i).dump());
        args.push_back(name);
    }
    const Result alone = cli(d, args);
    REQUIRE_MESSAGE(alone.status == 0, alone.err);

    const std::string c = command(args);
    const std::string script = "cd " + quote(d.path.string()) + " && (" + c + " >out1 2>err1; echo $? >rc1) & (cd " +
                               quote(d.path.string()) + " && " + c + " >out2 2>err2; echo $? >rc2) & wait";
    REQUIRE(std::system(("sh -c " + quote(script)).c_str()) == 0);
    CHECK(slurp(d / "rc1") == "0\n");
    CHECK(slurp(d / "rc2") == "0\n");
    CHECK(slurp(d / "out1") == alone.out);
    CHECK(slurp(d / "out2") == alone.out);
    CHECK(slurp(d / "err1").empty());
    // Nothing was written beside the answers files but what the shell redirected.
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(d.path)) ++entries;
    CHECK(entries == 40 + 6);
}
