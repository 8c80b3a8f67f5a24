#include "trace/replay.hpp"

#include <algorithm>
#include <string>

#include "util/errors.hpp"
#include "util/message.hpp"

namespace sendpath::trace {

using model::State;
using util::Message;

namespace {
// what is a string-table text (err.replay.*), so the GUI says it in its language; the op name stays as it is.
[[noreturn]] void fail(std::size_t ev, const Change* c, const Change* first, Message what) {
    throw RuntimeError(Message::of("err.replay.at", {std::to_string(ev), std::to_string(c - first),
                                                     std::string(op_name(c->op)), std::move(what)}));
}
// A text with one number: "skb 7 does not exist".
template <typename N>
Message said(const char* key, N n) {
    return Message::of(key, {std::to_string(n)});
}
}  // namespace

void Replay::apply(State& s, const Change* b, const Change* e, std::size_t ev) {
    for (const Change* c = b; c != e; ++c) {
        switch (c->op) {
            case Op::sock_set:
                if (c->field >= model::kSockFieldCount) fail(ev, c, b, said("err.replay.sock_field", c->field));
                s.sk.at(static_cast<model::SF>(c->field)) = c->value;
                break;
            case Op::skb_new: {
                if (s.skbs.count(c->target)) fail(ev, c, b, said("err.replay.skb_exists", c->target));
                model::SkBuff& skb = s.skbs[c->target];
                skb.id = c->target;
                break;
            }
            case Op::skb_set: {
                model::SkBuff* skb = s.skb(c->target);
                if (!skb) fail(ev, c, b, said("err.replay.no_skb", c->target));
                if (c->field >= model::kSkbFieldCount) fail(ev, c, b, said("err.replay.skb_field", c->field));
                skb->at(static_cast<model::KF>(c->field)) = c->value;
                break;
            }
            case Op::skb_frag: {
                model::SkBuff* skb = s.skb(c->target);
                if (!skb) fail(ev, c, b, said("err.replay.no_skb", c->target));
                if (c->field >= model::MAX_SKB_FRAGS) fail(ev, c, b, said("err.replay.frag_index", c->field));
                skb->frags[c->field] = model::Frag{frag_page(c->value), frag_off(c->value), frag_size(c->value)};
                break;
            }
            case Op::skb_link: {
                if (!s.skb(c->target)) fail(ev, c, b, said("err.replay.no_skb", c->target));
                auto& q = s.write_queue;
                if (std::find(q.begin(), q.end(), c->target) != q.end())
                    fail(ev, c, b, said("err.replay.skb_queued", c->target));
                if (c->value == 0) {
                    q.insert(q.begin(), c->target);
                } else {
                    auto it = std::find(q.begin(), q.end(), static_cast<uint32_t>(c->value));
                    if (it == q.end()) fail(ev, c, b, said("err.replay.link_after", c->value));
                    q.insert(it + 1, c->target);
                }
                break;
            }
            case Op::skb_unlink: {
                auto& q = s.write_queue;
                auto it = std::find(q.begin(), q.end(), c->target);
                if (it == q.end()) fail(ev, c, b, said("err.replay.skb_not_queued", c->target));
                q.erase(it);
                break;
            }
            case Op::skb_free: {
                if (!s.skbs.erase(c->target)) fail(ev, c, b, said("err.replay.no_skb", c->target));
                auto& q = s.write_queue;
                if (std::find(q.begin(), q.end(), c->target) != q.end())
                    fail(ev, c, b, said("err.replay.free_queued", c->target));
                break;
            }
            case Op::page_new: {
                if (s.pages.count(c->target)) fail(ev, c, b, said("err.replay.page_exists", c->target));
                s.pages[c->target].id = c->target;
                break;
            }
            case Op::page_set: {
                model::Page* p = s.page(c->target);
                if (!p) fail(ev, c, b, said("err.replay.no_page", c->target));
                p->count = c->value;
                break;
            }
            case Op::page_free:
                if (!s.pages.erase(c->target)) fail(ev, c, b, said("err.replay.no_page", c->target));
                break;
            case Op::arg: break;
            default: fail(ev, c, b, Message::of("err.replay.unknown_op"));
        }
    }
}

Replay::Replay(const Trace& trace, std::size_t keyframe_every)
    : trace_(&trace), every_(std::max<std::size_t>(1, keyframe_every)) {
    keyframes_.emplace_back();
    extend();
}

void Replay::extend() {
    const auto& evs = trace_->events;
    if (built_ == evs.size()) return;
    for (std::size_t i = built_; i < evs.size(); ++i) {
        if (evs[i].change_begin > evs[i].change_end || evs[i].change_end > trace_->changes.size())
            throw RuntimeError(said("err.replay.range", i));
        apply(tip_, trace_->changes_begin(evs[i]), trace_->changes_end(evs[i]), i);
        if ((i + 1) % every_ == 0) keyframes_.push_back(tip_);
    }
    built_ = evs.size();
}

const State& Replay::seek(std::size_t i) {
    if (i >= size()) throw RuntimeError(said("err.replay.seek", i));
    const bool forward = cursor_ != static_cast<std::size_t>(-1) && i >= cursor_;
    std::size_t from;
    if (forward && (i - cursor_) <= every_) {
        from = cursor_ + 1;
    } else {
        const std::size_t k = (i + 1) / every_;  // keyframes_[k] = state after event k*every_-1
        cur_ = keyframes_[k];
        from = k * every_;
    }
    const auto& evs = trace_->events;
    for (std::size_t j = from; j <= i; ++j) apply(cur_, trace_->changes_begin(evs[j]), trace_->changes_end(evs[j]), j);
    cursor_ = i;
    return cur_;
}

}  // namespace sendpath::trace
