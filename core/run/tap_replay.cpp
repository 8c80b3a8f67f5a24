// ReplayLink: a TAP run's incoming frames, played to the engine again.
#include "run/tap_replay.hpp"

#include <algorithm>
#include <memory>

#include "engine/options.hpp"
#include "lesson/scenario.hpp"
#include "net/frame.hpp"
#include "peer/tap_link.hpp"
#include "trace/recorder.hpp"
#include "util/errors.hpp"

namespace sendpath::run {

ReplayLink::ReplayLink(const trace::Trace& recorded) : t_(recorded) {
    const auto& sc = t_.scenario;
    const bool tap = sc.is_object() && sc.contains("peer") && sc["peer"].is_object() && sc["peer"].contains("type") &&
                     sc["peer"]["type"] == "tap";
    if (!tap) throw RuntimeError(util::Message::of("err.run.not_tap_trace"));
    bool have_addrs = false;
    std::vector<uint8_t> scratch;
    for (std::size_t k = 0; k < t_.frames.size() && !have_addrs; ++k) {
        const trace::Frame& f = t_.frames[k];
        if (f.dir == 1) continue;
        const std::span<const uint8_t> bytes = t_.frame_data(f, scratch);
        // Our SYN names both ends.
        std::string why;
        auto pf = net::parse_frame(bytes, &why);
        if (!pf || !pf->is_tcp() || !(pf->tcp->flags & net::TCP_SYN)) continue;
        addrs_.our_mac = pf->eth.src;
        addrs_.peer_mac = pf->eth.dst;
        addrs_.our_ip = pf->ip->src;
        addrs_.peer_ip = pf->ip->dst;
        addrs_.our_port = pf->tcp->src_port;
        addrs_.peer_port = pf->tcp->dst_port;
        have_addrs = true;
    }
    // The incoming frames the link handed over: our MAC is the one our SYN came from.
    std::optional<net::MacAddr> our_mac;
    if (have_addrs) our_mac = addrs_.our_mac;
    for (std::size_t k = 0; k < t_.frames.size(); ++k)
        if (t_.frames[k].dir == 1 && peer::tap_frame_for_engine(t_.frame_data(t_.frames[k], scratch), our_mac))
            in_.push_back(k);
    if (!t_.events.empty()) {
        start_ = t_.events.front().time_us;
        end_ = t_.events.back().time_us;
    }
    const std::string& r = t_.end_reason;
    if (r.rfind("interrupted", 0) == 0 || r.rfind("device lost", 0) == 0) end_reason_ = r;
}

void ReplayLink::attach(trace::Recorder& rec) {
    now_ = start_;
    rec.set_time(start_);
}

bool ReplayLink::send(std::span<const uint8_t> frame) {
    (void)frame;
    ++swallowed_;
    return true;
}

// TapLink's rule: the next frame if its time is <= until_us, else the clock
// moves to until_us with no frame.
std::optional<engine::Received> ReplayLink::wait(int64_t until_us) {
    const int64_t u = std::max(until_us, now_);
    if (next_ < in_.size()) {
        const trace::Frame& f = t_.frames[in_[next_]];
        if (f.time_us <= u) {
            ++next_;
            now_ = std::max(now_, f.time_us);
            engine::Received r;
            r.time_us = f.time_us;
            std::vector<uint8_t> scratch;
            const auto bytes = t_.frame_data(f, scratch);
            r.frame.assign(bytes.begin(), bytes.end());
            return r;
        }
        now_ = u;
        return std::nullopt;
    }
    if (!end_reason_.empty() && u >= end_) {
        now_ = std::max(now_, end_);
        closed_ = end_reason_;
        return std::nullopt;
    }
    now_ = u;
    return std::nullopt;
}

trace::Trace rerun_tap_trace(const trace::Trace& recorded, RunStats* stats) {
    const std::string where = "the recorded trace";
    const lesson::Scenario sc = lesson::scenario_from_json(recorded.scenario, where + " (its scenario)");
    const engine::Options opt = engine::Options::from_json(recorded.options, where + " (its options)");
    RunHooks hooks;
    hooks.make_tap_link = [&recorded](const lesson::Scenario&) -> std::unique_ptr<engine::Link> {
        return std::make_unique<ReplayLink>(recorded);
    };
    return run_scenario(sc, opt, hooks, stats);
}

}  // namespace sendpath::run
