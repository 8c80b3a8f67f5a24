// sendpath-cli events: the event kinds, from the engine's own table
// (trace/event_doc.hpp): a list, one kind in full, or the reference page
// assets/events.md as Markdown.

#include "cli/commands.hpp"
#include "trace/event_doc.hpp"
#include "trace/event_doc_i18n.hpp"
#include "trace/name_table.hpp"
#include "util/errors.hpp"
#include "util/i18n.hpp"
#include "util/names.hpp"

namespace sendpath::cli {

namespace {

int run(const ParsedArgs& a) {
    const bool markdown = a.flag("markdown");
    // The reference page is English (assets/events.md is checked against it),
    // so --lang applies to the list and to one kind; without --lang, the
    // environment's language (LC_ALL, LC_MESSAGES, LANG).
    std::string lang = util::i18n::language_from_env();
    if (const auto given = a.value("lang")) {
        if (markdown) throw UsageError("--markdown prints the English reference page; give no --lang with it");
        const auto parsed = util::i18n::parse_language(*given);
        if (!parsed)
            throw UsageError("--lang '" + *given + "' is not a language sendpath has texts for; expected one of " +
                             util::i18n::language_codes());
        lang = *parsed;
    }
    std::string text;
    if (!a.positional.empty()) {
        if (markdown) throw UsageError("--markdown prints the whole page; give no KIND with it");
        trace::Kind k{};
        if (!trace::kind_by_name(a.positional[0], k))
            throw UsageError("'" + a.positional[0] + "' is not an event kind" +
                             util::did_you_mean(a.positional[0], trace::kind_names().list(), '\'') +
                             "; 'sendpath-cli events' lists them");
        text = trace::event_text(k);
        if (lang != util::i18n::kEnglish) {
            // The summary line in lang; the details below it are English for now.
            const std::size_t eol = text.find('\n');
            text = std::string(trace::kind_name(k)) + ": " + std::string(trace::kind_summary(k, lang)) +
                   (eol == std::string::npos ? "\n" : text.substr(eol));
        }
    } else {
        text = markdown ? trace::events_markdown() : trace::events_text(lang);
    }
    const std::string out = a.value("output").value_or("-");
    if (out != "-") check_output_path(out, "the output file (-o)");
    write_output(out, [&](std::ostream& os) { os << text; });
    return kExitOk;
}

}  // namespace

const Verb& verb_events() {
    static const Verb v{{"events",
                         "List the event kinds: what each models in the kernel, and its arguments.",
                         {"[KIND]"},
                         {
                             {"markdown", 0, "", "Print the events reference page (assets/events.md) as Markdown."},
                             {"output", 'o', "FILE", "Write to FILE instead of standard output."},
                             {"lang", 0, "LANG",
                              "The language of the summaries: en or zh_CN (default: from LC_ALL, LC_MESSAGES or "
                              "LANG). The details of one KIND and the --markdown page are English."},
                         },
                         "Without arguments: one line per event kind (its name, the kernel functions it models,\n"
                         "its one-line summary), grouped by where on the send path it sits. With KIND: that kind\n"
                         "in full, with the meaning of every argument the engine puts on it.\n\n"
                         "Everything comes from one table in the engine (core/trace/event_doc.cpp); the GUI's\n"
                         "hover text uses the same words. assets/events.md is this verb's --markdown output, and a\n"
                         "test fails when the checked-in page differs from it.\n\n"
                         "example:\n"
                         "  sendpath-cli events page_merge\n"
                         "  sendpath-cli events --lang zh_CN\n"
                         "  sendpath-cli events --markdown -o assets/events.md\n"},
                        run};
    return v;
}

}  // namespace sendpath::cli
