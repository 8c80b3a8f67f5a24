#include "lesson/lint.hpp"

#include <array>
#include <cctype>
#include <cstdlib>
#include <set>
#include <string_view>

namespace sendpath::lesson {

namespace {

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The words of a text (letters, digits, '_'), lower case, in order, each with its offset.
struct Word {
    std::string text;
    std::size_t at = 0;
};
std::vector<Word> words(std::string_view s) {
    std::vector<Word> out;
    for (std::size_t i = 0; i < s.size();) {
        if (!is_word_char(s[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < s.size() && is_word_char(s[j])) ++j;
        out.push_back(Word{lower(s.substr(i, j - i)), i});
        i = j;
    }
    return out;
}

// A few words either side of s[at, at + len), for the message.
std::string excerpt(std::string_view s, std::size_t at, std::size_t len) {
    constexpr std::size_t kSide = 40;
    std::size_t b = at > kSide ? at - kSide : 0;
    std::size_t e = std::min(s.size(), at + len + kSide);
    // Back to a space; a text without spaces (Chinese) is cut between two
    // UTF-8 characters instead, never inside one.
    auto cont = [&](std::size_t i) { return (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80; };
    const std::size_t b0 = b, e0 = e;
    while (b > 0 && s[b - 1] != ' ' && b0 - b < kSide) --b;
    if (b > 0 && s[b - 1] != ' ')
        for (b = b0; b > 0 && cont(b);) --b;
    while (e < s.size() && s[e] != ' ' && e - e0 < kSide) ++e;
    if (e < s.size() && s[e] != ' ')
        for (e = e0; e < s.size() && cont(e);) ++e;
    std::string out = (b > 0 ? "..." : "") + std::string(s.substr(b, e - b)) + (e < s.size() ? "..." : "");
    return out;
}

constexpr std::array<std::string_view, 13> kNumberWords = {"zero",  "one",   "two",  "three", "four",   "five",  "six",
                                                           "seven", "eight", "nine", "ten",   "eleven", "twelve"};

// Where the text states the number n: as digits standing alone (not part of
// a longer number, a decimal or a name), or spelled out from two to twelve.
// npos if nowhere; len gets the length of what matched.
std::size_t find_number(std::string_view text, int64_t n, std::size_t& len) {
    if (n >= -1 && n <= 1) return std::string_view::npos;  // "fragment 0", "copy <= 0", "one skb": everywhere
    // The magnitude as unsigned: -INT64_MIN has no int64_t.
    const std::string digits =
        std::to_string(n < 0 ? uint64_t(0) - static_cast<uint64_t>(n) : static_cast<uint64_t>(n));
    for (std::size_t i = text.find(digits); i != std::string_view::npos; i = text.find(digits, i + 1)) {
        const std::size_t end = i + digits.size();
        const bool joined_before =
            i > 0 && (is_word_char(text[i - 1]) ||
                      (text[i - 1] == '.' && i > 1 && std::isdigit(static_cast<unsigned char>(text[i - 2]))));
        const bool joined_after =
            end < text.size() && (is_word_char(text[end]) || (text[end] == '.' && end + 1 < text.size() &&
                                                              std::isdigit(static_cast<unsigned char>(text[end + 1]))));
        if (joined_before || joined_after) continue;
        const bool negative = i > 0 && text[i - 1] == '-';
        if (negative != (n < 0)) continue;
        len = digits.size() + (negative ? 1 : 0);
        return negative ? i - 1 : i;
    }
    if (n >= 0 && n < static_cast<int64_t>(kNumberWords.size())) {  // no word for a negative answer
        for (const Word& w : words(text))
            if (w.text == kNumberWords[static_cast<std::size_t>(n)]) {
                len = w.text.size();
                return w.at;
            }
    }
    return std::string_view::npos;
}

// Chinese numerals, UTF-8, for the spelled-out numbers two to twelve.
constexpr std::string_view kZhDigits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

bool starts_with_zh_numeral(std::string_view s) {
    if (s.rfind("两", 0) == 0 || s.rfind("百", 0) == 0 || s.rfind("千", 0) == 0 || s.rfind("万", 0) == 0) return true;
    for (std::string_view d : kZhDigits)
        if (s.rfind(d, 0) == 0) return true;
    return false;
}
bool ends_with_zh_numeral_or_ordinal(std::string_view s) {
    auto ends = [&](std::string_view t) { return s.size() >= t.size() && s.substr(s.size() - t.size()) == t; };
    if (ends("两") || ends("百") || ends("千") || ends("万") || ends("第")) return true;  // 第三: "third", not three
    for (std::string_view d : kZhDigits)
        if (ends(d)) return true;
    return false;
}

// Where a Chinese text spells out n (two to twelve: 二 or 两, 三 ... 十二) as a
// number of its own: not part of a longer numeral (十三, 二十) and not an
// ordinal (第二). Digits are found by find_number, as in English.
std::size_t find_zh_number(std::string_view text, int64_t n, std::size_t& len) {
    if (n < 2 || n > 12) return std::string_view::npos;
    std::vector<std::string> spellings;
    if (n <= 10) spellings.push_back(std::string(kZhDigits[n]));
    else spellings.push_back(std::string("十") + std::string(kZhDigits[n - 10]));
    if (n == 2) spellings.push_back("两");
    for (const std::string& w : spellings)
        for (std::size_t i = text.find(w); i != std::string_view::npos; i = text.find(w, i + 1)) {
            const std::string_view before = text.substr(0, i), after = text.substr(i + w.size());
            // 三分之一 ("a third") and 三分之二 ("two thirds") state no count.
            const bool fraction =
                after.rfind("分之", 0) == 0 || (before.size() >= 6 && before.substr(before.size() - 6) == "分之");
            if (fraction || ends_with_zh_numeral_or_ordinal(before) || starts_with_zh_numeral(after)) continue;
            len = w.size();
            return i;
        }
    return std::string_view::npos;
}

// Where the text names the event kind as a word of its own.
std::size_t find_kind(std::string_view text, trace::Kind k, std::size_t& len) {
    const std::string name(trace::kind_name(k));
    for (const Word& w : words(text))
        if (w.text == name) {
            len = name.size();
            return w.at;
        }
    return std::string_view::npos;
}

struct EventArg {
    trace::Arg arg;
    int64_t value;
};
std::vector<EventArg> event_args(const trace::Trace& t, std::size_t i) {
    std::vector<EventArg> out;
    const trace::Event& e = t.events[i];
    for (const trace::Change* c = t.changes_begin(e); c != t.changes_end(e); ++c)
        if (c->op == trace::Op::arg) out.push_back(EventArg{static_cast<trace::Arg>(c->field), c->value});
    return out;
}

std::string event_name(const trace::Trace& t, std::size_t i) {
    return "event " + std::to_string(i) + " (" + std::string(trace::kind_name(t.events[i].kind)) + ")";
}

// Arguments that number things (an skb, a page, a frame, an iovec, a call)
// rather than measure them: equal to a small answer by chance, not a statement of it.
bool is_id_arg(trace::Arg a) {
    using trace::Arg;
    return a == Arg::skb || a == Arg::page || a == Arg::frame || a == Arg::iov || a == Arg::call;
}

// The arguments a question is about: those its answer reads (arg(NAME, ...))
// and those its prompt names ("What mss_now ..."; only names with a '_', as
// "bytes" or "size" are ordinary words).
std::set<trace::Arg> question_args(const Question& q) {
    std::set<trace::Arg> out;
    const std::string& expr = q.answer.text();
    for (std::size_t i = expr.find("arg("); i != std::string::npos; i = expr.find("arg(", i + 1)) {
        if (i > 0 && is_word_char(expr[i - 1])) continue;  // "xarg(" is another name
        std::size_t b = i + 4;
        while (b < expr.size() && expr[b] == ' ') ++b;
        std::size_t e = b;
        while (e < expr.size() && is_word_char(expr[e])) ++e;
        trace::Arg a{};
        if (trace::arg_by_name(expr.substr(b, e - b), a)) out.insert(a);
    }
    std::vector<const std::string*> prompts{&q.prompt};
    for (const auto& [lang, text] : q.prompt_in) prompts.push_back(&text);
    for (const std::string* prompt : prompts)
        for (const Word& w : words(*prompt)) {
            trace::Arg a{};
            if (w.text.find('_') != std::string::npos && trace::arg_by_name(w.text, a)) out.insert(a);
        }
    return out;
}

// The step on screen at event i: the latest step at or before it (of two at
// the same event, the later one), as the GUI's Lesson window shows it.
int step_at(const AnswerKey& key, std::size_t i) {
    int last = -1;
    for (std::size_t s = 0; s < key.step_events.size(); ++s)
        if (key.step_events[s] <= i &&
            (last < 0 || key.step_events[s] >= key.step_events[static_cast<std::size_t>(last)]))
            last = static_cast<int>(s);
    return last;
}

}  // namespace

std::string Leak::text(const std::string& file) const {
    return file + ": " + pointer + " (" + question + "): the answer " + answer +
           " is on screen when the question is asked: " + where + " shows " + shown;
}

std::vector<Leak> find_leaks(const Lesson& lesson, const AnswerKey& key, const trace::Trace& trace) {
    std::vector<Leak> out;
    for (std::size_t qi = 0; qi < lesson.questions.size() && qi < key.questions.size(); ++qi) {
        const Question& q = lesson.questions[qi];
        const KeyQuestion& k = key.questions[qi];
        if (q.type == QuestionType::choice) continue;
        const bool number = q.type == QuestionType::number;
        const std::string answer = number ? std::to_string(k.number) : std::string(trace::kind_name(k.kind));
        auto leak = [&](std::string where, std::string shown) {
            out.push_back(Leak{q.id, q.pointer, std::move(where), std::move(shown), answer});
        };

        // The step text on screen, in every language the step is written in.
        const int s = step_at(key, k.event);
        if (s >= 0) {
            const Step& step = lesson.steps[static_cast<std::size_t>(s)];
            std::vector<std::pair<std::string, const std::string*>> texts{{"", &step.text}};
            for (const auto& [lang, text] : step.text_in) texts.push_back({lang + " ", &text});
            for (const auto& [lang, text] : texts) {
                std::size_t len = 0;
                std::size_t at = number ? find_number(*text, k.number, len) : find_kind(*text, k.kind, len);
                if (at == std::string_view::npos && number && lang == "zh_CN ")
                    at = find_zh_number(*text, k.number, len);
                if (at != std::string_view::npos)
                    leak("the " + lang + "text of step " + step.pointer + " (shown from event " +
                             std::to_string(key.step_events[static_cast<std::size_t>(s)]) + ")",
                         "\"" + excerpt(*text, at, len) + "\"");
            }
        }
        if (!number || k.event >= trace.events.size()) continue;

        // The event header: every argument of the question's event is in it.
        // Zero and one, and ids, only count for an argument the question is about.
        const std::set<trace::Arg> about = question_args(q);
        const bool small = k.number >= -1 && k.number <= 1;
        std::set<trace::Arg> reported;
        for (const EventArg& a : event_args(trace, k.event))
            if (a.value == k.number && (about.count(a.arg) || (!small && !is_id_arg(a.arg)))) {
                leak("the event header of " + event_name(trace, k.event),
                     std::string(trace::arg_name(a.arg)) + "=" + std::to_string(a.value));
                reported.insert(a.arg);
            }

        // Arguments the question is about, in the Events list's rows up to the
        // question's event: the latest one that states the answer.
        if (about.empty()) continue;
        std::set<trace::Arg> found;
        for (std::size_t i = k.event; i-- > 0 && found.size() < about.size();) {
            for (const EventArg& a : event_args(trace, i)) {
                if (a.value != k.number || !about.count(a.arg) || found.count(a.arg) || reported.count(a.arg)) continue;
                found.insert(a.arg);
                leak("the Events list's row of " + event_name(trace, i),
                     std::string(trace::arg_name(a.arg)) + "=" + std::to_string(a.value));
            }
        }
    }
    return out;
}

}  // namespace sendpath::lesson
