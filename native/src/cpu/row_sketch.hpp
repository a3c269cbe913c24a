// Internal pieces shared by the bootstrap sources (row_sketch.cpp, bootstrap_svd.cpp).
#pragma once

#include <cstdint>

#include "randla/error.hpp"
#include "randla/threads.hpp"

#if defined(RANDLA_HAVE_OPENBLAS_THREADS)
extern "C" void openblas_set_num_threads(int);
#endif

namespace randla::detail {

// OpenBLAS's threaded routines called from several threads at once serialize on its thread
// server and spin (measured: 51 bootstrap replicates of 500 x 200 took 5x longer on 2 threads
// than on 1), and a threaded gemm's bits change with the thread count (seen on the Gaussian
// sketch). So the bootstrap runs every BLAS/LAPACK call single-threaded and gets its parallelism
// from parallel_for over work split independently of threads(): results are the same bits on
// any thread count. Nested guards on one thread act once; the outermost restores threads(),
// also when the work throws.
class SingleThreadedBlas {
 public:
  SingleThreadedBlas() {
#if defined(RANDLA_HAVE_OPENBLAS_THREADS)
    if (depth()++ == 0) openblas_set_num_threads(1);
#endif
  }
  ~SingleThreadedBlas() {
#if defined(RANDLA_HAVE_OPENBLAS_THREADS)
    if (--depth() == 0) openblas_set_num_threads(threads());
#endif
  }
  SingleThreadedBlas(const SingleThreadedBlas&) = delete;
  SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;

 private:
  static int& depth() {
    thread_local int d = 0;
    return d;
  }
};

// B >= 2 replicates (blocks of stream 10: B < 2^24) and 0 < α < 1.
inline void check_bootstrap(std::int64_t B, double alpha) {
  RANDLA_EXPECTS(B >= 2 && B < (std::int64_t{1} << 24), "options.replicates")
      << "Expected an integer in [2, 2^24) for options.replicates but received " << B;
  RANDLA_EXPECTS(alpha > 0 && alpha < 1, "options.alpha")
      << "Expected a number in (0, 1) for options.alpha but received " << alpha;
}

}  // namespace randla::detail
