// Byte provenance: for one payload byte (named by its sequence number), which
// send() call and iovec it came from, which copy put it into which skb and
// page, and which frames carried it and what decided to send them.
//
// Built from what the trace carries: copy events (copy_linear, page_merge,
// page_new_frag) with args offset (in the call's buffer), copy, skb, page,
// off; write_seq before each copy (its first byte's sequence number); the
// scenario's timeline (each send's iov list); frames (seq in the TCP header,
// frame.event = the transmit) and the events before a transmit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gui/model/seq_graph.hpp"
#include "trace/event.hpp"
#include "util/message.hpp"

namespace sendpath::gui {

// One copy from the user's buffer into an skb.
struct CopyRecord {
    uint32_t event = 0;
    trace::Kind kind = trace::Kind::copy_linear;
    uint32_t call = 0;       // send() call, 1-based
    int64_t buf_offset = 0;  // offset of the first byte in the call's buffer
    int64_t len = 0;
    int64_t seq = 0;  // raw sequence number of the first byte (write_seq at the copy)
    uint32_t skb = 0;
    uint32_t page = 0;      // 0 = the skb's linear area
    uint32_t page_off = 0;  // where the first byte landed in the page
};

struct ProvenanceIndex {
    std::vector<CopyRecord> copies;          // in event order (= sequence order)
    std::vector<std::vector<int64_t>> iovs;  // iov lengths of send() call k+1 (from the scenario)
};

ProvenanceIndex build_provenance_index(const trace::Trace& t);

// A step of "why was it sent": an event and its kind, shallowest first.
struct Decision {
    uint32_t event = 0;
    trace::Kind kind = trace::Kind::transmit;
};

struct Transmission {
    uint32_t frame = 0, event = 0;
    int64_t time_us = 0;
    bool retransmit = false, dropped = false;
    std::vector<Decision>
        why;  // e.g. ack -> push_pending -> (transmit); push_one; out_push -> tcp_push -> push_pending
};

struct ByteOrigin {
    bool found = false;
    int64_t seq = 0;      // raw
    int64_t rel_seq = 0;  // relative to the ISN
    uint32_t call = 0;
    int64_t buf_offset = 0;          // in the call's buffer
    int iov = -1;                    // iovec index (-1: the scenario has no iov list for this call)
    int64_t iov_offset = 0;          // offset in that iovec
    CopyRecord copy;                 // the copy that put it in an skb
    uint32_t page_byte = 0;          // offset of the byte in copy.page (when copy.page != 0)
    std::vector<Transmission> sent;  // every frame that carried it, in time order
};

// seq is a raw sequence number (as in skb seq fields and TCP headers).
ByteOrigin byte_origin(const trace::Trace& t, const ProvenanceIndex& idx, const SeqGraph& g, int64_t seq);

// What of o the Provenance view may show while a lesson hides the events
// after `horizon` (Document::horizon): nothing when the copy itself comes
// later; else the copy, and only the transmissions at or before the horizon.
struct VisibleOrigin {
    bool copy_hidden = false;
    std::vector<Transmission> sent;
};
VisibleOrigin visible_origin(const ByteOrigin& o, std::size_t horizon);

// The sequence number of byte `off` of page `page` as of event `cursor` (the
// latest copy into that place at or before it), nullopt if nothing was copied there.
std::optional<int64_t> seq_of_page_byte(const ProvenanceIndex& idx, uint32_t page, uint32_t off, std::size_t cursor);

// Why the transmit event `transmit` happened: the push decisions before it.
std::vector<Decision> push_decisions(const trace::Trace& t, std::size_t transmit);

// "send() call 2, iovec 1 byte 57 (buffer offset 157)"-style one-liners for
// the view, as a string-table text (util/message.hpp) it says in the GUI's language.
util::Message describe_origin(const ByteOrigin& o);

}  // namespace sendpath::gui
