// Test matrices are element-addressable: independent of thread count, blocking and layout.
#include <cstdint>
#include <vector>

#include "check.hpp"
#include "randla/test_matrix.hpp"
#include "randla/threads.hpp"

using namespace randla;

TEST_CASE("test matrix is identical for 1 and 2 threads, both layouts, and sub-blocks") {
  const std::int64_t n = 1031, l = 17;
  for (auto kind : {TestMatrixKind::Gaussian, TestMatrixKind::Rademacher}) {
    std::vector<double> one(n * l), two(n * l), row_major(n * l), block(100 * 5);
    set_threads(1);
    fill_test_matrix(dense_view(one.data(), n, l, Layout::ColMajor), kind, 99, Stream::RangeFinder);
    set_threads(2);
    fill_test_matrix(dense_view(two.data(), n, l, Layout::ColMajor), kind, 99, Stream::RangeFinder);
    fill_test_matrix(dense_view(row_major.data(), n, l, Layout::RowMajor), kind, 99, Stream::RangeFinder);
    fill_test_matrix(dense_view(block.data(), 100, 5, Layout::ColMajor), kind, 99, Stream::RangeFinder, 500, 9);
    bool same_threads = true, same_layout = true, same_block = true;
    for (std::int64_t j = 0; j < l; ++j)
      for (std::int64_t i = 0; i < n; ++i) {
        same_threads &= one[i + j * n] == two[i + j * n];
        same_layout &= one[i + j * n] == row_major[i * l + j];
      }
    for (std::int64_t j = 0; j < 5; ++j)
      for (std::int64_t i = 0; i < 100; ++i) same_block &= block[i + j * 100] == one[(500 + i) + (9 + j) * n];
    CHECK(same_threads, "same entries for 1 and 2 threads");
    CHECK(same_layout, "same entries in row-major and col-major storage");
    CHECK(same_block, "a sub-block equals the corresponding entries of the whole");
    CHECK(one[0] == (kind == TestMatrixKind::Gaussian ? gaussian_entry(99, 0, 0, 0) : rademacher_entry(99, 0, 0, 0)),
          "entry (0, 0) is the documented function of (seed, stream, 0, 0)");
  }
}

TEST_CASE("f32 test matrix is the f64 one rounded to nearest") {
  std::vector<float> f(64 * 4);
  std::vector<double> d(64 * 4);
  fill_test_matrix(dense_view(f.data(), 64, 4, Layout::ColMajor), TestMatrixKind::Gaussian, 5, Stream::RangeFinder);
  fill_test_matrix(dense_view(d.data(), 64, 4, Layout::ColMajor), TestMatrixKind::Gaussian, 5, Stream::RangeFinder);
  bool same = true;
  for (std::size_t i = 0; i < f.size(); ++i) same &= f[i] == static_cast<float>(d[i]);
  CHECK(same, "float entries equal static_cast<float>(double entries)");
}

TEST_CASE("different seeds and streams give different matrices") {
  CHECK(gaussian_entry(1, 0, 0, 0) != gaussian_entry(2, 0, 0, 0), "seed changes entries");
  CHECK(gaussian_entry(1, 0, 0, 0) != gaussian_entry(1, 1, 0, 0), "stream changes entries");
  CHECK(gaussian_entry(1, 0, 1, 0) != gaussian_entry(1, 0, 0, 1), "(1, 0) and (0, 1) differ");
}

TEST_MAIN()
