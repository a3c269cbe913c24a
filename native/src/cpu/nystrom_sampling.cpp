// Column sampling for Nyström: uniform without replacement, and the spatially stratified
// (quasi-uniform) sampling of Bai, Erichson, Gopalakrishnan Meena, Taira, Brunton 2019, with
// the exact cell and fill rules of docs/algorithms/nystrom.md, so every backend draws the same S.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cpu/input_checks.hpp"
#include "randla/error.hpp"
#include "randla/nystrom.hpp"
#include "randla/philox.hpp"

namespace randla {
namespace {

constexpr std::uint32_t kColumnsWord = static_cast<std::uint32_t>(Stream::NystromColumns);

// idx(span) of the words of counter (a, c2) on the column-sampling stream.
std::uint64_t draw_index(std::uint64_t seed, std::uint64_t a, std::uint32_t c2, std::uint64_t span) {
  const Philox4x32 x = entry_words(seed, kColumnsWord, a, c2);
  return uniform_index(x.v[0], x.v[1], span);
}

// The first `count` entries of a partial Fisher–Yates shuffle of the virtual array a[k] = k,
// k ∈ [0, span), step t using counter (t, c2). Only swapped slots are stored: O(count) memory.
std::vector<std::int64_t> partial_shuffle(std::int64_t span, std::int64_t count, std::uint64_t seed, std::uint32_t c2) {
  std::unordered_map<std::int64_t, std::int64_t> moved;
  moved.reserve(static_cast<std::size_t>(2 * count));
  auto at = [&](std::int64_t k) {
    const auto it = moved.find(k);
    return it == moved.end() ? k : it->second;
  };
  std::vector<std::int64_t> out(static_cast<std::size_t>(count));
  for (std::int64_t t = 0; t < count; ++t) {
    const std::int64_t r =
        t + static_cast<std::int64_t>(draw_index(seed, static_cast<std::uint64_t>(t), c2, static_cast<std::uint64_t>(span - t)));
    const std::int64_t vt = at(t), vr = at(r);
    moved[t] = vr;
    moved[r] = vt;
    out[static_cast<std::size_t>(t)] = vr;
  }
  return out;
}

}  // namespace

std::vector<std::int64_t> uniform_columns(std::int64_t n, std::int64_t l, std::uint64_t seed) {
  RANDLA_EXPECTS(n >= 1, "n") << "Expected at least 1 for n but received " << n;
  RANDLA_EXPECTS(l >= 0 && l <= n, "options.columns")
      << "Expected an integer in [0, " << n << "] for options.columns but received " << l;
  return partial_shuffle(n, l, seed, 0);
}

std::vector<std::int64_t> quasi_uniform_columns(MatrixView<const double> coords, std::int64_t l, std::uint64_t seed) {
  const std::int64_t n = coords.rows, d = coords.cols;
  RANDLA_EXPECTS(coords.data != nullptr && n >= 1 && d >= 1, "options.coords")
      << "Expected n x d coordinates with n, d >= 1 for options.coords but received " << n << " x " << d;
  RANDLA_EXPECTS(l >= 0 && l <= n, "options.columns")
      << "Expected an integer in [0, " << n << "] for options.columns but received " << l;
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t k = 0; k < d; ++k)
      if (!std::isfinite(coords(i, k))) detail::throw_not_finite("options.coords", coords(i, k), i, k);
  if (l == 0) return {};

  std::vector<double> lo(static_cast<std::size_t>(d)), extent(static_cast<std::size_t>(d));
  std::int64_t spread_dims = 0;
  double volume = 1;
  for (std::int64_t k = 0; k < d; ++k) {
    double mn = coords(0, k), mx = coords(0, k);
    for (std::int64_t i = 1; i < n; ++i) {
      mn = std::min(mn, coords(i, k));
      mx = std::max(mx, coords(i, k));
    }
    lo[static_cast<std::size_t>(k)] = mn;
    extent[static_cast<std::size_t>(k)] = mx - mn;
    if (mx - mn > 0) {
      ++spread_dims;
      volume *= mx - mn;
    }
  }
  std::vector<std::int64_t> cells_per_dim(static_cast<std::size_t>(d), 1);
  if (spread_dims > 0) {
    const double per_cell = volume / static_cast<double>(l);
    // Correctly rounded operations for the common dimensions (1-D: the quotient, 2-D: sqrt),
    // so the TypeScript reference computes the same h bit for bit; pow beyond.
    const double h = spread_dims == 1   ? per_cell
                     : spread_dims == 2 ? std::sqrt(per_cell)
                                        : std::pow(per_cell, 1.0 / static_cast<double>(spread_dims));
    for (std::int64_t k = 0; k < d; ++k) {
      const double e = extent[static_cast<std::size_t>(k)];
      if (e > 0) cells_per_dim[static_cast<std::size_t>(k)] = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::floor(e / h + 0.5)));
    }
  }
  // Linear cell id of each node, last dimension fastest; sorting (id, node) lists the non-empty
  // cells in ascending id with members in ascending node index.
  std::vector<std::pair<std::int64_t, std::int64_t>> keyed(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t id = 0;
    for (std::int64_t k = 0; k < d; ++k) {
      const std::int64_t g = cells_per_dim[static_cast<std::size_t>(k)];
      const double e = extent[static_cast<std::size_t>(k)];
      std::int64_t c = 0;
      if (e > 0) {
        c = static_cast<std::int64_t>(std::floor((coords(i, k) - lo[static_cast<std::size_t>(k)]) / e * static_cast<double>(g)));
        c = std::min(g - 1, c);
      }
      id = id * g + c;
    }
    keyed[static_cast<std::size_t>(i)] = {id, i};
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::int64_t> starts;  // cell c's members are keyed[starts[c] .. starts[c + 1])
  for (std::int64_t i = 0; i < n; ++i)
    if (i == 0 || keyed[static_cast<std::size_t>(i)].first != keyed[static_cast<std::size_t>(i - 1)].first)
      starts.push_back(i);
  const std::int64_t cells = static_cast<std::int64_t>(starts.size());
  starts.push_back(n);
  auto pick_in_cell = [&](std::int64_t c) {
    const std::int64_t begin = starts[static_cast<std::size_t>(c)], size = starts[static_cast<std::size_t>(c + 1)] - begin;
    const auto offset = static_cast<std::int64_t>(draw_index(seed, static_cast<std::uint64_t>(c), 1, static_cast<std::uint64_t>(size)));
    return keyed[static_cast<std::size_t>(begin + offset)].second;
  };

  std::vector<std::int64_t> S;
  S.reserve(static_cast<std::size_t>(l));
  if (cells <= l) {
    std::vector<char> chosen(static_cast<std::size_t>(n), 0);
    for (std::int64_t c = 0; c < cells; ++c) {
      S.push_back(pick_in_cell(c));
      chosen[static_cast<std::size_t>(S.back())] = 1;
    }
    std::vector<std::int64_t> rest;
    rest.reserve(static_cast<std::size_t>(n - cells));
    for (std::int64_t i = 0; i < n; ++i)
      if (!chosen[static_cast<std::size_t>(i)]) rest.push_back(i);
    for (std::int64_t p : partial_shuffle(static_cast<std::int64_t>(rest.size()), l - cells, seed, 2))
      S.push_back(rest[static_cast<std::size_t>(p)]);
  } else {
    for (std::int64_t c : partial_shuffle(cells, l, seed, 3)) S.push_back(pick_in_cell(c));
  }
  return S;
}

}  // namespace randla
