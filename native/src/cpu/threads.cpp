#include "randla/threads.hpp"

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "randla/error.hpp"

namespace randla {
namespace {

int initial_threads() {
  if (const char* env = std::getenv("RANDLA_NUM_THREADS")) {
    const int n = std::atoi(env);
    if (n >= 1) return n;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

void apply_to_blas(int n) {
#if defined(RANDLA_HAVE_OPENBLAS_THREADS)
  openblas_set_num_threads(n);
#else
  (void)n;
#endif
}

std::atomic<int>& thread_setting() {
  // First use also hands the setting to BLAS, so one value drives both.
  static std::atomic<int> setting = [] {
    const int n = initial_threads();
    apply_to_blas(n);
    return n;
  }();
  return setting;
}

// The single-threaded BLAS sections now open, process-wide, and the lock that orders them with
// set_threads(): BLAS's thread count is one global, so it is 1 while any section is open and
// threads() otherwise.
struct BlasSections {
  std::mutex lock;
  int open = 0;
};
BlasSections& blas_sections() {
  static BlasSections s;
  return s;
}

}  // namespace

void set_threads(int n) {
  RANDLA_EXPECTS(n >= 1 && n <= 4096, "threads") << "Expected an integer in [1, 4096] for threads but received " << n;
  BlasSections& s = blas_sections();
  const std::lock_guard<std::mutex> guard(s.lock);
  thread_setting().store(n);
  // An open section keeps BLAS at 1 thread; the last one to close applies the new setting.
  if (s.open == 0) apply_to_blas(n);
}

SingleThreadedBlas::SingleThreadedBlas() {
  // The setting's first use hands it to BLAS: make that happen now, not inside the section
  // (a first threads() call there would put BLAS back on many threads).
  (void)thread_setting();
  BlasSections& s = blas_sections();
  const std::lock_guard<std::mutex> guard(s.lock);
  if (s.open++ == 0) apply_to_blas(1);
}

SingleThreadedBlas::~SingleThreadedBlas() {
  BlasSections& s = blas_sections();
  const std::lock_guard<std::mutex> guard(s.lock);
  if (--s.open == 0) apply_to_blas(threads());
}

int threads() noexcept { return thread_setting().load(); }

int blas_threads() noexcept {
#if defined(RANDLA_HAVE_OPENBLAS_THREADS)
  return openblas_get_num_threads();
#else
  return 0;
#endif
}

const char* blas_name() noexcept {
#if defined(RANDLA_HAVE_OPENBLAS_THREADS)
  return openblas_get_config();
#else
  return "BLAS";
#endif
}

void parallel_for(std::int64_t n, const std::function<void(std::int64_t, std::int64_t)>& body,
                  std::int64_t min_chunk) {
  if (n <= 0) return;
  min_chunk = std::max<std::int64_t>(1, min_chunk);
  const std::int64_t chunks = std::max<std::int64_t>(1, std::min<std::int64_t>(threads(), (n + min_chunk - 1) / min_chunk));
  if (chunks == 1) {
    body(0, n);
    return;
  }
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(chunks));
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(chunks - 1));
  auto run = [&](std::int64_t c) {
    try {
      body(n * c / chunks, n * (c + 1) / chunks);
    } catch (...) {
      errors[static_cast<std::size_t>(c)] = std::current_exception();
    }
  };
  for (std::int64_t c = 1; c < chunks; ++c) workers.emplace_back(run, c);
  run(0);
  for (auto& w : workers) w.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace randla
