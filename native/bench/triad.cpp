// STREAM-style triad bandwidth: a[i] = b[i] + s * c[i] over three double arrays far larger
// than the caches, split across std::threads, best of several repetitions (McCalpin, STREAM).
// Bytes counted per element: 3 arrays x 8 bytes = 24 (STREAM's convention; the write-allocate
// read of a[] is not counted).
//
// Usage: randla_triad [threads=hardware_concurrency] [elements=10000000] [repetitions=10]
// Prints one JSON line:
//   {"threads":2,"bytes_per_second":1.2e10,"elements":10000000,"array_bytes":80000000,
//    "repetitions":10,"best_seconds":0.02,"kernel":"triad"}
// Used by bench/run.mjs to express rsvd time in units of "reading A from memory".
#include <algorithm>
#include <barrier>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

long parse_arg(int argc, char** argv, int i, long fallback) {
    if (argc <= i) return fallback;
    char* end = nullptr;
    const long v = std::strtol(argv[i], &end, 10);
    if (end == argv[i] || *end != '\0' || v <= 0) {
        std::fprintf(stderr, "randla_triad: argument %d must be a positive integer, got '%s'\n", i, argv[i]);
        std::exit(2);
    }
    return v;
}

struct Aligned {
    void operator()(double* p) const noexcept { std::free(p); }
};

std::unique_ptr<double[], Aligned> alloc(std::size_t n) {
    const std::size_t bytes = ((n * sizeof(double) + 63) / 64) * 64;
    auto* p = static_cast<double*>(std::aligned_alloc(64, bytes));
    if (p == nullptr) {
        std::fprintf(stderr, "randla_triad: cannot allocate %zu bytes\n", bytes);
        std::exit(1);
    }
    return std::unique_ptr<double[], Aligned>(p);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help")) {
        std::printf("usage: randla_triad [threads] [elements=10000000] [repetitions=10]\n");
        return 0;
    }
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    const auto threads = static_cast<unsigned>(parse_arg(argc, argv, 1, hw));
    const auto n = static_cast<std::size_t>(parse_arg(argc, argv, 2, 10'000'000));
    const auto reps = static_cast<int>(parse_arg(argc, argv, 3, 10));
    const double scalar = 3.0;

    auto a = alloc(n);
    auto b = alloc(n);
    auto c = alloc(n);

    std::vector<double> seconds(static_cast<std::size_t>(reps), 0.0);
    std::barrier sync(static_cast<std::ptrdiff_t>(threads));
    std::chrono::steady_clock::time_point t0;

    auto worker = [&](unsigned id) {
        const std::size_t lo = n * id / threads;
        const std::size_t hi = n * (id + 1) / threads;
        double* __restrict pa = a.get();
        double* __restrict pb = b.get();
        double* __restrict pc = c.get();
        // first touch by the thread that will use the pages (NUMA placement)
        for (std::size_t i = lo; i < hi; ++i) {
            pa[i] = 0.0;
            pb[i] = 1.0;
            pc[i] = 2.0;
        }
        for (int r = 0; r < reps; ++r) {
            sync.arrive_and_wait();
            if (id == 0) t0 = std::chrono::steady_clock::now();
            sync.arrive_and_wait();
            for (std::size_t i = lo; i < hi; ++i) pa[i] = pb[i] + scalar * pc[i];
            sync.arrive_and_wait();
            if (id == 0) {
                seconds[static_cast<std::size_t>(r)] =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            }
        }
    };

    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (unsigned id = 1; id < threads; ++id) pool.emplace_back(worker, id);
    worker(0);
    for (auto& t : pool) t.join();

    // check the result so the kernel cannot be optimised away
    double err = 0.0;
    for (std::size_t i = 0; i < n; i += std::max<std::size_t>(1, n / 1024)) err = std::max(err, std::abs(a[i] - 7.0));
    if (err != 0.0) {
        std::fprintf(stderr, "randla_triad: wrong result (max error %g)\n", err);
        return 1;
    }

    // skip the first repetition (page faults / frequency ramp) when there are several
    double best = std::numeric_limits<double>::infinity();
    for (int r = reps > 1 ? 1 : 0; r < reps; ++r) best = std::min(best, seconds[static_cast<std::size_t>(r)]);
    const double bytes = 3.0 * sizeof(double) * static_cast<double>(n);
    std::printf(
        "{\"threads\":%u,\"bytes_per_second\":%.6e,\"elements\":%zu,\"array_bytes\":%zu,\"repetitions\":%d,"
        "\"best_seconds\":%.6e,\"kernel\":\"triad\"}\n",
        threads, bytes / best, n, n * sizeof(double), reps, best);
    return 0;
}
