// C++ benchmark of the core randomized SVD (used on machines without Node, e.g. the GPU one):
// randla_bench_rsvd [m n k p q threads reps]. Prints one JSON line per precision.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "randla/rsvd.hpp"
#include "randla/threads.hpp"

template <class T>
void run(std::int64_t m, std::int64_t n, std::int64_t k, std::int64_t p, std::int64_t q, int reps) {
  std::vector<T> A(static_cast<std::size_t>(m * n));
  randla::fill_test_matrix(randla::dense_view(A.data(), m, n, randla::Layout::RowMajor),
                           randla::TestMatrixKind::Gaussian, 77, randla::Stream::RangeFinder);
  randla::RsvdOptions o;
  o.rank = k;
  o.oversamples = p;
  o.power_iters = q;
  o.seed = 1;
  std::vector<double> times;
  std::vector<double> pass_ends;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    randla::RunControl control;
    pass_ends.clear();
    control.progress = [&](int, int) {
      pass_ends.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    };
    auto res = randla::rsvd<T>(randla::dense_view<const T>(A.data(), m, n, randla::Layout::RowMajor), o, control);
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  // Where the time of the last repetition went: end of each pass over A, then the finish.
  std::fprintf(stderr, "%s passes end at (ms):", sizeof(T) == 4 ? "f32" : "f64");
  for (double t : pass_ends) std::fprintf(stderr, " %.1f", t * 1e3);
  std::fprintf(stderr, " | total %.1f\n", times.back() * 1e3);
  std::sort(times.begin(), times.end());
  std::printf("{\"dtype\":\"%s\",\"m\":%lld,\"n\":%lld,\"k\":%lld,\"threads\":%d,\"median_s\":%.6f,\"min_s\":%.6f}\n",
              sizeof(T) == 4 ? "f32" : "f64", (long long)m, (long long)n, (long long)k, randla::threads(),
              times[times.size() / 2], times.front());
}

int main(int argc, char** argv) {
  auto arg = [&](int i, long long dflt) { return argc > i ? std::atoll(argv[i]) : dflt; };
  const auto m = arg(1, 20000), n = arg(2, 2000), k = arg(3, 20), p = arg(4, 10), q = arg(5, 2);
  randla::set_threads(static_cast<int>(arg(6, randla::threads())));
  const int reps = static_cast<int>(arg(7, 5));
  run<double>(m, n, k, p, q, reps);
  run<float>(m, n, k, p, q, reps);
}
