// The input of the randomized algorithms as the operator they need: products with blocks of
// vectors, a Frobenius norm and column sums (for centering). Dense views, CSR matrices and the
// implicitly centered A − 1μᵀ all implement it, so range finders, adaptive QB and the error
// estimate are written once (docs/algorithms/rsvd.md, "Input kinds").
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "randla/dense_matrix.hpp"
#include "randla/matrix_view.hpp"

namespace randla {

template <class T>
class LinearOperator {
 public:
  virtual ~LinearOperator() = default;
  virtual std::int64_t rows() const = 0;
  virtual std::int64_t cols() const = 0;

  // out = op(A)·X with op(A) = A (X is cols() x l) or Aᵀ (X is rows() x l, transpose = true).
  // `out` is resized to (rows() or cols()) x l. One pass over A. The result must not depend on the
  // thread count (no thread-count-dependent summation order).
  virtual void apply(bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& out) const = 0;

  // W = A·X − U·C and Z = Aᵀ·W (U is rows() x k and C is k x l; both null: W = A·X). The
  // residual-norm estimate uses it with U·C = U·diag(S)·VᵀX. The default is two passes; an
  // operator that can stream row blocks of A (dense) overrides it to read A once.
  virtual void apply_gram(const DenseMatrix<T>& X, const DenseMatrix<T>* U, const DenseMatrix<T>* C,
                          DenseMatrix<T>& W, DenseMatrix<T>& Z) const;
  // Passes over A that apply_gram() costs (1 or 2), for progress reporting.
  virtual int gram_passes() const { return 2; }

  // P = op(A)·X and W = op(A)ᵀ·P: two products with nothing between them (the range finder's
  // power iterations without a normalizer). The default is two passes; a dense operator reads A
  // once when op(A)'s rows are stored contiguously (pair_passes says which).
  virtual void apply_pair(bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& P, DenseMatrix<T>& W) const;
  // Passes over A that apply_pair(transpose, X) costs for an X of l columns (1 or 2).
  virtual int pair_passes(bool transpose, std::int64_t l) const {
    (void)transpose;
    (void)l;
    return 2;
  }

  // ‖A‖²_F accumulated in f64 (one pass).
  virtual double frobenius_norm_squared() const = 0;
  // 1ᵀA, the column sums, accumulated in f64 (one pass).
  virtual std::vector<double> column_sums() const = 0;
  // Throws ErrorCode::NotFinite naming the first NaN/Inf stored entry.
  virtual void expect_finite(const char* argument) const = 0;

  // The dense matrix behind the operator, when there is one (enables the FWHT path of SRHT).
  virtual const MatrixView<const T>* dense() const { return nullptr; }
};

// A dense view (either layout) as an operator: products are BLAS gemm (src/cpu/products.hpp).
template <class T>
class DenseOperator final : public LinearOperator<T> {
 public:
  explicit DenseOperator(MatrixView<const T> A) : A_(A) {}
  std::int64_t rows() const override { return A_.rows; }
  std::int64_t cols() const override { return A_.cols; }
  void apply(bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& out) const override;
  void apply_gram(const DenseMatrix<T>& X, const DenseMatrix<T>* U, const DenseMatrix<T>* C, DenseMatrix<T>& W,
                  DenseMatrix<T>& Z) const override;
  int gram_passes() const override { return 1; }
  void apply_pair(bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& P, DenseMatrix<T>& W) const override;
  int pair_passes(bool transpose, std::int64_t l) const override;
  double frobenius_norm_squared() const override;
  std::vector<double> column_sums() const override;
  void expect_finite(const char* argument) const override;
  const MatrixView<const T>* dense() const override { return &A_; }

 private:
  MatrixView<const T> A_;
};

// Aᵀ of another operator, without copying (the tall orientation of a wide A).
template <class T>
class TransposedOperator final : public LinearOperator<T> {
 public:
  explicit TransposedOperator(const LinearOperator<T>& A) : A_(A) {
    if (const MatrixView<const T>* d = A.dense()) {
      dense_ = d->transposed();
      has_dense_ = true;
    }
  }
  std::int64_t rows() const override { return A_.cols(); }
  std::int64_t cols() const override { return A_.rows(); }
  void apply(bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& out) const override {
    A_.apply(!transpose, X, out);
  }
  // Fused (one pass) when A is dense: Aᵀ's row blocks are A's column blocks.
  void apply_gram(const DenseMatrix<T>& X, const DenseMatrix<T>* U, const DenseMatrix<T>* C, DenseMatrix<T>& W,
                  DenseMatrix<T>& Z) const override;
  int gram_passes() const override { return has_dense_ ? 1 : 2; }
  // op(Aᵀ) = op'(A) with the other transpose flag, so the pair is A's other pair.
  void apply_pair(bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& P, DenseMatrix<T>& W) const override {
    A_.apply_pair(!transpose, X, P, W);
  }
  int pair_passes(bool transpose, std::int64_t l) const override { return A_.pair_passes(!transpose, l); }
  double frobenius_norm_squared() const override { return A_.frobenius_norm_squared(); }
  std::vector<double> column_sums() const override;  // row sums of A: one product with ones
  void expect_finite(const char* argument) const override { A_.expect_finite(argument); }
  const MatrixView<const T>* dense() const override { return has_dense_ ? &dense_ : nullptr; }

 private:
  const LinearOperator<T>& A_;
  MatrixView<const T> dense_{};
  bool has_dense_ = false;
};

// A − 1μᵀ for column means μ, never formed: op(A − 1μᵀ)·X = op(A)·X minus a rank-one term.
// Works for any operator (dense, CSR, transposed), so PCA of sparse input stays sparse.
template <class T>
class CenteredOperator final : public LinearOperator<T> {
 public:
  // mean.size() == A.cols().
  CenteredOperator(const LinearOperator<T>& A, std::vector<double> mean);
  std::int64_t rows() const override { return A_.rows(); }
  std::int64_t cols() const override { return A_.cols(); }
  void apply(bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& out) const override;
  // ‖A − 1μᵀ‖²_F = ‖A‖²_F − m‖μ‖² when μ is the column mean (computed from A, not trusted).
  double frobenius_norm_squared() const override;
  std::vector<double> column_sums() const override;
  void expect_finite(const char* argument) const override { A_.expect_finite(argument); }
  const std::vector<double>& mean() const { return mean_; }

 private:
  const LinearOperator<T>& A_;
  std::vector<double> mean_;
};

}  // namespace randla
