// Randomized SVD: Halko, Martinsson, Tropp, "Finding structure with randomness", SIAM Review
// 2011, Algorithms 4.3/4.4 (range finder) and 5.1 (direct SVD); fixed accuracy by the blocked
// adaptive QB of Yu, Gu, Li, SIMAX 2018 (Algorithm 2, randQB_EI); the a posteriori error by a
// block power method on the residual (fbpca's diffsnorm). The passes are specified exactly in
// docs/algorithms/rsvd.md; every backend runs the same ones.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "randla/control.hpp"
#include "randla/csr.hpp"
#include "randla/dense_matrix.hpp"
#include "randla/linear_operator.hpp"
#include "randla/matrix_view.hpp"
#include "randla/test_matrix.hpp"

namespace randla {

// How a sample block is re-normalised between power iterations.
//   QR       thin Q of Householder QR
//   LU       P·L of LU with partial pivoting (scikit-learn, fbpca): same range, half the flops
//   CholQR2  CholeskyQR2 (Yamamoto et al. 2015), shifted CholeskyQR3 (Fukaya et al. 2020) when the
//            Gram matrix is numerically not positive definite
//   None     no re-normalisation (HMT Alg. 4.3): loses accuracy once q is large
//   Auto     scikit-learn's rule: None when q <= 2, else LU
enum class Normalizer { Auto, QR, LU, CholQR2, None };

constexpr const char* normalizer_name(Normalizer n) noexcept {
  switch (n) {
    case Normalizer::Auto: return "auto";
    case Normalizer::QR: return "qr";
    case Normalizer::LU: return "lu";
    case Normalizer::CholQR2: return "cholqr2";
    case Normalizer::None: return "none";
  }
  return "qr";
}
// The normalizer named `name` ('qr', 'lu', 'cholqr2', 'none', 'auto'); false when there is none.
constexpr bool parse_normalizer(std::string_view name, Normalizer& n) noexcept {
  for (Normalizer k : {Normalizer::Auto, Normalizer::QR, Normalizer::LU, Normalizer::CholQR2, Normalizer::None}) {
    if (name == normalizer_name(k)) {
      n = k;
      return true;
    }
  }
  return false;
}

// Whether the range finder runs on A or Aᵀ. Auto: on the tall orientation (Aᵀ when rows < cols),
// which keeps the sketch l x min(m, n) small (scikit-learn's transpose='auto').
enum class Transpose { Auto, No, Yes };

struct RangeFinderOptions {
  std::int64_t size = 0;         // l: columns of the basis, 1 <= l <= min(m, n)
  std::int64_t power_iters = 2;  // q >= 0
  Normalizer normalizer = Normalizer::QR;  // Auto must be resolved by the caller
  TestMatrixKind test_matrix = TestMatrixKind::Gaussian;
  std::int64_t sparse_nnz = 8;   // ζ for sparse-sign
  std::uint64_t seed = 0;
  // Reject NaN/Inf in A (ErrorCode::NotFinite). With a dense test matrix the first sample
  // Y = A·Ω stands in for a scan of A (range_finder.cpp says why), saving one pass over A.
  bool check_finite = false;
};

// Resolves Normalizer::Auto for q power iterations (scikit-learn's rule).
Normalizer resolve_normalizer(Normalizer normalizer, std::int64_t power_iters);
// scikit-learn's power-iteration rule: 7 when k < 0.1·min(m, n), else 4.
std::int64_t auto_power_iters(std::int64_t rank, std::int64_t rows, std::int64_t cols);

// Y ← normalize(Y) in place (m x l, m >= l). CholQR2 falls back to shifted CholeskyQR3.
template <class T>
void normalize(DenseMatrix<T>& Y, Normalizer normalizer);

// Orthonormal Q (m x l, col-major) whose range approximates A's (HMT Alg. 4.3/4.4): 2q + 1
// products with A or Aᵀ, in range_finder_passes(A, options) passes over A (fewer when adjacent
// products with no normalizer between them stream A once), each reported to `passes`. Ω is
// n x l from Stream::RangeFinder (docs/rng.md).
template <class T>
DenseMatrix<T> range_finder(const LinearOperator<T>& A, const RangeFinderOptions& options, PassCounter& passes);
template <class T>
int range_finder_passes(const LinearOperator<T>& A, const RangeFinderOptions& options);

template <class T>
struct QbFactors {
  DenseMatrix<T> Q;   // m x l, orthonormal columns
  DenseMatrix<T> Bt;  // n x l, Bᵀ = AᵀQ (stored transposed: BLAS's fast case for either layout of A)
};

// A ≈ Q·B with Q from range_finder (range_finder_passes + 1 passes over A).
template <class T>
QbFactors<T> qb(const LinearOperator<T>& A, const RangeFinderOptions& options, PassCounter& passes);
template <class T>
QbFactors<T> qb(MatrixView<const T> A, const RangeFinderOptions& options, const RunControl& control = {});

struct AdaptiveQbOptions {
  double tol = 1e-2;             // target ‖A − QB‖_F / ‖A‖_F, in (0, 1)
  std::int64_t block_size = 10;  // b: columns added per step
  std::int64_t max_rank = 0;     // cap on the columns of Q (0: min(m, n))
  std::int64_t power_iters = 2;  // power iterations per block (Alg. 2, line 5)
  Normalizer normalizer = Normalizer::QR;  // between power iterations; Auto resolved by caller
  TestMatrixKind test_matrix = TestMatrixKind::Gaussian;
  std::int64_t sparse_nnz = 8;
  std::uint64_t seed = 0;
};

template <class T>
struct AdaptiveQbFactors {
  DenseMatrix<T> Q;               // m x K, orthonormal columns, K a multiple of b (or max_rank)
  DenseMatrix<T> Bt;              // n x K
  double norm_squared = 0;        // ‖A‖²_F (one pass)
  double residual_squared = 0;    // ‖A‖²_F − ‖B‖²_F at the stop: ‖A − QB‖²_F without touching A
  bool converged = false;         // residual_squared <= tol²·norm_squared within max_rank
};

// Yu, Gu, Li 2018, Algorithm 2 (randQB_EI): grows Q and B by blocks of b columns until the
// error indicator E = ‖A‖²_F − ‖B‖²_F drops below tol²·‖A‖²_F or K reaches max_rank.
template <class T>
AdaptiveQbFactors<T> adaptive_qb(const LinearOperator<T>& A, const AdaptiveQbOptions& options, PassCounter& passes);

struct ResidualNormOptions {
  std::int64_t iters = 6;        // block power iterations (each one pass over A when fused); 6 keeps
                                 // the estimate >= 0.9·‖R‖₂ on flat (noise) residual spectra
  std::int64_t block = 8;        // start vectors, from Stream::ErrorEstimate
  std::uint64_t seed = 0;
};

// Estimate of ‖A − U·diag(S)·Vᵀ‖₂ (U m x k, V n x k, col-major) by a block power method on the
// residual E: X ← orth(EᵀE·X), the estimate is the largest singular value of E·X (a lower
// bound that converges from below; fbpca's diffsnorm with a block of start vectors).
template <class T>
double residual_norm(const LinearOperator<T>& A, const DenseMatrix<T>& U, const std::vector<double>& S,
                     const DenseMatrix<T>& V, const ResidualNormOptions& options, PassCounter& passes);

struct RsvdOptions {
  std::int64_t rank = 0;             // k, 1 <= k <= min(m, n); 0 with tol > 0: chosen by accuracy
  std::int64_t oversamples = 10;     // p >= 0; l = min(k + p, min(m, n))
  std::int64_t power_iters = 2;      // q >= 0, or -1 for auto_power_iters()
  Normalizer normalizer = Normalizer::QR;
  TestMatrixKind test_matrix = TestMatrixKind::Gaussian;
  std::int64_t sparse_nnz = 8;       // ζ for sparse-sign
  std::uint64_t seed = 0;
  Transpose transpose = Transpose::Auto;
  double tol = 0;                    // > 0 (and < 1): fixed accuracy, relative Frobenius error
  std::int64_t block_size = 10;      // fixed accuracy: b
  std::int64_t max_rank = 0;         // fixed accuracy: cap on the rank (0: min(m, n))
  bool estimate_error = false;       // also estimate ‖A − UΣVᵀ‖₂ (residual_norm)
  std::int64_t error_iters = 6;      // its power iterations (ResidualNormOptions::iters)
  bool center = false;               // factorize A − 1μᵀ, μ the column means, never formed
  bool compute_u = true;
  bool compute_v = true;
  bool check_finite = true;          // reject NaN/Inf in A (ErrorCode::NotFinite)
};

template <class T>
struct RsvdResult {
  std::int64_t rows = 0, cols = 0, rank = 0;
  std::vector<T> U;                  // rows x rank, row-major; empty unless compute_u
  std::vector<double> S;             // rank, non-increasing
  std::vector<T> Vt;                 // rank x cols, row-major; empty unless compute_v
  std::int64_t power_iters = 0;      // what ran (after auto)
  Normalizer normalizer = Normalizer::QR;
  double relative_error = std::numeric_limits<double>::quiet_NaN();  // fixed accuracy: ‖A − UΣVᵀ‖_F/‖A‖_F estimate
  bool converged = true;             // fixed accuracy: tol met within max_rank
  double spectral_error = std::numeric_limits<double>::quiet_NaN();  // estimate_error: ‖A − UΣVᵀ‖₂ estimate
  std::vector<double> mean;          // center: the column means μ (cols)
};

// A ≈ U diag(S) Vt, canonical signs: the largest-|.| entry of each U column is positive (when U
// is not computed, the sign rule is still decided on U, so Vt is the same either way).
template <class T>
RsvdResult<T> rsvd(const LinearOperator<T>& A, const RsvdOptions& options, const RunControl& control = {});
// Dense input: checks the view, then the above on a DenseOperator.
template <class T>
RsvdResult<T> rsvd(MatrixView<const T> A, const RsvdOptions& options, const RunControl& control = {});
// CSR input: validate_csr, then the above on a CsrOperator; A is never densified.
template <class T>
RsvdResult<T> rsvd(const CsrView<T>& A, const RsvdOptions& options, const RunControl& control = {});

// Thin SVD B = W·diag(S)·Zᵀ of a tall col-major block (rows >= cols) in f64 (LAPACK gesdd):
// W rows x cols, Z cols x cols, both col-major, S non-increasing. The small dense step of the
// matrix-free driver (bindings expose it next to normalize()).
struct ThinSvd {
  std::vector<double> W, S, Z;
};
ThinSvd thin_svd(const DenseMatrix<double>& B);

// Throws ErrorCode::NotFinite naming the first NaN/Inf entry of A (scanned on threads()).
template <class T>
void expect_finite(MatrixView<const T> A, const char* argument);

}  // namespace randla
