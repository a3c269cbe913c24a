// Skinny products op(A)·X for the passes over a dense A (the issue's "skinny product tuned for
// l ≈ 10–100 with both threads busy").
//
// With l = k + p ≈ 30 every entry of A takes part in only l multiply-adds per product. BLAS first
// copies A into packed panels, and that copy costs about as much as the multiply: OpenBLAS runs
// these shapes at 30–60 GFLOP/s against about 105 on square ones here. The kernels below read A
// where it lies and keep a whole tile of the result in registers:
//
//   rows kernel   C = M·B,  M (p × q) row-major:  a tile of R rows of C × l columns; for each
//                 inner index k, R broadcasts of M[r, k] times the row B[k, :]. M streams in
//                 R sequential rows; B (q × l, small) stays in L2.
//   cols kernel   C = Mᵀ·B, M (p × q) row-major:  a tile of K rows of C (K columns of M) × l
//                 columns; for each row i of M, K broadcasts of M[i, c..c+K) times B[i, :].
//                 Rows are taken in cache-sized blocks, and each thread owns a range of columns,
//                 so no two threads write the same entry.
//
// Either layout of A maps to these two: a column-major A is the row-major Aᵀ. B is packed
// row-major with l padded to whole vectors, and C is written back column-major (both O((p+q)·l)).
// Accumulation order: k ascending (rows kernel), i ascending (cols kernel), whatever the tiling
// and thread split, so results do not depend on the thread count.
//
// The kernels are written once (skinny_kernels.inc) and compiled for two instruction sets, each
// in its own namespace with its own target attribute, so that nothing outside them is built for
// a wider set than the CPU has:
//   avx512  32 zmm registers: panels of up to 4 vectors (32 f64 / 64 f32), tiles of 6–16.
//   avx2    16 ymm registers: panels of up to 3 vectors (12 f64 / 24 f32), tiles of 4–8, so an
//           l ≈ 30 sketch has 2–3 panels, and the loops are blocked for them: the rows kernel
//           computes every panel of a block of rows of M over a range of inner indices before
//           moving on, and the cols kernel every panel of a strip of M, so M still comes from
//           memory once per product (without the blocking an AVX2 product read M once per panel).
// The best set the CPU has is chosen at start (__builtin_cpu_supports).
#include "cpu/skinny_products.hpp"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "randla/threads.hpp"

namespace randla::detail {
namespace {

namespace avx512 {
#define RANDLA_SKINNY_TARGET __attribute__((target("avx512f,fma")))
#define RANDLA_SKINNY_INLINE __attribute__((target("avx512f,fma"), always_inline)) inline

template <class T>
struct Simd;

template <>
struct Simd<double> {
  using V = __m512d;
  static constexpr int lanes = 8;
  RANDLA_SKINNY_INLINE static V zero() { return _mm512_setzero_pd(); }
  RANDLA_SKINNY_INLINE static V load(const double* p) { return _mm512_loadu_pd(p); }
  RANDLA_SKINNY_INLINE static V broadcast(double x) { return _mm512_set1_pd(x); }
  RANDLA_SKINNY_INLINE static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  RANDLA_SKINNY_INLINE static void store(double* p, V v) { _mm512_storeu_pd(p, v); }
};

template <>
struct Simd<float> {
  using V = __m512;
  static constexpr int lanes = 16;
  RANDLA_SKINNY_INLINE static V zero() { return _mm512_setzero_ps(); }
  RANDLA_SKINNY_INLINE static V load(const float* p) { return _mm512_loadu_ps(p); }
  RANDLA_SKINNY_INLINE static V broadcast(float x) { return _mm512_set1_ps(x); }
  RANDLA_SKINNY_INLINE static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  RANDLA_SKINNY_INLINE static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
};

// At most 24 accumulators of the 32 zmm registers, leaving room for the panel of B and the
// broadcasts.
constexpr int kMaxVectors = 4;
constexpr int tile_height(int vectors) { return vectors == 4 ? 6 : vectors == 3 ? 8 : vectors == 2 ? 12 : 16; }
// One panel covers l ≤ 32 (f64) / 64 (f32): no blocking of the rows kernel is needed.
constexpr std::int64_t kRowsBlock = 0;
constexpr std::int64_t kRowsDepth = 0;
// Rows of M per block in the cols kernel (the block's strip of M stays in L2), tiles per strip,
// and how far right to prefetch.
constexpr std::int64_t kColsRowBlock = 512;
constexpr std::int64_t kColsTilesPerStrip = 16;
constexpr std::int64_t kColsPrefetchAhead = 16;

#include "cpu/skinny_kernels.inc"

#undef RANDLA_SKINNY_TARGET
#undef RANDLA_SKINNY_INLINE
}  // namespace avx512

namespace avx2 {
#define RANDLA_SKINNY_TARGET __attribute__((target("avx2,fma")))
#define RANDLA_SKINNY_INLINE __attribute__((target("avx2,fma"), always_inline)) inline

template <class T>
struct Simd;

template <>
struct Simd<double> {
  using V = __m256d;
  static constexpr int lanes = 4;
  RANDLA_SKINNY_INLINE static V zero() { return _mm256_setzero_pd(); }
  RANDLA_SKINNY_INLINE static V load(const double* p) { return _mm256_loadu_pd(p); }
  RANDLA_SKINNY_INLINE static V broadcast(double x) { return _mm256_set1_pd(x); }
  RANDLA_SKINNY_INLINE static V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  RANDLA_SKINNY_INLINE static void store(double* p, V v) { _mm256_storeu_pd(p, v); }
};

template <>
struct Simd<float> {
  using V = __m256;
  static constexpr int lanes = 8;
  RANDLA_SKINNY_INLINE static V zero() { return _mm256_setzero_ps(); }
  RANDLA_SKINNY_INLINE static V load(const float* p) { return _mm256_loadu_ps(p); }
  RANDLA_SKINNY_INLINE static V broadcast(float x) { return _mm256_set1_ps(x); }
  RANDLA_SKINNY_INLINE static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  RANDLA_SKINNY_INLINE static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
};

// 12 accumulators of the 16 ymm registers, beside the panel of B and a broadcast.
constexpr int kMaxVectors = 3;
constexpr int tile_height(int vectors) { return vectors == 3 ? 4 : vectors == 2 ? 6 : 8; }
constexpr std::int64_t kRowsBlock = 96;
constexpr std::int64_t kRowsDepth = 256;
constexpr std::int64_t kColsRowBlock = 256;
constexpr std::int64_t kColsTilesPerStrip = 16;
constexpr std::int64_t kColsPrefetchAhead = 16;

#include "cpu/skinny_kernels.inc"

#undef RANDLA_SKINNY_TARGET
#undef RANDLA_SKINNY_INLINE
}  // namespace avx2

bool cpu_supports(SkinnyIsa isa) noexcept {
  __builtin_cpu_init();
  switch (isa) {
    case SkinnyIsa::Avx512: return __builtin_cpu_supports("avx512f");
    case SkinnyIsa::Avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    default: return true;
  }
}

SkinnyIsa best_isa() noexcept {
  return cpu_supports(SkinnyIsa::Avx512) ? SkinnyIsa::Avx512 : cpu_supports(SkinnyIsa::Avx2) ? SkinnyIsa::Avx2 : SkinnyIsa::None;
}

std::atomic<SkinnyIsa>& skinny_setting() {
  static std::atomic<SkinnyIsa> setting = [] {
    const char* env = std::getenv("RANDLA_SKINNY");
    if (env != nullptr && std::strcmp(env, "0") == 0) return SkinnyIsa::None;
    if (env != nullptr && std::strcmp(env, "avx2") == 0 && cpu_supports(SkinnyIsa::Avx2)) return SkinnyIsa::Avx2;
    return best_isa();
  }();
  return setting;
}

}  // namespace

SkinnyIsa skinny_isa() noexcept { return skinny_setting().load(); }

const char* skinny_isa_name(SkinnyIsa isa) noexcept {
  return isa == SkinnyIsa::Avx512 ? "avx512" : isa == SkinnyIsa::Avx2 ? "avx2" : "blas";
}

bool skinny_isa_supported(SkinnyIsa isa) noexcept { return cpu_supports(isa); }

bool set_skinny_isa(SkinnyIsa isa) noexcept {
  if (!cpu_supports(isa)) return false;
  skinny_setting().store(isa);
  return true;
}

bool skinny_available() noexcept { return skinny_isa() != SkinnyIsa::None; }
void set_skinny_enabled(bool on) noexcept { skinny_setting().store(on ? best_isa() : SkinnyIsa::None); }

template <class T>
bool skinny_apply(MatrixView<const T> A, bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& out) {
  const SkinnyIsa isa = skinny_isa();
  const std::int64_t l = X.cols;
  if (isa == SkinnyIsa::None || l < 1 || l > skinny_max_columns<T>() || A.rows < 1 || A.cols < 1) return false;
  const bool wide = isa == SkinnyIsa::Avx512;
  const std::int64_t W = wide ? avx512::Simd<T>::lanes : avx2::Simd<T>::lanes;

  // M (p × q, row-major, ldm) is A when A is row-major and Aᵀ when it is column-major.
  const bool row_major = A.layout == Layout::RowMajor;
  const std::int64_t p = row_major ? A.rows : A.cols, q = row_major ? A.cols : A.rows, ldm = A.ld;
  const bool by_rows = row_major != transpose;  // op(A)·X = M·X (rows kernel) or Mᵀ·X (cols kernel)
  const std::int64_t inner = by_rows ? q : p, outer = by_rows ? p : q;
  const std::int64_t padded = (l + W - 1) / W * W;

  // B: X row-major with l padded to whole vectors (zeros, so padded lanes of C stay zero).
  std::unique_ptr<T[]> B(new T[static_cast<std::size_t>(inner * padded)]);
  parallel_for(inner, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      T* row = B.get() + i * padded;
      for (std::int64_t j = 0; j < l; ++j) row[j] = X.data[static_cast<std::size_t>(i + j * X.rows)];
      for (std::int64_t j = l; j < padded; ++j) row[j] = T(0);
    }
  }, 1024);

  std::unique_ptr<T[]> C(new T[static_cast<std::size_t>(outer * padded)]);
  const T* m = A.data;
  // Each thread owns a range of rows of C: rows of M (rows kernel) or columns of M (cols kernel).
  parallel_for(outer, [&](std::int64_t begin, std::int64_t end) {
    if (by_rows) {
      if (wide) avx512::rows_product<T>(m, ldm, q, B.get(), padded, C.get(), begin, end);
      else avx2::rows_product<T>(m, ldm, q, B.get(), padded, C.get(), begin, end);
    } else {
      if (wide) avx512::cols_product<T>(m, ldm, p, q, B.get(), padded, C.get(), begin, end);
      else avx2::cols_product<T>(m, ldm, p, q, B.get(), padded, C.get(), begin, end);
    }
  }, 64);

  // C row-major → out column-major, in row chunks that stay in cache while every column is written.
  out.resize_for_overwrite(outer, l);
  parallel_for(outer, [&](std::int64_t begin, std::int64_t end) {
    constexpr std::int64_t chunk = 256;
    for (std::int64_t r0 = begin; r0 < end; r0 += chunk) {
      const std::int64_t r1 = std::min(end, r0 + chunk);
      for (std::int64_t j = 0; j < l; ++j) {
        T* col = out.data.data() + j * outer;
        for (std::int64_t i = r0; i < r1; ++i) col[i] = C[static_cast<std::size_t>(i * padded + j)];
      }
    }
  }, 1024);
  return true;
}

template bool skinny_apply<float>(MatrixView<const float>, bool, const DenseMatrix<float>&, DenseMatrix<float>&);
template bool skinny_apply<double>(MatrixView<const double>, bool, const DenseMatrix<double>&, DenseMatrix<double>&);

}  // namespace randla::detail

namespace randla {

const char* product_kernels() noexcept { return detail::skinny_isa_name(detail::skinny_isa()); }

}  // namespace randla
