#include "lesson/grade.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "lesson/json_read.hpp"
#include "util/errors.hpp"

namespace sendpath::lesson {

using json_read::child;
using nlohmann::json;

namespace {

// "in \"first(x)\" at column 7: no event matches ..."
[[noreturn]] void expr_failed(const Lesson& l, const std::string& ptr, const Expr& e, const ExprError& err) {
    throw InputError(l.file, ptr,
                     "column " + std::to_string(err.column()) + " of \"" + e.text() + "\": " + err.what() +
                         " (the lesson no longer fits this trace: fix the expression)");
}

std::size_t anchor_of(const Lesson& l, const std::string& ptr, const Expr& e, EvalContext& ctx) {
    try {
        return evaluate_event(e, ctx);
    } catch (const ExprError& err) { expr_failed(l, ptr, e, err); }
}

Value value_of(const Lesson& l, const std::string& ptr, const Expr& e, EvalContext& ctx) {
    try {
        return evaluate(e, ctx);
    } catch (const ExprError& err) { expr_failed(l, ptr, e, err); }
}

std::string kinds_text(const std::vector<trace::Kind>& ks) {
    std::string s;
    for (auto k : ks) s += (s.empty() ? "" : ", ") + std::string(trace::kind_name(k));
    return s;
}

}  // namespace

json KeyQuestion::answer_json() const {
    switch (type) {
        case QuestionType::number: return number;
        case QuestionType::next_branch: return std::string(trace::kind_name(kind));
        case QuestionType::choice: return correct_choices;
    }
    return nullptr;
}

const KeyQuestion* AnswerKey::question(const std::string& qid) const {
    for (const auto& q : questions)
        if (q.id == qid) return &q;
    return nullptr;
}

AnswerKey compute_answer_key(const Lesson& l, const trace::Trace& t) {
    if (t.events.empty())
        throw InputError(l.file, "", "expected a trace with events to place the lesson on, got an empty trace");
    AnswerKey key;
    key.lesson_id = l.id;
    key.title = l.title;
    key.file = l.file;
    key.events = t.events.size();
    key.engine_version = t.engine_version;
    key.total_points = l.total_points();
    EvalContext ctx(t);

    for (const Step& s : l.steps) key.step_events.push_back(anchor_of(l, child(s.pointer, "at"), s.at, ctx));

    for (const Question& q : l.questions) {
        KeyQuestion k;
        k.id = q.id;
        k.type = q.type;
        k.points = q.points;
        k.at = q.at.text();
        ctx.anchor.reset();
        k.event = anchor_of(l, child(q.pointer, "at"), q.at, ctx);
        ctx.anchor = k.event;
        switch (q.type) {
            case QuestionType::number: {
                k.expression = q.answer.text();
                const Value v = value_of(l, child(q.pointer, "answer"), q.answer, ctx);
                if (v.is_kind())
                    throw InputError(l.file, child(q.pointer, "answer"),
                                     "expected a number from \"" + q.answer.text() + "\", got the event kind " +
                                         v.str() + " (a next_branch question asks for a kind)");
                k.number = v.number;
                k.tolerance = q.tolerance;
                break;
            }
            case QuestionType::next_branch: {
                k.expression = q.answer.text();
                const Value v = value_of(l, child(q.pointer, "answer"), q.answer, ctx);
                if (!v.is_kind())
                    throw InputError(
                        l.file, child(q.pointer, "answer"),
                        "expected an event kind from \"" + q.answer.text() + "\", got the number " + v.str());
                k.kind = v.kind;
                if (!q.branch_choices.empty() &&
                    std::find(q.branch_choices.begin(), q.branch_choices.end(), v.kind) == q.branch_choices.end())
                    throw InputError(l.file, child(q.pointer, "choices"),
                                     "expected the correct branch " + v.str() + " (from \"" + q.answer.text() +
                                         "\" on this trace) among the choices, got " + kinds_text(q.branch_choices));
                break;
            }
            case QuestionType::choice: {
                for (std::size_t i = 0; i < q.choices.size(); ++i) {
                    const Choice& c = q.choices[i];
                    const std::string ptr = child(child(child(q.pointer, "choices"), i), "correct");
                    const Value v = value_of(l, ptr, c.correct, ctx);
                    if (v.is_kind())
                        throw InputError(l.file, ptr,
                                         "expected a number from \"" + c.correct.text() +
                                             "\" (nonzero: the choice is correct), got the event kind " + v.str() +
                                             "; compare it, e.g. kind(...) == " + v.str());
                    k.choice_values.emplace_back(c.id, v.number);
                    if (v.number != 0) k.correct_choices.push_back(c.id);
                }
                if (k.correct_choices.empty())
                    throw InputError(
                        l.file, child(q.pointer, "choices"),
                        "expected at least one correct choice, but every \"correct\" expression is 0 on this "
                        "trace (the lesson no longer fits the engine: fix the choices)");
                break;
            }
        }
        key.questions.push_back(std::move(k));
    }
    return key;
}

nlohmann::ordered_json AnswerKey::to_json(const Lesson& lesson) const {
    using oj = nlohmann::ordered_json;
    oj j = oj::object();
    j["lesson"] = lesson_id;
    j["title"] = title;
    j["file"] = file;
    j["engine_version"] = engine_version;
    j["events"] = events;
    j["total"] = total_points;
    oj steps = oj::array();
    for (std::size_t i = 0; i < step_events.size(); ++i)
        steps.push_back(oj{{"step", i}, {"event", step_events[i]}, {"at", lesson.steps[i].at.text()}});
    j["steps"] = steps;
    oj qs = oj::array();
    for (std::size_t i = 0; i < questions.size(); ++i) {
        const KeyQuestion& k = questions[i];
        oj q = oj::object();
        q["id"] = k.id;
        q["type"] = std::string(question_type_name(k.type));
        q["event"] = k.event;
        q["at"] = k.at;
        q["points"] = k.points;
        q["answer"] = oj::parse(k.answer_json().dump());
        if (k.type == QuestionType::number) {
            if (k.tolerance == std::floor(k.tolerance) && k.tolerance < 9e15)
                q["tolerance"] = static_cast<int64_t>(k.tolerance);
            else q["tolerance"] = k.tolerance;
        }
        if (k.type == QuestionType::choice) {
            oj ex = oj::object(), vals = oj::object();
            for (std::size_t c = 0; c < k.choice_values.size(); ++c) {
                ex[k.choice_values[c].first] = lesson.questions[i].choices[c].correct.text();
                vals[k.choice_values[c].first] = k.choice_values[c].second;
            }
            q["expression"] = ex;
            q["values"] = vals;
        } else {
            q["expression"] = k.expression;
        }
        qs.push_back(q);
    }
    j["questions"] = qs;
    return j;
}

// ---------------------------------------------------------------------------
// Answers files
// ---------------------------------------------------------------------------

AnswerSheet answer_sheet_from_json(const json& j, const std::string& file, const Lesson& lesson) {
    json_read::Reader r(file);
    r.object(j, "", "an answers file", {"$schema", "lesson", "student", "answers"});
    auto need = [&](const char* key) -> const json& {
        if (!j.contains(key)) r.fail("", "expected the key \"" + std::string(key) + "\"");
        return j[key];
    };
    AnswerSheet s;
    s.file = file;
    s.lesson = r.string(need("lesson"), "/lesson", "a lesson id");
    if (s.lesson != lesson.id)
        r.fail("/lesson", "expected the lesson being graded, \"" + lesson.id + "\" (" + lesson.file + "), got \"" +
                              s.lesson + "\": this file answers another lesson");
    s.student = r.string(need("student"), "/student", "the student's name or id");
    if (s.student.find_first_not_of(" \t") == std::string::npos || s.student.size() > 200)
        r.fail_got("/student", "the student's name or id (1 to 200 characters)", j["student"]);
    const json& answers = need("answers");
    if (!answers.is_object()) r.fail_got("/answers", "an object of answers by question id", answers);
    std::string ids;
    for (const auto& q : lesson.questions) ids += (ids.empty() ? "" : ", ") + q.id;
    for (auto it = answers.begin(); it != answers.end(); ++it) {
        const std::string ptr = child("/answers", it.key());
        const Question* q = lesson.question(it.key());
        if (!q)
            r.fail(ptr, "expected a question id of lesson " + lesson.id + " (" + ids + "), got \"" + it.key() + "\"");
        const json& v = it.value();
        if (v.is_null()) continue;  // left blank: unanswered
        Answer a;
        a.given = v;
        switch (q->type) {
            case QuestionType::number:
                if (!v.is_number() || !std::isfinite(v.get<double>()))
                    r.fail_got(ptr, "a number (question " + q->id + " asks for a number)", v);
                a.type = Answer::Type::number;
                a.number = v.get<double>();
                break;
            case QuestionType::next_branch: {
                if (!v.is_string())
                    r.fail_got(
                        ptr,
                        "an event kind such as \"tail_append\" (question " + q->id + " asks which branch comes next)",
                        v);
                a.type = Answer::Type::kind;
                if (!trace::kind_by_name(v.get<std::string>(), a.kind))
                    r.fail_got(ptr, "an event kind such as \"tail_append\" (the names of core/trace/event.hpp)", v);
                break;
            }
            case QuestionType::choice: {
                std::string choice_ids;
                for (const auto& c : q->choices) choice_ids += (choice_ids.empty() ? "" : ", ") + c.id;
                const std::string what = "a choice id of question " + q->id + " (" + choice_ids + ")";
                auto check = [&](const json& c, const std::string& p) -> std::string {
                    if (!c.is_string()) r.fail_got(p, what, c);
                    const std::string id = c.get<std::string>();
                    for (const auto& ch : q->choices)
                        if (ch.id == id) return id;
                    r.fail_got(p, what, c);
                };
                a.type = Answer::Type::choices;
                if (v.is_array()) {
                    if (v.empty())
                        r.fail_got(ptr,
                                   "one or more choice ids of question " + q->id + " (" + choice_ids + "), or null", v);
                    std::set<std::string> seen;
                    for (std::size_t i = 0; i < v.size(); ++i) {
                        const std::string id = check(v[i], child(ptr, i));
                        if (!seen.insert(id).second)
                            r.fail(child(ptr, i), "expected each choice once, got \"" + id + "\" again");
                        a.choices.push_back(id);
                    }
                } else {
                    a.choices.push_back(check(v, ptr));
                }
                break;
            }
        }
        s.answers[it.key()] = std::move(a);
    }
    return s;
}

AnswerSheet load_answer_sheet(const std::string& path, const Lesson& lesson) {
    const json j = json_read::parse_text(json_read::read_file(path, std::size_t{1} << 20), path);
    return answer_sheet_from_json(j, path, lesson);
}

json answer_sheet_to_json(const AnswerSheet& sheet) {
    json answers = json::object();
    for (const auto& [id, a] : sheet.answers) {
        switch (a.type) {
            case Answer::Type::number:
                if (a.number == std::floor(a.number) && std::fabs(a.number) < 9e15)
                    answers[id] = static_cast<int64_t>(a.number);
                else answers[id] = a.number;
                break;
            case Answer::Type::kind: answers[id] = std::string(trace::kind_name(a.kind)); break;
            case Answer::Type::choices:
                if (a.choices.size() == 1) answers[id] = a.choices[0];
                else answers[id] = a.choices;
                break;
        }
    }
    return {{"lesson", sheet.lesson}, {"student", sheet.student}, {"answers", answers}};
}

// ---------------------------------------------------------------------------
// Grading
// ---------------------------------------------------------------------------

std::string_view verdict_name(Verdict v) {
    switch (v) {
        case Verdict::correct: return "correct";
        case Verdict::wrong: return "wrong";
        case Verdict::unanswered: return "unanswered";
    }
    return "?";
}

bool answer_is_correct(const KeyQuestion& key, const Answer& a) {
    switch (key.type) {
        case QuestionType::number:
            // The half-ulp slack keeps "tolerance 0.1" honest for 99.9 vs 100.
            return a.type == Answer::Type::number &&
                   std::fabs(a.number - static_cast<double>(key.number)) <= key.tolerance * (1 + 1e-12) + 1e-9;
        case QuestionType::next_branch: return a.type == Answer::Type::kind && a.kind == key.kind;
        case QuestionType::choice: {
            if (a.type != Answer::Type::choices) return false;
            std::set<std::string> given(a.choices.begin(), a.choices.end());
            std::set<std::string> want(key.correct_choices.begin(), key.correct_choices.end());
            return given == want;
        }
    }
    return false;
}

Grade grade_sheet(const AnswerKey& key, const AnswerSheet& sheet) {
    Grade g;
    for (const KeyQuestion& k : key.questions) {
        QuestionGrade qg;
        qg.id = k.id;
        qg.max_points = k.points;
        qg.expected = k.answer_json();
        g.total += k.points;
        auto it = sheet.answers.find(k.id);
        if (it == sheet.answers.end()) {
            qg.verdict = Verdict::unanswered;
            qg.given = nullptr;
        } else {
            qg.given = it->second.given;
            qg.verdict = answer_is_correct(k, it->second) ? Verdict::correct : Verdict::wrong;
            if (qg.verdict == Verdict::correct) qg.points = k.points;
        }
        g.score += qg.points;
        g.questions.push_back(std::move(qg));
    }
    return g;
}

}  // namespace sendpath::lesson
