// The GUI's texts that are made from values, in Chinese: the error panel's
// place and "expected" row (from core's readers), the byte-provenance line,
// Compare's divergence sentence, a run's end_reason and the window title.
// Each keeps its English for English (and the CLI) and its kernel names and
// values in Chinese.
#include <doctest/doctest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "gui/app.hpp"
#include "gui/document_io.hpp"
#include "gui/lang.hpp"
#include "gui/model/answers_store.hpp"
#include "gui/model/compare.hpp"
#include "gui/model/lesson_session.hpp"
#include "gui/model/provenance.hpp"
#include "gui/model/seq_graph.hpp"
#include "support/errors.hpp"
#include "support/scenarios.hpp"
#include "trace/trace_io.hpp"
#include "util/errors.hpp"

namespace fs = std::filesystem;
using namespace sendpath;
using namespace sendpath::gui;
using sptest::run_shipped;

namespace {

struct LangGuard {
    std::string saved = ui_lang();
    ~LangGuard() { set_ui_lang(saved); }
};

const std::string kSource = SENDPATH_SOURCE_DIR;

}  // namespace

TEST_CASE("gui i18n texts: the error panel says a broken lesson's place and what was expected in Chinese") {
    LangGuard guard;
    const fs::path dir = fs::temp_directory_path() / ("sendpath-zh-err-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path bad = dir / "broken.json";
    {
        std::ofstream out(bad);
        out << "{\n  \"id\": \"t1\",\n  \"title\": ,\n}\n";
    }
    set_ui_lang("zh_CN");
    App app(AppOptions{false, {}});
    CHECK(!app.open(bad.string()));
    const auto& err = app.view_state().error;
    REQUIRE(err);
    // English, as the CLI prints it, is unchanged.
    CHECK(err->place.str() == "line 3, column 12");
    // (A file that does not parse is read as a trace: it could be one.)
    CHECK(err->expected.str().rfind("valid JSON (", 0) == 0);
    // The panel's rows in the GUI's language.
    const std::vector<ErrorRow> rows = error_rows(*err);
    REQUIRE(rows.size() == 3);
    CHECK(std::string(rows[0].label) == "文件");
    CHECK(rows[0].text == bad.string());
    CHECK(std::string(rows[1].label) == "位置");
    CHECK(rows[1].text == "第 3 行，第 12 列");
    CHECK(std::string(rows[2].label) == "应为");
    CHECK(rows[2].text.rfind("有效的 JSON（", 0) == 0);
    // A lesson that parses but has a wrong value: nested texts in Chinese too.
    {
        std::ofstream out(bad);
        out << R"({"id": "t1", "title": "", "objectives": ["x"], "scenario": {}, "steps": [], "questions": []})";
    }
    CHECK(!app.open(bad.string()));
    REQUIRE(app.view_state().error);
    CHECK(app.view_state().error->expected.str() == "expected a title, got an empty string");
    CHECK(error_rows(*app.view_state().error).back().text == "应为：标题；实际是空字符串");
    // English again: the same panel says core's English, as the CLI does.
    set_ui_lang("en");
    CHECK(error_rows(*app.view_state().error).back().text == "expected a title, got an empty string");
    fs::remove_all(dir);
}

// A TAP scenario opened without --tap/--connect: the panel says what to type,
// in Chinese, with the command line and the option's own reason kept.
TEST_CASE("gui i18n texts: a TAP scenario opened without a link says how to start it, in Chinese") {
    LangGuard guard;
    const std::string path = kSource + "/lessons/scenarios/14-real-kernel.json";
    set_ui_lang("zh_CN");
    App app(AppOptions{false, {}});
    CHECK(!app.open(path));
    const auto& err = app.view_state().error;
    REQUIRE(err);
    // English, as before.
    CHECK(err->place.str() == "/peer");
    CHECK(err->expected.str() ==
          "a TAP link for this scenario's \"tap\" peer: start the app as sendpath SCENARIO --tap DEV --connect "
          "IP:PORT [--local IP] (README \"TAP\"). --tap: a TAP device name (--tap DEV, or \"dev\" under \"peer\" in "
          "the scenario)");
    const std::vector<ErrorRow> rows = error_rows(*err);
    REQUIRE(rows.size() == 3);
    CHECK(rows[1].text == "/peer");
    CHECK(rows[2].text ==
          "此场景的 \"tap\" 对端所需的 TAP 链路：请用 sendpath SCENARIO --tap DEV --connect IP:PORT [--local IP] "
          "启动本程序（见 README 的 \"TAP\" 一节）。--tap: TAP 设备名（--tap DEV，或场景中 \"peer\" 下的 \"dev\"）");
}

// A trace that loads but does not replay (a change names an skb that was
// never made): the panel's error row says Replay's message in Chinese, with
// the same event and change numbers; English stays as the CLI prints it.
TEST_CASE("gui i18n texts: a trace that does not replay says which event and change, in Chinese") {
    LangGuard guard;
    trace::Trace t = run_shipped("iovecs.json");
    std::size_t at = 0, change = 0;
    for (std::size_t i = 0; i < t.events.size() && at == 0; ++i)
        for (uint32_t c = t.events[i].change_begin; c < t.events[i].change_end; ++c)
            if (t.changes[c].op == trace::Op::skb_set) {
                t.changes[c].target = 999;
                at = i;
                change = c - t.events[i].change_begin;
                break;
            }
    REQUIRE(at != 0);
    const fs::path dir = fs::temp_directory_path() / ("sendpath-zh-replay-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path bad = dir / "bad-replay.json";
    trace::save_trace(t, bad.string(), trace::TraceFormat::json);
    const std::string where = std::to_string(at), which = std::to_string(change);
    set_ui_lang("zh_CN");
    App app(AppOptions{false, {}});
    CHECK(!app.open(bad.string()));
    const auto& err = app.view_state().error;
    REQUIRE(err);
    CHECK(err->message.str() == "event " + where + ", change " + which + " (skb_set): skb 999 does not exist");
    const std::vector<ErrorRow> rows = error_rows(*err);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].text == bad.string());
    CHECK(std::string(rows[1].label) == "错误");
    CHECK(rows[1].text == "事件 " + where + "，变更 " + which + "（skb_set）：skb 999 不存在");
    // English again: the same panel says the CLI's English.
    set_ui_lang("en");
    CHECK(error_rows(*err).back().text ==
          "event " + where + ", change " + which + " (skb_set): skb 999 does not exist");
    fs::remove_all(dir);
}

// A TAP scenario offered to Compare (which runs it to its end, not live).
TEST_CASE("gui i18n texts: a TAP scenario refused by Compare says why, in Chinese") {
    LangGuard guard;
    LoadOptions lo;
    lo.live = false;
    lo.tap = TapArgs{"sptap0", "10.99.0.1:5001", ""};
    try {
        (void)load_document(kSource + "/lessons/scenarios/14-real-kernel.json", lo);
        FAIL("Compare took a TAP scenario");
    } catch (const RuntimeError& e) {
        CHECK(std::string(e.what()) == "a TAP scenario runs only as the open document (live), not in Compare");
        CHECK(e.text("zh_CN") == "TAP 场景只能作为打开的文档（实时运行）运行，不能用于比较");
    }
}

TEST_CASE("gui i18n texts: the byte-provenance line in Chinese keeps send(), iovec and the numbers") {
    const trace::Trace t = run_shipped("iovecs.json");
    const ProvenanceIndex idx = build_provenance_index(t);
    const SeqGraph g = build_seq_graph(t);
    REQUIRE(g.has_isn);
    const ByteOrigin o = byte_origin(t, idx, g, static_cast<int64_t>(g.isn) + 1 + 3110);
    REQUIRE(o.found);
    CHECK(describe_origin(o).str() == "send() call 1, iovec 3 byte 10 (buffer offset 3110)");
    CHECK(describe_origin(o).str("zh_CN") == "send() 第 1 次调用，iovec 3 的字节 10（缓冲区偏移 3110）");
    ByteOrigin none;
    none.seq = 7;
    CHECK(describe_origin(none).str("zh_CN") == "没有哪次复制把序号 7 放进 skb（它是 SYN/FIN，或者还没有发送）");
}

TEST_CASE("gui i18n texts: Compare's divergence sentence in Chinese keeps event kinds and functions") {
    const trace::Trace nagle = run_shipped("nagle.json");
    const trace::Trace nodelay = run_shipped("nodelay.json");
    const auto branch = first_branch_divergence(nagle, nodelay);
    REQUIRE(branch);
    const std::string en = branch->what.str(), zh = branch->what.str("zh_CN");
    CHECK(en.rfind("event " + std::to_string(branch->event) + ": ", 0) == 0);
    CHECK(zh.rfind("事件 " + std::to_string(branch->event) + " 处，", 0) == 0);
    CHECK(zh.find("nagle_defer") != std::string::npos);  // the kernel's name, untranslated
    CHECK(zh.find(" in ") == std::string::npos);         // no English left in the sentence

    trace::Trace shorter = nagle;
    shorter.events.resize(nagle.events.size() - 3);
    const auto ended = first_event_divergence(nagle, shorter);
    REQUIRE(ended);
    CHECK(ended->what.str().find("B has ended, A goes on with") != std::string::npos);
    CHECK(ended->what.str("zh_CN").find("B 已结束，A 继续执行") != std::string::npos);
}

TEST_CASE("gui i18n texts: a run's end_reason is shown in Chinese, unknown reasons as they are") {
    LangGuard guard;
    set_ui_lang("en");
    CHECK(end_reason_text("completed") == "completed");
    set_ui_lang("zh_CN");
    CHECK(end_reason_text("completed") == "已完成");
    CHECK(end_reason_text("completed (drain ended with data unacknowledged)") ==
          "已完成（排空阶段结束时仍有数据未被确认）");
    CHECK(end_reason_text("max_time_us reached (send() call 3 had not returned)") ==
          "已到达 max_time_us（send() 第 3 次调用尚未返回）");
    CHECK(end_reason_text("max_time_us reached while send() call 2 was blocked (it had not returned)") ==
          "已到达 max_time_us，此时 send() 第 2 次调用仍被阻塞（尚未返回）");
    CHECK(end_reason_text("interrupted by SIGINT") == "被 SIGINT 中断");
    CHECK(end_reason_text("stopped from the File menu") == "已从“文件”菜单停止");
    CHECK(end_reason_text("a reason from a newer engine") == "a reason from a newer engine");
}

TEST_CASE("gui i18n texts: the window title of a live run follows the language") {
    LangGuard guard;
    set_ui_lang("zh_CN");
    App app(AppOptions{false, {}});
    REQUIRE(app.open(kSource + "/tests/gui/data/live_big.json"));
    const std::string zh = app.window_title();
    CHECK(zh.rfind("sendpath - live_big.json（实时运行：已有 ", 0) == 0);
    set_ui_lang("en");
    CHECK(app.window_title().rfind("sendpath - live_big.json (live: ", 0) == 0);
}

TEST_CASE("gui i18n texts: an autosaved answers file that does not parse is named in Chinese") {
    const fs::path bad = fs::temp_directory_path() / ("sendpath-zh-answers-" + std::to_string(::getpid()) + ".json");
    {
        std::ofstream out(bad);
        out << "{ not json";
    }
    LessonSession ls;
    const auto e = sptest::input_error_of([&] {
        read_answers(ls, bad.string());
        return 0;
    });
    REQUIRE(e);
    CHECK(e.expected == "an answers file (JSON): it does not parse");
    CHECK(e.zh == bad.string() + ": 答案文件（JSON）：无法解析");
    fs::remove(bad);
}

// A runtime error of the TAP device reaches the panel in Chinese: "lo" exists
// and is no TAP device, so TUNSETIFF refuses it (EINVAL) and nothing changes;
// without permission on /dev/net/tun (not root) the open is what fails.
TEST_CASE("gui i18n texts: a TAP device that cannot be used reaches the error panel in Chinese") {
    LangGuard guard;
    const std::string path = kSource + "/lessons/scenarios/14-real-kernel.json";
    set_ui_lang("zh_CN");
    App app(AppOptions{false, {}});
    app.set_tap(path, TapArgs{"lo", "10.231.7.1:5001", ""});
    CHECK(!app.open(path));
    const auto& err = app.view_state().error;
    REQUIRE(err);
    const std::string en = err->message.str();
    const std::vector<ErrorRow> rows = error_rows(*err);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].text == path);
    CHECK(std::string(rows[1].label) == "错误");
    INFO(en);
    if (en.rfind("cannot open /dev/net/tun: ", 0) == 0) {
        CHECK(rows[1].text.rfind("无法打开 /dev/net/tun：", 0) == 0);
    } else {
        CHECK(en == "device lo exists but is not a TAP device (a TUN device, or another kind): pick another name");
        CHECK(rows[1].text == "设备 lo 已存在，但不是 TAP 设备（是 TUN 设备或其他类型）：请换一个名字");
    }
    // English again: the CLI's words.
    set_ui_lang("en");
    CHECK(error_rows(*err).back().text == en);
}

// Answers that cannot be saved (their folder cannot be made: a file is in the
// way) say why in the Lesson window's status line, in the GUI's language.
TEST_CASE("gui i18n texts: answers whose folder cannot be created say why in Chinese") {
    LangGuard guard;
    const fs::path file = fs::temp_directory_path() / ("sendpath-zh-notdir-" + std::to_string(::getpid()));
    {
        std::ofstream out(file);
        out << "in the way\n";
    }
    LessonSession ls;
    ls.lesson = lesson::load_lesson(kSource + "/lessons/01-first-send.json");
    ls.sheet.student = "li";
    ls.save_path = (file / "answers" / "answers.json").string();
    request_save(ls);
    const std::string dir = (file / "answers").string();
    CHECK(ls.status == "not saved: cannot create the folder " + dir + ": Not a directory");
    set_ui_lang("zh_CN");
    CHECK(notice_text(ls.status, ls.status_message) == "未保存：无法创建文件夹 " + dir + "：不是目录");
    CHECK(sptest::english_phrase(notice_text(ls.status, ls.status_message)).empty());
    // Autosave into the same place: its own notice.
    ls.autosave_path = ls.save_path;
    CHECK(!autosave(ls));
    CHECK(notice_text(ls.status, ls.status_message) == "自动保存失败：无法创建文件夹 " + dir + "：不是目录");
    // A later notice made without a text of its own is not taken for the old one.
    ls.status = "not submitted";
    CHECK(notice_text(ls.status, ls.status_message) == model_notice("not submitted"));
    set_ui_lang("en");
    ls.status = "x";
    ls.say(util::Message::of("gui.lesson.not_saved", {"y"}));
    CHECK(notice_text(ls.status, ls.status_message) == "not saved: y");
    fs::remove(file);
}

// A TAP link's device lost mid-run: the run's end_reason (English, in the
// trace) is said in Chinese, strerror's words included.
TEST_CASE("gui i18n texts: a lost TAP device's end_reason in Chinese") {
    LangGuard guard;
    const std::string en =
        std::string("device lost: read from tap0: ") + std::strerror(ENODEV) + " (the device was removed)";
    set_ui_lang("zh_CN");
    CHECK(end_reason_text(en) == "设备丢失：从 tap0 读取：没有那个设备（设备已被删除）");
    CHECK(end_reason_text(std::string("device lost: poll on tap0 reports an error: ") + std::strerror(EBADFD) +
                          " (the device was removed)") ==
          "设备丢失：在 tap0 上 poll 时报告了错误：文件描述符处于错误状态（设备已被删除）");
    set_ui_lang("en");
    CHECK(end_reason_text(en) == en);
}
