// Implicit centering A − 1μᵀ (PCA without forming the centered matrix, as scikit-learn's
// randomized PCA does for sparse input): every product is op(A)·X plus a rank-one correction.
#include <cstdint>
#include <vector>

#include "randla/error.hpp"
#include "randla/linear_operator.hpp"

namespace randla {

template <class T>
CenteredOperator<T>::CenteredOperator(const LinearOperator<T>& A, std::vector<double> mean)
    : A_(A), mean_(std::move(mean)) {
  RANDLA_EXPECTS_CODE(static_cast<std::int64_t>(mean_.size()) == A.cols(), ErrorCode::Shape, "mean")
      << "Expected " << A.cols() << " entries for mean but received " << mean_.size();
}

template <class T>
void CenteredOperator<T>::apply(bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& out) const {
  A_.apply(transpose, X, out);
  const std::int64_t m = A_.rows(), n = A_.cols(), l = X.cols;
  if (!transpose) {
    // (A − 1μᵀ)X = AX − 1·(μᵀX): subtract the same row μᵀX from every row.
    for (std::int64_t j = 0; j < l; ++j) {
      const T* x = X.col(j);
      double dot = 0;
      for (std::int64_t i = 0; i < n; ++i) dot += mean_[static_cast<std::size_t>(i)] * static_cast<double>(x[i]);
      const T shift = static_cast<T>(dot);
      T* o = out.col(j);
      for (std::int64_t i = 0; i < m; ++i) o[i] -= shift;
    }
  } else {
    // (A − 1μᵀ)ᵀY = AᵀY − μ·(1ᵀY).
    for (std::int64_t j = 0; j < l; ++j) {
      const T* y = X.col(j);
      double sum = 0;
      for (std::int64_t i = 0; i < m; ++i) sum += static_cast<double>(y[i]);
      T* o = out.col(j);
      for (std::int64_t i = 0; i < n; ++i) o[i] -= static_cast<T>(mean_[static_cast<std::size_t>(i)] * sum);
    }
  }
}

template <class T>
double CenteredOperator<T>::frobenius_norm_squared() const {
  // ‖A − 1μᵀ‖²_F = ‖A‖²_F − 2μᵀ(Aᵀ1) + m‖μ‖², exact for any μ (column sums: one more pass).
  const std::vector<double> sums = A_.column_sums();
  double cross = 0, mu2 = 0;
  for (std::size_t j = 0; j < mean_.size(); ++j) {
    cross += mean_[j] * sums[j];
    mu2 += mean_[j] * mean_[j];
  }
  const double value = A_.frobenius_norm_squared() - 2 * cross + static_cast<double>(A_.rows()) * mu2;
  return value > 0 ? value : 0;
}

template <class T>
std::vector<double> CenteredOperator<T>::column_sums() const {
  std::vector<double> sums = A_.column_sums();
  for (std::size_t j = 0; j < sums.size(); ++j) sums[j] -= static_cast<double>(A_.rows()) * mean_[j];
  return sums;
}

template class CenteredOperator<float>;
template class CenteredOperator<double>;

}  // namespace randla
