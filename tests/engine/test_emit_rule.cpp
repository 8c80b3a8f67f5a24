// The emit rule (issue 11, finding 4): every state change is filed under an
// event emitted by the function that made it. The Recorder refuses the
// opposite; these tests show that it does, and run every shipped scenario and
// lesson under the rule.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "lesson/lesson.hpp"
#include "support/scenarios.hpp"
#include "trace/recorder.hpp"

namespace fs = std::filesystem;
using namespace sendpath;
using trace::Func;
using trace::Kind;
using trace::Op;

namespace {

// Runs with the rule on; a refusal becomes the test's failure message.
// modern: the options `sendpath-cli run --no-linear-copy --autocork` give (a
// later kernel's copy path and autocorking, with tcp_wfree's completions).
trace::Trace run_under_rule(const lesson::Scenario& sc, const std::string& name, bool modern = false) {
    trace::set_emit_rule_default(true);
    engine::Options opt;
    if (modern) {
        opt.linear_copy = false;
        opt.autocork = true;
    }
    try {
        return run::run_scenario(sc, opt);
    } catch (const trace::EmitRuleError& e) {
        const std::string why = name + ": " + e.what();
        FAIL_CHECK(why);
    }
    return {};
}

// No event of the simulated peer changes the engine's state: the peer only
// takes frames, answers with frames, and shows its own peer_* fields.
void check_peer_events_change_nothing(const trace::Trace& t, const std::string& name) {
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const auto& e = t.events[i];
        if (e.func != Func::peer) continue;
        for (uint32_t c = e.change_begin; c < e.change_end; ++c) {
            const trace::Change& ch = t.changes[c];
            if (ch.op == Op::arg) continue;  // the event's own words
            if (ch.op == Op::sock_set && model::sock_field_info(static_cast<model::SF>(ch.field)).group == "peer")
                continue;
            FAIL_CHECK(name << ": event " << i << " (" << trace::kind_name(e.kind)
                            << ", in the peer) changes the engine's state (" << trace::op_name(t.changes[c].op)
                            << " of field " << int(t.changes[c].field) << ")");
            break;
        }
    }
}

}  // namespace

TEST_CASE("the Recorder refuses a change left pending by a function that emitted nothing") {
    model::State st;
    trace::Trace t;
    trace::Recorder rec(st, &t);
    rec.set_emit_rule(true);
    {
        trace::FuncScope f(rec, Func::tcp_write_xmit);
        {
            // tcp_event_new_data_sent's change, with no event of its own ...
            trace::FuncScope g(rec, Func::tcp_event_new_data_sent);
            rec.set(model::SF::snd_nxt, 1000);
        }
        // ... would be filed under the caller's event.
        CHECK_THROWS_WITH_AS(rec.emit(Kind::transmit, 1, 7), doctest::Contains("made by tcp_event_new_data_sent"),
                             trace::EmitRuleError);
    }
}

TEST_CASE("the Recorder accepts changes emitted by the function that made them") {
    model::State st;
    trace::Trace t;
    trace::Recorder rec(st, &t);
    rec.set_emit_rule(true);
    trace::FuncScope f(rec, Func::tcp_write_xmit);
    rec.set(model::SF::snd_nxt, 1000);
    rec.arg(trace::Arg::len, 1000);
    CHECK_NOTHROW(rec.emit(Kind::transmit, 1, 7));
    // An event with nothing pending is always fine, whoever emits it.
    trace::FuncScope g(rec, Func::tcp_transmit_skb);
    CHECK_NOTHROW(rec.emit(Kind::transmit, 1, 8));
    CHECK(t.events.size() == 2);
}

TEST_CASE("the rule off: the change rides on the next event, as in release builds by default") {
    model::State st;
    trace::Trace t;
    trace::Recorder rec(st, &t);
    rec.set_emit_rule(false);
    {
        trace::FuncScope g(rec, Func::tcp_event_new_data_sent);
        rec.set(model::SF::snd_nxt, 1000);
    }
    CHECK_NOTHROW(rec.emit(Kind::transmit, 1, 7));
    CHECK(t.events[0].change_end == 1);
}

TEST_CASE("every shipped scenario and lesson runs under the emit rule, and the peer changes no engine field") {
    int scenarios = 0;
    for (const auto& entry : fs::directory_iterator(fs::path(SENDPATH_SOURCE_DIR) / "tests" / "scenarios")) {
        if (entry.path().extension() != ".json") continue;
        const std::string name = entry.path().filename().string();
        const auto sc = lesson::load_scenario(entry.path().string());
        if (sc.peer.type == "tap") continue;  // needs root and a TAP device: tests/tap
        CAPTURE(name);
        check_peer_events_change_nothing(run_under_rule(sc, name), name);
        check_peer_events_change_nothing(run_under_rule(sc, name + " (modern options)", true), name);
        ++scenarios;
    }
    CHECK(scenarios >= 40);

    int lessons = 0;
    for (const auto& entry : fs::directory_iterator(fs::path(SENDPATH_SOURCE_DIR) / "lessons")) {
        if (entry.path().extension() != ".json") continue;
        const std::string name = entry.path().filename().string();
        const auto l = lesson::load_lesson(entry.path().string());
        if (l.is_tap()) continue;  // answered from its recorded trace
        CAPTURE(name);
        check_peer_events_change_nothing(run_under_rule(l.scenario, name), name);
        ++lessons;
    }
    CHECK(lessons >= 13);
}
