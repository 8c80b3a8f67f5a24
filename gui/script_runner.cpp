#include "gui/script_runner.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>

#include <backends/imgui_impl_glfw.h>

#include "gui/app.hpp"
#include "gui/fonts.hpp"
#include "gui/lang.hpp"
#include "gui/glfw_keys.hpp"
#include "gui/model/answers_store.hpp"
#include "gui/model/breakpoints.hpp"
#include "gui/model/compare.hpp"
#include "gui/model/embedded_sources.hpp"
#include "gui/model/seq_graph.hpp"
#include "gui/model/wire.hpp"
#include "lesson/lesson.hpp"
#include "util/i18n.hpp"

namespace fs = std::filesystem;

namespace sendpath::gui {

namespace {
std::string hex(unsigned v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04X", v);
    return buf;
}
}  // namespace

ScriptRunner::ScriptRunner(std::vector<ScriptStep> steps, std::string file, std::string data_dir)
    : steps_(std::move(steps)), file_(std::move(file)), data_dir_(std::move(data_dir)) {}

std::optional<std::string> ScriptRunner::take_screenshot_request() {
    auto r = std::move(screenshot_now_);
    screenshot_now_.reset();
    return r;
}

void ScriptRunner::fail(const ScriptStep& st, const std::string& why) {
    std::cerr << "sendpath: script " << file_ << ":" << st.line << ": " << st.verb
              << (st.arg.empty() ? "" : " " + st.arg) << ": " << why << "\n";
    exit_code_ = 1;
    done_ = true;
}

std::string ScriptRunner::resolve_input(const std::string& path) const {
    std::error_code ec;
    if (fs::path(path).is_absolute() || fs::exists(path, ec)) return path;
    const fs::path in_data = fs::path(data_dir_) / path;
    return fs::exists(in_data, ec) ? in_data.string() : path;
}

void ScriptRunner::before_frame(App& app, GLFWwindow* window) {
    for (int key : held_) ImGui_ImplGlfw_KeyCallback(window, key, 0, GLFW_RELEASE, 0);
    held_.clear();
    if (done_) return;
    if (warmup_ > 0) {
        --warmup_;
        return;
    }
    if (app.busy()) return;  // a move still waits for a live run's events: the next step sees where it landed
    if (wait_ > 0) {
        if (--wait_ == 0 && screenshot_due_) {
            screenshot_now_ = std::move(screenshot_due_);
            screenshot_due_.reset();
        }
        return;
    }
    if (sweep_) {
        Document* doc = app.doc();
        if (doc && *sweep_ < doc->size()) {
            app.push(Command::jump((*sweep_)++));
            return;
        }
        if (doc && doc->live()) {
            app.push(Command::jump(*sweep_));  // the run makes it; the sweep goes on from there
            return;
        }
        sweep_.reset();
    }
    if (next_ >= steps_.size()) {
        done_ = true;  // a script that ends without "quit" still ends the app
        return;
    }
    run(steps_[next_++], app, window);
}

void ScriptRunner::run(const ScriptStep& st, App& app, GLFWwindow* window) {
    const std::string& v = st.verb;
    auto cmd = [&](CommandType t) { app.push(Command::of(t)); };
    Document* doc = app.doc();
    auto need_doc = [&]() -> bool {
        if (doc && !doc->empty()) return true;
        fail(st, "no trace is loaded");
        return false;
    };
    auto where = [&]() {
        const trace::Event& e = *doc->event();
        const auto& files = doc->trace().files;
        return "the cursor is at event " + std::to_string(doc->cursor()) + " (" +
               std::string(trace::kind_name(e.kind)) + " in " + std::string(trace::func_name(e.func)) + ", " +
               (e.file < files.size() ? files[e.file] : "?") + ":" + std::to_string(e.line) + ", depth " +
               std::to_string(e.depth) + ")";
    };

    if (v == "step_into") cmd(CommandType::step_into);
    else if (v == "step_over") cmd(CommandType::step_over);
    else if (v == "step_out") cmd(CommandType::step_out);
    else if (v == "step_into_back") cmd(CommandType::step_into_back);
    else if (v == "step_over_back") cmd(CommandType::step_over_back);
    else if (v == "step_out_back") cmd(CommandType::step_out_back);
    else if (v == "continue") cmd(CommandType::continue_forward);
    else if (v == "reverse_continue") cmd(CommandType::continue_backward);
    else if (v == "home") cmd(CommandType::first);
    else if (v == "end") cmd(CommandType::last);
    else if (v == "quit") {
        done_ = true;
        app.push(Command::of(CommandType::quit));
    } else if (v == "jump") app.push(Command::jump(static_cast<std::size_t>(st.number)));
    else if (v == "wait") wait_ = static_cast<int>(st.number);
    else if (v == "resize") {
        const auto [w, h] = *parse_size(st.arg);
        glfwSetWindowSize(window, w, h);
        wait_ = 2;  // the window system answers with the new size a frame or two later
    } else if (v == "sweep") {
        if (need_doc()) sweep_ = 0;
    } else if (v == "open") app.push(Command::open_file(resolve_input(st.arg)));
    else if (v == "compare") app.push(Command::compare_file(resolve_input(st.arg)));
    else if (v == "close_compare") cmd(CommandType::close_compare);
    else if (v == "key") {
        // Through the GLFW backend's own callback: the same path a real key takes.
        const KeyChord c = *parse_chord(st.arg);
        if (c.ctrl) held_.push_back(GLFW_KEY_LEFT_CONTROL);
        if (c.shift) held_.push_back(GLFW_KEY_LEFT_SHIFT);
        if (c.alt) held_.push_back(GLFW_KEY_LEFT_ALT);
        held_.push_back(glfw_key(c.key));
        for (int key : held_) ImGui_ImplGlfw_KeyCallback(window, key, 0, GLFW_PRESS, 0);
    } else if (v == "screenshot") {
        // Two frames later: views that scroll to the cursor settle first.
        screenshot_due_ = st.arg;
        wait_ = 2;
    } else if (v == "break") {
        std::string err;
        app.view_state().breakpoints.push_back(*parse_breakpoint(st.arg, &err));
    } else if (v == "clear_breaks") app.view_state().breakpoints.clear();
    else if (v == "filter") app.view_state().event_filter = st.arg;
    else if (v == "pick") {
        if (need_doc()) {
            const SeqGraph g = build_seq_graph(doc->trace());
            app.view_state().picked_seq = (static_cast<int64_t>(g.isn) + st.number) & 0xffffffffLL;
            app.set_view_open("provenance", true);
        }
    } else if (v == "select_frame") app.view_state().selected_frame = static_cast<std::size_t>(st.number);
    else if (v == "show" || v == "hide") {
        if (!app.set_view_open(st.arg, v == "show")) fail(st, "no view with id '" + st.arg + "'");
    } else if (v == "expect_error") {
        const auto& err = app.view_state().error;
        if (!err) fail(st, "no error panel is shown");
        else {
            // What the panel shows, in the GUI's language.
            std::string all = err->title;
            for (const ErrorRow& r : error_rows(*err)) all += "\n" + r.text;
            if (all.find(st.arg) == std::string::npos) fail(st, "the error panel says: " + all);
        }
    } else if (v == "language") {
        const auto lang = util::i18n::parse_language(st.arg);
        if (!lang) fail(st, "a language code: one of " + util::i18n::language_codes() + ", found '" + st.arg + "'");
        else app.set_language(*lang);  // what View > Language does
    } else if (v == "expect_language") {
        if (ui_lang() != st.arg) fail(st, "the GUI's language is " + ui_lang());
    } else if (v == "expect_glyphs") {
        // The "no missing-glyph boxes" check: every character of every Chinese
        // text is a glyph of the font the GUI draws with (not its fallback box).
        const ImFont* font = ImGui::GetIO().Fonts->Fonts.empty() ? nullptr : ImGui::GetIO().Fonts->Fonts[0];
        std::vector<std::string> texts;
        for (std::string_view t : chinese_texts()) texts.emplace_back(t);
        if (doc && doc->lesson) texts.push_back(lesson_text(lesson::localized(doc->lesson->lesson, "zh_CN")));
        texts.push_back(app.lesson_menu_text());  // the Lessons menu's titles
        std::string missing;
        std::size_t chars = 0;
        for (const std::string& t : texts) {
            if (!font) break;
            chars += t.size();
            for (unsigned cp : missing_glyphs(*font, t))
                if (missing.size() < 200) missing += "U+" + hex(cp) + " in \"" + t.substr(0, 60) + "\"\n";
        }
        if (!font) fail(st, "no font in the atlas");
        else if (!missing.empty()) fail(st, "characters without a glyph in the atlas:\n" + missing);
        else std::cout << "expect_glyphs: " << texts.size() << " texts, " << chars << " bytes, every character drawn\n";
    } else if (v == "expect_no_error") {
        const auto& err = app.view_state().error;
        if (err)
            fail(st, "an error panel is shown: " + err->title + ": " + err->place.str() + " " + err->expected.str() +
                         err->message.str());
    } else if (v == "expect_line") {
        if (need_doc() && doc->event()->line != st.number) fail(st, where());
    } else if (v == "expect_line_not") {
        if (need_doc() && doc->event()->line == st.number) fail(st, where());
    } else if (v == "expect_event") {
        if (need_doc() && doc->cursor() != static_cast<std::size_t>(st.number)) fail(st, where());
    } else if (v == "expect_depth") {
        if (need_doc() && doc->event()->depth != st.number) fail(st, where());
    } else if (v == "expect_kind") {
        if (need_doc() && trace::kind_name(doc->event()->kind) != st.arg) fail(st, where());
    } else if (v == "expect_func") {
        if (need_doc() && trace::func_name(doc->event()->func) != st.arg) fail(st, where());
    } else if (v == "expect_source") {
        if (need_doc()) {
            const trace::Event& e = *doc->event();
            const auto& files = doc->trace().files;
            const EmbeddedFile* f = e.file < files.size() ? find_embedded(files[e.file]) : nullptr;
            const auto starts = f ? line_starts(f->text) : std::vector<std::size_t>{};
            if (!f || e.line == 0 || e.line > starts.size()) {
                fail(st, "no embedded source for this event; " + where());
            } else {
                const std::size_t b = starts[e.line - 1];
                const std::size_t en = e.line < starts.size() ? starts[e.line] : f->text.size();
                const std::string_view text = f->text.substr(b, en - b);
                if (text.find(st.arg) == std::string_view::npos)
                    fail(st, "the lit line is '" + std::string(text.substr(0, text.find('\n'))) + "'; " + where());
            }
        }
    } else if (v == "expect_frames") {
        if (need_doc()) {
            const std::size_t n = frames_at(doc->trace(), doc->cursor());
            if (n != static_cast<std::size_t>(st.number))
                fail(st, std::to_string(n) + " frames at the cursor; " + where());
        }
    } else if (v == "expect_cond") {
        if (need_doc()) {
            std::string err;
            const Condition c = *parse_condition(st.arg, &err);
            if (!eval_condition(c, doc->trace(), doc->cursor(), doc->state())) fail(st, "false; " + where());
        }
    } else if (v == "expect_events") {
        if (need_doc() && doc->size() != static_cast<std::size_t>(st.number))
            fail(st,
                 "the trace has " + std::to_string(doc->size()) + " events" + (doc->live() ? " so far (live)" : ""));
    } else if (v == "expect_live") {
        if (st.arg != "yes" && st.arg != "no") fail(st, "expected yes or no");
        else if (need_doc() && doc->live() != (st.arg == "yes"))
            fail(st, doc->live()
                         ? "the run is still live (" + std::to_string(doc->size()) + " events so far)"
                         : "no live run (" + std::to_string(doc->size()) + " events, " + doc->trace().end_reason + ")");
    } else if (v == "expect_segments") {
        if (need_doc()) {
            const std::size_t n = build_seq_graph(doc->trace()).segments.size();
            if (n != static_cast<std::size_t>(st.number))
                fail(st, std::to_string(n) + " segments in the sequence graph");
        }
    } else if (v == "expect_divergence") {
        if (need_doc()) {
            if (!app.compare_doc()) fail(st, "nothing to compare with (compare PATH first)");
            else {
                const auto d = first_branch_divergence(doc->trace(), app.compare_doc()->trace());
                if (!d) fail(st, "the two traces have the same events");
                else if (d->event != static_cast<std::size_t>(st.number)) fail(st, "they diverge at " + d->what.str());
            }
        }
    } else if (v == "answer" || v == "submit" || v == "instructor" || v == "expect_answered" || v == "expect_hidden" ||
               v == "save_answers" || v == "set_student" || v == "confirm" || v == "expect_confirm") {
        lesson_step(st, app);
    } else if (v == "expect_status" || v == "expect_no_status") {
        // Where a notice can be: the timeline's status, the lesson's, a question's Check message.
        std::string all = app.view_state().status;
        if (doc && doc->lesson) {
            all += "\n" + doc->lesson->status;
            for (const auto& [id, u] : doc->lesson->ui) all += "\n" + id + ": " + u.status;
        }
        const bool found = all.find(st.arg) != std::string::npos;
        if (found != (v == "expect_status")) fail(st, "the notices are: " + all);
    } else {
        fail(st, "not implemented");  // parse_script accepted a verb this runner does not know
    }
}

// Lesson commands go through the same LessonSession calls as the Lesson
// window's buttons, and autosave the same way.
void ScriptRunner::lesson_step(const ScriptStep& st, App& app) {
    Document* doc = app.doc();
    LessonSession* ls = doc ? doc->lesson.get() : nullptr;
    if (!ls) {
        fail(st, "no lesson is open");
        return;
    }
    const std::string& v = st.verb;
    const bool on = st.arg == "on" || st.arg == "yes";
    if (v == "answer") {
        const auto sp = st.arg.find_first_of(" \t");
        const std::string id = st.arg.substr(0, sp);
        std::string value = st.arg.substr(st.arg.find_first_not_of(" \t", sp));
        if (!ls->lesson.question(id)) {
            fail(st, "lesson " + ls->lesson.id + " has no question '" + id + "'");
            return;
        }
        ls->ui[id].input = value;
        const auto r = ls->check(id, value, utc_now_iso());
        autosave(*ls);
        std::cout << "answer " << id << ": " << r.message << std::endl;
    } else if (v == "submit") {
        const std::string msg = ls->submit(utc_now_iso());
        autosave(*ls);
        std::cout << "submit: " << msg << std::endl;
    } else if (v == "instructor") {
        if (!ls->set_instructor(on)) fail(st, ls->status);
    } else if (v == "save_answers") {
        // The Save answers button: it may ask first (expect_confirm overwrite).
        if (!st.arg.empty()) ls->save_path = st.arg;
        request_save(*ls);
        std::cout << "save_answers: " << (ls->confirm != LessonSession::Confirm::none ? "asks first" : ls->status)
                  << std::endl;
    } else if (v == "set_student") {
        request_student(*ls, st.arg);
        std::cout << "set_student: " << (ls->confirm != LessonSession::Confirm::none ? "asks first" : ls->status)
                  << std::endl;
    } else if (v == "confirm") {
        if (ls->confirm == LessonSession::Confirm::none) fail(st, "no confirmation is waiting");
        else {
            confirm(*ls, on, utc_now_iso());
            std::cout << "confirm: " << ls->status << std::endl;
        }
    } else if (v == "expect_confirm") {
        if (confirm_name(ls->confirm) != st.arg)
            fail(st, "the confirmation waiting is " + std::string(confirm_name(ls->confirm)));
    } else if (v == "expect_answered") {
        if (ls->checked.size() != static_cast<std::size_t>(st.number))
            fail(st, std::to_string(ls->checked.size()) + " questions answered");
    } else if (v == "expect_hidden") {
        if (doc->future_hidden() != on)
            fail(st, doc->future_hidden()
                         ? "the views stop at event " + std::to_string(doc->horizon())
                         : "the views show the whole trace (" + std::to_string(doc->size()) + " events)");
    }
}

}  // namespace sendpath::gui
