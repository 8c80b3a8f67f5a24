// Event kinds in other languages: the one-line summary of each kind and the
// section titles, for the CLI's `events --lang` and the GUI's hover text.
//
// The English texts stay where they are (event.hpp's SENDPATH_EVENT_KINDS,
// event_doc.cpp); the translations are keyed by kind name in a file of their
// own per language (event_doc_zh_CN.cpp), so adding a kind touches the
// English tables and, separately, the translation. `trace: every event kind
// has a Chinese summary ...` (tests/trace/test_event_doc_i18n.cpp) fails on
// a kind that has neither a Chinese summary nor a place on the English-only
// list. Kernel identifiers in the texts are never translated.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "trace/event.hpp"
#include "trace/event_doc.hpp"

namespace sendpath::trace {

struct KindText {
    std::string_view kind;  // the kind's name, as in kind_name()
    std::string_view summary;
};

// The Chinese summaries, keyed by kind name.
const std::vector<KindText>& kind_summaries_zh_CN();
// Kinds shown in English in Chinese too, on purpose (none today).
const std::vector<std::string_view>& kinds_english_only_zh_CN();

// The summary of k in lang (util/i18n.hpp codes); kind_doc(k) when lang has none.
std::string_view kind_summary(Kind k, std::string_view lang);
// The title of a section of the events page in lang; area_title(a) when lang has none.
std::string_view area_title(Area a, std::string_view lang);
// events_text() in lang: one line per kind, its name, the function that
// decides it, and its summary in lang.
std::string events_text(std::string_view lang);

}  // namespace sendpath::trace
