// DMD amplitudes (docs/algorithms/dmd.md, "Amplitudes"): PyDMD's least-squares fit of the first
// snapshot, and the optimal amplitudes of Jovanović, Schmid, Nichols, "Sparsity-promoting dynamic
// mode decomposition", Phys. Fluids 26, 2014, §II.B: b minimising ‖X − Φ·diag(b)·V_λ‖_F, from the
// normal equations P·b = q, P = (ΦᴴΦ) ∘ conj(V_λ·V_λᴴ), q = diag(Φᴴ·X·V_λᴴ). (PyDMD's opt=True
// solves P·b = conj(q), the minimiser only when the conjugation maps it onto itself.)
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/dmd_internal.hpp"
#include "randla/error.hpp"

namespace randla::dmd_detail {
namespace {

// c = B⁺·x₀ by Householder QR when B has full column rank by numpy's cutoff (every |R_jj| above
// max(N, r)·eps·max|R_ii|); empty otherwise, for the SVD's minimum-norm answer.
template <class T>
std::vector<cplx> qr_least_squares(const Mat<T>& B, const T* x0) {
  const std::int64_t N = B.rows, r = B.cols;
  if (N < r) return {};
  Mat<T> F = B;
  std::vector<T> tau(static_cast<std::size_t>(r)), u(x0, x0 + N);
  const int rows = blas::dim(N, "rows"), cols = blas::dim(r, "cols");
  householder_qr(rows, cols, F.data.data(), rows, tau.data());
  householder_apply(true, rows, 1, cols, F.data.data(), rows, tau.data(), u.data(), rows);
  double largest = 0;
  for (std::int64_t j = 0; j < r; ++j) largest = std::max(largest, std::abs(F(j, j)));
  const double cutoff = static_cast<double>(std::max(N, r)) * std::numeric_limits<double>::epsilon() * largest;
  for (std::int64_t j = 0; j < r; ++j)
    if (!(std::abs(F(j, j)) > cutoff)) return {};
  // R·c = (Qᴴx₀)[:r], back substitution.
  std::vector<cplx> c(static_cast<std::size_t>(r));
  for (std::int64_t i = r - 1; i >= 0; --i) {
    cplx v = cplx(u[static_cast<std::size_t>(i)]);
    for (std::int64_t j = i + 1; j < r; ++j) v -= cplx(F(i, j)) * c[static_cast<std::size_t>(j)];
    c[static_cast<std::size_t>(i)] = v / cplx(F(i, i));
  }
  return c;
}

}  // namespace

template <class T>
std::vector<cplx> first_snapshot_amplitudes(const Mat<cplx>& modes, const Mat<T>& X) {
  const std::int64_t N = modes.rows, r = modes.cols;
  // Minimum-norm least squares through the SVD of Φ, numpy.linalg.lstsq's default cutoff
  // max(N, r)·eps·σ_max, so a rank-deficient Φ gives numpy's answer too.
  const ThinSvd<cplx> svd = thin_svd<cplx>(modes);
  const std::int64_t p = static_cast<std::int64_t>(svd.s.size());
  const double cutoff = static_cast<double>(std::max(N, r)) * std::numeric_limits<double>::epsilon() * (p > 0 ? svd.s[0] : 0);
  std::vector<cplx> c(static_cast<std::size_t>(p));
  for (std::int64_t j = 0; j < p; ++j) {
    if (!(svd.s[static_cast<std::size_t>(j)] > cutoff)) continue;
    cplx s = 0;
    for (std::int64_t i = 0; i < N; ++i) s += std::conj(svd.U(i, j)) * cplx(X(i, 0));
    c[static_cast<std::size_t>(j)] = s / svd.s[static_cast<std::size_t>(j)];
  }
  std::vector<cplx> b(static_cast<std::size_t>(r));
  for (std::int64_t i = 0; i < r; ++i) {
    cplx s = 0;
    for (std::int64_t j = 0; j < p; ++j) s += std::conj(svd.Vh(j, i)) * c[static_cast<std::size_t>(j)];
    b[static_cast<std::size_t>(i)] = s;
  }
  return b;
}

template <class T>
std::vector<cplx> basis_amplitudes(const Mat<T>& B, const Mat<cplx>& W, const T* x0, const Mat<cplx>& modes) {
  const std::int64_t N = B.rows, r = B.cols;
  // b = W⁻¹·c; a singular W (a defective reduced operator) falls back to the SVD of Φ.
  const auto solve_or_fall_back = [&](Mat<cplx> c) {
    try {
      return solve<cplx>(W, std::move(c), "X").data;
    } catch (const Error&) {
      Mat<T> X0(N, 1);
      std::copy(x0, x0 + N, X0.data.begin());
      return first_snapshot_amplitudes<T>(modes, X0);
    }
  };
  // c = B⁺·x₀ in B's own arithmetic: Householder QR when B has full column rank (the usual
  // case, and a fraction of an SVD's cost on dmdBatch's small problems), else the SVD's
  // minimum-norm solution with numpy's cutoff.
  std::vector<cplx> by_qr = qr_least_squares<T>(B, x0);
  if (!by_qr.empty()) {
    Mat<cplx> c(r, 1);
    std::copy(by_qr.begin(), by_qr.end(), c.data.begin());
    return solve_or_fall_back(std::move(c));
  }
  const ThinSvd<T> svd = thin_svd<T>(B);
  const std::int64_t p = static_cast<std::int64_t>(svd.s.size());
  const double cutoff = static_cast<double>(std::max(N, r)) * std::numeric_limits<double>::epsilon() * (p > 0 ? svd.s[0] : 0);
  std::vector<T> u(static_cast<std::size_t>(p));
  for (std::int64_t j = 0; j < p; ++j) {
    if (!(svd.s[static_cast<std::size_t>(j)] > cutoff)) continue;
    T s = 0;
    for (std::int64_t i = 0; i < N; ++i) s += conj_of(svd.U(i, j)) * x0[i];
    u[static_cast<std::size_t>(j)] = s / svd.s[static_cast<std::size_t>(j)];
  }
  Mat<cplx> c(r, 1);
  for (std::int64_t i = 0; i < r; ++i) {
    cplx s = 0;
    for (std::int64_t j = 0; j < p; ++j) s += cplx(conj_of(svd.Vh(j, i))) * cplx(u[static_cast<std::size_t>(j)]);
    c(i, 0) = s;
  }
  return solve_or_fall_back(std::move(c));
}

template <class T>
std::vector<cplx> optimal_amplitudes(const Mat<cplx>& modes, const std::vector<cplx>& eigs, MatrixView<const T> X) {
  const std::int64_t N = modes.rows, r = modes.cols, m = X.cols;
  // V_λ (r x m): λⱼᵏ by repeated multiplication (exact for k = 0, 1; λ⁰ = 1 also for λ = 0).
  Mat<cplx> V(r, m);
  for (std::int64_t j = 0; j < r; ++j) {
    cplx p = 1;
    for (std::int64_t k = 0; k < m; ++k) {
      V(j, k) = p;
      p *= eigs[static_cast<std::size_t>(j)];
    }
  }
  // ΦᴴX (r x m): one pass over the snapshots.
  Mat<cplx> Xc(N, m);
  for (std::int64_t k = 0; k < m; ++k)
    for (std::int64_t i = 0; i < N; ++i) Xc(i, k) = cplx(X(i, k));
  const Mat<cplx> PhiX = product<cplx>('C', modes, 'N', Xc);
  const Mat<cplx> G = product<cplx>('C', modes, 'N', modes);
  const Mat<cplx> VV = product<cplx>('N', V, 'C', V);
  Mat<cplx> P(r, r);
  for (std::int64_t j = 0; j < r; ++j)
    for (std::int64_t i = 0; i < r; ++i) P(i, j) = G(i, j) * std::conj(VV(i, j));
  std::vector<cplx> q(static_cast<std::size_t>(r));
  for (std::int64_t j = 0; j < r; ++j) {
    cplx s = 0;
    for (std::int64_t k = 0; k < m; ++k) s += PhiX(j, k) * std::conj(V(j, k));
    q[static_cast<std::size_t>(j)] = s;
  }
  std::vector<cplx> b = q;
  if (cholesky_solve(P, b)) return b;
  // P is only semidefinite when two modes coincide or a mode is zero: LU, which fails on an
  // exactly singular P and says so.
  Mat<cplx> rhs(r, 1);
  std::copy(q.begin(), q.end(), rhs.data.begin());
  const Mat<cplx> x = solve<cplx>(std::move(P), std::move(rhs), "options.amplitudes");
  return x.data;
}

template std::vector<cplx> first_snapshot_amplitudes<double>(const Mat<cplx>&, const Mat<double>&);
template std::vector<cplx> first_snapshot_amplitudes<cplx>(const Mat<cplx>&, const Mat<cplx>&);
template std::vector<cplx> basis_amplitudes<double>(const Mat<double>&, const Mat<cplx>&, const double*, const Mat<cplx>&);
template std::vector<cplx> basis_amplitudes<cplx>(const Mat<cplx>&, const Mat<cplx>&, const cplx*, const Mat<cplx>&);
template std::vector<cplx> optimal_amplitudes<double>(const Mat<cplx>&, const std::vector<cplx>&, MatrixView<const double>);
template std::vector<cplx> optimal_amplitudes<cplx>(const Mat<cplx>&, const std::vector<cplx>&, MatrixView<const cplx>);

}  // namespace randla::dmd_detail
