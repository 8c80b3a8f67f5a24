#include "util/message.hpp"

#include "util/i18n.hpp"

namespace sendpath::util {

std::string Message::str(std::string_view lang) const {
    if (key.empty()) return literal;
    std::vector<std::string> values;
    values.reserve(args.size());
    for (const Message& a : args) values.push_back(a.str(lang));
    return i18n::trf(lang, key, values);
}

Message concat(Message a, Message b) { return Message::of("msg.concat", {std::move(a), std::move(b)}); }

}  // namespace sendpath::util
