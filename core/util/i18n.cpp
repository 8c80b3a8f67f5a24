#include "util/i18n.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <unordered_map>

namespace sendpath::util::i18n {

namespace {

// English: every key, and the fallback of every other language.
const std::vector<Entry> kEnglishCore = {
    {"app.name", "sendpath"},
    {"lessons.header", "lessons in {0}:"},
    {"lessons.questions.one", "{0} question"},
    {"lessons.questions.other", "{0} questions"},
    {"lessons.none", "(no lesson files)"},
    {"lessons.needs_tap_trace", "[needs a recorded TAP trace: {0} is missing]"},
};

// "sendpath" is the program's name in every language.
const std::vector<std::string_view> kEnglishOnlyCore = {"app.name"};

const std::vector<Entry> kNoTable;

}  // namespace

// In i18n_zh_CN.cpp.
const std::vector<Entry>& zh_CN_table();
// The GUI's texts ("gui." keys): i18n_gui.cpp (English, and the GUI keys
// shown in English on purpose) and i18n_gui_zh_CN.cpp. Kept apart from the
// CLI's so each file stays one program's words; table() joins them, so the
// key-coverage test covers both.
const std::vector<Entry>& gui_en_table();
const std::vector<std::string_view>& gui_english_only_keys();
const std::vector<Entry>& gui_zh_CN_table();
// The input errors' texts ("err." keys, util/message.hpp): i18n_errors.cpp
// and i18n_errors_zh_CN.cpp, shared by the CLI and the GUI.
const std::vector<Entry>& errors_en_table();
const std::vector<std::string_view>& errors_english_only_keys();
const std::vector<Entry>& errors_zh_CN_table();

namespace {

std::vector<Entry> joined(std::initializer_list<const std::vector<Entry>*> tables) {
    std::vector<Entry> out;
    for (const auto* t : tables) out.insert(out.end(), t->begin(), t->end());
    return out;
}

const std::vector<Entry>& english_table() {
    static const std::vector<Entry> kTable = joined({&kEnglishCore, &gui_en_table(), &errors_en_table()});
    return kTable;
}

const std::vector<Entry>& chinese_table() {
    static const std::vector<Entry> kTable = joined({&zh_CN_table(), &gui_zh_CN_table(), &errors_zh_CN_table()});
    return kTable;
}

// tr() runs for every label of every GUI frame: a hash index per table
// instead of a scan of several hundred entries.
using Index = std::unordered_map<std::string_view, std::string_view>;
Index index_of(const std::vector<Entry>& t) {
    Index idx;
    for (const Entry& e : t) idx.emplace(e.key, e.text);
    return idx;
}

const Index* index_for(std::string_view lang) {
    static const Index kEnglishIndex = index_of(english_table());
    static const Index kChineseIndex = index_of(chinese_table());
    if (lang == kEnglish) return &kEnglishIndex;
    if (lang == "zh_CN") return &kChineseIndex;
    return nullptr;
}

}  // namespace

const std::vector<Language>& languages() {
    static const std::vector<Language> kLanguages = {{"en", "English"}, {"zh_CN", "简体中文"}};
    return kLanguages;
}

std::string language_codes() {
    std::string out;
    for (const Language& l : languages()) out += (out.empty() ? "" : ", ") + std::string(l.code);
    return out;
}

bool is_language(std::string_view code) {
    const auto& ls = languages();
    return std::any_of(ls.begin(), ls.end(), [&](const Language& l) { return l.code == code; });
}

std::optional<std::string> parse_language(std::string_view code) {
    const std::size_t dot = code.find('.');
    if (dot != std::string_view::npos) {
        // Only the codesets a UTF-8 program can honour: the texts are UTF-8.
        std::string cs(code.substr(dot + 1));
        for (char& c : cs) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (cs != "utf-8" && cs != "utf8") return std::nullopt;
        code = code.substr(0, dot);
    }
    if (!is_language(code)) return std::nullopt;
    return std::string(code);
}

std::string language_of_locale(std::string_view locale) {
    // language[_territory][.codeset][@modifier]: the codeset and modifier do
    // not change which texts are wanted.
    const std::size_t cut = locale.find_first_of(".@");
    const std::string_view base = locale.substr(0, cut);
    if (base != kEnglish && is_language(base)) return std::string(base);
    return std::string(kEnglish);
}

std::string language_from_env() {
    // POSIX order: LC_ALL overrides LC_MESSAGES, which overrides LANG.
    for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"})
        if (const char* v = std::getenv(var); v && *v) return language_of_locale(v);
    return std::string(kEnglish);
}

const std::vector<Entry>& table(std::string_view lang) {
    if (lang == kEnglish) return english_table();
    if (lang == "zh_CN") return chinese_table();
    return kNoTable;
}

const std::vector<std::string_view>& english_only_keys() {
    static const std::vector<std::string_view> kKeys = [] {
        std::vector<std::string_view> k(kEnglishOnlyCore);
        const auto& gui = gui_english_only_keys();
        k.insert(k.end(), gui.begin(), gui.end());
        const auto& errors = errors_english_only_keys();
        k.insert(k.end(), errors.begin(), errors.end());
        return k;
    }();
    return kKeys;
}

std::string_view tr(std::string_view lang, std::string_view key) {
    if (lang != kEnglish)
        if (const Index* idx = index_for(lang))
            if (auto it = idx->find(key); it != idx->end()) return it->second;
    const Index* en = index_for(kEnglish);
    if (auto it = en->find(key); it != en->end()) return it->second;
    return key;
}

namespace {
// pattern with {n} replaced by args[n] (n < count); other braces kept as they are.
template <typename Get>
std::string fill(std::string_view pattern, std::size_t count, Get arg) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '{') {
            const std::size_t close = pattern.find('}', i);
            if (close != std::string_view::npos && close > i + 1) {
                const std::string_view num = pattern.substr(i + 1, close - i - 1);
                if (std::all_of(num.begin(), num.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                    const std::size_t n = static_cast<std::size_t>(std::stoul(std::string(num)));
                    if (n < count) {
                        out += arg(n);
                        i = close;
                        continue;
                    }
                }
            }
        }
        out += pattern[i];
    }
    return out;
}
}  // namespace

std::string trf(std::string_view lang, std::string_view key, std::initializer_list<std::string_view> args) {
    return fill(tr(lang, key), args.size(), [&](std::size_t n) { return *(args.begin() + n); });
}

std::string trf(std::string_view lang, std::string_view key, const std::vector<std::string>& args) {
    return fill(tr(lang, key), args.size(), [&](std::size_t n) -> std::string_view { return args[n]; });
}

std::size_t display_width(std::string_view s) {
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
        char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (std::size_t k = 1; k < n && i + k < s.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        i += n;
        const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                          (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                          (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                          (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
        w += wide ? 2 : 1;
    }
    return w;
}

}  // namespace sendpath::util::i18n
