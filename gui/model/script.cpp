#include "gui/model/script.hpp"

#include <cctype>
#include <charconv>

#include "gui/model/breakpoints.hpp"
#include "gui/model/keys.hpp"
#include "util/errors.hpp"

namespace sendpath::gui {

namespace {
enum class ArgKind {
    none,
    size,
    number,
    text,
    optional_text,
    chord,
    breakpoint,
    kind,
    func,
    condition,
    id_value,
    on_off
};

struct Verb {
    std::string_view name;
    ArgKind arg;
};

constexpr Verb kVerbs[] = {
    {"step_into", ArgKind::none},
    {"step_over", ArgKind::none},
    {"step_out", ArgKind::none},
    {"step_into_back", ArgKind::none},
    {"step_over_back", ArgKind::none},
    {"step_out_back", ArgKind::none},
    {"continue", ArgKind::none},
    {"reverse_continue", ArgKind::none},
    {"home", ArgKind::none},
    {"end", ArgKind::none},
    {"quit", ArgKind::none},
    {"clear_breaks", ArgKind::none},
    {"expect_no_error", ArgKind::none},
    {"sweep", ArgKind::none},
    {"expect_source", ArgKind::text},
    {"jump", ArgKind::number},
    {"wait", ArgKind::number},
    {"select_frame", ArgKind::number},
    {"expect_line", ArgKind::number},
    {"expect_line_not", ArgKind::number},
    {"expect_event", ArgKind::number},
    {"expect_depth", ArgKind::number},
    {"expect_frames", ArgKind::number},
    {"open", ArgKind::text},
    {"screenshot", ArgKind::text},
    {"show", ArgKind::text},
    {"hide", ArgKind::text},
    {"filter", ArgKind::optional_text},
    {"expect_error", ArgKind::optional_text},
    {"key", ArgKind::chord},
    {"break", ArgKind::breakpoint},
    {"expect_kind", ArgKind::kind},
    {"expect_func", ArgKind::func},
    {"expect_cond", ArgKind::condition},
    {"compare", ArgKind::text},
    {"close_compare", ArgKind::none},
    {"expect_divergence", ArgKind::number},
    {"expect_segments", ArgKind::number},
    {"pick", ArgKind::number},
    {"expect_events", ArgKind::number},
    {"expect_live", ArgKind::text},
    {"answer", ArgKind::id_value},
    {"submit", ArgKind::none},
    {"instructor", ArgKind::on_off},
    {"expect_answered", ArgKind::number},
    {"expect_status", ArgKind::text},
    {"expect_no_status", ArgKind::text},
    {"expect_hidden", ArgKind::on_off},
    {"resize", ArgKind::size},
    {"save_answers", ArgKind::optional_text},
    {"set_student", ArgKind::text},
    {"confirm", ArgKind::on_off},
    {"expect_confirm", ArgKind::text},
    {"language", ArgKind::text},
    {"expect_language", ArgKind::text},
    {"expect_glyphs", ArgKind::none},
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}
}  // namespace

std::optional<std::pair<int, int>> parse_size(std::string_view s) {
    const auto x = s.find('x');
    if (x == std::string_view::npos) return std::nullopt;
    int w = 0, h = 0;
    const auto [pw, ew] = std::from_chars(s.data(), s.data() + x, w);
    const auto [ph, eh] = std::from_chars(s.data() + x + 1, s.data() + s.size(), h);
    if (ew != std::errc() || pw != s.data() + x || eh != std::errc() || ph != s.data() + s.size()) return std::nullopt;
    if (w < 400 || h < 300 || w > 7680 || h > 4320) return std::nullopt;
    return std::make_pair(w, h);
}

std::vector<ScriptStep> parse_script(std::string_view text, const std::string& file) {
    std::vector<ScriptStep> steps;
    int line_no = 0;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        ++line_no;
        line = trim(line);
        if (line.empty() || line.front() == '#') continue;
        const auto sp = line.find_first_of(" \t");
        ScriptStep st;
        st.line = line_no;
        st.verb = std::string(line.substr(0, sp));
        st.arg = sp == std::string_view::npos ? std::string() : std::string(trim(line.substr(sp)));
        // A quoted argument ("" for an empty filter) loses its quotes.
        if (st.arg.size() >= 2 && st.arg.front() == '"' && st.arg.back() == '"')
            st.arg = st.arg.substr(1, st.arg.size() - 2);
        const std::string place = "line " + std::to_string(line_no);
        const Verb* verb = nullptr;
        for (const Verb& v : kVerbs)
            if (v.name == st.verb) verb = &v;
        if (!verb)
            throw InputError(file, place, "unknown command '" + st.verb + "' (see gui/model/script.hpp for the list)");
        std::string why;
        switch (verb->arg) {
            case ArgKind::none:
                if (!st.arg.empty())
                    throw InputError(file, place, "'" + st.verb + "' takes no argument, found '" + st.arg + "'");
                break;
            case ArgKind::size:
                if (!parse_size(st.arg))
                    throw InputError(file, place,
                                     "'" + st.verb +
                                         "' needs WIDTHxHEIGHT in pixels, from 400x300 to "
                                         "7680x4320, found '" +
                                         st.arg + "'");
                break;
            case ArgKind::number: {
                auto [p, ec] = std::from_chars(st.arg.data(), st.arg.data() + st.arg.size(), st.number);
                if (st.arg.empty() || ec != std::errc() || p != st.arg.data() + st.arg.size() || st.number < 0)
                    throw InputError(file, place,
                                     "'" + st.verb + "' needs a non-negative number, found '" + st.arg + "'");
                break;
            }
            case ArgKind::text:
                if (st.arg.empty()) throw InputError(file, place, "'" + st.verb + "' needs an argument");
                break;
            case ArgKind::optional_text: break;
            case ArgKind::chord:
                if (!parse_chord(st.arg))
                    throw InputError(file, place, "a key chord such as F11 or Ctrl+Shift+F11, found '" + st.arg + "'");
                break;
            case ArgKind::breakpoint:
                if (!parse_breakpoint(st.arg, &why)) throw InputError(file, place, why);
                break;
            case ArgKind::kind: {
                trace::Kind k;
                if (!trace::kind_by_name(st.arg, k))
                    throw InputError(file, place, "an event kind, found '" + st.arg + "'");
                break;
            }
            case ArgKind::func: {
                trace::Func f;
                if (!trace::func_by_name(st.arg, f))
                    throw InputError(file, place, "an engine function name, found '" + st.arg + "'");
                break;
            }
            case ArgKind::condition:
                if (!parse_condition(st.arg, &why)) throw InputError(file, place, why);
                break;
            case ArgKind::id_value:
                if (st.arg.find_first_of(" \t") == std::string::npos)
                    throw InputError(
                        file, place,
                        "'" + st.verb + "' needs a question id and a value (answer q1 552), found '" + st.arg + "'");
                break;
            case ArgKind::on_off:
                if (st.arg != "on" && st.arg != "off" && st.arg != "yes" && st.arg != "no")
                    throw InputError(file, place, "'" + st.verb + "' takes on or off, found '" + st.arg + "'");
                break;
        }
        steps.push_back(std::move(st));
    }
    return steps;
}

}  // namespace sendpath::gui
