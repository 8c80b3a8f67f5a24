// SendStream: the bytes a trace's frames take their payload from, described
// by where each piece was copied from. Any range reads back byte for byte,
// across pieces of every source; a range the pieces do not hold is refused.
#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "trace/send_stream.hpp"

using namespace sendpath;
using trace::SendPiece;
using trace::SendStream;

namespace {
// Three calls: 1000 pattern bytes of call 3 from its offset 37, 10 literal
// bytes, 5000 bytes of a 777-byte buffer (cycled) from call offset 700.
SendStream mixed(std::vector<uint8_t>& expect) {
    SendStream s;
    auto buf = std::make_shared<std::vector<uint8_t>>(777);
    for (std::size_t i = 0; i < buf->size(); ++i) (*buf)[i] = static_cast<uint8_t>(i * 13 + 1);
    s.buffer = buf;
    s.literal = {'x', 'h', 'e', 'l', 'l', 'o', ' ', 'y', 'o', 'u'};
    s.pieces.push_back(SendPiece{0, 37, 1000, 3, SendPiece::pattern});
    s.pieces.push_back(SendPiece{1000, 1, 9, 4, SendPiece::literal});
    s.pieces.push_back(SendPiece{1009, 700, 5000, 5, SendPiece::buffer});
    for (uint64_t i = 0; i < 1000; ++i) expect.push_back(trace::payload_byte(3, 37 + i));
    for (uint64_t i = 0; i < 9; ++i) expect.push_back(s.literal[1 + i]);
    for (uint64_t i = 0; i < 5000; ++i) expect.push_back((*buf)[(700 + i) % 777]);
    return s;
}
}  // namespace

TEST_CASE("a send stream reads back any range, across pieces of every source") {
    std::vector<uint8_t> expect;
    const SendStream s = mixed(expect);
    REQUIRE(s.size() == expect.size());
    for (const uint64_t at : {0, 1, 26, 63, 64, 999, 1000, 1005, 1008, 1009, 1010, 1785, 6008})
        for (const uint64_t n : {0, 1, 2, 63, 64, 65, 700, 1500, 6009}) {
            if (at + n > s.size()) continue;
            CAPTURE(at);
            CAPTURE(n);
            std::vector<uint8_t> got(n + 1, 0xee);
            REQUIRE(s.copy(at, n, got.data()));
            CHECK(std::equal(got.begin(), got.begin() + static_cast<std::ptrdiff_t>(n),
                             expect.begin() + static_cast<std::ptrdiff_t>(at)));
            CHECK(got[n] == 0xee);  // nothing written past the range
        }
}

TEST_CASE("a send stream refuses a range it does not hold") {
    std::vector<uint8_t> expect;
    std::vector<uint8_t> out(8000);
    SUBCASE("past the end") {
        const SendStream s = mixed(expect);
        CHECK_FALSE(s.copy(s.size() - 1, 2, out.data()));
        CHECK_FALSE(s.copy(s.size() + 1, 1, out.data()));
    }
    SUBCASE("a buffer piece without its buffer") {
        SendStream s = mixed(expect);
        s.buffer.reset();
        CHECK(s.copy(0, 1009, out.data()));  // the other pieces still read
        CHECK_FALSE(s.copy(1008, 2, out.data()));
    }
    SUBCASE("a literal piece past its bytes") {
        SendStream s = mixed(expect);
        s.literal.resize(5);
        CHECK_FALSE(s.copy(1000, 9, out.data()));
    }
    SUBCASE("a gap between pieces") {
        SendStream s = mixed(expect);
        s.pieces[1].stream_at += 1;  // piece 0 ends at 1000, piece 1 starts at 1001
        CHECK_FALSE(s.copy(999, 3, out.data()));
    }
    SUBCASE("an empty stream") {
        const SendStream s;
        CHECK(s.size() == 0);
        CHECK(s.copy(0, 0, out.data()));
        CHECK_FALSE(s.copy(0, 1, out.data()));
    }
}
