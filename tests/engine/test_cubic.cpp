// Congestion control as 2.6.32 runs it by default: CUBIC with HyStart
// (tcp_cubic.c), and Reno when a scenario chooses it
// (sysctl.tcp_congestion_control). The expected figures follow from the
// kernel's formulas; each scenario's description in tests/scenarios/
// derives them.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "lesson/scenario.hpp"
#include "support/errors.hpp"
#include "support/scenarios.hpp"
#include "support/trace_query.hpp"

using namespace sendpath;
using namespace sptest;
using K = trace::Kind;
using trace::Arg;

TEST_CASE("CUBIC after a fast retransmit: ssthresh 717/1024 of cwnd, W_max kept, the epoch's curve from W_max") {
    const auto t = run_shipped("cubic_recovery.json");
    // The connection switches to CUBIC once established (Reno ops before).
    const auto init = find_first(t, K::ca_init);
    REQUIRE(init);
    CHECK(t.arg(*init, Arg::value) == model::CA_OPS_CUBIC);
    CHECK(state_at(t, *init - 1).sk.icsk_ca_ops == model::CA_OPS_RENO);
    CHECK(state_at(t, *init).sk.delayed_ack == 32);

    // The ssthresh hook runs just before Recovery is entered, as its own event.
    const auto ss = find_first(t, K::cubic_ssthresh);
    const auto rec = find_first(t, K::enter_recovery);
    REQUIRE(ss);
    REQUIRE(rec);
    CHECK(*rec == *ss + 1);
    CHECK(t.arg(*ss, Arg::old) == 11);
    CHECK(t.arg(*ss, Arg::ssthresh) == 7);  // 11 * 717 / 1024 = 7.7
    CHECK(t.arg(*ss, Arg::reason) == 0);    // no earlier W_max: no fast convergence
    {
        const auto s = state_at(t, *ss);
        CHECK(s.sk.last_max_cwnd == 11);
        CHECK(s.sk.loss_cwnd == 11);
        CHECK(s.sk.epoch_start == 0);
        CHECK(s.sk.snd_ssthresh > 11);  // not yet: enter_recovery sets it
    }
    CHECK(t.arg(*rec, Arg::ssthresh) == 7);
    CHECK(state_at(t, *rec).sk.snd_ssthresh == 7);
    // Rate halving is Reno's (the floor, ssthresh, is never what binds here).
    std::vector<int64_t> downs;
    for (auto i : find_all(t, K::cwnd_down)) downs.push_back(t.arg(i, Arg::cwnd));
    CHECK(downs == std::vector<int64_t>{7, 7, 6, 5, 4, 3, 2});
    CHECK(count(t, K::rto_fire) == 0);

    // The first ACK above ssthresh starts the epoch from W_max.
    std::optional<std::size_t> first_update;
    for (auto i : find_all(t, K::cubic_update))
        if (t.arg(i, Arg::reason) == 0) {
            first_update = i;
            break;
        }
    REQUIRE(first_update);
    const auto at_epoch = state_at(t, *first_update);
    const int64_t cwnd = t.arg(*first_update, Arg::cwnd);
    CHECK(cwnd == 8);
    CHECK(at_epoch.sk.epoch_start == t.events[*first_update].time_us / 1000);
    CHECK(at_epoch.sk.bic_origin_point == 11);
    CHECK(at_epoch.sk.delay_min == 0);  // every sample so far fell in the run's first second
    // K = cbrt((W_max - cwnd) / (C / RTT)) in 1/1024 s, C = 41/1024, RTT 100 ms:
    // the kernel's table and Newton step are within 0.2 % of the real root.
    const double k_exact = std::cbrt((11.0 - cwnd) / (41.0 / 1024 * 10)) * 1024;
    CHECK(std::abs(static_cast<double>(at_epoch.sk.bic_K) - k_exact) <= k_exact * 0.002);
    // At t = 0 the curve is C/RTT * K^3 below W_max: 3 segments by real
    // arithmetic; the kernel's integer shift rounds K^3 down and gives 9.
    CHECK(t.arg(*first_update, Arg::target) == 9);
    CHECK(at_epoch.sk.ca_cnt == 8 * 16 / 31);  // cwnd / (target - cwnd), in ACKs, times 16 / delayed_ack
    CHECK(at_epoch.sk.delayed_ack == 31);

    // The next recomputation (cwnd 9; the ACKs between at cwnd 8 were
    // within 31 jiffies and skipped): the target is reached, so the
    // "very small increment", 100 cwnd ACKs.
    const auto recomputed = [&](std::size_t after) {
        std::optional<std::size_t> r;
        for (auto i : find_all(t, K::cubic_update))
            if (i > after && t.arg(i, Arg::reason) == 0) {
                r = i;
                break;
            }
        return r;
    };
    const auto at9 = recomputed(*first_update);
    REQUIRE(at9);
    CHECK(t.arg(*at9, Arg::cwnd) == 9);
    CHECK(t.arg(*at9, Arg::value) == 100 * 9 * 16 / 31);
    // For the next 31 jiffies nothing is recomputed: only ack_cnt counts.
    const auto skipped = find_next(t, K::cubic_update, *at9 + 1);
    REQUIRE(skipped);
    CHECK(t.arg(*skipped, Arg::reason) == 1);
    CHECK(state_at(t, *skipped).sk.last_time == state_at(t, *at9).sk.last_time);
    CHECK(state_at(t, *skipped).sk.ack_cnt == state_at(t, *at9).sk.ack_cnt + 1);
    // Then the Reno-friendly estimate, far ahead, makes cwnd grow per ACK.
    const auto catch_up = recomputed(*at9);
    REQUIRE(catch_up);
    CHECK(t.events[*catch_up].time_us / 1000 - state_at(t, *at9).sk.last_time > 31);
    const auto cu = state_at(t, *catch_up);
    CHECK(cu.sk.tcp_cwnd > 9);
    CHECK(cu.sk.ca_cnt == 1);
    const auto grew = find_next(t, K::cong_avoid, *catch_up);
    REQUIRE(grew);
    CHECK(t.arg(*grew, Arg::cwnd) == 10);
}

TEST_CASE("Reno chosen by sysctl: ssthresh is half of cwnd, no CUBIC events, and the names are checked") {
    const auto reno = run_shipped("fast_retransmit_sack.json");  // chooses reno
    const auto rec = find_first(reno, K::enter_recovery);
    REQUIRE(rec);
    CHECK(reno.arg(*rec, Arg::ssthresh) == 5);
    CHECK(count(reno, K::cubic_ssthresh) == 0);
    CHECK(count(reno, K::cubic_acked) == 0);
    CHECK(count(reno, K::hystart_reset) == 0);
    const auto init = find_first(reno, K::ca_init);
    REQUIRE(init);
    CHECK(reno.arg(*init, Arg::value) == model::CA_OPS_RENO);

    auto j = nlohmann::json::parse(R"({"name":"x","description":"y","sysctl":{"tcp_congestion_control":"vegas"},
                                       "timeline":[{"send":1000}]})");
    const auto err = input_error_of([&] { return lesson::scenario_from_json(j, "bad.json"); });
    REQUIRE(err.thrown);
    CHECK(err.message.find("bad.json") != std::string::npos);
    CHECK(err.message.find("/sysctl/tcp_congestion_control") != std::string::npos);
    CHECK(err.message.find("cubic") != std::string::npos);
    CHECK(err.message.find("reno") != std::string::npos);
}

TEST_CASE("HyStart on a 1 ms path: an ACK train ends slow start at 16 segments") {
    const auto t = run_shipped("hystart_ack_train.json");
    const auto exit = find_first(t, K::hystart_exit);
    REQUIRE(exit);
    CHECK(t.arg(*exit, Arg::cwnd) == 16);
    CHECK(t.arg(*exit, Arg::reason) == model::HYSTART_ACK_TRAIN);
    const auto s = state_at(t, *exit);
    CHECK(s.sk.snd_ssthresh == 16);
    CHECK(s.sk.found == model::HYSTART_ACK_TRAIN);
    CHECK(s.sk.delay_min == 8);  // 1 jiffy << 3
    CHECK(*exit == find_first(t, K::hystart_update).value() + 1);
    CHECK(count(t, K::hystart_exit) == 1);
    // Slow start still grows cwnd on that ACK (16 <= ssthresh 16), then CUBIC:
    // no W_max, so at most 20 ACKs per segment, times 16 / delayed_ack (31).
    const auto next = find_next(t, K::cong_avoid, *exit);
    REQUIRE(next);
    CHECK(t.arg(*next, Arg::cwnd) == 17);
    const auto upd = find_next(t, K::cubic_update, *exit);
    REQUIRE(upd);
    CHECK(t.arg(*upd, Arg::value) == 20 * 16 / 31);
    CHECK(state_at(t, *upd).sk.last_max_cwnd == 0);
    CHECK(count(t, K::rto_fire) == 0);
}

TEST_CASE("HyStart in a run's first second: every sample is skipped, slow start goes on past 16") {
    // The same send at time 0: bictcp_acked compares now with epoch_start
    // (0 until a loss) and skips samples for a second (reason 2).
    auto sc = shipped_scenario("hystart_ack_train.json");
    sc.timeline.at(0).at_us.reset();
    const auto t = engine::run_scenario(sc, engine::Options{});
    CHECK(count(t, K::hystart_update) == 0);
    CHECK(count(t, K::hystart_exit) == 0);
    const auto acked = find_all(t, K::cubic_acked);
    REQUIRE(!acked.empty());
    for (auto i : acked) CHECK(t.arg(i, Arg::reason) == 2);
    int64_t top = 0;
    for (auto i : find_all(t, K::cong_avoid)) top = std::max(top, t.arg(i, Arg::cwnd));
    CHECK(top > 16);
}

TEST_CASE("a timeout under CUBIC: the ssthresh hook, Loss, then CUBIC resets and opens a HyStart round") {
    const auto t = run_shipped("retransmit_rto.json");
    const auto loss = find_first(t, K::enter_loss);
    REQUIRE(loss);
    CHECK(t.events[*loss - 1].kind == K::cubic_ssthresh);
    CHECK(t.events[*loss + 1].kind == K::cubic_reset);
    CHECK(t.events[*loss + 2].kind == K::hystart_reset);
    const auto s = state_at(t, *loss + 2);
    CHECK(s.sk.last_max_cwnd == 0);
    CHECK(s.sk.loss_cwnd == 0);
    CHECK(s.sk.epoch_start == 0);
    CHECK(s.sk.delayed_ack == 32);
    CHECK(s.sk.ca_end_seq == s.sk.snd_nxt);
    CHECK(s.sk.snd_cwnd == 1);
}
