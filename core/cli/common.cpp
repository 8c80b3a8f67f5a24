#include <cerrno>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>

#include "cli/commands.hpp"
#include "util/atomic_file.hpp"
#include "util/errors.hpp"

namespace sendpath::cli {

void check_output_path(const std::string& path, const std::string& option) {
    const auto slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw InputError(path, "", "cannot write " + option + " here: the directory " + dir + " does not exist");
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        throw InputError(path, "", "cannot write " + option + " here: the directory " + dir + " is not writable");
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        throw InputError(path, "", "cannot write " + option + " here: it is a directory, expected a file name");
}

void write_output(const std::string& path, const std::function<void(std::ostream&)>& write) {
    if (path != "-") {
        write_file_atomic(path, write);
        return;
    }
    write(std::cout);
    std::cout.flush();
    if (!std::cout) throw RuntimeError("writing to standard output failed");
}

std::string format_time_us(int64_t us) {
    char buf[48];
    const char* sign = us < 0 ? "-" : "";
    const uint64_t a = us < 0 ? static_cast<uint64_t>(-(us + 1)) + 1 : static_cast<uint64_t>(us);
    std::snprintf(buf, sizeof buf, "%s%llu.%06llu s", sign, static_cast<unsigned long long>(a / 1000000),
                  static_cast<unsigned long long>(a % 1000000));
    return buf;
}

std::string format_ret(int64_t ret) {
    if (ret >= 0) return std::to_string(ret);
    const char* name = nullptr;
    switch (-ret) {
        case EAGAIN: name = "EAGAIN"; break;
        case EPIPE: name = "EPIPE"; break;
        case ECONNRESET: name = "ECONNRESET"; break;
        case ECONNREFUSED: name = "ECONNREFUSED"; break;
        case ETIMEDOUT: name = "ETIMEDOUT"; break;
        case EFAULT: name = "EFAULT"; break;
        case EINTR: name = "EINTR"; break;
        case ENOTCONN: name = "ENOTCONN"; break;
        case ENOMEM: name = "ENOMEM"; break;
        case ENOBUFS: name = "ENOBUFS"; break;
        case EINVAL: name = "EINVAL"; break;
        case EOPNOTSUPP: name = "EOPNOTSUPP"; break;
        case 512: name = "ERESTARTSYS"; break;  // kernel-internal, seen by tcp_sendmsg on a signal
        default: break;
    }
    return std::to_string(ret) + (name ? std::string(" (") + name + ")" : std::string());
}

}  // namespace sendpath::cli
