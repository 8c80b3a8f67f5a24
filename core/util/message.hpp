// A text that can be said in any of sendpath's languages: a string-table key
// (util/i18n.hpp) and the values for its {0}, {1} ... places.
//
// Input errors are built from these so the CLI prints them in English, byte
// for byte as before, while the GUI (and the CLI where it takes --lang) says
// them in the user's language. A value is a Message too: either a literal
// (a path, a number, a quoted value from the file, a kernel identifier: said
// alike in every language) or another keyed text ("a byte count"), so nested
// phrases are translated as well.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sendpath::util {

struct Message {
    std::string key;            // string-table key; empty: `literal` is the whole text
    std::string literal;        // the text when key is empty
    std::vector<Message> args;  // the values of {0}, {1} ... when key is set

    Message() = default;
    // A literal: text said alike in every language (also what older code passes as a plain string).
    Message(std::string text) : literal(std::move(text)) {}  // NOLINT(google-explicit-constructor)
    Message(const char* text) : literal(text) {}             // NOLINT(google-explicit-constructor)

    static Message of(std::string key, std::vector<Message> args = {}) {
        Message m;
        m.key = std::move(key);
        m.args = std::move(args);
        return m;
    }

    bool empty() const { return key.empty() && literal.empty(); }
    // The text in lang ("en", "zh_CN"); English where lang has no entry.
    std::string str(std::string_view lang = "en") const;
};

// m1 + m2: the two texts one after the other (a key of the form "{0}{1}").
Message concat(Message a, Message b);

}  // namespace sendpath::util
