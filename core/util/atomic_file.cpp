#include "util/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "util/errno_text.hpp"
#include "util/errors.hpp"

namespace sendpath {

namespace {

// A Ctrl-C (or kill) that ends the program while a big file is written would
// leave the temporary file behind: megabytes of half a trace beside the
// target. While a write is in progress, the signals that end a program by
// default remove the temporary file first, then end it as they would have.
// A signal the program handles or ignores itself is left alone (`run` keeps
// its own handler while writing, so a Ctrl-C then does not cut the write).
// One write at a time is covered; a second one running in parallel is not.
constexpr int kEndingSignals[] = {SIGINT, SIGTERM, SIGHUP};
char g_tmp_path[4096];
std::atomic<bool> g_tmp_taken{false};

extern "C" void remove_temporary_and_end(int sig) {
    ::unlink(g_tmp_path);
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

class TemporaryRemovedOnSignal {
public:
    explicit TemporaryRemovedOnSignal(const std::string& tmp) {
        bool free = false;
        if (tmp.size() >= sizeof g_tmp_path || !g_tmp_taken.compare_exchange_strong(free, true)) return;
        active_ = true;
        std::memcpy(g_tmp_path, tmp.c_str(), tmp.size() + 1);
        for (std::size_t k = 0; k < std::size(kEndingSignals); ++k) {
            struct sigaction old {};
            sigaction(kEndingSignals[k], nullptr, &old);
            if (old.sa_handler != SIG_DFL || (old.sa_flags & SA_SIGINFO)) continue;
            struct sigaction sa {};
            sa.sa_handler = remove_temporary_and_end;
            sigemptyset(&sa.sa_mask);
            installed_[k] = sigaction(kEndingSignals[k], &sa, nullptr) == 0;
        }
    }
    ~TemporaryRemovedOnSignal() {
        if (!active_) return;
        for (std::size_t k = 0; k < std::size(kEndingSignals); ++k)
            if (installed_[k]) std::signal(kEndingSignals[k], SIG_DFL);
        g_tmp_path[0] = '\0';
        g_tmp_taken = false;
    }
    TemporaryRemovedOnSignal(const TemporaryRemovedOnSignal&) = delete;
    TemporaryRemovedOnSignal& operator=(const TemporaryRemovedOnSignal&) = delete;

private:
    bool active_ = false;
    bool installed_[std::size(kEndingSignals)] = {};
};

}  // namespace

void write_file_atomic(const std::string& path, const std::function<void(std::ostream&)>& write) {
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    // Until the rename: afterwards the temporary name no longer exists.
    const TemporaryRemovedOnSignal cleanup(tmp);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw RuntimeError(util::Message::of("err.file.create_tmp", {path, tmp, util::errno_message(errno)}));
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
            throw RuntimeError(util::Message::of("err.file.write", {path, util::errno_message(errno)}));
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        std::remove(tmp.c_str());
        throw RuntimeError(util::Message::of("err.file.rename", {path, tmp, util::errno_message(e)}));
    }
}

std::vector<uint8_t> read_file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "", util::Message::of("err.trace.unreadable", {util::errno_message(errno)}));
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
    if (in.bad()) throw InputError(path, "", util::Message::of("err.trace.read_error"));
    return bytes;
}

std::string read_file_text(const std::string& path) {
    auto b = read_file_bytes(path);
    return std::string(b.begin(), b.end());
}

}  // namespace sendpath
