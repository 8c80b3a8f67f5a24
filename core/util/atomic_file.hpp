// Writing output files so that a failure never leaves a half-written file:
// the content goes to a temporary file beside the target, which is renamed
// over the target only once it is complete.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace sendpath {

// Calls write(stream) on a temporary file next to path, then renames it to
// path. Throws RuntimeError naming path if anything fails (the temporary file
// is removed). If write throws, the exception propagates and path is untouched.
void write_file_atomic(const std::string& path, const std::function<void(std::ostream&)>& write);

// Reads a whole file; throws InputError(path, "", "a readable file: ...") if it cannot.
std::vector<uint8_t> read_file_bytes(const std::string& path);
std::string read_file_text(const std::string& path);

}  // namespace sendpath
