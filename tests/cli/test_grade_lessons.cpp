// Every lesson against today's engine: its scenario runs to completion, its
// answer key computes from that run, and together the lessons take every
// branch of tcp_sendmsg.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "lesson/grade.hpp"
#include "lesson/lesson.hpp"
#include "lesson/scenario.hpp"
#include "run/runner.hpp"
#include "support/files.hpp"

using namespace sendpath;
using trace::Kind;

namespace {

const std::string kSource = SENDPATH_SOURCE_DIR;

// The branches of tcp_sendmsg: the kinds core/trace/event.hpp documents as
// outcomes inside tcp_sendmsg itself (its labels and tests), in the order the
// function takes them. Events of the functions it calls (tcp_push,
// tcp_mark_push, tcp_write_xmit, ...) are not its branches.
const std::vector<Kind> kTcpSendmsgBranches = {
    Kind::sendmsg_enter,     Kind::wait_connect,    Kind::wait_connect_done,
    Kind::send_mss,          Kind::precheck_epipe,  Kind::iov_next,
    Kind::tail_append,       Kind::new_segment,     Kind::wait_for_sndbuf,
    Kind::skb_alloc_fail,    Kind::skb_entail,      Kind::copy_linear,
    Kind::copy_linear_fault, Kind::page_merge,      Kind::frags_full,
    Kind::page_release,      Kind::page_none,       Kind::wmem_sched_fail,
    Kind::page_alloc,        Kind::page_alloc_fail, Kind::page_new_frag,
    Kind::copy_page_fault,   Kind::psh_clear,       Kind::advance,
    Kind::last_chunk,        Kind::continue_fill,   Kind::forced_push,
    Kind::push_one,          Kind::full_queued,     Kind::wait_for_memory,
    Kind::wait_end,          Kind::do_fault,        Kind::fault_unlink,
    Kind::do_error,          Kind::return_partial,  Kind::out_push,
    Kind::out_err,           Kind::sendmsg_exit,    Kind::async_nospace_clear,
};

// Three outcomes of tcp_sendmsg's steps are logged by the helper that decides
// them (the emit rule: a change is filed under the function that made it).
// They still count as tcp_sendmsg's branches: one per step of the function.
bool is_sendmsg_branch(const trace::Event& e) {
    using trace::Func;
    if (e.func == Func::tcp_sendmsg) return true;
    return (e.func == Func::tcp_send_mss && e.kind == Kind::send_mss) ||
           (e.func == Func::sk_stream_wait_connect && e.kind == Kind::wait_connect_done) ||
           (e.func == Func::sk_stream_wait_memory && e.kind == Kind::wait_end);
}

// Branches no simulated run can reach, and why (README "What the engine models"):
// precheck_epipe tests sk_err / SEND_SHUTDOWN after the connection check, but
// in this model every socket that has either is no longer ESTABLISHED or
// CLOSE_WAIT (shutdown moves it to FIN_WAIT1, a reset closes it), so
// sk_stream_wait_connect returns the error first, as the kernel would.
const std::map<Kind, std::string> kUnreachable = {
    {Kind::precheck_epipe,
     "after shutdown() or a reset the state is not ESTABLISHED/CLOSE_WAIT, so "
     "sk_stream_wait_connect returns EPIPE (or the error) first"},
};

// Events tcp_sendmsg's helpers may log while it is the current function: not branches.
const std::set<Kind> kNotBranches = {Kind::mem_pressure, Kind::sndbuf_moderate, Kind::mem_reclaim};

std::vector<std::string> lesson_files() { return lesson::lesson_files(kSource + "/lessons"); }

}  // namespace

TEST_CASE("lessons: every simulated lesson runs to completion and its answer key computes from the run") {
    std::size_t sim = 0;
    for (const auto& f : lesson_files()) {
        CAPTURE(f);
        const lesson::Lesson l = lesson::load_lesson(f);
        if (l.is_tap()) continue;  // needs the real kernel: its recording is checked in test_grade_traces
        ++sim;
        const trace::Trace t = engine::run_scenario(l.scenario, engine::Options{});
        CHECK(t.end_reason.rfind("completed", 0) == 0);
        const lesson::AnswerKey key = lesson::compute_answer_key(l, t);
        CHECK(key.questions.size() == l.questions.size());
        CHECK(key.questions.size() >= 3);
    }
    CHECK(sim >= 12);
}

TEST_CASE("lessons: together they take every branch of tcp_sendmsg (precheck_epipe excepted, with the reason)") {
    std::map<Kind, std::string> seen;  // kind -> first lesson that takes it
    for (const auto& f : lesson_files()) {
        const lesson::Lesson l = lesson::load_lesson(f);
        if (l.is_tap()) continue;
        const trace::Trace t = engine::run_scenario(l.scenario, engine::Options{});
        for (const auto& e : t.events)
            if (is_sendmsg_branch(e)) seen.emplace(e.kind, l.id);
    }
    for (Kind k : kTcpSendmsgBranches) {
        const std::string name(trace::kind_name(k));
        CAPTURE(name);
        if (auto ex = kUnreachable.find(k); ex != kUnreachable.end()) {
            // Honest about the exception: the day a lesson reaches it, drop it from kUnreachable.
            CHECK_MESSAGE(seen.count(k) == 0, name << " is reached by lesson " << seen[k]
                                                   << ": remove it from kUnreachable (it was: " << ex->second << ")");
            continue;
        }
        CHECK_MESSAGE(seen.count(k) == 1, "no lesson takes the tcp_sendmsg branch "
                                              << name << "; add a lesson, or a step in one, whose scenario reaches it");
    }
    // Nothing logged as tcp_sendmsg falls outside the list.
    for (const auto& [k, who] : seen) {
        const bool listed =
            std::find(kTcpSendmsgBranches.begin(), kTcpSendmsgBranches.end(), k) != kTcpSendmsgBranches.end();
        CHECK_MESSAGE((listed || kNotBranches.count(k) == 1),
                      "lesson " << who << " logs " << trace::kind_name(k)
                                << " in tcp_sendmsg, which is not in kTcpSendmsgBranches: a new branch? add it");
    }
}

TEST_CASE("lessons: the branch list knows every branch the engine's own scenarios take in tcp_sendmsg") {
    // tests/scenarios has one scenario per branch; a branch added to the engine
    // and tested there must also be added to kTcpSendmsgBranches (and a lesson).
    std::set<Kind> engine_kinds;
    for (const auto& path : sptest::shipped_scenarios()) {
        const trace::Trace t = engine::run_scenario(lesson::load_scenario(path), engine::Options{});
        for (const auto& ev : t.events)
            if (is_sendmsg_branch(ev)) engine_kinds.insert(ev.kind);
    }
    for (Kind k : engine_kinds) {
        const bool listed =
            std::find(kTcpSendmsgBranches.begin(), kTcpSendmsgBranches.end(), k) != kTcpSendmsgBranches.end();
        CHECK_MESSAGE((listed || kNotBranches.count(k) == 1), trace::kind_name(k)
                                                                  << " is missing from kTcpSendmsgBranches");
    }
}
