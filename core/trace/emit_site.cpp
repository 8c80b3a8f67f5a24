#include "trace/emit_site.hpp"

#include "trace/recorder.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace sendpath::trace {

namespace {

// A function-local static, so that the table exists before the first
// registration whatever order the engine's objects are initialised in.
std::vector<EmitSite>& table() {
    static std::vector<EmitSite> sites;
    return sites;
}

bool before(const EmitSite& a, const EmitSite& b) { return a.file != b.file ? a.file < b.file : a.ordinal < b.ordinal; }

}  // namespace

namespace detail {

bool register_emit_site(const EmitSite& site) {
    auto& sites = table();
    const auto at = std::lower_bound(sites.begin(), sites.end(), site, before);
    if (at != sites.end() && at->file == site.file && at->ordinal == site.ordinal) {
        // The same SP_EMIT seen from two translation units is harmless; two
        // different ones under one site would make traces name the wrong line.
        if (at->line == site.line && at->kind == site.kind) return true;
        std::fprintf(stderr, "sendpath: two emit sites share file %u ordinal %u (lines %u and %u)\n",
                     static_cast<unsigned>(site.file), static_cast<unsigned>(site.ordinal),
                     static_cast<unsigned>(at->line), static_cast<unsigned>(site.line));
        std::abort();
    }
    sites.insert(at, site);
    return true;
}

}  // namespace detail

std::span<const EmitSite> emit_sites() { return table(); }

void resolve_site_lines(Trace& t) {
    // Trace::files names files by path; the site table by their place in kEngineFiles.
    std::vector<uint8_t> engine_id(t.files.size());
    for (std::size_t f = 0; f < t.files.size(); ++f) engine_id[f] = engine_file_id(t.files[f]);
    for (Event& e : t.events) {
        if (e.site == kNoSite) continue;
        const EmitSite* s = e.file < engine_id.size() ? find_emit_site(engine_id[e.file], e.site) : nullptr;
        // A site of another kind: the trace comes from an engine whose emits
        // were numbered otherwise, and this build's line would mislead.
        e.line = s && s->kind == e.kind ? static_cast<uint16_t>(s->line) : 0;
    }
}

std::string source_place(const Trace& t, const Event& e) {
    std::string place = e.file < t.files.size() ? t.files[e.file] : "file #" + std::to_string(e.file);
    if (e.line != 0 || e.site == kNoSite) return place + ":" + std::to_string(e.line);
    return place + ", emit site " + std::to_string(e.site);
}

bool same_emit_place(const Trace& ta, const Event& a, const Trace& tb, const Event& b) {
    const bool files_known = a.file < ta.files.size() && b.file < tb.files.size();
    if (files_known ? ta.files[a.file] != tb.files[b.file] : a.file != b.file) return false;
    if (a.site != kNoSite && b.site != kNoSite) return a.site == b.site;
    return a.line == b.line;
}

const EmitSite* find_emit_site(uint8_t file, uint16_t ordinal) {
    const auto& sites = table();
    const EmitSite key{file, ordinal, 0, Kind::sendmsg_enter};
    const auto at = std::lower_bound(sites.begin(), sites.end(), key, before);
    return at != sites.end() && at->file == file && at->ordinal == ordinal ? &*at : nullptr;
}

}  // namespace sendpath::trace
