// Batched DMD (docs/algorithms/dmd.md, "Batched DMD"): thousands of small independent problems
// (one per neuron in Koopman training, Dogra & Redman 2020) in one call. Each group runs the
// single-problem driver with single-threaded BLAS, and groups are spread over threads, so a
// group's result is the same bits as a lone dmd() call, on any thread count.
#include <cstdint>
#include <string>
#include <vector>

#include "randla/dmd.hpp"
#include "randla/error.hpp"
#include "randla/threads.hpp"

namespace randla {

std::vector<DmdResult> dmd_batch(const std::vector<MatrixView<const double>>& groups, const DmdOptions& options,
                                 const RunControl& control) {
  const auto count = static_cast<std::int64_t>(groups.size());
  std::vector<DmdResult> results(groups.size());
  const SingleThreadedBlas single;
  // Waves of 64 groups per thread keep progress and abort responsive without per-group sync.
  const std::int64_t wave = 64 * std::max(1, threads());
  for (std::int64_t first = 0; first < count; first += wave) {
    control.check();
    const std::int64_t last = std::min(count, first + wave);
    parallel_for(last - first, [&](std::int64_t b0, std::int64_t b1) {
      for (std::int64_t g = first + b0; g < first + b1; ++g) {
        try {
          results[static_cast<std::size_t>(g)] = dmd(groups[static_cast<std::size_t>(g)], nullptr, options);
        } catch (const Error& e) {
          // Name the group: "X" alone would not say which of thousands failed.
          const std::string where = "groups[" + std::to_string(g) + "]";
          throw Error(e.code(), where + ": " + e.what(), e.argument() == "X" ? where : e.argument());
        }
      }
    });
    control.report(static_cast<int>(last), static_cast<int>(count));
  }
  return results;
}

}  // namespace randla
