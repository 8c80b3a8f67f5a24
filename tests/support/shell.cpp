#include "support/shell.hpp"

#include <cstdio>
#include <cstdlib>
#include <sys/wait.h>

namespace sptest {

int sh(const std::string& cmd) {
    const int r = std::system(cmd.c_str());
    return r == -1 ? -1 : WIFEXITED(r) ? WEXITSTATUS(r) : 128 + WTERMSIG(r);
}

std::string sh_out(const std::string& cmd, int* status) {
    std::string out;
    int r = -1;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
        r = ::pclose(p);
    }
    if (status) *status = r == -1 ? -1 : WIFEXITED(r) ? WEXITSTATUS(r) : 128 + WTERMSIG(r);
    return out;
}

}  // namespace sptest
