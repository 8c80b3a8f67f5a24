#include "trace/name_table.hpp"

#include "model/state.hpp"
#include "util/names.hpp"

namespace sendpath::trace {

NameTable::NameTable(std::string_view what, std::vector<std::string_view> names)
    : what_(what), names_(std::move(names)) {
    for (std::size_t i = 0; i < names_.size(); ++i) index_.emplace(names_[i], static_cast<int>(i));
}

std::string NameTable::expected() const { return expected_message().str(); }

util::Message NameTable::expected_message() const {
    // How the tables below call an entry, as string-table texts; another table's words as they are.
    static constexpr std::pair<std::string_view, const char*> kWhat[] = {
        {"an event kind", "err.names.kind"},   {"a function", "err.names.function"},
        {"an argument name", "err.names.arg"}, {"a change op", "err.names.op"},
        {"a socket field", "err.names.sock"},  {"an skb field", "err.names.skb"},
    };
    util::Message what{std::string(what_)};
    for (const auto& [words, key] : kWhat)
        if (words == what_) what = util::Message::of(key);
    return util::Message::of("err.names.one_of", {what, util::join(names_)});
}

const NameTable& sock_field_names() {
    static const NameTable t = NameTable::of<model::SF>("a socket field", model::kSockFieldCount,
                                                        [](model::SF f) { return model::sock_field_info(f).name; });
    return t;
}
const NameTable& skb_field_names() {
    static const NameTable t = NameTable::of<model::KF>("an skb field", model::kSkbFieldCount,
                                                        [](model::KF f) { return model::skb_field_info(f).name; });
    return t;
}

}  // namespace sendpath::trace
