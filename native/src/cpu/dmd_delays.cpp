// Delay embedding for DMD: the Hankel (block) matrix of Hankel DMD (Arbabi & Mezić, "Ergodic
// theory, dynamic mode decomposition, and computation of spectral properties of the Koopman
// operator", SIAM J. Appl. Dyn. Syst. 2017) and the first SVD projection of higher-order DMD
// (Le Clainche & Vega, "Higher order dynamic mode decomposition", SIAM J. Appl. Dyn. Syst. 16(2),
// 2017, §2: the delays act on the r₀ × m reduced snapshots, so the d copies are of those, never of
// the n × m data).
#include <algorithm>
#include <cstdint>

#include "cpu/dmd_internal.hpp"
#include "randla/error.hpp"

namespace randla::dmd_detail {

template <class T>
Mat<T> hankel(const Mat<T>& X, std::int64_t delays) {
  const std::int64_t n = X.rows, m = X.cols, cols = m - delays + 1;
  Mat<T> H(n * delays, cols);
  // Block l of column k is snapshot k + l.
  for (std::int64_t k = 0; k < cols; ++k)
    for (std::int64_t l = 0; l < delays; ++l) std::copy(X.col(k + l), X.col(k + l) + n, H.col(k) + l * n);
  return H;
}

template <class T>
Projection<T> project(const Mat<T>& X, double project_rank, DmdThreshold threshold) {
  const std::int64_t n = X.rows, m = X.cols;
  const ThinSvd<T> svd = thin_svd<T>(X);
  const std::int64_t r0 = dmd_rank(svd.s, n, m, project_rank, threshold);
  Projection<T> p;
  p.U0 = Mat<T>(n, r0);
  std::copy(svd.U.data.begin(), svd.U.data.begin() + n * r0, p.U0.data.begin());
  p.reduced = Mat<T>(r0, m);
  for (std::int64_t k = 0; k < m; ++k)
    for (std::int64_t j = 0; j < r0; ++j) p.reduced(j, k) = svd.s[static_cast<std::size_t>(j)] * svd.Vh(j, k);
  return p;
}

template Mat<double> hankel<double>(const Mat<double>&, std::int64_t);
template Mat<cplx> hankel<cplx>(const Mat<cplx>&, std::int64_t);
template Projection<double> project<double>(const Mat<double>&, double, DmdThreshold);
template Projection<cplx> project<cplx>(const Mat<cplx>&, double, DmdThreshold);

}  // namespace randla::dmd_detail
