// Reading a whole file (traces, scenarios, lessons): every byte, whatever the
// size, from a regular file or a pipe, and a clear message when it cannot.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "support/errors.hpp"
#include "support/files.hpp"
#include "util/atomic_file.hpp"
#include "util/errors.hpp"

using namespace sendpath;

namespace {
const sptest::TempDir& tmp() {
    static const sptest::TempDir d("sendpath-read");
    return d;
}
std::string temp_name(const std::string& stem) { return tmp() / stem; }
}  // namespace

TEST_CASE("read_file_bytes gives back every byte of a file, empty, small or several MB") {
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{4097}, std::size_t{3} << 20}) {
        std::vector<uint8_t> data(n);
        for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(i * 7 + (i >> 9));
        const std::string p = temp_name("file");
        std::ofstream(p, std::ios::binary)
            .write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(n));
        CAPTURE(n);
        const auto got = read_file_bytes(p);
        CHECK(got == data);
        CHECK(got.capacity() == got.size());  // one allocation of the file's size
        std::remove(p.c_str());
    }
}

TEST_CASE("read_file_bytes reads a pipe to its end") {
    const std::string p = temp_name("fifo");
    REQUIRE(::mkfifo(p.c_str(), 0600) == 0);
    std::string sent(2'500'000, 'x');
    for (std::size_t i = 0; i < sent.size(); i += 1000) sent[i] = '\n';
    std::thread writer([&] { std::ofstream(p, std::ios::binary) << sent; });
    const auto got = read_file_bytes(p);
    writer.join();
    std::remove(p.c_str());
    CHECK(std::string(got.begin(), got.end()) == sent);
}

TEST_CASE("read_file_bytes of a missing file names it and says why") {
    const auto e = sptest::input_error_of([] { return read_file_bytes("/nonexistent/sendpath/trace.cbor"); });
    REQUIRE_MESSAGE(e.thrown, "no error");
    CHECK(e.message.find("/nonexistent/sendpath/trace.cbor") != std::string::npos);
    CHECK(e.message.find("No such file") != std::string::npos);
}
