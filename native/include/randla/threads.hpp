// One thread setting for BLAS and for the core's own kernels (RANDLA_NUM_THREADS, setThreads).
#pragma once

#include <cstdint>
#include <functional>

namespace randla {

// Sets the threads used by BLAS/LAPACK and by randla's own parallel loops. n >= 1.
void set_threads(int n);
// The current setting: RANDLA_NUM_THREADS when set, else the hardware concurrency.
int threads() noexcept;
// Name of the BLAS the core was linked against, e.g. "OpenBLAS 0.3.21 ...", or "BLAS".
const char* blas_name() noexcept;

// Runs body(begin, end) over [0, n) split into at most threads() contiguous chunks.
// The split never changes results: callers write disjoint outputs that depend only on indices.
void parallel_for(std::int64_t n, const std::function<void(std::int64_t, std::int64_t)>& body,
                  std::int64_t min_chunk = 1);

}  // namespace randla
