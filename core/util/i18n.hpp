// The languages sendpath speaks, and its string table.
//
// English is the default and the fallback for anything a language lacks.
// A language is named by its POSIX locale code without the codeset
// ("zh_CN"): given explicitly (--lang zh_CN), or taken from the environment
// the way POSIX programs do (LC_ALL, then LC_MESSAGES, then LANG; "zh_CN.UTF-8"
// is zh_CN, anything else is English).
//
// The string table maps a key ("lessons.questions.other") to a text with
// {0}, {1} ... where values go. Kernel identifiers (tcp_sendmsg,
// sk_wmem_queued, new_segment) are never translated: they are words a
// student looks up in the kernel source, so every language spells them alike.
//
// Where the tables live: compiled in (i18n.cpp for English,
// i18n_zh_CN.cpp for Chinese), not data files under assets/. The texts are
// the program's own words, changed with the code that uses them; compiled in,
// a missing or stale table cannot happen at a user's desk (a test checks every
// key at build time instead), and the CLI's and GUI's messages stay readable
// when the data folder itself is what cannot be found. Lessons, which course
// authors edit without building, carry their translations in their own files.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sendpath::util::i18n {

inline constexpr std::string_view kEnglish = "en";

struct Language {
    std::string_view code;         // "en", "zh_CN"
    std::string_view native_name;  // the language's name in itself: "English", "简体中文"
};

// Every language sendpath has a table for, English first.
const std::vector<Language>& languages();
// "en, zh_CN": for messages naming what may be given.
std::string language_codes();
bool is_language(std::string_view code);

// An explicit choice (--lang): a language code, optionally with a codeset
// ("zh_CN.UTF-8"). nullopt for anything else; the caller says what was
// expected, naming language_codes().
std::optional<std::string> parse_language(std::string_view code);

// A locale value as the environment holds it ("zh_CN.UTF-8", "zh_CN",
// "C.UTF-8", "de_DE@euro", ""): a language sendpath has, else English.
std::string language_of_locale(std::string_view locale);
// The language from the environment: the first of LC_ALL, LC_MESSAGES, LANG
// that is set and not empty, through language_of_locale; English if none is.
std::string language_from_env();

// The text of key in lang; English when lang has no entry; the key itself
// when English has none either (a key used but never written, which shows).
std::string_view tr(std::string_view lang, std::string_view key);
// tr with {0}, {1} ... replaced by args, in order.
std::string trf(std::string_view lang, std::string_view key, std::initializer_list<std::string_view> args);
std::string trf(std::string_view lang, std::string_view key, const std::vector<std::string>& args);

// The columns a terminal gives the text: CJK ideographs, kana, Hangul and
// full-width forms take two, other characters one (for aligning CLI lists).
std::size_t display_width(std::string_view utf8);

// One entry of a table.
struct Entry {
    std::string_view key;
    std::string_view text;
};
// The table of a language (English is every key); empty for a language without one.
const std::vector<Entry>& table(std::string_view lang);
// English keys shown in English in every language on purpose: names, not words.
const std::vector<std::string_view>& english_only_keys();

}  // namespace sendpath::util::i18n
