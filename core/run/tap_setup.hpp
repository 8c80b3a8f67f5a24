// A TAP link for a scenario whose peer is "tap": its settings from the
// scenario (peer.dev, peer.connect, device.mtu) and the user's --local.
#pragma once

#include <memory>
#include <string>

#include "engine/link.hpp"
#include "lesson/scenario.hpp"
#include "peer/tap_link.hpp"

namespace sendpath::run {

// The configuration for a scenario's "tap" peer (peer.dev, peer.connect) and
// an optional --local address ("" = default_our_ip). Throws InputError naming
// the option (--tap, --connect, --local) that is missing or malformed.
peer::TapConfig tap_config_for(const lesson::Scenario& sc, const std::string& local = "");

// The factory RunHooks::make_tap_link takes (sendpath-cli run --tap).
std::unique_ptr<engine::Link> make_tap_link(const lesson::Scenario& sc);
// Same, with our address given (--local IP; "" = default_our_ip()).
std::unique_ptr<engine::Link> make_tap_link_local(const lesson::Scenario& sc, const std::string& local);

}  // namespace sendpath::run

// The names callers used when these lived in peer/; kept so that code written
// against them still builds. New code says run::.
namespace sendpath::peer {
using run::make_tap_link;
using run::make_tap_link_local;
using run::tap_config_for;
}  // namespace sendpath::peer
