// The Events list's columns: sized from what the trace holds, and a function
// name too long for its cell cut with an ellipsis instead of clipped.
#include <doctest/doctest.h>

#include <string>

#include "gui/model/event_columns.hpp"
#include "trace/trace_io.hpp"

using namespace sendpath;
using namespace sendpath::gui;

namespace {
// A fixed-pitch font: 7 pixels a byte, as the app's monospace font near enough.
float pitch7(std::string_view s) { return 7.0f * static_cast<float>(s.size()); }
}  // namespace

TEST_CASE("event columns: the fixed columns are as wide as the widest text of the trace") {
    // Lesson 12's trace has async_nospace_clear (19 characters), the longest
    // kind the earlier 17-character column cut; 213 events; send() calls up to 9.
    const trace::Trace t = trace::load_trace(std::string(SENDPATH_SOURCE_DIR) + "/traces/12-eagain-epipe.json");
    const EventColumnsText c = event_columns_text(t);
    CHECK(c.kind == "async_nospace_clear");
    CHECK(c.index == std::to_string(t.events.size() - 1));
    CHECK(c.last_time_us == t.events.back().time_us);
    // Every event's kind, call and line fit the width of the column's widest text.
    for (const trace::Event& e : t.events) {
        CHECK(trace::kind_name(e.kind).size() <= c.kind.size());
        CHECK(std::to_string(e.call).size() <= c.call.size());
        CHECK(std::to_string(e.line).size() <= c.line.size());
    }
    // The header is the floor: an empty trace still shows its headers whole.
    const EventColumnsText empty = event_columns_text(trace::Trace{});
    CHECK(empty.kind == "kind");
    CHECK(empty.call == "call");
}

TEST_CASE("event columns: a name wider than its cell ends in an ellipsis and fills the cell") {
    const std::string name = "tcp_rcv_synsent_state_process";  // 30 bytes, 210 pixels
    CHECK(fit_text(name, 210, pitch7, "...") == name);
    const std::string cut = fit_text(name, 140, pitch7, "...");  // 20 characters of room
    CHECK(cut == "tcp_rcv_synsent_s...");
    CHECK(pitch7(cut) <= 140);
    // The longest prefix: one character more would not fit.
    CHECK(pitch7(cut) + 7 > 140);
    // Too narrow even for the ellipsis: nothing rather than a clipped part.
    CHECK(fit_text(name, 14, pitch7, "...") == "");
    CHECK(fit_text(name, 21, pitch7, "...") == "...");
    // Never cut inside a UTF-8 character: "é" is two bytes.
    const std::string accented = "caf\xC3\xA9_tcp";  // 9 bytes
    const std::string a = fit_text(accented, 5 * 7, pitch7, ".");
    CHECK(a == "caf.");
}
