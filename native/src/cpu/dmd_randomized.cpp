// Randomized DMD: Erichson, Mathelin, Kutz, Brunton, "Randomized dynamic mode decomposition",
// SIAM J. Appl. Dyn. Syst. 18(4), 2019, Algorithm 2: the randomized QB of the whole snapshot
// matrix (the rsvd pipeline's range finder with power iterations, docs/algorithms/rsvd.md), then
// exact DMD of the small B's pairs, and the modes lifted by Q. Nothing larger than l x m' is ever
// factorized (PyDMD's RDMD still computes a full SVD).
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "cpu/dmd_internal.hpp"
#include "randla/error.hpp"
#include "randla/rsvd.hpp"

namespace randla::dmd_detail {

VariantResult randomized_dmd(MatrixView<const double> X, const DmdOptions& o) {
  const std::int64_t N = X.rows, m = X.cols;
  RANDLA_EXPECTS(o.rank >= 1 && std::floor(o.rank) == o.rank, "options.rank")
      << "Expected an integer >= 1 for options.rank with variant 'randomized' (a threshold or an energy needs the "
      << "whole spectrum) but received " << o.rank;
  RANDLA_EXPECTS(o.oversamples >= 0, "options.oversamples")
      << "Expected an integer >= 0 for options.oversamples but received " << o.oversamples;
  RANDLA_EXPECTS(o.power_iters >= 0, "options.powerIters")
      << "Expected an integer >= 0 for options.powerIters but received " << o.power_iters;
  RangeFinderOptions rf;
  rf.size = std::min({static_cast<std::int64_t>(o.rank) + o.oversamples, N, m});
  rf.power_iters = o.power_iters;
  rf.normalizer = resolve_normalizer(o.normalizer, o.power_iters);
  rf.test_matrix = o.sketch;
  rf.seed = o.seed;
  const QbFactors<double> f = qb<double>(X, rf);
  const std::int64_t l = rf.size, mp = m - 1;
  // B = Qᵀ·X (l x m) from Bᵀ (m x l); its pairs B₁, B₂ (l x m').
  Mat<double> B1(l, mp), B2(l, mp);
  for (std::int64_t k = 0; k < mp; ++k)
    for (std::int64_t i = 0; i < l; ++i) {
      B1(i, k) = f.Bt(k, i);
      B2(i, k) = f.Bt(k + 1, i);
    }
  DmdOptions reduced = o;
  reduced.rank = std::min<double>(o.rank, static_cast<double>(std::min(l, mp)));
  VariantResult out = exact_dmd<double>(B1, B2, reduced, false);
  // Φ = Q·(B₂·Ṽ·Σ̃⁻¹·W): the exact modes of B lifted to the snapshot space. The 'first'
  // amplitudes computed on B are already Φ's: B₁'s first column is Qᵀ·x₀, and with Q orthonormal
  // ‖Q·Ψ·b − x₀‖² = ‖Ψ·b − Qᵀx₀‖² + ‖(I − QQᵀ)x₀‖² has the same minimiser.
  out.modes = times_complex<double>(f.Q, out.modes);
  return out;
}

}  // namespace randla::dmd_detail
