// Errors about input files (scenarios, traces, lessons, answers) and CLI usage.
//
// One message names the file, the place in it and what was expected, so a
// student or grader can fix the file without reading sendpath's source.
// The CLI maps InputError to exit status 2; the GUI shows it in an error panel.
#pragma once

#include <stdexcept>
#include <string>

namespace sendpath {

class InputError : public std::runtime_error {
public:
    // file: path as the user gave it; place: where in the file ("/timeline/3/size",
    // "byte 1024", "line 7"); expected: what should have been there, and what was found.
    InputError(std::string file, std::string place, std::string expected)
        : std::runtime_error(file + ": " + (place.empty() ? std::string() : place + ": ") + expected),
          file_(std::move(file)),
          place_(std::move(place)),
          expected_(std::move(expected)) {}
    const std::string& file() const { return file_; }
    const std::string& place() const { return place_; }
    const std::string& expected() const { return expected_; }

private:
    std::string file_, place_, expected_;
};

// A failure while running (I/O, device lost, a trace that does not replay).
class RuntimeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace sendpath
