// Products of a (possibly transposed) input view with a dense block: the passes over A.
#pragma once

#include <algorithm>

#include "cpu/blas_lapack.hpp"
#include "cpu/skinny_products.hpp"
#include "randla/rsvd.hpp"

namespace randla::detail {

// out = op(A)·X with op(A) = A or Aᵀ: one pass over A. Both cases map to BLAS's fast
// N·N or T·N kernels whatever A's layout; Xᵀ·A-style products (T·T) are avoided on purpose.
// A skinny X (the sketch) goes to the skinny-product kernels when this CPU has them.
template <class T>
void apply(MatrixView<const T> A, bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& out) {
  if (skinny_apply(A, transpose, X, out)) return;
  const auto a = blas::operand(A, transpose);
  const std::int64_t rows = transpose ? A.cols : A.rows;
  const std::int64_t inner = transpose ? A.rows : A.cols;
  out.resize_for_overwrite(rows, X.cols);  // gemm with beta = 0 writes every entry
  blas::gemm(a.op, CblasNoTrans, blas::dim(rows, "A rows"), blas::dim(X.cols, "sketch columns"),
             blas::dim(inner, "A cols"), T(1), a.data, a.ld, X.data.data(),
             blas::dim(std::max<std::int64_t>(1, X.rows), "ld"), T(0), out.data.data(),
             blas::dim(std::max<std::int64_t>(1, rows), "ld"));
}

// Ω of the range finder: stream 0, block `block` (the adaptive QB's step), rows x cols.
inline TestMatrixSpec range_test_matrix(TestMatrixKind kind, std::uint64_t seed, std::int64_t nnz, std::int64_t rows,
                                        std::int64_t cols, std::uint32_t block = 0) {
  TestMatrixSpec spec;
  spec.kind = kind;
  spec.seed = seed;
  spec.stream = Stream::RangeFinder;
  spec.rows = rows;
  spec.cols = cols;
  spec.nnz = nnz;
  spec.block = block;
  return spec;
}

// Y = A·Ω without forming Ω when a fast transform applies (SRHT on a dense A, by fast
// Walsh–Hadamard transforms of its rows); false when the caller must multiply by Ω itself.
template <class T>
bool sample_by_transform(const LinearOperator<T>& A, const TestMatrixSpec& spec, DenseMatrix<T>& Y) {
  if (spec.kind != TestMatrixKind::Srht || A.dense() == nullptr) return false;
  sketch_srht(*A.dense(), spec, Y);
  return true;
}

}  // namespace randla::detail
