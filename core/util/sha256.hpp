// SHA-256 (FIPS 180-4), for naming the exact bytes of a file in reports:
// `sendpath-cli grade` and `answers` print the hash of the lesson file the
// key belongs to, so a grade can be traced to the lesson that made it. The
// TAP tests' receiver uses it too, to compare what the kernel received.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace sendpath::util {

class Sha256 {
public:
    Sha256();
    void update(std::string_view bytes);
    // The digest; the object must not be updated afterwards.
    std::array<uint8_t, 32> finish();
    // finish() as 64 lowercase hex digits.
    std::string hex();

private:
    void block(const uint8_t* p);
    std::array<uint32_t, 8> h_;
    std::array<uint8_t, 64> buf_{};
    std::size_t used_ = 0;
    uint64_t total_ = 0;  // bytes hashed so far
};

// The digest of bytes as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace sendpath::util
