// Non-owning views of dense matrices in either memory order.
// A row-major m x n matrix with leading dimension ld is the col-major n x m matrix Aᵀ with the
// same ld, so every kernel handles both orders by transposing the view, never by copying.
#pragma once

#include <cstdint>
#include <type_traits>

namespace randla {

enum class Layout { RowMajor, ColMajor };

template <class T>
struct MatrixView {
  T* data = nullptr;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t ld = 0;  // distance between consecutive columns (col-major) or rows (row-major)
  Layout layout = Layout::ColMajor;

  using value_type = std::remove_const_t<T>;

  T& operator()(std::int64_t i, std::int64_t j) const {
    return layout == Layout::ColMajor ? data[i + j * ld] : data[i * ld + j];
  }

  // The view of Aᵀ over the same memory.
  MatrixView transposed() const {
    return {data, cols, rows, ld, layout == Layout::ColMajor ? Layout::RowMajor : Layout::ColMajor};
  }

  operator MatrixView<const T>() const { return {data, rows, cols, ld, layout}; }
};

// A densely packed matrix (ld = rows for col-major, cols for row-major).
template <class T>
MatrixView<T> dense_view(T* data, std::int64_t rows, std::int64_t cols, Layout layout) {
  return {data, rows, cols, layout == Layout::ColMajor ? rows : cols, layout};
}

}  // namespace randla
