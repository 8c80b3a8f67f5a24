// The language mechanism: which language a user gets (an explicit code, or
// the environment's locale), the string table's fallback to English, and
// every English key having a Chinese text or a place on the English-only list.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>

#include "util/i18n.hpp"

using namespace sendpath::util::i18n;

namespace {

// Sets the locale variables for one test and puts the old values back.
class LocaleEnv {
public:
    LocaleEnv(const char* lc_all, const char* lc_messages, const char* lang) {
        set("LC_ALL", lc_all);
        set("LC_MESSAGES", lc_messages);
        set("LANG", lang);
    }
    ~LocaleEnv() {
        for (const auto& [name, value] : saved_) {
            if (value) setenv(name.c_str(), value->c_str(), 1);
            else unsetenv(name.c_str());
        }
    }

private:
    void set(const char* name, const char* value) {
        const char* old = std::getenv(name);
        saved_.push_back({name, old ? std::optional<std::string>(old) : std::nullopt});
        if (value) setenv(name, value, 1);
        else unsetenv(name);
    }
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

}  // namespace

TEST_CASE("i18n: a locale value gives zh_CN only for zh_CN, English for anything else") {
    CHECK(language_of_locale("zh_CN.UTF-8") == "zh_CN");
    CHECK(language_of_locale("zh_CN.utf8") == "zh_CN");
    CHECK(language_of_locale("zh_CN") == "zh_CN");
    CHECK(language_of_locale("zh_CN.UTF-8@pinyin") == "zh_CN");
    CHECK(language_of_locale("zh_TW.UTF-8") == "en");
    CHECK(language_of_locale("zh") == "en");
    CHECK(language_of_locale("en_US.UTF-8") == "en");
    CHECK(language_of_locale("de_DE@euro") == "en");
    CHECK(language_of_locale("C.UTF-8") == "en");
    CHECK(language_of_locale("POSIX") == "en");
    CHECK(language_of_locale("") == "en");
}

TEST_CASE("i18n: the environment's language follows LC_ALL, then LC_MESSAGES, then LANG") {
    {
        LocaleEnv env(nullptr, nullptr, "zh_CN.UTF-8");
        CHECK(language_from_env() == "zh_CN");
    }
    {
        LocaleEnv env(nullptr, "zh_CN.UTF-8", "en_US.UTF-8");
        CHECK(language_from_env() == "zh_CN");
    }
    {
        LocaleEnv env("C", "zh_CN.UTF-8", "zh_CN.UTF-8");  // LC_ALL overrides both
        CHECK(language_from_env() == "en");
    }
    {
        LocaleEnv env("", "", "zh_CN.UTF-8");  // empty counts as unset
        CHECK(language_from_env() == "zh_CN");
    }
    {
        LocaleEnv env(nullptr, nullptr, nullptr);
        CHECK(language_from_env() == "en");
    }
}

TEST_CASE("i18n: an explicit language is a code sendpath has, with at most a UTF-8 codeset") {
    CHECK(parse_language("zh_CN") == std::optional<std::string>("zh_CN"));
    CHECK(parse_language("zh_CN.UTF-8") == std::optional<std::string>("zh_CN"));
    CHECK(parse_language("en") == std::optional<std::string>("en"));
    CHECK_FALSE(parse_language("zh-CN"));
    CHECK_FALSE(parse_language("zh_cn"));
    CHECK_FALSE(parse_language("zh_CN.GBK"));
    CHECK_FALSE(parse_language("fr"));
    CHECK_FALSE(parse_language(""));
    CHECK(language_codes() == "en, zh_CN");
    CHECK(languages().front().code == kEnglish);
}

TEST_CASE("i18n: a text missing in a language is shown in English; a key nobody wrote shows itself") {
    CHECK(tr("zh_CN", "lessons.none") == "（没有课程文件）");
    CHECK(tr("en", "lessons.none") == "(no lesson files)");
    // English-only: the Chinese table has no entry, so the English text is shown.
    CHECK(tr("zh_CN", "app.name") == "sendpath");
    // A language without a table at all.
    CHECK(tr("fr", "lessons.none") == "(no lesson files)");
    CHECK(tr("zh_CN", "no.such.key") == "no.such.key");
    CHECK(trf("en", "lessons.questions.other", {"3"}) == "3 questions");
    CHECK(trf("zh_CN", "lessons.questions.other", {"3"}) == "3 道题");
    CHECK(trf("en", "lessons.header", {"a/b"}) == "lessons in a/b:");
    // A placeholder without a value stays as written.
    CHECK(trf("en", "lessons.header", {}) == "lessons in {0}:");
}

TEST_CASE("i18n: every English key has a Chinese text or is on the English-only list") {
    std::set<std::string_view> en_keys, zh_keys;
    for (const Entry& e : table("en")) CHECK_MESSAGE(en_keys.insert(e.key).second, "English key twice: " << e.key);
    for (const Entry& e : table("zh_CN")) {
        CHECK_MESSAGE(zh_keys.insert(e.key).second, "Chinese key twice: " << e.key);
        CHECK_MESSAGE(en_keys.count(e.key), "Chinese key without an English text: " << e.key);
        CHECK_MESSAGE(!e.text.empty(), "empty Chinese text: " << e.key);
    }
    const auto& only = english_only_keys();
    for (std::string_view k : en_keys) {
        const bool english_only = std::find(only.begin(), only.end(), k) != only.end();
        CHECK_MESSAGE((zh_keys.count(k) > 0) != english_only,
                      k << ": needs a text in core/util/i18n_zh_CN.cpp, or a place on kEnglishOnly (not both)");
    }
    for (std::string_view k : only) CHECK_MESSAGE(en_keys.count(k), "English-only key that does not exist: " << k);
}

TEST_CASE("i18n: a Chinese text keeps the placeholders of its English text") {
    for (const Entry& zh : table("zh_CN")) {
        const std::string_view en = tr("en", zh.key);
        // An errno's English is strerror's words, passed as {0} (util/errno_text.hpp):
        // the Chinese text says the same in its own words instead of a value.
        if (zh.key.rfind("err.errno.", 0) == 0) {
            CHECK_MESSAGE(en == "{0}", zh.key);
            CHECK_MESSAGE(zh.text.find('{') == std::string_view::npos, zh.key);
            continue;
        }
        for (const char* ph : {"{0}", "{1}", "{2}"})
            CHECK_MESSAGE((en.find(ph) != std::string_view::npos) == (zh.text.find(ph) != std::string_view::npos),
                          zh.key << ": " << ph);
    }
}

TEST_CASE("i18n: display width counts a Chinese character as two columns") {
    CHECK(display_width("abc") == 3);
    CHECK(display_width("3 道题") == 6);
    CHECK(display_width("（没有）") == 8);
    CHECK(display_width("") == 0);
}
