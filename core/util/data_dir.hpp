// Where sendpath's data lives: the lessons, the prepared traces and the assets
// (schemas, screenshots). An installed sendpath has them in
// <prefix>/share/sendpath; a program run from its build tree uses the source
// tree it was built from. Both programs (sendpath, sendpath-cli) ask here.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "util/message.hpp"

namespace sendpath::util {

// One place data_dir() looks, and why it looks there.
struct DataDirCandidate {
    std::string from;  // "SENDPATH_DATA", "installed", "source tree"
    std::filesystem::path dir;
};

// The places in the order they are tried:
//   1. $SENDPATH_DATA, when set and not empty;
//   2. <the running program's directory>/../share/sendpath (an installed copy);
//   3. the source tree the program was built from (compiled in as SENDPATH_SOURCE_DIR).
// A place that cannot be worked out (no such variable, /proc/self/exe unreadable)
// is left out.
std::vector<DataDirCandidate> data_dir_candidates();

// The first candidate that is a directory; an empty path when none is.
std::filesystem::path data_dir();

// For when data_dir() is empty: every place tried, and how to name the data.
// English (data_dir_missing_message) for the CLI; data_dir_missing() in any language.
std::string data_dir_missing_message();
Message data_dir_missing();

}  // namespace sendpath::util
