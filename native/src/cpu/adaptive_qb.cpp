// Fixed-accuracy QB: Yu, Gu, Li, "Efficient randomized algorithms for the fixed-precision
// low-rank matrix approximation", SIMAX 2018, Algorithm 2 (randQB_EI), with the passes of
// docs/algorithms/rsvd.md. Deviation: the normalizer between power iterations is a choice.
#include <algorithm>
#include <climits>
#include <cstdint>
#include <utility>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/products.hpp"
#include "randla/rsvd.hpp"

namespace randla {
namespace {

// Y −= Q·P: the part of a sample block already captured by the basis Q (P = QᵀY or B·X).
template <class T>
void subtract(const DenseMatrix<T>& Q, const DenseMatrix<T>& P, DenseMatrix<T>& Y) {
  if (Q.cols > 0) blas::multiply(false, false, T(-1), Q, P, T(1), Y);
}

template <class T>
double frobenius_squared(const DenseMatrix<T>& X) {
  double sum = 0;
  for (T v : X.data) sum += static_cast<double>(v) * static_cast<double>(v);
  return sum;
}

// [X, Xt]: the columns of Xt appended to X.
template <class T>
void append_columns(DenseMatrix<T>& X, const DenseMatrix<T>& Xt) {
  X.data.insert(X.data.end(), Xt.data.begin(), Xt.data.end());
  X.cols += Xt.cols;
}

}  // namespace

template <class T>
AdaptiveQbFactors<T> adaptive_qb(const LinearOperator<T>& A, const AdaptiveQbOptions& options, PassCounter& passes) {
  const std::int64_t m = A.rows(), n = A.cols(), min_dim = std::min(m, n);
  RANDLA_EXPECTS(options.tol > 0 && options.tol < 1, "tol")
      << "Expected a number in (0, 1) for tol but received " << options.tol;
  RANDLA_EXPECTS(options.block_size >= 1, "block_size")
      << "Expected a positive integer for block_size but received " << options.block_size;
  RANDLA_EXPECTS(options.max_rank >= 0 && options.max_rank <= min_dim, "max_rank")
      << "Expected an integer in [0, " << min_dim << "] for max_rank but received " << options.max_rank;
  RANDLA_EXPECTS(options.power_iters >= 0, "power_iters")
      << "Expected a non-negative integer for power_iters but received " << options.power_iters;
  RANDLA_EXPECTS(options.normalizer != Normalizer::Auto, "normalizer")
      << "Expected a resolved normalizer (not Auto) for normalizer but received Auto";
  const std::int64_t max_rank = options.max_rank == 0 ? min_dim : options.max_rank;
  const std::int64_t b = options.block_size, q = options.power_iters;
  const std::int64_t blocks = (max_rank + b - 1) / b;
  RANDLA_EXPECTS(blocks < (std::int64_t{1} << 24), "block_size")
      << "Expected at most 2^24 blocks (max_rank / block_size) for block_size but received " << b
      << " for a max_rank of " << max_rank;

  // Progress: an upper bound (every block runs) on top of what the caller still plans after
  // this stage; trimmed to the passes that ran when E meets tol early.
  const int planned_after = std::max(0, passes.total() - passes.done());
  const std::int64_t bound = 1 + blocks * (2 * q + 2);
  passes.set_total(passes.done() + static_cast<int>(std::min<std::int64_t>(bound, INT_MAX / 2)) + planned_after);

  AdaptiveQbFactors<T> f;
  f.norm_squared = A.frobenius_norm_squared();
  passes.pass();
  f.Q = DenseMatrix<T>(m, 0);
  f.Bt = DenseMatrix<T>(n, 0);
  const double target = options.tol * options.tol * f.norm_squared;
  double E = f.norm_squared;

  DenseMatrix<T> omega, Y, Z, P, Qt, Btt;
  for (std::uint32_t t = 0; f.Q.cols < max_rank; ++t) {
    const std::int64_t bt = std::min(b, max_rank - f.Q.cols);
    const TestMatrixSpec spec = detail::range_test_matrix(options.test_matrix, options.seed, options.sparse_nnz, n, bt, t);

    // Y = AΩ_t − Q(BΩ_t): the sample of what Q does not capture yet.
    omega = DenseMatrix<T>(n, bt);
    fill_test_matrix(omega.view(), spec);
    passes.check();
    if (!detail::sample_by_transform(A, spec, Y)) A.apply(false, omega, Y);
    blas::multiply(true, false, T(1), f.Bt, omega, T(0), P);
    subtract(f.Q, P, Y);
    passes.pass();

    for (std::int64_t it = 0; it < q; ++it) {
      normalize(Y, options.normalizer);
      A.apply(true, Y, Z);  // Z = AᵀY − Bᵀ(QᵀY)
      blas::multiply(true, false, T(1), f.Q, Y, T(0), P);
      subtract(f.Bt, P, Z);
      passes.pass();
      normalize(Z, options.normalizer);
      A.apply(false, Z, Y);  // Y = AZ − Q(BZ)
      blas::multiply(true, false, T(1), f.Bt, Z, T(0), P);
      subtract(f.Q, P, Y);
      passes.pass();
    }

    // Q_t = qr(Y), then once more against Q (Alg. 2's re-orthogonalisation): the subtraction
    // above leaves Y orthogonal to Q only up to rounding relative to AΩ_t, which is large
    // against Y once most of A is captured.
    Qt = std::move(Y);
    normalize(Qt, Normalizer::QR);
    blas::multiply(true, false, T(1), f.Q, Qt, T(0), P);
    subtract(f.Q, P, Qt);
    normalize(Qt, Normalizer::QR);

    A.apply(true, Qt, Btt);  // B_tᵀ = AᵀQ_t
    append_columns(f.Q, Qt);
    append_columns(f.Bt, Btt);
    // ‖A − QB‖²_F = ‖A‖²_F − ‖B‖²_F for orthonormal Q: the indicator without touching A again.
    E -= frobenius_squared(Btt);
    f.converged = E <= target;
    // The bound was for every block: trimmed before the last report, so progress ends at
    // total = done (plus what the caller still plans).
    if (f.converged || f.Q.cols >= max_rank) passes.set_total(passes.done() + 1 + planned_after);
    passes.pass();
    if (f.converged) break;
  }
  // E is a difference of two sums: rounding can leave it slightly negative; a norm is not.
  f.residual_squared = std::max(0.0, E);
  return f;
}

template AdaptiveQbFactors<float> adaptive_qb<float>(const LinearOperator<float>&, const AdaptiveQbOptions&, PassCounter&);
template AdaptiveQbFactors<double> adaptive_qb<double>(const LinearOperator<double>&, const AdaptiveQbOptions&, PassCounter&);

}  // namespace randla
