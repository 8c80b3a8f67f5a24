// Exact call stacks: the Recorder interns the stack of every event (a table of
// distinct stacks, an index per event), both encodings carry it, a bad index
// is refused with its place, and traces without stacks still load.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/state.hpp"
#include "trace/recorder.hpp"
#include "trace/trace_io.hpp"
#include "util/errors.hpp"
#include "support/errors.hpp"
#include "support/sample_traces.hpp"
#include "support/trace_query.hpp"

using namespace sendpath;
using namespace sendpath::trace;
using nlohmann::json;

namespace {

std::vector<Func> F(std::initializer_list<Func> l) { return l; }

// A run shaped like the engine's: a send() whose full skb goes out through
// tcp_push_one, then an ACK.
Trace recorded() {
    model::State st;
    Trace t;
    Recorder rec(st, &t);
    rec.emit(Kind::socket_create, 5, 10);
    {
        FuncScope sendmsg(rec, Func::tcp_sendmsg);
        rec.emit(Kind::sendmsg_enter, 0, 20);
        {
            FuncScope one(rec, Func::tcp_push_one);
            FuncScope xmit(rec, Func::tcp_write_xmit);
            rec.emit(Kind::write_xmit, 1, 30);
            {
                FuncScope tx(rec, Func::tcp_transmit_skb);
                rec.emit(Kind::transmit, 1, 40);
            }
        }
        rec.emit(Kind::sendmsg_exit, 0, 50);
    }
    {
        FuncScope rcv(rec, Func::tcp_v4_rcv);
        FuncScope ack(rec, Func::tcp_ack);
        rec.emit(Kind::ack, 2, 60);
    }
    return t;
}

sptest::Caught json_error(const std::string& text) {
    const auto c = sptest::input_error_of([&] { return parse_trace_json(text, "bad.json"); });
    REQUIRE_MESSAGE(c.thrown, "the trace loaded");
    return c;
}
sptest::Caught cbor_error(const std::vector<uint8_t>& bytes) {
    const auto c = sptest::input_error_of([&] { return parse_trace_cbor(bytes, "bad.cbor"); });
    REQUIRE_MESSAGE(c.thrown, "the trace loaded");
    return c;
}

}  // namespace

TEST_CASE("the Recorder gives each event its exact call stack, each distinct stack listed once") {
    const Trace t = recorded();
    REQUIRE(t.events.size() == 6);
    CHECK(*t.stack_of(0) == F({Func::user}));
    CHECK(*t.stack_of(1) == F({Func::user, Func::tcp_sendmsg}));
    CHECK(*t.stack_of(2) == F({Func::user, Func::tcp_sendmsg, Func::tcp_push_one, Func::tcp_write_xmit}));
    CHECK(*t.stack_of(3) ==
          F({Func::user, Func::tcp_sendmsg, Func::tcp_push_one, Func::tcp_write_xmit, Func::tcp_transmit_skb}));
    CHECK(t.events[4].stack == t.events[1].stack);  // back in tcp_sendmsg: the same stack, not a new one
    CHECK(*t.stack_of(5) == F({Func::user, Func::tcp_v4_rcv, Func::tcp_ack}));
    CHECK(t.stacks.size() == 5);
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        CHECK(t.stack_of(i)->size() == t.events[i].depth + 1u);
        CHECK(t.stack_of(i)->back() == t.events[i].func);
    }
    validate_trace(t, "recorded");
}

TEST_CASE("a call chain deeper than the Recorder's 32 frames keeps stack, depth and function in step") {
    model::State st;
    Trace t;
    Recorder rec(st, &t);
    std::vector<std::unique_ptr<FuncScope>> scopes;
    for (int k = 0; k < 40; ++k)
        scopes.push_back(std::make_unique<FuncScope>(rec, k % 2 ? Func::tcp_push : Func::tcp_write_xmit));
    rec.emit(Kind::write_xmit, 1, 1);
    scopes.pop_back();
    rec.emit(Kind::tcp_push, 1, 2);
    validate_trace(t, "deep");
    CHECK(t.stack_of(0)->size() == 32);
    CHECK(t.stack_of(0)->back() == Func::tcp_push);
    CHECK(t.stack_of(1)->size() == 31);
}

TEST_CASE("call stacks survive both encodings") {
    const Trace t = recorded();
    const std::string j = sptest::as_json(t);
    CHECK(j.find("\n\"stacks\":[\n[\"user\"],\n[\"user\",\"tcp_sendmsg\"],") != std::string::npos);
    CHECK(j.find("\"call\":0,\"stack\":3") != std::string::npos);
    CHECK(parse_trace_json(j, "t.json") == t);
    const auto c = sptest::as_cbor(t);
    const Trace back = parse_trace_cbor(c, "t.cbor");
    CHECK(back == t);
    CHECK(*back.stack_of(3) == *t.stack_of(3));
    // JSON -> CBOR -> JSON gives the same bytes.
    CHECK(sptest::as_json(back) == j);
}

TEST_CASE("a trace without stacks (written before they were recorded) loads, its stacks unknown") {
    const Trace t = sptest::make_small_trace();
    REQUIRE(t.stacks.empty());
    const std::string j = sptest::as_json(t);
    CHECK(j.find("stack") == std::string::npos);  // the old form, byte for byte
    const Trace back = parse_trace_json(j, "old.json");
    CHECK(back == t);
    for (std::size_t i = 0; i < back.events.size(); ++i) CHECK(back.stack_of(i) == nullptr);
    const auto c = sptest::as_cbor(t);
    CHECK(json::from_cbor(c).size() == 10);  // no "stacks" key, 7-item events
    CHECK(parse_trace_cbor(c, "old.cbor") == t);
}

TEST_CASE("a bad stack index or stack table is an InputError naming the place") {
    const Trace t = recorded();
    const std::string j = sptest::as_json(t);
    auto edit = [&](const std::string& from, const std::string& to) {
        std::string s = j;
        const auto p = s.find(from);
        REQUIRE(p != std::string::npos);
        return s.replace(p, from.size(), to);
    };
    sptest::Caught e = json_error(edit("\"call\":0,\"stack\":3", "\"call\":0,\"stack\":9"));
    CHECK(e.file == "bad.json");
    CHECK(e.place == "/events/3/stack");
    CHECK(e.expected.find("below 5") != std::string::npos);

    // An index that exists but names another function's stack.
    e = json_error(edit("\"call\":0,\"stack\":3", "\"call\":0,\"stack\":1"));
    CHECK(e.place == "/events/3/stack");
    CHECK(e.expected.find("\"tcp_transmit_skb\"") != std::string::npos);

    e = json_error(edit("[\"user\",\"tcp_sendmsg\"]", "[\"user\",\"tcp_sendmsgg\"]"));
    CHECK(e.place == "/stacks/1/1");
    CHECK(e.expected.find("a function") != std::string::npos);

    e = json_error(edit("\"stack\":3", "\"stack\":-2"));
    CHECK(e.place == "/events/3/stack");

    // CBOR: the event's stack item (after the call delta) and the table's function ids.
    json c = json::from_cbor(sptest::as_cbor(t));
    c["events"][3][7] = 9;
    e = cbor_error(json::to_cbor(c));
    CHECK(e.file == "bad.cbor");
    CHECK(e.place.rfind("/events/3/stack", 0) == 0);
    c = json::from_cbor(sptest::as_cbor(t));
    c["stacks"][1][1] = 200;
    e = cbor_error(json::to_cbor(c));
    CHECK(e.place.rfind("/stacks/1/1", 0) == 0);
    c = json::from_cbor(sptest::as_cbor(t));
    c["stacks"][2] = json::array();
    e = cbor_error(json::to_cbor(c));
    CHECK(e.place.rfind("/stacks/2", 0) == 0);
}

TEST_CASE("prepared traces: a transmit from tcp_push_one has the engine's call stack") {
    // traces/06-forced-push.json: the full skb is the send head, so tcp_sendmsg
    // calls tcp_push_one, which calls tcp_write_xmit, which calls tcp_transmit_skb.
    const Trace t = load_trace(std::string(SENDPATH_SOURCE_DIR) + "/traces/06-forced-push.json");
    REQUIRE_MESSAGE(!t.stacks.empty(), "traces/ predate call stacks: run scripts/make-traces.sh");
    bool found = false;
    for (std::size_t i = 0; i < t.events.size() && !found; ++i) {
        const auto* s = t.stack_of(i);
        if (t.events[i].kind != Kind::transmit || !s || s->size() < 3 || (*s)[2] != Func::tcp_push_one) continue;
        found = true;
        CHECK(*s ==
              F({Func::user, Func::tcp_sendmsg, Func::tcp_push_one, Func::tcp_write_xmit, Func::tcp_transmit_skb}));
        // Just before it, tcp_write_xmit let the skb pass (xmit_pass), after its
        // own write_xmit event: both one frame up the same chain.
        REQUIRE(i > 1);
        CHECK(t.events[i - 1].kind == Kind::xmit_pass);
        CHECK(t.events[i - 2].kind == Kind::write_xmit);
        for (std::size_t j : {i - 1, i - 2})
            CHECK(*t.stack_of(j) == F({Func::user, Func::tcp_sendmsg, Func::tcp_push_one, Func::tcp_write_xmit}));
    }
    CHECK(found);
}
