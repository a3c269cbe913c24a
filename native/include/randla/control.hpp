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

// Counts passes over the input across the stages of one call (centering, range finder, error
// estimate), so progress is one sequence 1..total. `total` may grow (adaptive QB) but `done`
// never exceeds it.
class PassCounter {
 public:
  PassCounter(const RunControl& control, int total) : control_(control), total_(total) {}
  // One more pass over the input is done: report it and honour a pending abort.
  void pass(int count = 1) {
    done_ += count;
    if (done_ > total_) total_ = done_;
    control_.report(done_, total_);
  }
  void set_total(int total) { total_ = total < done_ ? done_ : total; }
  int done() const { return done_; }
  int total() const { return total_; }
  void check() const { control_.check(); }

 private:
  const RunControl& control_;
  int done_ = 0;
  int total_ = 0;
};

}  // namespace randla
