// Socket memory accounting (include/net/sock.h, net/core/sock.c, 2.6.32.67):
// sk_wmem_schedule / __sk_mem_schedule against the global tcp_mem limits,
// charge and uncharge of sk_forward_alloc, lazy sk_mem_reclaim,
// sk_stream_moderate_sndbuf, freeing skbs, and the page pool with its
// reference counts.
#include <algorithm>
#include <cstring>

#include "engine/engine.hpp"
#include "net/checksum.hpp"
#include "util/prefault.hpp"

SP_EMIT_FILE("core/engine/sock_mem.cpp")

namespace sendpath::engine {

using namespace model;
using trace::Arg;
using trace::Func;
using trace::FuncScope;

namespace {
constexpr int64_t SK_MEM_QUANTUM = PAGE_SIZE;
constexpr int64_t SOCK_MIN_SNDBUF = 2048;
int64_t sk_mem_pages(int64_t amt) { return (amt + SK_MEM_QUANTUM - 1) / SK_MEM_QUANTUM; }
}  // namespace

int64_t csum_add_block(int64_t sum, const uint8_t* data, int64_t len, int64_t at) {
    const uint32_t block = net::csum_partial(data, static_cast<std::size_t>(len), 0);
    return net::csum_block_add(static_cast<uint32_t>(sum), block, static_cast<std::size_t>(at));
}

uint64_t Engine::random_u32() {
    // xorshift64*: deterministic, so the same scenario gives the same trace.
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    return (rng_ * 0x2545F4914F6CDD1Dull) >> 32;
}

bool Engine::sk_stream_memory_free() const {
    const auto& sk = st_const().sk;
    return sk.sk_wmem_queued < sk.sk_sndbuf;
}

void Engine::sk_mem_charge(int64_t n) { rec_.set(SF::sk_forward_alloc, st().sk.sk_forward_alloc - n); }
void Engine::sk_mem_uncharge(int64_t n) { rec_.set(SF::sk_forward_alloc, st().sk.sk_forward_alloc + n); }

bool Engine::sk_wmem_schedule(int64_t size) {
    if (size <= st().sk.sk_forward_alloc) return true;
    return __sk_mem_schedule(size);
}

void Engine::enter_memory_pressure() {
    if (!st().sk.tcp_memory_pressure) {
        rec_.set(SF::tcp_memory_pressure, 1);
        rec_.arg(Arg::value, 1);
        SP_EMIT(rec_, mem_pressure);
    }
}

// Charges whole pages to the global pool and decides, from the tcp_mem
// levels, whether this socket may have them.
// Its verdict and the pages it moved are logged on mem_schedule, the event of
// this function that carries what it changed (forward_alloc and the pool).
bool Engine::__sk_mem_schedule(int64_t size) {
    FuncScope fs(rec_, Func::sk_wmem_schedule);
    const int64_t amt = sk_mem_pages(size);
    const bool granted = sk_mem_schedule_grant(size, amt);
    rec_.arg(Arg::size, size);
    rec_.arg(Arg::value, granted ? amt : 0);
    rec_.arg(Arg::ret, granted ? 1 : 0);
    SP_EMIT(rec_, mem_schedule);
    return granted;
}

bool Engine::sk_mem_schedule_grant(int64_t size, int64_t amt) {
    auto& sk = st().sk;
    rec_.set(SF::sk_forward_alloc, sk.sk_forward_alloc + amt * SK_MEM_QUANTUM);
    rec_.set(SF::tcp_memory_allocated, sk.tcp_memory_allocated + amt);
    const int64_t allocated = sk.tcp_memory_allocated;

    // __sk_mem_schedule: at or below tcp_mem[0] the charge is granted and any pressure ends.
    if (allocated <= sk.tcp_mem0) {
        if (sk.tcp_memory_pressure) {
            rec_.set(SF::tcp_memory_pressure, 0);
            rec_.arg(Arg::value, 0);
            SP_EMIT(rec_, mem_pressure);
        }
        return true;
    }
    // Above tcp_mem[1] the protocol is under pressure; up to tcp_mem[2] the charge may still pass.
    if (allocated > sk.tcp_mem1) enter_memory_pressure();
    if (allocated <= sk.tcp_mem2) {
        // A socket with less than tcp_wmem[0] queued is always granted.
        if (sk.sk_wmem_queued < cfg_.sysctl.tcp_wmem[0]) return true;
        if (!sk.tcp_memory_pressure) return true;
        // Under pressure a socket may still grow while the whole pool would
        // fit if every socket were this size (there is one socket here).
        if (sk.tcp_mem2 > sk_mem_pages(sk.sk_wmem_queued + sk.sk_forward_alloc)) return true;
    }

    // suppress_allocation: the pages charged on entry (unless mem_pressure
    // just carried them) are logged here, on an event of this function,
    // before sk_stream_moderate_sndbuf logs a change of its own.
    rec_.arg(Arg::size, size);
    rec_.arg(Arg::value, amt);
    rec_.arg(Arg::reason, allocated > sk.tcp_mem2 ? 1 : 2);
    SP_EMIT(rec_, mem_suppress);
    sk_stream_moderate_sndbuf();
    // A charge that takes the socket to its sndbuf is let through anyway: its writer will sleep
    // on the full send buffer (sk_stream_memory_free). Only a socket still below it is refused.
    if (sk.sk_wmem_queued + size >= sk.sk_sndbuf) return true;

    // __sk_mem_schedule refuses: give back the pages it charged on entry.
    rec_.set(SF::sk_forward_alloc, sk.sk_forward_alloc - amt * SK_MEM_QUANTUM);
    rec_.set(SF::tcp_memory_allocated, sk.tcp_memory_allocated - amt);
    return false;
}

// Returns whole pages of forward allocation to the pool. 2.6.32.67 does this
// lazily: from the write timer, close and the receive paths, not on every free.
void Engine::sk_mem_reclaim() {
    auto& sk = st().sk;
    if (sk.sk_forward_alloc < SK_MEM_QUANTUM) return;
    FuncScope fs(rec_, Func::sk_mem_reclaim);
    const int64_t pages = sk.sk_forward_alloc / SK_MEM_QUANTUM;
    rec_.set(SF::tcp_memory_allocated, sk.tcp_memory_allocated - pages);
    rec_.set(SF::sk_forward_alloc, sk.sk_forward_alloc - pages * SK_MEM_QUANTUM);
    if (sk.tcp_memory_pressure && sk.tcp_memory_allocated < sk.tcp_mem0) { rec_.set(SF::tcp_memory_pressure, 0); }
    rec_.arg(Arg::value, pages);
    SP_EMIT(rec_, mem_reclaim);
}

void Engine::sk_stream_moderate_sndbuf() {
    auto& sk = st().sk;
    if (sk.sock_flags & SOCK_SNDBUF_LOCK) return;
    const int64_t v = std::max(std::min(sk.sk_sndbuf, sk.sk_wmem_queued / 2), SOCK_MIN_SNDBUF);
    if (v == sk.sk_sndbuf) return;
    FuncScope fs(rec_, Func::sk_stream_moderate_sndbuf);
    rec_.arg(Arg::old, sk.sk_sndbuf);
    rec_.set(SF::sk_sndbuf, v);
    rec_.arg(Arg::value, v);
    SP_EMIT(rec_, sndbuf_moderate);
}

void Engine::sk_wmem_free_skb(SkBuff& skb) {
    auto& sk = st().sk;
    rec_.set(SF::sock_flags, sk.sock_flags | SOCK_QUEUE_SHRUNK);
    rec_.set(SF::sk_wmem_queued, sk.sk_wmem_queued - skb.truesize);
    sk_mem_uncharge(skb.truesize);
    for (int64_t i = 0; i < skb.nr_frags; ++i) put_page(skb.frags[i].page);
    const uint32_t id = skb.id;
    free_skb_storage(id);
    rec_.skb_free(id);
}

// ---------------------------------------------------------------------------
// Pages and payload storage
// ---------------------------------------------------------------------------

Page* Engine::alloc_page() {
    ++page_allocs_;
    if (std::find(cfg_.faults.fail_page_alloc.begin(), cfg_.faults.fail_page_alloc.end(), page_allocs_) !=
        cfg_.faults.fail_page_alloc.end()) {
        enter_memory_pressure();
        sk_stream_moderate_sndbuf();
        return nullptr;
    }
    Page& p = rec_.page_new();
    rec_.page_set(p, 1);
    if (page_store_.size() <= p.id) page_store_.resize(p.id + 1);
    if (free_pages_.empty()) add_page_buffers(kPagesPerSlab);
    page_store_[p.id] = free_pages_.back();
    free_pages_.pop_back();
    return &p;
}

void Engine::add_page_buffers(std::size_t pages) {
    page_slabs_.emplace_back(new uint8_t[pages * PAGE_SIZE]);
    uint8_t* slab = page_slabs_.back().get();
    util::prefault(slab, pages * PAGE_SIZE);
    std::memset(slab, 0, pages * PAGE_SIZE);  // as a fresh page from the kernel would be
    for (std::size_t i = pages; i-- > 0;) free_pages_.push_back(slab + i * PAGE_SIZE);
}

void Engine::get_page(Page& p) { rec_.page_set(p, p.count + 1); }

void Engine::put_page(uint32_t id) {
    Page* p = st().page(id);
    if (!p) return;
    if (p->count > 1) {
        rec_.page_set(*p, p->count - 1);
        return;
    }
    rec_.page_set(*p, 0);
    rec_.page_free(id);
    if (id < page_store_.size() && page_store_[id]) {
        free_pages_.push_back(page_store_[id]);
        page_store_[id] = nullptr;
    }
}

uint8_t* Engine::page_data(uint32_t id) { return page_store_[id]; }
const uint8_t* Engine::page_data(uint32_t id) const { return page_store_[id]; }

std::vector<uint8_t>& Engine::linear_data(uint32_t skb_id) { return linear_[skb_id]; }

void Engine::free_skb_storage(uint32_t skb_id) {
    linear_.erase(skb_id);
    linear_head_.erase(skb_id);
}

void Engine::gather(const SkBuff& skb, uint32_t off, uint32_t len, std::vector<std::span<const uint8_t>>& out) const {
    const uint32_t headlen = static_cast<uint32_t>(skb.headlen());
    uint32_t end = off + len;
    if (off < headlen) {
        auto it = linear_.find(skb.id);
        const uint32_t pulled = linear_head_.count(skb.id) ? linear_head_.at(skb.id) : 0;
        const uint32_t stop = std::min(end, headlen);
        out.emplace_back(it->second.data() + pulled + off, stop - off);
        off = stop;
    }
    uint32_t pos = headlen;
    for (int64_t i = 0; i < skb.nr_frags && off < end; ++i) {
        const Frag& f = skb.frags[i];
        const uint32_t fend = pos + f.size;
        if (off < fend) {
            const uint32_t from = off - pos;
            const uint32_t n = std::min(end, fend) - off;
            out.emplace_back(page_data(f.page) + f.off + from, n);
            off += n;
        }
        pos = fend;
    }
}

}  // namespace sendpath::engine
