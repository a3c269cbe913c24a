// Element-addressable test matrices from Philox4x32-10 (docs/rng.md).
#include "randla/test_matrix.hpp"

#include "randla/threads.hpp"

namespace randla {

template <class T>
void fill_test_matrix(MatrixView<T> out, TestMatrixKind kind, std::uint64_t seed, Stream stream, std::int64_t row0,
                      std::int64_t col0) {
  const auto s = static_cast<std::uint32_t>(stream);
  parallel_for(out.rows, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = 0; j < out.cols; ++j) {
      const auto jj = static_cast<std::uint32_t>(col0 + j);
      for (std::int64_t i = begin; i < end; ++i) {
        const auto ii = static_cast<std::uint64_t>(row0 + i);
        const double value = kind == TestMatrixKind::Gaussian ? gaussian_entry(seed, s, ii, jj)
                                                              : rademacher_entry(seed, s, ii, jj);
        out(i, j) = static_cast<T>(value);
      }
    }
  }, 256);
}

template void fill_test_matrix<float>(MatrixView<float>, TestMatrixKind, std::uint64_t, Stream, std::int64_t,
                                      std::int64_t);
template void fill_test_matrix<double>(MatrixView<double>, TestMatrixKind, std::uint64_t, Stream, std::int64_t,
                                       std::int64_t);

}  // namespace randla
