// Thin SVD of a small tall block by LAPACK dgesdd: the small dense step of Algorithm 5.1 of
// Halko, Martinsson, Tropp 2011, exposed for the matrix-free driver.
#include <cstdint>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "randla/rsvd.hpp"

namespace randla {

ThinSvd thin_svd(const DenseMatrix<double>& B) {
  RANDLA_EXPECTS_CODE(B.rows >= B.cols && B.cols >= 1, ErrorCode::Shape, "B")
      << "Expected a tall block (rows >= cols >= 1) for B but received " << B.rows << " x " << B.cols;
  std::vector<double> a(B.data);  // gesdd overwrites its input
  const int m = blas::dim(B.rows, "rows"), n = blas::dim(B.cols, "cols");
  blas::SvdFactors f = blas::svd(m, n, a.data(), m);
  ThinSvd out;
  out.W = std::move(f.U);
  out.S = std::move(f.s);
  // gesdd returns Zᵀ (n x n); Z(i, j) = Zᵀ(j, i).
  out.Z.resize(static_cast<std::size_t>(n) * n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) out.Z[static_cast<std::size_t>(i + j * n)] = f.Vt[static_cast<std::size_t>(j + i * n)];
  return out;
}

}  // namespace randla
