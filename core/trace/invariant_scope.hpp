// Which model invariants must hold after a given event of a trace.
//
// Inside tcp_sendmsg the kernel adds the copied bytes to skb->len first and
// to write_seq / end_seq a few lines later (the `advance` event), so between
// a copy and its advance the sequence rules are off by that copy; and at
// page_alloc the new page's first reference belongs to tcp_sendmsg's local
// `page` until a fragment takes it. `sendpath-cli check` and the tests that
// check every event of a trace share these rules.
#pragma once

#include <cstddef>

#include "model/invariants.hpp"
#include "trace/event.hpp"

namespace sendpath::trace {

// Walk the events in order, carrying copy_pending (false before event 0).
model::InvariantScope invariant_scope(const Trace& t, std::size_t i, bool& copy_pending);

}  // namespace sendpath::trace
