// The lesson expression language: what each function gives on a small
// hand-built trace, and that every bad expression fails with the column of
// the problem and a message that says what was expected.
#include <doctest/doctest.h>

#include <string>

#include "lesson/expr.hpp"
#include "model/state.hpp"
#include "support/trace_builder.hpp"
#include "trace/event.hpp"

using namespace sendpath;
using namespace sendpath::lesson;
using model::KF;
using model::SF;
using trace::Arg;
using trace::Func;
using trace::Kind;

namespace {

// Two send() calls of 100 and 50 bytes into one skb, an ACK, the end.
//  0 socket_create      user        d0 c0
//  1 sendmsg_enter      tcp_sendmsg d1 c1  size=100
//  2 new_segment        tcp_sendmsg d1 c1
//  3 skb_entail         tcp_sendmsg d1 c1  skb=1            (skb 1 queued, send head)
//  4 page_alloc         tcp_sendmsg d1 c1  page=1           (page 1, count 1)
//  5 page_new_frag      tcp_sendmsg d1 c1  skb=1 copy=100   (len 100, page count 2, cached)
//  6 advance            tcp_sendmsg d1 c1                    (write_seq 1100)
//  7 tcp_push           tcp_push    d2 c1
//  8 transmit           tcp_transmit_skb d3 c1 skb=1        (one frame out)
//  9 sendmsg_exit       tcp_sendmsg d1 c1  ret=100
// 10 sendmsg_enter      tcp_sendmsg d1 c2  size=50
// 11 tail_append        tcp_sendmsg d1 c2  skb=1 copy=50
// 12 page_merge         tcp_sendmsg d1 c2  skb=1 copy=50    (len 150)
// 13 advance            tcp_sendmsg d1 c2                    (write_seq 1150)
// 14 sendmsg_exit       tcp_sendmsg d1 c2  ret=50
// 15 ack                tcp_ack     d2 c0  t=42000          (one frame in)
// 16 run_end            user        d0 c0  t=42000
trace::Trace two_sends() {
    sptest::TraceBuilder b;
    const Func S = Func::tcp_sendmsg;
    b.at(1000);
    b.sock(SF::write_seq, 1000).sock(SF::sk_sndbuf, 16384).emit(Kind::socket_create);
    b.call(1).in({S});
    b.arg(Arg::flags, 0).arg(Arg::size, 100).emit(Kind::sendmsg_enter);
    b.emit(Kind::new_segment);
    const uint32_t skb = b.skb_new();
    b.skb_set(skb, KF::seq, 1000)
        .skb_set(skb, KF::end_seq, 1000)
        .skb_link(skb, 0)
        .sock(SF::sk_send_head, skb)
        .arg(Arg::skb, skb)
        .emit(Kind::skb_entail);
    const uint32_t page = b.page_new();
    b.page_set(page, 1).arg(Arg::page, page).emit(Kind::page_alloc);
    b.skb_set(skb, KF::len, 100)
        .skb_set(skb, KF::data_len, 100)
        .skb_set(skb, KF::nr_frags, 1)
        .page_set(page, 2)
        .sock(SF::sk_sndmsg_page, page)
        .arg(Arg::skb, skb)
        .arg(Arg::copy, 100)
        .emit(Kind::page_new_frag);
    b.sock(SF::write_seq, 1100).skb_set(skb, KF::end_seq, 1100).emit(Kind::advance);
    b.in({S, Func::tcp_push});
    b.arg(Arg::flags, 0).emit(Kind::tcp_push);
    b.in({S, Func::tcp_push, Func::tcp_transmit_skb});
    b.arg(Arg::skb, skb)
        .arg(Arg::seq, 1000)
        .sock(SF::snd_nxt, 1100)
        .sock(SF::sk_send_head, 0)
        .frame(0, skb)
        .emit(Kind::transmit);
    b.in({S});
    b.arg(Arg::ret, 100).emit(Kind::sendmsg_exit);
    b.call(2);
    b.arg(Arg::size, 50).emit(Kind::sendmsg_enter);
    b.arg(Arg::skb, skb).arg(Arg::copy, 50).emit(Kind::tail_append);
    b.skb_set(skb, KF::len, 150)
        .skb_set(skb, KF::data_len, 150)
        .arg(Arg::skb, skb)
        .arg(Arg::copy, 50)
        .emit(Kind::page_merge);
    b.sock(SF::write_seq, 1150).skb_set(skb, KF::end_seq, 1150).emit(Kind::advance);
    b.arg(Arg::ret, 50).emit(Kind::sendmsg_exit);
    b.at(42000).call(0).in({Func::tcp_v4_rcv, Func::tcp_ack});
    b.arg(Arg::ack, 1150).sock(SF::snd_una, 1150).frame(1, 0).emit(Kind::ack);
    b.in({});
    b.emit(Kind::run_end);
    return b.take();
}

const trace::Trace& shared_trace() {
    static const trace::Trace t = two_sends();
    return t;
}

Value eval(const std::string& text, std::optional<std::size_t> anchor = std::nullopt) {
    EvalContext ctx(shared_trace());
    ctx.anchor = anchor;
    return evaluate(Expr::parse(text), ctx);
}
int64_t num(const std::string& text, std::optional<std::size_t> anchor = std::nullopt) {
    const Value v = eval(text, anchor);
    REQUIRE_MESSAGE(!v.is_kind(), text << " gave a kind: " << v.str());
    return v.number;
}
std::string kind(const std::string& text, std::optional<std::size_t> anchor = std::nullopt) {
    const Value v = eval(text, anchor);
    REQUIRE_MESSAGE(v.is_kind(), text << " gave a number: " << v.str());
    return v.str();
}

struct Err {
    std::size_t column = 0;
    std::string message;
};
Err parse_error(const std::string& text) {
    try {
        Expr::parse(text);
    } catch (const ExprError& e) { return {e.column(), e.what()}; }
    FAIL("no parse error for: " << text);
    return {};
}
Err eval_error(const std::string& text, std::optional<std::size_t> anchor = std::nullopt) {
    const Expr e = Expr::parse(text);  // must parse
    try {
        EvalContext ctx(shared_trace());
        ctx.anchor = anchor;
        evaluate(e, ctx);
    } catch (const ExprError& err) { return {err.column(), err.what()}; }
    FAIL("no evaluation error for: " << text);
    return {};
}
bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("expr: integers, arithmetic with the usual precedence, comparisons and logic") {
    CHECK(num("42") == 42);
    CHECK(num("1 + 2 * 3") == 7);
    CHECK(num("(1 + 2) * 3") == 9);
    CHECK(num("7 / 2") == 3);
    CHECK(num("-7 / 2") == -3);
    CHECK(num("7 % 4") == 3);
    CHECK(num("10 - 2 - 3") == 5);
    CHECK(num("--5") == 5);
    CHECK(num("3 < 4") == 1);
    CHECK(num("3 >= 4") == 0);
    CHECK(num("2 == 2 && 3 != 3") == 0);
    CHECK(num("2 == 2 || 3 != 3") == 1);
    CHECK(num("!0") == 1);
    CHECK(num("!(1 < 2)") == 0);
    CHECK(num("min(5, 3, 9) + max(1, 2) + abs(-4)") == 3 + 2 + 4);
    CHECK(num(" 1\n+\t1 ") == 2);
}

TEST_CASE("expr: finding events: count, first, last, nth and their filters") {
    CHECK(num("count(advance)") == 2);
    CHECK(num("count(advance, call=2)") == 1);
    CHECK(num("count(any, call=1)") == 9);
    CHECK(num("count(any, func=tcp_sendmsg)") == 12);
    CHECK(num("count(any, depth=1, call=1)") == 7);
    CHECK(num("first(advance)") == 6);
    CHECK(num("last(advance)") == 13);
    CHECK(num("nth(sendmsg_enter, 2)") == 10);
    CHECK(num("first(advance, after=first(sendmsg_enter, call=2))") == 13);
    CHECK(num("count(any, after=2, before=5)") == 2);
    CHECK(num("first(page_merge, copy=50)") == 12);  // an event argument as a filter
    CHECK(num("count(any, skb=1)") == 5);
    CHECK(num("count(tail_append, copy=51)") == 0);
    CHECK(num("first(transmit) + 1") == 9);
}

TEST_CASE("expr: kinds and the branch that comes next") {
    CHECK(kind("kind(first(tail_append))") == "tail_append");
    CHECK(kind("tail_append") == "tail_append");
    CHECK(num("kind(11) == tail_append") == 1);
    CHECK(num("kind(11) != tail_append") == 0);
    // Step over (depth=same, the default) skips the deeper events of tcp_push.
    CHECK(kind("next_kind(at=first(advance))") == "sendmsg_exit");
    CHECK(kind("next_kind(at=first(advance), depth=any)") == "tcp_push");
    CHECK(kind("next_kind(at=first(advance), depth=3)") == "transmit");
    CHECK(kind("next_kind(at=first(tcp_push), func=tcp_sendmsg)") == "sendmsg_exit");
    CHECK(num("next(at=first(sendmsg_enter, call=2))") == 11);
    CHECK(kind("next_kind(at=anchor)", 10) == "tail_append");
    CHECK(num("anchor + 1", 3) == 4);
    CHECK(num("call(12) + depth(8) + time(15)") == 2 + 3 + 42000);
}

TEST_CASE("expr: state after and before an event") {
    CHECK(num("state(write_seq, at=first(advance))") == 1100);
    CHECK(num("state(write_seq, before=first(advance))") == 1000);
    CHECK(num("state(write_seq, before=0)") == 0);  // the empty state before the first event
    CHECK(num("state(write_seq, at=last(advance)) - state(write_seq, before=first(sendmsg_enter))") == 150);
    CHECK(num("state(sk_send_head, at=first(skb_entail))") == 1);
    CHECK(num("state(queue_len, at=2)") == 0);
    CHECK(num("state(queue_len, at=3)") == 1);
    CHECK(num("state(page_count, at=4)") == 1);
    CHECK(num("skb(len, at=last(advance), id=1)") == 150);
    CHECK(num("skb(len, before=first(page_merge), id=tail)") == 100);
    CHECK(num("skb(headlen, at=5, id=head)") == 0);
    CHECK(num("skb(len, at=5, id=send_head)") == 100);
    CHECK(num("skb(nr_frags, at=16, id=arg(skb, at=first(skb_entail)))") == 1);
    CHECK(num("page(count, at=4, id=1)") == 1);
    CHECK(num("page(count, at=5, id=cached)") == 2);
}

TEST_CASE("expr: arguments, return values and frames") {
    CHECK(num("arg(copy, at=first(tail_append))") == 50);
    CHECK(num("arg(size, at=first(sendmsg_enter, call=2))") == 50);
    CHECK(num("ret(call=1) + ret(call=2)") == 150);
    CHECK(num("frames()") == 2);
    CHECK(num("frames(dir=out)") == 1);
    CHECK(num("frames(dir=in)") == 1);
    CHECK(num("frames(dir=out, after=first(sendmsg_enter, call=2))") == 0);
    CHECK(num("frames(before=first(ack))") == 1);
    CHECK(num("frames(skb=1)") == 1);
    CHECK(num("frames(dropped=1)") == 0);
}

TEST_CASE("expr: && and || do not evaluate the side they do not need") {
    // first(page_release) would fail: there is none.
    CHECK(num("count(page_release) > 0 && first(page_release) > 3") == 0);
    CHECK(num("count(page_merge) > 0 || first(page_release) > 3") == 1);
}

TEST_CASE("expr: parse errors give the column and say what was expected") {
    Err e = parse_error("count(page_merge call=2)");
    CHECK(e.column == 18);
    CHECK(has(e.message, "expected ',' or ')'"));

    e = parse_error("cuont(page_merge)");
    CHECK(e.column == 1);
    CHECK(has(e.message, "unknown function 'cuont'"));
    CHECK(has(e.message, "did you mean 'count'"));

    e = parse_error("count(page_merg)");
    CHECK(e.column == 7);
    CHECK(has(e.message, "unknown event kind 'page_merg'"));
    CHECK(has(e.message, "page_merge"));

    e = parse_error("state(write_sq, at=1)");
    CHECK(e.column == 7);
    CHECK(has(e.message, "unknown socket field 'write_sq'"));

    e = parse_error("skb(length, at=1, id=1)");
    CHECK(has(e.message, "unknown skb field 'length'"));

    e = parse_error("arg(cpy, at=1)");
    CHECK(has(e.message, "unknown event argument 'cpy'"));
    CHECK(has(e.message, "copy"));

    e = parse_error("first(advance, cal=2)");
    CHECK(e.column == 16);
    CHECK(has(e.message, "no argument 'cal='"));
    CHECK(has(e.message, "did you mean 'call'"));

    e = parse_error("state(write_seq)");
    CHECK(e.column == 1);
    CHECK(has(e.message, "at=EVENT"));
    CHECK(has(parse_error("state(write_seq, at=1, before=2)").message, "exactly one of"));
    CHECK(has(parse_error("skb(len, at=1)").message, "needs id="));
    CHECK(has(parse_error("next_kind(depth=any)").message, "needs at="));
    CHECK(has(parse_error("ret()").message, "needs call="));
    CHECK(has(parse_error("next(at=1, depth=deep)").message, "depth=same, depth=any"));
    CHECK(has(parse_error("frames(dir=up)").message, "dir=out or dir=in"));
    CHECK(has(parse_error("first(advance, func=tcp_sendmesg)").message, "unknown function 'tcp_sendmesg'"));
    CHECK(has(parse_error("first(advance, call=1, call=2)").message, "given twice"));
    CHECK(has(parse_error("first(call=1, advance)").message, "come before the named ones"));
    CHECK(has(parse_error("count()").message, "takes 1 positional argument, got 0"));
    CHECK(has(parse_error("kind(1, 2)").message, "takes 1 positional argument, got 2"));
    CHECK(has(parse_error("first(1 + 2)").message, "expected event kind (a bare name)"));

    e = parse_error("1 < 2 < 3");
    CHECK(e.column == 7);
    CHECK(has(e.message, "do not chain"));

    e = parse_error("(1 + 2");
    CHECK(e.column == 7);
    CHECK(has(e.message, "expected ')' to close the '(' at column 1"));

    e = parse_error("1 + 2 3");
    CHECK(e.column == 7);
    CHECK(has(e.message, "found '3'"));

    CHECK(parse_error("a & b").column == 3);
    CHECK(has(parse_error("1 | 2").message, "'||'"));
    CHECK(has(parse_error("12abc").message, "digits only"));
    CHECK(has(parse_error("1.5").message, "digits only"));
    CHECK(has(parse_error("   ").message, "empty"));
    CHECK(has(parse_error("1 + $").message, "unexpected character '$'"));
    CHECK(parse_error("1 + $").column == 5);
    CHECK(has(parse_error("99999999999999999999").message, "too large"));
    CHECK(has(parse_error("tail_apend").message, "did you mean 'tail_append'"));
    CHECK(has(parse_error("count").message, "is a function"));
}

TEST_CASE("expr: evaluation errors name what is missing, at its column") {
    Err e = eval_error("first(page_release)");
    CHECK(e.column == 1);
    CHECK(has(e.message, "no event matches first(page_release)"));
    CHECK(has(e.message, "17 events"));

    e = eval_error("1 + first(advance, call=7)");
    CHECK(e.column == 5);
    CHECK(has(e.message, "first(advance, call=7)"));

    CHECK(has(eval_error("nth(advance, 3)").message, "only 2 events match"));
    CHECK(has(eval_error("nth(advance, 0)").message, "counts from 1"));

    e = eval_error("arg(copy, at=first(advance))");
    CHECK(has(e.message, "event 6 (advance) has no argument copy"));
    e = eval_error("arg(seq, at=first(tail_append))");
    CHECK(has(e.message, "its arguments are: skb, copy"));

    e = eval_error("skb(len, at=1, id=1)");
    CHECK(has(e.message, "skb 1 does not exist after event 1 (sendmsg_enter)"));
    CHECK(e.column == 19);
    CHECK(has(eval_error("skb(len, at=1, id=tail)").message, "the write queue is empty"));
    CHECK(has(eval_error("skb(len, at=8, id=send_head)").message, "everything queued has been sent"));
    CHECK(has(eval_error("page(count, at=1, id=cached)").message, "no cached page"));
    CHECK(has(eval_error("page(count, at=16, id=9)").message, "page 9 does not exist"));

    CHECK(has(eval_error("state(write_seq, at=17)").message, "from 0 to 16"));
    CHECK(has(eval_error("state(write_seq, at=-1)").message, "is -1"));
    CHECK(has(eval_error("ret(call=3)").message, "send() call 3 never returns"));
    CHECK(has(eval_error("next(at=16)").message, "no event comes after event 16"));

    e = eval_error("1 / (2 - 2)");
    CHECK(e.column == 6);  // the divisor, inside the parentheses
    CHECK(has(e.message, "division by zero"));
    CHECK(has(eval_error("9223372036854775807 + 1").message, "overflow"));

    CHECK(has(eval_error("tail_append + 1").message, "is the event kind tail_append"));
    CHECK(has(eval_error("kind(3) == 3").message, "cannot compare an event kind"));
    CHECK(has(eval_error("kind(3) < advance").message, "must be a number"));
    CHECK(has(eval_error("state(write_seq, at=advance)").message, "must be a number"));

    e = eval_error("anchor + 1");
    CHECK(e.column == 1);
    CHECK(has(e.message, "'anchor' has no value here"));
}

TEST_CASE("expr: an anchor must be an event of the trace") {
    EvalContext ctx(shared_trace());
    CHECK(evaluate_event(Expr::parse("first(tail_append)"), ctx) == 11);
    try {
        evaluate_event(Expr::parse("first(tail_append) + 100"), ctx);
        FAIL("no error");
    } catch (const ExprError& e) { CHECK(has(e.what(), "an anchor must be an event index from 0 to 16")); }
    CHECK_THROWS_AS(evaluate_event(Expr::parse("tail_append"), ctx), ExprError);
}

TEST_CASE("expr: uses_anchor and text") {
    CHECK(Expr::parse("next_kind(at=anchor)").uses_anchor());
    CHECK(Expr::parse("count(advance, after=anchor - 1)").uses_anchor());
    CHECK_FALSE(Expr::parse("first(advance)").uses_anchor());
    CHECK(Expr::parse(" first(advance) ").text() == " first(advance) ");
}
