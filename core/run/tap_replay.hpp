// Running the engine again on what a TAP run received.
//
// A trace recorded over TAP holds every frame the kernel sent, with the time
// stamp the TAP link gave it. ReplayLink plays those frames back: the ones the
// TAP link handed to the engine (tap_frame_for_engine), at their recorded
// times, on a virtual clock that follows the same rule as TapLink's (a frame
// is returned when its time is <= until_us, else the clock moves to until_us).
// Our own frames go nowhere. As the engine is deterministic, the same scenario
// and options on the same incoming frames give the same events; no root, no
// device and no network are needed.
//
// The frames the TAP link kept for itself (ARP, ignored ones) are not played:
// the engine never saw them. A recorded run that ended because it was
// interrupted or lost its device ends the replay the same way, once every
// frame has been played and the clock reaches the recorded end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/addresses.hpp"
#include "engine/link.hpp"
#include "run/runner.hpp"
#include "trace/event.hpp"

namespace sendpath::run {

class ReplayLink final : public engine::Link {
public:
    // Throws RuntimeError if the trace was not recorded over TAP.
    explicit ReplayLink(const trace::Trace& recorded);

    int64_t now_us() override { return now_; }
    bool send(std::span<const uint8_t> frame) override;
    std::optional<engine::Received> wait(int64_t until_us) override;
    std::string closed_reason() const override { return closed_; }
    std::optional<engine::SimAddrs> addrs() const override { return addrs_; }
    void attach(trace::Recorder& rec) override;

    std::size_t frames_total() const { return in_.size(); }
    std::size_t frames_played() const { return next_; }
    uint64_t frames_swallowed() const { return swallowed_; }

private:
    const trace::Trace& t_;
    std::vector<std::size_t> in_;  // indexes of the frames the engine received, in order
    std::size_t next_ = 0;
    int64_t now_ = 0;
    int64_t start_ = 0;       // the first event's time: the TAP link's clock after ARP
    int64_t end_ = 0;         // the run_end event's time
    std::string end_reason_;  // set if the run ended from outside (signal, device lost)
    std::string closed_;
    engine::SimAddrs addrs_;
    uint64_t swallowed_ = 0;
};

// Runs the recorded trace's scenario and options again with a ReplayLink over
// its incoming frames. Throws InputError if the stored scenario or options do
// not parse, RuntimeError if the trace is not a TAP trace.
trace::Trace rerun_tap_trace(const trace::Trace& recorded, RunStats* stats = nullptr);

}  // namespace sendpath::run

// The names callers used when the replay lived in peer/; kept so that code
// written against them still builds. New code says run::.
namespace sendpath::peer {
using run::ReplayLink;
using run::rerun_tap_trace;
}  // namespace sendpath::peer
