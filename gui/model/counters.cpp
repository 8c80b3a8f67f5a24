#include "gui/model/counters.hpp"

namespace sendpath::gui {

namespace {
std::string_view group_title(std::string_view g) {
    if (g == "sock") return "struct sock";
    if (g == "tcp") return "struct tcp_sock";
    if (g == "icsk") return "inet_connection_sock";
    if (g == "mem") return "global TCP memory";
    if (g == "local") return "tcp_sendmsg locals";
    if (g == "peer") return "simulated peer";
    if (g == "ca") return "struct bictcp (icsk_ca_priv)";
    return g;
}

std::string bits(int64_t v, std::initializer_list<std::pair<int64_t, std::string_view>> names) {
    std::string s = std::to_string(v);
    if (v == 0) return s;
    std::string list;
    for (const auto& [bit, name] : names)
        if (v & bit) list += (list.empty() ? "" : "|") + std::string(name);
    return list.empty() ? s : s + " (" + list + ")";
}
}  // namespace

const std::vector<FieldGroup>& sock_field_groups() {
    static const std::vector<FieldGroup> groups = [] {
        std::vector<FieldGroup> gs;
        for (std::size_t i = 0; i < model::kSockFieldCount; ++i) {
            const auto f = static_cast<model::SF>(i);
            const auto& info = model::sock_field_info(f);
            if (gs.empty() || gs.back().group != info.group)
                gs.push_back(FieldGroup{info.group, group_title(info.group), {}});
            gs.back().fields.push_back(f);
        }
        return gs;
    }();
    return groups;
}

std::string format_field(model::SF f, int64_t v) {
    using model::SF;
    switch (f) {
        case SF::state: return std::to_string(v) + " (" + std::string(model::tcp_state_name(v)) + ")";
        case SF::sk_shutdown: return bits(v, {{model::RCV_SHUTDOWN, "RCV"}, {model::SEND_SHUTDOWN, "SEND"}});
        case SF::sock_flags:
            return bits(v, {{model::SOCK_NOSPACE, "NOSPACE"},
                            {model::SOCK_ASYNC_NOSPACE, "ASYNC_NOSPACE"},
                            {model::SOCK_QUEUE_SHRUNK, "QUEUE_SHRUNK"},
                            {model::SOCK_SNDBUF_LOCK, "SNDBUF_LOCK"},
                            {model::TSQ_THROTTLED, "TSQ_THROTTLED"}});
        case SF::nonagle:
            return bits(
                v, {{model::TCP_NAGLE_OFF, "OFF"}, {model::TCP_NAGLE_CORK, "CORK"}, {model::TCP_NAGLE_PUSH, "PUSH"}});
        case SF::sk_send_head:
        case SF::highest_sack: return v == 0 ? "NULL" : "skb " + std::to_string(v);
        case SF::sack_ok:
            return v == 0 ? "0 (Reno)"
                          : bits(v, {{model::TCP_SACK_OK, "SACK"},
                                     {model::TCP_FACK_ENABLED, "FACK"},
                                     {model::TCP_DSACK_SEEN, "DSACK_SEEN"}});
        case SF::sk_sndmsg_page: return v == 0 ? "NULL" : "page " + std::to_string(v);
        case SF::sk_sndtimeo_ms:
        case SF::timeo_ms: return v < 0 ? std::to_string(v) + " (forever)" : std::to_string(v);
        case SF::icsk_pending:
            return v == model::ICSK_TIME_RETRANS  ? "1 (RETRANS)"
                   : v == model::ICSK_TIME_PROBE0 ? "3 (PROBE0)"
                                                  : std::to_string(v);
        case SF::icsk_ca_ops:
            return v == model::CA_OPS_CUBIC ? "1 (cubic)" : v == model::CA_OPS_RENO ? "0 (reno)" : std::to_string(v);
        case SF::found: return bits(v, {{model::HYSTART_ACK_TRAIN, "ACK_TRAIN"}, {model::HYSTART_DELAY, "DELAY"}});
        case SF::ca_state: {
            static constexpr const char* kNames[] = {"0 (Open)", "1 (Disorder)", "2 (CWR)", "3 (Recovery)", "4 (Loss)"};
            return v >= 0 && v <= 4 ? kNames[v] : std::to_string(v);
        }
        default: return std::to_string(v);
    }
}

std::vector<model::SF> changed_fields(const model::State& before, const model::State& after) {
    std::vector<model::SF> out;
    for (std::size_t i = 0; i < model::kSockFieldCount; ++i) {
        const auto f = static_cast<model::SF>(i);
        if (before.sk.at(f) != after.sk.at(f)) out.push_back(f);
    }
    return out;
}

std::string format_sum(int64_t a, int64_t b, std::string_view unit) {
    // b's magnitude as unsigned: INT64_MIN has no positive int64_t.
    const uint64_t mag = b < 0 ? uint64_t(0) - static_cast<uint64_t>(b) : static_cast<uint64_t>(b);
    return std::to_string(a) + (b < 0 ? " - " : " + ") + std::to_string(mag) + " " + std::string(unit);
}

}  // namespace sendpath::gui
