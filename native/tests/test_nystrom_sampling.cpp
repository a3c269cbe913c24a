// Column sampling of Nyström (docs/algorithms/nystrom.md, "Sampling"): uniform and quasi-uniform
// against a direct transcription of the doc's rules (plain arrays, no shared code), cell
// coverage on regular grids, reproducibility by seed and independence of the thread count.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "check.hpp"
#include "randla/nystrom.hpp"
#include "randla/philox.hpp"
#include "randla/threads.hpp"
#include "tolerance.hpp"

using namespace randla;

namespace {

// idx(span) of counter (a, c2) on stream 6, written out from docs/rng.md.
std::int64_t doc_idx(std::uint64_t seed, std::uint64_t a, std::uint32_t c2, std::int64_t span) {
  const Philox4x32 x = philox4x32_10({{static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(a >> 32), c2, 6u}},
                                     static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32));
  const double u = ((x.v[0] >> 5) * 67108864.0 + (x.v[1] >> 6)) / 9007199254740992.0;
  return std::min(static_cast<std::int64_t>(std::floor(u * static_cast<double>(span))), span - 1);
}

// Partial Fisher–Yates on a materialised array.
std::vector<std::int64_t> doc_shuffle(std::vector<std::int64_t> a, std::int64_t count, std::uint64_t seed, std::uint32_t c2) {
  const auto span = static_cast<std::int64_t>(a.size());
  for (std::int64_t t = 0; t < count; ++t) std::swap(a[static_cast<std::size_t>(t)], a[static_cast<std::size_t>(t + doc_idx(seed, static_cast<std::uint64_t>(t), c2, span - t))]);
  a.resize(static_cast<std::size_t>(count));
  return a;
}

std::vector<std::int64_t> iota(std::int64_t n) {
  std::vector<std::int64_t> a(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) a[static_cast<std::size_t>(i)] = i;
  return a;
}

// side x side grid of points (col-major n x 2), point i at (i % side, i / side).
std::vector<double> grid(std::int64_t side) {
  const std::int64_t n = side * side;
  std::vector<double> P(static_cast<std::size_t>(2 * n));
  for (std::int64_t i = 0; i < n; ++i) {
    P[static_cast<std::size_t>(i)] = static_cast<double>(i % side);
    P[static_cast<std::size_t>(n + i)] = static_cast<double>(i / side);
  }
  return P;
}

// The cell of grid point i for g x g cells over [0, side − 1]², per the doc's formula.
std::int64_t grid_cell(std::int64_t i, std::int64_t side, std::int64_t g) {
  const double e = static_cast<double>(side - 1);
  auto c = [&](double p) { return std::min(g - 1, static_cast<std::int64_t>(std::floor(p / e * static_cast<double>(g)))); };
  return c(static_cast<double>(i % side)) * g + c(static_cast<double>(i / side));
}

bool distinct(const std::vector<std::int64_t>& s) { return std::set<std::int64_t>(s.begin(), s.end()).size() == s.size(); }

}  // namespace

TEST_CASE("uniform: l distinct indices, the doc's Fisher–Yates, reproducible, thread independent") {
  for (std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{42}, std::uint64_t{0x0123456789abcdef}}) {
    for (std::int64_t n : {1, 7, 1000}) {
      for (std::int64_t l : {std::int64_t{1}, std::min<std::int64_t>(n, 8), n}) {
        const auto S = uniform_columns(n, l, seed);
        CHECK(static_cast<std::int64_t>(S.size()) == l && distinct(S), "l distinct indices");
        CHECK(std::all_of(S.begin(), S.end(), [&](std::int64_t i) { return i >= 0 && i < n; }), "indices in range");
        CHECK(S == doc_shuffle(iota(n), l, seed, 0), "the doc's partial Fisher–Yates, n = " + std::to_string(n));
      }
    }
  }
  set_threads(1);
  const auto one = uniform_columns(100000, 500, 9);
  set_threads(2);
  CHECK(one == uniform_columns(100000, 500, 9), "same indices for 1 and 2 threads");
  CHECK(one != uniform_columns(100000, 500, 10), "another seed, other indices");
  // Every index is equally likely: 2000 draws of 10 of 50, each index ~400 times (±5σ).
  std::vector<int> hits(50, 0);
  for (std::uint64_t s = 0; s < 2000; ++s)
    for (std::int64_t i : uniform_columns(50, 10, s)) ++hits[static_cast<std::size_t>(i)];
  for (int h : hits) CHECK(std::abs(h - 400) <= 5 * std::sqrt(400.0 * 0.8), "uniform frequency " + std::to_string(h));
}

TEST_CASE("quasi-uniform on a regular grid: one node per cell when cells >= l") {
  const std::int64_t side = 20, n = side * side;
  const auto P = grid(side);
  const MatrixView<const double> coords = dense_view<const double>(P.data(), n, 2, Layout::ColMajor);
  // l = 16: h = sqrt(361/16) = 4.75, g = 4 per dimension, 16 cells = l. l = 25: g = 5, 25 cells.
  for (auto [l, g] : {std::pair<std::int64_t, std::int64_t>{16, 4}, {25, 5}}) {
    for (std::uint64_t seed : {1u, 2u, 3u}) {
      const auto S = quasi_uniform_columns(coords, l, seed);
      std::set<std::int64_t> cells;
      for (std::int64_t i : S) cells.insert(grid_cell(i, side, g));
      CHECK(static_cast<std::int64_t>(S.size()) == l && distinct(S), "l distinct nodes");
      CHECK(static_cast<std::int64_t>(cells.size()) == g * g, "one node in each of the " + std::to_string(g * g) + " cells");
      // In ascending cell id, each member drawn with counter (c, 1).
      for (std::int64_t c = 0; c < l; ++c) {
        std::vector<std::int64_t> members;
        for (std::int64_t i = 0; i < n; ++i)
          if (grid_cell(i, side, g) == c) members.push_back(i);
        const std::int64_t expected = members[static_cast<std::size_t>(doc_idx(seed, static_cast<std::uint64_t>(c), 1, static_cast<std::int64_t>(members.size())))];
        CHECK(S[static_cast<std::size_t>(c)] == expected, "cell " + std::to_string(c) + " member per the doc");
      }
    }
  }
  // l = 14: h = sqrt(361/14), g = round(3.74) = 4: 16 cells > 14, so 14 distinct cells drawn by
  // Fisher–Yates on cell numbers (counter (t, 3)), one member each (counter (c, 1)).
  const std::int64_t l = 14, g = 4;
  const auto S = quasi_uniform_columns(coords, l, 5);
  const auto drawn = doc_shuffle(iota(g * g), l, 5, 3);
  std::set<std::int64_t> cells;
  for (std::size_t t = 0; t < S.size(); ++t) {
    CHECK(grid_cell(S[t], side, g) == drawn[t], "M > l: node " + std::to_string(t) + " in the drawn cell");
    cells.insert(grid_cell(S[t], side, g));
  }
  CHECK(static_cast<std::int64_t>(cells.size()) == l && distinct(S), "M > l: l distinct cells");
}

TEST_CASE("quasi-uniform: the fill rule when cells < l, degenerate extents") {
  const std::int64_t side = 20, n = side * side;
  const auto P = grid(side);
  const MatrixView<const double> coords = dense_view<const double>(P.data(), n, 2, Layout::ColMajor);
  // l = 18: h = sqrt(361/18), g = round(4.24) = 4: 16 cells, then 2 nodes by Fisher–Yates on the
  // 384 nodes not chosen (ascending), counter (t, 2).
  const std::int64_t l = 18, g = 4;
  const auto S = quasi_uniform_columns(coords, l, 11);
  CHECK(static_cast<std::int64_t>(S.size()) == l && distinct(S), "l distinct nodes");
  std::set<std::int64_t> cells;
  for (std::int64_t t = 0; t < g * g; ++t) cells.insert(grid_cell(S[static_cast<std::size_t>(t)], side, g));
  CHECK(static_cast<std::int64_t>(cells.size()) == g * g, "first 16: one per cell");
  std::vector<std::int64_t> rest;
  for (std::int64_t i = 0; i < n; ++i)
    if (std::find(S.begin(), S.begin() + g * g, i) == S.begin() + g * g) rest.push_back(i);
  const auto fill = doc_shuffle(iota(static_cast<std::int64_t>(rest.size())), l - g * g, 11, 2);
  for (std::int64_t t = 0; t < l - g * g; ++t)
    CHECK(S[static_cast<std::size_t>(g * g + t)] == rest[static_cast<std::size_t>(fill[static_cast<std::size_t>(t)])],
          "fill " + std::to_string(t) + " per the doc");
  // All points on one vertical line: the x extent is 0, so cells come from y alone (g = l).
  std::vector<double> line(static_cast<std::size_t>(2 * 100));
  for (std::int64_t i = 0; i < 100; ++i) {
    line[static_cast<std::size_t>(i)] = 3.0;
    line[static_cast<std::size_t>(100 + i)] = static_cast<double>(i);
  }
  const auto L = quasi_uniform_columns(dense_view<const double>(line.data(), 100, 2, Layout::ColMajor), 10, 4);
  std::set<std::int64_t> bands;
  for (std::int64_t i : L) bands.insert(std::min<std::int64_t>(9, static_cast<std::int64_t>(std::floor(double(i) / 99.0 * 10))));
  CHECK(bands.size() == 10 && distinct(L), "1-D: one node per band");
  // Every point identical: one cell, then uniform fill; still l distinct nodes.
  std::vector<double> same(static_cast<std::size_t>(2 * 30), 1.5);
  const auto D = quasi_uniform_columns(dense_view<const double>(same.data(), 30, 2, Layout::ColMajor), 12, 4);
  CHECK(D.size() == 12 && distinct(D), "one cell: l distinct nodes");
  set_threads(1);
  const auto one = quasi_uniform_columns(coords, 25, 8);
  set_threads(2);
  CHECK(one == quasi_uniform_columns(coords, 25, 8), "same nodes for 1 and 2 threads");
}

TEST_MAIN()
