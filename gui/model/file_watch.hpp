// Reload when the open file changes on disk: the modification time is looked
// at once a second (polling: no inotify dependency, and it also works on
// network and bind-mounted folders). The decision is here, the stat in the App.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sendpath::gui {

class FileWatch {
public:
    // Starts watching path, whose modification time is now mtime (nullopt: unreadable).
    void watch(std::string path, std::optional<int64_t> mtime);
    void clear() { path_.clear(); }
    const std::string& path() const { return path_; }
    // Whether to stat the file now (at most once per interval seconds).
    bool due(double now_seconds, double interval = 1.0);
    // Given the file's current mtime, true once per change (a file being
    // rewritten is reported when its time moved, not while it is missing).
    bool changed(std::optional<int64_t> mtime);

private:
    std::string path_;
    std::optional<int64_t> mtime_;
    double last_check_ = -1e300;
};

// The file's modification time in nanoseconds, nullopt if it cannot be read.
std::optional<int64_t> file_mtime(const std::string& path);

}  // namespace sendpath::gui
