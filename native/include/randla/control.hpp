// Cancellation and progress for long computations, checked between passes over the input.
#pragma once

#include <atomic>
#include <functional>

#include "randla/error.hpp"

namespace randla {

struct RunControl {
  // Set to true from any thread to abort at the next check; the call then throws Aborted.
  const std::atomic<bool>* cancel = nullptr;
  // Called on the computing thread after each pass: (passes done, passes in all).
  std::function<void(int, int)> progress;

  void check() const {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      throw Error(ErrorCode::Aborted, "The operation was aborted");
    }
  }
  void report(int done, int total) const {
    if (progress) progress(done, total);
    check();
  }
};

}  // namespace randla
