// Invariants of the modelled kernel state: facts that hold after every event
// if the engine did its bookkeeping right (shared/docs/linux-send-path.md,
// "Model invariants"). `sendpath-cli check` runs them on the replayed state at
// every event of a trace; tests run them on hand-built states.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/state.hpp"

namespace sendpath::model {

// Which rules to apply. Inside tcp_sendmsg the kernel adds the copied bytes to
// skb->len first and to write_seq / end_seq a few lines later, so between the
// copy event and the `advance` event the sequence rules are off by that copy.
// And a page tcp_sendmsg has just allocated is held by its local variable
// (one reference) until the copy makes it a fragment or the cached page.
struct InvariantScope {
    bool sequence = true;     // sum of len == write_seq - snd_una; end_seq - seq == len (+SYN/FIN)
    uint32_t local_page = 0;  // a page id owed one reference by tcp_sendmsg's local `page`, 0 if none
};

// Every violated invariant, one sentence each naming the skb or page and the
// values involved. Empty when the state is consistent.
std::vector<std::string> check_invariants(const State& s, InvariantScope scope);
std::vector<std::string> check_invariants(const State& s);

}  // namespace sendpath::model
