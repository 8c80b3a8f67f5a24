// Breakpoints: the list (enable, remove) and a line to add one by its spec
// ("kind copy_linear", "line tcp_sendmsg.cpp:120", "cond sk_wmem_queued >=
// sk_sndbuf", "watch sk_send_head"). F5 / Shift+F5 run to the next / previous hit.
#include <imgui.h>
#include <imgui_stdlib.h>

#include "gui/lang.hpp"
#include "gui/views/view.hpp"
#include "gui/widgets.hpp"

namespace sendpath::gui {

namespace {
class BreakpointsView final : public View {
public:
    std::string_view id() const override { return "breakpoints"; }
    std::string_view title() const override { return T("gui.view.breakpoints"); }
    bool default_open() const override { return false; }

    void draw(ViewContext& ctx) override {
        auto& vs = ctx.vs;
        ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize(T("gui.bp.add")).x - 24);
        const bool enter = ImGui::InputTextWithHint("##spec", T("gui.bp.hint"), &vs.breakpoint_input,
                                                    ImGuiInputTextFlags_EnterReturnsTrue);
        ImGui::SameLine();
        if (ImGui::Button(T("gui.bp.add")) || enter) {
            std::string err;
            if (auto b = parse_breakpoint(vs.breakpoint_input, &err)) {
                vs.breakpoints.push_back(*b);
                vs.breakpoint_input.clear();
                vs.breakpoint_error.clear();
            } else {
                vs.breakpoint_error = err;
            }
        }
        if (!vs.breakpoint_error.empty()) ImGui::TextColored(colors::kError, "%s", vs.breakpoint_error.c_str());
        text_dim(T("gui.bp.operands"));
        ImGui::Separator();
        if (vs.breakpoints.empty()) text_dim(T("gui.bp.none"));
        for (std::size_t i = 0; i < vs.breakpoints.size(); ++i) {
            Breakpoint& b = vs.breakpoints[i];
            ImGui::PushID(static_cast<int>(i));
            ImGui::Checkbox("##on", &b.enabled);
            ImGui::SameLine();
            ImGui::TextUnformatted(b.spec.c_str());
            ImGui::SameLine(ImGui::GetContentRegionAvail().x + ImGui::GetCursorPosX() -
                            ImGui::CalcTextSize(T("gui.bp.remove")).x - ImGui::GetStyle().FramePadding.x * 2);
            const bool remove = ImGui::SmallButton(T("gui.bp.remove"));
            ImGui::PopID();
            if (remove) {
                vs.breakpoints.erase(vs.breakpoints.begin() + static_cast<std::ptrdiff_t>(i));
                break;
            }
        }
    }
};
}  // namespace

std::unique_ptr<View> make_breakpoints_view() { return std::make_unique<BreakpointsView>(); }

}  // namespace sendpath::gui
