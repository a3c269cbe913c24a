// Forward-backward DMD: Dawson, Hemati, Williams, Rowley, "Characterizing and correcting for the
// effect of sensor noise in the dynamic mode decomposition", Exp. Fluids 57, 2016, §3.2: the
// operator Ã = (Ã_f·Ã_b⁻¹)^(1/2) from the forward and backward fits, both built in the SAME POD
// basis U of X₁ (PyDMD builds the backward one in the basis of SVD(X₂), so its Ã is not Ã_f even
// on noise-free data). Only eigenpairs are needed: M = Ã_f·Ã_b⁻¹ has Ã's eigenvectors and the
// squares of its eigenvalues, and each root's sign is the one nearer to Ã_f's spectrum (the
// principal root would turn an eigenvalue with Re λ < 0 into −λ).
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <vector>

#include "cpu/dmd_internal.hpp"
#include "randla/error.hpp"

namespace randla::dmd_detail {

template <class T>
VariantResult forward_backward_dmd(const Mat<T>& X1, const Mat<T>& X2, const DmdOptions& o, std::int64_t rows) {
  const Reduced<T> red = reduce_pairs<T>(X1, X2, o.rank, o.threshold, rows);
  const std::int64_t r = red.r, mp = X1.cols;
  // Reduced snapshots in the basis U: X̂₁ = Uᴴ·X₁ = Σ·Vᴴ and X̂₂ = Uᴴ·X₂ (r x m').
  Mat<T> X1h(r, mp);
  for (std::int64_t k = 0; k < mp; ++k)
    for (std::int64_t j = 0; j < r; ++j) X1h(j, k) = red.sigma[static_cast<std::size_t>(j)] * conj_of(red.V(k, j));
  const Mat<T> X2h = product<T>('C', red.U, 'N', X2);
  // Ã_b = X̂₁·X̂₂⁺ with X̂₂ = P·S·Qh: X̂₂ must have full row rank r.
  const ThinSvd<T> s2 = thin_svd<T>(X2h);
  const double cutoff = static_cast<double>(std::max(r, mp)) * std::numeric_limits<double>::epsilon() * s2.s[0];
  RANDLA_EXPECTS(s2.s[static_cast<std::size_t>(r - 1)] > cutoff, "X")
      << "Expected snapshots whose shifted pairs X₂ have rank " << r << " in the POD basis of X₁ (forward-backward "
      << "DMD inverts the backward operator) but received singular value " << s2.s[static_cast<std::size_t>(r - 1)]
      << " <= " << cutoff;
  // X̂₂⁺ = Qhᴴ·S⁻¹·Pᴴ (m' x r); Ã_b = X̂₁·X̂₂⁺ (r x r).
  Mat<T> QS(mp, r);
  for (std::int64_t j = 0; j < r; ++j)
    for (std::int64_t k = 0; k < mp; ++k) QS(k, j) = conj_of(s2.Vh(j, k)) / s2.s[static_cast<std::size_t>(j)];
  const Mat<T> pinv = product<T>('N', QS, 'C', s2.U);
  const Mat<T> Ab = product<T>('N', X1h, 'N', pinv);
  // M = Ã_f·Ã_b⁻¹: M·Ã_b = Ã_f, i.e. Ã_bᵀ·Mᵀ = Ã_fᵀ (plain transposes, also for complex).
  Mat<T> AbT(r, r), AfT(r, r);
  for (std::int64_t i = 0; i < r; ++i)
    for (std::int64_t j = 0; j < r; ++j) {
      AbT(i, j) = Ab(j, i);
      AfT(i, j) = red.Atilde(j, i);
    }
  const Mat<T> MT = solve<T>(std::move(AbT), std::move(AfT), "X");
  Mat<T> M(r, r);
  for (std::int64_t i = 0; i < r; ++i)
    for (std::int64_t j = 0; j < r; ++j) M(i, j) = MT(j, i);

  const Eigen forward = eigen<T>(red.Atilde);
  VariantResult out;
  out.eig = eigen<T>(std::move(M));
  for (cplx& mu : out.eig.values) {
    const cplx root = std::sqrt(mu);
    double plus = std::numeric_limits<double>::infinity(), minus = plus;
    for (const cplx nu : forward.values) {
      plus = std::min(plus, std::abs(root - nu));
      minus = std::min(minus, std::abs(-root - nu));
    }
    mu = minus < plus ? -root : root;
  }
  normalize_and_order(out.eig);
  out.modes = times_complex<T>(red.U, out.eig.vectors);
  out.first_amplitudes = basis_amplitudes<T>(red.U, out.eig.vectors, X1.col(0), out.modes);
  out.residuals = ritz_residuals<T>(red.XVS, red.U, out.eig);
  out.singular_values = red.sigma;
  out.rank = r;
  return out;
}

template VariantResult forward_backward_dmd<double>(const Mat<double>&, const Mat<double>&, const DmdOptions&, std::int64_t);
template VariantResult forward_backward_dmd<cplx>(const Mat<cplx>&, const Mat<cplx>&, const DmdOptions&, std::int64_t);

}  // namespace randla::dmd_detail
