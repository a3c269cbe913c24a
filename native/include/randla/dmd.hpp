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

// --- Rank selection (docs/algorithms/dmd.md, "Rank") ---

// The median of the Marchenko–Pastur law of ratio β ∈ (0, 1].
double marchenko_pastur_median(double beta);
// ω(β) of the optimal hard threshold for an unknown noise level: exact (λ*(β)/√μ_β) or cubic.
double optimal_threshold_coefficient(double beta, DmdThreshold threshold);
// r for singular values s (non-increasing) of a rows x cols matrix under the rank rule.
std::int64_t dmd_rank(const std::vector<double>& s, std::int64_t rows, std::int64_t cols, double rank,
                      DmdThreshold threshold);

}  // namespace randla
