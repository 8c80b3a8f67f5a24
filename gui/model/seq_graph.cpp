#include "gui/model/seq_graph.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>

#include "net/frame.hpp"

namespace sendpath::gui {

int64_t relative_seq(const SeqGraph& g, uint32_t raw) {
    if (!g.has_isn) return raw;
    // Signed distance: a segment just before the ISN (should not happen) stays negative.
    return static_cast<int32_t>(raw - g.isn) >= 0 ? static_cast<int64_t>(static_cast<uint32_t>(raw - g.isn))
                                                  : static_cast<int64_t>(static_cast<int32_t>(raw - g.isn));
}

namespace {
// The extents fit_range() uses, over what the graph holds.
void set_extents(SeqGraph& g) {
    g.t_min = g.t_max = g.seq_min = g.seq_max = g.window_max = 0;
    bool first = true;
    auto extend = [&](int64_t time, int64_t lo, int64_t hi) {
        if (first) {
            g.t_min = g.t_max = time;
            g.seq_min = lo;
            g.seq_max = hi;
            first = false;
            return;
        }
        g.t_min = std::min(g.t_min, time);
        g.t_max = std::max(g.t_max, time);
        g.seq_min = std::min(g.seq_min, lo);
        g.seq_max = std::max(g.seq_max, hi);
    };
    for (const SeqSegment& s : g.segments) extend(s.time_us, s.seq_lo, s.seq_hi);
    for (const SeqStep& a : g.acks) extend(a.time_us, a.value, a.value);
    for (const SeqStep& w : g.windows) g.window_max = std::max(g.window_max, w.value);
}

// The SACK blocks an ACK carries, from the frame's TCP option: the blocks
// exactly as the peer sent them, D-SACK told as the receiving kernel tells it.
// (The trace's sack_blocks event counts them but has no edges; the frame has.)
void add_sacks(SeqGraph& g, const net::TcpRepr& tcp, const trace::Frame& f, uint32_t frame) {
    const auto& blocks = tcp.options.sack_blocks;
    if (blocks.empty()) return;
    // tcp_check_dsack: the first block starts before the cumulative ACK, or
    // lies within the second block (sequence comparisons wrap).
    auto before = [](uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) < 0; };
    const auto [s0, e0] = blocks[0];
    bool dsack = before(s0, tcp.ack);
    if (!dsack && blocks.size() > 1) dsack = !before(blocks[1].second, e0) && !before(s0, blocks[1].first);
    for (std::size_t k = 0; k < blocks.size(); ++k) {
        const int64_t lo = relative_seq(g, blocks[k].first);
        // The right edge's distance from the left, so a block across the
        // 2^32 wrap stays one piece.
        const int64_t hi = lo + static_cast<int32_t>(blocks[k].second - blocks[k].first);
        g.sacks.push_back(SeqSack{f.time_us, frame, f.event, lo, hi, k == 0 && dsack});
    }
}
}  // namespace

SeqGraph build_seq_graph(const trace::Trace& t) {
    SeqGraph g;
    struct Parsed {
        std::size_t i;
        net::TcpRepr tcp;
        std::size_t payload;
    };
    std::vector<Parsed> tcp_frames;
    tcp_frames.reserve(t.frames.size());
    bool our_wscale = false, peer_wscale = false;
    uint8_t peer_shift = 0;
    std::vector<uint8_t> scratch;
    for (std::size_t i = 0; i < t.frames.size(); ++i) {
        const trace::Frame& f = t.frames[i];
        const auto bytes = t.frame_data(f, scratch);
        if (bytes.size() != f.length) continue;  // a damaged trace: skip, never read past
        const auto pf = net::parse_frame(bytes, nullptr);
        if (!pf || !pf->tcp) continue;
        const net::TcpRepr& tcp = *pf->tcp;
        if (tcp.flags & net::TCP_SYN) {
            if (f.dir == 0) {
                if (!g.has_isn) {
                    g.has_isn = true;
                    g.isn = tcp.seq;
                }
                our_wscale = our_wscale || tcp.options.wscale.has_value();
            } else if (tcp.options.wscale) {
                peer_wscale = true;
                peer_shift = *tcp.options.wscale;
            }
        }
        tcp_frames.push_back(Parsed{i, tcp, pf->payload.size()});
    }
    // RFC 7323: scaling is on only when both SYNs carried the option.
    g.wscale = our_wscale && peer_wscale ? std::min<int>(peer_shift, 14) : 0;

    int64_t highest = std::numeric_limits<int64_t>::min();
    for (const Parsed& p : tcp_frames) {
        const trace::Frame& f = t.frames[p.i];
        const net::TcpRepr& tcp = p.tcp;
        if (f.dir == 0) {
            const int64_t len = static_cast<int64_t>(p.payload) + ((tcp.flags & net::TCP_SYN) ? 1 : 0) +
                                ((tcp.flags & net::TCP_FIN) ? 1 : 0);
            if (len == 0) continue;  // a bare ACK occupies no sequence space
            SeqSegment s;
            s.time_us = f.time_us;
            s.frame = static_cast<uint32_t>(p.i);
            s.event = f.event;
            s.seq_lo = relative_seq(g, tcp.seq);
            s.seq_hi = s.seq_lo + len;
            s.retransmit = s.seq_lo < highest;
            s.dropped = f.dropped != 0;
            highest = std::max(highest, s.seq_hi);
            g.segments.push_back(s);
        } else if ((tcp.flags & net::TCP_ACK) && !f.dropped) {
            const int64_t ack = relative_seq(g, tcp.ack);
            // The window in a SYN is never scaled.
            const int shift = (tcp.flags & net::TCP_SYN) ? 0 : g.wscale;
            const int64_t win = static_cast<int64_t>(tcp.window) << shift;
            g.acks.push_back(SeqStep{f.time_us, ack, static_cast<uint32_t>(p.i), f.event});
            g.windows.push_back(SeqStep{f.time_us, ack + win, static_cast<uint32_t>(p.i), f.event});
            add_sacks(g, tcp, f, static_cast<uint32_t>(p.i));
        }
    }

    set_extents(g);
    return g;
}

SeqGraph clip_seq_graph(const SeqGraph& g, std::size_t horizon) {
    SeqGraph c;
    c.has_isn = g.has_isn;
    c.isn = g.isn;
    c.wscale = g.wscale;
    for (const SeqSegment& s : g.segments)
        if (s.event <= horizon) c.segments.push_back(s);
    for (const SeqStep& a : g.acks)
        if (a.event <= horizon) c.acks.push_back(a);
    for (const SeqStep& w : g.windows)
        if (w.event <= horizon) c.windows.push_back(w);
    for (const SeqSack& k : g.sacks)
        if (k.event <= horizon) c.sacks.push_back(k);
    set_extents(c);
    return c;
}

PlotRange fit_range(const SeqGraph& g) {
    return fit_range(SeqExtents{g.empty(), g.t_min, g.t_max, g.seq_min, g.seq_max, g.window_max});
}

PlotRange fit_range(const SeqExtents& g) {
    PlotRange r;
    if (g.empty) return r;
    const double dt = std::max(100.0, static_cast<double>(g.t_max - g.t_min));
    double ds = std::max(100.0, static_cast<double>(g.seq_max - g.seq_min));
    if (g.window_max > g.seq_max && static_cast<double>(g.window_max - g.seq_max) <= ds * 0.5)
        ds = static_cast<double>(g.window_max - g.seq_min);
    r.t0 = static_cast<double>(g.t_min) - dt * 0.04;
    r.t1 = static_cast<double>(g.t_min) + dt * 1.04;
    r.s0 = static_cast<double>(g.seq_min) - ds * 0.04;
    r.s1 = static_cast<double>(g.seq_min) + ds * 1.06;
    return r;
}

namespace {
// Keeps a range from collapsing to nothing or growing without bound.
void clamp_span(double& lo, double& hi, double anchor, double min_span, double max_span) {
    const double span = hi - lo;
    const double want = std::clamp(span, min_span, max_span);
    if (want == span) return;
    const double f = span > 0 ? (anchor - lo) / span : 0.5;
    lo = anchor - f * want;
    hi = lo + want;
}
}  // namespace

namespace {
// One axis of a zoom by `factor` about the point at fraction f of [lo, hi].
void zoom_axis(double& lo, double& hi, double f, double factor) {
    const double at = lo + f * (hi - lo);
    const double span_lo = at - lo, span_hi = hi - at;
    lo = at - span_lo / factor;
    hi = at + span_hi / factor;
    clamp_span(lo, hi, at, 1.0, 1e13);
}
}  // namespace

PlotRange zoom_at(const PlotRange& r, double fx, double fy, double factor) {
    PlotRange z = r;
    if (!(factor > 0)) return z;  // no zoom by zero, a negative or NaN (was: the seq axis became infinite)
    zoom_axis(z.t0, z.t1, fx, factor);
    zoom_axis(z.s0, z.s1, fy, factor);
    return z;
}

PlotRange zoom_time_at(const PlotRange& r, double fx, double factor) {
    PlotRange z = r;
    if (!(factor > 0)) return z;
    zoom_axis(z.t0, z.t1, fx, factor);
    return z;
}

PlotRange pan(const PlotRange& r, double dfx, double dfy) {
    PlotRange p = r;
    const double dt = dfx * (r.t1 - r.t0), ds = dfy * (r.s1 - r.s0);
    p.t0 -= dt;
    p.t1 -= dt;
    p.s0 -= ds;
    p.s1 -= ds;
    return p;
}

std::vector<double> nice_ticks(double lo, double hi, int n) {
    std::vector<double> out;
    if (!(hi > lo) || n < 1 || !std::isfinite(lo) || !std::isfinite(hi)) return out;
    const double raw = (hi - lo) / n;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9 && out.size() < 1000; v += step)
        out.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
    return out;
}

int64_t step_value_at(std::span<const SeqStep> steps, int64_t t) {
    auto it =
        std::upper_bound(steps.begin(), steps.end(), t, [](int64_t x, const SeqStep& s) { return x < s.time_us; });
    if (it == steps.begin()) return -1;
    return std::prev(it)->value;
}

std::span<const SeqSack> sacks_at(std::span<const SeqStep> acks, std::span<const SeqSack> sacks, int64_t t) {
    const auto a =
        std::upper_bound(acks.begin(), acks.end(), t, [](int64_t x, const SeqStep& s) { return x < s.time_us; });
    if (a == acks.begin()) return {};
    const uint32_t frame = std::prev(a)->frame;
    // Blocks are in frame order, an ACK's together.
    const auto lo =
        std::lower_bound(sacks.begin(), sacks.end(), frame, [](const SeqSack& k, uint32_t f) { return k.frame < f; });
    auto hi = lo;
    while (hi != sacks.end() && hi->frame == frame) ++hi;
    return {lo, hi};
}

int nearest_segment(const SeqGraph& g, double t, double s, double t_per_px, double s_per_px, double max_px,
                    std::size_t upto) {
    int best = -1;
    double best_d = max_px;
    // Only segments within max_px of t in time can be near (the segments are
    // in time order): the hover costs the same in a trace of any length.
    const double reach = max_px * t_per_px;
    const std::span<const SeqSegment> segs(g.segments.data(), std::min(upto, g.segments.size()));
    const auto lo = std::lower_bound(segs.begin(), segs.end(), t - reach,
                                     [](const SeqSegment& x, double v) { return static_cast<double>(x.time_us) < v; });
    const auto hi = std::upper_bound(segs.begin(), segs.end(), t + reach,
                                     [](double v, const SeqSegment& x) { return v < static_cast<double>(x.time_us); });
    for (auto i = static_cast<std::size_t>(lo - segs.begin()); i < static_cast<std::size_t>(hi - segs.begin()); ++i) {
        const SeqSegment& seg = segs[i];
        const double dx = (static_cast<double>(seg.time_us) - t) / t_per_px;
        double dy = 0;
        if (s < static_cast<double>(seg.seq_lo)) dy = (static_cast<double>(seg.seq_lo) - s) / s_per_px;
        else if (s > static_cast<double>(seg.seq_hi)) dy = (s - static_cast<double>(seg.seq_hi)) / s_per_px;
        const double d = std::hypot(dx, dy);
        if (d <= best_d) {
            best_d = d;
            best = static_cast<int>(i);
        }
    }
    return best;
}

}  // namespace sendpath::gui
