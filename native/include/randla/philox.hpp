// Philox4x32-10 counter-based generator: Salmon, Moraes, Dror, Shaw, "Parallel random numbers:
// as easy as 1, 2, 3", SC 2011. The exact mapping to test-matrix entries is docs/rng.md.
// Host and device: no state, no allocation, nothing but 32/64-bit integer arithmetic and libm.
#pragma once

#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define RANDLA_HOST_DEVICE __host__ __device__
#else
#define RANDLA_HOST_DEVICE
#endif

namespace randla {

struct Philox4x32 {
  std::uint32_t v[4];
};

// What a stream of one seed is used for; two uses never share numbers (docs/rng.md).
enum class Stream : std::uint32_t {
  RangeFinder = 0,         // Ω of the range finder; adaptive QB draws its blocks here too
  ErrorEstimate = 1,       // start block of the residual-norm estimate
  StreamingRange = 2,      // single-pass SVD (Tropp et al. 2019): Ω of Y = AΩ
  StreamingCoRange = 3,    //   Υ of X = ΥA
  StreamingCoreLeft = 4,   //   Φ of Z = ΦAΨᵀ
  StreamingCoreRight = 5,  //   Ψ of Z = ΦAΨᵀ
  NystromColumns = 6,      // Nyström column sampling: counter (a, c2) = (a lo, a hi, c2, 6)
  NystromSketch = 7,       // Nyström gaussian sketch Ω of Y = AΩ (docs/algorithms/nystrom.md)
  FlowFields = 8,          // flow-field generators (docs/flow-networks.md; TypeScript only)
  BootstrapSketch = 9,     // row sketch S of the bootstrap (docs/algorithms/bootstrap.md)
  BootstrapResample = 10,  // bootstrap resamples: replicate b is block b
};

RANDLA_HOST_DEVICE inline Philox4x32 philox4x32_10(Philox4x32 counter, std::uint32_t key0,
                                                   std::uint32_t key1) {
  constexpr std::uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  constexpr std::uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  std::uint32_t c0 = counter.v[0], c1 = counter.v[1], c2 = counter.v[2], c3 = counter.v[3];
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key0 += kWeyl0;
      key1 += kWeyl1;
    }
    const std::uint64_t p0 = static_cast<std::uint64_t>(kMul0) * c0;
    const std::uint64_t p1 = static_cast<std::uint64_t>(kMul1) * c2;
    const std::uint32_t hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
    const std::uint32_t hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
    c0 = hi1 ^ c1 ^ key0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ key1;
    c3 = lo0;
  }
  return {{c0, c1, c2, c3}};
}

// The four words of entry (i, j) of a test matrix drawn from (seed, stream).
RANDLA_HOST_DEVICE inline Philox4x32 entry_words(std::uint64_t seed, std::uint32_t stream,
                                                 std::uint64_t i, std::uint32_t j) {
  return philox4x32_10({{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i >> 32), j, stream}},
                       static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32));
}

// 53-bit uniform in (0, 1] from two words: 1 − k/2^53, exact, never 0 so log() stays finite.
RANDLA_HOST_DEVICE inline double uniform_open_closed(std::uint32_t a, std::uint32_t b) {
  return (9007199254740992.0 - ((a >> 5) * 67108864.0 + (b >> 6))) * (1.0 / 9007199254740992.0);
}

// 53-bit uniform in [0, 1) from two words.
RANDLA_HOST_DEVICE inline double uniform_closed_open(std::uint32_t a, std::uint32_t b) {
  return ((a >> 5) * 67108864.0 + (b >> 6)) * (1.0 / 9007199254740992.0);
}

// Standard normal, Box–Muller, cosine branch only so each entry stays addressable on its own.
RANDLA_HOST_DEVICE inline double gaussian_entry(std::uint64_t seed, std::uint32_t stream,
                                                std::uint64_t i, std::uint32_t j) {
  const Philox4x32 x = entry_words(seed, stream, i, j);
  const double u1 = uniform_open_closed(x.v[0], x.v[1]);
  const double u2 = uniform_closed_open(x.v[2], x.v[3]);
  constexpr double kTwoPi = 6.283185307179586;  // the f64 nearest 2π, as 2 * Math.PI in JS
  return ::sqrt(-2.0 * ::log(u1)) * ::cos(kTwoPi * u2);
}

// ±1 with probability ½: +1 when the top bit of the first word is 0.
RANDLA_HOST_DEVICE inline double rademacher_entry(std::uint64_t seed, std::uint32_t stream,
                                                  std::uint64_t i, std::uint32_t j) {
  return (entry_words(seed, stream, i, j).v[0] >> 31) ? -1.0 : 1.0;
}

// Uniform on [−1, 1) (fbpca's test matrix, 2·U[0, 1) − 1) from the 53-bit [0, 1) draw of the
// first two words: exact in f64.
RANDLA_HOST_DEVICE inline double uniform_pm1_entry(std::uint64_t seed, std::uint32_t stream,
                                                   std::uint64_t i, std::uint32_t j) {
  const Philox4x32 x = entry_words(seed, stream, i, j);
  return 2.0 * uniform_closed_open(x.v[0], x.v[1]) - 1.0;
}

// The counter's last word for a stream and the block of an adaptive sketch above it: blocks
// t < 2^24 of one stream (< 256) are independent matrices (docs/rng.md).
RANDLA_HOST_DEVICE inline std::uint32_t stream_word(Stream stream, std::uint32_t block) {
  return static_cast<std::uint32_t>(stream) + 256u * block;
}

// --- Structured test matrices (sparse-sign, SRHT): the counters they use (docs/rng.md) ---
// Every counter is (c0, c1, c2, s) with s = stream + 256·block. Elementwise entries use
// (i lo, i hi, j, s) with j < 2^31 and i < 2^53 (so i hi < 2^21); the structured draws take the
// rest of the counter space, so no two kinds on one stream ever share a counter:
//   sparse-sign, row i, step t < ζ:  (i lo, i hi, 2^31 + t, s)
//   SRHT sign d_i of row i:          (i lo, i hi, 2^32 − 1, s)
//   SRHT column step t < l:          (t, 2^32 − 1, 2^32 − 1, s)
constexpr std::uint32_t kSparseSignStepBase = 0x80000000u;
constexpr std::uint32_t kSrhtTag = 0xFFFFFFFFu;

// floor(u·span) for the 53-bit u in [0, 1) of two words, 1 <= span <= 2^53: the offset of one
// Fisher–Yates step. One IEEE multiplication and a floor, so JavaScript reproduces it exactly;
// the product never rounds up to span, but the clamp keeps that a local fact.
RANDLA_HOST_DEVICE inline std::uint64_t uniform_index(std::uint32_t a, std::uint32_t b, std::uint64_t span) {
  const auto r = static_cast<std::uint64_t>(uniform_closed_open(a, b) * static_cast<double>(span));
  return r < span ? r : span - 1;
}

// Words of step t of row i's partial Fisher–Yates (sparse-sign): words 0–1 pick the position,
// the top bit of word 2 the sign (set: −).
RANDLA_HOST_DEVICE inline Philox4x32 sparse_sign_words(std::uint64_t seed, std::uint32_t word,
                                                       std::uint64_t i, std::uint32_t t) {
  return entry_words(seed, word, i, kSparseSignStepBase + t);
}

// The random sign d_i of row i of an SRHT: +1 when the top bit of the first word is 0.
RANDLA_HOST_DEVICE inline double srht_sign(std::uint64_t seed, std::uint32_t word, std::uint64_t i) {
  return (entry_words(seed, word, i, kSrhtTag).v[0] >> 31) ? -1.0 : 1.0;
}

// Words of step t of the SRHT's column selection (words 0–1 pick the column).
RANDLA_HOST_DEVICE inline Philox4x32 srht_column_words(std::uint64_t seed, std::uint32_t word,
                                                       std::uint32_t t) {
  return philox4x32_10({{t, kSrhtTag, kSrhtTag, word}}, static_cast<std::uint32_t>(seed),
                       static_cast<std::uint32_t>(seed >> 32));
}

}  // namespace randla
