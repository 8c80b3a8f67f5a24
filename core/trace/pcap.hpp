// pcap (libpcap classic format, LINKTYPE_ETHERNET, microsecond timestamps).
#pragma once

#include <cstdint>
#include <ostream>
#include <span>

#include "trace/event.hpp"

namespace sendpath::trace {

// Streaming writer, for the live TAP link (flush() after every frame).
class PcapWriter {
public:
    explicit PcapWriter(std::ostream& out);  // writes the global header
    void write(int64_t time_us, std::span<const uint8_t> frame);
    void flush();

private:
    std::ostream& out_;
};

// Every frame of the trace in order (dropped frames included: they were on the wire).
void write_pcap(const Trace& t, std::ostream& out);

}  // namespace sendpath::trace
