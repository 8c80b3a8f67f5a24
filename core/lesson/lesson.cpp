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

// A text of the string table (util/message.hpp): the lesson reader's errors
// are said in the GUI's language; the CLI prints the English ones.
util::Message keyed(std::string key, std::vector<util::Message> args = {}) {
    return util::Message::of(std::move(key), std::move(args));
}

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
        r_.object(j, "", keyed("err.lesson.what.lesson"),
                  {"$schema", "id", "title", "description", "objectives", "scenario", "recorded_trace", "steps",
                   "questions", "assessment", "translations"});
        Lesson l;
        l.file = file_;
        l.id = r_.string(need(j, "", "id"), "/id", keyed("err.lesson.what.lesson_id"));
        if (!id_ok(l.id, false)) r_.fail("/id", keyed("err.lesson.bad_lesson_id", {l.id}));
        l.title = text(need(j, "", "title"), "/title", keyed("err.lesson.what.title"));
        if (j.contains("description"))
            l.description = text(j["description"], "/description", keyed("err.lesson.what.description"), true);
        objectives(l, need(j, "", "objectives"));
        if (j.contains("assessment")) l.assessment = r_.boolean(j["assessment"], "/assessment");
        scenario(l, need(j, "", "scenario"), j);
        steps(l, need(j, "", "steps"));
        questions(l, need(j, "", "questions"));
        translations(
            j, "", keyed("err.lesson.whose.lesson"), {"title", "description", "objectives"},
            [&](const std::string& lang, std::string_view key, const json& v, const std::string& p) {
                if (key == "title") l.title_in[lang] = text(v, p, keyed("err.lesson.what.title"));
                if (key == "description")
                    l.description_in[lang] = text(v, p, keyed("err.lesson.what.description"), true);
                if (key == "objectives") {
                    if (!v.is_array() || v.size() != l.objectives.size())
                        r_.fail_got(p, keyed("err.lesson.what.objectives_in", {std::to_string(l.objectives.size())}),
                                    v);
                    for (std::size_t i = 0; i < v.size(); ++i)
                        l.objectives_in[lang].push_back(text(v[i], child(p, i), keyed("err.lesson.what.objective")));
                }
            });
        return l;
    }

private:
    // The "translations" of the object at ptr, if it has any: an object keyed
    // by language code, each an object of some of `keys` (the texts of ptr
    // that may be translated). store(lang, key, value, pointer) takes each.
    template <typename Store>
    void translations(const json& obj, const std::string& ptr, const util::Message& whose,
                      std::initializer_list<std::string_view> keys, Store store) {
        if (!obj.contains("translations")) return;
        const std::string tp = child(ptr, "translations");
        const json& t = obj["translations"];
        if (!t.is_object()) r_.fail_got(tp, keyed("err.lesson.what.translations", {whose}), t);
        for (const auto& [lang, texts] : t.items()) {
            const std::string lp = child(tp, lang);
            if (lang == util::i18n::kEnglish) r_.fail(lp, keyed("err.lesson.translation_english"));
            if (!util::i18n::is_language(lang))
                r_.fail(lp, keyed("err.lesson.unknown_language", {util::i18n::language_codes(), lang}));
            r_.object(texts, lp, keyed("err.lesson.what.texts_in", {whose, lang}), keys);
            for (std::string_view k : keys)
                if (texts.contains(k)) store(lang, k, texts[std::string(k)], child(lp, k));
        }
    }

    const json& need(const json& obj, const std::string& ptr, const std::string& key) {
        if (!obj.contains(key)) r_.fail(ptr, keyed("err.need_key", {key}));
        return obj[key];
    }

    std::string text(const json& v, const std::string& ptr, const util::Message& what, bool empty_ok = false) {
        const std::string s = r_.string(v, ptr, what);
        if (!empty_ok && s.find_first_not_of(" \t\r\n") == std::string::npos)
            r_.fail(ptr, keyed("err.lesson.empty_text", {what}));
        if (s.size() > kMaxText) r_.fail(ptr, keyed("err.lesson.text_too_long", {what, std::to_string(kMaxText)}));
        return s;
    }

    // Parses an expression; a syntax error names the pointer and the column.
    Expr expr(const json& v, const std::string& ptr, const util::Message& what, bool anchor_ok) {
        const std::string s = r_.string(v, ptr, keyed("err.lesson.what.expression", {what}));
        Expr e;
        try {
            e = Expr::parse(s);
        } catch (const ExprError& err) {
            r_.fail(ptr, "column " + std::to_string(err.column()) + " of \"" + s + "\": " + err.what());
        }
        if (!anchor_ok && e.uses_anchor()) r_.fail(ptr, keyed("err.lesson.anchor_in_anchor", {what, s}));
        return e;
    }

    void objectives(Lesson& l, const json& v) {
        if (!v.is_array() || v.empty()) r_.fail_got("/objectives", keyed("err.lesson.what.objectives"), v);
        for (std::size_t i = 0; i < v.size(); ++i)
            l.objectives.push_back(text(v[i], child("/objectives", i), keyed("err.lesson.what.objective")));
    }

    void scenario(Lesson& l, const json& v, const json& top) {
        if (v.is_string()) {
            const std::string rel = v.get<std::string>();
            const fs::path p(rel);
            bool inside = !rel.empty() && p.is_relative();
            for (const auto& part : p)
                if (part == "..") inside = false;
            if (!inside) r_.fail("/scenario", keyed("err.lesson.scenario_outside", {rel}));
            const fs::path full = fs::path(file_).parent_path() / p;
            std::error_code ec;
            if (!fs::is_regular_file(full, ec))
                r_.fail("/scenario", keyed("err.lesson.scenario_missing", {full.string(), rel}));
            l.scenario_file = full.string();
            l.scenario = load_scenario(l.scenario_file);
        } else if (v.is_object()) {
            try {
                l.scenario = scenario_from_json(v, file_);
            } catch (const InputError& e) {
                // The scenario reader places errors from its own root; put them under /scenario.
                if (e.file() == file_ && (e.place().empty() || e.place()[0] == '/'))
                    throw InputError(e.file(), "/scenario" + e.place(), e.expected_message());
                throw;
            }
        } else {
            r_.fail_got("/scenario", keyed("err.lesson.what.scenario"), v);
        }
        const bool has_rec = top.contains("recorded_trace");
        if (l.is_tap()) {
            if (!has_rec) r_.fail("", keyed("err.lesson.needs_recorded_trace", {fs::path(file_).filename().string()}));
            const std::string rel =
                text(top["recorded_trace"], "/recorded_trace", keyed("err.lesson.what.recorded_trace"));
            l.recorded_trace =
                fs::path(rel).is_absolute() ? rel : (fs::path(file_).parent_path() / rel).lexically_normal().string();
        } else if (has_rec) {
            r_.fail("/recorded_trace", keyed("err.lesson.no_recorded_trace"));
        }
    }

    void steps(Lesson& l, const json& v) {
        if (!v.is_array() || v.empty()) r_.fail_got("/steps", keyed("err.lesson.what.steps"), v);
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string p = child("/steps", i);
            r_.object(v[i], p, keyed("err.lesson.what.step"), {"at", "text", "translations"});
            Step s;
            s.pointer = p;
            s.at = expr(need(v[i], p, "at"), child(p, "at"), keyed("err.lesson.what.anchor"), false);
            s.text = text(need(v[i], p, "text"), child(p, "text"), keyed("err.lesson.what.step_text"));
            translations(v[i], p, keyed("err.lesson.whose.step"), {"text"},
                         [&](const std::string& lang, std::string_view, const json& tv, const std::string& tp) {
                             s.text_in[lang] = text(tv, tp, keyed("err.lesson.what.step_text"));
                         });
            l.steps.push_back(std::move(s));
        }
    }

    void questions(Lesson& l, const json& v) {
        if (!v.is_array()) r_.fail_got("/questions", keyed("err.lesson.what.questions"), v);
        std::set<std::string> ids;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string p = child("/questions", i);
            const json& qj = v[i];
            r_.object(qj, p, keyed("err.lesson.what.question"),
                      {"id", "type", "at", "prompt", "explain", "points", "choices", "answer", "tolerance", "unit",
                       "translations"});
            Question q;
            q.pointer = p;
            q.id = r_.string(need(qj, p, "id"), child(p, "id"), keyed("err.lesson.what.question_id"));
            if (!id_ok(q.id, true)) r_.fail(child(p, "id"), keyed("err.lesson.bad_question_id", {q.id}));
            if (!ids.insert(q.id).second) r_.fail(child(p, "id"), keyed("err.lesson.question_id_twice", {q.id}));
            const std::string type =
                r_.choice(need(qj, p, "type"), child(p, "type"), {"choice", "number", "next_branch"});
            q.type = type == "choice"   ? QuestionType::choice
                     : type == "number" ? QuestionType::number
                                        : QuestionType::next_branch;
            q.at = expr(need(qj, p, "at"), child(p, "at"), keyed("err.lesson.what.anchor"), false);
            q.prompt = text(need(qj, p, "prompt"), child(p, "prompt"), keyed("err.lesson.what.prompt"));
            if (qj.contains("explain"))
                q.explain = text(qj["explain"], child(p, "explain"), keyed("err.lesson.what.explain"), true);
            if (qj.contains("points"))
                q.points = r_.integer(qj["points"], child(p, "points"), 1, 100, keyed("err.lesson.what.points"));
            auto only = [&](const char* key, const char* why) {
                if (qj.contains(key)) r_.fail(child(p, key), keyed("err.lesson.key_not_here", {key, type, keyed(why)}));
            };
            switch (q.type) {
                case QuestionType::choice:
                    only("answer", "err.lesson.why.correct_decides");
                    only("tolerance", "err.lesson.why.for_number");
                    only("unit", "err.lesson.why.for_number");
                    choices(q, need(qj, p, "choices"), child(p, "choices"));
                    break;
                case QuestionType::number:
                    only("choices", "err.lesson.why.answer_is_number");
                    q.answer = expr(need(qj, p, "answer"), child(p, "answer"), keyed("err.lesson.what.answer"), true);
                    if (qj.contains("tolerance")) {
                        const json& t = qj["tolerance"];
                        if (!t.is_number() || t.is_boolean() || !(t.get<double>() >= 0) ||
                            !std::isfinite(t.get<double>()))
                            r_.fail_got(child(p, "tolerance"), keyed("err.lesson.what.tolerance"), t);
                        q.tolerance = t.get<double>();
                    }
                    if (qj.contains("unit"))
                        q.unit = text(qj["unit"], child(p, "unit"), keyed("err.lesson.what.unit"), true);
                    break;
                case QuestionType::next_branch:
                    only("tolerance", "err.lesson.why.for_number");
                    only("unit", "err.lesson.why.for_number");
                    q.answer = qj.contains("answer")
                                   ? expr(qj["answer"], child(p, "answer"), keyed("err.lesson.what.answer"), true)
                                   : Expr::parse("next_kind(at=anchor)");
                    if (qj.contains("choices")) branch_choices(q, qj["choices"], child(p, "choices"));
                    break;
            }
            translations(qj, p, keyed("err.lesson.whose.question"), {"prompt", "explain", "unit"},
                         [&](const std::string& lang, std::string_view key, const json& tv, const std::string& tp) {
                             if (key == "prompt") q.prompt_in[lang] = text(tv, tp, keyed("err.lesson.what.prompt"));
                             if (key == "explain")
                                 q.explain_in[lang] = text(tv, tp, keyed("err.lesson.what.explain"), true);
                             if (key == "unit") {
                                 if (q.type != QuestionType::number)
                                     r_.fail(tp, keyed("err.lesson.unit_translation", {type}));
                                 q.unit_in[lang] = text(tv, tp, keyed("err.lesson.what.unit"), true);
                             }
                         });
            l.questions.push_back(std::move(q));
        }
    }

    void choices(Question& q, const json& v, const std::string& p) {
        if (!v.is_array() || v.size() < 2) r_.fail_got(p, keyed("err.lesson.what.choices"), v);
        std::set<std::string> ids;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string cp = child(p, i);
            r_.object(v[i], cp, keyed("err.lesson.what.choice"), {"id", "text", "correct", "translations"});
            Choice c;
            c.id = r_.string(need(v[i], cp, "id"), child(cp, "id"), keyed("err.lesson.what.choice_id"));
            if (!id_ok(c.id, true)) r_.fail(child(cp, "id"), keyed("err.lesson.bad_choice_id", {c.id}));
            if (!ids.insert(c.id).second) r_.fail(child(cp, "id"), keyed("err.lesson.choice_id_twice", {c.id}));
            c.text = text(need(v[i], cp, "text"), child(cp, "text"), keyed("err.lesson.what.choice_text"));
            c.correct = expr(need(v[i], cp, "correct"), child(cp, "correct"), keyed("err.lesson.what.correct"), true);
            translations(v[i], cp, keyed("err.lesson.whose.choice"), {"text"},
                         [&](const std::string& lang, std::string_view, const json& tv, const std::string& tp) {
                             c.text_in[lang] = text(tv, tp, keyed("err.lesson.what.choice_text"));
                         });
            q.choices.push_back(std::move(c));
        }
    }

    void branch_choices(Question& q, const json& v, const std::string& p) {
        if (!v.is_array() || v.size() < 2) r_.fail_got(p, keyed("err.lesson.what.branch_choices"), v);
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string name = r_.string(v[i], child(p, i), keyed("err.lesson.what.event_kind"));
            trace::Kind k;
            if (!trace::kind_by_name(name, k)) r_.fail(child(p, i), keyed("err.lesson.unknown_event_kind", {name}));
            if (std::find(q.branch_choices.begin(), q.branch_choices.end(), k) != q.branch_choices.end())
                r_.fail(child(p, i), keyed("err.lesson.event_kind_twice", {name}));
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
    if (!fs::is_directory(dir, ec)) throw InputError(dir, "", keyed("err.lesson.not_a_folder"));
    std::vector<std::string> out;
    fs::directory_iterator it(dir, ec);
    if (ec) throw InputError(dir, "", keyed("err.lesson.unreadable_folder", {ec.message()}));
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
