#include "gui/model/file_watch.hpp"

#include <filesystem>

namespace sendpath::gui {

void FileWatch::watch(std::string path, std::optional<int64_t> mtime) {
    path_ = std::move(path);
    mtime_ = mtime;
}

bool FileWatch::due(double now_seconds, double interval) {
    if (path_.empty() || now_seconds - last_check_ < interval) return false;
    last_check_ = now_seconds;
    return true;
}

bool FileWatch::changed(std::optional<int64_t> mtime) {
    if (path_.empty() || !mtime) return false;  // missing for a moment while an editor saves: wait
    if (mtime_ && *mtime == *mtime_) return false;
    mtime_ = mtime;
    return true;
}

std::optional<int64_t> file_mtime(const std::string& path) {
    std::error_code ec;
    const auto t = std::filesystem::last_write_time(path, ec);
    if (ec) return std::nullopt;
    return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

}  // namespace sendpath::gui
