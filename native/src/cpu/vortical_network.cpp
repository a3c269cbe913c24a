// Vortical interaction network (Nair & Taira, JFM 2015; Taira, Nair & Brunton, JFM 2016 §2):
// the Biot–Savart induced-velocity adjacency of grid vortices, computed column by column.
#include "randla/vortical_network.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "randla/error.hpp"
#include "randla/threads.hpp"
#include "cpu/input_checks.hpp"

namespace randla {
namespace {

constexpr double two_pi = 2 * std::numbers::pi;
// Entries per thread chunk of columns(): below this, starting a thread costs more than it saves.
constexpr std::int64_t min_entries_per_chunk = 1 << 16;

// A_ij for i ≠ j in the one operation order the TypeScript reference uses too, so both backends
// give the same bits: (α·|Γ_i| + (1 − α)·|Γ_j|) / (2π·r_ij). For α = 0.5 the numerator is one
// commutative sum and r_ij is symmetric, so A is exactly symmetric.
inline double entry(double alpha, double beta, const double* x, const double* y, const double* magnitude,
                    std::int64_t i, std::int64_t j) {
  const double ddx = x[i] - x[j];
  const double ddy = y[i] - y[j];
  const double r = std::sqrt(ddx * ddx + ddy * ddy);
  return (alpha * magnitude[i] + beta * magnitude[j]) / (two_pi * r);
}

}  // namespace

VorticalNetwork::VorticalNetwork(MatrixView<const double> vorticity, double dx, double dy,
                                 const VorticalNetworkOptions& options) {
  build(vorticity, dx, dy, options);
}

VorticalNetwork::VorticalNetwork(const double* vorticity, std::int64_t ny, std::int64_t nx, double dx, double dy,
                                 const VorticalNetworkOptions& options) {
  RANDLA_EXPECTS_CODE(ny >= 1 && nx >= 1, ErrorCode::Shape, "vorticity")
      << "Expected a non-empty ny x nx grid for vorticity but received " << ny << " x " << nx;
  build(dense_view(vorticity, ny, nx, Layout::RowMajor), dx, dy, options);
}

void VorticalNetwork::build(MatrixView<const double> vorticity, double dx, double dy,
                            const VorticalNetworkOptions& options) {
  const std::int64_t ny = vorticity.rows, nx = vorticity.cols;
  RANDLA_EXPECTS_CODE(ny >= 1 && nx >= 1, ErrorCode::Shape, "vorticity")
      << "Expected a non-empty ny x nx grid for vorticity but received " << ny << " x " << nx;
  RANDLA_EXPECTS(vorticity.data != nullptr, "vorticity") << "Expected vorticity data but received a null pointer";
  RANDLA_EXPECTS(std::isfinite(dx) && dx > 0, "dx") << "Expected a positive finite number for dx but received " << dx;
  RANDLA_EXPECTS(std::isfinite(dy) && dy > 0, "dy") << "Expected a positive finite number for dy but received " << dy;
  RANDLA_EXPECTS(std::isfinite(options.threshold) && options.threshold >= 0, "threshold")
      << "Expected a finite number >= 0 for threshold but received " << options.threshold;
  RANDLA_EXPECTS(options.relative_threshold >= 0 && options.relative_threshold <= 1, "relative_threshold")
      << "Expected a number in [0, 1] for relative_threshold but received " << options.relative_threshold;
  RANDLA_EXPECTS(options.alpha >= 0 && options.alpha <= 1, "alpha")
      << "Expected a number in [0, 1] for alpha but received " << options.alpha;

  double peak = 0;
  for (std::int64_t r = 0; r < ny; ++r) {
    for (std::int64_t c = 0; c < nx; ++c) {
      const double w = vorticity(r, c);
      if (!std::isfinite(w)) detail::throw_not_finite("vorticity", w, r, c);
      peak = std::max(peak, std::abs(w));
    }
  }
  const double level = options.relative_threshold * peak;
  const double area = dx * dy;

  nodes_.clear();
  circulation_.clear();
  std::vector<double> xs, ys;
  for (std::int64_t r = 0; r < ny; ++r) {
    for (std::int64_t c = 0; c < nx; ++c) {
      const double w = vorticity(r, c);
      const double a = std::abs(w);
      if (a > options.threshold && a > level) {
        nodes_.push_back(r * nx + c);
        circulation_.push_back(w * area);
        xs.push_back(static_cast<double>(c) * dx);
        ys.push_back(static_cast<double>(r) * dy);
      }
    }
  }
  const std::int64_t n = size();
  RANDLA_EXPECTS(n >= 2, "vorticity") << "Expected at least 2 nodes (cells with |vorticity| > " << options.threshold
                                      << " and > " << options.relative_threshold << " * max|vorticity| = " << level
                                      << ") for vorticity but received " << n;
  coords_ = DenseMatrix<double>(n, 2);
  std::copy(xs.begin(), xs.end(), coords_.col(0));
  std::copy(ys.begin(), ys.end(), coords_.col(1));
  magnitude_.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) magnitude_[static_cast<std::size_t>(i)] = std::abs(circulation_[static_cast<std::size_t>(i)]);
  alpha_ = options.alpha;
}

void VorticalNetwork::columns(const std::vector<std::int64_t>& idx, DenseMatrix<double>& out) const {
  const std::int64_t n = size();
  const std::int64_t l = static_cast<std::int64_t>(idx.size());
  for (std::int64_t t = 0; t < l; ++t) {
    const std::int64_t j = idx[static_cast<std::size_t>(t)];
    RANDLA_EXPECTS(j >= 0 && j < n, "indices")
        << "Expected node indices in [0, " << n << ") for indices but received " << j << " at position " << t;
  }
  out.resize_for_overwrite(n, l);
  const double alpha = alpha_, beta = 1 - alpha_;
  const double* x = coords_.col(0);
  const double* y = coords_.col(1);
  const double* magnitude = magnitude_.data();
  parallel_for(
      n,
      [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t t = 0; t < l; ++t) {
          const std::int64_t j = idx[static_cast<std::size_t>(t)];
          double* column = out.col(t);
          for (std::int64_t i = begin; i < end; ++i) {
            column[i] = i == j ? 0.0 : entry(alpha, beta, x, y, magnitude, i, j);
          }
        }
      },
      std::max<std::int64_t>(64, min_entries_per_chunk / std::max<std::int64_t>(1, l)));
}

std::vector<double> VorticalNetwork::diagonal() const { return std::vector<double>(static_cast<std::size_t>(size()), 0.0); }

void VorticalNetwork::multiply(const double* in, double* result) const {
  RANDLA_EXPECTS(in != nullptr && result != nullptr, "x") << "Expected vectors of length " << size()
                                                          << " for x and y but received a null pointer";
  const std::int64_t n = size();
  const double alpha = alpha_, beta = 1 - alpha_;
  const double* x = coords_.col(0);
  const double* y = coords_.col(1);
  const double* magnitude = magnitude_.data();
  // Rows are independent and each is summed in ascending j: the thread split cannot change a bit.
  parallel_for(
      n,
      [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) {
          double sum = 0;
          for (std::int64_t j = 0; j < n; ++j) {
            if (j != i) sum += entry(alpha, beta, x, y, magnitude, i, j) * in[j];
          }
          result[i] = sum;
        }
      },
      16);
}

std::vector<double> VorticalNetwork::strength() const {
  const std::vector<double> ones(static_cast<std::size_t>(size()), 1.0);
  std::vector<double> s(static_cast<std::size_t>(size()));
  multiply(ones.data(), s.data());
  return s;
}

}  // namespace randla
