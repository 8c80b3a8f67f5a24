// Congestion control (net/ipv4/tcp_cong.c and net/ipv4/tcp_cubic.c,
// 2.6.32.67): the tcp_congestion_ops hooks the rest of the engine calls
// (cong_avoid, ssthresh, min_cwnd, set_state, pkts_acked), dispatched on
// icsk_ca_ops, and the two congestion controls a scenario can choose with
// net.ipv4.tcp_congestion_control: Reno, and CUBIC with HyStart, which is
// 2.6.32's default.
//
// Until the handshake completes, a socket runs tcp_init_congestion_ops, a
// Reno without private state; tcp_init_congestion_control then installs the
// chosen one. CUBIC's private state (struct bictcp, icsk_ca_priv) is the
// "ca" group of socket fields, so a student sees W_max, K and the HyStart
// round move as the kernel moves them.
//
// Time here is the kernel's: jiffies at HZ = 1000 (the engine's virtual
// milliseconds, the same clock its TCP timestamps carry), as 32-bit values
// that are compared by their signed difference.
#include <algorithm>
#include <bit>
#include <cstdint>

#include "engine/engine.hpp"

SP_EMIT_FILE("core/engine/tcp_cong.cpp")

namespace sendpath::engine {

using namespace model;
using trace::Arg;
using trace::Func;
using trace::FuncScope;

namespace {

constexpr uint32_t HZ = 1000;

// tcp_cubic.c's module parameters, at their 2.6.32 defaults.
constexpr uint32_t BICTCP_BETA_SCALE = 1024;
constexpr uint32_t kBeta = 717;     // after a loss, ssthresh = cwnd * 717 / 1024
constexpr uint32_t kBicScale = 41;  // the curve's C, scaled by 1024
constexpr uint32_t BICTCP_HZ = 10;  // CUBIC counts time in 1/1024 s
constexpr bool kFastConvergence = true;
constexpr bool kTcpFriendliness = true;
constexpr bool kHystart = true;
constexpr int64_t kHystartDetect = HYSTART_ACK_TRAIN | HYSTART_DELAY;
constexpr int64_t kHystartLowWindow = 16;
constexpr uint32_t kHystartAckDelta = 2;  // msecs_to_jiffies(2): ACKs this close belong to one train
constexpr uint32_t HYSTART_MIN_SAMPLES = 8;
constexpr uint32_t HYSTART_DELAY_MIN = 2u << 3;
constexpr uint32_t HYSTART_DELAY_MAX = 16u << 3;
constexpr uint32_t ACK_RATIO_SHIFT = 4;

// cubictcp_register works these out once, for an assumed RTT of 100 ms.
// beta_scale: the Reno-friendly estimate gains a segment every
// cwnd * beta_scale / 8 ACKs (3 (1 - beta) / (1 + beta) per RTT).
constexpr uint32_t kBetaScale = 8 * (BICTCP_BETA_SCALE + kBeta) / 3 / (BICTCP_BETA_SCALE - kBeta);
constexpr uint32_t kCubeRttScale = kBicScale * 10;  // C / RTT, scaled by 1024
// 1 / (C / RTT) in the units bic_K is kept in: K = cbrt(cube_factor * (W_max - cwnd)).
constexpr uint64_t kCubeFactor = (uint64_t{1} << (10 + 3 * BICTCP_HZ)) / (kBicScale * 10);
static_assert(kBetaScale == 15);

// cubic_root: the cube root of a, to about 0.2 %. A 64-entry table gives the
// leading bits from the top six bits of a (entry i is cbrt(i << 18) - 1,
// adjusted by hand in the kernel), and one Newton-Raphson step,
// x' = (2x + a / x^2) / 3 with x(x - 1) for x^2 and 341/1024 for 1/3, refines it.
uint32_t cubic_root(uint64_t a) {
    static constexpr uint8_t v[64] = {
        0,   54,  54,  54,  118, 118, 118, 118, 123, 129, 134, 138, 143, 147, 151, 156, 157, 161, 164, 168, 170, 173,
        176, 179, 181, 185, 187, 190, 192, 194, 197, 199, 200, 202, 204, 206, 209, 211, 213, 215, 217, 219, 221, 222,
        224, 225, 227, 229, 231, 232, 234, 236, 237, 239, 240, 242, 244, 245, 246, 248, 250, 251, 252, 254,
    };
    uint32_t b = static_cast<uint32_t>(std::bit_width(a));  // fls64
    if (b < 7) return (uint32_t{v[a]} + 35) >> 6;
    b = ((b * 84) >> 8) - 1;  // about a third of the bit count
    const auto top = static_cast<uint32_t>(a >> (b * 3));
    uint32_t x = static_cast<uint32_t>((uint32_t{v[top]} + 10) << b) >> 6;
    x = 2 * x + static_cast<uint32_t>(a / (uint64_t{x} * uint64_t{x - 1}));
    return (x * 341) >> 10;
}

}  // namespace

uint32_t Engine::tcp_time_stamp() const { return static_cast<uint32_t>(rec_.time() / 1000); }

// tcp_init_congestion_control: after the handshake the socket leaves
// tcp_init_congestion_ops for net.ipv4.tcp_congestion_control's choice;
// CUBIC's init (bictcp_init) clears its state and opens a HyStart round.
void Engine::tcp_init_congestion_control() {
    FuncScope fs(rec_, Func::tcp_init_congestion_control);
    const bool cubic = cfg_.sysctl.tcp_congestion_control == "cubic";
    rec_.set(SF::icsk_ca_ops, cubic ? CA_OPS_CUBIC : CA_OPS_RENO);
    if (cubic) bictcp_reset();
    rec_.arg(Arg::value, st().sk.icsk_ca_ops);
    SP_EMIT(rec_, ca_init);
    if (cubic && kHystart) bictcp_hystart_reset();
}

// ssthresh after a loss: Reno halves cwnd (tcp_reno_ssthresh); CUBIC keeps
// 717/1024 of it (bictcp_recalc_ssthresh). Both keep at least 2. The hook
// reads snd_cwnd; cwnd is what it finds there (tcp_enter_frto shows it 2
// during an F-RTO already under way).
int64_t Engine::tcp_ca_ssthresh(int64_t cwnd) {
    if (st().sk.icsk_ca_ops == CA_OPS_CUBIC) return bictcp_recalc_ssthresh(cwnd);
    return std::max<int64_t>(cwnd >> 1, 2);
}

// tcp_current_ssthresh: the ssthresh an undo should come back to. During a
// reduction (CWR, Recovery) that is ssthresh; otherwise cwnd still counts,
// as 3/4 of it if that is more.
int64_t Engine::tcp_current_ssthresh() const {
    const auto& sk = st_const().sk;
    if (sk.ca_state == TCP_CA_CWR || sk.ca_state == TCP_CA_Recovery) return sk.snd_ssthresh;
    return std::max(sk.snd_ssthresh, (sk.snd_cwnd >> 1) + (sk.snd_cwnd >> 2));
}

// The undo_cwnd hook, for tcp_undo_cwr: CUBIC's (bictcp_undo_cwnd) goes back
// to W_max (last_max_cwnd) if cwnd is below it; Reno has none, and
// tcp_undo_cwr's fallback is twice ssthresh.
int64_t Engine::tcp_ca_undo_cwnd() const {
    const auto& sk = st_const().sk;
    if (sk.icsk_ca_ops == CA_OPS_CUBIC) return std::max(sk.snd_cwnd, sk.last_max_cwnd);
    return std::max(sk.snd_cwnd, sk.snd_ssthresh << 1);
}

// tcp_cwnd_min: how far rate halving may lower cwnd. Reno has a min_cwnd
// hook (tcp_reno_min_cwnd, ssthresh / 2); CUBIC has none, so the floor is
// ssthresh itself.
int64_t Engine::tcp_cwnd_min() const {
    const auto& sk = st_const().sk;
    return sk.icsk_ca_ops == CA_OPS_CUBIC ? sk.snd_ssthresh : sk.snd_ssthresh / 2;
}

// The set_state hook, called by tcp_set_ca_state before the state changes.
// Only CUBIC has one, and it acts on Loss alone.
void Engine::tcp_ca_set_state(int64_t new_state) {
    if (st().sk.icsk_ca_ops != CA_OPS_CUBIC || new_state != TCP_CA_Loss) return;
    {
        // bictcp_state: after a timeout nothing CUBIC learnt still holds.
        FuncScope fs(rec_, Func::bictcp_state);
        bictcp_reset();
        SP_EMIT(rec_, cubic_reset);
    }
    bictcp_hystart_reset();
}

// The pkts_acked hook, from tcp_clean_rtx_queue: only CUBIC has one.
void Engine::tcp_ca_pkts_acked(int64_t pkts_acked, int64_t rtt_us) {
    if (st().sk.icsk_ca_ops == CA_OPS_CUBIC) bictcp_acked(pkts_acked, rtt_us);
}

// tcp_slow_start (tcp_abc and tcp_max_ssthresh at their default 0): cwnd
// is added to snd_cwnd_cnt, and each whole cwnd in it is one more segment,
// which makes one segment per ACK.
void Engine::tcp_slow_start() {
    auto& sk = st().sk;
    int64_t cnt = sk.snd_cwnd_cnt + sk.snd_cwnd;
    int64_t cwnd = sk.snd_cwnd;
    while (cnt >= cwnd) {
        cnt -= cwnd;
        ++cwnd;
    }
    if (cnt != sk.snd_cwnd_cnt) rec_.set(SF::snd_cwnd_cnt, cnt);
    rec_.set(SF::snd_cwnd, cwnd);
    rec_.arg(Arg::cwnd, sk.snd_cwnd);
    rec_.arg(Arg::ssthresh, sk.snd_ssthresh);
    SP_EMIT(rec_, cong_avoid);
}

// tcp_cong_avoid_ai: one more segment after w ACKs. The counter is compared
// before it counts this ACK, so the window grows on ACK w + 1. Reno's w is
// cwnd; CUBIC's is ca_cnt.
void Engine::tcp_cong_avoid_ai(int64_t w) {
    auto& sk = st().sk;
    if (sk.snd_cwnd_cnt >= w) {
        rec_.set(SF::snd_cwnd_cnt, 0);
        rec_.set(SF::snd_cwnd, sk.snd_cwnd + 1);
        rec_.arg(Arg::cwnd, sk.snd_cwnd);
        rec_.arg(Arg::ssthresh, sk.snd_ssthresh);
        SP_EMIT(rec_, cong_avoid);
        return;
    }
    rec_.set(SF::snd_cwnd_cnt, sk.snd_cwnd_cnt + 1);
    rec_.arg(Arg::cwnd, sk.snd_cwnd);
    rec_.arg(Arg::value, sk.snd_cwnd_cnt);
    SP_EMIT(rec_, cwnd_count);
}

// bictcp_reset: CUBIC's epoch, W_max, minimum RTT and HyStart verdict are
// cleared; the segments-per-ACK average starts at 2 (a delayed-ACK peer).
// The caller's event carries the changes.
void Engine::bictcp_reset() {
    for (SF f : {SF::ca_cnt, SF::last_max_cwnd, SF::loss_cwnd, SF::last_cwnd, SF::last_time, SF::bic_origin_point,
                 SF::bic_K, SF::delay_min, SF::epoch_start, SF::ack_cnt, SF::tcp_cwnd, SF::found})
        rec_.set(f, 0);
    rec_.set(SF::delayed_ack, int64_t{2} << ACK_RATIO_SHIFT);
}

// bictcp_hystart_reset: a HyStart round starts now and lasts until what is
// sent by now (snd_nxt) is acknowledged.
void Engine::bictcp_hystart_reset() {
    FuncScope fs(rec_, Func::bictcp_hystart_reset);
    auto& sk = st().sk;
    const uint32_t now = tcp_time_stamp();
    rec_.set(SF::round_start, now);
    rec_.set(SF::last_jiffies, now);
    rec_.set(SF::ca_end_seq, sk.snd_nxt);
    rec_.set(SF::curr_rtt, 0);
    rec_.set(SF::sample_cnt, 0);
    rec_.arg(Arg::seq, sk.snd_nxt);
    rec_.arg(Arg::value, now);
    SP_EMIT(rec_, hystart_reset);
}

// tcp_cong_avoid: the cong_avoid hook, called for an ACK of new data. No
// congestion control grows a window the sender is not filling
// (tcp_is_cwnd_limited).
void Engine::tcp_cong_avoid(int64_t ack, int64_t in_flight) {
    auto& sk = st().sk;
    if (!tcp_is_cwnd_limited(in_flight)) return;
    FuncScope fs(rec_, Func::tcp_cong_avoid);
    if (sk.icsk_ca_ops == CA_OPS_CUBIC) {
        bictcp_cong_avoid(ack);
        return;
    }
    // tcp_reno_cong_avoid
    if (sk.snd_cwnd <= sk.snd_ssthresh) tcp_slow_start();
    else tcp_cong_avoid_ai(sk.snd_cwnd);
}

// bictcp_cong_avoid: slow start as Reno's, except that an ACK past the
// round's end opens the next HyStart round first; above ssthresh, the cubic
// curve sets how many ACKs a segment of growth takes.
void Engine::bictcp_cong_avoid(int64_t ack) {
    auto& sk = st().sk;
    if (sk.snd_cwnd <= sk.snd_ssthresh) {
        if (kHystart && after(ack, sk.ca_end_seq)) bictcp_hystart_reset();
        tcp_slow_start();
        return;
    }
    bictcp_update();
    tcp_cong_avoid_ai(sk.ca_cnt);
}

// bictcp_update: ca_cnt from the cubic curve
//   W(t) = C (t - K)^3 + W_max,
// t counted from the epoch's start (the first ACK in congestion avoidance
// after a loss) plus one minimum RTT ahead, K the time the curve takes to
// climb back to W_max. Below W_max the window grows fast, then levels off
// near it, then probes beyond. The Reno-friendly estimate (tcp_cwnd) keeps
// CUBIC at least as fast as Reno would be, and ca_cnt is scaled by the
// segments each ACK covers.
void Engine::bictcp_update() {
    FuncScope fs(rec_, Func::bictcp_update);
    auto& sk = st().sk;
    const auto cwnd = static_cast<uint32_t>(sk.snd_cwnd);
    const uint32_t now = tcp_time_stamp();
    rec_.set(SF::ack_cnt, static_cast<uint32_t>(sk.ack_cnt + 1));
    // Nothing is recomputed while cwnd stays put for up to HZ / 32 (31 ms).
    if (sk.last_cwnd == cwnd && static_cast<int32_t>(now - static_cast<uint32_t>(sk.last_time)) <= int32_t{HZ / 32}) {
        rec_.arg(Arg::cwnd, cwnd);
        rec_.arg(Arg::value, sk.ca_cnt);
        rec_.arg(Arg::reason, 1);
        SP_EMIT(rec_, cubic_update);
        return;
    }
    rec_.set(SF::last_cwnd, cwnd);
    rec_.set(SF::last_time, now);
    if (sk.epoch_start == 0) {
        // A new epoch: the curve's origin is W_max if cwnd is below it, else cwnd.
        rec_.set(SF::epoch_start, now);
        rec_.set(SF::ack_cnt, 1);
        rec_.set(SF::tcp_cwnd, cwnd);
        if (sk.last_max_cwnd <= cwnd) {
            rec_.set(SF::bic_K, 0);
            rec_.set(SF::bic_origin_point, cwnd);
        } else {
            rec_.set(SF::bic_K, cubic_root(kCubeFactor * static_cast<uint64_t>(sk.last_max_cwnd - cwnd)));
            rec_.set(SF::bic_origin_point, sk.last_max_cwnd);
        }
    }
    const auto bic_K = static_cast<uint32_t>(sk.bic_K);
    const auto origin = static_cast<uint32_t>(sk.bic_origin_point);
    const uint32_t ahead = static_cast<uint32_t>(sk.delay_min) >> 3;  // jiffies
    const uint32_t t = ((now + ahead - static_cast<uint32_t>(sk.epoch_start)) << BICTCP_HZ) / HZ;
    const uint64_t offs = t < bic_K ? bic_K - t : t - bic_K;
    auto delta = static_cast<uint32_t>((kCubeRttScale * offs * offs * offs) >> (10 + 3 * BICTCP_HZ));
    const uint32_t target = t < bic_K ? origin - delta : origin + delta;
    uint32_t cnt = target > cwnd ? cwnd / (target - cwnd) : 100 * cwnd;
    // No W_max yet (slow start ended without a loss): grow at least 5 % per RTT.
    if (sk.last_max_cwnd == 0 && cnt > 20) cnt = 20;
    if (kTcpFriendliness) {
        delta = (cwnd * kBetaScale) >> 3;
        auto ack_cnt = static_cast<uint32_t>(sk.ack_cnt);
        auto tcp_cwnd = static_cast<uint32_t>(sk.tcp_cwnd);
        while (ack_cnt > delta) {
            ack_cnt -= delta;
            ++tcp_cwnd;
        }
        if (ack_cnt != sk.ack_cnt) rec_.set(SF::ack_cnt, ack_cnt);
        if (tcp_cwnd != sk.tcp_cwnd) rec_.set(SF::tcp_cwnd, tcp_cwnd);
        if (tcp_cwnd > cwnd) {
            const uint32_t max_cnt = cwnd / (tcp_cwnd - cwnd);
            if (cnt > max_cnt) cnt = max_cnt;
        }
    }
    // delayed_ack is never 0 in practice (it starts at 32 and moves by
    // averages); the guard keeps a fuzzed input from dividing by zero where
    // the kernel would have crashed.
    cnt = (cnt << ACK_RATIO_SHIFT) / std::max<uint32_t>(static_cast<uint32_t>(sk.delayed_ack), 1);
    if (cnt == 0) cnt = 1;
    rec_.set(SF::ca_cnt, cnt);
    rec_.arg(Arg::cwnd, cwnd);
    rec_.arg(Arg::target, target);
    rec_.arg(Arg::value, cnt);
    rec_.arg(Arg::reason, 0);
    SP_EMIT(rec_, cubic_update);
}

// bictcp_recalc_ssthresh: the ssthresh hook. The epoch ends; W_max is the
// cwnd at this loss, or, when cwnd did not get back to the last W_max (fast
// convergence), (1 + beta) / 2 of it so a newer flow gets room; loss_cwnd
// remembers cwnd for an undo.
int64_t Engine::bictcp_recalc_ssthresh(int64_t snd_cwnd) {
    FuncScope fs(rec_, Func::bictcp_recalc_ssthresh);
    auto& sk = st().sk;
    const auto cwnd = static_cast<uint32_t>(snd_cwnd);
    rec_.set(SF::epoch_start, 0);
    const bool converge = cwnd < sk.last_max_cwnd && kFastConvergence;
    rec_.set(SF::last_max_cwnd, converge ? cwnd * (BICTCP_BETA_SCALE + kBeta) / (2 * BICTCP_BETA_SCALE) : cwnd);
    rec_.set(SF::loss_cwnd, cwnd);
    const int64_t ssthresh = std::max<uint32_t>(cwnd * kBeta / BICTCP_BETA_SCALE, 2);
    rec_.arg(Arg::old, cwnd);
    rec_.arg(Arg::ssthresh, ssthresh);
    rec_.arg(Arg::value, sk.last_max_cwnd);
    rec_.arg(Arg::reason, converge ? 1 : 0);
    SP_EMIT(rec_, cubic_ssthresh);
    return ssthresh;
}

// bictcp_acked: the pkts_acked hook. In Open, delayed_ack follows the
// segments per ACK (delayed_ack = 15/16 of itself + cnt, in 16ths, kept in
// 16 bits as the kernel keeps it). An RTT sample (none when the ACK covers
// resent data, or the round trip was under a jiffy) is skipped for a second
// after an epoch began (the samples right after a recovery are not taken);
// the smallest is delay_min, and in slow start above 16 segments HyStart
// looks at it.
void Engine::bictcp_acked(int64_t cnt, int64_t rtt_us) {
    FuncScope fs(rec_, Func::bictcp_acked);
    auto& sk = st().sk;
    if (sk.ca_state == TCP_CA_Open) {
        const uint32_t step = static_cast<uint32_t>(cnt) - (static_cast<uint32_t>(sk.delayed_ack) >> ACK_RATIO_SHIFT);
        rec_.set(SF::delayed_ack, static_cast<uint16_t>(static_cast<uint32_t>(sk.delayed_ack) + step));
    }
    int64_t reason = 0;
    uint32_t delay = 0;
    const uint32_t now = tcp_time_stamp();
    if (rtt_us < 0) {
        reason = 1;
    } else if (static_cast<int32_t>(now - static_cast<uint32_t>(sk.epoch_start)) < int32_t{HZ}) {
        reason = 2;
    } else {
        delay = static_cast<uint32_t>((rtt_us + 999) / 1000) << 3;  // usecs_to_jiffies rounds up
        if (delay == 0) delay = 1;
        if (sk.delay_min == 0 || sk.delay_min > delay) rec_.set(SF::delay_min, delay);
    }
    rec_.arg(Arg::segs, cnt);
    rec_.arg(Arg::rtt_us, rtt_us);
    rec_.arg(Arg::value, sk.delayed_ack);
    rec_.arg(Arg::reason, reason);
    SP_EMIT(rec_, cubic_acked);
    if (reason == 0 && kHystart && sk.snd_cwnd <= sk.snd_ssthresh && sk.snd_cwnd >= kHystartLowWindow)
        hystart_update(delay);
}

// hystart_update: two signs that slow start has filled the path. An ACK
// train: ACKs arriving within 2 ms of each other for as long as half the
// minimum RTT from the round's start. A delay increase: after 8 samples in
// the round, its smallest RTT exceeds delay_min by an eighth of it (clamped
// to 2..16 ms). Either one ends slow start at once: ssthresh = cwnd.
void Engine::hystart_update(int64_t delay) {
    auto& sk = st().sk;
    if (sk.found & kHystartDetect) return;
    FuncScope fs(rec_, Func::hystart_update);
    const uint32_t now = tcp_time_stamp();
    const auto delay_min = static_cast<uint32_t>(sk.delay_min);
    int64_t found = sk.found;
    if (now - static_cast<uint32_t>(sk.last_jiffies) <= kHystartAckDelta) {
        rec_.set(SF::last_jiffies, now);
        if (now - static_cast<uint32_t>(sk.round_start) >= (delay_min >> 4)) found |= HYSTART_ACK_TRAIN;
    }
    if (sk.sample_cnt < HYSTART_MIN_SAMPLES) {
        if (sk.curr_rtt == 0 || sk.curr_rtt > delay) rec_.set(SF::curr_rtt, delay);
        rec_.set(SF::sample_cnt, sk.sample_cnt + 1);
    } else if (sk.curr_rtt > delay_min + std::clamp(delay_min >> 4, HYSTART_DELAY_MIN, HYSTART_DELAY_MAX)) {
        found |= HYSTART_DELAY;
    }
    if (found != sk.found) rec_.set(SF::found, found);
    rec_.arg(Arg::value, delay);
    rec_.arg(Arg::reason, found);
    SP_EMIT(rec_, hystart_update);
    if (!(found & kHystartDetect)) return;
    rec_.set(SF::snd_ssthresh, sk.snd_cwnd);
    rec_.arg(Arg::cwnd, sk.snd_cwnd);
    rec_.arg(Arg::reason, found);
    SP_EMIT(rec_, hystart_exit);
}

}  // namespace sendpath::engine
