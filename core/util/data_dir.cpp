#include "util/data_dir.hpp"

#include <cstdlib>
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

std::string data_dir_missing_message() {
    std::string tried;
    for (const DataDirCandidate& c : data_dir_candidates())
        tried += (tried.empty() ? "" : ", ") + c.dir.string() + " (" + c.from + ")";
    return "sendpath's data (lessons/, traces/, assets/) is not found: none of " +
           (tried.empty() ? std::string("(no place to look)") : tried) +
           " is a folder; set SENDPATH_DATA to the folder that holds lessons/, or install sendpath "
           "(cmake --install BUILD --prefix PREFIX puts it in PREFIX/share/sendpath)";
}

}  // namespace sendpath::util
