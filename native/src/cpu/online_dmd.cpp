// Online and windowed DMD: Zhang, Rowley, Deem, Cattafesta, "Online dynamic mode decomposition
// for time-varying systems", SIAM J. Appl. Dyn. Syst. 18(3), 2019, Algorithm 1 (online, with the
// exponential weighting of §3.2) and Algorithm 2 (window). Both keep A = Y·W·Xᵀ·P with
// P = (X·W·Xᵀ)⁻¹ exact by Sherman–Morrison: O(n²) per pair instead of a new least-squares fit.
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/dmd_internal.hpp"
#include "randla/dmd.hpp"
#include "randla/error.hpp"

extern "C" void dpotri_(const char* uplo, const int* n, double* a, const int* lda, int* info, std::size_t uplo_len);

namespace randla {
namespace {

void check_pair(const double* x, const double* y, std::int64_t n) {
  RANDLA_EXPECTS_CODE(x != nullptr && y != nullptr, ErrorCode::Shape, "x")
      << "Expected two vectors of " << n << " values for x and y but received none";
  for (std::int64_t i = 0; i < n; ++i) {
    RANDLA_EXPECTS_CODE(std::isfinite(x[i]), ErrorCode::NotFinite, "x")
        << "Expected finite values in x but received " << x[i] << " at " << i;
    RANDLA_EXPECTS_CODE(std::isfinite(y[i]), ErrorCode::NotFinite, "y")
        << "Expected finite values in y but received " << y[i] << " at " << i;
  }
}

// P = G⁻¹ for the symmetric G (n x n, overwritten: both triangles filled); false when G is not
// positive definite.
bool invert_spd(DenseMatrix<double>& G) {
  const int n = blas::dim(G.rows, "n"), lda = std::max(1, n);
  int info = 0;
  blas::potrf('L', n, G.data.data(), lda, &info);
  if (info != 0) return false;
  const char uplo = 'L';
  dpotri_(&uplo, &n, G.data.data(), &lda, &info, 1);
  if (info != 0) return false;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < j; ++i) G(i, j) = G(j, i);
  return true;
}

// The two O(n²) kernels are compiled for AVX-512, AVX2 and the baseline, picked at load time
// (GCC function multiversioning): the baseline build has only SSE2, a quarter of AVX-512's width.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define RANDLA_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define RANDLA_VECTOR_CLONES
#endif

// y = M·x for the n x n col-major M, as column axpys (contiguous, vectorised).
RANDLA_VECTOR_CLONES void multiply(const DenseMatrix<double>& M, const double* x, double* y) {
  const std::int64_t n = M.rows;
  std::fill(y, y + n, 0.0);
  for (std::int64_t j = 0; j < n; ++j) {
    const double xj = x[j];
    const double* c = M.col(j);
    for (std::int64_t i = 0; i < n; ++i) y[i] += c[i] * xj;
  }
}

// M += alpha·u·vᵀ.
RANDLA_VECTOR_CLONES void rank_one(DenseMatrix<double>& M, double alpha, const double* u, const double* v) {
  const std::int64_t n = M.rows;
  for (std::int64_t j = 0; j < n; ++j) {
    const double s = alpha * v[j];
    double* c = M.col(j);
    for (std::int64_t i = 0; i < n; ++i) c[i] += u[i] * s;
  }
}

std::vector<std::complex<double>> ordered_eigs(const DenseMatrix<double>& A) {
  dmd_detail::Eigen e = dmd_detail::eigen<double>(A);
  dmd_detail::normalize_and_order(e);
  return e.values;
}

}  // namespace

// --- OnlineDmd ---

OnlineDmd::OnlineDmd(std::int64_t n, double weighting) : n_(n), rho_(weighting) {
  RANDLA_EXPECTS(n >= 1 && n <= 65536, "n") << "Expected an integer in [1, 65536] for the state size n but received " << n;
  RANDLA_EXPECTS(weighting > 0 && weighting <= 1, "options.weighting")
      << "Expected a number in (0, 1] for options.weighting but received " << weighting;
  px_.resize(static_cast<std::size_t>(n));
  ax_.resize(static_cast<std::size_t>(n));
}

bool OnlineDmd::try_initialize() {
  const std::int64_t n = n_, k = pairs_;
  // Weights ρ^(k−1−i) for pair i: applied as √w to both X and Y columns, G = X̃X̃ᵀ, C = ỸX̃ᵀ.
  DenseMatrix<double> Xw(n, k), Yw(n, k);
  for (std::int64_t i = 0; i < k; ++i) {
    const double s = std::sqrt(std::pow(rho_, static_cast<double>(k - 1 - i)));
    for (std::int64_t r = 0; r < n; ++r) {
      Xw(r, i) = s * xs_[static_cast<std::size_t>(r + i * n)];
      Yw(r, i) = s * ys_[static_cast<std::size_t>(r + i * n)];
    }
  }
  DenseMatrix<double> G = dmd_detail::product<double>('N', Xw, 'T', Xw);
  if (!invert_spd(G)) return false;
  P_ = std::move(G);
  // A = Ỹ·X̃ᵀ·P, the initial batch fit (Algorithm 1, step 1).
  A_ = dmd_detail::product<double>('N', dmd_detail::product<double>('N', Yw, 'T', Xw), 'N', P_);
  ready_ = true;
  xs_.clear();
  xs_.shrink_to_fit();
  ys_.clear();
  ys_.shrink_to_fit();
  return true;
}

void OnlineDmd::update(const double* x, const double* y) {
  check_pair(x, y, n_);
  const int n = static_cast<int>(n_);
  ++pairs_;
  if (!ready_) {
    xs_.insert(xs_.end(), x, x + n_);
    ys_.insert(ys_.end(), y, y + n_);
    if (pairs_ >= n_) try_initialize();
    return;
  }
  // The O(n²) steps are plain vectorised loops, not BLAS: at n ~ 200 a threaded level-2 BLAS call
  // costs more in hand-offs than it saves (measured: 2 BLAS threads were 2.5x slower than 1), and
  // the loops give the same bits on any thread count. P is kept whole and exactly symmetric:
  // every update subtracts px_i·px_j, the same number in (i, j) and (j, i).
  // Px, then the gain g = Px/(ρ + xᵀPx), which is the new P times x.
  multiply(P_, x, px_.data());
  double xpx = 0;
  for (int i = 0; i < n; ++i) xpx += x[i] * px_[static_cast<std::size_t>(i)];
  const double denom = rho_ + xpx;
  // e = y − A·x, then A += e·gᵀ.
  multiply(A_, x, ax_.data());
  for (int i = 0; i < n; ++i) ax_[static_cast<std::size_t>(i)] = y[i] - ax_[static_cast<std::size_t>(i)];
  rank_one(A_, 1.0 / denom, ax_.data(), px_.data());
  // P ← (P − Px·Pxᵀ/denom)/ρ.
  rank_one(P_, -1.0 / denom, px_.data(), px_.data());
  if (rho_ != 1.0)
    for (double& v : P_.data) v /= rho_;
}

const DenseMatrix<double>& OnlineDmd::op() const {
  RANDLA_EXPECTS(ready_, "pairs") << "Expected at least " << n_ << " pairs whose weighted X·W·Xᵀ is invertible before "
                                  << "the operator exists but received " << pairs_;
  return A_;
}

std::vector<std::complex<double>> OnlineDmd::eigs() const { return ordered_eigs(op()); }

// --- WindowDmd ---

WindowDmd::WindowDmd(std::int64_t n, std::int64_t window) : n_(n), w_(window) {
  RANDLA_EXPECTS(n >= 1 && n <= 65536, "n") << "Expected an integer in [1, 65536] for the state size n but received " << n;
  RANDLA_EXPECTS(window >= n && window <= 1000000, "options.window")
      << "Expected an integer in [" << n << ", 1000000] (at least the state size) for options.window but received "
      << window;
  xs_.resize(static_cast<std::size_t>(n * window));
  ys_.resize(static_cast<std::size_t>(n * window));
  px_.resize(static_cast<std::size_t>(n));
  ax_.resize(static_cast<std::size_t>(n));
}

// sign +1 adds the pair, −1 removes it: G ± x·xᵀ, P ∓ Px·Pxᵀ/(1 ± xᵀPx), A ± (y − A·x)·(Px)ᵀ/(1 ± xᵀPx).
void WindowDmd::add(const double* x, const double* y, double sign) {
  const int n = static_cast<int>(n_);
  multiply(P_, x, px_.data());
  double xpx = 0;
  for (int i = 0; i < n; ++i) xpx += x[i] * px_[static_cast<std::size_t>(i)];
  const double denom = 1.0 + sign * xpx;
  RANDLA_EXPECTS(denom != 0 && std::isfinite(denom), "x")
      << "Expected window pairs whose X·Xᵀ stays invertible when the oldest leaves but received a singular window";
  multiply(A_, x, ax_.data());
  for (int i = 0; i < n; ++i) ax_[static_cast<std::size_t>(i)] = y[i] - ax_[static_cast<std::size_t>(i)];
  rank_one(A_, sign / denom, ax_.data(), px_.data());
  rank_one(P_, -sign / denom, px_.data(), px_.data());
}

void WindowDmd::update(const double* x, const double* y) {
  check_pair(x, y, n_);
  const std::int64_t slot = pairs_ % w_;
  double* xo = xs_.data() + slot * n_;
  double* yo = ys_.data() + slot * n_;
  ++pairs_;
  if (!ready_) {
    std::copy(x, x + n_, xo);
    std::copy(y, y + n_, yo);
    if (pairs_ < w_) return;
    // The first full window: the batch fit (Algorithm 2, step 1).
    DenseMatrix<double> X(n_, w_), Y(n_, w_);
    std::copy(xs_.begin(), xs_.end(), X.data.begin());
    std::copy(ys_.begin(), ys_.end(), Y.data.begin());
    DenseMatrix<double> G = dmd_detail::product<double>('N', X, 'T', X);
    RANDLA_EXPECTS(invert_spd(G), "x") << "Expected the first " << w_ << " pairs to have an invertible X·Xᵀ (rank "
                                        << n_ << ") but received a singular window";
    P_ = std::move(G);
    A_ = dmd_detail::product<double>('N', dmd_detail::product<double>('N', Y, 'T', X), 'N', P_);
    ready_ = true;
    return;
  }
  // The new pair joins, then the oldest (in this slot) leaves: in this order X·Xᵀ stays
  // invertible even when the window equals n.
  add(x, y, +1.0);
  add(xo, yo, -1.0);
  std::copy(x, x + n_, xo);
  std::copy(y, y + n_, yo);
}

const DenseMatrix<double>& WindowDmd::op() const {
  RANDLA_EXPECTS(ready_, "pairs") << "Expected " << w_ << " pairs (a full window) before the operator exists but "
                                  << "received " << pairs_;
  return A_;
}

std::vector<std::complex<double>> WindowDmd::eigs() const { return ordered_eigs(op()); }

}  // namespace randla
