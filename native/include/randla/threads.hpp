// One thread setting for BLAS and for the core's own kernels (RANDLA_NUM_THREADS, setThreads).
#pragma once

#include <cstdint>
#include <functional>

namespace randla {

// Sets the threads used by BLAS/LAPACK and by randla's own parallel loops. n >= 1.
void set_threads(int n);
// The current setting: RANDLA_NUM_THREADS when set, else the hardware concurrency.
int threads() noexcept;
// The threads BLAS uses now (OpenBLAS's own count; 1 inside a SingleThreadedBlas section; 0 when
// the BLAS cannot say).
int blas_threads() noexcept;
// Name of the BLAS the core was linked against, e.g. "OpenBLAS 0.3.21 ...", or "BLAS".
const char* blas_name() noexcept;
// The kernels that run the skinny products op(A)·X of the passes over a dense A:
// "avx512", "avx2" or "blas" (cpu/skinny_products.hpp).
const char* product_kernels() noexcept;

// While one of these is alive (on any thread), BLAS/LAPACK run single-threaded: for work that
// takes its parallelism from parallel_for over independent pieces, each piece one thread's
// BLAS calls. OpenBLAS's threaded routines called from several threads at once serialize on its
// thread server and spin (measured: 51 bootstrap replicates of 500 x 200 took 5x longer on 2
// threads than on 1), and a threaded gemm's bits change with the thread count. BLAS's thread
// count is a process-wide setting, so the sections are counted process-wide: the first to open
// sets 1, the last to close restores threads(), and set_threads() during a section takes effect
// when the last one closes. Concurrent calls (several AsyncWorkers) therefore never see BLAS
// switch back to many threads under them. Nesting is allowed.
class SingleThreadedBlas {
 public:
  SingleThreadedBlas();
  ~SingleThreadedBlas();
  SingleThreadedBlas(const SingleThreadedBlas&) = delete;
  SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;
};

// Runs body(begin, end) over [0, n) split into at most threads() contiguous chunks.
// The split never changes results: callers write disjoint outputs that depend only on indices.
void parallel_for(std::int64_t n, const std::function<void(std::int64_t, std::int64_t)>& body,
                  std::int64_t min_chunk = 1);

}  // namespace randla
