// Trace files: JSON (readable, one event per line) and CBOR (compact).
//
// Both writers stream: a trace can hold millions of events, so neither builds
// one nlohmann::json for the whole file. nlohmann is used only for the small
// pieces (the scenario and options objects, string escaping). Both readers
// check every value against the name tables and ranges of event.hpp and
// state.hpp, then run validate_trace for the cross-references, so a trace
// that loads is one Replay can apply.
//
// The format is documented in README.md ("Trace files") and
// assets/trace.schema.json.
#include "trace/trace_io.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#ifdef __linux__
#include <sys/mman.h>
#endif

#include "model/state.hpp"
#include "util/atomic_file.hpp"
#include "util/errors.hpp"

namespace sendpath::trace {
namespace {

using nlohmann::json;

constexpr std::string_view kFormatName = "sendpath-trace";
constexpr int64_t kMaxDepth = 31;         // the Recorder's call stack is 32 deep
constexpr std::size_t kMaxFiles = 256;    // Event::file is a uint8_t
constexpr std::size_t kMaxNesting = 256;  // deeper JSON/CBOR is refused (protects the recursive parts of nlohmann)
constexpr std::size_t kFlushAt = 1 << 16;
constexpr int64_t kU32Max = 0xffffffff;
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
// The name validate_trace uses when the writers check a trace in memory.
const std::string kWriteName = "trace to write";

// ---------------------------------------------------------------- big buffers

// A million-event trace is hundreds of MiB (frame bytes mostly). Fresh memory
// is paid page by page on first touch, and with 4 KiB pages those faults were
// most of the time a load took; asking for transparent huge pages on the big
// arrays makes them cheap (Linux only; elsewhere, or if refused, nothing changes).
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
// Reserves room for n elements of an empty vector (an upper bound is fine:
// capacity never touched costs address space only).
template <class T>
void reserve_big(std::vector<T>& v, std::size_t n) {
    if (n <= v.capacity()) return;
    v.reserve(n);
    advise_huge(v.data(), v.capacity() * sizeof(T));
}

// ---------------------------------------------------------------- name tables

struct Names {
    std::string_view what;  // "an event kind"
    std::vector<std::string_view> list;
    std::unordered_map<std::string_view, int> index;

    Names(std::string_view w, std::vector<std::string_view> l) : what(w), list(std::move(l)) {
        for (std::size_t i = 0; i < list.size(); ++i) index.emplace(list[i], static_cast<int>(i));
    }
    int find(std::string_view name) const {
        auto it = index.find(name);
        return it == index.end() ? -1 : it->second;
    }
    std::string expected() const {
        std::string s(what);
        s += " (one of: ";
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (i) s += ", ";
            s += list[i];
        }
        s += ")";
        return s;
    }
};

template <class E, class F>
std::vector<std::string_view> names_of(std::size_t n, F name) {
    std::vector<std::string_view> v;
    for (std::size_t i = 0; i < n; ++i) v.push_back(name(static_cast<E>(i)));
    return v;
}

const Names& kind_names() {
    static const Names n("an event kind", names_of<Kind>(kKindCount, [](Kind k) { return kind_name(k); }));
    return n;
}
const Names& func_names() {
    static const Names n("a function", names_of<Func>(static_cast<std::size_t>(Func::count_), [](Func f) { return func_name(f); }));
    return n;
}
const Names& op_names() {
    static const Names n("a change op", names_of<Op>(static_cast<std::size_t>(Op::count_), [](Op o) { return op_name(o); }));
    return n;
}
const Names& arg_names() {
    static const Names n("an argument name", names_of<Arg>(static_cast<std::size_t>(Arg::count_), [](Arg a) { return arg_name(a); }));
    return n;
}
const Names& sock_field_names() {
    static const Names n("a socket field", names_of<model::SF>(model::kSockFieldCount,
                                                               [](model::SF f) { return model::sock_field_info(f).name; }));
    return n;
}
const Names& skb_field_names() {
    static const Names n("an skb field", names_of<model::KF>(model::kSkbFieldCount,
                                                             [](model::KF f) { return model::skb_field_info(f).name; }));
    return n;
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
constexpr Shape kShapes[] = {
    {FieldKind::sock, TargetKind::none, ValueKind::value},       // sock_set
    {FieldKind::none, TargetKind::skb, ValueKind::none},         // skb_new
    {FieldKind::skb, TargetKind::skb, ValueKind::value},         // skb_set
    {FieldKind::frag_index, TargetKind::skb, ValueKind::frag},   // skb_frag
    {FieldKind::none, TargetKind::skb, ValueKind::after},        // skb_link
    {FieldKind::none, TargetKind::skb, ValueKind::none},         // skb_unlink
    {FieldKind::none, TargetKind::skb, ValueKind::none},         // skb_free
    {FieldKind::none, TargetKind::page, ValueKind::none},        // page_new
    {FieldKind::none, TargetKind::page, ValueKind::count},       // page_set
    {FieldKind::none, TargetKind::page, ValueKind::none},        // page_free
    {FieldKind::arg, TargetKind::none, ValueKind::value},        // arg
};
static_assert(std::size(kShapes) == static_cast<std::size_t>(Op::count_));
const Shape& shape(Op op) { return kShapes[static_cast<std::size_t>(op)]; }

std::string_view target_key(TargetKind k) { return k == TargetKind::skb ? "skb" : "page"; }
std::string_view field_key(FieldKind k) {
    return k == FieldKind::frag_index ? "index" : k == FieldKind::arg ? "arg" : "field";
}
std::string_view value_key(ValueKind k) {
    return k == ValueKind::after ? "after" : k == ValueKind::count ? "count" : "value";
}
const Names& field_names(FieldKind k) {
    return k == FieldKind::sock ? sock_field_names() : k == FieldKind::skb ? skb_field_names() : arg_names();
}

// JSON keys of a change, in the order the writer puts them; the CBOR
// operands follow the same order.
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
// Number of CBOR operands after the op id.
std::size_t operand_count(Op op) { return change_keys(op).size() - 1; }

std::string join(const std::vector<std::string_view>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) s += ", ";
        s += v[i];
    }
    return s;
}

std::string range_text(int64_t lo, int64_t hi) {
    if (hi < lo) return "nothing (the table it indexes is empty)";
    if (lo == kI64Min && hi == kI64Max) return "an integer";
    if (hi == kI64Max) return "an integer, " + std::to_string(lo) + " or more";
    return "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
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

// Frame k whole, as the writers put it in a file (its payload may be kept in
// the send stream); a trace that does not hold it all is refused.
std::span<const uint8_t> whole_frame(const Trace& t, std::size_t k, std::vector<uint8_t>& scratch) {
    const auto bytes = t.frame_data(t.frames[k], scratch);
    if (bytes.size() != t.frames[k].length)
        throw InputError(kWriteName, fr_place(k) + "/hex", "the frame's payload in the send stream");
    return bytes;
}

// A place in the file as a JSON pointer, assembled only when an error needs
// it: the readers pass one for every value of every event.
constexpr std::size_t kNone = static_cast<std::size_t>(-1);
struct Where {
    std::string_view section;  // "/events", "/frames", "/files", "/tables/kinds", or "" (top level)
    std::size_t index = kNone;
    std::size_t change = kNone;
    std::string_view key;
    Where() = default;
    explicit Where(std::string_view sec, std::size_t i = kNone, std::size_t c = kNone) : section(sec), index(i), change(c) {}
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

// ---------------------------------------------------------------- output helpers

void append_int(std::string& b, int64_t v) {
    char tmp[24];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    b.append(tmp, r.ptr);
}

std::string json_text(const json& j) {
    // Invalid UTF-8 is replaced rather than thrown on: a name from a broken
    // device must not make a whole recording unsavable.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}
std::string json_string(std::string_view s) { return json_text(json(std::string(s))); }

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

}  // namespace

// ---------------------------------------------------------------- validate_trace

void validate_trace(const Trace& t, const std::string& name) {
    auto fail = [&](const std::string& place, const std::string& expected) {
        throw InputError(name, place, expected);
    };
    if (t.format_version != kFormatVersion)
        fail("/format_version", "format version " + std::to_string(kFormatVersion) + ", found " +
                                    std::to_string(t.format_version));
    if (t.files.size() > kMaxFiles)
        fail("/files", "at most " + std::to_string(kMaxFiles) + " files, found " + std::to_string(t.files.size()));
    {
        std::unordered_map<std::string_view, std::size_t> seen;
        for (std::size_t k = 0; k < t.files.size(); ++k) {
            auto [it, fresh] = seen.emplace(t.files[k], k);
            if (!fresh)
                fail("/files/" + std::to_string(k), "each file listed once; " + quote_short(t.files[k]) +
                                                        " is also /files/" + std::to_string(it->second));
        }
    }

    if (t.stacks.size() >= kNoStack) fail("/stacks", "fewer than 4294967295 call stacks");
    for (std::size_t k = 0; k < t.stacks.size(); ++k) {
        const auto& st = t.stacks[k];
        if (st.empty() || st.size() > static_cast<std::size_t>(kMaxDepth) + 1)
            fail("/stacks/" + std::to_string(k), "a call stack of 1 to " + std::to_string(kMaxDepth + 1) +
                                                     " functions (outermost first), found " + std::to_string(st.size()));
        for (std::size_t d = 0; d < st.size(); ++d)
            if (st[d] >= Func::count_)
                fail("/stacks/" + std::to_string(k) + "/" + std::to_string(d),
                     "a function id below " + std::to_string(static_cast<int>(Func::count_)) + ", found " +
                         std::to_string(static_cast<int>(st[d])));
    }

    // Events and frames each come in time order, from 0.
    int64_t prev_time = 0;
    auto check_time = [&](const std::string& place, int64_t time, const char* whose, const char* rule) {
        if (time < 0) fail(place, "a time in microseconds, 0 or more, found " + std::to_string(time));
        if (time < prev_time)
            fail(place, std::string("a time no earlier than the previous ") + whose + " (" + std::to_string(prev_time) +
                            " us): " + rule + ", found " + std::to_string(time));
        prev_time = time;
    };
    uint64_t next_change = 0;
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const Event& e = t.events[i];
        check_time(ev_place(i) + "/t", e.time_us, "event's", "times never go backwards");
        if (static_cast<std::size_t>(e.kind) >= kKindCount)
            fail(ev_place(i) + "/kind", "an event kind id below " + std::to_string(kKindCount) + ", found " +
                                            std::to_string(static_cast<int>(e.kind)));
        if (e.func >= Func::count_)
            fail(ev_place(i) + "/function", "a function id below " + std::to_string(static_cast<int>(Func::count_)) +
                                                ", found " + std::to_string(static_cast<int>(e.func)));
        if (e.depth > kMaxDepth)
            fail(ev_place(i) + "/depth", "a call depth from 0 to " + std::to_string(kMaxDepth) + ", found " +
                                             std::to_string(e.depth));
        if (e.stack != kNoStack) {
            if (e.stack >= t.stacks.size())
                fail(ev_place(i) + "/stack", "a call stack index below " + std::to_string(t.stacks.size()) + " (the trace lists " +
                                                 std::to_string(t.stacks.size()) + " stacks), found " + std::to_string(e.stack));
            const auto& st = t.stacks[e.stack];
            if (st.size() != std::size_t{e.depth} + 1 || st.back() != e.func)
                fail(ev_place(i) + "/stack", "a call stack that ends in the event's function " + quote_short(func_name(e.func)) +
                                                 " at its depth " + std::to_string(e.depth) + " (" + std::to_string(e.depth + 1) +
                                                 " functions), found /stacks/" + std::to_string(e.stack) + ": " +
                                                 std::to_string(st.size()) + " functions ending in " +
                                                 quote_short(func_name(st.back())));
        }
        if (e.file >= t.files.size())
            fail(ev_place(i) + "/file", "a file id below " + std::to_string(t.files.size()) + " (the trace lists " +
                                            std::to_string(t.files.size()) + " files), found " + std::to_string(e.file));
        if (e.change_begin != next_change)
            fail(ev_place(i) + "/changes", "changes that start where the previous event's end (change " +
                                               std::to_string(next_change) + "), found change " +
                                               std::to_string(e.change_begin));
        if (e.change_end < e.change_begin || e.change_end > t.changes.size())
            fail(ev_place(i) + "/changes", "a change range inside the trace's " + std::to_string(t.changes.size()) +
                                               " changes, found [" + std::to_string(e.change_begin) + ", " +
                                               std::to_string(e.change_end) + ")");
        next_change = e.change_end;

        for (uint32_t c = e.change_begin; c < e.change_end; ++c) {
            const Change& ch = t.changes[c];
            const std::size_t j = c - e.change_begin;
            auto cfail = [&](std::string_view key, const std::string& expected) {
                fail(ch_place(i, j) + "/" + std::string(key), expected);
            };
            if (ch.op >= Op::count_)
                cfail("op", "a change op id below " + std::to_string(static_cast<int>(Op::count_)) + ", found " +
                                std::to_string(static_cast<int>(ch.op)));
            const Shape& s = shape(ch.op);
            auto opn = [&] { return std::string(op_name(ch.op)); };
            switch (s.field) {
                case FieldKind::none:
                    if (ch.field != 0) cfail("field", "0 (" + opn() + " has no field), found " + std::to_string(ch.field));
                    break;
                case FieldKind::sock:
                    if (ch.field >= model::kSockFieldCount)
                        cfail("field", "a socket field id below " + std::to_string(model::kSockFieldCount) +
                                           ", found " + std::to_string(ch.field));
                    break;
                case FieldKind::skb:
                    if (ch.field >= model::kSkbFieldCount)
                        cfail("field", "an skb field id below " + std::to_string(model::kSkbFieldCount) + ", found " +
                                           std::to_string(ch.field));
                    break;
                case FieldKind::frag_index:
                    if (ch.field >= model::MAX_SKB_FRAGS)
                        cfail("index", "a fragment index from 0 to " + std::to_string(model::MAX_SKB_FRAGS - 1) +
                                           " (MAX_SKB_FRAGS is " + std::to_string(model::MAX_SKB_FRAGS) +
                                           "), found " + std::to_string(ch.field));
                    break;
                case FieldKind::arg:
                    if (ch.field >= static_cast<uint8_t>(Arg::count_))
                        cfail("arg", "an argument id below " + std::to_string(static_cast<int>(Arg::count_)) +
                                         ", found " + std::to_string(ch.field));
                    break;
            }
            if (s.target == TargetKind::none) {
                if (ch.target != 0) cfail("target", "0 (" + opn() + " has no target), found " + std::to_string(ch.target));
            } else if (ch.target == 0) {
                cfail(target_key(s.target), "an " + std::string(target_key(s.target)) +
                                                " id of 1 or more (ids start at 1), found 0");
            }
            if (s.value == ValueKind::none && ch.value != 0)
                cfail("value", "0 (" + opn() + " has no value), found " + std::to_string(ch.value));
            if (s.value == ValueKind::after && (ch.value < 0 || ch.value > kU32Max))
                cfail("after", "an skb id from 0 (the head of the queue) to " + std::to_string(kU32Max) + ", found " +
                                   std::to_string(ch.value));
        }
    }
    if (next_change != t.changes.size())
        fail("/events", "every change inside some event's range: changes " + std::to_string(next_change) + " to " +
                            std::to_string(t.changes.size() - 1) + " belong to no event");

    uint64_t next_byte = 0;
    prev_time = 0;
    for (std::size_t k = 0; k < t.frames.size(); ++k) {
        const Frame& f = t.frames[k];
        check_time(fr_place(k) + "/t", f.time_us, "frame's", "frames are in time order");
        if (f.event >= t.events.size())
            fail(fr_place(k) + "/event", "the index of an event of this trace (below " +
                                             std::to_string(t.events.size()) + "), found " + std::to_string(f.event));
        if (f.dir > 1) fail(fr_place(k) + "/dir", "0 (out) or 1 (in), found " + std::to_string(f.dir));
        if (f.dropped > 1) fail(fr_place(k) + "/dropped", "0 or 1, found " + std::to_string(f.dropped));
        if (f.offset != next_byte)
            fail(fr_place(k) + "/hex", "frame bytes that follow the previous frame's (offset " +
                                           std::to_string(next_byte) + "), found offset " + std::to_string(f.offset));
        if (f.payload_len > f.length || static_cast<uint64_t>(f.offset) + f.stored() > t.frame_bytes.size())
            fail(fr_place(k) + "/hex", "a byte range inside the trace's " + std::to_string(t.frame_bytes.size()) +
                                           " frame bytes, found offset " + std::to_string(f.offset) + " length " +
                                           std::to_string(f.stored()));
        if (f.payload_len > 0 && (f.payload_at > t.sent.size() || f.payload_len > t.sent.size() - f.payload_at))
            fail(fr_place(k) + "/hex", "a payload inside the " + std::to_string(t.sent.size()) +
                                           " bytes sent, found " + std::to_string(f.payload_len) + " bytes at " +
                                           std::to_string(f.payload_at));
        next_byte += f.stored();
    }
    if (next_byte != t.frame_bytes.size())
        fail("/frames", "every frame byte inside some frame: " + std::to_string(t.frame_bytes.size() - next_byte) +
                            " bytes belong to no frame");
}

// ---------------------------------------------------------------- JSON writer

namespace {

void append_change_json(std::string& b, const Change& c) {
    const Shape& s = shape(c.op);
    b += "{\"op\":\"";
    b += op_name(c.op);
    b += '"';
    if (s.target != TargetKind::none) {
        b += ",\"";
        b += target_key(s.target);
        b += "\":";
        append_int(b, c.target);
    }
    switch (s.field) {
        case FieldKind::none: break;
        case FieldKind::frag_index:
            b += ",\"index\":";
            append_int(b, c.field);
            break;
        case FieldKind::sock:
        case FieldKind::skb:
        case FieldKind::arg:
            b += ",\"";
            b += field_key(s.field);
            b += "\":\"";
            b += field_names(s.field).list[c.field];
            b += '"';
            break;
    }
    switch (s.value) {
        case ValueKind::none: break;
        case ValueKind::frag:
            b += ",\"page\":";
            append_int(b, frag_page(c.value));
            b += ",\"off\":";
            append_int(b, frag_off(c.value));
            b += ",\"size\":";
            append_int(b, frag_size(c.value));
            break;
        case ValueKind::value:
        case ValueKind::after:
        case ValueKind::count:
            b += ",\"";
            b += value_key(s.value);
            b += "\":";
            append_int(b, c.value);
            break;
    }
    b += '}';
}

void append_hex(std::string& b, const uint8_t* p, std::size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (std::size_t i = 0; i < n; ++i) {
        b += kHex[p[i] >> 4];
        b += kHex[p[i] & 15];
    }
}

}  // namespace

void write_trace_json(const Trace& t, std::ostream& out) {
    validate_trace(t, kWriteName);
    Sink sink(out);
    std::string& b = sink.buf;
    b += "{\"format\":";
    b += json_string(kFormatName);
    b += ",\"format_version\":";
    append_int(b, t.format_version);
    b += ",\"engine_version\":";
    b += json_string(t.engine_version);
    b += ",\n\"scenario\":";
    b += json_text(t.scenario);
    b += ",\n\"options\":";
    b += json_text(t.options);
    b += ",\n\"files\":[";
    std::vector<std::string> file_json;
    for (std::size_t k = 0; k < t.files.size(); ++k) {
        file_json.push_back(json_string(t.files[k]));
        if (k) b += ',';
        b += file_json.back();
    }
    b += ']';
    if (!t.stacks.empty()) {
        // Written only when recorded, so a trace without stacks keeps its old bytes.
        b += ",\n\"stacks\":[";
        for (std::size_t k = 0; k < t.stacks.size(); ++k) {
            b += k ? ",\n[" : "\n[";
            for (std::size_t d = 0; d < t.stacks[k].size(); ++d) {
                b += d ? ",\"" : "\"";
                b += func_name(t.stacks[k][d]);
                b += '"';
            }
            b += ']';
        }
        b += "\n]";
    }
    b += ",\n\"end_reason\":";
    b += json_string(t.end_reason);
    b += ",\n\"events\":[";
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const Event& e = t.events[i];
        b += i ? ",\n{\"i\":" : "\n{\"i\":";
        append_int(b, static_cast<int64_t>(i));
        b += ",\"t\":";
        append_int(b, e.time_us);
        b += ",\"kind\":\"";
        b += kind_name(e.kind);
        b += "\",\"function\":\"";
        b += func_name(e.func);
        b += "\",\"depth\":";
        append_int(b, e.depth);
        b += ",\"file\":";
        b += file_json[e.file];
        b += ",\"line\":";
        append_int(b, e.line);
        b += ",\"call\":";
        append_int(b, e.call);
        if (e.stack != kNoStack) {
            b += ",\"stack\":";
            append_int(b, e.stack);
        }
        const Change* cb = t.changes_begin(e);
        const Change* ce = t.changes_end(e);
        // "args" repeats the first value of each argument (as Trace::arg reads it).
        uint64_t seen = 0;
        bool any = false;
        for (const Change* c = cb; c != ce; ++c) {
            if (c->op != Op::arg || (seen >> c->field) & 1) continue;
            seen |= uint64_t{1} << c->field;
            b += any ? ",\"" : ",\"args\":{\"";
            any = true;
            b += arg_name(static_cast<Arg>(c->field));
            b += "\":";
            append_int(b, c->value);
        }
        if (any) b += '}';
        if (cb != ce) {
            b += ",\"changes\":[";
            for (const Change* c = cb; c != ce; ++c) {
                if (c != cb) b += ',';
                append_change_json(b, *c);
            }
            b += ']';
        }
        b += '}';
        sink.maybe_flush();
    }
    b += t.events.empty() ? "],\n\"frames\":[" : "\n],\n\"frames\":[";
    std::vector<uint8_t> scratch;
    for (std::size_t k = 0; k < t.frames.size(); ++k) {
        const Frame& f = t.frames[k];
        b += k ? ",\n{\"i\":" : "\n{\"i\":";
        append_int(b, static_cast<int64_t>(k));
        b += ",\"t\":";
        append_int(b, f.time_us);
        b += f.dir ? ",\"dir\":\"in\"" : ",\"dir\":\"out\"";
        b += ",\"event\":";
        append_int(b, f.event);
        b += ",\"skb\":";
        append_int(b, f.skb);
        b += f.dropped ? ",\"dropped\":true" : ",\"dropped\":false";
        b += ",\"hex\":\"";
        append_hex(b, whole_frame(t, k, scratch).data(), f.length);
        b += "\"}";
        sink.maybe_flush();
    }
    b += t.frames.empty() ? "]}\n" : "\n]}\n";
    sink.flush();
}

// ---------------------------------------------------------------- JSON reader

namespace {

std::string found(const json& v) {
    switch (v.type()) {
        case json::value_t::string: return quote_short(v.get_ref<const std::string&>());
        case json::value_t::object: return "an object";
        case json::value_t::array: return "an array";
        case json::value_t::null: return "null";
        case json::value_t::binary: return "binary data";
        case json::value_t::discarded: return "nothing";
        default: return json_text(v);
    }
}

class JsonTraceReader {
public:
    JsonTraceReader(const std::string& name, Trace& t) : name_(name), t_(t) {}

    [[noreturn]] void fail(const std::string& place, const std::string& expected) const {
        throw InputError(name_, place, expected);
    }
    [[noreturn]] void fail(const Where& w, const std::string& expected) const {
        throw InputError(name_, w.section == "/" ? std::string("/") : w.str(), expected);
    }

    int64_t int_in(const json& v, const Where& w, std::string_view what, int64_t lo, int64_t hi) const {
        if (v.is_number_unsigned()) {
            const uint64_t u = v.get<uint64_t>();
            if (u <= static_cast<uint64_t>(hi) && static_cast<int64_t>(u) >= lo) return static_cast<int64_t>(u);
        } else if (v.is_number_integer()) {
            const int64_t x = v.get<int64_t>();
            if (x >= lo && x <= hi) return x;
        }
        fail(w, std::string(what) + ": " + range_text(lo, hi) + ", found " + found(v));
    }
    const std::string& str(const json& v, const Where& w, std::string_view what) const {
        if (!v.is_string()) fail(w, std::string(what) + ", found " + found(v));
        return v.get_ref<const std::string&>();
    }
    int name_in(const json& v, const Where& w, const Names& names) const {
        const int id = v.is_string() ? names.find(v.get_ref<const std::string&>()) : -1;
        if (id < 0) fail(w, names.expected() + ", found " + found(v));
        return id;
    }
    // Refuses unknown keys and reports the first missing one.
    void check_keys(const json& obj, const Where& w, std::string_view what, const std::vector<std::string_view>& keys,
                    std::size_t required) const {
        {
            // The common case: only known keys, the required ones among them,
            // checked without building any text.
            std::size_t known = 0;
            bool all = true;
            for (std::size_t i = 0; i < keys.size(); ++i) {
                const bool has = obj.contains(keys[i]);
                known += has;
                all = all && (has || i >= required);
            }
            if (all && known == obj.size()) return;
        }
        for (const auto& [k, v] : obj.items()) {
            if (std::find(keys.begin(), keys.end(), k) == keys.end())
                fail(w.at(k), "one of the keys of " + std::string(what) + " (" + join(keys) + "), found the unknown key " +
                                  quote_short(k));
        }
        for (std::size_t i = 0; i < required; ++i)
            if (!obj.contains(keys[i]))
                fail(w.at(keys[i]),
                     "the required key \"" + std::string(keys[i]) + "\" of " + std::string(what) + ", found no such key");
    }

    Change change(const json& c, const Where& w) const {
        if (!c.is_object())
            fail(w, "a change object such as {\"op\":\"sock_set\",\"field\":\"write_seq\",\"value\":1}, found " + found(c));
        auto it = c.find("op");
        if (it == c.end()) fail(w.at("op"), "the required key \"op\" of a change, found no such key");
        Change ch;
        ch.op = static_cast<Op>(name_in(*it, w.at("op"), op_names()));
        const Shape& s = shape(ch.op);
        const auto& keys = change_keys(ch.op);
        if (c.size() != keys.size() || !std::all_of(keys.begin(), keys.end(), [&](std::string_view k) { return c.contains(k); }))
            check_keys(c, w, "a " + std::string(op_name(ch.op)) + " change", keys, keys.size());
        if (s.target != TargetKind::none) {
            const std::string_view key = target_key(s.target);
            ch.target = static_cast<uint32_t>(int_in(c.find(key).value(), w.at(key),
                                                     s.target == TargetKind::skb ? "an skb id" : "a page id", 0, kU32Max));
        }
        switch (s.field) {
            case FieldKind::none: break;
            case FieldKind::frag_index:
                ch.field = static_cast<uint8_t>(int_in(c.find("index").value(), w.at("index"),
                                                       "a fragment index (MAX_SKB_FRAGS is 18)", 0, model::MAX_SKB_FRAGS - 1));
                break;
            case FieldKind::sock:
            case FieldKind::skb:
            case FieldKind::arg: {
                const std::string_view key = field_key(s.field);
                ch.field = static_cast<uint8_t>(name_in(c.find(key).value(), w.at(key), field_names(s.field)));
                break;
            }
        }
        switch (s.value) {
            case ValueKind::none: break;
            case ValueKind::frag: {
                const auto page = int_in(c.find("page").value(), w.at("page"), "a page id", 0, kU32Max);
                const auto off = int_in(c.find("off").value(), w.at("off"), "an offset in the page", 0, 0xffff);
                const auto size = int_in(c.find("size").value(), w.at("size"), "a fragment size in bytes", 0, 0xffff);
                ch.value = pack_frag(static_cast<uint32_t>(page), static_cast<uint32_t>(off), static_cast<uint32_t>(size));
                break;
            }
            case ValueKind::after:
                ch.value = int_in(c.find("after").value(), w.at("after"),
                                  "the id of the skb it follows (0 = head of the queue)", 0, kU32Max);
                break;
            case ValueKind::value:
            case ValueKind::count: {
                const std::string_view key = value_key(s.value);
                ch.value = int_in(c.find(key).value(), w.at(key), "a value", kI64Min, kI64Max);
                break;
            }
        }
        return ch;
    }

    void event(const json& j, std::size_t i) {
        const Where w{"/events", i};
        if (!j.is_object()) fail(w, "an event object, found " + found(j));
        static const std::vector<std::string_view> keys{"i", "t", "kind", "function", "depth", "file",
                                                        "line", "call", "stack", "args", "changes"};
        check_keys(j, w, "an event", keys, 8);
        if (int_in(j["i"], w.at("i"), "the event's index", 0, kI64Max) != static_cast<int64_t>(i))
            fail(w.at("i"), "the event's index " + std::to_string(i) + " (events are numbered from 0 in order), found " +
                                found(j["i"]));
        Event e;
        e.time_us = int_in(j["t"], w.at("t"), "a time in microseconds", 0, kI64Max);
        e.kind = static_cast<Kind>(name_in(j["kind"], w.at("kind"), kind_names()));
        e.func = static_cast<Func>(name_in(j["function"], w.at("function"), func_names()));
        e.depth = static_cast<uint8_t>(int_in(j["depth"], w.at("depth"), "a call depth", 0, kMaxDepth));
        e.file = intern_file(str(j["file"], w.at("file"), "an engine source file path listed in /files"), w);
        e.line = static_cast<uint32_t>(int_in(j["line"], w.at("line"), "a source line", 0, kU32Max));
        e.call = static_cast<uint32_t>(int_in(j["call"], w.at("call"), "a send() call number", 0, kU32Max));
        // Checked against /stacks (which may come later in the file) by validate_trace.
        if (auto it = j.find("stack"); it != j.end())
            e.stack = static_cast<uint32_t>(int_in(*it, w.at("stack"), "a call stack index (into /stacks)", 0, kU32Max - 1));
        e.change_begin = static_cast<uint32_t>(t_.changes.size());
        if (auto it = j.find("changes"); it != j.end()) {
            if (!it->is_array()) fail(w.at("changes"), "an array of changes, found " + found(*it));
            if (t_.changes.size() + it->size() >= kU32Max) fail(w, "at most 4294967294 changes in a trace");
            for (std::size_t k = 0; k < it->size(); ++k) t_.changes.push_back(change((*it)[k], Where{"/events", i, k}));
        }
        e.change_end = static_cast<uint32_t>(t_.changes.size());
        if (auto it = j.find("args"); it != j.end()) check_args(*it, w, e);
        t_.events.push_back(e);
    }

    // "args" repeats the arg changes for readers; "changes" is authoritative,
    // and a file whose two disagree was edited in one place only.
    void check_args(const json& args, const Where& w, const Event& e) const {
        if (!args.is_object()) fail(w.at("args"), "an object of argument values, found " + found(args));
        const Change* cb = t_.changes.data() + e.change_begin;
        const Change* ce = t_.changes.data() + e.change_end;
        std::size_t arg_changes = 0;
        uint64_t seen = 0;
        for (const Change* c = cb; c != ce; ++c)
            if (c->op == Op::arg && !((seen >> c->field) & 1)) {
                seen |= uint64_t{1} << c->field;
                ++arg_changes;
            }
        const std::string changes = w.str() + "/changes";
        for (const auto& [k, v] : args.items()) {
            const std::string ap = w.str() + "/args/" + pointer_escape(k);
            const int a = arg_names().find(k);
            if (a < 0) fail(ap, arg_names().expected() + ", found " + quote_short(k));
            if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(kI64Max)))
                fail(ap, "an argument value: an integer, found " + found(v));
            const int64_t x = v.get<int64_t>();
            const Change* c = std::find_if(cb, ce, [&](const Change& ch) { return ch.op == Op::arg && ch.field == a; });
            if (c == ce)
                fail(ap, "only arguments that appear as {\"op\":\"arg\",\"arg\":\"" + k + "\"} in " + changes +
                             " (\"changes\" is authoritative; \"args\" repeats it), found no such change");
            if (c->value != x)
                fail(ap, std::to_string(c->value) + ", the value of the \"" + k + "\" arg change in " + changes +
                             " (\"changes\" is authoritative; \"args\" repeats it), found " + std::to_string(x));
        }
        if (args.size() != arg_changes)
            for (const Change* c = cb; c != ce; ++c)
                if (c->op == Op::arg && !args.contains(arg_name(static_cast<Arg>(c->field))))
                    fail(w.at("args"), "an entry for every arg change of the event, found none for " +
                                           quote_short(arg_name(static_cast<Arg>(c->field))));
    }

    void frame(const json& j, std::size_t k) {
        const Where w{"/frames", k};
        if (!j.is_object()) fail(w, "a frame object, found " + found(j));
        static const std::vector<std::string_view> keys{"i", "t", "dir", "event", "skb", "dropped", "hex"};
        check_keys(j, w, "a frame", keys, keys.size());
        if (int_in(j["i"], w.at("i"), "the frame's index", 0, kI64Max) != static_cast<int64_t>(k))
            fail(w.at("i"), "the frame's index " + std::to_string(k) + " (frames are numbered from 0 in order), found " +
                                found(j["i"]));
        Frame f;
        f.time_us = int_in(j["t"], w.at("t"), "a time in microseconds", 0, kI64Max);
        const std::string& dir = str(j["dir"], w.at("dir"), "\"out\" or \"in\"");
        if (dir != "out" && dir != "in") fail(w.at("dir"), "\"out\" or \"in\", found " + quote_short(dir));
        f.dir = dir == "in";
        f.event = static_cast<uint32_t>(int_in(j["event"], w.at("event"), "an event index", 0, kU32Max));
        f.skb = static_cast<uint32_t>(int_in(j["skb"], w.at("skb"), "an skb id (0 = none)", 0, kU32Max));
        if (!j["dropped"].is_boolean()) fail(w.at("dropped"), "true or false, found " + found(j["dropped"]));
        f.dropped = j["dropped"].get<bool>();
        const std::string& hex = str(j["hex"], w.at("hex"), "the frame's bytes as a hex string");
        if (hex.size() % 2)
            fail(w.at("hex"), "an even number of hex digits (two per byte), found " + std::to_string(hex.size()));
        if (t_.frame_bytes.size() + hex.size() / 2 > kU32Max) fail(w.at("hex"), "at most 4 GiB of frame bytes in a trace");
        f.offset = static_cast<uint32_t>(t_.frame_bytes.size());
        f.length = static_cast<uint32_t>(hex.size() / 2);
        for (std::size_t p = 0; p < hex.size(); p += 2) {
            const int hi = hex_digit(hex[p]), lo = hex_digit(hex[p + 1]);
            if (hi < 0 || lo < 0) {
                const std::size_t bad = hi < 0 ? p : p + 1;
                fail(w.at("hex"), "hex digits 0-9, a-f, found " + quote_short(hex.substr(bad, 1)) + " at character " +
                                      std::to_string(bad));
            }
            t_.frame_bytes.push_back(static_cast<uint8_t>(hi << 4 | lo));
        }
        t_.frames.push_back(f);
    }

    static int hex_digit(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    // Events name their file by path. /files may come after /events in a
    // hand-written file, so paths get provisional ids, resolved at the end.
    uint8_t intern_file(const std::string& path, const Where& w) {
        if (!file_names_.empty() && file_names_[last_file_] == path) return last_file_;
        auto it = file_ids_.find(path);
        if (it != file_ids_.end()) return last_file_ = it->second;
        if (file_names_.size() >= kMaxFiles) fail(w.at("file"), "at most 256 different files in a trace");
        const auto id = static_cast<uint8_t>(file_names_.size());
        file_ids_.emplace(path, id);
        file_names_.push_back(path);
        file_first_use_.push_back(w.index);
        return last_file_ = id;
    }
    void resolve_files() {
        std::unordered_map<std::string_view, std::size_t> listed;
        for (std::size_t k = 0; k < t_.files.size(); ++k) listed.emplace(t_.files[k], k);
        std::vector<uint8_t> to_real(file_names_.size());
        for (std::size_t p = 0; p < file_names_.size(); ++p) {
            auto it = listed.find(file_names_[p]);
            if (it == listed.end() || it->second >= kMaxFiles) {
                std::vector<std::string_view> all(t_.files.begin(), t_.files.end());
                fail(Where{"/events", file_first_use_[p]}.at("file"),
                     "one of the files listed in /files (" + join(all) + "), found " + quote_short(file_names_[p]));
            }
            to_real[p] = static_cast<uint8_t>(it->second);
        }
        for (Event& e : t_.events) e.file = to_real[e.file];
    }

private:
    const std::string& name_;
    Trace& t_;
    std::unordered_map<std::string, uint8_t> file_ids_;
    std::vector<std::string> file_names_;
    std::vector<std::size_t> file_first_use_;
    uint8_t last_file_ = 0;
};

// nlohmann reports the byte after the offending character; students edit by line and column.
std::string line_column(std::string_view text, std::size_t byte) {
    const std::size_t p = std::min(byte > 0 ? byte - 1 : 0, text.size());
    std::size_t line = 1, line_start = 0;
    for (std::size_t k = 0; k < p; ++k)
        if (text[k] == '\n') {
            ++line;
            line_start = k + 1;
        }
    return "line " + std::to_string(line) + ", column " + std::to_string(p - line_start + 1);
}

const std::vector<std::string_view>& top_keys_json() {
    // The required keys, then the optional ones ("stacks": traces written before stacks were recorded).
    static const std::vector<std::string_view> k{"format", "format_version", "engine_version", "scenario", "options",
                                                 "files",  "end_reason",     "events",         "frames", "stacks"};
    return k;
}

}  // namespace

// ---------------------------------------------------------------- JSON fast path

namespace {

// The JSON form exactly as write_trace_json lays it out (keys in its order;
// white space anywhere between tokens is fine) is read by this scanner, ten
// times faster than building a DOM per event. It never reports an error
// itself: on anything else (another key order, an escape in a name, a value
// out of range, any mistake) it gives up and the general reader below reads
// the file from the start and says what is wrong. So it only accepts files
// the general reader accepts, and reads them to the same Trace.
struct NotCanonical {};

class FastJsonReader {
public:
    FastJsonReader(std::string_view text, Trace& t) : s_(text), t_(t) {}

    void read() {
        if (s_.size() >= 3 && s_.substr(0, 3) == "\xef\xbb\xbf") p_ = 3;
        lit("{\"format\"");
        lit(":");
        if (str_value() != kFormatName) bail();
        key("format_version");
        if (integer(0, 1 << 30) != kFormatVersion) bail();
        key("engine_version");
        t_.engine_version = str_value();
        key("scenario");
        t_.scenario = object_value();
        key("options");
        t_.options = object_value();
        key("files");
        lit("[");
        if (!maybe("]")) {
            do {
                if (t_.files.size() >= kMaxFiles) bail();
                t_.files.push_back(str_value());
            } while (maybe(","));
            lit("]");
        }
        for (std::size_t k = 0; k < t_.files.size(); ++k)
            if (!file_ids_.emplace(t_.files[k], static_cast<uint8_t>(k)).second) bail();
        lit(",");
        if (maybe("\"stacks\"")) {
            lit(":");
            lit("[");
            if (!maybe("]")) {
                do {
                    lit("[");
                    std::vector<Func> st;
                    do {
                        if (st.size() > static_cast<std::size_t>(kMaxDepth)) bail();
                        st.push_back(static_cast<Func>(name(func_names())));
                    } while (maybe(","));
                    lit("]");
                    t_.stacks.push_back(std::move(st));
                } while (maybe(","));
                lit("]");
            }
            lit(",");
        }
        lit("\"end_reason\"");
        lit(":");
        t_.end_reason = str_value();
        key("events");
        lit("[");
        reserve(t_.events, s_.size() / 128);
        reserve(t_.changes, s_.size() / 48);
        if (!maybe("]")) {
            do event();
            while (maybe(","));
            lit("]");
        }
        key("frames");
        lit("[");
        if (!maybe("]")) {
            do frame();
            while (maybe(","));
            lit("]");
        }
        lit("}");
        ws();
        if (p_ != s_.size()) bail();
    }

private:
    [[noreturn]] static void bail() { throw NotCanonical{}; }
    template <class T>
    static void reserve(std::vector<T>& v, std::size_t n) {
        try {
            reserve_big(v, n);
        } catch (const std::bad_alloc&) {  // only a guess: growing as needed works too
        }
    }

    void ws() {
        while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\n' || s_[p_] == '\r' || s_[p_] == '\t')) ++p_;
    }
    void lit(std::string_view x) {
        ws();
        if (s_.compare(p_, x.size(), x) != 0) bail();
        p_ += x.size();
    }
    // `,"k":`, white space allowed between the tokens but not inside the key.
    // `{"i":index,"t":time` opens every event and frame: checks the index
    // and returns the time.
    int64_t record_start(std::size_t index) {
        lit("{\"i\"");
        lit(":");
        if (integer(0, kI64Max) != static_cast<int64_t>(index)) bail();
        key("t");
        return integer(0, kI64Max);
    }
    void key(std::string_view k) {
        lit(",");
        ws();
        const std::size_t end = p_ + 1 + k.size();
        if (end >= s_.size() || s_[p_] != '"' || s_.compare(p_ + 1, k.size(), k) != 0 || s_[end] != '"') bail();
        p_ = end + 1;
        lit(":");
    }
    bool maybe(std::string_view x) {
        ws();
        if (s_.compare(p_, x.size(), x) != 0) return false;
        p_ += x.size();
        return true;
    }
    // A plain integer (no fraction, no exponent), within [lo, hi].
    int64_t integer(int64_t lo, int64_t hi) {
        ws();
        const char* b = s_.data() + p_;
        const char* e = s_.data() + s_.size();
        const bool neg = b < e && *b == '-';
        const char* d = b + neg;
        if (d == e || *d < '0' || *d > '9' || (*d == '0' && d + 1 < e && d[1] >= '0' && d[1] <= '9')) bail();
        int64_t v = 0;
        const auto r = std::from_chars(b, e, v);
        if (r.ec != std::errc() || (r.ptr < e && (*r.ptr == '.' || *r.ptr == 'e' || *r.ptr == 'E'))) bail();
        if (v < lo || v > hi) bail();
        p_ = static_cast<std::size_t>(r.ptr - s_.data());
        return v;
    }
    // A string without escapes or control characters: the names and paths the writer puts.
    std::string_view raw_string() {
        lit("\"");
        const std::size_t b = p_;
        while (p_ < s_.size() && s_[p_] != '"') {
            const auto c = static_cast<unsigned char>(s_[p_]);
            if (c == '\\' || c < 0x20 || c >= 0x80) bail();  // escapes and UTF-8: the general reader checks them
            ++p_;
        }
        if (p_ == s_.size()) bail();
        return s_.substr(b, p_++ - b);
    }
    int name(const Names& n) {
        const int id = n.find(raw_string());
        if (id < 0) bail();
        return id;
    }
    // Any JSON string (escapes too), decoded by nlohmann.
    std::string str_value() {
        ws();
        const std::size_t b = p_;
        skip_string();
        const json j = json::parse(s_.substr(b, p_ - b), nullptr, false);
        if (!j.is_string()) bail();
        return j.get<std::string>();
    }
    void skip_string() {
        if (p_ >= s_.size() || s_[p_] != '"') bail();
        for (++p_; p_ < s_.size(); ++p_) {
            if (s_[p_] == '\\') ++p_;
            else if (s_[p_] == '"') {
                ++p_;
                return;
            }
        }
        bail();
    }
    // An object or null, parsed by nlohmann with the general reader's rules:
    // at most kMaxNesting deep, no key twice.
    json object_value() {
        ws();
        const std::size_t b = p_;
        std::size_t depth = 0;
        do {
            if (p_ >= s_.size()) bail();
            const char c = s_[p_];
            if (c == '"') {
                skip_string();
                continue;
            }
            if (c == '{' || c == '[') ++depth;
            else if (c == '}' || c == ']') {
                if (depth == 0) bail();
                --depth;
            }
            ++p_;
        } while (depth > 0);
        std::vector<std::vector<std::string>> keys;
        json::parser_callback_t cb = [&](int, json::parse_event_t ev, json& v) -> bool {
            if (ev == json::parse_event_t::object_start || ev == json::parse_event_t::array_start) {
                if (keys.size() + 2 >= kMaxNesting) bail();
                keys.emplace_back();
            } else if (ev == json::parse_event_t::object_end || ev == json::parse_event_t::array_end) {
                keys.pop_back();
            } else if (ev == json::parse_event_t::key) {
                auto& seen = keys.back();
                if (std::find(seen.begin(), seen.end(), v.get_ref<const std::string&>()) != seen.end()) bail();
                seen.push_back(v.get<std::string>());
            }
            return true;
        };
        json j = json::parse(s_.substr(b, p_ - b), cb, false);
        if (!j.is_object() && !j.is_null()) bail();
        return j;
    }

    void event() {
        Event e;
        e.time_us = record_start(t_.events.size());
        key("kind");
        e.kind = static_cast<Kind>(name(kind_names()));
        key("function");
        e.func = static_cast<Func>(name(func_names()));
        key("depth");
        e.depth = static_cast<uint8_t>(integer(0, kMaxDepth));
        key("file");
        const std::string_view path = raw_string();
        if (path != last_file_) {
            const auto it = file_ids_.find(path);
            if (it == file_ids_.end()) bail();
            last_file_ = it->first;
            last_file_id_ = it->second;
        }
        e.file = last_file_id_;
        key("line");
        e.line = static_cast<uint32_t>(integer(0, kU32Max));
        key("call");
        e.call = static_cast<uint32_t>(integer(0, kU32Max));
        if (maybe(",\"stack\"")) {  // the writer puts no space before a key inside an event
            lit(":");
            e.stack = static_cast<uint32_t>(integer(0, kU32Max - 1));
        }
        args_.clear();
        if (maybe(",\"args\"")) {
            lit(":");
            lit("{");
            do {
                const int a = name(arg_names());
                lit(":");
                args_.emplace_back(a, integer(kI64Min, kI64Max));
            } while (maybe(","));
            lit("}");
        }
        e.change_begin = static_cast<uint32_t>(t_.changes.size());
        if (maybe(",\"changes\"")) {
            lit(":");
            lit("[");
            do {
                if (t_.changes.size() >= kU32Max - 1) bail();
                t_.changes.push_back(change());
            } while (maybe(","));
            lit("]");
        }
        e.change_end = static_cast<uint32_t>(t_.changes.size());
        lit("}");
        // "args" as the general reader checks it: each name once, each the
        // value of the first arg change of that name, none missing.
        uint64_t seen = 0, listed = 0;
        std::size_t distinct = 0;
        for (uint32_t c = e.change_begin; c < e.change_end; ++c) {
            const Change& ch = t_.changes[c];
            if (ch.op == Op::arg && !((seen >> ch.field) & 1)) {
                seen |= uint64_t{1} << ch.field;
                ++distinct;
            }
        }
        for (const auto& [a, v] : args_) {
            if ((listed >> a) & 1) bail();
            listed |= uint64_t{1} << a;
            const Change* c = std::find_if(t_.changes.data() + e.change_begin, t_.changes.data() + e.change_end,
                                           [&](const Change& ch) { return ch.op == Op::arg && ch.field == a; });
            if (c == t_.changes.data() + e.change_end || c->value != v) bail();
        }
        if (!args_.empty() && args_.size() != distinct) bail();
        t_.events.push_back(e);
    }

    Change change() {
        Change c;
        lit("{\"op\"");
        lit(":");
        c.op = static_cast<Op>(name(op_names()));
        const Shape& sh = shape(c.op);
        if (sh.target != TargetKind::none) {
            key(target_key(sh.target));
            c.target = static_cast<uint32_t>(integer(0, kU32Max));
        }
        switch (sh.field) {
            case FieldKind::none: break;
            case FieldKind::frag_index:
                key("index");
                c.field = static_cast<uint8_t>(integer(0, model::MAX_SKB_FRAGS - 1));
                break;
            case FieldKind::sock:
            case FieldKind::skb:
            case FieldKind::arg:
                key(field_key(sh.field));
                c.field = static_cast<uint8_t>(name(field_names(sh.field)));
                break;
        }
        switch (sh.value) {
            case ValueKind::none: break;
            case ValueKind::frag: {
                key("page");
                const auto page = integer(0, kU32Max);
                key("off");
                const auto off = integer(0, 0xffff);
                key("size");
                const auto size = integer(0, 0xffff);
                c.value = pack_frag(static_cast<uint32_t>(page), static_cast<uint32_t>(off), static_cast<uint32_t>(size));
                break;
            }
            case ValueKind::after:
                key("after");
                c.value = integer(0, kU32Max);
                break;
            case ValueKind::value:
            case ValueKind::count:
                key(value_key(sh.value));
                c.value = integer(kI64Min, kI64Max);
                break;
        }
        lit("}");
        return c;
    }

    void frame() {
        Frame f;
        f.time_us = record_start(t_.frames.size());
        key("dir");
        const std::string_view dir = raw_string();
        if (dir != "out" && dir != "in") bail();
        f.dir = dir == "in";
        key("event");
        f.event = static_cast<uint32_t>(integer(0, kU32Max));
        key("skb");
        f.skb = static_cast<uint32_t>(integer(0, kU32Max));
        key("dropped");
        if (maybe("true")) f.dropped = 1;
        else if (maybe("false")) f.dropped = 0;
        else bail();
        key("hex");
        const std::string_view hex = raw_string();
        if (hex.size() % 2 || t_.frame_bytes.size() + hex.size() / 2 > kU32Max) bail();
        f.offset = static_cast<uint32_t>(t_.frame_bytes.size());
        f.length = static_cast<uint32_t>(hex.size() / 2);
        if (t_.frame_bytes.empty()) reserve(t_.frame_bytes, (s_.size() - p_) / 2);
        for (std::size_t q = 0; q < hex.size(); q += 2) {
            const int hi = hex_digit(hex[q]), lo = hex_digit(hex[q + 1]);
            if ((hi | lo) < 0) bail();
            t_.frame_bytes.push_back(static_cast<uint8_t>(hi << 4 | lo));
        }
        lit("}");
        t_.frames.push_back(f);
    }
    static int hex_digit(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    std::string_view s_;
    std::size_t p_ = 0;
    Trace& t_;
    std::unordered_map<std::string_view, uint8_t> file_ids_;
    std::string_view last_file_;
    uint8_t last_file_id_ = 0;
    std::vector<std::pair<int, int64_t>> args_;
};

}  // namespace

Trace parse_trace_json(std::string_view text, const std::string& name) {
    {
        Trace t;
        try {
            FastJsonReader(text, t).read();
            validate_trace(t, name);
            return t;
        } catch (const NotCanonical&) {
        } catch (const InputError&) {
            // validate_trace found a problem: the general reader says it the same way, or says an earlier one.
        } catch (const json::exception&) {
        }
    }
    Trace t;
    JsonTraceReader r(name, t);

    // Events and frames are converted as soon as each is parsed and then
    // dropped from the DOM, so memory stays proportional to the Trace.
    // levels mirrors the parser's open containers, for JSON pointers in
    // errors and to catch a key given twice (nlohmann keeps the last one).
    struct Level {
        bool array;
        std::size_t count = 0;
        std::string key;
        std::vector<std::string> seen;
    };
    std::vector<Level> levels;
    auto path = [&](std::size_t upto) {
        std::string p;
        for (std::size_t k = 0; k < upto && k < levels.size(); ++k)
        {
            p += '/';
            p += levels[k].array ? std::to_string(levels[k].count) : pointer_escape(levels[k].key);
        }
        return p;
    };
    auto element_done = [&](const json& v) -> bool {
        if (levels.empty() || !levels.back().array) return true;
        Level& arr = levels.back();
        bool keep = true;
        if (levels.size() == 2 && !levels[0].array) {
            if (levels[0].key == "events") {
                r.event(v, arr.count);
                keep = false;
            } else if (levels[0].key == "frames") {
                r.frame(v, arr.count);
                keep = false;
            }
        }
        ++arr.count;
        return keep;
    };
    json::parser_callback_t cb = [&](int /*depth*/, json::parse_event_t ev, json& parsed) -> bool {
        switch (ev) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start:
                if (levels.size() >= kMaxNesting)
                    r.fail(path(levels.size()), "JSON nested at most " + std::to_string(kMaxNesting) + " levels deep");
                levels.push_back(Level{ev == json::parse_event_t::array_start, 0, {}, {}});
                return true;
            case json::parse_event_t::key: {
                Level& l = levels.back();
                const std::string& k = parsed.get_ref<const std::string&>();
                if (std::find(l.seen.begin(), l.seen.end(), k) != l.seen.end())
                    r.fail(path(levels.size() - 1) + "/" + pointer_escape(k),
                           "each key once in an object, found " + quote_short(k) + " a second time");
                l.seen.push_back(k);
                l.key = k;
                return true;
            }
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                levels.pop_back();
                return element_done(parsed);
            case json::parse_event_t::value:
                return element_done(parsed);
        }
        return true;
    };

    json j;
    try {
        j = json::parse(text.begin(), text.end(), cb, true, false);
    } catch (const json::parse_error& e) {
        std::string msg = e.what();
        // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix.
        if (auto p = msg.find(": "); p != std::string::npos && msg.rfind("[json.exception", 0) == 0) msg = msg.substr(p + 2);
        throw InputError(name, line_column(text, e.byte), "valid JSON (" + msg + ")");
    } catch (const json::exception& e) {
        throw InputError(name, "", std::string("valid JSON (") + e.what() + ")");
    }

    if (!j.is_object()) r.fail(Where{"/"}, "a JSON object (a sendpath trace), found " + found(j));
    const Where top{};
    // Someone who passes a lesson or scenario file should hear that first.
    if (!j.contains("format"))
        r.fail(top.at("format"), "\"sendpath-trace\" (a sendpath trace starts with {\"format\":\"sendpath-trace\", ...), "
                                 "found no such key: is this a trace file?");
    const std::string& format = r.str(j["format"], top.at("format"), "\"sendpath-trace\"");
    if (format != kFormatName) r.fail(top.at("format"), "\"sendpath-trace\", found " + quote_short(format));
    r.check_keys(j, top, "a sendpath trace", top_keys_json(), top_keys_json().size() - 1);
    t.format_version = static_cast<int>(r.int_in(j["format_version"], top.at("format_version"), "the format version", 0, 1 << 30));
    if (t.format_version != kFormatVersion)
        r.fail(top.at("format_version"), "format version " + std::to_string(kFormatVersion) +
                                             " (the one this sendpath reads), found " + std::to_string(t.format_version));
    t.engine_version = r.str(j["engine_version"], top.at("engine_version"), "a version string");
    t.end_reason = r.str(j["end_reason"], top.at("end_reason"), "a string");
    for (const char* key : {"scenario", "options"}) {
        json& v = j[key];
        if (!v.is_object() && !v.is_null()) r.fail(top.at(key), "an object or null, found " + found(v));
    }
    t.scenario = std::move(j["scenario"]);
    t.options = std::move(j["options"]);
    const json& files = j["files"];
    if (!files.is_array()) r.fail(top.at("files"), "an array of file paths, found " + found(files));
    if (files.size() > kMaxFiles) r.fail(top.at("files"), "at most 256 files, found " + std::to_string(files.size()));
    for (std::size_t k = 0; k < files.size(); ++k) t.files.push_back(r.str(files[k], Where{"/files", k}, "a file path"));
    if (auto it = j.find("stacks"); it != j.end()) {
        if (!it->is_array()) r.fail(top.at("stacks"), "an array of call stacks (arrays of function names), found " + found(*it));
        for (std::size_t k = 0; k < it->size(); ++k) {
            const json& st = (*it)[k];
            const std::string place = "/stacks/" + std::to_string(k);
            if (!st.is_array() || st.empty() || st.size() > static_cast<std::size_t>(kMaxDepth) + 1)
                r.fail(place, "a call stack: an array of 1 to " + std::to_string(kMaxDepth + 1) +
                                  " function names, outermost first, found " +
                                  (st.is_array() ? std::to_string(st.size()) + " names" : found(st)));
            std::vector<Func> funcs;
            for (std::size_t d = 0; d < st.size(); ++d) {
                const int f = st[d].is_string() ? func_names().find(st[d].get_ref<const std::string&>()) : -1;
                if (f < 0) r.fail(place + "/" + std::to_string(d), func_names().expected() + ", found " + found(st[d]));
                funcs.push_back(static_cast<Func>(f));
            }
            t.stacks.push_back(std::move(funcs));
        }
    }
    if (!j["events"].is_array()) r.fail(top.at("events"), "an array of events, found " + found(j["events"]));
    if (!j["frames"].is_array()) r.fail(top.at("frames"), "an array of frames, found " + found(j["frames"]));
    r.resolve_files();
    validate_trace(t, name);
    return t;
}

// ---------------------------------------------------------------- CBOR writer

namespace {

void put_head(std::string& b, uint8_t major, uint64_t v) {
    const auto m = static_cast<char>(major << 5);
    if (v < 24) {
        b += static_cast<char>(m | static_cast<char>(v));
        return;
    }
    int n;
    if (v <= 0xff) {
        b += static_cast<char>(m | 24);
        n = 1;
    } else if (v <= 0xffff) {
        b += static_cast<char>(m | 25);
        n = 2;
    } else if (v <= 0xffffffff) {
        b += static_cast<char>(m | 26);
        n = 4;
    } else {
        b += static_cast<char>(m | 27);
        n = 8;
    }
    for (int k = n - 1; k >= 0; --k) b += static_cast<char>((v >> (8 * k)) & 0xff);
}
void put_int(std::string& b, int64_t v) {
    if (v >= 0) put_head(b, 0, static_cast<uint64_t>(v));
    else put_head(b, 1, static_cast<uint64_t>(-1 - v));
}
void put_text(std::string& b, std::string_view s) {
    put_head(b, 3, s.size());
    b.append(s);
}
void put_json(std::string& b, const json& j) {
    const auto v = json::to_cbor(j);
    b.append(reinterpret_cast<const char*>(v.data()), v.size());
}
void put_names(std::string& b, const Names& n) {
    put_head(b, 4, n.list.size());
    for (auto s : n.list) put_text(b, s);
}

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
int64_t wrap_sub(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b)); }
int64_t wrap_add(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b)); }

void put_change_cbor(std::string& b, const Change& c, DeltaState& d) {
    const Shape& s = shape(c.op);
    put_int(b, static_cast<int64_t>(c.op));
    if (s.target == TargetKind::skb) {
        put_int(b, static_cast<int64_t>(c.target) - d.skb);
        d.skb = c.target;
    } else if (s.target == TargetKind::page) {
        put_int(b, static_cast<int64_t>(c.target) - d.page);
        d.page = c.target;
    }
    if (s.field != FieldKind::none) put_int(b, c.field);
    if (s.value == ValueKind::frag) {
        put_int(b, frag_page(c.value));
        put_int(b, frag_off(c.value));
        put_int(b, frag_size(c.value));
    } else if (s.value == ValueKind::value && s.field == FieldKind::sock) {
        put_int(b, wrap_sub(c.value, d.sock[c.field]));
        d.sock[c.field] = c.value;
    } else if (s.value == ValueKind::value && s.field == FieldKind::skb) {
        put_int(b, wrap_sub(c.value, d.skbf[c.field]));
        d.skbf[c.field] = c.value;
    } else if (s.value != ValueKind::none) {
        put_int(b, c.value);
    }
}

}  // namespace

void write_trace_cbor(const Trace& t, std::ostream& out) {
    validate_trace(t, kWriteName);
    Sink sink(out);
    std::string& b = sink.buf;
    const bool stacks = !t.stacks.empty();  // without stacks, the bytes are those of a trace from before stacks
    put_head(b, 5, stacks ? 11 : 10);
    put_text(b, "format");
    put_text(b, kFormatName);
    put_text(b, "format_version");
    put_int(b, t.format_version);
    put_text(b, "engine_version");
    put_text(b, t.engine_version);
    put_text(b, "scenario");
    put_json(b, t.scenario);
    put_text(b, "options");
    put_json(b, t.options);
    put_text(b, "files");
    put_head(b, 4, t.files.size());
    for (const auto& f : t.files) put_text(b, f);
    if (stacks) {
        put_text(b, "stacks");
        put_head(b, 4, t.stacks.size());
        for (const auto& st : t.stacks) {
            put_head(b, 4, st.size());
            for (Func f : st) put_int(b, static_cast<int64_t>(f));
        }
    }
    put_text(b, "end_reason");
    put_text(b, t.end_reason);
    // The names behind every id, so the file reads without this build's enums.
    put_text(b, "tables");
    put_head(b, 5, 6);
    put_text(b, "kinds");
    put_names(b, kind_names());
    put_text(b, "functions");
    put_names(b, func_names());
    put_text(b, "ops");
    put_names(b, op_names());
    put_text(b, "args");
    put_names(b, arg_names());
    put_text(b, "sock_fields");
    put_names(b, sock_field_names());
    put_text(b, "skb_fields");
    put_names(b, skb_field_names());

    put_text(b, "events");
    put_head(b, 4, t.events.size());
    int64_t prev_time = 0, prev_call = 0;
    DeltaState delta;
    for (const Event& e : t.events) {
        std::size_t items = stacks ? 8 : 7;
        for (const Change* c = t.changes_begin(e); c != t.changes_end(e); ++c) items += 1 + operand_count(c->op);
        put_head(b, 4, items);
        put_int(b, e.time_us - prev_time);
        put_int(b, static_cast<int64_t>(e.kind));
        put_int(b, static_cast<int64_t>(e.func));
        put_int(b, e.depth);
        put_int(b, e.file);
        put_int(b, e.line);
        put_int(b, static_cast<int64_t>(e.call) - prev_call);
        if (stacks) put_int(b, e.stack == kNoStack ? -1 : static_cast<int64_t>(e.stack));
        prev_time = e.time_us;
        prev_call = e.call;
        for (const Change* c = t.changes_begin(e); c != t.changes_end(e); ++c) put_change_cbor(b, *c, delta);
        sink.maybe_flush();
    }
    put_text(b, "frames");
    put_head(b, 4, t.frames.size());
    std::vector<uint8_t> scratch;
    for (std::size_t k = 0; k < t.frames.size(); ++k) {
        const Frame& f = t.frames[k];
        const auto bytes = whole_frame(t, k, scratch);
        put_head(b, 4, 6);
        put_int(b, f.time_us);
        put_int(b, f.dir);
        put_int(b, f.event);
        put_int(b, f.skb);
        b += static_cast<char>(f.dropped ? 0xf5 : 0xf4);
        put_head(b, 2, f.length);
        b.append(reinterpret_cast<const char*>(bytes.data()), f.length);
        sink.maybe_flush();
    }
    sink.flush();
}

// ---------------------------------------------------------------- CBOR reader

namespace {

// A bounds-checked CBOR decoder. Places in its errors are the JSON form's
// pointers ("/events/12/kind") plus the byte offset. It reads bytes in memory,
// or a file through a window of a few MiB: a big trace is then never held
// twice (file and Trace), which halves the fresh memory a load pays for.
class CborTraceReader {
public:
    CborTraceReader(std::span<const uint8_t> bytes, const std::string& name, Trace& t)
        : data_(bytes.data()), hi_(bytes.size()), size_(bytes.size()), name_(name), t_(t) {}
    // in is positioned anywhere; size is the stream's size.
    CborTraceReader(std::istream& in, std::size_t size, std::size_t window, const std::string& name, Trace& t)
        : size_(size), in_(&in), window_size_(std::max<std::size_t>(16, window)), name_(name), t_(t) {}

    struct Head {
        uint8_t major = 0;
        uint8_t info = 0;
        uint64_t arg = 0;
        bool indefinite = false;
        std::size_t at = 0;
    };
    // A container being read item by item (definite or indefinite length).
    struct Seq {
        bool indefinite;
        uint64_t left;
    };

    [[noreturn]] void fail(const Where& w, std::size_t at, const std::string& expected) const {
        const std::string byte = "byte " + std::to_string(at);
        throw InputError(name_, w.empty() ? byte : w.str() + " (" + byte + ")", expected);
    }
    [[noreturn]] void fail_eof(const Where& w) const {
        throw InputError(name_, "byte " + std::to_string(size_),
                         "more bytes: the file ends inside " + (w.empty() ? std::string("the trace") : w.str()) +
                             " (truncated file?)");
    }

    // Makes bytes [pos, pos + n) readable through at() (n is at most 9);
    // false when the input ends first.
    bool need(std::size_t pos, std::size_t n) {
        if (pos >= lo_ && n <= hi_ - lo_ && pos - lo_ <= hi_ - lo_ - n) return true;
        if (pos > size_ || n > size_ - pos || !in_) return false;
        const std::size_t len = std::min(size_ - pos, std::max(n, window_size_));
        window_.resize(std::max(window_.size(), len));
        in_->clear();
        in_->seekg(static_cast<std::streamoff>(pos));
        in_->read(reinterpret_cast<char*>(window_.data()), static_cast<std::streamsize>(len));
        const auto got = static_cast<std::size_t>(std::max<std::streamsize>(0, in_->gcount()));
        if (got < len) size_ = pos + got;  // the file shrank while it was read: it now reads as truncated
        data_ = window_.data();
        lo_ = pos;
        hi_ = pos + got;
        return n <= got;
    }
    uint8_t at(std::size_t pos) const { return data_[pos - lo_]; }

    uint8_t byte(const Where& w) {
        if (!need(pos_, 1)) fail_eof(w);
        return at(pos_++);
    }
    uint8_t peek(const Where& w) {
        if (!need(pos_, 1)) fail_eof(w);
        return at(pos_);
    }
    // Calls sink(pointer, length) for the next n bytes, a window at a time.
    template <class Sink>
    void consume(uint64_t n, const Where& w, Sink&& sink) {
        if (pos_ > size_ || n > size_ - pos_) fail_eof(w);
        while (n > 0) {
            if (!need(pos_, 1)) fail_eof(w);
            const std::size_t k = static_cast<std::size_t>(std::min<uint64_t>(n, hi_ - pos_));
            sink(data_ + (pos_ - lo_), k);
            pos_ += k;
            n -= k;
        }
    }
    Head head(const Where& w) {
        // The common case, one byte with a small argument, without the checks below.
        if (pos_ >= lo_ && pos_ < hi_ && (at(pos_) & 31) < 24) {
            const uint8_t ib = at(pos_);
            return Head{static_cast<uint8_t>(ib >> 5), static_cast<uint8_t>(ib & 31), static_cast<uint64_t>(ib & 31), false, pos_++};
        }
        return head_slow(w);
    }
    [[gnu::noinline]] Head head_slow(const Where& w) {
        Head h;
        h.at = pos_;
        const uint8_t ib = byte(w);
        h.major = ib >> 5;
        h.info = ib & 31;
        if (h.info < 24) {
            h.arg = h.info;
        } else if (h.info <= 27) {
            const int n = 1 << (h.info - 24);
            if (!need(pos_, static_cast<std::size_t>(n))) fail_eof(w);
            for (int k = 0; k < n; ++k) h.arg = h.arg << 8 | at(pos_++);
        } else if (h.info == 31) {
            if (h.major == 0 || h.major == 1 || h.major == 6)
                fail(w, h.at, "well-formed CBOR (an indefinite length on a major type " + std::to_string(h.major) +
                                  " item is not allowed)");
            h.indefinite = true;
        } else {
            fail(w, h.at, "well-formed CBOR (additional information " + std::to_string(h.info) + " is reserved)");
        }
        return h;
    }
    // What an item is, for "found ..." (integers by their value).
    static std::string type_name(const Head& h) {
        switch (h.major) {
            case 0: return std::to_string(h.arg);
            case 1:
                return h.arg <= static_cast<uint64_t>(kI64Max) ? std::to_string(-1 - static_cast<int64_t>(h.arg))
                                                                : "an integer below -2^63";
            case 2: return "a byte string";
            case 3: return "a text string";
            case 4: return "an array";
            case 5: return "a map";
            case 6: return "a tagged item";
            default:
                if (h.info == 20 || h.info == 21) return "a boolean";
                if (h.info == 22) return "null";
                if (h.info >= 25 && h.info <= 27) return "a floating-point number";
                if (h.indefinite) return "a break byte";
                return "a simple value";
        }
    }
    int64_t read_int(const Where& w, std::string_view what, int64_t lo, int64_t hi) {
        const Head h = head(w);
        if (h.major <= 1 && h.arg <= static_cast<uint64_t>(kI64Max)) {
            const int64_t v = h.major == 0 ? static_cast<int64_t>(h.arg) : -1 - static_cast<int64_t>(h.arg);
            if (v >= lo && v <= hi) return v;
        }
        fail_int(w, h, what, lo, hi);
    }
    [[noreturn, gnu::noinline, gnu::cold]] void fail_int(const Where& w, const Head& h, std::string_view what, int64_t lo,
                                                        int64_t hi) const {
        fail(w, h.at, std::string(what) + ": " + range_text(lo, hi) + ", found " + type_name(h));
    }
    bool read_bool(const Where& w, std::string_view what) {
        const Head h = head(w);
        if (h.major != 7 || (h.info != 20 && h.info != 21))
            fail(w, h.at, std::string(what) + ", found " + (h.major <= 1 ? "an integer" : type_name(h)));
        return h.info == 21;
    }
    // Text or byte string content; indefinite strings are joined from their chunks.
    std::string read_string(uint8_t major, const Where& w, std::string_view what) {
        const Head h = head(w);
        if (h.major != major) fail(w, h.at, std::string(what) + ", found " + (h.major <= 1 ? "an integer" : type_name(h)));
        if (!h.indefinite) return take(h.arg, w);
        std::string s;
        for (;;) {
            if (peek(w) == 0xff) {
                ++pos_;
                return s;
            }
            const Head c = head(w);
            if (c.major != major || c.indefinite)
                fail(w, c.at, "well-formed CBOR (a chunk of an indefinite-length string), found " + type_name(c));
            s += take(c.arg, w);
        }
    }
    // A byte string appended straight to out (no temporary string per frame).
    void read_bytes_into(std::vector<uint8_t>& out, const Where& w, std::string_view what) {
        const Head h = head(w);
        if (h.major != 2) fail(w, h.at, std::string(what) + ", found " + (h.major <= 1 ? "an integer" : type_name(h)));
        auto append = [&](uint64_t n) {
            consume(n, w, [&](const uint8_t* p, std::size_t k) { out.insert(out.end(), p, p + k); });
        };
        if (!h.indefinite) return append(h.arg);
        for (;;) {
            if (peek(w) == 0xff) {
                ++pos_;
                return;
            }
            const Head c = head(w);
            if (c.major != 2 || c.indefinite)
                fail(w, c.at, "well-formed CBOR (a chunk of an indefinite-length string), found " + type_name(c));
            append(c.arg);
        }
    }
    std::string take(uint64_t n, const Where& w) {
        if (pos_ > size_ || n > size_ - pos_) fail_eof(w);
        std::string s;
        s.reserve(static_cast<std::size_t>(n));
        consume(n, w, [&](const uint8_t* p, std::size_t k) { s.append(reinterpret_cast<const char*>(p), k); });
        return s;
    }

    Seq begin(uint8_t major, const Where& w, std::string_view what) {
        const Head h = head(w);
        if (h.major != major) fail(w, h.at, std::string(what) + ", found " + (h.major <= 1 ? "an integer" : type_name(h)));
        if (h.indefinite) return {true, 0};
        // Every item takes at least one byte: a longer claim is a truncated or garbage file.
        const uint64_t per = major == 5 ? 2 : 1;
        if (pos_ > size_ || h.arg > (size_ - pos_) / per) fail_eof(w);
        return {false, h.arg * per};
    }
    bool more(Seq& s, const Where& w) {
        if (s.indefinite) {
            if (peek(w) == 0xff) {
                ++pos_;
                return false;
            }
            return true;
        }
        if (s.left == 0) return false;
        --s.left;
        return true;
    }

    // Skips one item. json_only: refuse byte strings and tags (no JSON value holds them).
    void skip(const Where& w, std::size_t depth, bool json_only) {
        if (depth > kMaxNesting) fail(w, pos_, "CBOR nested at most " + std::to_string(kMaxNesting) + " levels deep");
        const std::size_t at = pos_;
        const uint8_t major = peek(w) >> 5;
        if (json_only && (major == 2 || major == 6))
            fail(w, at, "a value JSON can hold, found " + std::string(major == 2 ? "a byte string" : "a tagged item"));
        switch (major) {
            case 0:
            case 1: head(w); return;
            case 2:
            case 3: read_string(major, w, "a string"); return;
            case 4:
            case 5: {
                Seq s = begin(major, w, "a container");
                while (more(s, w)) skip(w, depth + 1, json_only);
                return;
            }
            case 6:
                head(w);
                skip(w, depth + 1, json_only);
                return;
            default: {
                const Head h = head(w);
                if (h.indefinite) fail(w, h.at, "well-formed CBOR (a break byte outside an indefinite-length item)");
                if (h.info == 24 && h.arg < 32) fail(w, h.at, "well-formed CBOR (a simple value below 32 in two bytes)");
                return;
            }
        }
    }

    // ---- the trace

    struct Table {
        std::vector<int> to_ours;  // file id -> our id, -1 when this build does not know the name
        std::vector<std::string> names;
    };

    void read() {
        if (!need(0, 1)) fail_eof(Where());
        if (at(0) >> 5 != 5) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", at(0));
            fail(Where(), 0, "a sendpath trace: a JSON object starting with '{' or a CBOR map (first byte 0xa0 to 0xbf), "
                             "found first byte " + std::string(hex));
        }
        // First pass: where each top-level value is, so the tables and files
        // are known before events are decoded whatever the key order.
        // "stacks" (last) is optional: traces written before stacks were recorded.
        static const std::vector<std::string_view> keys{"format", "format_version", "engine_version", "scenario", "options",
                                                        "files",  "end_reason",     "tables",         "events", "frames",
                                                        "stacks"};
        std::vector<std::pair<std::size_t, std::size_t>> span(keys.size(), {0, 0});
        std::vector<bool> have(keys.size(), false);
        const Where top;
        Seq s = begin(5, top, "a CBOR map");
        while (more(s, top)) {
            const std::size_t kat = pos_;
            const std::string key = read_string(3, top, "a text key of the trace map");
            if (!s.indefinite) more(s, top);  // the value half of the pair
            const auto it = std::find(keys.begin(), keys.end(), key);
            if (it == keys.end())
                fail(top.at(key), kat, "one of the keys of a sendpath trace (" + join(keys) + "), found the unknown key " +
                                           quote_short(key));
            const auto k = static_cast<std::size_t>(it - keys.begin());
            if (have[k]) fail(top.at(key), kat, "each key once in the trace map, found " + quote_short(key) + " a second time");
            have[k] = true;
            span[k].first = pos_;
            skip(top.at(keys[k]), 1, keys[k] == "scenario" || keys[k] == "options");
            span[k].second = pos_;
        }
        if (pos_ != size_)
            fail(top, pos_, "the end of the file after the trace map, found " + std::to_string(size_ - pos_) + " more bytes");
        for (std::size_t k = 0; k + 1 < keys.size(); ++k)
            if (!have[k])
                fail(top.at(keys[k]), 0, "the required key \"" + std::string(keys[k]) + "\" of a sendpath trace, found no such key");
        has_stacks_ = have.back();
        auto go = [&](std::string_view key) {
            const auto k = static_cast<std::size_t>(std::find(keys.begin(), keys.end(), key) - keys.begin());
            pos_ = span[k].first;
            return span[k];
        };

        go("format");
        std::size_t at = pos_;
        const std::string format = read_string(3, top.at("format"), "\"sendpath-trace\"");
        if (format != kFormatName) fail(top.at("format"), at, "\"sendpath-trace\", found " + quote_short(format));
        go("format_version");
        at = pos_;
        t_.format_version = static_cast<int>(read_int(top.at("format_version"), "the format version", 0, 1 << 30));
        if (t_.format_version != kFormatVersion)
            fail(top.at("format_version"), at, "format version " + std::to_string(kFormatVersion) +
                                                   " (the one this sendpath reads), found " + std::to_string(t_.format_version));
        go("engine_version");
        t_.engine_version = read_string(3, top.at("engine_version"), "a version string");
        go("end_reason");
        t_.end_reason = read_string(3, top.at("end_reason"), "a text string");
        t_.scenario = json_at(go("scenario"), top.at("scenario"));
        t_.options = json_at(go("options"), top.at("options"));
        go("files");
        Seq f = begin(4, top.at("files"), "an array of file paths");
        while (more(f, top.at("files"))) {
            if (t_.files.size() >= kMaxFiles) fail(top.at("files"), pos_, "at most 256 files");
            t_.files.push_back(read_string(3, Where("/files", t_.files.size()), "a file path"));
        }
        go("tables");
        read_tables();
        if (has_stacks_) {
            go("stacks");
            read_stacks();
        }
        // Upper bounds, so the big arrays are allocated once: every change
        // takes at least two bytes (op and an operand), every frame byte one.
        const auto ev = go("events");
        reserve_big(t_.changes, (ev.second - ev.first) / 2);
        read_events();
        const auto fr = go("frames");
        reserve_big(t_.frame_bytes, fr.second - fr.first);
        read_frames();
    }

    json json_at(std::pair<std::size_t, std::size_t> sp, const Where& w) {
        json j;
        std::vector<uint8_t> bytes;
        pos_ = sp.first;
        consume(sp.second - sp.first, w, [&](const uint8_t* p, std::size_t k) { bytes.insert(bytes.end(), p, p + k); });
        try {
            j = json::from_cbor(bytes, true, true);
        } catch (const json::parse_error& e) {
            fail(w, sp.first + (e.byte > 0 ? e.byte - 1 : 0), std::string("a CBOR value JSON can hold (") + e.what() + ")");
        } catch (const json::exception& e) {
            fail(w, sp.first, std::string("a CBOR value JSON can hold (") + e.what() + ")");
        }
        if (!j.is_object() && !j.is_null()) fail(w, sp.first, "an object or null, found " + j.dump());
        return j;
    }

    void read_tables() {
        static const std::vector<std::string_view> keys{"kinds", "functions", "ops", "args", "sock_fields", "skb_fields"};
        static const std::vector<std::string> sections{"/tables/kinds", "/tables/functions", "/tables/ops",
                                                       "/tables/args", "/tables/sock_fields", "/tables/skb_fields"};
        const Names* ours[] = {&kind_names(), &func_names(), &op_names(), &arg_names(), &sock_field_names(),
                               &skb_field_names()};
        Table* dst[] = {&kinds_, &funcs_, &ops_, &args_, &sock_fields_, &skb_fields_};
        std::vector<bool> have(keys.size(), false);
        const Where tw("/tables");
        Seq s = begin(5, tw, "a map of name tables");
        while (more(s, tw)) {
            const std::size_t kat = pos_;
            const std::string key = read_string(3, tw, "a text key");
            if (!s.indefinite) more(s, tw);
            const auto it = std::find(keys.begin(), keys.end(), key);
            if (it == keys.end())
                fail(tw.at(key), kat, "one of the name tables (" + join(keys) + "), found " + quote_short(key));
            const auto k = static_cast<std::size_t>(it - keys.begin());
            if (have[k]) fail(tw.at(key), kat, "each table once, found " + quote_short(key) + " a second time");
            have[k] = true;
            const Where w(sections[k]);
            Seq a = begin(4, w, "an array of names");
            while (more(a, w)) {
                std::string n = read_string(3, Where(sections[k], dst[k]->names.size()), "a name");
                dst[k]->to_ours.push_back(ours[k]->find(n));
                dst[k]->names.push_back(std::move(n));
            }
        }
        for (std::size_t k = 0; k < keys.size(); ++k)
            if (!have[k]) fail(tw.at(keys[k]), pos_, "the required name table " + quote_short(keys[k]));
    }

    // An id from the file, translated through its name table into ours.
    int lookup(const Table& tab, const Names& ours, const Where& w, std::string_view table) {
        const Head h = head(w);
        if (h.major != 0 || h.arg >= tab.names.size())
            fail(w, h.at, "an id into /tables/" + std::string(table) + ": " +
                              range_text(0, static_cast<int64_t>(tab.names.size()) - 1) + ", found " + type_name(h));
        const int v = tab.to_ours[static_cast<std::size_t>(h.arg)];
        if (v < 0)
            fail(w, h.at, ours.expected() + ", found " + quote_short(tab.names[static_cast<std::size_t>(h.arg)]) +
                              " (/tables/" + std::string(table) + "/" + std::to_string(h.arg) + ")");
        return v;
    }

    void read_stacks() {
        const Where all("/stacks");
        Seq s = begin(4, all, "an array of call stacks");
        for (std::size_t k = 0; more(s, all); ++k) {
            const Where w("/stacks", k);
            if (k >= kNoStack - 1) fail(w, pos_, "fewer than 4294967295 call stacks");
            const std::size_t at = pos_;
            Seq a = begin(4, w, "a call stack: an array of function ids, outermost first");
            std::vector<Func> st;
            for (std::size_t d = 0; more(a, w); ++d) {
                if (d > static_cast<std::size_t>(kMaxDepth))
                    fail(w, at, "a call stack of at most " + std::to_string(kMaxDepth + 1) + " functions");
                const std::string key = std::to_string(d);  // outlives the Where that points at it
                st.push_back(static_cast<Func>(lookup(funcs_, func_names(), w.at(key), "functions")));
            }
            if (st.empty()) fail(w, at, "a call stack of at least one function, found an empty array");
            t_.stacks.push_back(std::move(st));
        }
    }

    void read_events() {
        const Where all("/events");
        Seq s = begin(4, all, "an array of events");
        if (!s.indefinite) reserve_big(t_.events, static_cast<std::size_t>(s.left));
        int64_t time = 0, call = 0;
        // With a stack table, each event holds its stack index after the call delta.
        const std::string layout = has_stacks_ ? "an event array [dt, kind, function, depth, file, line, call delta, stack, changes...]"
                                               : "an event array [dt, kind, function, depth, file, line, call delta, changes...]";
        for (std::size_t i = 0; more(s, all); ++i) {
            const Where w("/events", i);
            Seq e = begin(4, w, layout);
            auto next = [&](std::string_view key) {
                if (!more(e, w.at(key))) fail(w.at(key), pos_, layout + ", found one that ends before " + std::string(key));
                return w.at(key);
            };
            Event ev;
            Where p = next("t");
            std::size_t at = pos_;
            const int64_t dt = read_int(p, "a time delta in microseconds (times never go backwards)", 0, kI64Max);
            if (dt > kI64Max - time) fail(p, at, "a time that fits in 64 bits");
            time += dt;
            ev.time_us = time;
            ev.kind = static_cast<Kind>(lookup(kinds_, kind_names(), next("kind"), "kinds"));
            ev.func = static_cast<Func>(lookup(funcs_, func_names(), next("function"), "functions"));
            ev.depth = static_cast<uint8_t>(read_int(next("depth"), "a call depth", 0, kMaxDepth));
            ev.file = static_cast<uint8_t>(read_int(next("file"), "a file id (an index into /files)", 0,
                                                    static_cast<int64_t>(t_.files.size()) - 1));
            ev.line = static_cast<uint32_t>(read_int(next("line"), "a source line", 0, kU32Max));
            p = next("call");
            at = pos_;
            const int64_t dcall = read_int(p, "a call delta", -kU32Max, kU32Max);
            if (call + dcall < 0 || call + dcall > kU32Max)
                fail(p, at, "a call delta that keeps the call number from 0 to 4294967295, found " + std::to_string(dcall) +
                                " after call " + std::to_string(call));
            call += dcall;
            ev.call = static_cast<uint32_t>(call);
            if (has_stacks_) {
                // -1: not recorded; an index is checked against /stacks by validate_trace.
                const int64_t st = read_int(next("stack"), "a call stack index (into /stacks), or -1 for none", -1, kU32Max - 1);
                ev.stack = st < 0 ? kNoStack : static_cast<uint32_t>(st);
            }
            ev.change_begin = static_cast<uint32_t>(t_.changes.size());
            for (std::size_t j = 0; more(e, w); ++j) {
                if (t_.changes.size() >= kU32Max - 1) fail(w, pos_, "at most 4294967294 changes in a trace");
                t_.changes.push_back(read_change(e, Where("/events", i, j)));
            }
            ev.change_end = static_cast<uint32_t>(t_.changes.size());
            t_.events.push_back(ev);
        }
    }

    Change read_change(Seq& e, const Where& w) {
        Change c;
        c.op = static_cast<Op>(lookup(ops_, op_names(), w.at("op"), "ops"));
        const Shape& s = shape(c.op);
        const auto& keys = change_keys(c.op);
        std::size_t k = 1;
        auto next = [&]() {
            const Where p = w.at(keys[k]);
            if (!more(e, p))
                fail(p, pos_, "the operands of " + std::string(op_name(c.op)) + " (" + join(keys) +
                                  "), found the end of the event array");
            ++k;
            return p;
        };
        if (s.target != TargetKind::none) {
            const Where p = next();
            const std::size_t at = pos_;
            int64_t& prev = s.target == TargetKind::skb ? delta_.skb : delta_.page;
            const int64_t id = prev + read_int(p, s.target == TargetKind::skb ? "an skb id delta" : "a page id delta", -kU32Max, kU32Max);
            if (id < 0 || id > kU32Max)
                fail(p, at, std::string(s.target == TargetKind::skb ? "an skb" : "a page") +
                                " id delta that keeps the id from 0 to 4294967295");
            prev = id;
            c.target = static_cast<uint32_t>(id);
        }
        switch (s.field) {
            case FieldKind::none: break;
            case FieldKind::frag_index:
                c.field = static_cast<uint8_t>(read_int(next(), "a fragment index (MAX_SKB_FRAGS is 18)", 0, model::MAX_SKB_FRAGS - 1));
                break;
            case FieldKind::sock: c.field = static_cast<uint8_t>(lookup(sock_fields_, sock_field_names(), next(), "sock_fields")); break;
            case FieldKind::skb: c.field = static_cast<uint8_t>(lookup(skb_fields_, skb_field_names(), next(), "skb_fields")); break;
            case FieldKind::arg: c.field = static_cast<uint8_t>(lookup(args_, arg_names(), next(), "args")); break;
        }
        switch (s.value) {
            case ValueKind::none: break;
            case ValueKind::frag: {
                const auto page = read_int(next(), "a page id", 0, kU32Max);
                const auto off = read_int(next(), "an offset in the page", 0, 0xffff);
                const auto size = read_int(next(), "a fragment size in bytes", 0, 0xffff);
                c.value = pack_frag(static_cast<uint32_t>(page), static_cast<uint32_t>(off), static_cast<uint32_t>(size));
                break;
            }
            case ValueKind::after:
                c.value = read_int(next(), "the id of the skb it follows (0 = head of the queue)", 0, kU32Max);
                break;
            case ValueKind::value:
            case ValueKind::count: c.value = read_int(next(), "a value", kI64Min, kI64Max); break;
        }
        if (s.value == ValueKind::value && s.field == FieldKind::sock) {
            c.value = wrap_add(delta_.sock[c.field], c.value);
            delta_.sock[c.field] = c.value;
        } else if (s.value == ValueKind::value && s.field == FieldKind::skb) {
            c.value = wrap_add(delta_.skbf[c.field], c.value);
            delta_.skbf[c.field] = c.value;
        }
        return c;
    }

    void read_frames() {
        const Where all("/frames");
        Seq s = begin(4, all, "an array of frames");
        if (!s.indefinite) reserve_big(t_.frames, static_cast<std::size_t>(s.left));
        for (std::size_t k = 0; more(s, all); ++k) {
            const Where w("/frames", k);
            Seq a = begin(4, w, "a frame array [t, dir, event, skb, dropped, bytes]");
            auto next = [&](std::string_view key) {
                if (!more(a, w.at(key)))
                    fail(w.at(key), pos_, "a frame array [t, dir, event, skb, dropped, bytes], found one that ends before " +
                                              std::string(key));
                return w.at(key);
            };
            Frame f;
            f.time_us = read_int(next("t"), "a time in microseconds", 0, kI64Max);
            f.dir = static_cast<uint8_t>(read_int(next("dir"), "a direction (0 out, 1 in)", 0, 1));
            f.event = static_cast<uint32_t>(read_int(next("event"), "an event index", 0, kU32Max));
            f.skb = static_cast<uint32_t>(read_int(next("skb"), "an skb id (0 = none)", 0, kU32Max));
            f.dropped = read_bool(next("dropped"), "true or false") ? 1 : 0;
            const Where hw = next("hex");
            f.offset = static_cast<uint32_t>(t_.frame_bytes.size());
            read_bytes_into(t_.frame_bytes, hw, "the frame's bytes as a byte string");
            if (t_.frame_bytes.size() > kU32Max) fail(hw, pos_, "at most 4 GiB of frame bytes in a trace");
            f.length = static_cast<uint32_t>(t_.frame_bytes.size() - f.offset);
            if (more(a, w)) fail(w, pos_, "a frame array of exactly 6 items [t, dir, event, skb, dropped, bytes]");
            t_.frames.push_back(f);
        }
    }

private:
    const uint8_t* data_ = nullptr;  // bytes [lo_, hi_) of the input
    std::size_t lo_ = 0, hi_ = 0;
    std::size_t size_ = 0;           // of the whole input
    std::istream* in_ = nullptr;     // null: all of it is in memory
    std::size_t window_size_ = 0;
    std::vector<uint8_t> window_;
    const std::string& name_;
    DeltaState delta_;
    Trace& t_;
    std::size_t pos_ = 0;
    bool has_stacks_ = false;
    Table kinds_, funcs_, ops_, args_, sock_fields_, skb_fields_;
};

}  // namespace

Trace parse_trace_cbor(std::span<const uint8_t> bytes, const std::string& name) {
    Trace t;
    CborTraceReader r(bytes, name, t);
    r.read();
    validate_trace(t, name);
    return t;
}

Trace parse_trace_cbor(std::istream& in, const std::string& name, std::size_t window) {
    in.clear();
    in.seekg(0, std::ios::end);
    const std::streamoff end = in.tellg();
    if (end < 0 || !in) throw InputError(name, "", "a seekable file (the CBOR reader moves back and forth in it)");
    Trace t;
    CborTraceReader r(in, static_cast<std::size_t>(end), window, name, t);
    r.read();
    validate_trace(t, name);
    return t;
}

// ---------------------------------------------------------------- files

namespace {

// The whole of a JSON file in one allocation of its size (read_file_bytes
// grows a vector through a stream iterator: seconds for a big trace).
struct FileText {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;
};
FileText read_whole(std::istream& in, std::size_t size, const std::string& path) {
    FileText f;
    f.data.reset(new char[std::max<std::size_t>(1, size)]);  // not zeroed: read() writes every byte
    advise_huge(f.data.get(), size);
    in.clear();
    in.seekg(0);
    in.read(f.data.get(), static_cast<std::streamsize>(size));
    if (in.bad()) throw InputError(path, "", "a readable file (read error)");
    f.size = static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount()));  // shorter if it shrank meanwhile
    return f;
}

// JSON when the first byte after a byte order mark and white space is '{'.
// Returns 1 for JSON, 0 for not JSON, -1 when bytes holds only white space.
int sniff_json(std::span<const uint8_t> bytes) {
    std::size_t p = 0;
    if (bytes.size() >= 3 && bytes[0] == 0xef && bytes[1] == 0xbb && bytes[2] == 0xbf) p = 3;  // UTF-8 byte order mark
    while (p < bytes.size() && (bytes[p] == ' ' || bytes[p] == '\t' || bytes[p] == '\n' || bytes[p] == '\r')) ++p;
    if (p == bytes.size()) return -1;
    return bytes[p] == '{' ? 1 : 0;
}

Trace load_in_memory(const std::vector<uint8_t>& bytes, const std::string& path) {
    const int kind = sniff_json(bytes);
    if (kind < 0) throw InputError(path, "", "a trace (JSON or CBOR), found an empty file");
    if (kind == 1) return parse_trace_json(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path);
    return parse_trace_cbor(bytes, path);
}

}  // namespace

Trace load_trace(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw InputError(path, "", "a trace file, found a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "", std::string("a readable file (") + std::strerror(errno) + ")");
    in.seekg(0, std::ios::end);
    const std::streamoff end = in.tellg();
    if (end < 0 || !in) return load_in_memory(read_file_bytes(path), path);  // not seekable: a pipe, a device

    const auto size = static_cast<std::size_t>(end);
    std::vector<uint8_t> head(std::min<std::size_t>(size, 1 << 16));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
    int kind = sniff_json(head);
    if (kind < 0 && head.size() < size) return load_in_memory(read_file_bytes(path), path);  // 64 KiB of white space
    if (kind < 0) throw InputError(path, "", "a trace (JSON or CBOR), found an empty file");
    if (kind == 1) {
        const FileText text = read_whole(in, size, path);
        return parse_trace_json(std::string_view(text.data.get(), text.size), path);
    }
    // CBOR is decoded straight from the file, never held whole in memory.
    return parse_trace_cbor(in, path);
}

void save_trace(const Trace& t, const std::string& path, TraceFormat fmt) {
    // Checked before the temporary file exists, so a bad trace leaves nothing behind.
    validate_trace(t, "trace to write to " + path);
    write_file_atomic(path, [&](std::ostream& out) {
        if (fmt == TraceFormat::cbor) write_trace_cbor(t, out);
        else write_trace_json(t, out);
    });
}

TraceFormat format_for_path(const std::string& path) {
    constexpr std::string_view ext = ".cbor";
    if (path.size() < ext.size()) return TraceFormat::json;
    for (std::size_t k = 0; k < ext.size(); ++k)
        if (std::tolower(static_cast<unsigned char>(path[path.size() - ext.size() + k])) != ext[k]) return TraceFormat::json;
    return TraceFormat::cbor;
}

// ---------------------------------------------------------------- CSV

void write_events_csv(const Trace& t, std::ostream& out) {
    // Only the file path is free text; quote it when it needs quoting (RFC 4180).
    auto csv_field = [](std::string_view s) {
        if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
        std::string q = "\"";
        for (char c : s) {
            if (c == '"') q += '"';
            q += c;
        }
        return q + "\"";
    };
    validate_trace(t, kWriteName);
    std::vector<std::string> files;
    for (const auto& f : t.files) files.push_back(csv_field(f));
    Sink sink(out);
    std::string& b = sink.buf;
    b += "index,time_us,call,depth,function,kind,file,line,args,changes\n";
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const Event& e = t.events[i];
        append_int(b, static_cast<int64_t>(i));
        b += ',';
        append_int(b, e.time_us);
        b += ',';
        append_int(b, e.call);
        b += ',';
        append_int(b, e.depth);
        b += ',';
        b += func_name(e.func);
        b += ',';
        b += kind_name(e.kind);
        b += ',';
        b += files[e.file];
        b += ',';
        append_int(b, e.line);
        b += ',';
        bool first = true;
        const Change* cb = t.changes_begin(e);
        const Change* ce = t.changes_end(e);
        for (const Change* c = cb; c != ce; ++c) {
            if (c->op != Op::arg) continue;
            if (!first) b += ';';
            first = false;
            b += arg_name(static_cast<Arg>(c->field));
            b += '=';
            append_int(b, c->value);
        }
        b += ',';
        append_int(b, static_cast<int64_t>(ce - cb));
        b += '\n';
        sink.maybe_flush();
    }
    sink.flush();
}

}  // namespace sendpath::trace
