// The engine's receive path fed arbitrary frames, for a connection in each of
// four TCP states. A scripted peer in this file plays the kernel's part far
// enough to bring the connection to the state the first input byte picks:
//   0 SYN_SENT      our SYN is out, no SYN-ACK comes
//   1 ESTABLISHED   5792 bytes queued, the initial window's three full
//                   segments sent and never acknowledged (data in flight,
//                   whole segments, so SACK can tag, cut and shift them)
//   2 FIN_WAIT1     data acknowledged, our FIN out and not acknowledged
//   3 TIME_WAIT     our FIN acknowledged, the peer's FIN in
// Bit 2 of that byte: the peer's SYN-ACK agrees to SACK (SACK_PERM), so the
// SACK blocks of later frames reach tcp_sacktag_write_queue; without it the
// connection is Reno and they are ignored.
// The rest of the input is frames the peer then sends, each as
//   [control][length][length bytes]
// control bit 0: the bytes are a whole frame as it is (raw), else they fill a
// TCP header the peer completes with our addresses, ports and valid
// checksums, so most of them reach tcp_v4_rcv's TCP logic instead of the
// checksum test; control >> 1: the gap before it, in units of 250 us.
// Afterwards the trace must validate, replay to the engine's own final
// state, hold only valid frames (bad input is traced as dropped), and keep
// the model's invariants after every event.
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "common.hpp"
#include "engine/addresses.hpp"
#include "engine/link.hpp"
#include "lesson/scenario.hpp"
#include "net/frame.hpp"
#include "run/runner.hpp"
#include "util/errors.hpp"

namespace sendpath::fuzz {

namespace {

enum class ConnState { syn_sent, established, fin_wait, time_wait };

constexpr uint32_t kPeerIss = 5000;
constexpr std::size_t kMaxFrames = 64;
constexpr uint64_t kMaxEvents = 50'000;

struct Injected {
    bool raw = false;
    int64_t gap_us = 0;
    std::vector<uint8_t> bytes;
};

uint16_t be16(const std::vector<uint8_t>& b, std::size_t at) {
    return static_cast<uint16_t>((at < b.size() ? b[at] << 8 : 0) | (at + 1 < b.size() ? b[at + 1] : 0));
}
uint32_t be32(const std::vector<uint8_t>& b, std::size_t at) {
    return static_cast<uint32_t>(be16(b, at)) << 16 | be16(b, at + 2);
}

// The kernel's side, scripted: answers what it must to reach the target
// state, then sends the fuzz frames.
class ScriptedPeer final : public engine::Link {
public:
    // engine_state: the engine's state as the run goes (updated after every event).
    // state_at_first_frame: set to the TCP state the connection was in when
    // the first fuzz frame arrived (left alone if none arrives); the runner
    // destroys the link when the run ends, so the caller keeps it.
    ScriptedPeer(ConnState target, bool sack, std::vector<Injected> frames, const model::State& engine_state,
                 int64_t& state_at_first_frame)
        : target_(target),
          sack_(sack),
          frames_(std::move(frames)),
          engine_state_(engine_state),
          state_at_first_frame_(state_at_first_frame) {}

    int64_t now_us() override { return now_; }

    bool send(std::span<const uint8_t> frame) override {
        const auto p = net::parse_frame(frame, nullptr);
        if (!p || !p->is_tcp()) return true;
        const net::TcpRepr& tcp = *p->tcp;
        const uint32_t len = static_cast<uint32_t>(p->payload.size());
        const bool syn = tcp.flags & net::TCP_SYN, fin = tcp.flags & net::TCP_FIN;
        const uint32_t end = tcp.seq + len + (syn ? 1 : 0) + (fin ? 1 : 0);
        if (!seen_ || net::seq_after(end, snd_nxt_)) snd_nxt_ = end;
        seen_ = true;
        if (syn) {
            if (target_ == ConnState::syn_sent) {
                inject();
            } else if (!handshake_done_) {
                handshake_done_ = true;
                net::TcpRepr r = reply(net::TCP_SYN | net::TCP_ACK, kPeerIss, end);
                r.options.mss = 1460;
                r.options.sack_perm = sack_;
                queue(r, 100);
                peer_seq_ = kPeerIss + 1;
            }
            return true;
        }
        if (target_ == ConnState::established) {
            if (len > 0) inject();
            return true;
        }
        if (injected_) return true;
        if (fin) {
            if (target_ == ConnState::time_wait) {
                queue(reply(net::TCP_ACK | net::TCP_FIN, peer_seq_, end), 100);
                peer_seq_ += 1;
            }
            inject();
        } else if (len > 0) {
            queue(reply(net::TCP_ACK, peer_seq_, end), 100);
        }
        return true;
    }

    std::optional<engine::Received> wait(int64_t until_us) override {
        if (!in_.empty() && in_.front().time_us <= until_us) {
            engine::Received r = std::move(in_.front());
            in_.pop_front();
            if (fuzz_.front() && state_at_first_frame_ < 0) state_at_first_frame_ = engine_state_.sk.state;
            fuzz_.pop_front();
            now_ = std::max(now_, r.time_us);
            r.time_us = now_;
            return r;
        }
        now_ = std::max(now_, until_us);
        return std::nullopt;
    }

private:
    net::TcpRepr reply(uint8_t flags, uint32_t seq, uint32_t ack) const {
        const engine::SimAddrs a;
        net::TcpRepr r;
        r.src_port = a.peer_port;
        r.dst_port = a.our_port;
        r.seq = seq;
        r.ack = ack;
        r.flags = flags;
        r.window = 65535;
        return r;
    }

    void queue(const net::TcpRepr& tcp, int64_t after_us, std::span<const uint8_t> payload = {}, bool fuzz = false) {
        const engine::SimAddrs a;
        const net::FrameAddrs addrs{a.peer_mac, a.our_mac, a.peer_ip, a.our_ip, ++ip_id_, 64, true};
        engine::Received r;
        last_time_ = std::max(last_time_, now_) + after_us;
        r.time_us = last_time_;
        try {
            net::emit_tcp_frame(r.frame, addrs, tcp, payload);
        } catch (const std::length_error&) { return; }
        in_.push_back(std::move(r));
        fuzz_.push_back(fuzz);
    }

    // The fuzz frames, built now that the sequence numbers are known.
    void inject() {
        if (injected_) return;
        injected_ = true;
        for (const Injected& f : frames_) {
            if (f.raw) {
                engine::Received r;
                last_time_ = std::max(last_time_, now_) + f.gap_us;
                r.time_us = last_time_;
                r.frame = f.bytes;
                in_.push_back(std::move(r));
                fuzz_.push_back(true);
                continue;
            }
            const auto& b = f.bytes;
            net::TcpRepr t = reply(b.empty() ? net::TCP_ACK : b[0], peer_seq_ + static_cast<int16_t>(be16(b, 1)),
                                   snd_nxt_ + static_cast<int16_t>(be16(b, 3)));
            t.window = be16(b, 5);
            const uint8_t opts = b.size() > 7 ? b[7] : 0;
            if (opts & 1) t.options.mss = be16(b, 8);
            if (opts & 2) t.options.wscale = static_cast<uint8_t>(be16(b, 10) & 0xff);
            if (opts & 4) t.options.sack_perm = true;
            if (opts & 8) t.options.ts = std::make_pair(be32(b, 12), be32(b, 16));
            for (int k = 0; k < ((opts >> 4) & 3); ++k) {
                const uint32_t start = snd_nxt_ + static_cast<int16_t>(be16(b, 20 + 4 * k));
                t.options.sack_blocks.emplace_back(start, start + be16(b, 22 + 4 * k));
            }
            if (opts & 0x40) t.urg_ptr = be16(b, 36);
            const std::size_t head = 38;
            const std::span<const uint8_t> payload =
                b.size() > head ? std::span<const uint8_t>(b).subspan(head) : std::span<const uint8_t>{};
            queue(t, f.gap_us, payload, true);
        }
    }

    ConnState target_;
    bool sack_ = false;
    std::vector<Injected> frames_;
    const model::State& engine_state_;
    std::deque<engine::Received> in_;
    std::deque<bool> fuzz_;  // in_[k] is a fuzz frame (not the script's)
    int64_t& state_at_first_frame_;
    int64_t now_ = 0;
    int64_t last_time_ = 0;
    uint32_t snd_nxt_ = 0;  // the end of the highest sequence our side sent
    uint32_t peer_seq_ = kPeerIss;
    uint16_t ip_id_ = 0;
    bool seen_ = false;
    bool handshake_done_ = false;
    bool injected_ = false;
};

lesson::Scenario scenario_for(ConnState target) {
    lesson::Scenario sc;
    sc.name = "fuzz-receive";
    sc.peer.type = "tap";  // the link comes from RunHooks::make_tap_link: the scripted peer
    sc.drain_us = 2'000'000;
    sc.max_time_us = 30'000'000;
    lesson::Action send;
    send.type = lesson::Action::Type::send;
    send.iov = {target == ConnState::established ? 5792 : 2000};
    sc.timeline.push_back(send);
    if (target == ConnState::fin_wait || target == ConnState::time_wait) {
        lesson::Action close;
        close.type = lesson::Action::Type::close;
        sc.timeline.push_back(close);
        lesson::Action sleep;
        sleep.type = lesson::Action::Type::sleep;
        sleep.duration_us = 1'000'000;
        sc.timeline.push_back(sleep);
    }
    return sc;
}

}  // namespace

int fuzz_receive(const uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const ConnState target = static_cast<ConnState>(data[0] % 4);
    const bool sack = data[0] & 4;
    std::vector<Injected> frames;
    for (std::size_t p = 1; p + 1 < size && frames.size() < kMaxFrames;) {
        Injected f;
        f.raw = data[p] & 1;
        f.gap_us = int64_t{data[p] >> 1} * 250;
        const std::size_t len = std::min<std::size_t>(data[p + 1], size - p - 2);
        f.bytes.assign(data + p + 2, data + p + 2 + len);
        frames.push_back(std::move(f));
        p += 2 + len;
    }

    model::State last;
    uint64_t events = 0;
    int64_t at = -1;
    run::RunHooks hooks;
    hooks.make_tap_link = [&](const lesson::Scenario&) -> std::unique_ptr<engine::Link> {
        return std::make_unique<ScriptedPeer>(target, sack, std::move(frames), last, at);
    };
    hooks.on_event = [&](uint32_t, const model::State& s) {
        last = s;
        ++events;
    };
    hooks.should_stop = [&]() -> std::string { return events > kMaxEvents ? "fuzz: event limit" : ""; };
    // A few hundred events: reserving the trace for a bulk send (~12 MB, and
    // ASan poisoning it) took two thirds of the time of each input.
    hooks.reserve_trace = false;
    const trace::Trace t = run::run_scenario(scenario_for(target), engine::Options{}, hooks);
    check_run_trace(t, &last);
    // The script must have brought the connection where it says: else this
    // target fuzzes another state than the one it names.
    static constexpr int64_t kWanted[] = {model::TCP_SYN_SENT, model::TCP_ESTABLISHED, model::TCP_FIN_WAIT1,
                                          model::TCP_TIME_WAIT};
    expect(at < 0 || at == kWanted[static_cast<int>(target)],
           "the scripted peer delivered its first fuzz frame in TCP state " + std::to_string(at) + ", not " +
               std::to_string(kWanted[static_cast<int>(target)]));
    return 0;
}

}  // namespace sendpath::fuzz
