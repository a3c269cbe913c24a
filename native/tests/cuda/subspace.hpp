// Distance between two subspaces given by orthonormal columns, shared by the GPU tests and the
// GPU benchmarks that compare device eigenvectors with the CPU's.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "randla/dense_matrix.hpp"

namespace randla::test {

// ‖U_g − U_c·(U_cᵀU_g)‖_F: an upper bound on the sine of the largest principal angle between the
// spans of the (orthonormal) columns of U_g and U_c.
inline double subspace_distance(const DenseMatrix<double>& g, const DenseMatrix<double>& c) {
  const std::int64_t n = g.rows, k = g.cols;
  std::vector<double> P(static_cast<std::size_t>(k * k), 0.0);
  for (std::int64_t a = 0; a < k; ++a)
    for (std::int64_t b = 0; b < k; ++b) {
      double s = 0;
      for (std::int64_t i = 0; i < n; ++i) s += c(i, a) * g(i, b);
      P[static_cast<std::size_t>(a + b * k)] = s;
    }
  double sum = 0;
  for (std::int64_t b = 0; b < k; ++b)
    for (std::int64_t i = 0; i < n; ++i) {
      double d = g(i, b);
      for (std::int64_t a = 0; a < k; ++a) d -= c(i, a) * P[static_cast<std::size_t>(a + b * k)];
      sum += d * d;
    }
  return std::sqrt(sum);
}

}  // namespace randla::test
