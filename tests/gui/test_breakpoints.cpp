// Continue / reverse-continue stop where the student's breakpoints say.
#include <doctest/doctest.h>

#include "gui/model/breakpoints.hpp"
#include "support/sample_traces.hpp"
#include "trace/replay.hpp"

using namespace sendpath;
using namespace sendpath::gui;

TEST_CASE("breakpoint specs parse, and bad ones say what was expected") {
    std::string err;
    auto b = parse_breakpoint("kind copy_linear", &err);
    REQUIRE(b);
    CHECK(b->type == Breakpoint::Type::kind);
    CHECK(b->kind == trace::Kind::copy_linear);

    b = parse_breakpoint("line tcp_sendmsg.cpp:120", &err);
    REQUIRE(b);
    CHECK(b->file == "tcp_sendmsg.cpp");
    CHECK(b->line == 120);

    CHECK(parse_breakpoint("cond sk_wmem_queued >= sk_sndbuf", &err));
    CHECK(parse_breakpoint("watch sk_send_head", &err));

    CHECK(!parse_breakpoint("kind no_such_kind", &err));
    CHECK(err.find("no_such_kind") != std::string::npos);
    CHECK(!parse_breakpoint("line tcp_sendmsg.cpp", &err));
    CHECK(err.find("FILE:LINE") != std::string::npos);
    CHECK(!parse_breakpoint("cond sk_wmem_queued", &err));
    CHECK(!parse_breakpoint("cond bogus > 1", &err));
    CHECK(err.find("bogus") != std::string::npos);
    CHECK(!parse_breakpoint("stop here", &err));
}

TEST_CASE("line breakpoints match a path by whole trailing components") {
    CHECK(path_matches("core/engine/tcp_sendmsg.cpp", "tcp_sendmsg.cpp"));
    CHECK(path_matches("core/engine/tcp_sendmsg.cpp", "engine/tcp_sendmsg.cpp"));
    CHECK(path_matches("core/engine/tcp_sendmsg.cpp", "core/engine/tcp_sendmsg.cpp"));
    CHECK(!path_matches("core/engine/tcp_sendmsg.cpp", "sendmsg.cpp"));
    CHECK(!path_matches("core/engine/tcp_sendmsg.cpp", ""));
}

TEST_CASE("continue finds the next hit of any enabled breakpoint, reverse the previous") {
    auto t = sptest::trace_with_depths({1, 2, 3, 2, 1, 2, 1, 0});  // lines 100..107, copy = index
    trace::Replay r(t, 2);                                         // small keyframe interval: searches cross keyframes
    std::string err;
    std::vector<Breakpoint> bps{*parse_breakpoint("line core/engine/tcp_sendmsg.cpp:103", &err),
                                *parse_breakpoint("cond copy >= 6", &err)};
    CHECK(find_next_hit(r, bps, 0) == 3u);
    CHECK(find_next_hit(r, bps, 3) == 6u);
    CHECK(find_next_hit(r, bps, 6) == 7u);
    CHECK(!find_next_hit(r, bps, 7));
    CHECK(find_prev_hit(r, bps, 7) == 6u);
    CHECK(find_prev_hit(r, bps, 6) == 3u);
    CHECK(!find_prev_hit(r, bps, 3));

    bps[1].enabled = false;
    CHECK(!find_next_hit(r, bps, 3));
}

TEST_CASE("conditions on event arguments skip events without them") {
    auto t = sptest::trace_with_depths({1, 1, 1});  // arg copy = 0, 10, 20
    trace::Replay r(t);
    std::string err;
    std::vector<Breakpoint> bps{*parse_breakpoint("cond arg.copy == 20", &err)};
    CHECK(find_next_hit(r, bps, 0) == 2u);
    bps = {*parse_breakpoint("cond arg.seq == 0", &err)};  // no event has a seq argument
    CHECK(!find_next_hit(r, bps, 0));
}

TEST_CASE("watch breakpoints stop where a socket field changes") {
    auto t = sptest::trace_with_depths({1, 1, 1, 1});
    trace::Replay r(t);
    std::vector<Breakpoint> bps{watch_breakpoint(model::SF::copy)};
    // Event 0 sets copy to 0, which it already was: not a change, not logged.
    CHECK(!breakpoint_hits(bps[0], t, 0, nullptr));
    CHECK(find_next_hit(r, bps, 0) == 1u);
    bps = {watch_breakpoint(model::SF::sk_sndbuf)};
    CHECK(!find_next_hit(r, bps, 0));
}
