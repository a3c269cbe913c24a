// Internal pieces of the DMD sources (docs/algorithms/dmd.md): LAPACK/BLAS for real (double) and
// complex (std::complex<double>) blocks behind one templated interface, and the steps every
// variant shares (the reduced operator of the pairs, the eigenvectors' normalisation and order,
// the modes and residuals). Real input stays in real arithmetic until the r x r eigenproblem,
// whose complex pairs dgeev returns as exact conjugates.
#pragma once

#include <complex>
#include <cstdint>
#include <vector>

#include "randla/dense_matrix.hpp"
#include "randla/dmd.hpp"

namespace randla::dmd_detail {

using cplx = std::complex<double>;
template <class T>
using Mat = DenseMatrix<T>;

template <class T>
inline constexpr bool is_complex = std::is_same_v<T, cplx>;

// The conjugate (identity for real).
inline double conj_of(double x) { return x; }
inline cplx conj_of(cplx x) { return std::conj(x); }

// --- BLAS/LAPACK for double and complex ---

// C = alpha·op(A)·op(B) + beta·C, col-major; op ∈ 'N', 'T', 'C' (C = conjugate transpose).
template <class T>
void gemm(char op_a, char op_b, std::int64_t m, std::int64_t n, std::int64_t k, T alpha, const T* A, std::int64_t lda,
          const T* B, std::int64_t ldb, T beta, T* C, std::int64_t ldc);
// op(A)·op(B) of whole matrices.
template <class T>
Mat<T> product(char op_a, const Mat<T>& A, char op_b, const Mat<T>& B);

template <class T>
struct ThinSvd {
  Mat<T> U;               // m x p
  std::vector<double> s;  // p = min(m, n), non-increasing
  Mat<T> Vh;              // p x n
};
// LAPACK gesdd ('S') of A (taken by value: LAPACK overwrites it).
template <class T>
ThinSvd<T> thin_svd(Mat<T> A);

struct Eigen {
  std::vector<cplx> values;
  Mat<cplx> vectors;  // right eigenvectors as columns
};
// LAPACK geev of the square A (by value). Real A: conjugate pairs as exact conjugates.
template <class T>
Eigen eigen(Mat<T> A);

// X with A·X = B (LAPACK gesv; A square, by value). Throws NotConverged when A is singular.
template <class T>
Mat<T> solve(Mat<T> A, Mat<T> B, const char* argument);

// Householder QR of the m x n a (ld lda) in place: R above the diagonal, reflectors below.
void householder_qr(int m, int n, double* a, int lda, double* tau);
void householder_qr(int m, int n, cplx* a, int lda, cplx* tau);
// C ← Q·C, or Qᴴ·C when `adjoint`, for Q of the k reflectors in a (m x k, ld lda); C m x n.
void householder_apply(bool adjoint, int m, int n, int k, const double* a, int lda, const double* tau, double* c,
                       int ldc);
void householder_apply(bool adjoint, int m, int n, int k, const cplx* a, int lda, const cplx* tau, cplx* c, int ldc);

// Hermitian positive definite A·x = b by Cholesky (zpotrf/zpotrs); false when A is not PD.
bool cholesky_solve(Mat<cplx> A, std::vector<cplx>& b);

// --- Shared DMD steps ---

// The rank-r reduction of the pairs (X₁, X₂) (N x m' each): X₁ = UΣVᴴ truncated to r,
// XVS = X₂·V·Σ⁻¹ (N x r), Ã = Uᴴ·XVS (r x r). `sigma` holds all singular values of X₁.
template <class T>
struct Reduced {
  Mat<T> U;                   // N x r
  Mat<T> V;                   // m' x r
  std::vector<double> sigma;  // all, non-increasing
  Mat<T> XVS;                 // N x r
  Mat<T> Atilde;              // r x r
  std::int64_t r = 0;
};
// `rows`: the row count the rank rule's β uses (0: X₁'s own; the snapshots' N when the pairs are
// the compressed R of X = Q·R).
template <class T>
Reduced<T> reduce_pairs(const Mat<T>& X1, const Mat<T>& X2, double rank, DmdThreshold threshold, std::int64_t rows = 0);

// W's columns to unit norm, then values and vectors ordered by imaginary part, then real part
// (docs/algorithms/dmd.md, "Normalisation", "Order").
void normalize_and_order(Eigen& e);

// A·W for a real or complex A and a complex W.
template <class T>
Mat<cplx> times_complex(const Mat<T>& A, const Mat<cplx>& W);

// ‖XVS·wⱼ − λⱼ·U·wⱼ‖₂ for each column wⱼ of e.vectors.
template <class T>
std::vector<double> ritz_residuals(const Mat<T>& XVS, const Mat<T>& U, const Eigen& e);

// What a variant hands the driver: eigenpairs (normalised, ordered), modes in the working
// space (N x r), residuals, the singular values reported and the rank kept.
struct VariantResult {
  Eigen eig;
  Mat<cplx> modes;
  // 'first' amplitudes through the modes' real (or complex) basis: Φ = B·W, b = W⁻¹·(B⁺·x₀).
  std::vector<cplx> first_amplitudes;
  std::vector<double> residuals;
  std::vector<double> singular_values;
  std::int64_t rank = 0;
};

// x0: the snapshot the 'first' amplitudes fit (nullptr: X₁'s first column).
template <class T>
VariantResult exact_dmd(const Mat<T>& X1, const Mat<T>& X2, const DmdOptions& o, bool projected,
                        const T* x0 = nullptr, std::int64_t rows = 0);
template <class T>
VariantResult forward_backward_dmd(const Mat<T>& X1, const Mat<T>& X2, const DmdOptions& o, std::int64_t rows = 0);
template <class T>
VariantResult total_least_squares_dmd(const Mat<T>& X1, const Mat<T>& X2, const DmdOptions& o, std::int64_t rows = 0);

// The snapshots compressed by their thin QR, X = Q·R (N x c → c x c, N >= c): every quantity of
// the variants above is invariant under Q, so they run on R's columns and only the modes are
// lifted back, Φ = Q·Φ_R (one application of Q to r columns instead of an N-row SVD).
// Tall-skinny QR (Demmel, Grigori, Hoemmen, Langou 2012): p row blocks factorized independently
// in parallel, then the QR of their stacked R factors; Q = diag(Q_b)·Q_top. p depends on the shape
// only, and every factorization is single-threaded, so the result is the same on any thread count.
template <class T>
struct QrCompression {
  Mat<T> blocks;                    // X overwritten by each row block's reflectors (ld = N)
  std::vector<std::int64_t> first;  // block b holds rows first[b] … first[b + 1] − 1
  std::vector<std::vector<T>> tau;  // per block
  Mat<T> top;                       // the reflectors of the stacked R's QR (p·c x c), when p > 1
  std::vector<T> top_tau;
  Mat<T> R;                         // c x c, upper triangular
};
template <class T>
QrCompression<T> compress(Mat<T> X);
// Q·M for a complex M with c rows: N x cols.
template <class T>
Mat<cplx> apply_q(const QrCompression<T>& q, const Mat<cplx>& M);
// Real only: the QB of the whole X (N x m), then exact DMD of B's pairs, modes lifted by Q.
VariantResult randomized_dmd(MatrixView<const double> X, const DmdOptions& o);

// Preprocessing (docs/algorithms/dmd.md, "Preprocessing"): the Hankel matrix of X with d delays
// ((N·d) x (m − d + 1)); the HODMD projection X ≈ U₀·(Σ₀V₀ᴴ) to the rank rule's r₀.
template <class T>
Mat<T> hankel(const Mat<T>& X, std::int64_t delays);
template <class T>
struct Projection {
  Mat<T> U0;       // n x r₀
  Mat<T> reduced;  // r₀ x m: Σ₀[:r₀]·V₀[:, :r₀]ᴴ
};
template <class T>
Projection<T> project(const Mat<T>& X, double project_rank, DmdThreshold threshold);

// Amplitudes (docs/algorithms/dmd.md, "Amplitudes"): least squares on x₀, or the minimisers of
// ‖X − Φ·diag(b)·V_λ‖_F over the columns of X.
template <class T>
std::vector<cplx> first_snapshot_amplitudes(const Mat<cplx>& modes, const Mat<T>& X);
// The same b for modes Φ = B·W (B N x r, W r x r invertible): W⁻¹·(B⁺·x₀), x₀ = X's first column.
// A real factorization of B for real input instead of a complex one of Φ (dmdBatch's hot path);
// falls back to the SVD of Φ when W is singular (a defective reduced operator).
template <class T>
std::vector<cplx> basis_amplitudes(const Mat<T>& B, const Mat<cplx>& W, const T* x0, const Mat<cplx>& modes);
template <class T>
std::vector<cplx> optimal_amplitudes(const Mat<cplx>& modes, const std::vector<cplx>& eigs, MatrixView<const T> X);

}  // namespace randla::dmd_detail
