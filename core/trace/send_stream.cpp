#include "trace/send_stream.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace sendpath::trace {

namespace {
// payload_byte()'s pattern repeats every 64 bytes and depends on the call only
// through its letter: one prepared run per letter lets a copy go a block at a
// time instead of a byte at a time.
constexpr uint64_t kPatternPeriod = 64;
constexpr uint64_t kPatternBlock = 4096;
const uint8_t* pattern_run(uint32_t call) {
    static thread_local std::array<std::array<uint8_t, kPatternBlock + kPatternPeriod>, 26> runs;
    static thread_local std::array<bool, 26> built{};
    const uint32_t letter = (call - 1) % 26;
    if (!built[letter]) {
        for (uint64_t i = 0; i < runs[letter].size(); ++i) runs[letter][i] = payload_byte(call, i);
        built[letter] = true;
    }
    return runs[letter].data();
}
}  // namespace

void copy_pattern(uint8_t* dst, uint32_t call, uint64_t off, uint64_t n) {
    const uint8_t* run = pattern_run(call);
    for (uint64_t done = 0; done < n;) {
        const uint64_t chunk = std::min(n - done, kPatternBlock);
        std::memcpy(dst + done, run + (off + done) % kPatternPeriod, chunk);
        done += chunk;
    }
}

void copy_cycled(uint8_t* dst, std::span<const uint8_t> buf, uint64_t off, uint64_t n) {
    for (uint64_t done = 0; done < n;) {
        const uint64_t at = (off + done) % buf.size();
        const uint64_t chunk = std::min<uint64_t>(n - done, buf.size() - at);
        std::memcpy(dst + done, buf.data() + at, chunk);
        done += chunk;
    }
}

bool SendStream::copy(uint64_t at, uint64_t n, uint8_t* dst) const {
    if (n == 0) return true;
    if (at > size() || n > size() - at) return false;
    // The last piece starting at or before `at`.
    auto it = std::upper_bound(pieces.begin(), pieces.end(), at,
                               [](uint64_t a, const SendPiece& p) { return a < p.stream_at; });
    if (it == pieces.begin()) return false;
    --it;
    while (n > 0) {
        if (it == pieces.end() || at < it->stream_at || at >= it->stream_at + it->len) return false;
        const uint64_t in = at - it->stream_at;
        const uint64_t take = std::min<uint64_t>(n, it->len - in);
        const uint64_t from = it->from + in;
        switch (it->source) {
            case SendPiece::pattern: copy_pattern(dst, it->call, from, take); break;
            case SendPiece::literal:
                if (from > literal.size() || take > literal.size() - from) return false;
                std::memcpy(dst, literal.data() + from, take);
                break;
            case SendPiece::buffer:
                if (!buffer || buffer->empty()) return false;
                copy_cycled(dst, *buffer, from, take);
                break;
            default: return false;
        }
        dst += take;
        at += take;
        n -= take;
        ++it;
    }
    return true;
}

}  // namespace sendpath::trace
