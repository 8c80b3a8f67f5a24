// Lessons in two languages: a lesson carries Chinese beside its English
// texts; localized() shows each text in the language asked for, English where
// a text has no translation; mistakes in translations are reported with the
// place; and every shipped lesson reads in Chinese, with every text translated
// and its kernel identifiers kept.
#include <doctest/doctest.h>

#include <cctype>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "lesson/lesson.hpp"
#include "support/errors.hpp"
#include "support/kernel_words.hpp"

using nlohmann::json;
using namespace sendpath::lesson;

namespace {

const std::string kSource = SENDPATH_SOURCE_DIR;

// A lesson with Chinese for some of its texts only.
json partly_translated() {
    return json::parse(R"J({
      "id": "t1", "title": "A test lesson", "objectives": ["learn", "practise"],
      "translations": {"zh_CN": {"title": "测试课程", "objectives": ["学习", "练习"]}},
      "scenario": {"timeline": [{"send": 100}]},
      "steps": [
        {"at": "first(sendmsg_enter)", "text": "It starts.", "translations": {"zh_CN": {"text": "开始了。"}}},
        {"at": "first(sendmsg_exit)", "text": "It returns."}
      ],
      "questions": [
        {"id": "q1", "type": "number", "at": "first(sendmsg_enter)", "prompt": "How many?", "unit": "bytes",
         "answer": "ret(call=1)", "explain": "All of them.",
         "translations": {"zh_CN": {"prompt": "多少？", "unit": "字节"}}},
        {"id": "q3", "type": "choice", "at": "0", "prompt": "Which?",
         "choices": [{"id": "a", "text": "A", "correct": "1", "translations": {"zh_CN": {"text": "甲"}}},
                     {"id": "b", "text": "B", "correct": "0"}]}
      ]})J");
}

sptest::Caught error_of(const json& j) {
    const sptest::Caught f = sptest::input_error_of([&] { return lesson_from_json(j, "lessons/t.json"); });
    REQUIRE_MESSAGE(f.thrown, "no InputError for: " << j.dump());
    return f;
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

bool has_cjk(const std::string& s) {
    // Any character of three UTF-8 bytes starting with E4..E9: the CJK ideographs' block.
    for (unsigned char c : s)
        if (c >= 0xE4 && c <= 0xE9) return true;
    return false;
}

}  // namespace

TEST_CASE("lesson: a lesson in Chinese shows each translated text, and English for the rest") {
    const Lesson l = lesson_from_json(partly_translated(), "lessons/t.json");
    CHECK(l.languages() == std::vector<std::string>{"en", "zh_CN"});
    CHECK(l.title == "A test lesson");  // the lesson as read is English

    const Lesson zh = localized(l, "zh_CN");
    CHECK(zh.title == "测试课程");
    CHECK(zh.objectives == std::vector<std::string>{"学习", "练习"});
    CHECK(zh.steps[0].text == "开始了。");
    CHECK(zh.steps[1].text == "It returns.");  // no translation: English
    CHECK(zh.questions[0].prompt == "多少？");
    CHECK(zh.questions[0].unit == "字节");
    CHECK(zh.questions[0].explain == "All of them.");
    CHECK(zh.questions[1].prompt == "Which?");
    CHECK(zh.questions[1].choices[0].text == "甲");
    CHECK(zh.questions[1].choices[1].text == "B");
    CHECK(zh.languages() == std::vector<std::string>{"en"});  // the translations are used up

    // What grading reads is the same in both.
    REQUIRE(zh.questions.size() == l.questions.size());
    for (std::size_t i = 0; i < l.questions.size(); ++i) {
        CHECK(zh.questions[i].id == l.questions[i].id);
        CHECK(zh.questions[i].at.text() == l.questions[i].at.text());
        CHECK(zh.questions[i].answer.text() == l.questions[i].answer.text());
        CHECK(zh.questions[i].points == l.questions[i].points);
    }
    CHECK(zh.id == l.id);

    // English, or a language the lesson lacks: the lesson as written.
    CHECK(localized(l, "en").title == "A test lesson");
    CHECK(localized(l, "en").steps[0].text == "It starts.");
    const Lesson none = lesson_from_json(json::parse(R"({"id": "t", "title": "T", "objectives": ["o"],
        "scenario": {"timeline": [{"send": 1}]}, "steps": [{"at": "0", "text": "S"}], "questions": []})"),
                                         "t.json");
    CHECK(localized(none, "zh_CN").title == "T");
    CHECK(none.languages() == std::vector<std::string>{"en"});
}

TEST_CASE("lesson: mistakes in translations name the place and what was expected") {
    json j = partly_translated();
    j["translations"] = {{"zh-CN", {{"title", "x"}}}};
    auto f = error_of(j);
    CHECK(f.place == "/translations/zh-CN");
    CHECK(has(f.expected, "a language code sendpath has texts for (en, zh_CN), got \"zh-CN\""));

    j = partly_translated();
    j["steps"][0]["translations"] = {{"en", {{"text", "x"}}}};
    f = error_of(j);
    CHECK(f.place == "/steps/0/translations/en");
    CHECK(has(f.expected, "a language other than English"));

    j = partly_translated();
    j["translations"]["zh_CN"]["objectives"] = {"只有一个"};
    f = error_of(j);
    CHECK(f.place == "/translations/zh_CN/objectives");
    CHECK(has(f.expected, "a list of 2 objectives, one for each of /objectives, in the same order"));

    j = partly_translated();
    j["questions"][1]["translations"] = {{"zh_CN", {{"unit", "字节"}}}};
    f = error_of(j);
    CHECK(f.place == "/questions/1/translations/zh_CN/unit");
    CHECK(has(f.expected, "it is for number questions"));

    j = partly_translated();
    j["questions"][0]["translations"]["zh_CN"]["answer"] = "1";  // only texts are translated
    f = error_of(j);
    CHECK(f.place == "/questions/0/translations/zh_CN/answer");
    CHECK(has(f.expected, "unknown key \"answer\"; expected one of: prompt, explain, unit"));

    j = partly_translated();
    j["steps"][0]["translations"]["zh_CN"]["text"] = "  ";
    f = error_of(j);
    CHECK(f.place == "/steps/0/translations/zh_CN/text");
    CHECK(has(f.expected, "got an empty string"));

    j = partly_translated();
    j["questions"][1]["choices"][0]["translations"] = "甲";
    f = error_of(j);
    CHECK(f.place == "/questions/1/choices/0/translations");
    CHECK(has(f.expected, "keyed by language code"));
}

TEST_CASE("lesson: every shipped lesson reads in Chinese, every text translated, kernel names kept") {
    const auto files = lesson_files(kSource + "/lessons");
    REQUIRE(files.size() >= 15);
    for (const auto& f : files) {
        CAPTURE(f);
        const Lesson l = load_lesson(f);
        CHECK(l.languages() == std::vector<std::string>{"en", "zh_CN"});
        const Lesson zh = localized(l, "zh_CN");
        // Every text differs from the English and is Chinese, and keeps the
        // English text's identifiers (tcp_sendmsg, sk_wmem_queued, new_segment ...).
        auto translated = [&](const std::string& en, const std::string& zh_text, const std::string& where) {
            CAPTURE(where);
            CHECK(has_cjk(zh_text));
            for (const std::string& id : sptest::kernel_identifiers(en))
                CHECK_MESSAGE(has(zh_text, id), id << " missing");
        };
        translated(l.title, zh.title, "/title");
        if (!l.description.empty()) translated(l.description, zh.description, "/description");
        for (std::size_t i = 0; i < l.objectives.size(); ++i)
            translated(l.objectives[i], zh.objectives[i], "/objectives/" + std::to_string(i));
        for (std::size_t i = 0; i < l.steps.size(); ++i)
            translated(l.steps[i].text, zh.steps[i].text, l.steps[i].pointer);
        for (std::size_t i = 0; i < l.questions.size(); ++i) {
            const Question& q = l.questions[i];
            translated(q.prompt, zh.questions[i].prompt, q.pointer + "/prompt");
            if (!q.explain.empty()) translated(q.explain, zh.questions[i].explain, q.pointer + "/explain");
            if (!q.unit.empty()) translated(q.unit, zh.questions[i].unit, q.pointer + "/unit");
            for (std::size_t c = 0; c < q.choices.size(); ++c) {
                const std::string& en = q.choices[c].text;
                // A choice that is code (send(fd, buf, 100, 0)) reads the same in every language.
                if (en.find(' ') == std::string::npos || en.rfind("send(", 0) == 0)
                    CHECK(zh.questions[i].choices[c].text == en);
                else translated(en, zh.questions[i].choices[c].text, q.pointer + "/choices/" + std::to_string(c));
            }
        }
    }
}
