#include "lesson/json_read.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <span>
#include <vector>

#include "util/errors.hpp"
#include "util/names.hpp"

namespace sendpath::lesson::json_read {

std::string child(const std::string& ptr, std::string_view key) {
    std::string out = ptr + "/";
    for (char c : key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

std::string child(const std::string& ptr, std::size_t index) { return ptr + "/" + std::to_string(index); }

std::string describe(const json& v) { return describe_message(v).str(); }

util::Message describe_message(const json& v) {
    using util::Message;
    switch (v.type()) {
        case json::value_t::object: return Message::of(v.empty() ? "err.val.empty_object" : "err.val.object");
        case json::value_t::array:
            return v.empty() ? Message::of("err.val.empty_list")
                             : Message::of("err.val.list_of", {std::to_string(v.size())});
        case json::value_t::discarded: return Message::of("err.val.nothing");
        default: break;
    }
    std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
    if (s.size() > 60) {
        // Cut before a character, never inside one: messages go into JSON
        // (grade --json), which takes only whole UTF-8 (found by tests/fuzz).
        std::size_t cut = 57;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
        s = s.substr(0, cut) + "...";
    }
    return s;
}

// "<what> from <lo> to <hi>"
util::Message in_range(const util::Message& what, int64_t lo, int64_t hi) {
    return util::Message::of("err.what.range", {what, std::to_string(lo), std::to_string(hi)});
}

namespace {

// "line L, column C" (the JSON library's words, and ours) as a string-table
// text; any other place as it is.
util::Message line_column_message(const std::string& place) {
    unsigned long line = 0, column = 0;
    int used = 0;
    if (std::sscanf(place.c_str(), "line %lu, column %lu%n", &line, &column, &used) == 2 &&
        static_cast<std::size_t>(used) == place.size())
        return util::Message::of("err.place.line_column", {std::to_string(line), std::to_string(column)});
    return place;
}

// Tracks where the parser is (as a JSON pointer) to name a duplicated key.
class DuplicateKeys {
public:
    explicit DuplicateKeys(const std::string& file) : file_(file) {}

    void on(json::parse_event_t ev, const json& parsed) {
        switch (ev) {
            case json::parse_event_t::object_start: levels_.push_back({true, {}, {}, 0}); break;
            case json::parse_event_t::array_start: levels_.push_back({false, {}, {}, 0}); break;
            case json::parse_event_t::key: {
                Level& top = levels_.back();
                top.key = parsed.get<std::string>();
                if (!top.keys.insert(top.key).second)
                    throw InputError(file_, pointer(), util::Message::of("err.json.duplicate_key", {top.key}));
                break;
            }
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                levels_.pop_back();
                element_done();
                break;
            case json::parse_event_t::value: element_done(); break;
        }
    }

private:
    struct Level {
        bool object;
        std::set<std::string> keys;
        std::string key;
        std::size_t index;
    };
    void element_done() {
        if (!levels_.empty() && !levels_.back().object) ++levels_.back().index;
    }
    std::string pointer() const {
        std::string p;
        for (const Level& l : levels_) p = l.object ? child(p, l.key) : child(p, l.index);
        return p;
    }
    const std::string& file_;
    std::vector<Level> levels_;
};

}  // namespace

json parse_text(std::string_view text, const std::string& file) {
    DuplicateKeys dup(file);
    json::parser_callback_t cb = [&dup](int /*depth*/, json::parse_event_t ev, json& parsed) {
        dup.on(ev, parsed);
        return true;
    };
    try {
        return json::parse(text.begin(), text.end(), cb);
    } catch (const json::parse_error& e) {
        // The library's message reads "[json.exception.parse_error.101] parse
        // error at line L, column C: <reason>"; keep the place and the reason.
        std::string what = e.what();
        std::string place, reason = what;
        const std::string marker = "parse error at ";
        if (auto at = what.find(marker); at != std::string::npos) {
            auto colon = what.find(": ", at);
            if (colon != std::string::npos) {
                place = what.substr(at + marker.size(), colon - at - marker.size());
                reason = what.substr(colon + 2);
            }
        }
        if (place.rfind("line ", 0) != 0) {
            // No line in the message: count it from the byte offset.
            std::size_t byte = std::min<std::size_t>(e.byte, text.size());
            std::size_t line = 1, col = 0;
            for (std::size_t i = 0; i < byte; ++i) {
                if (text[i] == '\n') {
                    ++line;
                    col = 0;
                } else {
                    ++col;
                }
            }
            place = "line " + std::to_string(line) + ", column " + std::to_string(col);
        }
        throw InputError(file, line_column_message(place), util::Message::of("err.json.syntax", {reason}));
    } catch (const json::out_of_range& e) {
        // A number too large for a double ("1e400"): the library names the
        // token but not where it is, so the first place it occurs is named.
        // Found by the fuzz tests (tests/fuzz): it used to escape as a crash.
        const std::string what = e.what();
        const std::string marker = "parsing '";
        std::string token;
        if (auto at = what.find(marker); at != std::string::npos) {
            const auto end = what.find('\'', at + marker.size());
            token = what.substr(at + marker.size(),
                                end == std::string::npos ? std::string::npos : end - at - marker.size());
        }
        std::string place;
        if (const auto at = token.empty() ? std::string_view::npos : text.find(token); at != std::string_view::npos) {
            std::size_t line = 1, line_start = 0;
            for (std::size_t i = 0; i < at; ++i)
                if (text[i] == '\n') {
                    ++line;
                    line_start = i + 1;
                }
            place = "line " + std::to_string(line) + ", column " + std::to_string(at - line_start + 1);
        }
        const std::string shown = token.size() > 40 ? token.substr(0, 40) + "..." : token;
        throw InputError(file, line_column_message(place), util::Message::of("err.json.number_too_big", {shown}));
    }
}

std::string read_file(const std::string& path, std::size_t max_bytes) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw InputError(path, "", util::Message::of("err.file.got_directory"));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "", util::Message::of("err.file.unreadable", {std::strerror(errno)}));
    std::string text;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_bytes)
            throw InputError(path, "", util::Message::of("err.file.too_big", {std::to_string(max_bytes)}));
    }
    if (in.bad()) throw InputError(path, "", util::Message::of("err.file.unreadable", {std::strerror(errno)}));
    return text;
}

void Reader::fail(const std::string& ptr, const util::Message& expected) const {
    throw InputError(file_, ptr, expected);
}

void Reader::fail_got(const std::string& ptr, const util::Message& what, const json& v) const {
    fail(ptr, util::Message::of("err.expected_got", {what, describe_message(v)}));
}

void Reader::object(const json& j, const std::string& ptr, const util::Message& what,
                    std::initializer_list<std::string_view> allowed) const {
    if (!j.is_object()) fail_got(ptr, util::Message::of("err.what.json_object", {what}), j);
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& key = it.key();
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
        const std::span<const std::string_view> names(allowed.begin(), allowed.size());
        const std::string best(util::closest_name(key, names));
        fail(child(ptr, key), best.empty()
                                  ? util::Message::of("err.unknown_key", {key, util::join(names)})
                                  : util::Message::of("err.unknown_key_did_you_mean", {key, best, util::join(names)}));
    }
}

int64_t Reader::integer(const json& v, const std::string& ptr, int64_t lo, int64_t hi,
                        const util::Message& what) const {
    const util::Message expected = in_range(what, lo, hi);
    int64_t x = 0;
    if (v.is_number_unsigned()) {
        auto u = v.get<uint64_t>();
        if (u > static_cast<uint64_t>(INT64_MAX)) fail_got(ptr, expected, v);
        x = static_cast<int64_t>(u);
    } else if (v.is_number_integer()) {
        x = v.get<int64_t>();
    } else if (v.is_number_float()) {
        // 1e6 and 4096.0 are fine; 1.5 bytes is not.
        double d = v.get<double>();
        if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e18) fail_got(ptr, expected, v);
        x = static_cast<int64_t>(d);
    } else {
        fail_got(ptr, expected, v);
    }
    if (x < lo || x > hi) fail_got(ptr, expected, v);
    return x;
}

bool Reader::boolean(const json& v, const std::string& ptr) const {
    if (!v.is_boolean()) fail_got(ptr, util::Message::of("err.what.bool"), v);
    return v.get<bool>();
}

std::string Reader::string(const json& v, const std::string& ptr, const util::Message& what) const {
    if (!v.is_string()) fail_got(ptr, what, v);
    return v.get<std::string>();
}

std::string Reader::choice(const json& v, const std::string& ptr,
                           std::initializer_list<std::string_view> choices) const {
    std::string list;
    for (std::string_view c : choices) {
        if (!list.empty()) list += ", ";
        list += "\"" + std::string(c) + "\"";
    }
    const util::Message what = util::Message::of("err.what.one_of", {list});
    if (!v.is_string()) fail_got(ptr, what, v);
    const auto& s = v.get_ref<const std::string&>();
    if (std::find(choices.begin(), choices.end(), s) == choices.end()) fail_got(ptr, what, v);
    return s;
}

std::string Reader::time_key(const json& obj, std::string_view base) {
    std::string us = std::string(base) + "_us", ms = std::string(base) + "_ms";
    if (obj.contains(us)) return us;
    if (obj.contains(ms)) return ms;
    return {};
}

int64_t Reader::time_value(const json& v, const std::string& ptr, bool in_ms, int64_t lo_us, int64_t hi_us) const {
    if (!in_ms) return integer(v, ptr, lo_us, hi_us, util::Message::of("err.what.time_us"));
    const util::Message expected = in_range(util::Message::of("err.what.time_ms"), lo_us / 1000, hi_us / 1000);
    if (!v.is_number()) fail_got(ptr, expected, v);
    double us = v.get<double>() * 1000.0;
    if (!std::isfinite(us) || us < static_cast<double>(lo_us) - 0.5 || us > static_cast<double>(hi_us) + 0.5)
        fail_got(ptr, expected, v);
    double r = std::round(us);
    if (std::fabs(us - r) > 1e-6) fail_got(ptr, util::Message::of("err.what.time_ms_decimals"), v);
    return std::clamp(static_cast<int64_t>(r), lo_us, hi_us);
}

std::optional<int64_t> Reader::time(const json& obj, const std::string& ptr, std::string_view base, int64_t lo_us,
                                    int64_t hi_us, bool null_ok) const {
    const std::string us = std::string(base) + "_us", ms = std::string(base) + "_ms";
    const bool has_us = obj.contains(us), has_ms = obj.contains(ms);
    if (has_us && has_ms) fail(child(ptr, ms), util::Message::of("err.either_not_both", {ms, us}));
    if (!has_us && !has_ms) return std::nullopt;
    const std::string& key = has_us ? us : ms;
    const json& v = obj.at(key);
    if (null_ok && v.is_null()) return std::nullopt;
    return time_value(v, child(ptr, key), has_ms, lo_us, hi_us);
}

}  // namespace sendpath::lesson::json_read
