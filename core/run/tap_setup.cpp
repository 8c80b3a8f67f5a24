// A scenario's TAP link. See tap_setup.hpp.
#include "run/tap_setup.hpp"

namespace sendpath::run {

peer::TapConfig tap_config_for(const lesson::Scenario& sc, const std::string& local) {
    peer::TapConfig cfg = peer::tap_config(sc.peer.dev, sc.peer.connect, local);
    cfg.mtu = sc.device.mtu;
    return cfg;
}

std::unique_ptr<engine::Link> make_tap_link(const lesson::Scenario& sc) { return make_tap_link_local(sc, ""); }

std::unique_ptr<engine::Link> make_tap_link_local(const lesson::Scenario& sc, const std::string& local) {
    return std::make_unique<peer::TapLink>(tap_config_for(sc, local));
}

}  // namespace sendpath::run
