// Every file of tests/fuzz/corpus/<target>/ through the target's entry point,
// the same code the libFuzzer programs run: the seeds, and every input a
// campaign found a problem with (kept as a regression). Built with whatever
// compiler builds the tests, and under ASan + UBSan in .ci/run, so the
// corpus is kept clean without clang.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_targets.hpp"

namespace fs = std::filesystem;
using sendpath::fuzz::FuzzFailure;

namespace {

std::vector<uint8_t> read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void replay_corpus(std::string_view target) {
    const auto& all = sendpath::fuzz::all_targets();
    const auto t = std::find_if(all.begin(), all.end(), [&](const auto& x) { return x.name == target; });
    REQUIRE(t != all.end());
    const fs::path dir = fs::path(SENDPATH_SOURCE_DIR) / "tests/fuzz/corpus" / std::string(target);
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    // A corpus folder that lost its files would make this test pass for nothing.
    REQUIRE(files.size() >= 3);
    for (const fs::path& f : files) {
        const std::vector<uint8_t> bytes = read_bytes(f);
        INFO("corpus file " << f.string());
        try {
            t->entry(bytes.data(), bytes.size());
        } catch (const FuzzFailure& e) {
            const std::string what = e.what();
            FAIL_CHECK(what);
        } catch (const std::exception& e) {
            const std::string what = std::string("an exception escaped: ") + e.what();
            FAIL_CHECK(what);
        }
    }
}

}  // namespace

TEST_CASE("corpus trace_json: the fast and the general reader agree, loaded traces round-trip") {
    replay_corpus("trace_json");
}
TEST_CASE("corpus trace_cbor: whole-buffer and streamed readers agree, loaded traces round-trip") {
    replay_corpus("trace_cbor");
}
TEST_CASE("corpus scenario: refused cleanly or read back unchanged, small ones run and check") {
    replay_corpus("scenario");
}
TEST_CASE("corpus lesson: refused cleanly or evaluated on a prepared trace") { replay_corpus("lesson"); }
TEST_CASE("corpus answers: read, graded within the points") { replay_corpus("answers"); }
TEST_CASE("corpus engine_options: refused cleanly or read back unchanged, a run with them checks") {
    replay_corpus("engine_options");
}
TEST_CASE("corpus frame: parse_frame refuses with a reason or agrees with the writers") { replay_corpus("frame"); }
TEST_CASE("corpus receive: arbitrary frames in four TCP states keep the invariants") { replay_corpus("receive"); }
