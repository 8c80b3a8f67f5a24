// Timeouts only where 2.6.32 needs one (issue 12): under random loss on the
// simulated peer, every retransmission timeout is audited against what the
// wire brought back before it (tests/support/loss_audit.hpp). A timeout after
// enough SACKed segments or duplicate ACKs to start recovery
// (tcp_time_to_recover, 2.6.32.67), or after a SACK above a lost
// retransmission (tcp_mark_lost_retrans), would be a loss the engine failed to
// repair the way the kernel does.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/loss_audit.hpp"
#include "support/scenarios.hpp"
#include "support/trace_query.hpp"

using namespace sendpath;
using namespace sptest;
using K = trace::Kind;

namespace {

std::vector<TimeoutAudit> run_and_audit(uint64_t seed, bool sack, double rate, std::size_t* recoveries) {
    auto sc = shipped_scenario("random_loss.json");
    sc.peer.loss_seed = seed;
    sc.peer.loss_rate = rate;
    sc.peer.sack = sack;
    const auto t = engine::run_scenario(sc, engine::Options{});
    REQUIRE(t.end_reason == "completed");
    *recoveries += count(t, K::enter_recovery);
    const auto a = audit_timeouts(t);
    CHECK(a.size() == count(t, K::rto_fire));
    return a;
}

}  // namespace

TEST_CASE("random loss: no timeout fires where the ACKs already told 2.6.32 which segment to resend") {
    for (const bool sack : {true, false}) {
        CAPTURE(sack);
        std::vector<TimeoutAudit> all;
        std::size_t recoveries = 0;
        for (uint64_t seed = 1; seed <= 40; ++seed)
            for (const auto& x : run_and_audit(seed, sack, 0.05, &recoveries)) {
                CAPTURE(seed);
                CAPTURE(x.event);
                CAPTURE(x.behind);
                CAPTURE(x.needed);
                CAPTURE(x.ca_state);
                CAPTURE(x.packets_out);
                CAPTURE(x.acks_back);
                CHECK(x.cause != TimeoutCause::evidence_missed);
                all.push_back(x);
            }
        MESSAGE(std::string(sack ? "SACK" : "NewReno")
                << ", 40 seeds, 1 MiB at 5 % loss each way: " << recoveries << " fast recoveries, " << all.size()
                << " timeouts: " << summarize(all));
        CHECK(recoveries > all.size());
    }
}

TEST_CASE("2.6.32 starts Recovery but resends nothing when the hole is one skb of more segments than it marks") {
    // tcp_mark_head_lost (tcp_input.c, 2.6.32.67): with SACK it counts whole
    // skbs and stops at one that holds more segments than the count, instead
    // of cutting it (as it does without SACK).
    const auto t = run_shipped("sack_head_not_split.json");
    const auto enter = find_first(t, K::enter_recovery);
    REQUIRE(enter);
    const auto s = state_at(t, *enter);
    CHECK(s.sk.fackets_out == 4);  // FACK: 4 > reordering (3), so lost = 4 - 3 = 1 segment to mark
    const auto& head = *s.skb(s.write_queue.front());
    CHECK(head.gso_segs == 2);  // the hole: segments 1 and 2, one skb after tcp_fragment cut off the SACKed 3rd
    const auto fire = find_first(t, K::rto_fire);
    REQUIRE(fire);
    CHECK(*fire > *enter);
    // Between Recovery and the timer nothing was marked lost or resent.
    for (std::size_t i = *enter; i < *fire; ++i) {
        CHECK(t.events[i].kind != K::mark_lost);
        CHECK(t.events[i].kind != K::retransmit);
    }
    const auto a = audit_timeouts(t);
    REQUIRE(a.size() == count(t, K::rto_fire));
    CHECK(a.front().event == *fire);
    CHECK(a.front().cause == TimeoutCause::head_not_split);
    CHECK(t.end_reason == "completed");
}
