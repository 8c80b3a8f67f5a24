#include "gui/document_io.hpp"

#include <fstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/options.hpp"
#include "lesson/grade.hpp"
#include "lesson/lesson.hpp"
#include "lesson/scenario.hpp"
#include "run/runner.hpp"
#include "run/tap_setup.hpp"
#include "trace/trace_io.hpp"
#include "util/atomic_file.hpp"
#include "util/errors.hpp"

namespace sendpath::gui {

namespace {
// A scenario is a JSON object with a "timeline". A file that does not parse
// is still a scenario if it mentions "timeline" (and no "events"), so that its
// syntax error is reported by the scenario reader with line and column.
bool looks_like_scenario(const std::vector<uint8_t>& bytes) {
    std::size_t i = 0;
    while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t')) ++i;
    if (i == bytes.size() || bytes[i] != '{') return false;  // CBOR or not JSON: a trace (its reader explains)
    const auto j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (!j.is_discarded()) return j.is_object() && j.contains("timeline");
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return text.find("\"timeline\"") != std::string_view::npos && text.find("\"events\"") == std::string_view::npos;
}
// A lesson has a scenario and questions (README "Lessons").
bool looks_like_lesson(const std::vector<uint8_t>& bytes) {
    const auto j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
    return !j.is_discarded() && j.is_object() && j.contains("scenario") && j.contains("questions");
}

// The first bytes of a file, enough to tell a trace from a scenario or lesson
// without reading a trace of hundreds of MB twice.
std::vector<uint8_t> read_head(const std::string& path, std::size_t n) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return read_file_bytes(path);  // its error message names the file and why
    std::vector<uint8_t> head(n);
    in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(n));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return head;
}

// A trace: CBOR (not a '{' first), or JSON that says "format": "sendpath-trace"
// near its start. Scenarios and lessons are small; traces may be huge.
bool looks_like_trace(const std::vector<uint8_t>& head) {
    std::size_t i = 0;
    while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) ++i;
    if (i < head.size() && head[i] != '{') return true;
    const std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
    const auto f = text.find("\"format\"");
    if (f == std::string_view::npos) return false;
    const auto v = text.find('"', text.find(':', f));
    return v != std::string_view::npos && text.substr(v, 16) == "\"sendpath-trace\"";
}
}  // namespace

std::unique_ptr<Document> load_document(const std::string& path, const LoadOptions& opt) {
    if (looks_like_trace(read_head(path, 4096)))
        return std::make_unique<Document>(trace::load_trace(path), path, "trace");
    const std::vector<uint8_t> bytes = read_file_bytes(path);
    if (looks_like_lesson(bytes)) {
        // The answer key (and with it where the replay pauses for a question)
        // needs the whole trace: the scenario is run to its end once for it.
        // The document itself then runs live like any scenario; runs are
        // deterministic, so its trace is the one the key was computed on.
        auto session = std::make_shared<LessonSession>();
        session->lesson = lesson::load_lesson(path);
        // A TAP lesson cannot run here: its answers come from its recorded trace.
        trace::Trace t = session->lesson.is_tap() ? trace::load_trace(lesson::prepared_trace_path(session->lesson))
                                                  : engine::run_scenario(session->lesson.scenario, engine::Options{});
        session->key = lesson::compute_answer_key(session->lesson, t);
        session->sheet.lesson = session->lesson.id;
        std::unique_ptr<Document> doc;
        if (opt.live && !session->lesson.is_tap()) {
            LiveRun::Config cfg;
            cfg.scenario = session->lesson.scenario;
            cfg.initial_budget = Document::kAhead + 1;
            doc = std::make_unique<Document>(std::make_unique<LiveRun>(std::move(cfg)), path, "lesson");
        } else {
            doc = std::make_unique<Document>(std::move(t), path, "lesson");
        }
        doc->lesson = std::move(session);
        return doc;
    }
    if (looks_like_scenario(bytes)) {
        lesson::Scenario sc = lesson::load_scenario(path);
        if (opt.tap) {
            sc.peer.type = "tap";
            sc.peer.dev = opt.tap->dev;
            sc.peer.connect = opt.tap->connect;
        }
        const std::string local = opt.tap ? opt.tap->local : std::string();
        if (sc.peer.type == "tap") {
            // Said here, on the GUI thread, before any device is touched: the
            // error panel names the scenario and the options that are missing.
            try {
                (void)peer::tap_config_for(sc, local);
            } catch (const InputError& e) {
                // The reason (e.expected_message()) stays a string-table text: said in the GUI's language too.
                throw InputError(path, "/peer",
                                 util::Message::of("gui.error.tap_link", {e.file(), e.expected_message()}));
            }
            if (!opt.live) throw RuntimeError(util::Message::of("gui.error.tap_compare"));
        }
        if (!opt.live) return std::make_unique<Document>(engine::run_scenario(sc, engine::Options{}), path, "scenario");
        LiveRun::Config cfg;
        cfg.scenario = std::move(sc);
        cfg.tap_local = local;
        cfg.initial_budget = Document::kAhead + 1;
        return std::make_unique<Document>(std::make_unique<LiveRun>(std::move(cfg)), path, "scenario");
    }
    trace::Trace t = trace::load_trace(path);
    return std::make_unique<Document>(std::move(t), path, "trace");
}

}  // namespace sendpath::gui
