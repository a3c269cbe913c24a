// A seeded 2-D vorticity field for the GPU Nyström tests and benchmark: a sum of Lamb–Oseen
// vortices, ω(x, y) = Σ_v Γ_v / (π a_v²) · exp(−|x − x_v|² / a_v²) (the Gaussian vortex core, e.g.
// Saffman, Vortex Dynamics, 1992, §2.3), plus a uniform background ω₀ so that every cell exceeds
// the zero threshold and is a node (the C++ programs have no turbulence generator; the node
// count, not the field's shape, sets the cost of a column, docs/gpu.md).
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace randla::test {

// ny x nx row-major on [0, 1)², `vortices` vortices of random sign, circulation in [0.5, 1.5],
// radius in [0.02, 0.08] and centre (std::mt19937_64 seeded with `seed`), background 1e-3.
inline std::vector<double> lamb_oseen_field(std::int64_t ny, std::int64_t nx, int vortices, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  struct Vortex {
    double x, y, strength, a2;
  };
  std::vector<Vortex> vs;
  for (int v = 0; v < vortices; ++v) {
    const double x = unit(gen), y = unit(gen);
    const double gamma = (unit(gen) < 0.5 ? -1.0 : 1.0) * (0.5 + unit(gen));
    const double a = 0.02 + 0.06 * unit(gen);
    vs.push_back({x, y, gamma / (3.141592653589793 * a * a), a * a});
  }
  std::vector<double> w(static_cast<std::size_t>(ny * nx), 1e-3);
  for (std::int64_t r = 0; r < ny; ++r)
    for (std::int64_t c = 0; c < nx; ++c) {
      const double x = double(c) / double(nx), y = double(r) / double(ny);
      double sum = 1e-3;
      for (const Vortex& v : vs) sum += v.strength * std::exp(-((x - v.x) * (x - v.x) + (y - v.y) * (y - v.y)) / v.a2);
      w[static_cast<std::size_t>(r * nx + c)] = sum;
    }
  return w;
}

}  // namespace randla::test
