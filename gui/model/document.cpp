#include "gui/model/document.hpp"

namespace sendpath::gui {

Document::Document(trace::Trace t, std::string path, std::string source_kind)
    : trace_(std::make_unique<trace::Trace>(std::move(t))),
      replay_(std::make_unique<trace::Replay>(*trace_)),
      path_(std::move(path)),
      kind_(std::move(source_kind)) {
    static uint64_t next_id = 1;
    id_ = next_id++;
    seek(0);
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
}

}  // namespace sendpath::gui
