// Nyström of vortical interaction networks (Nair & Taira, JFM 2015; the indefinite core of
// docs/algorithms/nystrom.md) on the device against the CPU backend on the same host: issue 9's
// target, 512² cells (262 144 nodes), 400 columns, under 0.5 s. The field is a seeded sum of
// Lamb–Oseen vortices with every cell a node (native/tests/cuda/lamb_oseen.hpp): the cost is set
// by the node count N (N·l entries, an N x l QR), not by the field's shape.
//   randla_bench_cuda_nystrom [l r reps cpu_reps grid...]   (default 400 10 9 3 256 512)
// One JSON line per measurement: the device, then per grid the device time (CUDA events around
// the whole call after two warm-up calls, median of `reps`: host sampling, upload of the nodes,
// columns, QR, the l x l eigenproblems on the host, the eigenvectors, the copy back), the CPU
// time (randla::nystrom, all cores, median of `cpu_reps`) and the agreement of the two.
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "cuda/lamb_oseen.hpp"
#include "cuda/subspace.hpp"
#include "randla/cuda.hpp"
#include "randla/nystrom.hpp"
#include "randla/threads.hpp"
#include "randla/vortical_network.hpp"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

std::string list(const std::vector<double>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.3f", i ? "," : "", v[i]);
    s += buf;
  }
  return s + "]";
}


}  // namespace

int main(int argc, char** argv) {
  auto arg = [&](int i, long long dflt) { return argc > i ? std::atoll(argv[i]) : dflt; };
  const std::int64_t l = arg(1, 400), r = arg(2, 10);
  const int reps = static_cast<int>(arg(3, 9)), cpu_reps = static_cast<int>(arg(4, 3));
  std::vector<std::int64_t> grids;
  for (int i = 5; i < argc; ++i) grids.push_back(std::atoll(argv[i]));
  if (grids.empty()) grids = {256, 512};

  const randla::cuda::Availability a = randla::cuda::availability();
  if (a.devices == 0) {
    std::fprintf(stderr, "no CUDA device: %s\n", a.reason.c_str());
    return 77;
  }
  const randla::cuda::DeviceInfo d = randla::cuda::device_info(0);
  std::printf("{\"what\":\"device\",\"name\":\"%s\",\"memory_GiB\":%.1f,\"multiprocessors\":%d,\"driver\":%d,"
              "\"runtime\":%d}\n",
              d.name.c_str(), double(d.total_memory) / (1 << 30), d.multiprocessors, d.driver_version,
              d.runtime_version);
  randla::cuda::Context context;
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);

  for (const std::int64_t grid : grids) {
    const std::vector<double> field = randla::test::lamb_oseen_field(grid, grid, 40, 2024);
    const auto network =
        std::make_shared<const randla::VorticalNetwork>(field.data(), grid, grid, 1.0 / double(grid), 1.0 / double(grid));
    const std::int64_t n = network->size();
    if (n != grid * grid) {
      std::fprintf(stderr, "grid %lld: %lld nodes, expected every cell (%lld)\n", (long long)grid, (long long)n,
                   (long long)(grid * grid));
      return 1;
    }
    randla::NystromOptions o;
    o.columns = l;
    o.rank = r;
    o.seed = 7;
    o.sampling = randla::NystromSampling::Uniform;

    // Device: two warm-up calls (module load, cuBLAS/cuSOLVER workspaces, the scratch pool).
    randla::NystromResult gpu;
    for (int w = 0; w < 2; ++w) gpu = randla::cuda::nystrom_network(context, *network, o);
    std::vector<double> gpu_ms;
    for (int rep = 0; rep < reps; ++rep) {
      cudaEventRecord(start, context.stream());
      gpu = randla::cuda::nystrom_network(context, *network, o);
      cudaEventRecord(stop, context.stream());
      cudaEventSynchronize(stop);
      float ms = 0;
      cudaEventElapsedTime(&ms, start, stop);
      gpu_ms.push_back(ms);
    }
    std::printf("{\"what\":\"nystrom\",\"contender\":\"randla-cuda\",\"grid\":%lld,\"n\":%lld,\"l\":%lld,\"r\":%lld,"
                "\"median_ms\":%.3f,\"min_ms\":%.3f,\"runs_ms\":%s}\n",
                (long long)grid, (long long)n, (long long)l, (long long)r, median(gpu_ms),
                *std::min_element(gpu_ms.begin(), gpu_ms.end()), list(gpu_ms).c_str());
    std::fflush(stdout);

    // CPU backend, all cores (the caller sets OPENBLAS_THREAD_TIMEOUT, as for randla_bench_rsvd).
    const randla::VorticalNetworkOperator op(network);
    randla::NystromResult cpu;
    std::vector<double> cpu_ms;
    for (int rep = 0; rep < cpu_reps; ++rep) {
      const auto t0 = std::chrono::steady_clock::now();
      cpu = randla::nystrom(op, o);
      cpu_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::printf("{\"what\":\"nystrom\",\"contender\":\"randla CPU\",\"threads\":%d,\"grid\":%lld,\"n\":%lld,"
                "\"l\":%lld,\"r\":%lld,\"median_ms\":%.3f,\"min_ms\":%.3f,\"runs_ms\":%s}\n",
                randla::threads(), (long long)grid, (long long)n, (long long)l, (long long)r, median(cpu_ms),
                *std::min_element(cpu_ms.begin(), cpu_ms.end()), list(cpu_ms).c_str());

    double worst = 0;
    const bool same = gpu.indices == cpu.indices && gpu.values.size() == cpu.values.size();
    if (same)
      for (std::size_t i = 0; i < cpu.values.size(); ++i)
        worst = std::max(worst, std::abs(gpu.values[i] / cpu.values[i] - 1));
    std::printf("{\"what\":\"nystrom_agreement\",\"grid\":%lld,\"same_indices\":%s,\"method\":\"%s\","
                "\"lambda_1\":%.9g,\"max_rel_eigenvalue_diff\":%.3e,\"subspace_distance\":%.3e}\n",
                (long long)grid, same ? "true" : "false", randla::nystrom_method_name(gpu.method),
                cpu.values.empty() ? 0.0 : cpu.values[0], worst,
                same ? randla::test::subspace_distance(gpu.vectors, cpu.vectors) : -1.0);
    std::fflush(stdout);
  }
  // The host's l x l steps of the device pipeline, alone (they do not depend on N): W's
  // eigendecomposition and the indefinite core on an l x l R (QR, R·W_K⁺·Rᵀ, its eigenpairs).
  {
    std::vector<double> host_eig_ms, host_core_ms;
    randla::DenseMatrix<double> W(l, l), R(l, l);
    for (std::int64_t j = 0; j < l; ++j)
      for (std::int64_t i = 0; i <= j; ++i) {
        W(i, j) = W(j, i) = std::sin(double(7 * i + 13 * j + 1));
        R(i, j) = std::cos(double(3 * i + 5 * j + 2)) + (i == j ? double(l) : 0.0);
      }
    for (int rep = 0; rep < 11; ++rep) {
      randla::DenseMatrix<double> V = W;
      const auto t0 = std::chrono::steady_clock::now();
      const std::vector<double> w = randla::symmetric_eigen(V);
      const auto t1 = std::chrono::steady_clock::now();
      const randla::NystromPairs pairs = randla::nystrom_indefinite_core(R, w, V, r, 10.0 * double(l) * 1.1102230246251565e-16);
      const auto t2 = std::chrono::steady_clock::now();
      if (rep < 2) continue;  // warm-up
      host_eig_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      host_core_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    }
    std::printf("{\"what\":\"nystrom_host_steps\",\"l\":%lld,\"threads\":%d,\"syevd_ms\":%.3f,"
                "\"indefinite_core_ms\":%.3f}\n",
                (long long)l, randla::threads(), median(host_eig_ms), median(host_core_ms));
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return 0;
}
