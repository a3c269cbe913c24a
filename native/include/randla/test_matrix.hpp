// Element-addressable random test matrices (docs/rng.md): entry (i, j) is a pure function of
// (seed, stream, i, j), so a matrix is the same whatever the thread count or blocking.
#pragma once

#include <cstdint>

#include "randla/matrix_view.hpp"
#include "randla/philox.hpp"

namespace randla {

enum class TestMatrixKind { Gaussian, Rademacher };

// Fills `out` (any layout) with rows [row0, row0 + out.rows) and columns [col0, col0 + out.cols)
// of the infinite test matrix of (seed, stream, kind). Runs on threads().
template <class T>
void fill_test_matrix(MatrixView<T> out, TestMatrixKind kind, std::uint64_t seed, Stream stream,
                      std::int64_t row0 = 0, std::int64_t col0 = 0);

}  // namespace randla
