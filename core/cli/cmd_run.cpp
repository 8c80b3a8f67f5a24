// sendpath-cli run: scenario -> engine -> trace file (and pcap).
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.hpp"
#include "lesson/json_read.hpp"
#include "lesson/scenario.hpp"
#include "run/runner.hpp"
#include "run/tap_setup.hpp"
#include "trace/pcap.hpp"
#include "trace/trace_io.hpp"
#include "util/atomic_file.hpp"
#include "util/errors.hpp"

namespace sendpath::cli {

namespace {

// Set by SIGINT/SIGTERM, polled by the engine between steps so the run ends
// cleanly and the trace says why.
volatile std::sig_atomic_t g_signal = 0;
extern "C" void on_signal(int sig) { g_signal = sig; }

// Installs the handlers for the duration of a run. SA_RESETHAND: a second
// Ctrl-C kills at once, as a user who presses it twice expects. A signal the
// caller ignores (nohup, a background job's SIGINT) stays ignored.
class SignalGuard {
public:
    SignalGuard() {
        g_signal = 0;
        struct sigaction sa {};
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        install(SIGINT, sa, old_int_);
        install(SIGTERM, sa, old_term_);
    }
    ~SignalGuard() {
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
    }
    SignalGuard(const SignalGuard&) = delete;
    SignalGuard& operator=(const SignalGuard&) = delete;

private:
    static void install(int sig, const struct sigaction& sa, struct sigaction& old) {
        sigaction(sig, nullptr, &old);
        if (old.sa_handler != SIG_IGN) sigaction(sig, &sa, nullptr);
    }
    struct sigaction old_int_ {
    }, old_term_{};
};

// "\r"-updated line on stderr, only on a terminal and only once a run has
// taken long enough (0.5 s wall) for a user to wonder whether it hangs.
class ProgressLine {
public:
    ProgressLine() : enabled_(::isatty(STDERR_FILENO) == 1), start_(Clock::now()) {}
    void update(int64_t time_us, uint64_t events) {
        if (!enabled_) return;
        const auto now = Clock::now();
        if (now - start_ < std::chrono::milliseconds(500)) return;
        if (shown_ && now - last_ < std::chrono::milliseconds(100)) return;
        last_ = now;
        shown_ = true;
        std::fprintf(stderr, "\rrunning: virtual time %s, %llu events", format_time_us(time_us).c_str(),
                     static_cast<unsigned long long>(events));
        std::fflush(stderr);
    }
    void clear() {
        if (shown_) std::fputs("\r\033[K", stderr);
        shown_ = false;
    }

private:
    using Clock = std::chrono::steady_clock;
    bool enabled_;
    bool shown_ = false;
    Clock::time_point start_, last_;
};

bool same_file(const std::string& a, const std::string& b) {
    struct stat sa {
    }, sb{};
    return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

engine::Options load_options(const ParsedArgs& a) {
    engine::Options opt;
    if (auto file = a.value("options")) {
        nlohmann::json j = lesson::json_read::parse_text(lesson::json_read::read_file(*file), *file);
        // Accept the bare options object or {"options": {...}} (as in a trace file).
        if (j.is_object() && j.size() == 1 && j.contains("options") && j["options"].is_object()) j = j["options"];
        opt = engine::Options::from_json(j, *file);
    }
    if (a.flag("no-linear-copy")) opt.linear_copy = false;
    if (a.flag("autocork")) opt.autocork = true;
    return opt;
}

std::string send_returns(const trace::Trace& t) {
    std::string s;
    std::size_t entered = 0, returned = 0;
    constexpr std::size_t kShown = 12;
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        // A call restarted after a signal enters tcp_sendmsg again under the same number.
        if (t.events[i].kind == trace::Kind::sendmsg_enter) entered = std::max<std::size_t>(entered, t.events[i].call);
        const auto ret = t.send_result(i);
        if (!ret) continue;
        if (returned < kShown) s += (returned ? ", " : "") + format_ret(*ret);
        ++returned;
    }
    if (returned > kShown) s += ", ... (" + std::to_string(returned) + " calls)";
    if (returned > 0) s = (returned == 1 ? "send() returned " : "send() calls returned ") + s;
    if (entered > returned && t.end_reason.find("had not returned") == std::string::npos) {
        // The run ended inside a send() (interrupted, or blocked at the time limit).
        s += (s.empty() ? "" : "; ") + std::string("send() call ") + std::to_string(returned + 1) + " had not returned";
    }
    return s.empty() ? "no send() calls" : s;
}

// An end the user should hear about through the exit status.
bool ended_badly(const std::string& reason) {
    return reason.rfind("interrupted", 0) == 0 || reason.rfind("error", 0) == 0 ||
           reason.rfind("device lost", 0) == 0 || reason.rfind("trace full", 0) == 0;
}

int run(const ParsedArgs& a) {
    const std::string& scenario_path = a.positional[0];
    const std::string& out = a.required("output");
    const auto pcap = a.value("pcap");
    const auto tap = a.value("tap");
    const auto connect = a.value("connect");
    if (tap.has_value() != connect.has_value()) throw UsageError("--tap and --connect go together");
    if (pcap && *pcap == out) throw UsageError("--pcap and -o name the same file");
    check_output_path(out, "the trace (-o)");
    if (pcap) check_output_path(*pcap, "the pcap (--pcap)");
    for (const std::string* o : {&out, pcap ? &*pcap : nullptr})
        if (o && same_file(*o, scenario_path))
            throw UsageError(*o + " is the scenario file itself; choose another output name");

    lesson::Scenario sc = lesson::load_scenario(scenario_path);
    const engine::Options opt = load_options(a);

    engine::RunHooks hooks;
    if (tap) {
        sc.peer.type = "tap";
        sc.peer.dev = *tap;
        sc.peer.connect = *connect;
    }
    if (sc.peer.type == "tap") {
        // The real kernel behind a TAP device (core/peer/tap_link.hpp). Our
        // address: --local, else the kernel's /24 with host part .2.
        const std::string local = a.value("local").value_or("");
        hooks.make_tap_link = [local](const lesson::Scenario& s) { return peer::make_tap_link_local(s, local); };
    } else if (a.value("local")) {
        throw UsageError("--local goes with --tap (or a scenario whose peer type is \"tap\")");
    }

    ProgressLine progress;
    hooks.progress = [&](int64_t time_us, uint64_t events) { progress.update(time_us, events); };
    hooks.should_stop = []() -> std::string {
        switch (g_signal) {
            case 0: return {};
            case SIGINT: return "interrupted by SIGINT";
            case SIGTERM: return "interrupted by SIGTERM";
            default: return "interrupted by signal " + std::to_string(g_signal);
        }
    };

    engine::RunStats stats;
    trace::Trace t;
    {
        SignalGuard guard;
        try {
            t = engine::run_scenario(sc, opt, hooks, &stats);
        } catch (...) {
            progress.clear();
            throw;
        }
        progress.clear();
        // Written while the handlers are still ours: a single Ctrl-C now does
        // not cut the trace short (the write is atomic either way).
        trace::save_trace(t, out, trace::format_for_path(out));
        if (pcap) write_file_atomic(*pcap, [&](std::ostream& os) { trace::write_pcap(t, os); });
    }

    std::cout << out << ": " << t.events.size() << " events, " << t.frames.size() << " frames, " << stats.bytes_acked
              << " bytes acknowledged, virtual time " << format_time_us(stats.end_time_us) << ", " << t.end_reason
              << "; " << send_returns(t) << "\n";
    if (ended_badly(t.end_reason)) {
        std::cerr << "sendpath-cli: the run did not complete (" << t.end_reason << "); " << out
                  << " holds the trace up to that point\n";
        return kExitFail;
    }
    if (sc.peer.type == "tap") {
        // Over TAP a reset is the kernel's doing, not a lesson's script: the
        // exit status says the connection failed (README "TAP").
        for (std::size_t i = 0; i < t.events.size(); ++i) {
            if (t.events[i].kind != trace::Kind::reset) continue;
            std::cerr << "sendpath-cli: the connection failed: " << format_ret(t.arg(i, trace::Arg::err)) << "; " << out
                      << " holds the trace\n";
            return kExitFail;
        }
    }
    return kExitOk;
}

}  // namespace

const Verb& verb_run() {
    static const Verb v{
        {"run",
         "Run a scenario with the engine and write its trace (and, if asked, a pcap).",
         {"SCENARIO"},
         {
             {"output", 'o', "TRACE", "Trace file to write: .cbor gives CBOR, anything else JSON.", true},
             {"pcap", 0, "FILE", "Also write every frame on the wire as a pcap file (for Wireshark)."},
             {"options", 0, "FILE",
              "Engine options as JSON (as under \"options\" in a trace); the flags below override it."},
             {"no-linear-copy", 0, "",
              "Model modern kernels: no payload in the skb's linear area (linear_copy = false)."},
             {"autocork", 0, "", "Model modern kernels' autocorking (autocork = true)."},
             {"tap", 0, "DEV", "Use the real kernel behind TAP device DEV as the peer (with --connect)."},
             {"connect", 0, "IP:PORT", "The kernel listener to connect to over the TAP device (with --tap)."},
             {"local", 0, "IP",
              "Our address over TAP (default: the kernel's /24 with host part .2, or .1 if the kernel is .2)."},
         },
         "The summary line on stdout gives events, frames, bytes acknowledged, the virtual time\n"
         "at the end, why the run ended and what each send() returned. SIGINT or SIGTERM ends the\n"
         "run cleanly: the trace is written and says \"interrupted by SIGINT\"; the exit status is 1.\n\n"
         "example:\n"
         "  sendpath-cli run tests/scenarios/page_merge.json -o page_merge.json --pcap page_merge.pcap\n"},
        run};
    return v;
}

}  // namespace sendpath::cli
