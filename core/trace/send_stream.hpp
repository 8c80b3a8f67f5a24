#pragma once
// The bytes the application handed to send(), as a trace keeps them. The
// engine's own data frames hold only their headers in Trace::frame_bytes and
// take their payload from here: every byte sent is described once, by where
// it was copied from, instead of being held again in a copy of every frame
// (a traced 256 MiB send held 256 MiB of frame payload more).
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace sendpath::trace {

// Byte `offset` of the buffer of send() call `call` (1-based) when the
// scenario gives no literal data: printable, and different for every call so
// a byte's origin shows in a hex dump.
inline uint8_t payload_byte(uint32_t call, uint64_t offset) {
    if (offset % 64 == 63) return '\n';
    return static_cast<uint8_t>('A' + (call - 1) % 26);
}

// The n bytes at offset `off` of call `call`'s pattern buffer, a block at a
// time (the engine copies from "user space" and the trace rebuilds payloads
// through it).
void copy_pattern(uint8_t* dst, uint32_t call, uint64_t off, uint64_t n);
// The n bytes at offset `off` of buf repeated end to end (a caller's buffer,
// cycled); buf must not be empty.
void copy_cycled(uint8_t* dst, std::span<const uint8_t> buf, uint64_t off, uint64_t n);

// One successful copy from a send() call's buffer into the send stream.
struct SendPiece {
    enum Source : uint8_t {
        pattern = 0,  // payload_byte(call, from + i)
        literal = 1,  // SendStream::literal[from + i]
        buffer = 2,   // (*SendStream::buffer)[(from + i) % its size]: a caller's buffer, cycled
    };
    uint64_t stream_at = 0;  // offset in the send stream: 0 is the first byte after the SYN
    uint64_t from = 0;       // offset in the call's buffer (pattern, buffer) or in literal
    uint32_t len = 0;
    uint32_t call = 0;  // send() call number
    Source source = pattern;
    bool operator==(const SendPiece&) const = default;
};

struct SendStream {
    std::vector<SendPiece> pieces;  // in stream order, each starting where the last one ended
    std::vector<uint8_t> literal;   // the bytes of literal pieces
    std::shared_ptr<const std::vector<uint8_t>> buffer;

    uint64_t size() const { return pieces.empty() ? 0 : pieces.back().stream_at + pieces.back().len; }
    // Copies the n bytes at stream offset `at` to dst; false when the pieces
    // do not hold them all (a damaged trace).
    bool copy(uint64_t at, uint64_t n, uint8_t* dst) const;
};

}  // namespace sendpath::trace
