// One table of names for the values 0..n-1 of an enum: the name of a value,
// the value of a name, and the texts error messages use about them.
//
// Trace files, lesson expressions and the GUI all name kinds, functions,
// arguments, change ops and fields by their snake_case strings. Each table
// is built once, from the lists in event.hpp and model/state.hpp, and every
// reader looks names up through it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "util/message.hpp"

namespace sendpath::trace {

class NameTable {
public:
    // what: how messages call one entry ("an event kind"). Names must outlive the table.
    NameTable(std::string_view what, std::vector<std::string_view> names);
    // The table of name(E(0)) .. name(E(n - 1)).
    template <class E, class F>
    static NameTable of(std::string_view what, std::size_t n, F name) {
        std::vector<std::string_view> v;
        for (std::size_t i = 0; i < n; ++i) v.push_back(name(static_cast<E>(i)));
        return NameTable(what, std::move(v));
    }

    std::size_t size() const { return names_.size(); }
    const std::vector<std::string_view>& list() const { return names_; }
    std::string_view what() const { return what_; }
    // "?" for a value outside the table.
    std::string_view name(std::size_t i) const { return i < names_.size() ? names_[i] : std::string_view("?"); }
    // The value named name, or -1.
    int find(std::string_view name) const {
        const auto it = index_.find(name);
        return it == index_.end() ? -1 : it->second;
    }
    template <class E>
    bool find(std::string_view name, E& out) const {
        const int i = find(name);
        if (i < 0) return false;
        out = static_cast<E>(i);
        return true;
    }

    // "an event kind (one of: socket_create, ...)". For "did you mean", pass
    // list() to util::did_you_mean.
    std::string expected() const;
    // The same as a string-table text (util/message.hpp), for the GUI's language.
    util::Message expected_message() const;

private:
    std::string_view what_;
    std::vector<std::string_view> names_;
    std::unordered_map<std::string_view, int> index_;
};

// The tables of the names trace files use. The first four are event.hpp's
// enums (defined in event.cpp, beside their lists); the field tables are
// model/state.hpp's, as trace files name them.
const NameTable& kind_names();        // an event kind
const NameTable& func_names();        // a function
const NameTable& arg_names();         // an argument name
const NameTable& op_names();          // a change op
const NameTable& sock_field_names();  // a socket field
const NameTable& skb_field_names();   // an skb field

}  // namespace sendpath::trace
