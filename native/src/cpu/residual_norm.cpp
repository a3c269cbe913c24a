// A posteriori error of a low-rank approximation: ‖A − U·diag(S)·Vᵀ‖₂ by a block power method on
// the residual, as fbpca's diffsnorm (Halko, Martinsson, Tropp 2011, §4.3 and §6.2), with a
// block of start vectors instead of one (docs/algorithms/rsvd.md, "A posteriori error").
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "randla/rsvd.hpp"

namespace randla {
namespace {

// Rows of X scaled by S: diag(S)·X.
template <class T>
void scale_rows(const std::vector<double>& S, DenseMatrix<T>& X) {
  for (std::int64_t j = 0; j < X.cols; ++j) {
    T* x = X.col(j);
    for (std::int64_t i = 0; i < X.rows; ++i) x[i] = static_cast<T>(S[static_cast<std::size_t>(i)] * static_cast<double>(x[i]));
  }
}

// σ_max(W) as √λ_max(WᵀW), the small Gram matrix accumulated in f64: squaring costs accuracy
// only in the small singular values, never in the largest.
template <class T>
double largest_singular_value(const DenseMatrix<T>& W) {
  const std::int64_t m = W.rows, s = W.cols;
  std::vector<double> G(static_cast<std::size_t>(s * s), 0.0);
  for (std::int64_t a = 0; a < s; ++a)
    for (std::int64_t b = a; b < s; ++b) {
      const T* x = W.col(a);
      const T* y = W.col(b);
      double dot = 0;
      for (std::int64_t i = 0; i < m; ++i) dot += static_cast<double>(x[i]) * static_cast<double>(y[i]);
      G[static_cast<std::size_t>(a + b * s)] = G[static_cast<std::size_t>(b + a * s)] = dot;
    }
  const int d = blas::dim(s, "block");
  const blas::SvdFactors f = blas::svd(d, d, G.data(), d);
  return std::sqrt(std::max(0.0, f.s[0]));
}

}  // namespace

template <class T>
double residual_norm(const LinearOperator<T>& A, const DenseMatrix<T>& U, const std::vector<double>& S,
                     const DenseMatrix<T>& V, const ResidualNormOptions& options, PassCounter& passes) {
  const std::int64_t m = A.rows(), n = A.cols(), k = U.cols;
  RANDLA_EXPECTS(options.iters >= 1, "error_iters")
      << "Expected a positive integer for error_iters but received " << options.iters;
  RANDLA_EXPECTS(options.block >= 1, "block")
      << "Expected a positive integer for block but received " << options.block;
  RANDLA_EXPECTS_CODE(U.rows == m && V.rows == n && V.cols == k && static_cast<std::int64_t>(S.size()) == k,
                      ErrorCode::Shape, "U")
      << "Expected U " << m << " x k, V " << n << " x k and k values in S but received U " << U.rows << " x "
      << U.cols << ", V " << V.rows << " x " << V.cols << ", " << S.size() << " values";

  TestMatrixSpec spec;
  spec.kind = TestMatrixKind::Gaussian;
  spec.seed = options.seed;
  spec.stream = Stream::ErrorEstimate;
  spec.rows = n;
  spec.cols = std::min(options.block, n);
  DenseMatrix<T> X(spec.rows, spec.cols), C, W, Z, P;
  fill_test_matrix(X.view(), spec);
  normalize(X, Normalizer::QR);

  double estimate = 0;
  for (std::int64_t it = 0; it < options.iters; ++it) {
    passes.check();
    // W = AX − U·(diag(S)·VᵀX) and Z = AᵀW, fused into one pass over dense A.
    blas::multiply(true, false, T(1), V, X, T(0), C);
    scale_rows(S, C);
    A.apply_gram(X, &U, &C, W, Z);
    // Z −= V·diag(S)·(UᵀW): Z = RᵀR·X.
    blas::multiply(true, false, T(1), U, W, T(0), P);
    scale_rows(S, P);
    if (k > 0) blas::multiply(false, false, T(-1), V, P, T(1), Z);
    estimate = largest_singular_value(W);
    passes.pass(A.gram_passes());
    if (it + 1 < options.iters) {
      X = std::move(Z);
      normalize(X, Normalizer::QR);
    }
  }
  return estimate;
}

template double residual_norm<float>(const LinearOperator<float>&, const DenseMatrix<float>&, const std::vector<double>&,
                                     const DenseMatrix<float>&, const ResidualNormOptions&, PassCounter&);
template double residual_norm<double>(const LinearOperator<double>&, const DenseMatrix<double>&, const std::vector<double>&,
                                      const DenseMatrix<double>&, const ResidualNormOptions&, PassCounter&);

}  // namespace randla
