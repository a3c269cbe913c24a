// Randomized range finder: Halko, Martinsson, Tropp, SIAM Review 2011, Algorithm 4.3 (power
// iterations) and 4.4 (subspace iteration, re-normalising between products); LU normalisation
// as in scikit-learn/fbpca. Deviation: the normalizer is a choice (qr | lu | none), see
// docs/algorithms/rsvd.md, which fixes the passes every backend runs.
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/products.hpp"
#include "randla/rsvd.hpp"

namespace randla {
namespace {

using detail::apply;

// Y <- P·L of the LU factorization with partial pivoting Y = P·L·U (scipy lu(permute_l=True)).
// Keeps the range of Y, unlike QR not orthonormal, but half the flops (fbpca, scikit-learn).
template <class T>
void permuted_lower(DenseMatrix<T>& Y) {
  const int m = blas::dim(Y.rows, "rows"), n = blas::dim(Y.cols, "cols");
  const int kmin = std::min(m, n);
  std::vector<int> ipiv(static_cast<std::size_t>(std::max(1, kmin)));
  int info = 0;
  blas::getrf(m, n, Y.data.data(), std::max(1, m), ipiv.data(), &info);
  blas::check_info(info, "getrf");
  // info > 0 means an exactly singular U, which does not affect L: no error.
  for (int j = 0; j < n; ++j) {
    T* col = Y.col(j);
    std::fill(col, col + std::min(j, m), T(0));
    if (j < m) col[j] = T(1);
  }
  // getrf applied the swaps i <-> ipiv[i] in order; P·L undoes them in reverse order.
  for (int i = kmin - 1; i >= 0; --i) {
    const int p = ipiv[static_cast<std::size_t>(i)] - 1;
    if (p == i) continue;
    for (int j = 0; j < n; ++j) std::swap(Y(i, j), Y(p, j));
  }
}

template <class T>
void normalize(DenseMatrix<T>& Y, Normalizer normalizer) {
  switch (normalizer) {
    case Normalizer::QR:
      blas::thin_q(blas::dim(Y.rows, "rows"), blas::dim(Y.cols, "cols"), Y.data.data(),
                   blas::dim(std::max<std::int64_t>(1, Y.rows), "ld"));
      break;
    case Normalizer::LU: permuted_lower(Y); break;
    case Normalizer::None: break;
  }
}

}  // namespace

template <class T>
DenseMatrix<T> range_finder(MatrixView<const T> A, const RangeFinderOptions& options, const RunControl& control,
                            int passes_before, int total_passes) {
  const std::int64_t m = A.rows, n = A.cols, l = options.size;
  RANDLA_EXPECTS(l >= 1 && l <= std::min(m, n), "size")
      << "Expected an integer in [1, " << std::min(m, n) << "] for size but received " << l;
  RANDLA_EXPECTS(options.power_iters >= 0, "power_iters")
      << "Expected a non-negative integer for power_iters but received " << options.power_iters;
  if (total_passes == 0) total_passes = static_cast<int>(2 * options.power_iters + 1);
  int pass = passes_before;

  DenseMatrix<T> omega(n, l);
  fill_test_matrix(omega.view(), options.test_matrix, options.seed, Stream::RangeFinder);
  control.check();

  DenseMatrix<T> Y, Z;
  apply(A, false, omega, Y);
  omega = {};
  control.report(++pass, total_passes);
  for (std::int64_t it = 0; it < options.power_iters; ++it) {
    normalize(Y, options.normalizer);
    apply(A, true, Y, Z);
    control.report(++pass, total_passes);
    normalize(Z, options.normalizer);
    apply(A, false, Z, Y);
    control.report(++pass, total_passes);
  }
  normalize(Y, Normalizer::QR);
  return Y;
}

template <class T>
QbFactors<T> qb(MatrixView<const T> A, const RangeFinderOptions& options, const RunControl& control) {
  const int total = static_cast<int>(2 * options.power_iters + 2);
  QbFactors<T> f;
  f.Q = range_finder(A, options, control, 0, total);
  // Bᵀ = AᵀQ (n x l) is BLAS's fast T·N or N·N case for either layout of A; Qᵀ·op(A) is not.
  apply(A, true, f.Q, f.Bt);
  control.report(total, total);
  return f;
}

template DenseMatrix<float> range_finder<float>(MatrixView<const float>, const RangeFinderOptions&, const RunControl&,
                                                int, int);
template DenseMatrix<double> range_finder<double>(MatrixView<const double>, const RangeFinderOptions&,
                                                  const RunControl&, int, int);
template QbFactors<float> qb<float>(MatrixView<const float>, const RangeFinderOptions&, const RunControl&);
template QbFactors<double> qb<double>(MatrixView<const double>, const RangeFinderOptions&, const RunControl&);

}  // namespace randla
