// Vortical interaction network (Nair & Taira, JFM 2015; Taira, Nair & Brunton, JFM 2016 §2):
// the Biot–Savart induced-velocity adjacency of grid vortices, computed column by column.
#include "randla/vortical_network.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

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

void VorticalNetwork::multiply(const double* in, double* result) const { multiply(in, 1, result); }

namespace {

// Lanes of the row accumulators: every row i of A·X is summed as eight interleaved partial sums
// (lane t takes j ≡ t mod 8, ascending), reduced in one fixed tree. The AVX-512 and the portable
// kernels follow that order, so the thread split never changes a bit (the kernels may differ
// from each other by rounding: only AVX-512 fuses the multiply-add).
constexpr int lanes = 8;
// Columns of X accumulated per sweep over a row: their partial sums stay in registers.
constexpr std::int64_t panel = 8;

inline double reduce_lanes(const double* acc) {
  return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
}

struct NetworkArrays {
  const double* x;
  const double* y;
  const double* magnitude;
  double alpha, beta;
  std::int64_t n;
};

// Y[i, c0:c0+w] for rows [begin, end): each weight computed as entry() computes it (one sqrt, one
// division, the same operation order, hence the same bits as columns()), then multiplied into w
// columns of X.
void multiply_rows_portable(const NetworkArrays& a, const double* X, std::int64_t c0, std::int64_t w, double* Y,
                            std::int64_t begin, std::int64_t end) {
  const std::int64_t n = a.n;
  for (std::int64_t i = begin; i < end; ++i) {
    double acc[panel][lanes] = {};
    for (std::int64_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const double weight = entry(a.alpha, a.beta, a.x, a.y, a.magnitude, i, j);
      for (std::int64_t c = 0; c < w; ++c) acc[c][j % lanes] += weight * X[(c0 + c) * n + j];
    }
    for (std::int64_t c = 0; c < w; ++c) Y[(c0 + c) * n + i] = reduce_lanes(acc[c]);
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define RANDLA_NETWORK_AVX512 1
__attribute__((target("avx512f,fma"))) void multiply_rows_avx512(const NetworkArrays& a, const double* X,
                                                                  std::int64_t c0, std::int64_t w, double* Y,
                                                                  std::int64_t begin, std::int64_t end) {
  const std::int64_t n = a.n;
  const __m512d two_pi_v = _mm512_set1_pd(two_pi);
  const __m512d beta_v = _mm512_set1_pd(a.beta);
  const __m512i lane_index = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
  for (std::int64_t i = begin; i < end; ++i) {
    const __m512d xi = _mm512_set1_pd(a.x[i]);
    const __m512d yi = _mm512_set1_pd(a.y[i]);
    const __m512d source = _mm512_set1_pd(a.alpha * a.magnitude[i]);
    __m512d acc[panel];
    for (std::int64_t c = 0; c < panel; ++c) acc[c] = _mm512_setzero_pd();
    for (std::int64_t j = 0; j < n; j += lanes) {
      const std::int64_t left = n - j;
      const __mmask8 in_range = left >= lanes ? __mmask8(0xFF) : __mmask8((1u << left) - 1);
      // Lane i itself (r = 0) is dropped: A_ii = 0.
      const __mmask8 self = _mm512_cmpeq_epi64_mask(_mm512_add_epi64(lane_index, _mm512_set1_epi64(j)), _mm512_set1_epi64(i));
      const __mmask8 keep = in_range & static_cast<__mmask8>(~self);
      const __m512d ddx = _mm512_sub_pd(xi, _mm512_maskz_loadu_pd(in_range, a.x + j));
      const __m512d ddy = _mm512_sub_pd(yi, _mm512_maskz_loadu_pd(in_range, a.y + j));
      // Written as entry() evaluates it, without contraction: ddx² + ddy², sqrt, numerator / (2π·r).
      const __m512d r = _mm512_maskz_sqrt_pd(in_range, _mm512_add_pd(_mm512_mul_pd(ddx, ddx), _mm512_mul_pd(ddy, ddy)));
      const __m512d numerator = _mm512_add_pd(source, _mm512_mul_pd(beta_v, _mm512_maskz_loadu_pd(in_range, a.magnitude + j)));
      const __m512d weight = _mm512_maskz_div_pd(keep, numerator, _mm512_mul_pd(two_pi_v, r));
      for (std::int64_t c = 0; c < w; ++c) {
        acc[c] = _mm512_fmadd_pd(weight, _mm512_maskz_loadu_pd(in_range, X + (c0 + c) * n + j), acc[c]);
      }
    }
    for (std::int64_t c = 0; c < w; ++c) {
      alignas(64) double lanes_out[lanes];
      _mm512_store_pd(lanes_out, acc[c]);
      Y[(c0 + c) * n + i] = reduce_lanes(lanes_out);
    }
  }
}

bool network_avx512() noexcept {
  static const bool supported = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0;
  }();
  return supported;
}
#endif

}  // namespace

void VorticalNetwork::multiply(const double* X, std::int64_t b, double* Y) const {
  RANDLA_EXPECTS(X != nullptr && Y != nullptr, "x") << "Expected blocks of " << size()
                                                    << " rows for x and y but received a null pointer";
  RANDLA_EXPECTS(b >= 1, "x") << "Expected at least one column for x but received " << b;
  const NetworkArrays a{coords_.col(0), coords_.col(1), magnitude_.data(), alpha_, 1 - alpha_, size()};
  auto kernel = multiply_rows_portable;
#ifdef RANDLA_NETWORK_AVX512
  if (network_avx512()) kernel = multiply_rows_avx512;
#endif
  // Rows are independent and each is summed in the one lane order above: the thread split cannot
  // change a bit. The weights are recomputed for every panel of 8 columns of X (the sqrt and the
  // division cost more than the 8 multiply-adds they feed, so wider panels gain little).
  for (std::int64_t c0 = 0; c0 < b; c0 += panel) {
    const std::int64_t w = std::min(panel, b - c0);
    parallel_for(
        a.n, [&](std::int64_t begin, std::int64_t end) { kernel(a, X, c0, w, Y, begin, end); }, 16);
  }
}

std::vector<double> VorticalNetwork::strength() const {
  const std::vector<double> ones(static_cast<std::size_t>(size()), 1.0);
  std::vector<double> s(static_cast<std::size_t>(size()));
  multiply(ones.data(), s.data());
  return s;
}

VorticalNetworkOperator::VorticalNetworkOperator(std::shared_ptr<const VorticalNetwork> network)
    : network_(std::move(network)) {
  RANDLA_EXPECTS(network_ != nullptr, "A") << "Expected a vortical network for A but received a null pointer";
  RANDLA_EXPECTS_CODE(network_->alpha() == 0.5, ErrorCode::NotSymmetric, "A")
      << "Expected the undirected network (alpha = 0.5) for A but received alpha = " << network_->alpha();
}

void VorticalNetworkOperator::product(const DenseMatrix<double>& X, DenseMatrix<double>& out) const {
  RANDLA_EXPECTS_CODE(X.rows == size(), ErrorCode::Shape, "X")
      << "Expected " << size() << " rows for X but received " << X.rows;
  out.resize_for_overwrite(X.rows, X.cols);
  if (X.cols > 0) network_->multiply(X.data.data(), X.cols, out.data.data());
}

}  // namespace randla
