#include "lesson/lesson.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "lesson/json_read.hpp"
#include "util/errors.hpp"
#include "util/i18n.hpp"

namespace sendpath::lesson {

namespace fs = std::filesystem;
using json_read::child;
using json_read::json;

std::string_view question_type_name(QuestionType t) {
    switch (t) {
        case QuestionType::choice: return "choice";
        case QuestionType::number: return "number";
        case QuestionType::next_branch: return "next_branch";
    }
    return "?";
}

int64_t Lesson::total_points() const {
    int64_t s = 0;
    for (const auto& q : questions) s += q.points;
    return s;
}

std::vector<std::string> Lesson::languages() const {
    std::set<std::string> langs;
    auto add = [&](const Translations& t) {
        for (const auto& [lang, text] : t) langs.insert(lang);
    };
    add(title_in);
    add(description_in);
    for (const auto& [lang, texts] : objectives_in) langs.insert(lang);
    for (const Step& s : steps) add(s.text_in);
    for (const Question& q : questions) {
        add(q.prompt_in);
        add(q.explain_in);
        add(q.unit_in);
        for (const Choice& c : q.choices) add(c.text_in);
    }
    std::vector<std::string> out{std::string(util::i18n::kEnglish)};
    out.insert(out.end(), langs.begin(), langs.end());
    return out;
}

const Question* Lesson::question(const std::string& qid) const {
    for (const auto& q : questions)
        if (q.id == qid) return &q;
    return nullptr;
}

namespace {

constexpr std::size_t kMaxText = 20000;  // characters in one narrative text

bool id_ok(const std::string& s, bool allow_upper_dot) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                        (allow_upper_dot && ((c >= 'A' && c <= 'Z') || c == '.'));
        if (!ok) return false;
    }
    return true;
}

class LessonReader {
public:
    explicit LessonReader(const std::string& file) : r_(file), file_(file) {}

    Lesson read(const json& j) {
        r_.object(j, "", "a lesson",
                  {"$schema", "id", "title", "description", "objectives", "scenario", "recorded_trace", "steps",
                   "questions", "assessment", "translations"});
        Lesson l;
        l.file = file_;
        l.id = r_.string(need(j, "", "id"), "/id", "a lesson id");
        if (!id_ok(l.id, false))
            r_.fail("/id",
                    "expected a lesson id of 1 to 64 characters a-z, 0-9, '-' or '_' (it names the lesson in "
                    "answers files), got \"" +
                        l.id + "\"");
        l.title = text(need(j, "", "title"), "/title", "a title");
        if (j.contains("description")) l.description = text(j["description"], "/description", "a description", true);
        objectives(l, need(j, "", "objectives"));
        if (j.contains("assessment")) l.assessment = r_.boolean(j["assessment"], "/assessment");
        scenario(l, need(j, "", "scenario"), j);
        steps(l, need(j, "", "steps"));
        questions(l, need(j, "", "questions"));
        translations(j, "", "the lesson's", {"title", "description", "objectives"},
                     [&](const std::string& lang, std::string_view key, const json& v, const std::string& p) {
                         if (key == "title") l.title_in[lang] = text(v, p, "a title");
                         if (key == "description") l.description_in[lang] = text(v, p, "a description", true);
                         if (key == "objectives") {
                             if (!v.is_array() || v.size() != l.objectives.size())
                                 r_.fail_got(p,
                                             "a list of " + std::to_string(l.objectives.size()) +
                                                 " objectives, one for each of /objectives, in the same order",
                                             v);
                             for (std::size_t i = 0; i < v.size(); ++i)
                                 l.objectives_in[lang].push_back(text(v[i], child(p, i), "an objective"));
                         }
                     });
        return l;
    }

private:
    // The "translations" of the object at ptr, if it has any: an object keyed
    // by language code, each an object of some of `keys` (the texts of ptr
    // that may be translated). store(lang, key, value, pointer) takes each.
    template <typename Store>
    void translations(const json& obj, const std::string& ptr, const std::string& whose,
                      std::initializer_list<std::string_view> keys, Store store) {
        if (!obj.contains("translations")) return;
        const std::string tp = child(ptr, "translations");
        const json& t = obj["translations"];
        if (!t.is_object()) r_.fail_got(tp, "an object of " + whose + " texts keyed by language code (\"zh_CN\")", t);
        for (const auto& [lang, texts] : t.items()) {
            const std::string lp = child(tp, lang);
            if (lang == util::i18n::kEnglish)
                r_.fail(lp, "expected a language other than English: the English texts are the lesson's own keys");
            if (!util::i18n::is_language(lang))
                r_.fail(lp, "expected a language code sendpath has texts for (" + util::i18n::language_codes() +
                                "), got \"" + lang + "\"");
            r_.object(texts, lp, whose + " texts in " + lang, keys);
            for (std::string_view k : keys)
                if (texts.contains(k)) store(lang, k, texts[std::string(k)], child(lp, k));
        }
    }

    const json& need(const json& obj, const std::string& ptr, const std::string& key) {
        if (!obj.contains(key)) r_.fail(ptr, "expected the key \"" + key + "\"");
        return obj[key];
    }

    std::string text(const json& v, const std::string& ptr, const std::string& what, bool empty_ok = false) {
        const std::string s = r_.string(v, ptr, what);
        if (!empty_ok && s.find_first_not_of(" \t\r\n") == std::string::npos)
            r_.fail(ptr, "expected " + what + ", got an empty string");
        if (s.size() > kMaxText)
            r_.fail(ptr, "expected " + what + " of at most " + std::to_string(kMaxText) + " characters");
        return s;
    }

    // Parses an expression; a syntax error names the pointer and the column.
    Expr expr(const json& v, const std::string& ptr, const std::string& what, bool anchor_ok) {
        const std::string s = r_.string(v, ptr, what + " (an expression)");
        Expr e;
        try {
            e = Expr::parse(s);
        } catch (const ExprError& err) {
            r_.fail(ptr, "column " + std::to_string(err.column()) + " of \"" + s + "\": " + err.what());
        }
        if (!anchor_ok && e.uses_anchor())
            r_.fail(ptr, "expected " + what +
                             " that does not use 'anchor' (it is the event this expression places), got \"" + s + "\"");
        return e;
    }

    void objectives(Lesson& l, const json& v) {
        if (!v.is_array() || v.empty()) r_.fail_got("/objectives", "a list of one or more objectives (strings)", v);
        for (std::size_t i = 0; i < v.size(); ++i)
            l.objectives.push_back(text(v[i], child("/objectives", i), "an objective"));
    }

    void scenario(Lesson& l, const json& v, const json& top) {
        if (v.is_string()) {
            const std::string rel = v.get<std::string>();
            const fs::path p(rel);
            bool inside = !rel.empty() && p.is_relative();
            for (const auto& part : p)
                if (part == "..") inside = false;
            if (!inside)
                r_.fail("/scenario",
                        "expected the path of a scenario file inside the lesson's folder, relative to it "
                        "(such as \"scenarios/first-send.json\"), got \"" +
                            rel + "\"");
            const fs::path full = fs::path(file_).parent_path() / p;
            std::error_code ec;
            if (!fs::is_regular_file(full, ec))
                r_.fail("/scenario", "expected a scenario file at " + full.string() + " (\"" + rel +
                                         "\" relative to the lesson's folder), but there is no such file");
            l.scenario_file = full.string();
            l.scenario = load_scenario(l.scenario_file);
        } else if (v.is_object()) {
            try {
                l.scenario = scenario_from_json(v, file_);
            } catch (const InputError& e) {
                // The scenario reader places errors from its own root; put them under /scenario.
                if (e.file() == file_ && (e.place().empty() || e.place()[0] == '/'))
                    throw InputError(e.file(), "/scenario" + e.place(), e.expected());
                throw;
            }
        } else {
            r_.fail_got("/scenario", "a scenario: an object, or the path of a scenario file relative to the lesson", v);
        }
        const bool has_rec = top.contains("recorded_trace");
        if (l.is_tap()) {
            if (!has_rec)
                r_.fail(
                    "",
                    "expected the key \"recorded_trace\": this lesson's scenario has a \"tap\" peer (the real kernel), "
                    "so its answers come from a recorded trace, such as \"../traces/" +
                        fs::path(file_).filename().string() + "\"");
            const std::string rel = text(top["recorded_trace"], "/recorded_trace", "the path of a recorded trace");
            l.recorded_trace =
                fs::path(rel).is_absolute() ? rel : (fs::path(file_).parent_path() / rel).lexically_normal().string();
        } else if (has_rec) {
            r_.fail("/recorded_trace",
                    "expected no recorded trace for a simulated lesson: its trace is made by running "
                    "the scenario with today's engine (recorded traces are for \"tap\" peers)");
        }
    }

    void steps(Lesson& l, const json& v) {
        if (!v.is_array() || v.empty()) r_.fail_got("/steps", "a list of one or more steps", v);
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string p = child("/steps", i);
            r_.object(v[i], p, "a step", {"at", "text", "translations"});
            Step s;
            s.pointer = p;
            s.at = expr(need(v[i], p, "at"), child(p, "at"), "an anchor", false);
            s.text = text(need(v[i], p, "text"), child(p, "text"), "the step's text");
            translations(v[i], p, "a step's", {"text"},
                         [&](const std::string& lang, std::string_view, const json& tv, const std::string& tp) {
                             s.text_in[lang] = text(tv, tp, "the step's text");
                         });
            l.steps.push_back(std::move(s));
        }
    }

    void questions(Lesson& l, const json& v) {
        if (!v.is_array()) r_.fail_got("/questions", "a list of questions", v);
        std::set<std::string> ids;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string p = child("/questions", i);
            const json& qj = v[i];
            r_.object(qj, p, "a question",
                      {"id", "type", "at", "prompt", "explain", "points", "choices", "answer", "tolerance", "unit",
                       "translations"});
            Question q;
            q.pointer = p;
            q.id = r_.string(need(qj, p, "id"), child(p, "id"), "a question id");
            if (!id_ok(q.id, true))
                r_.fail(child(p, "id"),
                        "expected a question id of 1 to 64 characters A-Z, a-z, 0-9, '-', '_' or '.', got \"" + q.id +
                            "\"");
            if (!ids.insert(q.id).second)
                r_.fail(child(p, "id"), "expected a question id used once in the lesson, got \"" + q.id + "\" again");
            const std::string type =
                r_.choice(need(qj, p, "type"), child(p, "type"), {"choice", "number", "next_branch"});
            q.type = type == "choice"   ? QuestionType::choice
                     : type == "number" ? QuestionType::number
                                        : QuestionType::next_branch;
            q.at = expr(need(qj, p, "at"), child(p, "at"), "an anchor", false);
            q.prompt = text(need(qj, p, "prompt"), child(p, "prompt"), "the question's prompt");
            if (qj.contains("explain")) q.explain = text(qj["explain"], child(p, "explain"), "an explanation", true);
            if (qj.contains("points")) q.points = r_.integer(qj["points"], child(p, "points"), 1, 100, "points");
            auto only = [&](const char* key, const std::string& why) {
                if (qj.contains(key))
                    r_.fail(child(p, key),
                            "expected no \"" + std::string(key) + "\" in a " + type + " question: " + why);
            };
            switch (q.type) {
                case QuestionType::choice:
                    only("answer", "each choice's \"correct\" expression decides");
                    only("tolerance", "it is for number questions");
                    only("unit", "it is for number questions");
                    choices(q, need(qj, p, "choices"), child(p, "choices"));
                    break;
                case QuestionType::number:
                    only("choices", "the answer is a number");
                    q.answer = expr(need(qj, p, "answer"), child(p, "answer"), "the answer", true);
                    if (qj.contains("tolerance")) {
                        const json& t = qj["tolerance"];
                        if (!t.is_number() || t.is_boolean() || !(t.get<double>() >= 0) ||
                            !std::isfinite(t.get<double>()))
                            r_.fail_got(child(p, "tolerance"), "a tolerance: a number of 0 or more", t);
                        q.tolerance = t.get<double>();
                    }
                    if (qj.contains("unit")) q.unit = text(qj["unit"], child(p, "unit"), "a unit", true);
                    break;
                case QuestionType::next_branch:
                    only("tolerance", "it is for number questions");
                    only("unit", "it is for number questions");
                    q.answer = qj.contains("answer") ? expr(qj["answer"], child(p, "answer"), "the answer", true)
                                                     : Expr::parse("next_kind(at=anchor)");
                    if (qj.contains("choices")) branch_choices(q, qj["choices"], child(p, "choices"));
                    break;
            }
            translations(qj, p, "a question's", {"prompt", "explain", "unit"},
                         [&](const std::string& lang, std::string_view key, const json& tv, const std::string& tp) {
                             if (key == "prompt") q.prompt_in[lang] = text(tv, tp, "the question's prompt");
                             if (key == "explain") q.explain_in[lang] = text(tv, tp, "an explanation", true);
                             if (key == "unit") {
                                 if (q.type != QuestionType::number)
                                     r_.fail(tp, "expected no \"unit\" in a " + type +
                                                     " question's translations: it is for number questions");
                                 q.unit_in[lang] = text(tv, tp, "a unit", true);
                             }
                         });
            l.questions.push_back(std::move(q));
        }
    }

    void choices(Question& q, const json& v, const std::string& p) {
        if (!v.is_array() || v.size() < 2) r_.fail_got(p, "a list of two or more choices", v);
        std::set<std::string> ids;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string cp = child(p, i);
            r_.object(v[i], cp, "a choice", {"id", "text", "correct", "translations"});
            Choice c;
            c.id = r_.string(need(v[i], cp, "id"), child(cp, "id"), "a choice id");
            if (!id_ok(c.id, true))
                r_.fail(
                    child(cp, "id"),
                    "expected a choice id of 1 to 64 characters A-Z, a-z, 0-9, '-', '_' or '.', got \"" + c.id + "\"");
            if (!ids.insert(c.id).second)
                r_.fail(child(cp, "id"), "expected a choice id used once in the question, got \"" + c.id + "\" again");
            c.text = text(need(v[i], cp, "text"), child(cp, "text"), "the choice's text");
            c.correct = expr(need(v[i], cp, "correct"), child(cp, "correct"), "when this choice is correct", true);
            translations(v[i], cp, "a choice's", {"text"},
                         [&](const std::string& lang, std::string_view, const json& tv, const std::string& tp) {
                             c.text_in[lang] = text(tv, tp, "the choice's text");
                         });
            q.choices.push_back(std::move(c));
        }
    }

    void branch_choices(Question& q, const json& v, const std::string& p) {
        if (!v.is_array() || v.size() < 2) r_.fail_got(p, "a list of two or more event kinds to choose from", v);
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string name = r_.string(v[i], child(p, i), "an event kind");
            trace::Kind k;
            if (!trace::kind_by_name(name, k))
                r_.fail(child(p, i), "expected an event kind (such as tail_append), got \"" + name + "\"");
            if (std::find(q.branch_choices.begin(), q.branch_choices.end(), k) != q.branch_choices.end())
                r_.fail(child(p, i), "expected each event kind once, got \"" + name + "\" again");
            q.branch_choices.push_back(k);
        }
    }

    json_read::Reader r_;
    std::string file_;
};

}  // namespace

Lesson localized(const Lesson& lesson, const std::string& lang) {
    Lesson l = lesson;
    // Each text in lang where the lesson has it; the translations go, so a
    // localized lesson is plain English-shaped data for whoever shows it.
    auto pick = [&](std::string& text, Translations& in) {
        if (auto it = in.find(lang); it != in.end()) text = it->second;
        in.clear();
    };
    pick(l.title, l.title_in);
    pick(l.description, l.description_in);
    if (auto it = l.objectives_in.find(lang); it != l.objectives_in.end()) l.objectives = it->second;
    l.objectives_in.clear();
    for (Step& s : l.steps) pick(s.text, s.text_in);
    for (Question& q : l.questions) {
        pick(q.prompt, q.prompt_in);
        pick(q.explain, q.explain_in);
        pick(q.unit, q.unit_in);
        for (Choice& c : q.choices) pick(c.text, c.text_in);
    }
    return l;
}

Lesson lesson_from_json(const nlohmann::json& j, const std::string& file) { return LessonReader(file).read(j); }

Lesson load_lesson(const std::string& path) {
    const json j = json_read::parse_text(json_read::read_file(path, std::size_t{4} << 20), path);
    return lesson_from_json(j, path);
}

std::vector<std::string> lesson_files(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw InputError(dir, "", "expected a folder of lesson files (*.json), but it is not a folder");
    std::vector<std::string> out;
    fs::directory_iterator it(dir, ec);
    if (ec) throw InputError(dir, "", "expected a readable folder of lessons: " + ec.message());
    for (const auto& e : it) {
        if (e.path().extension() != ".json") continue;
        if (!e.is_regular_file(ec)) continue;
        out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string prepared_trace_path(const Lesson& lesson) {
    if (lesson.is_tap()) return lesson.recorded_trace;
    const fs::path p(lesson.file);
    return (p.parent_path() / ".." / "traces" / p.filename()).lexically_normal().string();
}

}  // namespace sendpath::lesson
