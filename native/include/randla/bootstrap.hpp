// Bootstrap error estimation for sketched factorizations: Lopes, Erichson, Mahoney, "Error
// estimation for sketched SVD via the bootstrap", ICML 2020 (Algorithm 1); the covariance
// operator-norm bootstrap of Lopes, Erichson, Mahoney, Bernoulli 2023; the least-squares
// bootstrap of Lopes, Wang, Mahoney, ICML 2018 (Algorithm 1). The row sketches,
// the exact draws and the quantile rule are docs/algorithms/bootstrap.md, the contract every
// backend implements.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "randla/control.hpp"
#include "randla/dense_matrix.hpp"
#include "randla/matrix_view.hpp"

namespace randla {

// Y = S·A with t rows: rows sampled with replacement (uniform, or by squared row norm) or a
// Gaussian projection (docs/algorithms/bootstrap.md, "Sketches").
enum class RowSketch { Uniform, Energy, Gaussian };

constexpr const char* row_sketch_name(RowSketch s) noexcept {
  switch (s) {
    case RowSketch::Uniform: return "uniform";
    case RowSketch::Energy: return "energy";
    case RowSketch::Gaussian: return "gaussian";
  }
  return "uniform";
}
constexpr bool parse_row_sketch(std::string_view name, RowSketch& s) noexcept {
  for (RowSketch k : {RowSketch::Uniform, RowSketch::Energy, RowSketch::Gaussian}) {
    if (name == row_sketch_name(k)) {
      s = k;
      return true;
    }
  }
  return false;
}

// Which estimate adaptive sketching and rows_for() aim at: singular values, right vectors, or
// the left vectors Ũ = A·Ṽ·Σ̃⁻¹.
enum class ErrorMetric { Value, Vector, Left };

// The largest sketch (t) accepted: rows are addressed by 32-bit LAPACK dimensions.
constexpr std::int64_t kMaxSketchRows = 2147483647;

// --- The draws (exact: the same on every backend and thread count) ---

// r_q = idx(m) of counter (q lo, q hi, 0, 9), q = 0 … t − 1.
std::vector<std::int64_t> uniform_row_draws(std::int64_t m, std::int64_t t, std::uint64_t seed);
// r_q = the smallest r with c_r > U[x0, x1]·c_{m−1}, c the prefix sums of the squared row norms
// (ascending i; each norm summed in ascending j; f64). Throws for ‖A‖_F = 0 and non-finite A.
template <class T>
std::vector<std::int64_t> energy_row_draws(MatrixView<const T> A, std::int64_t t, std::uint64_t seed);
// i*_q = idx(t) of counter (q lo, q hi, 0, 10 + 256·b): the resample of replicate b.
std::vector<std::int64_t> resample_indices(std::int64_t t, std::int64_t replicate, std::uint64_t seed);

// Y = S·A (t x n, col-major, f64; f32 input is read exactly). Checks A (shape, finiteness), t
// and the sketch kind.
template <class T>
DenseMatrix<double> row_sketch(MatrixView<const T> A, std::int64_t t, RowSketch sketch, std::uint64_t seed,
                               const RunControl& control = {});

// The sketch of [A | b] (t x (n + 1)) with the same draws; energy uses the row norms of [A | b].
// Checks b (m values, finite) as well.
template <class T>
DenseMatrix<double> augmented_row_sketch(MatrixView<const T> A, const T* b, std::int64_t t, RowSketch sketch,
                                         std::uint64_t seed, const RunControl& control = {});

// --- sketchedSvd ---

struct SketchedSvdOptions {
  std::int64_t rank = 0;         // k, 1 <= k <= min(t, n)
  std::int64_t sketch_rows = 0;  // t, k <= t <= kMaxSketchRows
  RowSketch sketch = RowSketch::Uniform;
  std::uint64_t seed = 0;
  bool left_vectors = false;     // Ũ = orth(A·Ṽ·Σ̃⁻¹): one more pass over A (k <= m)
};

struct SketchedSvdResult {
  std::vector<double> S;      // σ̃, k values, non-increasing
  DenseMatrix<double> V;      // Ṽ, n x k; each column's first largest-|.| entry positive
  DenseMatrix<double> U;      // m x k when left_vectors, else empty
  std::int64_t sketch_rows = 0;
};

template <class T>
SketchedSvdResult sketched_svd(MatrixView<const T> A, const SketchedSvdOptions& options,
                               const RunControl& control = {});

// --- bootstrapSvdError ---

struct BootstrapSvdOptions {
  std::int64_t rank = 0;
  std::int64_t sketch_rows = 0;
  RowSketch sketch = RowSketch::Uniform;
  std::int64_t replicates = 50;  // B >= 2
  double alpha = 0.1;            // 0 < α < 1
  std::uint64_t seed = 0;
};

struct BootstrapSvdResult {
  std::vector<double> S;              // σ̃ (k)
  DenseMatrix<double> V;              // Ṽ (n x k), canonical signs
  double value_error = 0;             // (1 − α) quantile of max_j |σ*ⱼ − σ̃ⱼ|
  double vector_error = 0;            // (1 − α) quantile of max_j ‖v*ⱼ − ṽⱼ(ṽⱼᵀv*ⱼ)‖₂
  // The left vectors from the sketch alone (Lopes et al. 2020, §2): ũⱼ ∝ A·ṽⱼ and uⱼ ∝ A·vⱼ, so
  // their angle is read in the sketch as that of Y·ṽⱼ and Y·v*ⱼ: (1 − α) quantile of max_j of
  // ‖b − a(aᵀb)‖₂ with a = Y·ṽⱼ/‖Y·ṽⱼ‖, b = Y·v*ⱼ/‖Y·v*ⱼ‖ (a zero vector stays zero).
  double left_error = 0;
  std::vector<double> value_per_component;   // quantile of each |σ*ⱼ − σ̃ⱼ| (k)
  std::vector<double> vector_per_component;  // quantile of each sin-angle (k)
  std::vector<double> left_per_component;    // quantile of each left sin-angle (k)
  DenseMatrix<double> value_errors;   // ε^σ_{b j}, B x k (the replicates themselves)
  DenseMatrix<double> vector_errors;  // ε^V_{b j}, B x k
  DenseMatrix<double> left_errors;    // ε^U_{b j}, B x k
  // The subspace reading, ‖(I − ṼṼᵀ)v*ⱼ‖₂ (projection on all k sketched vectors): not in
  // the contract's outputs; what the exact-rank test bounds (per-vector angles rotate
  // within an exactly captured subspace). Quantile of max_j, and the B x k replicates.
  double subspace_error = 0;
  DenseMatrix<double> subspace_errors;
  std::int64_t sketch_rows = 0;
  std::int64_t rank = 0;
};

// Progress counts replicates done (of B); an abort is honoured between replicates. Replicates
// run in parallel (threads()); the result does not depend on the thread count.
template <class T>
BootstrapSvdResult bootstrap_svd_error(MatrixView<const T> A, const BootstrapSvdOptions& options,
                                       const RunControl& control = {});
// The bootstrap of a sketch already formed (Y, t x n): the step that costs no pass over A.
BootstrapSvdResult bootstrap_svd_error_of_sketch(const DenseMatrix<double>& Y, const BootstrapSvdOptions& options,
                                                 const RunControl& control = {});

// The nearest-rank (1 − α) quantile: the ⌈(1 − α)·B⌉-th smallest of the sample.
double nearest_rank_quantile(std::vector<double> sample, double alpha);

// Errors shrink as t^−1/2 (Lopes et al. 2020, §3): estimate·√(t / t').
struct SvdErrorEstimate {
  double value_error = 0;
  double vector_error = 0;
  double left_error = 0;
};
// The estimate of `metric` in a result.
double estimate_of(const BootstrapSvdResult& result, ErrorMetric metric);
double extrapolate_error(double estimate, std::int64_t t, std::int64_t t_new);
SvdErrorEstimate extrapolate(const BootstrapSvdResult& result, std::int64_t t_new);
// The smallest integer t' >= min_rows with estimate·√(t / t') <= tolerance (tolerance > 0).
std::int64_t rows_for_error(double estimate, std::int64_t t, double tolerance, std::int64_t min_rows);
std::int64_t rows_for(const BootstrapSvdResult& result, double tolerance, ErrorMetric metric = ErrorMetric::Value);

// --- Adaptive sketching ---

struct AdaptiveSvdOptions {
  std::int64_t rank = 0;
  double tolerance = 0;            // > 0, on `metric`
  std::int64_t initial_rows = 0;   // t₀; 0: max(2k, 100)
  std::int64_t max_rows = 0;       // 0: 16·m (capped at kMaxSketchRows)
  ErrorMetric metric = ErrorMetric::Value;
  RowSketch sketch = RowSketch::Uniform;
  std::int64_t replicates = 50;
  double alpha = 0.1;
  std::uint64_t seed = 0;
  bool left_vectors = false;
};

struct AdaptiveStep {
  std::int64_t rows = 0;
  double value_error = 0;
  double vector_error = 0;
  double left_error = 0;
};

struct AdaptiveSvdResult {
  SketchedSvdResult svd;           // of the final sketch
  std::vector<AdaptiveStep> path;  // one entry per sketch tried
  bool converged = false;
};

// t₀ = initial_rows; at each step sketch with t_s rows (the draws 0 … t_s − 1 of the previous
// step are the same draws), bootstrap with the same seed, stop when the estimate <= tolerance,
// else t_{s+1} = min(max_rows, max(rows_for(tolerance), ⌈1.25·t_s⌉)); stop unconverged at max_rows.
// Progress counts replicates across steps.
template <class T>
AdaptiveSvdResult adaptive_sketched_svd(MatrixView<const T> A, const AdaptiveSvdOptions& options,
                                        const RunControl& control = {});

// --- bootstrapCovarianceError (Lopes, Erichson, Mahoney, Bernoulli 2023) ---

struct BootstrapCovarianceOptions {
  std::int64_t sketch_rows = 0;  // t, 1 <= t <= kMaxSketchRows
  RowSketch sketch = RowSketch::Uniform;
  std::int64_t replicates = 50;
  double alpha = 0.1;
  std::uint64_t seed = 0;
};

struct BootstrapCovarianceResult {
  DenseMatrix<double> covariance;    // Σ̃ = ỸᵀỸ (n x n), approximates AᵀA
  double error = 0;                  // (1 − α) quantile of ε_b = ‖Y*ᵀY* − Σ̃‖₂
  double relative_error = 0;         // error / ‖Σ̃‖₂
  double norm = 0;                   // ‖Σ̃‖₂
  std::vector<double> replicate_errors;  // ε_b (B)
  std::int64_t sketch_rows = 0;
};

// Progress counts replicates; an abort is honoured between replicates; thread-count independent.
template <class T>
BootstrapCovarianceResult bootstrap_covariance_error(MatrixView<const T> A, const BootstrapCovarianceOptions& options,
                                                     const RunControl& control = {});
// error·√(t / t') and the smallest t' >= 1 that meets tolerance, as for the SVD.
double extrapolate(const BootstrapCovarianceResult& result, std::int64_t t_new);
std::int64_t rows_for(const BootstrapCovarianceResult& result, double tolerance);

// --- sketchedLstsq and bootstrapLstsqError (Lopes, Wang, Mahoney, ICML 2018) ---

struct SketchedLstsqOptions {
  std::int64_t sketch_rows = 0;  // t >= n
  RowSketch sketch = RowSketch::Uniform;
  std::uint64_t seed = 0;
  std::int64_t replicates = 50;  // bootstrap only
  double alpha = 0.1;            // bootstrap only
};

struct BootstrapLstsqResult {
  std::vector<double> x;                 // x̃ = argmin ‖S·A·x − S·b‖₂ (n)
  double error = 0;                      // (1 − α) quantile of ε_b = ‖x*_b − x̃‖₂
  double relative_error = 0;             // error / ‖x̃‖₂
  std::vector<double> replicate_errors;  // ε_b (B)
  std::int64_t sketch_rows = 0;
  std::int64_t cols = 0;
};

// x̃ by Householder QR of S·A; InvalidArgument ("A") when S·A is numerically rank deficient.
template <class T>
std::vector<double> sketched_lstsq(MatrixView<const T> A, const T* b, const SketchedLstsqOptions& options,
                                   const RunControl& control = {});
template <class T>
BootstrapLstsqResult bootstrap_lstsq_error(MatrixView<const T> A, const T* b, const SketchedLstsqOptions& options,
                                           const RunControl& control = {});
double extrapolate(const BootstrapLstsqResult& result, std::int64_t t_new);
std::int64_t rows_for(const BootstrapLstsqResult& result, double tolerance);

}  // namespace randla
