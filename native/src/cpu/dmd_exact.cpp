// Exact and projected DMD: Tu, Rowley, Luchtenburg, Brunton, Kutz, "On dynamic mode
// decomposition: theory and applications", J. Comput. Dyn. 1(2), 2014, Algorithm 2 (exact
// modes X₂·V·Σ⁻¹·W, without Tu's 1/λ, as PyDMD) and §2.2 (projected modes U·W, Schmid 2010);
// with the steps the other variants share: the reduction of the pairs, the eigenvectors'
// normalisation and order, modes and residuals (docs/algorithms/dmd.md).
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <numeric>
#include <vector>

#include "cpu/dmd_internal.hpp"
#include "randla/error.hpp"

namespace randla::dmd_detail {

template <class T>
Reduced<T> reduce_pairs(const Mat<T>& X1, const Mat<T>& X2, double rank, DmdThreshold threshold, std::int64_t rows) {
  const std::int64_t N = X1.rows, mp = X1.cols;
  ThinSvd<T> svd = thin_svd<T>(X1);
  Reduced<T> red;
  red.sigma = svd.s;
  red.r = dmd_rank(svd.s, rows > 0 ? rows : N, mp, rank, threshold);
  const std::int64_t r = red.r;
  red.U = Mat<T>(N, r);
  std::copy(svd.U.data.begin(), svd.U.data.begin() + N * r, red.U.data.begin());
  // V = (Vh[:r, :])ᴴ, m' x r.
  red.V = Mat<T>(mp, r);
  for (std::int64_t j = 0; j < r; ++j)
    for (std::int64_t i = 0; i < mp; ++i) red.V(i, j) = conj_of(svd.Vh(j, i));
  // XVS = X₂·V·Σ⁻¹: the data operator's image of the POD basis (N x r).
  red.XVS = product<T>('N', X2, 'N', red.V);
  for (std::int64_t j = 0; j < r; ++j) {
    const double inv = 1.0 / svd.s[static_cast<std::size_t>(j)];
    T* c = red.XVS.col(j);
    for (std::int64_t i = 0; i < N; ++i) c[i] *= inv;
  }
  red.Atilde = product<T>('C', red.U, 'N', red.XVS);
  return red;
}

void normalize_and_order(Eigen& e) {
  const std::int64_t n = e.vectors.rows, r = e.vectors.cols;
  // Unit 2-norm only: the phase is fixed later on the output modes (dmd.cpp canonical_phases),
  // where it does not depend on the SVD's sign convention.
  for (std::int64_t j = 0; j < r; ++j) {
    cplx* w = e.vectors.col(j);
    double ss = 0;
    for (std::int64_t i = 0; i < n; ++i) ss += w[i].real() * w[i].real() + w[i].imag() * w[i].imag();
    if (!(ss > 0)) continue;
    const double inv = 1.0 / std::sqrt(ss);
    for (std::int64_t i = 0; i < n; ++i) w[i] *= inv;
  }
  std::vector<std::int64_t> order(static_cast<std::size_t>(r));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    const cplx la = e.values[static_cast<std::size_t>(a)], lb = e.values[static_cast<std::size_t>(b)];
    if (la.imag() != lb.imag()) return la.imag() < lb.imag();
    return la.real() < lb.real();
  });
  Eigen sorted;
  sorted.values.resize(static_cast<std::size_t>(r));
  sorted.vectors = Mat<cplx>(n, r);
  for (std::int64_t j = 0; j < r; ++j) {
    const std::int64_t from = order[static_cast<std::size_t>(j)];
    sorted.values[static_cast<std::size_t>(j)] = e.values[static_cast<std::size_t>(from)];
    std::copy(e.vectors.col(from), e.vectors.col(from) + n, sorted.vectors.col(j));
  }
  e = std::move(sorted);
}

template <>
Mat<cplx> times_complex<cplx>(const Mat<cplx>& A, const Mat<cplx>& W) {
  return product<cplx>('N', A, 'N', W);
}

template <>
Mat<cplx> times_complex<double>(const Mat<double>& A, const Mat<cplx>& W) {
  // A real: two real products with W's real and imaginary parts (half the flops of zgemm on a
  // promoted A, and no complex copy of the N x r block).
  const std::int64_t k = W.rows, r = W.cols;
  Mat<double> Wr(k, r), Wi(k, r);
  for (std::size_t i = 0; i < W.data.size(); ++i) {
    Wr.data[i] = W.data[i].real();
    Wi.data[i] = W.data[i].imag();
  }
  const Mat<double> Pr = product<double>('N', A, 'N', Wr), Pi = product<double>('N', A, 'N', Wi);
  Mat<cplx> P(A.rows, r);
  for (std::size_t i = 0; i < P.data.size(); ++i) P.data[i] = {Pr.data[i], Pi.data[i]};
  return P;
}

template <class T>
std::vector<double> ritz_residuals(const Mat<T>& XVS, const Mat<T>& U, const Eigen& e) {
  const Mat<cplx> AW = times_complex<T>(XVS, e.vectors), UW = times_complex<T>(U, e.vectors);
  std::vector<double> res(static_cast<std::size_t>(e.vectors.cols));
  for (std::int64_t j = 0; j < e.vectors.cols; ++j) {
    const cplx lambda = e.values[static_cast<std::size_t>(j)];
    double ss = 0;
    for (std::int64_t i = 0; i < AW.rows; ++i) ss += std::norm(AW(i, j) - lambda * UW(i, j));
    res[static_cast<std::size_t>(j)] = std::sqrt(ss);
  }
  return res;
}

template <class T>
VariantResult exact_dmd(const Mat<T>& X1, const Mat<T>& X2, const DmdOptions& o, bool projected, const T* x0,
                        std::int64_t rows) {
  const Reduced<T> red = reduce_pairs<T>(X1, X2, o.rank, o.threshold, rows);
  VariantResult out;
  out.eig = eigen<T>(red.Atilde);
  normalize_and_order(out.eig);
  const Mat<T>& basis = projected ? red.U : red.XVS;
  out.modes = times_complex<T>(basis, out.eig.vectors);
  out.first_amplitudes = basis_amplitudes<T>(basis, out.eig.vectors, x0 != nullptr ? x0 : X1.col(0), out.modes);
  out.residuals = ritz_residuals<T>(red.XVS, red.U, out.eig);
  out.singular_values = red.sigma;
  out.rank = red.r;
  return out;
}

template Reduced<double> reduce_pairs<double>(const Mat<double>&, const Mat<double>&, double, DmdThreshold, std::int64_t);
template Reduced<cplx> reduce_pairs<cplx>(const Mat<cplx>&, const Mat<cplx>&, double, DmdThreshold, std::int64_t);
template std::vector<double> ritz_residuals<double>(const Mat<double>&, const Mat<double>&, const Eigen&);
template std::vector<double> ritz_residuals<cplx>(const Mat<cplx>&, const Mat<cplx>&, const Eigen&);
template VariantResult exact_dmd<double>(const Mat<double>&, const Mat<double>&, const DmdOptions&, bool, const double*,
                                         std::int64_t);
template VariantResult exact_dmd<cplx>(const Mat<cplx>&, const Mat<cplx>&, const DmdOptions&, bool, const cplx*,
                                       std::int64_t);

}  // namespace randla::dmd_detail
