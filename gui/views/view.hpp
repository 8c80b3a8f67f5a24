// A view: one window of the app, drawing from the Document at the cursor.
//
// Views never change the document themselves: they push Commands (jump to an
// event, open a file) and edit ViewState (selection, filters). The App owns
// the views and calls draw() between ImGui::Begin and End of their window.
// To add a view: write views/view_NAME.cpp with a make_NAME_view() factory,
// declare it below, add it to make_views() in views/view_registry.cpp, and
// give it a default rect in gui/model/layout.cpp.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

#include "gui/model/commands.hpp"
#include "gui/model/document.hpp"
#include "gui/view_state.hpp"

namespace sendpath::gui {

struct ViewContext {
    Document& doc;
    ViewState& vs;
    CommandQueue& commands;
    Document* compare = nullptr;  // the second document (File > Compare with...), if any
    void push(Command c) { commands.push_back(std::move(c)); }
};

class View {
public:
    virtual ~View() = default;
    virtual std::string_view id() const = 0;     // stable: settings, scripts ("show wire"), layout
    virtual std::string_view title() const = 0;  // window title and View menu entry
    virtual bool default_open() const { return true; }
    virtual ImGuiWindowFlags window_flags() const { return 0; }
    // Title with live detail ("Source - tcp_sendmsg.cpp:118"); the window id stays id().
    virtual std::string window_title(const Document&) const { return std::string(title()); }
    virtual void draw(ViewContext& ctx) = 0;
};

std::unique_ptr<View> make_timeline_view();
std::unique_ptr<View> make_source_view();
std::unique_ptr<View> make_events_view();
std::unique_ptr<View> make_skb_queue_view();
std::unique_ptr<View> make_pages_view();
std::unique_ptr<View> make_counters_view();
std::unique_ptr<View> make_wire_view();
std::unique_ptr<View> make_breakpoints_view();
std::unique_ptr<View> make_seq_graph_view();
std::unique_ptr<View> make_compare_view();
std::unique_ptr<View> make_provenance_view();
std::unique_ptr<View> make_lesson_view();

// The one registration list, in View-menu order.
std::vector<std::unique_ptr<View>> make_views();

}  // namespace sendpath::gui
