// Checked reading of JSON input files (scenarios, engine options).
//
// Every reader takes the JSON pointer of the value it reads and throws
// InputError(file, pointer, "expected ..., got ...") on anything off, so a
// message always says where the bad value is and what would have been fine.
// Unknown keys are errors: a typo must not silently fall back to a default.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/message.hpp"

namespace sendpath::lesson::json_read {

using nlohmann::json;

inline constexpr int64_t kGiB = int64_t{1} << 30;
inline constexpr int64_t kIntMax = 2147483647;            // a C int, as setsockopt and sysctls take
inline constexpr int64_t kMaxTimeUs = 1'000'000'000'000;  // 10^6 s: far beyond any useful run

// "/a/b" + key, with '~' and '/' escaped as RFC 6901 says.
std::string child(const std::string& ptr, std::string_view key);
std::string child(const std::string& ptr, std::size_t index);

// A short rendering of a value for "got ..." (strings quoted, long ones cut).
std::string describe(const json& v);
// The same as a text of the string table ("an empty list" in the user's language).
util::Message describe_message(const json& v);

// Parses JSON text. Syntax errors become InputError(file, "line L, column C",
// "expected valid JSON: <reason>"); a key given twice in one object is an error
// too (the JSON library would silently keep the last one).
json parse_text(std::string_view text, const std::string& file);
// Reads a whole file (at most max_bytes) or throws InputError naming it.
std::string read_file(const std::string& path, std::size_t max_bytes = std::size_t{64} << 20);

class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}
    const std::string& file() const { return file_; }

    // `what` and `expected` are string-table texts or literals (util/message.hpp).
    [[noreturn]] void fail(const std::string& ptr, const util::Message& expected) const;
    // "expected <what>, got <describe(v)>"
    [[noreturn]] void fail_got(const std::string& ptr, const util::Message& what, const json& v) const;

    // j must be an object whose keys are all in `allowed`.
    void object(const json& j, const std::string& ptr, const util::Message& what,
                std::initializer_list<std::string_view> allowed) const;

    // An integer (or a float with an integral value) in [lo, hi]; `what` names
    // the quantity ("a byte count"), the range is appended to the message.
    int64_t integer(const json& v, const std::string& ptr, int64_t lo, int64_t hi, const util::Message& what) const;
    bool boolean(const json& v, const std::string& ptr) const;
    std::string string(const json& v, const std::string& ptr, const util::Message& what) const;
    // One of `choices`.
    std::string choice(const json& v, const std::string& ptr, std::initializer_list<std::string_view> choices) const;

    // A time under `base`_us or `base`_ms (not both) in obj; nullopt if neither
    // key is there. A null value is also nullopt when null_ok. Milliseconds may
    // have up to three decimals. The result is in microseconds, in [lo_us, hi_us].
    std::optional<int64_t> time(const json& obj, const std::string& ptr, std::string_view base, int64_t lo_us,
                                int64_t hi_us, bool null_ok = false) const;
    // Which of base_us / base_ms is present ("" if none).
    static std::string time_key(const json& obj, std::string_view base);
    // A time value already located at ptr, in the unit the key names (us or ms).
    int64_t time_value(const json& v, const std::string& ptr, bool in_ms, int64_t lo_us, int64_t hi_us) const;

private:
    std::string file_;
};

}  // namespace sendpath::lesson::json_read
