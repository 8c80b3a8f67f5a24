// Debugger moves over events: what a student gets when pressing F10/F11/Shift+F11
// (and the Ctrl forms going backwards).
#include <doctest/doctest.h>

#include "gui/model/stepping.hpp"
#include "support/sample_traces.hpp"

using namespace sendpath;
using namespace sendpath::gui;

//                        index: 0  1  2  3  4  5  6  7
static trace::Trace sample() { return sptest::trace_with_depths({1, 2, 3, 2, 1, 2, 1, 0}); }

TEST_CASE("step into moves one event, and stops at the ends") {
    auto t = sample();
    CHECK(step_into(t, 0) == 1);
    CHECK(step_into(t, 6) == 7);
    CHECK(step_into(t, 7) == 7);
    CHECK(step_into_back(t, 3) == 2);
    CHECK(step_into_back(t, 0) == 0);
}

TEST_CASE("step over skips deeper calls, forwards and backwards") {
    auto t = sample();
    CHECK(step_over(t, 0) == 4);  // depth 1 -> next depth <= 1, skipping the tcp_push call (1..3)
    CHECK(step_over(t, 1) == 3);  // depth 2 -> skips the depth-3 event 2
    CHECK(step_over(t, 4) == 6);
    CHECK(step_over_back(t, 4) == 0);
    CHECK(step_over_back(t, 3) == 1);
    CHECK(step_over_back(t, 6) == 4);
}

TEST_CASE("step out goes to the caller's next event; step out back to where the call came from") {
    auto t = sample();
    CHECK(step_out(t, 2) == 3);  // depth 3 -> first depth < 3
    CHECK(step_out(t, 1) == 4);  // depth 2 -> first depth < 2
    CHECK(step_out(t, 5) == 6);
    CHECK(step_out(t, 7) == 7);       // depth 0 has no caller: runs to the end
    CHECK(step_out_back(t, 3) == 0);  // the caller (depth 1) before it called tcp_push
    CHECK(step_out_back(t, 5) == 4);
    CHECK(step_out_back(t, 2) == 1);
}

TEST_CASE("moves on an empty trace stay at 0") {
    trace::Trace t;
    CHECK(step_into(t, 0) == 0);
    CHECK(step_over_back(t, 0) == 0);
    CHECK(call_stack(t, 0).empty());
}

TEST_CASE("call stack: latest live event at each depth, innermost first") {
    auto t = sample();
    auto st = call_stack(t, 2);
    REQUIRE(st.size() == 4);
    CHECK(st[0].depth == 3);
    CHECK(st[0].event == 2u);
    CHECK(st[0].func == trace::Func::tcp_write_xmit);
    CHECK(st[1].event == 1u);
    CHECK(st[1].func == trace::Func::tcp_push);
    CHECK(st[2].event == 0u);
    CHECK(st[2].func == trace::Func::tcp_sendmsg);
    CHECK(st[3].depth == 0);
    CHECK(!st[3].event);
    CHECK(st[3].func == trace::Func::user);

    // At event 5 the depth-2 call of events 1..3 has returned: the caller is event 4.
    st = call_stack(t, 5);
    REQUIRE(st.size() == 3);
    CHECK(st[0].event == 5u);
    CHECK(st[1].event == 4u);
}

TEST_CASE("call stack marks depths that emitted nothing yet") {
    auto t = sptest::trace_with_depths({1, 3});  // tcp_push (depth 2) entered without an event
    auto st = call_stack(t, 1);
    REQUIRE(st.size() == 4);
    CHECK(st[0].event == 1u);
    CHECK(st[1].depth == 2);
    CHECK(!st[1].event);
    CHECK(!st[1].func);
    CHECK(st[2].event == 0u);
}
