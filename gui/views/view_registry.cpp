#include "gui/views/view.hpp"

namespace sendpath::gui {

std::vector<std::unique_ptr<View>> make_views() {
    std::vector<std::unique_ptr<View>> v;
    v.push_back(make_timeline_view());
    v.push_back(make_source_view());
    v.push_back(make_events_view());
    v.push_back(make_skb_queue_view());
    v.push_back(make_pages_view());
    v.push_back(make_wire_view());
    v.push_back(make_counters_view());
    v.push_back(make_seq_graph_view());
    v.push_back(make_compare_view());
    v.push_back(make_provenance_view());
    v.push_back(make_lesson_view());
    v.push_back(make_breakpoints_view());
    return v;
}

}  // namespace sendpath::gui
