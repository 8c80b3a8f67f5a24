// What every event kind stands for: the kernel function(s) whose branch it
// models, in which release, what happened, and what each argument the engine
// puts on it means. One table (event_doc.cpp), the single source of the
// events reference page (assets/events.md, made by `sendpath-cli events
// --markdown`) and of the GUI's hover text.
//
// The one-line summary of a kind stays in SENDPATH_EVENT_KINDS (event.hpp,
// kind_doc()); this table adds the rest. Adding a kind means adding one entry
// to the table, in the section of its area; `trace: every event kind has an
// entry ...` (tests/trace/test_event_doc.cpp) fails until it is there and says
// what to add, and the engine tests check that every argument a run puts on
// an event is documented for its kind (tests/engine/test_event_doc_args.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trace/event.hpp"

namespace sendpath::trace {

// Where on the send path a kind sits: the page's sections, in reading order.
enum class Area : uint8_t {
    sendmsg_entry,  // tcp_sendmsg before the copy loop
    copy_loop,      // tcp_sendmsg's copy loop: skbs, the linear area, pages, pushes from the loop
    waits,          // wait_for_sndbuf / wait_for_memory and sk_stream_wait_memory
    sendmsg_exit,   // do_fault, do_error, out, out_err and the return
    memory,         // socket memory accounting and the global pool
    xmit,           // tcp_push, tcp_write_xmit, splitting, tcp_transmit_skb
    ack,            // an incoming segment: tcp_ack, freeing skbs, cwnd, waking the writer
    timers,         // the retransmission / zero-window-probe timer
    recovery,       // duplicate ACKs, fast retransmit and recovery (tcp_fastretrans_alert)
    congestion,     // the congestion control's hooks: Reno, CUBIC and HyStart
    connection,     // the handshake, FIN, RST, shutdown, close
    application,    // what the application or the scenario does around the sends
    peer,           // the simulated receiver
    count_
};
std::string_view area_title(Area a);
// A few sentences introducing the section.
std::string_view area_intro(Area a);

// Whose code takes the branch.
enum class Origin : uint8_t {
    kernel,  // a function of the 2.6.32.67 TCP code (or a later release's, see KindDoc::release)
    runner,  // sendpath's runner, playing the application's part and the scenario's clock
    peer,    // sendpath's simulated receiver (the other end of the connection)
};
std::string_view origin_name(Origin o);

struct ArgDoc {
    Arg arg;
    std::string_view meaning;  // the unit, and when it is there if not always
};

struct KindDoc {
    Kind kind;
    Area area;
    Origin origin;
    // Kernel: the function(s) whose branch this is, as named in 2.6.32.67,
    // the deciding one first. Runner and peer: the sendpath function that emits it.
    std::vector<std::string_view> functions;
    // Kernel: the source file(s) of those functions ("net/ipv4/tcp.c").
    // Runner and peer: what the event stands in for.
    std::string_view where;
    // The release modelled: empty means 2.6.32.67; otherwise the later
    // release and the engine option that turns it on.
    std::string_view release;
    // What happens, a few sentences (the summary line is kind_doc()).
    std::string_view detail;
    // Every argument the engine puts on the event.
    std::vector<ArgDoc> args;
};

// The table, in the page's order (by area, then along the path).
const std::vector<KindDoc>& kind_docs();
// The entry of kind k, or nullptr when it has none (a kind added without one).
const KindDoc* find_kind_doc(Kind k);
// The meaning of argument a on kind k, or "" when the entry does not document it.
std::string_view arg_doc(Kind k, Arg a);
// The kind's functions joined: "tcp_sendmsg, sk_stream_alloc_skb" ("" without an entry).
std::string kind_functions(Kind k);
// "Linux 2.6.32.67", or the later release of the entry.
std::string kind_release(Kind k);
// For hover text, one line: "models tcp_sendmsg, skb_add_data", with the
// release when it is a later one; "runner: <what it stands for>" for kinds
// that are not kernel code.
std::string kind_models(Kind k);

// The events reference page (assets/events.md), as Markdown.
std::string events_markdown();
// One line per kind: its name, the function that decides it, its summary (sendpath-cli events).
std::string events_text();
// One kind in full, as plain text (sendpath-cli events KIND).
std::string event_text(Kind k);

}  // namespace sendpath::trace
