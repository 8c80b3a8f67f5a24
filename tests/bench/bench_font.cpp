// bench_font: the font atlas the GUI builds, by language, without a window
// (ImGui rasterises and packs on the CPU; the GPU upload is the first
// frame's, measured by `sendpath --font-report`). For each variant: the
// characters asked of the CJK font, the texture's size and bytes (RGBA32, as
// the OpenGL3 backend uploads it) and the build time, median of N runs.
//
//   bench_font [runs] [lesson.json]
//
// Variants: English (DejaVu Sans Mono only); Chinese as the GUI builds it
// (the characters of its Chinese texts + the lesson + CJK punctuation and
// full-width forms: gui/fonts.hpp); and, for scale, Chinese with ImGui's
// GetGlyphRangesChineseSimplifiedCommon (2 500 common ideographs) and
// GetGlyphRangesChineseFull (about 21 000), which the GUI does not use.
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "gui/fonts.hpp"
#include "lesson/lesson.hpp"

using namespace sendpath;

namespace {

struct Result {
    double ms = 0;
    int w = 0, h = 0;
    std::size_t asked = 0;
};

// Median time of runs builds; the last build's texture size.
Result measure(int runs, const std::function<std::size_t()>& build) {
    std::vector<double> times;
    Result r;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        r.asked = build();
        unsigned char* px = nullptr;
        ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&px, &r.w, &r.h);
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(times.begin(), times.end());
    r.ms = times[times.size() / 2];
    return r;
}

std::size_t count_ranges(const ImWchar* r) {
    std::size_t n = 0;
    for (; r[0]; r += 2) n += static_cast<std::size_t>(r[1] - r[0] + 1);
    return n;
}

// DejaVu Sans Mono 14 px plus the CJK font with the given ranges (what build_font_atlas does).
std::size_t build_with(const ImWchar* ranges) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    io.Fonts->AddFontFromFileTTF("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 14.0f);
    ImFontConfig cfg;
    cfg.MergeMode = true;
    cfg.FontNo = 1;
    cfg.OversampleH = 1;
    cfg.PixelSnapH = true;
    io.Fonts->AddFontFromFileTTF(gui::cjk_font_path().c_str(), 15.0f, &cfg, ranges);
    return count_ranges(ranges);
}

}  // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    std::string lesson_text;
    if (argc > 2) lesson_text = gui::lesson_text(lesson::localized(lesson::load_lesson(argv[2]), "zh_CN"));
    ImGui::CreateContext();

    const auto report = [](const char* name, const Result& r) {
        std::printf("%-34s %6zu chars asked  %4dx%-5d %7.1f MiB  %8.1f ms\n", name, r.asked, r.w, r.h,
                    static_cast<double>(r.w) * r.h * 4 / (1024.0 * 1024.0), r.ms);
    };
    report("English (DejaVu only)", measure(runs, [] { return gui::build_font_atlas("en", 1.0f, {}).codepoints; }));
    const auto t0 = std::chrono::steady_clock::now();
    const std::set<ImWchar> cps = gui::chinese_codepoints(lesson_text);
    const double gather = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    report("Chinese, the texts' characters", measure(runs, [&] {
               gui::build_font_atlas("zh_CN", 1.0f, cps);
               return count_ranges(gui::glyph_ranges(cps).data());
           }));
    std::printf("  (gathering those characters from the tables%s: %.1f ms)\n",
                lesson_text.empty() ? "" : " and the lesson", gather);
    const ImWchar* common = ImGui::GetIO().Fonts->GetGlyphRangesChineseSimplifiedCommon();
    report("Chinese, ImGui SimplifiedCommon", measure(runs, [&] { return build_with(common); }));
    const ImWchar* full = ImGui::GetIO().Fonts->GetGlyphRangesChineseFull();
    report("Chinese, ImGui ChineseFull", measure(runs, [&] { return build_with(full); }));
    ImGui::DestroyContext();
    return 0;
}
