// sendpath-cli check: is a trace well-formed, does it replay, and does the
// replayed state keep the model's invariants at every event?
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "model/invariants.hpp"
#include "trace/frame_check.hpp"
#include "trace/invariant_scope.hpp"
#include "trace/replay.hpp"
#include "trace/emit_site.hpp"
#include "trace/trace_io.hpp"
#include "util/errors.hpp"

namespace sendpath::cli {

namespace {

std::string where(const trace::Trace& t, std::size_t i) {
    const trace::Event& e = t.events[i];
    return std::string(trace::kind_name(e.kind)) + " in " + std::string(trace::func_name(e.func)) + ", " +
           trace::source_place(t, e);
}

int run(const ParsedArgs& a) {
    const std::string& path = a.positional[0];
    const trace::Trace t = trace::load_trace(path);
    trace::validate_trace(t, path);

    std::optional<trace::Replay> replay;
    try {
        replay.emplace(t);
    } catch (const RuntimeError& e) {
        std::cout << path << ": does not replay: " << e.what() << "\n";
        return kExitFail;
    }

    std::size_t first_bad = 0, last_bad = 0, bad_events = 0;
    std::vector<std::string> first_problems;
    bool copy_pending = false;
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const model::State& s = replay->seek(i);
        auto problems = model::check_invariants(s, trace::invariant_scope(t, i, copy_pending));
        if (problems.empty()) continue;
        if (bad_events++ == 0) {
            first_bad = i;
            first_problems = std::move(problems);
        }
        last_bad = i;
    }
    const trace::FrameCheck frames = trace::check_frames(t);
    if (bad_events == 0 && frames.bad == 0) {
        std::cout << "ok: " << t.events.size() << " events, " << t.frames.size() << " frames, replayed and checked\n";
        return kExitOk;
    }
    if (frames.bad > 0) {
        const trace::Frame& f = t.frames[frames.first_bad];
        std::cout << path << ": frame " << frames.first_bad << " (" << (f.dir == 0 ? "sent" : "received")
                  << " at event " << f.event << ") is not a valid frame: " << frames.first_why << "\n";
        std::cout << path << ": " << frames.bad << " of the " << frames.checked << " frames checked are not valid\n";
        if (bad_events == 0) return kExitFail;
    }
    std::cout << path << ": after event " << first_bad << " (" << where(t, first_bad) << "):\n";
    for (const auto& p : first_problems) std::cout << "  " << p << "\n";
    std::cout << path << ": invariants fail after " << bad_events << " of " << t.events.size() << " events";
    if (bad_events > 1) std::cout << " (first " << first_bad << ", last " << last_bad << ")";
    std::cout << "\n";
    return kExitFail;
}

}  // namespace

const Verb& verb_check() {
    static const Verb v{{"check",
                         "Check a trace: syntax, references, replay of every change, and the model's invariants.",
                         {"TRACE"},
                         {},
                         "Replays every event and, after each one, checks what must always hold: the skb\n"
                         "lengths on the write queue add up to write_seq - snd_una (plus one per SYN/FIN),\n"
                         "sk_wmem_queued is the sum of their truesize, each page's count is the fragments\n"
                         "pointing at it plus one if it is the cached page, no skb has more than MAX_SKB_FRAGS\n"
                         "fragments, end_seq - seq == len (+1 for SYN/FIN), data_len is the sum of the fragment\n"
                         "sizes, the queue holds each skb once and sk_send_head is on it. Every frame sent,\n"
                         "and every frame received and taken, must parse as ARP or IPv4/TCP with correct\n"
                         "checksums (received frames marked dropped were bad input, traced as such).\n\n"
                         "Prints \"ok: N events, M frames, replayed and checked\" and exits 0, or prints the\n"
                         "problems found after the first bad event and the first invalid frame, and exits 1.\n"
                         "A file that is not a trace exits 2.\n"},
                        run};
    return v;
}

}  // namespace sendpath::cli
