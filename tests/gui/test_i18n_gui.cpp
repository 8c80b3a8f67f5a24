// The GUI in two languages, without a window: every key the GUI's sources
// name has an English text (else the key itself would show), the Chinese
// texts keep the kernel identifiers, every socket and skb field has a
// Chinese meaning, the language chosen in View > Language is remembered,
// and the font atlas asks the CJK font for the characters the texts use,
// not for all of Chinese. (The key-coverage test, English against Chinese,
// is tests/util/test_i18n.cpp; the drawn glyphs are checked under Xvfb by
// tests/gui/scripts/zh_glyphs.txt.)
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <unistd.h>

#include "gui/app.hpp"
#include "gui/field_docs.hpp"
#include "gui/fonts.hpp"
#include "gui/lang.hpp"
#include "gui/model/settings.hpp"
#include "support/kernel_words.hpp"
#include "util/data_dir.hpp"
#include "util/i18n.hpp"

namespace fs = std::filesystem;
using namespace sendpath;
using namespace sendpath::gui;

namespace {

std::string read_all(const fs::path& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Puts the GUI's language back after a test that changes it.
struct LangGuard {
    std::string saved = ui_lang();
    ~LangGuard() { set_ui_lang(saved); }
};

}  // namespace

TEST_CASE("gui i18n: every key the GUI's sources name has an English text") {
    const fs::path gui = util::data_dir() / "gui";
    REQUIRE(fs::is_directory(gui));
    const std::regex key(R"re("(gui\.[a-z0-9_.]+)")re");
    std::set<std::string> used;
    for (const auto& f : fs::recursive_directory_iterator(gui)) {
        if (f.path().extension() != ".cpp") continue;
        const std::string text = read_all(f.path());
        for (std::sregex_iterator it(text.begin(), text.end(), key), end; it != end; ++it) used.insert((*it)[1]);
    }
    CHECK(used.size() > 250);  // the scan found the GUI's texts
    std::set<std::string_view> english;
    for (const util::i18n::Entry& e : util::i18n::table("en")) english.insert(e.key);
    for (const std::string& k : used) {
        // "gui.counters.group." + id is completed at run time; the ids are in the table.
        if (k.back() == '.') continue;
        CHECK_MESSAGE(english.count(k), k << ": used in gui/ but has no text in core/util/i18n_gui.cpp");
    }
}

TEST_CASE("gui i18n: a Chinese GUI text keeps every kernel identifier of its English text") {
    for (const util::i18n::Entry& zh : util::i18n::table("zh_CN")) {
        if (zh.key.substr(0, 4) != "gui.") continue;
        const std::string en(util::i18n::tr("en", zh.key));
        for (const std::string& id : sptest::kernel_identifiers(en))
            CHECK_MESSAGE(std::string(zh.text).find(id) != std::string::npos, zh.key << ": " << id);
    }
}

TEST_CASE("gui i18n: every socket and skb field has a Chinese meaning that keeps its identifiers") {
    LangGuard guard;
    set_ui_lang("zh_CN");
    for (std::size_t i = 0; i < model::kSockFieldCount; ++i) {
        const auto f = static_cast<model::SF>(i);
        const model::FieldInfo& info = model::sock_field_info(f);
        const std::string_view zh = sock_field_doc(f);
        CHECK_MESSAGE(zh != info.doc, info.name << " has no Chinese meaning in gui/field_docs_zh_CN.cpp");
        for (const std::string& id : sptest::kernel_identifiers(info.doc))
            CHECK_MESSAGE(zh.find(id) != std::string_view::npos, info.name << ": " << id);
    }
    for (std::size_t i = 0; i < model::kSkbFieldCount; ++i) {
        const auto f = static_cast<model::KF>(i);
        const model::FieldInfo& info = model::skb_field_info(f);
        const std::string_view zh = skb_field_doc(f);
        CHECK_MESSAGE(zh != info.doc, info.name << " has no Chinese meaning in gui/field_docs_zh_CN.cpp");
        for (const std::string& id : sptest::kernel_identifiers(info.doc))
            CHECK_MESSAGE(zh.find(id) != std::string_view::npos, info.name << ": " << id);
    }
    // No entry for a field that does not exist (a renamed field leaves its text behind).
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < model::kSockFieldCount; ++i) names.insert(model::sock_field_info(model::SF(i)).name);
    for (const FieldText& t : sock_field_docs_zh_CN()) CHECK_MESSAGE(names.count(t.name), t.name);
    names.clear();
    for (std::size_t i = 0; i < model::kSkbFieldCount; ++i) names.insert(model::skb_field_info(model::KF(i)).name);
    for (const FieldText& t : skb_field_docs_zh_CN()) CHECK_MESSAGE(names.count(t.name), t.name);
    // English stays the model's own sentence.
    set_ui_lang("en");
    CHECK(sock_field_doc(model::SF::sk_sndbuf) == model::sock_field_info(model::SF::sk_sndbuf).doc);
}

TEST_CASE("gui i18n: the GUI's texts follow the language, English as the fallback") {
    LangGuard guard;
    set_ui_lang("zh_CN");
    CHECK(std::string(T("gui.menu.file")) == "文件");
    CHECK(TF("gui.timeline.event_of", {"3", "40"}) == "事件 3 / 40");
    CHECK(std::string(T("gui.timeline.btn.first")) == "|<");  // English-only: a symbol
    set_ui_lang("en");
    CHECK(std::string(T("gui.menu.file")) == "File");
    CHECK(std::string(T("gui.no.such.key")) == "gui.no.such.key");
}

TEST_CASE("gui i18n: View > Language is remembered in settings.txt and read back by the next run") {
    LangGuard guard;
    const fs::path dir = fs::temp_directory_path() / ("sendpath_lang_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string settings = (dir / "settings.txt").string();
    {
        App app(AppOptions{true, settings});
        CHECK(app.saved_language().empty());  // never chosen: the environment decides
        app.set_language("zh_CN");
        CHECK(ui_lang() == "zh_CN");
    }
    CHECK(read_all(settings).find("language=zh_CN\n") != std::string::npos);
    CHECK(load_settings(settings).language == "zh_CN");
    {
        App app(AppOptions{true, settings});
        CHECK(app.saved_language() == "zh_CN");
        app.set_language("en");
    }
    CHECK(App(AppOptions{true, settings}).saved_language() == "en");
    // A value sendpath does not have (a hand-edited file) counts as never chosen.
    { std::ofstream(settings) << "language=klingon\n"; }
    CHECK(App(AppOptions{true, settings}).saved_language().empty());
    fs::remove_all(dir);
}

TEST_CASE("gui i18n: the CJK font is asked for the characters the texts use, not all of Chinese") {
    const std::set<ImWchar> cps = chinese_codepoints("");
    CHECK(cps.count(0x6587));  // 文 (文件, the File menu)
    CHECK(cps.count(0x62E5));  // 拥 (拥塞窗口, an event summary / field meaning)
    CHECK(cps.size() > 500);
    CHECK(cps.size() < 3000);  // ImGui's GetGlyphRangesChineseFull has about 21 000
    // A lesson's own characters come in with it.
    CHECK_FALSE(cps.count(0x9F98));  // 龘: in no text
    CHECK(chinese_codepoints("龘").count(0x9F98));

    const std::vector<ImWchar> r = glyph_ranges({0x4E00, 0x4E01, 0x4E02, 0x4E10, 0x3001, 0xFF0C});
    REQUIRE(r.size() % 2 == 1);
    CHECK(r.back() == 0);
    // CJK punctuation and full-width forms as whole blocks, then runs of the codepoints.
    CHECK(std::vector<ImWchar>(r.begin(), r.begin() + 4) == std::vector<ImWchar>{0x3000, 0x303F, 0xFF00, 0xFFEF});
    CHECK(std::vector<ImWchar>(r.begin() + 4, r.end()) == std::vector<ImWchar>{0x4E00, 0x4E02, 0x4E10, 0x4E10, 0});
}

TEST_CASE("gui i18n: the model's English notices are shown in Chinese, values kept") {
    LangGuard guard;
    set_ui_lang("zh_CN");
    CHECK(model_notice("recorded: correct") == "已记录：正确");
    CHECK(model_notice("not recorded: 'abc' is not a number") == "未记录：'abc' 不是数字");
    CHECK(model_notice("not recorded: the assessment was submitted") == "未记录：测验已提交");
    CHECK(model_notice("submitted: 3 of 5 correct") == "已提交：5 题中答对 3 题");
    CHECK(model_notice("Stopped at a breakpoint: event 42") == "停在断点处：事件 42");
    CHECK(model_notice("No breakpoint hit: stopped at the last event") == "没有命中断点：停在最后一个事件");
    // A notice it does not know stays as it is.
    CHECK(model_notice("something new") == "something new");
    set_ui_lang("en");
    CHECK(model_notice("recorded: correct") == "recorded: correct");
}
