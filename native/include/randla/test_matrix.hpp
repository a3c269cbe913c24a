// Random test matrices Ω (n x l) of the range finder, all from Philox4x32-10 and element-
// addressable (docs/rng.md): entry (i, j) is a pure function of the spec and (i, j), so a
// matrix is the same whatever the backend, thread count or blocking.
//   gaussian     N(0, 1) entries (HMT 2011 §4.1)
//   rademacher   ±1 entries
//   uniform      uniform on [−1, 1) (fbpca's test matrix)
//   sparse-sign  ζ non-zeros ±1/√ζ in each row of Ω, i.e. each column of the sketching map
//                S = Ωᵀ (Clarkson–Woodruff; Tropp, Yurtsever, Udell, Cevher 2019 §3.3)
//   srht         √(N/l)·D·H·P restricted to the first n rows: D random signs, H the normalised
//                N x N Walsh–Hadamard matrix (N = n padded to a power of two), P samples l
//                columns without replacement (Woolfe, Liberty, Rokhlin, Tygert 2008; Tropp 2011)
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "randla/dense_matrix.hpp"
#include "randla/matrix_view.hpp"
#include "randla/philox.hpp"

namespace randla {

enum class TestMatrixKind { Gaussian, Rademacher, Uniform, SparseSign, Srht };

// The option name of each kind ('sparse-sign', ...), as TypeScript spells it.
constexpr const char* test_matrix_kind_name(TestMatrixKind kind) noexcept {
  switch (kind) {
    case TestMatrixKind::Gaussian: return "gaussian";
    case TestMatrixKind::Rademacher: return "rademacher";
    case TestMatrixKind::Uniform: return "uniform";
    case TestMatrixKind::SparseSign: return "sparse-sign";
    case TestMatrixKind::Srht: return "srht";
  }
  return "gaussian";
}
constexpr TestMatrixKind kAllTestMatrixKinds[] = {TestMatrixKind::Gaussian, TestMatrixKind::Rademacher,
                                                  TestMatrixKind::Uniform, TestMatrixKind::SparseSign,
                                                  TestMatrixKind::Srht};
// The kind named `name`; false when there is none.
constexpr bool parse_test_matrix_kind(std::string_view name, TestMatrixKind& kind) noexcept {
  for (TestMatrixKind k : kAllTestMatrixKinds) {
    if (name == test_matrix_kind_name(k)) {
      kind = k;
      return true;
    }
  }
  return false;
}

struct TestMatrixSpec {
  TestMatrixKind kind = TestMatrixKind::Gaussian;
  std::uint64_t seed = 0;
  Stream stream = Stream::RangeFinder;
  std::int64_t rows = 0;    // n: rows of Ω, the dimension being sketched
  std::int64_t cols = 0;    // l: columns of Ω (sparse-sign and SRHT structure depends on it)
  std::int64_t nnz = 8;     // sparse-sign: non-zeros per row of Ω (ζ), clamped to [1, cols]
  std::uint32_t block = 0;  // adaptive QB's block t (< 2^24): an independent matrix; the Philox
                            // counter's stream word is stream + 256·block (docs/rng.md)
};

// Entry (i, j) of Ω, 0 <= i < rows, 0 <= j < cols, in f64 (slow: for tests and documentation).
double test_matrix_entry(const TestMatrixSpec& spec, std::int64_t i, std::int64_t j);

// Fills `out` (any layout) with rows [row0, row0 + out.rows) and columns [col0, col0 + out.cols)
// of Ω, rounded to T. Runs on threads().
template <class T>
void fill_test_matrix(MatrixView<T> out, const TestMatrixSpec& spec, std::int64_t row0 = 0, std::int64_t col0 = 0);

// Rows and columns of the infinite elementwise matrix of (kind, seed, stream), for kinds whose
// entries do not depend on the matrix's size (gaussian, rademacher, uniform): test data.
template <class T>
void fill_test_matrix(MatrixView<T> out, TestMatrixKind kind, std::uint64_t seed, Stream stream,
                      std::int64_t row0 = 0, std::int64_t col0 = 0) {
  TestMatrixSpec spec;
  spec.kind = kind;
  spec.seed = seed;
  spec.stream = stream;
  spec.rows = row0 + out.rows;
  spec.cols = col0 + out.cols;
  fill_test_matrix(out, spec, row0, col0);
}

// SRHT: the l Hadamard columns sampled by P, in order (entry j of P's selection).
std::vector<std::int64_t> srht_columns(const TestMatrixSpec& spec);

// out = A·Ω (A is m x n with n == spec.rows, either layout; out is m x l) for kind Srht,
// by an in-place fast Walsh–Hadamard transform of each row of A·D (zero padded to N):
// O(m·N·log N) flops instead of O(m·n·l), and Ω is never formed.
template <class T>
void sketch_srht(MatrixView<const T> A, const TestMatrixSpec& spec, DenseMatrix<T>& out);

}  // namespace randla
