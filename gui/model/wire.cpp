#include "gui/model/wire.hpp"

#include <algorithm>
#include <cstdio>

#include "net/frame.hpp"

namespace sendpath::gui {

std::size_t frames_at(const trace::Trace& t, std::size_t cursor) {
    // Frames are recorded as their events happen, so their events never go
    // down: a binary search, not a walk over every frame (it runs each frame).
    const auto it = std::partition_point(t.frames.begin(), t.frames.end(),
                                         [&](const trace::Frame& f) { return f.event <= cursor; });
    return static_cast<std::size_t>(it - t.frames.begin());
}

std::string_view summary_without_ports(std::string_view summary) {
    const auto arrow = summary.find(" > ");
    if (arrow == std::string_view::npos) return summary;
    const auto after = summary.find(' ', arrow + 3);
    if (after == std::string_view::npos || after + 1 >= summary.size()) return summary;
    return summary.substr(after + 1);
}

std::string tcp_flag_names(uint8_t flags) {
    static constexpr std::pair<uint8_t, const char*> kNames[] = {
        {net::TCP_SYN, "SYN"}, {net::TCP_FIN, "FIN"}, {net::TCP_RST, "RST"}, {net::TCP_PSH, "PSH"},
        {net::TCP_ACK, "ACK"}, {net::TCP_URG, "URG"}, {net::TCP_ECE, "ECE"}, {net::TCP_CWR, "CWR"}};
    std::string s;
    for (const auto& [bit, name] : kNames)
        if (flags & bit) s += (s.empty() ? "" : "|") + std::string(name);
    return s.empty() ? "none" : s;
}

FrameDecode decode_frame(std::span<const uint8_t> bytes) {
    FrameDecode d;
    d.summary = net::summarize_frame(bytes);
    std::string why;
    const auto pf = net::parse_frame(bytes, &why);
    if (!pf) {
        d.fields.push_back({"frame", "error", why});
        return d;
    }
    d.ok = true;
    auto add = [&](const char* layer, const char* name, std::string value) {
        d.fields.push_back(FrameField{layer, name, std::move(value)});
    };
    add("Ethernet", "dst", net::to_string(pf->eth.dst));
    add("Ethernet", "src", net::to_string(pf->eth.src));
    char buf[64];
    std::snprintf(buf, sizeof buf, "0x%04x", pf->eth.ethertype);
    add("Ethernet", "type", buf);
    d.ranges.push_back(ByteRange{0, net::EthernetRepr::kLen, "Ethernet"});
    if (pf->arp) {
        add("ARP", "op", pf->arp->op == net::ARP_REQUEST ? "request" : "reply");
        add("ARP", "sender", net::to_string(pf->arp->sender_ip) + " " + net::to_string(pf->arp->sender_mac));
        add("ARP", "target", net::to_string(pf->arp->target_ip) + " " + net::to_string(pf->arp->target_mac));
        d.ranges.push_back(ByteRange{net::EthernetRepr::kLen, net::EthernetRepr::kLen + net::ArpRepr::kLen, "ARP"});
        return d;
    }
    if (pf->ip) {
        const auto& ip = *pf->ip;
        add("IPv4", "src", net::to_string(ip.src));
        add("IPv4", "dst", net::to_string(ip.dst));
        add("IPv4", "total length", std::to_string(ip.header_len + ip.payload_len));
        add("IPv4", "id", std::to_string(ip.ident));
        add("IPv4", "ttl", std::to_string(ip.ttl));
        add("IPv4", "flags", ip.df ? "DF" : "-");
        const std::size_t ip_begin = net::EthernetRepr::kLen;
        const std::size_t tcp_begin = ip_begin + ip.header_len;
        d.ranges.push_back(ByteRange{ip_begin, tcp_begin, "IPv4"});
        if (pf->tcp) {
            const auto& tcp = *pf->tcp;
            add("TCP", "ports", std::to_string(tcp.src_port) + " > " + std::to_string(tcp.dst_port));
            add("TCP", "seq", std::to_string(tcp.seq));
            add("TCP", "ack", std::to_string(tcp.ack));
            std::snprintf(buf, sizeof buf, "0x%02x ", tcp.flags);
            add("TCP", "flags", buf + tcp_flag_names(tcp.flags));
            add("TCP", "window", std::to_string(tcp.window) + " (raw field)");
            std::string opts;
            if (tcp.options.mss) opts += "mss " + std::to_string(*tcp.options.mss) + " ";
            if (tcp.options.wscale) opts += "wscale " + std::to_string(*tcp.options.wscale) + " ";
            if (tcp.options.sack_perm) opts += "sackOK ";
            if (tcp.options.ts)
                opts +=
                    "TS " + std::to_string(tcp.options.ts->first) + " " + std::to_string(tcp.options.ts->second) + " ";
            for (const auto& [a, b] : tcp.options.sack_blocks)
                opts += "sack " + std::to_string(a) + ":" + std::to_string(b) + " ";
            if (!opts.empty()) opts.pop_back();
            add("TCP", "options", opts.empty() ? "none" : opts);
            const std::size_t payload_begin = static_cast<std::size_t>(pf->payload.data() - bytes.data());
            d.payload_len = pf->payload.size();
            add("TCP", "payload", std::to_string(d.payload_len) + " bytes");
            d.ranges.push_back(ByteRange{tcp_begin, payload_begin, "TCP"});
            if (d.payload_len) d.ranges.push_back(ByteRange{payload_begin, payload_begin + d.payload_len, "payload"});
        }
    }
    return d;
}

std::vector<std::string> hex_dump(std::span<const uint8_t> bytes) {
    std::vector<std::string> lines;
    for (std::size_t off = 0; off < bytes.size(); off += 16) {
        char buf[96];
        int n = std::snprintf(buf, sizeof buf, "%04zx  ", off);
        std::string line(buf, static_cast<std::size_t>(n));
        std::string ascii;
        for (std::size_t k = 0; k < 16; ++k) {
            if (off + k < bytes.size()) {
                const uint8_t b = bytes[off + k];
                std::snprintf(buf, sizeof buf, "%02x ", b);
                line += buf;
                ascii += (b >= 0x20 && b < 0x7f) ? static_cast<char>(b) : '.';
            } else {
                line += "   ";
            }
            if (k == 7) line += ' ';
        }
        lines.push_back(line + " |" + ascii + "|");
    }
    return lines;
}

}  // namespace sendpath::gui
