#include "util/errno_text.hpp"

#include <cerrno>
#include <cstring>

namespace sendpath::util {

namespace {
// The errno values with texts of their own (i18n_errors*.cpp). Each English
// text is "{0}": strerror's own words, whatever the C library says.
struct Known {
    int err;
    const char* key;
};
constexpr Known kKnown[] = {
    {ENOSPC, "err.errno.enospc"},   {EACCES, "err.errno.eacces"},
    {EPERM, "err.errno.eperm"},     {ENOENT, "err.errno.enoent"},
    {EBUSY, "err.errno.ebusy"},     {EROFS, "err.errno.erofs"},
    {EDQUOT, "err.errno.edquot"},   {EEXIST, "err.errno.eexist"},
    {ENODEV, "err.errno.enodev"},   {EINVAL, "err.errno.einval"},
    {ENOTDIR, "err.errno.enotdir"}, {EISDIR, "err.errno.eisdir"},
    {ENXIO, "err.errno.enxio"},     {EIO, "err.errno.eio"},
    {EBADFD, "err.errno.ebadfd"},   {ENAMETOOLONG, "err.errno.enametoolong"},
    {EMFILE, "err.errno.emfile"},
};
const char* errno_key(int err) {
    for (const Known& k : kKnown)
        if (k.err == err) return k.key;
    return nullptr;
}
}  // namespace

Message errno_message(int err) { return errno_message(err, std::strerror(err)); }

Message errno_message(int err, std::string english) {
    const char* key = errno_key(err);
    if (!key) return Message(std::move(english));
    return Message::of(key, {Message(std::move(english))});
}

Message errno_message_of_text(const std::string& english) {
    for (const Known& k : kKnown)
        if (english == std::strerror(k.err)) return errno_message(k.err);
    return Message(english);
}

}  // namespace sendpath::util
