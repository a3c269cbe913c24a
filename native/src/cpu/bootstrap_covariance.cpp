// Bootstrap of the operator-norm error of a sketched covariance ỸᵀỸ ≈ AᵀA: Lopes, Erichson,
// Mahoney, "Bootstrapping the operator norm in high dimensions: error estimation for covariance
// matrices and sketching", Bernoulli 2023 (Algorithm 1, applied to the row sketch of
// docs/algorithms/bootstrap.md, whose draws and resamples it shares with the SVD bootstrap).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/row_sketch.hpp"
#include "randla/bootstrap.hpp"
#include "randla/error.hpp"
#include "randla/threads.hpp"

namespace randla {
namespace {

// Eigenvalues of a symmetric n x n matrix (upper triangle of a, overwritten): LAPACK dsyevd
// without vectors, with its scratch kept across replicates.
struct SymmetricValues {
  int n = 0, lwork = 0, liwork = 0;
  std::vector<double> w, work;
  std::vector<int> iwork;

  explicit SymmetricValues(int size) : n(size), w(static_cast<std::size_t>(size)) {
    double query = 0;
    int iquery = 0, info = 0, minus = -1;
    const char jobz = 'N', uplo = 'U';
    dsyevd_(&jobz, &uplo, &n, nullptr, &n, w.data(), &query, &minus, &iquery, &minus, &info, 1, 1);
    blas::check_info(info, "syevd");
    lwork = std::max(2 * n + 1, static_cast<int>(query));
    liwork = std::max(1, iquery);
    work.resize(static_cast<std::size_t>(lwork));
    iwork.resize(static_cast<std::size_t>(liwork));
  }
  // max |λ| of a: the spectral norm of a symmetric matrix.
  double spectral_norm(double* a) {
    int info = 0;
    const char jobz = 'N', uplo = 'U';
    dsyevd_(&jobz, &uplo, &n, a, &n, w.data(), work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
    blas::check_info(info, "syevd");
    if (info > 0) throw Error(ErrorCode::NotConverged, "syevd: the eigenvalues did not converge");
    return std::max(std::abs(w.front()), std::abs(w.back()));
  }
};

}  // namespace

template <class T>
BootstrapCovarianceResult bootstrap_covariance_error(MatrixView<const T> A, const BootstrapCovarianceOptions& o,
                                                     const RunControl& control) {
  RANDLA_EXPECTS_CODE(A.data != nullptr && A.rows >= 1 && A.cols >= 1, ErrorCode::Shape, "A")
      << "Expected a non-empty matrix for A but received " << A.rows << " x " << A.cols;
  detail::check_bootstrap(o.replicates, o.alpha);
  const SingleThreadedBlas single;
  const DenseMatrix<double> Y = row_sketch(A, o.sketch_rows, o.sketch, o.seed, control);
  const std::int64_t t = Y.rows, n = Y.cols, B = o.replicates;
  const int ni = blas::dim(n, "cols"), ti = blas::dim(t, "sketchRows");

  // Yᵀ (n x t): row q of Y is column q, so a resample is a gather of contiguous columns.
  std::vector<double> yt(static_cast<std::size_t>(n * t));
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t q = 0; q < t; ++q) yt[static_cast<std::size_t>(j + q * n)] = Y(q, j);

  BootstrapCovarianceResult r;
  r.sketch_rows = t;
  r.covariance = DenseMatrix<double>(n, n);
  blas::syrk(CblasUpper, CblasNoTrans, ni, ti, 1.0, yt.data(), ni, 0.0, r.covariance.data.data(), ni);
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = j + 1; i < n; ++i) r.covariance(i, j) = r.covariance(j, i);
  {
    SymmetricValues eig(ni);
    std::vector<double> a(r.covariance.data);
    r.norm = eig.spectral_norm(a.data());
  }

  // Replicate b is a function of (Y, b) alone, written to slot b: any split over threads gives
  // the same bits. Waves of threads() replicates report progress on the calling thread.
  r.replicate_errors.assign(static_cast<std::size_t>(B), 0.0);
  const std::int64_t wave = std::max(1, threads());
  for (std::int64_t first = 0; first < B; first += wave) {
    const std::int64_t last = std::min(B, first + wave);
    parallel_for(last - first, [&](std::int64_t b0, std::int64_t b1) {
      SymmetricValues eig(ni);
      std::vector<double> z(static_cast<std::size_t>(n * t)), c(static_cast<std::size_t>(n * n));
      for (std::int64_t b = first + b0; b < first + b1; ++b) {
        control.check();
        const std::vector<std::int64_t> idx = resample_indices(t, b, o.seed);
        for (std::int64_t q = 0; q < t; ++q)
          std::memcpy(z.data() + q * n, yt.data() + idx[static_cast<std::size_t>(q)] * n,
                      static_cast<std::size_t>(n) * sizeof(double));
        // Y*ᵀY* − Σ̃ on the upper triangle, then its largest |eigenvalue|.
        std::copy(r.covariance.data.begin(), r.covariance.data.end(), c.begin());
        blas::syrk(CblasUpper, CblasNoTrans, ni, ti, 1.0, z.data(), ni, -1.0, c.data(), ni);
        r.replicate_errors[static_cast<std::size_t>(b)] = eig.spectral_norm(c.data());
      }
    });
    control.report(static_cast<int>(last), static_cast<int>(B));
  }
  r.error = nearest_rank_quantile(r.replicate_errors, o.alpha);
  r.relative_error = r.norm > 0 ? r.error / r.norm : 0.0;
  return r;
}

double extrapolate(const BootstrapCovarianceResult& r, std::int64_t t_new) {
  return extrapolate_error(r.error, r.sketch_rows, t_new);
}

std::int64_t rows_for(const BootstrapCovarianceResult& r, double tolerance) {
  return rows_for_error(r.error, r.sketch_rows, tolerance, 1);
}

template BootstrapCovarianceResult bootstrap_covariance_error<float>(MatrixView<const float>,
                                                                     const BootstrapCovarianceOptions&, const RunControl&);
template BootstrapCovarianceResult bootstrap_covariance_error<double>(MatrixView<const double>,
                                                                      const BootstrapCovarianceOptions&,
                                                                      const RunControl&);

}  // namespace randla
