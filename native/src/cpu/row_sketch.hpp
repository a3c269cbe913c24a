// Internal pieces shared by the bootstrap sources (row_sketch.cpp, bootstrap_svd.cpp).
#pragma once

#include <cstdint>

#include "randla/error.hpp"
#include "randla/threads.hpp"

namespace randla::detail {

// B >= 2 replicates (blocks of stream 10: B < 2^24) and 0 < α < 1.
inline void check_bootstrap(std::int64_t B, double alpha) {
  RANDLA_EXPECTS(B >= 2 && B < (std::int64_t{1} << 24), "options.replicates")
      << "Expected an integer in [2, 2^24) for options.replicates but received " << B;
  RANDLA_EXPECTS(alpha > 0 && alpha < 1, "options.alpha")
      << "Expected a number in (0, 1) for options.alpha but received " << alpha;
}

}  // namespace randla::detail
