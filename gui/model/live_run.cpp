#include "gui/model/live_run.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include "peer/link.hpp"
#include "run/runner.hpp"
#include "run/tap_setup.hpp"

namespace sendpath::gui {

namespace {

// A TAP link whose waits last at most kSliceUs of its clock. A wait that
// returns early with no frame is one the runner already copes with (a signal
// does the same): it looks at should_stop, finds no timer due and waits again,
// emitting nothing, so the trace is the one the plain link gives.
class SlicedLink final : public peer::Link {
public:
    static constexpr int64_t kSliceUs = 50'000;
    SlicedLink(std::unique_ptr<peer::Link> in, const std::atomic<bool>& stop) : in_(std::move(in)), stop_(stop) {}

    int64_t now_us() override { return in_->now_us(); }
    bool send(std::span<const uint8_t> frame) override { return in_->send(frame); }
    bool takes_segments() const override { return in_->takes_segments(); }
    bool send_segment(const net::FrameAddrs& a, const net::TcpRepr& tcp, uint32_t payload_len) override {
        return in_->send_segment(a, tcp, payload_len);
    }
    std::optional<peer::Received> wait(int64_t until_us) override {
        if (stop_.load(std::memory_order_relaxed)) return std::nullopt;  // the runner stops at its next step
        return in_->wait(std::min(until_us, in_->now_us() + kSliceUs));
    }
    std::string closed_reason() const override { return in_->closed_reason(); }
    std::optional<peer::SimAddrs> addrs() const override { return in_->addrs(); }
    void attach(trace::Recorder& rec) override { in_->attach(rec); }

private:
    std::unique_ptr<peer::Link> in_;
    const std::atomic<bool>& stop_;
};

template <class T>
void append(std::vector<T>& to, const std::vector<T>& from, std::size_t b, std::size_t e) {
    to.insert(to.end(), from.begin() + static_cast<std::ptrdiff_t>(b), from.begin() + static_cast<std::ptrdiff_t>(e));
}
template <class T>
void append_all(std::vector<T>& to, const std::vector<T>& from) {
    to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

LiveRun::LiveRun(Config cfg)
    : cfg_(std::move(cfg)),
      tap_(cfg_.scenario.peer.type == "tap"),
      allowed_(std::max<std::size_t>(1, cfg_.initial_budget)) {
    worker_ = std::thread([this] { work(); });
}

LiveRun::~LiveRun() { stop("closed"); }

void LiveRun::stop(const std::string& reason) {
    {
        std::lock_guard lk(m_);
        if (!stop_) {
            stop_reason_ = reason;
            stop_ = true;
        }
    }
    work_cv_.notify_all();
    if (worker_.joinable()) worker_.join();
}

void LiveRun::allow(std::size_t events) {
    if (tap_) return;
    {
        std::lock_guard lk(m_);
        if (events <= allowed_) return;
        allowed_ = events;
    }
    work_cv_.notify_all();
}

std::size_t LiveRun::budget() const {
    std::lock_guard lk(m_);
    return allowed_;
}

bool LiveRun::settle(int timeout_ms) {
    std::unique_lock lk(m_);
    if (tap_) {
        gui_cv_.wait_for(lk, std::chrono::milliseconds(timeout_ms), [&] { return ended_ || undrained_events_ > 0; });
    } else {
        gui_cv_.wait(lk, [&] { return ended_ || (waiting_ && produced_ >= allowed_); });
    }
    return undrained_events_ > 0 || (ended_ && !out_.empty());
}

bool LiveRun::done() const {
    std::lock_guard lk(m_);
    return ended_ && out_.empty() && undrained_events_ == 0 && (header_taken_ || !header_ready_) && end_reason_.empty();
}

bool LiveRun::ended() const {
    std::lock_guard lk(m_);
    return ended_;
}

std::size_t LiveRun::produced() const {
    std::lock_guard lk(m_);
    return produced_;
}

std::exception_ptr LiveRun::failure() const {
    std::lock_guard lk(m_);
    return failure_;
}

std::size_t LiveRun::drain(trace::Trace& t) {
    spare_.clear();
    bool take_header = false;
    trace::Trace header;
    std::string end_reason;
    {
        std::lock_guard lk(m_);
        std::swap(spare_, out_);
        undrained_events_ = 0;
        if (header_ready_ && !header_taken_) {
            header = std::move(header_);
            header_taken_ = take_header = true;
        }
        if (ended_) end_reason = std::move(end_reason_), end_reason_.clear();
    }
    // The copies into the GUI's trace happen outside the lock: the worker
    // only ever touches out_, which it now fills afresh.
    if (take_header) {
        t.format_version = header.format_version;
        t.engine_version = std::move(header.engine_version);
        t.scenario = std::move(header.scenario);
        t.options = std::move(header.options);
        t.files = std::move(header.files);
        t.sent.buffer = std::move(header.sent.buffer);
    }
    append_all(t.stacks, spare_.stacks);
    append_all(t.events, spare_.events);
    append_all(t.changes, spare_.changes);
    append_all(t.frames, spare_.frames);
    append_all(t.frame_bytes, spare_.frame_bytes);
    append_all(t.sent.pieces, spare_.pieces);
    append_all(t.sent.literal, spare_.literal);
    if (!end_reason.empty()) t.end_reason = std::move(end_reason);
    return spare_.events.size();
}

void LiveRun::copy_locked(const trace::Trace& t, std::size_t n) {
    if (!header_ready_) {
        header_.format_version = t.format_version;
        header_.engine_version = t.engine_version;
        header_.scenario = t.scenario;
        header_.options = t.options;
        header_.files = t.files;
        header_.sent.buffer = t.sent.buffer;
        header_ready_ = true;
    }
    if (n <= sent_events_) return;
    // Call stacks are interned as they first occur and never change: the new ones are at the end.
    if (t.stacks.size() > sent_stacks_) append(out_.stacks, t.stacks, sent_stacks_, t.stacks.size());
    sent_stacks_ = t.stacks.size();
    append(out_.events, t.events, sent_events_, n);
    const std::size_t changes_end = std::min<std::size_t>(t.changes.size(), t.events[n - 1].change_end);
    if (changes_end > sent_changes_) append(out_.changes, t.changes, sent_changes_, changes_end);
    // Frames belong to the event emitted after them: those up to event n-1 are complete.
    std::size_t f = sent_frames_;
    while (f < t.frames.size() && t.frames[f].event < n) ++f;
    append(out_.frames, t.frames, sent_frames_, f);
    std::size_t bytes_end = sent_bytes_;
    for (std::size_t k = sent_frames_; k < f; ++k)
        bytes_end = std::max<std::size_t>(bytes_end, std::size_t{t.frames[k].offset} + t.frames[k].stored());
    bytes_end = std::min(bytes_end, t.frame_bytes.size());
    if (bytes_end > sent_bytes_) append(out_.frame_bytes, t.frame_bytes, sent_bytes_, bytes_end);
    // Pieces are complete once recorded, and a frame's payload is copied before it is sent.
    if (t.sent.pieces.size() > sent_pieces_) append(out_.pieces, t.sent.pieces, sent_pieces_, t.sent.pieces.size());
    if (t.sent.literal.size() > sent_literal_)
        append(out_.literal, t.sent.literal, sent_literal_, t.sent.literal.size());
    sent_pieces_ = t.sent.pieces.size();
    sent_literal_ = t.sent.literal.size();
    undrained_events_ += n - sent_events_;
    sent_events_ = n;
    sent_changes_ = std::max(sent_changes_, changes_end);
    sent_frames_ = f;
    sent_bytes_ = std::max(sent_bytes_, bytes_end);
}

void LiveRun::on_trace(const trace::Trace& t, uint32_t index) {
    if (stop_.load(std::memory_order_relaxed)) return;  // the run is being ended: nobody will look
    std::unique_lock lk(m_);
    const bool had_nothing = undrained_events_ == 0;
    copy_locked(t, std::size_t{index} + 1);
    produced_ = std::size_t{index} + 1;
    // Wake a waiting settle() only when what it waits for happens (over TAP:
    // the first event since the last drain; else: the run waits or ends): a
    // wake-up per event costs a context switch per event.
    if (tap_ && had_nothing) gui_cv_.notify_all();
    if (tap_ || t.events[index].kind == trace::Kind::run_end) return;
    // Out of budget: wait with the virtual clock stopped until the GUI wants more.
    while (!stop_ && produced_ >= allowed_) {
        waiting_ = true;
        gui_cv_.notify_all();
        work_cv_.wait(lk);
    }
    waiting_ = false;
}

void LiveRun::work() {
    engine::RunHooks hooks;
    hooks.should_stop = [this]() -> std::string {
        if (!stop_.load(std::memory_order_relaxed)) return {};
        std::lock_guard lk(m_);
        return stop_reason_;
    };
    hooks.on_trace = [this](const trace::Trace& t, uint32_t index) { on_trace(t, index); };
    if (tap_) {
        const std::string local = cfg_.tap_local;
        hooks.make_tap_link = [this, local](const lesson::Scenario& s) -> std::unique_ptr<peer::Link> {
            return std::make_unique<SlicedLink>(peer::make_tap_link_local(s, local), stop_);
        };
    }
    std::exception_ptr failure;
    trace::Trace result;
    bool have_result = false;
    try {
        result = engine::run_scenario(cfg_.scenario, cfg_.options, hooks);
        have_result = true;
    } catch (...) { failure = std::current_exception(); }
    {
        std::lock_guard lk(m_);
        if (have_result) {
            // The run_end event and anything on_trace skipped once stopping.
            copy_locked(result, result.events.size());
            produced_ = result.events.size();
            end_reason_ = result.end_reason.empty() ? "ended" : result.end_reason;
        }
        failure_ = failure;
        ended_ = true;
        waiting_ = false;
    }
    gui_cv_.notify_all();
}

}  // namespace sendpath::gui
