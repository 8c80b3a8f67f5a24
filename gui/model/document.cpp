#include "gui/model/document.hpp"

#include "util/errors.hpp"
#include "util/i18n.hpp"

namespace sendpath::gui {

namespace {
// Only the GUI thread makes documents and pulls into them.
uint64_t next_id() {
    static uint64_t next = 1;
    return next++;
}
}  // namespace

Document::Document(trace::Trace t, std::string path, std::string source_kind)
    : trace_(std::make_unique<trace::Trace>(std::move(t))),
      replay_(std::make_unique<trace::Replay>(*trace_)),
      path_(std::move(path)),
      kind_(std::move(source_kind)) {
    id_ = next_id();
    serial_ = id_;
    seek(0);
}

Document::Document(std::unique_ptr<LiveRun> run, std::string path, std::string source_kind)
    : trace_(std::make_unique<trace::Trace>()),
      replay_(std::make_unique<trace::Replay>(*trace_)),
      path_(std::move(path)),
      kind_(std::move(source_kind)),
      run_(std::move(run)),
      was_live_(true) {
    id_ = next_id();
    serial_ = id_;
    // Room for the whole run, as the engine's runner reserves its own.
    trace::reserve_for_send(*trace_, static_cast<uint64_t>(run_->scenario().bytes_to_send()));
    if (run_->tap()) tap_dev_ = run_->tap_device();
    allowed_ = run_->budget();
    // The first event (over TAP it comes after the link has found the kernel
    // by ARP, up to a few seconds), or the failure that stopped the run.
    while (empty() && run_) {
        if (run_->ended() && run_->failure()) std::rethrow_exception(run_->failure());
        pull(100);
    }
    seek(0);
}

Document::~Document() = default;  // run_'s destructor stops and joins the worker

std::size_t Document::pull(int wait_ms) {
    if (!run_) return 0;
    if (!run_->tap() || wait_ms > 0) run_->settle(wait_ms);
    const std::size_t added = run_->drain(*trace_);
    if (added) {
        replay_->extend();  // throws RuntimeError if the new events do not replay
        id_ = next_id();
    }
    if (run_->done()) {
        if (!empty() || !run_->failure()) run_.reset();  // a failure to start stays for the constructor to rethrow
        if (added == 0) id_ = next_id();                 // the end_reason arrived
    }
    return added;
}

void Document::want(std::size_t n) {
    if (!run_ || n <= allowed_) return;
    allowed_ = n;
    run_->allow(n);
}

void Document::stop_live(const std::string& why) {
    if (!run_) return;
    run_->stop(why);
    pull();  // the worker has ended: one drain takes the rest and the end_reason
    run_.reset();
}

void Document::seek(std::size_t i) {
    ++generation_;
    if (empty()) {
        cursor_ = 0;
        state_ = prev_ = model::State{};
        effects_ = EventEffects{};
        return;
    }
    if (i >= size()) i = size() - 1;
    cursor_ = i;
    // Before first, then after: Replay moves forward by one event cheaply.
    prev_ = i == 0 ? model::State{} : replay_->seek(i - 1);
    state_ = replay_->seek(i);
    effects_ = event_effects(*trace_, i);
    // Keep the run kAhead events ahead of the cursor, in steps: every growth
    // gives the document a new id and views rebuild their per-trace caches,
    // so growing by one event per step would cost a rebuild per step.
    if (run_ && cursor_ + kAhead / 2 >= allowed_) want(cursor_ + 1 + std::max(kAhead, size() / 4));
}

std::string Document::position_text(std::string_view lang) const {
    const std::string cur = std::to_string(empty() ? 0 : cursor_);
    if (future_hidden()) return util::i18n::trf(lang, "gui.timeline.event_hidden", {cur});
    return util::i18n::trf(lang, "gui.timeline.event_of", {cur, std::to_string(empty() ? 0 : size() - 1)});
}

}  // namespace sendpath::gui
