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
#include "cpu/skinny_products.hpp"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "randla/threads.hpp"

#define RANDLA_AVX512 __attribute__((target("avx512f,fma")))
#define RANDLA_AVX512_INLINE __attribute__((target("avx512f,fma"), always_inline)) inline

namespace randla::detail {
namespace {

template <class T>
struct Simd;

template <>
struct Simd<double> {
  using V = __m512d;
  static constexpr int lanes = 8;
  RANDLA_AVX512_INLINE static V zero() { return _mm512_setzero_pd(); }
  RANDLA_AVX512_INLINE static V load(const double* p) { return _mm512_loadu_pd(p); }
  RANDLA_AVX512_INLINE static V broadcast(double x) { return _mm512_set1_pd(x); }
  RANDLA_AVX512_INLINE static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  RANDLA_AVX512_INLINE static void store(double* p, V v) { _mm512_storeu_pd(p, v); }
};

template <>
struct Simd<float> {
  using V = __m512;
  static constexpr int lanes = 16;
  RANDLA_AVX512_INLINE static V zero() { return _mm512_setzero_ps(); }
  RANDLA_AVX512_INLINE static V load(const float* p) { return _mm512_loadu_ps(p); }
  RANDLA_AVX512_INLINE static V broadcast(float x) { return _mm512_set1_ps(x); }
  RANDLA_AVX512_INLINE static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  RANDLA_AVX512_INLINE static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
};

// Register tile height for a panel of `vectors` 64-byte vectors: at most 24 accumulators of the
// 32 zmm registers, leaving room for the panel of B and the broadcasts.
constexpr int tile_height(int vectors) { return vectors == 4 ? 6 : vectors == 3 ? 8 : vectors == 2 ? 12 : 16; }

// Rows of M per block in the cols kernel: the block's strip of M is read from memory by the first
// tile and from L2 by the next ones. Each tile walks down a strip strided by ldm, which the
// hardware prefetcher follows poorly (one new page per row), so every row prefetches the line
// two lines to its right, the one a later tile will read (measured: 75 → 99 GFLOP/s, 2 threads).
constexpr std::int64_t kColsRowBlock = 512;
constexpr std::int64_t kColsPrefetchAhead = 16;
// Tiles of the cols kernel per sweep over a row block (the strip that stays in L2).
constexpr std::int64_t kColsTilesPerStrip = 16;

// C[0..R) × panel = M[0..R) · B over `depth` inner indices (rows kernel tile).
template <class T, int R, int V>
RANDLA_AVX512 void rows_tile(const T* M, std::int64_t ldm, const T* B, std::int64_t ldb, T* C, std::int64_t ldc,
                             std::int64_t depth) {
  using S = Simd<T>;
  typename S::V acc[R][V];
  for (int r = 0; r < R; ++r)
    for (int j = 0; j < V; ++j) acc[r][j] = S::zero();
  for (std::int64_t k = 0; k < depth; ++k) {
    typename S::V b[V];
    for (int j = 0; j < V; ++j) b[j] = S::load(B + k * ldb + j * S::lanes);
    for (int r = 0; r < R; ++r) {
      const auto a = S::broadcast(M[r * ldm + k]);
      for (int j = 0; j < V; ++j) acc[r][j] = S::fma(a, b[j], acc[r][j]);
    }
  }
  for (int r = 0; r < R; ++r)
    for (int j = 0; j < V; ++j) S::store(C + r * ldc + j * S::lanes, acc[r][j]);
}

// C[0..K) × panel += M[0..rows) × [0..K))ᵀ · B[0..rows) × panel (cols kernel tile).
// `ahead` (≥ 0) is how far right of M[i, 0] to prefetch, kept inside the row.
template <class T, int K, int V>
RANDLA_AVX512 void cols_tile(const T* M, std::int64_t ldm, const T* B, std::int64_t ldb, T* C, std::int64_t ldc,
                             std::int64_t rows, std::int64_t ahead) {
  using S = Simd<T>;
  typename S::V acc[K][V];
  for (int c = 0; c < K; ++c)
    for (int j = 0; j < V; ++j) acc[c][j] = S::load(C + c * ldc + j * S::lanes);
  for (std::int64_t i = 0; i < rows; ++i) {
    __builtin_prefetch(M + i * ldm + ahead);
    typename S::V b[V];
    for (int j = 0; j < V; ++j) b[j] = S::load(B + i * ldb + j * S::lanes);
    for (int c = 0; c < K; ++c) {
      const auto a = S::broadcast(M[i * ldm + c]);
      for (int j = 0; j < V; ++j) acc[c][j] = S::fma(a, b[j], acc[c][j]);
    }
  }
  for (int c = 0; c < K; ++c)
    for (int j = 0; j < V; ++j) S::store(C + c * ldc + j * S::lanes, acc[c][j]);
}

// A tile of `height` ≤ H rows (rows kernel) or columns (cols kernel): the full tile, or a
// remainder tile chosen at run time.
template <class T, int V, int H>
void rows_tile_of(int height, const T* M, std::int64_t ldm, const T* B, std::int64_t ldb, T* C, std::int64_t ldc,
                  std::int64_t depth) {
  if constexpr (H > 0) {
    if (height == H) rows_tile<T, H, V>(M, ldm, B, ldb, C, ldc, depth);
    else rows_tile_of<T, V, H - 1>(height, M, ldm, B, ldb, C, ldc, depth);
  }
}

template <class T, int V, int H>
void cols_tile_of(int width, const T* M, std::int64_t ldm, const T* B, std::int64_t ldb, T* C, std::int64_t ldc,
                  std::int64_t rows, std::int64_t ahead) {
  if constexpr (H > 0) {
    if (width == H) cols_tile<T, H, V>(M, ldm, B, ldb, C, ldc, rows, ahead);
    else cols_tile_of<T, V, H - 1>(width, M, ldm, B, ldb, C, ldc, rows, ahead);
  }
}

// Rows [begin, end) of C = M·B for the panel of V vectors starting at column c0 of B and C.
template <class T, int V>
void rows_panel(const T* M, std::int64_t ldm, std::int64_t q, const T* B, std::int64_t ldb, T* C, std::int64_t ldc,
                std::int64_t c0, std::int64_t begin, std::int64_t end) {
  constexpr int H = tile_height(V);
  for (std::int64_t r = begin; r < end; r += H) {
    const int height = static_cast<int>(std::min<std::int64_t>(H, end - r));
    rows_tile_of<T, V, H>(height, M + r * ldm, ldm, B + c0, ldb, C + r * ldc + c0, ldc, q);
  }
}

// Rows [begin, end) of C = Mᵀ·B (columns [begin, end) of M), same panel convention; C starts at 0.
template <class T, int V>
void cols_panel(const T* M, std::int64_t ldm, std::int64_t p, std::int64_t q, const T* B, std::int64_t ldb, T* C, std::int64_t ldc,
                std::int64_t c0, std::int64_t begin, std::int64_t end) {
  constexpr int K = tile_height(V);
  for (std::int64_t r0 = 0; r0 < p; r0 += kColsRowBlock) {
    const std::int64_t rows = std::min(kColsRowBlock, p - r0);
    for (std::int64_t s0 = begin; s0 < end; s0 += K * kColsTilesPerStrip) {
      const std::int64_t s1 = std::min(end, s0 + K * kColsTilesPerStrip);
      for (std::int64_t c = s0; c < s1; c += K) {
        const int width = static_cast<int>(std::min<std::int64_t>(K, s1 - c));
        const std::int64_t ahead = std::min(kColsPrefetchAhead, q - 1 - c);
        cols_tile_of<T, V, K>(width, M + r0 * ldm + c, ldm, B + r0 * ldb + c0, ldb, C + c * ldc + c0, ldc, rows, ahead);
      }
    }
  }
}

template <class T, class Rows, class Cols>
void for_each_panel(std::int64_t padded, Rows&& rows, Cols&& cols, bool by_rows) {
  constexpr int W = Simd<T>::lanes;
  for (std::int64_t c0 = 0; c0 < padded; c0 += 4 * W) {
    const int vectors = static_cast<int>(std::min<std::int64_t>(4, (padded - c0) / W));
    if (by_rows) rows(c0, vectors);
    else cols(c0, vectors);
  }
}

bool cpu_has_avx512() noexcept {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}

std::atomic<bool>& skinny_setting() {
  static std::atomic<bool> setting = [] {
    const char* env = std::getenv("RANDLA_SKINNY");
    return !(env != nullptr && std::strcmp(env, "0") == 0) && cpu_has_avx512();
  }();
  return setting;
}

}  // namespace

bool skinny_available() noexcept { return skinny_setting().load(); }
void set_skinny_enabled(bool on) noexcept { skinny_setting().store(on && cpu_has_avx512()); }

template <class T>
bool skinny_apply(MatrixView<const T> A, bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& out) {
  constexpr int W = Simd<T>::lanes;
  const std::int64_t l = X.cols;
  if (!skinny_available() || l < 1 || l > skinny_max_columns<T>() || A.rows < 1 || A.cols < 1) return false;

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
  if (by_rows) {
    // Each thread owns a range of rows of C; the range is split into register tiles.
    parallel_for(outer, [&](std::int64_t begin, std::int64_t end) {
      for_each_panel<T>(padded, [&](std::int64_t c0, int vectors) {
        switch (vectors) {
          case 4: rows_panel<T, 4>(m, ldm, q, B.get(), padded, C.get(), padded, c0, begin, end); break;
          case 3: rows_panel<T, 3>(m, ldm, q, B.get(), padded, C.get(), padded, c0, begin, end); break;
          case 2: rows_panel<T, 2>(m, ldm, q, B.get(), padded, C.get(), padded, c0, begin, end); break;
          default: rows_panel<T, 1>(m, ldm, q, B.get(), padded, C.get(), padded, c0, begin, end); break;
        }
      }, [](std::int64_t, int) {}, true);
    }, 64);
  } else {
    // Each thread owns a range of columns of M (rows of C) and walks all rows of M in blocks.
    parallel_for(outer, [&](std::int64_t begin, std::int64_t end) {
      std::fill(C.get() + begin * padded, C.get() + end * padded, T(0));
      for_each_panel<T>(padded, [](std::int64_t, int) {}, [&](std::int64_t c0, int vectors) {
        switch (vectors) {
          case 4: cols_panel<T, 4>(m, ldm, p, q, B.get(), padded, C.get(), padded, c0, begin, end); break;
          case 3: cols_panel<T, 3>(m, ldm, p, q, B.get(), padded, C.get(), padded, c0, begin, end); break;
          case 2: cols_panel<T, 2>(m, ldm, p, q, B.get(), padded, C.get(), padded, c0, begin, end); break;
          default: cols_panel<T, 1>(m, ldm, p, q, B.get(), padded, C.get(), padded, c0, begin, end); break;
        }
      }, false);
    }, 64);
  }

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
