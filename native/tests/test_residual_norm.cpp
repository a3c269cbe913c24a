// The a posteriori error estimate ‖A − UΣVᵀ‖₂ (block power method on the residual) against the
// exact spectral norm of the dense residual (LAPACK gesdd), on the residual spectra it must
// handle with the default iterations: flat (a low-rank matrix plus Gaussian noise), polynomial
// and exponential decay; both layouts, wide and tall, centered, f32.
#include <algorithm>
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

// Rank 10 (σ = 10/i) plus 0.1·G, G Gaussian from its own stream: after a rank-10 SVD the residual
// is the noise, whose top singular values crowd together (Marchenko–Pastur edge): the slowest
// case for a power method.
std::vector<double> low_rank_plus_noise(std::int64_t m, std::int64_t n) {
  std::vector<double> sigma(10);
  for (std::size_t i = 0; i < sigma.size(); ++i) sigma[i] = 10.0 / double(i + 1);
  auto A = tol::with_spectrum(m, n, sigma, 81, 82);
  std::vector<double> noise(A.size());
  fill_test_matrix(dense_view(noise.data(), m, n, Layout::ColMajor), TestMatrixKind::Gaussian, 83, Stream::RangeFinder);
  for (std::size_t i = 0; i < A.size(); ++i) A[i] += 0.1 * noise[i];
  return A;
}

// rsvd with estimate_error (default iterations) against the exact ‖A − UΣVᵀ‖₂ of its own factors.
template <class T>
void estimate_within_bounds(const std::vector<double>& colmajor, std::int64_t m, std::int64_t n, std::int64_t k,
                            Layout layout, bool center, std::uint64_t seed, const std::string& what) {
  const auto data = tol::stored<T>(colmajor, m, n, layout);
  auto A = tol::given(data, m, n, layout);
  RsvdOptions o;
  o.rank = k;
  o.seed = seed;
  o.center = center;
  o.estimate_error = true;
  const auto r = rsvd<T>(dense_view(data.data(), m, n, layout), o);
  if (center)
    for (std::int64_t j = 0; j < n; ++j)
      for (std::int64_t i = 0; i < m; ++i) A[static_cast<std::size_t>(i + j * m)] -= r.mean[static_cast<std::size_t>(j)];
  const double norm_a = tol::spectral_norm(A, m, n);
  const double truth = tol::spectral_norm(tol::residual(A, r), m, n);
  const std::string label = what + (sizeof(T) == 4 ? ", f32" : ", f64") +
                            (layout == Layout::ColMajor ? ", col-major" : ", row-major") + ", seed " + std::to_string(seed);
  CHECK(r.spectral_error >= tol::residual_estimate_floor * truth,
        label + ": estimate / exact ‖R‖₂ = " + std::to_string(r.spectral_error / truth) + " >= " +
            std::to_string(tol::residual_estimate_floor));
  CHECK_AT_MOST(r.spectral_error, truth + tol::residual_estimate_excess<T>() * norm_a,
                (label + ": estimate <= exact ‖R‖₂ + rounding").c_str());
}

}  // namespace

TEST_CASE("estimate_error on a flat (noise) residual spectrum: tall, wide, both layouts") {
  const auto A = low_rank_plus_noise(600, 250);
  for (std::uint64_t seed : {1u, 2u, 3u}) estimate_within_bounds<double>(A, 600, 250, 10, Layout::ColMajor, false, seed, "noise 600 x 250");
  estimate_within_bounds<double>(tol::transpose(A, 600, 250), 250, 600, 10, Layout::RowMajor, false, 4, "noise 250 x 600 (wide)");
  estimate_within_bounds<double>(A, 600, 250, 10, Layout::RowMajor, false, 5, "noise 600 x 250");
  estimate_within_bounds<float>(A, 600, 250, 10, Layout::ColMajor, false, 6, "noise 600 x 250");
}

TEST_CASE("estimate_error on polynomial and exponential decay") {
  const std::int64_t m = 600, n = 250;
  const auto poly = tol::with_spectrum(m, n, tol::polynomial_decay(n, 1));
  const auto expo = tol::with_spectrum(m, n, tol::exponential_decay(n, 0.1));
  for (std::uint64_t seed : {1u, 2u}) {
    estimate_within_bounds<double>(poly, m, n, 20, Layout::ColMajor, false, seed, "i^-1, k = 20");
    estimate_within_bounds<double>(expo, m, n, 15, Layout::ColMajor, false, seed, "e^-0.1(i-1), k = 15");
  }
  estimate_within_bounds<double>(tol::transpose(poly, m, n), n, m, 20, Layout::RowMajor, false, 3, "i^-1, k = 20, wide");
  estimate_within_bounds<float>(expo, m, n, 15, Layout::RowMajor, false, 3, "e^-0.1(i-1), k = 15");
}

TEST_CASE("estimate_error of the centered matrix (two passes per iteration, not fused)") {
  auto A = tol::with_spectrum(400, 150, tol::polynomial_decay(150, 1));
  for (std::int64_t j = 0; j < 150; ++j)
    for (std::int64_t i = 0; i < 400; ++i) A[static_cast<std::size_t>(i + j * 400)] += 1.0 + 0.01 * double(j);
  estimate_within_bounds<double>(A, 400, 150, 10, Layout::ColMajor, true, 1, "centered i^-1");
  estimate_within_bounds<double>(tol::transpose(A, 400, 150), 150, 400, 10, Layout::RowMajor, true, 2, "centered i^-1, wide");
}

TEST_CASE("residual_norm with no factors estimates ‖A‖₂; with exact factors, ~0; passes per iteration") {
  const std::int64_t m = 300, n = 120;
  const auto sigma = tol::polynomial_decay(n, 1);  // ‖A‖₂ = 1
  const auto A = tol::with_spectrum(m, n, sigma);
  const DenseOperator<double> op(dense_view(A.data(), m, n, Layout::ColMajor));
  ResidualNormOptions o;
  o.seed = 3;
  std::vector<int> seen;
  RunControl control;
  control.progress = [&](int done, int) { seen.push_back(done); };
  PassCounter passes(control, 0);
  const double norm = residual_norm(op, DenseMatrix<double>(m, 0), {}, DenseMatrix<double>(n, 0), o, passes);
  CHECK(norm >= tol::residual_estimate_floor && norm <= 1 + tol::residual_estimate_excess<double>(),
        "k = 0: estimate of ‖A‖₂ = 1 in [0.9, 1 + rounding]: " + std::to_string(norm));
  CHECK(static_cast<std::int64_t>(seen.size()) == o.iters && seen.back() == o.iters, "one fused pass per iteration");

  // A = U diag(σ) Vᵀ exactly: the residual is rounding.
  const auto U = tol::orthonormal_basis(m, n, 1001), V = tol::orthonormal_basis(n, n, 2002);
  DenseMatrix<double> u(m, n), v(n, n);
  std::copy(U.begin(), U.end(), u.data.begin());
  std::copy(V.begin(), V.end(), v.data.begin());
  PassCounter more(control, 0);
  const double zero = residual_norm(op, u, sigma, v, o, more);
  CHECK_AT_MOST(zero, tol::residual_estimate_excess<double>(), "exact factors: estimate of ‖R‖₂ ≈ 0");

  const CenteredOperator<double> centered(op, std::vector<double>(static_cast<std::size_t>(n), 0.0));
  seen.clear();
  PassCounter twice(control, 0);
  residual_norm(centered, DenseMatrix<double>(m, 0), {}, DenseMatrix<double>(n, 0), o, twice);
  CHECK(!seen.empty() && seen.back() == 2 * o.iters, "centered: two passes per iteration");
}

TEST_CASE("residual_norm preconditions; the default iterations agree in both option structs") {
  CHECK(ResidualNormOptions{}.iters == RsvdOptions{}.error_iters, "one default for the iterations");
  const std::vector<double> A(20 * 10, 1.0);
  const DenseOperator<double> op(dense_view(A.data(), 20, 10, Layout::ColMajor));
  RunControl control;
  PassCounter passes(control, 0);
  ResidualNormOptions o;
  o.iters = 0;
  tol::expect_error([&] { residual_norm(op, DenseMatrix<double>(20, 0), {}, DenseMatrix<double>(10, 0), o, passes); },
                    ErrorCode::InvalidArgument, "error_iters", "iters = 0");
  o = ResidualNormOptions{};
  tol::expect_error([&] { residual_norm(op, DenseMatrix<double>(20, 2), {1.0, 0.5}, DenseMatrix<double>(9, 2), o, passes); },
                    ErrorCode::Shape, "U", "V with the wrong rows");
}

TEST_MAIN()
