// Philox4x32-10 against the Random123 known-answer vectors (tests/kat_vectors, philox4x32 10).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "check.hpp"
#include "randla/philox.hpp"
#include "randla/test_matrix.hpp"

using randla::Philox4x32;

TEST_CASE("philox4x32_10 matches the Random123 known-answer vectors") {
  struct Kat {
    Philox4x32 ctr;
    std::uint32_t k0, k1;
    Philox4x32 expected;
  };
  const Kat kats[] = {
      {{{0, 0, 0, 0}}, 0, 0, {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}}},
      {{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}}, 0xffffffffu, 0xffffffffu,
       {{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}}},
      {{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}}, 0xa4093822u, 0x299f31d0u,
       {{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}}},
  };
  for (const auto& kat : kats) {
    const Philox4x32 out = randla::philox4x32_10(kat.ctr, kat.k0, kat.k1);
    for (int w = 0; w < 4; ++w) {
      char what[128];
      std::snprintf(what, sizeof what, "word %d: actual %08x, expected %08x", w, out.v[w], kat.expected.v[w]);
      CHECK(out.v[w] == kat.expected.v[w], what);
    }
  }
}

TEST_CASE("entry words follow the documented counter and key mapping") {
  const std::uint64_t seed = 0x0123456789abcdefull;
  const Philox4x32 direct = randla::philox4x32_10({{7u, 1u, 3u, 5u}}, 0x89abcdefu, 0x01234567u);
  const Philox4x32 mapped = randla::entry_words(seed, 5, (1ull << 32) + 7, 3);
  for (int w = 0; w < 4; ++w) CHECK(direct.v[w] == mapped.v[w], "entry_words = philox(i lo, i hi, j, stream; seed lo, hi)");
}

TEST_CASE("uniforms stay inside their intervals at the extreme words") {
  CHECK(randla::uniform_open_closed(0, 0) == 1.0, "(0, 1] uniform of zero words is 1");
  CHECK(randla::uniform_open_closed(0xffffffffu, 0xffffffffu) > 0.0, "(0, 1] uniform of all-ones words is positive");
  CHECK(std::isfinite(randla::gaussian_entry(0, 0, 0, 0)), "gaussian entries are finite");
  CHECK(randla::uniform_closed_open(0, 0) == 0.0, "closed-open uniform of zero words is 0");
  CHECK(randla::uniform_closed_open(0xffffffffu, 0xffffffffu) < 1.0, "closed-open uniform stays below 1");
}

TEST_CASE("gaussian entries have mean 0 and variance 1; rademacher entries are balanced") {
  const int n = 200000;
  double sum = 0, sum2 = 0, rsum = 0;
  for (int i = 0; i < n; ++i) {
    const double g = randla::gaussian_entry(42, 0, static_cast<std::uint64_t>(i), 3);
    sum += g;
    sum2 += g * g;
    rsum += randla::rademacher_entry(42, 0, static_cast<std::uint64_t>(i), 3);
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  // 5 standard errors: sd(mean) = 1/sqrt(n), sd(var) = sqrt(2/n), sd(rademacher mean) = 1/sqrt(n).
  CHECK_CLOSE(mean, 0.0, 5.0 / std::sqrt(n), "gaussian sample mean");
  CHECK_CLOSE(var, 1.0, 5.0 * std::sqrt(2.0 / n), "gaussian sample variance");
  CHECK_CLOSE(rsum / n, 0.0, 5.0 / std::sqrt(n), "rademacher sample mean");
}

TEST_CASE("cross-language vectors of docs/rng.md (shared with test/reference.test.ts)") {
  const std::uint64_t seed = 0x0123456789abcdefull;
  struct Vector {
    std::uint64_t i;
    std::uint32_t j;
    double gaussian, rademacher;
  };
  const Vector vectors[] = {
      {0, 0, 1.3948689342854275, -1}, {5, 3, -1.077966403770696, -1}, {(1ull << 32) + 7, 2, 1.1015628358011695, -1}};
  for (const auto& v : vectors) {
    // A few ulp: backends may differ only through libm's log and cos.
    CHECK_CLOSE(randla::gaussian_entry(seed, 0, v.i, v.j), v.gaussian, 8 * 2.220446049250313e-16 * std::abs(v.gaussian),
                "gaussian entry");
    CHECK(randla::rademacher_entry(seed, 0, v.i, v.j) == v.rademacher, "rademacher entry");
  }
}

TEST_CASE("structured kinds use the documented counters, disjoint from the elementwise ones") {
  const std::uint64_t seed = 0x0123456789abcdefull;
  const std::uint32_t k0 = 0x89abcdefu, k1 = 0x01234567u, s = 3 + 256 * 2;
  const Philox4x32 step = randla::sparse_sign_words(seed, s, (1ull << 32) + 7, 5);
  const Philox4x32 step_direct = randla::philox4x32_10({{7u, 1u, 0x80000005u, s}}, k0, k1);
  const Philox4x32 sign_direct = randla::philox4x32_10({{7u, 1u, 0xffffffffu, s}}, k0, k1);
  const Philox4x32 column = randla::srht_column_words(seed, s, 9);
  const Philox4x32 column_direct = randla::philox4x32_10({{9u, 0xffffffffu, 0xffffffffu, s}}, k0, k1);
  for (int w = 0; w < 4; ++w) {
    CHECK(step.v[w] == step_direct.v[w], "sparse-sign step t of row i: (i lo, i hi, 2^31 + t, stream word)");
    CHECK(column.v[w] == column_direct.v[w], "srht column step t: (t, 2^32 - 1, 2^32 - 1, stream word)");
  }
  CHECK(randla::srht_sign(seed, s, (1ull << 32) + 7) == ((sign_direct.v[0] >> 31) ? -1.0 : 1.0),
        "srht sign of row i: top bit of word 0 of (i lo, i hi, 2^32 - 1, stream word)");
  CHECK(randla::stream_word(randla::Stream::StreamingCoRange, 2) == s, "stream word = stream + 256·block");
}

TEST_CASE("uniform_index: floor(u·span) in [0, span), exact at the extreme words") {
  // The largest u is 1 − 2^−53: u·span rounds below span for every span up to 2^53, so the clamp
  // in uniform_index never changes a result (JavaScript has no clamp to disagree with).
  bool below = true;
  const double top = randla::uniform_closed_open(0xffffffffu, 0xffffffffu);
  for (std::uint64_t span = 1; span <= 4096; ++span) below &= static_cast<std::uint64_t>(top * double(span)) == span - 1;
  for (std::uint64_t span : {(1ull << 31) - 1, (1ull << 31) + 1, 3ull << 40, (1ull << 53) - 1, 1ull << 53})
    below &= static_cast<std::uint64_t>(top * double(span)) == span - 1;
  CHECK(below, "floor((1 − 2^−53)·span) = span − 1");
  CHECK(randla::uniform_index(0, 0, 7) == 0, "zero words give offset 0");
  CHECK(randla::uniform_index(0x80000000u, 0, 10) == 5, "u = 1/2 gives span/2");
}

TEST_CASE("cross-language vectors of the structured kinds and blocks (docs/rng.md, test/sketch.test.ts)") {
  using namespace randla;
  for (std::uint32_t block : {0u, 3u}) {
    TestMatrixSpec spec;
    spec.seed = 0x0123456789abcdefull;
    spec.block = block;
    spec.rows = 1000;
    spec.cols = 20;
    spec.nnz = 4;
    const bool b0 = block == 0;
    // Elementwise: uniform is exact in f64 in both languages, gaussian up to libm.
    struct Entry {
      std::int64_t i, j;
      double uniform;
    };
    const Entry uniforms[] = {{0, 0, b0 ? 0.439945485765904 : -0.5859848345147398},
                              {5, 3, b0 ? 0.20496109250238037 : 0.641141626097959},
                              {999, 19, b0 ? 0.2593319056044434 : -0.02321365616233373}};
    spec.kind = TestMatrixKind::Uniform;
    for (const auto& e : uniforms) CHECK(test_matrix_entry(spec, e.i, e.j) == e.uniform, "uniform entry");
    spec.kind = TestMatrixKind::Gaussian;
    const double g00 = b0 ? 1.3948689342854275 : -0.2875245008350608, g53 = b0 ? -1.077966403770696 : 1.8268598948006454;
    CHECK_CLOSE(test_matrix_entry(spec, 0, 0), g00, 8 * 2.220446049250313e-16 * std::abs(g00), "gaussian (0, 0)");
    CHECK_CLOSE(test_matrix_entry(spec, 5, 3), g53, 8 * 2.220446049250313e-16 * std::abs(g53), "gaussian (5, 3)");

    // Sparse sign, ζ = 4: the non-zeros of rows 0, 7, 999 in step order (column, sign).
    struct Row {
      std::int64_t i;
      int column[4], sign[4];
    };
    const Row rows0[] = {{0, {12, 13, 1, 16}, {-1, -1, 1, 1}},
                         {7, {12, 10, 4, 17}, {1, 1, 1, -1}},
                         {999, {3, 10, 17, 18}, {-1, -1, 1, 1}}};
    const Row rows3[] = {{0, {14, 10, 9, 12}, {-1, -1, 1, 1}},
                         {7, {10, 5, 2, 3}, {1, -1, 1, 1}},
                         {999, {5, 14, 9, 11}, {-1, -1, 1, -1}}};
    spec.kind = TestMatrixKind::SparseSign;
    for (const Row& row : b0 ? rows0 : rows3) {
      bool same = true;
      for (std::int64_t j = 0; j < spec.cols; ++j) {
        double expected = 0;
        for (int t = 0; t < 4; ++t)
          if (row.column[t] == j) expected = row.sign[t] * 0.5;
        same &= test_matrix_entry(spec, row.i, j) == expected;
      }
      CHECK(same, "sparse-sign row " + std::to_string(row.i) + ", block " + std::to_string(block));
    }

    // SRHT of 1000 rows (N = 1024), l = 20: the first sampled columns, the first signs, entries.
    spec.kind = TestMatrixKind::Srht;
    const std::int64_t cols0[] = {835, 124, 39, 459, 999, 379, 806, 691};
    const std::int64_t cols3[] = {256, 357, 513, 321, 340, 576, 62, 465};
    const double signs0[] = {-1, -1, -1, 1, -1, -1, 1, 1};
    const double signs3[] = {-1, -1, -1, -1, 1, -1, -1, 1};
    const std::vector<std::int64_t> columns = srht_columns(spec);
    for (int t = 0; t < 8; ++t) {
      CHECK(columns[t] == (b0 ? cols0 : cols3)[t], "srht column s_" + std::to_string(t));
      CHECK(srht_sign(spec.seed, stream_word(spec.stream, block), t) == (b0 ? signs0 : signs3)[t],
            "srht sign d_" + std::to_string(t));
    }
    const double r = 0.22360679774997896;  // 1/√20 in f64
    CHECK(test_matrix_entry(spec, 0, 0) == -r, "srht (0, 0)");
    CHECK(test_matrix_entry(spec, 5, 3) == r, "srht (5, 3)");
    CHECK(test_matrix_entry(spec, 999, 19) == (b0 ? -r : r), "srht (999, 19)");
  }
}

TEST_MAIN()
