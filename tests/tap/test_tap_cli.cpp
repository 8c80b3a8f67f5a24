// sendpath-cli run --tap: the listener aborting (RST -> ECONNRESET, exit
// status 1), Ctrl-C in the middle of a run, and the pcap it writes, which
// tshark reads with no malformed frames and no bad checksums.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>

#include "run/tap_replay.hpp"
#include "tap/tap_support.hpp"
#include "trace/trace_io.hpp"

using namespace taptest;
using sendpath::trace::Arg;
using sendpath::trace::Kind;

namespace {

const std::string kCli = SENDPATH_BINARY_DIR "/core/sendpath-cli";

std::string write_scenario(const std::string& leaf, const nlohmann::json& j) {
    const std::string path = temp_path(leaf);
    std::ofstream(path) << j.dump(2);
    return path;
}

// Frames in a classic pcap file (-1 if it is not one).
long pcap_records(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<uint8_t> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (b.size() < 24 || b[0] != 0xd4 || b[1] != 0xc3 || b[2] != 0xb2 || b[3] != 0xa1) return -1;
    long n = 0;
    std::size_t off = 24;
    while (off + 16 <= b.size()) {
        const uint32_t incl = b[off + 8] | (b[off + 9] << 8) | (b[off + 10] << 16) | (uint32_t{b[off + 11]} << 24);
        off += 16 + incl;
        if (off > b.size()) return -1;
        ++n;
    }
    return off == b.size() ? n : -1;
}

struct CliRun {
    int status = -1;
    std::string output;  // stdout and stderr
};

// sendpath-cli run SCENARIO --tap tap0 --connect 10.99.0.1:5001 -o TRACE --pcap PCAP, inside the namespace.
// signal_after_ms >= 0: SIGINT then.
CliRun run_cli(const Netns& ns, const std::string& scenario, const std::string& trace_path, const std::string& pcap,
               int signal_after_ms = -1) {
    Child c(ns.name(),
            {kCli, "run", scenario, "--tap", kDev, "--connect", std::string(kKernelIp) + ":" + std::to_string(kPort),
             "-o", trace_path, "--pcap", pcap},
            true);
    CliRun r;
    if (signal_after_ms >= 0) {
        ::usleep(static_cast<useconds_t>(signal_after_ms) * 1000);
        ::kill(c.pid(), SIGINT);
    }
    r.output = c.rest(60000);
    r.status = c.wait(10000);
    return r;
}

void check_pcap_clean(const std::string& pcap) {
    const auto problems = tshark_problems(pcap);
    if (!problems) {
        MESSAGE("tshark is not installed: the pcap was not checked with it");
        return;
    }
    CHECK_MESSAGE(problems->empty(), "tshark found malformed frames or bad checksums:\n" << *problems);
}

}  // namespace

TEST_CASE("the listener aborts with an RST: ECONNRESET in the trace, a later send() gets -104") {
    TAP_TEST_PRECONDITION();
    Netns ns;
    Receiver rx(ns, {"--rst-after", "30000"});
    const trace::Trace t = run_tap(
        ns, {{"timeline",
              nlohmann::json::array({{{"send", 200000}}, {{"sleep_ms", 300}}, {{"send", 1000}}, {{"send", 1000}}})},
             {"max_time_ms", 60000}});
    const auto rep = rx.finish();
    CHECK(rep.end == "rst-sent");
    CHECK(rep.bytes == 30000);
    const auto resets = find_all(t, Kind::reset);
    REQUIRE(resets.size() == 1);
    CHECK(t.arg(resets[0], Arg::err) == -104);
    // The RST frame came from the kernel.
    bool rst_in = false;
    for (const auto& fv : parsed_frames(t))
        if (fv.f->dir == 1 && fv.p && fv.p->is_tcp() && (fv.p->tcp->flags & net::TCP_RST)) rst_in = true;
    CHECK(rst_in);
    // Like Linux: the first send() after the reset reports it (sock_error
    // consumes sk_err), the next gets EPIPE.
    const auto rets = send_rets(t);
    REQUIRE(rets.size() == 3);
    CHECK(rets[1] == -104);
    CHECK(rets[2] == -32);
}

TEST_CASE("sendpath-cli run --tap writes trace and pcap, an RST exits 1 with ECONNRESET, tshark finds nothing wrong") {
    TAP_TEST_PRECONDITION();
    Netns ns;
    const std::string sc = write_scenario(
        "rst.json", {{"name", "rst"},
                     {"timeline", nlohmann::json::array({{{"send", 100000}}, {{"sleep_ms", 200}}, {{"send", 1000}}})},
                     {"max_time_ms", 30000}});
    const std::string tr = temp_path("rst-trace.json"), pcap = temp_path("rst.pcap");
    {
        Receiver rx(ns, {"--rst-after", "20000"});
        const CliRun r = run_cli(ns, sc, tr, pcap);
        CHECK(rx.finish().end == "rst-sent");
        CHECK(r.status == 1);
        CHECK_MESSAGE(r.output.find("ECONNRESET") != std::string::npos, r.output);
        const trace::Trace t = trace::load_trace(tr);
        CHECK(count(t, Kind::reset) == 1);
        CHECK(pcap_records(pcap) == static_cast<long>(t.frames.size()));
        check_pcap_clean(pcap);
        CHECK(sh(kCli + " check '" + tr + "' >/dev/null") == 0);
    }
    {
        // A clean run: exit 0, and the capture is clean too.
        const std::string ok = write_scenario(
            "ok.json", {{"name", "ok"}, {"timeline", nlohmann::json::array({{{"send", 500000}}, {{"close", true}}})}});
        Receiver rx(ns);
        const CliRun r = run_cli(ns, ok, tr, pcap);
        const auto rep = rx.finish();
        CHECK_MESSAGE(r.status == 0, r.output);
        CHECK(rep.bytes == 500000);
        CHECK(rep.sha == pattern_sha(1, 500000));
        check_pcap_clean(pcap);
        CHECK(pcap_records(pcap) == static_cast<long>(trace::load_trace(tr).frames.size()));
        std::remove(ok.c_str());
    }
    for (const auto& p : {sc, tr, pcap}) std::remove(p.c_str());
}

TEST_CASE("Ctrl-C in the middle of a TAP run: exit 1, trace and pcap hold everything up to then and say why") {
    TAP_TEST_PRECONDITION();
    Netns ns;
    const std::string sc =
        write_scenario("sigint.json", {{"name", "sigint"},
                                       {"timeline", nlohmann::json::array({{{"send", 1 << 20}}, {{"close", true}}})},
                                       {"max_time_ms", 60000}});
    const std::string tr = temp_path("sigint-trace.json"), pcap = temp_path("sigint.pcap");
    Receiver rx(ns, {"--slow", "50000"});  // 1 MiB at 50 KB/s: 20 s, so the signal comes mid-transfer
    const CliRun r = run_cli(ns, sc, tr, pcap, 800);
    CHECK(r.status == 1);
    CHECK_MESSAGE(r.output.find("interrupted by SIGINT") != std::string::npos, r.output);
    const trace::Trace t = trace::load_trace(tr);
    CHECK(t.end_reason.rfind("interrupted by SIGINT", 0) == 0);
    CHECK(t.events.back().kind == Kind::run_end);
    CHECK(t.frames.size() > 10);
    CHECK(pcap_records(pcap) == static_cast<long>(t.frames.size()));
    check_pcap_clean(pcap);
    CHECK(sh(kCli + " check '" + tr + "' >/dev/null") == 0);
    // Replayed, it ends where the signal ended it, with the same events.
    const trace::Trace re = peer::rerun_tap_trace(t);
    CHECK(re.end_reason == t.end_reason);
    CHECK(re.events == t.events);
    for (const auto& p : {sc, tr, pcap}) std::remove(p.c_str());
}
