// Skinny products op(A)·X of a dense A with a block X of few columns (the sketch, l = k + p).
#pragma once

#include "randla/dense_matrix.hpp"
#include "randla/matrix_view.hpp"

namespace randla::detail {

// out = op(A)·X by register-blocked AVX-512 kernels that read A once, in place. Returns false,
// touching nothing, when they do not apply (no AVX-512 on this CPU, X too wide, an empty
// operand): the caller then uses BLAS. Why: BLAS packs A into buffers before multiplying, which
// for l ≈ 30 costs as much as the multiply itself; these kernels run at the core's FMA peak.
// Each entry of out is summed in a fixed order that depends neither on the thread count nor on
// how the rows are tiled.
template <class T>
bool skinny_apply(MatrixView<const T> A, bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& out);

// The widest X (columns) the kernels take: two panels of four 64-byte vectors.
template <class T>
constexpr std::int64_t skinny_max_columns() {
  return 2 * 4 * static_cast<std::int64_t>(64 / sizeof(T));
}

// True when this CPU runs the kernels (AVX-512F) and they are on. RANDLA_SKINNY=0 in the
// environment turns them off at start; set_skinny_enabled switches them (tests, benchmarks).
bool skinny_available() noexcept;
void set_skinny_enabled(bool on) noexcept;

}  // namespace randla::detail
