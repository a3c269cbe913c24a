// Randomized range finder: Halko, Martinsson, Tropp, SIAM Review 2011, Algorithm 4.3 (power
// iterations) and 4.4 (subspace iteration, re-normalising between products); the normalizer is
// a choice (qr | lu | cholqr2 | none, src/cpu/normalize.cpp). docs/algorithms/rsvd.md fixes the
// passes every backend runs.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "cpu/products.hpp"
#include "randla/rsvd.hpp"

namespace randla {
namespace {

template <class T>
bool all_finite(const DenseMatrix<T>& Y) {
  bool finite = true;
  for (const T v : Y.data) finite &= std::isfinite(v);
  return finite;
}

}  // namespace

template <class T>
DenseMatrix<T> range_finder(const LinearOperator<T>& A, const RangeFinderOptions& options, PassCounter& passes) {
  const std::int64_t m = A.rows(), n = A.cols(), l = options.size;
  RANDLA_EXPECTS(l >= 1 && l <= std::min(m, n), "size")
      << "Expected an integer in [1, " << std::min(m, n) << "] for size but received " << l;
  RANDLA_EXPECTS(options.power_iters >= 0, "power_iters")
      << "Expected a non-negative integer for power_iters but received " << options.power_iters;

  const TestMatrixSpec spec = detail::range_test_matrix(options.test_matrix, options.seed, options.sparse_nnz, n, l);

  DenseMatrix<T> Y, Z;
  // The finiteness check rides on the first sample when Ω is dense and has no zero entries
  // (Gaussian and uniform with probability one, Rademacher always): a NaN or ±Inf in row i of A
  // then makes every entry of row i of Y = A·Ω non-finite (a product with a non-finite factor
  // is non-finite; ±Inf plus finite terms stays infinite or turns NaN), even for a product that
  // skips zeros, so a finite Y proves a finite A. A scan of A then runs only to name the entry
  // (or when Y overflowed from finite data, and then finds nothing). The sparse sketches scan A
  // first.
  const bool dense_omega = spec.kind == TestMatrixKind::Gaussian || spec.kind == TestMatrixKind::Rademacher ||
                           spec.kind == TestMatrixKind::Uniform;
  if (options.check_finite && !dense_omega) A.expect_finite("A");
  if (!detail::sample_by_transform(A, spec, Y)) {
    DenseMatrix<T> omega(n, l);
    fill_test_matrix(omega.view(), spec);
    passes.check();
    A.apply(false, omega, Y);
    if (options.check_finite && dense_omega && !all_finite(Y)) A.expect_finite("A");
  }
  passes.pass();
  for (std::int64_t it = 0; it < options.power_iters; ++it) {
    normalize(Y, options.normalizer);
    A.apply(true, Y, Z);
    passes.pass();
    normalize(Z, options.normalizer);
    A.apply(false, Z, Y);
    passes.pass();
  }
  // The basis itself: CholeskyQR2, which falls back to Householder QR whenever it could not
  // deliver orthonormal columns (normalize.cpp), is all BLAS-3 where Householder is BLAS-2 on a
  // tall panel (1.4–1.7× faster at m × 30, docs/algorithms/rsvd.md).
  normalize(Y, Normalizer::CholQR2);
  return Y;
}

template <class T>
QbFactors<T> qb(const LinearOperator<T>& A, const RangeFinderOptions& options, PassCounter& passes) {
  QbFactors<T> f;
  f.Q = range_finder(A, options, passes);
  // Bᵀ = AᵀQ (n x l) is BLAS's fast T·N or N·N case for either layout of A; Qᵀ·op(A) is not.
  A.apply(true, f.Q, f.Bt);
  passes.pass();
  return f;
}

template <class T>
QbFactors<T> qb(MatrixView<const T> A, const RangeFinderOptions& options, const RunControl& control) {
  const DenseOperator<T> op(A);
  PassCounter passes(control, static_cast<int>(2 * options.power_iters + 2));
  return qb<T>(op, options, passes);
}

template DenseMatrix<float> range_finder<float>(const LinearOperator<float>&, const RangeFinderOptions&, PassCounter&);
template DenseMatrix<double> range_finder<double>(const LinearOperator<double>&, const RangeFinderOptions&, PassCounter&);
template QbFactors<float> qb<float>(const LinearOperator<float>&, const RangeFinderOptions&, PassCounter&);
template QbFactors<double> qb<double>(const LinearOperator<double>&, const RangeFinderOptions&, PassCounter&);
template QbFactors<float> qb<float>(MatrixView<const float>, const RangeFinderOptions&, const RunControl&);
template QbFactors<double> qb<double>(MatrixView<const double>, const RangeFinderOptions&, const RunControl&);

}  // namespace randla
