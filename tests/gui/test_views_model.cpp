// What the skb queue, Pages, Counters and Events views are given to draw.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

#include "gui/document_io.hpp"
#include "gui/model/counters.hpp"
#include "gui/model/document.hpp"
#include "gui/model/embedded_sources.hpp"
#include "gui/model/event_filter.hpp"
#include "gui/model/kernel_view.hpp"
#include "gui/model/layout.hpp"
#include "gui/model/page_usage.hpp"
#include "gui/model/skb_layout.hpp"
#include "support/files.hpp"
#include "support/sample_traces.hpp"
#include "trace/event_doc.hpp"
#include "trace/recorder.hpp"
#include "util/i18n.hpp"

using namespace sendpath;
using namespace sendpath::gui;

namespace {
// Three skbs: 1 (seq 1000..2000, sent, half acked), 2 (2000..3000, the send
// head, PSH, two fragments in page 1), 3 (3000..3500, tail, one fragment in
// page 1 and the cached page 2).
trace::Trace queue_trace() {
    trace::Trace t;
    model::State s;
    trace::Recorder rec(s, &t);
    rec.set(model::SF::snd_una, 1500);
    int64_t seq = 1000;
    uint32_t prev = 0;
    for (int64_t len : {1000, 1000, 500}) {
        model::SkBuff& skb = rec.skb_new();
        rec.skb_set(skb, model::KF::seq, seq);
        rec.skb_set(skb, model::KF::end_seq, seq + len);
        rec.skb_set(skb, model::KF::len, len);
        rec.skb_link(skb, prev);
        prev = skb.id;
        seq += len;
    }
    rec.emit(trace::Kind::skb_entail, 0, 10);
    model::Page& p1 = rec.page_new();
    model::Page& p2 = rec.page_new();
    rec.page_set(p1, 3);
    rec.page_set(p2, 2);
    rec.skb_frag(*s.skb(2), 0, {1, 0, 600});
    rec.skb_frag(*s.skb(2), 1, {1, 600, 400});
    rec.skb_set(*s.skb(2), model::KF::nr_frags, 2);
    rec.skb_set(*s.skb(2), model::KF::tcp_flags, model::TCPHDR_ACK | model::TCPHDR_PSH);
    rec.skb_frag(*s.skb(3), 0, {2, 0, 500});
    rec.skb_set(*s.skb(3), model::KF::nr_frags, 1);
    rec.set(model::SF::sk_send_head, 2);
    rec.set(model::SF::sk_sndmsg_page, 2);
    rec.set(model::SF::sk_sndmsg_off, 500);
    rec.emit(trace::Kind::page_new_frag, 0, 20);
    return t;
}
}  // namespace

TEST_CASE("skb boxes: queue order, status from send_head and snd_una, head/tail marks, changes") {
    Document doc(queue_trace(), "mem", "trace");
    doc.seek(1);
    SkbLayoutParams p;
    p.avail_w = 1000;
    auto boxes = layout_skb_queue(doc.state(), &doc.effects(), p);
    REQUIRE(boxes.size() == 3);
    CHECK(boxes[0].id == 1);
    CHECK(boxes[0].status == SkbStatus::in_flight);  // end_seq 2000 > snd_una 1500
    CHECK(boxes[1].status == SkbStatus::unsent);
    CHECK(boxes[1].send_head);
    CHECK(boxes[1].psh);
    CHECK(!boxes[0].psh);
    CHECK(boxes[2].tail);
    CHECK(!boxes[0].tail);
    // Event 1 touched skbs 2 and 3 (fragments), not skb 1.
    CHECK(!boxes[0].changed);
    CHECK(boxes[1].changed);
    CHECK(boxes[2].changed);
    // One row, left to right, no overlap.
    CHECK(boxes[0].y == boxes[2].y);
    CHECK(boxes[1].x >= boxes[0].x + boxes[0].w);

    // A narrow view wraps: two boxes per row.
    p.avail_w = 2 * p.box_w + p.gap_x;
    boxes = layout_skb_queue(doc.state(), nullptr, p);
    CHECK(boxes[2].x == boxes[0].x);
    CHECK(boxes[2].y > boxes[0].y + p.box_h);
    CHECK(skb_layout_height(boxes, p) >= boxes[2].y + p.box_h);
}

TEST_CASE("an skb covered by snd_una but not yet freed shows as acked") {
    model::State s;
    s.skbs[1] = model::SkBuff{};
    s.skbs[1].id = 1;
    s.skbs[1].seq = 100;
    s.skbs[1].end_seq = 200;
    s.write_queue = {1};
    s.sk.snd_una = 200;
    CHECK(skb_status(s, s.skbs[1], true) == SkbStatus::acked);
    s.sk.snd_una = 150;
    CHECK(skb_status(s, s.skbs[1], true) == SkbStatus::in_flight);
    CHECK(skb_status(s, s.skbs[1], false) == SkbStatus::unsent);
}

TEST_CASE("pages: who points into them, used range, cached page, expected refcount") {
    Document doc(queue_trace(), "mem", "trace");
    doc.seek(1);
    auto pages = page_usage(doc.state());
    REQUIRE(pages.size() == 2);
    CHECK(pages[0].id == 1);
    CHECK(pages[0].frags.size() == 2);
    CHECK(pages[0].frags[0].skb == 2);
    CHECK(pages[0].used_lo == 0);
    CHECK(pages[0].used_hi == 1000);
    CHECK(!pages[0].cached);
    CHECK(pages[0].count == 3);
    CHECK(pages[0].expected_count == 2);  // the view flags this mismatch
    CHECK(pages[1].cached);
    CHECK(pages[1].cached_off == 500);
    CHECK(pages[1].expected_count == 2);  // one fragment + the socket's reference
    CHECK(pages[1].count == 2);
}

TEST_CASE("document keeps the state before and after the cursor's event") {
    Document doc(queue_trace(), "mem", "trace");
    CHECK(doc.cursor() == 0);
    CHECK(doc.prev_state().write_queue.empty());
    CHECK(doc.state().write_queue.size() == 3);
    doc.seek(99);  // clamped
    CHECK(doc.cursor() == 1);
    CHECK(doc.prev_state().sk.sk_send_head == 0);
    CHECK(doc.state().sk.sk_send_head == 2);
    auto changed = changed_fields(doc.prev_state(), doc.state());
    CHECK(std::find(changed.begin(), changed.end(), model::SF::sk_send_head) != changed.end());
    CHECK(std::find(changed.begin(), changed.end(), model::SF::snd_una) == changed.end());
    CHECK(doc.effects().field(model::SF::sk_sndmsg_off));
    CHECK(doc.effects().page(1));
}

TEST_CASE("counter groups list every socket field exactly once, in model order") {
    std::set<model::SF> seen;
    std::size_t n = 0;
    for (const auto& g : sock_field_groups()) {
        CHECK(!g.fields.empty());
        for (auto f : g.fields) {
            seen.insert(f);
            CHECK(model::sock_field_info(f).group == g.group);
            ++n;
        }
    }
    CHECK(n == model::kSockFieldCount);
    CHECK(seen.size() == model::kSockFieldCount);
    CHECK(sock_field_groups().front().title == "struct sock");
}

TEST_CASE("counter values are written with their meaning") {
    CHECK(format_field(model::SF::state, model::TCP_ESTABLISHED) == "1 (ESTABLISHED)");
    CHECK(format_field(model::SF::sk_send_head, 0) == "NULL");
    CHECK(format_field(model::SF::sk_send_head, 3) == "skb 3");
    CHECK(format_field(model::SF::nonagle, 3) == "3 (OFF|CORK)");
    CHECK(format_field(model::SF::sk_sndtimeo_ms, -1) == "-1 (forever)");
    CHECK(format_field(model::SF::sack_ok, 0) == "0 (Reno)");
    CHECK(format_field(model::SF::sack_ok, 7) == "7 (SACK|FACK|DSACK_SEEN)");
    CHECK(format_field(model::SF::highest_sack, 9) == "skb 9");
    CHECK(format_field(model::SF::snd_una, 4242) == "4242");
}

TEST_CASE("event filter: substrings of kind or function, exclusions, call:N") {
    auto t = sptest::trace_with_depths({1, 2, 3});  // tcp_sendmsg, tcp_push, tcp_write_xmit; kind iov_next
    CHECK(filter_events(t, EventFilter("")).size() == 3);
    CHECK(filter_events(t, EventFilter("push")).size() == 1);
    CHECK(filter_events(t, EventFilter("push, xmit")).size() == 2);
    CHECK(filter_events(t, EventFilter("IOV -push")) == std::vector<uint32_t>{0, 2});
    CHECK(filter_events(t, EventFilter("copy_linear")).empty());
    CHECK(filter_events(t, EventFilter("call:0")).size() == 3);
    CHECK(filter_events(t, EventFilter("call:1")).empty());
}

TEST_CASE("default layout tiles the window without overlaps") {
    const char* ids[] = {"timeline", "source", "events", "skb_queue", "pages", "wire", "counters"};
    const float W = 1280, H = 800, menu = 22;
    float area = 0;
    std::vector<Rect> rects;
    for (const char* id : ids) {
        auto r = default_view_rect(id, W, H, menu);
        REQUIRE(r);
        CHECK(r->x >= 0);
        CHECK(r->y >= menu);
        CHECK(r->x + r->w <= W + 0.5f);
        CHECK(r->y + r->h <= H + 0.5f);
        CHECK(r->w >= 200);
        CHECK(r->h >= 60);
        for (const Rect& o : rects) {
            const bool apart = r->x + r->w <= o.x + 0.5f || o.x + o.w <= r->x + 0.5f || r->y + r->h <= o.y + 0.5f ||
                               o.y + o.h <= r->y + 0.5f;
            CHECK(apart);
        }
        rects.push_back(*r);
        area += r->w * r->h;
    }
    CHECK(area == doctest::Approx(W * (H - menu)).epsilon(0.01));
    CHECK(!default_view_rect("breakpoints", W, H, menu));
}

namespace {
bool apart(const Rect& a, const Rect& b) {
    return a.x + a.w <= b.x + 0.5f || b.x + b.w <= a.x + 0.5f || a.y + a.h <= b.y + 0.5f || b.y + b.h <= a.y + 0.5f;
}
}  // namespace

TEST_CASE("layout: the sequence graph and the Lesson window open side by side, not one over the other") {
    for (const auto& [W, H] : {std::pair{1024.0f, 700.0f}, {1280.0f, 800.0f}, {1920.0f, 1080.0f}}) {
        const auto g = default_view_rect("seq_graph", W, H, 20), l = default_view_rect("lesson", W, H, 20);
        REQUIRE(g);
        REQUIRE(l);
        CHECK(apart(*g, *l));
    }
}

TEST_CASE("layout: after a resize the tiled views fill the new window, with no gap and no overlap") {
    const char* ids[] = {"timeline", "source", "events", "skb_queue", "pages", "wire", "counters"};
    const float menu = 20;
    for (const auto& [W, H] : {std::pair{1920.0f, 1080.0f}, {1024.0f, 700.0f}}) {
        float area = 0, right = 0, bottom = 0;
        std::vector<Rect> rects;
        for (const char* id : ids) {
            const Rect r = follow_display(*default_view_rect(id, 1280, 800, menu), 1280, 800, W, H, menu);
            CHECK(r.y >= menu);
            for (const Rect& o : rects) CHECK(apart(r, o));
            rects.push_back(r);
            area += r.w * r.h;
            right = std::max(right, r.x + r.w);
            bottom = std::max(bottom, r.y + r.h);
        }
        CHECK(right == W);
        CHECK(bottom == H);
        CHECK(area == doctest::Approx(W * (H - menu)).epsilon(0.001));
    }
    // A view moved by the user keeps its share of the window.
    const Rect moved{100, 300, 400, 250};
    const Rect r = follow_display(moved, 1000, 800, 2000, 1580, 20);
    CHECK(r.x == 200);
    CHECK(r.w == 800);
    CHECK(r.y == 20 + 280 * 2);
    CHECK(r.h == 500);
}

TEST_CASE("counters: a negative forward_alloc reads as a difference, not '+ -'") {
    CHECK(format_sum(552, 3544, "B") == "552 + 3544 B");
    CHECK(format_sum(552, -552, "B") == "552 - 552 B");
    CHECK(format_sum(0, 0, "B") == "0 + 0 B");
    CHECK(format_sum(1, INT64_MIN, "B") == "1 - 9223372036854775808 B");
}

TEST_CASE("source: the kernel view folds the recording lines of tcp_sendmsg.cpp and keeps the lit one") {
    const EmbeddedFile* f = find_embedded("core/engine/tcp_sendmsg.cpp");
    REQUIRE(f);
    const auto starts = line_starts(f->text);
    auto text_of = [&](uint32_t line) {
        const std::size_t b = starts[line - 1], e = line < starts.size() ? starts[line] : f->text.size();
        return f->text.substr(b, e - b);
    };
    uint32_t emit_line = 0;
    std::size_t recorder = 0;
    for (uint32_t l = 1; l <= starts.size(); ++l)
        if (is_recorder_line(text_of(l))) {
            ++recorder;
            if (!emit_line && text_of(l).find("EMIT(page_alloc)") != std::string_view::npos) emit_line = l;
        }
    REQUIRE(emit_line > 0);
    CHECK(recorder > 50);  // EMIT, rec_.arg and FuncScope lines: about a fifth of the file
    const auto all = listed_lines(f->text, starts, false, emit_line);
    CHECK(all.size() == starts.size());
    const auto kernel = listed_lines(f->text, starts, true, emit_line);
    CHECK(kernel.size() == starts.size() - recorder + 1);
    CHECK(std::is_sorted(kernel.begin(), kernel.end()));
    CHECK(std::find(kernel.begin(), kernel.end(), emit_line) != kernel.end());
    for (uint32_t l : kernel) {
        if (l == emit_line) continue;
        const auto t = text_of(l);
        CHECK(t.find("rec_.arg(") == std::string_view::npos);
        CHECK(t.find("FuncScope fs") == std::string_view::npos);
    }
    // State changes are the kernel's assignments: they stay.
    CHECK(!is_recorder_line("        rec_.set(SF::sk_sndmsg_off, 0);"));
    CHECK(is_recorder_line("\t    SP_EMIT(rec_, socket_create);"));
    CHECK(!is_recorder_line("if (!p) EMIT(page_alloc_fail);"));
    CHECK(is_recorder_line("        if (vm_wait) rec_.arg(Arg::vm_wait_ms, vm_wait / 1000);"));
    CHECK(!is_recorder_line("        if (f(x)) copy = 0;"));
}

TEST_CASE("source: the kernel view is on when a lesson opens, off for a plain trace") {
    LoadOptions lo;
    lo.live = false;
    const auto lesson_doc = load_document(sptest::source_path("lessons/01-first-send.json"), lo);
    REQUIRE(lesson_doc->lesson);
    CHECK(kernel_view_default(*lesson_doc));
    const auto plain = load_document(sptest::source_path("traces/01-first-send.json"), lo);
    REQUIRE_FALSE(plain->lesson);
    CHECK_FALSE(kernel_view_default(*plain));
}

TEST_CASE("source: \"not kernel code\" is said for the runner's and the peer's events, never the kernel's") {
    // The runner's and the simulated peer's events: what their code stands in for.
    CHECK(not_kernel_note(trace::Kind::socket_create, "en") ==
          "(not kernel code) " + std::string(util::i18n::tr("en", "gui.event.origin.runner")));
    CHECK(not_kernel_note(trace::Kind::time_advance, "en").starts_with("(not kernel code) runner: "));
    CHECK(not_kernel_note(trace::Kind::peer_read, "en").starts_with("(not kernel code) peer: "));
    CHECK(not_kernel_note(trace::Kind::peer_drop, "zh_CN").starts_with("（不是内核代码）对端："));
    // The kernel's own branches: no note.
    for (trace::Kind k : {trace::Kind::transmit, trace::Kind::sendmsg_exit, trace::Kind::sack_blocks})
        CHECK(not_kernel_note(k, "en").empty());
    // Every event of a lesson's trace: a note exactly for those not of the kernel.
    LoadOptions lo;
    lo.live = false;
    const auto doc = load_document(sptest::source_path("lessons/01-first-send.json"), lo);
    std::size_t notes = 0, kernel = 0;
    for (const trace::Event& e : doc->trace().events) {
        const trace::KindDoc* d = trace::find_kind_doc(e.kind);
        REQUIRE(d);
        const bool note = !not_kernel_note(e.kind, "en").empty();
        CHECK(note == (d->origin != trace::Origin::kernel));
        notes += note ? 1 : 0;
        kernel += note ? 0 : 1;
    }
    CHECK(notes > 0);
    CHECK(kernel > 0);
}
