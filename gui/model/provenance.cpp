#include "gui/model/provenance.hpp"

#include <algorithm>

#include "model/state.hpp"

namespace sendpath::gui {

namespace {
bool is_copy(trace::Kind k) {
    return k == trace::Kind::copy_linear || k == trace::Kind::page_merge || k == trace::Kind::page_new_frag;
}

// Events that decide to send; the chain ends at a root (what started it).
bool is_decision(trace::Kind k) {
    using K = trace::Kind;
    switch (k) {
        case K::push_one:
        case K::push_pending:
        case K::tcp_push:
        case K::forced_push:
        case K::out_push:
        case K::retransmit:
        case K::rto_fire:
        case K::probe0_fire:
        case K::ack:
        case K::write_space:
        case K::wait_for_memory:
        case K::established:
        case K::connect:
        case K::fin:
        case K::close:
        case K::shutdown:
        case K::setsockopt: return true;
        default: return false;
    }
}
bool is_root(trace::Kind k) {
    using K = trace::Kind;
    switch (k) {
        case K::push_one:
        case K::forced_push:
        case K::out_push:
        case K::rto_fire:
        case K::probe0_fire:
        case K::ack:
        case K::wait_for_memory:
        case K::established:
        case K::connect:
        case K::fin:
        case K::close:
        case K::shutdown:
        case K::setsockopt: return true;
        default: return false;
    }
}
}  // namespace

ProvenanceIndex build_provenance_index(const trace::Trace& t) {
    ProvenanceIndex idx;
    if (t.scenario.is_object() && t.scenario.contains("timeline") && t.scenario["timeline"].is_array()) {
        for (const auto& a : t.scenario["timeline"]) {
            if (!a.is_object() || !a.contains("send")) continue;
            std::vector<int64_t> iov;
            const auto& s = a["send"];
            if (s.is_object() && s.contains("iov") && s["iov"].is_array())
                for (const auto& n : s["iov"])
                    if (n.is_number_integer()) iov.push_back(n.get<int64_t>());
            idx.iovs.push_back(std::move(iov));
        }
    }
    // write_seq is followed through the changes (no replay needed): a copy's
    // first byte is write_seq at the copy (advance moves it after).
    int64_t write_seq = 0;
    const auto wseq = static_cast<uint8_t>(model::SF::write_seq);
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const trace::Event& e = t.events[i];
        if (is_copy(e.kind) && t.has_arg(i, trace::Arg::copy)) {
            CopyRecord c;
            c.event = static_cast<uint32_t>(i);
            c.kind = e.kind;
            c.call = e.call;
            c.buf_offset = t.arg(i, trace::Arg::offset);
            c.len = t.arg(i, trace::Arg::copy);
            c.seq = write_seq;
            c.skb = static_cast<uint32_t>(t.arg(i, trace::Arg::skb));
            c.page = e.kind == trace::Kind::copy_linear ? 0 : static_cast<uint32_t>(t.arg(i, trace::Arg::page));
            c.page_off = static_cast<uint32_t>(t.arg(i, trace::Arg::off));
            if (c.len > 0) idx.copies.push_back(c);
        }
        for (const trace::Change* ch = t.changes_begin(e); ch != t.changes_end(e); ++ch)
            if (ch->op == trace::Op::sock_set && ch->field == wseq) write_seq = ch->value;
    }
    return idx;
}

std::vector<Decision> push_decisions(const trace::Trace& t, std::size_t transmit) {
    std::vector<Decision> chain;
    if (transmit >= t.events.size()) return chain;
    int depth = t.events[transmit].depth;
    // Walk back to the decisions at the same or shallower depth (an ACK and the
    // push it triggers sit at one depth), stopping at what started it.
    const std::size_t stop = transmit > 256 ? transmit - 256 : 0;
    for (std::size_t i = transmit; i-- > stop;) {
        const trace::Event& e = t.events[i];
        if (e.depth > depth || !is_decision(e.kind)) {
            if (e.depth < depth && (e.kind == trace::Kind::sendmsg_enter || e.depth == 0)) break;
            continue;
        }
        chain.push_back(Decision{static_cast<uint32_t>(i), e.kind});
        depth = e.depth;
        if (is_root(e.kind)) break;
    }
    std::reverse(chain.begin(), chain.end());
    return chain;
}

VisibleOrigin visible_origin(const ByteOrigin& o, std::size_t horizon) {
    VisibleOrigin v;
    v.copy_hidden = o.copy.event > horizon;
    if (v.copy_hidden) return v;
    for (const Transmission& tx : o.sent)
        if (tx.event <= horizon) v.sent.push_back(tx);
    return v;
}

ByteOrigin byte_origin(const trace::Trace& t, const ProvenanceIndex& idx, const SeqGraph& g, int64_t seq) {
    ByteOrigin o;
    o.seq = seq;
    o.rel_seq = relative_seq(g, static_cast<uint32_t>(seq));
    // The last copy starting at or before seq (copies are in sequence order).
    auto it = std::upper_bound(idx.copies.begin(), idx.copies.end(), seq,
                               [](int64_t s, const CopyRecord& c) { return s < c.seq; });
    if (it == idx.copies.begin()) return o;
    const CopyRecord& c = *std::prev(it);
    if (seq >= c.seq + c.len) return o;
    o.found = true;
    o.copy = c;
    o.call = c.call;
    o.buf_offset = c.buf_offset + (seq - c.seq);
    if (c.page) o.page_byte = c.page_off + static_cast<uint32_t>(seq - c.seq);
    if (c.call >= 1 && c.call <= idx.iovs.size()) {
        int64_t base = 0;
        const auto& iov = idx.iovs[c.call - 1];
        for (std::size_t k = 0; k < iov.size(); ++k) {
            if (o.buf_offset < base + iov[k]) {
                o.iov = static_cast<int>(k);
                o.iov_offset = o.buf_offset - base;
                break;
            }
            base += iov[k];
        }
    }
    for (const SeqSegment& s : g.segments) {
        if (o.rel_seq < s.seq_lo || o.rel_seq >= s.seq_hi) continue;
        Transmission tx{s.frame, s.event, s.time_us, s.retransmit, s.dropped, push_decisions(t, s.event)};
        o.sent.push_back(std::move(tx));
    }
    return o;
}

std::optional<int64_t> seq_of_page_byte(const ProvenanceIndex& idx, uint32_t page, uint32_t off, std::size_t cursor) {
    std::optional<int64_t> found;
    for (const CopyRecord& c : idx.copies) {
        if (c.event > cursor) break;
        if (c.page == page && off >= c.page_off && off < c.page_off + c.len) found = c.seq + (off - c.page_off);
    }
    return found;
}

util::Message describe_origin(const ByteOrigin& o) {
    using util::Message;
    if (!o.found) return Message::of("gui.prov.origin.none", {std::to_string(o.seq)});
    if (o.iov < 0) return Message::of("gui.prov.origin.call", {std::to_string(o.call), std::to_string(o.buf_offset)});
    return Message::of("gui.prov.origin.call_iov", {std::to_string(o.call), std::to_string(o.iov),
                                                    std::to_string(o.iov_offset), std::to_string(o.buf_offset)});
}

}  // namespace sendpath::gui
