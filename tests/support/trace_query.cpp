#include "support/trace_query.hpp"

#include <sstream>

#include "trace/replay.hpp"
#include "trace/trace_io.hpp"

namespace sptest {

using namespace sendpath;

std::vector<std::size_t> find_all(const trace::Trace& t, trace::Kind k, uint32_t call) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < t.events.size(); ++i)
        if (t.events[i].kind == k && (call == 0 || t.events[i].call == call)) out.push_back(i);
    return out;
}

std::optional<std::size_t> find_first(const trace::Trace& t, trace::Kind k, uint32_t call) {
    for (std::size_t i = 0; i < t.events.size(); ++i)
        if (t.events[i].kind == k && (call == 0 || t.events[i].call == call)) return i;
    return std::nullopt;
}

std::optional<std::size_t> find_next(const trace::Trace& t, trace::Kind k, std::size_t after) {
    for (std::size_t i = after + 1; i < t.events.size(); ++i)
        if (t.events[i].kind == k) return i;
    return std::nullopt;
}

std::size_t count(const trace::Trace& t, trace::Kind k, uint32_t call) { return find_all(t, k, call).size(); }

int64_t send_ret(const trace::Trace& t, uint32_t call) {
    const auto i = find_first(t, trace::Kind::sendmsg_exit, call);
    return i ? t.arg(*i, trace::Arg::ret) : INT64_MIN;
}

std::vector<int64_t> send_rets(const trace::Trace& t) {
    std::vector<int64_t> v;
    for (auto i : find_all(t, trace::Kind::sendmsg_exit)) v.push_back(t.arg(i, trace::Arg::ret));
    return v;
}

model::State state_at(const trace::Trace& t, std::size_t i) {
    trace::Replay r(t);
    return r.seek(i);
}

std::string as_json(const trace::Trace& t) {
    std::ostringstream out;
    trace::write_trace_json(t, out);
    return out.str();
}

std::vector<uint8_t> as_cbor(const trace::Trace& t) {
    std::ostringstream out;
    trace::write_trace_cbor(t, out);
    const std::string s = out.str();
    return {s.begin(), s.end()};
}

}  // namespace sptest
