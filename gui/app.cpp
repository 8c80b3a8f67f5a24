// [SECTION] index: construction and settings / opening files / commands /
// shortcuts / menu bar / views / dialogs (help, open, error).
#include "gui/app.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "gui/document_io.hpp"
#include "gui/lang.hpp"
#include "gui/model/answers_store.hpp"
#include "gui/glfw_keys.hpp"
#include "gui/model/keys.hpp"
#include "gui/model/layout.hpp"
#include "gui/model/stepping.hpp"
#include "gui/widgets.hpp"
#include "lesson/lesson.hpp"
#include "util/data_dir.hpp"
#include "util/errors.hpp"
#include "util/i18n.hpp"

namespace fs = std::filesystem;

namespace sendpath::gui {

namespace {
// The error panel's text of an exception that is not an InputError: a
// RuntimeError keeps its string-table text, so the panel says it in the GUI's
// language; anything else is said as what() has it.
util::Message error_message(const std::exception& e) { return message_of(e); }
}  // namespace

// [SECTION] construction and settings

App::App(AppOptions opt) : opt_(std::move(opt)), views_(make_views()) {
    if (opt_.persist) settings_ = load_settings(opt_.settings_path);
    for (const auto& v : views_) {
        const std::string id(v->id());
        auto it = settings_.open_views.find(id);
        vs_.open[id] = it != settings_.open_views.end() ? it->second : v->default_open();
    }
    std::error_code ec;
    vs_.browse_dir = fs::current_path(ec).string();
}

App::~App() {
    save();
    if (doc_ && doc_->lesson) autosave(*doc_->lesson);
}

void App::save() {
    if (!opt_.persist) return;
    settings_.open_views = vs_.open;
    save_settings(settings_, opt_.settings_path);
}

void App::set_language(const std::string& lang) {
    if (lang != ui_lang()) {
        set_ui_lang(lang);
        // Notices said in the other language belong to that moment (and its
        // font may not draw them): they go; the error panel says its title again.
        vs_.status.clear();
        if (doc_ && doc_->lesson) doc_->lesson->status.clear();
        if (vs_.error && !vs_.error->title_key.empty())
            vs_.error->title = TF(vs_.error->title_key.c_str(), {vs_.error->title_arg});
    }
    settings_.language = lang;
    save();
}

std::string App::saved_language() const {
    const auto lang = util::i18n::parse_language(settings_.language);
    return lang ? *lang : std::string();
}

void App::notice(const std::string& text, const std::string& terminal) {
    vs_.status = text;
    std::cerr << "sendpath: " << (terminal.empty() ? text : terminal) << "\n";
}

bool App::set_view_open(std::string_view id, bool open) {
    for (const auto& v : views_)
        if (v->id() == id) {
            vs_.open[std::string(id)] = open;
            return true;
        }
    return false;
}

// [SECTION] opening files

bool App::open(const std::string& path) {
    try {
        LoadOptions lo;
        std::error_code ec;
        if (tap_ && (path == tap_path_ || fs::equivalent(path, tap_path_, ec))) lo.tap = tap_;
        // One TAP device, one run: the old run lets go of it before a new one opens it.
        if (doc_ && doc_->live_tap()) doc_->stop_live("stopped: another file was opened");
        auto d = load_document(path, lo);
        // The lesson being left is saved once more (drafts included) before its session goes.
        if (doc_ && doc_->lesson) autosave(*doc_->lesson);
        if (d->lesson) setup_lesson(*d->lesson);
        doc_ = std::move(d);  // the old document's live run (if any) is stopped and joined here
        pending_.reset();
        last_pause_.reset();
        vs_.error.reset();
        vs_.selected_frame.reset();
        vs_.selected_skb = 0;
        vs_.follow_live = true;
        // A live document says what it has so far next to this (the timeline's live line).
        vs_.status = doc_->live()
                         ? std::string()
                         : TF("gui.status.opened", {fs::path(path).filename().string(), std::to_string(doc_->size()),
                                                    std::to_string(doc_->trace().frames.size())});
        const fs::path abs = fs::absolute(path, ec);
        push_recent(settings_.recent, ec ? path : abs.lexically_normal().string());
        save();
        watch_.watch(path, file_mtime(path));
        if (doc_->lesson) {
            vs_.open["lesson"] = true;  // a lesson shows its narrative and questions
            if (!doc_->lesson->status.empty())
                vs_.status = notice_text(doc_->lesson->status, doc_->lesson->status_message);
        }
        return true;
    } catch (const InputError& e) {
        vs_.error = ErrorInfo{TF("gui.error.could_not_open", {path}),
                              "gui.error.could_not_open",
                              path,
                              e.file(),
                              e.place_message(),
                              e.expected_message(),
                              {}};
    } catch (const std::exception& e) {
        vs_.error = ErrorInfo{
            TF("gui.error.could_not_open", {path}), "gui.error.could_not_open", path, path, {}, {}, error_message(e)};
    }
    return false;
}

// A new lesson session: the student's name, the assessment switches and
// autosave. Answers saved earlier for this lesson and student are read back,
// so closing the app or opening another lesson loses nothing.
void App::setup_lesson(LessonSession& ls) {
    ls.sheet.student = lesson_opt_.student;
    ls.assessment = ls.lesson.assessment || lesson_opt_.assessment;
    ls.instructor_unlocked = !ls.assessment || lesson_opt_.instructor_key;
    ls.save_path = ls.lesson.id + "-answers.json";
    if (lesson_opt_.answers_dir.empty()) {
        ls.status = T("gui.lesson.not_autosaved");
        return;
    }
    ls.autosave_root = lesson_opt_.answers_dir;
    // Answers are kept per student: without a name there is no file to keep them in yet.
    if (ls.sheet.student.empty()) {
        ls.status = T("gui.lesson.type_name");
        return;
    }
    const std::string path = autosave_file(lesson_opt_.answers_dir, ls.lesson.id, ls.sheet.student);
    std::error_code ec;
    if (fs::exists(path, ec)) {
        try {
            read_answers(ls, path);
            ls.autosave_path = path;
            ls.status = TF("gui.lesson.restored", {std::to_string(ls.checked.size()), path});
        } catch (const std::exception& e) {
            // Never write over a file we could not read: it may be the only copy of someone's work.
            ls.status = TF("gui.lesson.autosave_off", {path, message_of(e).str(ui_lang())});
        }
        return;
    }
    ls.autosave_path = path;
    ls.status = TF("gui.lesson.autosave_to", {path});
}

bool App::open_compare(const std::string& path) {
    try {
        LoadOptions lo;
        lo.live = false;  // B follows A's cursor: it is run to its end
        compare_ = load_document(path, lo);
        compare_watch_.watch(path, file_mtime(path));
        vs_.open["compare"] = true;
        vs_.compare_row.reset();
        vs_.status = TF("gui.status.comparing", {fs::path(path).filename().string(), std::to_string(compare_->size())});
        return true;
    } catch (const InputError& e) {
        vs_.error = ErrorInfo{TF("gui.error.could_not_compare", {path}),
                              "gui.error.could_not_compare",
                              path,
                              e.file(),
                              e.place_message(),
                              e.expected_message(),
                              {}};
    } catch (const std::exception& e) {
        vs_.error = ErrorInfo{TF("gui.error.could_not_compare", {path}),
                              "gui.error.could_not_compare",
                              path,
                              path,
                              {},
                              {},
                              error_message(e)};
    }
    return false;
}

void App::open_dropped(const std::vector<std::string>& paths) {
    if (paths.empty()) return;
    push(Command::open_file(paths[0]));
    if (paths.size() >= 2) push(Command::compare_file(paths[1]));
}

void App::poll_file_changes(double now_seconds) {
    // A rewritten file is reopened where the cursor was: editing a scenario and
    // watching the same moment change is the point.
    if (doc_ && watch_.due(now_seconds) && watch_.changed(file_mtime(watch_.path()))) {
        const std::size_t cur = doc_->cursor();
        if (open(watch_.path()) && doc_ && !doc_->empty()) {
            if (doc_->live()) push(Command::jump(cur));  // a live run may first have to get there
            else doc_->seek(cur);
        }
    }
    if (compare_ && compare_watch_.due(now_seconds) && compare_watch_.changed(file_mtime(compare_watch_.path())))
        open_compare(compare_watch_.path());
}

void App::show_open_dialog() {
    // Browse where the current document lives: its neighbours are the likely next files.
    if (!vs_.show_open_dialog && doc_) {
        std::error_code ec;
        const fs::path dir = fs::absolute(doc_->path(), ec).parent_path();
        if (!ec) vs_.browse_dir = dir.lexically_normal().string();
    }
    vs_.show_open_dialog = true;
}

// [SECTION] commands

// Lesson files of a folder with their titles ("01 The first small send ..."); a
// file that does not load is listed under its name, and opening it shows why.
std::vector<std::pair<std::string, std::string>> App::list_lessons(const std::string& dir) {
    std::vector<std::pair<std::string, std::string>> out;
    try {
        for (const auto& f : lesson::lesson_files(dir)) {
            std::string title = fs::path(f).stem().string();
            try {
                const lesson::Lesson l = lesson::load_lesson(f);
                const auto it = l.title_in.find(ui_lang());
                title += "  " + (it != l.title_in.end() ? it->second : l.title);
            } catch (const std::exception&) {}
            out.emplace_back(f, title);
        }
    } catch (const std::exception&) {}
    return out;
}

void App::fill_lesson_menu() {
    if (!lesson_menu_.empty() && lesson_menu_lang_ == ui_lang()) return;
    const fs::path data = util::data_dir();
    lesson_menu_ = data.empty() ? decltype(lesson_menu_)() : list_lessons((data / "lessons").string());
    lesson_menu_lang_ = ui_lang();
}

std::string App::lesson_menu_text() {
    fill_lesson_menu();
    std::string t;
    for (const auto& [path, title] : lesson_menu_) t += title + "\n";
    return t;
}

void App::apply_commands() {
    tick_live();
    while (!commands_.empty()) {
        const Command c = std::move(commands_.front());
        commands_.pop_front();
        apply(c);
    }
}

void App::apply(const Command& c) {
    if (c.type == CommandType::open) {
        open(c.path);
        return;
    }
    if (c.type == CommandType::compare) {
        open_compare(c.path);
        return;
    }
    if (c.type == CommandType::close_compare) {
        compare_.reset();
        compare_watch_.clear();
        return;
    }
    if (c.type == CommandType::quit) {
        quit_ = true;
        return;
    }
    if (!doc_ || doc_->empty()) return;
    pending_.reset();  // a new move replaces one that was waiting
    // The user took the cursor; End on a live TAP run follows the newest event again.
    vs_.follow_live = c.type == CommandType::last;
    Move m;
    m.type = c.type;
    m.n = c.n;
    m.from = doc_->cursor();
    vs_.status.clear();
    run_move(m, 40);
}

// [SECTION] live mode

void App::run_move(Move m, int budget_ms) {
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
        std::string status;
        if (auto to = resolve_move(*doc_, m, vs_.breakpoints, &status)) {
            pending_.reset();
            finish_move(m, *to, status);
            return;
        }
        // The target lies past what the run has made: ask for more and take it in.
        doc_->want(events_wanted(*doc_, m));
        try {
            doc_->pull(doc_->live_tap() ? 5 : 0);
        } catch (const std::exception& e) {
            vs_.error = ErrorInfo{
                T("gui.error.live_no_replay"), "gui.error.live_no_replay", {}, doc_->path(), {}, {}, error_message(e)};
            doc_->stop_live("error: the trace does not replay");
        }
        const auto spent = std::chrono::steady_clock::now() - start;
        if (doc_->live() && spent >= std::chrono::milliseconds(budget_ms)) {
            // Later frames go on with it; the window stays responsive meanwhile.
            pending_ = m;
            vs_.status = TF(m.type == CommandType::continue_forward ? "gui.nav.running_bp" : "gui.nav.running_target",
                            {std::to_string(doc_->size())});
            return;
        }
    }
}

void App::finish_move(const Move& m, std::size_t to, const std::string& status) {
    vs_.status = model_notice(status);
    // A lesson asks its questions before the trace shows what happens next.
    last_pause_.reset();
    if (doc_->lesson) {
        if (auto p = doc_->lesson->pause_point(m.from, to)) {
            // Which question: the first unanswered one at that event, in event order.
            std::string id;
            for (const auto& q : doc_->lesson->key.questions)
                if (q.event == *p && !doc_->lesson->checked.count(q.id)) {
                    id = q.id;
                    break;
                }
            last_pause_ = PauseNote{to, *p, id};
            to = *p;
            vs_.status = TF("gui.status.question_waits", {id, std::to_string(*p)});
            pause_status_ = vs_.status;
        }
    }
    doc_->seek(to);  // also after a breakpoint search moved the replay
}

void App::tick_live() {
    if (!doc_ || !doc_->live()) {
        if (pending_ && doc_) run_move(*pending_, 40);  // the run ended: the move lands now
        return;
    }
    std::size_t added = 0;
    const bool tap = doc_->live_tap();  // pull() may end live mode
    try {
        added = doc_->pull();
    } catch (const std::exception& e) {
        vs_.error = ErrorInfo{
            T("gui.error.live_no_replay"), "gui.error.live_no_replay", {}, doc_->path(), {}, {}, error_message(e)};
        doc_->stop_live("error: the trace does not replay");
    }
    if (pending_) {
        run_move(*pending_, 40);
    } else if (added && vs_.follow_live && tap) {
        doc_->seek(doc_->size() - 1);
    }
}

std::string App::window_title() const {
    if (!doc_) return "sendpath";
    const std::string file = fs::path(doc_->path()).filename().string();
    if (!doc_->live()) return TF("gui.title.file", {file});
    const std::string so_far = std::to_string(doc_->produced());
    if (doc_->live_tap()) return TF("gui.title.live_tap", {file, doc_->tap_device(), so_far});
    return TF("gui.title.live", {file, so_far});
}

// [SECTION] shortcuts

void App::run_action(Action a) {
    if (auto cmd = command_for(a)) {
        push(Command::of(*cmd));
        return;
    }
    switch (a) {
        case Action::toggle_breakpoint: toggle_breakpoint_here(); break;
        case Action::open_dialog:
            show_open_dialog();
            vs_.open_for_compare = false;
            break;
        case Action::help: vs_.show_help = !vs_.show_help; break;
        default: break;
    }
}

void App::handle_shortcuts() {
    const ImGuiIO& io = ImGui::GetIO();
    // Keys belong to a text field while one is being typed into.
    if (io.WantTextInput) return;
    for (const Shortcut& s : shortcuts()) {
        const int key = glfw_key(s.chord.key);
        if (key < 0 || !ImGui::IsKeyPressed(key, true)) continue;
        if (io.KeyCtrl != s.chord.ctrl || io.KeyShift != s.chord.shift || io.KeyAlt != s.chord.alt) continue;
        run_action(s.action);
    }
}

void App::toggle_breakpoint_here() {
    if (!doc_ || !doc_->event()) return;
    const trace::Event& e = *doc_->event();
    if (e.file >= doc_->trace().files.size()) return;
    const std::string& file = doc_->trace().files[e.file];
    auto& bps = vs_.breakpoints;
    auto it = std::find_if(bps.begin(), bps.end(), [&](const Breakpoint& b) {
        return b.type == Breakpoint::Type::line && b.line == e.line && path_matches(file, b.file);
    });
    if (it != bps.end()) bps.erase(it);
    else bps.push_back(line_breakpoint(file, e.line));
}

// [SECTION] menu bar

namespace {
// The F1 list's and menus' words for an action (keys.cpp keeps the English
// labels for scripts and tests; the GUI shows these).
const char* action_text(Action a) {
    switch (a) {
        case Action::step_into:
        case Action::step_into_alt: return T("gui.action.step_into");
        case Action::step_over: return T("gui.action.step_over");
        case Action::step_out: return T("gui.action.step_out");
        case Action::step_into_back:
        case Action::step_into_back_alt: return T("gui.action.step_into_back");
        case Action::step_over_back: return T("gui.action.step_over_back");
        case Action::step_out_back: return T("gui.action.step_out_back");
        case Action::continue_forward: return T("gui.action.continue");
        case Action::continue_backward: return T("gui.action.reverse_continue");
        case Action::first: return T("gui.action.first");
        case Action::last: return T("gui.action.last");
        case Action::toggle_breakpoint: return T("gui.action.toggle_breakpoint");
        case Action::open_dialog: return T("gui.action.open");
        case Action::quit: return T("gui.action.quit");
        case Action::help:
        case Action::count_: break;
    }
    return T("gui.action.help");
}

// "trace", "scenario", "lesson" (Document::source_kind) in the GUI's language.
const char* source_kind_text(const std::string& kind) {
    if (kind == "scenario") return T("gui.doc.scenario");
    if (kind == "lesson") return T("gui.doc.lesson");
    return T("gui.doc.trace");
}

const char* shortcut_text(Action a) {
    static std::string buf[static_cast<std::size_t>(Action::count_)];
    const Shortcut* s = shortcut_for(a);
    if (!s) return nullptr;
    std::string& b = buf[static_cast<std::size_t>(a)];
    if (b.empty()) b = chord_text(s->chord);
    return b.c_str();
}
}  // namespace

void App::draw_menu_bar() {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu(T("gui.menu.file"))) {
        if (ImGui::MenuItem(T("gui.menu.open"), shortcut_text(Action::open_dialog))) {
            show_open_dialog();
            vs_.open_for_compare = false;
        }
        if (ImGui::BeginMenu(T("gui.menu.recent"), !settings_.recent.empty())) {
            for (const std::string& r : settings_.recent)
                if (ImGui::MenuItem(r.c_str())) push(Command::open_file(r));
            ImGui::EndMenu();
        }
        if (ImGui::MenuItem(T("gui.menu.reload"), nullptr, false, doc_ != nullptr))
            push(Command::open_file(doc_->path()));
        if (ImGui::MenuItem(T("gui.menu.stop_live"), nullptr, false, doc_ && doc_->live())) {
            doc_->stop_live("stopped from the File menu");
            pending_.reset();
        }
        ImGui::Separator();
        if (ImGui::MenuItem(T("gui.menu.compare_with"), nullptr, false, doc_ != nullptr)) {
            show_open_dialog();
            vs_.open_for_compare = true;
        }
        if (ImGui::MenuItem(T("gui.menu.close_compare"), nullptr, false, compare_ != nullptr))
            push(Command::of(CommandType::close_compare));
        ImGui::Separator();
        if (ImGui::MenuItem(T("gui.menu.quit"), shortcut_text(Action::quit))) push(Command::of(CommandType::quit));
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu(T("gui.menu.lessons"))) {
        // The lesson picker: every lesson of lessons/, in teaching order.
        fill_lesson_menu();
        if (lesson_menu_.empty()) {
            const fs::path data = util::data_dir();
            ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40.0f);
            if (data.empty()) ImGui::TextDisabled("%s", util::data_dir_missing().str(ui_lang()).c_str());
            else ImGui::TextDisabled("%s", TF("gui.menu.no_lessons", {(data / "lessons").string()}).c_str());
            ImGui::PopTextWrapPos();
        }
        for (const auto& [path, title] : lesson_menu_)
            if (ImGui::MenuItem(title.c_str(), nullptr, doc_ && doc_->path() == path)) push(Command::open_file(path));
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu(T("gui.menu.run"))) {
        const bool have = doc_ && !doc_->empty();
        const std::pair<const char*, Action> items[] = {
            {T("gui.action.step_into"), Action::step_into},
            {T("gui.action.step_over"), Action::step_over},
            {T("gui.action.step_out"), Action::step_out},
            {nullptr, Action::count_},
            {T("gui.action.step_into_back"), Action::step_into_back},
            {T("gui.action.step_over_back"), Action::step_over_back},
            {T("gui.action.step_out_back"), Action::step_out_back},
            {nullptr, Action::count_},
            {T("gui.action.continue"), Action::continue_forward},
            {T("gui.action.reverse_continue"), Action::continue_backward},
            {nullptr, Action::count_},
            {T("gui.action.first"), Action::first},
            {T("gui.action.last"), Action::last},
            {nullptr, Action::count_},
            {T("gui.action.toggle_breakpoint"), Action::toggle_breakpoint},
        };
        for (const auto& [label, action] : items) {
            if (!label) {
                ImGui::Separator();
                continue;
            }
            if (ImGui::MenuItem(label, shortcut_text(action), false, have)) run_action(action);
        }
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu(T("gui.menu.view"))) {
        for (const auto& v : views_) {
            bool& open = vs_.open[std::string(v->id())];
            ImGui::MenuItem(v->title().data(), nullptr, &open);
        }
        ImGui::Separator();
        if (ImGui::MenuItem(T("gui.menu.reset_layout"))) vs_.reset_layout = true;
        // Each language by its own name, so a reader of either finds theirs.
        if (ImGui::BeginMenu(T("gui.menu.language"))) {
            for (const util::i18n::Language& l : util::i18n::languages())
                if (ImGui::MenuItem(l.native_name.data(), l.code.data(), ui_lang() == l.code))
                    set_language(std::string(l.code));
            ImGui::EndMenu();
        }
        if (ImGui::BeginMenu(T("gui.menu.debug"))) {
            ImGui::MenuItem(T("gui.menu.imgui_demo"), nullptr, &vs_.show_demo);
            ImGui::MenuItem(T("gui.menu.imgui_metrics"), nullptr, &vs_.show_metrics);
            ImGui::EndMenu();
        }
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu(T("gui.menu.help"))) {
        if (ImGui::MenuItem(T("gui.menu.shortcuts"), shortcut_text(Action::help))) vs_.show_help = true;
        ImGui::EndMenu();
    }
    // The document on the right of the menu bar, like an editor's title.
    if (doc_) {
        const std::string kind = doc_->live() ? T(doc_->live_tap() ? "gui.doc.live_tap" : "gui.doc.live")
                                              : source_kind_text(doc_->source_kind());
        const std::string title = fs::path(doc_->path()).filename().string() + " (" + kind + ")";
        const float w = ImGui::CalcTextSize(title.c_str()).x;
        ImGui::SameLine(ImGui::GetWindowWidth() - w - ImGui::GetStyle().ItemSpacing.x * 2);
        text_dim(title);
    }
    ImGui::EndMainMenuBar();
}

// [SECTION] views

void App::draw_views() {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const float menu_h = ImGui::GetFrameHeight();
    const ImGuiCond cond = vs_.reset_layout ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
    // The window was resized: every view keeps its share of it (closed ones
    // too, for when they open), wherever the user put it.
    const bool resized = last_display_w_ > 0 && (last_display_w_ != vp->Size.x || last_display_h_ != vp->Size.y);
    if (resized && !vs_.reset_layout)
        for (auto& [id, r] : view_rects_) {
            r = follow_display(r, last_display_w_, last_display_h_, vp->Size.x, vp->Size.y, menu_h);
            refit_.insert(id);
        }
    if (vs_.reset_layout) refit_.clear();
    for (const auto& v : views_) {
        const std::string id(v->id());
        bool& open = vs_.open[id];
        if (!open) continue;
        if (refit_.erase(id)) {
            const Rect& r = view_rects_[id];
            ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + r.x, vp->Pos.y + r.y), ImGuiCond_Always);
            ImGui::SetNextWindowSize(ImVec2(r.w, r.h), ImGuiCond_Always);
        } else if (auto r = default_view_rect(id, vp->WorkSize.x, vp->Size.y, menu_h)) {
            ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + r->x, vp->Pos.y + r->y), cond);
            ImGui::SetNextWindowSize(ImVec2(r->w, r->h), cond);
        } else {
            ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x * 0.5f, vp->Pos.y + vp->Size.y * 0.5f), cond,
                                    ImVec2(0.5f, 0.5f));
            ImGui::SetNextWindowSize(ImVec2(520, 360), cond);
        }
        const std::string title = (doc_ ? v->window_title(*doc_) : std::string(v->title())) + "###" + id;
        const bool shown = ImGui::Begin(title.c_str(), &open, v->window_flags());
        const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
        view_rects_[id] = Rect{pos.x - vp->Pos.x, pos.y - vp->Pos.y, size.x, size.y};
        if (shown) {
            if (doc_ && !doc_->empty()) {
                ViewContext ctx{*doc_, vs_, commands_, compare_.get()};
                v->draw(ctx);
            } else if (doc_) {
                text_dim(T("gui.view.no_events"));
            } else {
                text_dim(T("gui.view.nothing_loaded"));
            }
        }
        ImGui::End();
    }
    vs_.reset_layout = false;
    last_display_w_ = vp->Size.x;
    last_display_h_ = vp->Size.y;
}

// [SECTION] dialogs

void App::draw_help() {
    if (!vs_.show_help) return;
    ImGui::SetNextWindowSize(ImVec2(600, 560), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_FirstUseEver, ImVec2(0.5f, 0.5f));
    if (ImGui::Begin(T("gui.help.title"), &vs_.show_help)) {
        ImGui::TextWrapped("%s", T("gui.help.intro"));
        ImGui::Spacing();
        if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
            ImGui::TableSetupColumn(T("gui.help.key"), ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 10);
            ImGui::TableSetupColumn(T("gui.help.action"));
            ImGui::TableHeadersRow();
            for (const Shortcut& s : shortcuts()) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(chord_text(s.chord).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(action_text(s.action));
            }
            ImGui::EndTable();
        }
        ImGui::Spacing();
        ImGui::PushTextWrapPos(0.0f);
        text_dim(T("gui.help.mouse"));
        ImGui::PopTextWrapPos();
    }
    ImGui::End();
}

void App::draw_open_dialog() {
    if (!vs_.show_open_dialog) return;
    ImGui::SetNextWindowSize(ImVec2(620, 440), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_FirstUseEver, ImVec2(0.5f, 0.5f));
    const char* title = T(vs_.open_for_compare ? "gui.open.title_compare" : "gui.open.title");
    // The dialog's choice goes to the main document or to the Compare view.
    auto choose = [this](const std::string& p) {
        push(vs_.open_for_compare ? Command::compare_file(p) : Command::open_file(p));
        vs_.show_open_dialog = false;
    };
    if (ImGui::Begin(title, &vs_.show_open_dialog)) {
        if (ImGui::Button(T("gui.open.up"))) {
            const fs::path p(vs_.browse_dir);
            if (p.has_parent_path()) vs_.browse_dir = p.parent_path().string();
        }
        ImGui::SameLine();
        ImGui::SetNextItemWidth(-1);
        ImGui::InputText("##dir", &vs_.browse_dir);
        std::string err;
        const auto entries = list_dir(vs_.browse_dir, &err);
        const float footer = ImGui::GetFrameHeightWithSpacing() * 2;
        if (ImGui::BeginChild("entries", ImVec2(0, -footer), true)) {
            if (!err.empty()) ImGui::TextColored(colors::kError, "%s", err.c_str());
            for (const DirEntry& e : entries) {
                const std::string label = e.is_dir ? e.name + "/" : e.name;
                const fs::path full = fs::path(vs_.browse_dir) / e.name;
                if (ImGui::Selectable(label.c_str(), vs_.open_path_input == full.string(),
                                      ImGuiSelectableFlags_AllowDoubleClick)) {
                    if (e.is_dir) {
                        vs_.browse_dir = full.string();
                    } else {
                        vs_.open_path_input = full.string();
                        if (ImGui::IsMouseDoubleClicked(0)) choose(full.string());
                    }
                }
            }
            if (entries.empty() && err.empty()) text_dim(T("gui.open.empty"));
        }
        ImGui::EndChild();
        text_dim(T("gui.open.hint"));
        ImGui::SetNextItemWidth(-ImGui::CalcTextSize(T("gui.open.open")).x - ImGui::GetStyle().FramePadding.x * 2 -
                                ImGui::GetStyle().ItemSpacing.x);
        const bool enter = ImGui::InputTextWithHint("##path", T("gui.open.path_hint"), &vs_.open_path_input,
                                                    ImGuiInputTextFlags_EnterReturnsTrue);
        ImGui::SameLine();
        if ((ImGui::Button(T("gui.open.open")) || enter) && !vs_.open_path_input.empty()) choose(vs_.open_path_input);
    }
    ImGui::End();
}

std::vector<ErrorRow> error_rows(const ErrorInfo& e) {
    std::vector<ErrorRow> rows;
    auto row = [&](const char* label, std::string text) {
        if (!text.empty()) rows.push_back({label, std::move(text)});
    };
    row(T("gui.error.file"), e.file);
    // core's texts (util/message.hpp) in the GUI's language; English as the CLI prints them.
    row(T("gui.error.where"), e.place.str(ui_lang()));
    row(T("gui.error.expected"), e.expected.str(ui_lang()));
    row(T("gui.error.error"), e.message.str(ui_lang()));
    return rows;
}

void App::draw_error() {
    if (!vs_.error) return;
    const ErrorInfo& e = *vs_.error;
    ImGui::SetNextWindowSize(ImVec2(640, 0), ImGuiCond_Appearing);
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::PushStyleColor(ImGuiCol_TitleBgActive, IM_COL32(140, 40, 40, 255));
    ImGui::PushStyleColor(ImGuiCol_TitleBg, IM_COL32(110, 35, 35, 255));
    bool open = true;
    if (ImGui::Begin(T("gui.error.title"), &open, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_AlwaysAutoResize)) {
        ImGui::TextColored(colors::kError, "%s", e.title.c_str());
        ImGui::Separator();
        if (ImGui::BeginTable("err", 2)) {
            ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 6);
            ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 34);
            for (const ErrorRow& r : error_rows(e)) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                text_dim(r.label);
                ImGui::TableNextColumn();
                ImGui::PushTextWrapPos(0.0f);
                ImGui::TextUnformatted(r.text.c_str());
                ImGui::PopTextWrapPos();
            }
            ImGui::EndTable();
        }
        ImGui::Spacing();
        text_dim(T(doc_ ? "gui.error.previous_stays" : "gui.error.nothing_loaded"));
        if (ImGui::Button(T("gui.error.close"))) open = false;
    }
    ImGui::End();
    ImGui::PopStyleColor(2);
    if (!open) vs_.error.reset();
}

void App::draw_empty_hint() {
    if (doc_) return;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const char* lines[] = {T("gui.empty.line1"), T("gui.empty.line2"), T("gui.empty.line3")};
    ImDrawList* dl = ImGui::GetBackgroundDrawList();
    float y = vp->Pos.y + vp->Size.y * 0.45f;
    for (const char* l : lines) {
        const ImVec2 sz = ImGui::CalcTextSize(l);
        dl->AddText(ImVec2(vp->Pos.x + (vp->Size.x - sz.x) * 0.5f, y), colors::kDimText, l);
        y += sz.y * 1.6f;
    }
}

void App::draw() {
    // The status line's "question X waits" goes once X is answered (Check,
    // or Submit in an assessment), instead of lingering until the next move.
    if (last_pause_ && doc_ && doc_->lesson && doc_->lesson->checked.count(last_pause_->question) &&
        vs_.status == pause_status_) {
        vs_.status.clear();
        pause_status_.clear();
    }
    handle_shortcuts();
    draw_menu_bar();
    if (doc_) draw_views();
    draw_empty_hint();
    draw_help();
    draw_open_dialog();
    draw_error();
    if (vs_.show_demo) ImGui::ShowDemoWindow(&vs_.show_demo);
    if (vs_.show_metrics) ImGui::ShowMetricsWindow(&vs_.show_metrics);
}

}  // namespace sendpath::gui
