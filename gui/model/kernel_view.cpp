#include "gui/model/kernel_view.hpp"

#include "trace/event_doc.hpp"
#include "util/i18n.hpp"

namespace sendpath::gui {

bool is_recorder_line(std::string_view line) {
    const auto b = line.find_first_not_of(" \t");
    if (b == std::string_view::npos) return false;
    line.remove_prefix(b);
    for (std::string_view p : {"rec_.arg(", "EMIT(", "SP_EMIT(", "FuncScope "})
        if (line.starts_with(p)) return true;
    // "if (vm_wait) rec_.arg(...);": an argument recorded only when there is one.
    if (line.starts_with("if (")) {
        int depth = 0;
        for (std::size_t i = 3; i < line.size(); ++i) {
            if (line[i] == '(') ++depth;
            else if (line[i] == ')' && --depth == 0) {
                std::string_view rest = line.substr(i + 1);
                const auto r = rest.find_first_not_of(" \t");
                return r != std::string_view::npos && rest.substr(r).starts_with("rec_.arg(");
            }
        }
    }
    return false;
}

std::vector<uint32_t> listed_lines(std::string_view text, const std::vector<std::size_t>& starts, bool kernel_view,
                                   uint32_t keep) {
    std::vector<uint32_t> out;
    out.reserve(starts.size());
    for (std::size_t i = 0; i < starts.size(); ++i) {
        const auto line = static_cast<uint32_t>(i + 1);
        const std::size_t b = starts[i];
        const std::size_t e = i + 1 < starts.size() ? starts[i + 1] : text.size();
        if (kernel_view && line != keep && is_recorder_line(text.substr(b, e - b))) continue;
        out.push_back(line);
    }
    return out;
}

bool kernel_view_default(const Document& doc) { return doc.lesson != nullptr; }

bool& KernelViewChoice::for_doc(const Document& d) {
    if (doc != d.serial()) {
        doc = d.serial();
        on = kernel_view_default(d);
    }
    return on;
}

std::string not_kernel_note(trace::Kind k, std::string_view lang) {
    const trace::KindDoc* d = trace::find_kind_doc(k);
    if (!d || d->origin == trace::Origin::kernel) return {};
    const std::string_view who =
        util::i18n::tr(lang, d->origin == trace::Origin::runner ? "gui.event.origin.runner" : "gui.event.origin.peer");
    return util::i18n::trf(lang, "gui.source.not_kernel", {who});
}

}  // namespace sendpath::gui
