#include "lesson/grade.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>

#include "lesson/json_read.hpp"
#include "util/errors.hpp"
#include "util/sha256.hpp"

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
    j["key_format"] = kKeyFormat;
    j["engine_version"] = engine_version;
    j["lesson_sha256"] = lesson_sha256;
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

std::string lesson_sha256(const Lesson& l) { return util::sha256_hex(json_read::read_file(l.file)); }

AnswerKey answer_key_from_json(const json& j, const std::string& file, const Lesson& l, const std::string& lesson_sha) {
    json_read::Reader r(file);
    if (!j.is_object() || !j.contains("key_format")) {
        const bool trace = j.is_object() && j.contains("events") && j["events"].is_array();
        r.fail("", std::string("expected an answer key (sendpath-cli answers writes one; it has \"key_format\")") +
                       (trace ? ", got a trace: give a trace with --trace" : ", got " + json_read::describe(j)));
    }
    r.object(j, "", "an answer key (the output of sendpath-cli answers)",
             {"lesson", "title", "file", "key_format", "engine_version", "lesson_sha256", "events", "total", "steps",
              "questions"});
    auto need = [&](const char* key) -> const json& {
        if (!j.contains(key))
            r.fail("", "expected the key \"" + std::string(key) +
                           "\" (an answer key as sendpath-cli answers writes it; remake it with that version)");
        return j[key];
    };
    const int64_t format = r.integer(need("key_format"), "/key_format", 1, 1000, "the key's format version");
    if (format != kKeyFormat)
        r.fail("/key_format", "expected key format " + std::to_string(kKeyFormat) + ", got " + std::to_string(format) +
                                  ": remake the key with this sendpath-cli answers");
    AnswerKey key;
    key.lesson_id = r.string(need("lesson"), "/lesson", "a lesson id");
    if (key.lesson_id != l.id)
        r.fail("/lesson", "expected the key of the lesson being graded, \"" + l.id + "\" (" + l.file + "), got \"" +
                              key.lesson_id + "\"");
    key.lesson_sha256 = r.string(need("lesson_sha256"), "/lesson_sha256", "the SHA-256 of the lesson file");
    if (key.lesson_sha256 != lesson_sha)
        r.fail("/lesson_sha256", "expected the SHA-256 of " + l.file + " as it is now (" + lesson_sha + "), got " +
                                     key.lesson_sha256 +
                                     ": the key was made from another version of the lesson file; remake it with "
                                     "sendpath-cli answers, or grade with the lesson file it was made from");
    if (j.contains("title")) key.title = r.string(j["title"], "/title", "the lesson's title");
    else key.title = l.title;
    if (j.contains("file")) key.file = r.string(j["file"], "/file", "the lesson file's path");
    key.engine_version = r.string(need("engine_version"), "/engine_version", "the engine version that made the key");
    key.events = static_cast<std::size_t>(
        r.integer(need("events"), "/events", 1, int64_t{1} << 40, "the number of events in the key's trace"));
    if (j.contains("steps")) {
        const json& steps = j["steps"];
        if (!steps.is_array() || steps.size() != l.steps.size())
            r.fail_got("/steps", "an array of the lesson's " + std::to_string(l.steps.size()) + " steps", steps);
        for (std::size_t i = 0; i < steps.size(); ++i) {
            const std::string ptr = child("/steps", i);
            if (!steps[i].is_object() || !steps[i].contains("event"))
                r.fail_got(ptr, "a step with its \"event\"", steps[i]);
            key.step_events.push_back(static_cast<std::size_t>(r.integer(
                steps[i]["event"], child(ptr, "event"), 0, static_cast<int64_t>(key.events) - 1, "an event index")));
        }
    }
    const json& qs = need("questions");
    if (!qs.is_array() || qs.size() != l.questions.size())
        r.fail_got("/questions",
                   "an array of the lesson's " + std::to_string(l.questions.size()) + " questions, in lesson order",
                   qs);
    for (std::size_t i = 0; i < qs.size(); ++i) {
        const Question& q = l.questions[i];
        const std::string ptr = child("/questions", i);
        const json& e = qs[i];
        if (!e.is_object()) r.fail_got(ptr, "a question of the key (an object)", e);
        auto field = [&](const char* name) -> const json& {
            if (!e.contains(name)) r.fail(ptr, "expected the key \"" + std::string(name) + "\"");
            return e[name];
        };
        KeyQuestion k;
        k.id = r.string(field("id"), child(ptr, "id"), "a question id");
        if (k.id != q.id)
            r.fail(child(ptr, "id"), "expected question " + q.id + " (question " + std::to_string(i) + " of " + l.file +
                                         "), got \"" + k.id + "\"");
        const std::string type = r.string(field("type"), child(ptr, "type"), "a question type");
        if (type != question_type_name(q.type))
            r.fail(child(ptr, "type"), "expected \"" + std::string(question_type_name(q.type)) + "\" (the type of " +
                                           q.id + " in " + l.file + "), got \"" + type + "\"");
        k.type = q.type;
        k.points = r.integer(field("points"), child(ptr, "points"), 0, 1000000, "points");
        if (k.points != q.points)
            r.fail(child(ptr, "points"), "expected " + std::to_string(q.points) + " points (as " + l.file +
                                             " gives), got " + std::to_string(k.points));
        k.event = static_cast<std::size_t>(
            r.integer(field("event"), child(ptr, "event"), 0, static_cast<int64_t>(key.events) - 1, "an event index"));
        if (e.contains("at")) k.at = r.string(e["at"], child(ptr, "at"), "the anchor's expression");
        if (e.contains("expression") && e["expression"].is_string()) k.expression = e["expression"].get<std::string>();
        const json& ans = field("answer");
        const std::string aptr = child(ptr, "answer");
        switch (q.type) {
            case QuestionType::number:
                k.number = r.integer(ans, aptr, INT64_MIN / 2, INT64_MAX / 2, "the correct number");
                if (!field("tolerance").is_number() || !(field("tolerance").get<double>() >= 0))
                    r.fail_got(child(ptr, "tolerance"), "a tolerance (a number >= 0)", e["tolerance"]);
                k.tolerance = e["tolerance"].get<double>();
                break;
            case QuestionType::next_branch:
                if (!ans.is_string() || !trace::kind_by_name(ans.get<std::string>(), k.kind))
                    r.fail_got(aptr, "an event kind such as \"tail_append\"", ans);
                break;
            case QuestionType::choice: {
                if (!ans.is_array() || ans.empty()) r.fail_got(aptr, "the ids of the correct choices (an array)", ans);
                for (std::size_t c = 0; c < ans.size(); ++c) {
                    const std::string id = r.string(ans[c], child(aptr, c), "a choice id");
                    bool found = false;
                    for (const auto& ch : q.choices) found = found || ch.id == id;
                    if (!found) r.fail_got(child(aptr, c), "a choice id of question " + q.id, ans[c]);
                    k.correct_choices.push_back(id);
                }
                if (e.contains("values") && e["values"].is_object())
                    for (const auto& ch : q.choices)
                        if (e["values"].contains(ch.id) && e["values"][ch.id].is_number_integer())
                            k.choice_values.emplace_back(ch.id, e["values"][ch.id].get<int64_t>());
                break;
            }
        }
        key.questions.push_back(std::move(k));
    }
    key.total_points = l.total_points();
    if (j.contains("total")) {
        const int64_t total = r.integer(j["total"], "/total", 0, INT64_MAX / 2, "the total points");
        if (total != key.total_points)
            r.fail("/total", "expected " + std::to_string(key.total_points) + " (the points of " + l.file + "), got " +
                                 std::to_string(total));
    }
    return key;
}

AnswerKey load_answer_key(const std::string& path, const Lesson& lesson, const std::string& lesson_sha) {
    const json j = json_read::parse_text(json_read::read_file(path, std::size_t{16} << 20), path);
    return answer_key_from_json(j, path, lesson, lesson_sha);
}

// ---------------------------------------------------------------------------
// Answers files
// ---------------------------------------------------------------------------

std::string_view severity_name(SheetProblem::Severity s) {
    switch (s) {
        case SheetProblem::Severity::warning: return "warning";
        case SheetProblem::Severity::invalid: return "invalid";
        case SheetProblem::Severity::fatal: return "fatal";
    }
    return "?";
}

std::string SheetProblem::text() const { return file + ": " + (place.empty() ? "" : place + ": ") + expected; }

bool AnswerSheet::gradable() const {
    return std::none_of(problems.begin(), problems.end(),
                        [](const SheetProblem& p) { return p.severity == SheetProblem::Severity::fatal; });
}

const SheetProblem* AnswerSheet::invalid_answer(const std::string& id) const {
    for (const auto& p : problems)
        if (p.severity == SheetProblem::Severity::invalid && p.question == id) return &p;
    return nullptr;
}

namespace {

// A text of the string table (util/message.hpp): the answers reader's errors
// are said in the GUI's language; the CLI prints the English ones.
util::Message keyed(std::string key, std::vector<util::Message> args = {}) {
    return util::Message::of(std::move(key), std::move(args));
}

// One answer, checked against its question; throws InputError at ptr.
Answer read_answer(const json_read::Reader& r, const Question& q, const json& v, const std::string& ptr) {
    Answer a;
    a.given = v;
    switch (q.type) {
        case QuestionType::number:
            if (!v.is_number() || !std::isfinite(v.get<double>()))
                r.fail_got(ptr, keyed("err.answers.what.number", {q.id}), v);
            a.type = Answer::Type::number;
            a.number = v.get<double>();
            break;
        case QuestionType::next_branch: {
            if (!v.is_string()) r.fail_got(ptr, keyed("err.answers.what.branch", {q.id}), v);
            a.type = Answer::Type::kind;
            if (!trace::kind_by_name(v.get<std::string>(), a.kind)) r.fail_got(ptr, keyed("err.answers.what.kind"), v);
            break;
        }
        case QuestionType::choice: {
            std::string choice_ids;
            for (const auto& c : q.choices) choice_ids += (choice_ids.empty() ? "" : ", ") + c.id;
            const util::Message what = keyed("err.answers.what.choice", {q.id, choice_ids});
            auto check = [&](const json& c, const std::string& p) -> std::string {
                if (!c.is_string()) r.fail_got(p, what, c);
                const std::string id = c.get<std::string>();
                for (const auto& ch : q.choices)
                    if (ch.id == id) return id;
                r.fail_got(p, what, c);
            };
            a.type = Answer::Type::choices;
            if (v.is_array()) {
                if (v.empty()) r.fail_got(ptr, keyed("err.answers.what.choices", {q.id, choice_ids}), v);
                std::set<std::string> seen;
                for (std::size_t i = 0; i < v.size(); ++i) {
                    const std::string id = check(v[i], child(ptr, i));
                    if (!seen.insert(id).second) r.fail(child(ptr, i), keyed("err.answers.choice_twice", {id}));
                    a.choices.push_back(id);
                }
            } else {
                a.choices.push_back(check(v, ptr));
            }
            break;
        }
    }
    return a;
}

}  // namespace

AnswerSheet read_answer_sheet(const json& j, const std::string& file, const Lesson& lesson) {
    using Sev = SheetProblem::Severity;
    json_read::Reader r(file);
    AnswerSheet s;
    s.file = file;
    // Runs one check; an InputError it throws becomes a problem of the sheet.
    auto attempt = [&](Sev sev, const std::string& question, const auto& check) -> bool {
        try {
            check();
            return true;
        } catch (const InputError& e) {
            s.problems.push_back(
                {sev, e.place(), question, e.expected(), file, e.place_message(), e.expected_message()});
            return false;
        }
    };
    if (!j.is_object()) {
        attempt(Sev::fatal, "", [&] { r.fail_got("", keyed("err.answers.what.file"), j); });
        return s;
    }
    // attempts and submitted_at are written by the GUI in assessment mode:
    // a record for the instructor, never graded (answers holds the first try).
    static const std::vector<std::string_view> known = {"$schema", "lesson",  "student",  "student_id",
                                                        "meta",    "answers", "attempts", "submitted_at"};
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (std::find(known.begin(), known.end(), it.key()) != known.end()) continue;
        std::string names;
        for (auto k : known) names += (names.empty() ? "" : ", ") + std::string(k);
        s.problems.push_back({Sev::warning,
                              child("", it.key()),
                              "",
                              "unknown key \"" + it.key() + "\", ignored (the keys of an answers file: " + names + ")",
                              file,
                              {},
                              {}});
    }
    // The student first: a file that fails later still names its student.
    attempt(Sev::fatal, "", [&] {
        if (!j.contains("student")) r.fail("", keyed("err.answers.need_student"));
        const std::string st = r.string(j["student"], "/student", keyed("err.answers.what.student"));
        if (st.find_first_not_of(" \t") == std::string::npos || st.size() > 200)
            r.fail_got("/student", keyed("err.answers.what.student_len"), j["student"]);
        s.student = st;
    });
    if (j.contains("student_id")) {
        attempt(Sev::warning, "", [&] {
            const json& v = j["student_id"];
            const util::Message what = keyed("err.answers.what.student_id");
            if (v.is_number_integer()) {
                s.student_id = v.dump();
            } else {
                if (!v.is_string()) r.fail_got("/student_id", what, v);
                const std::string id = v.get<std::string>();
                if (id.find_first_not_of(" \t") == std::string::npos || id.size() > 200)
                    r.fail_got("/student_id", what, v);
                s.student_id = id;
            }
        });
    }
    if (j.contains("meta")) {
        attempt(Sev::warning, "", [&] {
            if (!j["meta"].is_object()) r.fail_got("/meta", keyed("err.answers.what.meta"), j["meta"]);
            s.meta = j["meta"];
        });
    }
    attempt(Sev::fatal, "", [&] {
        if (!j.contains("lesson")) r.fail("", keyed("err.answers.need_lesson"));
        s.lesson = r.string(j["lesson"], "/lesson", keyed("err.lesson.what.lesson_id"));
        if (s.lesson != lesson.id)
            r.fail("/lesson", keyed("err.answers.other_lesson", {lesson.id, lesson.file, s.lesson}));
    });
    if (!j.contains("answers")) {
        attempt(Sev::fatal, "", [&] { r.fail("", keyed("err.answers.need_answers")); });
    } else if (!j["answers"].is_object()) {
        attempt(Sev::fatal, "", [&] { r.fail_got("/answers", keyed("err.answers.what.answers"), j["answers"]); });
    } else {
        const json& answers = j["answers"];
        s.given_answers = answers;
        std::string ids;
        for (const auto& q : lesson.questions) ids += (ids.empty() ? "" : ", ") + q.id;
        for (auto it = answers.begin(); it != answers.end(); ++it) {
            const std::string ptr = child("/answers", it.key());
            const Question* q = lesson.question(it.key());
            if (!q) {
                attempt(Sev::invalid, "", [&] {
                    r.fail(ptr, keyed("err.answers.unknown_question", {lesson.id, ids, it.key()}));
                });
                continue;
            }
            if (it.value().is_null()) continue;  // left blank: unanswered
            attempt(Sev::invalid, q->id, [&] { s.answers[q->id] = read_answer(r, *q, it.value(), ptr); });
        }
    }
    // Problems in the order of the file's places, so the first one is the first a reader meets.
    std::stable_sort(s.problems.begin(), s.problems.end(), [](const SheetProblem& a, const SheetProblem& b) {
        auto rank = [](const SheetProblem& p) {
            if (p.place.empty()) return 0;
            if (p.place.rfind("/answers", 0) == 0) return 2;
            return 1;
        };
        return rank(a) < rank(b);
    });
    return s;
}

AnswerSheet read_answer_sheet_file(const std::string& path, const Lesson& lesson) {
    json j;
    try {
        j = json_read::parse_text(json_read::read_file(path, std::size_t{1} << 20), path);
    } catch (const InputError& e) {
        AnswerSheet s;
        s.file = path;
        s.problems.push_back({SheetProblem::Severity::fatal, e.place(), "", e.expected(), path, e.place_message(),
                              e.expected_message()});
        return s;
    }
    return read_answer_sheet(j, path, lesson);
}

AnswerSheet answer_sheet_from_json(const json& j, const std::string& file, const Lesson& lesson) {
    AnswerSheet s = read_answer_sheet(j, file, lesson);
    if (!s.problems.empty()) {
        const SheetProblem& p = s.problems.front();
        throw InputError(p.file, p.place_message.empty() ? util::Message(p.place) : p.place_message,
                         p.expected_message.empty() ? util::Message(p.expected) : p.expected_message);
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
    json out = {{"lesson", sheet.lesson}, {"student", sheet.student}, {"answers", answers}};
    if (!sheet.student_id.empty()) out["student_id"] = sheet.student_id;
    if (sheet.meta.is_object()) out["meta"] = sheet.meta;
    return out;
}

// ---------------------------------------------------------------------------
// Grading
// ---------------------------------------------------------------------------

std::string_view verdict_name(Verdict v) {
    switch (v) {
        case Verdict::correct: return "correct";
        case Verdict::wrong: return "wrong";
        case Verdict::unanswered: return "unanswered";
        case Verdict::invalid: return "invalid";
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
        if (const SheetProblem* p = sheet.invalid_answer(k.id)) {
            qg.verdict = Verdict::invalid;
            qg.given = sheet.given_answers.is_object() && sheet.given_answers.contains(k.id) ? sheet.given_answers[k.id]
                                                                                             : json(nullptr);
            qg.note = p->expected;
        } else if (it == sheet.answers.end()) {
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
