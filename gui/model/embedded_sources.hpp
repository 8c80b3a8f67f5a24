// The engine's own source files, compiled into the app so the Source view
// shows exactly the code that emitted the trace's events (when the trace was
// recorded by this build). gui/cmake/embed_sources.cmake generates the table
// from core/engine/*.cpp and core/peer/*.cpp at build time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <string>
#include <vector>

#include "trace/event.hpp"

namespace sendpath::gui {

struct EmbeddedFile {
    std::string_view path;  // relative to the source root: "core/engine/tcp_sendmsg.cpp"
    std::string_view text;
};

std::span<const EmbeddedFile> embedded_files();
// Exact path match first, then a match on the last path components
// ("tcp_sendmsg.cpp"); nullptr when the file is not embedded.
const EmbeddedFile* find_embedded(std::string_view path);

// Start offsets of each line of text (line n, 1-based, starts at result[n-1]).
std::vector<std::size_t> line_starts(std::string_view text);

// For each line number (index = line, size lines + 2) of file `path`: some
// event at or before `horizon` was emitted there (the Source view's blue
// dots). Bounded by the horizon so a lesson does not mark the lines the
// trace reaches after the cursor.
std::vector<bool> emitted_lines(const trace::Trace& t, const std::string& path, std::size_t horizon, std::size_t lines);

// The same dots for every horizon at once: for each file of t (index in
// t.files) and each line number, the first event emitted there, or
// kNeverEmitted (each vector ends after its file's last emitting line). A
// line has a dot when its first event is at or before the horizon. One walk
// over the trace; a lesson's step or a jump into another file then costs nothing.
constexpr uint32_t kNeverEmitted = UINT32_MAX;
std::vector<std::vector<uint32_t>> first_emitting_events(const trace::Trace& t);

}  // namespace sendpath::gui
