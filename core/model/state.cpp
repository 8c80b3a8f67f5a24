#include "model/state.hpp"

namespace sendpath::model {

std::string_view tcp_state_name(int64_t state) {
    switch (state) {
        case TCP_ESTABLISHED: return "ESTABLISHED";
        case TCP_SYN_SENT: return "SYN_SENT";
        case TCP_SYN_RECV: return "SYN_RECV";
        case TCP_FIN_WAIT1: return "FIN_WAIT1";
        case TCP_FIN_WAIT2: return "FIN_WAIT2";
        case TCP_TIME_WAIT: return "TIME_WAIT";
        case TCP_CLOSE: return "CLOSE";
        case TCP_CLOSE_WAIT: return "CLOSE_WAIT";
        case TCP_LAST_ACK: return "LAST_ACK";
        case TCP_LISTEN: return "LISTEN";
        case TCP_CLOSING: return "CLOSING";
        default: return "?";
    }
}

namespace {
constexpr FieldInfo kSockInfo[] = {
#define SENDPATH_X(group, name, doc) {#group, #name, doc},
    SENDPATH_SOCK_FIELDS(SENDPATH_X)
#undef SENDPATH_X
};
constexpr FieldInfo kSkbInfo[] = {
#define SENDPATH_X(name, doc) {"skb", #name, doc},
    SENDPATH_SKB_FIELDS(SENDPATH_X)
#undef SENDPATH_X
};
}  // namespace

const FieldInfo& sock_field_info(SF f) { return kSockInfo[static_cast<std::size_t>(f)]; }
bool sock_field_by_name(std::string_view name, SF& out) {
    for (std::size_t i = 0; i < kSockFieldCount; ++i)
        if (kSockInfo[i].name == name) {
            out = static_cast<SF>(i);
            return true;
        }
    return false;
}

const FieldInfo& skb_field_info(KF f) { return kSkbInfo[static_cast<std::size_t>(f)]; }
bool skb_field_by_name(std::string_view name, KF& out) {
    for (std::size_t i = 0; i < kSkbFieldCount; ++i)
        if (kSkbInfo[i].name == name) {
            out = static_cast<KF>(i);
            return true;
        }
    return false;
}

SkBuff* State::skb(uint32_t id) & {
    auto it = skbs.find(id);
    return it == skbs.end() ? nullptr : &it->second;
}
const SkBuff* State::skb(uint32_t id) const& {
    auto it = skbs.find(id);
    return it == skbs.end() ? nullptr : &it->second;
}
Page* State::page(uint32_t id) & {
    auto it = pages.find(id);
    return it == pages.end() ? nullptr : &it->second;
}
const Page* State::page(uint32_t id) const& {
    auto it = pages.find(id);
    return it == pages.end() ? nullptr : &it->second;
}

}  // namespace sendpath::model
