// Texts about names, for error messages: a list joined with commas, and the
// "did you mean ...?" hint for a misspelt name.
//
// The lesson readers (expr, json_read) and the trace name tables each
// need them; they live here, in the lowest layer, so all say it one way.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace sendpath::util {

// Levenshtein distance: the fewest single-character insertions, deletions
// and substitutions that turn a into b.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to got, if it is within max_edits edits (the first
// of equally close ones); "" when none is that close.
std::string_view closest_name(std::string_view got, std::span<const std::string_view> candidates,
                              std::size_t max_edits = 2);

// " (did you mean 'x'?)" for the closest candidate within 2 edits, quoted with
// quote (the lesson expressions quote with ', the JSON readers with "); ""
// when no candidate is that close.
std::string did_you_mean(std::string_view got, std::span<const std::string_view> candidates, char quote);

// "a, b, c".
std::string join(std::span<const std::string_view> names);

}  // namespace sendpath::util
