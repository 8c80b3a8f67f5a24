// The application thread of a run, and the world the engine sleeps in.
//
// run_scenario creates the socket, connects, plays the scenario's timeline and
// drains. While the engine sleeps (sk_wait_event), the World lets time pass:
// frames from the link go to tcp_v4_rcv, timers fire, signals arrive, and the
// sleeper is woken by write_space or a state change.
#include "run/runner.hpp"

#include <algorithm>
#include <climits>
#include <string>

#include "engine/engine.hpp"
#include "lesson/scenario.hpp"
#include "peer/sim_peer.hpp"
#include "util/errors.hpp"
#include "util/prefault.hpp"

SP_EMIT_FILE("core/run/runner.cpp")

namespace sendpath::run {

using namespace model;
using trace::Arg;
using trace::Func;
using trace::FuncScope;

namespace {

// How long a run over a real link waits, after our FIN is acknowledged, for the
// kernel's own FIN (its application closes when it reads end of file).
constexpr int64_t kPeerFinGraceUs = 1'000'000;

// Thrown to unwind a run that must end now (time limit, interruption, device lost).
struct StopRun {
    std::string reason;
};

class Runner final : public engine::World {
public:
    Runner(const lesson::Scenario& sc, const engine::Options& opt, const RunHooks& hooks, trace::Trace* trace,
           std::shared_ptr<const std::vector<uint8_t>> external)
        : sc_(sc),
          opt_(opt),
          hooks_(hooks),
          trace_(trace),
          rec_(state_, trace),
          external_(external ? std::span<const uint8_t>(*external) : std::span<const uint8_t>{}) {
        if (trace_) trace_->sent.buffer = std::move(external);  // payloads from it are named, not copied
        if (sc.peer.type == "tap") {
            if (!hooks.make_tap_link) throw RuntimeError(util::Message::of("err.run.no_tap_link"));
            link_ = hooks.make_tap_link(sc);
            if (!link_) throw RuntimeError(util::Message::of("err.run.no_tap_link"));
            link_->attach(rec_);  // ARP: records its frames, learns the kernel's MAC
        } else {
            sim_ = std::make_unique<peer::SimLink>(sc.peer, rec_, engine::SimAddrs{});
        }
        engine::Link& link = sim_ ? static_cast<engine::Link&>(*sim_) : *link_;
        engine_ = std::make_unique<engine::Engine>(sc.engine_config(), opt, rec_, link);
        engine_->set_world(this);
        const engine::SimAddrs addrs = link.addrs().value_or(engine::SimAddrs{});
        engine_->our_mac_ = addrs.our_mac;
        engine_->our_ip_ = addrs.our_ip;
        engine_->our_port_ = addrs.our_port;
        engine_->peer_mac_ = addrs.peer_mac;
        engine_->peer_ip_ = addrs.peer_ip;
        engine_->peer_port_ = addrs.peer_port;
        if (hooks.on_event || (hooks.on_trace && trace_))
            rec_.set_emit_hook(
                [](void* ctx, uint32_t i, const State& s) {
                    auto& self = *static_cast<Runner*>(ctx);
                    if (self.hooks_.on_event) self.hooks_.on_event(i, s);
                    if (self.hooks_.on_trace && self.trace_) self.hooks_.on_trace(*self.trace_, i);
                },
                this);
        signals_ = sc.faults.signal_at_us;
        std::sort(signals_.begin(), signals_.end());
    }

    engine::Link& link() { return sim_ ? static_cast<engine::Link&>(*sim_) : *link_; }

    void run() {
        if (trace_) {
            if (hooks_.reserve_trace) {
                const uint64_t total = trace::reserve_for_send(*trace_, static_cast<uint64_t>(sc_.bytes_to_send()));
                // What a bulk send fills (measured, 256 MiB: 1.0 M events, 4.8 M
                // changes, 278 k frames with 18 MB of headers); small sends fill
                // less than they reserve.
                util::prefault_reserved(trace_->events, total / 256);
                util::prefault_reserved(trace_->changes, total / 48);
                util::prefault_reserved(trace_->frames, total / 1024);
                util::prefault_reserved(trace_->frame_bytes, total / 14);
            }
            trace_->engine_version = SENDPATH_VERSION;
            trace_->scenario = sc_.to_json();
            trace_->options = opt_.to_json();
        }
        std::string reason = "completed";
        try {
            socket_create();
            engine_->tcp_connect();
            if (sc_.connect != "nonblocking") {
                advance_until([&] { return state_.sk.state != TCP_SYN_SENT; }, sc_.max_time_us);
                if (state_.sk.state == TCP_SYN_SENT) throw StopRun{"the connection was never established"};
            }
            play_timeline();
            // Drain: let the data go out and be acknowledged.
            const int64_t drain_end = std::min(link().now_us() + sc_.drain_us, sc_.max_time_us);
            advance_until([&] { return engine_->all_acked(); }, drain_end);
            if (!engine_->all_acked()) reason = "completed (drain ended with data unacknowledged)";
            // A real kernel closes its side once it has read our FIN: stay until
            // its FIN is in and acknowledged (TIME_WAIT), as a socket would, so
            // the kernel is not left retransmitting it to nobody. The simulated
            // peer never closes, so it is not waited for.
            if (link_ && engine_->all_acked() && (state_.sk.sk_shutdown & model::SEND_SHUTDOWN)) {
                const int64_t grace_end = std::min(link().now_us() + kPeerFinGraceUs, sc_.max_time_us);
                advance_until([&] { return state_.sk.state == TCP_TIME_WAIT || state_.sk.state == TCP_CLOSE; },
                              grace_end);
            }
        } catch (const StopRun& s) {
            reason = s.reason;
            if (rec_.call() != 0 && reason.find("send() call") == std::string::npos)
                reason += " (send() call " + std::to_string(rec_.call()) + " had not returned)";
        }
        rec_.set_time(link().now_us());
        rec_.set_call(0);
        SP_EMIT(rec_, run_end);
        if (trace_) trace_->end_reason = reason;
    }

    engine::Engine& engine() { return *engine_; }
    trace::Recorder& rec() { return rec_; }

    // World
    int64_t sleep(const std::function<bool()>& cond, int64_t timeout_us, bool any_wakeup) override {
        const int64_t start = link().now_us();
        if (cond()) return 0;
        const int64_t deadline = timeout_us < 0 ? sc_.max_time_us : std::min(start + timeout_us, sc_.max_time_us);
        engine_->take_wakeup();
        for (;;) {
            step(deadline);
            if (signal_pending_) break;
            if (engine_->take_wakeup() && (any_wakeup || cond())) break;
            if (link().now_us() >= deadline) {
                if (deadline >= sc_.max_time_us && timeout_us != 0)
                    throw StopRun{"max_time_us reached while send() call " + std::to_string(rec_.call()) +
                                  " was blocked (it had not returned)"};
                break;
            }
        }
        return link().now_us() - start;
    }
    bool signal_pending() override { return signal_pending_; }

private:
    void socket_create() {
        auto set = [&](SF f, int64_t v) { rec_.set(f, v); };
        const auto& so = sc_.sock;
        const uint32_t iss = engine_->iss_;
        set(SF::state, TCP_CLOSE);
        set(SF::sk_sndbuf, sc_.sysctl.tcp_wmem[1]);
        if (so.sndbuf) {
            set(SF::sk_sndbuf, std::max<int64_t>(std::min(*so.sndbuf, sc_.sysctl.wmem_max) * 2, 2048));
            set(SF::sock_flags, SOCK_SNDBUF_LOCK);
        }
        set(SF::sk_sndtimeo_ms, so.sndtimeo_ms);
        set(SF::write_seq, iss);
        set(SF::pushed_seq, iss);
        set(SF::snd_una, iss);
        set(SF::snd_nxt, iss);
        set(SF::snd_up, iss);
        set(SF::snd_sml, iss);
        set(SF::mss_cache, 536);
        set(SF::snd_cwnd, 2);
        set(SF::snd_ssthresh, 0x7fffffff);
        set(SF::reordering, engine::TCP_REORDERING);  // sysctl_tcp_reordering
        set(SF::nonagle, (so.nodelay ? int64_t{TCP_NAGLE_OFF} : 0) | (so.cork ? int64_t{TCP_NAGLE_CORK} : 0));
        set(SF::rcv_wnd, 87380);
        set(SF::rcv_wscale, so.window_scaling ? 7 : 0);
        set(SF::icsk_rto_us, 3'000'000);  // TCP_TIMEOUT_INIT
        set(SF::tcp_mem0, sc_.sysctl.tcp_mem[0]);
        set(SF::tcp_mem1, sc_.sysctl.tcp_mem[1]);
        set(SF::tcp_mem2, sc_.sysctl.tcp_mem[2]);
        set(SF::tcp_memory_allocated, sc_.sysctl.other_pages);
        set(SF::timeo_ms, -1);
        engine_->tcp_header_len_ = 20;
        engine_->pmtu_ = sc_.device.mtu;
        rec_.arg(Arg::value, sc_.device.mtu);
        SP_EMIT(rec_, socket_create);
    }

    void play_timeline() {
        uint32_t call = 0;
        for (const auto& a : sc_.timeline) {
            if (a.at_us && *a.at_us > link().now_us()) advance_until(nullptr, *a.at_us);
            rec_.set_time(link().now_us());
            deliver_signal();
            switch (a.type) {
                case lesson::Action::Type::send: {
                    engine::UserBuffer buf;
                    buf.call = ++call;
                    buf.iov = a.iov;
                    if (a.data) buf.data = &*a.data;
                    buf.external = external_;
                    buf.fault_at = a.fault_at ? *a.fault_at : -1;
                    int64_t flags = a.flags;
                    if (sc_.sock.nonblock) flags |= lesson::MSG_DONTWAIT;
                    rec_.set_call(call);
                    while (engine_->tcp_sendmsg(buf, flags) == -engine::ERESTARTSYS_ && signal_return())
                        rec_.set_time(link().now_us());
                    rec_.set_call(0);
                    signal_pending_ = false;  // delivered to the application on return
                    break;
                }
                case lesson::Action::Type::sleep: {
                    rec_.arg(Arg::value, a.duration_us);
                    SP_EMIT(rec_, time_advance);
                    advance_until(nullptr, std::min(link().now_us() + a.duration_us, sc_.max_time_us));
                    break;
                }
                case lesson::Action::Type::peer_read:
                    if (sim_) sim_->app_read(a.bytes);
                    break;
                case lesson::Action::Type::setsockopt: engine_->tcp_setsockopt(a.option, a.value); break;
                case lesson::Action::Type::shutdown:
                    // 2.6.32.67's inet_shutdown does not call tcp_shutdown in
                    // SYN_SENT: it disconnects the socket (tcp_disconnect),
                    // which the engine does not model. Stop rather than show
                    // something Linux does not do.
                    if (state_.sk.state == TCP_SYN_SENT)
                        throw StopRun{
                            "shutdown() in SYN_SENT: Linux disconnects the socket (tcp_disconnect), which "
                            "sendpath does not model; wait for the connection first"};
                    engine_->tcp_shutdown(a.how);
                    break;
                case lesson::Action::Type::close: engine_->tcp_close(); break;
            }
            if (hooks_.progress) hooks_.progress(link().now_us(), rec_.events_emitted());
            check_trace_room();
        }
    }

    // tcp_sendmsg gave -ERESTARTSYS, which no application ever sees: on the
    // way back to user space the signal's handler runs, and the x86
    // handle_signal of 2.6.32.67 either rewinds the system call so it starts
    // again (handler installed with SA_RESTART) or turns the result into
    // -EINTR. The event shows what the application gets. True: call again.
    bool signal_return() {
        FuncScope fs(rec_, Func::user);
        signal_pending_ = false;  // the handler has run
        const bool restart = sc_.faults.sa_restart;
        rec_.arg(Arg::value, restart ? 1 : 0);
        if (!restart) rec_.arg(Arg::ret, -engine::EINTR_);
        SP_EMIT(rec_, signal_return);
        return restart;
    }

    void deliver_signal() {
        while (!signals_.empty() && signals_.front() <= link().now_us()) {
            signals_.erase(signals_.begin());
            signal_pending_ = true;
            FuncScope fs(rec_, Func::user);
            SP_EMIT(rec_, signal);
        }
        if (rec_.call() == 0) signal_pending_ = false;  // no send() in progress: the handler just runs
    }

    // Frame bytes beyond the limit would not be addressable in the trace:
    // checked between steps, where the model is consistent, well before that.
    void check_trace_room() const {
        if (trace_ && static_cast<int64_t>(rec_.frame_bytes_total()) >= opt_.max_trace_frame_bytes)
            throw StopRun{"trace full: " + std::to_string(rec_.frame_bytes_total()) +
                          " bytes of frames recorded (engine option max_trace_frame_bytes); send less per run"};
    }

    // One step of the world: the next frame, timer or signal, or time up to `until`.
    void step(int64_t until) {
        if (hooks_.should_stop) {
            if (auto why = hooks_.should_stop(); !why.empty()) throw StopRun{why};
        }
        check_trace_room();
        if (auto why = link().closed_reason(); !why.empty()) throw StopRun{why};
        int64_t next = std::min(until, engine_->next_timer_us());
        if (!signals_.empty()) next = std::min(next, signals_.front());
        next = std::max(next, link().now_us());
        auto r = link().wait(next);
        const int64_t now = link().now_us();
        rec_.set_time(now);
        if (r) {
            engine_->tcp_v4_rcv(*r);
        } else {
            if (engine_->next_timer_us() <= now) engine_->run_timers(now);
            deliver_signal();
        }
        if (hooks_.progress && (++steps_ & 0x3ff) == 0) hooks_.progress(now, rec_.events_emitted());
    }

    // Lets the world run until cond() holds (checked after each step) or time reaches until.
    void advance_until(const std::function<bool()>& cond, int64_t until) {
        until = std::min(until, sc_.max_time_us);
        while ((!cond || !cond()) && link().now_us() < until) step(until);
        if (cond && !cond() && until >= sc_.max_time_us) throw StopRun{"max_time_us reached"};
    }

    const lesson::Scenario& sc_;
    engine::Options opt_;
    const RunHooks& hooks_;
    trace::Trace* trace_;
    model::State state_;
    trace::Recorder rec_;
    std::span<const uint8_t> external_;
    std::unique_ptr<peer::SimLink> sim_;
    std::unique_ptr<engine::Link> link_;
    std::unique_ptr<engine::Engine> engine_;
    std::vector<int64_t> signals_;
    bool signal_pending_ = false;
    uint64_t steps_ = 0;
};

}  // namespace

namespace {
trace::Trace run(const lesson::Scenario& sc, const engine::Options& opt, const RunHooks& hooks,
                 std::shared_ptr<const std::vector<uint8_t>> buf, RunStats* stats) {
    trace::Trace t;
    Runner r(sc, opt, hooks, opt.trace ? &t : nullptr, std::move(buf));
    r.run();
    if (stats) {
        stats->events = r.rec().events_emitted();
        // The FIN takes a sequence number but carries no byte.
        const auto& sk = r.engine().st().sk;
        const bool fin_acked =
            (sk.sk_shutdown & model::SEND_SHUTDOWN) && sk.snd_una == sk.write_seq && r.engine().bytes_acked() > 0;
        stats->bytes_acked = r.engine().bytes_acked() - (fin_acked ? 1 : 0);
        stats->end_time_us = r.link().now_us();
    }
    return t;
}
}  // namespace

trace::Trace run_scenario(const lesson::Scenario& sc, const engine::Options& opt, const RunHooks& hooks,
                          RunStats* stats) {
    return run(sc, opt, hooks, {}, stats);
}

trace::Trace run_scenario_with_buffer(const lesson::Scenario& sc, const engine::Options& opt,
                                      std::shared_ptr<const std::vector<uint8_t>> buf, RunStats* stats) {
    return run(sc, opt, RunHooks{}, std::move(buf), stats);
}

}  // namespace sendpath::run
