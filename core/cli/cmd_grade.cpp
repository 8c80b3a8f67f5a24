// sendpath-cli grade: score students' answers files against a lesson's key.
//
// The key comes from one run of the lesson's scenario per invocation, or is
// pinned: a saved key (--key) or a saved trace (--trace). Each answers file is
// then only read and compared. Nothing is written but the one output (-o, or
// stdout) and stderr, so any number of grade processes can run side by side.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "cli/cmd_lessons.hpp"
#include "cli/commands.hpp"
#include "lesson/grade.hpp"
#include "lesson/json_read.hpp"
#include "trace/trace_io.hpp"
#include "util/errors.hpp"

namespace sendpath::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Sev = lesson::SheetProblem::Severity;
// nlohmann::json keeps keys sorted; the reports read better in their own order.
using ojson = nlohmann::ordered_json;

ojson ordered(const json& v) { return ojson::parse(v.dump()); }

enum class Format { text, json, csv, gradescope };

// Where the key came from, for every output.
struct KeySource {
    std::string kind;  // "run", "recorded", "key", "trace"
    std::string file;  // the key or trace file ("" for a run)
    std::string text() const {
        if (kind == "run") return "a run of this sendpath-cli's engine";
        if (kind == "recorded") return "the lesson's recorded TAP trace " + file;
        return "the saved " + kind + " " + file;
    }
};

struct FileResult {
    std::string file;
    lesson::AnswerSheet sheet;
    std::optional<lesson::Grade> grade;  // set when the sheet is gradable
    std::vector<std::size_t> groups;     // the duplicate groups (Report::groups) this file is in

    bool graded() const { return grade.has_value(); }
    // The name to show: the student's, or (when the file names none) the file's.
    std::string who() const {
        if (!sheet.student.empty()) return sheet.student;
        return fs::path(file).filename().string();
    }
    const lesson::SheetProblem* fatal() const {
        for (const auto& p : sheet.problems)
            if (p.severity == Sev::fatal) return &p;
        return nullptr;
    }
    std::size_t count(Sev s) const {
        return static_cast<std::size_t>(std::count_if(sheet.problems.begin(), sheet.problems.end(),
                                                      [s](const lesson::SheetProblem& p) { return p.severity == s; }));
    }
    bool duplicate() const { return !groups.empty(); }
};

// Files flagged together: one student's files, or different students' files with the same answers.
struct DuplicateGroup {
    bool same_student = false;       // else the same answers
    bool all_correct = false;        // same answers, every one right
    std::vector<std::size_t> files;  // indices into Report::results, in file order
};

struct Report {
    const lesson::Lesson* lesson = nullptr;
    lesson::AnswerKey key;
    KeySource source;
    std::vector<FileResult> results;
    std::vector<DuplicateGroup> groups;
    std::size_t graded = 0, errors = 0, with_invalid = 0, duplicates = 0;
};

// An answer as a person reads it: 100, tail_append, a, [a, b].
std::string shown(const json& v) {
    if (v.is_null()) return "nothing";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_array()) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : ", ") + shown(x);
        return v.size() == 1 ? s : "[" + s + "]";
    }
    return v.dump();
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

std::string fixed2(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
    return s;
}

// A problem without its file name (the row already names the file).
std::string place_text(const lesson::SheetProblem& p) { return (p.place.empty() ? "" : p.place + ": ") + p.expected; }

// "same student as b.json; same answers as c.json, d.json and 7 more (all correct)": the other
// files of each group the file is in, at most five named.
std::string duplicate_text(const Report& rep, std::size_t i) {
    std::vector<std::string> parts;
    for (std::size_t g : rep.results[i].groups) {
        const DuplicateGroup& grp = rep.groups[g];
        std::vector<std::string> others;
        for (std::size_t o : grp.files)
            if (o != i && others.size() < 5) others.push_back(rep.results[o].file);
        const std::size_t more = grp.files.size() - 1 - others.size();
        parts.push_back((grp.same_student ? "same student as " : "same answers as ") + join(others, ", ") +
                        (more > 0 ? " and " + std::to_string(more) + " more" : "") +
                        (grp.all_correct ? " (all correct)" : ""));
    }
    return join(parts, "; ");
}

// ---------------------------------------------------------------------------
// Finding the files and the duplicates
// ---------------------------------------------------------------------------

// Each ANSWERS argument, a folder giving its *.json files in name order; a
// file named twice is graded once.
std::vector<std::string> answers_files(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    auto add = [&](const std::string& f) {
        std::error_code ec;
        const fs::path canon = fs::weakly_canonical(f, ec);
        if (seen.insert(ec ? f : canon.string()).second) out.push_back(f);
    };
    for (const auto& a : args) {
        std::error_code ec;
        if (!fs::is_directory(a, ec)) {
            add(a);
            continue;
        }
        std::vector<std::string> inside;
        fs::directory_iterator it(a, ec);
        if (ec) throw InputError(a, "", "expected a readable folder of answers files: " + ec.message());
        for (const auto& e : it) {
            std::error_code ec2;
            if (e.path().extension() == ".json" && e.is_regular_file(ec2)) inside.push_back(e.path().string());
        }
        if (inside.empty())
            throw InputError(a, "", "expected a folder holding answers files (*.json), found none in it");
        std::sort(inside.begin(), inside.end());
        for (const auto& f : inside) add(f);
    }
    return out;
}

std::string folded(const std::string& s) {
    const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    std::string t = b == std::string::npos ? "" : s.substr(b, e - b + 1);
    for (char& c : t)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return t;
}

// Who a file belongs to: its student_id, or its student's name (case and
// surrounding blanks aside) when it has no id; "" when it names no one.
std::string student_key(const lesson::AnswerSheet& s) {
    if (!s.student_id.empty()) return "id " + s.student_id;
    if (!s.student.empty()) return "name " + folded(s.student);
    return "";
}

void find_duplicates(Report& rep) {
    auto& rs = rep.results;
    std::map<std::string, std::vector<std::size_t>> by_student, by_answers;
    for (std::size_t i = 0; i < rs.size(); ++i) {
        if (const std::string k = student_key(rs[i].sheet); !k.empty()) by_student[k].push_back(i);
        if (!rs[i].graded() || !rs[i].sheet.given_answers.is_object()) continue;
        json answered = json::object();
        for (auto it = rs[i].sheet.given_answers.begin(); it != rs[i].sheet.given_answers.end(); ++it)
            if (!it.value().is_null() && rep.lesson->question(it.key())) answered[it.key()] = it.value();
        if (!answered.empty()) by_answers[answered.dump()].push_back(i);
    }
    for (const auto& [k, files] : by_student)
        if (files.size() > 1) rep.groups.push_back({true, false, files});
    for (const auto& [k, files] : by_answers) {
        // One student's files agreeing is already the group above.
        std::set<std::string> students;
        for (std::size_t i : files) students.insert(student_key(rs[i].sheet));
        if (students.size() < 2) continue;
        const lesson::Grade& g = *rs[files[0]].grade;
        const bool all_correct = std::all_of(g.questions.begin(), g.questions.end(),
                                             [](const auto& q) { return q.verdict == lesson::Verdict::correct; });
        rep.groups.push_back({false, all_correct, files});
    }
    // Groups in the order of their first file, so the report reads top to bottom.
    std::sort(rep.groups.begin(), rep.groups.end(),
              [](const DuplicateGroup& a, const DuplicateGroup& b) { return a.files[0] < b.files[0]; });
    for (std::size_t g = 0; g < rep.groups.size(); ++g)
        for (std::size_t i : rep.groups[g].files) rs[i].groups.push_back(g);
    for (const auto& r : rs) rep.duplicates += r.duplicate() ? 1 : 0;
}

// ---------------------------------------------------------------------------
// The pinned key
// ---------------------------------------------------------------------------

// A saved trace must be of the lesson's own scenario, and have run to the end.
trace::Trace lesson_trace_from_file(const lesson::Lesson& l, const std::string& path) {
    trace::Trace t = trace::load_trace(path);
    trace::validate_trace(t, path);
    if (!l.is_tap()) {
        const json want = l.scenario.to_json();
        if (t.scenario != want) {
            const json patch = json::diff(want, t.scenario);
            const std::string where = patch.empty() ? "" : patch[0].value("path", std::string());
            throw InputError(path, "/scenario" + where,
                             "expected a trace of the scenario of " + l.file +
                                 ", but this trace's scenario differs here: it was made from another scenario");
        }
        if (t.end_reason.rfind("completed", 0) != 0)
            throw InputError(path, "/end_reason",
                             "expected a trace whose run completed, got one that ended with: " + t.end_reason);
    }
    return t;
}

lesson::AnswerKey pinned_key(const lesson::Lesson& l, const ParsedArgs& a, const std::string& sha, KeySource& src) {
    lesson::AnswerKey key;
    if (const auto k = a.value("key")) {
        src = {"key", *k};
        key = lesson::load_answer_key(*k, l, sha);
    } else if (const auto t = a.value("trace")) {
        src = {"trace", *t};
        key = lesson::compute_answer_key(l, lesson_trace_from_file(l, *t));
    } else {
        src = l.is_tap() ? KeySource{"recorded", l.recorded_trace} : KeySource{"run", ""};
        key = lesson::compute_answer_key(l, lesson_trace(l));
    }
    key.lesson_sha256 = sha;
    return key;
}

// ---------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------

void write_text(std::ostream& os, const Report& rep) {
    const lesson::Lesson& l = *rep.lesson;
    const lesson::AnswerKey& key = rep.key;
    os << "lesson " << l.id << ": " << l.title << " (" << l.file << "), " << key.questions.size() << " question"
       << (key.questions.size() == 1 ? "" : "s") << ", " << key.total_points << " point"
       << (key.total_points == 1 ? "" : "s") << "\n";
    os << "key: engine " << key.engine_version << ", lesson sha256 " << key.lesson_sha256 << ", from "
       << rep.source.text() << "\n";
    for (std::size_t i = 0; i < rep.results.size(); ++i) {
        const FileResult& r = rep.results[i];
        os << r.file << ": " << r.who();
        if (!r.sheet.student_id.empty()) os << " (id " << r.sheet.student_id << ")";
        if (r.sheet.student.empty()) os << " (student unknown)";
        if (!r.graded()) {
            os << ": not graded: " << r.fatal()->text() << "\n";
        } else {
            os << ": " << r.grade->score << "/" << r.grade->total << "\n";
            for (const auto& q : r.grade->questions) {
                os << "  " << q.id << " " << lesson::verdict_name(q.verdict) << " (" << q.points << "/" << q.max_points
                   << ")";
                if (q.verdict == lesson::Verdict::wrong)
                    os << ": answered " << shown(q.given) << ", correct " << shown(q.expected);
                if (q.verdict == lesson::Verdict::unanswered) os << ": correct " << shown(q.expected);
                if (q.verdict == lesson::Verdict::invalid)
                    os << ": " << lesson::json_read::child("/answers", q.id) << ": " << q.note << "; correct "
                       << shown(q.expected);
                os << "\n";
            }
        }
        for (const auto& p : r.sheet.problems) {
            if (p.severity == Sev::warning) os << "  warning: " << place_text(p) << "\n";
            else if (p.severity == Sev::invalid && p.question.empty()) os << "  invalid: " << place_text(p) << "\n";
            else if (p.severity == Sev::fatal && &p != r.fatal()) os << "  also: " << place_text(p) << "\n";
        }
        if (r.duplicate()) os << "  duplicate: " << duplicate_text(rep, i) << "\n";
    }
}

ojson problems_json(const FileResult& r) {
    ojson ps = ojson::array();
    for (const auto& p : r.sheet.problems) {
        ojson e = ojson::object();
        e["severity"] = std::string(lesson::severity_name(p.severity));
        e["place"] = p.place;
        e["question"] = p.question.empty() ? ojson(nullptr) : ojson(p.question);
        e["message"] = p.text();
        ps.push_back(e);
    }
    return ps;
}

ojson key_json(const Report& rep) {
    ojson k = ojson::object();
    k["engine_version"] = rep.key.engine_version;
    k["lesson_sha256"] = rep.key.lesson_sha256;
    k["source"] = rep.source.kind;
    k["source_file"] = rep.source.file.empty() ? ojson(nullptr) : ojson(rep.source.file);
    return k;
}

ojson to_json(const Report& rep) {
    const lesson::Lesson& l = *rep.lesson;
    ojson files = ojson::array();
    for (const auto& r : rep.results) {
        ojson f = ojson::object();
        f["file"] = r.file;
        f["student"] = r.sheet.student.empty() ? ojson(nullptr) : ojson(r.sheet.student);
        f["student_id"] = r.sheet.student_id.empty() ? ojson(nullptr) : ojson(r.sheet.student_id);
        if (r.sheet.meta.is_object()) f["meta"] = ordered(r.sheet.meta);
        f["graded"] = r.graded();
        f["score"] = r.graded() ? ojson(r.grade->score) : ojson(nullptr);
        f["total"] = rep.key.total_points;
        f["error"] = r.graded() ? ojson(nullptr) : ojson(r.fatal()->text());
        f["problems"] = problems_json(r);
        f["duplicate_groups"] = r.groups;
        if (r.graded()) {
            ojson qs = ojson::array();
            for (const auto& q : r.grade->questions) {
                ojson e = ojson::object();
                e["id"] = q.id;
                e["result"] = std::string(lesson::verdict_name(q.verdict));
                e["points"] = q.points;
                e["max"] = q.max_points;
                e["answer"] = ordered(q.given);
                e["expected"] = ordered(q.expected);
                if (q.verdict == lesson::Verdict::invalid) e["problem"] = q.note;
                qs.push_back(e);
            }
            f["questions"] = qs;
        }
        files.push_back(f);
    }
    ojson ids = ojson::array();
    for (const auto& q : rep.key.questions) ids.push_back(q.id);
    ojson out = ojson::object();
    out["lesson"] = l.id;
    out["title"] = l.title;
    out["file"] = l.file;
    out["key"] = key_json(rep);
    out["total"] = rep.key.total_points;
    out["questions"] = ids;
    out["graded"] = rep.graded;
    out["errors"] = rep.errors;
    out["with_invalid_answers"] = rep.with_invalid;
    out["duplicates"] = rep.duplicates;
    ojson groups = ojson::array();
    for (const auto& g : rep.groups) {
        ojson e = ojson::object();
        e["reason"] = g.same_student ? "same student" : "same answers";
        e["all_correct"] = g.all_correct;
        ojson fl = ojson::array();
        for (std::size_t i : g.files) fl.push_back(rep.results[i].file);
        e["files"] = fl;
        groups.push_back(e);
    }
    out["duplicate_groups"] = groups;
    out["files"] = files;
    return out;
}

void write_csv(std::ostream& os, const Report& rep) {
    const lesson::AnswerKey& key = rep.key;
    os << "file,student,student_id,score,total";
    for (const auto& q : key.questions) os << "," << csv_field(q.id);
    os << ",error,invalid,warnings,duplicates,engine_version,lesson_sha256\n";
    for (std::size_t i = 0; i < rep.results.size(); ++i) {
        const FileResult& r = rep.results[i];
        os << csv_field(r.file) << "," << csv_field(r.who()) << "," << csv_field(r.sheet.student_id) << ",";
        std::vector<std::string> invalid, warnings;
        for (const auto& p : r.sheet.problems) {
            if (p.severity == Sev::invalid) invalid.push_back(place_text(p));
            if (p.severity == Sev::warning) warnings.push_back(place_text(p));
        }
        if (!r.graded()) {
            os << "," << key.total_points << std::string(key.questions.size(), ',') << ","
               << csv_field(r.fatal()->text());
        } else {
            os << r.grade->score << "," << r.grade->total;
            for (const auto& q : r.grade->questions) {
                os << ",";
                if (q.verdict != lesson::Verdict::unanswered) os << q.points;
            }
            os << ",";
        }
        os << "," << csv_field(join(invalid, "; ")) << "," << csv_field(join(warnings, "; ")) << ","
           << csv_field(duplicate_text(rep, i)) << "," << csv_field(key.engine_version) << "," << key.lesson_sha256
           << "\n";
    }
}

// Gradescope's results.json for one submission (gradescope-autograders.readthedocs.io, "Autograder
// Specifications"): the score, one test per question, and the key's provenance in extra_data. Per-question
// output names the correct answer, so it is shown to students only after the due date.
ojson gradescope_json(const Report& rep, const std::string& problem) {
    const lesson::AnswerKey& key = rep.key;
    ojson out = ojson::object();
    const FileResult* r = rep.results.size() == 1 ? &rep.results[0] : nullptr;
    std::string head = "Lesson " + rep.lesson->id + ": " + rep.lesson->title + ". Key: engine " + key.engine_version +
                       ", lesson sha256 " + key.lesson_sha256 + ".";
    ojson tests = ojson::array();
    int64_t score = 0;
    if (!problem.empty()) {
        head += "\nNot graded: " + problem;
    } else if (!r->graded()) {
        head += "\nNot graded: " + r->fatal()->text();
    } else {
        score = r->grade->score;
        std::size_t n = 0;
        for (const auto& q : r->grade->questions) {
            ojson t = ojson::object();
            t["name"] = q.id;
            t["number"] = std::to_string(++n);
            t["score"] = q.points;
            t["max_score"] = q.max_points;
            t["status"] = q.verdict == lesson::Verdict::correct ? "passed" : "failed";
            std::string o;
            switch (q.verdict) {
                case lesson::Verdict::correct: o = "correct: " + shown(q.given); break;
                case lesson::Verdict::wrong: o = "answered " + shown(q.given) + "; correct " + shown(q.expected); break;
                case lesson::Verdict::unanswered: o = "unanswered; correct " + shown(q.expected); break;
                case lesson::Verdict::invalid:
                    o = "invalid answer: " + q.note + "; correct " + shown(q.expected);
                    break;
            }
            t["output"] = o;
            t["visibility"] = "after_due_date";
            tests.push_back(t);
        }
        for (const auto& p : r->sheet.problems)
            if (p.severity == Sev::warning || (p.severity == Sev::invalid && p.question.empty()))
                head += "\n" + std::string(lesson::severity_name(p.severity)) + ": " + place_text(p);
    }
    out["score"] = score;
    out["output"] = head;
    out["tests"] = tests;
    ojson extra = key_json(rep);
    extra["lesson"] = rep.lesson->id;
    extra["total"] = key.total_points;
    if (r) {
        extra["file"] = r->file;
        extra["student"] = r->sheet.student.empty() ? ojson(nullptr) : ojson(r->sheet.student);
        extra["student_id"] = r->sheet.student_id.empty() ? ojson(nullptr) : ojson(r->sheet.student_id);
    }
    out["extra_data"] = extra;
    return out;
}

Format format_of(const ParsedArgs& a) {
    std::vector<std::pair<std::string, Format>> given;
    if (a.flag("json")) given.emplace_back("--json", Format::json);
    if (a.flag("csv")) given.emplace_back("--csv", Format::csv);
    if (const auto f = a.value("format")) {
        static const std::map<std::string, Format> names = {
            {"text", Format::text}, {"json", Format::json}, {"csv", Format::csv}, {"gradescope", Format::gradescope}};
        auto it = names.find(*f);
        if (it == names.end()) throw UsageError("--format takes text, json, csv or gradescope, got '" + *f + "'");
        given.emplace_back("--format " + *f, it->second);
    }
    if (given.size() > 1) throw UsageError(given[0].first + " and " + given[1].first + " exclude each other");
    return given.empty() ? Format::text : given[0].second;
}

int run(const ParsedArgs& a) {
    const Format format = format_of(a);
    if (a.value("key") && a.value("trace")) throw UsageError("--key and --trace exclude each other");
    const std::string out = a.value("output").value_or("-");
    if (out != "-") check_output_path(out, "the grades (-o)");

    Report rep;
    const lesson::Lesson l = resolve_lesson(a.positional[0]);
    rep.lesson = &l;
    rep.key = pinned_key(l, a, lesson::lesson_sha256(l), rep.source);

    const std::vector<std::string> files =
        answers_files(std::vector<std::string>(a.positional.begin() + 1, a.positional.end()));
    // Gradescope grades one submission at a time: its folder must hold exactly one answers file.
    std::string submission_problem;
    if (format == Format::gradescope && files.size() != 1)
        submission_problem = "expected one answers file in the submission, found " + std::to_string(files.size()) +
                             ": " + join(files, ", ");

    if (submission_problem.empty()) {
        rep.results.reserve(files.size());
        for (const auto& f : files) {
            FileResult r;
            r.file = f;
            r.sheet = lesson::read_answer_sheet_file(f, l);
            if (r.sheet.gradable()) {
                r.grade = lesson::grade_sheet(rep.key, r.sheet);
                ++rep.graded;
                if (r.count(Sev::invalid) > 0) ++rep.with_invalid;
            }
            rep.results.push_back(std::move(r));
        }
        rep.errors = rep.results.size() - rep.graded;
        find_duplicates(rep);
    }

    double sum = 0;
    for (const auto& r : rep.results)
        if (r.graded()) sum += static_cast<double>(r.grade->score);
    std::ostringstream summary;
    summary << "graded " << rep.graded << " of " << rep.results.size() << " file"
            << (rep.results.size() == 1 ? "" : "s");
    if (rep.graded > 0)
        summary << "; mean score " << fixed2(sum / static_cast<double>(rep.graded)) << " of " << rep.key.total_points;
    if (rep.errors > 0) summary << "; " << rep.errors << " could not be graded";
    if (rep.with_invalid > 0) summary << "; " << rep.with_invalid << " with invalid answers";
    if (rep.duplicates > 0) summary << "; " << rep.duplicates << " flagged as duplicates";
    const bool findings = !submission_problem.empty() || rep.errors > 0 || rep.with_invalid > 0 || rep.duplicates > 0;

    write_output(out, [&](std::ostream& os) {
        switch (format) {
            case Format::text:
                write_text(os, rep);
                os << summary.str() << "\n";
                break;
            case Format::json: os << to_json(rep).dump(2) << "\n"; break;
            case Format::csv: write_csv(os, rep); break;
            case Format::gradescope: os << gradescope_json(rep, submission_problem).dump(2) << "\n"; break;
        }
    });
    if (format != Format::text || out != "-") {
        // The output is for scripts (or a file); people still hear about findings.
        if (!submission_problem.empty()) std::cerr << "sendpath-cli: " << submission_problem << "\n";
        for (std::size_t i = 0; i < rep.results.size(); ++i) {
            const FileResult& r = rep.results[i];
            for (const auto& p : r.sheet.problems)
                if (p.severity != Sev::warning) std::cerr << "sendpath-cli: " << p.text() << "\n";
        }
        // Each group once: its reason and up to ten of its files.
        for (const auto& g : rep.groups) {
            std::vector<std::string> names;
            for (std::size_t i = 0; i < g.files.size() && i < 10; ++i) names.push_back(rep.results[g.files[i]].file);
            std::cerr << "sendpath-cli: duplicates (" << (g.same_student ? "same student" : "same answers")
                      << (g.all_correct ? ", all correct" : "") << "): " << join(names, ", ")
                      << (g.files.size() > 10 ? " and " + std::to_string(g.files.size() - 10) + " more" : "") << "\n";
        }
        if (findings || out != "-") std::cerr << "sendpath-cli: " << summary.str() << "\n";
    }
    return findings ? kExitFail : kExitOk;
}

}  // namespace

const Verb& verb_grade() {
    static const Verb v{
        {"grade",
         "Score answers files against a lesson's key: per question and in total.",
         {"LESSON", "ANSWERS..."},
         {{"json", 0, "", "Print JSON (same as --format json)."},
          {"csv", 0, "", "Print CSV (same as --format csv)."},
          {"format", 'f', "FORMAT",
           "text (default), json, csv, or gradescope (Gradescope's results.json for one submission)."},
          {"output", 'o', "FILE", "Write the grades to FILE (written whole, then renamed into place); - is stdout."},
          {"key", 0, "FILE", "Grade against a key saved from 'sendpath-cli answers' instead of running the engine."},
          {"trace", 0, "FILE", "Grade against the key computed on a saved trace of the lesson's scenario."}},
         "LESSON is a lesson file or the id of a lesson in the default lessons folder. The\n"
         "key comes from one run of its scenario, or is pinned with --key or --trace; every\n"
         "output names the engine version that made the key and the SHA-256 of the lesson\n"
         "file. ANSWERS are answers files (assets/answers.schema.json) or folders, whose *.json\n"
         "files are graded in name order. Each question is worth its points, all or nothing.\n\n"
         "A bad answer (a text where a number belongs, an unknown choice, an unknown question\n"
         "id) makes only that answer invalid, with its place; the rest is graded. An unknown\n"
         "top-level key is a warning. A file that is not JSON, answers another lesson or names\n"
         "no student is not graded (its row still names the student, or the file). Two files of\n"
         "one student (same student_id, else same name) and different students with the same\n"
         "answers are flagged as duplicates, naming the files.\n\n"
         "--format gradescope writes one results.json for one submission: ANSWERS is then the\n"
         "submission folder (or file) and must hold exactly one answers file.\n\n"
         "exit status: 0 every file graded with no invalid answer and no duplicate; 1 some file\n"
         "could not be graded, had invalid answers or was flagged; 2 bad usage, or a bad lesson,\n"
         "key or trace (nothing graded).\n\n"
         "examples:\n"
         "  sendpath-cli grade first-send class/ --csv -o first-send.csv\n"
         "  sendpath-cli answers first-send > first-send.key.json\n"
         "  sendpath-cli grade first-send class/ --key first-send.key.json\n"
         "  sendpath-cli grade first-send /autograder/submission --key key.json --format gradescope \\\n"
         "      -o /autograder/results/results.json\n"},
        run};
    return v;
}

}  // namespace sendpath::cli
