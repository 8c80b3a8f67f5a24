// Runs a parsed --script, one step per frame, against the App.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gui/model/script.hpp"

struct GLFWwindow;

namespace sendpath::gui {

class App;

class ScriptRunner {
public:
    ScriptRunner(std::vector<ScriptStep> steps, std::string file, std::string data_dir);

    // Called once per frame after the App applied its commands and before
    // ImGui::NewFrame (so injected keys reach this frame's shortcut handling).
    void before_frame(App& app, GLFWwindow* window);
    // A screenshot is due at the end of this frame: its path.
    std::optional<std::string> take_screenshot_request();

    bool done() const { return done_; }
    // During a sweep most frames need not be rasterised (llvmpipe under Xvfb
    // spends ~30 ms per 1280x800 frame); every view is still drawn by ImGui.
    bool sweeping() const { return sweep_.has_value(); }
    int exit_code() const { return exit_code_; }

private:
    void run(const ScriptStep& st, App& app, GLFWwindow* window);
    void fail(const ScriptStep& st, const std::string& why);
    void lesson_step(const ScriptStep& st, App& app);
    std::string resolve_input(const std::string& path) const;

    std::vector<ScriptStep> steps_;
    std::string file_, data_dir_;  // data_dir_: where relative paths in the script are found (util::data_dir())
    std::size_t next_ = 0;
    int warmup_ = 3;                    // frames before the first step: let windows take their size
    int wait_ = 0;                      // frames left of a "wait" (or before a screenshot)
    std::optional<std::size_t> sweep_;  // next event of a running "sweep"
    std::vector<int> held_;             // GLFW keys pressed last frame, released this frame
    std::optional<std::string> screenshot_due_, screenshot_now_;
    bool done_ = false;
    int exit_code_ = 0;
};

}  // namespace sendpath::gui
