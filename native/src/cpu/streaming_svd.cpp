// Single-pass streaming SVD: Tropp, Yurtsever, Udell, Cevher, SISC 2019, Algorithms 4.1–4.4
// (sketch, linear update, Â = QCPᵀ, fixed-rank truncation). Deviation: sketches accumulate in f64
// whatever the block dtype; block products run in the block's precision (sgemm for f32).
#include "randla/streaming_svd.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstddef>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

#include "cpu/blas_lapack.hpp"
#include "randla/philox.hpp"
#include "randla/test_matrix.hpp"

namespace randla {
namespace {

// Rows of a block processed together: bounds the temporaries (rows x (2k + 2s) entries) to about
// 8 MB of f64 whatever size of block the caller passes.
std::int64_t chunk_rows(std::int64_t k, std::int64_t s) {
  return std::clamp<std::int64_t>((std::int64_t{1} << 20) / (2 * k + 2 * s), 64, 4096);
}

// Rows [begin, end) of a view, as a view.
template <class T>
MatrixView<const T> row_slice(MatrixView<const T> A, std::int64_t begin, std::int64_t end) {
  const T* data = A.layout == Layout::ColMajor ? A.data + begin : A.data + begin * A.ld;
  return {data, end - begin, A.cols, A.ld, A.layout};
}

// out (rows x cols, col-major) = op(A)·B for op(A) = A or Aᵀ, B col-major (ldb).
template <class T>
void multiply(MatrixView<const T> A, bool transpose, const T* B, std::int64_t ldb, std::int64_t cols, T* out) {
  const auto a = blas::operand(A, transpose);
  const std::int64_t rows = transpose ? A.cols : A.rows, inner = transpose ? A.rows : A.cols;
  blas::gemm(a.op, CblasNoTrans, blas::dim(rows, "rows"), blas::dim(cols, "cols"), blas::dim(inner, "inner"), T(1),
             a.data, a.ld, B, blas::dim(std::max<std::int64_t>(1, ldb), "ldb"), T(0), out,
             blas::dim(std::max<std::int64_t>(1, rows), "ldc"));
}

// x (f64) += y (T), elementwise over n entries.
template <class T>
void accumulate(double* x, const T* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) x[i] += static_cast<double>(y[i]);
}

// Rows [row0, row0 + out.rows) of the Gaussian test matrix of `stream`, rounded to T as the
// updates saw it, then widened to f64 for the small dense algebra of finalize().
template <class T>
void fill_as_seen(MatrixView<double> out, std::uint64_t seed, Stream stream, std::int64_t row0) {
  if constexpr (std::is_same_v<T, double>) {
    fill_test_matrix(out, TestMatrixKind::Gaussian, seed, stream, row0, 0);
  } else {
    DenseMatrix<T> tmp(out.rows, out.cols);
    fill_test_matrix(tmp.view(), TestMatrixKind::Gaussian, seed, stream, row0, 0);
    for (std::int64_t j = 0; j < out.cols; ++j)
      for (std::int64_t i = 0; i < out.rows; ++i) out(i, j) = static_cast<double>(tmp(i, j));
  }
}

// Gᵀ·B (s x k) for the test matrix Gᵀ (dim x s) of `stream` and B (dim x k, col-major), with Gᵀ
// generated in blocks of rows so that it never exists whole (Φᵀ is m x s).
template <class T>
std::vector<double> project(std::uint64_t seed, Stream stream, std::int64_t dim, std::int64_t s, const double* B,
                            std::int64_t k) {
  std::vector<double> out(static_cast<std::size_t>(s * k), 0.0);
  const std::int64_t step = chunk_rows(k, s);
  DenseMatrix<double> g(std::min(step, dim), s);
  for (std::int64_t i0 = 0; i0 < dim; i0 += step) {
    const std::int64_t rows = std::min(step, dim - i0);
    MatrixView<double> block{g.data.data(), rows, s, rows, Layout::ColMajor};
    fill_as_seen<T>(block, seed, stream, i0);
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, blas::dim(s, "s"), blas::dim(k, "k"), blas::dim(rows, "rows"),
                1.0, block.data, blas::dim(rows, "rows"), B + i0, blas::dim(dim, "dim"), 1.0, out.data(),
                blas::dim(s, "s"));
  }
  return out;
}

// The least-squares solution X (k x c) of M·X ≈ B for M (s x k, s >= k, full column rank) and
// B (s x c), both col-major: X = R⁻¹·Q₁ᵀ·B from the Householder QR M = Q₁R (never an inverse).
std::vector<double> least_squares(std::vector<double> M, std::int64_t s, std::int64_t k, const double* B,
                                  std::int64_t c) {
  const int is = blas::dim(s, "s"), ik = blas::dim(k, "k"), ic = blas::dim(c, "c");
  std::vector<double> tau(static_cast<std::size_t>(k));
  int info = 0, lwork = -1;
  double query = 0;
  blas::geqrf(is, ik, M.data(), is, tau.data(), &query, lwork, &info);
  blas::check_info(info, "geqrf");
  lwork = std::max({1, ik, static_cast<int>(query)});
  std::vector<double> work(static_cast<std::size_t>(lwork));
  blas::geqrf(is, ik, M.data(), is, tau.data(), work.data(), lwork, &info);
  blas::check_info(info, "geqrf");
  std::vector<double> R(static_cast<std::size_t>(k * k), 0.0);
  for (std::int64_t j = 0; j < k; ++j)
    for (std::int64_t i = 0; i <= j; ++i) R[static_cast<std::size_t>(i + j * k)] = M[static_cast<std::size_t>(i + j * s)];
  blas::orgqr(is, ik, ik, M.data(), is, tau.data(), &query, -1, &info);
  blas::check_info(info, "orgqr");
  lwork = std::max(lwork, static_cast<int>(query));
  work.resize(static_cast<std::size_t>(lwork));
  blas::orgqr(is, ik, ik, M.data(), is, tau.data(), work.data(), lwork, &info);
  blas::check_info(info, "orgqr");
  std::vector<double> X(static_cast<std::size_t>(k * c));
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, ik, ic, is, 1.0, M.data(), is, B, is, 0.0, X.data(), ik);
  cblas_dtrsm(CblasColMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit, ik, ic, 1.0, R.data(), ik, X.data(), ik);
  return X;
}

void expect_sizes(std::int64_t rows, std::int64_t cols, std::int64_t rank, std::int64_t k, std::int64_t s) {
  RANDLA_EXPECTS_CODE(rows >= 1 && cols >= 1, ErrorCode::Shape, "rows")
      << "Expected at least 1 row and 1 column for the sketched matrix but received " << rows << " x " << cols;
  // Row indices of A address Philox counters exactly up to 2^53; BLAS dimensions are 32-bit.
  RANDLA_EXPECTS_CODE(rows <= INT_MAX && cols <= INT_MAX, ErrorCode::Shape, "rows")
      << "Expected at most " << INT_MAX << " rows and columns but received " << rows << " x " << cols;
  const std::int64_t min_dim = std::min(rows, cols);
  RANDLA_EXPECTS(rank >= 1 && rank <= min_dim, "rank")
      << "Expected an integer in [1, " << min_dim << "] for rank but received " << rank;
  RANDLA_EXPECTS(k >= rank && k <= min_dim, "range_size")
      << "Expected an integer in [rank, min(rows, cols)] = [" << rank << ", " << min_dim
      << "] for range_size but received " << k;
  RANDLA_EXPECTS(s >= k && s <= min_dim, "core_size")
      << "Expected an integer in [range_size, min(rows, cols)] = [" << k << ", " << min_dim
      << "] for core_size but received " << s;
}

[[noreturn]] void out_of_memory(std::int64_t rows, std::int64_t cols, std::int64_t k, std::int64_t s) {
  throw Error(ErrorCode::OutOfMemory,
              "Out of memory: the streaming sketch of a " + std::to_string(rows) + " x " + std::to_string(cols) +
                  " matrix with range size " + std::to_string(k) + " and core size " + std::to_string(s) +
                  " needs more memory than is available",
              "rows");
}

}  // namespace

std::int64_t default_range_size(std::int64_t rank, std::int64_t rows, std::int64_t cols) {
  return std::min(4 * rank + 1, std::min(rows, cols));
}

std::int64_t default_core_size(std::int64_t range_size, std::int64_t rows, std::int64_t cols) {
  return std::min(2 * range_size + 1, std::min(rows, cols));
}

template <class T>
StreamingSvd<T>::StreamingSvd(std::int64_t rows, std::int64_t cols, std::int64_t rank, std::int64_t range_size,
                              std::int64_t core_size, std::uint64_t seed)
    : rows_(rows), cols_(cols), rank_(rank), k_(range_size), s_(core_size), seed_(seed) {
  expect_sizes(rows, cols, rank, range_size, core_size);
  try {
    Y_.assign(static_cast<std::size_t>(rows * k_), 0.0);
    Xt_.assign(static_cast<std::size_t>(cols * k_), 0.0);
    Z_.assign(static_cast<std::size_t>(s_ * s_), 0.0);
  } catch (const std::bad_alloc&) {
    out_of_memory(rows_, cols_, k_, s_);
  }
}

template <class T>
void StreamingSvd<T>::ensure_test_matrices() {
  if (omega_.rows != 0) return;
  DenseMatrix<T> omega(cols_, k_), psi_t(cols_, s_);
  fill_test_matrix(omega.view(), TestMatrixKind::Gaussian, seed_, Stream::StreamingRange);
  fill_test_matrix(psi_t.view(), TestMatrixKind::Gaussian, seed_, Stream::StreamingCoreRight);
  omega_ = std::move(omega);
  psi_t_ = std::move(psi_t);
}

template <class T>
void StreamingSvd<T>::update(MatrixView<const T> block, std::int64_t row_offset, bool check_finite) {
  RANDLA_EXPECTS_CODE(block.rows >= 1 && block.cols == cols_, ErrorCode::Shape, "block")
      << "Expected a block of at least 1 row and " << cols_ << " columns for block but received " << block.rows
      << " x " << block.cols;
  RANDLA_EXPECTS(block.data != nullptr, "block") << "Expected data for block but received a null pointer";
  const std::int64_t min_ld = block.layout == Layout::ColMajor ? block.rows : block.cols;
  RANDLA_EXPECTS_CODE(block.ld >= min_ld, ErrorCode::Shape, "block")
      << "Expected a leading dimension >= " << min_ld << " for block but received " << block.ld;
  RANDLA_EXPECTS(row_offset >= 0 && row_offset <= rows_ - block.rows, "row_offset")
      << "Expected an integer in [0, " << rows_ - block.rows << "] for row_offset (a block of " << block.rows
      << " rows of a " << rows_ << "-row matrix) but received " << row_offset;
  if (check_finite) expect_finite(block, "block");
  try {
    ensure_test_matrices();
    const std::int64_t b = block.rows, n = cols_, k = k_, s = s_;
    const std::int64_t step = std::min(b, chunk_rows(k, s));
    // Temporaries in the block's precision: products run there (sgemm for f32), sums in f64.
    std::vector<T> upsilon_t(static_cast<std::size_t>(step * k)), phi_t(static_cast<std::size_t>(step * s));
    std::vector<T> yb(static_cast<std::size_t>(step * k)), w(static_cast<std::size_t>(step * s));
    std::vector<T> xt(static_cast<std::size_t>(n * k)), z(static_cast<std::size_t>(s * s));
    for (std::int64_t c0 = 0; c0 < b; c0 += step) {
      const std::int64_t rows = std::min(step, b - c0), row0 = row_offset + c0;
      const MatrixView<const T> B = row_slice(block, c0, c0 + rows);
      // Y[rows] += B·Ω
      multiply(B, false, omega_.data.data(), n, k, yb.data());
      for (std::int64_t j = 0; j < k; ++j)
        accumulate(Y_.data() + row0 + j * rows_, yb.data() + j * rows, static_cast<std::size_t>(rows));
      // Xᵀ += Bᵀ·Υᵀ[rows]  (X += Υ[:, rows]·B)
      fill_test_matrix(dense_view(upsilon_t.data(), rows, k, Layout::ColMajor), TestMatrixKind::Gaussian, seed_,
                       Stream::StreamingCoRange, row0, 0);
      multiply(B, true, upsilon_t.data(), rows, k, xt.data());
      accumulate(Xt_.data(), xt.data(), xt.size());
      // Z += Φ[:, rows]·(B·Ψᵀ)
      multiply(B, false, psi_t_.data.data(), n, s, w.data());
      fill_test_matrix(dense_view(phi_t.data(), rows, s, Layout::ColMajor), TestMatrixKind::Gaussian, seed_,
                       Stream::StreamingCoreLeft, row0, 0);
      multiply(dense_view<const T>(phi_t.data(), rows, s, Layout::ColMajor), true, w.data(), rows, s, z.data());
      accumulate(Z_.data(), z.data(), z.size());
    }
  } catch (const std::bad_alloc&) {
    out_of_memory(rows_, cols_, k_, s_);
  }
}

template <class T>
void StreamingSvd<T>::merge(const StreamingSvd& other) {
  const auto mismatch = [&](const char* what, auto mine, auto theirs) {
    throw Error(ErrorCode::InvalidArgument,
                std::string("Expected the same ") + what + " for other but received " + std::to_string(theirs) +
                    " (this sketch has " + std::to_string(mine) + ")",
                "other");
  };
  if (other.rows_ != rows_) mismatch("rows", rows_, other.rows_);
  if (other.cols_ != cols_) mismatch("cols", cols_, other.cols_);
  if (other.rank_ != rank_) mismatch("rank", rank_, other.rank_);
  if (other.k_ != k_) mismatch("range_size", k_, other.k_);
  if (other.s_ != s_) mismatch("core_size", s_, other.s_);
  if (other.seed_ != seed_) mismatch("seed", seed_, other.seed_);
  for (std::size_t i = 0; i < Y_.size(); ++i) Y_[i] += other.Y_[i];
  for (std::size_t i = 0; i < Xt_.size(); ++i) Xt_[i] += other.Xt_[i];
  for (std::size_t i = 0; i < Z_.size(); ++i) Z_[i] += other.Z_[i];
}

template <class T>
void StreamingSvd<T>::restore(std::vector<double> range, std::vector<double> corange, std::vector<double> core) {
  const auto expect = [](const std::vector<double>& v, std::int64_t rows, std::int64_t cols, const char* name) {
    RANDLA_EXPECTS_CODE(static_cast<std::int64_t>(v.size()) == rows * cols, ErrorCode::Shape, name)
        << "Expected " << rows << " x " << cols << " = " << rows * cols << " entries for " << name
        << " but received " << v.size();
    for (std::size_t i = 0; i < v.size(); ++i) {
      RANDLA_EXPECTS_CODE(std::isfinite(v[i]), ErrorCode::NotFinite, name)
          << "Expected finite values for " << name << " but received " << v[i] << " at entry " << i;
    }
  };
  expect(range, rows_, k_, "range");
  expect(corange, cols_, k_, "corange");
  expect(core, s_, s_, "core");
  Y_ = std::move(range);
  Xt_ = std::move(corange);
  Z_ = std::move(core);
}

template <class T>
RsvdResult<T> StreamingSvd<T>::finalize(std::int64_t rank) const {
  const std::int64_t r = rank == 0 ? rank_ : rank;
  RANDLA_EXPECTS(r >= 1 && r <= k_, "rank")
      << "Expected an integer in [1, " << k_ << "] (the range size) for rank but received " << rank;
  const std::int64_t m = rows_, n = cols_, k = k_, s = s_;
  try {
    // Q = orth(Y), P = orth(Xᵀ) (Alg. 4.3, lines 2–3).
    std::vector<double> Q(Y_), P(Xt_);
    blas::thin_q(blas::dim(m, "m"), blas::dim(k, "k"), Q.data(), blas::dim(m, "m"));
    blas::thin_q(blas::dim(n, "n"), blas::dim(k, "k"), P.data(), blas::dim(n, "n"));
    // C = (ΦQ)⁺·Z·((ΨP)⁺)ᵀ by two least-squares solves: W = (ΦQ)⁺Z (k x s), then
    // Cᵀ = (ΨP)⁺·Wᵀ (k x k).
    const std::vector<double> phi_q = project<T>(seed_, Stream::StreamingCoreLeft, m, s, Q.data(), k);
    const std::vector<double> psi_p = project<T>(seed_, Stream::StreamingCoreRight, n, s, P.data(), k);
    const std::vector<double> W = least_squares(phi_q, s, k, Z_.data(), s);
    std::vector<double> Wt(static_cast<std::size_t>(s * k));
    for (std::int64_t j = 0; j < s; ++j)
      for (std::int64_t i = 0; i < k; ++i) Wt[static_cast<std::size_t>(j + i * s)] = W[static_cast<std::size_t>(i + j * k)];
    const std::vector<double> Ct = least_squares(psi_p, s, k, Wt.data(), k);
    std::vector<double> C(static_cast<std::size_t>(k * k));
    for (std::int64_t j = 0; j < k; ++j)
      for (std::int64_t i = 0; i < k; ++i) C[static_cast<std::size_t>(i + j * k)] = Ct[static_cast<std::size_t>(j + i * k)];

    // C = U_C·diag(σ)·V_Cᵀ; the rank-r truncation of Â = QCPᵀ is (Q·U_C,r)·diag(σ_r)·(P·V_C,r)ᵀ
    // (Alg. 4.4).
    const int ik = blas::dim(k, "k"), ir = blas::dim(r, "r");
    blas::SvdFactors f = blas::svd(ik, ik, C.data(), ik);
    std::vector<double> Vc(static_cast<std::size_t>(k * r));  // first r columns of V_C
    for (std::int64_t j = 0; j < r; ++j)
      for (std::int64_t i = 0; i < k; ++i) Vc[static_cast<std::size_t>(i + j * k)] = f.Vt[static_cast<std::size_t>(j + i * k)];
    std::vector<double> U(static_cast<std::size_t>(m * r)), V(static_cast<std::size_t>(n * r));
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, blas::dim(m, "m"), ir, ik, 1.0, Q.data(),
                blas::dim(m, "m"), f.U.data(), ik, 0.0, U.data(), blas::dim(m, "m"));
    Q = {};
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, blas::dim(n, "n"), ir, ik, 1.0, P.data(),
                blas::dim(n, "n"), Vc.data(), ik, 0.0, V.data(), blas::dim(n, "n"));

    RsvdResult<T> out;
    out.rows = m;
    out.cols = n;
    out.rank = r;
    out.power_iters = 0;
    // + 0.0: gesdd may return −0 for a zero singular value (an empty sketch); S is non-negative.
    for (std::int64_t j = 0; j < r; ++j) out.S.push_back(f.s[static_cast<std::size_t>(j)] + 0.0);
    out.U.resize(static_cast<std::size_t>(m * r));
    out.Vt.resize(static_cast<std::size_t>(r * n));
    for (std::int64_t j = 0; j < r; ++j) {
      // Sign rule (scikit-learn svd_flip, u-based), decided in f64 as rsvd() does.
      const double* u = U.data() + j * m;
      std::int64_t arg = 0;
      for (std::int64_t i = 1; i < m; ++i)
        if (std::abs(u[i]) > std::abs(u[arg])) arg = i;
      const double sign = u[arg] < 0 ? -1.0 : 1.0;
      for (std::int64_t i = 0; i < m; ++i) out.U[static_cast<std::size_t>(i * r + j)] = static_cast<T>(sign * u[i]);
      const double* v = V.data() + j * n;
      for (std::int64_t c = 0; c < n; ++c) out.Vt[static_cast<std::size_t>(j * n + c)] = static_cast<T>(sign * v[c]);
    }
    return out;
  } catch (const std::bad_alloc&) {
    out_of_memory(rows_, cols_, k_, s_);
  }
}

template class StreamingSvd<float>;
template class StreamingSvd<double>;

}  // namespace randla
