// Randomized range finder, QB and randomized SVD: Halko, Martinsson, Tropp, "Finding structure
// with randomness", SIAM Review 2011, Algorithms 4.3/4.4 (range finder) and 5.1 (direct SVD).
// The passes are specified exactly in docs/algorithms/rsvd.md; every backend runs the same ones.
#pragma once

#include <cstdint>
#include <vector>

#include "randla/control.hpp"
#include "randla/matrix_view.hpp"
#include "randla/test_matrix.hpp"

namespace randla {

// How the sample matrix is re-normalised between power iterations.
enum class Normalizer { QR, LU, None };

struct RangeFinderOptions {
  std::int64_t size = 0;         // l: columns of the basis, 1 <= l <= min(m, n)
  std::int64_t power_iters = 2;  // q >= 0
  Normalizer normalizer = Normalizer::QR;
  TestMatrixKind test_matrix = TestMatrixKind::Gaussian;
  std::uint64_t seed = 0;
};

struct RsvdOptions {
  std::int64_t rank = 0;         // k, 1 <= k <= min(m, n)
  std::int64_t oversamples = 10; // p >= 0; l = min(k + p, min(m, n))
  std::int64_t power_iters = 2;  // q >= 0
  Normalizer normalizer = Normalizer::QR;
  TestMatrixKind test_matrix = TestMatrixKind::Gaussian;
  std::uint64_t seed = 0;
  bool check_finite = true;      // reject NaN/Inf in A (ErrorCode::NotFinite)
};

// A dense col-major matrix owned by the core.
template <class T>
struct DenseMatrix {
  std::vector<T> data;
  std::int64_t rows = 0;
  std::int64_t cols = 0;

  DenseMatrix() = default;
  DenseMatrix(std::int64_t r, std::int64_t c) : data(static_cast<std::size_t>(r * c)), rows(r), cols(c) {}
  T* col(std::int64_t j) { return data.data() + j * rows; }
  const T* col(std::int64_t j) const { return data.data() + j * rows; }
  T& operator()(std::int64_t i, std::int64_t j) { return data[static_cast<std::size_t>(i + j * rows)]; }
  T operator()(std::int64_t i, std::int64_t j) const { return data[static_cast<std::size_t>(i + j * rows)]; }
  MatrixView<T> view() { return {data.data(), rows, cols, rows, Layout::ColMajor}; }
  MatrixView<const T> view() const { return {data.data(), rows, cols, rows, Layout::ColMajor}; }
};

// Orthonormal Q (m x l, col-major) whose range approximates that of A's (HMT Alg. 4.3/4.4).
// Ω is n x l for the A given: rsvd() passes the tall orientation (docs/rng.md). 2q + 1 passes.
template <class T>
DenseMatrix<T> range_finder(MatrixView<const T> A, const RangeFinderOptions& options,
                            const RunControl& control = {}, int passes_before = 0, int total_passes = 0);

template <class T>
struct QbFactors {
  DenseMatrix<T> Q;   // m x l, orthonormal columns
  DenseMatrix<T> Bt;  // n x l, Bᵀ = AᵀQ (stored transposed: BLAS's fast case for either layout of A)
};

// A ≈ Q·B with Q from range_finder (2q + 2 passes over A). Any shape and layout.
template <class T>
QbFactors<T> qb(MatrixView<const T> A, const RangeFinderOptions& options, const RunControl& control = {});

template <class T>
struct RsvdResult {
  std::int64_t rows = 0, cols = 0, rank = 0;
  std::vector<T> U;       // rows x rank, row-major
  std::vector<double> S;  // rank, non-increasing
  std::vector<T> Vt;      // rank x cols, row-major
};

// A ≈ U diag(S) Vt, canonical signs: the largest-|.| entry of each U column is positive.
template <class T>
RsvdResult<T> rsvd(MatrixView<const T> A, const RsvdOptions& options, const RunControl& control = {});

// Throws ErrorCode::NotFinite naming the first NaN/Inf entry of A (scanned on threads()).
template <class T>
void expect_finite(MatrixView<const T> A, const char* argument);

}  // namespace randla
