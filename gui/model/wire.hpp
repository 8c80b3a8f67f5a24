// The Wire view's content: which frames exist at the cursor, a decoded
// description of one frame (through core/net's parser), and its hex dump with
// the byte ranges of each header so the view can colour them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "trace/event.hpp"

namespace sendpath::gui {

// Number of frames that belong to events 0..cursor (frames are in time
// order, so they are a prefix of Trace::frames).
std::size_t frames_at(const trace::Trace& t, std::size_t cursor);

// A frame's one-line summary (net::summarize_frame) without its leading
// "SRC:PORT > DST:PORT ": the frame list has a direction column, and the
// addresses are the same on every row, so the flags, seq, ack, window and
// length fit in a narrow window. Anything else (ARP, an invalid frame) is
// returned whole.
std::string_view summary_without_ports(std::string_view summary);

struct FrameField {
    std::string layer;  // "Ethernet", "IPv4", "TCP", "ARP", "payload"
    std::string name;
    std::string value;
};

struct ByteRange {
    std::size_t begin = 0, end = 0;
    std::string layer;
};

struct FrameDecode {
    bool ok = false;
    std::string summary;             // one tcpdump-like line (or "invalid frame: why")
    std::vector<FrameField> fields;  // header fields, top layer last
    std::vector<ByteRange> ranges;   // Ethernet, IPv4, TCP header, payload
    std::size_t payload_len = 0;
};

FrameDecode decode_frame(std::span<const uint8_t> bytes);

// "0000  45 00 00 34 ...  |E..4|" lines of 16 bytes.
std::vector<std::string> hex_dump(std::span<const uint8_t> bytes);

// "SYN|ACK|PSH" style flag names for a TCP flags byte.
std::string tcp_flag_names(uint8_t flags);

}  // namespace sendpath::gui
