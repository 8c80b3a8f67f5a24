// Source: the engine's own code with the line that emitted the current event
// lit, the event itself (kind, meaning, arguments) and the call stack above:
// the exact one the trace recorded (trace::Trace::stacks), innermost marked.
// The gutter shows breakpoints (click to toggle) and dots on lines that
// emitted events somewhere in this trace. The kernel view (the default in
// lessons) folds the lines that only record the trace (model/kernel_view.hpp).
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "gui/model/breakpoints.hpp"
#include "gui/model/embedded_sources.hpp"
#include "gui/model/kernel_view.hpp"
#include "gui/model/stepping.hpp"
#include "gui/lang.hpp"
#include "gui/views/view.hpp"
#include "gui/widgets.hpp"
#include "trace/emit_site.hpp"
#include "trace/event_doc.hpp"

namespace sendpath::gui {

namespace {
std::string base_name(std::string_view path) {
    const auto s = path.rfind('/');
    return std::string(s == std::string_view::npos ? path : path.substr(s + 1));
}

class SourceView final : public View {
public:
    std::string_view id() const override { return "source"; }
    std::string_view title() const override { return T("gui.view.source"); }
    std::string window_title(const Document& doc) const override {
        const trace::Event* e = doc.event();
        if (!e || e->file >= doc.trace().files.size()) return T("gui.view.source");
        return std::string(T("gui.view.source")) + " - " + base_name(doc.trace().files[e->file]) + ":" +
               std::to_string(e->line);
    }

    void draw(ViewContext& ctx) override {
        const Document& doc = ctx.doc;
        const trace::Trace& t = doc.trace();
        const trace::Event& e = *doc.event();
        event_header(doc);
        call_stack_list(ctx);
        ImGui::Separator();

        const std::string path = e.file < t.files.size() ? t.files[e.file] : std::string();
        const EmbeddedFile* f = find_embedded(path);
        if (!f) {
            ImGui::TextWrapped("%s", trace::source_place(t, e).c_str());
            text_dim(T("gui.source.not_embedded"));
            return;
        }
        // Kernel view: its default per document (on in a lesson), then the reader's choice.
        bool& kernel_view = kernel_view_.for_doc(doc);
        ImGui::Checkbox(T("gui.source.kernel_view"), &kernel_view);
        item_tooltip(T("gui.source.kernel_view_tip"));
        // Events of sendpath's runner or simulated peer are not kernel code: say what they stand for.
        if (const std::string note = not_kernel_note(e.kind, ui_lang()); !note.empty()) {
            ImGui::SameLine(0, ImGui::GetFontSize());
            ImGui::PushTextWrapPos(0.0f);
            text_dim(note);
            ImGui::PopTextWrapPos();
        }
        if (e.line == 0) text_dim(TF("gui.source.no_line", {trace::source_place(t, e)}));
        listing(ctx, *f, path, e);
    }

private:
    static void event_header(const Document& doc) {
        const trace::Trace& t = doc.trace();
        const std::size_t i = doc.cursor();
        const trace::Event& e = t.events[i];
        ImGui::Text("#%zu", i);
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Text, kind_color(e.kind));
        ImGui::TextUnformatted(std::string(trace::kind_name(e.kind)).c_str());
        ImGui::PopStyleColor();
        ImGui::SameLine();
        text_dim(T("gui.source.in"));
        ImGui::SameLine();
        ImGui::TextUnformatted(std::string(trace::func_name(e.func)).c_str());
        const std::string args = format_args(t, i);
        ImGui::PushTextWrapPos(0.0f);
        if (!args.empty()) {
            // On the kind's line if they fit, else wrapped on lines of their own: never cut.
            ImGui::SameLine(0, ImGui::GetFontSize());
            if (ImGui::CalcTextSize(args.c_str()).x > ImGui::GetContentRegionAvail().x) ImGui::NewLine();
            ImGui::TextUnformatted(args.c_str());
        }
        text_dim(kind_summary_text(e.kind));
        ImGui::PopTextWrapPos();
    }

    // One line of the call stack, innermost first.
    struct Frame {
        std::optional<trace::Func> func;
        std::optional<std::size_t> event;  // this call's latest event at or before the cursor, if found
        uint8_t depth = 0;
    };

    // The exact stack the trace recorded for the cursor's event, each frame
    // linked to its call's latest event when one is found close enough (the
    // walk back is bounded so a frame never costs more than a few
    // microseconds). Traces without stacks get the guess rebuilt from depths.
    void compute_stack(const Document& doc) {
        const trace::Trace& t = doc.trace();
        const std::size_t cur = doc.cursor();
        if (stack_doc_ == doc.id() && stack_cursor_ == cur) return;
        stack_doc_ = doc.id();
        stack_cursor_ = cur;
        frames_.clear();
        const std::vector<trace::Func>* exact = t.stack_of(cur);
        exact_ = exact != nullptr;
        if (!exact) {
            for (const StackFrame& fr : call_stack(t, cur)) frames_.push_back(Frame{fr.func, fr.event, fr.depth});
            return;
        }
        const auto depth = static_cast<uint8_t>(exact->size() - 1);
        for (int d = depth; d >= 0; --d)
            frames_.push_back(Frame{(*exact)[static_cast<std::size_t>(d)], {}, static_cast<uint8_t>(d)});
        frames_[0].event = cur;
        // An earlier event shallower than everything since belongs to a live
        // call if its own stack is the start of this one.
        constexpr std::size_t kWalk = 1 << 16;
        int shallowest = depth;
        for (std::size_t i = cur, n = 0; i-- > 0 && shallowest > 0 && n < kWalk; ++n) {
            const trace::Event& e = t.events[i];
            if (e.depth >= shallowest) continue;
            shallowest = e.depth;
            const std::vector<trace::Func>* s = t.stack_of(i);
            if (s && s->size() <= exact->size() && std::equal(s->begin(), s->end(), exact->begin()))
                frames_[static_cast<std::size_t>(depth - e.depth)].event = i;
        }
    }

    void call_stack_list(ViewContext& ctx) {
        const Document& doc = ctx.doc;
        const trace::Trace& t = doc.trace();
        compute_stack(doc);
        text_dim(T(exact_ ? "gui.source.stack" : "gui.source.stack_guessed"));
        ImGui::Indent(ImGui::GetFontSize() * 0.5f);
        for (std::size_t k = 0; k < frames_.size(); ++k) {
            const Frame& fr = frames_[k];
            // The innermost frame, where the event happened, is marked.
            std::string label = k == 0 ? "> " : "  ";
            label += fr.func ? std::string(trace::func_name(*fr.func)) : std::string("?");
            if (fr.event) {
                const trace::Event& fe = t.events[*fr.event];
                const std::string file = fe.file < t.files.size() ? base_name(t.files[fe.file]) : "?";
                label += "  " + file + ":" + std::to_string(fe.line);
                if (k > 0) label += "  " + TF("gui.source.frame_event", {std::to_string(*fr.event)});
            } else if (fr.depth > 0) {
                label += std::string("  ") + T("gui.source.frame_no_event");
            }
            label += "##frame" + std::to_string(k);
            ImGui::PushStyleColor(ImGuiCol_Text, k == 0 ? ImVec4(1, 1, 1, 1) : colors::kDim);
            if (ImGui::Selectable(label.c_str(), k == 0) && fr.event && *fr.event != doc.cursor())
                ctx.push(Command::jump(*fr.event));
            ImGui::PopStyleColor();
            if (k > 0 && fr.event) item_tooltip(T(exact_ ? "gui.source.frame_tip" : "gui.source.frame_tip_guessed"));
        }
        ImGui::Unindent(ImGui::GetFontSize() * 0.5f);
    }

    void listing(ViewContext& ctx, const EmbeddedFile& f, const std::string& path, const trace::Event& e) {
        const Document& doc = ctx.doc;
        // The dots mark lines reached up to the horizon: in a lesson, where the
        // trace goes after the cursor is the answer to a question. Each line's
        // first event is found once per document (one walk over the trace), so
        // neither a jump into another file nor a lesson's step walks it again.
        if (cache_doc_ != doc.id() || doc.size() != cache_size_) {
            cache_doc_ = doc.id();
            cache_size_ = doc.size();
            first_emits_ = first_emitting_events(doc.trace());
        }
        if (cache_path_ != f.path) {
            cache_path_ = std::string(f.path);
            starts_ = line_starts(f.text);
            rows_path_.clear();
        }
        static const std::vector<uint32_t> kNone;
        const std::vector<uint32_t>& first_emit = e.file < first_emits_.size() ? first_emits_[e.file] : kNone;
        const std::size_t horizon = doc.horizon();
        if (rows_path_ != f.path || rows_kernel_ != kernel_view_.on || rows_keep_ != e.line) {
            rows_path_ = std::string(f.path);
            rows_kernel_ = kernel_view_.on;
            rows_keep_ = e.line;
            rows_ = listed_lines(f.text, starts_, kernel_view_.on, e.line);
            last_generation_ = 0;  // the lit line's row moved: scroll to it again
        }
        ImGui::BeginChild("listing", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
        const float line_h = ImGui::GetTextLineHeightWithSpacing();
        const float char_w = ImGui::CalcTextSize("0").x;
        const float gutter = char_w * 7;
        // Keep the lit line in view, with context above it, when the cursor moves.
        if (last_generation_ != doc.generation()) {
            last_generation_ = doc.generation();
            const auto lit = std::lower_bound(rows_.begin(), rows_.end(), e.line);
            const float y = static_cast<float>(lit - rows_.begin()) * line_h;
            const float top = ImGui::GetScrollY(), h = ImGui::GetWindowHeight();
            if (y < top + line_h * 2 || y > top + h - line_h * 4) ImGui::SetScrollY(std::max(0.0f, y - h * 0.35f));
        }
        ImDrawList* dl = ImGui::GetWindowDrawList();
        ImGuiListClipper clip;
        clip.Begin(static_cast<int>(rows_.size()), line_h);
        while (clip.Step()) {
            for (int row = clip.DisplayStart; row < clip.DisplayEnd; ++row) {
                const uint32_t line = rows_[static_cast<std::size_t>(row)];
                const std::size_t b = starts_[line - 1];
                std::size_t en = line < starts_.size() ? starts_[line] : f.text.size();
                while (en > b && (f.text[en - 1] == '\n' || f.text[en - 1] == '\r')) --en;
                const ImVec2 p = ImGui::GetCursorScreenPos();
                const bool current = line == e.line;
                if (current)
                    dl->AddRectFilled(ImVec2(p.x, p.y),
                                      ImVec2(p.x + ImGui::GetWindowWidth() + ImGui::GetScrollX(), p.y + line_h),
                                      colors::kCurrentLine);
                // Gutter: a button over the line number toggles a line breakpoint.
                ImGui::PushID(static_cast<int>(line));
                if (ImGui::InvisibleButton("##gutter", ImVec2(gutter, ImGui::GetTextLineHeight())))
                    toggle(ctx, path, line);
                const bool hovered = ImGui::IsItemHovered();
                ImGui::PopID();
                if (hovered) ImGui::SetTooltip("%s", TF("gui.source.gutter_tip", {std::to_string(line)}).c_str());
                const float cy = p.y + line_h * 0.5f;
                if (has_breakpoint(ctx, path, line))
                    dl->AddCircleFilled(ImVec2(p.x + char_w * 0.8f, cy), line_h * 0.3f, colors::kBreakpoint);
                else if (hovered) dl->AddCircle(ImVec2(p.x + char_w * 0.8f, cy), line_h * 0.3f, colors::kBreakpoint);
                if (line < first_emit.size() && first_emit[line] <= horizon)
                    dl->AddCircleFilled(ImVec2(p.x + gutter - char_w * 0.6f, cy), line_h * 0.12f,
                                        IM_COL32(120, 170, 220, 255));
                char num[16];
                std::snprintf(num, sizeof num, "%4u", line);
                dl->AddText(ImVec2(p.x + char_w * 1.6f, p.y), current ? IM_COL32(255, 255, 255, 255) : colors::kDimText,
                            num);
                if (current)
                    dl->AddTriangleFilled(ImVec2(p.x + gutter - char_w * 1.3f, cy - line_h * 0.28f),
                                          ImVec2(p.x + gutter - char_w * 1.3f, cy + line_h * 0.28f),
                                          ImVec2(p.x + gutter - char_w * 0.45f, cy), colors::kChanged);
                ImGui::SameLine(0, 0);
                ImGui::TextUnformatted(f.text.data() + b, f.text.data() + en);
            }
        }
        ImGui::EndChild();
    }

    static bool has_breakpoint(const ViewContext& ctx, const std::string& path, uint32_t line) {
        for (const Breakpoint& b : ctx.vs.breakpoints)
            if (b.enabled && b.type == Breakpoint::Type::line && b.line == line && path_matches(path, b.file))
                return true;
        return false;
    }
    static void toggle(ViewContext& ctx, const std::string& path, uint32_t line) {
        auto& bps = ctx.vs.breakpoints;
        auto it = std::find_if(bps.begin(), bps.end(), [&](const Breakpoint& b) {
            return b.type == Breakpoint::Type::line && b.line == line && path_matches(path, b.file);
        });
        if (it != bps.end()) bps.erase(it);
        else bps.push_back(line_breakpoint(path, line));
    }

    uint64_t cache_doc_ = 0;
    std::string cache_path_;
    std::vector<std::size_t> starts_;
    std::size_t cache_size_ = 0;                      // a live run's trace grows: its dots are found again
    std::vector<std::vector<uint32_t>> first_emits_;  // first_emitting_events() of the document
    uint64_t last_generation_ = 0;
    // The lines listed (all, or the kernel view's) and what they were made for.
    KernelViewChoice kernel_view_;  // per document: its default, then the reader's choice
    std::vector<uint32_t> rows_;
    std::string rows_path_;
    bool rows_kernel_ = false;
    uint32_t rows_keep_ = 0;
    // The call stack at the cursor, computed once per cursor position.
    uint64_t stack_doc_ = 0;
    std::size_t stack_cursor_ = static_cast<std::size_t>(-1);
    std::vector<Frame> frames_;
    bool exact_ = false;
};
}  // namespace

std::unique_ptr<View> make_source_view() { return std::make_unique<SourceView>(); }

}  // namespace sendpath::gui
