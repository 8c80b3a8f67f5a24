#include "trace/name_table.hpp"

#include "model/state.hpp"
#include "util/names.hpp"

namespace sendpath::trace {

NameTable::NameTable(std::string_view what, std::vector<std::string_view> names)
    : what_(what), names_(std::move(names)) {
    for (std::size_t i = 0; i < names_.size(); ++i) index_.emplace(names_[i], static_cast<int>(i));
}

std::string NameTable::expected() const { return std::string(what_) + " (one of: " + util::join(names_) + ")"; }

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
