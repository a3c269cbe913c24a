// A dense column-major matrix owned by the core: the blocks (sketches, bases, factors) that the
// algorithms build, as opposed to the caller's input, which the core only ever views.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "randla/matrix_view.hpp"

namespace randla {

template <class T>
struct DenseMatrix {
  std::vector<T> data;
  std::int64_t rows = 0;
  std::int64_t cols = 0;

  DenseMatrix() = default;
  DenseMatrix(std::int64_t r, std::int64_t c) : data(static_cast<std::size_t>(r * c)), rows(r), cols(c) {}
  // Makes this an r x c matrix whose entries the caller is about to overwrite: the storage is
  // kept when the size is unchanged (a range finder's Y and Z keep their shape from pass to
  // pass), so large blocks are not freed and faulted in again on every pass.
  void resize_for_overwrite(std::int64_t r, std::int64_t c) {
    if (static_cast<std::int64_t>(data.size()) != r * c) data = std::vector<T>(static_cast<std::size_t>(r * c));
    rows = r;
    cols = c;
  }
  T* col(std::int64_t j) { return data.data() + j * rows; }
  const T* col(std::int64_t j) const { return data.data() + j * rows; }
  T& operator()(std::int64_t i, std::int64_t j) { return data[static_cast<std::size_t>(i + j * rows)]; }
  T operator()(std::int64_t i, std::int64_t j) const { return data[static_cast<std::size_t>(i + j * rows)]; }
  MatrixView<T> view() { return {data.data(), rows, cols, rows, Layout::ColMajor}; }
  MatrixView<const T> view() const { return {data.data(), rows, cols, rows, Layout::ColMajor}; }
};

}  // namespace randla
