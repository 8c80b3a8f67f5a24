// Lessons in Chinese as a student, a grader and an author meet them: the
// answer key and the grade of an answers file do not depend on the language;
// `sendpath-cli lessons` lists Chinese titles with --lang zh_CN or a Chinese
// LANG, says clearly what a bad --lang should be; `events --lang zh_CN`
// prints the Chinese summaries; `lessons check` finds an answer given away in
// a Chinese step.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"
#include "lesson/grade.hpp"
#include "lesson/lesson.hpp"
#include "trace/trace_io.hpp"

namespace fs = std::filesystem;
using namespace clitest;
using namespace sendpath;
using nlohmann::json;

namespace {

const std::string kSource = SENDPATH_SOURCE_DIR;

// The locale variables for one test (the CLI inherits them), put back after.
class LocaleEnv {
public:
    explicit LocaleEnv(const char* lang) {
        for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
            const char* old = std::getenv(name);
            saved_.push_back({name, old ? std::optional<std::string>(old) : std::nullopt});
            unsetenv(name);
        }
        if (lang) setenv("LANG", lang, 1);
    }
    ~LocaleEnv() {
        for (const auto& [name, value] : saved_) {
            if (value) setenv(name.c_str(), value->c_str(), 1);
            else unsetenv(name.c_str());
        }
    }

private:
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// An answers file: every question answered with the key's answer, except
// `wrong`, answered with something else.
json answers(const lesson::AnswerKey& key, const std::string& wrong) {
    json a = json::object();
    for (const auto& q : key.questions) {
        json v = q.answer_json();
        if (q.id == wrong) {
            if (q.type == lesson::QuestionType::number) v = q.number + 100000;
            else if (q.type == lesson::QuestionType::next_branch)
                v = q.kind == trace::Kind::rto_fire ? "transmit" : "rto_fire";
            else v = json::array();  // no choice marked
        }
        a[q.id] = v;
    }
    return {{"lesson", key.lesson_id}, {"student", "Li Lei"}, {"answers", a}};
}

}  // namespace

TEST_CASE("cli: answer keys and grades are the same whatever the lesson's language") {
    for (const auto& f : lesson::lesson_files(kSource + "/lessons")) {
        CAPTURE(f);
        const lesson::Lesson en = lesson::load_lesson(f);
        const lesson::Lesson zh = lesson::localized(en, "zh_CN");
        REQUIRE(zh.title != en.title);  // it is a Chinese lesson
        const std::string trace_path = lesson::prepared_trace_path(en);
        REQUIRE(fs::is_regular_file(trace_path));
        const trace::Trace t = trace::load_trace(trace_path);
        const lesson::AnswerKey key_en = lesson::compute_answer_key(en, t);
        const lesson::AnswerKey key_zh = lesson::compute_answer_key(zh, t);
        CHECK(key_zh.step_events == key_en.step_events);
        CHECK(key_zh.total_points == key_en.total_points);
        REQUIRE(key_zh.questions.size() == key_en.questions.size());
        for (std::size_t i = 0; i < key_en.questions.size(); ++i) {
            CHECK(key_zh.questions[i].id == key_en.questions[i].id);
            CHECK(key_zh.questions[i].event == key_en.questions[i].event);
            CHECK(key_zh.questions[i].answer_json() == key_en.questions[i].answer_json());
        }
        // A sheet with one wrong answer, graded against each: the same scores and verdicts.
        for (const std::string& wrong : {std::string(), en.questions.empty() ? std::string() : en.questions[0].id}) {
            const json sheet = answers(key_en, wrong);
            const lesson::Grade g_en = lesson::grade_sheet(key_en, lesson::read_answer_sheet(sheet, "a.json", en));
            const lesson::Grade g_zh = lesson::grade_sheet(key_zh, lesson::read_answer_sheet(sheet, "a.json", zh));
            CHECK(g_zh.score == g_en.score);
            CHECK(g_zh.total == g_en.total);
            if (wrong.empty()) CHECK(g_en.score == g_en.total);
            else CHECK(g_en.score < g_en.total);
            REQUIRE(g_zh.questions.size() == g_en.questions.size());
            for (std::size_t i = 0; i < g_en.questions.size(); ++i)
                CHECK(g_zh.questions[i].verdict == g_en.questions[i].verdict);
        }
    }
}

TEST_CASE("cli: lessons --lang zh_CN lists the Chinese titles; LANG chooses without --lang") {
    TempDir d;
    {
        LocaleEnv env(nullptr);
        const Result r = cli(d, {"lessons", kSource + "/lessons", "--lang", "zh_CN"});
        CHECK_MESSAGE(r.status == 0, r.err);
        CHECK(has(r.out, kSource + "/lessons 中的课程："));
        CHECK(has(r.out, " 1  first-send               6 道题        第一次小数据发送，以及追加到队尾 skb\n"));
        CHECK(has(r.out, "快速重传：用重复 ACK 代替超时"));
        CHECK(!has(r.out, "The first small send"));

        const Result en = cli(d, {"lessons", kSource + "/lessons"});
        CHECK(has(en.out,
                  " 1  first-send               6 questions   The first small send, and appending to the tail\n"));
    }
    {
        LocaleEnv env("zh_CN.UTF-8");
        const Result r = cli(d, {"lessons", kSource + "/lessons"});
        CHECK_MESSAGE(r.status == 0, r.err);
        CHECK(has(r.out, "第一次小数据发送，以及追加到队尾 skb"));
        const Result en = cli(d, {"lessons", kSource + "/lessons", "--lang", "en"});
        CHECK(has(en.out, "The first small send, and appending to the tail"));
        const Result j = cli(d, {"lessons", kSource + "/lessons", "--json"});
        const json list = json::parse(j.out);
        CHECK(list[0]["title"] == "第一次小数据发送，以及追加到队尾 skb");
        CHECK(list[0]["languages"] == json({"en", "zh_CN"}));
        CHECK(list[0]["id"] == "first-send");  // ids are not translated
    }
    {
        LocaleEnv env("de_DE.UTF-8");  // a language sendpath has no texts for: English
        const Result r = cli(d, {"lessons", kSource + "/lessons"});
        CHECK(has(r.out, "The first small send, and appending to the tail"));
    }
}

TEST_CASE("cli: a bad --lang says which languages there are") {
    TempDir d;
    for (const char* given : {"zh-CN", "fr", "zh_CN.GBK"}) {
        const std::string bad(given);
        const Result r = cli(d, {"lessons", kSource + "/lessons", "--lang", bad});
        CHECK(r.status == 2);
        CHECK_MESSAGE(
            has(r.err, "--lang '" + bad + "' is not a language sendpath has texts for; expected one of en, zh_CN"),
            r.err);
        CHECK(r.out.empty());
    }
    const Result e = cli(d, {"events", "--lang", "klingon"});
    CHECK(e.status == 2);
    CHECK(has(e.err, "expected one of en, zh_CN"));
    const Result c = cli(d, {"lessons", "check", "--lang", "zh_CN"});
    CHECK(c.status == 2);
    CHECK(has(c.err, "'lessons check' checks every language"));
}

TEST_CASE("cli: events --lang zh_CN prints the Chinese summary of every kind") {
    TempDir d;
    LocaleEnv env(nullptr);
    const Result r = cli(d, {"events", "--lang", "zh_CN"});
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(has(r.out, "cwnd_limited         tcp_write_xmit                 拥塞窗口已满：停止发送。\n"));
    const Result one = cli(d, {"events", "page_merge", "--lang", "zh_CN"});
    CHECK(has(one.out, "page_merge: 缓存页接续最后一个分片：复制使该分片变长。\n"));
    const Result en = cli(d, {"events"});
    CHECK(has(en.out, "The congestion window is full: stop sending."));
    const Result md = cli(d, {"events", "--markdown", "--lang", "zh_CN"});
    CHECK(md.status == 2);
}

TEST_CASE("cli: lessons check finds an answer given away in a Chinese step") {
    TempDir d;
    fs::create_directories(d / "course/scenarios");
    fs::copy_file(kSource + "/lessons/scenarios/01-first-send.json", d / "course/scenarios/first.json");
    json l = {{"id", "zh-leak"},
              {"title", "Leak"},
              {"objectives", {"none"}},
              {"scenario", "scenarios/first.json"},
              {"steps",
               {{{"at", "first(send_mss, call=1)"},
                 {"text", "tcp_send_mss works out the sizes."},
                 {"translations", {{"zh_CN", {{"text", "应用程序一共调用两次 send()。接下来是 new_segment。"}}}}}}}},
              {"questions",
               {{{"id", "calls"},
                 {"type", "number"},
                 {"at", "first(send_mss, call=1)"},
                 {"prompt", "How many send() calls does the application make?"},
                 {"answer", "count(sendmsg_enter)"}},
                {{"id", "branch"}, {"type", "next_branch"}, {"at", "first(iov_next, call=1)"}, {"prompt", "Which?"}}}}};
    const std::string path = d / "course/zh-leak.json";
    spit(path, l.dump(2));
    const Result r = cli(d, {"lessons", "check", path});
    CHECK(r.status == 1);
    CHECK_MESSAGE(has(r.err, path + ": /questions/0 (calls): the answer 2 is on screen when the question is asked: "
                                    "the zh_CN text of step /steps/0 (shown from event 18) shows \""),
                  r.err);
    CHECK(has(r.err, "两次"));
    CHECK(has(r.err, path + ": /questions/1 (branch): the answer new_segment is on screen"));
    CHECK(has(r.out, "zh-leak.json: 2 answers given away"));

    // An ordinal (第二次) and a fraction (三分之二) state no count.
    l["steps"][0]["translations"]["zh_CN"]["text"] = "第二次调用之前，缓冲区用了三分之二。";
    spit(path, l.dump(2));
    const Result ok = cli(d, {"lessons", "check", path});
    CHECK_MESSAGE(ok.status == 0, ok.err);
}

TEST_CASE("cli: lessons --lang zh_CN says what is wrong with a bad lesson in Chinese, English without it") {
    TempDir d;
    LocaleEnv env(nullptr);
    fs::create_directories(d.path / "ls");
    {
        std::ofstream out(d.path / "ls" / "bad.json");
        out << R"({"id": "Bad Id", "title": "x"})";
    }
    const Result en = cli(d, {"lessons", "ls"});
    CHECK(has(en.err,
              "sendpath-cli: ls/bad.json: /id: expected a lesson id of 1 to 64 characters a-z, 0-9, '-' or '_' (it "
              "names the lesson in answers files), got \"Bad Id\"\n"));
    const Result zh = cli(d, {"lessons", "ls", "--lang", "zh_CN"});
    CHECK_MESSAGE(has(zh.err,
                      "sendpath-cli: ls/bad.json: /id: 应为 1 到 64 个字符的课程 id，只含 a-z、0-9、'-' 或 "
                      "'_'（答案文件用它指明课程），实际为 \"Bad Id\"\n"),
                  zh.err);
}
