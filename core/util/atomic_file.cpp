#include "util/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "util/errors.hpp"

namespace sendpath {

void write_file_atomic(const std::string& path, const std::function<void(std::ostream&)>& write) {
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw RuntimeError(path + ": cannot create " + tmp + ": " + std::strerror(errno));
        try {
            write(out);
            out.flush();
        } catch (...) {
            out.close();
            std::remove(tmp.c_str());
            throw;
        }
        if (!out) {
            out.close();
            std::remove(tmp.c_str());
            throw RuntimeError(path + ": write failed: " + std::strerror(errno));
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        std::remove(tmp.c_str());
        throw RuntimeError(path + ": cannot rename " + tmp + " into place: " + std::strerror(e));
    }
}

std::vector<uint8_t> read_file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "", std::string("a readable file (") + std::strerror(errno) + ")");
    // One allocation of the file's size and one read: a trace can be hundreds
    // of MB, and growing a vector through a stream iterator byte by byte took
    // seconds. Files whose size cannot be known (pipes) are read in chunks.
    std::vector<uint8_t> bytes;
    std::error_code ec;
    const std::streamoff size = std::filesystem::is_regular_file(path, ec)
                                    ? static_cast<std::streamoff>(std::filesystem::file_size(path, ec))
                                    : -1;
    if (size > 0) bytes.reserve(static_cast<std::size_t>(size));
    constexpr std::size_t kChunk = std::size_t{1} << 20;
    for (;;) {
        const std::size_t at = bytes.size();
        // All the size said: stop unless the file grew meanwhile (no regrowth of a full vector).
        if (size >= 0 && at >= static_cast<std::size_t>(size) && in.peek() == std::char_traits<char>::eof()) break;
        const std::size_t want =
            size >= 0 && at < static_cast<std::size_t>(size) ? static_cast<std::size_t>(size) - at : kChunk;
        bytes.resize(at + want);
        in.read(reinterpret_cast<char*>(bytes.data() + at), static_cast<std::streamsize>(want));
        const auto got = static_cast<std::size_t>(in.gcount());
        bytes.resize(at + got);
        if (got < want || in.eof()) break;
    }
    if (in.bad()) throw InputError(path, "", "a readable file (read error)");
    return bytes;
}

std::string read_file_text(const std::string& path) {
    auto b = read_file_bytes(path);
    return std::string(b.begin(), b.end());
}

}  // namespace sendpath
