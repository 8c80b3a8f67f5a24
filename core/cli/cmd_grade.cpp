// sendpath-cli grade: score students' answers files against a lesson's key.
//
// The lesson's scenario runs once per invocation; each answers file is then
// only read and compared. Nothing is written but stdout/stderr, so any number
// of grade processes can run side by side.
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli/cmd_lessons.hpp"
#include "cli/commands.hpp"
#include "lesson/grade.hpp"
#include "util/errors.hpp"

namespace sendpath::cli {

namespace {

using nlohmann::json;

struct FileResult {
    std::string file;
    std::optional<lesson::AnswerSheet> sheet;
    lesson::Grade grade;
    std::string error;  // the whole message ("file: place: expected"), when the file could not be graded
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

void print_text(const lesson::Lesson& l, const lesson::AnswerKey& key, const std::vector<FileResult>& results) {
    std::cout << "lesson " << l.id << ": " << l.title << " (" << l.file << "), " << key.questions.size() << " question"
              << (key.questions.size() == 1 ? "" : "s") << ", " << key.total_points << " point"
              << (key.total_points == 1 ? "" : "s") << "\n";
    for (const auto& r : results) {
        if (!r.sheet) {
            std::cout << r.file << ": not graded: " << r.error << "\n";
            continue;
        }
        std::cout << r.file << ": " << r.sheet->student << ": " << r.grade.score << "/" << r.grade.total << "\n";
        for (const auto& q : r.grade.questions) {
            std::cout << "  " << q.id << " " << lesson::verdict_name(q.verdict) << " (" << q.points << "/"
                      << q.max_points << ")";
            if (q.verdict == lesson::Verdict::wrong)
                std::cout << ": answered " << shown(q.given) << ", correct " << shown(q.expected);
            if (q.verdict == lesson::Verdict::unanswered) std::cout << ": correct " << shown(q.expected);
            std::cout << "\n";
        }
    }
}

// nlohmann::json keeps keys sorted; the report reads better in its own order.
using ojson = nlohmann::ordered_json;

ojson ordered(const json& v) { return ojson::parse(v.dump()); }

ojson to_json(const lesson::Lesson& l, const lesson::AnswerKey& key, const std::vector<FileResult>& results,
              std::size_t graded) {
    ojson files = ojson::array();
    for (const auto& r : results) {
        ojson f = ojson::object();
        f["file"] = r.file;
        if (!r.sheet) {
            f["student"] = nullptr;
            f["score"] = nullptr;
            f["total"] = key.total_points;
            f["error"] = r.error;
            files.push_back(f);
            continue;
        }
        f["student"] = r.sheet->student;
        f["score"] = r.grade.score;
        f["total"] = r.grade.total;
        ojson qs = ojson::array();
        for (const auto& q : r.grade.questions) {
            ojson e = ojson::object();
            e["id"] = q.id;
            e["result"] = std::string(lesson::verdict_name(q.verdict));
            e["points"] = q.points;
            e["max"] = q.max_points;
            e["answer"] = ordered(q.given);
            e["expected"] = ordered(q.expected);
            qs.push_back(e);
        }
        f["questions"] = qs;
        files.push_back(f);
    }
    ojson ids = ojson::array();
    for (const auto& q : key.questions) ids.push_back(q.id);
    ojson out = ojson::object();
    out["lesson"] = l.id;
    out["title"] = l.title;
    out["file"] = l.file;
    out["total"] = key.total_points;
    out["questions"] = ids;
    out["graded"] = graded;
    out["errors"] = results.size() - graded;
    out["files"] = files;
    return out;
}

void print_csv(const lesson::AnswerKey& key, const std::vector<FileResult>& results) {
    std::cout << "file,student,score,total";
    for (const auto& q : key.questions) std::cout << "," << csv_field(q.id);
    std::cout << ",error\n";
    for (const auto& r : results) {
        std::cout << csv_field(r.file) << ",";
        if (!r.sheet) {
            std::cout << ",," << key.total_points << std::string(key.questions.size(), ',') << "," << csv_field(r.error)
                      << "\n";
            continue;
        }
        std::cout << csv_field(r.sheet->student) << "," << r.grade.score << "," << r.grade.total;
        for (const auto& q : r.grade.questions) {
            std::cout << ",";
            if (q.verdict != lesson::Verdict::unanswered) std::cout << q.points;
        }
        std::cout << ",\n";
    }
}

int run(const ParsedArgs& a) {
    const bool as_json = a.flag("json"), as_csv = a.flag("csv");
    if (as_json && as_csv) throw UsageError("--json and --csv exclude each other");

    const lesson::Lesson l = resolve_lesson(a.positional[0]);
    const trace::Trace t = lesson_trace(l);
    const lesson::AnswerKey key = lesson::compute_answer_key(l, t);

    std::vector<FileResult> results;
    results.reserve(a.positional.size() - 1);
    std::size_t graded = 0;
    for (std::size_t i = 1; i < a.positional.size(); ++i) {
        FileResult r;
        r.file = a.positional[i];
        try {
            r.sheet = lesson::load_answer_sheet(r.file, l);
            r.grade = lesson::grade_sheet(key, *r.sheet);
            ++graded;
        } catch (const InputError& e) {
            r.sheet.reset();
            r.error = e.what();
        }
        results.push_back(std::move(r));
    }

    if (as_json) {
        std::cout << to_json(l, key, results, graded).dump(2) << "\n";
    } else if (as_csv) {
        print_csv(key, results);
    } else {
        print_text(l, key, results);
    }

    double sum = 0;
    for (const auto& r : results)
        if (r.sheet) sum += static_cast<double>(r.grade.score);
    const std::size_t errors = results.size() - graded;
    std::ostringstream summary;
    summary << "graded " << graded << " of " << results.size() << " file" << (results.size() == 1 ? "" : "s");
    if (graded > 0)
        summary << "; mean score " << fixed2(sum / static_cast<double>(graded)) << " of " << key.total_points;
    if (errors > 0) summary << "; " << errors << " could not be graded";
    if (!as_json && !as_csv) {
        std::cout << summary.str() << "\n";
    } else {
        // stdout is for scripts; people still hear about files that failed.
        for (const auto& r : results)
            if (!r.sheet) std::cerr << "sendpath-cli: " << r.error << "\n";
    }
    if (errors > 0) {
        if (as_json || as_csv) std::cerr << "sendpath-cli: " << summary.str() << "\n";
        return kExitFail;
    }
    return kExitOk;
}

}  // namespace

const Verb& verb_grade() {
    static const Verb v{
        {"grade",
         "Score answers files against a lesson's key: per question and in total.",
         {"LESSON", "ANSWERS..."},
         {{"json", 0, "", "Print JSON: the lesson, and per file its score, total and every question."},
          {"csv", 0, "", "Print CSV: one row per file (file,student,score,total,<question ids>...,error)."}},
         "LESSON is a lesson file or the id of a lesson in the default lessons folder. Its\n"
         "scenario runs once; every ANSWERS file (assets/answers.schema.json) is then scored:\n"
         "one point per question unless the lesson gives \"points\", all or nothing, nothing\n"
         "for an unanswered question. A file that is malformed or does not match the lesson\n"
         "(another lesson's id, a question the lesson does not have, a text where a number\n"
         "belongs) is reported with its file and place and counted as not graded; the other\n"
         "files are still graded.\n\n"
         "exit status: 0 every file graded, 1 some files could not be graded, 2 bad usage or a\n"
         "bad lesson (nothing graded).\n\n"
         "example:\n"
         "  sendpath-cli grade first-send class/*.json --csv > first-send.csv\n"},
        run};
    return v;
}

}  // namespace sendpath::cli
