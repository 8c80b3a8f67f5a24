#include "support/loss_audit.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <span>

#include "model/state.hpp"
#include "net/frame.hpp"
#include "trace/replay.hpp"

namespace sptest {

namespace m = sendpath::model;
namespace tr = sendpath::trace;

const char* timeout_cause_name(TimeoutCause c) {
    switch (c) {
        case TimeoutCause::not_data: return "not_data";
        case TimeoutCause::loss_state: return "loss_state";
        case TimeoutCause::no_ack: return "no_ack";
        case TimeoutCause::lost_retransmission: return "lost_retransmission";
        case TimeoutCause::reno_hold: return "reno_hold";
        case TimeoutCause::head_not_split: return "head_not_split";
        case TimeoutCause::cwnd_held: return "cwnd_held";
        case TimeoutCause::too_few_behind: return "too_few_behind";
        case TimeoutCause::evidence_missed: return "evidence_missed";
    }
    return "?";
}

namespace {

// A frame's TCP header, when it parses (the trace holds only valid frames,
// but the audit must not trust that).
struct Seg {
    std::size_t event = 0;
    bool in = false;
    bool dropped = false;
    sendpath::net::TcpRepr tcp;
    std::size_t payload = 0;
};

std::vector<Seg> segments_of(const tr::Trace& t) {
    std::vector<Seg> out;
    std::vector<uint8_t> scratch;
    out.reserve(t.frames.size());
    for (const auto& f : t.frames) {
        const auto bytes = t.frame_data(f, scratch);
        if (bytes.empty()) continue;
        const auto p = sendpath::net::parse_frame(bytes, nullptr);
        if (!p || !p->is_tcp()) continue;
        out.push_back({f.event, f.dir == 1, f.dropped != 0, *p->tcp, p->payload.size()});
    }
    return out;
}

// Bytes above `from` covered by the union of the blocks.
int64_t union_above(std::vector<std::pair<int64_t, int64_t>> blocks, int64_t from) {
    std::sort(blocks.begin(), blocks.end());
    int64_t covered = 0, reach = from;
    for (auto [s, e] : blocks) {
        s = std::max(s, reach);
        if (e > s) {
            covered += e - s;
            reach = e;
        }
    }
    return covered;
}

}  // namespace

std::vector<TimeoutAudit> audit_timeouts(const tr::Trace& t) {
    std::vector<TimeoutAudit> out;
    const std::vector<Seg> segs = segments_of(t);
    tr::Replay replay(t);
    for (std::size_t i = 1; i < t.events.size(); ++i) {
        if (t.events[i].kind != tr::Kind::rto_fire) continue;
        const m::State& s = replay.seek(i - 1);
        const m::Sock& sk = s.sk;
        TimeoutAudit a;
        a.event = i;
        a.ca_state = sk.ca_state;
        a.packets_out = sk.packets_out;
        const m::SkBuff* head = s.write_queue.empty() ? nullptr : s.skb(s.write_queue.front());
        if (sk.state != m::TCP_ESTABLISHED && sk.state != m::TCP_FIN_WAIT1 && sk.state != m::TCP_CLOSING &&
            sk.state != m::TCP_LAST_ACK && sk.state != m::TCP_CLOSE_WAIT) {
            out.push_back(a);
            continue;
        }
        if (!head || head->len == 0 || !sk.packets_out) {
            out.push_back(a);  // a FIN alone, or a zero-window probe
            continue;
        }
        if (sk.ca_state == m::TCP_CA_Loss) {
            a.cause = TimeoutCause::loss_state;
            out.push_back(a);
            continue;
        }
        // Sequence numbers relative to snd_una, so the 32-bit wrap cannot matter.
        const auto rel = [&](uint32_t seq) { return m::seq_diff(seq, sk.snd_una); };
        const uint32_t head_seq = m::seq32(head->seq);
        // The head's last transmission: the last outgoing segment starting at its seq.
        std::size_t tx = segs.size();
        for (std::size_t k = 0; k < segs.size() && segs[k].event < i; ++k)
            if (!segs[k].in && segs[k].payload > 0 && segs[k].tcp.seq == head_seq) tx = k;
        if (tx == segs.size()) {
            out.push_back(a);
            continue;
        }
        // Duplicate ACKs of the head as tcp_ack counts them: same ack, same window, no data.
        std::optional<std::pair<uint32_t, uint16_t>> prev;
        for (std::size_t k = 0; k < tx; ++k)
            if (segs[k].in && !segs[k].dropped) prev = {segs[k].tcp.ack, segs[k].tcp.window};
        int64_t dupacks = 0;
        std::vector<std::pair<int64_t, int64_t>> sacked;
        for (std::size_t k = tx + 1; k < segs.size() && segs[k].event < i; ++k) {
            const Seg& g = segs[k];
            if (!g.in || g.dropped) continue;
            ++a.acks_back;
            const std::pair<uint32_t, uint16_t> now{g.tcp.ack, g.tcp.window};
            if (prev && *prev == now && g.payload == 0 && g.tcp.ack == m::seq32(sk.snd_una)) ++dupacks;
            prev = now;
            const auto& b = g.tcp.options.sack_blocks;
            for (std::size_t j = 0; j < b.size(); ++j) {
                // A D-SACK block (below the ACK, or the first inside the second) reports a duplicate.
                if (!m::after(b[j].second, g.tcp.ack)) continue;
                if (j == 0 && b.size() > 1 && !m::before(b[0].first, b[1].first) && !m::after(b[0].second, b[1].second))
                    continue;
                sacked.emplace_back(rel(b[j].first), rel(b[j].second));
            }
        }
        if (a.acks_back == 0) {
            a.cause = TimeoutCause::no_ack;
            out.push_back(a);
            continue;
        }
        const int64_t mss = std::max<int64_t>(1, sk.mss_cache);
        int64_t highest = 0;
        for (const auto& b : sacked) highest = std::max(highest, b.second);
        const bool sack = sk.sack_ok & m::TCP_SACK_OK, fack = sk.sack_ok & m::TCP_FACK_ENABLED;
        if (head->sacked & m::TCPCB_RETRANS) {
            // tcp_mark_lost_retrans (FACK only): a SACK above the snd_nxt the
            // copy was sent at proves the copy lost.
            a.needed = 1;
            const int64_t above = rel(m::seq32(head->ack_seq));
            a.behind = fack && sk.ca_state == m::TCP_CA_Recovery ? (union_above(sacked, above) + mss - 1) / mss : 0;
            a.cause = a.behind >= a.needed ? TimeoutCause::evidence_missed : TimeoutCause::lost_retransmission;
            out.push_back(a);
            continue;
        }
        const int64_t in_flight = sk.packets_out - (sk.sacked_out + sk.lost_out) + sk.retrans_out;
        if ((head->sacked & m::TCPCB_LOST) && in_flight >= sk.snd_cwnd) {
            a.cause = TimeoutCause::cwnd_held;
            out.push_back(a);
            continue;
        }
        if (!sack && sk.ca_state == m::TCP_CA_Recovery && sk.snd_una == sk.high_seq) {
            a.cause = TimeoutCause::reno_hold;
            out.push_back(a);
            continue;
        }
        // tcp_time_to_recover: FACK counts segments up to the highest SACKed
        // (fackets_out), plain SACK the SACKed ones plus one, Reno the
        // duplicate ACKs plus one; more than reordering starts recovery.
        a.needed = sk.reordering + 1;
        if (fack) a.behind = (highest + mss - 1) / mss;
        else if (sack) a.behind = union_above(sacked, rel(m::seq32(head->end_seq))) / mss + 1;
        else a.behind = dupacks + 1;
        a.cause = a.behind >= a.needed ? TimeoutCause::evidence_missed : TimeoutCause::too_few_behind;
        const int64_t head_segs = std::max<int64_t>(1, head->gso_segs);
        if (a.cause == TimeoutCause::evidence_missed && fack && !(head->sacked & m::TCPCB_LOST) &&
            a.behind - sk.reordering < head_segs)
            a.cause = TimeoutCause::head_not_split;
        out.push_back(a);
    }
    return out;
}

std::string summarize(const std::vector<TimeoutAudit>& a) {
    std::array<std::size_t, kTimeoutCauses> n{};
    for (const auto& x : a) ++n[static_cast<std::size_t>(x.cause)];
    std::string s;
    for (std::size_t c = 0; c < kTimeoutCauses; ++c) {
        if (!s.empty()) s += ", ";
        s += timeout_cause_name(static_cast<TimeoutCause>(c));
        s += ' ';
        s += std::to_string(n[c]);
    }
    return s;
}

}  // namespace sptest
