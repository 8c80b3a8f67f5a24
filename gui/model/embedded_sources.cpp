#include "gui/model/embedded_sources.hpp"

#include "gui/model/breakpoints.hpp"  // path_matches

namespace sendpath::gui {

// Defined in the generated embedded_sources_data.cpp.
extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

std::span<const EmbeddedFile> embedded_files() { return {kEmbeddedFiles, kEmbeddedFileCount}; }

const EmbeddedFile* find_embedded(std::string_view path) {
    for (const EmbeddedFile& f : embedded_files())
        if (f.path == path) return &f;
    for (const EmbeddedFile& f : embedded_files())
        if (path_matches(f.path, path) || path_matches(path, f.path)) return &f;
    return nullptr;
}

std::vector<std::size_t> line_starts(std::string_view text) {
    std::vector<std::size_t> starts;
    if (text.empty()) return starts;
    starts.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n' && i + 1 < text.size()) starts.push_back(i + 1);
    return starts;
}

std::vector<bool> emitted_lines(const trace::Trace& t, const std::string& path, std::size_t horizon,
                                std::size_t lines) {
    std::vector<bool> out(lines + 2, false);
    for (std::size_t i = 0; i < t.events.size() && i <= horizon; ++i) {
        const trace::Event& ev = t.events[i];
        if (ev.file < t.files.size() && ev.line < out.size() && t.files[ev.file] == path) out[ev.line] = true;
    }
    return out;
}

std::vector<std::vector<uint32_t>> first_emitting_events(const trace::Trace& t) {
    std::vector<std::vector<uint32_t>> out(t.files.size());
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const trace::Event& ev = t.events[i];
        if (ev.file >= out.size()) continue;
        std::vector<uint32_t>& lines = out[ev.file];
        if (ev.line >= lines.size()) lines.resize(ev.line + 1, kNeverEmitted);
        if (lines[ev.line] == kNeverEmitted) lines[ev.line] = static_cast<uint32_t>(i);
    }
    return out;
}

}  // namespace sendpath::gui
