// Sketched least squares and its bootstrap error estimate: Lopes, Wang, Mahoney, "Error
// estimation for randomized least-squares algorithms via the bootstrap", ICML 2018 (Algorithm 1),
// on the row sketch of [A | b] of docs/algorithms/bootstrap.md (the same draws as the SVD).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/row_sketch.hpp"
#include "randla/bootstrap.hpp"
#include "randla/error.hpp"
#include "randla/threads.hpp"

namespace randla {
namespace {

// argmin ‖M·x − y‖₂ for the t x n M = [S·A] and y = S·b stored as the t x (n + 1) col-major z
// (overwritten), by Householder QR (LAPACK dgeqrf, dormqr) and back substitution. Scratch kept.
struct QrSolver {
  int t = 0, n = 0, lwork = 0;
  std::vector<double> tau, work;

  QrSolver(std::int64_t rows, std::int64_t cols) : t(blas::dim(rows, "sketchRows")), n(blas::dim(cols, "cols")) {
    tau.resize(static_cast<std::size_t>(n));
    double q1 = 0, q2 = 0;
    int info = 0;
    blas::geqrf(t, n, nullptr, t, tau.data(), &q1, -1, &info);
    blas::check_info(info, "geqrf");
    blas::ormqr('L', 'T', t, 1, n, nullptr, t, tau.data(), nullptr, t, &q2, -1, &info);
    blas::check_info(info, "ormqr");
    lwork = std::max({1, n, static_cast<int>(q1), static_cast<int>(q2)});
    work.resize(static_cast<std::size_t>(lwork));
  }
  // Returns false when R is numerically singular: some |R_jj| <= max(t, n)·eps·max|R_ii| (numpy.linalg.lstsq's
  // default rcond on R's diagonal, the reference backend's rule: both backends must reject the same sketches).
  bool solve(std::vector<double>& z, std::vector<double>& x) {
    int info = 0;
    double* a = z.data();
    double* y = z.data() + static_cast<std::size_t>(t) * n;
    blas::geqrf(t, n, a, t, tau.data(), work.data(), lwork, &info);
    blas::check_info(info, "geqrf");
    double largest = 0;
    for (int j = 0; j < n; ++j) largest = std::max(largest, std::abs(a[j + static_cast<std::size_t>(j) * t]));
    const double floor = static_cast<double>(std::max(t, n)) * std::numeric_limits<double>::epsilon() * largest;
    for (int j = 0; j < n; ++j)
      if (!(std::abs(a[j + static_cast<std::size_t>(j) * t]) > floor)) return false;
    blas::ormqr('L', 'T', t, 1, n, a, t, tau.data(), y, t, work.data(), lwork, &info);
    blas::check_info(info, "ormqr");
    cblas_dtrsv(CblasColMajor, CblasUpper, CblasNoTrans, CblasNonUnit, n, a, t, y, 1);
    x.assign(y, y + n);
    return true;
  }
};

template <class T>
DenseMatrix<double> sketch_system(MatrixView<const T> A, const T* b, const SketchedLstsqOptions& o,
                                  const RunControl& control) {
  RANDLA_EXPECTS_CODE(A.data != nullptr && A.rows >= 1 && A.cols >= 1, ErrorCode::Shape, "A")
      << "Expected a non-empty matrix for A but received " << A.rows << " x " << A.cols;
  RANDLA_EXPECTS(o.sketch_rows >= A.cols && o.sketch_rows <= kMaxSketchRows, "options.sketchRows")
      << "Expected an integer in [" << A.cols << ", " << kMaxSketchRows << "] (at least the columns of A) for "
      << "options.sketchRows but received " << o.sketch_rows;
  return augmented_row_sketch(A, b, o.sketch_rows, o.sketch, o.seed, control);
}

std::vector<double> solve_sketch(const DenseMatrix<double>& Y) {
  QrSolver qr(Y.rows, Y.cols - 1);
  std::vector<double> z(Y.data), x;
  RANDLA_EXPECTS(qr.solve(z, x), "A")
      << "Expected a sketch S*A of full column rank for A but received one that is numerically rank deficient";
  return x;
}

}  // namespace

template <class T>
std::vector<double> sketched_lstsq(MatrixView<const T> A, const T* b, const SketchedLstsqOptions& o,
                                   const RunControl& control) {
  const SingleThreadedBlas single;
  return solve_sketch(sketch_system(A, b, o, control));
}

template <class T>
BootstrapLstsqResult bootstrap_lstsq_error(MatrixView<const T> A, const T* b, const SketchedLstsqOptions& o,
                                           const RunControl& control) {
  detail::check_bootstrap(o.replicates, o.alpha);
  const SingleThreadedBlas single;
  const DenseMatrix<double> Y = sketch_system(A, b, o, control);
  const std::int64_t t = Y.rows, c = Y.cols, n = c - 1, B = o.replicates;
  BootstrapLstsqResult r;
  r.sketch_rows = t;
  r.cols = n;
  r.x = solve_sketch(Y);
  r.replicate_errors.assign(static_cast<std::size_t>(B), 0.0);
  // Replicate b is a function of (Y, b) alone, written to slot b: the same bits on any thread
  // count. Waves of threads() replicates report progress on the calling thread.
  const std::int64_t wave = std::max(1, threads());
  for (std::int64_t first = 0; first < B; first += wave) {
    const std::int64_t last = std::min(B, first + wave);
    parallel_for(last - first, [&](std::int64_t b0, std::int64_t b1) {
      QrSolver qr(t, n);
      std::vector<double> z(static_cast<std::size_t>(t * c)), x;
      for (std::int64_t rep = first + b0; rep < first + b1; ++rep) {
        control.check();
        const std::vector<std::int64_t> idx = resample_indices(t, rep, o.seed);
        // The resampled rows of [S·A | S·b], with the scale they already carry.
        for (std::int64_t j = 0; j < c; ++j)
          for (std::int64_t q = 0; q < t; ++q) z[static_cast<std::size_t>(q + j * t)] = Y(idx[static_cast<std::size_t>(q)], j);
        // A resample that lost full column rank counts as an infinite error (as on the reference
        // backend): the estimate errs on the safe side instead of failing the whole call.
        if (!qr.solve(z, x)) {
          r.replicate_errors[static_cast<std::size_t>(rep)] = std::numeric_limits<double>::infinity();
          continue;
        }
        double ss = 0;
        for (std::int64_t i = 0; i < n; ++i) {
          const double d = x[static_cast<std::size_t>(i)] - r.x[static_cast<std::size_t>(i)];
          ss += d * d;
        }
        r.replicate_errors[static_cast<std::size_t>(rep)] = std::sqrt(ss);
      }
    });
    control.report(static_cast<int>(last), static_cast<int>(B));
  }
  r.error = nearest_rank_quantile(r.replicate_errors, o.alpha);
  double norm = 0;
  for (double v : r.x) norm += v * v;
  norm = std::sqrt(norm);
  r.relative_error = norm > 0 ? r.error / norm : 0.0;
  return r;
}

double extrapolate(const BootstrapLstsqResult& r, std::int64_t t_new) {
  return extrapolate_error(r.error, r.sketch_rows, t_new);
}

std::int64_t rows_for(const BootstrapLstsqResult& r, double tolerance) {
  return rows_for_error(r.error, r.sketch_rows, tolerance, r.cols);
}

template std::vector<double> sketched_lstsq<float>(MatrixView<const float>, const float*, const SketchedLstsqOptions&,
                                                   const RunControl&);
template std::vector<double> sketched_lstsq<double>(MatrixView<const double>, const double*,
                                                    const SketchedLstsqOptions&, const RunControl&);
template BootstrapLstsqResult bootstrap_lstsq_error<float>(MatrixView<const float>, const float*,
                                                           const SketchedLstsqOptions&, const RunControl&);
template BootstrapLstsqResult bootstrap_lstsq_error<double>(MatrixView<const double>, const double*,
                                                            const SketchedLstsqOptions&, const RunControl&);

}  // namespace randla
