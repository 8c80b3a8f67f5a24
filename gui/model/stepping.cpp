#include "gui/model/stepping.hpp"

namespace sendpath::gui {

namespace {
template <class Pred>
std::size_t next_where(const trace::Trace& t, std::size_t cur, Pred pred) {
    const std::size_t n = t.events.size();
    if (n == 0) return 0;
    for (std::size_t i = cur + 1; i < n; ++i)
        if (pred(t.events[i])) return i;
    return n - 1;
}
template <class Pred>
std::size_t prev_where(const trace::Trace& t, std::size_t cur, Pred pred) {
    if (t.events.empty()) return 0;
    if (cur >= t.events.size()) cur = t.events.size() - 1;
    for (std::size_t i = cur; i-- > 0;)
        if (pred(t.events[i])) return i;
    return 0;
}
uint8_t depth_at(const trace::Trace& t, std::size_t cur) { return cur < t.events.size() ? t.events[cur].depth : 0; }
}  // namespace

std::size_t step_into(const trace::Trace& t, std::size_t cur) {
    return next_where(t, cur, [](const trace::Event&) { return true; });
}
std::size_t step_over(const trace::Trace& t, std::size_t cur) {
    const uint8_t d = depth_at(t, cur);
    return next_where(t, cur, [d](const trace::Event& e) { return e.depth <= d; });
}
std::size_t step_out(const trace::Trace& t, std::size_t cur) {
    const uint8_t d = depth_at(t, cur);
    return next_where(t, cur, [d](const trace::Event& e) { return e.depth < d; });
}
std::size_t step_into_back(const trace::Trace& t, std::size_t cur) {
    return prev_where(t, cur, [](const trace::Event&) { return true; });
}
std::size_t step_over_back(const trace::Trace& t, std::size_t cur) {
    const uint8_t d = depth_at(t, cur);
    return prev_where(t, cur, [d](const trace::Event& e) { return e.depth <= d; });
}
std::size_t step_out_back(const trace::Trace& t, std::size_t cur) {
    const uint8_t d = depth_at(t, cur);
    return prev_where(t, cur, [d](const trace::Event& e) { return e.depth < d; });
}

std::vector<StackFrame> call_stack(const trace::Trace& t, std::size_t cur) {
    std::vector<StackFrame> stack;
    if (cur >= t.events.size()) return stack;
    const trace::Event& top = t.events[cur];
    stack.push_back(StackFrame{top.depth, cur, top.func});
    int shallowest = top.depth;  // shallowest depth seen between the candidate and the cursor
    for (std::size_t i = cur; i-- > 0 && shallowest > 0;) {
        const trace::Event& e = t.events[i];
        if (e.depth >= shallowest) continue;  // a deeper call that has returned, or this activation again
        // Depths between e.depth and shallowest emitted nothing in the live chain.
        for (int d = shallowest - 1; d > e.depth; --d) stack.push_back(StackFrame{static_cast<uint8_t>(d), {}, {}});
        stack.push_back(StackFrame{e.depth, i, e.func});
        shallowest = e.depth;
    }
    for (int d = shallowest - 1; d > 0; --d) stack.push_back(StackFrame{static_cast<uint8_t>(d), {}, {}});
    // Depth 0 is the application by construction (Recorder's bottom frame).
    if (shallowest > 0) stack.push_back(StackFrame{0, {}, trace::Func::user});
    return stack;
}

}  // namespace sendpath::gui
