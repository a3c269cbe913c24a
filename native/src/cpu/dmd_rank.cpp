// The DMD rank rules (docs/algorithms/dmd.md, "Rank"): an integer, PyDMD's cumulative energy, all
// values, or the optimal hard threshold for an unknown noise level of Gavish & Donoho, "The
// optimal hard threshold for singular values is 4/√3", IEEE Trans. Inf. Theory 60(8), 2014:
// τ = ω(β)·median(σ) with ω(β) = λ*(β)/√μ_β (their eq. (5) over the Marchenko–Pastur median,
// Lemma 3 / §III.E), or their cubic approximation 0.56β³ − 0.95β² + 1.82β + 1.43 (PyDMD's).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <utility>
#include <vector>

#include "randla/dmd.hpp"
#include "randla/error.hpp"

namespace randla {
namespace {

// The Marchenko–Pastur distribution function of ratio β at x, ∫_a^x √((b − y)(y − a))/(2πβy) dy.
// With y = a + (b − a)·sin²θ the integrand becomes (b − a)²·sin²θ·cos²θ/(πβ·y(θ)) dθ: smooth, with
// no square-root endpoint, so composite two-point Gauss–Legendre on 2000 panels is accurate to
// far below 1e-12 (the interior nodes also avoid y = 0 when β = 1).
double marchenko_pastur_cdf(double beta, double x) {
  const double sb = std::sqrt(beta), a = (1 - sb) * (1 - sb), b = (1 + sb) * (1 + sb), w = b - a;
  if (x <= a) return 0.0;
  if (x >= b) return 1.0;
  const double end = std::asin(std::sqrt((x - a) / w));
  constexpr int kPanels = 2000;
  const double h = end / kPanels, offset = h / (2 * std::sqrt(3.0));
  const auto g = [&](double theta) {
    const double s = std::sin(theta), c = std::cos(theta), y = a + w * s * s;
    return w * w * s * s * c * c / (std::numbers::pi * beta * y);
  };
  double sum = 0;
  for (int i = 0; i < kPanels; ++i) {
    const double mid = (i + 0.5) * h;
    sum += g(mid - offset) + g(mid + offset);
  }
  return sum * h / 2;
}

bool is_integer(double v) { return std::isfinite(v) && std::floor(v) == v; }

}  // namespace

double marchenko_pastur_median(double beta) {
  RANDLA_EXPECTS(beta > 0 && beta <= 1, "beta") << "Expected a number in (0, 1] for beta but received " << beta;
  const double sb = std::sqrt(beta), a = (1 - sb) * (1 - sb), b = (1 + sb) * (1 + sb);
  const auto density = [&](double x) { return std::sqrt(std::max(0.0, (b - x) * (x - a))) / (2 * std::numbers::pi * beta * x); };
  // Newton on F(x) − 1/2 (F' is the density), kept inside a shrinking bisection bracket: a handful
  // of distribution-function evaluations instead of fifty (dmdBatch applies the rule per group).
  double lo = a, hi = b, x = 0.5 * (a + b);
  for (int it = 0; it < 100 && hi - lo > 1e-14; ++it) {
    const double f = marchenko_pastur_cdf(beta, x) - 0.5;
    if (f == 0) return x;
    (f < 0 ? lo : hi) = x;
    const double d = density(x);
    double next = d > 0 ? x - f / d : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::abs(next - x) < 1e-15) return next;
    x = next;
  }
  return x;
}

double optimal_threshold_coefficient(double beta, DmdThreshold threshold) {
  RANDLA_EXPECTS(beta > 0 && beta <= 1, "beta") << "Expected a number in (0, 1] for beta but received " << beta;
  if (threshold == DmdThreshold::Cubic) return 0.56 * beta * beta * beta - 0.95 * beta * beta + 1.82 * beta + 1.43;
  // Per-thread memo: dmdBatch applies the rule to thousands of groups of one shape.
  thread_local std::vector<std::pair<double, double>> memo;
  for (const auto& [b, w] : memo)
    if (b == beta) return w;
  const double lambda =
      std::sqrt(2 * (beta + 1) + 8 * beta / ((beta + 1) + std::sqrt(beta * beta + 14 * beta + 1)));
  const double omega = lambda / std::sqrt(marchenko_pastur_median(beta));
  if (memo.size() >= 64) memo.erase(memo.begin());
  memo.emplace_back(beta, omega);
  return omega;
}

std::int64_t dmd_rank(const std::vector<double>& s, std::int64_t rows, std::int64_t cols, double rank,
                      DmdThreshold threshold) {
  const auto p = static_cast<std::int64_t>(s.size());
  RANDLA_EXPECTS(p >= 1 && p == std::min(rows, cols), "singularValues")
      << "Expected min(rows, cols) = " << std::min(rows, cols) << " singular values but received " << p;
  if (rank == -1) {
    // Every singular value above rounding (numpy's matrix_rank tolerance max(rows, cols)·ε·σ₁),
    // at least one: a zero σ would make Σ⁻¹, and the operator, infinite. Exactly rank-deficient
    // snapshots are common (a Koopman group with a weight that does not move, whose row in
    // affine mode equals the row of ones), and whether their smallest σ comes out as 0 or as
    // 1e-17 depends on the BLAS kernels.
    const double tol = static_cast<double>(std::max(rows, cols)) * 0x1p-52 * s.front();
    std::int64_t r = 0;
    for (double v : s) r += v > tol;
    return std::max<std::int64_t>(r, 1);
  }
  if (rank >= 1) {
    RANDLA_EXPECTS(is_integer(rank), "options.rank")
        << "Expected -1, 0, a number in (0, 1) or an integer >= 1 for options.rank but received " << rank;
    return std::min<std::int64_t>(static_cast<std::int64_t>(rank), p);
  }
  if (rank > 0 && rank < 1) {
    // The smallest r whose leading σ² share reaches `rank` (PyDMD's cumulative energy).
    double total = 0;
    for (double v : s) total += v * v;
    double cumulative = 0;
    for (std::int64_t r = 0; r < p; ++r) {
      cumulative += s[static_cast<std::size_t>(r)] * s[static_cast<std::size_t>(r)];
      if (cumulative >= rank * total) return r + 1;
    }
    return p;
  }
  RANDLA_EXPECTS(rank == 0, "options.rank")
      << "Expected -1, 0, a number in (0, 1) or an integer >= 1 for options.rank but received " << rank;
  const double beta = static_cast<double>(std::min(rows, cols)) / static_cast<double>(std::max(rows, cols));
  std::vector<double> sorted(s);
  std::sort(sorted.begin(), sorted.end());
  const double median = p % 2 == 1 ? sorted[static_cast<std::size_t>(p / 2)]
                                   : 0.5 * (sorted[static_cast<std::size_t>(p / 2 - 1)] + sorted[static_cast<std::size_t>(p / 2)]);
  const double tau = optimal_threshold_coefficient(beta, threshold) * median;
  std::int64_t r = 0;
  for (double v : s) r += v > tau;
  // A threshold that keeps nothing keeps the leading value (as PyDMD).
  return std::max<std::int64_t>(r, 1);
}

}  // namespace randla
