// Block RPCholesky (Chen, Epperly, Tropp, Webber 2022): pivots on a diagonal matrix, no repeats,
// the early stop on exact low rank, the doc's draw rule, the trace-error advantage over uniform
// sampling on clustered points with outliers (the paper's motivating case), and its errors.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "check.hpp"
#include "randla/error.hpp"
#include "randla/nystrom.hpp"
#include "randla/philox.hpp"
#include "randla/symmetric_operator.hpp"
#include "randla/test_matrix.hpp"
#include "tolerance.hpp"

using namespace randla;
namespace tol = randla::test;

namespace {

// diag(d) as an operator: columns are scaled unit vectors.
class DiagonalOperator final : public SymmetricOperator {
 public:
  explicit DiagonalOperator(std::vector<double> d) : d_(std::move(d)) {}
  std::int64_t size() const override { return static_cast<std::int64_t>(d_.size()); }
  void columns(const std::vector<std::int64_t>& idx, DenseMatrix<double>& out) const override {
    out = DenseMatrix<double>(size(), static_cast<std::int64_t>(idx.size()));
    for (std::size_t t = 0; t < idx.size(); ++t) out(idx[t], static_cast<std::int64_t>(t)) = d_[static_cast<std::size_t>(idx[t])];
  }
  bool has_diagonal() const override { return true; }
  std::vector<double> diagonal() const override { return d_; }

 private:
  std::vector<double> d_;
};

bool distinct(const std::vector<std::int64_t>& s) { return std::set<std::int64_t>(s.begin(), s.end()).size() == s.size(); }

}  // namespace

TEST_CASE("diagonal matrix: the largest entries first, never a repeat, exact stop") {
  const std::int64_t n = 200;
  std::vector<double> d(static_cast<std::size_t>(n), 1e-6);
  for (std::int64_t i = 0; i < 10; ++i) d[static_cast<std::size_t>(17 * i + 3)] = 1.0;
  const DiagonalOperator op(d);
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    for (std::int64_t b : {1, 3, 10}) {
      const RpCholeskyResult r = rpcholesky(op, 40, b, seed);
      CHECK(r.indices.size() == 40 && distinct(r.indices), "40 distinct pivots, b = " + std::to_string(b));
      // P(a small entry among the first 10 draws) ≈ 10·190e-6/10: picks the large ones first.
      std::set<std::int64_t> first(r.indices.begin(), r.indices.begin() + 10);
      int large = 0;
      for (std::int64_t i : first) large += d[static_cast<std::size_t>(i)] == 1.0;
      CHECK(large == 10, "the 10 large entries are the first 10 pivots (got " + std::to_string(large) + ")");
      // On a diagonal matrix F·Fᵀ reproduces the pivoted entries exactly.
      for (std::int64_t t = 0; t < r.F.cols; ++t) {
        const std::int64_t i = r.indices[static_cast<std::size_t>(t)];
        CHECK_CLOSE(r.F(i, t) * r.F(i, t), d[static_cast<std::size_t>(i)], 4 * tol::eps<double>() * d[static_cast<std::size_t>(i)],
                    "F(i, t)^2 = d_i");
      }
    }
  }
  // Rank 5: after the 5 non-zeros the residual trace is 0, so RPCholesky stops early.
  std::vector<double> sparse(static_cast<std::size_t>(n), 0.0);
  for (std::int64_t i : {4, 50, 51, 120, 199}) sparse[static_cast<std::size_t>(i)] = double(i + 1);
  const RpCholeskyResult r = rpcholesky(DiagonalOperator(sparse), 10, 3, 1);
  std::vector<std::int64_t> sorted = r.indices;
  std::sort(sorted.begin(), sorted.end());
  CHECK((sorted == std::vector<std::int64_t>{4, 50, 51, 120, 199}), "stops after the 5 non-zero pivots");
  CHECK(r.F.cols == 5 && r.C.cols == 5, "F and C have 5 columns");
}

TEST_CASE("the doc's draw rule: first block of a known diagonal") {
  // b = l = 4 on d = (1, 2, 3, 4): draw q has target U·10; the index is the first i with
  // prefix(i) = 1, 3, 6, 10 above it; repeats are dropped.
  const DiagonalOperator op({1, 2, 3, 4});
  const std::uint64_t seed = 77;
  std::vector<std::int64_t> expected;
  const double prefix[] = {1, 3, 6, 10};
  for (std::uint64_t q = 0; q < 4; ++q) {
    const Philox4x32 x = philox4x32_10({{static_cast<std::uint32_t>(q), 0u, 4u, 6u}}, 77u, 0u);
    const double target = uniform_closed_open(x.v[0], x.v[1]) * 10.0;
    std::int64_t i = 0;
    while (!(prefix[i] > target)) ++i;
    if (std::find(expected.begin(), expected.end(), i) == expected.end()) expected.push_back(i);
  }
  const RpCholeskyResult r = rpcholesky(op, 4, 4, seed);
  CHECK(std::equal(expected.begin(), expected.end(), r.indices.begin()), "first block as the doc draws it");
}

TEST_CASE("rbf kernel with outliers: rpcholesky's trace error at most half of uniform's") {
  // 5 tight clusters of 200 points plus 20 isolated outliers far away: uniform sampling misses
  // most outliers (each costs ~1 of trace), RPCholesky's residual diagonal points at them.
  const std::int64_t clusters = 5, per = 200, outliers = 20, n = clusters * per + outliers, d = 2;
  std::vector<double> P(static_cast<std::size_t>(n * d));
  std::vector<double> noise(static_cast<std::size_t>(n * d));
  fill_test_matrix(dense_view(noise.data(), n, d, Layout::RowMajor), TestMatrixKind::Gaussian, 91, Stream::RangeFinder);
  for (std::int64_t c = 0; c < clusters; ++c)
    for (std::int64_t p = 0; p < per; ++p) {
      const std::int64_t i = c * per + p;
      P[static_cast<std::size_t>(i * d)] = 4.0 * double(c) + 0.1 * noise[static_cast<std::size_t>(i * d)];
      P[static_cast<std::size_t>(i * d + 1)] = 0.1 * noise[static_cast<std::size_t>(i * d + 1)];
    }
  for (std::int64_t o = 0; o < outliers; ++o) {
    const std::int64_t i = clusters * per + o;
    const double angle = 6.283185307179586 * double(o) / double(outliers);
    P[static_cast<std::size_t>(i * d)] = 100.0 * std::cos(angle);
    P[static_cast<std::size_t>(i * d + 1)] = 100.0 * std::sin(angle);
  }
  const KernelOperator<double> op(KernelKind::Rbf, dense_view<const double>(P.data(), n, d, Layout::RowMajor), 1.0);
  const std::int64_t l = 60;
  auto trace_error = [&](NystromSampling sampling, std::uint64_t seed) {
    NystromOptions o;
    o.rank = l;
    o.columns = l;
    o.sampling = sampling;
    o.seed = seed;
    const NystromResult r = nystrom(op, o);
    double captured = 0;
    for (double v : r.values) captured += v;
    return double(n) - captured;  // tr(A − Â), tr(A) = n for rbf
  };
  std::vector<double> rp, uni;
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    rp.push_back(trace_error(NystromSampling::RpCholesky, seed));
    uni.push_back(trace_error(NystromSampling::Uniform, seed));
  }
  std::sort(rp.begin(), rp.end());
  std::sort(uni.begin(), uni.end());
  const double rp_median = 0.5 * (rp[4] + rp[5]), uni_median = 0.5 * (uni[4] + uni[5]);
  std::printf("median trace error: rpcholesky %.4g, uniform %.4g\n", rp_median, uni_median);
  CHECK(rp.front() >= -1e-9 * double(n), "trace error non-negative (Â ⪯ A)");
  CHECK_AT_MOST(rp_median, tol::rpcholesky_trace_ratio * uni_median, "median rpcholesky trace error vs uniform's");
}

TEST_CASE("errors: negative diagonal, zero trace, no diagonal, bad sizes") {
  auto expect = [](ErrorCode code, const std::vector<double>& d, const std::string& what) {
    try {
      rpcholesky(DiagonalOperator(d), 2, 1, 0);
      CHECK(false, what + ": nothing thrown");
    } catch (const Error& e) {
      CHECK(e.code() == code, what + ": " + error_code_name(e.code()) + " (" + e.what() + ")");
    }
  };
  expect(ErrorCode::NotPsd, {1, -1, 2}, "negative diagonal entry");
  expect(ErrorCode::NotPsd, {0, 0, 0}, "zero trace");
  expect(ErrorCode::NotFinite, {1, NAN, 2}, "NaN diagonal");
  // A 2 x 2 indefinite block: diag (1, 1), off-diagonal 3 (eigenvalues 4, −2).
  std::vector<double> A = {1, 3, 3, 1};
  const DenseSymmetricOperator<double> op(dense_view<const double>(A.data(), 2, 2, Layout::ColMajor));
  // A block holding both pivots has no Cholesky factor: NotPsd. A block that drew one index twice
  // keeps one pivot, after which the clipped residual diagonal is 0 and RPCholesky stops.
  int refused = 0;
  for (std::uint64_t seed = 0; seed < 16; ++seed) {
    try {
      const RpCholeskyResult r = rpcholesky(op, 2, 2, seed);
      CHECK(r.indices.size() == 1, "indefinite: a result only after a single pivot");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::NotPsd, std::string("indefinite block: ") + e.what());
      ++refused;
    }
  }
  CHECK(refused > 0, "indefinite block refused for some seed");
  const DiagonalOperator ok({1, 2, 3});
  try {
    rpcholesky(ok, 4, 1, 0);
    CHECK(false, "l > n: nothing thrown");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::InvalidArgument && e.argument() == "options.columns", "l > n");
  }
  try {
    rpcholesky(ok, 2, 0, 0);
    CHECK(false, "b = 0: nothing thrown");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::InvalidArgument && e.argument() == "options.blockSize", "b = 0");
  }
}

TEST_MAIN()
