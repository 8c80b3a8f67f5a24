// sendpath-cli grade as a course uses it (issue 13): student ids and metadata,
// unknown keys as warnings, duplicates, a folder of submissions, a pinned key
// (--key, --trace) named in every output, and Gradescope's results.json.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;
using namespace clitest;
using nlohmann::json;

namespace {

const std::string kSource = SENDPATH_SOURCE_DIR;
const std::string kLesson1 = kSource + "/lessons/01-first-send.json";

json key_of(const TempDir& d) {
    const Result r = cli(d, {"answers", kLesson1});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    return json::parse(r.out);
}

// Every question of the key answered correctly.
json correct(const json& key) {
    json a = json::object();
    for (const auto& q : key.at("questions")) a[q.at("id").get<std::string>()] = q.at("answer");
    return a;
}

json sheet(const std::string& student, const json& answers) {
    return {{"lesson", "first-send"}, {"student", student}, {"answers", answers}};
}

std::string lesson_hash() { return sendpath::util::sha256_hex(slurp(kLesson1)); }

}  // namespace

TEST_CASE("grade: student_id and meta are read, unknown keys are warnings, the file is still graded") {
    TempDir d;
    const json key = key_of(d);
    json a = sheet("Ada Lovelace", correct(key));
    a["student_id"] = "s-0042";
    a["meta"] = {{"section", "B"}, {"tries", 2}};
    a["uploaded_by"] = "the course portal";
    spit(d / "ada.json", a.dump());
    json b = sheet("Bob", correct(key));
    b["student_id"] = 1234567;  // numbers are ids too
    b["answers"]["room"] = 1;
    spit(d / "bob.json", b.dump());

    Result r = cli(d, {"grade", kLesson1, "ada.json", "bob.json"});
    CHECK(r.status == 0);  // a warning is not a finding
    CHECK(has(r.out, "ada.json: Ada Lovelace (id s-0042): 6/6"));
    CHECK(has(r.out, "  warning: /uploaded_by: unknown key \"uploaded_by\", ignored"));
    CHECK(has(r.out, "bob.json: Bob (id 1234567): 5/6"));

    r = cli(d, {"grade", kLesson1, "ada.json", "bob.json", "--json"});
    CHECK(r.status == 0);
    const json rep = json::parse(r.out);
    CHECK(rep.at("files")[0].at("student_id") == "s-0042");
    CHECK(rep.at("files")[0].at("meta") == json{{"section", "B"}, {"tries", 2}});
    CHECK(rep.at("files")[0].at("problems")[0].at("severity") == "warning");
    CHECK(rep.at("files")[0].at("problems")[0].at("place") == "/uploaded_by");
    CHECK(rep.at("files")[1].at("student_id") == "1234567");

    r = cli(d, {"grade", kLesson1, "ada.json", "bob.json", "--csv"});
    CHECK(has(r.out, "\nada.json,Ada Lovelace,s-0042,6,6,"));
    CHECK(has(r.out, "\"/uploaded_by: unknown key \"\"uploaded_by\"\", ignored"));

    // A meta that is not an object, an id that is empty: warnings, named with their place.
    a["meta"] = "B";
    a["student_id"] = "";
    spit(d / "ada.json", a.dump());
    r = cli(d, {"grade", kLesson1, "ada.json"});
    CHECK(r.status == 0);
    CHECK(has(r.out, "ada.json: Ada Lovelace: 6/6"));
    CHECK(has(r.out, "  warning: /meta: expected an object"));
    CHECK(has(r.out, "  warning: /student_id: expected a student id"));
}

TEST_CASE("grade: a bad answer costs only its question, whatever kind of bad it is") {
    TempDir d;
    const json key = key_of(d);
    json a = correct(key);
    a["room"] = "31756";          // a string where a number belongs
    a["held"] = "maybe";          // an unknown choice
    a["branch1"] = "new_segmnt";  // an unknown event kind
    a["extra_q"] = 5;             // a question the lesson does not have
    spit(d / "s.json", sheet("Sam", a).dump());
    const Result r = cli(d, {"grade", kLesson1, "s.json", "--json"});
    CHECK(r.status == 1);  // invalid answers are a finding
    const json f = json::parse(r.out).at("files")[0];
    CHECK(f.at("graded") == true);
    CHECK(f.at("student") == "Sam");
    CHECK(f.at("score") == 3);  // linear_room, branch2, segments
    std::vector<std::string> places;
    for (const auto& p : f.at("problems")) {
        CHECK(p.at("severity") == "invalid");
        places.push_back(p.at("place"));
    }
    CHECK(places == std::vector<std::string>{"/answers/branch1", "/answers/extra_q", "/answers/held", "/answers/room"});
    for (const auto& q : f.at("questions")) {
        const std::string id = q.at("id");
        CHECK((q.at("result") == "invalid") == (id == "room" || id == "held" || id == "branch1"));
    }
    CHECK(has(r.err,
              "s.json: /answers/held: expected a choice id of question held (wire, queued, dropped), got "
              "\"maybe\""));
    CHECK(has(r.err, "s.json: /answers/extra_q: expected a question id of lesson first-send"));
}

TEST_CASE("grade: duplicates are flagged with the files: same id, same name, same answers") {
    TempDir d;
    const json key = key_of(d);
    json wrong = correct(key);
    wrong["room"] = 99;
    json a1 = sheet("Ada", correct(key));
    a1["student_id"] = "s1";
    json a2 = sheet("A. Lovelace", json::object());  // another name, the same id
    a2["student_id"] = "s1";
    spit(d / "class/a1.json", a1.dump());
    spit(d / "class/a2.json", a2.dump());
    spit(d / "class/b1.json", sheet("Bob Stone", {{"room", 5}}).dump());
    spit(d / "class/b2.json", sheet(" bob stone", {{"room", 6}}).dump());  // no id: the name, case and blanks aside
    json c = sheet("Cy", wrong);
    c["answers"]["nonsense"] = 1;  // not an answer to the lesson: not compared
    spit(d / "class/c.json", c.dump());
    spit(d / "class/e.json", sheet("Eve", wrong).dump(4));  // Cy's answers, laid out differently
    spit(d / "class/f.json", sheet("Fay", {{"room", 7}}).dump());

    const Result r = cli(d, {"grade", kLesson1, "class", "--json"});
    CHECK(r.status == 1);
    const json rep = json::parse(r.out);
    CHECK(rep.at("duplicates") == 6);
    // Each group once, with every file in it, in file order.
    CHECK(rep.at("duplicate_groups") ==
          json::parse(R"([{"reason": "same student", "all_correct": false, "files": ["class/a1.json", "class/a2.json"]},
                          {"reason": "same student", "all_correct": false, "files": ["class/b1.json", "class/b2.json"]},
                          {"reason": "same answers", "all_correct": false, "files": ["class/c.json", "class/e.json"]}])"));
    std::map<std::string, json> by;
    for (const auto& f : rep.at("files")) by[f.at("file")] = f.at("duplicate_groups");
    CHECK(by.at("class/a1.json") == json{0});
    CHECK(by.at("class/a2.json") == json{0});
    CHECK(by.at("class/e.json") == json{2});
    CHECK(by.at("class/f.json").empty());

    const Result t = cli(d, {"grade", kLesson1, "class"});
    CHECK(has(t.out, "class/a1.json: Ada (id s1): 6/6"));
    CHECK(has(t.out, "  duplicate: same student as class/a2.json\n"));
    CHECK(has(t.out, "  duplicate: same answers as class/c.json\n"));
    CHECK(has(t.out, "6 flagged as duplicates"));

    // Two students with the same right answers: flagged, and said to be all correct.
    spit(d / "two/x.json", sheet("X", correct(key)).dump());
    spit(d / "two/y.json", sheet("Y", correct(key)).dump());
    const Result two = cli(d, {"grade", kLesson1, "two"});
    CHECK(two.status == 1);
    CHECK(has(two.out, "  duplicate: same answers as two/y.json (all correct)"));

    // A large group names five others and counts the rest.
    for (int k = 0; k < 6; ++k)
        spit(d / ("two/z" + std::to_string(k) + ".json"), sheet("Z" + std::to_string(k), correct(key)).dump());
    const Result many = cli(d, {"grade", kLesson1, "two"});
    CHECK(has(many.out, "two/x.json: X: 6/6"));
    CHECK(has(many.out,
              "  duplicate: same answers as two/y.json, two/z0.json, two/z1.json, two/z2.json, two/z3.json and 2 more "
              "(all correct)\n"));
}

TEST_CASE("grade: a folder grades its .json files in name order, an empty one is refused") {
    TempDir d;
    const json key = key_of(d);
    for (const std::string n : {"c", "a", "b"}) spit(d / ("sub/" + n + ".json"), sheet(n, {{"room", n[0]}}).dump());
    spit(d / "sub/notes.txt", "not an answers file");
    spit(d / "sub/deeper/z.json", sheet("z", json::object()).dump());      // not recursive
    Result r = cli(d, {"grade", kLesson1, "sub", "sub/a.json", "--csv"});  // a.json named twice: graded once
    CHECK(r.status == 0);
    const auto a = r.out.find("\nsub/a.json,"), b = r.out.find("\nsub/b.json,"), c = r.out.find("\nsub/c.json,");
    CHECK(a < b);
    CHECK(b < c);
    CHECK(c != std::string::npos);
    CHECK(r.out.find("\nsub/a.json,", a + 1) == std::string::npos);
    CHECK_FALSE(has(r.out, "notes.txt"));
    CHECK_FALSE(has(r.out, "z.json"));

    fs::create_directories(d / "empty");
    r = cli(d, {"grade", kLesson1, "empty"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "empty: expected a folder holding answers files (*.json), found none in it"));
}

TEST_CASE("grade: every output names the engine version and the lesson's SHA-256") {
    TempDir d;
    const json key = key_of(d);
    CHECK(key.at("lesson_sha256") == lesson_hash());
    CHECK(key.at("key_format") == 1);
    spit(d / "a.json", sheet("Ada", correct(key)).dump());
    const std::string h = lesson_hash();
    Result r = cli(d, {"grade", kLesson1, "a.json"});
    CHECK(has(r.out, "key: engine 0.1.0, lesson sha256 " + h + ", from a run of this sendpath-cli's engine\n"));
    r = cli(d, {"grade", kLesson1, "a.json", "--json"});
    const json j = json::parse(r.out);
    CHECK(j.at("key").at("engine_version") == "0.1.0");
    CHECK(j.at("key").at("lesson_sha256") == h);
    CHECK(j.at("key").at("source") == "run");
    r = cli(d, {"grade", kLesson1, "a.json", "--csv"});
    CHECK(has(r.out, ",engine_version,lesson_sha256\n"));
    CHECK(has(r.out, ",0.1.0," + h + "\n"));
    r = cli(d, {"grade", kLesson1, "a.json", "--format", "gradescope"});
    const json g = json::parse(r.out);
    CHECK(g.at("extra_data").at("engine_version") == "0.1.0");
    CHECK(g.at("extra_data").at("lesson_sha256") == h);
    CHECK(has(g.at("output").get<std::string>(), h));
}

TEST_CASE("grade --key: the saved key is what grades, it must belong to this lesson file") {
    TempDir d;
    json key = key_of(d);
    spit(d / "a.json", sheet("Ada", correct(key)).dump());
    // Edit the key's answer to room: graded against the key, not a rerun, Ada's right answer is now wrong.
    for (auto& q : key["questions"])
        if (q.at("id") == "room") q["answer"] = 12345;
    key["engine_version"] = "0.0.7";
    spit(d / "key.json", key.dump(2));
    Result r = cli(d, {"grade", kLesson1, "a.json", "--key", "key.json"});
    CHECK(r.status == 0);
    CHECK(has(r.out, "key: engine 0.0.7, lesson sha256 " + lesson_hash() + ", from the saved key key.json"));
    CHECK(has(r.out, "a.json: Ada: 5/6"));
    CHECK(has(r.out, "  room wrong (0/1): answered 31756, correct 12345"));

    // The lesson changed since the key was made (one byte): refused, exit 2.
    spit(d / "lessons/l.json", slurp(kLesson1) + " ");
    spit(d / "lessons/scenarios/01-first-send.json", slurp(kSource + "/lessons/scenarios/01-first-send.json"));
    r = cli(d, {"grade", d / "lessons/l.json", "a.json", "--key", "key.json"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "key.json: /lesson_sha256: expected the SHA-256 of"));
    CHECK(has(r.err, "another version of the lesson file"));

    // A key whose question does not match the lesson; a trace given as a key; no such file.
    json bad = key;
    bad["questions"][1]["type"] = "number";
    bad["questions"][0]["type"] = "choice";
    spit(d / "bad.json", bad.dump());
    r = cli(d, {"grade", kLesson1, "a.json", "--key", "bad.json"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "bad.json: /questions/0/type: expected \"next_branch\""));
    REQUIRE(cli(d, {"answers", kLesson1, "--save-trace", "t.json"}).status == 0);
    r = cli(d, {"grade", kLesson1, "a.json", "--key", "t.json"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "got a trace: give a trace with --trace"));
    r = cli(d, {"grade", kLesson1, "a.json", "--key", "nokey.json"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "nokey.json"));
    r = cli(d, {"grade", kLesson1, "a.json", "--key", "key.json", "--trace", "t.json"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "--key and --trace exclude each other"));
}

TEST_CASE("grade --trace: the key is computed on the saved trace, which must be of the lesson's scenario") {
    TempDir d;
    const json key = key_of(d);
    spit(d / "a.json", sheet("Ada", correct(key)).dump());
    REQUIRE(cli(d, {"answers", kLesson1, "--save-trace", "t.json"}).status == 0);
    json t = json::parse(slurp(d / "t.json"));
    t["engine_version"] = "0.0.5";  // as if recorded by an older sendpath
    spit(d / "old.json", t.dump());
    Result r = cli(d, {"grade", kLesson1, "a.json", "--trace", "old.json", "--json"});
    CHECK(r.status == 0);
    const json j = json::parse(r.out);
    CHECK(j.at("key").at("engine_version") == "0.0.5");
    CHECK(j.at("key").at("source") == "trace");
    CHECK(j.at("key").at("source_file") == "old.json");
    CHECK(j.at("files")[0].at("score") == 6);

    r = cli(d, {"grade", kLesson1, "a.json", "--trace", kSource + "/traces/04-page-merge.json"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "04-page-merge.json: /scenario"));
    CHECK(has(r.err, "expected a trace of the scenario of"));
}

TEST_CASE("grade --format gradescope: one submission's results.json, written whole to -o") {
    TempDir d;
    const json key = key_of(d);
    json a = correct(key);
    a["room"] = "lots";
    a["segments"] = 2;
    json s = sheet("Ada", a);
    s["student_id"] = "s1";
    spit(d / "submission/answers.json", s.dump());
    fs::create_directories(d / "results");
    Result r = cli(d, {"grade", kLesson1, "submission", "--format", "gradescope", "-o", "results/results.json"});
    CHECK(r.status == 1);  // an invalid answer
    CHECK(r.out.empty());
    CHECK(has(r.err, "submission/answers.json: /answers/room: expected a number"));
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(d / "results")) ++entries;
    CHECK(entries == 1);  // no temporary file left behind
    const json g = json::parse(slurp(d / "results/results.json"));
    CHECK(g.at("score") == 4);
    REQUIRE(g.at("tests").size() == 6);
    int64_t sum = 0, max = 0;
    for (const auto& t : g.at("tests")) {
        sum += t.at("score").get<int64_t>();
        max += t.at("max_score").get<int64_t>();
        CHECK(t.at("visibility") == "after_due_date");  // the outputs name the correct answer
        CHECK(t.at("name").is_string());
        CHECK((t.at("status") == "passed") == (t.at("score") == t.at("max_score")));
    }
    CHECK(sum == 4);
    CHECK(max == 6);
    CHECK(g.at("tests")[4].at("name") == "room");
    CHECK(has(g.at("tests")[4].at("output").get<std::string>(), "invalid answer: expected a number"));
    CHECK(g.at("tests")[5].at("output") == "answered 2; correct 1");
    CHECK(g.at("extra_data").at("student_id") == "s1");

    // Not one answers file in the submission: a results.json that says so, score 0, exit 1.
    spit(d / "submission/more.json", s.dump());
    r = cli(d, {"grade", kLesson1, "submission", "--format", "gradescope", "-o", "results/results.json"});
    CHECK(r.status == 1);
    const json two = json::parse(slurp(d / "results/results.json"));
    CHECK(two.at("score") == 0);
    CHECK(two.at("tests").empty());
    CHECK(has(two.at("output").get<std::string>(), "expected one answers file in the submission, found 2"));

    // Broken JSON: graded 0 with the reason.
    fs::remove(d / "submission/more.json");
    spit(d / "submission/answers.json", "{\"lesson\": ");
    r = cli(d, {"grade", kLesson1, "submission", "--format", "gradescope"});
    CHECK(r.status == 1);
    const json broken = json::parse(r.out);
    CHECK(broken.at("score") == 0);
    CHECK(has(broken.at("output").get<std::string>(), "Not graded: submission/answers.json: line 1"));

    r = cli(d, {"grade", kLesson1, "submission", "--format", "pdf"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "--format takes text, json, csv or gradescope"));
    r = cli(d, {"grade", kLesson1, "submission", "--format", "csv", "--json"});
    CHECK(r.status == 2);
    r = cli(d, {"grade", kLesson1, "submission", "-o", "nodir/x.json"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "the directory nodir does not exist"));
}
