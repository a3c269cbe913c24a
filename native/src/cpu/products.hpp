// Products of a (possibly transposed) input view with a dense block: the passes over A.
#pragma once

#include <algorithm>

#include "cpu/blas_lapack.hpp"
#include "randla/rsvd.hpp"

namespace randla::detail {

// out = op(A)·X with op(A) = A or Aᵀ: one pass over A. Both cases map to BLAS's fast
// N·N or T·N kernels whatever A's layout; Xᵀ·A-style products (T·T) are avoided on purpose.
template <class T>
void apply(MatrixView<const T> A, bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& out) {
  const auto a = blas::operand(A, transpose);
  const std::int64_t rows = transpose ? A.cols : A.rows;
  const std::int64_t inner = transpose ? A.rows : A.cols;
  out.resize_for_overwrite(rows, X.cols);  // gemm with beta = 0 writes every entry
  blas::gemm(a.op, CblasNoTrans, blas::dim(rows, "A rows"), blas::dim(X.cols, "sketch columns"),
             blas::dim(inner, "A cols"), T(1), a.data, a.ld, X.data.data(),
             blas::dim(std::max<std::int64_t>(1, X.rows), "ld"), T(0), out.data.data(),
             blas::dim(std::max<std::int64_t>(1, rows), "ld"));
}

}  // namespace randla::detail
