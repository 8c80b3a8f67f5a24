// The SHA-256 of what the engine sends for a send() without literal data:
// the pattern of trace::payload_byte. The TAP tests and bench_tap compare it
// with what the kernel's receiver hashed.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "trace/send_stream.hpp"
#include "util/sha256.hpp"

namespace sptest {

// The SHA-256 of the first n bytes of send() call `call`'s pattern.
inline std::string pattern_sha(uint32_t call, uint64_t n) {
    std::string chunk(64, '\0');
    for (std::size_t i = 0; i < 64; ++i)
        chunk[i] = static_cast<char>(sendpath::trace::payload_byte(call, i));  // it repeats every 64 bytes
    sendpath::util::Sha256 h;
    for (uint64_t off = 0; off < n; off += 64)
        h.update(std::string_view(chunk).substr(0, static_cast<std::size_t>(std::min<uint64_t>(64, n - off))));
    return h.hex();
}

}  // namespace sptest
