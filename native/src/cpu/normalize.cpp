// Re-normalisation of sample blocks between power iterations (docs/algorithms/rsvd.md):
// Householder QR; LU with partial pivoting as scikit-learn/fbpca; CholeskyQR2 (Yamamoto,
// Nakatsukasa, Yanagisawa, Fukaya 2015) with the shifted CholeskyQR3 fallback of Fukaya,
// Kannan, Nakatsukasa, Zhang, Yanagisawa, SISC 2020, Algorithm 4.2. Deviations: the last
// CholeskyQR step multiplies by the explicit inverse of R, and a pivot below 1/2 there counts
// as a failed Cholesky (Householder QR follows).
#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "randla/rsvd.hpp"
#include "randla/threads.hpp"

namespace randla {
namespace {

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

// The upper triangle of G = YᵀY (l x l): the only pass over Y that CholeskyQR needs besides the
// triangular solve. Summed over fixed blocks of kGramRows rows (also the blocks of the solve),
// one single-threaded syrk each, spread over the threads, and the partial Gram matrices added in
// block order: OpenBLAS's own threaded syrk runs this shape (m ≫ l) at half the speed (100000 ×
// 30 f64: 6.4 → 3.3 ms, 2 threads), and the fixed blocks keep G independent of the thread count.
constexpr std::int64_t kGramRows = 2048;

template <class T>
void gram(const DenseMatrix<T>& Y, std::vector<T>& G) {
  const std::int64_t m = Y.rows, l = Y.cols, ll = l * l;
  const int ld = blas::dim(std::max<std::int64_t>(1, m), "rows"), n = blas::dim(l, "cols");
  G.assign(static_cast<std::size_t>(ll), T(0));
  const std::int64_t blocks = (m + kGramRows - 1) / kGramRows;
  if (blocks <= 1) {
    const SingleThreadedBlas single;
    blas::syrk(CblasUpper, CblasTrans, n, static_cast<int>(m), T(1), Y.data.data(), ld, T(0), G.data(), n);
    return;
  }
  std::vector<T> partial(static_cast<std::size_t>(blocks * ll));
  {
    const SingleThreadedBlas single;
    parallel_for(blocks, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t b = begin; b < end; ++b) {
        const int rows = static_cast<int>(std::min(kGramRows, m - b * kGramRows));
        blas::syrk(CblasUpper, CblasTrans, n, rows, T(1), Y.data.data() + b * kGramRows, ld, T(0),
                   partial.data() + b * ll, n);
      }
    });
  }
  for (std::int64_t b = 0; b < blocks; ++b)
    for (std::int64_t j = 0; j < l; ++j)
      for (std::int64_t i = 0; i <= j; ++i) G[static_cast<std::size_t>(i + j * l)] += partial[static_cast<std::size_t>(b * ll + i + j * l)];
}

// Y ← Y·R⁻¹ with R the upper Cholesky factor of G (G is overwritten). False, with Y untouched,
// when the Cholesky fails: potrf finds G numerically not positive definite, or, in the `last`
// step, whose input the previous step has made orthonormal to O(κ²u) < 1, a pivot R_jj < 1/2
// shows it did not (σ_min ≤ min R_jj: Y was numerically rank deficient, and a tiny positive
// pivot let rounding noise through). The last step multiplies by the explicit l x l inverse
// (trtri + trmm): with κ(R) ≈ 1 that is as accurate as the solve and about twice as fast as
// trsm on tall blocks; earlier steps, where κ(R) may reach u^(-1/2), keep the backward-stable
// solve of the CholeskyQR2 analysis.
template <class T>
bool divide_by_cholesky(DenseMatrix<T>& Y, std::vector<T>& G, bool last) {
  const int m = blas::dim(Y.rows, "rows"), l = blas::dim(Y.cols, "cols");
  int info = 0;
  blas::potrf('U', l, G.data(), l, &info);
  blas::check_info(info, "potrf");
  if (info > 0) return false;
  if (last) {
    for (int j = 0; j < l; ++j)
      if (!(G[static_cast<std::size_t>(j) * static_cast<std::size_t>(l + 1)] >= T(0.5))) return false;
    blas::trtri('U', 'N', l, G.data(), l, &info);
    blas::check_info(info, "trtri");
    if (info > 0) return false;  // an exactly zero pivot: potrf would not have passed it
  }
  // Rows of Y·R⁻¹ are independent: fixed row blocks, one single-threaded call each, so the bits
  // do not depend on the thread count (OpenBLAS's threaded trsm/trmm change them), at the speed
  // of the threaded call.
  const SingleThreadedBlas single;
  const std::int64_t blocks = (Y.rows + kGramRows - 1) / kGramRows;
  parallel_for(blocks, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t b = begin; b < end; ++b) {
      const int rows = static_cast<int>(std::min(kGramRows, Y.rows - b * kGramRows));
      T* y = Y.data.data() + b * kGramRows;
      if (last)
        blas::trmm(CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, rows, l, T(1), G.data(), l, y, std::max(1, m));
      else
        blas::trsm(CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, rows, l, T(1), G.data(), l, y, std::max(1, m));
    }
  });
  return true;
}

// One CholeskyQR step on the current Y: a fresh Gram matrix, its Cholesky factor, the division.
template <class T>
bool cholesky_qr_step(DenseMatrix<T>& Y, std::vector<T>& G, bool last) {
  gram(Y, G);
  return divide_by_cholesky(Y, G, last);
}

// Householder QR of the current Y: the last resort when Y is numerically rank deficient.
template <class T>
void householder(DenseMatrix<T>& Y) {
  blas::thin_q(blas::dim(Y.rows, "rows"), blas::dim(Y.cols, "cols"), Y.data.data(),
               blas::dim(std::max<std::int64_t>(1, Y.rows), "ld"));
}

// CholeskyQR2: two CholeskyQR steps, all BLAS-3 (syrk, potrf on l x l, trsm), where Householder
// QR factors panels with BLAS-2; orthonormal to O(u) when κ(Y) ≲ u^(-1/2). Beyond that the
// first Gram matrix is not numerically positive definite, and the shift
// s = 11(ml + l(l+1))·u·‖Y‖²_F of Fukaya et al. (Alg. 4.2, ‖Y‖_F in place of ‖Y‖₂) makes a first
// step that brings κ down to about u^(-1/2), after which CholeskyQR2 finishes the job.
template <class T>
void cholesky_qr2(DenseMatrix<T>& Y) {
  if (Y.cols == 0) return;
  std::vector<T> G;
  gram(Y, G);
  std::vector<T> shifted = G;  // potrf overwrites G; the shifted attempt needs the same Gram matrix
  if (divide_by_cholesky(Y, G, false)) {
    if (!cholesky_qr_step(Y, G, true)) householder(Y);
    return;
  }
  const double m = static_cast<double>(Y.rows), l = static_cast<double>(Y.cols);
  const double u = std::numeric_limits<T>::epsilon() / 2;  // unit roundoff
  double frobenius_squared = 0;
  for (std::int64_t j = 0; j < Y.cols; ++j)
    frobenius_squared += static_cast<double>(shifted[static_cast<std::size_t>(j + j * Y.cols)]);
  const T shift = static_cast<T>(11 * (m * l + l * (l + 1)) * u * frobenius_squared);
  for (std::int64_t j = 0; j < Y.cols; ++j) shifted[static_cast<std::size_t>(j + j * Y.cols)] += shift;
  if (!divide_by_cholesky(Y, shifted, false) || !cholesky_qr_step(Y, G, false) || !cholesky_qr_step(Y, G, true))
    householder(Y);
}

}  // namespace

Normalizer resolve_normalizer(Normalizer normalizer, std::int64_t power_iters) {
  if (normalizer != Normalizer::Auto) return normalizer;
  return power_iters <= 2 ? Normalizer::None : Normalizer::LU;
}

std::int64_t auto_power_iters(std::int64_t rank, std::int64_t rows, std::int64_t cols) {
  // scikit-learn: n_iter = 7 if n_components < .1 * min(X.shape) else 4 (exact in integers).
  return 10 * rank < std::min(rows, cols) ? 7 : 4;
}

template <class T>
void normalize(DenseMatrix<T>& Y, Normalizer normalizer) {
  RANDLA_EXPECTS_CODE(Y.rows >= Y.cols || normalizer == Normalizer::None, ErrorCode::Shape, "Y")
      << "Expected a block with at least as many rows as columns for Y but received " << Y.rows << " x " << Y.cols;
  switch (normalizer) {
    case Normalizer::QR: householder(Y); return;
    case Normalizer::LU: permuted_lower(Y); return;
    case Normalizer::CholQR2: cholesky_qr2(Y); return;
    case Normalizer::None: return;
    case Normalizer::Auto: break;
  }
  throw Error(ErrorCode::Internal, "normalize: Normalizer::Auto must be resolved first", "normalizer");
}

template void normalize<float>(DenseMatrix<float>&, Normalizer);
template void normalize<double>(DenseMatrix<double>&, Normalizer);

}  // namespace randla
