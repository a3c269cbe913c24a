// Randomized SVD: Halko, Martinsson, Tropp, SIAM Review 2011, Algorithm 5.1 (direct SVD of
// B = QᵀA) on the basis of Algorithm 4.3/4.4, or on the adaptive QB of Yu, Gu, Li 2018
// (Algorithm 2) in fixed-accuracy mode. Deviations: the small SVD runs in f64 for f32 input
// too; a wide A is factorized as Aᵀ (a view, no copy) with the factors swapped.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "randla/rsvd.hpp"
#include "randla/threads.hpp"

namespace randla {
namespace {

template <class T>
void expect_view(MatrixView<const T> A, const char* argument) {
  RANDLA_EXPECTS_CODE(A.rows >= 1 && A.cols >= 1, ErrorCode::Shape, argument)
      << "Expected at least 1 row and 1 column for " << argument << " but received " << A.rows << " x " << A.cols;
  RANDLA_EXPECTS(A.data != nullptr, argument) << "Expected data for " << argument << " but received a null pointer";
  const std::int64_t min_ld = A.layout == Layout::ColMajor ? A.rows : A.cols;
  RANDLA_EXPECTS_CODE(A.ld >= min_ld, ErrorCode::Shape, argument)
      << "Expected a leading dimension >= " << min_ld << " for " << argument << " but received " << A.ld;
  blas::dim(A.rows, "rows");
  blas::dim(A.cols, "cols");
  blas::dim(A.ld, "leading dimension");
}

void expect_options(const RsvdOptions& o, std::int64_t rows, std::int64_t cols) {
  const std::int64_t min_dim = std::min(rows, cols);
  RANDLA_EXPECTS(o.tol == 0 || (o.tol > 0 && o.tol < 1), "tol")
      << "Expected a number in (0, 1) for tol (or 0 for a fixed rank) but received " << o.tol;
  if (o.tol == 0) {
    RANDLA_EXPECTS(o.rank >= 1 && o.rank <= min_dim, "rank")
        << "Expected an integer in [1, " << min_dim << "] for rank but received " << o.rank;
  } else {
    RANDLA_EXPECTS(o.rank == 0, "rank")
        << "Expected no rank (0) with tol, which chooses the rank, but received " << o.rank;
    RANDLA_EXPECTS(o.block_size >= 1, "block_size")
        << "Expected a positive integer for block_size but received " << o.block_size;
    RANDLA_EXPECTS(o.max_rank >= 0 && o.max_rank <= min_dim, "max_rank")
        << "Expected an integer in [0, " << min_dim << "] for max_rank but received " << o.max_rank;
  }
  RANDLA_EXPECTS(o.oversamples >= 0, "oversamples")
      << "Expected a non-negative integer for oversamples but received " << o.oversamples;
  RANDLA_EXPECTS(o.power_iters >= -1 && o.power_iters <= 1000, "power_iters")
      << "Expected an integer in [0, 1000] (or -1 for auto) for power_iters but received " << o.power_iters;
  RANDLA_EXPECTS(o.sparse_nnz >= 1, "sparse_nnz")
      << "Expected a positive integer for sparse_nnz but received " << o.sparse_nnz;
  RANDLA_EXPECTS(!o.estimate_error || (o.error_iters >= 1 && o.error_iters <= 1000), "error_iters")
      << "Expected an integer in [1, 1000] for error_iters but received " << o.error_iters;
}

}  // namespace

template <class T>
RsvdResult<T> rsvd(const LinearOperator<T>& input, const RsvdOptions& o, const RunControl& control) {
  const std::int64_t rows = input.rows(), cols = input.cols();
  RANDLA_EXPECTS_CODE(rows >= 1 && cols >= 1, ErrorCode::Shape, "A")
      << "Expected at least 1 row and 1 column for A but received " << rows << " x " << cols;
  expect_options(o, rows, cols);
  try {
    const bool fixed_accuracy = o.tol > 0;
    // The fixed-rank range finder checks A through its first sample (range_finder.cpp), saving a
    // pass; centering reads A first and the adaptive QB samples in blocks, so they scan A here.
    const bool check_in_sample = o.check_finite && !fixed_accuracy && !o.center;
    if (o.check_finite && !check_in_sample) input.expect_finite("A");
    const std::int64_t min_dim = std::min(rows, cols);
    const std::int64_t q = o.power_iters >= 0 ? o.power_iters
                                              : auto_power_iters(fixed_accuracy ? o.block_size : o.rank, rows, cols);
    const Normalizer normalizer = resolve_normalizer(o.normalizer, q);
    PassCounter passes(control, 0);

    // Centering: μ = column means (one pass); A − 1μᵀ stays implicit.
    std::vector<double> mean;
    std::unique_ptr<CenteredOperator<T>> centered;
    if (o.center) {
      passes.set_total(1);
      mean = input.column_sums();
      for (double& v : mean) v /= static_cast<double>(rows);
      passes.pass();
      centered = std::make_unique<CenteredOperator<T>>(input, mean);
    }
    const LinearOperator<T>& base = centered ? static_cast<const LinearOperator<T>&>(*centered) : input;

    // Orientation: the range finder runs on the tall one unless told otherwise.
    const bool wide = o.transpose == Transpose::Auto ? rows < cols : o.transpose == Transpose::Yes;
    const TransposedOperator<T> transposed(base);
    const LinearOperator<T>& A = wide ? static_cast<const LinearOperator<T>&>(transposed) : base;
    const std::int64_t m = A.rows(), n = A.cols();
    // The estimate runs on the working operator: centered or transposed ones may not fuse its passes.
    const int error_passes = o.estimate_error ? static_cast<int>(o.error_iters) * A.gram_passes() : 0;

    // Q (m x K) and Bᵀ (n x K), then the rank k of the answer.
    DenseMatrix<T> Q, Bt;
    double residual_squared = 0, norm_squared = 0;
    bool converged = true;
    if (!fixed_accuracy) {
      RangeFinderOptions rf;
      rf.size = std::min(o.rank + o.oversamples, min_dim);
      rf.power_iters = q;
      rf.normalizer = normalizer;
      rf.test_matrix = o.test_matrix;
      rf.sparse_nnz = o.sparse_nnz;
      rf.seed = o.seed;
      rf.check_finite = check_in_sample;
      passes.set_total(passes.done() + range_finder_passes(A, rf) + 1 + error_passes);
      QbFactors<T> f = qb(A, rf, passes);
      Q = std::move(f.Q);
      Bt = std::move(f.Bt);
    } else {
      AdaptiveQbOptions aq;
      aq.tol = o.tol;
      aq.block_size = o.block_size;
      aq.max_rank = o.max_rank == 0 ? min_dim : o.max_rank;
      aq.power_iters = q;
      aq.normalizer = normalizer;
      aq.test_matrix = o.test_matrix;
      aq.sparse_nnz = o.sparse_nnz;
      aq.seed = o.seed;
      passes.set_total(passes.done() + error_passes);  // adaptive_qb adds its own passes on top
      AdaptiveQbFactors<T> f = adaptive_qb(A, aq, passes);
      Q = std::move(f.Q);
      Bt = std::move(f.Bt);
      residual_squared = f.residual_squared;
      norm_squared = f.norm_squared;
      converged = f.converged;
    }
    const std::int64_t l = Q.cols;

    // Small SVD in f64: Bᵀ = W diag(s) Zᵀ, so that B = Z diag(s) Wᵀ and A ≈ (Q·Z) diag(s) Wᵀ.
    std::vector<double> bt(Bt.data.begin(), Bt.data.end());
    Bt = {};
    blas::SvdFactors svd = blas::svd(blas::dim(n, "n"), blas::dim(l, "l"), bt.data(), blas::dim(std::max<std::int64_t>(1, n), "n"));

    std::int64_t k = o.rank;
    double relative_error = std::numeric_limits<double>::quiet_NaN();
    if (fixed_accuracy) {
      // ‖A − Q·B_k‖²_F = E + Σ_{i>k} σᵢ(B)², E = ‖A − QB‖²_F: the smallest k meeting tol² ‖A‖²_F.
      const double target = o.tol * o.tol * norm_squared;
      std::vector<double> tail(static_cast<std::size_t>(l) + 1, 0.0);  // tail[k] = Σ_{i>=k} σᵢ²
      for (std::int64_t i = l - 1; i >= 0; --i)
        tail[static_cast<std::size_t>(i)] = tail[static_cast<std::size_t>(i) + 1] + svd.s[static_cast<std::size_t>(i)] * svd.s[static_cast<std::size_t>(i)];
      k = l;
      if (converged) {
        for (std::int64_t c = 1; c <= l; ++c) {
          if (residual_squared + tail[static_cast<std::size_t>(c)] <= target) {
            k = c;
            break;
          }
        }
      }
      k = std::max<std::int64_t>(1, k);
      const double err2 = std::max(0.0, residual_squared + tail[static_cast<std::size_t>(k)]);
      relative_error = norm_squared > 0 ? std::sqrt(err2 / norm_squared) : 0.0;
    }

    // U_tall = Q · Z[:, :k] (m x k) in the input precision; Z(i, j) = Zᵀ(j, i).
    DenseMatrix<T> z(l, k);
    for (std::int64_t j = 0; j < k; ++j)
      for (std::int64_t i = 0; i < l; ++i) z(i, j) = static_cast<T>(svd.Vt[static_cast<std::size_t>(j + i * l)]);
    DenseMatrix<T> u_tall(m, k);
    blas::gemm(CblasNoTrans, CblasNoTrans, blas::dim(m, "m"), blas::dim(k, "k"), blas::dim(l, "l"), T(1),
               Q.data.data(), blas::dim(m, "m"), z.data.data(), blas::dim(l, "l"), T(0), u_tall.data.data(),
               blas::dim(m, "m"));
    Q = {};
    DenseMatrix<T> v_tall(n, k);
    for (std::int64_t j = 0; j < k; ++j)
      for (std::int64_t i = 0; i < n; ++i) v_tall(i, j) = static_cast<T>(svd.U[static_cast<std::size_t>(i + j * n)]);

    RsvdResult<T> r;
    r.rows = rows;
    r.cols = cols;
    r.rank = k;
    r.S.assign(svd.s.begin(), svd.s.begin() + k);
    r.power_iters = q;
    r.normalizer = normalizer;
    r.relative_error = relative_error;
    r.converged = converged;
    r.mean = std::move(mean);

    if (o.estimate_error) {
      ResidualNormOptions ro;
      ro.iters = o.error_iters;
      ro.seed = o.seed;
      r.spectral_error = residual_norm(A, u_tall, r.S, v_tall, ro, passes);
    }

    // For a wide A the factors of Aᵀ swap: U = V_tall, V = U_tall.
    const DenseMatrix<T>& left = wide ? v_tall : u_tall;
    const DenseMatrix<T>& right = wide ? u_tall : v_tall;
    if (o.compute_u) r.U.resize(static_cast<std::size_t>(rows * k));
    if (o.compute_v) r.Vt.resize(static_cast<std::size_t>(k * cols));
    // Sign rule (scikit-learn svd_flip, u-based): largest-|.| entry of U[:, j] positive.
    // Each column's search and each output row are independent: split across the threads
    // (100000 × 20 took 6 ms on one).
    std::vector<T> sign(static_cast<std::size_t>(k));
    parallel_for(k, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t j = begin; j < end; ++j) {
        std::int64_t arg = 0;
        double best = -1;
        for (std::int64_t i = 0; i < rows; ++i) {
          const double v = std::abs(static_cast<double>(left(i, j)));
          if (v > best) {
            best = v;
            arg = i;
          }
        }
        sign[static_cast<std::size_t>(j)] = left(arg, j) < 0 ? T(-1) : T(1);
      }
    });
    // U is written row by row (row-major output, contiguous), reading the k columns in step.
    if (o.compute_u)
      parallel_for(rows, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i)
          for (std::int64_t j = 0; j < k; ++j)
            r.U[static_cast<std::size_t>(i * k + j)] = sign[static_cast<std::size_t>(j)] * left(i, j);
      }, 4096);
    if (o.compute_v)
      parallel_for(k, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t j = begin; j < end; ++j)
          for (std::int64_t c = 0; c < cols; ++c)
            r.Vt[static_cast<std::size_t>(j * cols + c)] = sign[static_cast<std::size_t>(j)] * right(c, j);
      });
    return r;
  } catch (const std::bad_alloc&) {
    throw Error(ErrorCode::OutOfMemory,
                "Out of memory: randomized SVD of a " + std::to_string(rows) + " x " + std::to_string(cols) +
                    " matrix needs more memory than is available",
                "A");
  }
}

template <class T>
RsvdResult<T> rsvd(MatrixView<const T> A, const RsvdOptions& options, const RunControl& control) {
  expect_view(A, "A");
  const DenseOperator<T> op(A);
  return rsvd<T>(op, options, control);
}

template <class T>
RsvdResult<T> rsvd(const CsrView<T>& A, const RsvdOptions& options, const RunControl& control) {
  validate_csr(A, "A");
  const CsrOperator<T> op(A);
  return rsvd<T>(op, options, control);
}

template RsvdResult<float> rsvd<float>(const LinearOperator<float>&, const RsvdOptions&, const RunControl&);
template RsvdResult<double> rsvd<double>(const LinearOperator<double>&, const RsvdOptions&, const RunControl&);
template RsvdResult<float> rsvd<float>(MatrixView<const float>, const RsvdOptions&, const RunControl&);
template RsvdResult<double> rsvd<double>(MatrixView<const double>, const RsvdOptions&, const RunControl&);
template RsvdResult<float> rsvd<float>(const CsrView<float>&, const RsvdOptions&, const RunControl&);
template RsvdResult<double> rsvd<double>(const CsrView<double>&, const RsvdOptions&, const RunControl&);

}  // namespace randla
