// The SHA-256 the TAP tests compare transfers with, against FIPS 180-4 examples.
#include <doctest/doctest.h>

#include <string>

#include "tap/sha256.hpp"

namespace {
std::string sha(const std::string& s) {
    sendpath::test::Sha256 h;
    h.update(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    return h.hex();
}
}  // namespace

TEST_CASE("SHA-256 of the tests gives the standard digests, however the input is split") {
    CHECK(sha("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const std::string million(1000000, 'a');
    CHECK(sha(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    // Split at odd places: whole blocks from the input and partial ones mixed.
    sendpath::test::Sha256 h;
    const auto* p = reinterpret_cast<const uint8_t*>(million.data());
    std::size_t off = 0;
    for (std::size_t step : {1u, 63u, 64u, 65u, 127u, 4096u, 7u}) {
        h.update(p + off, step);
        off += step;
    }
    h.update(p + off, million.size() - off);
    CHECK(h.hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
