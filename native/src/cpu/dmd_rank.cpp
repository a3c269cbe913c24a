// The DMD rank rules (docs/algorithms/dmd.md, "Rank"): an integer, PyDMD's cumulative energy, all
// values, or the optimal hard threshold for an unknown noise level of Gavish & Donoho, "The
// optimal hard threshold for singular values is 4/√3", IEEE Trans. Inf. Theory 60(8), 2014:
// τ = ω(β)·median(σ) with ω(β) = λ*(β)/√μ_β (their eq. (5) over the Marchenko–Pastur median,
// Lemma 3 / §III.E), or their cubic approximation 0.56β³ − 0.95β² + 1.82β + 1.43 (PyDMD's).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
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
  const double sb = std::sqrt(beta);
  double lo = (1 - sb) * (1 - sb), hi = (1 + sb) * (1 + sb);
  // Bisection on the distribution function until the bracket is below 1e-14 (absolute; the
  // median is O(1)).
  while (hi - lo > 1e-14) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    (marchenko_pastur_cdf(beta, mid) < 0.5 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double optimal_threshold_coefficient(double beta, DmdThreshold threshold) {
  RANDLA_EXPECTS(beta > 0 && beta <= 1, "beta") << "Expected a number in (0, 1] for beta but received " << beta;
  if (threshold == DmdThreshold::Cubic) return 0.56 * beta * beta * beta - 0.95 * beta * beta + 1.82 * beta + 1.43;
  const double lambda =
      std::sqrt(2 * (beta + 1) + 8 * beta / ((beta + 1) + std::sqrt(beta * beta + 14 * beta + 1)));
  return lambda / std::sqrt(marchenko_pastur_median(beta));
}

std::int64_t dmd_rank(const std::vector<double>& s, std::int64_t rows, std::int64_t cols, double rank,
                      DmdThreshold threshold) {
  const auto p = static_cast<std::int64_t>(s.size());
  RANDLA_EXPECTS(p >= 1 && p == std::min(rows, cols), "singularValues")
      << "Expected min(rows, cols) = " << std::min(rows, cols) << " singular values but received " << p;
  if (rank == -1) return p;
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
      if (cumulative / total >= rank) return r + 1;
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
