// Skinny products op(A)·X of a dense A with a block X of few columns (the sketch, l = k + p).
#pragma once

#include "randla/dense_matrix.hpp"
#include "randla/matrix_view.hpp"

namespace randla::detail {

// out = op(A)·X by register-blocked SIMD kernels that read A once, in place. Returns false,
// touching nothing, when they do not apply (no AVX2/AVX-512 on this CPU, switched off, X too
// wide, an empty operand): the caller then uses BLAS. Why: BLAS packs A into buffers before
// multiplying, which for l ≈ 30 costs as much as the multiply itself; these kernels run near the
// core's FMA peak. Each entry of out is summed in a fixed order that depends neither on the
// thread count nor on how the rows are tiled (it may differ between instruction sets).
template <class T>
bool skinny_apply(MatrixView<const T> A, bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& out);

// P = op(A)·X and W = op(A)ᵀ·P in one pass over A, for two products with nothing between them
// (power iterations without a normalizer): each cache-sized block of rows of M (A row-major, or
// Aᵀ when A is column-major) gives its rows of P and then, still in cache, its part of W. P and
// W are bit for bit what two skinny_apply calls give. The block's rows must be stored
// contiguously, so the order is fixed by the layout: op(A) = A for a row-major A, Aᵀ for a
// column-major one (skinny_pairs). Returns false, touching nothing, when the kernels do not
// apply or the order does not stream.
template <class T>
bool skinny_gram(MatrixView<const T> A, bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& P, DenseMatrix<T>& W);

// The widest X (columns) the kernels take: 512 bytes of a row of X. Wider sketches have enough
// columns for BLAS's packing to pay for itself.
template <class T>
constexpr std::int64_t skinny_max_columns() {
  return 2 * 4 * static_cast<std::int64_t>(64 / sizeof(T));
}

// The instruction set the kernels run on. The best this CPU has is chosen at start;
// RANDLA_SKINNY=0 in the environment sends every product to BLAS, RANDLA_SKINNY=avx2 caps the
// kernels at AVX2 (tests, benchmarks).
enum class SkinnyIsa { None, Avx2, Avx512 };

SkinnyIsa skinny_isa() noexcept;
// "avx512", "avx2" or "blas" (none).
const char* skinny_isa_name(SkinnyIsa isa) noexcept;
// True when this CPU can run the kernels for `isa` (None: always).
bool skinny_isa_supported(SkinnyIsa isa) noexcept;
// Switches the kernels to `isa`; false, changing nothing, when this CPU cannot run it.
bool set_skinny_isa(SkinnyIsa isa) noexcept;

// Whether the kernels on `isa` take op(A)·X for A (rows x cols) and an X of l columns.
template <class T>
bool skinny_takes(SkinnyIsa isa, std::int64_t rows, std::int64_t cols, std::int64_t l) {
  return isa != SkinnyIsa::None && l >= 1 && l <= skinny_max_columns<T>() && rows >= 1 && cols >= 1;
}

// Whether the pair op(A)·X, op(A)ᵀ·(op(A)·X) streams A's stored rows: op(A) must be the row-major
// M of the kernels (A itself when row-major, Aᵀ when column-major).
inline bool skinny_pair_streams(Layout layout, bool transpose) { return (layout == Layout::RowMajor) != transpose; }

// Whether skinny_gram streams op(A) for A (rows x cols, `layout`) and an X of l columns.
template <class T>
bool skinny_pairs(Layout layout, bool transpose, std::int64_t rows, std::int64_t cols, std::int64_t l) {
  return skinny_takes<T>(skinny_isa(), rows, cols, l) && skinny_pair_streams(layout, transpose);
}

// True when the kernels are on; set_skinny_enabled(true) picks the best instruction set there is.
bool skinny_available() noexcept;
void set_skinny_enabled(bool on) noexcept;

}  // namespace randla::detail
