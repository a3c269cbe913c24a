// The inputs of Nyström (docs/algorithms/nystrom.md): a dense symmetric view and the rbf /
// laplacian kernel matrices of a point set, whose columns are computed and never stored whole.
#include "randla/symmetric_operator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/input_checks.hpp"
#include "randla/error.hpp"
#include "randla/threads.hpp"

namespace randla {
namespace {

// Columns of A handled at once by the blocked products: n x 256 f64 of workspace.
constexpr std::int64_t kProductBlock = 256;

void expect_indices(const std::vector<std::int64_t>& idx, std::int64_t n) {
  for (std::size_t t = 0; t < idx.size(); ++t) {
    RANDLA_EXPECTS(idx[t] >= 0 && idx[t] < n, "indices")
        << "Expected column indices in [0, " << n << ") for indices but received " << idx[t] << " at position " << t;
  }
}

void expect_product_shape(const DenseMatrix<double>& X, std::int64_t n) {
  RANDLA_EXPECTS_CODE(X.rows == n, ErrorCode::Shape, "X")
      << "Expected " << n << " rows for X but received " << X.rows;
}

}  // namespace

std::vector<double> SymmetricOperator::diagonal() const {
  throw Error(ErrorCode::InvalidArgument, "Expected an operator with a diagonal for A but received one without",
              "A.diagonal");
}

void SymmetricOperator::product(const DenseMatrix<double>&, DenseMatrix<double>&) const {
  throw Error(ErrorCode::InvalidArgument, "Expected an operator with a product A·X for A but received one without",
              "A");
}

template <class T>
void check_symmetric(MatrixView<const T> A, const char* argument) {
  RANDLA_EXPECTS_CODE(A.rows == A.cols, ErrorCode::Shape, argument)
      << "Expected a square matrix for " << argument << " but received " << A.rows << " x " << A.cols;
  const std::int64_t n = A.rows;
  double max_abs = 0, worst = -1;
  std::int64_t wi = 0, wj = 0;
  for (std::int64_t j = 0; j < n; ++j) {
    for (std::int64_t i = 0; i < n; ++i) max_abs = std::max(max_abs, std::abs(static_cast<double>(A(i, j))));
    for (std::int64_t i = j + 1; i < n; ++i) {
      const double diff = std::abs(static_cast<double>(A(i, j)) - static_cast<double>(A(j, i)));
      if (diff > worst) {
        worst = diff;
        wi = i;
        wj = j;
      }
    }
  }
  // Two roundings of one exact symmetric value (each ≤ u·max|A|) differ by far less than 64u;
  // the margin absorbs matrices assembled from sums computed in different orders.
  const double u = std::numeric_limits<T>::epsilon() / 2;
  const double bound = 64 * u * max_abs;
  RANDLA_EXPECTS_CODE(worst <= bound, ErrorCode::NotSymmetric, argument)
      << "Expected a symmetric matrix (max|A - A^T| <= " << bound << ") for " << argument << " but received "
      << argument << "(" << wi << ", " << wj << ") = " << static_cast<double>(A(wi, wj)) << " and " << argument << "("
      << wj << ", " << wi << ") = " << static_cast<double>(A(wj, wi)) << ", difference " << worst;
}

template <class T>
DenseSymmetricOperator<T>::DenseSymmetricOperator(MatrixView<const T> A, bool check_symmetry, const char* argument)
    : A_(A) {
  RANDLA_EXPECTS_CODE(A.rows == A.cols && A.rows >= 1, ErrorCode::Shape, argument)
      << "Expected a non-empty square matrix for " << argument << " but received " << A.rows << " x " << A.cols;
  expect_finite(argument);
  if (check_symmetry) check_symmetric(A, argument);
}

template <class T>
void DenseSymmetricOperator<T>::expect_finite(const char* argument) const {
  for (std::int64_t j = 0; j < A_.cols; ++j)
    for (std::int64_t i = 0; i < A_.rows; ++i) {
      const double v = static_cast<double>(A_(i, j));
      if (!std::isfinite(v)) detail::throw_not_finite(argument, v, i, j);
    }
}

// The stored vector j (data + j·ld) is column j for col-major storage and row j for row-major:
// for a symmetric matrix both are column j, so one contiguous read serves either layout.
template <class T>
void DenseSymmetricOperator<T>::columns(const std::vector<std::int64_t>& idx, DenseMatrix<double>& out) const {
  const std::int64_t n = A_.rows;
  expect_indices(idx, n);
  out.resize_for_overwrite(n, static_cast<std::int64_t>(idx.size()));
  parallel_for(
      static_cast<std::int64_t>(idx.size()),
      [&](std::int64_t t0, std::int64_t t1) {
        for (std::int64_t t = t0; t < t1; ++t) {
          const T* src = A_.data + idx[static_cast<std::size_t>(t)] * A_.ld;
          double* dst = out.col(t);
          for (std::int64_t i = 0; i < n; ++i) dst[i] = static_cast<double>(src[i]);
        }
      },
      8);
}

template <class T>
std::vector<double> DenseSymmetricOperator<T>::diagonal() const {
  std::vector<double> d(static_cast<std::size_t>(A_.rows));
  for (std::int64_t i = 0; i < A_.rows; ++i) d[static_cast<std::size_t>(i)] = static_cast<double>(A_(i, i));
  return d;
}

// Reads the stored vectors as columns (as columns() does). f64: one dgemm on A in place; f32:
// blocks of kProductBlock columns widened to f64 first, so the sketch is accurate to f64
// rounding (the psd core's shift ν is sized for f64).
template <class T>
void DenseSymmetricOperator<T>::product(const DenseMatrix<double>& X, DenseMatrix<double>& out) const {
  const std::int64_t n = A_.rows, l = X.cols;
  expect_product_shape(X, n);
  out = DenseMatrix<double>(n, l);
  if (l == 0) return;
  const int ni = blas::dim(n, "n"), li = blas::dim(l, "l");
  if constexpr (std::is_same_v<T, double>) {
    blas::gemm(CblasNoTrans, CblasNoTrans, ni, li, ni, 1.0, A_.data, blas::dim(A_.ld, "ld"), X.data.data(), ni, 0.0,
               out.data.data(), ni);
  } else {
    DenseMatrix<double> block(n, std::min(n, kProductBlock));
    for (std::int64_t j0 = 0; j0 < n; j0 += kProductBlock) {
      const std::int64_t kb = std::min(kProductBlock, n - j0);
      for (std::int64_t t = 0; t < kb; ++t) {
        const T* src = A_.data + (j0 + t) * A_.ld;
        double* dst = block.col(t);
        for (std::int64_t i = 0; i < n; ++i) dst[i] = static_cast<double>(src[i]);
      }
      blas::gemm(CblasNoTrans, CblasNoTrans, ni, li, blas::dim(kb, "block"), 1.0, block.data.data(), ni,
                 X.data.data() + j0, ni, 1.0, out.data.data(), ni);
    }
  }
}

template <class T>
KernelOperator<T>::KernelOperator(KernelKind kind, MatrixView<const T> points, double gamma)
    : kind_(kind), points_(points), gamma_(gamma) {
  RANDLA_EXPECTS(kind == KernelKind::Rbf || kind == KernelKind::Laplacian, "kernel")
      << "Expected 'rbf' or 'laplacian' for kernel but received " << static_cast<int>(kind);
  RANDLA_EXPECTS(std::isfinite(gamma) && gamma > 0, "gamma")
      << "Expected a finite number > 0 for gamma but received " << gamma;
  RANDLA_EXPECTS_CODE(points.rows >= 1 && points.cols >= 1, ErrorCode::Shape, "points")
      << "Expected at least one point of at least one coordinate for points but received " << points.rows << " x "
      << points.cols;
  expect_finite("points");
}

template <class T>
void KernelOperator<T>::expect_finite(const char* argument) const {
  for (std::int64_t i = 0; i < points_.rows; ++i)
    for (std::int64_t k = 0; k < points_.cols; ++k) {
      const double v = static_cast<double>(points_(i, k));
      if (!std::isfinite(v)) detail::throw_not_finite(argument, v, i, k);
    }
}

template <class T>
double KernelOperator<T>::entry(std::int64_t i, std::int64_t j) const {
  double sum = 0;
  if (kind_ == KernelKind::Rbf) {
    for (std::int64_t k = 0; k < points_.cols; ++k) {
      const double diff = static_cast<double>(points_(i, k)) - static_cast<double>(points_(j, k));
      sum += diff * diff;
    }
  } else {
    for (std::int64_t k = 0; k < points_.cols; ++k)
      sum += std::abs(static_cast<double>(points_(i, k)) - static_cast<double>(points_(j, k)));
  }
  return std::exp(-gamma_ * sum);
}

// Rows are split between threads; each entry is a pure function of (i, j), so the result is the
// same for any thread count.
template <class T>
void KernelOperator<T>::columns(const std::vector<std::int64_t>& idx, DenseMatrix<double>& out) const {
  const std::int64_t n = points_.rows, m = static_cast<std::int64_t>(idx.size());
  expect_indices(idx, n);
  out.resize_for_overwrite(n, m);
  parallel_for(
      n,
      [&](std::int64_t i0, std::int64_t i1) {
        for (std::int64_t t = 0; t < m; ++t) {
          const std::int64_t j = idx[static_cast<std::size_t>(t)];
          double* dst = out.col(t);
          for (std::int64_t i = i0; i < i1; ++i) dst[i] = entry(i, j);
        }
      },
      256);
}

// A·X = Σ over column blocks A[:, J]·X[J, :], blocks in ascending order: A is never formed and
// the summation order does not depend on the thread count.
template <class T>
void KernelOperator<T>::product(const DenseMatrix<double>& X, DenseMatrix<double>& out) const {
  const std::int64_t n = points_.rows, l = X.cols;
  expect_product_shape(X, n);
  out = DenseMatrix<double>(n, l);
  if (l == 0) return;
  const int ni = blas::dim(n, "n"), li = blas::dim(l, "l");
  DenseMatrix<double> block;
  std::vector<std::int64_t> idx;
  for (std::int64_t j0 = 0; j0 < n; j0 += kProductBlock) {
    const std::int64_t kb = std::min(kProductBlock, n - j0);
    idx.resize(static_cast<std::size_t>(kb));
    for (std::int64_t t = 0; t < kb; ++t) idx[static_cast<std::size_t>(t)] = j0 + t;
    columns(idx, block);
    blas::gemm(CblasNoTrans, CblasNoTrans, ni, li, blas::dim(kb, "block"), 1.0, block.data.data(), ni,
               X.data.data() + j0, ni, 1.0, out.data.data(), ni);
  }
}

template void check_symmetric<float>(MatrixView<const float>, const char*);
template void check_symmetric<double>(MatrixView<const double>, const char*);
template class DenseSymmetricOperator<float>;
template class DenseSymmetricOperator<double>;
template class KernelOperator<float>;
template class KernelOperator<double>;

}  // namespace randla
