// sendpath: the window. Parses the command line, opens a GLFW window with a
// GL 3.3 core context (glad), runs Dear ImGui, and loops: apply commands ->
// script step -> draw -> (screenshot) -> swap. Everything else is in App.
//
//   sendpath [TRACE|SCENARIO] [--size WxH] [--screenshot FILE.png [--at-event N] [--frames K]] [--script FILE]
//            [--tap DEV --connect IP:PORT [--local IP]] [--lang en|zh_CN]
#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb_image_write.h>

#include <cfloat>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gui/app.hpp"
#include "gui/fonts.hpp"
#include "gui/lang.hpp"
#include "gui/model/answers_store.hpp"
#include "gui/model/script.hpp"
#include "gui/model/settings.hpp"
#include "gui/script_runner.hpp"
#include "lesson/lesson.hpp"
#include "util/atomic_file.hpp"
#include "util/data_dir.hpp"
#include "util/errors.hpp"
#include "util/i18n.hpp"

namespace fs = std::filesystem;
using namespace sendpath;
using namespace sendpath::gui;

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitNoDisplay = 3;

struct Args {
    std::optional<std::string> path;
    std::optional<std::string> screenshot;
    std::optional<std::size_t> at_event;
    int frames = 5;
    int width = 1280, height = 800;  // the window (--size), and so every screenshot
    std::optional<std::string> script;
    std::optional<std::string> compare;
    std::vector<std::string> show;  // view ids to open (screenshots of closed-by-default views)
    std::optional<std::string> tap, connect, local;
    std::optional<std::string> student, answers_dir, instructor_key;
    bool assessment = false;
    std::optional<std::string> lang;  // --lang: overrides the saved choice and the environment
    bool font_report = false;         // --font-report: atlas size and build time, first frame's time
};

const char* kUsage =
    "usage: sendpath [TRACE|SCENARIO] [options]\n"
    "  Opens a trace (.json/.cbor) or runs a scenario (.json with a \"timeline\") and steps through it.\n"
    "  A scenario runs live: the engine makes events as the cursor moves past the end.\n"
    "  Without a file: the first lesson in lessons/, else tests/scenarios/tail_append.json.\n"
    "options:\n"
    "  --screenshot FILE.png  render, save the window as PNG and exit\n"
    "  --at-event N           put the cursor at event N first\n"
    "  --frames K             frames to render before the screenshot (default 5)\n"
    "  --size WxH             the window's size in pixels (default 1280x800), so also the screenshots'\n"
    "  --script FILE          run interaction commands from FILE, one per frame (gui/README.md, 'Headless')\n"
    "  --compare B            open B beside the file in the Compare view (Nagle against TCP_NODELAY, ...)\n"
    "  --show VIEW            open a view by id (seq_graph, compare, breakpoints, ...); repeatable\n"
    "  --student NAME         lessons: the student's name in answers files (default: $USER, else\n"
    "                         none: the Lesson window's name field asks for it)\n"
    "  --answers-dir DIR      lessons: autosave answers under DIR/<lesson>/<student>.json (default:\n"
    "                         $XDG_DATA_HOME/sendpath/answers; headless runs save only with this option)\n"
    "  --assessment           lessons: first answer counts, results after Submit, no instructor mode\n"
    "  --instructor-key FILE  lessons: unlocks instructor mode in an assessment (FILE must be readable)\n"
    "  --lang LANG            the GUI's language: en or zh_CN (default: View > Language's last choice,\n"
    "                         else LC_ALL / LC_MESSAGES / LANG; Chinese needs fonts-wqy-microhei)\n"
    "  --font-report          print the font atlas's size and build time and the first frame's time\n"
    "  --tap DEV --connect IP:PORT [--local IP]\n"
    "                         run SCENARIO live with the real kernel behind TAP device DEV as the\n"
    "                         peer (as sendpath-cli run --tap); needs CAP_NET_ADMIN or a prepared device\n"
    "  --help, --version\n"
    "keys: F11 step into, F10 step over, Shift+F11 step out, Ctrl+ the same backwards,\n"
    "      F5 / Shift+F5 continue / reverse-continue, Home/End, F9 breakpoint, F1 all shortcuts\n";

std::optional<long long> number(const std::string& s) {
    long long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
    return v;
}

// Throws InputError("command line", option, expected): main prints it with the usage, exit 2.
Args parse_args(int argc, char** argv) {
    Args a;
    auto value = [&](int& i, const std::string& opt) -> std::string {
        if (i + 1 >= argc) throw InputError("command line", opt, util::Message::of("gui.args.value_after", {opt}));
        return argv[++i];
    };
    for (int i = 1; i < argc; ++i) {
        const std::string s = argv[i];
        if (s == "--help" || s == "-h") {
            std::cout << kUsage;
            std::exit(0);
        }
        if (s == "--version") {
            std::cout << "sendpath " << SENDPATH_VERSION << "\n";
            std::exit(0);
        }
        if (s == "--screenshot") a.screenshot = value(i, s);
        else if (s == "--size") {
            const std::string v = value(i, s);
            const auto size = parse_size(v);
            if (!size) throw InputError("command line", s, util::Message::of("gui.args.size", {v}));
            a.width = size->first;
            a.height = size->second;
        } else if (s == "--script") a.script = value(i, s);
        else if (s == "--compare") a.compare = value(i, s);
        else if (s == "--show") a.show.push_back(value(i, s));
        else if (s == "--tap") a.tap = value(i, s);
        else if (s == "--connect") a.connect = value(i, s);
        else if (s == "--local") a.local = value(i, s);
        else if (s == "--student") {
            a.student = value(i, s);
            if (a.student->find_first_not_of(" \t") == std::string::npos)
                throw InputError("command line", s, util::Message::of("gui.args.student"));
        } else if (s == "--answers-dir") a.answers_dir = value(i, s);
        else if (s == "--assessment") a.assessment = true;
        else if (s == "--instructor-key") a.instructor_key = value(i, s);
        else if (s == "--lang") {
            const std::string v = value(i, s);
            a.lang = util::i18n::parse_language(v);
            if (!a.lang)
                throw InputError("command line", s,
                                 util::Message::of("gui.args.lang", {util::i18n::language_codes(), v}));
        } else if (s == "--font-report") a.font_report = true;
        else if (s == "--at-event" || s == "--frames") {
            const std::string v = value(i, s);
            const auto n = number(v);
            if (!n || (s == "--frames" && *n < 1))
                throw InputError("command line", s, util::Message::of("gui.args.positive", {v}));
            if (s == "--frames") a.frames = static_cast<int>(std::min<long long>(*n, 100000));
            else a.at_event = static_cast<std::size_t>(*n);
        } else if (!s.empty() && s[0] == '-') {
            throw InputError("command line", s, util::Message::of("gui.args.unknown"));
        } else if (a.path) {
            throw InputError("command line", s, util::Message::of("gui.args.one_file", {*a.path}));
        } else {
            a.path = s;
        }
    }
    if (a.tap.has_value() != a.connect.has_value())
        throw InputError("command line", a.tap ? "--tap" : "--connect", util::Message::of("gui.args.tap_connect"));
    if (a.local && !a.tap) throw InputError("command line", "--local", util::Message::of("gui.args.local"));
    if (a.tap && !a.path) throw InputError("command line", "--tap", util::Message::of("gui.args.tap_scenario"));
    return a;
}

// The language of what main prints on the terminal: before the window, the
// one the GUI will have as far as it is known by then (--lang, else the saved
// choice of a windowed run, else the environment, as App decides it); the
// GUI's own once the app is made. The terminal draws Chinese without the
// GUI's font, so these are said in it even when the window stays English.
std::string& term_lang() {
    static std::string lang(util::i18n::kEnglish);
    return lang;
}

std::string language_at_start(const std::optional<std::string>& given, bool headless) {
    if (given) return *given;
    const std::string dir = config_dir();
    if (!headless && !dir.empty())
        if (auto saved = util::i18n::parse_language(load_settings(dir + "/settings.txt").language)) return *saved;
    return util::i18n::language_from_env();
}

// A command line that does not parse still says its --lang, if it has a good one.
std::optional<std::string> lang_option(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string_view(argv[i]) == "--lang") return util::i18n::parse_language(argv[i + 1]);
    return std::nullopt;
}

// "sendpath: " and key's text in the terminal's language, on stderr.
void say(const char* key, std::initializer_list<std::string_view> args = {}) {
    std::cerr << "sendpath: " << util::i18n::trf(term_lang(), key, args) << "\n";
}

bool save_png(const std::string& path, int w, int h) {
    std::vector<unsigned char> px(static_cast<std::size_t>(w) * h * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
    for (std::size_t i = 3; i < px.size(); i += 4) px[i] = 255;  // blending leaves alpha < 1 in places
    stbi_flip_vertically_on_write(1);
    stbi_write_png_compression_level = 9;  // README pictures are committed: a few % smaller is worth a few ms
    return stbi_write_png(path.c_str(), w, h, 4, px.data(), w * 4) != 0;
}

void setup_style(float scale) {
    ImGui::StyleColorsDark();
    ImGuiStyle& st = ImGui::GetStyle();
    st.WindowRounding = 3.0f;
    st.FrameRounding = 3.0f;
    st.GrabRounding = 3.0f;
    st.WindowBorderSize = 1.0f;
    st.WindowPadding = ImVec2(8, 6);
    st.ItemSpacing = ImVec2(7, 4);
    st.CellPadding = ImVec2(4, 1);
    st.ScrollbarSize = 12.0f;
    ImVec4* c = st.Colors;
    c[ImGuiCol_WindowBg] = ImVec4(0.105f, 0.11f, 0.125f, 1.0f);
    c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_TitleBg] = ImVec4(0.14f, 0.15f, 0.18f, 1.0f);
    c[ImGuiCol_TitleBgActive] = ImVec4(0.18f, 0.24f, 0.36f, 1.0f);
    c[ImGuiCol_Header] = ImVec4(0.22f, 0.30f, 0.45f, 0.85f);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.28f, 0.38f, 0.55f, 0.9f);
    c[ImGuiCol_TableRowBgAlt] = ImVec4(1, 1, 1, 0.03f);
    st.ScaleAllSizes(scale);
}

// The text of the lesson on screen in the GUI's language, for the atlas's
// character set: a lesson's Chinese is not in the string table.
std::string shown_lesson_text(App& app) {
    if (!app.doc() || !app.doc()->lesson) return {};
    return lesson_text(lesson::localized(app.doc()->lesson->lesson, ui_lang()));
}

// The font atlas follows the language and the lesson shown. Called between
// frames: a rebuilt atlas goes to the GPU before the next frame draws.
class FontAtlas {
public:
    FontAtlas(float scale, bool report) : scale_(scale), report_(report) {}

    // Builds or rebuilds when the language or the lesson changed; true if it did.
    bool update(App& app, bool uploaded_before) {
        const std::string key = ui_lang() + "|" + (app.doc() ? app.doc()->path() : std::string()) + "|" +
                                (app.doc() && app.doc()->lesson ? std::to_string(app.doc()->lesson->serial) : "");
        if (key == key_) return false;
        key_ = key;
        std::set<ImWchar> cps;
        const auto gather_start = std::chrono::steady_clock::now();
        if (ui_lang() != util::i18n::kEnglish)
            cps = chinese_codepoints(shown_lesson_text(app) + app.lesson_menu_text());
        const double gather_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - gather_start).count();
        if (info_ && info_->lang == ui_lang() && cps == cps_) return false;
        cps_ = std::move(cps);
        if (uploaded_before) ImGui_ImplOpenGL3_DestroyFontsTexture();
        info_ = build_font_atlas(ui_lang(), scale_, cps_);
        if (ui_lang() != util::i18n::kEnglish && !info_->cjk) {
            // Said once per choice of Chinese: in English on the status line (the
            // GUI stays English), in the chosen language on the terminal.
            const std::string wanted = ui_lang();
            set_ui_lang(std::string(util::i18n::kEnglish));
            app.notice(TF("gui.status.no_cjk_font", {cjk_font_path()}),
                       util::i18n::trf(wanted, "gui.term.no_cjk_font", {cjk_font_path()}));
            key_ = ui_lang() + key_.substr(key_.find('|'));
        }
        if (uploaded_before) ImGui_ImplOpenGL3_CreateFontsTexture();
        if (report_)
            std::cout << "font atlas: " << info_->lang << (info_->cjk ? ", CJK font merged" : ", Latin only") << ", "
                      << info_->codepoints << " CJK-font characters asked, " << info_->tex_w << "x" << info_->tex_h
                      << " texture (" << info_->texture_bytes() / 1024 << " KiB as RGBA32), built in "
                      << info_->build_ms << " ms; characters gathered in " << gather_ms << " ms" << std::endl;
        return true;
    }

private:
    float scale_;
    bool report_;
    std::string key_;
    std::set<ImWchar> cps_;
    std::optional<FontAtlasInfo> info_;
};

}  // namespace

int main(int argc, char** argv) {
    Args args;
    std::vector<ScriptStep> script;
    try {
        args = parse_args(argc, argv);
        if (args.script) script = parse_script(read_file_text(*args.script), *args.script);
        // An instructor key that cannot be read unlocks nothing: say so now, not after the window opens.
        if (args.instructor_key) (void)read_file_bytes(*args.instructor_key);
    } catch (const InputError& e) {
        bool headless = false;
        for (int i = 1; i < argc; ++i)
            headless =
                headless || std::string_view(argv[i]) == "--screenshot" || std::string_view(argv[i]) == "--script";
        term_lang() = language_at_start(lang_option(argc, argv), headless);
        // "command line" is the file of the options' errors: said in the language too.
        const std::string text =
            e.file() == "command line"
                ? util::i18n::trf(term_lang(), "gui.args.command_line",
                                  {e.place_message().str(term_lang()), e.expected_message().str(term_lang())})
                : e.text(term_lang());
        std::cerr << "sendpath: " << text << "\n" << kUsage;
        return kExitUsage;
    }
    const bool headless = args.screenshot || args.script;  // deterministic: no saved layout, no settings written
    term_lang() = language_at_start(args.lang, headless);

    const char* display = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    if ((!display || !*display) && (!wayland || !*wayland)) {
        say("gui.term.no_display");
        return kExitNoDisplay;
    }
    glfwSetErrorCallback([](int code, const char* what) { say("gui.term.glfw_error", {std::to_string(code), what}); });
    if (!glfwInit()) {
        say("gui.term.no_window_system");
        return kExitNoDisplay;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    GLFWwindow* window = glfwCreateWindow(args.width, args.height, "sendpath", nullptr, nullptr);
    if (!window) {
        say("gui.term.no_window", {std::to_string(args.width), std::to_string(args.height)});
        glfwTerminate();
        return kExitNoDisplay;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(headless ? 0 : 1);
    if (!gladLoadGL(glfwGetProcAddress)) {
        say("gui.term.no_gl");
        return kExitNoDisplay;
    }

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    const std::string cfg_dir = config_dir();
    static std::string ini_path;  // ImGui keeps the pointer
    if (!headless && !cfg_dir.empty()) {
        std::error_code ec;
        fs::create_directories(cfg_dir, ec);
        ini_path = cfg_dir + "/layout.ini";
        io.IniFilename = ini_path.c_str();
    } else {
        io.IniFilename = nullptr;
    }
    float xscale = 1.0f, yscale = 1.0f;
    glfwGetWindowContentScale(window, &xscale, &yscale);
    const float scale = std::max(1.0f, xscale);
    setup_style(scale);
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");

    int exit_code = 0;
    {
        AppOptions opt;
        opt.persist = !headless && !cfg_dir.empty();
        opt.settings_path = cfg_dir + "/settings.txt";
        App app(opt);
        // --lang, else the language chosen in an earlier run, else the environment's.
        const std::string saved = app.saved_language();
        set_ui_lang(args.lang ? *args.lang : !saved.empty() ? saved : util::i18n::language_from_env());
        term_lang() = ui_lang();
        FontAtlas fonts(scale, args.font_report);
        // A headless run writes no student's answers unless told where (tests, screenshots).
        LessonOptions lo;
        const char* user = std::getenv("USER");
        lo.student = args.student ? *args.student : user && *user ? user : "";
        lo.answers_dir = args.answers_dir ? *args.answers_dir : headless ? std::string() : answers_root();
        lo.assessment = args.assessment;
        lo.instructor_key = args.instructor_key.has_value();
        app.set_lesson_options(std::move(lo));
        // Lessons, traces and the paths scripts name come from sendpath's data folder.
        const fs::path data = util::data_dir();
        if (data.empty() && (!args.path || args.script))
            std::cerr << "sendpath: " << util::data_dir_missing().str(term_lang()) << "\n";
        const std::string first = args.path      ? *args.path
                                  : data.empty() ? std::string()
                                                 : default_open_path(data.string());
        if (args.tap) app.set_tap(first, TapArgs{*args.tap, *args.connect, args.local.value_or("")});
        if (!first.empty()) app.open(first);
        if (args.compare) app.push(Command::compare_file(*args.compare));
        if (args.at_event) app.push(Command::jump(*args.at_event));
        for (const std::string& v : args.show)
            if (!app.set_view_open(v, true)) say("gui.term.no_view", {v});
        // Files dropped on the window (GLFW calls back from glfwPollEvents, on this thread).
        glfwSetWindowUserPointer(window, &app);
        glfwSetDropCallback(window, [](GLFWwindow* w, int n, const char** paths) {
            std::vector<std::string> v(paths, paths + std::max(0, n));
            static_cast<App*>(glfwGetWindowUserPointer(w))->open_dropped(v);
        });

        std::optional<ScriptRunner> runner;
        if (args.script) runner.emplace(std::move(script), *args.script, data.string());

        int frame = 0;
        bool pause_told = false;
        std::string title;
        while (!glfwWindowShouldClose(window) && !app.quit_requested()) {
            glfwPollEvents();
            if (!headless) app.poll_file_changes(glfwGetTime());
            app.apply_commands();
            if (std::string t = app.window_title(); t != title) {
                title = std::move(t);
                glfwSetWindowTitle(window, title.c_str());
            }
            if (runner) {
                runner->before_frame(app, window);
                if (runner->done() && runner->exit_code() != 0) {
                    exit_code = runner->exit_code();
                    break;
                }
            }
            // The first frame uploads the atlas in NewFrame; later ones replace it here.
            fonts.update(app, frame > 0);
            const auto frame_start = std::chrono::steady_clock::now();
            ImGui_ImplOpenGL3_NewFrame();
            ImGui_ImplGlfw_NewFrame();
            // Headless runs have no user: a pointer left in the middle of the
            // Xvfb screen would hover something and put a tooltip in the picture.
            if (headless) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
            ImGui::NewFrame();
            app.draw();
            ImGui::Render();
            int w = 0, h = 0;
            glfwGetFramebufferSize(window, &w, &h);
            ++frame;
            if (runner && runner->sweeping() && frame % 16 != 0) continue;
            glViewport(0, 0, w, h);
            glClearColor(0.07f, 0.075f, 0.085f, 1.0f);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
            if (args.font_report && frame == 1) {
                glFinish();
                std::cout
                    << "first frame: "
                    << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frame_start).count()
                    << " ms (atlas upload included)" << std::endl;
            }

            std::optional<std::string> shot;
            if (runner) shot = runner->take_screenshot_request();
            // A --at-event past what a live run has made yet lands first.
            if (args.screenshot && !args.script && frame >= args.frames && !app.busy()) shot = *args.screenshot;
            // --at-event past an unanswered lesson question stops there: say where, once.
            // Landing on the question's own event is where it was asked to go: "ok".
            std::string note = "ok";
            if (args.at_event && app.last_pause() && app.last_pause()->wanted >= *args.at_event &&
                app.last_pause()->stopped < *args.at_event) {
                const PauseNote& p = *app.last_pause();
                note = "stopped at event " + std::to_string(p.stopped) + ", not " + std::to_string(*args.at_event) +
                       ": question " + p.question + " waits";
                if (!pause_told) {
                    say("gui.term.question_waits",
                        {std::to_string(*args.at_event), std::to_string(p.stopped), p.question});
                    pause_told = true;
                }
            }
            if (shot) {
                glFinish();
                if (!save_png(*shot, w, h)) {
                    say("gui.term.screenshot_failed", {*shot});
                    exit_code = 1;
                    break;
                }
                std::cout << "screenshot " << *shot << ": " << note << std::endl;
                if (!args.script) break;
            }
            glfwSwapBuffers(window);
            if (runner && runner->done()) {
                // Let a pending "quit" command be applied by the loop condition.
                app.apply_commands();
                break;
            }
        }
    }

    glfwSetDropCallback(window, nullptr);
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return exit_code;
}
