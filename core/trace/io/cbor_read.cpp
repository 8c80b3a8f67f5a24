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
using util::Message;

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

    static Message keyed(std::string_view k) { return Message::of(std::string(k)); }
    // Texts are string-table keys (util/message.hpp): the GUI says them in its
    // language. `what` arguments below are keys too, as string_views, so the
    // hot path builds no text until a value is refused.
    [[noreturn]] void fail(const Where& w, std::size_t at, const Message& expected) const {
        const std::string byte = std::to_string(at);
        throw InputError(name_,
                         w.empty() ? Message::of("err.cbor.place.byte", {byte})
                                   : Message::of("err.cbor.place.at_byte", {w.str(), byte}),
                         expected);
    }
    [[noreturn]] void fail_eof(const Where& w) const {
        throw InputError(name_, Message::of("err.cbor.place.byte", {std::to_string(size_)}),
                         Message::of("err.cbor.truncated", {w.empty() ? keyed("err.cbor.the_trace") : w.str()}));
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
                fail(w, h.at, Message::of("err.cbor.indefinite_major", {std::to_string(h.major)}));
            h.indefinite = true;
        } else {
            fail(w, h.at, Message::of("err.cbor.reserved_info", {std::to_string(h.info)}));
        }
        return h;
    }
    // What an item is, for "found ..." (integers by their value).
    static Message type_name(const Head& h) {
        switch (h.major) {
            case 0: return std::to_string(h.arg);
            case 1:
                return h.arg <= static_cast<uint64_t>(kI64Max)
                           ? Message(std::to_string(-1 - static_cast<int64_t>(h.arg)))
                           : keyed("err.cbor.type.below_i64");
            case 2: return keyed("err.cbor.type.byte_string");
            case 3: return keyed("err.cbor.type.text_string");
            case 4: return keyed("err.trace.val.array");
            case 5: return keyed("err.cbor.type.map");
            case 6: return keyed("err.cbor.type.tagged");
            default:
                if (h.info == 20 || h.info == 21) return keyed("err.cbor.type.boolean");
                if (h.info == 22) return "null";
                if (h.info >= 25 && h.info <= 27) return keyed("err.cbor.type.float");
                if (h.indefinite) return keyed("err.cbor.type.break");
                return keyed("err.cbor.type.simple");
        }
    }
    // What was found where `what` was expected: integers are "an integer" there.
    static Message found_name(const Head& h) { return h.major <= 1 ? keyed("err.cbor.type.integer") : type_name(h); }
    [[noreturn]] void fail_found(const Where& w, const Head& h, std::string_view what) const {
        fail(w, h.at, Message::of("err.trace.found", {keyed(what), found_name(h)}));
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
        fail(w, h.at, Message::of("err.trace.int_found", {keyed(what), range_message(lo, hi), type_name(h)}));
    }
    bool read_bool(const Where& w, std::string_view what) {
        const Head h = head(w);
        if (h.major != 7 || (h.info != 20 && h.info != 21)) fail_found(w, h, what);
        return h.info == 21;
    }
    // Text or byte string content; indefinite strings are joined from their chunks.
    std::string read_string(uint8_t major, const Where& w, std::string_view what) {
        const Head h = head(w);
        if (h.major != major) fail_found(w, h, what);
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
                if (c.major != major || c.indefinite) fail(w, c.at, Message::of("err.cbor.bad_chunk", {type_name(c)}));
                s += take(c.arg, w);
            }
        }
        // CBOR text is UTF-8 (RFC 8949), as JSON text is: a trace read from
        // either form must write to the other unchanged.
        if (major == 3 && !valid_utf8(s)) fail(w, h.at, Message::of("err.cbor.not_utf8", {keyed(what)}));
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
            if (c.major != 2 || c.indefinite) fail(w, c.at, Message::of("err.cbor.bad_chunk", {type_name(c)}));
            step(c.arg);
        }
    }
    // A byte string appended straight to out (no temporary string per frame).
    void read_bytes_into(std::vector<uint8_t>& out, const Where& w, std::string_view what) {
        const Head h = head(w);
        if (h.major != 2) fail_found(w, h, what);
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
            if (c.major != 2 || c.indefinite) fail(w, c.at, Message::of("err.cbor.bad_chunk", {type_name(c)}));
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
        if (h.major != major) fail_found(w, h, what);
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
        if (depth > kMaxNesting) fail(w, pos_, Message::of("err.cbor.too_deep", {std::to_string(kMaxNesting)}));
        const std::size_t at = pos_;
        const uint8_t major = peek(w) >> 5;
        if (json_only && (major == 2 || major == 6))
            fail(w, at,
                 Message::of("err.cbor.not_json_value",
                             {keyed(major == 2 ? "err.cbor.type.byte_string" : "err.cbor.type.tagged")}));
        switch (major) {
            case 0:
            case 1: head(w); return;
            case 2: skip_bytes(w); return;
            case 3: read_string(major, w, "err.trace.what.string"); return;
            case 4:
            case 5: {
                Seq s = begin(major, w, "err.cbor.what.container");
                while (more(s, w)) skip(w, depth + 1, json_only);
                return;
            }
            case 6:
                head(w);
                skip(w, depth + 1, json_only);
                return;
            default: {
                const Head h = head(w);
                if (h.indefinite) fail(w, h.at, keyed("err.cbor.stray_break"));
                if (h.info == 24 && h.arg < 32) fail(w, h.at, keyed("err.cbor.bad_simple"));
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
            fail(Where(), 0, Message::of("err.cbor.first_byte", {std::string(hex)}));
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
        Seq s = begin(5, top, "err.cbor.what.map");
        while (more(s, top)) {
            const std::size_t kat = pos_;
            const std::string key = read_string(3, top, "err.cbor.what.trace_key");
            if (!s.indefinite) more(s, top);  // the value half of the pair
            const auto it = std::find(keys.begin(), keys.end(), key);
            if (it == keys.end())
                fail(top.at(key), kat,
                     Message::of("err.trace.unknown_key",
                                 {keyed("err.trace.what.trace"), util::join(keys), quote_short(key)}));
            const auto k = static_cast<std::size_t>(it - keys.begin());
            if (have[k]) fail(top.at(key), kat, Message::of("err.cbor.key_twice", {quote_short(key)}));
            have[k] = true;
            span[k].first = pos_;
            skip(top.at(keys[k]), 1, keys[k] == "scenario" || keys[k] == "options");
            span[k].second = pos_;
        }
        if (pos_ != size_) fail(top, pos_, Message::of("err.cbor.trailing", {std::to_string(size_ - pos_)}));
        for (std::size_t k = 0; k + 1 < keys.size(); ++k)
            if (!have[k])
                fail(top.at(keys[k]), 0,
                     Message::of("err.trace.missing_key", {std::string(keys[k]), keyed("err.trace.what.trace")}));
        has_stacks_ = have.back();
        auto go = [&](std::string_view key) {
            const auto k = static_cast<std::size_t>(std::find(keys.begin(), keys.end(), key) - keys.begin());
            pos_ = span[k].first;
            return span[k];
        };

        go("format");
        std::size_t at = pos_;
        const std::string format = read_string(3, top.at("format"), "err.cbor.what.format_name");
        if (format != kFormatName)
            fail(top.at("format"), at,
                 Message::of("err.trace.found", {keyed("err.cbor.what.format_name"), quote_short(format)}));
        go("format_version");
        at = pos_;
        t_.format_version =
            static_cast<int>(read_int(top.at("format_version"), "err.trace.what.format_version", 0, 1 << 30));
        if (t_.format_version < kOldestFormatVersion || t_.format_version > kFormatVersion)
            fail(
                top.at("format_version"), at,
                Message::of("err.trace.found", {format_version_expected_message(), std::to_string(t_.format_version)}));
        go("engine_version");
        t_.engine_version = read_string(3, top.at("engine_version"), "err.trace.what.version");
        go("end_reason");
        t_.end_reason = read_string(3, top.at("end_reason"), "err.cbor.type.text_string");
        t_.scenario = json_at(go("scenario"), top.at("scenario"));
        t_.options = json_at(go("options"), top.at("options"));
        go("files");
        Seq f = begin(4, top.at("files"), "err.trace.what.files");
        while (more(f, top.at("files"))) {
            if (t_.files.size() >= kMaxFiles)
                fail(top.at("files"), pos_, Message::of("err.trace.max_files", {std::to_string(kMaxFiles)}));
            t_.files.push_back(read_string(3, Where("/files", t_.files.size()), "err.trace.what.file_path"));
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
            fail(w, sp.first + (e.byte > 0 ? e.byte - 1 : 0), Message::of("err.cbor.json_value", {e.what()}));
        } catch (const json::exception& e) { fail(w, sp.first, Message::of("err.cbor.json_value", {e.what()})); }
        if (!j.is_object() && !j.is_null())
            fail(w, sp.first, Message::of("err.trace.found", {keyed("err.trace.what.object_or_null"), j.dump()}));
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
        Seq s = begin(5, tw, "err.cbor.what.tables");
        while (more(s, tw)) {
            const std::size_t kat = pos_;
            const std::string key = read_string(3, tw, "err.cbor.what.text_key");
            if (!s.indefinite) more(s, tw);
            const auto it = std::find(keys.begin(), keys.end(), key);
            if (it == keys.end())
                fail(tw.at(key), kat, Message::of("err.cbor.unknown_table", {util::join(keys), quote_short(key)}));
            const auto k = static_cast<std::size_t>(it - keys.begin());
            if (have[k]) fail(tw.at(key), kat, Message::of("err.cbor.table_twice", {quote_short(key)}));
            have[k] = true;
            const Where w(sections[k]);
            Seq a = begin(4, w, "err.cbor.what.names");
            while (more(a, w)) {
                std::string n = read_string(3, Where(sections[k], dst[k]->names.size()), "err.cbor.what.name");
                dst[k]->to_ours.push_back(ours[k]->find(n));
                dst[k]->names.push_back(std::move(n));
            }
        }
        for (std::size_t k = 0; k < keys.size(); ++k)
            if (!have[k]) fail(tw.at(keys[k]), pos_, Message::of("err.cbor.missing_table", {quote_short(keys[k])}));
    }

    // An id from the file, translated through its name table into ours.
    int lookup(const Table& tab, const NameTable& ours, const Where& w, std::string_view table) {
        const Head h = head(w);
        if (h.major != 0 || h.arg >= tab.names.size())
            fail(w, h.at,
                 Message::of(
                     "err.cbor.table_id",
                     {std::string(table), range_message(0, static_cast<int64_t>(tab.names.size()) - 1), type_name(h)}));
        const int v = tab.to_ours[static_cast<std::size_t>(h.arg)];
        if (v < 0)
            fail(w, h.at,
                 Message::of("err.cbor.unknown_name",
                             {ours.expected_message(), quote_short(tab.names[static_cast<std::size_t>(h.arg)]),
                              "/tables/" + std::string(table) + "/" + std::to_string(h.arg)}));
        return v;
    }

    void read_stacks() {
        const Where all("/stacks");
        Seq s = begin(4, all, "err.cbor.what.stacks");
        for (std::size_t k = 0; more(s, all); ++k) {
            const Where w("/stacks", k);
            if (k >= kNoStack - 1) fail(w, pos_, keyed("err.trace.too_many_stacks"));
            const std::size_t at = pos_;
            Seq a = begin(4, w, "err.cbor.what.stack");
            std::vector<Func> st;
            for (std::size_t d = 0; more(a, w); ++d) {
                if (d > static_cast<std::size_t>(kMaxDepth))
                    fail(w, at, Message::of("err.cbor.stack_too_deep", {std::to_string(kMaxDepth + 1)}));
                const std::string key = std::to_string(d);  // outlives the Where that points at it
                st.push_back(static_cast<Func>(lookup(funcs_, func_names(), w.at(key), "functions")));
            }
            if (st.empty()) fail(w, at, keyed("err.cbor.stack_empty"));
            t_.stacks.push_back(std::move(st));
        }
    }

    void read_events() {
        const Where all("/events");
        Seq s = begin(4, all, "err.trace.what.events");
        if (!s.indefinite) reserve_big(t_.events, static_cast<std::size_t>(s.left));
        int64_t time = 0, call = 0;
        // With a stack table, each event holds its stack index after the call delta.
        const std::string_view layout = has_stacks_ ? "err.cbor.what.event_stack" : "err.cbor.what.event";
        for (std::size_t i = 0; more(s, all); ++i) {
            const Where w("/events", i);
            Seq e = begin(4, w, layout);
            auto next = [&](std::string_view key) {
                if (!more(e, w.at(key)))
                    fail(w.at(key), pos_, Message::of("err.cbor.ends_before", {keyed(layout), std::string(key)}));
                return w.at(key);
            };
            Event ev;
            Where p = next("t");
            std::size_t at = pos_;
            const int64_t dt = read_int(p, "err.cbor.what.time_delta", 0, kI64Max);
            if (dt > kI64Max - time) fail(p, at, keyed("err.cbor.time_overflow"));
            time += dt;
            ev.time_us = time;
            ev.kind = static_cast<Kind>(lookup(kinds_, kind_names(), next("kind"), "kinds"));
            ev.func = static_cast<Func>(lookup(funcs_, func_names(), next("function"), "functions"));
            ev.depth = static_cast<uint8_t>(read_int(next("depth"), "err.trace.what.depth", 0, kMaxDepth));
            ev.file = static_cast<uint8_t>(
                read_int(next("file"), "err.cbor.what.file_id", 0, static_cast<int64_t>(t_.files.size()) - 1));
            if (t_.format_version == 1) {
                ev.line = static_cast<uint16_t>(read_int(next("line"), "err.cbor.what.line", 0, kMaxLine));
            } else {
                // An emit site, or minus one more than a line for an event that has none.
                const int64_t v = read_int(next("site"), "err.cbor.what.site", -kMaxLine - 1, kNoSite - 1);
                if (v >= 0) ev.site = static_cast<uint16_t>(v);
                else ev.line = static_cast<uint16_t>(-v - 1);
            }
            p = next("call");
            at = pos_;
            const int64_t dcall = read_int(p, "err.cbor.what.call_delta", -kU32Max, kU32Max);
            if (call + dcall < 0 || call + dcall > kU32Max)
                fail(p, at, Message::of("err.cbor.call_delta", {std::to_string(dcall), std::to_string(call)}));
            call += dcall;
            ev.call = static_cast<uint32_t>(call);
            if (has_stacks_) {
                // -1: not recorded; an index is checked against /stacks by validate_trace.
                const int64_t st = read_int(next("stack"), "err.cbor.what.stack_index", -1, kU32Max - 1);
                ev.stack = st < 0 ? kNoStack : static_cast<uint32_t>(st);
            }
            ev.change_begin = static_cast<uint32_t>(t_.changes.size());
            for (std::size_t j = 0; more(e, w); ++j) {
                if (t_.changes.size() >= kU32Max - 1) fail(w, pos_, keyed("err.trace.too_many_changes"));
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
                fail(p, pos_, Message::of("err.cbor.operands", {std::string(op_name(c.op)), util::join(keys)}));
            ++k;
            return p;
        };
        if (s.target != TargetKind::none) {
            const Where p = next();
            const std::size_t at = pos_;
            int64_t& prev = s.target == TargetKind::skb ? delta_.skb : delta_.page;
            const int64_t id =
                prev + read_int(p, s.target == TargetKind::skb ? "err.cbor.what.skb_delta" : "err.cbor.what.page_delta",
                                -kU32Max, kU32Max);
            if (id < 0 || id > kU32Max)
                fail(p, at, keyed(s.target == TargetKind::skb ? "err.cbor.skb_delta" : "err.cbor.page_delta"));
            prev = id;
            c.target = static_cast<uint32_t>(id);
        }
        switch (s.field) {
            case FieldKind::none: break;
            case FieldKind::frag_index:
                c.field =
                    static_cast<uint8_t>(read_int(next(), "err.cbor.what.frag_index", 0, model::MAX_SKB_FRAGS - 1));
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
                const auto page = read_int(next(), "err.cbor.what.page_id", 0, kU32Max);
                const auto off = read_int(next(), "err.cbor.what.page_offset", 0, 0xffff);
                const auto size = read_int(next(), "err.cbor.what.frag_size", 0, 0xffff);
                c.value =
                    pack_frag(static_cast<uint32_t>(page), static_cast<uint32_t>(off), static_cast<uint32_t>(size));
                break;
            }
            case ValueKind::after: c.value = read_int(next(), "err.cbor.what.after", 0, kU32Max); break;
            case ValueKind::value:
            case ValueKind::count: c.value = read_int(next(), "err.cbor.what.value", kI64Min, kI64Max); break;
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
        Seq s = begin(4, all, "err.trace.what.frames");
        if (!s.indefinite) reserve_big(t_.frames, static_cast<std::size_t>(s.left));
        for (std::size_t k = 0; more(s, all); ++k) {
            const Where w("/frames", k);
            Seq a = begin(4, w, "err.cbor.what.frame");
            auto next = [&](std::string_view key) {
                if (!more(a, w.at(key)))
                    fail(w.at(key), pos_,
                         Message::of("err.cbor.ends_before", {keyed("err.cbor.what.frame"), std::string(key)}));
                return w.at(key);
            };
            Frame f;
            f.time_us = read_int(next("t"), "err.what.time_us", 0, kI64Max);
            f.dir = static_cast<uint8_t>(read_int(next("dir"), "err.cbor.what.dir", 0, 1));
            f.event = static_cast<uint32_t>(read_int(next("event"), "err.trace.what.event_index", 0, kU32Max));
            f.skb = static_cast<uint32_t>(read_int(next("skb"), "err.cbor.what.frame_skb", 0, kU32Max));
            f.dropped = read_bool(next("dropped"), "err.what.bool") ? 1 : 0;
            const Where hw = next("hex");
            f.offset = static_cast<uint32_t>(t_.frame_bytes.size());
            read_bytes_into(t_.frame_bytes, hw, "err.cbor.what.frame_bytes");
            if (t_.frame_bytes.size() > kU32Max) fail(hw, pos_, keyed("err.cbor.too_many_frame_bytes"));
            f.length = static_cast<uint32_t>(t_.frame_bytes.size() - f.offset);
            if (more(a, w)) fail(w, pos_, keyed("err.cbor.frame_too_long"));
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
    if (end < 0 || !in) throw InputError(name, "", util::Message::of("err.cbor.not_seekable"));
    Trace t;
    CborTraceReader r(in, static_cast<std::size_t>(end), window, name, t);
    r.read();
    finish_read(t, name);
    return t;
}

}  // namespace sendpath::trace
