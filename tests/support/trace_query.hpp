// Looking into a trace the way tests do: events by kind (all, the first, the
// next after a given one, how many), what each send() call returned, the
// state after an event, and the bytes the writers make of a trace.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/state.hpp"
#include "trace/event.hpp"

namespace sptest {

// Indices of the events of kind k, in order; call != 0 keeps those of that send() call.
std::vector<std::size_t> find_all(const sendpath::trace::Trace& t, sendpath::trace::Kind k, uint32_t call = 0);
// The first of them, if any.
std::optional<std::size_t> find_first(const sendpath::trace::Trace& t, sendpath::trace::Kind k, uint32_t call = 0);
// The first event of kind k after event `after`, if any.
std::optional<std::size_t> find_next(const sendpath::trace::Trace& t, sendpath::trace::Kind k, std::size_t after);
// How many there are.
std::size_t count(const sendpath::trace::Trace& t, sendpath::trace::Kind k, uint32_t call = 0);

// Return value of send() call `call` (its sendmsg_exit's ret), INT64_MIN if it never returns.
int64_t send_ret(const sendpath::trace::Trace& t, uint32_t call);
// Every send() call's return value, in order.
std::vector<int64_t> send_rets(const sendpath::trace::Trace& t);

// The state after event i, through Replay as the GUI sees it.
sendpath::model::State state_at(const sendpath::trace::Trace& t, std::size_t i);

// A trace as the writers put it in a file.
std::string as_json(const sendpath::trace::Trace& t);
std::vector<uint8_t> as_cbor(const sendpath::trace::Trace& t);

}  // namespace sptest
