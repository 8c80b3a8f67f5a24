// Errors about input files (scenarios, traces, lessons, answers) and CLI usage.
//
// One message names the file, the place in it and what was expected, so a
// student or grader can fix the file without reading sendpath's source.
// The CLI maps InputError to exit status 2; the GUI shows it in an error panel.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "util/message.hpp"

namespace sendpath {

class InputError : public std::runtime_error {
public:
    // file: path as the user gave it; place: where in the file ("/timeline/3/size",
    // "byte 1024", "line 7"); expected: what should have been there, and what was found.
    // place and expected are string-table texts (util/message.hpp), so a GUI
    // (or CLI) in another language can say them in it; a plain string is a
    // literal, said as it is in every language. what(), place() and
    // expected() are the English texts.
    InputError(std::string file, util::Message place, util::Message expected)
        : std::runtime_error(joined(file, place.str(), expected.str())),
          file_(std::move(file)),
          place_(place.str()),
          expected_(expected.str()),
          place_msg_(std::move(place)),
          expected_msg_(std::move(expected)) {}
    const std::string& file() const { return file_; }
    const std::string& place() const { return place_; }
    const std::string& expected() const { return expected_; }
    const util::Message& place_message() const { return place_msg_; }
    const util::Message& expected_message() const { return expected_msg_; }
    // "file: place: expected" in lang (what() is the English one).
    std::string text(std::string_view lang) const {
        return joined(file_, place_msg_.str(lang), expected_msg_.str(lang));
    }
    // The whole text ("file: place: expected") as one string-table text: its
    // str(lang) is text(lang), for a notice that says the error among other words.
    util::Message message() const {
        util::Message head(file_ + ": ");
        if (!place_.empty()) head = util::concat(std::move(head), util::concat(place_msg_, ": "));
        return util::concat(std::move(head), expected_msg_);
    }

private:
    static std::string joined(const std::string& file, const std::string& place, const std::string& expected) {
        return file + ": " + (place.empty() ? std::string() : place + ": ") + expected;
    }
    std::string file_, place_, expected_;
    util::Message place_msg_, expected_msg_;
};

// A failure while running (I/O, device lost, a trace that does not replay).
// Like InputError's parts, the text may be a string-table text
// (util/message.hpp), so the GUI says it in its language; what() is the
// English text. A plain string is a literal, said as it is in every language.
class RuntimeError : public std::runtime_error {
public:
    explicit RuntimeError(const std::string& what) : std::runtime_error(what), msg_(what) {}
    explicit RuntimeError(const char* what) : std::runtime_error(what), msg_(what) {}
    explicit RuntimeError(util::Message msg) : std::runtime_error(msg.str()), msg_(std::move(msg)) {}
    const util::Message& message() const { return msg_; }
    // The text in lang (what() is the English one).
    std::string text(std::string_view lang) const { return msg_.str(lang); }

private:
    util::Message msg_;
};

// Any exception's text as a string-table text: an InputError's or a
// RuntimeError's message (said in the reader's language), else what() as it is.
inline util::Message message_of(const std::exception& e) {
    if (const auto* r = dynamic_cast<const RuntimeError*>(&e)) return r->message();
    if (const auto* i = dynamic_cast<const InputError*>(&e)) return i->message();
    return util::Message(e.what());
}

}  // namespace sendpath
