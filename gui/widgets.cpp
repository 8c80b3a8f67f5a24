#include "gui/widgets.hpp"

#include "gui/lang.hpp"
#include "trace/event_doc.hpp"
#include "trace/event_doc_i18n.hpp"

#include <algorithm>
#include <cstdio>

namespace sendpath::gui {

ImU32 status_color(SkbStatus s) {
    switch (s) {
        case SkbStatus::unsent: return colors::kUnsent;
        case SkbStatus::in_flight: return colors::kInFlight;
        case SkbStatus::acked: return colors::kAcked;
    }
    return colors::kUnsent;
}

ImU32 kind_color(trace::Kind k) {
    using trace::Kind;
    switch (k) {
        case Kind::copy_linear:
        case Kind::page_merge:
        case Kind::page_new_frag:
        case Kind::tail_append:
        case Kind::advance:
        case Kind::psh_clear: return IM_COL32(110, 200, 120, 255);
        case Kind::new_segment:
        case Kind::skb_entail:
        case Kind::page_alloc:
        case Kind::page_none:
        case Kind::page_release:
        case Kind::frags_full: return IM_COL32(80, 190, 200, 255);
        case Kind::tcp_push:
        case Kind::push_one:
        case Kind::push_pending:
        case Kind::write_xmit:
        case Kind::xmit_pass:
        case Kind::transmit:
        case Kind::new_data_sent:
        case Kind::forced_push:
        case Kind::mark_push:
        case Kind::out_push:
        case Kind::tso_split:
        case Kind::retransmit:
        case Kind::retrans_marked:
        case Kind::probe_send:
        case Kind::mark_urg:
        case Kind::send_ack: return IM_COL32(235, 150, 60, 255);
        case Kind::wait_for_sndbuf:
        case Kind::wait_for_memory:
        case Kind::wait_connect:
        case Kind::skb_alloc_fail:
        case Kind::wmem_sched_fail:
        case Kind::page_alloc_fail:
        case Kind::copy_linear_fault:
        case Kind::copy_page_fault:
        case Kind::do_fault:
        case Kind::do_error:
        case Kind::out_err:
        case Kind::nagle_defer:
        case Kind::cwnd_limited:
        case Kind::rwnd_limited:
        case Kind::tso_defer:
        case Kind::split_fail:
        case Kind::signal_return:
        case Kind::autocork_defer:
        case Kind::frame_bad:
        case Kind::peer_drop:
        case Kind::peer_late:
        case Kind::dupack:
        case Kind::enter_recovery:
        case Kind::hystart_exit:
        case Kind::frto_loss:
        case Kind::mark_lost:
        case Kind::lost_retrans:
        case Kind::sack_reneging:
        case Kind::partial_ack:
        case Kind::reset: return IM_COL32(225, 85, 85, 255);
        case Kind::ack:
        case Kind::ack_trim:
        case Kind::skb_free:
        case Kind::write_space:
        case Kind::rto_fire:
        case Kind::rto_arm:
        case Kind::probe0_arm:
        case Kind::probe0_fire:
        case Kind::enter_loss:
        case Kind::enter_frto:
        case Kind::cwnd_down:
        case Kind::moderate_cwnd:
        case Kind::complete_cwr:
        case Kind::recovery_hold:
        case Kind::reno_sacks:
        case Kind::loss_ack:
        case Kind::sack_blocks:
        case Kind::seq_reject:
        case Kind::paws_reject:
        case Kind::ca_init:
        case Kind::hystart_reset:
        case Kind::cubic_acked:
        case Kind::hystart_update:
        case Kind::cubic_update:
        case Kind::cubic_ssthresh:
        case Kind::cubic_reset:
        case Kind::frto_ack:
        case Kind::frto_highmark:
        case Kind::enter_cwr:
        case Kind::undo:
        case Kind::undo_cwr:
        case Kind::retrans_stamp:
        case Kind::sack_discard:
        case Kind::dsack:
        case Kind::sack_tag:
        case Kind::skb_shift:
        case Kind::sack_shift:
        case Kind::sack_merge:
        case Kind::sack_skip:
        case Kind::sack_cache:
        case Kind::set_ca_state:
        case Kind::rtx_acked:
        case Kind::timer_clear:
        case Kind::ack_held:
        case Kind::delack_clear:
        case Kind::delack_fire:
        case Kind::synack:
        case Kind::cong_avoid: return IM_COL32(170, 130, 230, 255);
        case Kind::sendmsg_enter:
        case Kind::sendmsg_exit: return IM_COL32(230, 230, 230, 255);
        default: return IM_COL32(140, 140, 150, 255);
    }
}

ImU32 id_color(uint32_t id) {
    // Golden-angle hues: neighbouring ids get clearly different colours.
    const float h = static_cast<float>(id) * 0.618034f + 0.25f;
    float r, g, b;
    ImGui::ColorConvertHSVtoRGB(h - static_cast<float>(static_cast<int>(h)), 0.45f, 0.85f, r, g, b);
    return ImGui::ColorConvertFloat4ToU32(ImVec4(r, g, b, 1.0f));
}

ImU32 with_alpha(ImU32 c, int alpha) {
    return (c & ~IM_COL32_A_MASK) | (static_cast<ImU32>(std::clamp(alpha, 0, 255)) << IM_COL32_A_SHIFT);
}

std::string format_time_us(int64_t us) {
    char buf[48];
    if (us < 10'000'000) std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(us) / 1000.0);
    else std::snprintf(buf, sizeof buf, "%.6f s", static_cast<double>(us) / 1e6);
    return buf;
}

std::string format_args(const trace::Trace& t, std::size_t i) {
    std::string s;
    const trace::Event& e = t.events[i];
    for (const trace::Change* c = t.changes_begin(e); c != t.changes_end(e); ++c) {
        if (c->op != trace::Op::arg) continue;
        if (!s.empty()) s += ' ';
        s += trace::arg_name(static_cast<trace::Arg>(c->field));
        s += '=';
        s += std::to_string(c->value);
    }
    return s;
}

void help_marker(const char* text) {
    ImGui::TextDisabled("(?)");
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
        ImGui::TextUnformatted(text);
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
}

void item_tooltip(std::string_view text) {
    if (!ImGui::IsItemHovered() || text.empty()) return;
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
    ImGui::TextUnformatted(text.data(), text.data() + text.size());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

void text_dim(std::string_view text) {
    ImGui::PushStyleColor(ImGuiCol_Text, colors::kDim);
    ImGui::TextUnformatted(text.data(), text.data() + text.size());
    ImGui::PopStyleColor();
}

void gauge(const char* label, double value, double max, const char* unit, ImU32 color) {
    const float frac = max > 0 ? static_cast<float>(std::clamp(value / max, 0.0, 1.0)) : 0.0f;
    char overlay[96];
    std::snprintf(overlay, sizeof overlay, "%.0f / %.0f %s", value, max, unit);
    ImGui::TextWrapped("%s", label);  // a narrow window wraps it, never cuts it
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram,
                          ImGui::ColorConvertU32ToFloat4(value > max ? IM_COL32(225, 85, 85, 255) : color));
    ImGui::ProgressBar(frac, ImVec2(-1, 0), overlay);
    ImGui::PopStyleColor();
}

std::string_view kind_summary_text(trace::Kind k) { return trace::kind_summary(k, ui_lang()); }

std::string kind_models_text(trace::Kind k) {
    const trace::KindDoc* d = trace::find_kind_doc(k);
    if (!d) return {};
    if (d->origin == trace::Origin::runner) return T("gui.event.origin.runner");
    if (d->origin == trace::Origin::peer) return T("gui.event.origin.peer");
    std::string s = TF("gui.event.models", {trace::kind_functions(k)});
    if (!d->release.empty()) s += " (" + std::string(d->release) + ")";
    return s;
}

}  // namespace sendpath::gui
