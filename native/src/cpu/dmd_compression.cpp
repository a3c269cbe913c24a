// QR compression of the snapshots (docs/algorithms/dmd.md, "Compression"): for tall snapshot
// matrices (N ≥ 2c) every DMD quantity is invariant under the orthonormal Q of X = Q·R — the
// singular values and right vectors of X₁ are R₁'s, Ã = U_Rᴴ·R₂·V·Σ⁻¹, the residuals and
// amplitudes are norms and least-squares fits that Q preserves — so the variants run on the
// c x c R and only the r modes are lifted, Φ = Q·Φ_R. One Householder QR (2Nc² flops) and one
// application of Q to r columns (4Ncr) replace the thin SVD of an N x c matrix with its N x c
// left factor (a QR, the forming of Q and an N x c x c product).
#include <algorithm>
#include <complex>
#include <cstdint>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/dmd_internal.hpp"
#include "randla/error.hpp"

extern "C" {
void zgeqrf_(const int* m, const int* n, void* a, const int* lda, void* tau, void* work, const int* lwork, int* info);
void zunmqr_(const char* side, const char* trans, const int* m, const int* n, const int* k, const void* a,
             const int* lda, const void* tau, void* c, const int* ldc, void* work, const int* lwork, int* info,
             std::size_t side_len, std::size_t trans_len);
}

namespace randla::dmd_detail {
namespace {

void geqrf_any(int m, int n, double* a, double* tau, int* info) {
  int lwork = -1;
  double query = 0;
  blas::geqrf(m, n, a, m, tau, &query, lwork, info);
  blas::check_info(*info, "geqrf");
  lwork = std::max(1, static_cast<int>(query));
  std::vector<double> work(static_cast<std::size_t>(lwork));
  blas::geqrf(m, n, a, m, tau, work.data(), lwork, info);
  blas::check_info(*info, "geqrf");
}

void geqrf_any(int m, int n, cplx* a, cplx* tau, int* info) {
  int lwork = -1;
  cplx query;
  zgeqrf_(&m, &n, a, &m, tau, &query, &lwork, info);
  blas::check_info(*info, "zgeqrf");
  lwork = std::max(1, static_cast<int>(query.real()));
  std::vector<cplx> work(static_cast<std::size_t>(lwork));
  zgeqrf_(&m, &n, a, &m, tau, work.data(), &lwork, info);
  blas::check_info(*info, "zgeqrf");
}

// C ← Q·C for Q of the k reflectors in a (m x k), C m x n.
void apply_q_any(int m, int n, int k, const double* a, const double* tau, double* c) {
  int info = 0, lwork = -1;
  double query = 0;
  blas::ormqr('L', 'N', m, n, k, a, m, tau, c, m, &query, lwork, &info);
  blas::check_info(info, "ormqr");
  lwork = std::max(1, static_cast<int>(query));
  std::vector<double> work(static_cast<std::size_t>(lwork));
  blas::ormqr('L', 'N', m, n, k, a, m, tau, c, m, work.data(), lwork, &info);
  blas::check_info(info, "ormqr");
}

void apply_q_any(int m, int n, int k, const cplx* a, const cplx* tau, cplx* c) {
  const char side = 'L', trans = 'N';
  int info = 0, lwork = -1;
  cplx query;
  zunmqr_(&side, &trans, &m, &n, &k, a, &m, tau, c, &m, &query, &lwork, &info, 1, 1);
  blas::check_info(info, "zunmqr");
  lwork = std::max(1, static_cast<int>(query.real()));
  std::vector<cplx> work(static_cast<std::size_t>(lwork));
  zunmqr_(&side, &trans, &m, &n, &k, a, &m, tau, c, &m, work.data(), &lwork, &info, 1, 1);
  blas::check_info(info, "zunmqr");
}

}  // namespace

template <class T>
QrCompression<T> compress(Mat<T> X) {
  const std::int64_t N = X.rows, c = X.cols;
  RANDLA_EXPECTS(N >= c, "X") << "Expected at least as many rows as columns to compress but received " << N << " x " << c;
  QrCompression<T> q;
  q.tau.resize(static_cast<std::size_t>(c));
  int info = 0;
  geqrf_any(blas::dim(N, "rows"), blas::dim(c, "cols"), X.data.data(), q.tau.data(), &info);
  q.R = Mat<T>(c, c);
  for (std::int64_t j = 0; j < c; ++j)
    for (std::int64_t i = 0; i <= j; ++i) q.R(i, j) = X(i, j);
  q.reflectors = std::move(X);
  return q;
}

template <>
Mat<cplx> apply_q<double>(const QrCompression<double>& q, const Mat<cplx>& M) {
  // Real Q: its reflectors applied to M's real and imaginary parts, zero-padded to N rows.
  const std::int64_t N = q.reflectors.rows, c = q.reflectors.cols, r = M.cols;
  Mat<double> re(N, 2 * r);
  for (std::int64_t j = 0; j < r; ++j)
    for (std::int64_t i = 0; i < c; ++i) {
      re(i, j) = M(i, j).real();
      re(i, r + j) = M(i, j).imag();
    }
  apply_q_any(blas::dim(N, "rows"), blas::dim(2 * r, "cols"), blas::dim(c, "k"), q.reflectors.data.data(), q.tau.data(),
              re.data.data());
  Mat<cplx> out(N, r);
  for (std::int64_t j = 0; j < r; ++j)
    for (std::int64_t i = 0; i < N; ++i) out(i, j) = {re(i, j), re(i, r + j)};
  return out;
}

template <>
Mat<cplx> apply_q<cplx>(const QrCompression<cplx>& q, const Mat<cplx>& M) {
  const std::int64_t N = q.reflectors.rows, c = q.reflectors.cols, r = M.cols;
  Mat<cplx> out(N, r);
  for (std::int64_t j = 0; j < r; ++j) std::copy(M.col(j), M.col(j) + c, out.col(j));
  apply_q_any(blas::dim(N, "rows"), blas::dim(r, "cols"), blas::dim(c, "k"), q.reflectors.data.data(), q.tau.data(),
              out.data.data());
  return out;
}

template QrCompression<double> compress<double>(Mat<double>);
template QrCompression<cplx> compress<cplx>(Mat<cplx>);

}  // namespace randla::dmd_detail
