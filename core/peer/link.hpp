// The engine's port (engine/link.hpp), by the names the peers implement it under.
//
// SimLink and TapLink are Links; code that builds or wraps one speaks of
// peer::Link, peer::Received and peer::SimAddrs, which are the engine's types.
#pragma once

#include "engine/addresses.hpp"
#include "engine/link.hpp"

namespace sendpath::peer {

using engine::Link;
using engine::Received;
using engine::SegmentIn;
using engine::SimAddrs;

}  // namespace sendpath::peer
