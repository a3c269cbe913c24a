// Philox4x32-10 against the Random123 known-answer vectors (tests/kat_vectors, philox4x32 10).
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "check.hpp"
#include "randla/philox.hpp"

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

TEST_MAIN()
