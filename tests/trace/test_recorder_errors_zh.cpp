// The recorder's refusals in Chinese: a send stream out of step with
// write_seq names the byte count and write_seq as they are.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "model/state.hpp"
#include "support/errors.hpp"
#include "trace/recorder.hpp"
#include "util/errors.hpp"

using namespace sendpath;

TEST_CASE("recorder: a send stream out of step with write_seq, in English and in Chinese") {
    model::State st;
    trace::Trace t;
    trace::Recorder rec(st, &t);
    const uint8_t bytes[10] = {};
    rec.add_sent_literal(0, bytes, 10, 1000);
    const auto e = sptest::runtime_error_of([&] {
        rec.add_sent_literal(1, bytes, 5, 2000);  // 1010 expected
        return 0;
    });
    REQUIRE(e);
    CHECK(e.message == "send stream out of step: 10 bytes recorded, write_seq 2000");
    CHECK(e.zh == "发送字节流与序号不同步：已记录 10 字节，write_seq 为 2000");
    CHECK(sptest::english_phrase(e.zh).empty());
    // The 4 GiB limit's text (a trace that big is not made in a test).
    const RuntimeError full(util::Message::of("err.trace.frame_bytes_full"));
    CHECK(std::string(full.what()) == "the trace cannot hold more than 4 GiB of frame bytes");
    CHECK(full.text("zh_CN") == "一个跟踪中帧的字节数不能超过 4 GiB");
}
