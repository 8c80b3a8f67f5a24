// The font atlas: DejaVu Sans Mono for Latin text and, in Chinese, the glyphs
// of WenQuanYi Micro Hei (Debian's fonts-wqy-microhei) merged into it.
//
// Only the characters the Chinese texts use are rasterised: those of the
// GUI's and CLI's Chinese strings, the event kinds' summaries and section
// titles, the lesson being shown, and CJK punctuation and full-width forms,
// about 1 100 characters, not ImGui's 21 000-character
// GetGlyphRangesChineseFull (tests/bench/README.md, "Font atlas", has the
// sizes and times). Opening a lesson with characters outside the set builds
// the atlas again (main.cpp, between frames).
#pragma once

#include <imgui.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sendpath::lesson {
struct Lesson;
}

namespace sendpath::gui {

// Where Debian installs the font (fonts-wqy-microhei; scripts/setup.sh):
// one 5 MB collection, where fonts-noto-cjk's is over 40 MB. The environment
// variable SENDPATH_CJK_FONT names another file (the tests use it to show
// what happens without the font).
std::string cjk_font_path();

// Every Chinese text the GUI may draw apart from lessons: the zh_CN string
// table (GUI and CLI keys), the event kinds' summaries and section titles,
// the field meanings (field_docs.hpp).
std::vector<std::string_view> chinese_texts();
// Every text of a lesson (title, objectives, steps, questions, choices), one a line.
std::string lesson_text(const lesson::Lesson& l);

// The non-ASCII characters of the Chinese texts: every zh_CN text of the
// string table, the event kinds' Chinese summaries and section titles, and
// extra (the lesson shown, localized); also the field meanings (field_docs.hpp).
std::set<ImWchar> chinese_codepoints(std::string_view extra);

// An ImGui glyph range list for the CJK font (pairs, 0-terminated): CJK
// punctuation (U+3000-303F), full-width forms (U+FF00-FFEF), and each of cps
// (runs of consecutive codepoints merged into one range). Latin comes from
// DejaVu Sans Mono, which is loaded first.
std::vector<ImWchar> glyph_ranges(const std::set<ImWchar>& cps);

struct FontAtlasInfo {
    std::string lang;            // the language it was built for
    bool cjk = false;            // the CJK font is merged in
    std::size_t codepoints = 0;  // characters asked of the CJK font
    double build_ms = 0;         // AddFont* + Build (rasterising and packing)
    int tex_w = 0, tex_h = 0;    // the texture (uploaded as RGBA32: 4 bytes a texel)
    std::size_t texture_bytes() const { return static_cast<std::size_t>(tex_w) * tex_h * 4; }
};

// Clears ImGui's font atlas and builds it again for lang at scale: DejaVu
// Sans Mono 14 px (ImGui's default font when missing) and, for a language
// other than English, the CJK font merged with glyph_ranges(cps). Without the
// CJK font file, cjk stays false (the caller falls back to English). The
// caller uploads the texture (ImGui_ImplOpenGL3_CreateFontsTexture).
FontAtlasInfo build_font_atlas(std::string_view lang, float scale, const std::set<ImWchar>& cps);

// Every codepoint of utf8 that the atlas's font draws as the fallback box
// (FindGlyphNoFallback finds nothing): empty when all of it can be drawn.
std::vector<unsigned> missing_glyphs(const ImFont& font, std::string_view utf8);

}  // namespace sendpath::gui
