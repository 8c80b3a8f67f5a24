#include "trace/event.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <iterator>

#include "trace/name_table.hpp"

namespace sendpath::trace {

namespace {
constexpr std::string_view kKindNames[] = {
#define SENDPATH_X(name, doc) #name,
    SENDPATH_EVENT_KINDS(SENDPATH_X)
#undef SENDPATH_X
};
constexpr std::string_view kKindDocs[] = {
#define SENDPATH_X(name, doc) doc,
    SENDPATH_EVENT_KINDS(SENDPATH_X)
#undef SENDPATH_X
};
constexpr std::string_view kFuncNames[] = {
#define SENDPATH_X(name) #name,
    SENDPATH_FUNCS(SENDPATH_X)
#undef SENDPATH_X
};
constexpr std::string_view kArgNames[] = {
#define SENDPATH_X(name) #name,
    SENDPATH_ARGS(SENDPATH_X)
#undef SENDPATH_X
};
constexpr std::string_view kOpNames[] = {"sock_set", "skb_new",  "skb_set",  "skb_frag",  "skb_link", "skb_unlink",
                                         "skb_free", "page_new", "page_set", "page_free", "arg"};
static_assert(std::size(kKindNames) == kKindCount);
static_assert(std::size(kFuncNames) == static_cast<std::size_t>(Func::count_));
static_assert(std::size(kArgNames) == static_cast<std::size_t>(Arg::count_));
static_assert(std::size(kOpNames) == static_cast<std::size_t>(Op::count_));

}  // namespace

// Built once from the lists above; the names are string literals, so the
// tables' views never dangle.
const NameTable& kind_names() {
    static const NameTable t("an event kind", {std::begin(kKindNames), std::end(kKindNames)});
    return t;
}
const NameTable& func_names() {
    static const NameTable t("a function", {std::begin(kFuncNames), std::end(kFuncNames)});
    return t;
}
const NameTable& arg_names() {
    static const NameTable t("an argument name", {std::begin(kArgNames), std::end(kArgNames)});
    return t;
}
const NameTable& op_names() {
    static const NameTable t("a change op", {std::begin(kOpNames), std::end(kOpNames)});
    return t;
}

std::string_view kind_name(Kind k) { return kind_names().name(static_cast<std::size_t>(k)); }
std::string_view kind_doc(Kind k) {
    const auto i = static_cast<std::size_t>(k);
    return i < kKindCount ? kKindDocs[i] : std::string_view("?");
}
bool kind_by_name(std::string_view name, Kind& out) { return kind_names().find(name, out); }
std::string_view func_name(Func f) { return func_names().name(static_cast<std::size_t>(f)); }
bool func_by_name(std::string_view name, Func& out) { return func_names().find(name, out); }
std::string_view arg_name(Arg a) { return arg_names().name(static_cast<std::size_t>(a)); }
bool arg_by_name(std::string_view name, Arg& out) { return arg_names().find(name, out); }
std::string_view op_name(Op op) { return op_names().name(static_cast<std::size_t>(op)); }
bool op_by_name(std::string_view name, Op& out) { return op_names().find(name, out); }

int64_t Trace::arg(std::size_t i, Arg a, int64_t fallback) const {
    const Event& e = events[i];
    for (uint32_t c = e.change_begin; c < e.change_end; ++c)
        if (changes[c].op == Op::arg && changes[c].field == static_cast<uint8_t>(a)) return changes[c].value;
    return fallback;
}
bool Trace::has_arg(std::size_t i, Arg a) const {
    const Event& e = events[i];
    for (uint32_t c = e.change_begin; c < e.change_end; ++c)
        if (changes[c].op == Op::arg && changes[c].field == static_cast<uint8_t>(a)) return true;
    return false;
}

std::optional<int64_t> Trace::send_result(std::size_t i) const {
    constexpr int64_t kRestartSys = 512;  // ERESTARTSYS: the kernel's own, never returned to user space
    const Event& e = events[i];
    if (e.kind == Kind::sendmsg_exit && arg(i, Arg::ret) != -kRestartSys) return arg(i, Arg::ret);
    if (e.kind == Kind::signal_return && has_arg(i, Arg::ret)) return arg(i, Arg::ret);
    return std::nullopt;
}

std::span<const uint8_t> Trace::frame_data(const Frame& f, std::vector<uint8_t>& scratch) const {
    if (f.payload_len > f.length || f.offset > frame_bytes.size() || f.stored() > frame_bytes.size() - f.offset)
        return {};
    const uint8_t* kept = frame_bytes.data() + f.offset;
    if (f.payload_len == 0) return {kept, f.length};
    scratch.resize(f.length);
    std::memcpy(scratch.data(), kept, f.stored());
    if (!sent.copy(f.payload_at, f.payload_len, scratch.data() + f.stored())) return {};
    return {scratch.data(), f.length};
}

bool Trace::operator==(const Trace& o) const {
    if (format_version != o.format_version || engine_version != o.engine_version || scenario != o.scenario ||
        options != o.options || files != o.files || stacks != o.stacks || events != o.events || changes != o.changes ||
        end_reason != o.end_reason || frames.size() != o.frames.size())
        return false;
    std::vector<uint8_t> sa, sb;
    for (std::size_t k = 0; k < frames.size(); ++k) {
        const Frame& a = frames[k];
        const Frame& b = o.frames[k];
        if (a.time_us != b.time_us || a.event != b.event || a.skb != b.skb || a.dir != b.dir ||
            a.dropped != b.dropped || a.length != b.length)
            return false;
        const auto da = frame_data(a, sa);
        const auto db = o.frame_data(b, sb);
        if (da.size() != a.length || db.size() != b.length || std::memcmp(da.data(), db.data(), a.length) != 0)
            return false;
    }
    return true;
}

uint64_t reserve_for_send(Trace& t, uint64_t bytes) {
    const uint64_t total = std::min<uint64_t>(bytes, uint64_t{256} << 20);
    t.events.reserve(total / 64 + 65536);
    t.changes.reserve(total / 8 + 393216);
    t.frames.reserve(total / 512 + 4096);
    // Headers only: the engine's frames name their payload in the send stream.
    t.frame_bytes.reserve(total / 8 + (1u << 20));
    t.sent.pieces.reserve(total / 1024 + 1024);
    return total;
}

}  // namespace sendpath::trace
