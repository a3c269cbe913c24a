// Nyström on the device (docs/algorithms/nystrom.md; Tropp, Yurtsever, Udell, Cevher 2017,
// Alg. 3 and the indefinite core) against the CPU backend on the same seed: the vortical-network
// columns (Nair & Taira 2015) bit for bit, the rbf / laplacian kernel columns within 2 ulps, the
// whole pipeline (same indices and method, eigenvalues relative to 1e-10, eigenvector subspaces
// by principal angle) for the network and the kernels, progress and abort, and a planted bad
// input in each entry point. Part of randla_test_cuda (exits 77 without a device).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "check.hpp"
#include "cuda/lamb_oseen.hpp"
#include "cuda/subspace.hpp"
#include "randla/cuda.hpp"
#include "randla/nystrom.hpp"
#include "randla/vortical_network.hpp"
#include "tolerance.hpp"

using namespace randla;
namespace tol = randla::test;

namespace {

randla::cuda::Context& context() {
  static randla::cuda::Context c;
  return c;
}

// 40 x 48 cells, every one a node (1920 nodes), dx = 1/48, dy = 1/40.
std::shared_ptr<const VorticalNetwork> network(double alpha = 0.5, double relative_threshold = 0) {
  static const std::vector<double> field = tol::lamb_oseen_field(40, 48, 12, 7);
  VorticalNetworkOptions o;
  o.alpha = alpha;
  o.relative_threshold = relative_threshold;
  return std::make_shared<const VorticalNetwork>(field.data(), 40, 48, 1.0 / 48, 1.0 / 40, o);
}

// n points in d = 3 around 6 seeded cluster centres (the kernels' spectra then decay fast and
// the leading eigenvalues are well separated).
std::vector<double> clustered_points(std::int64_t n, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> centres(18);
  for (double& c : centres) c = 3 * normal(gen);
  std::vector<double> p(static_cast<std::size_t>(n * 3));  // row-major n x 3
  for (std::int64_t i = 0; i < n; ++i)
    for (int k = 0; k < 3; ++k)
      p[static_cast<std::size_t>(i * 3 + k)] = centres[static_cast<std::size_t>((i % 6) * 3 + k)] + 0.7 * normal(gen);
  return p;
}

std::int64_t ulp_distance(double a, double b) {  // both finite and >= 0 here
  std::int64_t ia = 0, ib = 0;
  std::memcpy(&ia, &a, sizeof a);
  std::memcpy(&ib, &b, sizeof b);
  return ia > ib ? ia - ib : ib - ia;
}


// The rank in [3, 10] whose λ_r, λ_{r+1} (CPU, by |λ|) have the largest relative gap: the
// comparison of subspaces is then well conditioned (tolerance.hpp, cuda_nystrom_subspace).
std::int64_t well_separated_rank(const std::vector<double>& values, double& gap) {
  std::int64_t best = 3;
  gap = -1;
  for (std::int64_t r = 3; r <= 10 && r < static_cast<std::int64_t>(values.size()); ++r) {
    const double a = std::abs(values[static_cast<std::size_t>(r - 1)]), b = std::abs(values[static_cast<std::size_t>(r)]);
    const double g = (a - b) / std::abs(values[0]);
    if (g > gap) {
      gap = g;
      best = r;
    }
  }
  return best;
}

void compare(const std::string& what, const NystromResult& gpu, const NystromResult& cpu) {
  CHECK(gpu.indices == cpu.indices, what + ": the same sampled indices");
  CHECK(gpu.method == cpu.method, what + ": the same method (" + nystrom_method_name(gpu.method) + " against " +
                                      nystrom_method_name(cpu.method) + ")");
  CHECK(gpu.columns == cpu.columns, what + ": the same column count");
  CHECK(gpu.values.size() == cpu.values.size() && gpu.vectors.rows == cpu.vectors.rows &&
            gpu.vectors.cols == cpu.vectors.cols,
        what + ": the same shapes");
  if (gpu.values.size() != cpu.values.size() || gpu.vectors.cols != cpu.vectors.cols) return;
  double worst = 0;
  for (std::size_t i = 0; i < cpu.values.size(); ++i) {
    CHECK_CLOSE(gpu.values[i] / cpu.values[i], 1.0, tol::cuda_agrees_with_cpu<double>(),
                (what + ": lambda_" + std::to_string(i) + " relative").c_str());
    worst = std::max(worst, std::abs(gpu.values[i] / cpu.values[i] - 1));
  }
  const double angle = tol::subspace_distance(gpu.vectors, cpu.vectors);
  CHECK_AT_MOST(angle, tol::cuda_nystrom_subspace, (what + ": subspace distance of the eigenvectors").c_str());
  std::printf("  %s: lambda_1 %.6g, worst relative eigenvalue difference %.2e, subspace distance %.2e\n",
              what.c_str(), cpu.values[0], worst, angle);
}

template <class E>
void expect_error(E&& call, ErrorCode code, const std::string& fragment, const std::string& what) {
  try {
    call();
    CHECK(false, what + ": must throw");
  } catch (const Error& e) {
    CHECK(e.code() == code, what + ": code " + error_code_name(e.code()) + ", expected " + error_code_name(code) +
                                " (" + e.what() + ")");
    CHECK(std::string(e.what()).find(fragment) != std::string::npos,
          what + ": message '" + e.what() + "' names '" + fragment + "'");
  }
}

}  // namespace

TEST_CASE("device vortical-network columns = CPU columns, bit for bit (undirected, directed, thresholded)") {
  for (const auto& [alpha, threshold] : {std::pair{0.5, 0.0}, std::pair{0.25, 0.0}, std::pair{0.5, 0.05}}) {
    const auto net = network(alpha, threshold);
    const std::int64_t n = net->size();
    std::vector<std::int64_t> idx = uniform_columns(n, std::min<std::int64_t>(64, n), 5);
    idx.insert(idx.end(), {0, n - 1, 0});  // the ends, and a repeated column
    DenseMatrix<double> cpu;
    net->columns(idx, cpu);
    const DenseMatrix<double> gpu = randla::cuda::network_columns(context(), *net, idx);
    std::int64_t differ = 0;
    double worst = 0;
    for (std::size_t e = 0; e < cpu.data.size(); ++e)
      if (std::memcmp(&cpu.data[e], &gpu.data[e], sizeof(double)) != 0) {
        ++differ;
        worst = std::max(worst, std::abs(cpu.data[e] - gpu.data[e]) / std::abs(cpu.data[e]));
      }
    const std::string what = "network alpha " + std::to_string(alpha) + ", relative threshold " +
                             std::to_string(threshold) + " (" + std::to_string(n) + " nodes)";
    CHECK(gpu.rows == n && gpu.cols == static_cast<std::int64_t>(idx.size()), what + ": shape");
    CHECK_AT_MOST(double(differ), 0.0, (what + ": entries not bit-identical (worst relative " + std::to_string(worst) +
                                        ")").c_str());
  }
}

TEST_CASE("device rbf / laplacian kernel columns = KernelOperator columns within 2 ulps (f64 and f32 points)") {
  const std::int64_t n = 2000;
  const std::vector<double> p = clustered_points(n, 11);
  std::vector<float> pf(p.begin(), p.end());
  std::vector<double> pcol(p.size());  // the same points col-major
  for (std::int64_t i = 0; i < n; ++i)
    for (int k = 0; k < 3; ++k) pcol[static_cast<std::size_t>(i + k * n)] = p[static_cast<std::size_t>(i * 3 + k)];
  std::vector<std::int64_t> idx = uniform_columns(n, 50, 3);
  idx.push_back(n - 1);
  auto run = [&](auto view, KernelKind kind, double gamma, const std::string& what) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(view.data)>>;
    const KernelOperator<T> op(kind, view, gamma);
    DenseMatrix<double> cpu;
    op.columns(idx, cpu);
    const DenseMatrix<double> gpu = randla::cuda::kernel_columns<T>(context(), kind, view, gamma, idx);
    std::int64_t worst = 0, differ = 0;
    for (std::size_t e = 0; e < cpu.data.size(); ++e) {
      const std::int64_t d = ulp_distance(cpu.data[e], gpu.data[e]);
      worst = std::max(worst, d);
      differ += d != 0;
    }
    CHECK(gpu.rows == n && gpu.cols == static_cast<std::int64_t>(idx.size()), what + ": shape");
    CHECK_AT_MOST(double(worst), double(tol::cuda_kernel_entry_ulps), (what + ": ulps between device and CPU").c_str());
    std::printf("  %s: %lld of %zu entries differ, at most %lld ulp\n", what.c_str(), (long long)differ,
                cpu.data.size(), (long long)worst);
  };
  run(MatrixView<const double>{p.data(), n, 3, 3, Layout::RowMajor}, KernelKind::Rbf, 0.5, "rbf f64 row-major");
  run(MatrixView<const double>{pcol.data(), n, 3, n, Layout::ColMajor}, KernelKind::Laplacian, 0.3,
      "laplacian f64 col-major");
  run(MatrixView<const float>{pf.data(), n, 3, 3, Layout::RowMajor}, KernelKind::Rbf, 0.5, "rbf f32 row-major");
  run(MatrixView<const float>{pf.data(), n, 3, 3, Layout::RowMajor}, KernelKind::Laplacian, 0.3, "laplacian f32");
}

TEST_CASE("GPU Nystrom of the vortical network = CPU Nystrom on the same seed (uniform, quasi-uniform)") {
  const auto net = network();
  const VorticalNetworkOperator op(net);
  for (NystromSampling sampling : {NystromSampling::Uniform, NystromSampling::QuasiUniform})
    for (std::uint64_t seed : {1u, 2u}) {
      NystromOptions o;
      o.columns = 200;
      o.rank = 11;
      o.sampling = sampling;
      o.seed = seed;
      if (sampling == NystromSampling::QuasiUniform) o.coords = net->coords().view();
      double gap = 0;
      o.rank = well_separated_rank(nystrom(op, o).values, gap);
      const std::string what = std::string("network ") + nystrom_sampling_name(sampling) + " seed " +
                               std::to_string(seed) + " r=" + std::to_string(o.rank) + " (gap " + std::to_string(gap) + ")";
      CHECK(gap > 1e-2, what + ": a well-separated rank exists");
      compare(what, randla::cuda::nystrom_network(context(), *net, o), nystrom(op, o));
    }
}

TEST_CASE("GPU Nystrom of rbf / laplacian kernels = CPU Nystrom on the same seed (psd core, indefinite core)") {
  const std::int64_t n = 3000;
  const std::vector<double> p = clustered_points(n, 21);
  const std::vector<float> pf(p.begin(), p.end());
  struct Case {
    KernelKind kind;
    double gamma;
    NystromMethod method;
    bool f32;
  };
  for (const Case& k : {Case{KernelKind::Rbf, 0.2, NystromMethod::Auto, false},
                        Case{KernelKind::Laplacian, 0.3, NystromMethod::Psd, true},
                        Case{KernelKind::Rbf, 0.2, NystromMethod::Indefinite, false}}) {
    NystromOptions o;
    o.columns = 150;
    o.rank = 11;
    o.method = k.method;
    o.seed = 9;
    auto both = [&](auto view) {
      using T = std::remove_const_t<std::remove_pointer_t<decltype(view.data)>>;
      const KernelOperator<T> op(k.kind, view, k.gamma);
      double gap = 0;
      o.rank = well_separated_rank(nystrom(op, o).values, gap);
      const std::string what = std::string(kernel_kind_name(k.kind)) + (k.f32 ? " f32 " : " f64 ") +
                               nystrom_method_name(k.method) + " r=" + std::to_string(o.rank) + " (gap " +
                               std::to_string(gap) + ")";
      CHECK(gap > 1e-2, what + ": a well-separated rank exists");
      compare(what, randla::cuda::nystrom_kernel<T>(context(), k.kind, view, k.gamma, o), nystrom(op, o));
    };
    if (k.f32) both(MatrixView<const float>{pf.data(), n, 3, 3, Layout::RowMajor});
    else both(MatrixView<const double>{p.data(), n, 3, 3, Layout::RowMajor});
  }
}

TEST_CASE("GPU Nystrom: progress reports the l columns, a cancelled call throws Aborted") {
  const auto net = network();
  NystromOptions o;
  o.columns = 100;
  o.rank = 5;
  o.seed = 4;
  std::vector<int> reports;
  RunControl control;
  control.progress = [&](int done, int total) { reports.push_back(done * 1000 + total); };
  randla::cuda::nystrom_network(context(), *net, o, control);
  CHECK(reports.size() == 1 && reports.back() == 100100, "progress: one report of (100, 100)");
  std::atomic<bool> cancel{true};
  RunControl abort;
  abort.cancel = &cancel;
  expect_error([&] { randla::cuda::nystrom_network(context(), *net, o, abort); }, ErrorCode::Aborted, "aborted",
               "cancelled call");
}

TEST_CASE("GPU Nystrom: planted bad inputs give a clear randla::Error in every entry point") {
  const auto net = network();
  const std::int64_t n = net->size();
  auto& c = context();
  expect_error([&] { randla::cuda::network_columns(c, *net, {0, n}); }, ErrorCode::InvalidArgument,
               "received " + std::to_string(n) + " at position 1", "network column index n");
  expect_error([&] { randla::cuda::network_columns(c, *net, {-1}); }, ErrorCode::InvalidArgument,
               "received -1 at position 0", "network column index -1");
  NystromOptions o;
  o.columns = n + 1;
  o.rank = 5;
  expect_error([&] { randla::cuda::nystrom_network(c, *net, o); }, ErrorCode::InvalidArgument, "options.columns",
               "columns > n");
  o.columns = 50;
  o.rank = 0;
  expect_error([&] { randla::cuda::nystrom_network(c, *net, o); }, ErrorCode::InvalidArgument, "options.rank",
               "rank 0");
  o.rank = 5;
  o.sampling = NystromSampling::RpCholesky;
  expect_error([&] { randla::cuda::nystrom_network(c, *net, o); }, ErrorCode::InvalidArgument, "'rpcholesky'",
               "rpcholesky sampling");
  o.sampling = NystromSampling::QuasiUniform;
  expect_error([&] { randla::cuda::nystrom_network(c, *net, o); }, ErrorCode::InvalidArgument, "options.coords",
               "quasi-uniform without coordinates");
  o.sampling = NystromSampling::Uniform;
  o.method = NystromMethod::Scaled;
  expect_error([&] { randla::cuda::nystrom_network(c, *net, o); }, ErrorCode::InvalidArgument, "'scaled'",
               "scaled core");
  o.method = NystromMethod::Psd;
  expect_error([&] { randla::cuda::nystrom_network(c, *net, o); }, ErrorCode::NotPsd, "method 'psd'",
               "psd core of an indefinite network");
  o.method = NystromMethod::Auto;
  expect_error([&] { randla::cuda::nystrom_network(c, *network(0.25), o); }, ErrorCode::NotSymmetric, "alpha = 0.25",
               "directed network");

  std::vector<double> p = clustered_points(100, 5);
  const MatrixView<const double> points{p.data(), 100, 3, 3, Layout::RowMajor};
  expect_error([&] { randla::cuda::kernel_columns<double>(c, KernelKind::Rbf, points, 1.0, {100}); },
               ErrorCode::InvalidArgument, "received 100 at position 0", "kernel column index n");
  expect_error([&] { randla::cuda::kernel_columns<double>(c, KernelKind::Rbf, points, -1.0, {0}); },
               ErrorCode::InvalidArgument, "gamma", "gamma < 0");
  expect_error([&] { randla::cuda::nystrom_kernel<double>(c, KernelKind::Laplacian, points, 0.0, o); },
               ErrorCode::InvalidArgument, "gamma", "gamma = 0 in nystrom_kernel");
  o.columns = 101;
  expect_error([&] { randla::cuda::nystrom_kernel<double>(c, KernelKind::Rbf, points, 1.0, o); },
               ErrorCode::InvalidArgument, "options.columns", "kernel columns > n");
  p[7 * 3 + 2] = std::nan("");
  o.columns = 50;
  expect_error([&] { randla::cuda::nystrom_kernel<double>(c, KernelKind::Rbf, points, 1.0, o); }, ErrorCode::NotFinite,
               "(7, 2)", "NaN in the points");
}
