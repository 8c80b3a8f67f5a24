#include "model/invariants.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace sendpath::model {

namespace {

std::string str(int64_t v) { return std::to_string(v); }
std::string skb_name(uint32_t id) { return "skb " + std::to_string(id); }

// Sequence space taken by an skb: its payload plus one for SYN and one for FIN.
int64_t seq_space(const SkBuff& skb) {
    return skb.len + ((skb.tcp_flags & TCPHDR_SYN) ? 1 : 0) + ((skb.tcp_flags & TCPHDR_FIN) ? 1 : 0);
}

std::string syn_fin_note(const SkBuff& skb) {
    const bool syn = skb.tcp_flags & TCPHDR_SYN, fin = skb.tcp_flags & TCPHDR_FIN;
    if (syn && fin) return " plus 1 for SYN and 1 for FIN";
    if (syn) return " plus 1 for SYN";
    if (fin) return " plus 1 for FIN";
    return " (no SYN or FIN)";
}

// How many times id appears in sorted_ids (a sorted copy of a list of ids).
std::ptrdiff_t occurrences(const std::vector<uint32_t>& sorted_ids, uint32_t id) {
    const auto [first, last] = std::equal_range(sorted_ids.begin(), sorted_ids.end(), id);
    return last - first;
}

// The queue and the page references are counted through sorted copies, not
// std::map: `check` and the fuzz targets run this after every event, and a
// node per queued skb per event made a long run of small segments quadratic
// in allocations.
void check_queue(const State& s, std::vector<std::string>& out, std::vector<const SkBuff*>& queued) {
    std::vector<uint32_t> sorted(s.write_queue.begin(), s.write_queue.end());
    std::sort(sorted.begin(), sorted.end());
    const bool any_repeated = std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
    std::vector<uint32_t> repeated_seen;  // ids listed more than once, already reported
    for (uint32_t id : s.write_queue) {
        const std::ptrdiff_t times = any_repeated ? occurrences(sorted, id) : 1;
        if (times > 1) {
            if (std::find(repeated_seen.begin(), repeated_seen.end(), id) != repeated_seen.end()) continue;
            repeated_seen.push_back(id);
        }
        const SkBuff* skb = s.skb(id);
        if (!skb) {
            out.push_back("the write queue lists " + skb_name(id) + ", which does not exist");
            continue;
        }
        if (times > 1) out.push_back(skb_name(id) + " appears " + std::to_string(times) + " times on the write queue");
        queued.push_back(skb);
    }
    const int64_t head = s.sk.sk_send_head;
    if (head != 0 && !std::binary_search(sorted.begin(), sorted.end(), static_cast<uint32_t>(head)))
        out.push_back("sk_send_head is " + skb_name(static_cast<uint32_t>(head)) + ", which is not on the write queue");
}

void check_memory(const State& s, const std::vector<const SkBuff*>& queued, std::vector<std::string>& out) {
    int64_t truesize = 0;
    for (const SkBuff* skb : queued) truesize += skb->truesize;
    if (truesize == s.sk.sk_wmem_queued) return;
    const std::string head = "sk_wmem_queued is " + str(s.sk.sk_wmem_queued) + " but ";
    if (queued.empty()) out.push_back(head + "the write queue is empty");
    else if (queued.size() == 1)
        out.push_back(head + "the one queued skb (" + skb_name(queued[0]->id) + ") has truesize " + str(truesize));
    else
        out.push_back(head + "the truesize of the " + std::to_string(queued.size()) + " queued skbs adds up to " +
                      str(truesize));
}

void check_skb(const SkBuff& skb, InvariantScope scope, std::vector<std::string>& out) {
    // Named only when something is wrong: this runs for every skb after every event.
    const auto name = [&skb] { return skb_name(skb.id); };
    if (skb.nr_frags < 0 || skb.nr_frags > static_cast<int64_t>(MAX_SKB_FRAGS)) {
        out.push_back(name() + " has nr_frags " + str(skb.nr_frags) + ", outside 0.." + std::to_string(MAX_SKB_FRAGS) +
                      " (MAX_SKB_FRAGS)");
    } else {
        int64_t frag_bytes = 0;
        for (int64_t i = 0; i < skb.nr_frags; ++i) {
            const Frag& f = skb.frags[static_cast<std::size_t>(i)];
            frag_bytes += f.size;
            if (f.size == 0)
                out.push_back(name() + " fragment " + str(i) + " is empty (page " + std::to_string(f.page) + ")");
            if (static_cast<uint64_t>(f.off) + f.size > PAGE_SIZE)
                out.push_back(name() + " fragment " + str(i) + " runs past the end of page " + std::to_string(f.page) +
                              " (off " + std::to_string(f.off) + " + size " + std::to_string(f.size) + " > " +
                              std::to_string(PAGE_SIZE) + ")");
        }
        if (frag_bytes != skb.data_len)
            out.push_back(name() + " has data_len " + str(skb.data_len) + " but its " + str(skb.nr_frags) +
                          " fragments add up to " + str(frag_bytes));
    }
    if (skb.data_len > skb.len)
        out.push_back(name() + " has data_len " + str(skb.data_len) + " larger than len " + str(skb.len));
    if (scope.sequence) {
        const int64_t span = seq_diff(skb.end_seq, skb.seq);
        if (span != seq_space(skb))
            out.push_back(name() + ": end_seq - seq is " + str(span) + " (seq " + str(skb.seq) + ", end_seq " +
                          str(skb.end_seq) + ") but len is " + str(skb.len) + syn_fin_note(skb) + ", so it should be " +
                          str(seq_space(skb)));
    }
}

void check_sequence(const State& s, const std::vector<const SkBuff*>& queued, InvariantScope scope,
                    std::vector<std::string>& out) {
    const Sock& sk = s.sk;
    if (after(sk.snd_una, sk.snd_nxt) || after(sk.snd_nxt, sk.write_seq))
        out.push_back("snd_una <= snd_nxt <= write_seq does not hold: snd_una " + str(sk.snd_una) + ", snd_nxt " +
                      str(sk.snd_nxt) + ", write_seq " + str(sk.write_seq));
    if (queued.empty()) {
        // A socket closed in SYN_SENT is destroyed and its SYN purged
        // (tcp_close, inet_csk_destroy_sock): unacknowledged and gone.
        if (sk.write_seq != sk.snd_una && sk.state != TCP_CLOSE)
            out.push_back("the write queue is empty but write_seq " + str(sk.write_seq) + " != snd_una " +
                          str(sk.snd_una) + ": " + str(seq_diff(sk.write_seq, sk.snd_una)) +
                          " bytes are unacknowledged and held nowhere");
        return;
    }
    // The queue must be one gap-free run of sequence space ending at write_seq.
    for (std::size_t i = 1; i < queued.size(); ++i)
        if (queued[i]->seq != queued[i - 1]->end_seq)
            out.push_back(skb_name(queued[i]->id) + " starts at seq " + str(queued[i]->seq) + " but " +
                          skb_name(queued[i - 1]->id) + " before it on the write queue ends at end_seq " +
                          str(queued[i - 1]->end_seq));
    const SkBuff& head = *queued.front();
    const SkBuff& tail = *queued.back();
    if (tail.end_seq != sk.write_seq)
        out.push_back("the tail " + skb_name(tail.id) + " ends at end_seq " + str(tail.end_seq) + " but write_seq is " +
                      str(sk.write_seq));
    if (after(head.seq, sk.snd_una))
        out.push_back("the head " + skb_name(head.id) + " starts at seq " + str(head.seq) + ", after snd_una " +
                      str(sk.snd_una) + ": the unacknowledged bytes before it are held nowhere");
    if (!scope.sequence) return;
    int64_t bytes = 0;
    for (const SkBuff* skb : queued) bytes += seq_space(*skb);
    // An skb acknowledged in part (or in whole, before it is freed) still
    // holds its bytes below snd_una, so count from its seq then.
    if (before(head.seq, sk.snd_una)) {
        const int64_t want = seq_diff(sk.write_seq, head.seq);
        if (bytes != want)
            out.push_back("the write queue holds " + str(bytes) +
                          " bytes (sum of len, plus 1 per SYN or FIN) but write_seq - seq of the head " +
                          skb_name(head.id) + " is " + str(want) + " (write_seq " + str(sk.write_seq) + ", seq " +
                          str(head.seq) + ")");
    } else {
        const int64_t want = seq_diff(sk.write_seq, sk.snd_una);
        if (bytes != want)
            out.push_back("the write queue holds " + str(bytes) +
                          " bytes (sum of len, plus 1 per SYN or FIN) but write_seq - snd_una is " + str(want) +
                          " (write_seq " + str(sk.write_seq) + ", snd_una " + str(sk.snd_una) + ")");
    }
}

void check_pages(const State& s, InvariantScope scope, std::vector<std::string>& out) {
    std::vector<uint32_t> frag_pages;  // the page of every fragment, sorted below
    for (const auto& [id, skb] : s.skbs) {
        if (skb.nr_frags < 0 || skb.nr_frags > static_cast<int64_t>(MAX_SKB_FRAGS)) continue;  // reported per skb
        for (int64_t i = 0; i < skb.nr_frags; ++i) {
            const Frag& f = skb.frags[static_cast<std::size_t>(i)];
            if (!s.page(f.page))
                out.push_back(skb_name(id) + " fragment " + str(i) + " points at page " + std::to_string(f.page) +
                              ", which does not exist");
            frag_pages.push_back(f.page);
        }
    }
    std::sort(frag_pages.begin(), frag_pages.end());
    const int64_t cached = s.sk.sk_sndmsg_page;
    if (cached != 0 && !s.page(static_cast<uint32_t>(cached)))
        out.push_back("sk_sndmsg_page is page " + str(cached) + ", which does not exist");
    for (const auto& [id, page] : s.pages) {
        const int64_t frags = occurrences(frag_pages, id);
        const bool is_cached = cached == static_cast<int64_t>(id);
        const bool is_local = scope.local_page == id;
        const int64_t want = frags + (is_cached ? 1 : 0) + (is_local ? 1 : 0);
        if (page.count != want)
            out.push_back("page " + std::to_string(id) + " has count " + str(page.count) + " but " + str(frags) +
                          (frags == 1 ? " fragment points" : " fragments point") + " at it and it is " +
                          (is_cached ? "" : "not ") + "sk_sndmsg_page" +
                          (is_local ? " (and tcp_sendmsg holds it, just allocated)" : "") + ", so it should be " +
                          str(want));
    }
}

// The scoreboard's counts are never negative. (tcp_verify_left_out's
// sacked_out + lost_out <= packets_out, and the per-skb sums behind
// packets_out, lost_out and retrans_out, are not checked: the kernel lets
// them disagree between lines of one function, as when tcp_clean_rtx_queue
// frees skbs before tcp_remove_reno_sacks takes the duplicate ACKs back, and
// an event may fall between.)
void check_scoreboard(const State& s, std::vector<std::string>& out) {
    const Sock& sk = s.sk;
    if (sk.sacked_out < 0 || sk.lost_out < 0 || sk.retrans_out < 0 || sk.packets_out < 0)
        out.push_back("a scoreboard count is negative: packets_out " + str(sk.packets_out) + ", sacked_out " +
                      str(sk.sacked_out) + ", lost_out " + str(sk.lost_out) + ", retrans_out " + str(sk.retrans_out));
}

}  // namespace

std::vector<std::string> check_invariants(const State& s, InvariantScope scope) {
    std::vector<std::string> out;
    std::vector<const SkBuff*> queued;
    check_queue(s, out, queued);
    check_memory(s, queued, out);
    for (const auto& [id, skb] : s.skbs) {
        if (skb.id != id) out.push_back("the skb stored as " + skb_name(id) + " calls itself " + skb_name(skb.id));
        check_skb(skb, scope, out);
    }
    check_sequence(s, queued, scope, out);
    check_pages(s, scope, out);
    check_scoreboard(s, out);
    return out;
}

std::vector<std::string> check_invariants(const State& s) { return check_invariants(s, InvariantScope{}); }

}  // namespace sendpath::model
