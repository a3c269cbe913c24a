// The cores of Nyström (docs/algorithms/nystrom.md, "Cores"): psd = Tropp, Yurtsever, Udell,
// Cevher 2017, Algorithm 3 (the shifted, stable Nyström; column selectors serve as its Ω);
// indefinite = C = QR and the eigenpairs of R·W_K⁺·Rᵀ (no Cholesky, so zero-trace adjacencies
// work); scaled = Williams & Seeger 2001's eigenpairs, for comparison.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/roundoff.hpp"
#include "randla/error.hpp"
#include "randla/nystrom.hpp"

namespace randla {
namespace {


// Positions of W's kept eigenvalues: the core_rank largest |λ| (ties: larger λ first) above
// τ·max|λ|, in that order.
std::vector<std::int64_t> kept_eigenvalues(const std::vector<double>& lambda, std::int64_t core_rank, double tau) {
  std::vector<std::int64_t> order(lambda.size());
  std::iota(order.begin(), order.end(), std::int64_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    const double fa = std::abs(lambda[static_cast<std::size_t>(a)]), fb = std::abs(lambda[static_cast<std::size_t>(b)]);
    return fa != fb ? fa > fb : lambda[static_cast<std::size_t>(a)] > lambda[static_cast<std::size_t>(b)];
  });
  const double largest = order.empty() ? 0 : std::abs(lambda[static_cast<std::size_t>(order[0])]);
  std::vector<std::int64_t> kept;
  for (std::int64_t p : order) {
    if (static_cast<std::int64_t>(kept.size()) >= core_rank) break;
    if (!(std::abs(lambda[static_cast<std::size_t>(p)]) > tau * largest)) break;
    kept.push_back(p);
  }
  return kept;
}

NystromPairs from_svd(blas::SvdFactors&& f, std::int64_t n) {
  NystromPairs out;
  out.values.resize(static_cast<std::size_t>(f.r));
  out.vectors.rows = n;
  out.vectors.cols = f.r;
  out.vectors.data = std::move(f.U);
  for (int j = 0; j < f.r; ++j) out.values[static_cast<std::size_t>(j)] = f.s[static_cast<std::size_t>(j)];
  return out;
}

}  // namespace

std::vector<double> symmetric_eigen(DenseMatrix<double>& a) {
  const int n = blas::dim(a.rows, "n");
  RANDLA_EXPECTS_CODE(a.rows == a.cols, ErrorCode::Internal, "symmetric_eigen")
      << "Expected a square matrix for symmetric_eigen but received " << a.rows << " x " << a.cols;
  std::vector<double> w(static_cast<std::size_t>(n));
  if (n == 0) return w;
  const char jobz = 'V', uplo = 'L';
  int lda = n, lwork = -1, liwork = -1, info = 0, iquery = 0;
  double query = 0;
  dsyevd_(&jobz, &uplo, &n, a.data.data(), &lda, w.data(), &query, &lwork, &iquery, &liwork, &info, 1, 1);
  blas::check_info(info, "syevd");
  lwork = std::max(1, static_cast<int>(query));
  liwork = std::max(1, iquery);
  std::vector<double> work(static_cast<std::size_t>(lwork));
  std::vector<int> iwork(static_cast<std::size_t>(liwork));
  dsyevd_(&jobz, &uplo, &n, a.data.data(), &lda, w.data(), work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
  blas::check_info(info, "syevd");
  if (info > 0) throw Error(ErrorCode::NotConverged, "syevd: the symmetric eigensolver did not converge");
  return w;
}

NystromPairs nystrom_psd_core(const DenseMatrix<double>& Y, const std::vector<std::int64_t>* selected,
                              const DenseMatrix<double>* omega) {
  const std::int64_t n = Y.rows, l = Y.cols;
  RANDLA_EXPECTS_CODE((selected != nullptr && static_cast<std::int64_t>(selected->size()) == l) ||
                          (omega != nullptr && omega->rows == n && omega->cols == l),
                      ErrorCode::Internal, "nystrom_psd_core")
      << "Expected a column selection or an n x l test matrix for nystrom_psd_core but received neither";
  double norm2 = 0;
  for (double v : Y.data) norm2 += v * v;
  // The shift ν of Tropp et al. (Alg. 3, line 3) makes B = Ωᵀ(Y + νΩ) numerically positive
  // definite, and is subtracted from the captured spectrum at the end.
  const double nu = std::sqrt(static_cast<double>(n)) * kUnitRoundoff * std::sqrt(norm2);
  const int ni = blas::dim(n, "n"), li = blas::dim(l, "l");
  DenseMatrix<double> Ynu = Y, B(l, l);
  if (selected != nullptr) {
    for (std::int64_t t = 0; t < l; ++t) Ynu((*selected)[static_cast<std::size_t>(t)], t) += nu;
    for (std::int64_t j = 0; j < l; ++j)
      for (std::int64_t t = 0; t < l; ++t) B(t, j) = Ynu((*selected)[static_cast<std::size_t>(t)], j);
  } else {
    for (std::size_t p = 0; p < Ynu.data.size(); ++p) Ynu.data[p] += nu * omega->data[p];
    blas::gemm(CblasTrans, CblasNoTrans, li, li, ni, 1.0, omega->data.data(), ni, Ynu.data.data(), ni, 0.0,
               B.data.data(), li);
  }
  symmetrize(B);
  int info = 0;
  blas::potrf('U', li, B.data.data(), li, &info);
  blas::check_info(info, "potrf");
  RANDLA_EXPECTS_CODE(info == 0, ErrorCode::NotPsd, "A")
      << "Expected a positive-semidefinite matrix for A but received one whose shifted Nyström core W + nu*I "
      << "(nu = " << nu << ") has no Cholesky factor (leading minor " << info << ")";
  blas::trsm(CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, ni, li, 1.0, B.data.data(), li, Ynu.data.data(), ni);
  NystromPairs out = from_svd(blas::svd(ni, li, Ynu.data.data(), std::max(1, ni)), n);
  for (double& v : out.values) v = std::max(0.0, v * v - nu);
  return out;
}

NystromPairs nystrom_factor_core(const DenseMatrix<double>& F) {
  const std::int64_t n = F.rows, k = F.cols;
  if (k == 0) {
    NystromPairs out;
    out.vectors = DenseMatrix<double>(n, 0);
    return out;
  }
  DenseMatrix<double> work = F;
  const int ni = blas::dim(n, "n");
  NystromPairs out = from_svd(blas::svd(ni, blas::dim(k, "k"), work.data.data(), std::max(1, ni)), n);
  for (double& v : out.values) v = v * v;
  return out;
}

NystromPairs nystrom_indefinite_core(const DenseMatrix<double>& C, const std::vector<double>& W_eigvals,
                                     const DenseMatrix<double>& W_eigvecs, std::int64_t core_rank, double tau,
                                     std::int64_t wanted) {
  const std::int64_t n = C.rows, l = C.cols;
  const int ni = blas::dim(n, "n"), li = blas::dim(l, "l");
  // C = Q·R (thin Householder QR): the reflectors stay in QR, R is copied out.
  DenseMatrix<double> QR = C, R(l, l);
  std::vector<double> tau_qr(static_cast<std::size_t>(l));
  std::vector<double> work;
  {
    int info = 0;
    double query = 0;
    blas::geqrf(ni, li, QR.data.data(), ni, tau_qr.data(), &query, -1, &info);
    blas::check_info(info, "geqrf");
    work.resize(static_cast<std::size_t>(std::max({1, li, static_cast<int>(query)})));
    blas::geqrf(ni, li, QR.data.data(), ni, tau_qr.data(), work.data(), static_cast<int>(work.size()), &info);
    blas::check_info(info, "geqrf");
    for (std::int64_t j = 0; j < l; ++j)
      for (std::int64_t i = 0; i <= j; ++i) R(i, j) = QR(i, j);
  }
  const std::vector<std::int64_t> kept = kept_eigenvalues(W_eigvals, core_rank, tau);
  const auto k = static_cast<std::int64_t>(kept.size());
  DenseMatrix<double> M(l, l);
  if (k > 0) {
    DenseMatrix<double> VK(l, k);
    for (std::int64_t t = 0; t < k; ++t)
      std::copy(W_eigvecs.col(kept[static_cast<std::size_t>(t)]), W_eigvecs.col(kept[static_cast<std::size_t>(t)]) + l,
                VK.col(t));
    DenseMatrix<double> RV, RVs;
    blas::multiply(false, false, 1.0, R, VK, 0.0, RV);
    RVs = RV;
    for (std::int64_t t = 0; t < k; ++t) {
      const double inv = 1.0 / W_eigvals[static_cast<std::size_t>(kept[static_cast<std::size_t>(t)])];
      for (std::int64_t i = 0; i < l; ++i) RVs(i, t) *= inv;
    }
    blas::multiply(false, true, 1.0, RVs, RV, 0.0, M);
    symmetrize(M);
  }
  const std::vector<double> values = symmetric_eigen(M);  // M now holds the eigenvectors
  // The pairs returned: all l, or the `wanted` of largest |λ| (the driver keeps r of them), so
  // that Q is applied to a few vectors instead of formed: at n = 65 536, l = 400 that drops
  // orgqr and the n × l × l product, two thirds of the core's flops.
  std::vector<std::int64_t> order(static_cast<std::size_t>(l));
  std::iota(order.begin(), order.end(), std::int64_t{0});
  std::int64_t p = l;
  if (wanted > 0 && wanted < l) {
    std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
      const double fa = std::abs(values[static_cast<std::size_t>(a)]), fb = std::abs(values[static_cast<std::size_t>(b)]);
      return fa != fb ? fa > fb : values[static_cast<std::size_t>(a)] > values[static_cast<std::size_t>(b)];
    });
    p = wanted;
  }
  NystromPairs out;
  out.values.resize(static_cast<std::size_t>(p));
  // Q·z for z = (y; 0) with y an eigenvector of M: the reflectors applied to the padded block.
  out.vectors = DenseMatrix<double>(n, p);
  for (std::int64_t t = 0; t < p; ++t) {
    const std::int64_t e = order[static_cast<std::size_t>(t)];
    out.values[static_cast<std::size_t>(t)] = values[static_cast<std::size_t>(e)];
    std::copy(M.col(e), M.col(e) + l, out.vectors.col(t));
  }
  int info = 0;
  double query = 0;
  const int pi = blas::dim(p, "pairs");
  blas::ormqr('L', 'N', ni, pi, li, QR.data.data(), ni, tau_qr.data(), out.vectors.data.data(), ni, &query, -1, &info);
  blas::check_info(info, "ormqr");
  if (static_cast<std::size_t>(query) > work.size()) work.resize(static_cast<std::size_t>(query));
  blas::ormqr('L', 'N', ni, pi, li, QR.data.data(), ni, tau_qr.data(), out.vectors.data.data(), ni, work.data(),
              static_cast<int>(work.size()), &info);
  blas::check_info(info, "ormqr");
  return out;
}

NystromPairs nystrom_scaled_core(const DenseMatrix<double>& C, const std::vector<double>& W_eigvals,
                                 const DenseMatrix<double>& W_eigvecs, std::int64_t core_rank, double tau) {
  const std::int64_t n = C.rows, l = C.cols;
  const std::vector<std::int64_t> kept = kept_eigenvalues(W_eigvals, core_rank, tau);
  const auto k = static_cast<std::int64_t>(kept.size());
  DenseMatrix<double> VK(l, k);
  NystromPairs out;
  out.values.resize(static_cast<std::size_t>(k));
  const double ratio = static_cast<double>(n) / static_cast<double>(l);
  for (std::int64_t t = 0; t < k; ++t) {
    const double lambda = W_eigvals[static_cast<std::size_t>(kept[static_cast<std::size_t>(t)])];
    out.values[static_cast<std::size_t>(t)] = ratio * lambda;
    const double scale = std::sqrt(1.0 / ratio) / lambda;
    const double* v = W_eigvecs.col(kept[static_cast<std::size_t>(t)]);
    for (std::int64_t i = 0; i < l; ++i) VK(i, t) = scale * v[i];
  }
  if (k == 0) {
    out.vectors = DenseMatrix<double>(n, 0);
    return out;
  }
  blas::multiply(false, false, 1.0, C, VK, 0.0, out.vectors);
  return out;
}

}  // namespace randla
