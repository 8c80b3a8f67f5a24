#include "gui/model/lesson_session.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>

#include "util/errors.hpp"

namespace sendpath::gui {

std::optional<std::size_t> LessonSession::pause_point(std::size_t from, std::size_t to) const {
    // A submitted assessment is over: nothing can be answered, so nothing holds the replay.
    if (instructor || (assessment && submitted) || to <= from) return std::nullopt;
    std::optional<std::size_t> best;
    for (const auto& q : key.questions)
        if (q.event >= from && q.event <= to && !checked.count(q.id) && (!best || q.event < *best)) best = q.event;
    return best;
}

bool LessonSession::hides_future() const {
    if (instructor || (assessment && submitted)) return false;
    return std::any_of(key.questions.begin(), key.questions.end(),
                       [&](const lesson::KeyQuestion& q) { return !checked.count(q.id); });
}

int LessonSession::current_step(std::size_t cursor) const {
    int last = -1;
    for (std::size_t i = 0; i < key.step_events.size(); ++i)
        if (key.step_events[i] <= cursor &&
            (last < 0 || key.step_events[i] >= key.step_events[static_cast<std::size_t>(last)]))
            last = static_cast<int>(i);
    return last;
}

std::vector<std::size_t> LessonSession::question_order() const {
    std::vector<std::size_t> order(key.questions.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return key.questions[a].event < key.questions[b].event; });
    return order;
}

int LessonSession::active_question(std::size_t cursor) const {
    for (std::size_t i : question_order()) {
        const auto& q = key.questions[i];
        if (q.event > cursor) break;
        if (!checked.count(q.id)) return static_cast<int>(i);
    }
    return -1;
}

bool LessonSession::correct(const std::string& id) const {
    const auto* q = key.question(id);
    auto it = sheet.answers.find(id);
    return q && it != sheet.answers.end() && lesson::answer_is_correct(*q, it->second);
}

namespace {
// A typed number as JSON: "+-1.5e3" style text that std::from_chars reads
// whole; anything else is not a number.
std::optional<double> parse_number(const std::string& text) {
    std::string_view s(text);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    double v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}
}  // namespace

LessonSession::CheckResult LessonSession::check(const std::string& id, const std::string& text,
                                                const std::string& now) {
    CheckResult r;
    auto say = [&](std::string m) {
        r.message = std::move(m);
        ui[id].status = r.message;
        return r;
    };
    const lesson::Question* q = lesson.question(id);
    if (!q) return say("no question \"" + id + "\" in this lesson");
    if (locked(id))
        return say(submitted ? "not recorded: the assessment was submitted"
                             : "already answered: in an assessment the first answer counts");
    if (text.find_first_not_of(" \t") == std::string::npos)
        return say("nothing to check: type or pick an answer first");
    nlohmann::json given;
    if (q->type == lesson::QuestionType::number) {
        const auto v = parse_number(text);
        if (!v) return say("not recorded: '" + text + "' is not a number");
        if (*v == std::floor(*v) && std::fabs(*v) < 9e15) given = static_cast<int64_t>(*v);
        else given = *v;
    } else {
        given = text;
    }
    nlohmann::json j = lesson::answer_sheet_to_json(sheet);
    j["answers"][id] = given;
    // The answer is checked whether or not a name was typed yet; the name is
    // needed (and asked for) when the answers are saved.
    const std::string student = sheet.student;
    if (student.empty()) j["student"] = "unnamed";
    try {
        sheet = lesson::answer_sheet_from_json(j, sheet.file, lesson);
        sheet.student = student;
    } catch (const InputError& e) {
        // An answer of the wrong shape is not recorded; the input stays for a fix.
        return say("not recorded: " + e.expected());
    } catch (const std::exception& e) { return say(std::string("not recorded: ") + e.what()); }
    checked.insert(id);
    ui[id].input = text;
    if (assessment) ui[id].attempts.push_back(Attempt{given, now});
    r.recorded = true;
    if (!verdict_visible()) return say("recorded (the first answer counts; results after Submit)");
    return say(correct(id) ? "recorded: correct" : "recorded: not quite");
}

std::string LessonSession::submit(const std::string& now) {
    if (!assessment) {
        status = "nothing to submit: this lesson is not an assessment (Check shows each result)";
        return status;
    }
    if (submitted) {
        status = "already submitted at " + submitted_at;
        return status;
    }
    submitted = true;
    submitted_at = now;
    int right = 0;
    for (const auto& q : key.questions) right += correct(q.id) ? 1 : 0;
    for (const auto& q : key.questions)
        if (checked.count(q.id)) ui[q.id].status = correct(q.id) ? "correct" : "not quite";
    status = "submitted: " + std::to_string(right) + " of " + std::to_string(key.questions.size()) + " correct";
    return status;
}

bool LessonSession::set_instructor(bool on) {
    if (on && !instructor_unlocked) {
        status = "instructor mode is locked in an assessment (start the app with --instructor-key FILE)";
        return false;
    }
    instructor = on;
    status = on ? "instructor mode: the key is shown and the pauses are lifted" : "instructor mode off";
    return true;
}

nlohmann::json LessonSession::answers_json() const {
    nlohmann::json j = lesson::answer_sheet_to_json(sheet);
    if (assessment) {
        nlohmann::json att = nlohmann::json::object();
        for (const auto& [id, u] : ui) {
            if (u.attempts.empty()) continue;
            for (const Attempt& a : u.attempts) att[id].push_back({{"answer", a.answer}, {"at", a.at}});
        }
        j["attempts"] = att;
        if (submitted) j["submitted_at"] = submitted_at;
    }
    return j;
}

nlohmann::json LessonSession::drafts_json() const {
    nlohmann::json d = nlohmann::json::object();
    for (const auto& [id, u] : ui)
        if (!u.input.empty()) d[id] = u.input;
    return d;
}

void LessonSession::restore(const nlohmann::json& answers, const nlohmann::json& drafts, const std::string& file) {
    nlohmann::json plain = answers;
    nlohmann::json attempts;
    std::string sub;
    if (plain.is_object()) {
        // The keys this app adds for assessments are read here; the rest is the grader's format.
        if (plain.contains("attempts")) attempts = plain["attempts"];
        if (plain.contains("submitted_at") && plain["submitted_at"].is_string()) sub = plain["submitted_at"];
        plain.erase("attempts");
        plain.erase("submitted_at");
    }
    lesson::AnswerSheet s = lesson::answer_sheet_from_json(plain, file, lesson);
    s.file = sheet.file;
    sheet = std::move(s);
    checked.clear();
    for (const auto& [id, a] : sheet.answers) {
        checked.insert(id);
        ui[id].input = a.given.is_string() ? a.given.get<std::string>() : a.given.dump();
    }
    if (attempts.is_object())
        for (auto it = attempts.begin(); it != attempts.end(); ++it) {
            if (!it.value().is_array()) continue;
            auto& list = ui[it.key()].attempts;
            list.clear();
            for (const auto& a : it.value())
                if (a.is_object())
                    list.push_back(Attempt{a.value("answer", nlohmann::json()), a.value("at", std::string())});
        }
    if (!sub.empty()) {
        submitted = true;
        submitted_at = sub;
    }
    if (drafts.is_object())
        for (auto it = drafts.begin(); it != drafts.end(); ++it)
            if (it.value().is_string() && lesson.question(it.key()) && !checked.count(it.key()))
                ui[it.key()].input = it.value().get<std::string>();
}

uint64_t LessonSession::next_serial() {
    static std::atomic<uint64_t> n{0};
    return ++n;
}

std::string utc_now_iso() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

util::Message upcoming_question_line(const std::string& id, std::size_t event, bool future_hidden) {
    if (future_hidden) return util::Message::of("gui.lesson.asked_later", {id});
    return util::Message::of("gui.lesson.asked_at", {id, std::to_string(event)});
}

}  // namespace sendpath::gui
