// Randomized SVD against independent truth: exactly low-rank matrices with known spectra, the
// HMT error bounds on a polynomially decaying spectrum (exact residual norm by LAPACK gesdd),
// invariants (orthonormality, order, sign rule), determinism and preconditions.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "check.hpp"
#include "known_spectrum.hpp"
#include "cpu/blas_lapack.hpp"
#include "randla/rsvd.hpp"
#include "randla/threads.hpp"
#include "tolerance.hpp"

using namespace randla;
namespace tol = randla::test;

namespace {

// Whether the skinny-product kernels run here (RANDLA_SKINNY=0 in the BLAS-products run turns
// them off; so does a CPU without AVX2).
bool detail_skinny_on() { return std::string(product_kernels()) != "blas"; }

using tol::frobenius;
using tol::orthonormality_error;
using tol::residual;
using tol::spectral_norm;
using tol::stored;
using tol::with_spectrum;
using randla::test::check_sign_rule;

template <class T>
void exact_low_rank(std::int64_t m, std::int64_t n, Layout layout) {
  const std::int64_t r = 10;
  std::vector<double> sigma(r);
  for (std::int64_t i = 0; i < r; ++i) sigma[i] = 1.0 / double(i + 1);
  const auto A = with_spectrum(m, n, sigma);
  const auto data = stored<T>(A, m, n, layout);
  const auto before = data;
  RsvdOptions o;
  o.rank = r;
  o.oversamples = 10;
  o.power_iters = 2;
  o.seed = 7;
  const auto res = rsvd<T>(dense_view(data.data(), m, n, layout), o);
  CHECK(data == before, "input unchanged");
  // The f32 input is itself A rounded to f32: measure against what was given.
  std::vector<double> given(A.size());
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < m; ++i) given[i + j * m] = double(data[layout == Layout::ColMajor ? i + j * m : i * n + j]);
  CHECK_AT_MOST(frobenius(residual(given, res)) / frobenius(given), tol::exact_low_rank_residual<T>(),
                "relative Frobenius residual");
  for (std::int64_t i = 0; i < r; ++i)
    CHECK_CLOSE(res.S[i] / sigma[i], 1.0, tol::exact_low_rank_values<T>(), "sigma_i relative");
  CHECK_AT_MOST(orthonormality_error(res.U, m, r, false), tol::orthonormality<T>(), "U orthonormal");
  CHECK_AT_MOST(orthonormality_error(res.Vt, r, n, true), tol::orthonormality<T>(), "V orthonormal");
  check_sign_rule(res);
}

}  // namespace

TEST_CASE("exact rank 10, 300 x 200, f64, col-major") { exact_low_rank<double>(300, 200, Layout::ColMajor); }
TEST_CASE("exact rank 10, 300 x 200, f64, row-major") { exact_low_rank<double>(300, 200, Layout::RowMajor); }
TEST_CASE("exact rank 10, 200 x 300 (wide), f64, both layouts") {
  exact_low_rank<double>(200, 300, Layout::ColMajor);
  exact_low_rank<double>(200, 300, Layout::RowMajor);
}
TEST_CASE("exact rank 10, 300 x 200, f32, both layouts") {
  exact_low_rank<float>(300, 200, Layout::ColMajor);
  exact_low_rank<float>(300, 200, Layout::RowMajor);
}

namespace {


// ‖A − UΣVᵀ‖₂ against bound·σ_{k+1}, the optimal rank-k error (Eckart–Young).
void check_spectral_error(const std::vector<double>& A, std::int64_t m, std::int64_t n, const std::vector<double>& sigma,
                          const RsvdOptions& o, double bound, const std::string& what) {
  const auto res = rsvd<double>(dense_view(A.data(), m, n, Layout::ColMajor), o);
  const double err = spectral_norm(residual(A, res), m, n);
  CHECK_AT_MOST(err / sigma[static_cast<std::size_t>(o.rank)], bound, (what + ": ‖A − USVᵀ‖₂ / σ_{k+1}").c_str());
}

// The acceptance table for one sketch: polynomial decay 1000 x 400, σᵢ = i⁻², k = 20,
// p = 10, q = 2 with every normalizer; exponential decay 800 x 500, σᵢ = e^(−0.25(i−1)), k = 15,
// p = 5, q = 0 and q = 1.
void sketch_acceptance(TestMatrixKind kind) {
  {
    const std::int64_t m = 1000, n = 400;
    static const auto sigma = tol::polynomial_decay(n, 2);
    static const auto A = with_spectrum(m, n, sigma);
    for (Normalizer normalizer : {Normalizer::QR, Normalizer::LU, Normalizer::CholQR2, Normalizer::None}) {
      RsvdOptions o;
      o.rank = 20;
      o.oversamples = 10;
      o.power_iters = 2;
      o.normalizer = normalizer;
      o.test_matrix = kind;
      o.seed = 11;
      check_spectral_error(A, m, n, sigma, o, tol::spectral_error_q2,
                           std::string(test_matrix_kind_name(kind)) + " / " + normalizer_name(normalizer) + ", i^-2, q = 2");
    }
  }
  {
    const std::int64_t m = 800, n = 500;
    static const auto sigma = tol::exponential_decay(n, 0.25);
    static const auto A = with_spectrum(m, n, sigma, 3003, 4004);
    for (std::int64_t q : {0, 1}) {
      RsvdOptions o;
      o.rank = 15;
      o.oversamples = 5;
      o.power_iters = q;
      o.test_matrix = kind;
      o.seed = 12;
      check_spectral_error(A, m, n, sigma, o, q == 0 ? tol::spectral_error_exp_q0 : tol::spectral_error_exp_q1,
                           std::string(test_matrix_kind_name(kind)) + ", e^-0.25(i-1), q = " + std::to_string(q));
    }
  }
}

}  // namespace

TEST_CASE("gaussian sketch x every normalizer: spectral error bounds") { sketch_acceptance(TestMatrixKind::Gaussian); }
TEST_CASE("rademacher sketch x every normalizer: spectral error bounds") { sketch_acceptance(TestMatrixKind::Rademacher); }
TEST_CASE("uniform sketch x every normalizer: spectral error bounds") { sketch_acceptance(TestMatrixKind::Uniform); }
TEST_CASE("sparse-sign sketch x every normalizer: spectral error bounds") { sketch_acceptance(TestMatrixKind::SparseSign); }
TEST_CASE("srht sketch x every normalizer: spectral error bounds") { sketch_acceptance(TestMatrixKind::Srht); }

TEST_CASE("polynomial decay without power iterations: HMT bound for q = 0") {
  const std::int64_t m = 1000, n = 400;
  const auto sigma = tol::polynomial_decay(n, 2);
  const auto A = with_spectrum(m, n, sigma);
  RsvdOptions o;
  o.rank = 20;
  o.power_iters = 0;
  o.seed = 11;
  check_spectral_error(A, m, n, sigma, o, tol::spectral_error_q0, "gaussian, i^-2, q = 0");
}

TEST_CASE("same seed gives bit-identical results; thread count does not change S") {
  const std::int64_t m = 400, n = 150;
  std::vector<double> sigma(60);
  for (std::size_t i = 0; i < sigma.size(); ++i) sigma[i] = std::pow(0.9, double(i));
  const auto A = with_spectrum(m, n, sigma);
  RsvdOptions o;
  o.rank = 8;
  o.seed = 123456789012345ull;
  set_threads(1);
  const auto one = rsvd<double>(dense_view(A.data(), m, n, Layout::ColMajor), o);
  const auto again = rsvd<double>(dense_view(A.data(), m, n, Layout::ColMajor), o);
  set_threads(2);
  const auto two = rsvd<double>(dense_view(A.data(), m, n, Layout::ColMajor), o);
  CHECK(one.S == again.S && one.U == again.U && one.Vt == again.Vt, "same seed, same thread count: identical bits");
  for (int i = 0; i < 8; ++i) CHECK_CLOSE(two.S[i] / one.S[i], 1.0, 64 * tol::eps<double>(), "S with 2 vs 1 threads");
  o.seed = 5;
  const auto other = rsvd<double>(dense_view(A.data(), m, n, Layout::ColMajor), o);
  CHECK(other.U != one.U, "another seed gives another sketch");
}

TEST_CASE("preconditions reject bad input with the right code and argument") {
  std::vector<double> A(20 * 10, 1.0);
  const auto view = dense_view(A.data(), 20, 10, Layout::RowMajor);
  auto expect = [&](RsvdOptions o, MatrixView<const double> v, ErrorCode code, const std::string& argument) {
    try {
      rsvd<double>(v, o);
      CHECK(false, "expected an error for argument " + argument);
    } catch (const Error& e) {
      CHECK(e.code() == code, std::string("code for ") + argument + ": " + error_code_name(e.code()));
      CHECK(e.argument() == argument, "argument named: " + e.argument() + " vs " + argument);
      CHECK(std::string(e.what()).find(argument) != std::string::npos, std::string("message names it: ") + e.what());
    }
  };
  RsvdOptions ok;
  ok.rank = 3;
  RsvdOptions o = ok;
  o.rank = 0;
  expect(o, view, ErrorCode::InvalidArgument, "rank");
  o.rank = 11;
  expect(o, view, ErrorCode::InvalidArgument, "rank");
  o = ok;
  o.oversamples = -1;
  expect(o, view, ErrorCode::InvalidArgument, "oversamples");
  o = ok;
  o.power_iters = -2;
  expect(o, view, ErrorCode::InvalidArgument, "power_iters");
  expect(ok, MatrixView<const double>{nullptr, 20, 10, 10, Layout::RowMajor}, ErrorCode::InvalidArgument, "A");
  expect(ok, MatrixView<const double>{A.data(), 20, 10, 5, Layout::RowMajor}, ErrorCode::Shape, "A");
  expect(ok, MatrixView<const double>{A.data(), 0, 10, 10, Layout::RowMajor}, ErrorCode::Shape, "A");
  // Fixed accuracy and the error estimate.
  o = RsvdOptions{};
  for (double bad : {-0.1, 1.0, 1.5, std::nan("")}) {
    o.tol = bad;
    expect(o, view, ErrorCode::InvalidArgument, "tol");
  }
  o.tol = 0;  // neither rank nor tol
  expect(o, view, ErrorCode::InvalidArgument, "rank");
  o.tol = 0.1;
  o.rank = 3;
  expect(o, view, ErrorCode::InvalidArgument, "rank");
  o.rank = 0;
  for (std::int64_t bad : {0, -3}) {
    o.block_size = bad;
    expect(o, view, ErrorCode::InvalidArgument, "block_size");
  }
  o.block_size = 10;
  for (std::int64_t bad : {-1, 11}) {
    o.max_rank = bad;
    expect(o, view, ErrorCode::InvalidArgument, "max_rank");
  }
  o = ok;
  o.estimate_error = true;
  o.error_iters = 0;
  expect(o, view, ErrorCode::InvalidArgument, "error_iters");
  A[7 * 10 + 3] = std::nan("");
  expect(ok, view, ErrorCode::NotFinite, "A");
  A[7 * 10 + 3] = INFINITY;
  expect(ok, view, ErrorCode::NotFinite, "A");
}

// The fixed-rank range finder checks A through its first sample (range_finder.cpp): every
// non-finite value, wherever it sits, in every test matrix, layout and orientation, must still be
// refused with the message a scan of A gives (which names the first bad entry).
template <class T>
void check_non_finite_everywhere() {
  const std::int64_t m = 37, n = 23;
  const T bads[] = {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                    -std::numeric_limits<T>::infinity()};
  const std::int64_t positions[] = {0, m * n - 1, 11 * n + 5};
  for (Layout layout : {Layout::RowMajor, Layout::ColMajor}) {
    for (bool wide : {false, true}) {
      const std::int64_t rows = wide ? n : m, cols = wide ? m : n;
      for (TestMatrixKind kind : {TestMatrixKind::Gaussian, TestMatrixKind::Rademacher, TestMatrixKind::Uniform,
                                  TestMatrixKind::SparseSign, TestMatrixKind::Srht}) {
        for (T bad : bads) {
          for (std::int64_t at : positions) {
            std::vector<T> A(static_cast<std::size_t>(m * n));
            fill_test_matrix(dense_view(A.data(), rows, cols, layout), TestMatrixKind::Gaussian, 9, Stream::RangeFinder);
            A[static_cast<std::size_t>(at)] = bad;
            const auto view = dense_view<const T>(A.data(), rows, cols, layout);
            std::string scanned;
            try {
              expect_finite(view, "A");
            } catch (const Error& e) {
              scanned = e.what();
            }
            RsvdOptions o;
            o.rank = 4;
            o.test_matrix = kind;
            std::string what = std::string(test_matrix_kind_name(kind)) + (wide ? " wide " : " tall ") +
                               (layout == Layout::RowMajor ? "row-major" : "col-major") + " entry " + std::to_string(at);
            try {
              rsvd<T>(view, o);
              CHECK(false, "a non-finite entry was accepted: " + what);
            } catch (const Error& e) {
              CHECK(e.code() == ErrorCode::NotFinite, "NotFinite for " + what + ": " + error_code_name(e.code()));
              CHECK(e.argument() == "A", "argument A for " + what);
              CHECK(scanned == e.what(), "the scan's message for " + what + ": " + e.what() + " vs " + scanned);
            }
          }
        }
      }
    }
  }
  // A row holding +Inf and −Inf: its sample entries are NaN (Inf − Inf), still refused.
  std::vector<T> A(static_cast<std::size_t>(m * n), T(1));
  A[5 * n + 2] = std::numeric_limits<T>::infinity();
  A[5 * n + 9] = -std::numeric_limits<T>::infinity();
  RsvdOptions o;
  o.rank = 4;
  bool refused = false;
  try {
    rsvd<T>(dense_view<const T>(A.data(), m, n, Layout::RowMajor), o);
  } catch (const Error& e) {
    refused = e.code() == ErrorCode::NotFinite;
  }
  CHECK(refused, "+Inf and −Inf in one row are refused");
  // Finite data whose sample overflows is not called non-finite.
  std::vector<T> huge(static_cast<std::size_t>(m * n), std::numeric_limits<T>::max());
  std::string outcome = "returned";
  try {
    rsvd<T>(dense_view<const T>(huge.data(), m, n, Layout::RowMajor), o);
  } catch (const Error& e) {
    outcome = error_code_name(e.code());
  }
  CHECK(outcome != error_code_name(ErrorCode::NotFinite), "finite data that overflows the sample: " + outcome);
}

TEST_CASE("every NaN/Inf in A is refused, with the scan's message, whatever the test matrix") {
  check_non_finite_everywhere<double>();
  check_non_finite_everywhere<float>();
}

TEST_CASE("abort between passes; progress after each of the 2q + 2 passes") {
  const std::int64_t m = 200, n = 50;
  std::vector<double> A(m * n);
  fill_test_matrix(dense_view(A.data(), m, n, Layout::ColMajor), TestMatrixKind::Gaussian, 3, Stream::RangeFinder);
  RsvdOptions o;
  o.rank = 5;
  o.power_iters = 3;
  std::vector<int> passes;
  RunControl progress;
  progress.progress = [&](int done, int total) {
    passes.push_back(done);
    CHECK(total == 8, "total passes = 2q + 2");
  };
  rsvd<double>(dense_view(A.data(), m, n, Layout::ColMajor), o, progress);
  CHECK(passes == std::vector<int>({1, 2, 3, 4, 5, 6, 7, 8}), "progress reported 1..8");

  std::atomic<bool> cancel{false};
  RunControl abort;
  abort.cancel = &cancel;
  abort.progress = [&](int done, int) {
    if (done == 2) cancel = true;
  };
  try {
    rsvd<double>(dense_view(A.data(), m, n, Layout::ColMajor), o, abort);
    CHECK(false, "expected Aborted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::Aborted, "aborted code");
  }
}

TEST_CASE("power_iters = -1 and Normalizer::Auto resolve by scikit-learn's rule") {
  const std::int64_t m = 400, n = 150;
  const auto A = with_spectrum(m, n, tol::exponential_decay(60, 0.1));
  const auto view = dense_view(A.data(), m, n, Layout::ColMajor);
  RsvdOptions o;
  o.power_iters = -1;
  o.normalizer = Normalizer::Auto;
  o.rank = 14;  // 10·14 < 150: 7 iterations, so LU
  auto r = rsvd<double>(view, o);
  CHECK(r.power_iters == 7 && r.normalizer == Normalizer::LU, "k = 14 of min 150: q = 7, lu");
  o.rank = 15;  // 10·15 = 150 is not < 150: 4 iterations, still LU
  r = rsvd<double>(view, o);
  CHECK(r.power_iters == 4 && r.normalizer == Normalizer::LU, "k = 15 of min 150: q = 4, lu");
  o.power_iters = 2;  // q <= 2: no normalizer
  r = rsvd<double>(view, o);
  CHECK(r.power_iters == 2 && r.normalizer == Normalizer::None, "q = 2: none");
  o.rank = 0;  // fixed accuracy: the block size plays k
  o.tol = 0.1;
  o.power_iters = -1;
  o.block_size = 20;
  r = rsvd<double>(view, o);
  CHECK(r.power_iters == 4, "tol, block 20 of min 150: q = 4");
  o.block_size = 14;
  r = rsvd<double>(view, o);
  CHECK(r.power_iters == 7, "tol, block 14 of min 150: q = 7");
}

TEST_CASE("compute_u / compute_v = false: same S, the other factor unchanged") {
  for (auto [m, n] : {std::pair<std::int64_t, std::int64_t>{300, 120}, {120, 300}}) {
    const auto A = with_spectrum(m, n, tol::polynomial_decay(std::min(m, n), 1));
    const auto view = dense_view(A.data(), m, n, Layout::RowMajor);
    RsvdOptions o;
    o.rank = 10;
    o.seed = 3;
    const auto both = rsvd<double>(view, o);
    o.compute_u = false;
    const auto no_u = rsvd<double>(view, o);
    o.compute_u = true;
    o.compute_v = false;
    const auto no_v = rsvd<double>(view, o);
    CHECK(no_u.U.empty() && no_u.S == both.S && no_u.Vt == both.Vt, "compute_u = false: no U, same S and Vt");
    CHECK(no_v.Vt.empty() && no_v.S == both.S && no_v.U == both.U, "compute_v = false: no Vt, same U and S");
  }
}

TEST_CASE("transpose Yes / No: the same factorization of an exactly low-rank matrix, to rounding") {
  for (auto [m, n] : {std::pair<std::int64_t, std::int64_t>{300, 200}, {200, 300}}) {
    std::vector<double> sigma(10);
    for (std::size_t i = 0; i < sigma.size(); ++i) sigma[i] = 1.0 / double(i + 1);
    const auto A = with_spectrum(m, n, sigma);
    const auto view = dense_view(A.data(), m, n, Layout::ColMajor);
    RsvdOptions o;
    o.rank = 10;
    o.seed = 8;
    o.transpose = Transpose::No;
    const auto no = rsvd<double>(view, o);
    o.transpose = Transpose::Yes;
    const auto yes = rsvd<double>(view, o);
    for (std::size_t i = 0; i < sigma.size(); ++i)
      CHECK_CLOSE(yes.S[i] / no.S[i], 1.0, tol::exact_low_rank_values<double>(), "S, transpose Yes vs No");
    double worst = 0;
    for (std::size_t i = 0; i < no.U.size(); ++i) worst = std::max(worst, std::abs(yes.U[i] - no.U[i]));
    for (std::size_t i = 0; i < no.Vt.size(); ++i) worst = std::max(worst, std::abs(yes.Vt[i] - no.Vt[i]));
    CHECK_AT_MOST(worst, tol::exact_low_rank_vectors<double>(), "max |U, Vt (Yes) − U, Vt (No)|");
  }
}

// A rank-5 matrix L plus a row vector μ added to every row: PCA's centered matrix is
// (I − 11ᵀ/m)·L, whose SVD LAPACK computes from the explicitly centered copy.
template <class T>
void centered(std::int64_t m, std::int64_t n, Layout layout) {
  std::vector<double> sigma{50, 20, 10, 5, 2};
  auto A = with_spectrum(m, n, sigma, 55, 66);
  std::vector<double> mu(static_cast<std::size_t>(n));
  for (std::int64_t j = 0; j < n; ++j) mu[static_cast<std::size_t>(j)] = 3.0 + std::sin(0.37 * double(j));
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < m; ++i) A[static_cast<std::size_t>(i + j * m)] += mu[static_cast<std::size_t>(j)];
  const auto data = stored<T>(A, m, n, layout);
  const auto x = tol::given(data, m, n, layout);
  std::vector<double> mean(static_cast<std::size_t>(n), 0.0), C(x);
  for (std::int64_t j = 0; j < n; ++j) {
    for (std::int64_t i = 0; i < m; ++i) mean[static_cast<std::size_t>(j)] += x[static_cast<std::size_t>(i + j * m)];
    mean[static_cast<std::size_t>(j)] /= double(m);
    for (std::int64_t i = 0; i < m; ++i) C[static_cast<std::size_t>(i + j * m)] -= mean[static_cast<std::size_t>(j)];
  }
  const auto truth = tol::singular_values(C, m, n);
  RsvdOptions o;
  o.rank = 5;
  o.center = true;
  o.seed = 4;
  const auto r = rsvd<T>(dense_view(data.data(), m, n, layout), o);
  const std::string what = std::string(layout == Layout::ColMajor ? "col-major " : "row-major ") +
                           std::to_string(m) + " x " + std::to_string(n) + (sizeof(T) == 4 ? " f32" : " f64");
  CHECK(r.mean.size() == static_cast<std::size_t>(n), what + ": mean returned");
  for (std::int64_t j = 0; j < n; ++j)
    CHECK_CLOSE(r.mean[static_cast<std::size_t>(j)], mean[static_cast<std::size_t>(j)],
                64 * tol::eps<double>() * std::abs(mean[static_cast<std::size_t>(j)]), (what + ": mean").c_str());
  for (std::size_t i = 0; i < 5; ++i)
    CHECK_CLOSE(r.S[i] / truth[i], 1.0, tol::exact_low_rank_values<T>(), (what + ": σᵢ of the centered matrix").c_str());
  CHECK_AT_MOST(frobenius(residual(C, r)) / frobenius(C), tol::exact_low_rank_residual<T>(),
                (what + ": ‖C − USVᵀ‖_F / ‖C‖_F").c_str());
}

TEST_CASE("center = true: SVD of the centered matrix, mean returned, both layouts, tall and wide") {
  for (Layout layout : {Layout::ColMajor, Layout::RowMajor}) {
    centered<double>(300, 120, layout);
    centered<double>(120, 300, layout);
  }
  centered<float>(300, 120, Layout::RowMajor);
  centered<float>(120, 300, Layout::ColMajor);
}

// A dense operator that hides its pairs: every product is its own pass (LinearOperator's default
// apply_pair), so a run through it is the unfused schedule.
template <class T>
class Unpaired final : public LinearOperator<T> {
 public:
  explicit Unpaired(MatrixView<const T> A) : A_(A) {}
  std::int64_t rows() const override { return A_.rows(); }
  std::int64_t cols() const override { return A_.cols(); }
  void apply(bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& out) const override { A_.apply(transpose, X, out); }
  double frobenius_norm_squared() const override { return A_.frobenius_norm_squared(); }
  std::vector<double> column_sums() const override { return A_.column_sums(); }
  void expect_finite(const char* argument) const override { A_.expect_finite(argument); }
  const MatrixView<const T>* dense() const override { return A_.dense(); }  // SRHT's transform

 private:
  DenseOperator<T> A_;
};

template <class T>
void paired_range_finder(Layout layout, TestMatrixKind sketch) {
  const std::int64_t m = 700, n = 300;
  const auto spectrum = with_spectrum(m, n, tol::exponential_decay(n, 0.1));
  std::vector<T> A(spectrum.begin(), spectrum.end());  // column-major m x n
  std::vector<T> stored = A;
  if (layout == Layout::RowMajor)
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t j = 0; j < n; ++j) stored[static_cast<std::size_t>(i * n + j)] = A[static_cast<std::size_t>(i + j * m)];
  const auto view = dense_view(stored.data(), m, n, layout);
  const DenseOperator<T> paired(view);
  const Unpaired<T> unpaired(view);
  const bool kernels = detail_skinny_on();
  for (std::int64_t q : {0, 1, 2, 3}) {
    RangeFinderOptions o;
    o.size = 25;
    o.power_iters = q;
    o.normalizer = Normalizer::None;
    o.test_matrix = sketch;
    o.seed = 11;
    o.check_finite = true;
    // Products 0..2q: A·Ω, Aᵀ·, A·, … A row-major A pairs (A·, Aᵀ·) from product 0 (q + 1
    // passes); a column-major one pairs (Aᵀ·, A·) from product 1 (also q + 1); an SRHT sample is
    // a transform, so a row-major A pairs from product 2 (q + 1 + (q > 0)).
    const bool srht = sketch == TestMatrixKind::Srht;
    const std::int64_t fused = srht && layout == Layout::RowMajor ? q + 1 + (q > 0 ? 1 : 0) : q + 1;
    const std::int64_t expected = kernels ? fused : 2 * q + 1;
    const std::string what = std::string(sizeof(T) == 4 ? "f32 " : "f64 ") + (layout == Layout::RowMajor ? "row-major" : "col-major") +
                             (srht ? " srht" : " gaussian") + " q=" + std::to_string(q);
    CHECK(range_finder_passes(paired, o) == expected,
          what + ": passes " + std::to_string(range_finder_passes(paired, o)) + ", expected " + std::to_string(expected));
    CHECK(range_finder_passes(unpaired, o) == 2 * q + 1, what + ": unpaired operator, 2q + 1 passes");
    std::vector<std::pair<int, int>> seen;
    RunControl control;
    control.progress = [&](int done, int total) { seen.emplace_back(done, total); };
    PassCounter counter(control, range_finder_passes(paired, o));
    const DenseMatrix<T> Q1 = range_finder(paired, o, counter);
    RunControl quiet;
    PassCounter other(quiet, 2 * static_cast<int>(q) + 1);
    const DenseMatrix<T> Q2 = range_finder(unpaired, o, other);
    CHECK(Q1.data == Q2.data, what + ": the paired schedule gives the unpaired basis, bit for bit");
    CHECK(static_cast<std::int64_t>(seen.size()) == expected && seen.back().first == expected && seen.back().second == expected,
          what + ": one report per pass, ending at done = total");
    // With a normalizer between the products nothing pairs.
    o.normalizer = Normalizer::LU;
    CHECK(range_finder_passes(paired, o) == 2 * q + 1, what + ": lu, 2q + 1 passes");
  }
}

TEST_CASE("normalizer none: adjacent products share a pass over a dense A, same bits, progress per pass") {
  for (Layout layout : {Layout::RowMajor, Layout::ColMajor}) {
    for (TestMatrixKind sketch : {TestMatrixKind::Gaussian, TestMatrixKind::Srht}) {
      paired_range_finder<double>(layout, sketch);
      paired_range_finder<float>(layout, sketch);
    }
  }
  // Through rsvd: total = (q + 1) + 1 for B with the kernels on.
  const std::int64_t m = 400, n = 120;
  const auto A = with_spectrum(m, n, tol::polynomial_decay(n, 1));
  RsvdOptions o;
  o.rank = 5;
  o.power_iters = 2;
  o.normalizer = Normalizer::None;
  std::vector<std::pair<int, int>> seen;
  RunControl control;
  control.progress = [&](int done, int total) { seen.emplace_back(done, total); };
  rsvd<double>(dense_view(A.data(), m, n, Layout::ColMajor), o, control);
  const int expected = detail_skinny_on() ? 4 : 6;
  CHECK(!seen.empty() && seen.back().first == expected && seen.back().second == expected && seen.front().second == expected,
        "rsvd q=2 none: progress 1.." + std::to_string(expected) + " of " + std::to_string(expected));
}

TEST_CASE("progress: one sequence over centering, range finder and error estimate, ending at total") {
  const std::int64_t m = 200, n = 80;
  const auto A = with_spectrum(m, n, tol::polynomial_decay(n, 1));
  for (bool center : {false, true}) {
    for (bool wide : {false, true}) {
      RsvdOptions o;
      o.rank = 5;
      o.power_iters = 1;
      o.center = center;
      o.estimate_error = true;
      o.error_iters = 3;
      std::vector<std::pair<int, int>> seen;
      RunControl control;
      control.progress = [&](int done, int total) { seen.emplace_back(done, total); };
      const auto view = wide ? dense_view(A.data(), n, m, Layout::RowMajor) : dense_view(A.data(), m, n, Layout::ColMajor);
      rsvd<double>(view, o, control);
      // center: 1; range finder and B: 2q + 2; estimate: 3 fused passes (dense), 6 (centered).
      const int expected = (center ? 1 : 0) + 4 + 3 * (center ? 2 : 1);
      const std::string what = std::string(center ? "centered" : "plain") + (wide ? ", wide" : ", tall");
      CHECK(!seen.empty() && seen.back().first == expected && seen.back().second == expected,
            what + ": ends at done = total = " + std::to_string(expected) + ", got " +
                (seen.empty() ? std::string("nothing") : std::to_string(seen.back().first) + "/" + std::to_string(seen.back().second)));
      for (std::size_t i = 0; i < seen.size(); ++i)
        CHECK(seen[i].first <= seen[i].second && (i == 0 || seen[i].first > seen[i - 1].first),
              what + ": done increases and never exceeds total");
    }
  }
}

TEST_MAIN()
