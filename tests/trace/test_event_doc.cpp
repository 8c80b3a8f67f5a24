// The table of event kinds (trace/event_doc.hpp) is complete: every kind of
// SENDPATH_EVENT_KINDS has exactly one entry, naming the function(s) it
// models, what happens and what its arguments mean. The emit sites and the
// arguments runs actually put on events are checked in
// tests/engine/test_event_doc_args.cpp; the page made from the table in
// tests/cli/test_events_page.cpp.
#include <doctest/doctest.h>

#include <set>
#include <sstream>
#include <string>

#include "trace/event_doc.hpp"

using namespace sendpath;
using trace::Kind;

namespace {

// The entry to paste into core/trace/event_doc.cpp for a kind that has none.
std::string entry_to_add(Kind k) {
    const std::string name(trace::kind_name(k));
    return "{Kind::" + name +
           ", A::<its area>, O::kernel, {\"<the 2.6.32.67 function that takes the branch>\"}, "
           "\"<its source file, e.g. net/ipv4/tcp.c>\", {}, \"<what happens, in a few sentences>\", "
           "{{Arg::<each argument the engine records before SP_EMIT(rec_, " +
           name + ")>, \"<its meaning and unit>\"}}},";
}

}  // namespace

TEST_CASE("every event kind has an entry in the table of event kinds, naming what it models") {
    std::set<Kind> seen;
    for (const auto& d : trace::kind_docs()) {
        const std::string name(trace::kind_name(d.kind));
        CAPTURE(name);
        CHECK_MESSAGE(seen.insert(d.kind).second,
                      "event kind `" << name << "` has two entries in core/trace/event_doc.cpp: keep one");
        CHECK_MESSAGE(!d.functions.empty(), "event kind `" << name
                                                           << "` lists no function: add the 2.6.32.67 function(s) "
                                                              "it models (or the runner's/peer's) to its entry");
        for (auto f : d.functions) CHECK_MESSAGE(!f.empty(), "an empty function name");
        CHECK_MESSAGE(!d.where.empty(), "event kind `" << name << "` says nothing in `where`");
        CHECK_MESSAGE(d.detail.size() > 20, "event kind `" << name << "` has no description");
        CHECK(d.area < trace::Area::count_);
        std::set<trace::Arg> args;
        for (const auto& a : d.args) {
            CHECK_MESSAGE(args.insert(a.arg).second,
                          "event kind `" << name << "` documents argument `" << trace::arg_name(a.arg) << "` twice");
            CHECK_MESSAGE(!a.meaning.empty(),
                          "argument `" << trace::arg_name(a.arg) << "` of `" << name << "` has no meaning");
        }
        CHECK(trace::find_kind_doc(d.kind) == &d);
    }
    for (std::size_t i = 0; i < trace::kKindCount; ++i) {
        const auto k = static_cast<Kind>(i);
        if (trace::find_kind_doc(k)) continue;
        FAIL_CHECK("event kind `" << trace::kind_name(k)
                                  << "` has no entry in the table of event kinds. Add one to make_table() in "
                                     "core/trace/event_doc.cpp, in the section of its area, then regenerate "
                                     "assets/events.md (build/core/sendpath-cli events --markdown -o "
                                     "assets/events.md):\n    "
                                  << entry_to_add(k));
    }
    CHECK(trace::kind_docs().size() == trace::kKindCount);
}

TEST_CASE("each area of the table has its title, its introduction and at least one kind") {
    for (std::size_t a = 0; a < static_cast<std::size_t>(trace::Area::count_); ++a) {
        const auto area = static_cast<trace::Area>(a);
        CAPTURE(a);
        CHECK(!trace::area_title(area).empty());
        CHECK(!trace::area_intro(area).empty());
        bool any = false;
        for (const auto& d : trace::kind_docs()) any = any || d.area == area;
        CHECK(any);
    }
}

TEST_CASE("the lookups the GUI uses: functions, argument meanings, release") {
    CHECK(trace::kind_functions(Kind::send_mss).rfind("tcp_send_mss", 0) == 0);
    CHECK(trace::arg_doc(Kind::sendmsg_enter, trace::Arg::size).find("bytes") != std::string_view::npos);
    CHECK(trace::arg_doc(Kind::sendmsg_enter, trace::Arg::skb).empty());
    CHECK(trace::kind_release(Kind::tail_append) == "Linux 2.6.32.67");
    CHECK(trace::kind_release(Kind::autocork_defer).find("autocork") != std::string::npos);
}

TEST_CASE("the events page names every kind under a heading of its own, with its summary line") {
    const std::string md = trace::events_markdown();
    CHECK(md.rfind("# Event kinds\n", 0) == 0);
    CHECK(md.find("events --markdown -o assets/events.md") != std::string::npos);
    for (std::size_t i = 0; i < trace::kKindCount; ++i) {
        const auto k = static_cast<Kind>(i);
        const std::string name(trace::kind_name(k));
        CAPTURE(name);
        CHECK(md.find("\n### `" + name + "`\n") != std::string::npos);
        CHECK(md.find("**" + std::string(trace::kind_doc(k)) + "**") != std::string::npos);
        CHECK(trace::events_text().find(name + " ") != std::string::npos);
        CHECK(trace::event_text(k).rfind(name + ": ", 0) == 0);
    }
    CHECK(trace::events_markdown() == md);  // the same every time: the page is checked in
}
