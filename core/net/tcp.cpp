#include "net/tcp.hpp"

#include <stdexcept>

#include "net/bytes.hpp"
#include "net/checksum.hpp"
#include "net/ipv4.hpp"

namespace sendpath::net {

namespace {
// TCP header field offsets.
constexpr std::size_t TCP_SPORT = 0, TCP_DPORT = 2, TCP_SEQ = 4, TCP_ACKSEQ = 8, TCP_DOFF = 12, TCP_FLAGS = 13,
                      TCP_WIN = 14, TCP_CSUM = 16, TCP_URGPTR = 18;
// Option lengths.
constexpr std::size_t TCPOLEN_MSS = 4, TCPOLEN_WINDOW = 3, TCPOLEN_SACK_PERM = 2, TCPOLEN_TIMESTAMP = 10,
                      TCPOLEN_SACK_BASE = 2, TCPOLEN_SACK_PERBLOCK = 8;
constexpr std::size_t kMaxSackBlocks = 4;

// Bytes of everything but the SACK blocks, in 4-byte units as emitted.
std::size_t fixed_options_len(const TcpOptions& o) {
    std::size_t n = 0;
    if (o.mss) n += 4;
    if (o.ts) n += 12;             // SACK_PERM rides in the timestamp's padding
    else if (o.sack_perm) n += 4;  // NOP,NOP,SACK_PERM
    if (o.wscale) n += 4;          // NOP,WS
    return n;
}

std::size_t sack_blocks_fitting(const TcpOptions& o) {
    if (o.sack_blocks.empty()) return 0;
    std::size_t fixed = fixed_options_len(o);
    if (fixed + 4 + TCPOLEN_SACK_PERBLOCK > kTcpMaxOptionBytes) return 0;
    std::size_t room = (kTcpMaxOptionBytes - fixed - 4) / TCPOLEN_SACK_PERBLOCK;
    std::size_t n = o.sack_blocks.size();
    if (n > room) n = room;
    if (n > kMaxSackBlocks) n = kMaxSackBlocks;
    return n;
}

template <class T>
std::optional<T> fail(std::string* why, const char* reason) {
    if (why) *why = reason;
    return std::nullopt;
}
}  // namespace

std::size_t tcp_options_len(const TcpOptions& o) {
    std::size_t blocks = sack_blocks_fitting(o);
    return fixed_options_len(o) + (blocks ? 4 + blocks * TCPOLEN_SACK_PERBLOCK : 0);
}

std::size_t emit_tcp_options(const TcpOptions& o, uint8_t* out) {
    uint8_t* p = out;
    if (o.mss) {
        p[0] = TCPOPT_MSS;
        p[1] = TCPOLEN_MSS;
        write_be16(p + 2, *o.mss);
        p += 4;
    }
    if (o.ts) {
        if (o.sack_perm) {
            p[0] = TCPOPT_SACK_PERM;
            p[1] = TCPOLEN_SACK_PERM;
        } else {
            p[0] = TCPOPT_NOP;
            p[1] = TCPOPT_NOP;
        }
        p[2] = TCPOPT_TIMESTAMP;
        p[3] = TCPOLEN_TIMESTAMP;
        write_be32(p + 4, o.ts->first);
        write_be32(p + 8, o.ts->second);
        p += 12;
    } else if (o.sack_perm) {
        p[0] = TCPOPT_NOP;
        p[1] = TCPOPT_NOP;
        p[2] = TCPOPT_SACK_PERM;
        p[3] = TCPOLEN_SACK_PERM;
        p += 4;
    }
    if (o.wscale) {
        p[0] = TCPOPT_NOP;
        p[1] = TCPOPT_WINDOW;
        p[2] = TCPOLEN_WINDOW;
        p[3] = *o.wscale;
        p += 4;
    }
    if (std::size_t blocks = sack_blocks_fitting(o)) {
        p[0] = TCPOPT_NOP;
        p[1] = TCPOPT_NOP;
        p[2] = TCPOPT_SACK;
        p[3] = static_cast<uint8_t>(TCPOLEN_SACK_BASE + blocks * TCPOLEN_SACK_PERBLOCK);
        p += 4;
        for (std::size_t i = 0; i < blocks; ++i) {
            write_be32(p, o.sack_blocks[i].first);
            write_be32(p + 4, o.sack_blocks[i].second);
            p += 8;
        }
    }
    return static_cast<std::size_t>(p - out);
}

std::optional<TcpOptions> parse_tcp_options(std::span<const uint8_t> area, std::string* why) {
    TcpOptions o;
    const uint8_t* p = area.data();
    std::size_t n = area.size(), i = 0;
    while (i < n) {
        uint8_t kind = p[i];
        if (kind == TCPOPT_EOL) break;  // the rest is padding
        if (kind == TCPOPT_NOP) {
            ++i;
            continue;
        }
        if (i + 1 >= n) return fail<TcpOptions>(why, "TCP option truncated (no length byte)");
        std::size_t len = p[i + 1];
        if (len < 2) return fail<TcpOptions>(why, "bad TCP option length (below 2)");
        if (len > n - i) return fail<TcpOptions>(why, "bad TCP option length (past the header)");
        const uint8_t* v = p + i + 2;
        switch (kind) {
            case TCPOPT_MSS:
                if (len != TCPOLEN_MSS) return fail<TcpOptions>(why, "bad TCP MSS option length");
                o.mss = read_be16(v);
                break;
            case TCPOPT_WINDOW:
                if (len != TCPOLEN_WINDOW) return fail<TcpOptions>(why, "bad TCP window scale option length");
                o.wscale = v[0];
                break;
            case TCPOPT_SACK_PERM:
                if (len != TCPOLEN_SACK_PERM) return fail<TcpOptions>(why, "bad TCP SACK-permitted option length");
                o.sack_perm = true;
                break;
            case TCPOPT_TIMESTAMP:
                if (len != TCPOLEN_TIMESTAMP) return fail<TcpOptions>(why, "bad TCP timestamp option length");
                o.ts = std::make_pair(read_be32(v), read_be32(v + 4));
                break;
            case TCPOPT_SACK: {
                std::size_t body = len - TCPOLEN_SACK_BASE;
                if (body == 0 || body % TCPOLEN_SACK_PERBLOCK != 0 || body / TCPOLEN_SACK_PERBLOCK > kMaxSackBlocks) {
                    o.sack_bad = true;
                    o.sack_blocks.clear();
                    break;
                }
                o.sack_bad = false;
                o.sack_blocks.clear();
                for (std::size_t b = 0; b < body; b += TCPOLEN_SACK_PERBLOCK)
                    o.sack_blocks.emplace_back(read_be32(v + b), read_be32(v + b + 4));
                break;
            }
            default: break;  // unknown: skipped by its length
        }
        i += len;
    }
    return o;
}

std::size_t TcpRepr::emit(std::span<uint8_t> out) const {
    std::size_t hlen = header_len();
    if (out.size() < hlen) throw std::length_error("TcpRepr::emit: buffer shorter than the header");
    uint8_t* p = out.data();
    write_be16(p + TCP_SPORT, src_port);
    write_be16(p + TCP_DPORT, dst_port);
    write_be32(p + TCP_SEQ, seq);
    write_be32(p + TCP_ACKSEQ, ack);
    p[TCP_DOFF] = static_cast<uint8_t>((hlen / 4) << 4);
    p[TCP_FLAGS] = flags;
    write_be16(p + TCP_WIN, window);
    write_be16(p + TCP_CSUM, 0);
    write_be16(p + TCP_URGPTR, urg_ptr);
    emit_tcp_options(options, p + kMinLen);
    return hlen;
}

std::optional<TcpRepr> parse_tcp(std::span<const uint8_t> segment, std::string* why, std::size_t* header_len) {
    if (segment.size() < TcpRepr::kMinLen) return fail<TcpRepr>(why, "TCP header truncated");
    const uint8_t* p = segment.data();
    std::size_t hlen = static_cast<std::size_t>(p[TCP_DOFF] >> 4) * 4;
    if (hlen < TcpRepr::kMinLen) return fail<TcpRepr>(why, "TCP data offset below 20");
    if (hlen > segment.size()) return fail<TcpRepr>(why, "TCP options truncated");
    TcpRepr r;
    r.src_port = read_be16(p + TCP_SPORT);
    r.dst_port = read_be16(p + TCP_DPORT);
    r.seq = read_be32(p + TCP_SEQ);
    r.ack = read_be32(p + TCP_ACKSEQ);
    r.flags = p[TCP_FLAGS];
    r.window = read_be16(p + TCP_WIN);
    r.urg_ptr = read_be16(p + TCP_URGPTR);
    auto opts = parse_tcp_options(segment.subspan(TcpRepr::kMinLen, hlen - TcpRepr::kMinLen), why);
    if (!opts) return std::nullopt;
    r.options = std::move(*opts);
    if (header_len) *header_len = hlen;
    return r;
}

bool tcp_checksum_ok(std::span<const uint8_t> segment, Ipv4Addr src, Ipv4Addr dst) {
    if (segment.size() > 0xffff) return false;
    uint32_t sum = ipv4_pseudo_sum(src, dst, IP_PROTO_TCP, static_cast<uint16_t>(segment.size()));
    return csum_fold(csum_partial(segment.data(), segment.size(), sum)) == 0;
}

}  // namespace sendpath::net
