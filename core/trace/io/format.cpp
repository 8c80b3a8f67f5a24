// The helpers every part of io/ shares (declared in detail.hpp): the JSON
// keys of each change op, texts and places for error messages, a whole frame
// for the writers, and the huge-page hint for big arrays. Kept apart so that
// each reader and writer holds only its own encoding.
#include "trace/io/detail.hpp"

#ifdef __linux__
#include <sys/mman.h>
#endif

#include "trace/emit_site.hpp"
#include "trace/trace_io.hpp"
#include "util/errors.hpp"

namespace sendpath::trace::io {

void advise_huge(const void* p, std::size_t bytes) {
#ifdef __linux__
    constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
    if (bytes < 2 * kHuge) return;
    const auto a = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t b = (a + kHuge - 1) & ~(kHuge - 1);
    const std::uintptr_t e = (a + bytes) & ~(kHuge - 1);
    if (e > b) (void)::madvise(reinterpret_cast<void*>(b), e - b, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

const std::vector<std::string_view>& change_keys(Op op) {
    static const auto table = [] {
        std::vector<std::vector<std::string_view>> all;
        for (std::size_t i = 0; i < static_cast<std::size_t>(Op::count_); ++i) {
            const Shape& s = kShapes[i];
            std::vector<std::string_view> k{"op"};
            if (s.target != TargetKind::none) k.push_back(target_key(s.target));
            if (s.field != FieldKind::none) k.push_back(field_key(s.field));
            if (s.value == ValueKind::frag) {
                k.insert(k.end(), {"page", "off", "size"});
            } else if (s.value != ValueKind::none) {
                k.push_back(value_key(s.value));
            }
            all.push_back(std::move(k));
        }
        return all;
    }();
    return table[static_cast<std::size_t>(op)];
}

void finish_read(Trace& t, const std::string& name) {
    validate_trace(t, name);
    resolve_site_lines(t);
    t.format_version = kFormatVersion;
}

std::string format_version_expected() { return format_version_expected_message().str(); }

util::Message format_version_expected_message() {
    return util::Message::of("err.trace.format_version_expected",
                             {std::to_string(kOldestFormatVersion), std::to_string(kFormatVersion)});
}

std::string range_text(int64_t lo, int64_t hi) { return range_message(lo, hi).str(); }

util::Message range_message(int64_t lo, int64_t hi) {
    using util::Message;
    if (hi < lo) return Message::of("err.trace.range.empty_table");
    if (lo == kI64Min && hi == kI64Max) return Message::of("err.trace.range.any");
    if (hi == kI64Max) return Message::of("err.trace.range.at_least", {std::to_string(lo)});
    return Message::of("err.trace.range.from_to", {std::to_string(lo), std::to_string(hi)});
}

std::string pointer_escape(std::string_view key) {
    std::string s;
    for (char c : key) {
        if (c == '~') s += "~0";
        else if (c == '/') s += "~1";
        else s += c;
    }
    return s;
}

std::string quote_short(std::string_view s) {
    std::string out = "\"";
    if (s.size() > 40) {
        out.append(s.substr(0, 40));
        out += "...";
    } else {
        out.append(s);
    }
    return out + "\"";
}

std::string ev_place(std::size_t i) { return "/events/" + std::to_string(i); }
std::string ch_place(std::size_t i, std::size_t j) { return ev_place(i) + "/changes/" + std::to_string(j); }
std::string fr_place(std::size_t k) { return "/frames/" + std::to_string(k); }

std::span<const uint8_t> whole_frame(const Trace& t, std::size_t k, std::vector<uint8_t>& scratch) {
    const auto bytes = t.frame_data(t.frames[k], scratch);
    if (bytes.size() != t.frames[k].length)
        throw InputError(kWriteName, fr_place(k) + "/hex", "the frame's payload in the send stream");
    return bytes;
}

std::string json_text(const json& j) {
    // Invalid UTF-8 is replaced rather than thrown on: a name from a broken
    // device must not make a whole recording unsavable.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}
std::string json_string(std::string_view s) { return json_text(json(std::string(s))); }

bool valid_utf8(std::string_view s) {
    std::size_t k = 0;
    while (k < s.size()) {
        const auto b = static_cast<uint8_t>(s[k]);
        if (b < 0x80) {
            ++k;
            continue;
        }
        // The length of the sequence and the range of its second byte (Unicode table 3-7).
        std::size_t n = 0;
        uint8_t lo = 0x80, hi = 0xbf;
        if (b >= 0xc2 && b <= 0xdf) n = 2;
        else if (b == 0xe0) n = 3, lo = 0xa0;
        else if (b >= 0xe1 && b <= 0xec) n = 3;
        else if (b == 0xed) n = 3, hi = 0x9f;  // no surrogates
        else if (b >= 0xee && b <= 0xef) n = 3;
        else if (b == 0xf0) n = 4, lo = 0x90;
        else if (b >= 0xf1 && b <= 0xf3) n = 4;
        else if (b == 0xf4) n = 4, hi = 0x8f;  // nothing past U+10FFFF
        else return false;
        if (s.size() - k < n) return false;
        const auto second = static_cast<uint8_t>(s[k + 1]);
        if (second < lo || second > hi) return false;
        for (std::size_t i = 2; i < n; ++i)
            if ((static_cast<uint8_t>(s[k + i]) & 0xc0) != 0x80) return false;
        k += n;
    }
    return true;
}

std::string utf8_replaced(std::string_view s) {
    if (valid_utf8(s)) return std::string(s);
    return json::parse(json_string(s)).get<std::string>();
}

}  // namespace sendpath::trace::io
