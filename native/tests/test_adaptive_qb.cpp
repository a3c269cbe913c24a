// Fixed accuracy (Yu, Gu, Li 2018, Algorithm 2, randQB_EI) against a known spectrum: the error
// indicator against the exact ‖A − QB‖_F, the stop at the first block that meets tol, the rank
// choice against the smallest rank that meets tol (from σ, Eckart–Young), progress and abort.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "check.hpp"
#include "known_spectrum.hpp"
#include "randla/rsvd.hpp"
#include "tolerance.hpp"

using namespace randla;
namespace tol = randla::test;

namespace {

// 600 x 300 with σᵢ = e^(−0.05(i−1)): the smallest ranks meeting tol = 1e-1, 1e-2, 1e-4 are
// 46, 92 and 184, far enough apart from the block size for a 10 % test to mean something.
constexpr std::int64_t kRows = 600, kCols = 300;
const std::vector<double>& spectrum() {
  static const auto sigma = tol::exponential_decay(kCols, 0.05);
  return sigma;
}
const std::vector<double>& matrix() {
  static const auto A = tol::with_spectrum(kRows, kCols, spectrum(), 71, 72);
  return A;
}

// The smallest k with Σ_{i>k} σᵢ² <= tol²·Σ σᵢ²: the truncated SVD's rank for tol.
std::int64_t optimal_rank(const std::vector<double>& sigma, double tolerance) {
  double total = 0;
  for (double s : sigma) total += s * s;
  double tail = total;
  for (std::size_t k = 0; k < sigma.size(); ++k) {
    if (tail <= tolerance * tolerance * total) return static_cast<std::int64_t>(k);
    tail -= sigma[k] * sigma[k];
  }
  return static_cast<std::int64_t>(sigma.size());
}

// ‖A − Q·Bᵀᵀ‖²_F in f64 (A col-major m x n, Q m x K, Bt n x K).
template <class T>
double qb_residual_squared(const std::vector<double>& A, const AdaptiveQbFactors<T>& f) {
  const std::int64_t m = f.Q.rows, n = f.Bt.rows, K = f.Q.cols;
  std::vector<double> q(f.Q.data.begin(), f.Q.data.end()), bt(f.Bt.data.begin(), f.Bt.data.end()), R(A);
  if (K > 0)
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, static_cast<int>(m), static_cast<int>(n), static_cast<int>(K),
                -1.0, q.data(), static_cast<int>(m), bt.data(), static_cast<int>(n), 1.0, R.data(), static_cast<int>(m));
  const double r = tol::frobenius(R);
  return r * r;
}

// rsvd in fixed-accuracy mode: the exact relative error meets tol, the reported one is that
// error, and the rank is within the slack of the optimal one.
template <class T>
void fixed_accuracy(double tolerance, RsvdOptions o, Layout layout, const std::string& what) {
  const auto data = tol::stored<T>(matrix(), kRows, kCols, layout);
  const auto A = tol::given(data, kRows, kCols, layout);
  o.tol = tolerance;
  const auto r = rsvd<T>(dense_view(data.data(), kRows, kCols, layout), o);
  const double exact = tol::frobenius(tol::residual(A, r)) / tol::frobenius(A);
  const std::int64_t best = optimal_rank(spectrum(), tolerance);
  const std::string label = what + ", tol " + std::to_string(tolerance);
  CHECK(r.converged, label + ": converged");
  CHECK_AT_MOST(exact, tolerance, (label + ": exact ‖A − USVᵀ‖_F / ‖A‖_F").c_str());
  CHECK_CLOSE(r.relative_error, exact, tol::error_indicator<T>() / exact,
              (label + ": reported relative error vs exact").c_str());
  CHECK(r.rank >= best, label + ": rank " + std::to_string(r.rank) + " >= optimal " + std::to_string(best));
  CHECK_AT_MOST(double(r.rank), (1 + tol::fixed_accuracy_rank_slack) * double(best),
                (label + ": rank vs (1 + slack)·optimal").c_str());
  CHECK(static_cast<std::int64_t>(r.S.size()) == r.rank, label + ": S has rank entries");
}

}  // namespace

TEST_CASE("adaptive_qb: orthonormal Q, Bᵀ = AᵀQ, E = ‖A − QB‖²_F, stops at the first block meeting tol") {
  const DenseOperator<double> op(dense_view(matrix().data(), kRows, kCols, Layout::ColMajor));
  AdaptiveQbOptions o;
  o.tol = 1e-2;
  o.block_size = 10;
  o.power_iters = 1;
  o.seed = 5;
  RunControl control;
  PassCounter passes(control, 0);
  const auto f = adaptive_qb(op, o, passes);
  CHECK(f.converged, "converged");
  CHECK(f.Q.cols % o.block_size == 0 && f.Q.cols == f.Bt.cols, "K is a multiple of b");
  CHECK_AT_MOST(tol::orthonormality_error(f.Q), tol::orthonormality<double>(), "‖QᵀQ − I‖_max");
  double norm_squared = 0;
  for (double v : matrix()) norm_squared += v * v;
  CHECK_CLOSE(f.norm_squared / norm_squared, 1.0, tol::error_indicator<double>(), "‖A‖²_F, relative");
  const double exact = qb_residual_squared(matrix(), f);
  CHECK_CLOSE(f.residual_squared / f.norm_squared, exact / f.norm_squared, tol::error_indicator<double>(),
              "E / ‖A‖²_F vs exact ‖A − QB‖²_F / ‖A‖²_F");
  CHECK_AT_MOST(f.residual_squared, o.tol * o.tol * f.norm_squared, "E <= tol²‖A‖²_F");
  // Bᵀ = AᵀQ
  double worst = 0;
  for (std::int64_t j = 0; j < f.Q.cols; ++j)
    for (std::int64_t c = 0; c < kCols; ++c) {
      double s = 0;
      for (std::int64_t i = 0; i < kRows; ++i) s += matrix()[static_cast<std::size_t>(i + c * kRows)] * f.Q(i, j);
      worst = std::max(worst, std::abs(s - f.Bt(c, j)));
    }
  CHECK_AT_MOST(worst, 1e3 * tol::eps<double>(), "max |Bᵀ − AᵀQ|");
  // Each block is drawn on its own (TestMatrixSpec::block), so stopping one block earlier
  // reproduces the same first K − b columns, which did not meet tol.
  o.max_rank = f.Q.cols - o.block_size;
  PassCounter again(control, 0);
  const auto shorter = adaptive_qb(op, o, again);
  CHECK(!shorter.converged && shorter.Q.cols == o.max_rank, "one block fewer does not meet tol");
  CHECK(std::equal(shorter.Q.data.begin(), shorter.Q.data.end(), f.Q.data.begin()), "the same first blocks");
}

TEST_CASE("fixed accuracy: exact error <= tol, rank within 10 % of optimal, f64, tol 1e-1, 1e-2, 1e-4") {
  RsvdOptions o;
  o.seed = 9;
  for (double t : {1e-1, 1e-2, 1e-4}) fixed_accuracy<double>(t, o, Layout::ColMajor, "f64 col-major");
  fixed_accuracy<double>(1e-2, o, Layout::RowMajor, "f64 row-major");
}

TEST_CASE("fixed accuracy: f32 input at tol 1e-2") {
  RsvdOptions o;
  o.seed = 9;
  fixed_accuracy<float>(1e-2, o, Layout::ColMajor, "f32 col-major");
  fixed_accuracy<float>(1e-2, o, Layout::RowMajor, "f32 row-major");
}

TEST_CASE("fixed accuracy: every sketch and normalizer meets tol 1e-2") {
  for (TestMatrixKind kind : {TestMatrixKind::Gaussian, TestMatrixKind::Rademacher, TestMatrixKind::Uniform,
                              TestMatrixKind::SparseSign, TestMatrixKind::Srht}) {
    RsvdOptions o;
    o.seed = 10;
    o.test_matrix = kind;
    fixed_accuracy<double>(1e-2, o, Layout::ColMajor, "sketch " + std::to_string(static_cast<int>(kind)));
  }
  for (Normalizer n : {Normalizer::LU, Normalizer::CholQR2, Normalizer::None}) {
    RsvdOptions o;
    o.seed = 10;
    o.normalizer = n;
    fixed_accuracy<double>(1e-2, o, Layout::ColMajor, "normalizer " + std::to_string(static_cast<int>(n)));
  }
}

TEST_CASE("fixed accuracy: not converged when max_rank is too small") {
  for (std::int64_t max_rank : {30, 35}) {  // a multiple of b, and a last block cut to 5 columns
    RsvdOptions o;
    o.tol = 1e-2;
    o.max_rank = max_rank;
    o.seed = 3;
    const auto r = rsvd<double>(dense_view(matrix().data(), kRows, kCols, Layout::ColMajor), o);
    const double exact = tol::frobenius(tol::residual(matrix(), r)) / tol::frobenius(matrix());
    const std::string label = "max_rank " + std::to_string(max_rank);
    CHECK(!r.converged && r.rank == max_rank, label + ": converged = false, rank = max_rank");
    CHECK(exact > o.tol, label + ": the error is above tol");
    CHECK_CLOSE(r.relative_error, exact, tol::error_indicator<double>() / exact, (label + ": reported error").c_str());
  }
}

TEST_CASE("fixed accuracy: wide input (Aᵀ) and the zero matrix") {
  // Aᵀ (300 x 600) has the same spectrum: the same accuracy and rank rules hold.
  RsvdOptions o;
  o.tol = 1e-2;
  o.seed = 4;
  const auto r = rsvd<double>(dense_view(matrix().data(), kCols, kRows, Layout::RowMajor), o);
  const auto At = tol::transpose(matrix(), kRows, kCols);
  const double exact = tol::frobenius(tol::residual(At, r)) / tol::frobenius(At);
  CHECK(r.converged && r.rows == kCols && r.cols == kRows, "wide: converged, shape");
  CHECK_AT_MOST(exact, o.tol, "wide: exact relative error");
  CHECK_AT_MOST(double(r.rank), (1 + tol::fixed_accuracy_rank_slack) * double(optimal_rank(spectrum(), o.tol)), "wide: rank");

  // ‖0‖_F = 0 meets any tol after the first block; the answer is one zero singular value.
  const std::vector<double> zero(50 * 20, 0.0);
  const auto z = rsvd<double>(dense_view(zero.data(), 50, 20, Layout::ColMajor), o);
  CHECK(z.converged && z.rank == 1 && z.S.size() == 1 && z.S[0] == 0.0 && z.relative_error == 0.0,
        "zero matrix: converged, rank 1, S = {0}, error 0");
}

TEST_CASE("fixed accuracy: progress bound 1 + ceil(max_rank / b)(2q + 2), trimmed to the passes run; abort") {
  const DenseOperator<double> op(dense_view(matrix().data(), kRows, kCols, Layout::ColMajor));
  AdaptiveQbOptions o;
  o.tol = 1e-1;
  o.block_size = 20;
  o.power_iters = 2;
  o.max_rank = 300;
  std::vector<std::pair<int, int>> seen;
  RunControl control;
  control.progress = [&](int done, int total) { seen.emplace_back(done, total); };
  PassCounter passes(control, 0);
  const auto f = adaptive_qb(op, o, passes);
  const int blocks = static_cast<int>(f.Q.cols / o.block_size);
  const int run = 1 + blocks * 6;
  CHECK(f.converged && blocks < 15, "converged before max_rank");
  CHECK(static_cast<int>(seen.size()) == run, "one report per pass: " + std::to_string(seen.size()) + " vs " + std::to_string(run));
  for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i].first == static_cast<int>(i) + 1, "passes counted 1, 2, ...");
  CHECK(!seen.empty() && seen.front().second == 1 + 15 * 6, "first total: the bound 1 + 15·6");
  CHECK(!seen.empty() && seen.back().first == run && seen.back().second == run, "last report: done = total");

  std::atomic<bool> cancel{false};
  RunControl abort;
  abort.cancel = &cancel;
  int reports = 0;
  abort.progress = [&](int done, int) {
    reports = done;
    if (done == 3) cancel = true;
  };
  PassCounter aborted(abort, 0);
  tol::expect_error([&] { adaptive_qb(op, o, aborted); }, ErrorCode::Aborted, "", "abort after pass 3");
  CHECK(reports == 3, "no pass after the abort");
}

TEST_MAIN()
