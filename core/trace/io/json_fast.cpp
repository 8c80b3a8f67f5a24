// The fast path of parse_trace_json: the scanner described below, for JSON
// exactly as write_trace_json lays it out. Apart from the general reader
// (json_read.cpp) because the two share no code, only the Trace they must
// agree on; NotCanonical (detail.hpp) is how this one hands a file over.
#include "trace/trace_io.hpp"

#include <algorithm>
#include <charconv>
#include <new>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/state.hpp"
#include "trace/io/detail.hpp"

namespace sendpath::trace {

using namespace io;

namespace {

// The JSON form exactly as write_trace_json lays it out (keys in its order;
// white space anywhere between tokens is fine) is read by this scanner, ten
// times faster than building a DOM per event. It never reports an error
// itself: on anything else (another key order, an escape in a name, a value
// out of range, any mistake) it gives up and the general reader reads
// the file from the start and says what is wrong. So it only accepts files
// the general reader accepts, and reads them to the same Trace.
class FastJsonReader {
public:
    FastJsonReader(std::string_view text, Trace& t) : s_(text), t_(t) {}

    void read() {
        if (s_.size() >= 3 && s_.substr(0, 3) == "\xef\xbb\xbf") p_ = 3;
        lit("{\"format\"");
        lit(":");
        if (str_value() != kFormatName) bail();
        key("format_version");
        const int64_t version = integer(0, 1 << 30);
        if (version < kOldestFormatVersion || version > kFormatVersion) bail();
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
    // Whether the next key (after its comma) is k; consumes nothing.
    bool peek_key(std::string_view k) {
        const std::size_t saved = p_;
        lit(",");
        ws();
        const std::size_t end = p_ + 1 + k.size();
        const bool is = end < s_.size() && s_[p_] == '"' && s_.compare(p_ + 1, k.size(), k) == 0 && s_[end] == '"';
        p_ = saved;
        return is;
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
    int name(const NameTable& n) {
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
        // What the writer puts here: the site, or a line for an event without one.
        if (peek_key("site")) {
            key("site");
            e.site = static_cast<uint16_t>(integer(0, kNoSite - 1));
        } else {
            key("line");
            e.line = static_cast<uint16_t>(integer(0, kMaxLine));
        }
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
        for (const auto& arg : args_) {
            // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
            const auto a = arg.first;
            if ((listed >> a) & 1) bail();
            listed |= uint64_t{1} << a;
            const Change* c = std::find_if(t_.changes.data() + e.change_begin, t_.changes.data() + e.change_end,
                                           [&](const Change& ch) { return ch.op == Op::arg && ch.field == a; });
            if (c == t_.changes.data() + e.change_end || c->value != arg.second) bail();
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
                c.value =
                    pack_frag(static_cast<uint32_t>(page), static_cast<uint32_t>(off), static_cast<uint32_t>(size));
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

    std::string_view s_;
    std::size_t p_ = 0;
    Trace& t_;
    std::unordered_map<std::string_view, uint8_t> file_ids_;
    std::string_view last_file_;
    uint8_t last_file_id_ = 0;
    std::vector<std::pair<int, int64_t>> args_;
};

}  // namespace

void io::read_json_fast(std::string_view text, Trace& t) { FastJsonReader(text, t).read(); }

}  // namespace sendpath::trace
