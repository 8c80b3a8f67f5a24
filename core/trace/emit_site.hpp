// Emit sites: where in the engine an event was emitted, in a form that does
// not move when the source text around it is edited.
//
// A site is an engine file (its index in kEngineFiles) and the ordinal of the
// SP_EMIT within that file, counted from the top. Traces store the site, never
// the raw line, so a comment or a blank line added anywhere in the engine
// leaves every trace byte for byte as it was; adding or removing an SP_EMIT
// renumbers only the later sites of that one file. Whoever shows a line (the
// GUI's Source view, CSV export, `diff`) looks it up in this build's own table
// of sites, which every SP_EMIT adds itself to before main() runs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "trace/event.hpp"

namespace sendpath::trace {

struct EmitSite {
    uint8_t file = 0;      // index into kEngineFiles
    uint16_t ordinal = 0;  // which SP_EMIT of that file, 0 = the first
    uint32_t line = 0;     // where it stands in this build's source
    Kind kind = Kind::sendmsg_enter;
};

// Where event e of t was emitted, for messages: "core/engine/x.cpp:123", or
// "core/engine/x.cpp, emit site 7" when this build has no line for its site.
std::string source_place(const Trace& t, const Event& e);

// Gives every event of t that names a site the line that site has in this
// build (0 when it has none, or one of another kind: a trace from another
// version of the engine).
// Trace readers call it; events without a site keep the line they were read with.
void resolve_site_lines(Trace& t);

// Whether two events (of traces ta and tb) were emitted at the same place:
// the same file and, when both name a site, the same site; when one of them
// comes from a format 1 trace (a line only), the same line.
bool same_emit_place(const Trace& ta, const Event& a, const Trace& tb, const Event& b);

// Every emit site compiled into this program, ordered by file, then ordinal.
std::span<const EmitSite> emit_sites();
// The site of this build at (file, ordinal), or nullptr if it has none.
const EmitSite* find_emit_site(uint8_t file, uint16_t ordinal);

namespace detail {
// Adds a site to the table (called during static initialisation only).
bool register_emit_site(const EmitSite& site);

// One instance per SP_EMIT: naming its `registered` member from the emitting
// function makes the compiler instantiate it, and its initialiser enters the
// site into the table before main(), whether or not the branch ever runs.
template <uint8_t File, uint16_t Ordinal, uint32_t Line, Kind K>
struct EmitSiteEntry {
    static inline const bool registered = register_emit_site(EmitSite{File, Ordinal, Line, K});
};
}  // namespace detail

}  // namespace sendpath::trace
