// Block randomly pivoted Cholesky: Chen, Epperly, Tropp, Webber, "Randomly pivoted Cholesky:
// practical approximation of a kernel matrix with few entry evaluations" (2022), Algorithm 2
// run in blocks of b pivots (§2.2); the draws and the shift follow docs/algorithms/nystrom.md.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/roundoff.hpp"
#include "randla/error.hpp"
#include "randla/nystrom.hpp"
#include "randla/philox.hpp"

namespace randla {
namespace {


std::vector<double> checked_diagonal(const SymmetricOperator& A) {
  RANDLA_EXPECTS(A.has_diagonal(), "A.diagonal")
      << "Expected an operator with diagonal() for A.diagonal (rpcholesky needs diag(A)) but received none";
  std::vector<double> d = A.diagonal();
  const auto n = static_cast<std::size_t>(A.size());
  RANDLA_EXPECTS_CODE(d.size() == n, ErrorCode::Shape, "A.diagonal")
      << "Expected " << n << " entries for A.diagonal but received " << d.size();
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    RANDLA_EXPECTS_CODE(std::isfinite(d[i]), ErrorCode::NotFinite, "A.diagonal")
        << "Expected finite values for A.diagonal but received " << d[i] << " at (" << i << ")";
    RANDLA_EXPECTS_CODE(d[i] >= 0, ErrorCode::NotPsd, "A")
        << "Expected a positive-semidefinite matrix (diagonal >= 0) for A but received A(" << i << ", " << i
        << ") = " << d[i];
    total += d[i];
  }
  RANDLA_EXPECTS_CODE(total > 0, ErrorCode::NotPsd, "A")
      << "Expected a positive-semidefinite matrix with a positive trace for A but received trace " << total;
  return d;
}

}  // namespace

RpCholeskyResult rpcholesky(const SymmetricOperator& A, std::int64_t l, std::int64_t b, std::uint64_t seed,
                            PassCounter& passes, double tolerance) {
  const std::int64_t n = A.size();
  RANDLA_EXPECTS(l >= 1 && l <= n, "options.columns")
      << "Expected an integer in [1, " << n << "] for options.columns but received " << l;
  RANDLA_EXPECTS(b >= 1, "options.blockSize") << "Expected an integer >= 1 for options.blockSize but received " << b;
  std::vector<double> d = checked_diagonal(A);
  // The scale of A's entries (|A_ij| ≤ max A_ii for PSD A): a residual block's eigenvalue is
  // rounding noise unless it is clearly negative on this scale, not on the block's own.
  const double diagonal_max = d.empty() ? 0.0 : *std::max_element(d.begin(), d.end());
  // Stop once the residual trace is at the rounding level of tr(A) (the diagonal update cancels
  // to about l·u·A_ii): A = F·Fᵀ to working precision, and further pivots would factor noise.
  double trace = 0;
  for (double v : d) trace += v;
  const double tau = tolerance < 0 ? 10.0 * static_cast<double>(l) * kUnitRoundoff : tolerance;
  const double stop = tau * trace;

  RpCholeskyResult out;
  DenseMatrix<double> F(n, l), C(n, l);  // the first fcols and k columns are in use
  std::vector<char> chosen(static_cast<std::size_t>(n), 0);
  std::vector<double> prefix(static_cast<std::size_t>(n));
  std::uint64_t draw = 0;
  std::int64_t k = 0, fcols = 0;  // |S| and the columns of F (fewer when a block lost rank)
  const auto word = static_cast<std::uint32_t>(Stream::NystromColumns);
  DenseMatrix<double> G;
  while (k < l) {
    const std::int64_t want = std::min(b, l - k);
    double total = 0;
    for (std::int64_t i = 0; i < n; ++i) prefix[static_cast<std::size_t>(i)] = total += d[static_cast<std::size_t>(i)];
    if (!(total > stop)) break;
    std::int64_t last_positive = n - 1;
    while (last_positive > 0 && !(d[static_cast<std::size_t>(last_positive)] > 0)) --last_positive;

    std::vector<std::int64_t> s;
    for (std::int64_t t = 0; t < want; ++t, ++draw) {
      const Philox4x32 x = entry_words(seed, word, draw, 4);
      const double target = uniform_closed_open(x.v[0], x.v[1]) * total;
      const auto it = std::upper_bound(prefix.begin(), prefix.end(), target);
      const std::int64_t i = it == prefix.end() ? last_positive : static_cast<std::int64_t>(it - prefix.begin());
      if (chosen[static_cast<std::size_t>(i)]) continue;  // repeats and earlier pivots
      chosen[static_cast<std::size_t>(i)] = 1;
      s.push_back(i);
    }
    const auto m = static_cast<std::int64_t>(s.size());
    sampled_columns(A, s, G);
    std::copy(G.data.begin(), G.data.end(), C.col(k));

    const int ni = blas::dim(n, "n"), mi = blas::dim(m, "block");
    if (fcols > 0) {  // G ← G − F·F[s, :]ᵀ
      DenseMatrix<double> Fs(m, fcols);
      for (std::int64_t j = 0; j < fcols; ++j)
        for (std::int64_t t = 0; t < m; ++t) Fs(t, j) = F(s[static_cast<std::size_t>(t)], j);
      blas::gemm(CblasNoTrans, CblasTrans, ni, mi, blas::dim(fcols, "k"), -1.0, F.data.data(), ni, Fs.data.data(), mi, 1.0,
                 G.data.data(), ni);
    }
    DenseMatrix<double> H(m, m);
    double block_trace = 0;
    for (std::int64_t j = 0; j < m; ++j) {
      for (std::int64_t t = 0; t < m; ++t)
        H(t, j) = 0.5 * (G(s[static_cast<std::size_t>(t)], j) + G(s[static_cast<std::size_t>(j)], t));
      block_trace += H(j, j);
    }
    // The tiny shift keeps the Cholesky of a numerically singular but PSD block from failing.
    DenseMatrix<double> R = H;
    for (std::int64_t j = 0; j < m; ++j) R(j, j) += kUnitRoundoff * block_trace;
    int info = 0;
    blas::potrf('U', mi, R.data.data(), mi, &info);
    blas::check_info(info, "potrf");
    if (info == 0) {
      blas::trsm(CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, ni, mi, 1.0, R.data.data(), mi, G.data.data(), ni);
    } else {
      // A block whose residual lost rank within the block (the last pivots of an exactly
      // low-rank A): H is PSD to rounding but singular, so the shift may not save Cholesky. Its
      // eigenvalues tell the two apart: a clearly negative one is an indefinite A; otherwise
      // F gains G·V_K·Λ_K^(−1/2) over the eigenvalues above τ·max λ (G·H_K⁺·Gᵀ, still PSD).
      const std::vector<double> w = symmetric_eigen(H);
      const double largest = std::max(std::abs(w.front()), std::abs(w.back()));
      RANDLA_EXPECTS_CODE(w.front() >= -tau * std::max(largest, diagonal_max), ErrorCode::NotPsd, "A")
          << "Expected a positive-semidefinite matrix for A but received one whose residual block has eigenvalue "
          << w.front() << " (rpcholesky, pivots from " << s.front() << ")";
      std::int64_t kept = 0;
      DenseMatrix<double> T(m, m);
      for (std::int64_t j = m - 1; j >= 0; --j) {
        const double lambda = w[static_cast<std::size_t>(j)];
        if (!(lambda > tau * largest)) break;
        const double scale = 1.0 / std::sqrt(lambda);
        for (std::int64_t i = 0; i < m; ++i) T(i, kept) = H(i, j) * scale;
        ++kept;
      }
      T.cols = kept;
      T.data.resize(static_cast<std::size_t>(m * kept));
      DenseMatrix<double> GT;
      blas::multiply(false, false, 1.0, G, T, 0.0, GT);
      G = std::move(GT);
    }
    const std::int64_t added = G.cols;
    std::copy(G.data.begin(), G.data.end(), F.col(fcols));
    for (std::int64_t i = 0; i < n; ++i) {
      double captured = 0;
      for (std::int64_t t = 0; t < added; ++t) captured += G(i, t) * G(i, t);
      d[static_cast<std::size_t>(i)] = std::max(d[static_cast<std::size_t>(i)] - captured, 0.0);
    }
    for (std::int64_t i : s) d[static_cast<std::size_t>(i)] = 0;
    out.indices.insert(out.indices.end(), s.begin(), s.end());
    k += m;
    fcols += added;
    passes.pass(static_cast<int>(m));
  }
  F.data.resize(static_cast<std::size_t>(n * fcols));
  F.cols = fcols;
  C.data.resize(static_cast<std::size_t>(n * k));
  C.cols = k;
  out.F = std::move(F);
  out.C = std::move(C);
  return out;
}

RpCholeskyResult rpcholesky(const SymmetricOperator& A, std::int64_t l, std::int64_t b, std::uint64_t seed,
                            const RunControl& control, double tolerance) {
  PassCounter passes(control, static_cast<int>(std::min<std::int64_t>(l, 1 << 30)));
  return rpcholesky(A, l, b, seed, passes, tolerance);
}

}  // namespace randla
