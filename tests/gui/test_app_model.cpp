// Shortcuts, --script files, settings, the file browser, the Wire view's
// decoding and the embedded engine sources.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "gui/model/embedded_sources.hpp"
#include "gui/model/keys.hpp"
#include "gui/model/script.hpp"
#include "gui/model/settings.hpp"
#include "gui/model/wire.hpp"
#include "net/frame.hpp"
#include "support/errors.hpp"
#include "support/files.hpp"
#include "util/errors.hpp"

using namespace sendpath;
using namespace sendpath::gui;
namespace fs = std::filesystem;

TEST_CASE("key chords parse case-insensitively and print the way menus show them") {
    auto c = parse_chord("ctrl+shift+f11");
    REQUIRE(c);
    CHECK(c->key == Key::F11);
    CHECK(c->ctrl);
    CHECK(c->shift);
    CHECK(!c->alt);
    CHECK(chord_text(*c) == "Ctrl+Shift+F11");
    CHECK(parse_chord("F5") == KeyChord{Key::F5, false, false, false});
    CHECK(!parse_chord("Hyper+F5"));
    CHECK(!parse_chord("F13"));
    CHECK(!parse_chord("Ctrl+"));
}

TEST_CASE("every shortcut has a distinct chord, and the debugger keys are the documented ones") {
    std::set<std::string> chords;
    for (const auto& s : shortcuts()) CHECK(chords.insert(chord_text(s.chord)).second);
    CHECK(action_for(*parse_chord("F11")) == Action::step_into);
    CHECK(action_for(*parse_chord("F10")) == Action::step_over);
    CHECK(action_for(*parse_chord("Shift+F11")) == Action::step_out);
    CHECK(action_for(*parse_chord("Ctrl+F11")) == Action::step_into_back);
    CHECK(action_for(*parse_chord("Ctrl+F10")) == Action::step_over_back);
    CHECK(action_for(*parse_chord("Ctrl+Shift+F11")) == Action::step_out_back);
    CHECK(action_for(*parse_chord("F5")) == Action::continue_forward);
    CHECK(action_for(*parse_chord("Shift+F5")) == Action::continue_backward);
    CHECK(!action_for(*parse_chord("Alt+F11")));
    CHECK(command_for(Action::step_out) == CommandType::step_out);
    CHECK(!command_for(Action::help));
    for (int a = 0; a < static_cast<int>(Action::count_); ++a) CHECK(shortcut_for(static_cast<Action>(a)) != nullptr);
}

TEST_CASE("scripts parse one command per line; mistakes name the line") {
    auto steps = parse_script(
        "# demo\nkey F11\n\njump 12\nexpect_kind copy_linear\nfilter \"\"\nbreak cond queue_len >= 2\nquit\n", "s.txt");
    REQUIRE(steps.size() == 6);
    CHECK(steps[0].verb == "key");
    CHECK(steps[0].arg == "F11");
    CHECK(steps[0].line == 2);
    CHECK(steps[1].number == 12);
    CHECK(steps[3].arg.empty());
    CHECK(steps[5].verb == "quit");

    auto fails = [](const char* text, const char* place, const char* what) {
        const auto e = sptest::input_error_of([&] { return parse_script(text, "s.txt"); });
        REQUIRE_MESSAGE(e.thrown, "no error for: " << text);
        CHECK(e.file == "s.txt");
        CHECK(e.place == place);
        CHECK(e.expected.find(what) != std::string::npos);
    };
    fails("step_into\nfly 3\n", "line 2", "unknown command 'fly'");
    fails("jump twelve", "line 1", "non-negative number");
    fails("key Ctrl+Banana", "line 1", "key chord");
    fails("expect_kind copy_everything", "line 1", "event kind");
    fails("break kind nope", "line 1", "not an event kind");
    fails("step_over 3", "line 1", "takes no argument");
    fails("screenshot", "line 1", "needs an argument");
}

TEST_CASE("recent files: most recent first, no duplicates, bounded") {
    std::vector<std::string> r;
    push_recent(r, "a", 3);
    push_recent(r, "b", 3);
    push_recent(r, "a", 3);
    CHECK(r == std::vector<std::string>{"a", "b"});
    push_recent(r, "c", 3);
    push_recent(r, "d", 3);
    CHECK(r == std::vector<std::string>{"d", "c", "a"});
}

TEST_CASE("settings survive a save and load; a missing file gives defaults") {
    const fs::path dir = fs::path(SENDPATH_BINARY_DIR) / "test_gui_settings";
    fs::remove_all(dir);
    Settings s;
    s.recent = {"/x/a.json", "/y/b.cbor"};
    s.open_views = {{"wire", false}, {"source", true}};
    REQUIRE(save_settings(s, (dir / "sub" / "settings.txt").string()));
    Settings back = load_settings((dir / "sub" / "settings.txt").string());
    CHECK(back.recent == s.recent);
    CHECK(back.open_views == s.open_views);
    CHECK(load_settings((dir / "none.txt").string()).recent.empty());
    fs::remove_all(dir);
}

TEST_CASE("config dir follows XDG_CONFIG_HOME") {
    const char* old = std::getenv("XDG_CONFIG_HOME");
    const std::string saved = old ? old : "";
    setenv("XDG_CONFIG_HOME", "/tmp/xdg-test", 1);
    CHECK(config_dir() == "/tmp/xdg-test/sendpath");
    if (old) setenv("XDG_CONFIG_HOME", saved.c_str(), 1);
    else unsetenv("XDG_CONFIG_HOME");
}

TEST_CASE("file browser lists directories first, then traces and scenarios, no hidden files") {
    const sptest::TempDir tmp("sendpath-browse");
    const fs::path& dir = tmp.path;
    fs::create_directories(dir / "zdir");
    fs::create_directories(dir / ".hidden");
    for (const char* f : {"b.json", "a.cbor", "notes.txt", ".h.json"}) std::ofstream(dir / f) << "{}";
    std::string err;
    auto es = list_dir(dir.string(), &err);
    REQUIRE(es.size() == 3);
    CHECK(es[0].name == "zdir");
    CHECK(es[0].is_dir);
    CHECK(es[1].name == "a.cbor");
    CHECK(es[2].name == "b.json");
    CHECK(list_dir((dir / "missing").string(), &err).empty());
    CHECK(err.find("missing") != std::string::npos);
}

TEST_CASE("wire view decodes a TCP frame into layers and colours its bytes by header") {
    net::FrameAddrs a;
    a.src_ip = net::Ipv4Addr::of(10, 99, 0, 2);
    a.dst_ip = net::Ipv4Addr::of(10, 99, 0, 1);
    net::TcpRepr tcp;
    tcp.src_port = 40000;
    tcp.dst_port = 5001;
    tcp.seq = 1;
    tcp.ack = 1;
    tcp.flags = net::TCP_ACK | net::TCP_PSH;
    tcp.window = 502;
    const std::string payload = "hello";
    std::vector<uint8_t> bytes;
    net::emit_tcp_frame(bytes, a, tcp, std::span(reinterpret_cast<const uint8_t*>(payload.data()), payload.size()));
    auto d = decode_frame(bytes);
    REQUIRE(d.ok);
    CHECK(d.payload_len == 5);
    CHECK(d.summary.find("10.99.0.2:40000") != std::string::npos);
    REQUIRE(d.ranges.size() == 4);
    CHECK(d.ranges[0].layer == "Ethernet");
    CHECK(d.ranges[3].layer == "payload");
    CHECK(d.ranges[3].end == bytes.size());
    bool flags_ok = false;
    for (const auto& f : d.fields) flags_ok |= f.name == "flags" && f.value.find("PSH|ACK") != std::string::npos;
    CHECK(flags_ok);

    bytes[20] ^= 0xff;  // break the IPv4 header checksum
    auto bad = decode_frame(bytes);
    CHECK(!bad.ok);
    CHECK(bad.summary.find("invalid") != std::string::npos);
}

TEST_CASE("hex dump: offset, 16 bytes, ASCII column") {
    std::vector<uint8_t> b(20);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>('A' + i);
    auto lines = hex_dump(b);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].rfind("0000  41 42", 0) == 0);
    CHECK(lines[0].find("|ABCDEFGHIJKLMNOP|") != std::string::npos);
    CHECK(lines[1].rfind("0010  51", 0) == 0);
    CHECK(lines[1].find("|QRST|") != std::string::npos);
}

TEST_CASE("frames at the cursor are those of events up to it") {
    trace::Trace t;
    t.frames.resize(3);
    t.frames[0].event = 2;
    t.frames[1].event = 5;
    t.frames[2].event = 5;
    CHECK(frames_at(t, 0) == 0);
    CHECK(frames_at(t, 2) == 1);
    CHECK(frames_at(t, 5) == 3);
    CHECK(frames_at(t, 4) == 1);
}

TEST_CASE("the frame list shows a TCP frame's flags, numbers and length without the addresses") {
    CHECK(summary_without_ports("10.99.0.2:40000 > 10.99.0.1:5001 [S] seq 1000 win 65535 <mss 1460> len 0") ==
          "[S] seq 1000 win 65535 <mss 1460> len 0");
    CHECK(summary_without_ports("ARP who-has 10.99.0.1 tell 10.99.0.2") == "ARP who-has 10.99.0.1 tell 10.99.0.2");
    CHECK(summary_without_ports("invalid frame: short") == "invalid frame: short");
}

TEST_CASE("the engine's sources are embedded byte for byte") {
    const fs::path root(SENDPATH_SOURCE_DIR);
    std::size_t on_disk = 0;
    for (const char* dir : {"core/engine", "core/peer", "core/run"}) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(root / dir, ec))
            if (e.path().extension() == ".cpp") ++on_disk;
    }
    CHECK(embedded_files().size() == on_disk);
    for (const auto& f : embedded_files()) {
        CHECK_MESSAGE(sptest::slurp(root / std::string(f.path)) == f.text, f.path);
    }
    if (on_disk) {
        const auto& first = embedded_files()[0];
        CHECK(find_embedded(first.path) == &first);
        CHECK(find_embedded(fs::path(std::string(first.path)).filename().string()) == &first);
    }
    CHECK(find_embedded("no/such/file.cpp") == nullptr);
    CHECK(line_starts("a\nbc\n") == std::vector<std::size_t>{0, 2});
    CHECK(line_starts("a\nbc") == std::vector<std::size_t>{0, 2});
}
