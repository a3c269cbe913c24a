// Single-pass streaming SVD: Tropp, Yurtsever, Udell, Cevher, "Streaming low-rank matrix
// approximation with an application to scientific simulation", SISC 41(4), 2019: Algorithms
// 4.1 (sketch), 4.2 (linear update, here a block of rows), 4.3 (Â = QCPᵀ) and 4.4 (fixed rank).
// Deviations: the sketches are accumulated in f64 for both dtypes (they must survive many updates
// and serialise exactly); the test matrices are stored transposed (their rows index A's rows or
// columns) so each is element-addressable by (row of A, sketch column). Spec:
// docs/algorithms/streaming.md.
#pragma once

#include <cstdint>
#include <vector>

#include "randla/dense_matrix.hpp"
#include "randla/matrix_view.hpp"
#include "randla/rsvd.hpp"

namespace randla {

// The paper's parameter choice (5.3) for rank r with no knowledge of the spectrum:
// k = 4r + 1 (α = 1 for real matrices), clamped to min(m, n).
std::int64_t default_range_size(std::int64_t rank, std::int64_t rows, std::int64_t cols);
// s = 2k + 1, clamped to min(m, n).
std::int64_t default_core_size(std::int64_t range_size, std::int64_t rows, std::int64_t cols);

// The linear sketch of an m x n matrix A that arrives as (possibly overlapping, any order) blocks
// of rows, and the low-rank approximation recovered from it. Memory: (m + n)·k + s² doubles for the
// sketch plus n·(k + s) entries of T for the cached test matrices Ω and Ψᵀ; A is never stored.
//   Y  = AΩ     m x k   Ω  (n x k): Gaussian, Stream::StreamingRange,     entry (col of A, j)
//   Xᵀ = (ΥA)ᵀ  n x k   Υᵀ (m x k): Gaussian, Stream::StreamingCoRange,   entry (row of A, j)
//   Z  = ΦAΨᵀ   s x s   Φᵀ (m x s): Gaussian, Stream::StreamingCoreLeft,  entry (row of A, j)
//                       Ψᵀ (n x s): Gaussian, Stream::StreamingCoreRight, entry (col of A, j)
// Not thread-safe: one operation at a time per object (the bindings serialise them).
template <class T>
class StreamingSvd {
 public:
  using value_type = T;

  // 1 <= rank <= range_size <= core_size <= min(rows, cols).
  StreamingSvd(std::int64_t rows, std::int64_t cols, std::int64_t rank, std::int64_t range_size,
               std::int64_t core_size, std::uint64_t seed);

  // A[row_offset : row_offset + b, :] += block (b x n, either layout): the sketches grow by the
  // block's contribution. Rejects NaN/Inf in the block (ErrorCode::NotFinite) when check_finite.
  void update(MatrixView<const T> block, std::int64_t row_offset, bool check_finite = true);

  // The sketch of A + A' from the sketches of A (this) and A' (other): same sizes and seed.
  void merge(const StreamingSvd& other);

  // Replaces the sketches (e.g. read back from a serialised state): sizes as the accessors below,
  // all finite.
  void restore(std::vector<double> range, std::vector<double> corange, std::vector<double> core);

  // Rank-`rank` approximation U·diag(S)·Vt of A (0: the rank given to the constructor; at most
  // range_size, which returns Â = QCPᵀ itself). Canonical signs as rsvd(). The sketch is unchanged.
  RsvdResult<T> finalize(std::int64_t rank = 0) const;

  std::int64_t rows() const { return rows_; }
  std::int64_t cols() const { return cols_; }
  std::int64_t rank() const { return rank_; }
  std::int64_t range_size() const { return k_; }
  std::int64_t core_size() const { return s_; }
  std::uint64_t seed() const { return seed_; }
  // Y = AΩ, m x k, column-major.
  const std::vector<double>& range_sketch() const { return Y_; }
  // Xᵀ = (ΥA)ᵀ, n x k, column-major (the k x n X row-major).
  const std::vector<double>& corange_sketch() const { return Xt_; }
  // Z = ΦAΨᵀ, s x s, column-major.
  const std::vector<double>& core_sketch() const { return Z_; }

 private:
  void ensure_test_matrices();

  std::int64_t rows_, cols_, rank_, k_, s_;
  std::uint64_t seed_;
  std::vector<double> Y_, Xt_, Z_;
  DenseMatrix<T> omega_;  // n x k, built on the first update
  DenseMatrix<T> psi_t_;  // n x s, built on the first update
};

}  // namespace randla
