// The engine's constructor: the page store is sized from the configuration.
#include "engine/engine.hpp"

#include <algorithm>

namespace sendpath::engine {

Engine::Engine(const Config& cfg, const Options& opt, trace::Recorder& rec, Link& link)
    : cfg_(cfg), opt_(opt), rec_(rec), link_(link) {
    // Buffers for as many pages as the largest send buffer can hold, taken
    // now rather than page by page while data flows (one more slab at a time
    // past that). A run that sends less holds only what it uses.
    int64_t sndbuf_max = cfg.sysctl.tcp_wmem[2];
    if (cfg.sock.sndbuf)
        sndbuf_max = std::max<int64_t>(sndbuf_max, 2 * std::min(*cfg.sock.sndbuf, cfg.sysctl.wmem_max));
    const int64_t bytes = std::clamp<int64_t>(std::min(sndbuf_max, cfg.bytes_to_send), 0, int64_t{64} << 20);
    add_page_buffers(static_cast<std::size_t>(bytes / model::PAGE_SIZE) + kPagesPerSlab);
}

}  // namespace sendpath::engine
