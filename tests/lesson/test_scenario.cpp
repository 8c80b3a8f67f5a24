// Scenario files: defaults, accepted spellings, the normalized form, and one
// test per class of bad input, each checking that the message names the file,
// the JSON pointer of the bad value and what was expected.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "lesson/scenario.hpp"
#include "support/errors.hpp"
#include "support/files.hpp"
#include "util/errors.hpp"

using nlohmann::json;
using sendpath::InputError;
using namespace sendpath::lesson;

namespace {

// One folder per process (CTest runs the test cases of this file side by
// side), removed when the process ends.
const sptest::TempDir& tmp() {
    static const sptest::TempDir d("sendpath-scenario-test");
    return d;
}

std::string write_tmp(const std::string& name, const std::string& text) { return tmp().write(name, text); }

using Failure = sptest::Caught;

// Loads `text` from a file and returns the InputError it must raise.
Failure error_of(const std::string& text) {
    const std::string path = write_tmp("bad.json", text);
    const Failure f = sptest::input_error_of([&] { return load_scenario(path); });
    REQUIRE_MESSAGE(f.thrown, "no InputError for: " << text);
    CHECK(f.file == path);
    CHECK(f.message.find(path) == 0);
    return f;
}

// A scenario whose only content is `extra` (an object body) plus a one-send timeline.
Failure error_with(const std::string& extra) { return error_of(R"({"timeline":[{"send":100}],)" + extra + "}"); }
Failure error_in_action(const std::string& action) { return error_of(R"({"timeline":[{"send":1},)" + action + "]}"); }

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

Scenario parse(const std::string& text, const std::string& file = "t.json") {
    return scenario_from_json(json::parse(text), file);
}

const char* kExample = R"({
 "name": "two small sends", "description": "the example from the README", "connect": "established",
 "device": {"sg": true, "csum": true, "gso": true, "tso": false, "mtu": 1500},
 "socket": {"sndbuf": null, "nodelay": false, "cork": false, "sndtimeo_ms": -1, "nonblock": false,
            "timestamps": true, "window_scaling": true, "sack": true},
 "sysctl": {"tcp_wmem": [4096, 16384, 4194304], "tcp_mem": [188205, 250940, 376410], "wmem_max": 131071, "other_pages": 0},
 "peer": {"type": "sim", "rcvbuf": 131072, "read_rate": -1, "delayed_ack": true, "delack_ms": 40, "one_way_delay_us": 500,
          "mss": 1460, "wscale": 7, "drop": [3], "reset_at_us": null},
 "faults": {"fail_skb_alloc": [], "fail_page_alloc": [], "signal_at_us": []},
 "timeline": [ {"send": 100}, {"send": {"iov": [100, 200], "flags": ["MSG_MORE"], "fault_at": 150, "at_ms": 5}},
               {"send": {"data": "hello"}}, {"sleep_ms": 10}, {"peer_read": 4096}, {"peer_read": "all"},
               {"setsockopt": {"TCP_NODELAY": 1}}, {"shutdown": "SHUT_WR"}, {"close": true} ],
 "drain_ms": 10000, "max_time_ms": 600000})";

}  // namespace

TEST_CASE("a scenario with only a timeline gets every default") {
    Scenario sc = parse(R"({"timeline":[{"send":100}]})", "dir/my_run.json");
    Scenario def;
    CHECK(sc.name == "my_run");  // the file name without extension
    CHECK(sc.description.empty());
    CHECK(sc.connect == "established");
    CHECK(sc.device == def.device);
    CHECK(sc.sock == def.sock);
    CHECK(sc.sysctl == def.sysctl);
    CHECK(sc.peer == def.peer);
    CHECK(sc.faults == def.faults);
    CHECK(sc.drain_us == 10'000'000);
    CHECK(sc.max_time_us == 600'000'000);
    REQUIRE(sc.timeline.size() == 1);
    CHECK(sc.timeline[0].type == Action::Type::send);
    CHECK(sc.timeline[0].iov == std::vector<int64_t>{100});
    CHECK(sc.timeline[0].flags == 0);
    CHECK(!sc.timeline[0].at_us);
    CHECK(!sc.timeline[0].fault_at);
    CHECK(!sc.timeline[0].data);
}

TEST_CASE("the README example reads as documented") {
    Scenario sc = parse(kExample);
    CHECK(sc.name == "two small sends");
    CHECK(sc.peer.drop == std::vector<int64_t>{3});
    CHECK(sc.peer.delack_ms == 40);
    CHECK(sc.sock.sndtimeo_ms == -1);
    CHECK(!sc.sock.sndbuf);
    REQUIRE(sc.timeline.size() == 9);
    const Action& s2 = sc.timeline[1];
    CHECK(s2.iov == std::vector<int64_t>{100, 200});
    CHECK(s2.total() == 300);
    CHECK(s2.flags == MSG_MORE);
    CHECK(s2.fault_at == 150);
    CHECK(s2.at_us == 5000);
    CHECK(sc.timeline[2].data == "hello");
    CHECK(sc.timeline[2].iov == std::vector<int64_t>{5});
    CHECK(sc.timeline[3].type == Action::Type::sleep);
    CHECK(sc.timeline[3].duration_us == 10'000);
    CHECK(sc.timeline[4].bytes == 4096);
    CHECK(sc.timeline[5].bytes == -1);
    CHECK(sc.timeline[6].type == Action::Type::setsockopt);
    CHECK(sc.timeline[6].option == "TCP_NODELAY");
    CHECK(sc.timeline[6].value == 1);
    CHECK(sc.timeline[7].how == "SHUT_WR");
    CHECK(sc.timeline[8].type == Action::Type::close);
    CHECK(sc.drain_us == 10'000'000);
    CHECK(sc.max_time_us == 600'000'000);
}

TEST_CASE("times are accepted in _ms or _us and kept in microseconds") {
    Scenario sc =
        parse(R"({"timeline":[{"sleep_ms":1.5},{"sleep_us":250},{"send":1,"at_us":7},{"send":{"size":1,"at_ms":0.002}}],
        "peer":{"one_way_delay_ms":0.25,"reset_at_ms":20},"faults":{"signal_at_ms":[1,2.5]},"drain_us":5,"max_time_ms":1e3})");
    CHECK(sc.timeline[0].duration_us == 1500);
    CHECK(sc.timeline[1].duration_us == 250);
    CHECK(sc.timeline[2].at_us == 7);
    CHECK(sc.timeline[3].at_us == 2);
    CHECK(sc.peer.one_way_delay_us == 250);
    CHECK(sc.peer.reset_at_us == 20'000);
    CHECK(sc.faults.signal_at_us == std::vector<int64_t>{1000, 2500});
    CHECK(sc.drain_us == 5);
    CHECK(sc.max_time_us == 1'000'000);
}

TEST_CASE("SO_SNDTIMEO: 0 means forever as in the kernel, microseconds round up to whole ms") {
    CHECK(parse(R"({"timeline":[{"send":1}],"socket":{"sndtimeo_ms":0}})").sock.sndtimeo_ms == -1);
    CHECK(parse(R"({"timeline":[{"send":1}],"socket":{"sndtimeo_us":1500}})").sock.sndtimeo_ms == 2);
    CHECK(parse(R"({"timeline":[{"send":1}],"socket":{"sndtimeo_us":-1}})").sock.sndtimeo_ms == -1);
    CHECK(parse(R"({"timeline":[{"send":1}],"socket":{"sndtimeo_ms":250}})").sock.sndtimeo_ms == 250);
    Scenario sc = parse(R"({"timeline":[{"setsockopt":{"SO_SNDTIMEO":0}},{"setsockopt":{"SO_SNDTIMEO":30}}]})");
    CHECK(sc.timeline[0].value == -1);
    CHECK(sc.timeline[1].value == 30);
}

TEST_CASE("device features default to what their prerequisites allow") {
    Device d = parse(R"({"timeline":[{"send":1}],"device":{"csum":false}})").device;
    CHECK(!d.csum);
    CHECK(!d.sg);
    CHECK(!d.gso);
    CHECK(!d.tso);
    d = parse(R"({"timeline":[{"send":1}],"device":{"sg":false}})").device;
    CHECK(d.csum);
    CHECK(!d.sg);
    CHECK(!d.gso);
    d = parse(R"({"timeline":[{"send":1}],"device":{"gso":false,"mtu":9000}})").device;
    CHECK(d.sg);
    CHECK(!d.gso);
    CHECK(d.mtu == 9000);

    Failure f = error_with(R"("device":{"csum":false,"sg":true})");
    CHECK(f.place == "/device/sg");
    CHECK(has(f.expected, "expected false when csum is false"));
    f = error_with(R"("device":{"sg":false,"gso":true})");
    CHECK(f.place == "/device/gso");
    f = error_with(R"("device":{"sg":false,"tso":true})");
    CHECK(f.place == "/device/tso");
}

TEST_CASE("flags by name or as an integer") {
    Scenario sc = parse(R"({"timeline":[{"send":{"size":1,"flags":["MSG_DONTWAIT","MSG_NOSIGNAL"]}},
                                       {"send":{"size":1,"flags":32833}}, {"send":{"size":1,"flags":[]}}]})");
    CHECK(sc.timeline[0].flags == (MSG_DONTWAIT | MSG_NOSIGNAL));
    CHECK(sc.timeline[1].flags == (MSG_MORE | MSG_DONTWAIT | MSG_OOB));
    CHECK(sc.timeline[2].flags == 0);

    Failure f = error_in_action(R"({"send":{"size":1,"flags":["MSG_MORE","MSG_MOAR"]}})");
    CHECK(f.place == "/timeline/1/send/flags/1");
    CHECK(has(f.expected, "\"MSG_MORE\", \"MSG_DONTWAIT\", \"MSG_OOB\", \"MSG_NOSIGNAL\""));
    CHECK(has(f.expected, "got \"MSG_MOAR\""));
    f = error_in_action(R"({"send":{"size":1,"flags":2}})");  // MSG_PEEK is not a send flag
    CHECK(f.place == "/timeline/1/send/flags");
    CHECK(has(f.expected, "MSG_MORE (32768)"));
    f = error_in_action(R"({"send":{"size":1,"flags":"MSG_MORE"}})");
    CHECK(f.place == "/timeline/1/send/flags");
    CHECK(has(f.expected, "a list of flag names"));
}

TEST_CASE("the normalized form reads back to the same scenario") {
    Scenario sc = parse(kExample);
    json norm = sc.to_json();
    Scenario back = scenario_from_json(norm, "trace.json");
    CHECK(back == sc);
    CHECK(back.to_json() == norm);  // normalizing is idempotent

    // The normalized form uses microseconds, flag names and explicit nulls.
    CHECK(norm["drain_us"] == 10'000'000);
    CHECK(!norm.contains("drain_ms"));
    CHECK(norm["peer"]["delack_us"] == 40'000);
    CHECK(norm["peer"]["quickack"] == true);  // Linux's quick-ack mode unless a scenario turns it off
    CHECK(norm["socket"]["sndtimeo_us"] == -1);
    CHECK(norm["timeline"][1]["send"]["flags"] == json{"MSG_MORE"});
    CHECK(norm["timeline"][1]["at_us"] == 5000);
    CHECK(norm["timeline"][0]["send"]["fault_at"].is_null());
    CHECK(norm["timeline"][5]["peer_read"] == "all");

    // Every scenario normalizes to the same key set, defaults or not.
    json minimal = parse(R"({"timeline":[{"close":true}]})").to_json();
    for (auto& [key, value] : norm.items()) {
        REQUIRE(minimal.contains(key));
        if (value.is_object())
            for (auto& [k2, v2] : value.items()) CHECK_MESSAGE(minimal[key].contains(k2), key << "/" << k2);
    }
    CHECK(minimal.size() == norm.size());
}

TEST_CASE("non-default values of every section survive the round trip") {
    Scenario sc = parse(R"({"name":"n","description":"d","connect":"nonblocking",
      "device":{"sg":true,"csum":true,"gso":false,"tso":true,"mtu":9000},
      "socket":{"sndbuf":4096,"nodelay":true,"cork":true,"sndtimeo_ms":125,"nonblock":true,"timestamps":false,
                "window_scaling":false,"sack":false},
      "sysctl":{"tcp_wmem":[1,2,3],"tcp_mem":[10,20,30],"wmem_max":9,"other_pages":25},
      "peer":{"type":"tap","rcvbuf":7,"read_rate":0,"delayed_ack":false,"delack_us":200000,"quickack":false,
              "one_way_delay_us":1,
              "mss":536,"wscale":0,"drop":[1,5],"drop_acks":[2,4],"reset_at_us":0,"dev":"tap0","connect":"10.99.0.1:5001"},
      "faults":{"fail_skb_alloc":[2],"fail_page_alloc":[1,3],"signal_at_us":[10,20]},
      "timeline":[{"send":{"iov":[0,3],"data":"abc","flags":["MSG_OOB"],"fault_at":2},"at_us":0},
                  {"setsockopt":{"TCP_CORK":false}},{"setsockopt":{"SO_SNDBUF":1}},{"shutdown":"SHUT_RDWR"}],
      "drain_us":0,"max_time_us":1})");
    CHECK(sc.sock.sndbuf == 4096);
    CHECK(sc.timeline[0].data == "abc");
    CHECK(sc.timeline[0].at_us == 0);
    CHECK(sc.timeline[1].value == 0);
    CHECK(!sc.peer.quickack);
    CHECK(sc.peer.drop_acks == std::vector<int64_t>{2, 4});
    Scenario back = scenario_from_json(sc.to_json(), "x");
    CHECK(back == sc);
}

TEST_CASE("bad JSON syntax names the line and column") {
    Failure f = error_of("{\n  \"timeline\": [\n    {\"send\": 100,}\n  ]\n}\n");
    CHECK(f.place == "line 3, column 18");  // the stray '}'
    CHECK(has(f.expected, "expected valid JSON: "));
    CHECK(has(f.expected, "syntax error"));
    f = error_of("");
    CHECK(f.place == "line 1, column 1");
    f = error_of(R"({"timeline":[{"send":1}]} trailing)");
    CHECK(has(f.place, "line 1, column "));
}

TEST_CASE("a key given twice is an error, not a silent override") {
    Failure f = error_of(R"({"timeline":[{"send":1},{"send":{"size":1,"flags":[],"size":2}}]})");
    CHECK(f.place == "/timeline/1/send/size");
    CHECK(has(f.expected, "got \"size\" twice"));
}

TEST_CASE("wrong types name the place and what was expected") {
    Failure f = error_with(R"("device":{"mtu":"1500"})");
    CHECK(f.place == "/device/mtu");
    CHECK(f.expected == "expected an MTU in bytes from 68 to 65535, got \"1500\"");
    f = error_with(R"("socket":{"nodelay":1})");
    CHECK(f.place == "/socket/nodelay");
    CHECK(f.expected == "expected true or false, got 1");
    f = error_with(R"("peer":{"quickack":"off"})");
    CHECK(f.place == "/peer/quickack");
    CHECK(f.expected == "expected true or false, got \"off\"");
    f = error_with(R"("peer":[1])");
    CHECK(f.place == "/peer");
    CHECK(has(f.expected, "the peer section (a JSON object), got a list of 1 items"));
    f = error_of(R"({"timeline":{"send":1}})");
    CHECK(f.place == "/timeline");
    CHECK(has(f.expected, "a list of 1 to"));
    f = error_of("[1,2]");
    CHECK(f.place == "");
    CHECK(has(f.expected, "expected a scenario (a JSON object)"));
    f = error_with(R"("name":5)");
    CHECK(f.place == "/name");
    f = error_in_action(R"({"send":{"size":1.5}})");
    CHECK(f.place == "/timeline/1/send/size");
    CHECK(has(f.expected, "got 1.5"));
    f = error_in_action(R"({"send":{"size":1,"data":7}})");
    CHECK(f.place == "/timeline/1/send/data");
}

TEST_CASE("unknown keys are errors that list the accepted keys") {
    Failure f = error_with(R"("timelime":[])");
    CHECK(f.place == "/timelime");
    CHECK(has(f.expected, "unknown key \"timelime\" (did you mean \"timeline\"?)"));
    CHECK(has(f.expected, "expected one of: $schema, name, description, connect, device"));
    f = error_with(R"("socket":{"no_delay":true})");
    CHECK(f.place == "/socket/no_delay");
    CHECK(has(f.expected, "did you mean \"nodelay\""));
    f = error_in_action(R"({"send":{"size":1,"flag":["MSG_MORE"]}})");
    CHECK(f.place == "/timeline/1/send/flag");
    CHECK(has(f.expected, "iov, size, data, flags, fault_at"));
    f = error_in_action(R"({"sleep":5})");
    CHECK(f.place == "/timeline/1/sleep");
    CHECK(has(f.expected, "sleep_ms, sleep_us"));
    f = error_with(R"("peer":{"a/b":1})");
    CHECK(f.place == "/peer/a~1b");  // escaped as a JSON pointer
    f = error_with(R"("faults":{"fail_alloc":[1]})");
    CHECK(f.place == "/faults/fail_alloc");
}

TEST_CASE("sizes and counts out of range") {
    Failure f = error_of(R"({"timeline":[{"send":1},{"sleep_ms":1},{"send":1},{"send":{"iov":[100,-5]}}]})");
    CHECK(f.place == "/timeline/3/send/iov/1");
    CHECK(f.expected == "expected a byte count from 0 to 1073741824, got -5");
    f = error_in_action(R"({"send":1073741825})");
    CHECK(f.place == "/timeline/1/send");
    f = error_in_action(R"({"send":{"iov":[1073741824,1073741824,1073741824,1073741824,1]}})");
    CHECK(f.place == "/timeline/1/send/iov");
    CHECK(has(f.expected, "at most 4294967296 bytes, got 4294967297"));
    f = error_in_action(R"({"send":{"iov":[]}})");
    CHECK(f.place == "/timeline/1/send/iov");
    CHECK(has(f.expected, "1 to 1024 iovec lengths"));
    json many = json::array();
    for (int i = 0; i < 1025; ++i) many.push_back(1);
    f = error_in_action(R"({"send":{"iov":)" + many.dump() + "}}");
    CHECK(f.place == "/timeline/1/send/iov");
    f = error_with(R"("device":{"mtu":67})");
    CHECK(f.place == "/device/mtu");
    f = error_with(R"("peer":{"wscale":15})");
    CHECK(f.place == "/peer/wscale");
    CHECK(has(f.expected, "from 0 to 14, got 15"));
    f = error_with(R"("peer":{"rcvbuf":0})");
    CHECK(f.place == "/peer/rcvbuf");
    f = error_with(R"("peer":{"mss":40})");
    CHECK(f.place == "/peer/mss");
    f = error_with(R"("peer":{"read_rate":-2})");
    CHECK(f.place == "/peer/read_rate");
    f = error_with(R"("peer":{"drop":[0]})");
    CHECK(f.place == "/peer/drop/0");
    f = error_with(R"("peer":{"drop":[3,2]})");
    CHECK(f.place == "/peer/drop/1");
    CHECK(has(f.expected, "increasing order"));
    f = error_with(R"("peer":{"drop_acks":[0]})");
    CHECK(f.place == "/peer/drop_acks/0");
    CHECK(has(f.expected, "the number of a segment the peer sends"));
    f = error_with(R"("peer":{"drop_acks":[4,4]})");
    CHECK(f.place == "/peer/drop_acks/1");
    CHECK(has(f.expected, "increasing order"));
    f = error_with(R"("peer":{"loss":{"rate":1.5}})");
    CHECK(f.place == "/peer/loss/rate");
    CHECK(has(f.expected, "a probability from 0 (no loss) to 0.99"));
    f = error_with(R"("peer":{"loss":{"rate":"5%"}})");
    CHECK(f.place == "/peer/loss/rate");
    f = error_with(R"("peer":{"loss":{"rate":0.1,"seed":-1}})");
    CHECK(f.place == "/peer/loss/seed");
    f = error_with(R"("peer":{"loss":{"rte":0.1}})");
    CHECK(f.place == "/peer/loss/rte");
    f = error_with(R"("faults":{"fail_page_alloc":[2,2]})");
    CHECK(f.place == "/faults/fail_page_alloc/1");
    f = error_with(R"("sysctl":{"tcp_mem":[10,30,20]})");
    CHECK(f.place == "/sysctl/tcp_mem/2");
    CHECK(has(f.expected, "at least the one before it (30), got 20"));
    f = error_with(R"("sysctl":{"tcp_wmem":[8192,4096,16384]})");
    CHECK(f.place == "/sysctl/tcp_wmem/1");
    f = error_with(R"("sysctl":{"tcp_wmem":[1,2]})");
    CHECK(f.place == "/sysctl/tcp_wmem");
    f = error_with(R"("sysctl":{"wmem_max":-1})");
    CHECK(f.place == "/sysctl/wmem_max");
    f = error_with(R"("socket":{"sndbuf":2147483648})");
    CHECK(f.place == "/socket/sndbuf");
    f = error_in_action(R"({"peer_read":0})");
    CHECK(f.place == "/timeline/1/peer_read");
    CHECK(has(f.expected, "\"all\" or a byte count"));
    f = error_in_action(R"({"peer_read":"some"})");
    CHECK(f.place == "/timeline/1/peer_read");
}

TEST_CASE("times out of range or given twice") {
    Failure f = error_in_action(R"({"sleep_ms":-1})");
    CHECK(f.place == "/timeline/1/sleep_ms");
    CHECK(has(f.expected, "expected a time in milliseconds from 0 to"));
    f = error_in_action(R"({"sleep_us":1.5})");
    CHECK(f.place == "/timeline/1/sleep_us");
    f = error_in_action(R"({"sleep_ms":0.0005})");
    CHECK(has(f.expected, "at most 3 decimals"));
    f = error_in_action(R"({"sleep_ms":1,"sleep_us":1000})");
    CHECK(f.place == "/timeline/1/sleep_ms");
    CHECK(has(f.expected, "either sleep_ms or sleep_us, not both"));
    f = error_with(R"("drain_ms":1,"drain_us":1)");
    CHECK(f.place == "/drain_ms");
    f = error_with(R"("peer":{"reset_at_us":-5})");
    CHECK(f.place == "/peer/reset_at_us");
    f = error_with(R"("faults":{"signal_at_us":[5,5]})");
    CHECK(f.place == "/faults/signal_at_us/1");
    f = error_with(R"("faults":{"signal_at_ms":[1],"signal_at_us":[1]})");
    CHECK(f.place == "/faults/signal_at_ms");
    f = error_with(R"("socket":{"sndtimeo_ms":-2})");
    CHECK(f.place == "/socket/sndtimeo_ms");
    CHECK(has(f.expected, "-1 (wait forever)"));
    f = error_in_action(R"({"send":{"size":1,"at_ms":1},"at_us":5})");
    CHECK(f.place == "/timeline/1/send/at_ms");
    CHECK(has(f.expected, "start time once"));
}

TEST_CASE("fault_at must fall inside its send") {
    Failure f = error_in_action(R"({"send":{"iov":[60,40],"fault_at":100}})");
    CHECK(f.place == "/timeline/1/send/fault_at");
    CHECK(f.expected == "expected a byte offset of this 100-byte send from 0 to 99, got 100");
    f = error_in_action(R"({"send":{"size":0,"fault_at":0}})");
    CHECK(f.place == "/timeline/1/send/fault_at");
    f = error_in_action(R"({"send":{"size":10,"fault_at":-1}})");
    CHECK(f.place == "/timeline/1/send/fault_at");
    CHECK(parse(R"({"timeline":[{"send":{"size":10,"fault_at":9}}]})").timeline[0].fault_at == 9);
}

TEST_CASE("send data must match the byte counts given") {
    Failure f = error_in_action(R"({"send":{"iov":[2,2],"data":"abc"}})");
    CHECK(f.place == "/timeline/1/send/data");
    CHECK(f.expected == "expected 4 bytes of data to match the iovec lengths, got 3");
    f = error_in_action(R"({"send":{"iov":[1],"size":1}})");
    CHECK(f.place == "/timeline/1/send/size");
    f = error_in_action(R"({"send":{"flags":["MSG_MORE"]}})");
    CHECK(f.place == "/timeline/1/send");
    CHECK(has(f.expected, "iov, size or data"));
    CHECK(parse(R"({"timeline":[{"send":{"data":"h\u00e9"}}]})").timeline[0].iov ==
          std::vector<int64_t>{3});  // UTF-8 bytes
}

TEST_CASE("timeline actions: one kind per entry, known names only") {
    Failure f = error_of(R"({"description":"no timeline"})");
    CHECK(f.place == "/timeline");
    CHECK(has(f.expected, "at least one action"));
    f = error_of(R"({"timeline":[]})");
    CHECK(f.place == "/timeline");
    f = error_in_action(R"({"at_ms":5})");
    CHECK(f.place == "/timeline/1");
    CHECK(has(f.expected, "expected an action key"));
    f = error_in_action(R"({"send":1,"close":true})");
    CHECK(f.place == "/timeline/1/close");
    CHECK(f.expected == "expected one action per timeline entry, got both \"send\" and \"close\"");
    f = error_in_action(R"({"close":false})");
    CHECK(f.place == "/timeline/1/close");
    f = error_in_action(R"({"shutdown":"SHUT_WRR"})");
    CHECK(f.place == "/timeline/1/shutdown");
    CHECK(has(f.expected, "one of \"SHUT_WR\", \"SHUT_RD\", \"SHUT_RDWR\""));
    f = error_in_action(R"({"setsockopt":{"TCP_NODELAYY":1}})");
    CHECK(f.place == "/timeline/1/setsockopt/TCP_NODELAYY");
    CHECK(has(f.expected, "TCP_NODELAY, TCP_CORK, SO_SNDBUF, SO_SNDTIMEO"));
    f = error_in_action(R"({"setsockopt":{"TCP_NODELAY":1,"TCP_CORK":1}})");
    CHECK(f.place == "/timeline/1/setsockopt");
    CHECK(has(f.expected, "exactly one option"));
    f = error_in_action(R"({"setsockopt":{"SO_SNDBUF":-1}})");
    CHECK(f.place == "/timeline/1/setsockopt/SO_SNDBUF");
    f = error_in_action(R"({"setsockopt":{"SO_SNDTIMEO":-3}})");
    CHECK(f.place == "/timeline/1/setsockopt/SO_SNDTIMEO");
    f = error_in_action("7");
    CHECK(f.place == "/timeline/1");
    f = error_with(R"("connect":"blocking")");
    CHECK(f.place == "/connect");
}

TEST_CASE("tap peer: device and listener may be left to the command line, but must be valid when given") {
    Scenario sc = parse(R"({"timeline":[{"send":1}],"peer":{"type":"tap"}})");
    CHECK(sc.peer.type == "tap");
    CHECK(sc.peer.dev.empty());
    CHECK(sc.peer.connect.empty());
    Failure f = error_with(R"("peer":{"type":"tap","connect":"10.99.0.1"})");
    CHECK(f.place == "/peer/connect");
    CHECK(has(f.expected, "IP:PORT"));
    f = error_with(R"("peer":{"type":"tap","connect":"10.99.0.256:80"})");
    CHECK(f.place == "/peer/connect");
    f = error_with(R"("peer":{"type":"tap","dev":"a_name_far_too_long"})");
    CHECK(f.place == "/peer/dev");
    f = error_with(R"("peer":{"type":"kernel"})");
    CHECK(f.place == "/peer/type");
}

TEST_CASE("a file that cannot be read names the file") {
    const std::string missing = tmp() / "does_not_exist.json";
    Failure f = sptest::input_error_of([&] { return load_scenario(missing); });
    REQUIRE_MESSAGE(f.thrown, "no error");
    CHECK(f.file == missing);
    CHECK(has(f.expected, "expected a readable file"));
    const std::string dir = tmp().path.string();
    f = sptest::input_error_of([&] { return load_scenario(dir); });
    REQUIRE_MESSAGE(f.thrown, "no error");
    CHECK(f.file == dir);
    CHECK(has(f.expected, "got a directory"));
}

TEST_CASE("load_scenario names the scenario after its file unless it has a name") {
    Scenario sc = load_scenario(write_tmp("nagle_demo.json", R"({"timeline":[{"send":1}]})"));
    CHECK(sc.name == "nagle_demo");
    sc = load_scenario(
        write_tmp("other.json", R"({"$schema":"../assets/scenario.schema.json","name":"x","timeline":[{"send":1}]})"));
    CHECK(sc.name == "x");
}

// Found by the fuzz tests (tests/fuzz/corpus/*/regression-number-overflow*):
// the JSON library's "number overflow" escaped as a crash instead.
TEST_CASE("a number too large for a double is bad JSON, with its line and column") {
    const Failure f = error_of("{\"timeline\": [{\"send\": 100}],\n \"drain_ms\": 1e400}");
    CHECK(f.place == "line 2, column 14");
    CHECK_MESSAGE(has(f.expected, "a number a double can hold, got 1e400"), f.message);
}

// The GUI in Chinese (--lang zh_CN) shows a bad scenario's error in Chinese;
// the CLI's English, which the tests above compare, is unchanged.
TEST_CASE("a device contradiction is said in English by default and in Chinese for the GUI") {
    const auto f = sptest::input_error_of(
        [] { return parse(R"({"timeline":[{"send":1}],"device":{"csum":false,"sg":true}})", "s.json"); });
    REQUIRE(f.thrown);
    CHECK(f.message ==
          "s.json: /device/sg: expected false when csum is false: the kernel turns scatter-gather off on a device "
          "without checksum offload");
    CHECK(f.zh == "s.json: /device/sg: csum 为 false 时应为 false：设备没有校验和卸载时，内核会关闭分散/聚集");
    const auto g = sptest::input_error_of(
        [] { return parse(R"({"timeline":[{"send":1}],"peer":{"late":[{"segment":3,"by_ms":1},{"segment":2}]}})"); });
    REQUIRE(g.thrown);
    CHECK(g.message ==
          "t.json: /peer/late/1/segment: expected segment numbers in increasing order, each once: got 2 "
          "after 3");
    CHECK(g.zh == "t.json: /peer/late/1/segment: 分段序号应按递增顺序排列、每个只出现一次：2 却出现在 3 之后");
}

TEST_CASE("every refusal of a bad scenario leaves no English in Chinese") {
    const char* bad[] = {
        R"("device":{"csum":false,"sg":true})",
        R"("device":{"sg":false,"gso":true})",
        R"("device":{"sg":false,"tso":true})",
        R"("device":{"mtu":67})",
        R"("socket":{"sndbuf":-1})",
        R"("socket":{"sndtimeo_ms":1,"sndtimeo_us":1})",
        R"("socket":{"sndtimeo_ms":-5})",
        R"("socket":{"sndtimeo_us":-5})",
        R"("sysctl":{"tcp_mem":[1,2]})",
        R"("sysctl":{"tcp_wmem":[3,2,1]})",
        R"("sysctl":{"tcp_wmem":[1,2,-1]})",
        R"("sysctl":{"tcp_frto":3})",
        R"("peer":{"read_rate":-2})",
        R"("peer":{"drop":"3"})",
        R"("peer":{"drop":[0]})",
        R"("peer":{"drop":[3,3]})",
        R"("peer":{"drop_acks":"3"})",
        R"("peer":{"drop_acks":[3,1]})",
        R"("peer":{"late":3})",
        R"("peer":{"late":[{"by_ms":1}]})",
        R"("peer":{"late":[{"segment":0,"by_ms":1}]})",
        R"("peer":{"late":[{"segment":3}]})",
        R"("peer":{"late":[{"segment":3,"by_ms":1},{"segment":2,"by_ms":1}]})",
        R"("peer":{"late":[{"segment":3,"by_s":1}]})",
        R"("peer":{"loss":{"rate":1}})",
        R"("peer":{"dev":"a/b"})",
        R"("peer":{"connect":"nowhere"})",
        R"("faults":{"fail_skb_alloc":[2,1]})",
        R"("faults":{"fail_page_alloc":"x"})",
        R"("faults":{"signal_at_ms":"x"})",
        R"("faults":{"signal_at_us":[5,5]})",
        R"("faults":{"signal_at_ms":[1],"signal_at_us":[1]})",
        R"("$schema":1)",
    };
    const char* bad_actions[] = {
        R"({"send":{"iov":[1],"flags":["MSG_MOAR"]}})",
        R"({"send":{"iov":[1],"flags":5}})",
        R"({"send":{"iov":[1],"flags":"MSG_MORE"}})",
        R"({"send":{"iov":[1],"fault_at":1}})",
        R"({"send":{"iov":[0],"fault_at":0}})",
        R"({"send":{"iov":[2],"data":"abc"}})",
        R"({"send":{"size":2,"data":"abc"}})",
        R"({"send":{"flags":[]}})",
        R"({"send":{"iov":[1073741824,1073741824,1073741824,1073741824,1073741824]}})",
        R"({"send":{"iov":[1],"at_ms":1},"at_ms":1})",
        R"({"send":1,"close":true})",
        R"({"at_ms":1})",
        R"({"peer_read":0})",
        R"({"peer_read":"some"})",
        R"({"setsockopt":{"TCP_NODELAY":1,"TCP_CORK":1}})",
        R"({"setsockopt":{"TCP_NODELAY":"yes"}})",
        R"({"setsockopt":{"SO_SNDBUF":-1}})",
        R"({"close":false})",
    };
    std::vector<std::string> texts;
    for (const char* extra : bad) texts.push_back(std::string(R"({"timeline":[{"send":100}],)") + extra + "}");
    for (const char* action : bad_actions) texts.push_back(std::string(R"({"timeline":[{"send":1},)") + action + "]}");
    texts.push_back(R"({"timeline":[]})");
    for (const std::string& text : texts) {
        CAPTURE(text);
        const auto f = sptest::input_error_of([&] { return parse(text, "s.json"); });
        REQUIRE(f.thrown);
        const std::string left = sptest::english_phrase(f.zh, f.file);
        CHECK_MESSAGE(left.empty(), "\"" << left << "\" in " << f.zh << " (English: " << f.message << ")");
    }
}
