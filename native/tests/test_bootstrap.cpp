// Bootstrap error estimation (docs/algorithms/bootstrap.md; Lopes, Erichson, Mahoney, ICML 2020,
// Algorithm 1) against independent truth: the exact draws (known answers shared with the
// TypeScript reference), the sketches against their definitions, the sketched SVD against
// LAPACK's SVD of the sketch, the estimates' coverage of the true error (LAPACK's SVD of A) over
// independent sketches, extrapolation, exact rank, thread independence and every input error.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "check.hpp"
#include "cpu/blas_lapack.hpp"
#include "known_spectrum.hpp"
#include "randla/bootstrap.hpp"
#include "randla/error.hpp"
#include "randla/philox.hpp"
#include "randla/test_matrix.hpp"
#include "randla/threads.hpp"
#include "tolerance.hpp"

using namespace randla;
namespace tol = randla::test;

namespace {

constexpr std::uint64_t kKnownSeed = 0x0123456789abcdefULL;

struct Truth {
  std::vector<double> S;  // all singular values of A
  DenseMatrix<double> V;  // n x n right singular vectors
  DenseMatrix<double> U;  // m x n left singular vectors
};

// LAPACK's SVD of the col-major m x n A (m >= n), once per matrix.
Truth exact_svd(const std::vector<double>& A, std::int64_t m, std::int64_t n) {
  std::vector<double> a(A);
  blas::SvdFactors f = blas::svd(static_cast<int>(m), static_cast<int>(n), a.data(), static_cast<int>(m));
  Truth t;
  t.S = f.s;
  t.V = DenseMatrix<double>(n, f.r);
  for (std::int64_t j = 0; j < f.r; ++j)
    for (std::int64_t i = 0; i < n; ++i) t.V(i, j) = f.Vt[static_cast<std::size_t>(j + i * f.r)];
  t.U = DenseMatrix<double>(m, f.r);
  t.U.data = f.U;
  return t;
}

// ‖v − u(uᵀv)‖₂ for unit u, v: the sine of their angle (the estimate's own metric).
double sin_angle(const double* u, const double* v, std::int64_t n) {
  double c = 0;
  for (std::int64_t i = 0; i < n; ++i) c += u[i] * v[i];
  double s = 0;
  for (std::int64_t i = 0; i < n; ++i) s += (v[i] - u[i] * c) * (v[i] - u[i] * c);
  return std::sqrt(s);
}

struct TrueError {
  double value = 0, vector = 0, left = 0;
};

// max_j |σ̃ⱼ − σⱼ| and max_j sin∠(ṽⱼ, vⱼ) of a sketched solution against the exact SVD.
TrueError true_error(const std::vector<double>& S, const DenseMatrix<double>& V, const Truth& truth) {
  TrueError e;
  for (std::int64_t j = 0; j < V.cols; ++j) {
    e.value = std::max(e.value, std::abs(S[static_cast<std::size_t>(j)] - truth.S[static_cast<std::size_t>(j)]));
    e.vector = std::max(e.vector, sin_angle(truth.V.col(j), V.col(j), V.rows));
  }
  return e;
}

MatrixView<const double> view_of(const std::vector<double>& A, std::int64_t m, std::int64_t n) {
  return {A.data(), m, n, m, Layout::ColMajor};
}

// The binomial acceptance region for the number of covered runs out of R at nominal p: mean ± 4
// standard deviations (a normal tail of 6e-5 each side), so a correct method fails it with
// probability below 1e-4 while an estimate that covers much less than p (or always) is caught.
void check_coverage(int covered, int runs, double p, const std::string& what) {
  const double mean = p * runs, sd = std::sqrt(runs * p * (1 - p));
  const double lo = std::floor(mean - 4 * sd), hi = std::ceil(mean + 4 * sd);
  std::printf("  %s: covered %d of %d (binomial 4-sigma region [%g, %g])\n", what.c_str(), covered, runs, lo, hi);
  CHECK(covered >= lo && covered <= hi, what + ": covered " + std::to_string(covered) + " of " + std::to_string(runs));
}

}  // namespace

// --- Known answers (seed 0x0123456789abcdef), shared with the TypeScript reference ---

TEST_CASE("known answers: uniform, energy and resample draws") {
  const std::vector<std::int64_t> uniform = uniform_row_draws(1000, 8, kKnownSeed);
  // A[i][j] = (i + 1)·(j + 2) − 3·j, 6 x 3 row-major.
  std::vector<double> a(18);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 3; ++j) a[static_cast<std::size_t>(i * 3 + j)] = (i + 1) * (j + 2) - 3 * j;
  const std::vector<std::int64_t> energy =
      energy_row_draws(MatrixView<const double>{a.data(), 6, 3, 3, Layout::RowMajor}, 8, kKnownSeed);
  const std::vector<std::int64_t> resample = resample_indices(500, 3, kKnownSeed);
  std::printf("  uniform r_0..r_7 (m = 1000):");
  for (auto r : uniform) std::printf(" %lld", static_cast<long long>(r));
  std::printf("\n  energy r_0..r_7 (6 x 3):");
  for (auto r : energy) std::printf(" %lld", static_cast<long long>(r));
  std::printf("\n  resample b = 3, i*_0..i*_7 (t = 500):");
  for (int q = 0; q < 8; ++q) std::printf(" %lld", static_cast<long long>(resample[static_cast<std::size_t>(q)]));
  std::printf("\n");
  // Also computed by an independent Python Philox4x32-10 (docs/rng.md) for this test.
  const std::vector<std::int64_t> want_uniform{62, 655, 320, 826, 216, 283, 218, 85};
  const std::vector<std::int64_t> want_energy{2, 5, 4, 5, 3, 4, 3, 2};
  const std::vector<std::int64_t> want_resample{370, 163, 316, 379, 96, 339, 433, 308};
  CHECK(uniform == want_uniform, "uniform draws r_0..r_7");
  CHECK(energy == want_energy, "energy draws r_0..r_7");
  CHECK(std::vector<std::int64_t>(resample.begin(), resample.begin() + 8) == want_resample, "resample b = 3");
  // Draw q never depends on t: a longer sketch extends the shorter one's draws.
  const std::vector<std::int64_t> longer = uniform_row_draws(1000, 20, kKnownSeed);
  CHECK(std::equal(uniform.begin(), uniform.end(), longer.begin()), "uniform draws are prefixes of longer sketches");
}



TEST_CASE("energy draws invert the cumulative distribution and never draw zero rows") {
  // 40 x 3 with every third row zero; rows have distinct norms.
  const std::int64_t m = 40, n = 3, t = 2000;
  std::vector<double> a(static_cast<std::size_t>(m * n), 0.0);
  for (std::int64_t i = 0; i < m; ++i)
    if (i % 3 != 1)
      for (std::int64_t j = 0; j < n; ++j) a[static_cast<std::size_t>(i + j * m)] = 0.5 + 0.1 * double(i) - 0.3 * double(j);
  const std::vector<std::int64_t> draws = energy_row_draws(view_of(a, m, n), t, 77);
  // The definition, by linear search over prefix sums (ascending i; each norm in ascending j).
  std::vector<double> c(static_cast<std::size_t>(m));
  double total = 0;
  for (std::int64_t i = 0; i < m; ++i) {
    double s = 0;
    for (std::int64_t j = 0; j < n; ++j) s += a[static_cast<std::size_t>(i + j * m)] * a[static_cast<std::size_t>(i + j * m)];
    c[static_cast<std::size_t>(i)] = (total += s);
  }
  bool all_equal = true, zero_drawn = false;
  for (std::int64_t q = 0; q < t; ++q) {
    const Philox4x32 x = entry_words(77, 9, static_cast<std::uint64_t>(q), 0);
    const double target = uniform_closed_open(x.v[0], x.v[1]) * total;
    std::int64_t r = 0;
    while (!(c[static_cast<std::size_t>(r)] > target)) ++r;
    all_equal = all_equal && r == draws[static_cast<std::size_t>(q)];
    zero_drawn = zero_drawn || draws[static_cast<std::size_t>(q)] % 3 == 1;
  }
  CHECK(all_equal, "energy draws equal the smallest r with c_r > U·c_{m-1}");
  CHECK(!zero_drawn, "rows of zero norm are never drawn");
}

TEST_CASE("sketches: rows as defined, both layouts and f32 read exactly") {
  const std::int64_t m = 300, n = 7, t = 50;
  std::vector<double> A(static_cast<std::size_t>(m * n));
  fill_test_matrix(dense_view(A.data(), m, n, Layout::ColMajor), TestMatrixKind::Gaussian, 3, Stream::RangeFinder);
  // Values exact in f32, so the f32 copy is the same matrix.
  for (double& v : A) v = double(float(v));
  const std::vector<double> Arow = tol::stored<double>(A, m, n, Layout::RowMajor);
  const std::vector<float> Af = tol::stored<float>(A, m, n, Layout::ColMajor);
  for (RowSketch sk : {RowSketch::Uniform, RowSketch::Energy, RowSketch::Gaussian}) {
    const std::string name = row_sketch_name(sk);
    const DenseMatrix<double> Y = row_sketch(view_of(A, m, n), t, sk, 5);
    const DenseMatrix<double> Yr = row_sketch(MatrixView<const double>{Arow.data(), m, n, n, Layout::RowMajor}, t, sk, 5);
    const DenseMatrix<double> Yf = row_sketch(MatrixView<const float>{Af.data(), m, n, m, Layout::ColMajor}, t, sk, 5);
    CHECK(Y.rows == t && Y.cols == n, name + ": t x n");
    CHECK(Y.data == Yr.data, name + ": row-major input gives the same bits");
    CHECK(Y.data == Yf.data, name + ": f32 input gives the same bits");
    if (sk == RowSketch::Uniform) {
      const std::vector<std::int64_t> r = uniform_row_draws(m, t, 5);
      bool exact = true;
      for (std::int64_t q = 0; q < t; ++q)
        for (std::int64_t j = 0; j < n; ++j)
          exact = exact && Y(q, j) == std::sqrt(double(m) / double(t)) * A[static_cast<std::size_t>(r[q] + j * m)];
      CHECK(exact, "uniform: row q = sqrt(m/t) A[r_q, :]");
    } else if (sk == RowSketch::Energy) {
      const std::vector<std::int64_t> r = energy_row_draws(view_of(A, m, n), t, 5);
      double fro = 0;
      std::vector<double> norms(static_cast<std::size_t>(m), 0.0);
      for (std::int64_t i = 0; i < m; ++i) {
        for (std::int64_t j = 0; j < n; ++j) norms[static_cast<std::size_t>(i)] += A[i + j * m] * A[i + j * m];
        fro += norms[static_cast<std::size_t>(i)];
      }
      bool exact = true;
      for (std::int64_t q = 0; q < t; ++q)
        for (std::int64_t j = 0; j < n; ++j)
          exact = exact && Y(q, j) == A[static_cast<std::size_t>(r[q] + j * m)] /
                                          std::sqrt(double(t) * (norms[static_cast<std::size_t>(r[q])] / fro));
      CHECK(exact, "energy: row q = A[r_q, :] / sqrt(t p_r)");
    } else {
      // Y = Ωᵀ·A/√t with Ω materialised entry by entry, in f64.
      for (std::int64_t q = 0; q < t; ++q)
        for (std::int64_t j = 0; j < n; ++j) {
          double sum = 0, abs_sum = 0;
          for (std::int64_t r = 0; r < m; ++r) {
            const double term = gaussian_entry(5, 9, static_cast<std::uint64_t>(r), static_cast<std::uint32_t>(q)) *
                                A[static_cast<std::size_t>(r + j * m)];
            sum += term;
            abs_sum += std::abs(term);
          }
          const double scale = 1 / std::sqrt(double(t));
          CHECK_CLOSE(Y(q, j), sum * scale, tol::product_entry<double>(m) * abs_sum * scale, "gaussian: Y entry");
        }
    }
  }
}

TEST_CASE("sketchedSvd: the top-k SVD of the sketch, canonical signs, left vectors") {
  const std::int64_t m = 600, n = 40, k = 6;
  const std::vector<double> A = tol::with_spectrum(m, n, tol::polynomial_decay(n, 1.0), 21, 22);
  for (std::int64_t t : {30, 120}) {  // t < n: the SVD of Yᵀ is wide the other way
    for (RowSketch sk : {RowSketch::Uniform, RowSketch::Energy, RowSketch::Gaussian}) {
      const std::string name = std::string(row_sketch_name(sk)) + ", t = " + std::to_string(t);
      SketchedSvdOptions o;
      o.rank = k;
      o.sketch_rows = t;
      o.sketch = sk;
      o.seed = 9;
      o.left_vectors = true;
      const SketchedSvdResult r = sketched_svd(view_of(A, m, n), o);
      // Independent: LAPACK's SVD of Y itself (t x n, jobz 'S').
      DenseMatrix<double> Y = row_sketch(view_of(A, m, n), t, sk, 9);
      const int mi = int(t), ni = int(n), rr = std::min(mi, ni);
      blas::SvdFactors f = blas::svd(mi, ni, Y.data.data(), mi);
      CHECK(static_cast<std::int64_t>(r.S.size()) == k && r.V.rows == n && r.V.cols == k, name + ": shapes");
      for (std::int64_t j = 0; j < k; ++j) {
        CHECK_CLOSE(r.S[j], f.s[j], tol::sketched_svd_rounding<double>() * f.s[0], (name + ": value").c_str());
        std::vector<double> v(static_cast<std::size_t>(n));
        for (std::int64_t i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = f.Vt[static_cast<std::size_t>(j + i * rr)];
        CHECK_AT_MOST(sin_angle(v.data(), r.V.col(j), n), tol::sketched_svd_rounding<double>(), (name + ": vector").c_str());
        std::int64_t arg = 0;
        for (std::int64_t i = 1; i < n; ++i)
          if (std::abs(r.V(i, j)) > std::abs(r.V(arg, j))) arg = i;
        CHECK(r.V(arg, j) > 0, name + ": first largest-|.| entry positive");
      }
      CHECK(r.U.rows == m && r.U.cols == k, name + ": U is m x k");
      CHECK_AT_MOST(tol::orthonormality_error(r.U), tol::orthonormality<double>(), (name + ": U orthonormal").c_str());
      // diag(R) > 0: each column of U has a positive inner product with A·ṽⱼ.
      for (std::int64_t j = 0; j < k; ++j) {
        double c = 0;
        for (std::int64_t i = 0; i < m; ++i) {
          double av = 0;
          for (std::int64_t l = 0; l < n; ++l) av += A[static_cast<std::size_t>(i + l * m)] * r.V(l, j);
          c += av * r.U(i, j);
        }
        if (j == 0) CHECK(c > 0, name + ": U's first column along A v_1");
      }
    }
  }
}

TEST_CASE("exact rank 5 (t = 200, k = 5): the subspace error estimate is rounding") {
  // Every sketch and every resample of a rank-5 matrix has A's row space, so the part of each
  // resampled vector outside the sketched subspace is rounding. The contract's per-vector angle
  // (vectorError) is not: the sketch distorts A's left factor, which rotates the vectors within
  // the subspace, and the bootstrap sees that rotation too (printed below).
  const std::int64_t m = 2000, n = 100, k = 5;
  const std::vector<double> A = tol::with_spectrum(m, n, {5, 4, 3, 2, 1}, 31, 32);
  const Truth truth = exact_svd(A, m, n);
  for (RowSketch sk : {RowSketch::Uniform, RowSketch::Energy, RowSketch::Gaussian}) {
    BootstrapSvdOptions o;
    o.rank = k;
    o.sketch_rows = 200;
    o.sketch = sk;
    o.seed = 4;
    const BootstrapSvdResult r = bootstrap_svd_error(view_of(A, m, n), o);
    const std::string name = row_sketch_name(sk);
    std::printf("  %s: subspaceError %.3g, vectorError %.3g, valueError %.3g\n", name.c_str(), r.subspace_error,
                r.vector_error, r.value_error);
    CHECK_AT_MOST(r.subspace_error, tol::bootstrap_exact_rank_vectors<double>(), (name + ": subspace error").c_str());
    // The sketched subspace itself is exact: each ṽⱼ lies in span(V_5) of LAPACK's SVD of A.
    for (std::int64_t j = 0; j < k; ++j) {
      std::vector<double> res(r.V.col(j), r.V.col(j) + n);
      for (std::int64_t l = 0; l < k; ++l) {
        double c = 0;
        for (std::int64_t i = 0; i < n; ++i) c += truth.V(i, l) * r.V(i, j);
        for (std::int64_t i = 0; i < n; ++i) res[static_cast<std::size_t>(i)] -= truth.V(i, l) * c;
      }
      CHECK_AT_MOST(tol::frobenius(res), tol::bootstrap_exact_rank_vectors<double>(),
                    (name + ": sketched vector outside span(V_5)").c_str());
    }
  }
}

// max_j sin∠(ũⱼ, uⱼ) of the left vectors the sketched solution returns (orth(A·Ṽ·Σ̃⁻¹)).
double true_left_error(const DenseMatrix<double>& U, const Truth& truth) {
  double e = 0;
  for (std::int64_t j = 0; j < U.cols; ++j) e = std::max(e, sin_angle(truth.U.col(j), U.col(j), U.rows));
  return e;
}

// Coverage, the test at the sizes: R = 60 independent sketches (seeds) of a matrix
// with σᵢ = 1/i (uniform rows of a 20000 x 200 one, t = 500; a gaussian sketch of a 4000 x 200
// one, t = 400; k = 10, B = 50, α = 0.1). In each, is the true error (against LAPACK's SVD of A)
// at most the estimate? Observed with these seeds: uniform covers values in 53/60, right vectors
// in 59/60 and left vectors (sketchedSvd's orth(A·Ṽ·Σ̃⁻¹), estimated from the sketch alone) in
// 60/60; gaussian 53/60, 57/60 and 59/60 (printed). Nominal is 54/60 and the 4-sigma binomial
// region is [44, 60]. Values sit slightly under nominal, as the paper reports for singular
// values; the left-vector estimate is conservative (median 1.3x the true 0.9-quantile).
TEST_CASE("coverage of sigma, V and U over independent sketches (uniform 20000 x 200, gaussian 4000 x 200)") {
  struct Case {
    RowSketch sketch;
    std::int64_t m, t;
  };
  const std::int64_t n = 200, k = 10;
  const int R = 60;
  for (const Case c : {Case{RowSketch::Uniform, 20000, 500}, Case{RowSketch::Gaussian, 4000, 400}}) {
    const std::vector<double> A = tol::with_spectrum(c.m, n, tol::polynomial_decay(n, 1.0), 11, 12);
    const Truth truth = exact_svd(A, c.m, n);
    const std::string name = row_sketch_name(c.sketch);
    int value_covered = 0, vector_covered = 0, left_covered = 0;
    std::vector<double> est_value, est_vector, true_value, true_vector, est_left, true_left;
    for (int run = 0; run < R; ++run) {
      BootstrapSvdOptions o;
      o.rank = k;
      o.sketch_rows = c.t;
      o.sketch = c.sketch;
      o.seed = 1000 + static_cast<std::uint64_t>(run);
      const BootstrapSvdResult r = bootstrap_svd_error(view_of(A, c.m, n), o);
      const TrueError e = true_error(r.S, r.V, truth);
      value_covered += e.value <= r.value_error;
      vector_covered += e.vector <= r.vector_error;
      // The left vectors sketchedSvd returns for the same seed (the same σ̃, Ṽ).
      SketchedSvdOptions so;
      so.rank = k;
      so.sketch_rows = c.t;
      so.sketch = c.sketch;
      so.seed = o.seed;
      so.left_vectors = true;
      const SketchedSvdResult withU = sketched_svd(view_of(A, c.m, n), so);
      CHECK(withU.S == r.S && withU.V.data == r.V.data, "sketchedSvd and the bootstrap share the sketched solution");
      const double e_left = true_left_error(withU.U, truth);
      left_covered += e_left <= r.left_error;
      est_left.push_back(r.left_error);
      true_left.push_back(e_left);
      est_value.push_back(r.value_error);
      est_vector.push_back(r.vector_error);
      true_value.push_back(e.value);
      true_vector.push_back(e.vector);
    }
    check_coverage(value_covered, R, 0.9, name + " values");
    check_coverage(vector_covered, R, 0.9, name + " vectors");
    check_coverage(left_covered, R, 0.9, name + " left vectors");
    auto median = [](std::vector<double> x) {
      std::sort(x.begin(), x.end());
      return 0.5 * (x[x.size() / 2] + x[(x.size() - 1) / 2]);
    };
    const double value_ratio = median(est_value) / nearest_rank_quantile(true_value, 0.1);
    const double vector_ratio = median(est_vector) / nearest_rank_quantile(true_vector, 0.1);
    const double left_ratio = median(est_left) / nearest_rank_quantile(true_left, 0.1);
    std::printf("  %s: median estimate / true 0.9-quantile: values %.3f, vectors %.3f, left vectors %.3f\n",
                name.c_str(), value_ratio, vector_ratio, left_ratio);
    CHECK_CLOSE(std::log(left_ratio), 0.0, std::log(tol::bootstrap_sharpness_factor), (name + ": log left sharpness").c_str());
    CHECK_CLOSE(std::log(value_ratio), 0.0, std::log(tol::bootstrap_sharpness_factor), (name + ": log value sharpness").c_str());
    CHECK_CLOSE(std::log(vector_ratio), 0.0, std::log(tol::bootstrap_sharpness_factor), (name + ": log vector sharpness").c_str());
  }
}

TEST_CASE("extrapolation from t0 to 4 t0 against the true 0.9-quantile at 4 t0") {
  const std::int64_t m = 4000, n = 80, k = 3, t0 = 250;
  const std::vector<double> A = tol::with_spectrum(m, n, tol::polynomial_decay(n, 1.0), 11, 12);
  const Truth truth = exact_svd(A, m, n);
  // The truth at 4·t₀: the 0.9-quantile of the true error over 40 independent sketches.
  std::vector<double> true_value, true_vector;
  for (int run = 0; run < 40; ++run) {
    SketchedSvdOptions o;
    o.rank = k;
    o.sketch_rows = 4 * t0;
    o.seed = 5000 + static_cast<std::uint64_t>(run);
    const SketchedSvdResult r = sketched_svd(view_of(A, m, n), o);
    const TrueError e = true_error(r.S, r.V, truth);
    true_value.push_back(e.value);
    true_vector.push_back(e.vector);
  }
  const double q_value = nearest_rank_quantile(true_value, 0.1), q_vector = nearest_rank_quantile(true_vector, 0.1);
  // The estimate at t₀: the median over 5 independent sketches (one bootstrap each), so the test
  // measures the t^−1/2 law rather than the spread of a single estimate.
  std::vector<double> value_at4, vector_at4;
  for (int run = 0; run < 5; ++run) {
    BootstrapSvdOptions o;
    o.rank = k;
    o.sketch_rows = t0;
    o.seed = 77 + static_cast<std::uint64_t>(run);
    const SvdErrorEstimate at4 = extrapolate(bootstrap_svd_error(view_of(A, m, n), o), 4 * t0);
    value_at4.push_back(at4.value_error);
    vector_at4.push_back(at4.vector_error);
  }
  std::sort(value_at4.begin(), value_at4.end());
  std::sort(vector_at4.begin(), vector_at4.end());
  SvdErrorEstimate at4{value_at4[2], vector_at4[2]};
  std::printf("  extrapolated / true at 4 t0: values %.3f (%.4g / %.4g), vectors %.3f (%.4g / %.4g)\n",
              at4.value_error / q_value, at4.value_error, q_value, at4.vector_error / q_vector, at4.vector_error, q_vector);
  const double mid = 0.5 * (tol::extrapolation_low + tol::extrapolation_high);
  const double half = 0.5 * (tol::extrapolation_high - tol::extrapolation_low);
  CHECK_CLOSE(at4.value_error / q_value, mid, half, "value estimate extrapolated to 4 t0 over the true quantile");
  CHECK_CLOSE(at4.vector_error / q_vector, mid, half, "vector estimate extrapolated to 4 t0 over the true quantile");
}

TEST_CASE("quantile rule, extrapolate and rowsFor") {
  std::vector<double> sample;
  for (int i = 50; i >= 1; --i) sample.push_back(i);
  CHECK_CLOSE(nearest_rank_quantile(sample, 0.1), 45, 0, "the 45th smallest of 1..50 at alpha 0.1");
  CHECK_CLOSE(nearest_rank_quantile(sample, 0.5), 25, 0, "the 25th smallest at alpha 0.5");
  CHECK_CLOSE(nearest_rank_quantile(sample, 0.999), 1, 0, "ceil(0.05) = 1: the smallest");
  CHECK_CLOSE(extrapolate_error(0.2, 100, 400), 0.1, 0, "0.2 sqrt(100/400)");
  for (double est : {0.2, 0.013, 1.7, 3e-7}) {
    for (double tl : {0.05, 0.0011, 0.3}) {
      const std::int64_t t = 137, k = 3;
      const std::int64_t rows = rows_for_error(est, t, tl, k);
      CHECK(est * std::sqrt(double(t) / double(rows)) <= tl, "rowsFor meets the tolerance");
      CHECK(rows == k || est * std::sqrt(double(t) / double(rows - 1)) > tl, "rowsFor is the smallest such t'");
      CHECK(rows >= k, "rowsFor >= k");
    }
  }
  CHECK(rows_for_error(0.0, 100, 0.1, 4) == 4, "a zero estimate needs k rows");
}

TEST_CASE("same seed: identical bits on 1 and 2 threads") {
  const std::int64_t m = 1500, n = 60;
  const std::vector<double> A = tol::with_spectrum(m, n, tol::polynomial_decay(n, 1.0), 41, 42);
  const int before = threads();
  for (RowSketch sk : {RowSketch::Uniform, RowSketch::Energy, RowSketch::Gaussian}) {
    BootstrapSvdOptions o;
    o.rank = 4;
    o.sketch_rows = 150;
    o.sketch = sk;
    o.replicates = 20;
    o.seed = 8;
    set_threads(1);
    const BootstrapSvdResult one = bootstrap_svd_error(view_of(A, m, n), o);
    set_threads(2);
    const BootstrapSvdResult two = bootstrap_svd_error(view_of(A, m, n), o);
    const std::string name = row_sketch_name(sk);
    CHECK(one.S == two.S && one.V.data == two.V.data, name + ": S and V");
    CHECK(one.value_errors.data == two.value_errors.data, name + ": every replicate's value errors");
    CHECK(one.vector_errors.data == two.vector_errors.data, name + ": every replicate's vector errors");
    CHECK(one.subspace_errors.data == two.subspace_errors.data, name + ": every replicate's subspace errors");
    CHECK(one.value_error == two.value_error && one.vector_error == two.vector_error, name + ": estimates");
  }
  // Left vectors: one pass over A by row blocks, either layout.
  const std::vector<double> Arow = tol::stored<double>(A, m, n, Layout::RowMajor);
  SketchedSvdOptions so;
  so.rank = 4;
  so.sketch_rows = 150;
  so.sketch = RowSketch::Gaussian;
  so.seed = 8;
  so.left_vectors = true;
  set_threads(1);
  const SketchedSvdResult one = sketched_svd(view_of(A, m, n), so);
  set_threads(2);
  const SketchedSvdResult two = sketched_svd(view_of(A, m, n), so);
  const SketchedSvdResult row = sketched_svd(MatrixView<const double>{Arow.data(), m, n, n, Layout::RowMajor}, so);
  CHECK(one.U.data == two.U.data && one.V.data == two.V.data, "sketchedSvd with left vectors: same bits on 1 and 2 threads");
  // The two layouts reach BLAS as different operations (other summation orders): equal to rounding.
  double diff = 0;
  for (std::size_t i = 0; i < row.U.data.size(); ++i) diff = std::max(diff, std::abs(row.U.data[i] - two.U.data[i]));
  CHECK_AT_MOST(diff, tol::sketched_svd_rounding<double>(), "left vectors: row-major against col-major input");
  set_threads(before);
}

// Two bootstraps at once (as two AsyncWorkers run them) keep their bits: BLAS's thread count is
// one process-wide setting, and the sections of the two calls are counted together
// (native/tests/test_threads.cpp tests the sections themselves).
TEST_CASE("concurrent bootstraps keep their bits") {
  const int before = threads();
  set_threads(2);
  // Two bootstraps at once, on two threads, give the bits each gives alone.
  const std::int64_t m = 1500, n = 60;
  const std::vector<double> A = tol::with_spectrum(m, n, tol::polynomial_decay(n, 1.0), 41, 42);
  BootstrapSvdOptions o;
  o.rank = 4;
  o.sketch_rows = 150;
  o.sketch = RowSketch::Gaussian;
  o.replicates = 20;
  const auto run = [&](std::uint64_t seed) {
    BootstrapSvdOptions so = o;
    so.seed = seed;
    return bootstrap_svd_error(view_of(A, m, n), so);
  };
  const BootstrapSvdResult alone8 = run(8), alone9 = run(9);
  BootstrapSvdResult together8, together9;
  std::thread first([&] { together8 = run(8); });
  std::thread second([&] { together9 = run(9); });
  first.join();
  second.join();
  CHECK(together8.value_errors.data == alone8.value_errors.data && together8.left_errors.data == alone8.left_errors.data,
        "seed 8: concurrent run has the bits of the lone run");
  CHECK(together9.vector_errors.data == alone9.vector_errors.data && together9.S == alone9.S,
        "seed 9: concurrent run has the bits of the lone run");
  set_threads(before);
}

TEST_CASE("adaptive sketching: grows the sketch until the estimate meets the tolerance") {
  const std::int64_t m = 3000, n = 80, k = 4;
  const std::vector<double> A = tol::with_spectrum(m, n, tol::polynomial_decay(n, 1.0), 51, 52);
  AdaptiveSvdOptions o;
  o.rank = k;
  o.tolerance = 0.02;
  o.seed = 3;
  const AdaptiveSvdResult r = adaptive_sketched_svd(view_of(A, m, n), o);
  std::printf("  adaptive path:");
  for (const auto& s : r.path) std::printf(" (%lld, %.4g)", static_cast<long long>(s.rows), s.value_error);
  std::printf("\n");
  CHECK(r.converged, "converged");
  CHECK(!r.path.empty() && r.path.front().rows == 100, "t0 = max(2k, 100)");
  for (std::size_t s = 1; s < r.path.size(); ++s) {
    CHECK(r.path[s].rows >= static_cast<std::int64_t>(std::ceil(1.25 * double(r.path[s - 1].rows))), "grows by >= 1.25");
    CHECK(r.path[s - 1].value_error > o.tolerance, "earlier steps did not meet the tolerance");
  }
  CHECK_AT_MOST(r.path.back().value_error, o.tolerance, "final estimate");
  // The final step is exactly the fixed-size call with its rows.
  SketchedSvdOptions f;
  f.rank = k;
  f.sketch_rows = r.svd.sketch_rows;
  f.seed = 3;
  const SketchedSvdResult direct = sketched_svd(view_of(A, m, n), f);
  CHECK(direct.S == r.svd.S && direct.V.data == r.svd.V.data, "final SVD equals sketchedSvd with the final rows");
  // Capped: a tolerance no sketch of at most maxRows rows meets stops unconverged at maxRows.
  o.tolerance = 1e-9;
  o.max_rows = 400;
  const AdaptiveSvdResult capped = adaptive_sketched_svd(view_of(A, m, n), o);
  CHECK(!capped.converged && capped.path.back().rows == 400, "stops unconverged at maxRows");
}

// The adaptive test: over R = 60 seeds, the true error of the sketch adaptive mode settles
// on (against LAPACK's SVD of A) meets the tolerance in at least 85 % of them (51 of 60). The
// estimate aims at the 0.9-quantile, so about 54 are expected; observed: printed.
TEST_CASE("adaptive sketching: the true error meets the tolerance in >= 85 % of seeds") {
  const std::int64_t m = 3000, n = 80, k = 4;
  const int R = 60;
  const std::vector<double> A = tol::with_spectrum(m, n, tol::polynomial_decay(n, 1.0), 51, 52);
  const Truth truth = exact_svd(A, m, n);
  int met = 0;
  for (int run = 0; run < R; ++run) {
    AdaptiveSvdOptions o;
    o.rank = k;
    o.tolerance = 0.03;
    o.seed = 9000 + static_cast<std::uint64_t>(run);
    const AdaptiveSvdResult r = adaptive_sketched_svd(view_of(A, m, n), o);
    CHECK(r.converged, "converged");
    met += true_error(r.svd.S, r.svd.V, truth).value <= o.tolerance;
  }
  std::printf("  adaptive: true value error <= tolerance in %d of %d seeds\n", met, R);
  CHECK(met >= 51, "true error met the tolerance in " + std::to_string(met) + " of " + std::to_string(R) + " seeds");
}

TEST_CASE("progress counts replicates; abort between replicates") {
  const std::int64_t m = 500, n = 20;
  const std::vector<double> A = tol::with_spectrum(m, n, tol::polynomial_decay(n, 1.0), 61, 62);
  BootstrapSvdOptions o;
  o.rank = 3;
  o.sketch_rows = 60;
  o.replicates = 12;
  int last = 0, total = 0;
  RunControl progress;
  progress.progress = [&](int done, int all) {
    CHECK(done > last, "progress increases");
    last = done;
    total = all;
  };
  (void)bootstrap_svd_error(view_of(A, m, n), o, progress);
  CHECK(last == 12 && total == 12, "progress ends at B of B");
  std::atomic<bool> cancel{false};
  RunControl abort;
  abort.cancel = &cancel;
  abort.progress = [&](int done, int) {
    if (done >= 2) cancel.store(true);
  };
  tol::expect_error([&] { (void)bootstrap_svd_error(view_of(A, m, n), o, abort); }, ErrorCode::Aborted, "",
                    "abort");
}

TEST_CASE("bad input names the argument") {
  const std::int64_t m = 50, n = 8;
  std::vector<double> A(static_cast<std::size_t>(m * n));
  fill_test_matrix(dense_view(A.data(), m, n, Layout::ColMajor), TestMatrixKind::Gaussian, 1, Stream::RangeFinder);
  auto run = [&](BootstrapSvdOptions o, const std::vector<double>& a) { (void)bootstrap_svd_error(view_of(a, m, n), o); };
  BootstrapSvdOptions good;
  good.rank = 3;
  good.sketch_rows = 20;
  auto with = [&](auto change) {
    BootstrapSvdOptions o = good;
    change(o);
    return o;
  };
  const auto invalid = ErrorCode::InvalidArgument;
  tol::expect_error([&] { run(with([](auto& o) { o.replicates = 1; }), A); }, invalid, "options.replicates", "B < 2");
  tol::expect_error([&] { run(with([](auto& o) { o.alpha = 0; }), A); }, invalid, "options.alpha", "alpha = 0");
  tol::expect_error([&] { run(with([](auto& o) { o.alpha = 1; }), A); }, invalid, "options.alpha", "alpha = 1");
  tol::expect_error([&] { run(with([](auto& o) { o.alpha = std::nan(""); }), A); }, invalid, "options.alpha", "alpha NaN");
  tol::expect_error([&] { run(with([](auto& o) { o.sketch_rows = 2; }), A); }, invalid, "options.sketchRows", "t < k");
  tol::expect_error([&] { run(with([](auto& o) { o.sketch_rows = kMaxSketchRows + 1; }), A); }, invalid,
                    "options.sketchRows", "t too large");
  tol::expect_error([&] { run(with([](auto& o) { o.rank = 0; }), A); }, invalid, "options.rank", "k = 0");
  tol::expect_error([&] { run(with([](auto& o) { o.rank = n + 1; }), A); }, invalid, "options.rank", "k > n");
  tol::expect_error([&] { run(with([](auto& o) { o.sketch = static_cast<RowSketch>(7); }), A); }, invalid,
                    "options.sketch", "unknown sketch");
  std::vector<double> nan_A(A);
  nan_A[static_cast<std::size_t>(17 + 3 * m)] = std::nan("");
  tol::expect_error([&] { run(good, nan_A); }, ErrorCode::NotFinite, "A", "NaN in A");
  try {
    run(good, nan_A);
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("(17, 3)") != std::string::npos, std::string("names the entry: ") + e.what());
  }
  std::vector<double> zero(A.size(), 0.0);
  tol::expect_error([&] { run(with([](auto& o) { o.sketch = RowSketch::Energy; }), zero); }, invalid, "A",
                    "energy with a zero matrix");
  tol::expect_error([&] { (void)rows_for_error(0.1, 10, 0, 1); }, invalid, "tolerance", "rowsFor tol = 0");
  AdaptiveSvdOptions ad;
  ad.rank = 2;
  tol::expect_error([&] { (void)adaptive_sketched_svd(view_of(A, m, n), ad); }, invalid, "options.tolerance",
                    "adaptive without tolerance");
  SketchedSvdOptions so;
  so.rank = 3;
  so.sketch_rows = 20;
  so.left_vectors = true;
  tol::expect_error([&] { (void)sketched_svd(MatrixView<const double>{A.data(), 2, n, 2, Layout::ColMajor}, so); },
                    invalid, "options.rank", "left vectors with k > m");
  tol::expect_error([&] { (void)sketched_svd(MatrixView<const double>{nullptr, 0, 0, 1, Layout::ColMajor}, so); },
                    ErrorCode::Shape, "A", "empty A");
}

// --- bootstrapCovarianceError (Bernoulli 2023) ---

// Coverage of ‖Σ̃ − AᵀA‖₂ (truth: AᵀA formed by BLAS, the norm by LAPACK's SVD) over R = 30
// independent sketches (t = 200, B = 50, α = 0.1), in the same 4-sigma binomial region.
// Observed with these seeds: uniform 26/30, gaussian 28/30.
TEST_CASE("covariance: coverage of the operator-norm error, threads, extrapolation") {
  const std::int64_t m = 3000, n = 40, t = 200;
  const std::vector<double> A = tol::with_spectrum(m, n, tol::polynomial_decay(n, 0.5), 71, 72);
  std::vector<double> gram(static_cast<std::size_t>(n * n));
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, int(n), int(n), int(m), 1.0, A.data(), int(m), A.data(), int(m),
              0.0, gram.data(), int(n));
  for (RowSketch sk : {RowSketch::Uniform, RowSketch::Gaussian}) {
    const std::string name = std::string("covariance ") + row_sketch_name(sk);
    int covered = 0;
    const int R = 30;
    std::vector<double> estimates, truths;
    for (int run = 0; run < R; ++run) {
      BootstrapCovarianceOptions o;
      o.sketch_rows = t;
      o.sketch = sk;
      o.seed = 300 + static_cast<std::uint64_t>(run);
      const BootstrapCovarianceResult r = bootstrap_covariance_error(view_of(A, m, n), o);
      std::vector<double> diff(gram);
      for (std::size_t i = 0; i < diff.size(); ++i) diff[i] = r.covariance.data[i] - gram[i];
      const double truth = tol::spectral_norm(diff, n, n);
      covered += truth <= r.error;
      estimates.push_back(r.error);
      truths.push_back(truth);
      if (run == 0) {
        CHECK_CLOSE(r.relative_error, r.error / r.norm, 0, (name + ": relative error").c_str());
        CHECK_CLOSE(extrapolate(r, 4 * t), 0.5 * r.error, 0, (name + ": extrapolate to 4t halves").c_str());
        const std::int64_t rows = rows_for(r, 0.5 * r.error);
        CHECK(rows >= 4 * t - 1 && rows <= 4 * t + 1, name + ": rowsFor(error/2) is about 4t");
      }
    }
    check_coverage(covered, R, 0.9, name);
    std::sort(estimates.begin(), estimates.end());
    const double ratio = 0.5 * (estimates[R / 2] + estimates[R / 2 - 1]) / nearest_rank_quantile(truths, 0.1);
    std::printf("  %s: median estimate / true 0.9-quantile %.3f\n", name.c_str(), ratio);
    CHECK_CLOSE(std::log(ratio), 0.0, std::log(tol::bootstrap_sharpness_factor), (name + ": log sharpness").c_str());
  }
  const int before = threads();
  BootstrapCovarianceOptions o;
  o.sketch_rows = t;
  o.sketch = RowSketch::Energy;
  o.seed = 5;
  set_threads(1);
  const BootstrapCovarianceResult one = bootstrap_covariance_error(view_of(A, m, n), o);
  set_threads(2);
  const BootstrapCovarianceResult two = bootstrap_covariance_error(view_of(A, m, n), o);
  set_threads(before);
  CHECK(one.replicate_errors == two.replicate_errors && one.covariance.data == two.covariance.data,
        "covariance: same bits on 1 and 2 threads");
  o.replicates = 1;
  tol::expect_error([&] { (void)bootstrap_covariance_error(view_of(A, m, n), o); }, ErrorCode::InvalidArgument,
                    "options.replicates", "covariance B < 2");
  o.replicates = 50;
  o.alpha = 1.5;
  tol::expect_error([&] { (void)bootstrap_covariance_error(view_of(A, m, n), o); }, ErrorCode::InvalidArgument,
                    "options.alpha", "covariance alpha > 1");
  o.alpha = 0.1;
  o.sketch_rows = 0;
  tol::expect_error([&] { (void)bootstrap_covariance_error(view_of(A, m, n), o); }, ErrorCode::InvalidArgument,
                    "options.sketchRows", "covariance t = 0");
}

// --- sketchedLstsq and bootstrapLstsqError (ICML 2018) ---

namespace {
// The exact least-squares solution by LAPACK's Householder QR of A (m x n, col-major).
std::vector<double> exact_lstsq(std::vector<double> A, std::vector<double> b, std::int64_t m, std::int64_t n) {
  const int mi = int(m), ni = int(n);
  std::vector<double> tau(static_cast<std::size_t>(n));
  int info = 0;
  double q = 0, q2 = 0;
  blas::geqrf(mi, ni, A.data(), mi, tau.data(), &q, -1, &info);
  blas::ormqr('L', 'T', mi, 1, ni, A.data(), mi, tau.data(), b.data(), mi, &q2, -1, &info);
  std::vector<double> work(static_cast<std::size_t>(std::max({1.0, q, q2})));
  blas::geqrf(mi, ni, A.data(), mi, tau.data(), work.data(), int(work.size()), &info);
  blas::ormqr('L', 'T', mi, 1, ni, A.data(), mi, tau.data(), b.data(), mi, work.data(), int(work.size()), &info);
  cblas_dtrsv(CblasColMajor, CblasUpper, CblasNoTrans, CblasNonUnit, ni, A.data(), mi, b.data(), 1);
  return std::vector<double>(b.begin(), b.begin() + n);
}
double distance(const std::vector<double>& x, const std::vector<double>& y) {
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) s += (x[i] - y[i]) * (x[i] - y[i]);
  return std::sqrt(s);
}
}  // namespace

// Inconsistent-system coverage over R = 30 sketches (t = 150, B = 50, α = 0.1) against LAPACK's
// exact least-squares solution, 4-sigma binomial region; observed: uniform 26/30, gaussian 28/30.
TEST_CASE("least squares: consistent system exact, inconsistent coverage, threads, bad input") {
  const std::int64_t m = 3000, n = 20, t = 150;
  std::vector<double> sigma(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) sigma[static_cast<std::size_t>(i)] = 1.0 + 9.0 * double(i) / double(n - 1);
  const std::vector<double> A = tol::with_spectrum(m, n, sigma, 81, 82);
  std::vector<double> x(static_cast<std::size_t>(n)), noise(static_cast<std::size_t>(m));
  fill_test_matrix(dense_view(x.data(), n, 1, Layout::ColMajor), TestMatrixKind::Gaussian, 83, Stream::RangeFinder);
  fill_test_matrix(dense_view(noise.data(), m, 1, Layout::ColMajor), TestMatrixKind::Gaussian, 84, Stream::RangeFinder);
  std::vector<double> b(static_cast<std::size_t>(m), 0.0);
  cblas_dgemv(CblasColMajor, CblasNoTrans, int(m), int(n), 1.0, A.data(), int(m), x.data(), 1, 0.0, b.data(), 1);
  const double xnorm = tol::frobenius(x);
  // Consistent: every resample solves the same system exactly.
  {
    SketchedLstsqOptions o;
    o.sketch_rows = t;
    o.seed = 2;
    const BootstrapLstsqResult r = bootstrap_lstsq_error(view_of(A, m, n), b.data(), o);
    CHECK_AT_MOST(distance(r.x, x) / xnorm, tol::lstsq_consistent<double>(), "consistent: x~ = x");
    CHECK_AT_MOST(r.error / xnorm, tol::lstsq_consistent<double>(), "consistent: the error estimate is rounding");
  }
  // Inconsistent: b + 0.5·noise (residual comparable to ‖A x‖/√m per row).
  std::vector<double> bn(b);
  for (std::int64_t i = 0; i < m; ++i) bn[static_cast<std::size_t>(i)] += 0.5 * noise[static_cast<std::size_t>(i)];
  const std::vector<double> x_ls = exact_lstsq(A, bn, m, n);
  for (RowSketch sk : {RowSketch::Uniform, RowSketch::Gaussian}) {
    const std::string name = std::string("lstsq ") + row_sketch_name(sk);
    const int R = 30;
    int covered = 0;
    std::vector<double> estimates, truths;
    for (int run = 0; run < R; ++run) {
      SketchedLstsqOptions o;
      o.sketch_rows = t;
      o.sketch = sk;
      o.seed = 900 + static_cast<std::uint64_t>(run);
      const BootstrapLstsqResult r = bootstrap_lstsq_error(view_of(A, m, n), bn.data(), o);
      const double truth = distance(r.x, x_ls);
      covered += truth <= r.error;
      estimates.push_back(r.error);
      truths.push_back(truth);
      if (run == 0) {
        const std::vector<double> direct = sketched_lstsq(view_of(A, m, n), bn.data(), o);
        CHECK(direct == r.x, name + ": sketchedLstsq gives the bootstrap's x~");
        CHECK_CLOSE(extrapolate(r, 4 * t), 0.5 * r.error, 0, (name + ": extrapolate").c_str());
      }
    }
    check_coverage(covered, R, 0.9, name);
    std::sort(estimates.begin(), estimates.end());
    const double ratio = 0.5 * (estimates[R / 2] + estimates[R / 2 - 1]) / nearest_rank_quantile(truths, 0.1);
    std::printf("  %s: median estimate / true 0.9-quantile %.3f\n", name.c_str(), ratio);
    CHECK_CLOSE(std::log(ratio), 0.0, std::log(tol::bootstrap_sharpness_factor), (name + ": log sharpness").c_str());
  }
  const int before = threads();
  SketchedLstsqOptions o;
  o.sketch_rows = t;
  o.sketch = RowSketch::Energy;
  o.seed = 6;
  set_threads(1);
  const BootstrapLstsqResult one = bootstrap_lstsq_error(view_of(A, m, n), bn.data(), o);
  set_threads(2);
  const BootstrapLstsqResult two = bootstrap_lstsq_error(view_of(A, m, n), bn.data(), o);
  set_threads(before);
  CHECK(one.x == two.x && one.replicate_errors == two.replicate_errors, "lstsq: same bits on 1 and 2 threads");
  o.sketch_rows = n - 1;
  tol::expect_error([&] { (void)sketched_lstsq(view_of(A, m, n), bn.data(), o); }, ErrorCode::InvalidArgument,
                    "options.sketchRows", "lstsq t < n");
  o.sketch_rows = t;
  std::vector<double> bad(bn);
  bad[7] = std::nan("");
  tol::expect_error([&] { (void)sketched_lstsq(view_of(A, m, n), bad.data(), o); }, ErrorCode::NotFinite, "b",
                    "lstsq NaN in b");
  std::vector<double> deficient(A);
  for (std::int64_t i = 0; i < m; ++i) deficient[static_cast<std::size_t>(i + 3 * m)] = 0;  // a zero column
  tol::expect_error([&] { (void)sketched_lstsq(view_of(deficient, m, n), bn.data(), o); }, ErrorCode::InvalidArgument,
                    "A", "lstsq rank-deficient A");
}

TEST_MAIN()
