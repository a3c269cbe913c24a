// Normalizers on tall-skinny sample blocks (docs/algorithms/rsvd.md): Householder QR against
// CholeskyQR2 (Yamamoto et al. 2015; shifted CholeskyQR3 of Fukaya et al. 2020 as fallback) and
// LU with partial pivoting, timed on the m x l Gaussian blocks a range finder normalizes.
//   randla_bench_normalize m l threads reps  ->  one JSON line per dtype and normalizer
// The orthonormality error ‖QᵀQ − I‖_max of the result is printed with each timing.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "randla/rsvd.hpp"
#include "randla/threads.hpp"

namespace {

template <class T>
double orthonormality_error(const randla::DenseMatrix<T>& Q) {
  double worst = 0;
  for (std::int64_t a = 0; a < Q.cols; ++a)
    for (std::int64_t b = 0; b <= a; ++b) {
      double dot = 0;
      for (std::int64_t i = 0; i < Q.rows; ++i) dot += static_cast<double>(Q(i, a)) * static_cast<double>(Q(i, b));
      worst = std::max(worst, std::abs(dot - (a == b ? 1.0 : 0.0)));
    }
  return worst;
}

template <class T>
void run(const char* dtype, std::int64_t m, std::int64_t l, int threads, int reps) {
  randla::DenseMatrix<T> Y(m, l);
  randla::fill_test_matrix(Y.view(), randla::TestMatrixKind::Gaussian, 7, randla::Stream::RangeFinder);
  for (randla::Normalizer n : {randla::Normalizer::QR, randla::Normalizer::CholQR2, randla::Normalizer::LU}) {
    std::vector<double> times;
    randla::DenseMatrix<T> W;
    for (int r = 0; r < reps + 1; ++r) {
      W = Y;  // copied outside the timed region: the normalizers work in place
      const auto t0 = std::chrono::steady_clock::now();
      randla::normalize(W, n);
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (r > 0) times.push_back(s);  // the first run warms up
    }
    std::sort(times.begin(), times.end());
    const double error = n == randla::Normalizer::LU ? NAN : orthonormality_error(W);
    char error_text[32] = "null";
    if (!std::isnan(error)) std::snprintf(error_text, sizeof error_text, "%.3g", error);
    std::printf("{\"dtype\":\"%s\",\"normalizer\":\"%s\",\"m\":%lld,\"l\":%lld,\"threads\":%d,\"median_s\":%.6g,\"min_s\":%.6g,"
                "\"orthonormality_error\":%s}\n",
                dtype, randla::normalizer_name(n), static_cast<long long>(m), static_cast<long long>(l), threads,
                times[times.size() / 2], times.front(), error_text);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: randla_bench_normalize m l threads reps\n");
    return 2;
  }
  const std::int64_t m = std::atoll(argv[1]), l = std::atoll(argv[2]);
  const int threads = std::atoi(argv[3]), reps = std::atoi(argv[4]);
  if (m < 1 || l < 1 || l > m || threads < 1 || reps < 1) {
    std::fprintf(stderr, "randla_bench_normalize: need m >= l >= 1, threads >= 1, reps >= 1\n");
    return 2;
  }
  randla::set_threads(threads);
  run<double>("float64", m, l, threads, reps);
  run<float>("float32", m, l, threads, reps);
  return 0;
}
