#include "util/data_dir.hpp"

#include <cstdlib>
#include <optional>
#include <system_error>

namespace sendpath::util {

namespace fs = std::filesystem;

std::vector<DataDirCandidate> data_dir_candidates() {
    std::vector<DataDirCandidate> out;
    if (const char* env = std::getenv("SENDPATH_DATA"); env && *env) out.push_back({"SENDPATH_DATA", fs::path(env)});
    // The program's own file, not argv[0]: it holds wherever the program was
    // started from, and through whatever symlink.
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec && exe.has_parent_path())
        out.push_back({"installed", (exe.parent_path() / ".." / "share" / "sendpath").lexically_normal()});
#ifdef SENDPATH_SOURCE_DIR
    out.push_back({"source tree", fs::path(SENDPATH_SOURCE_DIR)});
#endif
    return out;
}

fs::path data_dir() {
    for (const DataDirCandidate& c : data_dir_candidates()) {
        std::error_code ec;
        if (fs::is_directory(c.dir, ec)) return c.dir;
    }
    return {};
}

Message data_dir_missing() {
    std::optional<Message> tried;
    for (const DataDirCandidate& c : data_dir_candidates()) {
        // How the place was found, in words ("installed"); a variable's name as it is.
        const Message from = c.from == "installed"     ? Message::of("err.data.installed")
                             : c.from == "source tree" ? Message::of("err.data.source_tree")
                                                       : Message(c.from);
        Message one = Message::of("err.data.place", {c.dir.string(), from});
        tried = tried ? Message::of("err.data.list", {*tried, one}) : one;
    }
    return Message::of("err.data.missing", {tried ? *tried : Message::of("err.data.nowhere")});
}

std::string data_dir_missing_message() { return data_dir_missing().str(); }

}  // namespace sendpath::util
