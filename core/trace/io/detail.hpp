// What the trace file code in io/ shares, and nothing outside io/ includes.
//
// trace_io.hpp is the public face (read, write, validate a trace); the files
// here are its parts, one per job: format.cpp (the shared helpers below),
// validate.cpp, json_write.cpp, json_read.cpp (the general JSON reader),
// json_fast.cpp (the fast path for the JSON the writer puts), cbor_write.cpp,
// cbor_read.cpp, files.cpp (load and save) and csv.cpp.
//
// Both writers stream: a trace can hold millions of events, so neither builds
// one nlohmann::json for the whole file. nlohmann is used only for the small
// pieces (the scenario and options objects, string escaping). Both readers
// check every value against the name tables (name_table.hpp) and the ranges
// of event.hpp and state.hpp, then run validate_trace for the
// cross-references, so a trace that loads is one Replay can apply. The format
// is documented in README.md ("Trace files") and assets/trace.schema.json.
//
// Declared here is what more than one part needs: the format's limits, the
// shape of each change op, places in a file for messages, and the output
// buffer. The small helpers the readers and writers call for every value are
// inline, as they were when all of this was one file.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "trace/event.hpp"
#include "trace/name_table.hpp"
#include "util/message.hpp"

namespace sendpath::trace::io {

using nlohmann::json;

constexpr std::string_view kFormatName = "sendpath-trace";
constexpr int64_t kMaxDepth = 31;         // the Recorder's call stack is 32 deep
constexpr std::size_t kMaxFiles = 256;    // Event::file is a uint8_t
constexpr std::size_t kMaxNesting = 256;  // deeper JSON/CBOR is refused (protects the recursive parts of nlohmann)
constexpr std::size_t kFlushAt = 1 << 16;
constexpr int64_t kU32Max = 0xffffffff;
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kMaxLine = 0xffff;  // Event::line is 16 bits; no engine file comes near
// The name validate_trace uses when the writers check a trace in memory.
inline const std::string kWriteName = "trace to write";

// ---------------------------------------------------------------- big buffers

// A million-event trace is hundreds of MiB (frame bytes mostly). Fresh memory
// is paid page by page on first touch, and with 4 KiB pages those faults were
// most of the time a load took; asking for transparent huge pages on the big
// arrays makes them cheap (Linux only; elsewhere, or if refused, nothing changes).
void advise_huge(const void* p, std::size_t bytes);
// Reserves room for n elements of an empty vector (an upper bound is fine:
// capacity never touched costs address space only).
template <class T>
void reserve_big(std::vector<T>& v, std::size_t n) {
    if (n <= v.capacity()) return;
    v.reserve(n);
    advise_huge(v.data(), v.capacity() * sizeof(T));
}

// ---------------------------------------------------------------- change shapes

// Which of Change's members an op uses, and under which JSON keys.
enum class FieldKind : uint8_t { none, sock, skb, frag_index, arg };
enum class TargetKind : uint8_t { none, skb, page };
enum class ValueKind : uint8_t { none, value, after, count, frag };
struct Shape {
    FieldKind field;
    TargetKind target;
    ValueKind value;
};
inline constexpr Shape kShapes[] = {
    {FieldKind::sock, TargetKind::none, ValueKind::value},      // sock_set
    {FieldKind::none, TargetKind::skb, ValueKind::none},        // skb_new
    {FieldKind::skb, TargetKind::skb, ValueKind::value},        // skb_set
    {FieldKind::frag_index, TargetKind::skb, ValueKind::frag},  // skb_frag
    {FieldKind::none, TargetKind::skb, ValueKind::after},       // skb_link
    {FieldKind::none, TargetKind::skb, ValueKind::none},        // skb_unlink
    {FieldKind::none, TargetKind::skb, ValueKind::none},        // skb_free
    {FieldKind::none, TargetKind::page, ValueKind::none},       // page_new
    {FieldKind::none, TargetKind::page, ValueKind::count},      // page_set
    {FieldKind::none, TargetKind::page, ValueKind::none},       // page_free
    {FieldKind::arg, TargetKind::none, ValueKind::value},       // arg
};
static_assert(std::size(kShapes) == static_cast<std::size_t>(Op::count_));
inline const Shape& shape(Op op) { return kShapes[static_cast<std::size_t>(op)]; }

inline std::string_view target_key(TargetKind k) { return k == TargetKind::skb ? "skb" : "page"; }
inline std::string_view field_key(FieldKind k) {
    return k == FieldKind::frag_index ? "index" : k == FieldKind::arg ? "arg" : "field";
}
inline std::string_view value_key(ValueKind k) {
    return k == ValueKind::after ? "after" : k == ValueKind::count ? "count" : "value";
}
inline const NameTable& field_names(FieldKind k) {
    return k == FieldKind::sock ? sock_field_names() : k == FieldKind::skb ? skb_field_names() : arg_names();
}

// JSON keys of a change, in the order the writer puts them; the CBOR
// operands follow the same order.
const std::vector<std::string_view>& change_keys(Op op);
// Number of CBOR operands after the op id.
inline std::size_t operand_count(Op op) { return change_keys(op).size() - 1; }

// ---------------------------------------------------------------- CBOR delta coding

// Delta coding of the CBOR form: skb and page ids are written as the
// difference from the previous skb (page) id, and socket and skb field values
// as the difference from the previous value written for the same field. Most
// deltas are small (write_seq grows by a copy, the next skb is the previous
// one + 1), so they take one to three bytes instead of five. Differences wrap
// modulo 2^64, so every value round-trips exactly.
struct DeltaState {
    int64_t skb = 0, page = 0;
    int64_t sock[256] = {};
    int64_t skbf[256] = {};
};
inline int64_t wrap_sub(int64_t a, int64_t b) {
    return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
inline int64_t wrap_add(int64_t a, int64_t b) {
    return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

// ---------------------------------------------------------------- texts for messages

std::string range_text(int64_t lo, int64_t hi);
// The same as a string-table text (util/message.hpp), for readers whose errors the GUI translates.
util::Message range_message(int64_t lo, int64_t hi);
// "format version 1 or 2 (the ones this sendpath reads)"
std::string format_version_expected();
util::Message format_version_expected_message();
// The end of every reader: validates the trace, gives its events this build's
// lines for their emit sites, and makes it a trace of the current format.
void finish_read(Trace& t, const std::string& name);
std::string pointer_escape(std::string_view key);
std::string quote_short(std::string_view s);

std::string ev_place(std::size_t i);
std::string ch_place(std::size_t i, std::size_t j);
std::string fr_place(std::size_t k);

// Frame k whole, as the writers put it in a file (its payload may be kept in
// the send stream); a trace that does not hold it all is refused.
std::span<const uint8_t> whole_frame(const Trace& t, std::size_t k, std::vector<uint8_t>& scratch);

// A place in the file as a JSON pointer, assembled only when an error needs
// it: the readers pass one for every value of every event.
constexpr std::size_t kNone = static_cast<std::size_t>(-1);
struct Where {
    std::string_view section;  // "/events", "/frames", "/files", "/tables/kinds", or "" (top level)
    std::size_t index = kNone;
    std::size_t change = kNone;
    std::string_view key;
    Where() = default;
    explicit Where(std::string_view sec, std::size_t i = kNone, std::size_t c = kNone)
        : section(sec), index(i), change(c) {}
    Where at(std::string_view k) const {
        Where w = *this;
        w.key = k;
        return w;
    }
    bool empty() const { return section.empty() && index == kNone && key.empty(); }
    std::string str() const {
        std::string s(section);
        if (index != kNone) s += "/" + std::to_string(index);
        if (change != kNone) s += "/changes/" + std::to_string(change);
        if (!key.empty()) s += "/" + pointer_escape(key);
        return s;
    }
};

// ---------------------------------------------------------------- input helpers

inline int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The fast path of parse_trace_json (json_fast.cpp): reads JSON laid out
// exactly as write_trace_json puts it into t, and throws NotCanonical on
// anything else, so that the general reader reads it again and says what
// is wrong.
struct NotCanonical {};
void read_json_fast(std::string_view text, Trace& t);
// The general reader alone: any JSON layout, and the message for what is
// wrong (InputError). parse_trace_json calls it when the fast path gives up;
// the fuzz tests (tests/fuzz) call both to check they agree.
Trace read_json_general(std::string_view text, const std::string& name);

// ---------------------------------------------------------------- output helpers

inline void append_int(std::string& b, int64_t v) {
    char tmp[24];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    b.append(tmp, r.ptr);
}

std::string json_text(const json& j);
std::string json_string(std::string_view s);
// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF), what the JSON reader accepts in a string.
bool valid_utf8(std::string_view s);
// s with every invalid sequence replaced by U+FFFD, as json_text writes it.
std::string utf8_replaced(std::string_view s);

// A string buffer flushed to the stream in large pieces.
class Sink {
public:
    explicit Sink(std::ostream& out) : out_(out) { buf.reserve(kFlushAt + 4096); }
    ~Sink() = default;
    void maybe_flush() {
        if (buf.size() >= kFlushAt) flush();
    }
    void flush() {
        out_.write(buf.data(), static_cast<std::streamsize>(buf.size()));
        buf.clear();
    }
    std::string buf;

private:
    std::ostream& out_;
};

}  // namespace sendpath::trace::io
