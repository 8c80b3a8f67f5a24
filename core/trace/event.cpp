#include "trace/event.hpp"

#include <algorithm>
#include <array>

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
constexpr std::string_view kOpNames[] = {"sock_set", "skb_new",  "skb_set",   "skb_frag", "skb_link", "skb_unlink",
                                         "skb_free", "page_new", "page_set", "page_free", "arg"};
static_assert(std::size(kKindNames) == kKindCount);
static_assert(std::size(kFuncNames) == static_cast<std::size_t>(Func::count_));
static_assert(std::size(kArgNames) == static_cast<std::size_t>(Arg::count_));
static_assert(std::size(kOpNames) == static_cast<std::size_t>(Op::count_));

template <class E, std::size_t N>
bool lookup(const std::string_view (&names)[N], std::string_view name, E& out) {
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] == name) { out = static_cast<E>(i); return true; }
    return false;
}
template <std::size_t N>
std::string_view at(const std::string_view (&names)[N], std::size_t i) {
    return i < N ? names[i] : std::string_view("?");
}
}  // namespace

std::string_view kind_name(Kind k) { return at(kKindNames, static_cast<std::size_t>(k)); }
std::string_view kind_doc(Kind k) { return at(kKindDocs, static_cast<std::size_t>(k)); }
bool kind_by_name(std::string_view name, Kind& out) { return lookup(kKindNames, name, out); }
std::string_view func_name(Func f) { return at(kFuncNames, static_cast<std::size_t>(f)); }
bool func_by_name(std::string_view name, Func& out) { return lookup(kFuncNames, name, out); }
std::string_view arg_name(Arg a) { return at(kArgNames, static_cast<std::size_t>(a)); }
bool arg_by_name(std::string_view name, Arg& out) { return lookup(kArgNames, name, out); }
std::string_view op_name(Op op) { return at(kOpNames, static_cast<std::size_t>(op)); }
bool op_by_name(std::string_view name, Op& out) { return lookup(kOpNames, name, out); }

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

uint64_t reserve_for_send(Trace& t, uint64_t bytes) {
    const uint64_t total = std::min<uint64_t>(bytes, uint64_t{256} << 20);
    t.events.reserve(total / 64 + 65536);
    t.changes.reserve(total / 8 + 393216);
    t.frames.reserve(total / 512 + 4096);
    t.frame_bytes.reserve(total + total / 8 + (1u << 20));
    return total;
}

}  // namespace sendpath::trace
