// Nyström driver (docs/algorithms/nystrom.md): sampling or the gaussian sketch (Tropp,
// Yurtsever, Udell, Cevher 2017, Alg. 3), method resolution, one core, then the canonical order
// and signs. Deliberate choice: `auto` falls back to the indefinite core when the psd core's
// Cholesky fails on a W that passed the PSD test (an explicit `psd` throws NotPsd instead).
#include "randla/nystrom.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/input_checks.hpp"
#include "cpu/roundoff.hpp"
#include "randla/error.hpp"
#include "randla/test_matrix.hpp"

namespace randla {
namespace {


// The r pairs of largest |value| (ties: larger value first), each vector's first largest-|.|
// entry made positive.
void canonical(NystromPairs&& pairs, std::int64_t r, NystromResult& out) {
  const std::int64_t n = pairs.vectors.rows;
  std::vector<std::int64_t> order(pairs.values.size());
  std::iota(order.begin(), order.end(), std::int64_t{0});
  const auto& v = pairs.values;
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    const double fa = std::abs(v[static_cast<std::size_t>(a)]), fb = std::abs(v[static_cast<std::size_t>(b)]);
    return fa != fb ? fa > fb : v[static_cast<std::size_t>(a)] > v[static_cast<std::size_t>(b)];
  });
  const std::int64_t k = std::min<std::int64_t>(r, static_cast<std::int64_t>(order.size()));
  out.values.resize(static_cast<std::size_t>(k));
  out.vectors = DenseMatrix<double>(n, k);
  for (std::int64_t t = 0; t < k; ++t) {
    const std::int64_t p = order[static_cast<std::size_t>(t)];
    out.values[static_cast<std::size_t>(t)] = v[static_cast<std::size_t>(p)];
    const double* src = pairs.vectors.col(p);
    std::int64_t arg = 0;
    for (std::int64_t i = 1; i < n; ++i)
      if (std::abs(src[i]) > std::abs(src[arg])) arg = i;
    const double sign = src[arg] < 0 ? -1.0 : 1.0;
    double* dst = out.vectors.col(t);
    for (std::int64_t i = 0; i < n; ++i) dst[i] = sign * src[i];
  }
}

// W's PSD test: its smallest eigenvalue >= −τ·max|λ(W)| and, when A's diagonal is known, no
// negative diagonal entry. `why` receives the reason when the test fails.
bool passes_psd_test(const SymmetricOperator& A, const std::vector<double>& w, double tau, std::string& why) {
  if (!core_eigenvalues_psd(w, tau, why)) return false;
  if (A.has_diagonal()) {
    const std::vector<double> d = A.diagonal();
    for (std::size_t i = 0; i < d.size(); ++i)
      if (d[i] < 0) {
        std::ostringstream msg;
        msg << "A(" << i << ", " << i << ") = " << d[i];
        why = msg.str();
        return false;
      }
  }
  return true;
}

}  // namespace

void symmetrize(DenseMatrix<double>& B) {
  for (std::int64_t j = 0; j < B.cols; ++j)
    for (std::int64_t i = j + 1; i < B.rows; ++i) B(i, j) = B(j, i) = 0.5 * (B(i, j) + B(j, i));
}

bool core_eigenvalues_psd(const std::vector<double>& w, double tau, std::string& why) {
  if (w.empty()) return true;
  const double largest = std::max(std::abs(w.front()), std::abs(w.back()));
  if (w.front() >= -tau * largest) return true;
  std::ostringstream msg;
  msg << "a Nystrom core W with eigenvalue " << w.front() << " (below -" << tau << " * " << largest << ")";
  why = msg.str();
  return false;
}

NystromSizes checked_nystrom_sizes(std::int64_t n, const NystromOptions& o) {
  const int sampling_id = static_cast<int>(o.sampling), method_id = static_cast<int>(o.method);
  RANDLA_EXPECTS(sampling_id >= 0 && sampling_id <= static_cast<int>(NystromSampling::Gaussian), "options.sampling")
      << "Expected 'uniform', 'quasi-uniform', 'rpcholesky' or 'gaussian' for options.sampling but received "
      << sampling_id;
  RANDLA_EXPECTS(method_id >= 0 && method_id <= static_cast<int>(NystromMethod::Scaled), "options.method")
      << "Expected 'auto', 'indefinite', 'psd' or 'scaled' for options.method but received " << method_id;
  NystromSizes z;
  z.columns = o.columns;
  z.rank = o.rank;
  const std::int64_t l = z.columns, r = z.rank;
  RANDLA_EXPECTS(l >= 1 && l <= n, "options.columns")
      << "Expected an integer in [1, " << n << "] (at most the matrix size) for options.columns but received " << l;
  RANDLA_EXPECTS(r >= 1 && r <= l, "options.rank")
      << "Expected an integer in [1, " << l << "] (at most options.columns) for options.rank but received " << r;
  z.core_rank = o.core_rank == 0 ? r : o.core_rank;
  RANDLA_EXPECTS(z.core_rank >= r && z.core_rank <= l, "options.coreRank")
      << "Expected an integer in [" << r << ", " << l << "] for options.coreRank but received " << o.core_rank;
  RANDLA_EXPECTS(std::isfinite(o.core_tolerance) && o.core_tolerance < 1, "options.coreTolerance")
      << "Expected a number below 1 (negative: the default 10*l*u) for options.coreTolerance but received "
      << o.core_tolerance;
  z.tau = o.core_tolerance < 0 ? 10.0 * static_cast<double>(l) * kUnitRoundoff : o.core_tolerance;
  RANDLA_EXPECTS(o.block_size >= 0, "options.blockSize")
      << "Expected an integer >= 1 (0: ceil(columns / 10)) for options.blockSize but received " << o.block_size;
  z.block = o.block_size == 0 ? (l + 9) / 10 : o.block_size;
  if (o.sampling == NystromSampling::QuasiUniform) {
    RANDLA_EXPECTS(o.coords.data != nullptr, "options.coords")
        << "Expected n x d coordinates for options.coords (quasi-uniform sampling) but received none";
    RANDLA_EXPECTS(o.coords.rows == n && o.coords.cols >= 1, "options.coords")
        << "Expected " << n << " x d (d >= 1) for options.coords but received " << o.coords.rows << " x "
        << o.coords.cols;
  }
  return z;
}

void sampled_columns(const SymmetricOperator& A, const std::vector<std::int64_t>& idx, DenseMatrix<double>& out) {
  const std::int64_t n = A.size(), m = static_cast<std::int64_t>(idx.size());
  A.columns(idx, out);
  RANDLA_EXPECTS_CODE(out.rows == n && out.cols == m && static_cast<std::int64_t>(out.data.size()) == n * m,
                      ErrorCode::Shape, "A.columns")
      << "Expected " << n << " x " << m << " columns for A.columns but received " << out.rows << " x " << out.cols;
  for (std::int64_t j = 0; j < m; ++j)
    for (std::int64_t i = 0; i < n; ++i)
      if (!std::isfinite(out(i, j))) detail::throw_not_finite("A.columns", out(i, j), i, idx[static_cast<std::size_t>(j)]);
}

NystromResult nystrom(const SymmetricOperator& A, const NystromOptions& o, const RunControl& control) {
  const std::int64_t n = A.size();
  RANDLA_EXPECTS_CODE(n >= 1, ErrorCode::Shape, "A") << "Expected a non-empty matrix for A but received size " << n;
  const NystromSizes z = checked_nystrom_sizes(n, o);
  const std::int64_t l = z.columns, r = z.rank, core_rank = z.core_rank, block = z.block;
  const double tau = z.tau;
  const bool gaussian = o.sampling == NystromSampling::Gaussian;
  if (gaussian) {
    RANDLA_EXPECTS(A.has_product(), "A")
        << "Expected a dense matrix or a kernel for A (gaussian sampling needs A*X) but received an operator";
    RANDLA_EXPECTS(o.method != NystromMethod::Scaled, "options.method")
        << "Expected 'auto', 'indefinite' or 'psd' for options.method with gaussian sampling but received 'scaled'";
  }
  A.expect_finite("A");

  PassCounter passes(control, gaussian ? 1 : static_cast<int>(l));
  NystromResult result;
  DenseMatrix<double> C, omega;
  if (o.sampling == NystromSampling::RpCholesky) {
    RpCholeskyResult rp = rpcholesky(A, l, block, o.seed, passes, tau);
    result.indices = std::move(rp.indices);
    if (o.method == NystromMethod::Auto || o.method == NystromMethod::Psd) {
      result.method = NystromMethod::Psd;
      result.columns = static_cast<std::int64_t>(result.indices.size());
      canonical(nystrom_factor_core(rp.F), r, result);
      return result;
    }
    C = std::move(rp.C);
  } else if (gaussian) {
    TestMatrixSpec spec;
    spec.kind = TestMatrixKind::Gaussian;
    spec.seed = o.seed;
    spec.stream = Stream::NystromSketch;
    spec.rows = n;
    spec.cols = l;
    omega = DenseMatrix<double>(n, l);
    fill_test_matrix(omega.view(), spec);
    A.product(omega, C);
    RANDLA_EXPECTS_CODE(C.rows == n && C.cols == l, ErrorCode::Shape, "A")
        << "Expected an " << n << " x " << l << " product for A*X but received " << C.rows << " x " << C.cols;
    for (std::int64_t j = 0; j < l; ++j)
      for (std::int64_t i = 0; i < n; ++i)
        if (!std::isfinite(C(i, j))) detail::throw_not_finite("A", C(i, j), i, j);
    passes.pass();
  } else {
    result.indices = o.sampling == NystromSampling::Uniform ? uniform_columns(n, l, o.seed)
                                                            : quasi_uniform_columns(o.coords, l, o.seed);
    sampled_columns(A, result.indices, C);
    passes.pass(static_cast<int>(l));
  }
  result.columns = gaussian ? l : static_cast<std::int64_t>(result.indices.size());
  const std::int64_t k = C.cols;

  // W = sym(C[S, :]), or sym(Ωᵀ·Y) for the sketch.
  DenseMatrix<double> W(k, k);
  if (gaussian) {
    blas::multiply(true, false, 1.0, omega, C, 0.0, W);
  } else {
    for (std::int64_t j = 0; j < k; ++j)
      for (std::int64_t t = 0; t < k; ++t) W(t, j) = C(result.indices[static_cast<std::size_t>(t)], j);
  }
  symmetrize(W);
  std::vector<double> w;
  DenseMatrix<double> V = W;
  const bool needs_eigen = o.method == NystromMethod::Indefinite || o.method == NystromMethod::Scaled || !A.known_psd();
  if (needs_eigen) w = symmetric_eigen(V);

  NystromMethod method = o.method;
  if (method == NystromMethod::Auto || method == NystromMethod::Psd) {
    std::string why;
    const bool psd = A.known_psd() || passes_psd_test(A, w, tau, why);
    if (method == NystromMethod::Psd) {
      RANDLA_EXPECTS_CODE(psd, ErrorCode::NotPsd, "A")
          << "Expected a positive-semidefinite matrix for A (method 'psd') but received " << why;
    }
    method = psd ? NystromMethod::Psd : NystromMethod::Indefinite;
  }
  passes.check();
  result.method = method;
  if (method == NystromMethod::Psd) {
    try {
      canonical(nystrom_psd_core(C, gaussian ? nullptr : &result.indices, gaussian ? &omega : nullptr), r, result);
      return result;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::NotPsd || o.method != NystromMethod::Auto) throw;
      if (w.empty() && k > 0) w = symmetric_eigen(V);
      result.method = method = NystromMethod::Indefinite;
    }
  }
  if (method == NystromMethod::Indefinite) {
    canonical(nystrom_indefinite_core(C, w, V, core_rank, tau, r), r, result);
  } else {
    canonical(nystrom_scaled_core(C, w, V, core_rank, tau), r, result);
  }
  return result;
}

}  // namespace randla
