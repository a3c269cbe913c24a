// Randomized range finder: Halko, Martinsson, Tropp, SIAM Review 2011, Algorithm 4.3 (power
// iterations) and 4.4 (subspace iteration, re-normalising between products); the normalizer is
// a choice (qr | lu | cholqr2 | none, src/cpu/normalize.cpp). docs/algorithms/rsvd.md fixes the
// products every backend computes.
//
// Without a normalizer (`none`, which `auto` picks for q <= 2 as scikit-learn does) the products
// A·Ω, Aᵀ·, A·, …, A· follow one another directly, and two adjacent ones can share a pass over A
// (the issue's "fusing each power iteration's A·Q and Aᵀ·(A·Q) into one pass over cache-sized
// row blocks of A"): a row-major dense A streams the pair (A·, Aᵀ·), a column-major one
// (Aᵀ·, A·). The fused products are bit for bit the separate ones (skinny_products.hpp), so only
// the number of passes changes: q + 1 for the 2q + 1 products, instead of 2q + 1.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

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

// The range finder's products in order, as passes over A: 1 for a single product, 2 for an
// adjacent pair streamed together. Product i (0-based) is A· for even i, Aᵀ· for odd i; product
// 0 is A·Ω, or Ω's fast transform (`transformed`), which never pairs.
template <class T>
std::vector<int> product_schedule(const LinearOperator<T>& A, const RangeFinderOptions& options, bool transformed) {
  const std::int64_t total = 2 * options.power_iters + 1;
  const bool may_pair = options.normalizer == Normalizer::None;
  std::vector<int> schedule;
  for (std::int64_t i = 0; i < total;) {
    const bool pair = may_pair && i + 1 < total && !(i == 0 && transformed) &&
                      A.pair_passes(i % 2 == 1, options.size) == 1;
    schedule.push_back(pair ? 2 : 1);
    i += pair ? 2 : 1;
  }
  return schedule;
}

// Whether detail::sample_by_transform computes A·Ω (SRHT of a dense A).
template <class T>
bool transformed_sample(const LinearOperator<T>& A, const TestMatrixSpec& spec) {
  return spec.kind == TestMatrixKind::Srht && A.dense() != nullptr;
}

template <class T>
TestMatrixSpec range_spec(const LinearOperator<T>& A, const RangeFinderOptions& options) {
  const std::int64_t m = A.rows(), n = A.cols(), l = options.size;
  RANDLA_EXPECTS(l >= 1 && l <= std::min(m, n), "size")
      << "Expected an integer in [1, " << std::min(m, n) << "] for size but received " << l;
  RANDLA_EXPECTS(options.power_iters >= 0, "power_iters")
      << "Expected a non-negative integer for power_iters but received " << options.power_iters;
  return detail::range_test_matrix(options.test_matrix, options.seed, options.sparse_nnz, n, l);
}

}  // namespace

template <class T>
int range_finder_passes(const LinearOperator<T>& A, const RangeFinderOptions& options) {
  const TestMatrixSpec spec = range_spec(A, options);
  return static_cast<int>(product_schedule(A, options, transformed_sample(A, spec)).size());
}

template <class T>
DenseMatrix<T> range_finder(const LinearOperator<T>& A, const RangeFinderOptions& options, PassCounter& passes) {
  const TestMatrixSpec spec = range_spec(A, options);
  const std::int64_t n = A.cols(), l = options.size;

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
  const auto check_first_sample = [&](const DenseMatrix<T>& Y) {
    if (options.check_finite && dense_omega && !all_finite(Y)) A.expect_finite("A");
  };

  const bool transformed = transformed_sample(A, spec);
  const std::vector<int> schedule = product_schedule(A, options, transformed);
  // `block` is the block the next product multiplies: Ω, then each product's output, normalized
  // between products (steps of a pair have no normalizer between them, by the schedule).
  DenseMatrix<T> block, P, W;
  std::int64_t i = 0;  // products done
  for (std::size_t step = 0; step < schedule.size(); ++step) {
    if (i == 0) {
      if (transformed) {
        detail::sample_by_transform(A, spec, block);
        passes.pass();
        i = 1;
        continue;
      }
      P.resize_for_overwrite(n, l);
      fill_test_matrix(P.view(), spec);
      std::swap(block, P);
      passes.check();
    } else {
      normalize(block, options.normalizer);
    }
    // P is this step's first product, W a pair's second.
    const bool transpose = i % 2 == 1, pair = schedule[step] == 2;
    if (pair) A.apply_pair(transpose, block, P, W);
    else A.apply(transpose, block, P);
    if (i == 0) check_first_sample(P);
    std::swap(block, pair ? W : P);
    i += schedule[step];
    passes.pass();  // a pair is scheduled only where it is one pass
  }
  // The basis itself: CholeskyQR2, which falls back to Householder QR whenever it could not
  // deliver orthonormal columns (normalize.cpp), is all BLAS-3 where Householder is BLAS-2 on a
  // tall panel (1.4–1.7× faster at m × 30, docs/algorithms/rsvd.md).
  normalize(block, Normalizer::CholQR2);
  return block;
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
  PassCounter passes(control, range_finder_passes<T>(op, options) + 1);
  return qb<T>(op, options, passes);
}

template DenseMatrix<float> range_finder<float>(const LinearOperator<float>&, const RangeFinderOptions&, PassCounter&);
template DenseMatrix<double> range_finder<double>(const LinearOperator<double>&, const RangeFinderOptions&, PassCounter&);
template int range_finder_passes<float>(const LinearOperator<float>&, const RangeFinderOptions&);
template int range_finder_passes<double>(const LinearOperator<double>&, const RangeFinderOptions&);
template QbFactors<float> qb<float>(const LinearOperator<float>&, const RangeFinderOptions&, PassCounter&);
template QbFactors<double> qb<double>(const LinearOperator<double>&, const RangeFinderOptions&, PassCounter&);
template QbFactors<float> qb<float>(MatrixView<const float>, const RangeFinderOptions&, const RunControl&);
template QbFactors<double> qb<double>(MatrixView<const double>, const RangeFinderOptions&, const RunControl&);

}  // namespace randla
