// A dense view (either layout) as a LinearOperator: BLAS products, and the residual estimate's
// Gram products AᵀA·X fused into one pass over cache-sized row blocks of A.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/input_checks.hpp"
#include "cpu/products.hpp"
#include "randla/linear_operator.hpp"
#include "randla/rsvd.hpp"
#include "randla/threads.hpp"

namespace randla {

template <class T>
void DenseOperator<T>::apply(bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& out) const {
  detail::apply(A_, transpose, X, out);
}

template <class T>
void LinearOperator<T>::apply_gram(const DenseMatrix<T>& X, const DenseMatrix<T>* U, const DenseMatrix<T>* C,
                                   DenseMatrix<T>& W, DenseMatrix<T>& Z) const {
  apply(false, X, W);
  if (U != nullptr && C != nullptr && U->cols > 0) {
    blas::gemm(CblasNoTrans, CblasNoTrans, blas::dim(W.rows, "rows"), blas::dim(W.cols, "l"), blas::dim(U->cols, "k"),
               T(-1), U->data.data(), blas::dim(std::max<std::int64_t>(1, U->rows), "ld"), C->data.data(),
               blas::dim(std::max<std::int64_t>(1, C->rows), "ld"), T(1), W.data.data(),
               blas::dim(std::max<std::int64_t>(1, W.rows), "ld"));
  }
  apply(true, W, Z);
}

template <class T>
void LinearOperator<T>::apply_pair(bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& P, DenseMatrix<T>& W) const {
  apply(transpose, X, P);
  apply(!transpose, P, W);
}

template <class T>
void DenseOperator<T>::apply_pair(bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& P, DenseMatrix<T>& W) const {
  if (!detail::skinny_gram(A_, transpose, X, P, W)) LinearOperator<T>::apply_pair(transpose, X, P, W);
}

template <class T>
int DenseOperator<T>::pair_passes(bool transpose, std::int64_t l) const {
  return detail::skinny_pairs<T>(A_.layout, transpose, A_.rows, A_.cols, l) ? 1 : 2;
}

template <class T>
void TransposedOperator<T>::apply_gram(const DenseMatrix<T>& X, const DenseMatrix<T>* U, const DenseMatrix<T>* C,
                                       DenseMatrix<T>& W, DenseMatrix<T>& Z) const {
  if (has_dense_) DenseOperator<T>(dense_).apply_gram(X, U, C, W, Z);
  else LinearOperator<T>::apply_gram(X, U, C, W, Z);
}

template <class T>
void DenseOperator<T>::apply_gram(const DenseMatrix<T>& X, const DenseMatrix<T>* U, const DenseMatrix<T>* C,
                                  DenseMatrix<T>& W, DenseMatrix<T>& Z) const {
  const std::int64_t m = A_.rows, n = A_.cols, s = X.cols;
  const bool correct = U != nullptr && C != nullptr && U->cols > 0;
  W.resize_for_overwrite(m, s);  // every row block is written, and Z starts with beta = 0
  Z.resize_for_overwrite(n, s);
  // Rows per block: about 1 MiB of A, so the block is still in cache when Aᵀ_blk·W_blk reads it again.
  const std::int64_t block = std::max<std::int64_t>(32, (std::int64_t{1} << 20) / std::max<std::int64_t>(1, n * sizeof(T)));
  for (std::int64_t r0 = 0; r0 < m; r0 += block) {
    const std::int64_t r = std::min(block, m - r0);
    MatrixView<const T> rows_view = A_;
    rows_view.data = A_.layout == Layout::ColMajor ? A_.data + r0 : A_.data + r0 * A_.ld;
    rows_view.rows = r;
    const auto a = blas::operand(rows_view, false);
    const auto at = blas::operand(rows_view, true);
    T* w = W.data.data() + r0;  // rows [r0, r0 + r) of W, leading dimension m
    blas::gemm(a.op, CblasNoTrans, blas::dim(r, "rows"), blas::dim(s, "s"), blas::dim(n, "n"), T(1), a.data, a.ld,
               X.data.data(), blas::dim(std::max<std::int64_t>(1, n), "ld"), T(0), w, blas::dim(std::max<std::int64_t>(1, m), "ld"));
    if (correct) {  // W_blk −= U_blk·C while the block is in cache
      blas::gemm(CblasNoTrans, CblasNoTrans, blas::dim(r, "rows"), blas::dim(s, "s"), blas::dim(U->cols, "k"), T(-1),
                 U->data.data() + r0, blas::dim(std::max<std::int64_t>(1, U->rows), "ld"), C->data.data(),
                 blas::dim(std::max<std::int64_t>(1, C->rows), "ld"), T(1), w, blas::dim(std::max<std::int64_t>(1, m), "ld"));
    }
    blas::gemm(at.op, CblasNoTrans, blas::dim(n, "n"), blas::dim(s, "s"), blas::dim(r, "rows"), T(1), at.data, at.ld, w,
               blas::dim(std::max<std::int64_t>(1, m), "ld"), r0 == 0 ? T(0) : T(1), Z.data.data(),
               blas::dim(std::max<std::int64_t>(1, n), "ld"));
  }
}

template <class T>
double DenseOperator<T>::frobenius_norm_squared() const {
  const bool col_major = A_.layout == Layout::ColMajor;
  const std::int64_t outer = col_major ? A_.cols : A_.rows, inner = col_major ? A_.rows : A_.cols;
  std::vector<double> partial(static_cast<std::size_t>(outer), 0.0);
  parallel_for(outer, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t o = begin; o < end; ++o) {
      const T* p = A_.data + o * A_.ld;
      double sum = 0;
      for (std::int64_t i = 0; i < inner; ++i) sum += static_cast<double>(p[i]) * static_cast<double>(p[i]);
      partial[static_cast<std::size_t>(o)] = sum;
    }
  }, 16);
  double total = 0;  // summed in a fixed order: independent of the thread count
  for (double v : partial) total += v;
  return total;
}

template <class T>
std::vector<double> DenseOperator<T>::column_sums() const {
  std::vector<double> sums(static_cast<std::size_t>(A_.cols), 0.0);
  if (A_.layout == Layout::ColMajor) {
    parallel_for(A_.cols, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t j = begin; j < end; ++j) {
        const T* p = A_.data + j * A_.ld;
        double sum = 0;
        for (std::int64_t i = 0; i < A_.rows; ++i) sum += static_cast<double>(p[i]);
        sums[static_cast<std::size_t>(j)] = sum;
      }
    }, 16);
  } else {
    // Row-major: split the columns, walk the rows in order (each sum in a fixed order).
    parallel_for(A_.cols, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = 0; i < A_.rows; ++i) {
        const T* p = A_.data + i * A_.ld;
        for (std::int64_t j = begin; j < end; ++j) sums[static_cast<std::size_t>(j)] += static_cast<double>(p[j]);
      }
    }, 256);
  }
  return sums;
}

template <class T>
void DenseOperator<T>::expect_finite(const char* argument) const {
  randla::expect_finite(A_, argument);
}

template <class T>
std::vector<double> TransposedOperator<T>::column_sums() const {
  // Column sums of Aᵀ are the row sums of A: one product with a vector of ones.
  DenseMatrix<T> ones(A_.cols(), 1), out;
  std::fill(ones.data.begin(), ones.data.end(), T(1));
  A_.apply(false, ones, out);
  return std::vector<double>(out.data.begin(), out.data.end());
}

template <class T>
void expect_finite(MatrixView<const T> A, const char* argument) {
  // Storage order: `outer` runs over stored columns (col-major) or rows (row-major).
  const bool col_major = A.layout == Layout::ColMajor;
  const std::int64_t outer = col_major ? A.cols : A.rows, inner = col_major ? A.rows : A.cols;
  const std::int64_t none = std::numeric_limits<std::int64_t>::max();
  std::vector<std::int64_t> chunk_first(static_cast<std::size_t>(outer), none);
  parallel_for(outer, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t o = begin; o < end; ++o) {
      const T* p = A.data + o * A.ld;
      // NaN/Inf have all exponent bits set: an integer test the compiler vectorizes, unlike isfinite.
      using Bits = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
      constexpr Bits exponent = sizeof(T) == 8 ? Bits(0x7ff0000000000000ull) : Bits(0x7f800000u);
      Bits bad = 0;
      for (std::int64_t i = 0; i < inner; ++i) {
        Bits bits;
        std::memcpy(&bits, p + i, sizeof bits);
        bad |= Bits((bits & exponent) == exponent);
      }
      if (bad) {
        for (std::int64_t i = 0; i < inner; ++i) {
          if (!std::isfinite(p[i])) {
            chunk_first[static_cast<std::size_t>(o)] = o * inner + i;
            break;
          }
        }
        return;  // the first bad entry of this chunk is found
      }
    }
  }, 64);
  const std::int64_t bad = *std::min_element(chunk_first.begin(), chunk_first.end());
  if (bad == none) return;
  const std::int64_t o = bad / inner, i = bad % inner;
  const std::int64_t row = col_major ? i : o, col = col_major ? o : i;
  detail::throw_not_finite(argument, static_cast<double>(A(row, col)), row, col);
}

template class LinearOperator<float>;
template class LinearOperator<double>;
template class DenseOperator<float>;
template class DenseOperator<double>;
template class TransposedOperator<float>;
template class TransposedOperator<double>;
template void expect_finite<float>(MatrixView<const float>, const char*);
template void expect_finite<double>(MatrixView<const double>, const char*);

}  // namespace randla
