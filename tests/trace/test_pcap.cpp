// pcap export: the file must open in Wireshark with every checksum good.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "net/wire.hpp"
#include "support/files.hpp"
#include "support/shell.hpp"
#include "support/trace_builder.hpp"
#include "trace/pcap.hpp"

using namespace sendpath;

namespace {
net::FrameAddrs addrs(bool from_us) {
    net::FrameAddrs a;
    net::MacAddr us{{2, 0, 0, 0, 0, 2}}, peer{{2, 0, 0, 0, 0, 1}};
    a.src_mac = from_us ? us : peer;
    a.dst_mac = from_us ? peer : us;
    a.src_ip = from_us ? net::Ipv4Addr::of(10, 99, 0, 2) : net::Ipv4Addr::of(10, 99, 0, 1);
    a.dst_ip = from_us ? net::Ipv4Addr::of(10, 99, 0, 1) : net::Ipv4Addr::of(10, 99, 0, 2);
    return a;
}

// A data segment whose payload comes from a linear part and two fragments,
// and the peer's ACK for it.
trace::Trace two_frame_trace() {
    std::vector<uint8_t> payload(1448);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>('A' + i % 26);
    std::span<const uint8_t> parts[] = {
        {payload.data(), 101}, {payload.data() + 101, 999}, {payload.data() + 1100, 348}};
    net::TcpRepr data;
    data.src_port = 40000;
    data.dst_port = 5001;
    data.seq = 1;
    data.ack = 1;
    data.flags = net::TCP_ACK | net::TCP_PSH;
    data.window = 502;
    data.options.ts = std::make_pair(100u, 50u);
    std::vector<uint8_t> f1;
    net::emit_tcp_frame(f1, addrs(true), data, parts);

    net::TcpRepr ack;
    ack.src_port = 5001;
    ack.dst_port = 40000;
    ack.seq = 1;
    ack.ack = 1449;
    ack.flags = net::TCP_ACK;
    ack.window = 1024;
    ack.options.ts = std::make_pair(51u, 100u);
    std::vector<uint8_t> f2;
    net::emit_tcp_frame(f2, addrs(false), ack);

    sptest::TraceBuilder b;  // frames only: the pcap writer reads nothing else
    b.at(1'500'000).frame(0, 0, f1);
    b.at(2'000'250).frame(1, 0, f2);
    return b.take();
}

uint32_t le32(const std::string& s, std::size_t at) {
    return static_cast<uint32_t>(static_cast<uint8_t>(s[at])) |
           static_cast<uint32_t>(static_cast<uint8_t>(s[at + 1])) << 8 |
           static_cast<uint32_t>(static_cast<uint8_t>(s[at + 2])) << 16 |
           static_cast<uint32_t>(static_cast<uint8_t>(s[at + 3])) << 24;
}

using sptest::sh_out;

bool have_tshark() { return sptest::sh("command -v tshark >/dev/null 2>&1") == 0; }

const char* kBadChecksumFilter =
    "-o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE "
    "-Y \"_ws.malformed || tcp.checksum.status==0 || ip.checksum.status==0\"";
}  // namespace

TEST_CASE("write_pcap: global header, record headers and frame bytes") {
    trace::Trace t = two_frame_trace();
    std::ostringstream os;
    trace::write_pcap(t, os);
    std::string s = os.str();
    REQUIRE(s.size() == 24 + 16 + t.frames[0].length + 16 + t.frames[1].length);
    CHECK(le32(s, 0) == 0xa1b2c3d4u);
    CHECK(le32(s, 4) == (2u | 4u << 16));  // version 2.4
    CHECK(le32(s, 16) == 262144u);         // snaplen
    CHECK(le32(s, 20) == 1u);              // LINKTYPE_ETHERNET
    CHECK(le32(s, 24) == 1u);              // 1.500000 s
    CHECK(le32(s, 28) == 500000u);
    CHECK(le32(s, 32) == t.frames[0].length);
    CHECK(le32(s, 36) == t.frames[0].length);
    CHECK(s.compare(40, t.frames[0].length,
                    std::string(reinterpret_cast<const char*>(t.frame_bytes.data()), t.frames[0].length)) == 0);
    std::size_t r2 = 40 + t.frames[0].length;
    CHECK(le32(s, r2) == 2u);  // 2.000250 s
    CHECK(le32(s, r2 + 4) == 250u);
}

TEST_CASE("streaming PcapWriter: one record per write") {
    std::ostringstream os;
    trace::PcapWriter w(os);
    CHECK(os.str().size() == 24);
    const uint8_t frame[60] = {};
    w.write(3'000'001, frame);
    w.flush();
    std::string s = os.str();
    REQUIRE(s.size() == 24 + 16 + 60);
    CHECK(le32(s, 24) == 3u);
    CHECK(le32(s, 28) == 1u);
}

TEST_CASE("tshark reads the exported pcap: 2 packets, no malformed frame, no bad checksum") {
    trace::Trace t = two_frame_trace();
    const sptest::TempDir d("sendpath-pcap");
    const std::string path = d / "good.pcap";
    {
        std::ofstream f(path, std::ios::binary);
        trace::write_pcap(t, f);
    }
    if (!have_tshark()) {
        MESSAGE("tshark is not installed: checked the pcap bytes only (see the test above)");
        return;
    }
    int status = 0;
    std::string bad = sh_out("tshark -r '" + path + "' " + kBadChecksumFilter + " 2>/dev/null", &status);
    CHECK(status == 0);
    CHECK_MESSAGE(bad.empty(), "tshark flagged: ", bad);
    std::string all = sh_out("tshark -r '" + path + "' 2>/dev/null", &status);
    CHECK(status == 0);
    CHECK(std::count(all.begin(), all.end(), '\n') == 2);
    CHECK(all.find("40000") != std::string::npos);
    CHECK(all.find("5001") != std::string::npos);

    // The same check does catch a broken frame, so its silence above means something.
    t.frame_bytes[t.frames[0].offset + t.frames[0].length - 1] ^= 0x01;
    const std::string bad_path = d / "bad.pcap";
    {
        std::ofstream f(bad_path, std::ios::binary);
        trace::write_pcap(t, f);
    }
    bad = sh_out("tshark -r '" + bad_path + "' " + kBadChecksumFilter + " 2>/dev/null", &status);
    CHECK(std::count(bad.begin(), bad.end(), '\n') == 1);
}
