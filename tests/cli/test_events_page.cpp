// sendpath-cli events: the event kinds from the engine's own table, and the
// checked-in reference page assets/events.md, which must be exactly what
// `sendpath-cli events --markdown` prints (so it cannot go stale).
#include <doctest/doctest.h>

#include <string>

#include "cli/cli_support.hpp"

using namespace clitest;

TEST_CASE("assets/events.md is what sendpath-cli events --markdown prints") {
    TempDir d;
    const Result r = cli(d, {"events", "--markdown"});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const std::string page = slurp(sptest::source_path("assets/events.md"));
    REQUIRE_MESSAGE(!page.empty(), "assets/events.md is missing");
    CHECK_MESSAGE(page == r.out,
                  "assets/events.md differs from the table of event kinds (core/trace/event_doc.cpp): regenerate it "
                  "with build/core/sendpath-cli events --markdown -o assets/events.md");

    // -o writes the same bytes.
    const Result w = cli(d, {"events", "--markdown", "-o", d / "events.md"});
    REQUIRE_MESSAGE(w.status == 0, w.err);
    CHECK(slurp(d / "events.md") == r.out);
}

TEST_CASE("sendpath-cli events lists every kind; events KIND describes one; a bad kind exits 2") {
    TempDir d;
    const Result list = cli(d, {"events"});
    REQUIRE_MESSAGE(list.status == 0, list.err);
    CHECK(has(list.out, "page_merge "));
    CHECK(has(list.out, "tcp_sendmsg"));

    const Result one = cli(d, {"events", "transmit"});
    REQUIRE_MESSAGE(one.status == 0, one.err);
    CHECK(has(one.out, "transmit: "));
    CHECK(has(one.out, "tcp_transmit_skb"));
    CHECK(has(one.out, "end_seq: "));

    const Result bad = cli(d, {"events", "transmti"});
    CHECK(bad.status == 2);
    CHECK(has(bad.err, "'transmti' is not an event kind"));
    CHECK(has(bad.err, "did you mean 'transmit'"));

    const Result both = cli(d, {"events", "transmit", "--markdown"});
    CHECK(both.status == 2);

    const Result help = cli(d, {"events", "--help"});
    CHECK(help.status == 0);
    CHECK(has(help.out, "usage: sendpath-cli events"));
    CHECK(has(help.out, "--markdown"));
}
