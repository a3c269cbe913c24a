// The thread setting and single-threaded BLAS sections (randla/threads.hpp), in a process of
// their own: the setting is handed to BLAS on its first use, and a first use that happens inside
// a section must not put BLAS back on many threads (it did: dmdBatch's groups then ran threaded
// dgeqrf calls against each other, 9x slower).
#include <cstdio>
#include <thread>

#include "check.hpp"
#include "randla/threads.hpp"

using namespace randla;

TEST_CASE("a section opened before the setting's first use keeps BLAS on one thread") {
  // Nothing has called threads() or set_threads() in this process yet.
  {
    const SingleThreadedBlas section;
    const int n = threads();  // the setting's first use, inside the section
    if (blas_threads() == 0) {
      std::printf("  BLAS cannot report its threads: not observable here\n");
      return;
    }
    CHECK(blas_threads() == 1, "BLAS stays on 1 thread inside the section (setting " + std::to_string(n) + ")");
  }
  CHECK(blas_threads() == threads(), "the section's close hands the setting to BLAS");
}

TEST_CASE("sections across threads and set_threads inside a section") {
  set_threads(2);
  if (blas_threads() == 0) return;
  {
    const SingleThreadedBlas outer;
    std::thread other([] { const SingleThreadedBlas inner; });
    other.join();
    CHECK(blas_threads() == 1, "another thread's section closing leaves this one's in force");
    set_threads(3);
    CHECK(blas_threads() == 1, "set_threads inside a section waits for the last to close");
  }
  CHECK(blas_threads() == 3, "then it applies");
  set_threads(2);
}

TEST_MAIN()
