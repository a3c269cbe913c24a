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
//
// Fused pair (skinny_gram): the power iterations' P = M·B then Mᵀ·P with nothing between them
// (normalizer none) in one pass over M, block of rows by block of rows: each thread computes its
// rows of the block's P, the threads meet at a barrier, and each adds the block's Mᵀ·P to its own
// columns while the block is still in cache. Same kernels, same summation order: P and W are bit
// for bit those of the two products.
#include "cpu/skinny_products.hpp"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

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
// Rows of M per block of the fused pair: 1–2 MB of a 2000-column f64 M, read from memory by the
// block's rows product and from cache by its cols product (Zen 4: 32–512 all within noise).
constexpr std::int64_t kGramRowBlock = 128;

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
constexpr std::int64_t kGramRowBlock = 128;

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

namespace {

// B: X row-major with l padded to whole vectors (zeros, so padded lanes of C stay zero).
template <class T>
std::unique_ptr<T[]> pack(const DenseMatrix<T>& X, std::int64_t padded) {
  const std::int64_t inner = X.rows, l = X.cols;
  std::unique_ptr<T[]> B(new T[static_cast<std::size_t>(inner * padded)]);
  parallel_for(inner, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      T* row = B.get() + i * padded;
      for (std::int64_t j = 0; j < l; ++j) row[j] = X.data[static_cast<std::size_t>(i + j * X.rows)];
      for (std::int64_t j = l; j < padded; ++j) row[j] = T(0);
    }
  }, 1024);
  return B;
}

// C (outer × padded, row-major) → out (outer × l, column-major), in row chunks that stay in cache
// while every column is written.
template <class T>
void unpack(const T* C, std::int64_t outer, std::int64_t l, std::int64_t padded, DenseMatrix<T>& out) {
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
}

// The kernels' operand: M (p × q, row-major, ldm) is A when A is row-major and Aᵀ when it is
// column-major; l is padded to whole vectors of the instruction set (`wide`: AVX-512).
template <class T>
struct Operand {
  const T* m;
  std::int64_t p, q, ldm, padded;
  bool wide;
};

template <class T>
Operand<T> operand(MatrixView<const T> A, std::int64_t l, SkinnyIsa isa) {
  const bool row_major = A.layout == Layout::RowMajor, wide = isa == SkinnyIsa::Avx512;
  const std::int64_t lanes = (wide ? 64 : 32) / static_cast<std::int64_t>(sizeof(T));
  return {A.data, row_major ? A.rows : A.cols, row_major ? A.cols : A.rows, A.ld, (l + lanes - 1) / lanes * lanes, wide};
}

// A barrier for threads that each own a core: spin briefly (a block of the fused product takes
// tens of microseconds, far less than a futex round trip), then yield, so that an oversubscribed
// machine still makes progress.
class SpinBarrier {
 public:
  explicit SpinBarrier(int count) : count_(count) {}
  void arrive_and_wait() {
    const unsigned generation = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == count_) {
      arrived_.store(0, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);
      return;
    }
    for (int spins = 0; generation_.load(std::memory_order_acquire) == generation; ++spins) {
      if (spins < 1 << 14) _mm_pause();
      else std::this_thread::yield();
    }
  }

 private:
  const int count_;
  std::atomic<int> arrived_{0};
  std::atomic<unsigned> generation_{0};
};

// Runs body(t) for t in [0, count) on `count` threads at once, t = 0 on the caller: for kernels
// that meet at a barrier and so need every participant running (parallel_for may run chunks
// one after another). False, having run nothing, when a thread could not be started.
bool run_together(int count, const std::function<void(int)>& body) {
  std::atomic<int> start{0};  // 0: wait, 1: run, -1: give up
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(count - 1));
  auto worker = [&](int t) {
    while (start.load(std::memory_order_acquire) == 0) std::this_thread::yield();
    if (start.load(std::memory_order_acquire) == 1) body(t);
  };
  try {
    for (int t = 1; t < count; ++t) workers.emplace_back(worker, t);
  } catch (...) {
    start.store(-1, std::memory_order_release);
    for (auto& w : workers) w.join();
    return false;
  }
  start.store(1, std::memory_order_release);
  body(0);
  for (auto& w : workers) w.join();
  return true;
}

}  // namespace

template <class T>
bool skinny_apply(MatrixView<const T> A, bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& out) {
  const SkinnyIsa isa = skinny_isa();  // read once: another thread may switch it
  if (!skinny_takes<T>(isa, A.rows, A.cols, X.cols)) return false;
  const Operand<T> M = operand(A, X.cols, isa);
  // op(A)·X = M·X (rows kernel) or Mᵀ·X (cols kernel).
  const bool by_rows = (A.layout == Layout::RowMajor) != transpose;
  const std::int64_t outer = by_rows ? M.p : M.q;

  const std::unique_ptr<T[]> B = pack(X, M.padded);
  std::unique_ptr<T[]> C(new T[static_cast<std::size_t>(outer * M.padded)]);
  // Each thread owns a range of rows of C: rows of M (rows kernel) or columns of M (cols kernel).
  parallel_for(outer, [&](std::int64_t begin, std::int64_t end) {
    if (by_rows) {
      if (M.wide) avx512::rows_product<T>(M.m, M.ldm, M.q, B.get(), M.padded, C.get(), begin, end);
      else avx2::rows_product<T>(M.m, M.ldm, M.q, B.get(), M.padded, C.get(), begin, end);
    } else {
      if (M.wide) avx512::cols_product<T>(M.m, M.ldm, M.p, M.q, B.get(), M.padded, C.get(), begin, end);
      else avx2::cols_product<T>(M.m, M.ldm, M.p, M.q, B.get(), M.padded, C.get(), begin, end);
    }
  }, 64);
  unpack(C.get(), outer, X.cols, M.padded, out);
  return true;
}

template <class T>
bool skinny_gram(MatrixView<const T> A, bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& P, DenseMatrix<T>& W) {
  // The pair streams M = A (row-major) as M·X then Mᵀ·(M·X), or M = Aᵀ (column-major) as
  // Aᵀ·X = M·X then A·(Aᵀ·X) = Mᵀ·(M·X): op(A) must be M.
  const SkinnyIsa isa = skinny_isa();
  if (!skinny_takes<T>(isa, A.rows, A.cols, X.cols) || !skinny_pair_streams(A.layout, transpose)) return false;
  const Operand<T> M = operand(A, X.cols, isa);

  const std::unique_ptr<T[]> B = pack(X, M.padded);
  std::unique_ptr<T[]> CP(new T[static_cast<std::size_t>(M.p * M.padded)]);
  std::unique_ptr<T[]> CW(new T[static_cast<std::size_t>(M.q * M.padded)]);
  // A thread needs a few tiles of its own in each block: rows of P and columns of M.
  const int count = static_cast<int>(std::max<std::int64_t>(1, std::min<std::int64_t>(threads(), std::min(M.p, M.q) / 64)));
  SpinBarrier barrier(count);
  const bool ran = run_together(count, [&](int t) {
    if (M.wide) avx512::gram_product<T>(M.m, M.ldm, M.p, M.q, B.get(), M.padded, CP.get(), CW.get(), t, count, barrier);
    else avx2::gram_product<T>(M.m, M.ldm, M.p, M.q, B.get(), M.padded, CP.get(), CW.get(), t, count, barrier);
  });
  if (!ran) return false;
  unpack(CP.get(), M.p, X.cols, M.padded, P);
  unpack(CW.get(), M.q, X.cols, M.padded, W);
  return true;
}

template bool skinny_apply<float>(MatrixView<const float>, bool, const DenseMatrix<float>&, DenseMatrix<float>&);
template bool skinny_apply<double>(MatrixView<const double>, bool, const DenseMatrix<double>&, DenseMatrix<double>&);
template bool skinny_gram<float>(MatrixView<const float>, bool, const DenseMatrix<float>&, DenseMatrix<float>&,
                                 DenseMatrix<float>&);
template bool skinny_gram<double>(MatrixView<const double>, bool, const DenseMatrix<double>&, DenseMatrix<double>&,
                                  DenseMatrix<double>&);

}  // namespace randla::detail

namespace randla {

const char* product_kernels() noexcept { return detail::skinny_isa_name(detail::skinny_isa()); }

}  // namespace randla
