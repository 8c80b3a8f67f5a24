// sendpath-cli lessons: list the lessons of a folder (id, title, questions);
// `lessons check`: every lesson against its run, and answers given away.
// Also what the lesson verbs share (cmd_lessons.hpp).
#include "cli/cmd_lessons.hpp"

#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "lesson/grade.hpp"
#include "lesson/lint.hpp"
#include "run/runner.hpp"
#include "trace/trace_io.hpp"
#include "util/data_dir.hpp"
#include "util/errors.hpp"
#include "util/i18n.hpp"

namespace sendpath::cli {

namespace fs = std::filesystem;

namespace {

// Why default_lessons_dir() found nothing.
std::string no_lessons_dir() {
    const fs::path data = util::data_dir();
    if (data.empty()) return "there is no ./lessons here, and " + util::data_dir_missing_message();
    return "there is no ./lessons here, nor " + (data / "lessons").string();
}

bool looks_like_id(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
    return true;
}

// Pads to w terminal columns (a Chinese character takes two).
std::string pad(std::string s, std::size_t w) {
    const std::size_t cols = util::i18n::display_width(s);
    if (cols < w) s += std::string(w - cols, ' ');
    return s;
}

// --lang, else the environment's (LC_ALL, LC_MESSAGES, LANG).
std::string chosen_language(const ParsedArgs& a) {
    const std::optional<std::string> given = a.value("lang");
    if (!given) return util::i18n::language_from_env();
    if (auto lang = util::i18n::parse_language(*given)) return *lang;
    throw UsageError("--lang '" + *given + "' is not a language sendpath has texts for; expected one of " +
                     util::i18n::language_codes() + " (without --lang: from LC_ALL, LC_MESSAGES or LANG)");
}

// lessons check [DIR|FILE...]: each lesson read, its answer key computed
// from its run (every expression fits the trace) and linted for answers on
// screen (lesson/lint.hpp). One line per problem on stderr, a summary on stdout.
int check(const std::vector<std::string>& paths_given) {
    std::vector<std::string> paths = paths_given;
    if (paths.empty()) {
        const std::string dir = default_lessons_dir();
        if (dir.empty())
            throw InputError("lessons check", "",
                             "expected a lessons folder: " + no_lessons_dir() +
                                 "; give the folder or files: sendpath-cli lessons check DIR|FILE...");
        paths.push_back(dir);
    }
    std::vector<std::string> files;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            for (auto& f : lesson::lesson_files(p)) files.push_back(std::move(f));
        } else if (fs::is_regular_file(p, ec)) {
            files.push_back(p);
        } else {
            throw InputError(p, "", "expected a lesson file or a folder of lessons, but there is no such file");
        }
    }
    std::size_t bad = 0, leaks = 0;
    for (const auto& f : files) {
        std::size_t found = 0;
        try {
            const lesson::Lesson l = lesson::load_lesson(f);
            const trace::Trace t = lesson_trace(l);
            const lesson::AnswerKey key = lesson::compute_answer_key(l, t);
            for (const auto& leak : lesson::find_leaks(l, key, t)) {
                std::cerr << "sendpath-cli: " << leak.text(f) << "\n";
                ++found;
            }
            std::cout << f << ": "
                      << (found ? std::to_string(found) + " answer" + (found == 1 ? "" : "s") + " given away" : "ok")
                      << " (" << l.questions.size() << " question" << (l.questions.size() == 1 ? "" : "s") << ", "
                      << t.events.size() << " events)\n";
        } catch (const InputError& e) {
            ++bad;
            std::cerr << "sendpath-cli: " << e.what() << "\n";
            std::cout << f << ": does not check\n";
            continue;
        }
        leaks += found;
    }
    std::cout << files.size() << " lesson" << (files.size() == 1 ? "" : "s") << " checked: " << bad
              << " that do not read or fit their trace, " << leaks << " answer" << (leaks == 1 ? "" : "s")
              << " given away\n";
    return bad + leaks > 0 ? kExitFail : kExitOk;
}

int run(const ParsedArgs& a) {
    if (!a.positional.empty() && a.positional[0] == "check") {
        if (a.flag("json")) throw UsageError("--json lists lessons; 'lessons check' prints its findings as text");
        if (a.value("lang"))
            throw UsageError("--lang chooses the language of the list; 'lessons check' checks every language");
        return check(std::vector<std::string>(a.positional.begin() + 1, a.positional.end()));
    }
    if (a.positional.size() > 1) throw UsageError("unexpected argument '" + a.positional[1] + "'");
    std::string dir = a.positional.empty() ? default_lessons_dir() : a.positional[0];
    if (dir.empty())
        throw InputError(
            "lessons", "",
            "expected a lessons folder: " + no_lessons_dir() + "; give the folder: sendpath-cli lessons DIR");
    const bool as_json = a.flag("json");
    const std::string lang = chosen_language(a);
    const auto files = lesson::lesson_files(dir);
    std::map<std::string, std::string> seen;  // id -> file
    nlohmann::json list = nlohmann::json::array();
    std::size_t bad = 0, n = 0;
    if (!as_json) std::cout << util::i18n::trf(lang, "lessons.header", {dir}) << "\n";
    for (const auto& f : files) {
        std::optional<lesson::Lesson> l;
        try {
            l = lesson::load_lesson(f);
            if (auto it = seen.find(l->id); it != seen.end())
                throw InputError(f, "/id",
                                 "expected a lesson id no other lesson in the folder uses, got \"" + l->id +
                                     "\", the id of " + it->second);
            seen[l->id] = f;
        } catch (const InputError& e) {
            ++bad;
            // In the list's language: a Chinese list says what is wrong in Chinese too.
            std::cerr << "sendpath-cli: " << e.text(lang) << "\n";
            continue;
        }
        ++n;
        const std::string title = lesson::localized(*l, lang).title;
        const std::string trace_path = lesson::prepared_trace_path(*l);
        std::error_code ec;
        const bool trace_exists = fs::is_regular_file(trace_path, ec);
        if (as_json) {
            list.push_back({{"file", f},
                            {"id", l->id},
                            {"title", title},
                            {"languages", l->languages()},
                            {"questions", l->questions.size()},
                            {"points", l->total_points()},
                            {"steps", l->steps.size()},
                            {"tap", l->is_tap()},
                            {"trace", trace_path},
                            {"trace_exists", trace_exists}});
            continue;
        }
        const std::string count = std::to_string(l->questions.size());
        std::string line =
            (n < 10 ? " " : "") + std::to_string(n) + "  " + pad(l->id, 24) + " " +
            pad(util::i18n::trf(lang, l->questions.size() == 1 ? "lessons.questions.one" : "lessons.questions.other",
                                {count}),
                14) +
            title;
        if (l->is_tap() && !trace_exists) line += "  " + util::i18n::trf(lang, "lessons.needs_tap_trace", {trace_path});
        std::cout << line << "\n";
    }
    if (as_json) std::cout << list.dump(2) << "\n";
    else if (n == 0 && bad == 0) std::cout << "  " << util::i18n::tr(lang, "lessons.none") << "\n";
    if (bad > 0) {
        std::cerr << "sendpath-cli: " << bad << " of " << files.size() << " lesson files in " << dir
                  << " could not be read\n";
        return kExitUsage;
    }
    return kExitOk;
}

}  // namespace

std::string default_lessons_dir() {
    std::error_code ec;
    if (fs::is_directory("lessons", ec)) return "lessons";
    const fs::path data = util::data_dir();
    if (!data.empty() && fs::is_directory(data / "lessons", ec)) return (data / "lessons").string();
    return {};
}

lesson::Lesson resolve_lesson(const std::string& arg) {
    std::error_code ec;
    if (fs::exists(arg, ec) || !looks_like_id(arg)) return lesson::load_lesson(arg);
    const std::string dir = default_lessons_dir();
    if (dir.empty())
        throw InputError(arg, "",
                         "expected a lesson file, or the id of a lesson in ./lessons or in sendpath's "
                         "lessons/, but " +
                             no_lessons_dir());
    std::string ids;
    for (const auto& f : lesson::lesson_files(dir)) {
        // A broken lesson in the folder must not hide the one asked for.
        try {
            lesson::Lesson l = lesson::load_lesson(f);
            if (l.id == arg) return l;
            ids += (ids.empty() ? "" : ", ") + l.id;
        } catch (const InputError&) {}
    }
    throw InputError(arg, "",
                     "expected a lesson file, or the id of a lesson in " + dir + " (" + ids + "), but it is neither");
}

trace::Trace lesson_trace(const lesson::Lesson& l) {
    if (l.is_tap()) {
        std::error_code ec;
        if (!fs::is_regular_file(l.recorded_trace, ec))
            throw InputError(
                l.file, "/recorded_trace",
                "expected a recorded TAP trace at " + l.recorded_trace +
                    ", but there is none yet: this lesson runs against the real kernel, so its trace must be "
                    "recorded once over a TAP device (scripts/make-traces.sh --tap DEV --connect IP:PORT)");
        trace::Trace t = trace::load_trace(l.recorded_trace);
        trace::validate_trace(t, l.recorded_trace);
        const bool tap = t.scenario.is_object() && t.scenario.contains("peer") && t.scenario["peer"].is_object() &&
                         t.scenario["peer"].value("type", std::string()) == "tap";
        if (!tap)
            throw InputError(l.recorded_trace, "/scenario/peer/type",
                             "expected a trace recorded with a \"tap\" peer (lesson " + l.file +
                                 " asks for the real kernel), "
                                 "got a simulated one");
        return t;
    }
    trace::Trace t = engine::run_scenario(l.scenario, engine::Options{});
    if (t.end_reason.rfind("completed", 0) != 0)
        throw InputError(l.file, "/scenario",
                         "expected a scenario that runs to completion, but its run ended with: " + t.end_reason);
    return t;
}

const Verb& verb_lessons() {
    static const Verb v{
        {"lessons",
         "List the lessons of a folder; 'lessons check': validate them and find answers given away.",
         {"[check]", "[DIR|FILE]..."},
         {{"json", 0, "",
           "Print the list as JSON (file, id, title, languages, questions, points, steps, tap, trace, "
           "trace_exists)."},
          {"lang", 0, "LANG",
           "The language of the list and titles: en or zh_CN (default: from LC_ALL, LC_MESSAGES or LANG; "
           "a lesson without that language's text shows its English)."}},
         "Without DIR: ./lessons if the current directory has one, else the lessons/ folder of\n"
         "sendpath's data: $SENDPATH_DATA, else <prefix>/share/sendpath beside an installed\n"
         "sendpath-cli, else the source tree it was built from. Lessons are listed in\n"
         "file-name order, the order they are taught in. A lesson file that does not read is\n"
         "reported on stderr (file, place, what was expected) and the others are still listed;\n"
         "the exit status is then 2. A TAP lesson whose recorded trace is missing is marked.\n"
         "Titles are in the language of --lang, else of the environment (zh_CN.UTF-8: Chinese).\n\n"
         "lessons check [DIR|FILE...] checks lessons for an author (without a path: the default\n"
         "folder). Each lesson is read, run, and its answer key computed, so an expression that\n"
         "no longer fits the trace is found; then each question is linted for an answer on\n"
         "screen when it is asked: in the step text then shown, in the event header (the\n"
         "question's event and its arguments) or in an argument the question is about, shown\n"
         "in the Events list at or before its event (assets/lesson.md, \"Answers given\n"
         "away\"). Each problem is one line on stderr naming the file, the question's place and\n"
         "id and where the answer shows; stdout has one line per lesson. Exit status 1 if any\n"
         "lesson does not read, does not fit its trace or gives an answer away. The texts of\n"
         "every language a lesson has are checked.\n\n"
         "example:\n"
         "  sendpath-cli lessons\n"
         "  sendpath-cli lessons my-course/lessons --json\n"
         "  sendpath-cli lessons --lang zh_CN\n"
         "  sendpath-cli lessons check lessons\n"
         "  sendpath-cli lessons check my-course/lessons/03-new.json\n"},
        run};
    return v;
}

}  // namespace sendpath::cli
