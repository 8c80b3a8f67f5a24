// A trace that loads but does not replay: Replay's RuntimeError names the
// event, the change and its op and says what is wrong, in English exactly as
// `sendpath-cli check` has always printed it, and in Chinese for the GUI's
// error panel, with the same numbers and the op and kernel names kept.
#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "support/errors.hpp"
#include "support/trace_builder.hpp"
#include "trace/replay.hpp"
#include "util/errors.hpp"

using namespace sendpath;
using namespace sendpath::trace;
using model::KF;
using model::SF;

namespace {

// What a RuntimeError said, in English (what()) and in Chinese.
struct Said {
    bool thrown = false;
    std::string en, zh;
};

template <class F>
Said runtime_error_of(F&& f) {
    try {
        f();
    } catch (const RuntimeError& e) { return {true, e.what(), e.text("zh_CN")}; }
    return {};
}

// Event 0 makes skb 1 (on the write queue) and page 1, all through the
// Recorder; event 1 sets skb 1's len and then has `bad` appended as given.
Trace with_bad_change(const std::function<void(sptest::TraceBuilder&)>& bad) {
    sptest::TraceBuilder b;
    b.call(1).in({Func::tcp_sendmsg});
    const uint32_t skb = b.skb_new();
    b.skb_link(skb, 0);
    (void)b.page_new();
    b.emit(Kind::skb_entail);
    b.skb_set(skb, KF::len, 100);
    bad(b);
    b.emit(Kind::skb_entail);
    return b.take();
}

Said replaying(const std::function<void(sptest::TraceBuilder&)>& bad) {
    const Trace t = with_bad_change(bad);
    return runtime_error_of([&] { Replay r(t); });
}

#define CHECK_SAID(s, english, chinese)                                          \
    do {                                                                         \
        REQUIRE((s).thrown);                                                     \
        CHECK((s).en == (english));                                              \
        CHECK((s).zh == (chinese));                                              \
        CHECK_MESSAGE(sptest::english_phrase((s).zh).empty(), "zh: " << (s).zh); \
    } while (0)

}  // namespace

TEST_CASE("replay errors: a change naming a missing skb gives the event and change numbers in English and Chinese") {
    const Said s = replaying([](sptest::TraceBuilder& b) { b.raw(Op::skb_set, 0, 42, 7); });
    CHECK_SAID(s, "event 1, change 1 (skb_set): skb 42 does not exist", "事件 1，变更 1（skb_set）：skb 42 不存在");
}

TEST_CASE("replay errors: every refusal of a change, in English as before and in Chinese") {
    const auto sock_fields = static_cast<uint8_t>(model::kSockFieldCount);
    const auto skb_fields = static_cast<uint8_t>(model::kSkbFieldCount);
    const auto frags = static_cast<uint8_t>(model::MAX_SKB_FRAGS);
    CHECK_SAID(replaying([&](sptest::TraceBuilder& b) { b.raw(Op::sock_set, sock_fields, 0, 1); }),
               "event 1, change 1 (sock_set): unknown socket field " + std::to_string(sock_fields),
               "事件 1，变更 1（sock_set）：未知的套接字字段 " + std::to_string(sock_fields));
    CHECK_SAID(replaying([](sptest::TraceBuilder& b) { b.raw(Op::skb_new, 0, 1, 0); }),
               "event 1, change 1 (skb_new): skb 1 already exists", "事件 1，变更 1（skb_new）：skb 1 已经存在");
    CHECK_SAID(replaying([&](sptest::TraceBuilder& b) { b.raw(Op::skb_set, skb_fields, 1, 1); }),
               "event 1, change 1 (skb_set): unknown skb field " + std::to_string(skb_fields),
               "事件 1，变更 1（skb_set）：未知的 skb 字段 " + std::to_string(skb_fields));
    CHECK_SAID(replaying([](sptest::TraceBuilder& b) { b.raw(Op::skb_frag, 0, 9, 0); }),
               "event 1, change 1 (skb_frag): skb 9 does not exist", "事件 1，变更 1（skb_frag）：skb 9 不存在");
    CHECK_SAID(replaying([&](sptest::TraceBuilder& b) { b.raw(Op::skb_frag, frags, 1, 0); }),
               "event 1, change 1 (skb_frag): fragment index " + std::to_string(frags) + " >= MAX_SKB_FRAGS",
               "事件 1，变更 1（skb_frag）：分片下标 " + std::to_string(frags) + " >= MAX_SKB_FRAGS");
    CHECK_SAID(replaying([](sptest::TraceBuilder& b) { b.raw(Op::skb_link, 0, 9, 0); }),
               "event 1, change 1 (skb_link): skb 9 does not exist", "事件 1，变更 1（skb_link）：skb 9 不存在");
    CHECK_SAID(replaying([](sptest::TraceBuilder& b) { b.raw(Op::skb_link, 0, 1, 0); }),
               "event 1, change 1 (skb_link): skb 1 is already on the write queue",
               "事件 1，变更 1（skb_link）：skb 1 已经在发送队列上");
    CHECK_SAID(replaying([](sptest::TraceBuilder& b) {
                   b.raw(Op::skb_new, 0, 2, 0);
                   b.raw(Op::skb_link, 0, 2, 5);
               }),
               "event 1, change 2 (skb_link): skb 5 (to link after) is not queued",
               "事件 1，变更 2（skb_link）：skb 5（要链在它之后）不在发送队列上");
    CHECK_SAID(replaying([](sptest::TraceBuilder& b) { b.raw(Op::skb_unlink, 0, 3, 0); }),
               "event 1, change 1 (skb_unlink): skb 3 is not on the write queue",
               "事件 1，变更 1（skb_unlink）：skb 3 不在发送队列上");
    CHECK_SAID(replaying([](sptest::TraceBuilder& b) { b.raw(Op::skb_free, 0, 3, 0); }),
               "event 1, change 1 (skb_free): skb 3 does not exist", "事件 1，变更 1（skb_free）：skb 3 不存在");
    CHECK_SAID(replaying([](sptest::TraceBuilder& b) { b.raw(Op::skb_free, 0, 1, 0); }),
               "event 1, change 1 (skb_free): skb 1 is freed while still queued",
               "事件 1，变更 1（skb_free）：skb 1 仍在发送队列上就被释放");
    CHECK_SAID(replaying([](sptest::TraceBuilder& b) { b.raw(Op::page_new, 0, 1, 0); }),
               "event 1, change 1 (page_new): page 1 already exists", "事件 1，变更 1（page_new）：页 1 已经存在");
    CHECK_SAID(replaying([](sptest::TraceBuilder& b) { b.raw(Op::page_set, 0, 4, 2); }),
               "event 1, change 1 (page_set): page 4 does not exist", "事件 1，变更 1（page_set）：页 4 不存在");
    CHECK_SAID(replaying([](sptest::TraceBuilder& b) { b.raw(Op::page_free, 0, 4, 0); }),
               "event 1, change 1 (page_free): page 4 does not exist", "事件 1，变更 1（page_free）：页 4 不存在");
}

TEST_CASE("replay errors: a change range past the changes and a seek past the end, in English and Chinese") {
    Trace t = with_bad_change([](sptest::TraceBuilder&) {});
    {
        const Said s = runtime_error_of([&] {
            Replay r(t);
            (void)r.seek(2);
        });
        CHECK_SAID(s, "seek to event 2 beyond the last event", "跳转到事件 2，超出了最后一个事件");
    }
    t.events[1].change_end = static_cast<uint32_t>(t.changes.size() + 1);
    CHECK_SAID(runtime_error_of([&] { Replay r(t); }), "event 1: change range out of bounds", "事件 1：变更范围越界");
}

TEST_CASE("replay errors: RuntimeError made from a plain string says it as it is in every language") {
    const RuntimeError e(std::string("writing to standard output failed"));
    CHECK(std::string(e.what()) == "writing to standard output failed");
    CHECK(e.text("zh_CN") == "writing to standard output failed");
}
