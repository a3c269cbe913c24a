// Dynamic Mode Decomposition (docs/algorithms/dmd.md) against analytic truth: linear maps with
// known eigenvalues (a 2 x 2 map, six non-orthogonal modes in 64 dimensions), travelling complex
// waves of known frequencies, a real signal that needs delays, the affine gradient-descent map,
// a noisy unit-circle oscillator (bias of exact DMD), a rank-5 signal under noise for the
// optimal hard threshold, the Marchenko–Pastur median against Gavish & Donoho's table, the
// optimality of the optimal amplitudes, and every input error.
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "check.hpp"
#include "randla/dmd.hpp"
#include "randla/error.hpp"
#include "randla/threads.hpp"
#include "tolerance.hpp"

using namespace randla;
namespace tol = randla::test;
using cplx = std::complex<double>;

namespace {

// Column-major n x m snapshots.
struct Snapshots {
  std::int64_t n = 0, m = 0;
  std::vector<double> data;
  double& at(std::int64_t i, std::int64_t k) { return data[static_cast<std::size_t>(i + k * n)]; }
  double at(std::int64_t i, std::int64_t k) const { return data[static_cast<std::size_t>(i + k * n)]; }
  MatrixView<const double> view() const { return {data.data(), n, m, n, Layout::ColMajor}; }
};

// x_{k+1} = A·x_k from x0 (A n x n row-major as written in the test).
Snapshots iterate(const std::vector<double>& A, const std::vector<double>& x0, std::int64_t m) {
  const auto n = static_cast<std::int64_t>(x0.size());
  Snapshots s{n, m, std::vector<double>(static_cast<std::size_t>(n * m))};
  for (std::int64_t i = 0; i < n; ++i) s.at(i, 0) = x0[static_cast<std::size_t>(i)];
  for (std::int64_t k = 1; k < m; ++k)
    for (std::int64_t i = 0; i < n; ++i) {
      double v = 0;
      for (std::int64_t j = 0; j < n; ++j) v += A[static_cast<std::size_t>(i * n + j)] * s.at(j, k - 1);
      s.at(i, k) = v;
    }
  return s;
}

// max over expected λ of the distance to the nearest computed one (counts must match).
double spectrum_error(const std::vector<cplx>& computed, const std::vector<cplx>& expected) {
  if (computed.size() != expected.size()) return INFINITY;
  double worst = 0;
  for (const cplx e : expected) {
    double best = INFINITY;
    for (const cplx c : computed) best = std::min(best, std::abs(c - e));
    worst = std::max(worst, best);
  }
  return worst;
}

// Φ·diag(b)·λᵏ, the model's snapshot k (the data space of the modes).
std::vector<cplx> model_snapshot(const DmdResult& r, double k) {
  std::vector<cplx> x(static_cast<std::size_t>(r.modes.rows));
  for (std::int64_t j = 0; j < r.modes.cols; ++j) {
    const cplx lambda = r.eigs[static_cast<std::size_t>(j)];
    const cplx c = r.amplitudes[static_cast<std::size_t>(j)] * std::pow(lambda, k);
    for (std::int64_t i = 0; i < r.modes.rows; ++i) x[static_cast<std::size_t>(i)] += r.modes(i, j) * c;
  }
  return x;
}

DmdOptions variant_options(DmdVariant v, double rank) {
  DmdOptions o;
  o.variant = v;
  o.rank = rank;
  o.oversamples = 0;
  o.seed = 7;
  return o;
}

void expect_error(ErrorCode code, const std::string& argument, const auto& fn, const std::string& what) {
  try {
    fn();
    CHECK(false, what + ": no error");
  } catch (const Error& e) {
    CHECK(e.code() == code && e.argument() == argument,
          what + ": got argument '" + e.argument() + "' (" + e.what() + ")");
  }
}

}  // namespace

TEST_CASE("2 x 2 map [[1, 1], [-1, 2]]/sqrt(3): e^(+-i pi/6) and a 200-step forecast, every variant") {
  const double s3 = std::sqrt(3.0);
  const std::vector<double> A{1 / s3, 1 / s3, -1 / s3, 2 / s3};
  const Snapshots X = iterate(A, {1.0, 0.5}, 20);
  const std::vector<cplx> truth{std::polar(1.0, -std::numbers::pi / 6), std::polar(1.0, std::numbers::pi / 6)};
  for (DmdVariant v : {DmdVariant::Exact, DmdVariant::Projected, DmdVariant::ForwardBackward,
                       DmdVariant::TotalLeastSquares, DmdVariant::Randomized}) {
    const std::string name = dmd_variant_name(v);
    const DmdResult r = dmd(X.view(), nullptr, variant_options(v, 2));
    CHECK(r.rank == 2, name + ": rank 2");
    CHECK_AT_MOST(spectrum_error(r.eigs, truth), tol::dmd_small_system_eigs<double>(), (name + ": eigenvalues").c_str());
    CHECK(r.eigs[0].imag() < 0 && r.eigs[1].imag() > 0, name + ": ordered by imaginary part");
    // Forecast: A^k·x0 for k = 20 … 219 against the model.
    Snapshots far = iterate(A, {1.0, 0.5}, 220);
    double worst = 0;
    for (std::int64_t k = 20; k < 220; ++k) {
      const std::vector<cplx> x = model_snapshot(r, static_cast<double>(k));
      for (std::int64_t i = 0; i < 2; ++i) worst = std::max(worst, std::abs(x[static_cast<std::size_t>(i)] - far.at(i, k)));
    }
    CHECK_AT_MOST(worst, tol::dmd_small_system_forecast<double>(), (name + ": 200-step forecast").c_str());
    for (double res : r.residuals) CHECK_AT_MOST(res, tol::dmd_small_system_eigs<double>(), (name + ": residual").c_str());
  }
}

TEST_CASE("64 dimensions, six non-orthogonal modes (two complex pairs, two real): eigenvalues at rank 6") {
  const std::int64_t n = 64, m = 40;
  const std::vector<cplx> lambdas{std::polar(0.97, 0.4), std::polar(0.97, -0.4), std::polar(0.9, 1.1),
                                  std::polar(0.9, -1.1), {0.8, 0}, {0.6, 0}};
  std::mt19937_64 gen(5);
  std::normal_distribution<double> normal;
  // Modes: the pairs' vectors are conjugate (real data); all six are random, so not orthogonal.
  std::vector<cplx> phi(static_cast<std::size_t>(n * 6));
  for (int j : {0, 2, 4, 5})
    for (std::int64_t i = 0; i < n; ++i) phi[static_cast<std::size_t>(i + j * n)] = {normal(gen), j < 4 ? normal(gen) : 0.0};
  for (int j : {1, 3})
    for (std::int64_t i = 0; i < n; ++i) phi[static_cast<std::size_t>(i + j * n)] = std::conj(phi[static_cast<std::size_t>(i + (j - 1) * n)]);
  const std::vector<cplx> b{{1.0, 0.5}, {1.0, -0.5}, {0.7, -0.2}, {0.7, 0.2}, {1.5, 0}, {-0.8, 0}};
  Snapshots X{n, m, std::vector<double>(static_cast<std::size_t>(n * m))};
  for (std::int64_t k = 0; k < m; ++k)
    for (std::int64_t i = 0; i < n; ++i) {
      cplx v = 0;
      for (int j = 0; j < 6; ++j)
        v += phi[static_cast<std::size_t>(i + j * n)] * b[static_cast<std::size_t>(j)] * std::pow(lambdas[static_cast<std::size_t>(j)], static_cast<double>(k));
      X.at(i, k) = v.real();
    }
  for (DmdVariant v : {DmdVariant::Exact, DmdVariant::Projected, DmdVariant::ForwardBackward,
                       DmdVariant::TotalLeastSquares, DmdVariant::Randomized}) {
    const std::string name = dmd_variant_name(v);
    DmdOptions o = variant_options(v, 6);
    o.oversamples = 4;
    const DmdResult r = dmd(X.view(), nullptr, o);
    CHECK_AT_MOST(spectrum_error(r.eigs, lambdas), tol::dmd_mode_system_eigs<double>(), (name + ": six eigenvalues").c_str());
    // Conjugate pairs of real data are exact conjugates (dgeev), and the modes of a pair too.
    for (std::size_t j = 0; j + 1 < r.eigs.size(); ++j)
      if (r.eigs[j].imag() < 0) {
        const auto partner = std::find(r.eigs.begin(), r.eigs.end(), std::conj(r.eigs[j]));
        CHECK(partner != r.eigs.end(), name + ": exact conjugate pair");
      }
  }
  // The optimal hard threshold finds the six (noise-free data: the rest is rounding).
  const DmdResult r0 = dmd(X.view(), nullptr, variant_options(DmdVariant::Exact, 0));
  CHECK(r0.rank == 6, "rank 0 keeps the six modes of noise-free data: kept " + std::to_string(r0.rank));
}

TEST_CASE("complex travelling waves: e^(2.3i dt), e^(2.8i dt); energy 0.9 keeps 2") {
  const std::int64_t n = 65, m = 129;
  const double dt = 4 * std::numbers::pi / (m - 1);
  std::vector<double> re(static_cast<std::size_t>(n * m)), im(re.size());
  for (std::int64_t k = 0; k < m; ++k)
    for (std::int64_t i = 0; i < n; ++i) {
      const double x = -5 + 10.0 * static_cast<double>(i) / (n - 1), t = dt * static_cast<double>(k);
      const cplx f = (1 / std::cosh(x + 3)) * std::exp(cplx(0, 2.3 * t)) +
                     2 * (1 / std::cosh(x)) * std::tanh(x) * std::exp(cplx(0, 2.8 * t));
      re[static_cast<std::size_t>(i + k * n)] = f.real();
      im[static_cast<std::size_t>(i + k * n)] = f.imag();
    }
  const ComplexMatrixView X{{re.data(), n, m, n, Layout::ColMajor}, {im.data(), n, m, n, Layout::ColMajor}};
  const std::vector<cplx> truth{std::exp(cplx(0, 2.3 * dt)), std::exp(cplx(0, 2.8 * dt))};
  for (DmdVariant v : {DmdVariant::Exact, DmdVariant::Projected, DmdVariant::ForwardBackward, DmdVariant::TotalLeastSquares}) {
    const DmdResult r = dmd(X, nullptr, variant_options(v, 0.9));
    CHECK(r.rank == 2, std::string(dmd_variant_name(v)) + ": energy 0.9 keeps 2, kept " + std::to_string(r.rank));
    CHECK_AT_MOST(spectrum_error(r.eigs, truth), tol::dmd_small_system_eigs<double>(), dmd_variant_name(v));
  }
  expect_error(ErrorCode::InvalidArgument, "options.variant",
               [&] { dmd(X, nullptr, variant_options(DmdVariant::Randomized, 2)); }, "randomized refuses complex");
}

TEST_CASE("real waves need delays: d = 2 recovers +-2.3i and +-2.8i (continuous time)") {
  const std::int64_t n = 65, m = 129;
  const double dt = 4 * std::numbers::pi / (m - 1);
  Snapshots X{n, m, std::vector<double>(static_cast<std::size_t>(n * m))};
  for (std::int64_t k = 0; k < m; ++k)
    for (std::int64_t i = 0; i < n; ++i) {
      const double x = -5 + 10.0 * static_cast<double>(i) / (n - 1), t = dt * static_cast<double>(k);
      X.at(i, k) = (1 / std::cosh(x + 3)) * std::cos(2.3 * t) + 2 * (1 / std::cosh(x)) * std::tanh(x) * std::sin(2.8 * t);
    }
  // Without delays only two spatial profiles exist: rank 2 cannot hold four frequencies.
  DmdOptions o = variant_options(DmdVariant::Exact, 4);
  o.delays = 2;
  const DmdResult r = dmd(X.view(), nullptr, o);
  std::vector<cplx> omega;
  for (cplx l : r.eigs) omega.push_back(std::log(l) / dt);
  const std::vector<cplx> truth{{0, -2.8}, {0, -2.3}, {0, 2.3}, {0, 2.8}};
  CHECK(r.modes.rows == 2 * n, "stacked modes: n·d rows");
  CHECK_AT_MOST(spectrum_error(omega, truth), 1e3 * tol::dmd_small_system_eigs<double>(), "continuous eigenvalues");
  // HODMD: the same through a first projection to rank 2 (the two profiles), modes lifted.
  o.has_project_rank = true;
  o.project_rank = 2;
  const DmdResult h = dmd(X.view(), nullptr, o);
  std::vector<cplx> omega_h;
  for (cplx l : h.eigs) omega_h.push_back(std::log(l) / dt);
  CHECK_AT_MOST(spectrum_error(omega_h, truth), 1e3 * tol::dmd_small_system_eigs<double>(), "HODMD continuous eigenvalues");
  CHECK(h.modes.rows == 2 * n, "HODMD modes lifted to n·d rows");
  // The two routes' models of snapshot 3 agree (their modes are normalised differently).
  double diff = 0;
  const std::vector<cplx> a = model_snapshot(r, 3), b = model_snapshot(h, 3);
  for (std::int64_t i = 0; i < 2 * n; ++i) diff = std::max(diff, std::abs(a[static_cast<std::size_t>(i)] - b[static_cast<std::size_t>(i)]));
  CHECK_AT_MOST(diff, 1e-9, "Hankel and HODMD models agree");
  for (std::int64_t i = 0; i < n; ++i) diff = std::max(diff, std::abs(a[static_cast<std::size_t>(i)].real() - X.at(i, 3)));
  CHECK_AT_MOST(diff, 1e-9, "the model reproduces snapshot 3");
}

TEST_CASE("affine gradient descent: affine and increments recover 1 - eta h_i") {
  const std::int64_t n = 8, m = 40;
  const double eta = 0.1;
  const std::vector<double> h{1, 2, 3, 4, 5, 6, 7, 8};
  std::vector<double> wstar(static_cast<std::size_t>(n)), w(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    wstar[static_cast<std::size_t>(i)] = 0.5 + 0.1 * static_cast<double>(i);
    w[static_cast<std::size_t>(i)] = std::sin(1.0 + static_cast<double>(i));
  }
  Snapshots X{n, m, std::vector<double>(static_cast<std::size_t>(n * m))};
  for (std::int64_t k = 0; k < m; ++k) {
    for (std::int64_t i = 0; i < n; ++i) X.at(i, k) = w[static_cast<std::size_t>(i)];
    for (std::int64_t i = 0; i < n; ++i)
      w[static_cast<std::size_t>(i)] -= eta * h[static_cast<std::size_t>(i)] * (w[static_cast<std::size_t>(i)] - wstar[static_cast<std::size_t>(i)]);
  }
  std::vector<cplx> truth;
  for (double hi : h) truth.push_back({1 - eta * hi, 0});
  DmdOptions o = variant_options(DmdVariant::Exact, -1);
  o.affine = true;
  const DmdResult a = dmd(X.view(), nullptr, o);
  std::vector<cplx> with_one = truth;
  with_one.push_back({1, 0});
  CHECK(a.rank == n + 1 && a.modes.rows == n, "affine: rank n + 1, modes without the constant row");
  CHECK_AT_MOST(spectrum_error(a.eigs, with_one), tol::dmd_affine_eigs<double>(), "affine eigenvalues 1 - eta h and 1");
  o.affine = false;
  o.increments = true;
  const DmdResult d = dmd(X.view(), nullptr, o);
  CHECK_AT_MOST(spectrum_error(d.eigs, truth), tol::dmd_affine_eigs<double>(), "increments: eigenvalues 1 - eta h");
  // Plain DMD has no constant term: it cannot fit the affine map exactly.
  o.increments = false;
  const DmdResult plain = dmd(X.view(), nullptr, o);
  CHECK(spectrum_error(plain.eigs, truth) > 1e-3 || plain.eigs.size() != truth.size(), "plain DMD misfits the affine map");
}

TEST_CASE("noisy unit-circle oscillator: exact DMD is biased inside, fb and tls are closer to |lambda| = 1") {
  const std::int64_t n = 2, m = 400;
  std::mt19937_64 gen(11);
  std::normal_distribution<double> noise(0.0, 0.1);
  double mean[3] = {0, 0, 0};
  const int trials = 20;
  for (int trial = 0; trial < trials; ++trial) {
    Snapshots X{n, m, std::vector<double>(static_cast<std::size_t>(n * m))};
    for (std::int64_t k = 0; k < m; ++k) {
      X.at(0, k) = std::cos(0.3 * static_cast<double>(k)) + noise(gen);
      X.at(1, k) = std::sin(0.3 * static_cast<double>(k)) + noise(gen);
    }
    int c = 0;
    for (DmdVariant v : {DmdVariant::Exact, DmdVariant::ForwardBackward, DmdVariant::TotalLeastSquares}) {
      const DmdResult r = dmd(X.view(), nullptr, variant_options(v, 2));
      mean[c++] += 0.5 * (std::abs(r.eigs[0]) + std::abs(r.eigs[1])) / trials;
    }
  }
  std::printf("  mean |lambda|: exact %.5f, fb %.5f, tls %.5f\n", mean[0], mean[1], mean[2]);
  CHECK(mean[0] < 1 - 1e-3, "exact DMD is biased below 1");
  CHECK(std::abs(1 - mean[1]) < 0.25 * std::abs(1 - mean[0]), "fb removes most of the bias");
  CHECK(std::abs(1 - mean[2]) < 0.25 * std::abs(1 - mean[0]), "tls removes most of the bias");
}

TEST_CASE("randomized against exact: low rank to rounding, low rank plus noise to 1e-6 with q = 2") {
  const std::int64_t n = 2000, m = 60;
  std::mt19937_64 gen(3);
  std::normal_distribution<double> normal;
  // Six modes with distinct real and complex eigenvalues, as above but 2000-dimensional.
  const std::vector<cplx> lambdas{std::polar(0.99, 0.2), std::polar(0.99, -0.2), std::polar(0.95, 0.7),
                                  std::polar(0.95, -0.7), {0.9, 0}, {0.7, 0}};
  std::vector<cplx> phi(static_cast<std::size_t>(n * 6));
  for (int j : {0, 2, 4, 5})
    for (std::int64_t i = 0; i < n; ++i) phi[static_cast<std::size_t>(i + j * n)] = {normal(gen), j < 4 ? normal(gen) : 0.0};
  for (int j : {1, 3})
    for (std::int64_t i = 0; i < n; ++i) phi[static_cast<std::size_t>(i + j * n)] = std::conj(phi[static_cast<std::size_t>(i + (j - 1) * n)]);
  Snapshots X{n, m, std::vector<double>(static_cast<std::size_t>(n * m))};
  for (std::int64_t k = 0; k < m; ++k)
    for (std::int64_t i = 0; i < n; ++i) {
      cplx v = 0;
      for (int j = 0; j < 6; ++j) v += phi[static_cast<std::size_t>(i + j * n)] * std::pow(lambdas[static_cast<std::size_t>(j)], static_cast<double>(k));
      X.at(i, k) = v.real();
    }
  DmdOptions o = variant_options(DmdVariant::Randomized, 6);
  o.oversamples = 10;
  const DmdResult exact = dmd(X.view(), nullptr, variant_options(DmdVariant::Exact, 6));
  const DmdResult randomized = dmd(X.view(), nullptr, o);
  CHECK_AT_MOST(spectrum_error(randomized.eigs, exact.eigs), tol::dmd_randomized_low_rank<double>(), "low rank");
  std::normal_distribution<double> noise(0.0, 1e-3);
  Snapshots noisy = X;
  for (double& v : noisy.data) v += noise(gen);
  o.power_iters = 2;
  const DmdResult en = dmd(noisy.view(), nullptr, variant_options(DmdVariant::Exact, 6));
  const DmdResult rn = dmd(noisy.view(), nullptr, o);
  CHECK_AT_MOST(spectrum_error(rn.eigs, en.eigs), tol::dmd_randomized_noisy, "low rank plus noise, q = 2");
  CHECK(rn.singular_values.size() == 16, "randomized reports the l = r + p singular values of B₁");
}

TEST_CASE("optimal hard threshold: rank 5 under noise (300 x 100); Marchenko-Pastur median and omega") {
  const std::int64_t n = 300, m = 100;
  std::mt19937_64 gen(21);
  std::normal_distribution<double> normal;
  std::vector<double> L(static_cast<std::size_t>(n * 5)), R(static_cast<std::size_t>(5 * m));
  for (double& v : L) v = normal(gen);
  for (double& v : R) v = normal(gen);
  Snapshots X{n, m, std::vector<double>(static_cast<std::size_t>(n * m))};
  for (std::int64_t k = 0; k < m; ++k)
    for (std::int64_t i = 0; i < n; ++i) {
      double v = 0;
      for (int j = 0; j < 5; ++j) v += L[static_cast<std::size_t>(i + j * n)] * R[static_cast<std::size_t>(j + k * 5)];
      X.at(i, k) = v + 0.5 * normal(gen);
    }
  for (DmdThreshold th : {DmdThreshold::Exact, DmdThreshold::Cubic}) {
    DmdOptions o = variant_options(DmdVariant::Exact, 0);
    o.threshold = th;
    const DmdResult r = dmd(X.view(), nullptr, o);
    CHECK(r.rank == 5, std::string("rank 0 keeps 5, kept ") + std::to_string(r.rank));
    CHECK(r.singular_values.size() == static_cast<std::size_t>(m - 1), "all singular values of X₁");
  }
  // Gavish & Donoho's ω(1) = 2.858 (their Table/eq. (5) with μ₁ ≈ 0.6528); the cubic within 0.02.
  CHECK_CLOSE(marchenko_pastur_median(1.0), 0.652775941633573, 1e-10, "Marchenko-Pastur median at beta = 1");
  CHECK_CLOSE(optimal_threshold_coefficient(1.0, DmdThreshold::Exact), 2.858, 5e-4, "omega(1)");
  double previous = 0;
  for (double beta = 0.05; beta <= 1.0; beta += 0.05) {
    const double w = optimal_threshold_coefficient(beta, DmdThreshold::Exact);
    CHECK_CLOSE(w, optimal_threshold_coefficient(beta, DmdThreshold::Cubic), 0.02, "omega(beta) vs the cubic");
    CHECK(w > previous, "omega increases with beta");
    previous = w;
  }
}

TEST_CASE("amplitudes: 'optimal' minimises the Frobenius residual over all snapshots of complex data") {
  const std::int64_t n = 65, m = 60;
  const double dt = 0.1;
  std::vector<double> re(static_cast<std::size_t>(n * m)), im(re.size());
  std::mt19937_64 gen(2);
  std::normal_distribution<double> noise(0.0, 0.05);
  for (std::int64_t k = 0; k < m; ++k)
    for (std::int64_t i = 0; i < n; ++i) {
      const double x = -5 + 10.0 * static_cast<double>(i) / (n - 1), t = dt * static_cast<double>(k);
      const cplx f = (1 / std::cosh(x + 3)) * std::exp(cplx(-0.1, 2.3) * t) + 2 * (1 / std::cosh(x)) * std::tanh(x) * std::exp(cplx(0.05, 2.8) * t);
      re[static_cast<std::size_t>(i + k * n)] = f.real() + noise(gen);
      im[static_cast<std::size_t>(i + k * n)] = f.imag() + noise(gen);
    }
  const ComplexMatrixView X{{re.data(), n, m, n, Layout::ColMajor}, {im.data(), n, m, n, Layout::ColMajor}};
  DmdOptions o = variant_options(DmdVariant::Exact, 2);
  o.amplitudes = DmdAmplitudes::Optimal;
  const DmdResult r = dmd(X, nullptr, o);
  // Residual R = X − Φ·diag(b)·V_λ; the minimiser satisfies diag(Φᴴ·R·V_λᴴ) = 0.
  const auto residual_of = [&](const std::vector<cplx>& b, std::vector<cplx>& gradient) {
    double ss = 0;
    gradient.assign(2, 0);
    for (std::int64_t k = 0; k < m; ++k)
      for (std::int64_t i = 0; i < n; ++i) {
        cplx model = 0;
        for (int j = 0; j < 2; ++j) model += r.modes(i, j) * b[static_cast<std::size_t>(j)] * std::pow(r.eigs[static_cast<std::size_t>(j)], static_cast<double>(k));
        const cplx res = cplx(re[static_cast<std::size_t>(i + k * n)], im[static_cast<std::size_t>(i + k * n)]) - model;
        ss += std::norm(res);
        for (int j = 0; j < 2; ++j)
          gradient[static_cast<std::size_t>(j)] += std::conj(r.modes(i, j)) * res * std::conj(std::pow(r.eigs[static_cast<std::size_t>(j)], static_cast<double>(k)));
      }
    return ss;
  };
  std::vector<cplx> g;
  const double best = residual_of(r.amplitudes, g);
  CHECK_AT_MOST(std::abs(g[0]) + std::abs(g[1]), 1e-9 * best, "normal equations hold at the optimal amplitudes");
  // Nudging b in any direction increases the residual; so does conjugating the amplitudes
  // (complex data: the minimiser is not its own conjugate).
  for (int j = 0; j < 2; ++j)
    for (const cplx step : {cplx(1e-3, 0), cplx(0, 1e-3)}) {
      std::vector<cplx> b = r.amplitudes;
      b[static_cast<std::size_t>(j)] += step;
      CHECK(residual_of(b, g) > best, "a nudged b fits worse");
    }
  std::vector<cplx> conjugated = r.amplitudes;
  for (cplx& v : conjugated) v = std::conj(v);
  CHECK(residual_of(conjugated, g) > 1.01 * best, "conjugated amplitudes fit worse");
}

TEST_CASE("fb: equals exact on noise-free data and keeps the sign of an eigenvalue with Re < 0") {
  const double c = std::cos(2.5), s = std::sin(2.5);
  const std::vector<double> A{0.98 * c, -0.98 * s, 0.98 * s, 0.98 * c};
  const Snapshots X = iterate(A, {1.0, 0.3}, 30);
  const DmdResult fb = dmd(X.view(), nullptr, variant_options(DmdVariant::ForwardBackward, 2));
  const DmdResult ex = dmd(X.view(), nullptr, variant_options(DmdVariant::Exact, 2));
  const std::vector<cplx> truth{std::polar(0.98, -2.5), std::polar(0.98, 2.5)};
  CHECK_AT_MOST(spectrum_error(fb.eigs, truth), tol::dmd_small_system_eigs<double>(), "fb eigenvalues with Re < 0");
  CHECK_AT_MOST(spectrum_error(fb.eigs, ex.eigs), tol::dmd_small_system_eigs<double>(), "fb = exact on noise-free data");
}

TEST_CASE("eigenvector normalisation, explicit pairs, f32 input, progress") {
  const double s3 = std::sqrt(3.0);
  const std::vector<double> A{1 / s3, 1 / s3, -1 / s3, 2 / s3};
  const Snapshots X = iterate(A, {1.0, 0.5}, 12);
  const DmdResult r = dmd(X.view(), nullptr, variant_options(DmdVariant::Projected, 2));
  for (std::int64_t j = 0; j < 2; ++j) {
    // Projected modes U·w, with U orthonormal and w unit, are unit vectors.
    double norm = 0;
    for (std::int64_t i = 0; i < 2; ++i) norm += std::norm(r.modes(i, j));
    CHECK_CLOSE(norm, 1.0, 1e-14, "projected modes have unit norm");
  }
  // Explicit pairs (X₁, X₂) give the sequence's answer.
  Snapshots X1{2, 11, std::vector<double>(X.data.begin(), X.data.begin() + 22)};
  Snapshots X2{2, 11, std::vector<double>(X.data.begin() + 2, X.data.end())};
  const MatrixView<const double> yv = X2.view();
  const DmdResult pairs = dmd(X1.view(), &yv, variant_options(DmdVariant::Exact, 2));
  const DmdResult seq = dmd(X.view(), nullptr, variant_options(DmdVariant::Exact, 2));
  CHECK_AT_MOST(spectrum_error(pairs.eigs, seq.eigs), tol::dmd_small_system_eigs<double>(), "explicit pairs");
  // f32 input is read exactly: the same as its f64 copy.
  std::vector<float> xf(X.data.begin(), X.data.end());
  std::vector<double> xd(xf.begin(), xf.end());
  const DmdResult rf = dmd(MatrixView<const float>{xf.data(), 2, 12, 2, Layout::ColMajor}, nullptr, variant_options(DmdVariant::Exact, 2));
  const DmdResult rd = dmd(MatrixView<const double>{xd.data(), 2, 12, 2, Layout::ColMajor}, nullptr, variant_options(DmdVariant::Exact, 2));
  CHECK(rf.eigs == rd.eigs, "f32 read exactly");
  // Row-major input of the same matrix: the same eigenvalues.
  std::vector<double> row(24);
  for (int k = 0; k < 12; ++k)
    for (int i = 0; i < 2; ++i) row[static_cast<std::size_t>(i * 12 + k)] = X.at(i, k);
  const DmdResult rr = dmd(MatrixView<const double>{row.data(), 2, 12, 12, Layout::RowMajor}, nullptr, variant_options(DmdVariant::Exact, 2));
  CHECK(rr.eigs == seq.eigs, "row-major input: the same bits as col-major");
  int reports = 0;
  RunControl control;
  control.progress = [&](int, int) { ++reports; };
  (void)dmd(X.view(), nullptr, variant_options(DmdVariant::Exact, 2), control);
  CHECK(reports == 3, "three progress reports");
}

// The weighted batch least-squares operator Y·W·Xᵀ·(X·W·Xᵀ)⁻¹ of pairs [first, last), by the
// normal equations solved independently (Gaussian elimination with partial pivoting, in long double).
std::vector<double> batch_operator(const Snapshots& X, const Snapshots& Y, std::int64_t first, std::int64_t last, double rho) {
  const std::int64_t n = X.n;
  std::vector<long double> G(static_cast<std::size_t>(n * n)), C(static_cast<std::size_t>(n * n));
  for (std::int64_t k = first; k < last; ++k) {
    const long double w = std::pow(static_cast<long double>(rho), static_cast<long double>(last - 1 - k));
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < n; ++j) {
        G[static_cast<std::size_t>(i * n + j)] += w * X.at(i, k) * X.at(j, k);
        C[static_cast<std::size_t>(i * n + j)] += w * Y.at(i, k) * X.at(j, k);
      }
  }
  // A·G = C  ⇔  G·Aᵀ = Cᵀ (G symmetric): solve for each row of A.
  std::vector<double> A(static_cast<std::size_t>(n * n));
  for (std::int64_t row = 0; row < n; ++row) {
    std::vector<long double> M(G), rhs(static_cast<std::size_t>(n));
    for (std::int64_t j = 0; j < n; ++j) rhs[static_cast<std::size_t>(j)] = C[static_cast<std::size_t>(row * n + j)];
    for (std::int64_t c = 0; c < n; ++c) {
      std::int64_t p = c;
      for (std::int64_t i = c + 1; i < n; ++i)
        if (std::abs(M[static_cast<std::size_t>(i * n + c)]) > std::abs(M[static_cast<std::size_t>(p * n + c)])) p = i;
      for (std::int64_t j = 0; j < n; ++j) std::swap(M[static_cast<std::size_t>(c * n + j)], M[static_cast<std::size_t>(p * n + j)]);
      std::swap(rhs[static_cast<std::size_t>(c)], rhs[static_cast<std::size_t>(p)]);
      for (std::int64_t i = c + 1; i < n; ++i) {
        const long double f = M[static_cast<std::size_t>(i * n + c)] / M[static_cast<std::size_t>(c * n + c)];
        for (std::int64_t j = c; j < n; ++j) M[static_cast<std::size_t>(i * n + j)] -= f * M[static_cast<std::size_t>(c * n + j)];
        rhs[static_cast<std::size_t>(i)] -= f * rhs[static_cast<std::size_t>(c)];
      }
    }
    for (std::int64_t c = n - 1; c >= 0; --c) {
      long double v = rhs[static_cast<std::size_t>(c)];
      for (std::int64_t j = c + 1; j < n; ++j) v -= M[static_cast<std::size_t>(c * n + j)] * static_cast<long double>(A[static_cast<std::size_t>(row + j * n)]);
      A[static_cast<std::size_t>(row + c * n)] = static_cast<double>(v / M[static_cast<std::size_t>(c * n + c)]);
    }
  }
  return A;  // col-major
}

double relative_difference(const DenseMatrix<double>& A, const std::vector<double>& B) {
  double diff = 0, norm = 0;
  for (std::size_t i = 0; i < B.size(); ++i) {
    diff = std::max(diff, std::abs(A.data[i] - B[i]));
    norm = std::max(norm, std::abs(B[i]));
  }
  return diff / norm;
}

TEST_CASE("OnlineDmd equals the weighted batch operator after every update; WindowDmd the window's fit") {
  const std::int64_t n = 6, m = 60;
  std::mt19937_64 gen(17);
  std::normal_distribution<double> normal;
  Snapshots X{n, m, std::vector<double>(static_cast<std::size_t>(n * m))}, Y = X;
  for (double& v : X.data) v = normal(gen);
  for (double& v : Y.data) v = normal(gen);
  for (double rho : {1.0, 0.9}) {
    OnlineDmd online(n, rho);
    double worst = 0;
    for (std::int64_t k = 0; k < m; ++k) {
      std::vector<double> x(static_cast<std::size_t>(n)), y(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i) {
        x[static_cast<std::size_t>(i)] = X.at(i, k);
        y[static_cast<std::size_t>(i)] = Y.at(i, k);
      }
      online.update(x.data(), y.data());
      CHECK(online.ready() == (k + 1 >= n), "ready once n independent pairs arrived");
      if (online.ready()) worst = std::max(worst, relative_difference(online.op(), batch_operator(X, Y, 0, k + 1, rho)));
    }
    std::printf("  online (rho = %g): largest relative difference from the batch fit %.3g\n", rho, worst);
    CHECK_AT_MOST(worst, tol::dmd_online_batch<double>(), "online = weighted batch after every update");
  }
  OnlineDmd early(n);
  std::vector<double> x0(static_cast<std::size_t>(n), 1.0);
  early.update(x0.data(), x0.data());
  expect_error(ErrorCode::InvalidArgument, "pairs", [&] { (void)early.op(); }, "operator before n pairs");
  x0[2] = NAN;
  expect_error(ErrorCode::NotFinite, "x", [&] { early.update(x0.data(), x0.data()); }, "NaN pair");
  expect_error(ErrorCode::InvalidArgument, "options.weighting", [&] { OnlineDmd bad(n, 1.5); }, "weighting > 1");

  const std::int64_t w = 10;
  WindowDmd window(n, w);
  double worst = 0;
  for (std::int64_t k = 0; k < m; ++k) {
    std::vector<double> x(static_cast<std::size_t>(n)), y(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
      x[static_cast<std::size_t>(i)] = X.at(i, k);
      y[static_cast<std::size_t>(i)] = Y.at(i, k);
    }
    window.update(x.data(), y.data());
    if (window.ready()) worst = std::max(worst, relative_difference(window.op(), batch_operator(X, Y, k + 1 - w, k + 1, 1.0)));
  }
  std::printf("  window (w = 10): largest relative difference from the batch fit %.3g\n", worst);
  CHECK_AT_MOST(worst, tol::dmd_window_batch<double>(), "window = batch fit over the last w pairs");
  expect_error(ErrorCode::InvalidArgument, "options.window", [&] { WindowDmd bad(n, n - 1); }, "window < n");
}

TEST_CASE("dmdBatch equals a loop of single-threaded dmd calls, bit for bit, on 1 and 2 threads") {
  const std::int64_t groups = 200, n = 8, m = 12;
  std::mt19937_64 gen(23);
  std::normal_distribution<double> normal;
  std::vector<Snapshots> data;
  std::vector<MatrixView<const double>> views;
  for (std::int64_t g = 0; g < groups; ++g) {
    // A random stable linear map per group.
    std::vector<double> A(static_cast<std::size_t>(n * n)), x0(static_cast<std::size_t>(n));
    for (double& v : A) v = 0.3 * normal(gen);
    for (double& v : x0) v = normal(gen);
    data.push_back(iterate(A, x0, m));
  }
  for (const Snapshots& s : data) views.push_back(s.view());
  const DmdOptions o = variant_options(DmdVariant::Exact, 0);
  const int before = threads();
  set_threads(1);
  const std::vector<DmdResult> one = dmd_batch(views, o);
  // Lone calls with single-threaded BLAS (a threaded LAPACK factorization may round differently).
  std::vector<DmdResult> lones;
  for (const auto& v : views) lones.push_back(dmd(v, nullptr, o));
  set_threads(2);
  const std::vector<DmdResult> two = dmd_batch(views, o);
  set_threads(before);
  bool same = true;
  for (std::int64_t g = 0; g < groups; ++g) {
    const DmdResult& lone = lones[static_cast<std::size_t>(g)];
    same = same && one[static_cast<std::size_t>(g)].eigs == lone.eigs && two[static_cast<std::size_t>(g)].eigs == lone.eigs &&
           two[static_cast<std::size_t>(g)].modes.data == lone.modes.data &&
           two[static_cast<std::size_t>(g)].amplitudes == lone.amplitudes;
  }
  CHECK(same, "every group: the lone call's eigs, modes and amplitudes");
  std::vector<MatrixView<const double>> bad = views;
  Snapshots nan = data[3];
  nan.at(0, 0) = NAN;
  bad[3] = nan.view();
  expect_error(ErrorCode::NotFinite, "groups[3]", [&] { dmd_batch(bad, o); }, "a bad group is named");
}

TEST_CASE("bad input names the argument") {
  const double s3 = std::sqrt(3.0);
  const Snapshots X = iterate({1 / s3, 1 / s3, -1 / s3, 2 / s3}, {1.0, 0.5}, 10);
  const auto run = [&](DmdOptions o) { return dmd(X.view(), nullptr, o); };
  DmdOptions o = variant_options(DmdVariant::Exact, 2);
  Snapshots one{2, 1, {1.0, 2.0}};
  expect_error(ErrorCode::Shape, "X", [&] { dmd(one.view(), nullptr, o); }, "one snapshot");
  Snapshots two{2, 2, {1.0, 2.0, 3.0, 4.0}};
  DmdOptions inc = o;
  inc.increments = true;
  expect_error(ErrorCode::Shape, "X", [&] { dmd(two.view(), nullptr, inc); }, "increments need three snapshots");
  for (double bad : {-2.0, 1.5, -0.5, double(NAN), double(INFINITY)}) {
    DmdOptions b = o;
    b.rank = bad;
    expect_error(ErrorCode::InvalidArgument, "options.rank", [&] { run(b); }, "rank " + std::to_string(bad));
  }
  for (std::int64_t d : {std::int64_t{0}, std::int64_t{10}, std::int64_t{11}}) {
    DmdOptions b = o;
    b.delays = d;
    expect_error(ErrorCode::InvalidArgument, "options.delays", [&] { run(b); }, "delays " + std::to_string(d));
  }
  DmdOptions both = o;
  both.affine = true;
  both.increments = true;
  expect_error(ErrorCode::InvalidArgument, "options.increments", [&] { run(both); }, "affine and increments");
  DmdOptions rr = variant_options(DmdVariant::Randomized, 0);
  expect_error(ErrorCode::InvalidArgument, "options.rank", [&] { run(rr); }, "randomized needs an integer rank");
  Snapshots wrong{2, 9, std::vector<double>(18, 1.0)};
  const MatrixView<const double> wv = wrong.view();
  expect_error(ErrorCode::Shape, "options.Y", [&] { dmd(X.view(), &wv, o); }, "mismatched Y");
  Snapshots nan = X;
  nan.at(1, 4) = NAN;
  expect_error(ErrorCode::NotFinite, "X", [&] { dmd(nan.view(), nullptr, o); }, "NaN");
  DmdOptions pr = o;
  pr.delays = 2;
  pr.has_project_rank = true;
  pr.project_rank = 2.5;
  expect_error(ErrorCode::InvalidArgument, "options.projectRank", [&] { run(pr); }, "projectRank");
}

TEST_MAIN()
