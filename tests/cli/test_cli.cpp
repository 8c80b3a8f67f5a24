// sendpath-cli as a user meets it: the real binary, spawned with arguments,
// its stdout, stderr and exit status checked, and its output files read back.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "model/state.hpp"
#include "cli/cli_support.hpp"
#include "trace/trace_io.hpp"

namespace fs = std::filesystem;
using namespace clitest;
using namespace sendpath;

namespace {

// Two small scenarios that take different paths through tcp_sendmsg.
const char* kSmall = R"({"name": "small", "timeline": [{"send": 3000}]})";
const char* kOther = R"({"name": "other", "timeline": [{"send": {"iov": [100, 5000]}}, {"send": 700}]})";

std::string write_scenario(const TempDir& d, const std::string& name, const char* text) {
    const std::string p = d / name;
    spit(p, text);
    return p;
}

std::string run_small(const TempDir& d, const std::string& trace_name = "small.json") {
    const std::string sc = write_scenario(d, "small-scenario.json", kSmall);
    const Result r = cli(d, {"run", sc, "-o", d / trace_name});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    return d / trace_name;
}

}  // namespace

TEST_CASE("--help lists every verb, --version names the version") {
    TempDir d;
    Result r = cli(d, {"--help"});
    CHECK(r.status == 0);
    for (const char* verb : {"run", "export", "check", "diff", "events"})
        CHECK_MESSAGE(has(r.out, "\n  " + std::string(verb) + " "), verb);
    r = cli(d, {"--version"});
    CHECK(r.status == 0);
    CHECK(has(r.out, std::string("sendpath-cli ") + SENDPATH_VERSION));
}

TEST_CASE("each verb has its own --help") {
    TempDir d;
    for (const char* verb : {"run", "export", "check", "diff", "events"}) {
        const Result r = cli(d, {verb, "--help"});
        CHECK_MESSAGE(r.status == 0, verb);
        CHECK_MESSAGE(has(r.out, "usage: sendpath-cli " + std::string(verb)), r.out);
    }
    const Result r = cli(d, {"run", "--help"});
    for (const char* opt : {"--output", "--pcap", "--no-linear-copy", "--autocork", "--options", "--tap", "--connect"})
        CHECK_MESSAGE(has(r.out, opt), opt);
}

TEST_CASE("bad usage exits 2 and says what is wrong") {
    TempDir d;
    Result r = cli(d, {});
    CHECK(r.status == 2);
    CHECK(has(r.err, "no verb"));
    r = cli(d, {"frobnicate"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "unknown verb 'frobnicate'"));
    r = cli(d, {"run"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "missing SCENARIO"));
    CHECK(has(r.err, "usage: sendpath-cli run SCENARIO -o TRACE"));
    r = cli(d, {"run", "x.json"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "missing --output"));
    r = cli(d, {"check", "a.json", "--frob"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "unknown option --frob"));
    r = cli(d, {"diff", "a.json"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "missing B"));
    r = cli(d, {"export", "a.json", "-o", d / "x.txt"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "missing --format"));
    r = cli(d, {"export", "a.json", "--format", "xml", "-o", d / "x.xml"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "--format xml is not one of json, cbor, pcap, csv"));
}

TEST_CASE("run writes a trace that loads, with a summary line") {
    TempDir d;
    const std::string sc = write_scenario(d, "sc.json", kSmall);
    const Result r = cli(d, {"run", sc, "-o", d / "t.json", "--pcap", d / "t.pcap"});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const trace::Trace t = trace::load_trace(d / "t.json");
    CHECK(t.events.size() > 10);
    CHECK(t.frames.size() > 0);
    CHECK(t.end_reason == "completed");
    CHECK(t.scenario.at("name") == "small");
    CHECK(has(r.out, std::to_string(t.events.size()) + " events"));
    CHECK(has(r.out, "3000 bytes acknowledged"));
    CHECK(has(r.out, "send() returned 3000"));
    const std::string pcap = slurp(d / "t.pcap");
    REQUIRE(pcap.size() > 24);
    CHECK(static_cast<unsigned char>(pcap[0]) == 0xd4);  // pcap magic, little endian
    CHECK(static_cast<unsigned char>(pcap[3]) == 0xa1);
    CHECK(d.files().size() == 3);  // scenario, trace, pcap: no temporary files left
}

TEST_CASE("run: engine flags and an options file reach the trace") {
    TempDir d;
    const std::string sc = write_scenario(d, "sc.json", kSmall);
    spit(d / "opt.json", R"({"autocork": true})");
    Result r = cli(d, {"run", sc, "-o", d / "t.cbor", "--options", d / "opt.json", "--no-linear-copy"});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const trace::Trace t = trace::load_trace(d / "t.cbor");
    CHECK(t.options.at("linear_copy") == false);
    CHECK(t.options.at("autocork") == true);
    CHECK(slurp(d / "t.cbor")[0] != '{');  // .cbor gives CBOR

    spit(d / "bad-opt.json", R"({"autocrok": true})");
    r = cli(d, {"run", sc, "-o", d / "u.json", "--options", d / "bad-opt.json"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "bad-opt.json"));
    CHECK_FALSE(fs::exists(d / "u.json"));
}

TEST_CASE("run: a trace that fills its frame-byte limit is written, says why it ends, and exits 1") {
    TempDir d;
    const std::string sc = write_scenario(d, "big.json", R"({"name": "big", "timeline": [{"send": 3000000}]})");
    spit(d / "opt.json", R"({"max_trace_frame_bytes": 100000})");
    const Result r = cli(d, {"run", sc, "-o", d / "t.json", "--options", d / "opt.json"});
    CHECK(r.status == 1);
    const trace::Trace t = trace::load_trace(d / "t.json");
    CHECK(t.end_reason.rfind("trace full: ", 0) == 0);
    const std::string said = r.out + r.err;
    CHECK_MESSAGE(has(said, "trace full"), said);
    CHECK(cli(d, {"check", d / "t.json"}).status == 0);  // what it holds is a sound trace
}

TEST_CASE("run: a bad scenario exits 2 naming the file and the place, and writes nothing") {
    TempDir d;
    const std::string sc = write_scenario(d, "broken.json", R"({"timeline": [{"send": "lots"}]})");
    Result r = cli(d, {"run", sc, "-o", d / "t.json"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "sendpath-cli: "));
    CHECK(has(r.err, "broken.json"));
    CHECK(has(r.err, "/timeline/0/send"));
    CHECK_FALSE(fs::exists(d / "t.json"));

    write_scenario(d, "syntax.json", R"({"timeline": [{"send": 10}})");
    r = cli(d, {"run", d / "syntax.json", "-o", d / "t.json"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "syntax.json"));
    CHECK(has(r.err, "line 1"));

    r = cli(d, {"run", d / "missing.json", "-o", d / "t.json"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "missing.json"));
    CHECK(d.files().size() == 2);
}

TEST_CASE("run: output into a directory that does not exist fails before running, leaving no file") {
    TempDir d;
    const std::string sc = write_scenario(d, "sc.json", kSmall);
    const std::string out = d / "no/such/dir/t.json";
    Result r = cli(d, {"run", sc, "-o", out});
    CHECK(r.status == 2);
    CHECK(has(r.err, "does not exist"));
    CHECK(has(r.err, "no/such/dir"));
    CHECK(d.files().size() == 1);

    r = cli(d, {"run", sc, "-o", d / "t.json", "--pcap", d / "nowhere/t.pcap"});
    CHECK(r.status == 2);
    CHECK_FALSE(fs::exists(d / "t.json"));

    r = cli(d, {"run", sc, "-o", sc});
    CHECK(r.status == 2);
    CHECK(has(r.err, "is the scenario file itself"));
    CHECK(slurp(sc) == kSmall);
}

TEST_CASE("run --tap with no such device says so and writes no trace") {
    TempDir d;
    const std::string sc = write_scenario(d, "sc.json", kSmall);
    Result r = cli(d, {"run", sc, "-o", d / "t.json", "--tap", "sp-no-such-tap", "--connect", "10.0.0.1:5001"});
    CHECK(r.status == 1);
    CHECK_MESSAGE((has(r.err, "sp-no-such-tap") || has(r.err, "/dev/net/tun")), r.err);
    CHECK_FALSE(fs::exists(d / "t.json"));
    r = cli(d, {"run", sc, "-o", d / "t.json", "--tap", "tap0"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "--tap and --connect go together"));
}

TEST_CASE("export writes every format, atomically, and JSON/CBOR round-trip") {
    TempDir d;
    const std::string tr = run_small(d);
    const trace::Trace orig = trace::load_trace(tr);
    for (const char* fmt : {"json", "cbor", "pcap", "csv"}) {
        const std::string out = d / (std::string("e.") + fmt);
        const Result r = cli(d, {"export", tr, "--format", fmt, "-o", out});
        REQUIRE_MESSAGE(r.status == 0, r.err);
        CHECK(fs::file_size(out) > 0);
    }
    CHECK(trace::load_trace(d / "e.json") == orig);
    CHECK(trace::load_trace(d / "e.cbor") == orig);
    const std::string csv = slurp(d / "e.csv");
    CHECK(csv.rfind("index,time_us,call,depth,function,kind,file,line", 0) == 0);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == static_cast<long>(orig.events.size()) + 1);
    CHECK(slurp(d / "e.pcap").size() > 24 + 16 * orig.frames.size());

    // The format follows the extension when --format is left out.
    Result r = cli(d, {"export", tr, "-o", d / "f.cbor"});
    REQUIRE(r.status == 0);
    CHECK(trace::load_trace(d / "f.cbor") == orig);

    const std::size_t before = d.files().size();
    r = cli(d, {"export", tr, "--format", "csv", "-o", d / "gone/e.csv"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "does not exist"));
    r = cli(d, {"export", d / "nope.json", "--format", "csv", "-o", d / "n.csv"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "nope.json"));
    CHECK(d.files().size() == before);
}

TEST_CASE("check passes a fresh trace") {
    TempDir d;
    const std::string tr = run_small(d);
    const trace::Trace t = trace::load_trace(tr);
    const Result r = cli(d, {"check", tr});
    CHECK_MESSAGE(r.status == 0, (r.out + r.err));
    CHECK(r.out == "ok: " + std::to_string(t.events.size()) + " events, " + std::to_string(t.frames.size()) +
                       " frames, replayed and checked\n");
}

TEST_CASE("check finds a corrupted trace") {
    TempDir d;
    const std::string tr = run_small(d);
    const trace::Trace good = trace::load_trace(tr);

    SUBCASE("a value changed in the JSON breaks an invariant") {
        // Edit the file as a person would: the first charge of sk_wmem_queued, off by 100.
        nlohmann::json j = nlohmann::json::parse(slurp(tr));
        bool changed = false;
        for (auto& e : j.at("events")) {
            if (!e.contains("changes")) continue;
            for (auto& c : e["changes"])
                if (!changed && c.value("op", "") == "sock_set" && c.value("field", "") == "sk_wmem_queued") {
                    c["value"] = c["value"].get<int64_t>() + 100;
                    changed = true;
                }
        }
        REQUIRE(changed);
        spit(d / "bad.json", j.dump(1));
        const Result r = cli(d, {"check", d / "bad.json"});
        CHECK(r.status == 1);
        CHECK_MESSAGE(has(r.out, "sk_wmem_queued is"), r.out);
        CHECK_MESSAGE(has(r.out, "invariants fail after"), r.out);
    }
    SUBCASE("a change that points at a missing skb does not replay") {
        trace::Trace t = good;
        std::size_t at = 0;
        for (std::size_t i = 0; i < t.events.size() && at == 0; ++i)
            for (uint32_t c = t.events[i].change_begin; c < t.events[i].change_end; ++c)
                if (t.changes[c].op == trace::Op::skb_set) {
                    t.changes[c].target = 999;
                    at = i;
                    break;
                }
        REQUIRE(at != 0);
        trace::save_trace(t, d / "bad.json", trace::TraceFormat::json);
        const Result r = cli(d, {"check", d / "bad.json"});
        CHECK(r.status == 1);
        CHECK_MESSAGE(has(r.out, "does not replay: event " + std::to_string(at)), r.out);
        CHECK(has(r.out, "skb 999 does not exist"));
    }
    SUBCASE("a payload byte flipped in a frame we sent makes it invalid (bad TCP checksum)") {
        trace::Trace t = good;
        std::size_t at = t.frames.size();
        for (std::size_t i = 0; i < t.frames.size() && at == t.frames.size(); ++i)
            if (t.frames[i].dir == 0 && t.frames[i].length > 100) at = i;
        REQUIRE(at < t.frames.size());
        t.frame_bytes[t.frames[at].offset + t.frames[at].length - 1] ^= 0x40;  // the last payload byte
        trace::save_trace(t, d / "bad.json", trace::TraceFormat::json);
        const Result r = cli(d, {"check", d / "bad.json"});
        CHECK(r.status == 1);
        CHECK_MESSAGE(has(r.out, "frame " + std::to_string(at) + " (sent at event " +
                                     std::to_string(t.frames[at].event) + ") is not a valid frame: bad TCP checksum"),
                      r.out);
        CHECK(has(r.out, "1 of the "));
        CHECK_FALSE(has(r.out, "invariants fail"));
    }
    SUBCASE("a file that is not a trace is bad input") {
        const std::string text = slurp(tr);
        spit(d / "cut.json", text.substr(0, text.size() / 2));
        const Result r = cli(d, {"check", d / "cut.json"});
        CHECK(r.status == 2);
        CHECK(has(r.err, "cut.json"));
    }
}

TEST_CASE("diff: a trace against itself is identical, against another scenario it differs") {
    TempDir d;
    const std::string a = run_small(d, "a.json");
    Result r = cli(d, {"export", a, "-o", d / "a.cbor"});
    REQUIRE(r.status == 0);
    r = cli(d, {"diff", a, d / "a.cbor"});
    CHECK_MESSAGE(r.status == 0, (r.out + r.err));
    CHECK(has(r.out, "identical"));

    const std::string sc = write_scenario(d, "other.json", kOther);
    r = cli(d, {"run", sc, "-o", d / "b.json"});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    r = cli(d, {"diff", a, d / "b.json"});
    CHECK(r.status == 1);
    CHECK_MESSAGE(has(r.out, "scenario differs at /name"), r.out);
    CHECK_MESSAGE(has(r.out, "differs"), r.out);

    // Same scenario, another engine option: the first differing event is named.
    r = cli(d, {"run", write_scenario(d, "small2.json", kSmall), "-o", d / "c.json", "--no-linear-copy"});
    REQUIRE(r.status == 0);
    r = cli(d, {"diff", a, d / "c.json"});
    CHECK(r.status == 1);
    CHECK_MESSAGE(has(r.out, "options differs at /linear_copy"), r.out);
    CHECK_MESSAGE((has(r.out, "state before it is identical") || has(r.out, ": A sets") || has(r.out, ": A has")),
                  r.out);

    r = cli(d, {"diff", a, d / "missing.json"});
    CHECK(r.status == 2);
    CHECK(has(r.err, "missing.json"));
}

TEST_CASE("diff names a changed value inside an event") {
    TempDir d;
    const std::string a = run_small(d, "a.json");
    trace::Trace t = trace::load_trace(a);
    std::size_t at = t.events.size();
    int64_t was = 0;
    for (std::size_t i = 0; i < t.events.size() && at == t.events.size(); ++i)
        for (uint32_t c = t.events[i].change_begin; c < t.events[i].change_end; ++c)
            if (t.changes[c].op == trace::Op::sock_set &&
                t.changes[c].field == static_cast<uint8_t>(model::SF::write_seq)) {
                was = t.changes[c].value;
                t.changes[c].value = static_cast<uint32_t>(was + 100);
                at = i;
                break;
            }
    REQUIRE(at < t.events.size());
    trace::save_trace(t, d / "b.json", trace::TraceFormat::json);
    const Result r = cli(d, {"diff", a, d / "b.json"});
    CHECK(r.status == 1);
    CHECK_MESSAGE(has(r.out, "event " + std::to_string(at) + " (" + std::string(trace::kind_name(t.events[at].kind))),
                  r.out);
    CHECK_MESSAGE(has(r.out, ": A sets write_seq to " + std::to_string(was) + ", B to " +
                                 std::to_string(static_cast<uint32_t>(was + 100))),
                  r.out);
}

TEST_CASE("run: SIGTERM ends the run cleanly, and the trace says why") {
    TempDir d;
    // A 4 GiB send takes the engine many seconds. The signal is sent once the
    // send() is under way: before it, the run reserves and populates its trace
    // buffers for the first 256 MiB (about 160 MB resident), which a
    // sanitizer build on a loaded machine took over a second to do; more than
    // 250 MB resident means the trace has grown past them.
    const std::string sc = write_scenario(
        d, "long.json",
        R"({"name": "long", "timeline": [{"send": {"iov": [1073741824, 1073741824, 1073741824, 1073741824]}}]})");
    const std::string script = quote(kCli) + " run " + quote(sc) + " -o " + quote(d / "t.cbor") + " >" +
                               quote(d / "out") + " 2>" + quote(d / "err") +
                               " & pid=$!; n=0; while [ $n -lt 600 ]; do"
                               " r=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null); "
                               " [ -n \"$r\" ] && [ \"$r\" -gt 256000 ] && break; sleep 0.05; n=$((n+1)); done;"
                               " kill -TERM $pid; wait $pid; echo $? >" +
                               quote(d / "status");
    REQUIRE(std::system(("sh -c " + quote(script)).c_str()) == 0);
    CHECK(slurp(d / "status") == "1\n");
    CHECK_MESSAGE(has(slurp(d / "err"), "interrupted by SIGTERM"), slurp(d / "err"));
    CHECK(has(slurp(d / "out"), "send() call 1 had not returned"));
    const trace::Trace t = trace::load_trace(d / "t.cbor");
    CHECK_MESSAGE(t.end_reason.rfind("interrupted by SIGTERM", 0) == 0, t.end_reason);
    CHECK(t.events.size() > 0);
    const Result r = cli(d, {"check", d / "t.cbor"});
    CHECK_MESSAGE(r.status == 0, (r.out + r.err));
}

TEST_CASE("every scenario in tests/scenarios runs and its trace checks clean, old and modern kernel") {
    TempDir d;
    const std::vector<std::string> scenarios = sptest::shipped_scenarios();
    REQUIRE(!scenarios.empty());
    for (const auto& sc : scenarios) {
        if (has(slurp(sc), "\"tap\"")) continue;  // needs the TAP link
        for (bool modern : {false, true}) {
            CAPTURE(sc);
            CAPTURE(modern);
            std::vector<std::string> args = {"run", sc, "-o", d / "t.cbor"};
            if (modern) args.insert(args.end(), {"--no-linear-copy", "--autocork"});
            Result r = cli(d, args);
            REQUIRE_MESSAGE(r.status == 0, r.err);
            r = cli(d, {"check", d / "t.cbor"});
            CHECK_MESSAGE(r.status == 0, r.out);
        }
    }
}
