// Taking the page faults of a buffer about to be filled, up front.
//
// A trace of a big send fills hundreds of MB, and on a virtual machine each
// 4 KB page fault costs microseconds (measured on the CI machine, 421 MB:
// 1.25 s faulting page by page, 0.09 s with MADV_POPULATE_WRITE, plus 0.23 s
// on first touch). Populating also moves that cost before the connection, so
// a TAP run's goodput does not pay it. Transparent huge pages were tried and
// left alone: on that machine they made some runs faster and others several
// times slower (the kernel compacting memory to find them).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sendpath::util {

// Populates the whole pages inside [data, data + bytes) for writing and
// writes a zero to each (they are zero already: a fresh mapping, or storage
// reserved and not yet used). Kernels before 5.14 refuse the advice; the
// pages then fault here instead.
void prefault(void* data, std::size_t bytes);

// The first `expected` elements of v's reserved capacity.
template <class V>
void prefault_reserved(V& v, std::size_t expected) {
    prefault(v.data(), std::min(v.capacity(), expected) * sizeof(typename V::value_type));
}

}  // namespace sendpath::util
