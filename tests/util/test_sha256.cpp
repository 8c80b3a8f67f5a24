// SHA-256 against the FIPS 180-4 examples and lengths around the 64-byte
// block and its 56-byte padding limit (expected digests from sha256sum).
#include <doctest/doctest.h>

#include <string>

#include "util/sha256.hpp"

using sendpath::util::Sha256;
using sendpath::util::sha256_hex;

TEST_CASE("sha256: FIPS 180-4 examples") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: lengths at the block and padding edges, and in pieces") {
    CHECK(sha256_hex(std::string(55, 'x')) == "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
    CHECK(sha256_hex(std::string(56, 'x')) == "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
    CHECK(sha256_hex(std::string(63, 'x')) == "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2");
    CHECK(sha256_hex(std::string(64, 'x')) == "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
    CHECK(sha256_hex(std::string(65, 'x')) == "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9");
    // Fed in uneven pieces, the same digest as in one piece.
    const std::string s(119, 'x');
    Sha256 h;
    h.update(s.substr(0, 1));
    h.update(s.substr(1, 70));
    h.update(s.substr(71));
    std::string hex;
    for (auto b : h.finish()) {
        static const char* d = "0123456789abcdef";
        hex += d[b >> 4];
        hex += d[b & 15];
    }
    CHECK(hex == "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c");
    CHECK(sha256_hex(s) == hex);
}
