// parse_trace_cbor: a bounds-checked CBOR decoder for traces, reading bytes
// in memory or a file through a window. Ids are translated through the
// file's own name tables; errors name the JSON form's place and the byte.
// The largest part of io/, and one class: the decoding and the trace's layout
// share its position and window.
#include "trace/trace_io.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include "model/state.hpp"
#include "trace/io/detail.hpp"
#include "util/errors.hpp"
#include "util/names.hpp"

namespace sendpath::trace {

using namespace io;

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
            return Head{static_cast<uint8_t>(ib >> 5), static_cast<uint8_t>(ib & 31), static_cast<uint64_t>(ib & 31),
                        false, pos_++};
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
                fail(w, h.at,
                     "well-formed CBOR (an indefinite length on a major type " + std::to_string(h.major) +
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
    [[noreturn, gnu::noinline, gnu::cold]] void fail_int(const Where& w, const Head& h, std::string_view what,
                                                         int64_t lo, int64_t hi) const {
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
        if (h.major != major)
            fail(w, h.at, std::string(what) + ", found " + (h.major <= 1 ? "an integer" : type_name(h)));
        std::string s;
        if (!h.indefinite) {
            s = take(h.arg, w);
        } else {
            for (;;) {
                if (peek(w) == 0xff) {
                    ++pos_;
                    break;
                }
                const Head c = head(w);
                if (c.major != major || c.indefinite)
                    fail(w, c.at, "well-formed CBOR (a chunk of an indefinite-length string), found " + type_name(c));
                s += take(c.arg, w);
            }
        }
        // CBOR text is UTF-8 (RFC 8949), as JSON text is: a trace read from
        // either form must write to the other unchanged.
        if (major == 3 && !valid_utf8(s))
            fail(w, h.at, std::string(what) + " in UTF-8, found a text string that is not");
        return s;
    }
    // Steps over a byte string without reading it: the first pass over a trace
    // only looks for where each top-level value is, and the frames' bytes (most
    // of a trace) were copied into a temporary string each there.
    void skip_bytes(const Where& w) {
        const Head h = head(w);
        auto step = [&](uint64_t n) {
            if (pos_ > size_ || n > size_ - pos_) fail_eof(w);
            pos_ += static_cast<std::size_t>(n);
        };
        if (!h.indefinite) return step(h.arg);
        for (;;) {
            if (peek(w) == 0xff) {
                ++pos_;
                return;
            }
            const Head c = head(w);
            if (c.major != 2 || c.indefinite)
                fail(w, c.at, "well-formed CBOR (a chunk of an indefinite-length string), found " + type_name(c));
            step(c.arg);
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
        if (h.major != major)
            fail(w, h.at, std::string(what) + ", found " + (h.major <= 1 ? "an integer" : type_name(h)));
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
            case 2: skip_bytes(w); return;
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
                if (h.info == 24 && h.arg < 32)
                    fail(w, h.at, "well-formed CBOR (a simple value below 32 in two bytes)");
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
            fail(Where(), 0,
                 "a sendpath trace: a JSON object starting with '{' or a CBOR map (first byte 0xa0 to 0xbf), "
                 "found first byte " +
                     std::string(hex));
        }
        // First pass: where each top-level value is, so the tables and files
        // are known before events are decoded whatever the key order.
        // "stacks" (last) is optional: traces written before stacks were recorded.
        static const std::vector<std::string_view> keys{"format",  "format_version", "engine_version", "scenario",
                                                        "options", "files",          "end_reason",     "tables",
                                                        "events",  "frames",         "stacks"};
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
                fail(top.at(key), kat,
                     "one of the keys of a sendpath trace (" + util::join(keys) + "), found the unknown key " +
                         quote_short(key));
            const auto k = static_cast<std::size_t>(it - keys.begin());
            if (have[k])
                fail(top.at(key), kat, "each key once in the trace map, found " + quote_short(key) + " a second time");
            have[k] = true;
            span[k].first = pos_;
            skip(top.at(keys[k]), 1, keys[k] == "scenario" || keys[k] == "options");
            span[k].second = pos_;
        }
        if (pos_ != size_)
            fail(top, pos_,
                 "the end of the file after the trace map, found " + std::to_string(size_ - pos_) + " more bytes");
        for (std::size_t k = 0; k + 1 < keys.size(); ++k)
            if (!have[k])
                fail(top.at(keys[k]), 0,
                     "the required key \"" + std::string(keys[k]) + "\" of a sendpath trace, found no such key");
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
        if (t_.format_version < kOldestFormatVersion || t_.format_version > kFormatVersion)
            fail(top.at("format_version"), at,
                 format_version_expected() + ", found " + std::to_string(t_.format_version));
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
            fail(w, sp.first + (e.byte > 0 ? e.byte - 1 : 0),
                 std::string("a CBOR value JSON can hold (") + e.what() + ")");
        } catch (const json::exception& e) {
            fail(w, sp.first, std::string("a CBOR value JSON can hold (") + e.what() + ")");
        }
        if (!j.is_object() && !j.is_null()) fail(w, sp.first, "an object or null, found " + j.dump());
        return j;
    }

    void read_tables() {
        static const std::vector<std::string_view> keys{"kinds", "functions",   "ops",
                                                        "args",  "sock_fields", "skb_fields"};
        static const std::vector<std::string> sections{"/tables/kinds", "/tables/functions",   "/tables/ops",
                                                       "/tables/args",  "/tables/sock_fields", "/tables/skb_fields"};
        const NameTable* ours[] = {&kind_names(), &func_names(),       &op_names(),
                                   &arg_names(),  &sock_field_names(), &skb_field_names()};
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
                fail(tw.at(key), kat, "one of the name tables (" + util::join(keys) + "), found " + quote_short(key));
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
    int lookup(const Table& tab, const NameTable& ours, const Where& w, std::string_view table) {
        const Head h = head(w);
        if (h.major != 0 || h.arg >= tab.names.size())
            fail(w, h.at,
                 "an id into /tables/" + std::string(table) + ": " +
                     range_text(0, static_cast<int64_t>(tab.names.size()) - 1) + ", found " + type_name(h));
        const int v = tab.to_ours[static_cast<std::size_t>(h.arg)];
        if (v < 0)
            fail(w, h.at,
                 ours.expected() + ", found " + quote_short(tab.names[static_cast<std::size_t>(h.arg)]) + " (/tables/" +
                     std::string(table) + "/" + std::to_string(h.arg) + ")");
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
        const std::string layout =
            has_stacks_ ? "an event array [dt, kind, function, depth, file, site, call delta, stack, changes...]"
                        : "an event array [dt, kind, function, depth, file, site, call delta, changes...]";
        for (std::size_t i = 0; more(s, all); ++i) {
            const Where w("/events", i);
            Seq e = begin(4, w, layout);
            auto next = [&](std::string_view key) {
                if (!more(e, w.at(key)))
                    fail(w.at(key), pos_, layout + ", found one that ends before " + std::string(key));
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
            if (t_.format_version == 1) {
                ev.line = static_cast<uint16_t>(read_int(next("line"), "a source line", 0, kMaxLine));
            } else {
                // An emit site, or minus one more than a line for an event that has none.
                const int64_t v = read_int(next("site"), "an emit site, or -(line + 1) for an event without one",
                                           -kMaxLine - 1, kNoSite - 1);
                if (v >= 0) ev.site = static_cast<uint16_t>(v);
                else ev.line = static_cast<uint16_t>(-v - 1);
            }
            p = next("call");
            at = pos_;
            const int64_t dcall = read_int(p, "a call delta", -kU32Max, kU32Max);
            if (call + dcall < 0 || call + dcall > kU32Max)
                fail(p, at,
                     "a call delta that keeps the call number from 0 to 4294967295, found " + std::to_string(dcall) +
                         " after call " + std::to_string(call));
            call += dcall;
            ev.call = static_cast<uint32_t>(call);
            if (has_stacks_) {
                // -1: not recorded; an index is checked against /stacks by validate_trace.
                const int64_t st =
                    read_int(next("stack"), "a call stack index (into /stacks), or -1 for none", -1, kU32Max - 1);
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
                fail(p, pos_,
                     "the operands of " + std::string(op_name(c.op)) + " (" + util::join(keys) +
                         "), found the end of the event array");
            ++k;
            return p;
        };
        if (s.target != TargetKind::none) {
            const Where p = next();
            const std::size_t at = pos_;
            int64_t& prev = s.target == TargetKind::skb ? delta_.skb : delta_.page;
            const int64_t id = prev + read_int(p, s.target == TargetKind::skb ? "an skb id delta" : "a page id delta",
                                               -kU32Max, kU32Max);
            if (id < 0 || id > kU32Max)
                fail(p, at,
                     std::string(s.target == TargetKind::skb ? "an skb" : "a page") +
                         " id delta that keeps the id from 0 to 4294967295");
            prev = id;
            c.target = static_cast<uint32_t>(id);
        }
        switch (s.field) {
            case FieldKind::none: break;
            case FieldKind::frag_index:
                c.field = static_cast<uint8_t>(
                    read_int(next(), "a fragment index (MAX_SKB_FRAGS is 18)", 0, model::MAX_SKB_FRAGS - 1));
                break;
            case FieldKind::sock:
                c.field = static_cast<uint8_t>(lookup(sock_fields_, sock_field_names(), next(), "sock_fields"));
                break;
            case FieldKind::skb:
                c.field = static_cast<uint8_t>(lookup(skb_fields_, skb_field_names(), next(), "skb_fields"));
                break;
            case FieldKind::arg: c.field = static_cast<uint8_t>(lookup(args_, arg_names(), next(), "args")); break;
        }
        switch (s.value) {
            case ValueKind::none: break;
            case ValueKind::frag: {
                const auto page = read_int(next(), "a page id", 0, kU32Max);
                const auto off = read_int(next(), "an offset in the page", 0, 0xffff);
                const auto size = read_int(next(), "a fragment size in bytes", 0, 0xffff);
                c.value =
                    pack_frag(static_cast<uint32_t>(page), static_cast<uint32_t>(off), static_cast<uint32_t>(size));
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
                    fail(w.at(key), pos_,
                         "a frame array [t, dir, event, skb, dropped, bytes], found one that ends before " +
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
    std::size_t size_ = 0;        // of the whole input
    std::istream* in_ = nullptr;  // null: all of it is in memory
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
    finish_read(t, name);
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
    finish_read(t, name);
    return t;
}

}  // namespace sendpath::trace
