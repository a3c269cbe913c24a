// A symmetric n x n matrix as Nyström needs it (docs/algorithms/nystrom.md): sampled columns,
// optionally the diagonal (RPCholesky) and the product A·X (the gaussian sketch). Everything
// after column extraction runs in f64, so the interface is f64 whatever the storage.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "randla/dense_matrix.hpp"
#include "randla/matrix_view.hpp"

namespace randla {

class SymmetricOperator {
 public:
  virtual ~SymmetricOperator() = default;
  virtual std::int64_t size() const = 0;
  // out = A[:, idx], n x |idx| col-major f64 (resized). Indices are in [0, n). The result must
  // not depend on the thread count.
  virtual void columns(const std::vector<std::int64_t>& idx, DenseMatrix<double>& out) const = 0;
  virtual bool has_diagonal() const { return false; }
  // diag(A), n entries; only called when has_diagonal().
  virtual std::vector<double> diagonal() const;
  virtual bool has_product() const { return false; }
  // out = A·X (X is n x l, out n x l, resized); only called when has_product().
  virtual void product(const DenseMatrix<double>& X, DenseMatrix<double>& out) const;
  // True when A is positive semidefinite by construction (kernels): Nyström's `auto` then takes
  // the psd core without testing W.
  virtual bool known_psd() const { return false; }
  // Throws ErrorCode::NotFinite naming the first NaN/Inf of the stored data, where that is cheap
  // (dense entries, kernel points); a no-op for operators whose columns are checked as they come.
  virtual void expect_finite(const char* argument) const { (void)argument; }
};

// Throws ErrorCode::NotSymmetric when max|A − Aᵀ| > 64·u·max|A| (u the unit roundoff of T),
// naming the worst entry (i, j), A(i, j) and A(j, i). A must be square and finite.
template <class T>
void check_symmetric(MatrixView<const T> A, const char* argument);

// A dense symmetric view (f32/f64, either layout), not copied. A column of a symmetric matrix
// is its row, so columns are read from whichever is contiguous and widened to f64. A·X widens
// column blocks of A to f64 and runs dgemm, so f32 input gets an f64-accurate sketch.
template <class T>
class DenseSymmetricOperator final : public SymmetricOperator {
 public:
  // Throws Shape for a non-square A, NotFinite for NaN/Inf, NotSymmetric (when check_symmetry)
  // per check_symmetric(); `argument` names A in messages.
  explicit DenseSymmetricOperator(MatrixView<const T> A, bool check_symmetry = true, const char* argument = "A");
  std::int64_t size() const override { return A_.rows; }
  void columns(const std::vector<std::int64_t>& idx, DenseMatrix<double>& out) const override;
  bool has_diagonal() const override { return true; }
  std::vector<double> diagonal() const override;
  bool has_product() const override { return true; }
  void product(const DenseMatrix<double>& X, DenseMatrix<double>& out) const override;
  void expect_finite(const char* argument) const override;

 private:
  MatrixView<const T> A_;
};

enum class KernelKind { Rbf, Laplacian };

constexpr const char* kernel_kind_name(KernelKind kind) noexcept {
  return kind == KernelKind::Laplacian ? "laplacian" : "rbf";
}
// The kernel named `name` ('rbf', 'laplacian'); false when there is none.
constexpr bool parse_kernel_kind(std::string_view name, KernelKind& kind) noexcept {
  for (KernelKind k : {KernelKind::Rbf, KernelKind::Laplacian}) {
    if (name == kernel_kind_name(k)) {
      kind = k;
      return true;
    }
  }
  return false;
}

// The kernel matrix A_ij = k(p_i, p_j) of n points (rows of an n x d view, f32/f64, either
// layout), never formed: rbf exp(−γ·Σ_k (p_ik − p_jk)²), laplacian exp(−γ·Σ_k |p_ik − p_jk|),
// each sum in f64 over k = 0 … d − 1 in order (so the TS reference gets the same bits up to
// exp's rounding). Both kernels are positive definite; the diagonal is all ones. A·X is
// computed over blocks of columns of A.
template <class T>
class KernelOperator final : public SymmetricOperator {
 public:
  // Throws InvalidArgument for gamma not finite and > 0, Shape for no points or d = 0,
  // NotFinite for NaN/Inf in the points ("points").
  KernelOperator(KernelKind kind, MatrixView<const T> points, double gamma);
  std::int64_t size() const override { return points_.rows; }
  void columns(const std::vector<std::int64_t>& idx, DenseMatrix<double>& out) const override;
  bool has_diagonal() const override { return true; }
  std::vector<double> diagonal() const override { return std::vector<double>(static_cast<std::size_t>(size()), 1.0); }
  bool has_product() const override { return true; }
  void product(const DenseMatrix<double>& X, DenseMatrix<double>& out) const override;
  bool known_psd() const override { return true; }
  void expect_finite(const char* argument) const override;
  // One entry, for tests.
  double entry(std::int64_t i, std::int64_t j) const;

 private:
  KernelKind kind_;
  MatrixView<const T> points_;
  double gamma_;
};

}  // namespace randla
