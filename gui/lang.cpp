#include "gui/lang.hpp"

#include <optional>
#include <vector>

#include "util/errno_text.hpp"
#include "util/i18n.hpp"

namespace sendpath::gui {

namespace {
// The GUI thread is the only reader and writer (views, menus, main loop).
std::string& lang_value() {
    static std::string lang(util::i18n::kEnglish);
    return lang;
}
}  // namespace

const std::string& ui_lang() { return lang_value(); }

void set_ui_lang(std::string lang) { lang_value() = std::move(lang); }

const char* T(const char* key) { return util::i18n::tr(ui_lang(), key).data(); }

std::string TF(const char* key, std::initializer_list<std::string_view> args) {
    return util::i18n::trf(ui_lang(), key, args);
}

namespace {
// Whether text is key's English text with values in its {0}, {1} ... places;
// the values, in order, if so.
std::optional<std::vector<std::string>> match_english(std::string_view key, std::string_view text) {
    const std::string_view pattern = util::i18n::tr(util::i18n::kEnglish, key);
    std::vector<std::string_view> literals;  // the text between the placeholders
    std::size_t from = 0;
    for (std::size_t open = pattern.find('{'); open != std::string_view::npos; open = pattern.find('{', from)) {
        const std::size_t close = pattern.find('}', open);
        if (close == std::string_view::npos) break;
        literals.push_back(pattern.substr(from, open - from));
        from = close + 1;
    }
    literals.push_back(pattern.substr(from));
    if (text.substr(0, literals.front().size()) != literals.front()) return std::nullopt;
    std::vector<std::string> values;
    std::size_t at = literals.front().size();
    for (std::size_t i = 1; i < literals.size(); ++i) {
        const bool last = i + 1 == literals.size();
        const std::size_t next =
            last ? (text.size() >= literals[i].size() ? text.size() - literals[i].size() : std::string_view::npos)
                 : text.find(literals[i], at);
        if (next == std::string_view::npos || next < at || text.substr(next, literals[i].size()) != literals[i])
            return std::nullopt;
        values.emplace_back(text.substr(at, next - at));
        at = next + literals[i].size();
    }
    if (at != text.size()) return std::nullopt;
    return values;
}
}  // namespace

namespace {
// A TAP link's "device lost: read from tap0: No such device (the device was
// removed)" (peer/tap_link.cpp) as the string-table text it was made from.
std::optional<util::Message> device_lost_message(const std::string& en) {
    for (const char* key : {"err.tap.lost_down", "err.tap.lost_removed", "err.tap.lost"}) {
        const auto values = match_english(key, en);
        if (!values || values->size() != 2) continue;
        util::Message what((*values)[0]);
        for (const char* op :
             {"err.tap.lost_poll_error", "err.tap.lost_read", "err.tap.lost_write", "err.tap.lost_poll"})
            if (const auto dev = match_english(op, (*values)[0]); dev && dev->size() == 1) {
                what = util::Message::of(op, {(*dev)[0]});
                break;
            }
        return util::Message::of(key, {what, util::errno_message_of_text((*values)[1])});
    }
    return std::nullopt;
}
}  // namespace

std::string end_reason_text(const std::string& en) {
    if (ui_lang() == util::i18n::kEnglish) return en;
    if (const auto lost = device_lost_message(en)) return lost->str(ui_lang());
    // Whole texts first, then the patterns with values; the most specific
    // pattern first ("... (send() call N had not returned)" wraps another reason).
    static constexpr const char* kKeys[] = {
        "gui.end.completed",  "gui.end.drain_unacked",      "gui.end.never_established",
        "gui.end.max_time",   "gui.end.shutdown_syn_sent",  "gui.end.ended",
        "gui.end.closed",     "gui.end.stopped_menu",       "gui.end.stopped_other_file",
        "gui.end.no_replay",  "gui.end.max_time_blocked",   "gui.end.not_returned",
        "gui.end.trace_full", "gui.end.interrupted_signal", "gui.end.interrupted_by",
        "gui.end.device_lost"};
    for (const char* key : kKeys) {
        const auto values = match_english(key, en);
        if (!values) continue;
        if (values->empty()) return T(key);
        if (std::string_view(key) == "gui.end.not_returned")
            return TF(key, {end_reason_text((*values)[0]), (*values)[1]});
        if (values->size() == 1) return TF(key, {(*values)[0]});
    }
    return en;
}

std::string notice_text(const std::string& en, const util::Message& msg) {
    if (!msg.empty() && msg.str() == en) return msg.str(ui_lang());
    return model_notice(en);
}

std::string model_notice(const std::string& en) {
    if (ui_lang() == util::i18n::kEnglish) return en;
    // Most specific first: "not recorded: {0}" would take the others' texts too.
    static constexpr const char* kKeys[] = {"gui.check.nothing",
                                            "gui.check.submitted_locked",
                                            "gui.check.first_counts",
                                            "gui.check.recorded",
                                            "gui.check.recorded_correct",
                                            "gui.check.recorded_wrong",
                                            "gui.check.correct",
                                            "gui.check.wrong",
                                            "gui.check.not_assessment",
                                            "gui.check.instructor_locked",
                                            "gui.check.instructor_on",
                                            "gui.check.instructor_off",
                                            "gui.check.not_number",
                                            "gui.check.already_submitted",
                                            "gui.check.submitted",
                                            "gui.check.not_recorded",
                                            "gui.nav.bp_stop",
                                            "gui.nav.no_bp_last",
                                            "gui.nav.no_hit_last",
                                            "gui.nav.no_bp_first",
                                            "gui.nav.no_hit_first"};
    for (const char* key : kKeys) {
        const auto values = match_english(key, en);
        if (!values) continue;
        if (values->empty()) return T(key);
        if (values->size() == 1) return TF(key, {(*values)[0]});
        return TF(key, {(*values)[0], (*values)[1]});
    }
    return en;
}

}  // namespace sendpath::gui
