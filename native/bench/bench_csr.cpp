// Sparse × dense products of the CSR operator: randla_bench_csr [rows cols nnz l threads reps].
// A random CSR matrix (uniform columns, row lengths varying ±50 % around nnz/rows) times a dense
// block of l columns, both ways. Prints one JSON line per precision: median and best time of
// A·X and Aᵀ·X, the first Aᵀ·X (which also builds the CSC copy), and GB/s of the
// nnz·(4 + sizeof T) bytes of A read.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "randla/csr.hpp"
#include "randla/threads.hpp"

namespace {

struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53 * 2 - 1; }
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

template <class T>
void run(std::int64_t rows, std::int64_t cols, std::int64_t nnz_target, std::int64_t l, int reps) {
  Rng rng{42};
  std::vector<std::int32_t> indptr{0}, indices;
  std::vector<T> values;
  indices.reserve(static_cast<std::size_t>(nnz_target * 1.1));
  values.reserve(indices.capacity());
  const double per_row = static_cast<double>(nnz_target) / static_cast<double>(rows);
  for (std::int64_t i = 0; i < rows; ++i) {
    const auto count = static_cast<std::int64_t>(per_row * (1.0 + 0.5 * rng.uniform()) + 0.5);
    for (std::int64_t c = 0; c < count; ++c) {
      indices.push_back(static_cast<std::int32_t>(rng.next() % static_cast<std::uint64_t>(cols)));
      values.push_back(static_cast<T>(rng.uniform()));
    }
    indptr.push_back(static_cast<std::int32_t>(indices.size()));
  }
  const std::int64_t nnz = indptr.back();
  const randla::CsrView<T> view{rows, cols, indptr.data(), indices.data(), values.data()};
  randla::validate_csr(view, "A");
  const randla::CsrOperator<T> op(view);

  randla::DenseMatrix<T> X(cols, l), Y(rows, l), out;
  for (auto& v : X.data) v = static_cast<T>(rng.uniform());
  for (auto& v : Y.data) v = static_cast<T>(rng.uniform());

  auto t0 = std::chrono::steady_clock::now();
  op.apply(true, Y, out);  // the first Aᵀ product builds the CSC copy
  const double first_transpose = seconds_since(t0);

  std::vector<double> forward, transposed;
  for (int r = 0; r < reps; ++r) {
    t0 = std::chrono::steady_clock::now();
    op.apply(false, X, out);
    forward.push_back(seconds_since(t0));
    t0 = std::chrono::steady_clock::now();
    op.apply(true, Y, out);
    transposed.push_back(seconds_since(t0));
  }
  std::sort(forward.begin(), forward.end());
  std::sort(transposed.begin(), transposed.end());
  const double bytes = static_cast<double>(nnz) * static_cast<double>(sizeof(std::int32_t) + sizeof(T));
  const double f_med = forward[forward.size() / 2], t_med = transposed[transposed.size() / 2];
  std::printf(
      "{\"dtype\":\"%s\",\"rows\":%lld,\"cols\":%lld,\"nnz\":%lld,\"l\":%lld,\"threads\":%d,\"reps\":%d,"
      "\"ax_median_ms\":%.4f,\"ax_min_ms\":%.4f,\"ax_gbps\":%.3f,"
      "\"atx_median_ms\":%.4f,\"atx_min_ms\":%.4f,\"atx_gbps\":%.3f,\"atx_first_ms\":%.4f}\n",
      sizeof(T) == 4 ? "f32" : "f64", (long long)rows, (long long)cols, (long long)nnz, (long long)l,
      randla::threads(), reps, f_med * 1e3, forward.front() * 1e3, bytes / f_med * 1e-9, t_med * 1e3,
      transposed.front() * 1e3, bytes / t_med * 1e-9, first_transpose * 1e3);
}

}  // namespace

int main(int argc, char** argv) {
  auto arg = [&](int i, long long dflt) { return argc > i ? std::atoll(argv[i]) : dflt; };
  const auto rows = arg(1, 200000), cols = arg(2, 50000), nnz = arg(3, 5000000), l = arg(4, 20);
  randla::set_threads(static_cast<int>(arg(5, randla::threads())));
  const int reps = static_cast<int>(std::max(1LL, arg(6, 10)));
  if (rows < 1 || cols < 1 || nnz < 0 || l < 1 || nnz > 2000000000LL) {
    std::fprintf(stderr, "usage: randla_bench_csr rows cols nnz l threads reps (rows, cols, l >= 1; nnz < 2^31)\n");
    return 2;
  }
  run<double>(rows, cols, nnz, l, reps);
  run<float>(rows, cols, nnz, l, reps);
}
