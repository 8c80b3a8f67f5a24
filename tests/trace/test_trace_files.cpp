// Trace files on disk (load, atomic save, format detection), the CSV export,
// and validate_trace on traces built in memory.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "trace/trace_io.hpp"
#include "util/errors.hpp"
#include "support/errors.hpp"
#include "support/files.hpp"
#include "support/sample_traces.hpp"

using namespace sendpath;
using namespace sendpath::trace;
namespace fs = std::filesystem;

namespace {

using sptest::slurp;

std::size_t entries(const fs::path& d) {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(d), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("format_for_path: .cbor is CBOR, anything else JSON") {
    CHECK(format_for_path("run.cbor") == TraceFormat::cbor);
    CHECK(format_for_path("dir/RUN.CBOR") == TraceFormat::cbor);
    CHECK(format_for_path("run.json") == TraceFormat::json);
    CHECK(format_for_path("run") == TraceFormat::json);
    CHECK(format_for_path("cbor") == TraceFormat::json);
    CHECK(format_for_path("run.cbor.json") == TraceFormat::json);
}

TEST_CASE("save_trace and load_trace: both encodings, detected by content not name") {
    const sptest::TempDir tmp("sendpath-save-load");
    const fs::path& d = tmp.path;
    const Trace t = sptest::make_synthetic_trace(500, 9);
    save_trace(t, (d / "a.json").string(), TraceFormat::json);
    save_trace(t, (d / "b.cbor").string(), TraceFormat::cbor);
    save_trace(t, (d / "c.json").string(), TraceFormat::cbor);  // CBOR under a .json name
    CHECK(slurp(d / "a.json").front() == '{');
    CHECK(static_cast<uint8_t>(slurp(d / "b.cbor").front()) == 0xaa);  // a map of 10 entries
    CHECK(load_trace((d / "a.json").string()) == t);
    CHECK(load_trace((d / "b.cbor").string()) == t);
    CHECK(load_trace((d / "c.json").string()) == t);
    CHECK(slurp(d / "b.cbor") == slurp(d / "c.json"));
    CHECK(entries(d) == 3);  // no temporary files left behind

    // JSON with leading whitespace (or a UTF-8 byte order mark) is still JSON.
    std::ofstream(d / "d.json") << "\xef\xbb\xbf \n" << slurp(d / "a.json");
    CHECK(load_trace((d / "d.json").string()) == t);
}

TEST_CASE("load_trace: missing, empty, broken and non-trace files name the path") {
    const sptest::TempDir d("sendpath-load-bad");
    // The error load_trace gives for a file that must not load.
    auto error_of = [](const std::string& path) {
        const auto e = sptest::input_error_of([&] { return load_trace(path); });
        REQUIRE_MESSAGE(e.thrown, "no error");
        return e;
    };
    const std::string missing = d / "nope.json";
    CHECK(error_of(missing).file == missing);
    const std::string empty = d.write("empty.json", " \n");
    auto e = error_of(empty);
    CHECK(e.file == empty);
    CHECK(e.expected.find("empty file") != std::string::npos);
    CHECK(error_of(d.path.string()).expected == "a trace file, found a directory");
    e = error_of(d.write("lesson.json", R"({"title": "Nagle", "steps": []})"));
    CHECK(e.place == "/format");
    CHECK(e.expected.find("is this a trace file?") != std::string::npos);
    const std::string broken = d.write("broken.json", "{\n\"format\": \"sendpath-trace\",\n\"format_version\": 1,,\n}");
    e = error_of(broken);
    CHECK(e.file == broken);
    CHECK(e.place == "line 3, column 21");  // the second comma
}

TEST_CASE("save_trace: a failed write leaves no file and never a half-written target") {
    const sptest::TempDir tmp("sendpath-save-fail");
    const fs::path& d = tmp.path;
    const Trace t = sptest::make_small_trace();

    // A directory that does not exist: an error, and nothing is created.
    const fs::path nodir = d / "no" / "such" / "dir" / "t.json";
    CHECK_THROWS_AS(save_trace(t, nodir.string(), TraceFormat::json), RuntimeError);
    CHECK_FALSE(fs::exists(d / "no"));
    CHECK(entries(d) == 0);

    // An invalid trace over an existing file: the old file stays as it was.
    const fs::path target = d / "t.cbor";
    save_trace(t, target.string(), TraceFormat::cbor);
    const std::string before = slurp(target);
    Trace bad = t;
    bad.events[1].depth = 40;
    CHECK_THROWS_AS(save_trace(bad, target.string(), TraceFormat::cbor), InputError);
    CHECK(slurp(target) == before);
    CHECK(entries(d) == 1);

    // The target is a directory: the write completes but the rename fails;
    // the temporary file is removed and the directory is untouched.
    fs::create_directory(d / "adir");
    std::ofstream(d / "adir" / "keep") << "x";
    CHECK_THROWS_AS(save_trace(t, (d / "adir").string(), TraceFormat::json), RuntimeError);
    CHECK(fs::is_directory(d / "adir"));
    CHECK(slurp(d / "adir" / "keep") == "x");
    CHECK(entries(d) == 2);
}

TEST_CASE("write_events_csv: a header and one row per event") {
    std::ostringstream out;
    write_events_csv(sptest::make_small_trace(), out);
    const std::string expected =
        "index,time_us,call,depth,function,kind,file,line,args,changes\n"
        "0,0,1,1,tcp_sendmsg,sendmsg_enter,core/engine/tcp_sendmsg.cpp,100,flags=0;size=100,3\n"
        "1,0,1,1,tcp_sendmsg,copy_linear,core/engine/tcp_sendmsg.cpp,123,copy=100;err=-11,7\n"
        "2,50,1,3,tcp_transmit_skb,transmit,core/engine/tcp_output.cpp,400,,5\n"
        "3,60,0,1,tcp_ack,ack,core/engine/tcp_input.cpp,77,,0\n";
    CHECK(out.str() == expected);

    // A path with a comma is quoted, so a CSV reader still sees 10 columns.
    Trace t = sptest::make_small_trace();
    t.files[2] = "odd,\"name\".cpp";
    std::ostringstream out2;
    write_events_csv(t, out2);
    CHECK(out2.str().find("3,60,0,1,tcp_ack,ack,\"odd,\"\"name\"\".cpp\",77,,0\n") != std::string::npos);
}

TEST_CASE("validate_trace catches inconsistencies in a trace built in memory") {
    auto place_of = [](const Trace& t) -> std::string {
        const auto e = sptest::input_error_of([&] { validate_trace(t, "mem"); });
        if (!e.thrown) return "valid";
        CHECK(e.file == "mem");
        return e.place + ": " + e.expected;
    };
    const Trace good = sptest::make_small_trace();
    CHECK(place_of(good) == "valid");

    Trace t = good;
    t.events[1].change_begin += 1;
    CHECK(place_of(t).rfind("/events/1/changes: changes that start where the previous event's end", 0) == 0);
    t = good;
    t.events.back().change_end = static_cast<uint32_t>(t.changes.size() + 1);
    CHECK(place_of(t).rfind("/events/3/changes: a change range inside", 0) == 0);
    t = good;
    t.changes.push_back({});
    CHECK(place_of(t).rfind("/events: every change inside some event's range", 0) == 0);
    t = good;
    t.events[2].file = 3;
    CHECK(place_of(t).rfind("/events/2/file: a file id below 3", 0) == 0);
    t = good;
    t.events[2].kind = Kind::count_;
    CHECK(place_of(t).rfind("/events/2/kind:", 0) == 0);
    t = good;
    t.changes[0].target = 5;  // an arg has no target
    CHECK(place_of(t).rfind("/events/0/changes/0/target: 0 (arg has no target)", 0) == 0);
    t = good;
    t.changes[8].value = -1;  // skb_link after
    CHECK(place_of(t).rfind("/events/1/changes/5/after:", 0) == 0);
    t = good;
    t.frames[1].offset = 3;
    CHECK(place_of(t).rfind("/frames/1/hex: frame bytes that follow", 0) == 0);
    t = good;
    t.frame_bytes.push_back(0);
    CHECK(place_of(t).rfind("/frames: every frame byte inside some frame", 0) == 0);
    t = good;
    t.files.push_back(t.files[0]);
    CHECK(place_of(t).rfind("/files/3: each file listed once", 0) == 0);
    t = good;
    t.events[0].time_us = -1;
    CHECK(place_of(t).rfind("/events/0/t:", 0) == 0);

    // The writers refuse what the readers would refuse, so no file is unreadable.
    t = good;
    t.events[0].depth = 32;
    std::ostringstream sink;
    CHECK_THROWS_AS(write_trace_json(t, sink), InputError);
    CHECK_THROWS_AS(write_trace_cbor(t, sink), InputError);
}

TEST_CASE("validate_trace: each inconsistency is said in Chinese for the GUI, the CLI's English unchanged") {
    const Trace good = sptest::make_small_trace();
    auto caught = [](const Trace& t) { return sptest::input_error_of([&] { validate_trace(t, "mem"); }); };

    Trace t = good;
    t.frames[1].time_us = 10;
    auto e = caught(t);
    CHECK(e.message ==
          "mem: /frames/1/t: a time no earlier than the previous frame's (50 us): frames are in time order, found 10");
    CHECK(e.zh == "mem: /frames/1/t: 不早于上一帧（50 us）的时间：帧按时间顺序排列；实际为：10");

    t = good;
    t.events[2].file = 3;
    e = caught(t);
    CHECK(e.message == "mem: /events/2/file: a file id below 3 (the trace lists 3 files), found 3");
    CHECK(e.zh == "mem: /events/2/file: 小于 3 的文件 id（跟踪共列出 3 个文件）；实际为：3");

    t = good;
    t.changes[0].target = 5;  // an arg has no target
    e = caught(t);
    CHECK(e.message == "mem: /events/0/changes/0/target: 0 (arg has no target), found 5");
    CHECK(e.zh == "mem: /events/0/changes/0/target: 0（arg 没有 target）；实际为：5");

    // Every check: no English phrase left in the Chinese text.
    const std::vector<std::function<void(Trace&)>> breaks = {
        [](Trace& x) { x.format_version = 9; },
        [](Trace& x) { x.files.push_back(x.files[0]); },
        [](Trace& x) { x.stacks = {{}}; },
        [](Trace& x) { x.stacks = {{Func::count_}}; },
        [](Trace& x) { x.events[0].time_us = -1; },
        [](Trace& x) { x.events[3].time_us = 0; },
        [](Trace& x) { x.events[2].kind = Kind::count_; },
        [](Trace& x) { x.events[2].func = Func::count_; },
        [](Trace& x) { x.events[2].depth = 32; },
        [](Trace& x) { x.events[2].stack = 7; },
        [](Trace& x) {
            x.stacks = {std::vector<Func>(std::size_t{x.events[2].depth} + 2, x.events[2].func)};
            x.events[2].stack = 0;
        },
        [](Trace& x) { x.events[2].file = 3; },
        [](Trace& x) { x.events[1].change_begin += 1; },
        [](Trace& x) { x.events.back().change_end = static_cast<uint32_t>(x.changes.size() + 1); },
        [](Trace& x) { x.changes.push_back({}); },
        [](Trace& x) { x.changes[0].op = Op::count_; },
        [](Trace& x) { x.changes[0].target = 5; },
        [](Trace& x) { x.changes[0].field = 200; },
        [](Trace& x) { x.changes[8].value = -1; },
        [](Trace& x) { x.frames[1].time_us = 10; },
        [](Trace& x) { x.frames[1].event = 99; },
        [](Trace& x) { x.frames[1].dir = 2; },
        [](Trace& x) { x.frames[1].dropped = 2; },
        [](Trace& x) { x.frames[1].offset = 3; },
        [](Trace& x) { x.frame_bytes.push_back(0); },
    };
    for (std::size_t k = 0; k < breaks.size(); ++k) {
        CAPTURE(k);
        t = good;
        breaks[k](t);
        e = caught(t);
        REQUIRE(e.thrown);
        const std::string left = sptest::english_phrase(e.zh, e.file);
        CHECK_MESSAGE(left.empty(), "\"" << left << "\" in " << e.zh << " (English: " << e.message << ")");
    }
}
