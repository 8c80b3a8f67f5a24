// Classic libpcap files. Written little-endian whatever the host (readers
// tell the byte order from the magic), so the same trace gives the same
// file everywhere.
#include "trace/pcap.hpp"

#include <algorithm>

namespace sendpath::trace {

namespace {
constexpr uint32_t kMagicMicroseconds = 0xa1b2c3d4;
constexpr uint16_t kVersionMajor = 2, kVersionMinor = 4;
constexpr uint32_t kSnaplen = 262144;
constexpr uint32_t kLinktypeEthernet = 1;

void put16(std::ostream& out, uint16_t v) {
    const char b[2] = {static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
    out.write(b, 2);
}
void put32(std::ostream& out, uint32_t v) {
    const char b[4] = {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff),
                       static_cast<char>((v >> 16) & 0xff), static_cast<char>(v >> 24)};
    out.write(b, 4);
}
}  // namespace

PcapWriter::PcapWriter(std::ostream& out) : out_(out) {
    put32(out_, kMagicMicroseconds);
    put16(out_, kVersionMajor);
    put16(out_, kVersionMinor);
    put32(out_, 0);  // thiszone: timestamps are UTC (virtual time starts at the epoch)
    put32(out_, 0);  // sigfigs
    put32(out_, kSnaplen);
    put32(out_, kLinktypeEthernet);
}

void PcapWriter::write(int64_t time_us, std::span<const uint8_t> frame) {
    if (time_us < 0) time_us = 0;
    const uint32_t caplen = static_cast<uint32_t>(std::min<std::size_t>(frame.size(), kSnaplen));
    put32(out_, static_cast<uint32_t>(time_us / 1'000'000));
    put32(out_, static_cast<uint32_t>(time_us % 1'000'000));
    put32(out_, caplen);
    put32(out_, static_cast<uint32_t>(frame.size()));
    out_.write(reinterpret_cast<const char*>(frame.data()), caplen);
}

void PcapWriter::flush() { out_.flush(); }

void write_pcap(const Trace& t, std::ostream& out) {
    PcapWriter w(out);
    std::vector<uint8_t> scratch;
    for (const Frame& f : t.frames) {
        // A frame whose bytes the trace does not hold (a damaged trace) is skipped, not read out of bounds.
        const auto bytes = t.frame_data(f, scratch);
        if (bytes.size() != f.length) continue;
        w.write(f.time_us, bytes);
    }
    w.flush();
}

}  // namespace sendpath::trace
