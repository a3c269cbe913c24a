// QR compression of the snapshots (docs/algorithms/dmd.md, "Compression"): for tall snapshot
// matrices (N ≥ 2c) every DMD quantity is invariant under the orthonormal Q of X = Q·R — the
// singular values and right vectors of X₁ are R₁'s, Ã = U_Rᴴ·R₂·V·Σ⁻¹, the residuals and
// amplitudes are norms and least-squares fits that Q preserves — so the variants run on the
// c x c R and only the r modes are lifted, Φ = Q·Φ_R. One Householder QR (2Nc² flops) and one
// application of Q to r columns (4Ncr) replace the thin SVD of an N x c matrix with its N x c
// left factor (a QR, the forming of Q and an N x c x c product). The QR is tall-skinny (TSQR):
// at 20000 x 400 on 2 threads, 2 x 2 independent blocks and their stacked R took ~135 ms where
// one threaded dgeqrf took ~217 ms (its panels are BLAS-2 and barely parallel).
#include <algorithm>
#include <complex>
#include <cstdint>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/dmd_internal.hpp"
#include "randla/error.hpp"
#include "randla/threads.hpp"

namespace randla::dmd_detail {
namespace {

// Blocks of at least 8c rows, at most 4: enough to use the threads of a small machine, few
// enough that the stacked (p·c) x c QR stays small. A function of the shape alone.
std::int64_t block_count(std::int64_t N, std::int64_t c) {
  return std::clamp<std::int64_t>(N / (8 * std::max<std::int64_t>(c, 1)), 1, 4);
}

// Q·C in place for C (N x n, ld N) whose rows below the top c·p are zero on entry: Q_top first
// on the stacked top rows, then each block's reflectors on its own rows.
template <class T>
void apply_q_in_place(const QrCompression<T>& q, Mat<T>& C) {
  const std::int64_t N = q.blocks.rows, c = q.blocks.cols, n = C.cols;
  const auto p = static_cast<std::int64_t>(q.tau.size());
  const SingleThreadedBlas single;
  if (p > 1) {
    // C's rows [0, p·c) hold the stacked coordinates; spread block b's c rows to first[b].
    Mat<T> stacked(p * c, n);
    for (std::int64_t j = 0; j < n; ++j) std::copy(C.col(j), C.col(j) + c, stacked.col(j));
    householder_apply(false, blas::dim(p * c, "rows"), blas::dim(n, "cols"), blas::dim(c, "k"), q.top.data.data(),
                blas::dim(p * c, "ld"), q.top_tau.data(), stacked.data.data(), blas::dim(p * c, "ld"));
    std::fill(C.data.begin(), C.data.end(), T(0));
    for (std::int64_t b = 0; b < p; ++b)
      for (std::int64_t j = 0; j < n; ++j)
        std::copy(stacked.col(j) + b * c, stacked.col(j) + (b + 1) * c, C.col(j) + q.first[static_cast<std::size_t>(b)]);
  }
  parallel_for(p, [&](std::int64_t b0, std::int64_t b1) {
    for (std::int64_t b = b0; b < b1; ++b) {
      const std::int64_t r0 = q.first[static_cast<std::size_t>(b)], rows = q.first[static_cast<std::size_t>(b) + 1] - r0;
      householder_apply(false, blas::dim(rows, "rows"), blas::dim(n, "cols"), blas::dim(c, "k"), q.blocks.data.data() + r0,
                  blas::dim(N, "ld"), q.tau[static_cast<std::size_t>(b)].data(), C.data.data() + r0, blas::dim(N, "ld"));
    }
  });
}

}  // namespace

template <class T>
QrCompression<T> compress(Mat<T> X) {
  const std::int64_t N = X.rows, c = X.cols;
  RANDLA_EXPECTS(N >= c, "X") << "Expected at least as many rows as columns to compress but received " << N << " x " << c;
  QrCompression<T> q;
  const std::int64_t p = block_count(N, c);
  for (std::int64_t b = 0; b <= p; ++b) q.first.push_back(N * b / p);
  q.tau.assign(static_cast<std::size_t>(p), std::vector<T>(static_cast<std::size_t>(c)));
  const SingleThreadedBlas single;
  // Each row block in place (ld = N), single-threaded, the blocks over the threads.
  parallel_for(p, [&](std::int64_t b0, std::int64_t b1) {
    for (std::int64_t b = b0; b < b1; ++b) {
      const std::int64_t r0 = q.first[static_cast<std::size_t>(b)], rows = q.first[static_cast<std::size_t>(b) + 1] - r0;
      householder_qr(blas::dim(rows, "rows"), blas::dim(c, "cols"), X.data.data() + r0, blas::dim(N, "ld"),
                q.tau[static_cast<std::size_t>(b)].data());
    }
  });
  q.R = Mat<T>(c, c);
  if (p == 1) {
    for (std::int64_t j = 0; j < c; ++j)
      for (std::int64_t i = 0; i <= j; ++i) q.R(i, j) = X(i, j);
  } else {
    // The stacked R_b (p·c x c), then its QR: R = R_top.
    q.top = Mat<T>(p * c, c);
    for (std::int64_t b = 0; b < p; ++b) {
      const std::int64_t r0 = q.first[static_cast<std::size_t>(b)];
      for (std::int64_t j = 0; j < c; ++j)
        for (std::int64_t i = 0; i <= j; ++i) q.top(b * c + i, j) = X(r0 + i, j);
    }
    q.top_tau.resize(static_cast<std::size_t>(c));
    householder_qr(blas::dim(p * c, "rows"), blas::dim(c, "cols"), q.top.data.data(), blas::dim(p * c, "ld"), q.top_tau.data());
    for (std::int64_t j = 0; j < c; ++j)
      for (std::int64_t i = 0; i <= j; ++i) q.R(i, j) = q.top(i, j);
  }
  q.blocks = std::move(X);
  return q;
}

template <>
Mat<cplx> apply_q<double>(const QrCompression<double>& q, const Mat<cplx>& M) {
  // Real Q: applied to M's real and imaginary parts side by side, zero-padded to N rows.
  const std::int64_t N = q.blocks.rows, c = q.blocks.cols, r = M.cols;
  Mat<double> C(N, 2 * r);
  for (std::int64_t j = 0; j < r; ++j)
    for (std::int64_t i = 0; i < c; ++i) {
      C(i, j) = M(i, j).real();
      C(i, r + j) = M(i, j).imag();
    }
  apply_q_in_place(q, C);
  Mat<cplx> out(N, r);
  for (std::int64_t j = 0; j < r; ++j)
    for (std::int64_t i = 0; i < N; ++i) out(i, j) = {C(i, j), C(i, r + j)};
  return out;
}

template <>
Mat<cplx> apply_q<cplx>(const QrCompression<cplx>& q, const Mat<cplx>& M) {
  const std::int64_t N = q.blocks.rows, c = q.blocks.cols, r = M.cols;
  Mat<cplx> C(N, r);
  for (std::int64_t j = 0; j < r; ++j) std::copy(M.col(j), M.col(j) + c, C.col(j));
  apply_q_in_place(q, C);
  return C;
}

template QrCompression<double> compress<double>(Mat<double>);
template QrCompression<cplx> compress<cplx>(Mat<cplx>);

}  // namespace randla::dmd_detail
