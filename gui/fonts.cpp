#include "gui/fonts.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "gui/field_docs.hpp"
#include "lesson/lesson.hpp"
#include "trace/event_doc_i18n.hpp"
#include "util/i18n.hpp"

namespace sendpath::gui {

namespace {

// Decodes UTF-8; calls f for each codepoint (malformed bytes are skipped).
template <typename F>
void for_each_codepoint(std::string_view s, F f) {
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) {
            ++i;
            continue;
        }
        unsigned cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
        for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
        i += n;
        f(cp);
    }
}

}  // namespace

std::string cjk_font_path() {
    if (const char* p = std::getenv("SENDPATH_CJK_FONT"); p && *p) return p;
    return "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
}

std::vector<std::string_view> chinese_texts() {
    std::vector<std::string_view> out;
    for (const util::i18n::Entry& e : util::i18n::table("zh_CN")) out.push_back(e.text);
    for (const trace::KindText& k : trace::kind_summaries_zh_CN()) out.push_back(k.summary);
    for (int a = 0; a <= static_cast<int>(trace::Area::peer); ++a)
        out.push_back(trace::area_title(static_cast<trace::Area>(a), "zh_CN"));
    for (const FieldText& f : sock_field_docs_zh_CN()) out.push_back(f.text);
    for (const FieldText& f : skb_field_docs_zh_CN()) out.push_back(f.text);
    return out;
}

std::string lesson_text(const lesson::Lesson& l) {
    std::string t = l.title + "\n" + l.description + "\n";
    for (const auto& o : l.objectives) t += o + "\n";
    for (const auto& st : l.steps) t += st.text + "\n";
    for (const auto& q : l.questions) {
        t += q.prompt + "\n" + q.explain + "\n" + q.unit + "\n";
        for (const auto& c : q.choices) t += c.text + "\n";
    }
    return t;
}

std::set<ImWchar> chinese_codepoints(std::string_view extra) {
    std::set<ImWchar> out;
    auto add = [&](std::string_view s) {
        for_each_codepoint(s, [&](unsigned cp) {
            // ImWchar is 16 bits in Debian's build: characters past the BMP cannot be asked for.
            if (cp >= 0x80 && cp <= 0xFFFF) out.insert(static_cast<ImWchar>(cp));
        });
    };
    for (std::string_view t : chinese_texts()) add(t);
    add(extra);
    return out;
}

std::vector<ImWchar> glyph_ranges(const std::set<ImWchar>& cps) {
    // Whole blocks for the punctuation a Chinese sentence may use, whether
    // or not today's texts do: 、。「」《》 and （），：；！？
    std::vector<ImWchar> r = {0x3000, 0x303F, 0xFF00, 0xFFEF};
    const std::size_t blocks = r.size();
    auto in_block = [&](ImWchar c) {
        for (std::size_t i = 0; i < blocks; i += 2)
            if (c >= r[i] && c <= r[i + 1]) return true;
        return false;
    };
    for (ImWchar c : cps) {
        if (in_block(c)) continue;
        // cps is sorted: a codepoint right after the last range extends it.
        if (r.size() > blocks && r.back() + 1 == c) r.back() = c;
        else {
            r.push_back(c);
            r.push_back(c);
        }
    }
    r.push_back(0);
    return r;
}

FontAtlasInfo build_font_atlas(std::string_view lang, float scale, const std::set<ImWchar>& cps) {
    // The range list must live as long as the atlas: ImGui keeps the pointer.
    static std::vector<ImWchar> ranges;
    FontAtlasInfo info;
    info.lang = std::string(lang);
    ImGuiIO& io = ImGui::GetIO();
    const auto start = std::chrono::steady_clock::now();
    io.Fonts->Clear();
    const char* kLatin = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(kLatin, ec) || !io.Fonts->AddFontFromFileTTF(kLatin, 14.0f * scale)) {
        ImFontConfig cfg;
        cfg.SizePixels = 13.0f * scale;
        io.Fonts->AddFontDefault(&cfg);
    }
    const std::string cjk = cjk_font_path();
    if (lang != util::i18n::kEnglish && std::filesystem::is_regular_file(cjk, ec)) {
        ranges = glyph_ranges(cps);
        ImFontConfig cfg;
        cfg.MergeMode = true;
        cfg.FontNo = 1;       // "WenQuanYi Micro Hei Mono" in the collection
        cfg.OversampleH = 1;  // CJK strokes are dense: no horizontal oversampling, a quarter of the texels
        cfg.PixelSnapH = true;
        // A touch larger than the Latin size: 14 px ideographs are hard to read.
        info.cjk = io.Fonts->AddFontFromFileTTF(cjk.c_str(), 15.0f * scale, &cfg, ranges.data()) != nullptr;
        info.codepoints = cps.size();
    }
    unsigned char* px = nullptr;
    io.Fonts->GetTexDataAsRGBA32(&px, &info.tex_w, &info.tex_h);
    info.build_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return info;
}

std::vector<unsigned> missing_glyphs(const ImFont& font, std::string_view utf8) {
    std::vector<unsigned> out;
    for_each_codepoint(utf8, [&](unsigned cp) {
        if (cp < 0x20) return;  // newlines and tabs are layout, not glyphs
        if (cp > 0xFFFF || !font.FindGlyphNoFallback(static_cast<ImWchar>(cp))) out.push_back(cp);
    });
    return out;
}

}  // namespace sendpath::gui
