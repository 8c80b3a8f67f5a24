// parse_trace_json and its general reader. The fast path (json_fast.cpp)
// reads what write_trace_json writes; everything else, and every error, comes
// here: nlohmann parses the file, each event and frame is converted as soon
// as it is parsed, and each value is checked against the name tables and
// ranges, with a message naming its place.
#include "trace/trace_io.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "model/state.hpp"
#include "trace/io/detail.hpp"
#include "util/errors.hpp"
#include "util/names.hpp"

namespace sendpath::trace {

using namespace io;

namespace {

// What was found, for "..., found <it>": values as they are, kinds of value
// as string-table texts (the GUI says those in its language).
util::Message found_message(const json& v) {
    using util::Message;
    switch (v.type()) {
        case json::value_t::string: return quote_short(v.get_ref<const std::string&>());
        case json::value_t::object: return Message::of("err.val.object");
        case json::value_t::array: return Message::of("err.trace.val.array");
        case json::value_t::null: return "null";
        case json::value_t::binary: return Message::of("err.trace.val.binary");
        case json::value_t::discarded: return Message::of("err.val.nothing");
        default: return json_text(v);
    }
}

// "<what>, found <v>"
util::Message what_found(const util::Message& what, const json& v) {
    return util::Message::of("err.trace.found", {what, found_message(v)});
}
// A text of the string table (util/message.hpp): said in the GUI's language.
util::Message keyed(std::string key, std::vector<util::Message> args = {}) {
    return util::Message::of(std::move(key), std::move(args));
}

class JsonTraceReader {
public:
    JsonTraceReader(const std::string& name, Trace& t) : name_(name), t_(t) {}

    [[noreturn]] void fail(const std::string& place, const util::Message& expected) const {
        throw InputError(name_, place, expected);
    }
    [[noreturn]] void fail(const Where& w, const util::Message& expected) const {
        throw InputError(name_, w.section == "/" ? std::string("/") : w.str(), expected);
    }

    int64_t int_in(const json& v, const Where& w, const util::Message& what, int64_t lo, int64_t hi) const {
        if (v.is_number_unsigned()) {
            const uint64_t u = v.get<uint64_t>();
            if (u <= static_cast<uint64_t>(hi) && static_cast<int64_t>(u) >= lo) return static_cast<int64_t>(u);
        } else if (v.is_number_integer()) {
            const int64_t x = v.get<int64_t>();
            if (x >= lo && x <= hi) return x;
        }
        fail(w, keyed("err.trace.int_found", {what, range_message(lo, hi), found_message(v)}));
    }
    const std::string& str(const json& v, const Where& w, const util::Message& what) const {
        if (!v.is_string()) fail(w, what_found(what, v));
        return v.get_ref<const std::string&>();
    }
    int name_in(const json& v, const Where& w, const NameTable& names) const {
        const int id = v.is_string() ? names.find(v.get_ref<const std::string&>()) : -1;
        if (id < 0) fail(w, keyed("err.trace.found", {names.expected_message(), found_message(v)}));
        return id;
    }
    // Refuses unknown keys and reports the first missing one.
    void check_keys(const json& obj, const Where& w, const util::Message& what,
                    const std::vector<std::string_view>& keys, std::size_t required) const {
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
                fail(w.at(k), keyed("err.trace.unknown_key", {what, util::join(keys), quote_short(k)}));
        }
        for (std::size_t i = 0; i < required; ++i)
            if (!obj.contains(keys[i]))
                fail(w.at(keys[i]), keyed("err.trace.missing_key", {std::string(keys[i]), what}));
    }

    Change change(const json& c, const Where& w) const {
        if (!c.is_object()) fail(w, what_found(keyed("err.trace.what.change_object"), c));
        auto it = c.find("op");
        if (it == c.end()) fail(w.at("op"), keyed("err.trace.missing_key", {"op", keyed("err.trace.what.a_change")}));
        Change ch;
        ch.op = static_cast<Op>(name_in(*it, w.at("op"), op_names()));
        const Shape& s = shape(ch.op);
        const auto& keys = change_keys(ch.op);
        if (c.size() != keys.size() ||
            !std::all_of(keys.begin(), keys.end(), [&](std::string_view k) { return c.contains(k); }))
            check_keys(c, w, keyed("err.trace.what.change", {std::string(op_name(ch.op))}), keys, keys.size());
        if (s.target != TargetKind::none) {
            const std::string_view key = target_key(s.target);
            ch.target = static_cast<uint32_t>(int_in(
                c.find(key).value(), w.at(key),
                keyed(s.target == TargetKind::skb ? "err.trace.what.skb_id" : "err.cbor.what.page_id"), 0, kU32Max));
        }
        switch (s.field) {
            case FieldKind::none: break;
            case FieldKind::frag_index:
                ch.field = static_cast<uint8_t>(int_in(c.find("index").value(), w.at("index"),
                                                       keyed("err.cbor.what.frag_index"), 0, model::MAX_SKB_FRAGS - 1));
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
                const auto page =
                    int_in(c.find("page").value(), w.at("page"), keyed("err.cbor.what.page_id"), 0, kU32Max);
                const auto off =
                    int_in(c.find("off").value(), w.at("off"), keyed("err.cbor.what.page_offset"), 0, 0xffff);
                const auto size =
                    int_in(c.find("size").value(), w.at("size"), keyed("err.cbor.what.frag_size"), 0, 0xffff);
                ch.value =
                    pack_frag(static_cast<uint32_t>(page), static_cast<uint32_t>(off), static_cast<uint32_t>(size));
                break;
            }
            case ValueKind::after:
                ch.value = int_in(c.find("after").value(), w.at("after"), keyed("err.cbor.what.after"), 0, kU32Max);
                break;
            case ValueKind::value:
            case ValueKind::count: {
                const std::string_view key = value_key(s.value);
                ch.value = int_in(c.find(key).value(), w.at(key), keyed("err.cbor.what.value"), kI64Min, kI64Max);
                break;
            }
        }
        return ch;
    }

    void event(const json& j, std::size_t i) {
        const Where w{"/events", i};
        if (!j.is_object()) fail(w, what_found(keyed("err.trace.what.event_object"), j));
        // The first seven are required; then one of "site" and "line" (below).
        static const std::vector<std::string_view> keys{"i",    "t",    "kind", "function", "depth", "file",
                                                        "call", "site", "line", "stack",    "args",  "changes"};
        check_keys(j, w, keyed("err.trace.what.event"), keys, 7);
        if (int_in(j["i"], w.at("i"), keyed("err.trace.what.event_i"), 0, kI64Max) != static_cast<int64_t>(i))
            fail(w.at("i"), what_found(keyed("err.trace.what.event_numbered", {std::to_string(i)}), j["i"]));
        Event e;
        e.time_us = int_in(j["t"], w.at("t"), keyed("err.what.time_us"), 0, kI64Max);
        e.kind = static_cast<Kind>(name_in(j["kind"], w.at("kind"), kind_names()));
        e.func = static_cast<Func>(name_in(j["function"], w.at("function"), func_names()));
        e.depth = static_cast<uint8_t>(int_in(j["depth"], w.at("depth"), keyed("err.trace.what.depth"), 0, kMaxDepth));
        e.file = intern_file(str(j["file"], w.at("file"), keyed("err.trace.what.event_file")), w);
        // Format 2 names the emit site; an event without one (and every event
        // of format 1) names its line.
        const bool has_site = j.contains("site"), has_line = j.contains("line");
        if (has_site && has_line) fail(w.at("line"), keyed("err.trace.site_and_line"));
        if (has_site)
            e.site =
                static_cast<uint16_t>(int_in(j["site"], w.at("site"), keyed("err.trace.what.site"), 0, kNoSite - 1));
        else if (has_line)
            e.line = static_cast<uint16_t>(int_in(j["line"], w.at("line"), keyed("err.cbor.what.line"), 0, kMaxLine));
        else fail(w.at("site"), keyed("err.trace.site_or_line_missing"));
        e.call = static_cast<uint32_t>(int_in(j["call"], w.at("call"), keyed("err.trace.what.call"), 0, kU32Max));
        // Checked against /stacks (which may come later in the file) by validate_trace.
        if (auto it = j.find("stack"); it != j.end())
            e.stack =
                static_cast<uint32_t>(int_in(*it, w.at("stack"), keyed("err.trace.what.stack_index"), 0, kU32Max - 1));
        e.change_begin = static_cast<uint32_t>(t_.changes.size());
        if (auto it = j.find("changes"); it != j.end()) {
            if (!it->is_array()) fail(w.at("changes"), what_found(keyed("err.trace.what.changes"), *it));
            if (t_.changes.size() + it->size() >= kU32Max) fail(w, keyed("err.trace.too_many_changes"));
            for (std::size_t k = 0; k < it->size(); ++k) t_.changes.push_back(change((*it)[k], Where{"/events", i, k}));
        }
        e.change_end = static_cast<uint32_t>(t_.changes.size());
        if (auto it = j.find("args"); it != j.end()) check_args(*it, w, e);
        t_.events.push_back(e);
    }

    // "args" repeats the arg changes for readers; "changes" is authoritative,
    // and a file whose two disagree was edited in one place only.
    void check_args(const json& args, const Where& w, const Event& e) const {
        if (!args.is_object()) fail(w.at("args"), what_found(keyed("err.trace.what.args"), args));
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
            if (a < 0) fail(ap, keyed("err.trace.found", {arg_names().expected_message(), quote_short(k)}));
            if (!v.is_number_integer() ||
                (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(kI64Max)))
                fail(ap, what_found(keyed("err.trace.what.arg_value"), v));
            const int64_t x = v.get<int64_t>();
            const Change* c = std::find_if(cb, ce, [&](const Change& ch) { return ch.op == Op::arg && ch.field == a; });
            if (c == ce) fail(ap, keyed("err.trace.arg_not_in_changes", {k, changes}));
            if (c->value != x)
                fail(ap,
                     keyed("err.trace.arg_value_differs", {std::to_string(c->value), k, changes, std::to_string(x)}));
        }
        if (args.size() != arg_changes)
            for (const Change* c = cb; c != ce; ++c)
                if (c->op == Op::arg && !args.contains(arg_name(static_cast<Arg>(c->field))))
                    fail(w.at("args"),
                         keyed("err.trace.arg_missing", {quote_short(arg_name(static_cast<Arg>(c->field)))}));
    }

    void frame(const json& j, std::size_t k) {
        const Where w{"/frames", k};
        if (!j.is_object()) fail(w, what_found(keyed("err.trace.what.frame_object"), j));
        static const std::vector<std::string_view> keys{"i", "t", "dir", "event", "skb", "dropped", "hex"};
        check_keys(j, w, keyed("err.trace.what.frame"), keys, keys.size());
        if (int_in(j["i"], w.at("i"), keyed("err.trace.what.frame_i"), 0, kI64Max) != static_cast<int64_t>(k))
            fail(w.at("i"), what_found(keyed("err.trace.what.frame_numbered", {std::to_string(k)}), j["i"]));
        Frame f;
        f.time_us = int_in(j["t"], w.at("t"), keyed("err.what.time_us"), 0, kI64Max);
        const std::string& dir = str(j["dir"], w.at("dir"), keyed("err.trace.what.dir"));
        if (dir != "out" && dir != "in")
            fail(w.at("dir"), keyed("err.trace.found", {keyed("err.trace.what.dir"), quote_short(dir)}));
        f.dir = dir == "in";
        f.event =
            static_cast<uint32_t>(int_in(j["event"], w.at("event"), keyed("err.trace.what.event_index"), 0, kU32Max));
        f.skb = static_cast<uint32_t>(int_in(j["skb"], w.at("skb"), keyed("err.cbor.what.frame_skb"), 0, kU32Max));
        if (!j["dropped"].is_boolean()) fail(w.at("dropped"), what_found(keyed("err.what.bool"), j["dropped"]));
        f.dropped = j["dropped"].get<bool>();
        const std::string& hex = str(j["hex"], w.at("hex"), keyed("err.trace.what.frame_hex"));
        if (hex.size() % 2) fail(w.at("hex"), keyed("err.trace.hex_odd", {std::to_string(hex.size())}));
        if (t_.frame_bytes.size() + hex.size() / 2 > kU32Max) fail(w.at("hex"), keyed("err.cbor.too_many_frame_bytes"));
        f.offset = static_cast<uint32_t>(t_.frame_bytes.size());
        f.length = static_cast<uint32_t>(hex.size() / 2);
        for (std::size_t p = 0; p < hex.size(); p += 2) {
            const int hi = hex_digit(hex[p]), lo = hex_digit(hex[p + 1]);
            if (hi < 0 || lo < 0) {
                const std::size_t bad = hi < 0 ? p : p + 1;
                fail(w.at("hex"), keyed("err.trace.hex_digit", {quote_short(hex.substr(bad, 1)), std::to_string(bad)}));
            }
            t_.frame_bytes.push_back(static_cast<uint8_t>(hi << 4 | lo));
        }
        t_.frames.push_back(f);
    }

    // Events name their file by path. /files may come after /events in a
    // hand-written file, so paths get provisional ids, resolved at the end.
    uint8_t intern_file(const std::string& path, const Where& w) {
        if (!file_names_.empty() && file_names_[last_file_] == path) return last_file_;
        auto it = file_ids_.find(path);
        if (it != file_ids_.end()) return last_file_ = it->second;
        if (file_names_.size() >= kMaxFiles)
            fail(w.at("file"), keyed("err.trace.max_distinct_files", {std::to_string(kMaxFiles)}));
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
                     keyed("err.trace.listed_file", {util::join(all), quote_short(file_names_[p])}));
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
util::Message line_column(std::string_view text, std::size_t byte) {
    const std::size_t p = std::min(byte > 0 ? byte - 1 : 0, text.size());
    std::size_t line = 1, line_start = 0;
    for (std::size_t k = 0; k < p; ++k)
        if (text[k] == '\n') {
            ++line;
            line_start = k + 1;
        }
    return util::Message::of("err.place.line_column", {std::to_string(line), std::to_string(p - line_start + 1)});
}

const std::vector<std::string_view>& top_keys_json() {
    // The required keys, then the optional ones ("stacks": traces written before stacks were recorded).
    static const std::vector<std::string_view> k{"format", "format_version", "engine_version", "scenario", "options",
                                                 "files",  "end_reason",     "events",         "frames",   "stacks"};
    return k;
}

}  // namespace

Trace parse_trace_json(std::string_view text, const std::string& name) {
    {
        Trace t;
        try {
            read_json_fast(text, t);
            finish_read(t, name);
            return t;
        } catch (const NotCanonical&) {
        } catch (const InputError&) {
            // validate_trace found a problem: the general reader says it the same way, or says an earlier one.
        } catch (const json::exception&) {}
    }
    return io::read_json_general(text, name);
}

Trace io::read_json_general(std::string_view text, const std::string& name) {
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
        for (std::size_t k = 0; k < upto && k < levels.size(); ++k) {
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
                    r.fail(path(levels.size()), keyed("err.trace.json_too_deep", {std::to_string(kMaxNesting)}));
                levels.push_back(Level{ev == json::parse_event_t::array_start, 0, {}, {}});
                return true;
            case json::parse_event_t::key: {
                Level& l = levels.back();
                const std::string& k = parsed.get_ref<const std::string&>();
                if (std::find(l.seen.begin(), l.seen.end(), k) != l.seen.end())
                    r.fail(path(levels.size() - 1) + "/" + pointer_escape(k),
                           keyed("err.trace.key_twice", {quote_short(k)}));
                l.seen.push_back(k);
                l.key = k;
                return true;
            }
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end: levels.pop_back(); return element_done(parsed);
            case json::parse_event_t::value: return element_done(parsed);
        }
        return true;
    };

    json j;
    try {
        j = json::parse(text.begin(), text.end(), cb, true, false);
    } catch (const json::parse_error& e) {
        std::string msg = e.what();
        // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix.
        if (auto p = msg.find(": "); p != std::string::npos && msg.rfind("[json.exception", 0) == 0)
            msg = msg.substr(p + 2);
        throw InputError(name, line_column(text, e.byte), keyed("err.trace.json_syntax", {msg}));
    } catch (const json::exception& e) { throw InputError(name, "", keyed("err.trace.json_syntax", {e.what()})); }

    if (!j.is_object()) r.fail(Where{"/"}, what_found(keyed("err.trace.what.trace_object"), j));
    const Where top{};
    // Someone who passes a lesson or scenario file should hear that first.
    if (!j.contains("format")) r.fail(top.at("format"), keyed("err.trace.no_format"));
    const std::string& format = r.str(j["format"], top.at("format"), keyed("err.cbor.what.format_name"));
    if (format != kFormatName)
        r.fail(top.at("format"), keyed("err.trace.found", {keyed("err.cbor.what.format_name"), quote_short(format)}));
    r.check_keys(j, top, keyed("err.trace.what.trace"), top_keys_json(), top_keys_json().size() - 1);
    t.format_version = static_cast<int>(
        r.int_in(j["format_version"], top.at("format_version"), keyed("err.trace.what.format_version"), 0, 1 << 30));
    if (t.format_version < kOldestFormatVersion || t.format_version > kFormatVersion)
        r.fail(top.at("format_version"),
               keyed("err.trace.found", {format_version_expected_message(), std::to_string(t.format_version)}));
    t.engine_version = r.str(j["engine_version"], top.at("engine_version"), keyed("err.trace.what.version"));
    t.end_reason = r.str(j["end_reason"], top.at("end_reason"), keyed("err.trace.what.string"));
    for (const char* key : {"scenario", "options"}) {
        json& v = j[key];
        if (!v.is_object() && !v.is_null()) r.fail(top.at(key), what_found(keyed("err.trace.what.object_or_null"), v));
    }
    t.scenario = std::move(j["scenario"]);
    t.options = std::move(j["options"]);
    const json& files = j["files"];
    if (!files.is_array()) r.fail(top.at("files"), what_found(keyed("err.trace.what.files"), files));
    if (files.size() > kMaxFiles)
        r.fail(top.at("files"), keyed("err.trace.found", {keyed("err.trace.max_files", {std::to_string(kMaxFiles)}),
                                                          std::to_string(files.size())}));
    for (std::size_t k = 0; k < files.size(); ++k)
        t.files.push_back(r.str(files[k], Where{"/files", k}, keyed("err.trace.what.file_path")));
    if (auto it = j.find("stacks"); it != j.end()) {
        if (!it->is_array()) r.fail(top.at("stacks"), what_found(keyed("err.trace.what.stacks_json"), *it));
        for (std::size_t k = 0; k < it->size(); ++k) {
            const json& st = (*it)[k];
            const std::string place = "/stacks/" + std::to_string(k);
            if (!st.is_array() || st.empty() || st.size() > static_cast<std::size_t>(kMaxDepth) + 1)
                r.fail(place, keyed("err.trace.found",
                                    {keyed("err.trace.what.stack_names", {std::to_string(kMaxDepth + 1)}),
                                     st.is_array() ? keyed("err.trace.val.names", {std::to_string(st.size())})
                                                   : found_message(st)}));
            std::vector<Func> funcs;
            for (std::size_t d = 0; d < st.size(); ++d) {
                const int f = st[d].is_string() ? func_names().find(st[d].get_ref<const std::string&>()) : -1;
                if (f < 0)
                    r.fail(place + "/" + std::to_string(d),
                           keyed("err.trace.found", {func_names().expected_message(), found_message(st[d])}));
                funcs.push_back(static_cast<Func>(f));
            }
            t.stacks.push_back(std::move(funcs));
        }
    }
    if (!j["events"].is_array()) r.fail(top.at("events"), what_found(keyed("err.trace.what.events"), j["events"]));
    if (!j["frames"].is_array()) r.fail(top.at("frames"), what_found(keyed("err.trace.what.frames"), j["frames"]));
    r.resolve_files();
    finish_read(t, name);
    return t;
}

}  // namespace sendpath::trace
