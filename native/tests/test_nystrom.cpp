// Nyström (docs/algorithms/nystrom.md) against independent truth: LAPACK's eigendecomposition of
// the full matrix for exactly low-rank inputs (every sampling x core), Tropp et al. 2017's
// expected-error bound for the stable psd core, the indefinite core on an indefinite matrix,
// the kernel operators against the formed kernel, and every error the core owns.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "check.hpp"
#include "cpu/blas_lapack.hpp"
#include "known_spectrum.hpp"
#include "randla/error.hpp"
#include "randla/nystrom.hpp"
#include "randla/symmetric_operator.hpp"
#include "randla/threads.hpp"
#include "tolerance.hpp"

using namespace randla;
namespace tol = randla::test;

namespace {

// Q·diag(λ)·Qᵀ (n x n col-major) for a random orthonormal Q, symmetrized so the symmetry check
// sees exact symmetry.
std::vector<double> symmetric_with(std::int64_t n, const std::vector<double>& lambda, std::uint64_t seed) {
  std::vector<double> A = tol::with_spectrum(n, n, lambda, seed, seed);
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = j + 1; i < n; ++i) {
      const double v = 0.5 * (A[static_cast<std::size_t>(i + j * n)] + A[static_cast<std::size_t>(j + i * n)]);
      A[static_cast<std::size_t>(i + j * n)] = A[static_cast<std::size_t>(j + i * n)] = v;
    }
  return A;
}

struct Eigen {
  std::vector<double> values;  // by non-increasing |λ|
  DenseMatrix<double> vectors;
};

// All eigenpairs of the full matrix by LAPACK dsyevd, ordered by |λ|.
Eigen full_eigen(const std::vector<double>& A, std::int64_t n) {
  DenseMatrix<double> a(n, n);
  a.data = A;
  const std::vector<double> w = symmetric_eigen(a);
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t x, std::int64_t y) {
    return std::abs(w[static_cast<std::size_t>(x)]) > std::abs(w[static_cast<std::size_t>(y)]);
  });
  Eigen e;
  e.vectors = DenseMatrix<double>(n, n);
  for (std::int64_t t = 0; t < n; ++t) {
    e.values.push_back(w[static_cast<std::size_t>(order[static_cast<std::size_t>(t)])]);
    std::copy(a.col(order[static_cast<std::size_t>(t)]), a.col(order[static_cast<std::size_t>(t)]) + n, e.vectors.col(t));
  }
  return e;
}

void check_canonical(const NystromResult& r, const std::string& what) {
  for (std::size_t j = 1; j < r.values.size(); ++j)
    CHECK(std::abs(r.values[j]) <= std::abs(r.values[j - 1]), what + ": values by non-increasing |value|");
  for (std::int64_t j = 0; j < r.vectors.cols; ++j) {
    std::int64_t arg = 0;
    for (std::int64_t i = 1; i < r.vectors.rows; ++i)
      if (std::abs(r.vectors(i, j)) > std::abs(r.vectors(arg, j))) arg = i;
    CHECK(r.vectors(arg, j) > 0, what + ": largest-|.| entry of vector " + std::to_string(j) + " positive");
  }
}

// Values relative to |λ₁| and ‖v̂ − ±v‖₂ of the first r pairs.
void check_pairs(const NystromResult& r, const Eigen& truth, std::int64_t rank, double tolerance, const std::string& what) {
  CHECK(static_cast<std::int64_t>(r.values.size()) == rank, what + ": rank pairs returned");
  if (static_cast<std::int64_t>(r.values.size()) != rank) return;
  const std::int64_t n = truth.vectors.rows;
  const double scale = std::abs(truth.values[0]);
  for (std::int64_t j = 0; j < rank; ++j) {
    const std::string label = what + ": value " + std::to_string(j);
    CHECK_CLOSE(r.values[static_cast<std::size_t>(j)] / scale, truth.values[static_cast<std::size_t>(j)] / scale,
                tolerance, label.c_str());
    double dot = 0;
    for (std::int64_t i = 0; i < n; ++i) dot += r.vectors(i, j) * truth.vectors(i, j);
    const double sign = dot < 0 ? -1 : 1;
    double diff = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      const double e = r.vectors(i, j) - sign * truth.vectors(i, j);
      diff += e * e;
    }
    const std::string vlabel = what + ": ||v_hat - v|| of vector " + std::to_string(j);
    CHECK_CLOSE(std::sqrt(diff), 0.0, tolerance, vlabel.c_str());
  }
  check_canonical(r, what);
}

// ‖Σ_j λ̂_j·v̂_j·v̂_jᵀ − A‖_F / ‖A‖_F.
double reconstruction_error(const NystromResult& r, const std::vector<double>& A, std::int64_t n) {
  DenseMatrix<double> scaled = r.vectors;
  for (std::int64_t j = 0; j < scaled.cols; ++j)
    for (std::int64_t i = 0; i < n; ++i) scaled(i, j) *= r.values[static_cast<std::size_t>(j)];
  DenseMatrix<double> approx;
  blas::multiply(false, true, 1.0, scaled, r.vectors, 0.0, approx);
  double num = 0, den = 0;
  for (std::size_t p = 0; p < A.size(); ++p) {
    num += (approx.data[p] - A[p]) * (approx.data[p] - A[p]);
    den += A[p] * A[p];
  }
  return std::sqrt(num / den);
}

// Random 2-D coordinates (n x 2, col-major) for quasi-uniform sampling.
std::vector<double> random_coords(std::int64_t n, std::uint64_t seed) {
  std::vector<double> P(static_cast<std::size_t>(2 * n));
  fill_test_matrix(dense_view(P.data(), n, 2, Layout::ColMajor), TestMatrixKind::Uniform, seed, Stream::RangeFinder);
  return P;
}

template <class F>
void expect_error(ErrorCode code, const std::string& argument, F&& body, const std::string& what) {
  try {
    body();
    CHECK(false, what + ": expected " + error_code_name(code) + ", nothing thrown");
  } catch (const Error& e) {
    CHECK(e.code() == code, what + ": expected " + error_code_name(code) + ", received " + error_code_name(e.code()) +
                                " (" + e.what() + ")");
    CHECK(argument.empty() || e.argument() == argument,
          what + ": expected argument '" + argument + "', received '" + e.argument() + "' (" + e.what() + ")");
  }
}

constexpr std::int64_t kN = 400;

std::vector<double> low_rank_spectrum(std::int64_t rank) {
  std::vector<double> lambda(static_cast<std::size_t>(rank));
  for (std::int64_t i = 0; i < rank; ++i) lambda[static_cast<std::size_t>(i)] = 10.0 * std::pow(0.8, double(i));
  return lambda;
}

}  // namespace

TEST_CASE("exact low rank PSD: every sampling and core reproduces LAPACK's eigenpairs") {
  const std::int64_t rank = 20;
  const auto A = symmetric_with(kN, low_rank_spectrum(rank), 11);
  const Eigen truth = full_eigen(A, kN);
  const auto coords = random_coords(kN, 12);
  const DenseSymmetricOperator<double> op(dense_view(A.data(), kN, kN, Layout::ColMajor));
  for (std::int64_t l : {25, 40}) {
    for (NystromSampling sampling : {NystromSampling::Uniform, NystromSampling::QuasiUniform,
                                     NystromSampling::RpCholesky, NystromSampling::Gaussian}) {
      for (NystromMethod method : {NystromMethod::Auto, NystromMethod::Psd, NystromMethod::Indefinite,
                                   NystromMethod::Scaled}) {
        if (sampling == NystromSampling::Gaussian && method == NystromMethod::Scaled) continue;
        NystromOptions o;
        o.rank = rank;
        o.columns = l;
        o.sampling = sampling;
        o.method = method;
        o.seed = 1234 + static_cast<std::uint64_t>(l);
        o.coords = dense_view<const double>(coords.data(), kN, 2, Layout::ColMajor);
        const std::string what = std::string(nystrom_sampling_name(sampling)) + "/" + nystrom_method_name(method) +
                                 " l=" + std::to_string(l);
        const NystromResult r = nystrom(op, o);
        if (method == NystromMethod::Auto) CHECK(r.method == NystromMethod::Psd, what + ": auto resolves to psd");
        if (method == NystromMethod::Scaled) {
          // Williams–Seeger's pairs are rescaled, not orthonormal, but Σ λ̂ v̂v̂ᵀ = C·W_K⁺·Cᵀ = A.
          CHECK_AT_MOST(reconstruction_error(r, A, kN), tol::nystrom_exact<double>(), (what + ": reconstruction").c_str());
          CHECK(r.method == NystromMethod::Scaled, what + ": method reported");
        } else {
          check_pairs(r, truth, rank, tol::nystrom_exact<double>(), what);
        }
        if (sampling == NystromSampling::Gaussian) {
          CHECK(r.indices.empty() && r.columns == l, what + ": no indices, l columns");
        } else if (sampling == NystromSampling::RpCholesky) {
          // Exactly rank 20: the residual trace reaches the rounding level after ~20 pivots.
          CHECK(r.columns >= rank && r.columns <= l && static_cast<std::int64_t>(r.indices.size()) == r.columns,
                what + ": rpcholesky columns " + std::to_string(r.columns));
        } else {
          CHECK(static_cast<std::int64_t>(r.indices.size()) == l && r.columns == l, what + ": l indices");
        }
      }
    }
  }
}

TEST_CASE("exact low rank PSD: f32 and row-major input give the same pairs") {
  const std::int64_t rank = 20, l = 30;
  const auto A = symmetric_with(kN, low_rank_spectrum(rank), 11);
  const Eigen truth = full_eigen(A, kN);
  const auto Arow = tol::stored<double>(A, kN, kN, Layout::RowMajor);
  NystromOptions o;
  o.rank = rank;
  o.columns = l;
  o.seed = 5;
  const DenseSymmetricOperator<double> row_op(dense_view<const double>(Arow.data(), kN, kN, Layout::RowMajor));
  check_pairs(nystrom(row_op, o), truth, rank, tol::nystrom_exact<double>(), "row-major uniform");
  o.sampling = NystromSampling::Gaussian;
  check_pairs(nystrom(row_op, o), truth, rank, tol::nystrom_exact<double>(), "row-major gaussian");
  // f32 storage rounds A (relative 2^-24), so the pairs match only to f32 accuracy; the exact
  // comparison is against the eigenpairs of the rounded matrix itself.
  const auto A32 = tol::stored<float>(A, kN, kN, Layout::ColMajor);
  std::vector<double> A32wide(A32.begin(), A32.end());
  const DenseSymmetricOperator<float> op32(dense_view<const float>(A32.data(), kN, kN, Layout::ColMajor));
  o.sampling = NystromSampling::Uniform;
  o.method = NystromMethod::Indefinite;
  o.core_rank = l;  // the rounded matrix has full rank: keep every eigenvalue of W above τ
  const NystromResult r32 = nystrom(op32, o);
  // The rounding perturbs A by ~2^-24·‖A‖, so eigenvalues agree to that and f32's tolerance.
  for (std::int64_t j = 0; j < rank; ++j)
    CHECK_CLOSE(r32.values[static_cast<std::size_t>(j)] / truth.values[0],
                truth.values[static_cast<std::size_t>(j)] / truth.values[0], tol::exact_low_rank_values<float>(),
                "f32 value");
  check_canonical(r32, "f32");
}

TEST_CASE("stable Nystrom (gaussian, psd): mean nuclear-norm error within Tropp et al.'s bound") {
  const std::int64_t n = 1000, r = 10, l = 30;
  const auto lambda = tol::polynomial_decay(n, 2);
  const auto A = symmetric_with(n, lambda, 21);
  const DenseSymmetricOperator<double> op(dense_view(A.data(), n, n, Layout::ColMajor));
  double tail = 0;
  for (std::int64_t i = r; i < n; ++i) tail += lambda[static_cast<std::size_t>(i)];
  const double bound = (1.0 + double(r) / double(l - r - 1)) * tail;
  const int seeds = 20;
  double mean = 0;
  for (int s = 0; s < seeds; ++s) {
    NystromOptions o;
    o.rank = r;
    o.columns = l;
    o.sampling = NystromSampling::Gaussian;
    o.method = NystromMethod::Psd;
    o.seed = 700 + static_cast<std::uint64_t>(s);
    const NystromResult res = nystrom(op, o);
    for (double v : res.values) CHECK(v >= 0, "no negative eigenvalue from the psd core");
    // ‖A − Â_r‖_* = Σ|eig(A − Â_r)|, values only (dsyevd 'N').
    DenseMatrix<double> scaled = res.vectors, D;
    for (std::int64_t j = 0; j < r; ++j)
      for (std::int64_t i = 0; i < n; ++i) scaled(i, j) *= res.values[static_cast<std::size_t>(j)];
    blas::multiply(false, true, 1.0, scaled, res.vectors, 0.0, D);
    for (std::size_t p = 0; p < A.size(); ++p) D.data[p] = A[p] - D.data[p];
    std::vector<double> w(static_cast<std::size_t>(n));
    const char jobz = 'N', uplo = 'L';
    int ni = static_cast<int>(n), lwork = -1, liwork = -1, info = 0, iq = 0;
    double q = 0;
    dsyevd_(&jobz, &uplo, &ni, D.data.data(), &ni, w.data(), &q, &lwork, &iq, &liwork, &info, 1, 1);
    lwork = static_cast<int>(q);
    liwork = std::max(1, iq);
    std::vector<double> work(static_cast<std::size_t>(lwork));
    std::vector<int> iwork(static_cast<std::size_t>(liwork));
    dsyevd_(&jobz, &uplo, &ni, D.data.data(), &ni, w.data(), work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
    CHECK(info == 0, "dsyevd converged");
    double nuclear = 0;
    for (double v : w) nuclear += std::abs(v);
    mean += nuclear / seeds;
  }
  CHECK_AT_MOST(mean, bound, "mean nuclear-norm error over 20 seeds vs (1 + r/(l-r-1))·tail");
  // The optimum is the tail itself: the bound must not be vacuous.
  CHECK(mean >= tail, "error at least the optimal tail (sanity of the measurement)");
}

TEST_CASE("indefinite matrix: psd refuses, auto takes the indefinite core, exact; scaled runs") {
  const std::int64_t rank = 30, l = 40;
  auto lambda = low_rank_spectrum(rank);
  for (std::int64_t i = 1; i < rank; i += 3) lambda[static_cast<std::size_t>(i)] = -lambda[static_cast<std::size_t>(i)];
  const auto A = symmetric_with(kN, lambda, 31);
  const Eigen truth = full_eigen(A, kN);
  const DenseSymmetricOperator<double> op(dense_view(A.data(), kN, kN, Layout::ColMajor));
  for (NystromSampling sampling : {NystromSampling::Uniform, NystromSampling::Gaussian}) {
    const std::string name = nystrom_sampling_name(sampling);
    NystromOptions o;
    o.rank = 10;
    o.core_rank = rank;
    o.columns = l;
    o.sampling = sampling;
    o.seed = 99;
    o.method = NystromMethod::Psd;
    expect_error(ErrorCode::NotPsd, "A", [&] { nystrom(op, o); }, name + " psd on an indefinite matrix");
    o.method = NystromMethod::Auto;
    const NystromResult r = nystrom(op, o);
    CHECK(r.method == NystromMethod::Indefinite, name + ": auto resolves to indefinite");
    check_pairs(r, truth, 10, tol::nystrom_exact<double>(), name + " auto (indefinite), rank 10 of 30");
    o.rank = rank;
    check_pairs(nystrom(op, o), truth, rank, tol::nystrom_exact<double>(), name + " auto (indefinite), rank 30");
    bool negative = false;
    for (double v : nystrom(op, o).values) negative = negative || v < 0;
    CHECK(negative, name + ": negative eigenvalues are reported");
  }
  NystromOptions o;
  o.rank = rank;
  o.columns = l;
  o.method = NystromMethod::Scaled;
  o.seed = 7;
  const NystromResult s = nystrom(op, o);
  CHECK(s.method == NystromMethod::Scaled && static_cast<std::int64_t>(s.values.size()) == rank, "scaled: 30 values");
  CHECK_AT_MOST(reconstruction_error(s, A, kN), tol::nystrom_exact<double>(), "scaled: C·W_K⁺·Cᵀ = A");
  // rpcholesky needs PSD: the zero-trace adjacency case (negative diagonal entries) is refused.
  o.sampling = NystromSampling::RpCholesky;
  o.method = NystromMethod::Auto;
  bool negative_diagonal = false;
  for (std::int64_t i = 0; i < kN; ++i) negative_diagonal = negative_diagonal || A[static_cast<std::size_t>(i + i * kN)] < 0;
  if (negative_diagonal) expect_error(ErrorCode::NotPsd, "A", [&] { nystrom(op, o); }, "rpcholesky on indefinite");
}

TEST_CASE("kernel operators: columns and products against the formed kernel, thread independent") {
  const std::int64_t n = 300, d = 3;
  std::vector<double> P(static_cast<std::size_t>(n * d));
  fill_test_matrix(dense_view(P.data(), n, d, Layout::RowMajor), TestMatrixKind::Gaussian, 41, Stream::RangeFinder);
  const std::vector<float> P32(P.begin(), P.end());
  for (KernelKind kind : {KernelKind::Rbf, KernelKind::Laplacian}) {
    const std::string name = kernel_kind_name(kind);
    const double gamma = 0.3;
    const KernelOperator<double> op(kind, dense_view<const double>(P.data(), n, d, Layout::RowMajor), gamma);
    std::vector<double> K(static_cast<std::size_t>(n * n));
    for (std::int64_t j = 0; j < n; ++j)
      for (std::int64_t i = 0; i < n; ++i) {
        double s = 0;
        for (std::int64_t k = 0; k < d; ++k) {
          const double diff = P[static_cast<std::size_t>(i * d + k)] - P[static_cast<std::size_t>(j * d + k)];
          s += kind == KernelKind::Rbf ? diff * diff : std::abs(diff);
        }
        K[static_cast<std::size_t>(i + j * n)] = std::exp(-gamma * s);
      }
    const std::vector<std::int64_t> idx = {0, 17, 299, 17, 150};
    DenseMatrix<double> cols1, cols2;
    set_threads(1);
    op.columns(idx, cols1);
    set_threads(2);
    op.columns(idx, cols2);
    CHECK(cols1.data == cols2.data, name + ": columns identical for 1 and 2 threads");
    double worst = 0;
    for (std::size_t t = 0; t < idx.size(); ++t)
      for (std::int64_t i = 0; i < n; ++i)
        worst = std::max(worst, std::abs(cols2(i, static_cast<std::int64_t>(t)) - K[static_cast<std::size_t>(i + idx[t] * n)]));
    CHECK_AT_MOST(worst, 0.0, (name + ": columns equal the direct formula").c_str());
    const auto diag = op.diagonal();
    CHECK(std::all_of(diag.begin(), diag.end(), [](double v) { return v == 1.0; }), name + ": unit diagonal");
    // A·X by column blocks against gemm on the formed kernel.
    DenseMatrix<double> X(n, 4), Y, Yref;
    fill_test_matrix(X.view(), TestMatrixKind::Gaussian, 42, Stream::RangeFinder);
    op.product(X, Y);
    DenseMatrix<double> Kd(n, n);
    Kd.data = K;
    blas::multiply(false, false, 1.0, Kd, X, 0.0, Yref);
    double rel = 0;
    for (std::int64_t j = 0; j < 4; ++j)
      for (std::int64_t i = 0; i < n; ++i) {
        double mag = 0;
        for (std::int64_t k = 0; k < n; ++k) mag += std::abs(Kd(i, k) * X(k, j));
        rel = std::max(rel, std::abs(Y(i, j) - Yref(i, j)) / mag);
      }
    CHECK_AT_MOST(rel, tol::kernel_product<double>(n), (name + ": A·X by blocks").c_str());
    // f32 points are widened: the same kernel up to the rounding of the points.
    const KernelOperator<float> op32(kind, dense_view<const float>(P32.data(), n, d, Layout::RowMajor), gamma);
    DenseMatrix<double> c32;
    op32.columns(idx, c32);
    double worst32 = 0;
    for (std::size_t p = 0; p < c32.data.size(); ++p) worst32 = std::max(worst32, std::abs(c32.data[p] - cols2.data[p]));
    CHECK_AT_MOST(worst32, 1e3 * tol::eps<float>(), (name + ": f32 points").c_str());
    // auto on a kernel: psd without a W test.
    NystromOptions o;
    o.rank = 5;
    o.columns = 40;
    o.seed = 3;
    CHECK(nystrom(op, o).method == NystromMethod::Psd, name + ": auto resolves to psd on a kernel");
  }
}

TEST_CASE("dense f32 product and columns are widened to f64") {
  const std::int64_t n = 300;
  const auto A = symmetric_with(n, low_rank_spectrum(10), 51);
  const auto A32 = tol::stored<float>(A, n, n, Layout::RowMajor);
  const DenseSymmetricOperator<float> op(dense_view<const float>(A32.data(), n, n, Layout::RowMajor));
  DenseMatrix<double> X(n, 3), Y, Yref, Aw(n, n);
  fill_test_matrix(X.view(), TestMatrixKind::Gaussian, 52, Stream::RangeFinder);
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < n; ++i) Aw(i, j) = static_cast<double>(A32[static_cast<std::size_t>(i * n + j)]);
  op.product(X, Y);
  blas::multiply(false, false, 1.0, Aw, X, 0.0, Yref);
  double rel = 0;
  for (std::int64_t j = 0; j < 3; ++j)
    for (std::int64_t i = 0; i < n; ++i) {
      double mag = 0;
      for (std::int64_t k = 0; k < n; ++k) mag += std::abs(Aw(i, k) * X(k, j));
      rel = std::max(rel, std::abs(Y(i, j) - Yref(i, j)) / mag);
    }
  CHECK_AT_MOST(rel, tol::product_entry<double>(n), "f32 A·X in f64");
  DenseMatrix<double> c;
  op.columns({3, 200}, c);
  CHECK(c(7, 0) == Aw(7, 3) && c(250, 1) == Aw(250, 200), "f32 columns widened exactly");
}

TEST_CASE("progress counts columns and abort is honoured") {
  const std::int64_t rank = 10;
  const auto A = symmetric_with(kN, low_rank_spectrum(rank), 61);
  const DenseSymmetricOperator<double> op(dense_view(A.data(), kN, kN, Layout::ColMajor));
  NystromOptions o;
  o.rank = 5;
  o.columns = 20;
  o.sampling = NystromSampling::RpCholesky;
  o.block_size = 4;
  o.seed = 8;
  RunControl control;
  int last_done = 0, last_total = 0, calls = 0;
  control.progress = [&](int done, int total) {
    ++calls;
    last_done = done;
    last_total = total;
  };
  const NystromResult r = nystrom(op, o, control);
  CHECK(calls >= 2 && last_done == r.columns && last_total == 20, "rpcholesky progress in columns: " +
                                                                      std::to_string(last_done) + "/" + std::to_string(last_total));
  std::atomic<bool> cancel{true};
  RunControl abort;
  abort.cancel = &cancel;
  for (NystromSampling s : {NystromSampling::Uniform, NystromSampling::RpCholesky, NystromSampling::Gaussian}) {
    o.sampling = s;
    expect_error(ErrorCode::Aborted, "", [&] { nystrom(op, o, abort); }, std::string("abort ") + nystrom_sampling_name(s));
  }
}

// An operator whose columns are wrong on purpose, and one with no diagonal and no product.
class BrokenOperator final : public SymmetricOperator {
 public:
  enum Fault { None, WrongShape, NotFiniteColumn };
  BrokenOperator(std::int64_t n, Fault fault) : n_(n), fault_(fault) {}
  std::int64_t size() const override { return n_; }
  void columns(const std::vector<std::int64_t>& idx, DenseMatrix<double>& out) const override {
    out = DenseMatrix<double>(fault_ == WrongShape ? n_ - 1 : n_, static_cast<std::int64_t>(idx.size()));
    for (std::size_t t = 0; t < idx.size(); ++t) out(idx[t] % out.rows, static_cast<std::int64_t>(t)) = 1.0;
    if (fault_ == NotFiniteColumn) out(0, 0) = std::nan("");
  }

 private:
  std::int64_t n_;
  Fault fault_;
};

TEST_CASE("bad input: every error of the doc's Errors section that the core owns") {
  const std::int64_t n = 50;
  const auto A = symmetric_with(n, low_rank_spectrum(5), 71);
  const DenseSymmetricOperator<double> op(dense_view(A.data(), n, n, Layout::ColMajor));
  auto base = [] {
    NystromOptions o;
    o.rank = 3;
    o.columns = 10;
    return o;
  };
  NystromOptions o = base();
  o.rank = 11;
  expect_error(ErrorCode::InvalidArgument, "options.rank", [&] { nystrom(op, o); }, "rank > columns");
  o.rank = 0;
  expect_error(ErrorCode::InvalidArgument, "options.rank", [&] { nystrom(op, o); }, "rank 0");
  o = base();
  o.columns = n + 1;
  expect_error(ErrorCode::InvalidArgument, "options.columns", [&] { nystrom(op, o); }, "columns > n");
  o = base();
  o.core_rank = 2;
  expect_error(ErrorCode::InvalidArgument, "options.coreRank", [&] { nystrom(op, o); }, "coreRank < rank");
  o.core_rank = 11;
  expect_error(ErrorCode::InvalidArgument, "options.coreRank", [&] { nystrom(op, o); }, "coreRank > columns");
  o = base();
  o.sampling = static_cast<NystromSampling>(9);
  expect_error(ErrorCode::InvalidArgument, "options.sampling", [&] { nystrom(op, o); }, "bad sampling");
  o = base();
  o.method = static_cast<NystromMethod>(9);
  expect_error(ErrorCode::InvalidArgument, "options.method", [&] { nystrom(op, o); }, "bad method");
  NystromSampling s;
  NystromMethod m;
  CHECK(!parse_nystrom_sampling("quasiuniform", s) && parse_nystrom_sampling("quasi-uniform", s) &&
            s == NystromSampling::QuasiUniform,
        "sampling names");
  CHECK(!parse_nystrom_method("PSD", m) && parse_nystrom_method("scaled", m) && m == NystromMethod::Scaled,
        "method names");
  o = base();
  o.sampling = NystromSampling::QuasiUniform;
  expect_error(ErrorCode::InvalidArgument, "options.coords", [&] { nystrom(op, o); }, "quasi-uniform without coords");
  std::vector<double> coords(static_cast<std::size_t>(2 * (n - 1)), 0.5);
  o.coords = dense_view<const double>(coords.data(), n - 1, 2, Layout::ColMajor);
  expect_error(ErrorCode::InvalidArgument, "options.coords", [&] { nystrom(op, o); }, "coords of the wrong shape");
  coords.assign(static_cast<std::size_t>(2 * n), 0.5);
  coords[3] = INFINITY;
  o.coords = dense_view<const double>(coords.data(), n, 2, Layout::ColMajor);
  expect_error(ErrorCode::NotFinite, "options.coords", [&] { nystrom(op, o); }, "coords with Inf");
  o = base();
  o.sampling = NystromSampling::Gaussian;
  o.method = NystromMethod::Scaled;
  expect_error(ErrorCode::InvalidArgument, "options.method", [&] { nystrom(op, o); }, "scaled with gaussian");
  const BrokenOperator plain(n, BrokenOperator::None);
  o.method = NystromMethod::Auto;
  expect_error(ErrorCode::InvalidArgument, "A", [&] { nystrom(plain, o); }, "gaussian on an operator");
  o = base();
  o.sampling = NystromSampling::RpCholesky;
  expect_error(ErrorCode::InvalidArgument, "A.diagonal", [&] { nystrom(plain, o); }, "rpcholesky without diagonal");
  o = base();
  expect_error(ErrorCode::Shape, "A.columns", [&] { nystrom(BrokenOperator(n, BrokenOperator::WrongShape), o); },
               "operator returning the wrong shape");
  expect_error(ErrorCode::NotFinite, "A.columns", [&] { nystrom(BrokenOperator(n, BrokenOperator::NotFiniteColumn), o); },
               "operator returning NaN");
  // Dense input: shape, finiteness, symmetry.
  expect_error(ErrorCode::Shape, "A", [&] { DenseSymmetricOperator<double>(dense_view(A.data(), n, n - 1, Layout::ColMajor)); },
               "non-square dense");
  auto bad = A;
  bad[5] = NAN;
  expect_error(ErrorCode::NotFinite, "A", [&] { DenseSymmetricOperator<double>(dense_view<const double>(bad.data(), n, n, Layout::ColMajor)); },
               "NaN in dense A");
  bad = A;
  bad[static_cast<std::size_t>(3 + 7 * n)] += 1e-6;  // A(3, 7) only
  try {
    DenseSymmetricOperator<double> unused(dense_view<const double>(bad.data(), n, n, Layout::ColMajor));
    CHECK(false, "asymmetric dense: nothing thrown");
  } catch (const Error& e) {
    const std::string msg = e.what();
    CHECK(e.code() == ErrorCode::NotSymmetric, "asymmetric dense: NotSymmetric");
    CHECK(msg.find("A(7, 3)") != std::string::npos && msg.find("A(3, 7)") != std::string::npos,
          "asymmetric dense: names the worst entry (" + msg + ")");
  }
  const DenseSymmetricOperator<double> unchecked(dense_view<const double>(bad.data(), n, n, Layout::ColMajor), false);
  CHECK(unchecked.size() == n, "checkSymmetry off accepts it");
  // An asymmetry at the rounding level passes: 64·u·max|A| is the bound.
  bad = A;
  bad[static_cast<std::size_t>(3 + 7 * n)] *= 1 + 1e-15;
  DenseSymmetricOperator<double> fine(dense_view<const double>(bad.data(), n, n, Layout::ColMajor));
  CHECK(fine.size() == n, "rounding-level asymmetry accepted");
  // Kernels: gamma and points.
  std::vector<double> P(20, 0.25);
  expect_error(ErrorCode::InvalidArgument, "gamma",
               [&] { KernelOperator<double>(KernelKind::Rbf, dense_view<const double>(P.data(), 10, 2, Layout::RowMajor), 0.0); },
               "gamma 0");
  expect_error(ErrorCode::InvalidArgument, "gamma",
               [&] { KernelOperator<double>(KernelKind::Laplacian, dense_view<const double>(P.data(), 10, 2, Layout::RowMajor), -1.0); },
               "gamma < 0");
  P[4] = NAN;
  expect_error(ErrorCode::NotFinite, "points",
               [&] { KernelOperator<double>(KernelKind::Rbf, dense_view<const double>(P.data(), 10, 2, Layout::RowMajor), 1.0); },
               "NaN point");
  KernelKind kk;
  CHECK(parse_kernel_kind("laplacian", kk) && kk == KernelKind::Laplacian && !parse_kernel_kind("gaussian", kk),
        "kernel names");
  // Inputs are never mutated.
  const auto before = A;
  o = base();
  o.method = NystromMethod::Indefinite;
  nystrom(op, o);
  o.sampling = NystromSampling::Gaussian;
  nystrom(op, o);
  CHECK(before == A, "A unchanged");
}

TEST_MAIN()
