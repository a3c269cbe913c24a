// Compressed sparse row matrices (scipy.sparse.csr_matrix layout, 32-bit indices) as operators,
// with threaded sparse × dense products. Column indices within a row may be unsorted and may
// repeat (repeats add up, as in scipy).
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "randla/linear_operator.hpp"

namespace randla {

template <class T>
struct CsrView {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  const std::int32_t* indptr = nullptr;   // rows + 1 entries, indptr[0] == 0, non-decreasing
  const std::int32_t* indices = nullptr;  // nnz = indptr[rows] entries in [0, cols)
  const T* values = nullptr;              // nnz entries
  std::int64_t nnz() const { return indptr ? indptr[rows] : 0; }
};

// Checks the structure: shape >= 1 x 1, indptr[0] == 0, indptr non-decreasing, every index in
// [0, cols). Throws ErrorCode::Shape / InvalidArgument naming e.g. "A.indptr[17]" or
// "A.indices[42]" with the expected and actual values. `argument` is the matrix's name ("A").
template <class T>
void validate_csr(const CsrView<T>& A, const char* argument);

template <class T>
class CsrOperator final : public LinearOperator<T> {
 public:
  // The view must stay valid (and be validated) for the operator's lifetime.
  explicit CsrOperator(CsrView<T> A);
  std::int64_t rows() const override { return A_.rows; }
  std::int64_t cols() const override { return A_.cols; }
  // Rows of the output are split across threads(); each output entry is summed in a fixed
  // order, so results do not depend on the thread count. Aᵀ·X runs on a CSC copy of the
  // structure (the transpose in CSR form), built on first use: nnz extra indices and values.
  void apply(bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& out) const override;
  double frobenius_norm_squared() const override;
  std::vector<double> column_sums() const override;
  void expect_finite(const char* argument) const override;

 private:
  CsrView<T> A_;
  mutable std::once_flag transpose_once_;
  mutable std::vector<std::int32_t> t_indptr_, t_indices_;
  mutable std::vector<T> t_values_;
};

}  // namespace randla
