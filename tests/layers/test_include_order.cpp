// Layers point one way (README "Architecture"): a folder of core/ includes
// only itself and the folders below it, never a GUI library; gui/ sits on
// top. The order is written here once, and core/CMakeLists.txt is held to it
// too: each library links only libraries of lower layers.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// Lowest first. Folders in one row sit side by side and include neither each other.
const std::vector<std::vector<std::string>> kLayers = {
    {"util"}, {"net", "model"}, {"trace"}, {"engine"}, {"peer"}, {"lesson"}, {"run"}, {"cli", "gui"},
};

// Libraries and headers of the window, which core/ never sees.
const char* const kGuiLibraries[] = {"imgui", "GLFW/", "glad/", "GL/", "KHR/", "backends/"};

int rank_of(const std::string& folder) {
    for (std::size_t r = 0; r < kLayers.size(); ++r)
        if (std::find(kLayers[r].begin(), kLayers[r].end(), folder) != kLayers[r].end()) return static_cast<int>(r);
    return -1;
}

std::string order_text() {
    std::string s;
    for (const auto& row : kLayers) {
        if (!s.empty()) s += " -> ";
        for (std::size_t k = 0; k < row.size(); ++k) s += (k ? ", " : "") + row[k];
    }
    return s;
}

// What is wrong with `#include "target"` (or <target>, angled) in a file of
// folder `from`; empty if nothing.
std::string include_problem(const std::string& from, const std::string& target, bool angled) {
    for (const char* lib : kGuiLibraries)
        if (target.rfind(lib, 0) == 0 && from != "gui")
            return from + " includes " + target + ", a GUI library: only gui/ may";
    if (angled) return {};
    const auto slash = target.find('/');
    if (slash == std::string::npos) return {};  // a file beside this one
    const std::string to = target.substr(0, slash);
    if (to == from) return {};
    const int r_from = rank_of(from), r_to = rank_of(to);
    if (r_to < 0)
        return from + " includes " + target + ": " + to + "/ is not a folder of the layer order (" + order_text() + ")";
    if (r_to == r_from)
        return from + " includes " + target + ": " + from + " and " + to + " are side by side (" + order_text() + ")";
    if (r_to > r_from) return from + " includes " + target + ", a higher layer (" + order_text() + ")";
    return {};
}

// Every #include in the sources under root/top, as "file:line: problem".
std::vector<std::string> problems_under(const fs::path& root, const std::string& top, std::size_t& includes) {
    static const std::regex kInclude(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
    std::vector<std::string> out;
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(root / top)) {
        const std::string ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".cpp" || ext == ".hpp" || ext == ".h")) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
        const fs::path rel = fs::relative(f, root);
        // core/<folder>/...; everything under gui/ is the gui layer.
        std::string folder = top;
        if (top == "core") {
            auto part = std::next(rel.begin());
            folder = std::distance(rel.begin(), rel.end()) >= 3 ? part->string() : "(core/ itself)";
        }
        std::ifstream in(f);
        std::string line;
        int n = 0;
        while (std::getline(in, line)) {
            ++n;
            std::smatch m;
            if (!std::regex_search(line, m, kInclude)) continue;
            ++includes;
            std::string p = rank_of(folder) < 0
                                ? folder + ": a source file outside the layer order (" + order_text() + ")"
                                : include_problem(folder, m[2].str(), m[1].str() == "<");
            if (!p.empty()) out.push_back(rel.generic_string() + ":" + std::to_string(n) + ": " + p);
        }
    }
    return out;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += x + "\n";
    return s;
}

}  // namespace

TEST_CASE("the check itself: what it accepts and refuses") {
    CHECK(include_problem("engine", "trace/recorder.hpp", false).empty());
    CHECK(include_problem("engine", "engine/link.hpp", false).empty());
    CHECK(include_problem("run", "lesson/scenario.hpp", false).empty());
    CHECK(include_problem("gui", "gui/model/live_run.hpp", false).empty());
    CHECK(include_problem("gui", "imgui.h", true).empty());
    CHECK(include_problem("engine", "vector", true).empty());
    CHECK(include_problem("engine", "lesson/scenario.hpp", false) ==
          "engine includes lesson/scenario.hpp, a higher layer (util -> net, model -> trace -> engine -> peer -> "
          "lesson -> run -> cli, gui)");
    CHECK(include_problem("peer", "run/runner.hpp", false).find("a higher layer") != std::string::npos);
    CHECK(include_problem("net", "model/state.hpp", false).find("side by side") != std::string::npos);
    CHECK(include_problem("cli", "gui/app.hpp", false).find("side by side") != std::string::npos);
    CHECK(include_problem("trace", "imgui.h", true).find("a GUI library") != std::string::npos);
    CHECK(include_problem("run", "GLFW/glfw3.h", true).find("a GUI library") != std::string::npos);
    CHECK(include_problem("lesson", "tap/sha256.hpp", false).find("not a folder of the layer order") !=
          std::string::npos);
}

TEST_CASE("every include in core/ and gui/ points down the layers") {
    const fs::path root = SENDPATH_SOURCE_DIR;
    std::size_t includes = 0;
    std::vector<std::string> bad = problems_under(root, "core", includes);
    const std::size_t core_includes = includes;
    if (fs::exists(root / "gui")) {
        auto g = problems_under(root, "gui", includes);
        bad.insert(bad.end(), g.begin(), g.end());
    }
    MESSAGE(includes << " includes read (" << core_includes << " in core/)");
    CHECK(core_includes > 100);  // the walk found the sources
    CHECK_MESSAGE(bad.empty(), "includes against the layer order:\n" << joined(bad));
}

TEST_CASE("core/CMakeLists.txt: each library links only lower layers") {
    const fs::path file = fs::path(SENDPATH_SOURCE_DIR) / "core" / "CMakeLists.txt";
    std::ifstream in(file);
    REQUIRE(in);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    // sendpath_lib(sp_NAME folder deps...) and target_link_libraries(sp_NAME ... deps...)
    static const std::regex kLib(R"(sendpath_lib\(\s*sp_(\w+)\s+(\w+)([^)]*)\))");
    static const std::regex kLink(R"(target_link_libraries\(\s*sp_(\w+)([^)]*)\))");
    static const std::regex kDep(R"(\bsp_(\w+))");
    std::vector<std::string> bad;
    int libs = 0;
    auto check_deps = [&](const std::string& lib, const std::string& deps) {
        for (std::sregex_iterator d(deps.begin(), deps.end(), kDep), end; d != end; ++d) {
            const std::string dep = (*d)[1].str();
            if (rank_of(dep) < 0) continue;  // not a layer's library
            if (rank_of(dep) >= rank_of(lib))
                bad.push_back("sp_" + lib + " links sp_" + dep + ", not a lower layer (" + order_text() + ")");
        }
    };
    for (std::sregex_iterator m(text.begin(), text.end(), kLib), end; m != end; ++m) {
        ++libs;
        const std::string name = (*m)[1].str(), folder = (*m)[2].str();
        if (name != folder) bad.push_back("sp_" + name + " is built from " + folder + "/: expected sp_" + folder);
        if (rank_of(folder) < 0) bad.push_back(folder + "/ is not a folder of the layer order (" + order_text() + ")");
        check_deps(folder, (*m)[3].str());
    }
    for (std::sregex_iterator m(text.begin(), text.end(), kLink), end; m != end; ++m)
        if (rank_of((*m)[1].str()) >= 0) check_deps((*m)[1].str(), (*m)[2].str());
    CHECK(libs >= 8);
    CHECK_MESSAGE(bad.empty(), "core/CMakeLists.txt against the layer order:\n" << joined(bad));
}
