#include "util/prefault.hpp"

#include <sys/mman.h>
#include <unistd.h>

namespace sendpath::util {

void prefault(void* data, std::size_t bytes) {
    static const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = reinterpret_cast<uintptr_t>(data);
    const uintptr_t a = (begin + page - 1) & ~(page - 1);
    const uintptr_t e = (begin + bytes) & ~(page - 1);
    if (e <= a) return;
    ::madvise(reinterpret_cast<void*>(a), e - a, MADV_POPULATE_WRITE);
    // A virtual machine may still trap the first write to each populated
    // page (its own page tables are filled lazily): take that now too. The
    // pages hold zeros, and zeros are written.
    for (uintptr_t q = a; q < e; q += page) *reinterpret_cast<volatile unsigned char*>(q) = 0;
}

}  // namespace sendpath::util
