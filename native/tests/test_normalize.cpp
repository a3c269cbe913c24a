// The normalizers between power iterations (docs/algorithms/rsvd.md): CholeskyQR2 against
// Householder QR on well and ill conditioned blocks (shifted CholeskyQR3 path) and on exactly
// rank-deficient ones (Householder fallback): orthonormal columns that span range(Y). LU's P·L
// against its defining properties. Truth: the block's own range, measured in f64.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "check.hpp"
#include "known_spectrum.hpp"
#include "randla/rsvd.hpp"
#include "randla/threads.hpp"
#include "tolerance.hpp"

using namespace randla;
namespace tol = randla::test;

namespace {

// Y (m x l) = U·diag(σ)·Vᵀ with σ from 1 down to 1/κ geometrically, optionally with exact zeros
// beyond `rank` (an exactly rank-deficient block), in T.
template <class T>
DenseMatrix<T> block(std::int64_t m, std::int64_t l, double kappa, std::int64_t rank, std::uint64_t seed) {
  std::vector<double> sigma(static_cast<std::size_t>(l), 0.0);
  for (std::int64_t j = 0; j < rank; ++j)
    sigma[static_cast<std::size_t>(j)] = std::pow(kappa, -double(j) / double(std::max<std::int64_t>(1, rank - 1)));
  const auto y = tol::with_spectrum(m, l, sigma, seed, seed + 1);
  DenseMatrix<T> Y(m, l);
  for (std::size_t i = 0; i < y.size(); ++i) Y.data[i] = static_cast<T>(y[i]);
  return Y;
}

// ‖Y − Q·QᵀY‖_F / ‖Y‖_F in f64: how much of range(Y) the columns of Q miss.
template <class T>
double range_miss(const DenseMatrix<T>& Y, const DenseMatrix<T>& Q) {
  double miss = 0, total = 0;
  std::vector<double> c(static_cast<std::size_t>(Q.cols));
  for (std::int64_t j = 0; j < Y.cols; ++j) {
    for (std::int64_t a = 0; a < Q.cols; ++a) {
      double s = 0;
      for (std::int64_t i = 0; i < Y.rows; ++i) s += double(Q(i, a)) * double(Y(i, j));
      c[static_cast<std::size_t>(a)] = s;
    }
    for (std::int64_t i = 0; i < Y.rows; ++i) {
      double r = double(Y(i, j));
      for (std::int64_t a = 0; a < Q.cols; ++a) r -= double(Q(i, a)) * c[static_cast<std::size_t>(a)];
      miss += r * r;
      total += double(Y(i, j)) * double(Y(i, j));
    }
  }
  return total > 0 ? std::sqrt(miss / total) : 0.0;
}

template <class T>
void orthonormal_basis_of(const DenseMatrix<T>& Y, Normalizer normalizer, const std::string& what) {
  DenseMatrix<T> Q = Y;
  normalize(Q, normalizer);
  CHECK(Q.rows == Y.rows && Q.cols == Y.cols, what + ": shape kept");
  CHECK_AT_MOST(tol::orthonormality_error(Q), tol::orthonormality<T>(), (what + ": ‖QᵀQ − I‖_max").c_str());
  CHECK_AT_MOST(range_miss(Y, Q), tol::range_loss<T>(), (what + ": ‖Y − QQᵀY‖_F / ‖Y‖_F").c_str());
}

template <class T>
std::string name(const char* what, std::int64_t m, std::int64_t l) {
  return std::string(what) + " " + std::to_string(m) + " x " + std::to_string(l) + (sizeof(T) == 4 ? " f32" : " f64");
}

template <class T>
void cholqr2_cases() {
  // κ within CholeskyQR2's reach (≲ u^(−1/2)): the plain two steps.
  const double reachable = sizeof(T) == 8 ? 1e6 : 1e2;
  // 5000 rows: the Gram matrix is summed over several row blocks (normalize.cpp, kGramRows).
  for (auto [m, l] : {std::pair<std::int64_t, std::int64_t>{2000, 30}, {5000, 30}, {300, 40}, {64, 64}}) {
    for (Normalizer n : {Normalizer::CholQR2, Normalizer::QR}) {
      const char* label = n == Normalizer::QR ? "qr" : "cholqr2";
      orthonormal_basis_of(block<T>(m, l, 10, l, 5), n, name<T>(label, m, l) + ", κ = 10");
      orthonormal_basis_of(block<T>(m, l, reachable, l, 6), n, name<T>(label, m, l) + ", κ ≲ u^-1/2");
    }
  }
  // κ far beyond u^(−1/2): the first Gram matrix is not numerically positive definite, the shifted
  // CholeskyQR3 of Fukaya et al. takes over.
  const double beyond = sizeof(T) == 8 ? 1e12 : 1e6;
  orthonormal_basis_of(block<T>(1000, 30, beyond, 30, 7), Normalizer::CholQR2, name<T>("cholqr2", 1000, 30) + ", κ ≫ u^-1/2");
  orthonormal_basis_of(block<T>(1000, 30, 1 / std::sqrt(tol::eps<T>()), 30, 8), Normalizer::CholQR2,
                       name<T>("cholqr2", 1000, 30) + ", κ = u^-1/2");
}

}  // namespace

TEST_CASE("cholqr2 and qr: orthonormal bases of range(Y), f64") { cholqr2_cases<double>(); }
TEST_CASE("cholqr2 and qr: orthonormal bases of range(Y), f32") { cholqr2_cases<float>(); }

TEST_CASE("cholqr2 does not depend on the thread count (bit for bit), one and several Gram blocks") {
  for (std::int64_t m : {1000, 9000}) {
    const auto Y = block<double>(m, 30, 1e4, 30, 9);
    DenseMatrix<double> one = Y, many = Y;
    const int before = threads();
    set_threads(1);
    normalize(one, Normalizer::CholQR2);
    set_threads(3);
    normalize(many, Normalizer::CholQR2);
    set_threads(before);
    CHECK(one.data == many.data, name<double>("cholqr2", m, 30) + ": 1 vs 3 threads");
  }
}

TEST_CASE("cholqr2 on exactly rank-deficient blocks falls back and still returns an orthonormal basis") {
  for (std::int64_t rank : {1, 5, 29}) {
    for (std::uint64_t seed : {11u, 12u, 13u}) {
      orthonormal_basis_of(block<double>(300, 30, 100, rank, seed), Normalizer::CholQR2,
                           name<double>("cholqr2", 300, 30) + ", rank " + std::to_string(rank));
      orthonormal_basis_of(block<float>(300, 30, 100, rank, seed), Normalizer::CholQR2,
                           name<float>("cholqr2", 300, 30) + ", rank " + std::to_string(rank));
    }
  }
  // A repeated column, a zero column, and the zero block (whose range is {0}: any orthonormal Q).
  DenseMatrix<double> Y = block<double>(500, 20, 10, 20, 21);
  for (std::int64_t i = 0; i < Y.rows; ++i) Y(i, 19) = Y(i, 3);
  orthonormal_basis_of(Y, Normalizer::CholQR2, "cholqr2, repeated column");
  for (std::int64_t i = 0; i < Y.rows; ++i) Y(i, 7) = 0;
  orthonormal_basis_of(Y, Normalizer::CholQR2, "cholqr2, repeated and zero column");
  orthonormal_basis_of(DenseMatrix<double>(500, 20), Normalizer::CholQR2, "cholqr2, zero block");
  orthonormal_basis_of(DenseMatrix<float>(500, 20), Normalizer::CholQR2, "cholqr2, zero block f32");
}

TEST_CASE("cholqr2 in rsvd: the SVD agrees with qr's to rounding") {
  const std::int64_t m = 600, n = 200, k = 10;
  const auto A = tol::with_spectrum(m, n, tol::exponential_decay(n, 0.1));
  RsvdOptions o;
  o.rank = k;
  o.power_iters = 3;
  o.seed = 17;
  o.normalizer = Normalizer::QR;
  const auto qr = rsvd<double>(dense_view(A.data(), m, n, Layout::ColMajor), o);
  o.normalizer = Normalizer::CholQR2;
  const auto chol = rsvd<double>(dense_view(A.data(), m, n, Layout::ColMajor), o);
  for (std::int64_t i = 0; i < k; ++i)
    CHECK_CLOSE(chol.S[static_cast<std::size_t>(i)] / qr.S[static_cast<std::size_t>(i)], 1.0,
                tol::normalizer_agreement<double>(), "σᵢ, cholqr2 vs qr");
}

TEST_CASE("lu: P·L is unit lower trapezoidal after the row permutation and spans range(Y)") {
  const DenseMatrix<double> Y = block<double>(200, 12, 1e3, 12, 31);
  DenseMatrix<double> L = Y;
  normalize(L, Normalizer::LU);
  DenseMatrix<double> Q = L;
  normalize(Q, Normalizer::QR);
  CHECK_AT_MOST(range_miss(Y, Q), tol::range_loss<double>(), "range(P·L) = range(Y)");
  // Each column j of P·L has a 1 at its pivot row, zeros at the earlier columns' pivot rows, and
  // entries of magnitude <= 1 (partial pivoting).
  std::vector<std::int64_t> pivots;
  for (std::int64_t j = 0; j < L.cols; ++j) {
    std::int64_t pivot = -1;
    for (std::int64_t i = 0; i < L.rows; ++i) {
      CHECK(std::abs(L(i, j)) <= 1.0, "|P·L| <= 1");
      if (pivot < 0 && L(i, j) == 1.0) {
        bool fresh = true;
        for (std::int64_t p : pivots) fresh = fresh && p != i;
        if (fresh) pivot = i;
      }
    }
    CHECK(pivot >= 0, "column " + std::to_string(j) + " has a unit pivot");
    for (std::int64_t p : pivots) CHECK(L(p, j) == 0.0, "zero at an earlier pivot row");
    pivots.push_back(pivot);
  }
}

TEST_CASE("none is the identity; wide blocks are rejected; Auto must be resolved first") {
  const DenseMatrix<double> Y = block<double>(50, 5, 10, 5, 41);
  DenseMatrix<double> Z = Y;
  normalize(Z, Normalizer::None);
  CHECK(Z.data == Y.data, "none leaves Y as it is");
  DenseMatrix<double> wide(5, 6);
  for (Normalizer n : {Normalizer::QR, Normalizer::LU, Normalizer::CholQR2})
    tol::expect_error([&] { normalize(wide, n); }, ErrorCode::Shape, "Y", "a 5 x 6 block");
  try {
    normalize(Z, Normalizer::Auto);
    CHECK(false, "expected an error for Normalizer::Auto");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::Internal && e.argument() == "normalizer", "Auto: Internal error naming normalizer");
  }
}

TEST_MAIN()
