#include "trace/send_stream.hpp"

#include <algorithm>
#include <cstring>

namespace sendpath::trace {

namespace {
constexpr uint64_t kPatternPeriod = 64;  // payload_byte(call, i) == payload_byte(call, i + 64)
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
        case SendPiece::pattern: {
            // The pattern repeats every 64 bytes: copy it a period at a time
            // (a traced 256 MiB send is written out through here).
            uint8_t period[2 * kPatternPeriod];
            for (uint64_t i = 0; i < sizeof period; ++i) period[i] = payload_byte(it->call, i);
            for (uint64_t done = 0; done < take;) {
                const uint64_t chunk = std::min<uint64_t>(take - done, kPatternPeriod);
                std::memcpy(dst + done, period + (from + done) % kPatternPeriod, chunk);
                done += chunk;
            }
            break;
        }
        case SendPiece::literal:
            if (from > literal.size() || take > literal.size() - from) return false;
            std::memcpy(dst, literal.data() + from, take);
            break;
        case SendPiece::buffer: {
            if (!buffer || buffer->empty()) return false;
            const std::vector<uint8_t>& b = *buffer;
            for (uint64_t done = 0; done < take;) {
                const uint64_t q = (from + done) % b.size();
                const uint64_t chunk = std::min<uint64_t>(take - done, b.size() - q);
                std::memcpy(dst + done, b.data() + q, chunk);
                done += chunk;
            }
            break;
        }
        default:
            return false;
        }
        dst += take;
        at += take;
        n -= take;
        ++it;
    }
    return true;
}

}  // namespace sendpath::trace
