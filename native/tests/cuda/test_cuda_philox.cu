// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, SC 2011) compiled for the device against the same
// header compiled for the host, bit for bit, on many counters and keys; the device test matrices
// (docs/rng.md addressing) against the CPU backend's fill_test_matrix for every kind the device
// generates, and the kinds it does not generate rejected clearly.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "check.hpp"
#include "cuda/check.cuh"
#include "known_spectrum.hpp"
#include "randla/cuda.hpp"
#include "randla/philox.hpp"
#include "tolerance.hpp"

using namespace randla;
namespace tol = randla::test;

namespace {

// One thread per counter: the four output words, and the derived values of every helper.
__global__ void philox_kernel(const Philox4x32* counters, const std::uint32_t* keys, int count, Philox4x32* words,
                              double* gaussian, double* rademacher, double* uniform, std::uint64_t* index) {
  const int t = blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= count) return;
  const Philox4x32 c = counters[t];
  words[t] = philox4x32_10(c, keys[2 * t], keys[2 * t + 1]);
  const std::uint64_t seed = keys[2 * t] | (std::uint64_t{keys[2 * t + 1]} << 32);
  const std::uint64_t i = c.v[0] | (std::uint64_t{c.v[1] & 0x1fffffu} << 32);
  const std::uint32_t j = c.v[2] & 0x7fffffffu, s = c.v[3];
  gaussian[t] = gaussian_entry(seed, s, i, j);
  rademacher[t] = rademacher_entry(seed, s, i, j);
  uniform[t] = uniform_pm1_entry(seed, s, i, j);
  index[t] = uniform_index(c.v[0], c.v[1], (std::uint64_t{c.v[2]} << 21) + 1);
}

template <class T>
void check(T status, const char* what) {
  randla::cuda::detail::check(status, what);
}

// A deterministic spread of counters and keys: the extremes of every word, the Random123
// known-answer inputs, then a 64-bit LCG over the whole range.
void make_inputs(int count, std::vector<Philox4x32>& counters, std::vector<std::uint32_t>& keys) {
  counters.clear();
  keys.clear();
  const std::uint32_t fixed[][6] = {
      {0, 0, 0, 0, 0, 0},
      {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
      {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u},
  };
  for (const auto& f : fixed) {
    counters.push_back({{f[0], f[1], f[2], f[3]}});
    keys.push_back(f[4]);
    keys.push_back(f[5]);
  }
  std::uint64_t x = 0x0123456789abcdefull;
  auto next = [&] {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>(x >> 32);
  };
  while (static_cast<int>(counters.size()) < count) {
    Philox4x32 c{{next(), next(), next(), next()}};
    counters.push_back(c);
    keys.push_back(next());
    keys.push_back(next());
  }
}

double ulps_apart(double a, double b) { return std::abs(a - b) / (std::abs(b) * tol::eps<double>()); }

}  // namespace

TEST_CASE("device Philox4x32-10 = host Philox4x32-10, bit for bit, on 2^20 counters and keys") {
  const int count = 1 << 20;
  std::vector<Philox4x32> counters;
  std::vector<std::uint32_t> keys;
  make_inputs(count, counters, keys);
  Philox4x32 *d_counters = nullptr, *d_words = nullptr;
  std::uint32_t* d_keys = nullptr;
  double *d_gauss = nullptr, *d_rad = nullptr, *d_uni = nullptr;
  std::uint64_t* d_index = nullptr;
  check(cudaMalloc(&d_counters, count * sizeof(Philox4x32)), "cudaMalloc");
  check(cudaMalloc(&d_words, count * sizeof(Philox4x32)), "cudaMalloc");
  check(cudaMalloc(&d_keys, 2 * count * sizeof(std::uint32_t)), "cudaMalloc");
  check(cudaMalloc(&d_gauss, count * sizeof(double)), "cudaMalloc");
  check(cudaMalloc(&d_rad, count * sizeof(double)), "cudaMalloc");
  check(cudaMalloc(&d_uni, count * sizeof(double)), "cudaMalloc");
  check(cudaMalloc(&d_index, count * sizeof(std::uint64_t)), "cudaMalloc");
  check(cudaMemcpy(d_counters, counters.data(), count * sizeof(Philox4x32), cudaMemcpyHostToDevice), "cudaMemcpy");
  check(cudaMemcpy(d_keys, keys.data(), keys.size() * sizeof(std::uint32_t), cudaMemcpyHostToDevice), "cudaMemcpy");
  philox_kernel<<<(count + 255) / 256, 256>>>(d_counters, d_keys, count, d_words, d_gauss, d_rad, d_uni, d_index);
  check(cudaGetLastError(), "philox_kernel");
  check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
  std::vector<Philox4x32> words(count);
  std::vector<double> gauss(count), rad(count), uni(count);
  std::vector<std::uint64_t> index(count);
  check(cudaMemcpy(words.data(), d_words, count * sizeof(Philox4x32), cudaMemcpyDeviceToHost), "cudaMemcpy");
  check(cudaMemcpy(gauss.data(), d_gauss, count * sizeof(double), cudaMemcpyDeviceToHost), "cudaMemcpy");
  check(cudaMemcpy(rad.data(), d_rad, count * sizeof(double), cudaMemcpyDeviceToHost), "cudaMemcpy");
  check(cudaMemcpy(uni.data(), d_uni, count * sizeof(double), cudaMemcpyDeviceToHost), "cudaMemcpy");
  check(cudaMemcpy(index.data(), d_index, count * sizeof(std::uint64_t), cudaMemcpyDeviceToHost), "cudaMemcpy");
  for (void* p : {static_cast<void*>(d_counters), static_cast<void*>(d_words), static_cast<void*>(d_keys),
                  static_cast<void*>(d_gauss), static_cast<void*>(d_rad), static_cast<void*>(d_uni),
                  static_cast<void*>(d_index)})
    cudaFree(p);

  // The known-answer vector of docs/rng.md comes out of the device too.
  CHECK(words[2].v[0] == 0xd16cfe09u && words[2].v[3] == 0x24126ea1u, "Random123 known answer on the device");
  int word_mismatches = 0, exact_mismatches = 0, gaussian_differ = 0;
  double worst_gaussian_ulps = 0;
  for (int t = 0; t < count; ++t) {
    const Philox4x32 c = counters[static_cast<std::size_t>(t)];
    const std::uint32_t k0 = keys[2 * static_cast<std::size_t>(t)], k1 = keys[2 * static_cast<std::size_t>(t) + 1];
    const Philox4x32 h = philox4x32_10(c, k0, k1);
    if (std::memcmp(&h, &words[static_cast<std::size_t>(t)], sizeof h) != 0) ++word_mismatches;
    const std::uint64_t seed = k0 | (std::uint64_t{k1} << 32);
    const std::uint64_t i = c.v[0] | (std::uint64_t{c.v[1] & 0x1fffffu} << 32);
    const std::uint32_t j = c.v[2] & 0x7fffffffu, s = c.v[3];
    const double r = rademacher_entry(seed, s, i, j), u = uniform_pm1_entry(seed, s, i, j);
    const std::uint64_t x = uniform_index(c.v[0], c.v[1], (std::uint64_t{c.v[2]} << 21) + 1);
    if (std::memcmp(&r, &rad[static_cast<std::size_t>(t)], sizeof r) != 0 ||
        std::memcmp(&u, &uni[static_cast<std::size_t>(t)], sizeof u) != 0 || x != index[static_cast<std::size_t>(t)])
      ++exact_mismatches;
    const double g = gaussian_entry(seed, s, i, j), dg = gauss[static_cast<std::size_t>(t)];
    if (g != dg) {
      ++gaussian_differ;
      worst_gaussian_ulps = std::max(worst_gaussian_ulps, ulps_apart(dg, g));
    }
  }
  CHECK(word_mismatches == 0, std::to_string(word_mismatches) + " counters give other Philox words on the device");
  CHECK(exact_mismatches == 0,
        std::to_string(exact_mismatches) + " counters give other rademacher/uniform/index values on the device");
  CHECK_AT_MOST(worst_gaussian_ulps * tol::eps<double>(), tol::cuda_gaussian_entry<double>(),
                "gaussian entries, device against host, relative");
  std::printf("     gaussian: %d of %d entries differ from the host's, at most %.1f ulp\n", gaussian_differ, count,
              worst_gaussian_ulps);
}

namespace {

template <class T>
void compare_test_matrix(const randla::cuda::Context& context, TestMatrixKind kind, Layout layout,
                         std::int64_t row0, std::int64_t col0, std::uint32_t block, Stream stream) {
  const std::int64_t rows = 1537, cols = 67, pad = 5;
  TestMatrixSpec spec;
  spec.kind = kind;
  spec.seed = 0x0123456789abcdefull;
  spec.stream = stream;
  spec.block = block;
  spec.rows = row0 + rows;
  spec.cols = col0 + cols;
  const std::int64_t ld = (layout == Layout::ColMajor ? rows : cols) + pad;
  const std::int64_t outer = layout == Layout::ColMajor ? cols : rows;
  std::vector<T> host(static_cast<std::size_t>(ld * outer), T(7));
  randla::fill_test_matrix(MatrixView<T>{host.data(), rows, cols, ld, layout}, spec, row0, col0);
  // The device block starts poisoned with the same value: the padding must stay untouched, and
  // every entry inside must be written.
  const std::vector<T> poison(host.size(), T(7));
  randla::cuda::DeviceArray<T> dev = randla::cuda::to_device(context, poison.data(), poison.size());
  randla::cuda::fill_test_matrix(context, randla::cuda::DeviceMatrixView<T>{dev.data(), rows, cols, ld, layout}, spec,
                                 row0, col0);
  const std::vector<T> back = randla::cuda::to_host(context, dev.data(), dev.size());
  std::size_t differ = 0;
  double worst = 0;
  for (std::size_t e = 0; e < host.size(); ++e) {
    if (std::memcmp(&host[e], &back[e], sizeof(T)) == 0) continue;
    ++differ;
    worst = std::max(worst, std::abs(double(back[e]) - double(host[e])) / std::abs(double(host[e])));
  }
  const std::string what = std::string(test_matrix_kind_name(kind)) + (sizeof(T) == 8 ? " f64" : " f32") +
                           (layout == Layout::ColMajor ? " col-major" : " row-major") + ", rows from " +
                           std::to_string(row0) + ", block " + std::to_string(block);
  if (kind == TestMatrixKind::Gaussian) {
    CHECK_AT_MOST(worst, tol::cuda_gaussian_entry<T>(), (what + ": relative difference of the entries").c_str());
  } else {
    CHECK(differ == 0, what + ": " + std::to_string(differ) + " entries differ from the CPU's");
  }
}

}  // namespace

TEST_CASE("device test matrices = CPU test matrices (every device kind, both layouts, offsets, blocks)") {
  randla::cuda::Context context;
  for (TestMatrixKind kind : {TestMatrixKind::Gaussian, TestMatrixKind::Rademacher, TestMatrixKind::Uniform})
    for (Layout layout : {Layout::ColMajor, Layout::RowMajor}) {
      compare_test_matrix<double>(context, kind, layout, 0, 0, 0, Stream::RangeFinder);
      compare_test_matrix<float>(context, kind, layout, 0, 0, 0, Stream::RangeFinder);
      // Rows across 2^32 (the counter's second word), a column offset, a block and another stream.
      compare_test_matrix<double>(context, kind, layout, (std::int64_t{1} << 32) - 700, 3, 5, Stream::NystromSketch);
      compare_test_matrix<float>(context, kind, layout, (std::int64_t{1} << 32) - 700, 3, 5, Stream::NystromSketch);
    }
}

TEST_CASE("device test matrices reject the kinds and shapes they cannot make") {
  randla::cuda::Context context;
  randla::cuda::DeviceArray<double> dev(context, 100);
  TestMatrixSpec spec;
  spec.rows = 10;
  spec.cols = 10;
  for (TestMatrixKind kind : {TestMatrixKind::SparseSign, TestMatrixKind::Srht}) {
    spec.kind = kind;
    tol::expect_error([&] { randla::cuda::fill_test_matrix<double>(context, {dev.data(), 10, 10, 10, Layout::ColMajor}, spec); },
                      ErrorCode::InvalidArgument, "spec.kind", test_matrix_kind_name(kind));
  }
  spec.kind = TestMatrixKind::Gaussian;
  tol::expect_error([&] { randla::cuda::fill_test_matrix<double>(context, {dev.data(), 10, 10, 10, Layout::ColMajor}, spec, 5); },
                    ErrorCode::Shape, "out", "block outside the matrix");
  spec.block = 1u << 24;
  tol::expect_error([&] { randla::cuda::fill_test_matrix<double>(context, {dev.data(), 10, 10, 10, Layout::ColMajor}, spec); },
                    ErrorCode::InvalidArgument, "spec.block", "block 2^24");
  spec.block = 0;
  std::vector<double> host(100);
  tol::expect_error([&] { randla::cuda::fill_test_matrix<double>(context, {host.data(), 10, 10, 10, Layout::ColMajor}, spec); },
                    ErrorCode::InvalidArgument, "out", "host pointer");
}
