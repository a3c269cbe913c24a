// Dynamic Mode Decomposition: exact and projected (Tu et al. 2014, Algorithm 2), forward-backward
// (Dawson et al. 2016), total least squares (Hemati et al. 2017), randomized (Erichson et al.
// 2019, Algorithm 2), delays (Hankel DMD; HODMD, Le Clainche & Vega 2017), the optimal hard
// threshold (Gavish & Donoho 2014) and optimal amplitudes (Jovanović et al. 2014). The exact
// contract every backend implements is docs/algorithms/dmd.md.
#pragma once

#include <complex>
#include <cstdint>
#include <vector>

#include "randla/control.hpp"
#include "randla/dense_matrix.hpp"
#include "randla/matrix_view.hpp"
#include "randla/rsvd.hpp"
#include "randla/test_matrix.hpp"

namespace randla {

enum class DmdVariant { Exact, Projected, ForwardBackward, TotalLeastSquares, Randomized };
enum class DmdThreshold { Exact, Cubic };
enum class DmdAmplitudes { First, Optimal };

const char* dmd_variant_name(DmdVariant v) noexcept;
bool parse_dmd_variant(const char* name, DmdVariant& v) noexcept;

struct DmdOptions {
  DmdVariant variant = DmdVariant::Exact;
  // −1 (all), 0 (optimal hard threshold), a number in (0, 1) (energy) or an integer >= 1.
  double rank = 0;
  DmdThreshold threshold = DmdThreshold::Exact;
  std::int64_t tls_rank = 0;       // tls: 0 = the rank chosen on X₁
  bool has_project_rank = false;   // delays: a first SVD projection (HODMD) ...
  double project_rank = 0;         // ... to this rank (same rule as `rank`)
  std::int64_t delays = 1;         // d >= 1
  bool affine = false;
  bool increments = false;
  DmdAmplitudes amplitudes = DmdAmplitudes::First;
  // randomized only
  std::int64_t oversamples = 10;
  std::int64_t power_iters = 2;
  Normalizer normalizer = Normalizer::QR;
  TestMatrixKind sketch = TestMatrixKind::Gaussian;
  std::uint64_t seed = 0;
};

struct DmdResult {
  std::vector<std::complex<double>> eigs;        // λ, by imaginary then real part (ascending)
  DenseMatrix<std::complex<double>> modes;       // Φ, N x r col-major (affine row dropped, HODMD lifted)
  std::vector<std::complex<double>> amplitudes;  // b (r)
  std::vector<double> singular_values;           // all σ of X₁ (randomized: of B₁), non-increasing
  std::int64_t rank = 0;                         // r
  std::vector<double> residuals;                 // ‖X₂VΣ⁻¹wⱼ − λⱼUwⱼ‖₂ (r)
};

// Complex snapshots: the real and imaginary parts, the same shape and layout each.
struct ComplexMatrixView {
  MatrixView<const double> re, im;
};

// X: n x m snapshots as columns (either layout, f32 read exactly; computed in f64). Y: explicit
// pairs of the same shape, or nullptr. Progress: one step per stage; abort between stages.
DmdResult dmd(MatrixView<const double> X, const MatrixView<const double>* Y, const DmdOptions& options,
              const RunControl& control = {});
DmdResult dmd(MatrixView<const float> X, const MatrixView<const float>* Y, const DmdOptions& options,
              const RunControl& control = {});
DmdResult dmd(const ComplexMatrixView& X, const ComplexMatrixView* Y, const DmdOptions& options,
              const RunControl& control = {});

// --- Online and windowed DMD (Zhang, Rowley, Deem, Cattafesta 2019, Algorithms 1 and 2) ---

// The weighted least-squares operator A_k = Y·W·Xᵀ·(X·W·Xᵀ)⁻¹ of the pairs so far (W = diag(ρ^(k−1−i))),
// kept by O(n²) rank-one updates once X·W·Xᵀ is invertible; real n-vectors.
class OnlineDmd {
 public:
  explicit OnlineDmd(std::int64_t n, double weighting = 1.0);
  // Adds the pair (x, y), n values each (finite: checked).
  void update(const double* x, const double* y);
  // Whether the operator exists (the first pairs are buffered until X·W·Xᵀ is positive definite).
  bool ready() const noexcept { return ready_; }
  std::int64_t pairs() const noexcept { return pairs_; }
  std::int64_t size() const noexcept { return n_; }
  double weighting() const noexcept { return rho_; }
  // A (n x n col-major); throws until ready().
  const DenseMatrix<double>& op() const;
  // eig(A), ordered as dmd()'s eigenvalues.
  std::vector<std::complex<double>> eigs() const;

 private:
  bool try_initialize();
  std::int64_t n_;
  double rho_;
  std::int64_t pairs_ = 0;
  bool ready_ = false;
  DenseMatrix<double> A_, P_;
  std::vector<double> xs_, ys_;  // buffered pairs before initialisation (column after column)
  std::vector<double> px_, ax_;  // scratch
};

// The unweighted least-squares operator of the last `window` pairs (window >= n): each new pair
// is added by a rank-one update and the oldest removed by a rank-one downdate.
class WindowDmd {
 public:
  WindowDmd(std::int64_t n, std::int64_t window);
  void update(const double* x, const double* y);
  bool ready() const noexcept { return ready_; }
  std::int64_t pairs() const noexcept { return pairs_; }
  std::int64_t size() const noexcept { return n_; }
  std::int64_t window() const noexcept { return w_; }
  const DenseMatrix<double>& op() const;
  std::vector<std::complex<double>> eigs() const;

 private:
  void add(const double* x, const double* y, double sign);
  std::int64_t n_, w_;
  std::int64_t pairs_ = 0;
  bool ready_ = false;
  DenseMatrix<double> A_, P_;
  std::vector<double> xs_, ys_;  // ring buffer of the window's pairs (w columns each)
  std::vector<double> px_, ax_;
};

// --- Batched DMD ---

// Independent problems with the same options, spread over threads (each single-threaded BLAS):
// results[g] equals dmd(groups[g], nullptr, options) bit for bit, on any thread count. Progress
// counts groups done; an abort is honoured between groups.
std::vector<DmdResult> dmd_batch(const std::vector<MatrixView<const double>>& groups, const DmdOptions& options,
                                 const RunControl& control = {});

// --- Rank selection (docs/algorithms/dmd.md, "Rank") ---

// The median of the Marchenko–Pastur law of ratio β ∈ (0, 1].
double marchenko_pastur_median(double beta);
// ω(β) of the optimal hard threshold for an unknown noise level: exact (λ*(β)/√μ_β) or cubic.
double optimal_threshold_coefficient(double beta, DmdThreshold threshold);
// r for singular values s (non-increasing) of a rows x cols matrix under the rank rule.
std::int64_t dmd_rank(const std::vector<double>& s, std::int64_t rows, std::int64_t cols, double rank,
                      DmdThreshold threshold);

}  // namespace randla
