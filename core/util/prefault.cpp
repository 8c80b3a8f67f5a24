#include "util/prefault.hpp"

#include <sys/mman.h>
#include <unistd.h>

namespace sendpath::util {

void prefault(void* data, std::size_t bytes) {
    static const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = reinterpret_cast<uintptr_t>(data);
    const uintptr_t a = (begin + page - 1) & ~(page - 1);
    const uintptr_t e = (begin + bytes) & ~(page - 1);
    if (e > a) ::madvise(reinterpret_cast<void*>(a), e - a, MADV_POPULATE_WRITE);
}

}  // namespace sendpath::util
