// check_invariants on hand-built states: a consistent state passes, and each
// rule catches the bookkeeping mistake it exists for, with a sentence that
// names the skb or page and the values.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "model/invariants.hpp"

using namespace sendpath::model;

namespace {

// Two skbs on the write queue, 1000..4100: skb 1 holds 100 linear bytes and
// has been sent; skb 2 holds 3000 bytes in two fragments, one in page 1 and
// one in page 2, which is still the socket's cached page.
State good_state() {
    State s;
    s.sk.snd_una = 1000;
    s.sk.snd_nxt = 1100;
    s.sk.write_seq = 4100;
    SkBuff a;
    a.id = 1;
    a.seq = 1000;
    a.end_seq = 1100;
    a.len = 100;
    a.linear_cap = 1000;
    a.truesize = 1552;
    a.tcp_flags = TCPHDR_ACK | TCPHDR_PSH;
    SkBuff b;
    b.id = 2;
    b.seq = 1100;
    b.end_seq = 4100;
    b.len = 3000;
    b.data_len = 3000;
    b.truesize = 552 + 3000;
    b.tcp_flags = TCPHDR_ACK;
    b.nr_frags = 2;
    b.frags[0] = Frag{1, 2096, 2000};
    b.frags[1] = Frag{2, 0, 1000};
    s.skbs[1] = a;
    s.skbs[2] = b;
    s.write_queue = {1, 2};
    s.sk.sk_send_head = 2;
    s.sk.sk_wmem_queued = a.truesize + b.truesize;
    s.pages[1] = Page{1, 1};
    s.pages[2] = Page{2, 2};
    s.sk.sk_sndmsg_page = 2;
    s.sk.sk_sndmsg_off = 1000;
    return s;
}

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
    for (const auto& p : problems)
        if (p.find(text) != std::string::npos) return true;
    return false;
}

std::string all(const std::vector<std::string>& problems) {
    std::string s;
    for (const auto& p : problems) s += p + "\n";
    return s;
}

}  // namespace

TEST_CASE("a consistent state has no violations") {
    const auto problems = check_invariants(good_state());
    CHECK_MESSAGE(problems.empty(), all(problems));
    CHECK(check_invariants(State{}).empty());
}

TEST_CASE("a SYN and a FIN each take one sequence number") {
    State s;
    s.sk.snd_una = 5000;
    s.sk.snd_nxt = 5001;
    s.sk.write_seq = 5001;
    SkBuff syn;
    syn.id = 1;
    syn.seq = 5000;
    syn.end_seq = 5001;
    syn.tcp_flags = TCPHDR_SYN;
    syn.truesize = 552;
    s.skbs[1] = syn;
    s.write_queue = {1};
    s.sk.sk_wmem_queued = 552;
    CHECK_MESSAGE(check_invariants(s).empty(), all(check_invariants(s)));

    State f = good_state();
    f.skbs[2].tcp_flags |= TCPHDR_FIN;
    f.skbs[2].end_seq += 1;
    f.sk.write_seq += 1;
    CHECK_MESSAGE(check_invariants(f).empty(), all(check_invariants(f)));
}

TEST_CASE("queued bytes must add up to write_seq - snd_una") {
    State s = good_state();
    s.sk.write_seq = 4200;
    const auto p = check_invariants(s);
    CHECK_MESSAGE(mentions(p, "the write queue holds 3100 bytes"), all(p));
    CHECK_MESSAGE(mentions(p, "write_seq - snd_una is 3200"), all(p));
}

TEST_CASE("an skb acknowledged in part counts from its own seq") {
    State s = good_state();
    s.sk.snd_una = 1050;  // skb 1 half acknowledged, not trimmed
    CHECK_MESSAGE(check_invariants(s).empty(), all(check_invariants(s)));
    s.sk.snd_una = 900;  // bytes 900..1000 are unacknowledged but on no skb
    CHECK(mentions(check_invariants(s), "the head skb 1 starts at seq 1000, after snd_una 900"));
}

TEST_CASE("sk_wmem_queued must be the sum of truesize") {
    State s = good_state();
    s.sk.sk_wmem_queued -= 100;
    const auto p = check_invariants(s);
    REQUIRE(p.size() == 1);
    CHECK(p[0] == "sk_wmem_queued is 5004 but the truesize of the 2 queued skbs adds up to 5104");
}

TEST_CASE("a page's count is its fragments plus the socket's cached reference") {
    State s = good_state();
    s.pages[1].count = 2;
    auto p = check_invariants(s);
    REQUIRE(p.size() == 1);
    CHECK(p[0] == "page 1 has count 2 but 1 fragment points at it and it is not sk_sndmsg_page, so it should be 1");

    s = good_state();
    s.pages[2].count = 1;  // the cache's own reference was forgotten
    p = check_invariants(s);
    REQUIRE(p.size() == 1);
    CHECK(mentions(p, "page 2 has count 1"));
    CHECK(mentions(p, "it is sk_sndmsg_page, so it should be 2"));

    s = good_state();
    s.skbs[2].frags[1].page = 7;
    CHECK(mentions(check_invariants(s), "skb 2 fragment 1 points at page 7, which does not exist"));
}

TEST_CASE("no skb has more than MAX_SKB_FRAGS fragments") {
    State s = good_state();
    s.skbs[2].nr_frags = MAX_SKB_FRAGS + 1;
    CHECK(mentions(check_invariants(s), "skb 2 has nr_frags 19, outside 0..18 (MAX_SKB_FRAGS)"));
}

TEST_CASE("end_seq - seq must equal len, plus one for SYN or FIN") {
    State s = good_state();
    s.skbs[1].tcp_flags |= TCPHDR_FIN;  // FIN set but its sequence number not taken
    auto p = check_invariants(s);
    CHECK_MESSAGE(
        mentions(
            p,
            "skb 1: end_seq - seq is 100 (seq 1000, end_seq 1100) but len is 100 plus 1 for FIN, so it should be 101"),
        all(p));

    s = good_state();
    s.skbs[1].len = 150;  // bytes copied, write_seq and end_seq not advanced
    p = check_invariants(s);
    CHECK(mentions(p, "skb 1: end_seq - seq is 100"));
    // ... which is exactly the state between a copy and its `advance` event.
    CHECK_MESSAGE(check_invariants(s, InvariantScope{.sequence = false}).empty(),
                  all(check_invariants(s, InvariantScope{.sequence = false})));
}

TEST_CASE("data_len must be the sum of the fragment sizes") {
    State s = good_state();
    s.skbs[2].data_len = 2900;
    const auto p = check_invariants(s);
    CHECK(mentions(p, "skb 2 has data_len 2900 but its 2 fragments add up to 3000"));
}

TEST_CASE("every queued skb exists, once, and the send head is queued") {
    State s = good_state();
    s.write_queue.push_back(9);
    CHECK(mentions(check_invariants(s), "the write queue lists skb 9, which does not exist"));

    s = good_state();
    s.write_queue.push_back(2);
    CHECK(mentions(check_invariants(s), "skb 2 appears 2 times on the write queue"));

    s = good_state();
    s.sk.sk_send_head = 7;
    const auto p = check_invariants(s);
    REQUIRE(p.size() == 1);
    CHECK(p[0] == "sk_send_head is skb 7, which is not on the write queue");
}

TEST_CASE("snd_una <= snd_nxt <= write_seq") {
    State s = good_state();
    s.sk.snd_nxt = 4200;
    CHECK(mentions(check_invariants(s), "snd_una <= snd_nxt <= write_seq does not hold"));
}

TEST_CASE("the scoreboard's counts are never negative") {
    State s = good_state();
    s.sk.sacked_out = -1;
    const auto p = check_invariants(s);
    CHECK_MESSAGE(mentions(p, "a scoreboard count is negative"), all(p));
    CHECK_MESSAGE(mentions(p, "sacked_out -1"), all(p));
}
