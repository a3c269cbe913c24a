// Subsampled randomized Hadamard transform: Woolfe, Liberty, Rokhlin, Tygert, ACHA 25 (2008) §3;
// Tropp, "Improved analysis of the SRHT" (2011). A·Ω = (1/√l)·(rows of A·D zero padded to N)·H·P
// with H unnormalised, by the in-place iterative fast Walsh–Hadamard transform: Ω is never formed.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <vector>

#include "randla/error.hpp"
#include "randla/test_matrix.hpp"
#include "randla/threads.hpp"

namespace randla {
namespace {

// Rows of A transformed together, interleaved (b[c·kLanes + q] is entry c of row q): one cache
// line per index, so every butterfly is one contiguous vector operation.
template <class T>
constexpr std::int64_t kLanes = 64 / static_cast<std::int64_t>(sizeof(T));

// The first stages run inside aligned blocks of this many indices (512 cache lines, 32 KiB: L1).
constexpr std::int64_t kBlock = 512;

template <class T>
void butterflies(T* b, std::int64_t len, std::int64_t h) {
  constexpr std::int64_t L = kLanes<T>;
  for (std::int64_t base = 0; base < len; base += 2 * h) {
    for (std::int64_t c = base; c < base + h; ++c) {
      T* x = b + c * L;
      T* y = x + h * L;
      for (std::int64_t q = 0; q < L; ++q) {
        const T u = x[q], v = y[q];
        x[q] = u + v;
        y[q] = u - v;
      }
    }
  }
}

// b_c ← Σ_i b_i·(−1)^popcount(i & c) in every lane. Stages of span below kBlock stay inside one
// aligned block, so they run block by block while it is in cache; every butterfly still sees the
// operands of the textbook stage order, so the result is bit for bit the same.
template <class T>
void fwht(T* b, std::int64_t N) {
  const std::int64_t inner = std::min(N, kBlock);
  for (std::int64_t start = 0; start < N; start += inner)
    for (std::int64_t h = 1; h < inner; h <<= 1) butterflies(b + start * kLanes<T>, inner, h);
  for (std::int64_t h = inner; h < N; h <<= 1) butterflies(b, N, h);
}

}  // namespace

template <class T>
void sketch_srht(MatrixView<const T> A, const TestMatrixSpec& spec, DenseMatrix<T>& out) {
  const std::vector<std::int64_t> columns = srht_columns(spec);  // checks the spec and its kind
  RANDLA_EXPECTS_CODE(A.rows >= 0 && A.cols == spec.rows, ErrorCode::Shape, "A")
      << "Expected A with " << spec.rows << " columns (the rows of the srht) but received " << A.rows << " x "
      << A.cols;
  constexpr std::int64_t L = kLanes<T>;
  const std::int64_t m = A.rows, n = A.cols, l = spec.cols;
  const auto N = static_cast<std::int64_t>(std::bit_ceil(static_cast<std::uint64_t>(n)));
  const std::uint32_t s = stream_word(spec.stream, spec.block);

  std::vector<T> signs(static_cast<std::size_t>(n));
  parallel_for(n, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i)
      signs[static_cast<std::size_t>(i)] = static_cast<T>(srht_sign(spec.seed, s, static_cast<std::uint64_t>(i)));
  }, 4096);
  const T scale = static_cast<T>(1.0 / std::sqrt(static_cast<double>(l)));

  out = DenseMatrix<T>(m, l);
  const std::int64_t groups = (m + L - 1) / L;
  // One padded buffer per chunk: N·64 bytes, the memory of kLanes rows of A.
  parallel_for(groups, [&](std::int64_t g0, std::int64_t g1) {
    std::vector<T> buffer(static_cast<std::size_t>(N * L));
    T* b = buffer.data();
    for (std::int64_t g = g0; g < g1; ++g) {
      const std::int64_t r0 = g * L, R = std::min(L, m - r0);
      if (R < L) std::fill(b, b + n * L, T(0));
      std::fill(b + n * L, b + N * L, T(0));
      if (A.layout == Layout::ColMajor) {
        for (std::int64_t c = 0; c < n; ++c) {
          const T* a = A.data + r0 + c * A.ld;
          const T d = signs[static_cast<std::size_t>(c)];
          for (std::int64_t q = 0; q < R; ++q) b[c * L + q] = a[q] * d;
        }
      } else {
        for (std::int64_t q = 0; q < R; ++q) {
          const T* a = A.data + (r0 + q) * A.ld;
          for (std::int64_t c = 0; c < n; ++c) b[c * L + q] = a[c] * signs[static_cast<std::size_t>(c)];
        }
      }
      fwht(b, N);
      for (std::int64_t j = 0; j < l; ++j) {
        const T* src = b + columns[static_cast<std::size_t>(j)] * L;
        T* dst = out.col(j) + r0;
        for (std::int64_t q = 0; q < R; ++q) dst[q] = src[q] * scale;
      }
    }
  });
}

template void sketch_srht<float>(MatrixView<const float>, const TestMatrixSpec&, DenseMatrix<float>&);
template void sketch_srht<double>(MatrixView<const double>, const TestMatrixSpec&, DenseMatrix<double>&);

}  // namespace randla
