// Total-least-squares DMD: Hemati, Rowley, Deem, Cattafesta, "De-biasing the dynamic mode
// decomposition for applied Koopman spectral analysis of noisy datasets", Theor. Comput. Fluid
// Dyn. 31, 2017, §3: both X₁ and X₂ are projected onto the leading t right singular vectors of
// the stacked [X₁; X₂] (noise in both is treated alike), then exact DMD runs on the projected
// pairs (as PyDMD's tlsq_rank).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "cpu/dmd_internal.hpp"
#include "randla/error.hpp"

namespace randla::dmd_detail {

template <class T>
VariantResult total_least_squares_dmd(const Mat<T>& X1, const Mat<T>& X2, const DmdOptions& o, std::int64_t rows) {
  const std::int64_t N = X1.rows, mp = X1.cols, rule_rows = rows > 0 ? rows : N;
  // The rank chosen on the unprojected X₁ is the default projection rank and what is reported.
  const ThinSvd<T> s1 = thin_svd<T>(X1);
  const std::int64_t chosen = dmd_rank(s1.s, rule_rows, mp, o.rank, o.threshold);
  const std::int64_t t = std::min(o.tls_rank > 0 ? o.tls_rank : chosen, std::min(2 * rule_rows, mp));
  Mat<T> Z(2 * N, mp);
  for (std::int64_t k = 0; k < mp; ++k) {
    std::copy(X1.col(k), X1.col(k) + N, Z.col(k));
    std::copy(X2.col(k), X2.col(k) + N, Z.col(k) + N);
  }
  const ThinSvd<T> sz = thin_svd<T>(std::move(Z));
  // P = V_t·V_tᴴ with V_t = (Vh[:t, :])ᴴ (m' x t); X_i·P = (X_i·V_t)·V_tᴴ.
  Mat<T> Vt(mp, t);
  for (std::int64_t j = 0; j < t; ++j)
    for (std::int64_t k = 0; k < mp; ++k) Vt(k, j) = conj_of(sz.Vh(j, k));
  const Mat<T> X1p = product<T>('N', product<T>('N', X1, 'N', Vt), 'C', Vt);
  const Mat<T> X2p = product<T>('N', product<T>('N', X2, 'N', Vt), 'C', Vt);
  // The projected X₁ has rank <= t: the re-applied rule is capped there (a threshold would
  // otherwise see a median of rounding-level values and keep noise). The amplitudes fit the
  // first snapshot itself, not its projection.
  DmdOptions capped = o;
  const std::int64_t reapplied = dmd_rank(thin_svd<T>(X1p).s, rule_rows, mp, o.rank, o.threshold);
  capped.rank = static_cast<double>(std::min(reapplied, t));
  VariantResult out = exact_dmd<T>(X1p, X2p, capped, false, X1.col(0), rows);
  out.singular_values = s1.s;
  return out;
}

template VariantResult total_least_squares_dmd<double>(const Mat<double>&, const Mat<double>&, const DmdOptions&,
                                                       std::int64_t);
template VariantResult total_least_squares_dmd<cplx>(const Mat<cplx>&, const Mat<cplx>&, const DmdOptions&, std::int64_t);

}  // namespace randla::dmd_detail
