#include "trace/invariant_scope.hpp"

namespace sendpath::trace {

model::InvariantScope invariant_scope(const Trace& t, std::size_t i, bool& copy_pending) {
    switch (t.events[i].kind) {
        case Kind::copy_linear:
        case Kind::page_merge:
        case Kind::page_new_frag: copy_pending = true; break;
        case Kind::advance:
        case Kind::sendmsg_exit: copy_pending = false; break;
        default: break;
    }
    model::InvariantScope s;
    s.sequence = !copy_pending;
    // skb_shift moves the bytes; the sequence edge between the two skbs
    // moves in the next event (tcp_shifted_skb), as in the kernel.
    if (t.events[i].kind == Kind::skb_shift) s.sequence = false;
    if (t.events[i].kind == Kind::page_alloc) s.local_page = static_cast<uint32_t>(t.arg(i, Arg::page));
    return s;
}

}  // namespace sendpath::trace
