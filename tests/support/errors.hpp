// The InputError a call throws, caught once here rather than by a try/catch
// in every test that checks a message.
#pragma once

#include <string>
#include <utility>

#include "util/errors.hpp"

namespace sptest {

// What an InputError said; thrown is false (and the strings empty) when none was thrown.
struct Caught {
    bool thrown = false;
    std::string file, place, expected;
    std::string message;  // what(): "file: place: expected"
    std::string zh;       // the same in Chinese, as the GUI in Chinese says it
    explicit operator bool() const { return thrown; }
};

// Runs f() and returns the InputError it threw. Any other exception goes on
// to the test, which then fails with it.
template <class F>
Caught input_error_of(F&& f) {
    try {
        (void)std::forward<F>(f)();
    } catch (const sendpath::InputError& e) {
        return {true, e.file(), e.place(), e.expected(), e.what(), e.text("zh_CN")};
    }
    return {};
}

}  // namespace sptest
