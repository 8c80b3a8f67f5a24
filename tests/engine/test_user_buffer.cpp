// The bytes a send() copies from "user space" are the scenario's pattern
// (payload_byte) at every offset, whatever the chunk sizes the copy is cut in;
// the receiver's SHA-256 checks in the TAP tests rely on it.
#include <doctest/doctest.h>

#include <vector>

#include "engine/engine.hpp"
#include "lesson/scenario.hpp"

using namespace sendpath;

TEST_CASE("a pattern copy gives payload_byte at every offset, for any call, offset and length") {
    for (const uint32_t call : {1u, 2u, 26u, 27u, 100u}) {
        engine::UserBuffer ub;
        ub.call = call;
        for (const uint64_t off :
             {uint64_t{0}, uint64_t{1}, uint64_t{63}, uint64_t{64}, uint64_t{4095}, uint64_t{1} << 33}) {
            for (const uint64_t n :
                 {uint64_t{0}, uint64_t{1}, uint64_t{64}, uint64_t{1448}, uint64_t{4096}, uint64_t{10000}}) {
                std::vector<uint8_t> got(n + 2, 0xee);
                REQUIRE(ub.copy(got.data() + 1, off, n));
                CAPTURE(call);
                CAPTURE(off);
                CAPTURE(n);
                for (uint64_t i = 0; i < n; ++i) REQUIRE(got[1 + i] == lesson::payload_byte(call, off + i));
                CHECK(got[0] == 0xee);
                CHECK(got[n + 1] == 0xee);
            }
        }
    }
}

TEST_CASE("a copy that covers the faulting byte copies nothing") {
    engine::UserBuffer ub;
    ub.call = 1;
    ub.fault_at = 5000;
    std::vector<uint8_t> dst(4096, 0xee);
    CHECK(ub.copy(dst.data(), 0, 4096));
    CHECK_FALSE(ub.copy(dst.data(), 4096, 1000));
    CHECK(ub.copy(dst.data(), 5001, 100));
}
