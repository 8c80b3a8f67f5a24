// The InputError a call throws, caught once here rather than by a try/catch
// in every test that checks a message.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/errors.hpp"

namespace sptest {

// What an InputError said; thrown is false (and the strings empty) when none was thrown.
struct Caught {
    bool thrown = false;
    std::string file, place, expected;
    std::string message;  // what(): "file: place: expected"
    std::string zh;       // the same in Chinese, as the GUI in Chinese says it
    explicit operator bool() const { return thrown; }
};

// Runs f() and returns the InputError it threw. Any other exception goes on
// to the test, which then fails with it.
template <class F>
Caught input_error_of(F&& f) {
    try {
        (void)std::forward<F>(f)();
    } catch (const sendpath::InputError& e) {
        return {true, e.file(), e.place(), e.expected(), e.what(), e.text("zh_CN")};
    }
    return {};
}

// What a RuntimeError said, in English (what()) and in Chinese.
struct CaughtRuntime {
    bool thrown = false;
    std::string message;  // what()
    std::string zh;       // the same in Chinese, as the GUI in Chinese says it
    explicit operator bool() const { return thrown; }
};

// Runs f() and returns the RuntimeError it threw; anything else goes on to the test.
template <class F>
CaughtRuntime runtime_error_of(F&& f) {
    try {
        (void)std::forward<F>(f)();
    } catch (const sendpath::RuntimeError& e) { return {true, e.what(), e.text("zh_CN")}; }
    return {};
}

// The first English phrase left in a text meant to be in Chinese: two words
// of two or more ASCII letters with one space between them ("found first",
// "a byte"). Said alike in every language, and so skipped: the file name at
// the start, text in double quotes (values from the file, JSON keys), and
// names such as tcp_sendmsg, MAX_SKB_FRAGS or /events/3 (a word with a digit,
// '_', '/', '.' or '-' in it is a name, not English), and the few words the
// glossary keeps in Chinese texts (skb, id). Empty when there is none.
inline std::string english_phrase(std::string_view text, std::string_view file = {}) {
    if (!file.empty() && text.substr(0, file.size()) == file) text.remove_prefix(file.size());
    std::string s;
    bool quoted = false;
    for (char c : text) {
        if (c == '"') {
            quoted = !quoted;
            s += '"';
        } else if (!quoted) {
            s += c;
        }
    }
    auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    auto name_char = [&](char c) {
        return letter(c) || (c >= '0' && c <= '9') || c == '_' || c == '/' || c == '.' || c == '-' || c == '^';
    };
    // Words as [begin, end), each a run of name characters; `plain` when letters only.
    struct Word {
        std::size_t b, e;
        bool plain;
    };
    std::vector<Word> words;
    for (std::size_t i = 0; i < s.size();) {
        if (!name_char(s[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        bool plain = true;
        for (; j < s.size() && name_char(s[j]); ++j) plain = plain && letter(s[j]);
        // Words Chinese texts keep as they are (the glossary's "skb", ids, format names).
        static const std::vector<std::string_view> kKept = {"skb", "id", "CBOR", "JSON", "UTF", "GiB", "MiB"};
        const std::string_view w = std::string_view(s).substr(i, j - i);
        const bool kept = std::find(kKept.begin(), kKept.end(), w) != kKept.end();
        words.push_back({i, j, plain && !kept && j - i >= 2});
        i = j;
    }
    for (std::size_t k = 0; k + 1 < words.size(); ++k) {
        const Word &a = words[k], &b = words[k + 1];
        if (a.plain && b.plain && b.b == a.e + 1 && s[a.e] == ' ') return s.substr(a.b, b.e - a.b);
    }
    return {};
}

}  // namespace sptest
