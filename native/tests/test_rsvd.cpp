// Randomized SVD against independent truth: exactly low-rank matrices with known spectra, the
// HMT error bounds on a polynomially decaying spectrum (exact residual norm by LAPACK gesdd),
// invariants (orthonormality, order, sign rule), determinism and preconditions.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "check.hpp"
#include "cpu/blas_lapack.hpp"
#include "randla/rsvd.hpp"
#include "randla/threads.hpp"
#include "tolerance.hpp"

using namespace randla;
namespace tol = randla::test;

namespace {

// Orthonormal m x r basis: thin Q of a Gaussian matrix from its own seed.
std::vector<double> orthonormal_basis(std::int64_t m, std::int64_t r, std::uint64_t seed) {
  std::vector<double> q(static_cast<std::size_t>(m * r));
  fill_test_matrix(dense_view(q.data(), m, r, Layout::ColMajor), TestMatrixKind::Gaussian, seed, Stream::RangeFinder);
  blas::thin_q(static_cast<int>(m), static_cast<int>(r), q.data(), static_cast<int>(m));
  return q;
}

// A = U diag(sigma) Vᵀ (m x n) stored col-major in f64.
std::vector<double> with_spectrum(std::int64_t m, std::int64_t n, const std::vector<double>& sigma) {
  const auto r = static_cast<std::int64_t>(sigma.size());
  const auto U = orthonormal_basis(m, r, 1001), V = orthonormal_basis(n, r, 2002);
  std::vector<double> us(U);
  for (std::int64_t j = 0; j < r; ++j)
    for (std::int64_t i = 0; i < m; ++i) us[i + j * m] *= sigma[j];
  std::vector<double> A(static_cast<std::size_t>(m * n));
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, m, n, r, 1.0, us.data(), m, V.data(), n, 0.0, A.data(), m);
  return A;
}

template <class T>
std::vector<T> stored(const std::vector<double>& colmajor, std::int64_t m, std::int64_t n, Layout layout) {
  std::vector<T> out(colmajor.size());
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < m; ++i)
      out[layout == Layout::ColMajor ? i + j * m : i * n + j] = static_cast<T>(colmajor[i + j * m]);
  return out;
}

// A − U diag(S) Vt in f64, col-major.
template <class T>
std::vector<double> residual(const std::vector<double>& A, const RsvdResult<T>& r) {
  std::vector<double> R(A);
  for (std::int64_t j = 0; j < r.cols; ++j)
    for (std::int64_t i = 0; i < r.rows; ++i) {
      double s = 0;
      for (std::int64_t t = 0; t < r.rank; ++t)
        s += double(r.U[i * r.rank + t]) * r.S[t] * double(r.Vt[t * r.cols + j]);
      R[i + j * r.rows] -= s;
    }
  return R;
}

double frobenius(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v * v;
  return std::sqrt(s);
}

double spectral_norm(std::vector<double> M, std::int64_t m, std::int64_t n) {
  return blas::svd(static_cast<int>(m), static_cast<int>(n), M.data(), static_cast<int>(m)).s[0];
}

// max |XᵀX − I| for X stored row-major rows x cols (columns are the vectors) or its transpose.
template <class T>
double orthonormality_error(const std::vector<T>& X, std::int64_t rows, std::int64_t cols, bool vectors_are_rows) {
  double worst = 0;
  const std::int64_t count = vectors_are_rows ? rows : cols, len = vectors_are_rows ? cols : rows;
  auto at = [&](std::int64_t v, std::int64_t t) {
    return double(vectors_are_rows ? X[v * cols + t] : X[t * cols + v]);
  };
  for (std::int64_t a = 0; a < count; ++a)
    for (std::int64_t b = 0; b < count; ++b) {
      double s = 0;
      for (std::int64_t t = 0; t < len; ++t) s += at(a, t) * at(b, t);
      worst = std::max(worst, std::abs(s - (a == b ? 1.0 : 0.0)));
    }
  return worst;
}

template <class T>
void check_sign_rule(const RsvdResult<T>& r) {
  for (std::int64_t j = 0; j < r.rank; ++j) {
    std::int64_t arg = 0;
    for (std::int64_t i = 1; i < r.rows; ++i)
      if (std::abs(r.U[i * r.rank + j]) > std::abs(r.U[arg * r.rank + j])) arg = i;
    CHECK(r.U[arg * r.rank + j] > 0, "largest-|.| entry of U[:, " + std::to_string(j) + "] is positive");
  }
  for (std::int64_t j = 1; j < r.rank; ++j) CHECK(r.S[j] <= r.S[j - 1], "S non-increasing");
}

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

TEST_CASE("polynomial decay 1000 x 400: HMT spectral error bounds for qr and lu") {
  const std::int64_t m = 1000, n = 400, k = 20;
  std::vector<double> sigma(n);
  for (std::int64_t i = 0; i < n; ++i) sigma[i] = 1.0 / double((i + 1) * (i + 1));
  const auto A = with_spectrum(m, n, sigma);
  for (auto normalizer : {Normalizer::QR, Normalizer::LU}) {
    for (std::int64_t q : {0, 2}) {
      RsvdOptions o;
      o.rank = k;
      o.oversamples = 10;
      o.power_iters = q;
      o.normalizer = normalizer;
      o.seed = 11;
      const auto res = rsvd<double>(dense_view(A.data(), m, n, Layout::ColMajor), o);
      const double err = spectral_norm(residual(A, res), m, n);
      const double bound = (q == 0 ? 3.0 : 1.05) * sigma[k];
      CHECK_AT_MOST(err, bound, (std::string(normalizer == Normalizer::QR ? "qr" : "lu") + " q=" +
                                 std::to_string(q) + ": ‖A − USVᵀ‖₂ vs bound · σ₂₁").c_str());
    }
  }
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
  A[7 * 10 + 3] = std::nan("");
  expect(ok, view, ErrorCode::NotFinite, "A");
  A[7 * 10 + 3] = INFINITY;
  expect(ok, view, ErrorCode::NotFinite, "A");
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

TEST_MAIN()
