// Sketched SVD and its bootstrap error estimate: Lopes, Erichson, Mahoney, "Error estimation for
// sketched SVD via the bootstrap", ICML 2020, Algorithm 1 (exact contract: docs/algorithms/bootstrap.md).
// Deviation: every SVD is LAPACK dgesvdx's top k of Yᵀ (or of Rᵀ, Y = QR, when t > n): the factors are
// those of Y to rounding.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/row_sketch.hpp"
#include "randla/bootstrap.hpp"
#include "randla/error.hpp"
#include "randla/threads.hpp"


namespace randla {
namespace {

constexpr std::int64_t kRowBlock = 256;
constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

template <class T>
void check_shape(MatrixView<const T> A) {
  RANDLA_EXPECTS_CODE(A.data != nullptr && A.rows >= 1 && A.cols >= 1, ErrorCode::Shape, "A")
      << "Expected a non-empty matrix for A but received " << A.rows << " x " << A.cols;
}

void check_rank_and_rows(std::int64_t k, std::int64_t t, std::int64_t n) {
  RANDLA_EXPECTS(k >= 1 && k <= n, "options.rank")
      << "Expected an integer in [1, " << n << "] (at most the columns of A) for options.rank but received " << k;
  RANDLA_EXPECTS(t >= k && t <= kMaxSketchRows, "options.sketchRows")
      << "Expected an integer in [" << k << ", " << kMaxSketchRows << "] (at least options.rank) for "
      << "options.sketchRows but received " << t;
}

// Scratch of one top-k SVD of a t x n sketch Y (or of a resample of its rows). The right vectors
// of Y are the left vectors of Yᵀ. When t > n, Y = Q·R (LAPACK dgeqrf) first and only the n x n
// L = Rᵀ is factored: its left vectors are Y's right vectors, and the t x n Q the bootstrap never
// uses is not formed. When t <= n, Yᵀ (n x t) is factored itself. Either way dgesvdx (range 'I')
// computes only the top k pairs: bidiagonalisation, then k values by bisection and k vectors by
// inverse iteration, rather than dgesdd's full set (measured at t = 1000, n = 200, k = 10 on one
// thread: 6 ms per replicate against 10 ms for dgelqf + dgesdd).
struct TopSvd {
  int n = 0, t = 0, k = 0, lwork = 0;
  bool reduce = false;
  std::vector<double> a, l, tau, s, u, work;
  std::vector<int> iwork;

  TopSvd(std::int64_t cols, std::int64_t rows, std::int64_t rank)
      : n(blas::dim(cols, "cols")), t(blas::dim(rows, "sketchRows")), k(blas::dim(rank, "rank")), reduce(rows > cols) {
    const int r = std::min(n, t);
    a.resize(static_cast<std::size_t>(n) * t);
    s.resize(static_cast<std::size_t>(r));
    u.resize(static_cast<std::size_t>(n) * k);
    iwork.resize(static_cast<std::size_t>(12) * r);
    double query = 0, query2 = 0;
    int info = 0;
    lwork = -1;
    if (reduce) {
      l.resize(static_cast<std::size_t>(n) * n);
      tau.resize(static_cast<std::size_t>(n));
      blas::geqrf(t, n, a.data(), t, tau.data(), &query, lwork, &info);
      blas::check_info(info, "geqrf");
    }
    svd_call(&query2, &info);
    blas::check_info(info, "gesvdx");
    lwork = std::max({1, static_cast<int>(query), static_cast<int>(query2)});
    work.resize(static_cast<std::size_t>(lwork));
  }
  // Row rows[q] of Y (rows == nullptr: row q) becomes row q of the matrix factored next.
  // t > n: Y itself, t x n column-major (one column at a time: reads stay within a column of Y);
  // else Yᵀ, n x t column-major.
  void load(const DenseMatrix<double>& Y, const std::int64_t* rows) {
    const auto row = [&](std::int64_t q) { return rows == nullptr ? q : rows[q]; };
    if (reduce) {
      for (std::int64_t j = 0; j < n; ++j)
        for (std::int64_t q = 0; q < t; ++q) a[static_cast<std::size_t>(q + j * t)] = Y(row(q), j);
    } else {
      for (std::int64_t q = 0; q < t; ++q)
        for (std::int64_t j = 0; j < n; ++j) a[static_cast<std::size_t>(j + q * n)] = Y(row(q), j);
    }
  }
  // dgesvdx, left vectors of the top k only, of the n x c matrix (L, c = n; or Yᵀ, c = t).
  void svd_call(double* w, int* info) {
    const char jobu = 'V', jobvt = 'N', range = 'I';
    double* m = reduce ? l.data() : a.data();
    const int c = reduce ? n : t, il = 1, iu = k, ldvt = 1;
    const double vl = 0, vu = 0;
    int found = 0;
    double dummy = 0;
    dgesvdx_(&jobu, &jobvt, &range, &n, &c, m, &n, &vl, &vu, &il, &iu, &found, s.data(), u.data(), &n, &dummy, &ldvt,
             w, &lwork, iwork.data(), info, 1, 1, 1);
  }
  // Factor what load() filled; then s[j] and vector(j), j < k, are its j-th pair.
  void factor() {
    int info = 0;
    if (reduce) {
      blas::geqrf(t, n, a.data(), t, tau.data(), work.data(), lwork, &info);
      blas::check_info(info, "geqrf");
      // L = Rᵀ: L(i, j) = R(j, i) for i >= j.
      for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i)
          l[static_cast<std::size_t>(i + j * n)] = i >= j ? a[static_cast<std::size_t>(j + i * t)] : 0.0;
    }
    svd_call(work.data(), &info);
    blas::check_info(info, "gesvdx");
    if (info > 0) throw Error(ErrorCode::NotConverged, "gesvdx: the SVD of the sketch did not converge");
  }
  const double* vector(std::int64_t j) const { return u.data() + j * n; }
};

// The columns of Y·V (t x k), each scaled to unit norm (a zero column stays zero).
DenseMatrix<double> unit_columns_of_product(const DenseMatrix<double>& Y, const DenseMatrix<double>& V) {
  const std::int64_t t = Y.rows, n = Y.cols, k = V.cols;
  DenseMatrix<double> P(t, k);
  blas::gemm(CblasNoTrans, CblasNoTrans, static_cast<int>(t), static_cast<int>(k), static_cast<int>(n), 1.0,
             Y.data.data(), static_cast<int>(t), V.data.data(), static_cast<int>(n), 0.0, P.data.data(),
             static_cast<int>(t));
  for (std::int64_t j = 0; j < k; ++j) {
    double* p = P.col(j);
    double ss = 0;
    for (std::int64_t i = 0; i < t; ++i) ss += p[i] * p[i];
    if (ss > 0) {
      const double inv = 1.0 / std::sqrt(ss);
      for (std::int64_t i = 0; i < t; ++i) p[i] *= inv;
    }
  }
  return P;
}

// ‖b − a(aᵀb)‖₂ with b = y/‖y‖, for a unit (or zero) a: the sine of the angle between a and y,
// from the projection (accurate near 0); 0 when y = 0.
double unit_sin_angle(const double* a, const double* y, std::int64_t len) {
  double yy = 0, ay = 0;
  for (std::int64_t i = 0; i < len; ++i) {
    yy += y[i] * y[i];
    ay += a[i] * y[i];
  }
  if (!(yy > 0)) return 0.0;
  const double inv = 1.0 / std::sqrt(yy), c = ay * inv;
  double ss = 0;
  for (std::int64_t i = 0; i < len; ++i) {
    const double d = y[i] * inv - a[i] * c;
    ss += d * d;
  }
  return std::sqrt(ss);
}

// Each column's first largest-|.| entry positive (the sketched solution's canonical sign).
void canonical_signs(DenseMatrix<double>& V) {
  for (std::int64_t j = 0; j < V.cols; ++j) {
    double* v = V.col(j);
    std::int64_t arg = 0;
    for (std::int64_t i = 1; i < V.rows; ++i)
      if (std::abs(v[i]) > std::abs(v[arg])) arg = i;
    if (v[arg] < 0)
      for (std::int64_t i = 0; i < V.rows; ++i) v[i] = -v[i];
  }
}

// σ̃, Ṽ of the sketch Y.
void top_pairs(const DenseMatrix<double>& Y, std::int64_t k, std::vector<double>& S, DenseMatrix<double>& V) {
  const std::int64_t n = Y.cols;
  TopSvd svd(n, Y.rows, k);
  svd.load(Y, nullptr);
  svd.factor();
  S.assign(svd.s.begin(), svd.s.begin() + k);
  V = DenseMatrix<double>(n, k);
  for (std::int64_t j = 0; j < k; ++j) std::copy(svd.vector(j), svd.vector(j) + n, V.col(j));
  canonical_signs(V);
}

// Ũ = orth(A·Ṽ·Σ̃⁻¹): one pass over A, then Householder QR with diag(R) > 0. Columns with
// σ̃ⱼ = 0 stay zero in the product, so the QR's completion takes their place.
template <class T>
DenseMatrix<double> left_vectors(MatrixView<const T> A, const std::vector<double>& S, const DenseMatrix<double>& V) {
  const std::int64_t m = A.rows, n = A.cols, k = V.cols;
  DenseMatrix<double> Vs(n, k);
  for (std::int64_t j = 0; j < k; ++j) {
    const double sigma = S[static_cast<std::size_t>(j)];
    if (sigma > 0)
      for (std::int64_t i = 0; i < n; ++i) Vs(i, j) = V(i, j) / sigma;
  }
  // Row blocks of fixed size in parallel, each a single-threaded gemm (f32 read exactly into an
  // f64 block; no copy of the whole matrix): the same bits on any thread count.
  DenseMatrix<double> W(m, k);
  const std::int64_t blocks = (m + kRowBlock - 1) / kRowBlock;
  parallel_for(blocks, [&](std::int64_t b0, std::int64_t b1) {
    DenseMatrix<double> block;
    for (std::int64_t b = b0; b < b1; ++b) {
      const std::int64_t r0 = b * kRowBlock, rb = std::min(kRowBlock, m - r0);
      const double* a = nullptr;
      int lda = 0;
      CBLAS_TRANSPOSE op = CblasNoTrans;
      if constexpr (std::is_same_v<T, double>) {
        const bool row_major = A.layout == Layout::RowMajor;
        a = A.data + (row_major ? r0 * A.ld : r0);
        lda = blas::dim(std::max<std::int64_t>(1, A.ld), "leading dimension");
        op = row_major ? CblasTrans : CblasNoTrans;
      } else {
        block.resize_for_overwrite(rb, n);
        for (std::int64_t j = 0; j < n; ++j)
          for (std::int64_t r = 0; r < rb; ++r) block(r, j) = static_cast<double>(A(r0 + r, j));
        a = block.data.data();
        lda = blas::dim(rb, "ld");
      }
      blas::gemm(op, CblasNoTrans, blas::dim(rb, "rows"), blas::dim(k, "rank"), blas::dim(n, "cols"), 1.0, a, lda,
                 Vs.data.data(), blas::dim(n, "ld"), 0.0, W.data.data() + r0, blas::dim(m, "ld"));
    }
  });
  const int mi = blas::dim(m, "rows"), ki = blas::dim(k, "rank");
  std::vector<double> tau(static_cast<std::size_t>(k));
  int info = 0, lwork = -1;
  double query = 0, query2 = 0;
  blas::geqrf(mi, ki, W.data.data(), mi, tau.data(), &query, lwork, &info);
  blas::check_info(info, "geqrf");
  blas::orgqr(mi, ki, ki, W.data.data(), mi, tau.data(), &query2, lwork, &info);
  blas::check_info(info, "orgqr");
  lwork = std::max({1, ki, static_cast<int>(query), static_cast<int>(query2)});
  std::vector<double> work(static_cast<std::size_t>(lwork));
  blas::geqrf(mi, ki, W.data.data(), mi, tau.data(), work.data(), lwork, &info);
  blas::check_info(info, "geqrf");
  std::vector<bool> flip(static_cast<std::size_t>(k));
  for (std::int64_t j = 0; j < k; ++j) flip[static_cast<std::size_t>(j)] = W(j, j) < 0;
  blas::orgqr(mi, ki, ki, W.data.data(), mi, tau.data(), work.data(), lwork, &info);
  blas::check_info(info, "orgqr");
  for (std::int64_t j = 0; j < k; ++j)
    if (flip[static_cast<std::size_t>(j)])
      for (std::int64_t i = 0; i < m; ++i) W(i, j) = -W(i, j);
  return W;
}

}  // namespace

double nearest_rank_quantile(std::vector<double> sample, double alpha) {
  const std::int64_t B = static_cast<std::int64_t>(sample.size());
  RANDLA_EXPECTS(B >= 1, "sample") << "Expected a non-empty sample but received " << B << " values";
  detail::check_bootstrap(std::max<std::int64_t>(B, 2), alpha);
  auto rank = static_cast<std::int64_t>(std::ceil((1.0 - alpha) * static_cast<double>(B)));
  rank = std::clamp<std::int64_t>(rank, 1, B);
  std::nth_element(sample.begin(), sample.begin() + (rank - 1), sample.end());
  return sample[static_cast<std::size_t>(rank - 1)];
}

BootstrapSvdResult bootstrap_svd_error_of_sketch(const DenseMatrix<double>& Y, const BootstrapSvdOptions& o,
                                                 const RunControl& control) {
  const std::int64_t t = Y.rows, n = Y.cols, k = o.rank, B = o.replicates;
  RANDLA_EXPECTS_CODE(t >= 1 && n >= 1 && static_cast<std::int64_t>(Y.data.size()) == t * n, ErrorCode::Shape, "Y")
      << "Expected a non-empty sketch for Y but received " << t << " x " << n;
  check_rank_and_rows(k, t, n);
  detail::check_bootstrap(B, o.alpha);
  const SingleThreadedBlas single;

  BootstrapSvdResult r;
  r.sketch_rows = t;
  r.rank = k;
  top_pairs(Y, k, r.S, r.V);
  r.value_errors = DenseMatrix<double>(B, k);
  r.vector_errors = DenseMatrix<double>(B, k);
  r.subspace_errors = DenseMatrix<double>(B, k);
  r.left_errors = DenseMatrix<double>(B, k);
  // a_j = Y·ṽⱼ/‖Y·ṽⱼ‖ (t x k): the sketch's own left vectors, the reference of the left errors.
  const DenseMatrix<double> left = unit_columns_of_product(Y, r.V);

  // Replicate b's outputs are a function of (Y, b) alone, written to row b: any split of the
  // replicates over threads gives the same bits. Waves of threads() replicates let progress be
  // reported, and an abort honoured, on the calling thread between replicates.
  const std::int64_t wave = std::max(1, threads());
  for (std::int64_t first = 0; first < B; first += wave) {
    const std::int64_t last = std::min(B, first + wave);
    parallel_for(last - first, [&](std::int64_t b0, std::int64_t b1) {
      TopSvd svd(n, t, k);
      std::vector<double> residual(static_cast<std::size_t>(n));
      DenseMatrix<double> star_left(t, k);
      for (std::int64_t b = first + b0; b < first + b1; ++b) {
        control.check();
        const std::vector<std::int64_t> idx = resample_indices(t, b, o.seed);
        // Y* = Y[i*, :], with the scale its rows already carry.
        svd.load(Y, idx.data());
        svd.factor();
        // b_j = Y·v*ⱼ (then normalised below): the replicate's left vectors read in the sketch.
        blas::gemm(CblasNoTrans, CblasNoTrans, static_cast<int>(t), static_cast<int>(k), static_cast<int>(n), 1.0,
                   Y.data.data(), static_cast<int>(t), svd.u.data(), static_cast<int>(n), 0.0, star_left.data.data(),
                   static_cast<int>(t));
        for (std::int64_t j = 0; j < k; ++j) {
          r.value_errors(b, j) = std::abs(svd.s[static_cast<std::size_t>(j)] - r.S[static_cast<std::size_t>(j)]);
          // ‖v* − ṽ(ṽᵀv*)‖₂: the sine of the angle from the projection, accurate near 0.
          const double* vs = svd.vector(j);
          const double* vt = r.V.col(j);
          double c = 0;
          for (std::int64_t i = 0; i < n; ++i) c += vt[i] * vs[i];
          double ss = 0;
          for (std::int64_t i = 0; i < n; ++i) {
            const double d = vs[i] - vt[i] * c;
            ss += d * d;
          }
          r.vector_errors(b, j) = std::sqrt(ss);
          // ‖v* − Ṽ(Ṽᵀv*)‖₂: the part of v* outside the sketched subspace.
          for (std::int64_t i = 0; i < n; ++i) residual[static_cast<std::size_t>(i)] = vs[i];
          for (std::int64_t l = 0; l < k; ++l) {
            const double* vl = r.V.col(l);
            double cl = 0;
            for (std::int64_t i = 0; i < n; ++i) cl += vl[i] * vs[i];
            for (std::int64_t i = 0; i < n; ++i) residual[static_cast<std::size_t>(i)] -= vl[i] * cl;
          }
          double rs = 0;
          for (double v : residual) rs += v * v;
          r.subspace_errors(b, j) = std::sqrt(rs);
          r.left_errors(b, j) = unit_sin_angle(left.col(j), star_left.col(j), t);
        }
      }
    });
    control.report(static_cast<int>(last), static_cast<int>(B));
  }

  std::vector<double> max_value(static_cast<std::size_t>(B), 0.0), max_vector(static_cast<std::size_t>(B), 0.0);
  std::vector<double> max_subspace(static_cast<std::size_t>(B), 0.0), max_left(static_cast<std::size_t>(B), 0.0);
  for (std::int64_t b = 0; b < B; ++b)
    for (std::int64_t j = 0; j < k; ++j) {
      max_subspace[static_cast<std::size_t>(b)] = std::max(max_subspace[static_cast<std::size_t>(b)], r.subspace_errors(b, j));
      max_value[static_cast<std::size_t>(b)] = std::max(max_value[static_cast<std::size_t>(b)], r.value_errors(b, j));
      max_vector[static_cast<std::size_t>(b)] = std::max(max_vector[static_cast<std::size_t>(b)], r.vector_errors(b, j));
      max_left[static_cast<std::size_t>(b)] = std::max(max_left[static_cast<std::size_t>(b)], r.left_errors(b, j));
    }
  r.value_error = nearest_rank_quantile(max_value, o.alpha);
  r.vector_error = nearest_rank_quantile(max_vector, o.alpha);
  r.subspace_error = nearest_rank_quantile(max_subspace, o.alpha);
  r.left_error = nearest_rank_quantile(max_left, o.alpha);
  for (std::int64_t j = 0; j < k; ++j) {
    r.value_per_component.push_back(
        nearest_rank_quantile(std::vector<double>(r.value_errors.col(j), r.value_errors.col(j) + B), o.alpha));
    r.vector_per_component.push_back(
        nearest_rank_quantile(std::vector<double>(r.vector_errors.col(j), r.vector_errors.col(j) + B), o.alpha));
    r.left_per_component.push_back(
        nearest_rank_quantile(std::vector<double>(r.left_errors.col(j), r.left_errors.col(j) + B), o.alpha));
  }
  return r;
}

template <class T>
SketchedSvdResult sketched_svd(MatrixView<const T> A, const SketchedSvdOptions& o, const RunControl& control) {
  check_shape(A);
  check_rank_and_rows(o.rank, o.sketch_rows, A.cols);
  if (o.left_vectors) {
    RANDLA_EXPECTS(o.rank <= A.rows, "options.rank")
        << "Expected an integer in [1, " << A.rows << "] (at most the rows of A, for left vectors) for options.rank "
        << "but received " << o.rank;
  }
  const SingleThreadedBlas single;
  const DenseMatrix<double> Y = row_sketch(A, o.sketch_rows, o.sketch, o.seed, control);
  SketchedSvdResult r;
  r.sketch_rows = o.sketch_rows;
  top_pairs(Y, o.rank, r.S, r.V);
  if (o.left_vectors) {
    control.check();
    r.U = left_vectors(A, r.S, r.V);
  }
  return r;
}

template <class T>
BootstrapSvdResult bootstrap_svd_error(MatrixView<const T> A, const BootstrapSvdOptions& o, const RunControl& control) {
  check_shape(A);
  check_rank_and_rows(o.rank, o.sketch_rows, A.cols);
  detail::check_bootstrap(o.replicates, o.alpha);
  return bootstrap_svd_error_of_sketch(row_sketch(A, o.sketch_rows, o.sketch, o.seed, control), o, control);
}

double extrapolate_error(double estimate, std::int64_t t, std::int64_t t_new) {
  RANDLA_EXPECTS(t_new >= 1, "rows") << "Expected a positive integer for rows but received " << t_new;
  return estimate * std::sqrt(static_cast<double>(t) / static_cast<double>(t_new));
}

SvdErrorEstimate extrapolate(const BootstrapSvdResult& r, std::int64_t t_new) {
  return {extrapolate_error(r.value_error, r.sketch_rows, t_new), extrapolate_error(r.vector_error, r.sketch_rows, t_new),
          extrapolate_error(r.left_error, r.sketch_rows, t_new)};
}

namespace {
void check_metric(ErrorMetric metric, const char* argument) {
  const int id = static_cast<int>(metric);
  RANDLA_EXPECTS(id >= 0 && id <= 2, argument)
      << "Expected 'value', 'vector' or 'left' for " << argument << " but received " << id;
}
}  // namespace

double estimate_of(const BootstrapSvdResult& r, ErrorMetric metric) {
  check_metric(metric, "metric");
  switch (metric) {
    case ErrorMetric::Vector: return r.vector_error;
    case ErrorMetric::Left: return r.left_error;
    case ErrorMetric::Value: break;
  }
  return r.value_error;
}

std::int64_t rows_for_error(double estimate, std::int64_t t, double tolerance, std::int64_t min_rows) {
  RANDLA_EXPECTS(tolerance > 0 && std::isfinite(tolerance), "tolerance")
      << "Expected a positive finite number for tolerance but received " << tolerance;
  if (!(estimate > 0)) return std::max<std::int64_t>(min_rows, 1);
  const double ratio = estimate / tolerance;
  const double guess = std::ceil(static_cast<double>(t) * ratio * ratio);
  // Beyond 2^53 no integer step is representable: the answer is "more rows than can exist".
  if (!(guess < kMaxExactInteger)) return static_cast<std::int64_t>(kMaxExactInteger);
  auto meets = [&](std::int64_t rows) {
    return estimate * std::sqrt(static_cast<double>(t) / static_cast<double>(rows)) <= tolerance;
  };
  std::int64_t rows = std::max<std::int64_t>(1, static_cast<std::int64_t>(guess));
  // The closed form rounds; the inequality as written decides.
  while (rows > 1 && meets(rows - 1)) --rows;
  while (!meets(rows)) ++rows;
  return std::max(rows, min_rows);
}

std::int64_t rows_for(const BootstrapSvdResult& r, double tolerance, ErrorMetric metric) {
  return rows_for_error(estimate_of(r, metric), r.sketch_rows, tolerance, r.rank);
}

template <class T>
AdaptiveSvdResult adaptive_sketched_svd(MatrixView<const T> A, const AdaptiveSvdOptions& o, const RunControl& control) {
  check_shape(A);
  const std::int64_t k = o.rank, m = A.rows;
  RANDLA_EXPECTS(k >= 1 && k <= A.cols, "options.rank")
      << "Expected an integer in [1, " << A.cols << "] (at most the columns of A) for options.rank but received " << k;
  RANDLA_EXPECTS(o.tolerance > 0 && std::isfinite(o.tolerance), "options.tolerance")
      << "Expected a positive finite number for options.tolerance but received " << o.tolerance;
  check_metric(o.metric, "options.metric");
  detail::check_bootstrap(o.replicates, o.alpha);
  const std::int64_t max_rows =
      o.max_rows == 0 ? (m > kMaxSketchRows / 16 ? kMaxSketchRows : 16 * m) : o.max_rows;
  RANDLA_EXPECTS(max_rows >= k && max_rows <= kMaxSketchRows, "options.maxRows")
      << "Expected an integer in [" << k << ", " << kMaxSketchRows << "] for options.maxRows but received " << o.max_rows;
  const std::int64_t t0 = o.initial_rows == 0 ? std::min(max_rows, std::max<std::int64_t>(2 * k, 100)) : o.initial_rows;
  RANDLA_EXPECTS(t0 >= k && t0 <= max_rows, "options.initialRows")
      << "Expected an integer in [" << k << ", " << max_rows << "] for options.initialRows but received "
      << o.initial_rows;

  if (o.left_vectors) {
    RANDLA_EXPECTS(k <= m, "options.rank")
        << "Expected an integer in [1, " << m << "] (at most the rows of A, for left vectors) for options.rank but "
        << "received " << k;
  }

  const SingleThreadedBlas single;
  // Progress: replicates done over every step so far; the total grows with each step.
  int done_before = 0;
  RunControl step_control;
  step_control.cancel = control.cancel;
  step_control.progress = [&](int done, int total) {
    if (control.progress) control.progress(done_before + done, done_before + total);
  };

  AdaptiveSvdResult out;
  BootstrapSvdOptions bo{k, t0, o.sketch, o.replicates, o.alpha, o.seed};
  std::int64_t t = t0;
  for (;;) {
    bo.sketch_rows = t;
    // Draw q never depends on t: the sketch of t rows extends the previous one's draws.
    BootstrapSvdResult r = bootstrap_svd_error_of_sketch(row_sketch(A, t, o.sketch, o.seed, control), bo, step_control);
    done_before += static_cast<int>(o.replicates);
    out.path.push_back({t, r.value_error, r.vector_error, r.left_error});
    const double estimate = estimate_of(r, o.metric);
    out.svd.S = std::move(r.S);
    out.svd.V = std::move(r.V);
    out.svd.sketch_rows = t;
    if (estimate <= o.tolerance) {
      out.converged = true;
      break;
    }
    if (t == max_rows) break;
    const auto grown = static_cast<std::int64_t>(std::ceil(1.25 * static_cast<double>(t)));
    t = std::min(max_rows, std::max(rows_for_error(estimate, t, o.tolerance, k), grown));
  }
  if (o.left_vectors) {
    control.check();
    out.svd.U = left_vectors(A, out.svd.S, out.svd.V);
  }
  return out;
}

template SketchedSvdResult sketched_svd<float>(MatrixView<const float>, const SketchedSvdOptions&, const RunControl&);
template SketchedSvdResult sketched_svd<double>(MatrixView<const double>, const SketchedSvdOptions&, const RunControl&);
template BootstrapSvdResult bootstrap_svd_error<float>(MatrixView<const float>, const BootstrapSvdOptions&,
                                                       const RunControl&);
template BootstrapSvdResult bootstrap_svd_error<double>(MatrixView<const double>, const BootstrapSvdOptions&,
                                                        const RunControl&);
template AdaptiveSvdResult adaptive_sketched_svd<float>(MatrixView<const float>, const AdaptiveSvdOptions&,
                                                        const RunControl&);
template AdaptiveSvdResult adaptive_sketched_svd<double>(MatrixView<const double>, const AdaptiveSvdOptions&,
                                                         const RunControl&);

}  // namespace randla
