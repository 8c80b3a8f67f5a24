// The App: the loaded Document, the UI-only ViewState, the command queue and
// the views. Each frame: apply_commands() (the cursor moves here and only
// here), then draw() (menus, shortcuts, every open view reading the cursor).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gui/model/commands.hpp"
#include "gui/model/document.hpp"
#include "gui/model/file_watch.hpp"
#include "gui/model/keys.hpp"
#include "gui/model/layout.hpp"
#include "gui/model/live_run.hpp"
#include "gui/model/navigate.hpp"
#include "gui/model/settings.hpp"
#include "gui/view_state.hpp"
#include "gui/views/view.hpp"

namespace sendpath::gui {

struct AppOptions {
    bool persist = true;        // read and write settings.txt in config_dir()
    std::string settings_path;  // where (set when persist)
};

// Lessons: the student's name (--student, else $USER, else none: the
// Lesson window asks for it), where answers
// autosave ("" = nowhere: headless runs without --answers-dir), whether
// every lesson is an assessment (--assessment) and whether an instructor
// key unlocks instructor mode in assessments (--instructor-key FILE).
struct LessonOptions {
    std::string student;
    std::string answers_dir;
    bool assessment = false;
    bool instructor_key = false;
};

// Where the last forward move was stopped by a lesson question (README "Lessons").
struct PauseNote {
    std::size_t wanted = 0;   // where the move was going
    std::size_t stopped = 0;  // the question's event, where it stopped
    std::string question;     // its id
};

class App {
public:
    explicit App(AppOptions opt);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // --tap DEV --connect IP:PORT [--local IP]: the scenario at path runs over
    // that TAP link (when opened, and when reloaded); other files open as they are.
    void set_tap(std::string path, TapArgs tap) {
        tap_path_ = std::move(path);
        tap_ = std::move(tap);
    }
    // Applies to lessons opened from now on.
    void set_lesson_options(LessonOptions o) { lesson_opt_ = std::move(o); }
    // Loads now; on failure shows the error panel and keeps the current document.
    bool open(const std::string& path);
    // Loads path as the second document of the Compare view (and opens that view).
    bool open_compare(const std::string& path);
    // Reopens the document (and the compared one) when its file changed on disk;
    // call once per frame, it looks at the files at most once a second.
    void poll_file_changes(double now_seconds);
    // Files dropped on the window: one opens, two open side by side in Compare.
    void open_dropped(const std::vector<std::string>& paths);
    void push(Command c) { commands_.push_back(std::move(c)); }
    // Once per frame: takes in what a live run made, goes on with a move that
    // waits for events, then applies the queued commands.
    void apply_commands();
    void draw();
    // A move waits for a live run's events (scripts hold their next step meanwhile).
    bool busy() const { return pending_.has_value(); }
    // "sendpath - file (live: N events so far)".
    std::string window_title() const;

    Document* doc() { return doc_.get(); }
    Document* compare_doc() { return compare_.get(); }
    ViewState& view_state() { return vs_; }
    bool quit_requested() const { return quit_; }
    // Opens or closes a view by id; false if there is no such view.
    bool set_view_open(std::string_view id, bool open);
    // View > Language: the GUI's language from the next frame on, remembered
    // in settings.txt (main.cpp builds the font atlas for it between frames).
    void set_language(const std::string& lang);
    // The language chosen in an earlier run ("" if none, or not a language sendpath has).
    std::string saved_language() const;
    // The Lessons menu's titles in the GUI's language, one a line (listed
    // once per language): their characters go into the font atlas.
    std::string lesson_menu_text();
    // A notice for the status line, also printed on stderr (e.g. the CJK font is missing).
    // terminal: the stderr line when it is said otherwise (in a language the window cannot draw).
    void notice(const std::string& text, const std::string& terminal = {});
    // Set when the last move was cut short by an unanswered lesson question.
    const std::optional<PauseNote>& last_pause() const { return last_pause_; }

private:
    void apply(const Command& c);
    // Resolves m, pulling a live run's events for at most budget_ms; else leaves it pending.
    void run_move(Move m, int budget_ms);
    void finish_move(const Move& m, std::size_t to, const std::string& status);
    void tick_live();
    void handle_shortcuts();
    void run_action(Action a);
    void toggle_breakpoint_here();
    void draw_menu_bar();
    void draw_views();
    // Where each view was last drawn (display coordinates), and the display it
    // was drawn on: a resize moves and sizes views from these.
    std::map<std::string, Rect> view_rects_;
    float last_display_w_ = 0, last_display_h_ = 0;
    std::set<std::string> refit_;  // views to place from view_rects_ when next drawn open
    void draw_help();
    void show_open_dialog();
    void draw_open_dialog();
    void draw_error();
    void draw_empty_hint();
    void save();
    void setup_lesson(LessonSession& ls);

    AppOptions opt_;
    LessonOptions lesson_opt_;
    Settings settings_;
    std::unique_ptr<Document> doc_;
    std::unique_ptr<Document> compare_;
    std::vector<std::pair<std::string, std::string>> lesson_menu_;  // (path, title), read when the menu first opens
    std::string lesson_menu_lang_;                                  // ... in this language
    void fill_lesson_menu();
    static std::vector<std::pair<std::string, std::string>> list_lessons(const std::string& dir);
    FileWatch watch_, compare_watch_;
    ViewState vs_;
    CommandQueue commands_;
    std::vector<std::unique_ptr<View>> views_;
    bool quit_ = false;
    std::optional<TapArgs> tap_;
    std::string tap_path_;
    std::optional<Move> pending_;  // a forward move waiting for a live run's events
    std::optional<PauseNote> last_pause_;
    std::string pause_status_;  // the status line's text when last_pause_ set it
};

}  // namespace sendpath::gui
