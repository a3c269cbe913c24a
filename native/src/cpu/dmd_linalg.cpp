// The DMD sources' dense linear algebra (dmd_internal.hpp): one templated interface over LAPACK's
// d* and z* routines, so every variant is written once for real and complex snapshots.
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/dmd_internal.hpp"
#include "randla/error.hpp"

extern "C" {
void zgesdd_(const char* jobz, const int* m, const int* n, void* a, const int* lda, double* s, void* u,
             const int* ldu, void* vt, const int* ldvt, void* work, const int* lwork, double* rwork, int* iwork,
             int* info, std::size_t jobz_len);
void dgeev_(const char* jobvl, const char* jobvr, const int* n, double* a, const int* lda, double* wr, double* wi,
            double* vl, const int* ldvl, double* vr, const int* ldvr, double* work, const int* lwork, int* info,
            std::size_t jobvl_len, std::size_t jobvr_len);
void zgeev_(const char* jobvl, const char* jobvr, const int* n, void* a, const int* lda, void* w, void* vl,
            const int* ldvl, void* vr, const int* ldvr, void* work, const int* lwork, double* rwork, int* info,
            std::size_t jobvl_len, std::size_t jobvr_len);
void dgesv_(const int* n, const int* nrhs, double* a, const int* lda, int* ipiv, double* b, const int* ldb, int* info);
void zgesv_(const int* n, const int* nrhs, void* a, const int* lda, int* ipiv, void* b, const int* ldb, int* info);
void zpotrf_(const char* uplo, const int* n, void* a, const int* lda, int* info, std::size_t uplo_len);
void zpotrs_(const char* uplo, const int* n, const int* nrhs, const void* a, const int* lda, void* b, const int* ldb,
             int* info, std::size_t uplo_len);
}

namespace randla::dmd_detail {
namespace {

CBLAS_TRANSPOSE cblas_op(char op) {
  switch (op) {
    case 'N': return CblasNoTrans;
    case 'T': return CblasTrans;
    default: return CblasConjTrans;
  }
}

int dim(std::int64_t v, const char* what) { return blas::dim(v, what); }

}  // namespace

template <>
void gemm<double>(char op_a, char op_b, std::int64_t m, std::int64_t n, std::int64_t k, double alpha, const double* A,
                  std::int64_t lda, const double* B, std::int64_t ldb, double beta, double* C, std::int64_t ldc) {
  if (m == 0 || n == 0) return;
  cblas_dgemm(CblasColMajor, cblas_op(op_a), cblas_op(op_b), dim(m, "m"), dim(n, "n"), dim(k, "k"), alpha, A,
              dim(std::max<std::int64_t>(lda, 1), "lda"), B, dim(std::max<std::int64_t>(ldb, 1), "ldb"), beta, C,
              dim(std::max<std::int64_t>(ldc, 1), "ldc"));
}

template <>
void gemm<cplx>(char op_a, char op_b, std::int64_t m, std::int64_t n, std::int64_t k, cplx alpha, const cplx* A,
                std::int64_t lda, const cplx* B, std::int64_t ldb, cplx beta, cplx* C, std::int64_t ldc) {
  if (m == 0 || n == 0) return;
  cblas_zgemm(CblasColMajor, cblas_op(op_a), cblas_op(op_b), dim(m, "m"), dim(n, "n"), dim(k, "k"), &alpha, A,
              dim(std::max<std::int64_t>(lda, 1), "lda"), B, dim(std::max<std::int64_t>(ldb, 1), "ldb"), &beta, C,
              dim(std::max<std::int64_t>(ldc, 1), "ldc"));
}

template <class T>
Mat<T> product(char op_a, const Mat<T>& A, char op_b, const Mat<T>& B) {
  const std::int64_t m = op_a == 'N' ? A.rows : A.cols, k = op_a == 'N' ? A.cols : A.rows;
  const std::int64_t n = op_b == 'N' ? B.cols : B.rows;
  Mat<T> C(m, n);
  if (k == 0) return C;
  gemm<T>(op_a, op_b, m, n, k, T(1), A.data.data(), A.rows, B.data.data(), B.rows, T(0), C.data.data(), m);
  return C;
}

template <>
ThinSvd<double> thin_svd<double>(Mat<double> A) {
  const blas::SvdFactors f = blas::svd(dim(A.rows, "rows"), dim(A.cols, "cols"), A.data.data(),
                                       dim(std::max<std::int64_t>(A.rows, 1), "lda"));
  ThinSvd<double> out;
  out.U = Mat<double>(A.rows, f.r);
  out.U.data = f.U;
  out.s = f.s;
  out.Vh = Mat<double>(f.r, A.cols);
  out.Vh.data = f.Vt;
  return out;
}

template <>
ThinSvd<cplx> thin_svd<cplx>(Mat<cplx> A) {
  const int m = dim(A.rows, "rows"), n = dim(A.cols, "cols"), p = std::min(m, n);
  ThinSvd<cplx> out;
  out.U = Mat<cplx>(m, p);
  out.s.resize(static_cast<std::size_t>(p));
  out.Vh = Mat<cplx>(p, n);
  if (p == 0) return out;
  const char jobz = 'S';
  const int lda = std::max(1, m), ldu = std::max(1, m), ldvt = std::max(1, p);
  // rwork for jobz = 'S' (LAPACK 3.7+): p·max(5p + 7, 2·max(m, n) + 2p + 1).
  std::vector<double> rwork(static_cast<std::size_t>(p) *
                            static_cast<std::size_t>(std::max(5 * p + 7, 2 * std::max(m, n) + 2 * p + 1)));
  std::vector<int> iwork(static_cast<std::size_t>(8) * p);
  int info = 0, lwork = -1;
  cplx query;
  zgesdd_(&jobz, &m, &n, A.data.data(), &lda, out.s.data(), out.U.data.data(), &ldu, out.Vh.data.data(), &ldvt,
          &query, &lwork, rwork.data(), iwork.data(), &info, 1);
  blas::check_info(info, "zgesdd");
  lwork = std::max(1, static_cast<int>(query.real()));
  std::vector<cplx> work(static_cast<std::size_t>(lwork));
  zgesdd_(&jobz, &m, &n, A.data.data(), &lda, out.s.data(), out.U.data.data(), &ldu, out.Vh.data.data(), &ldvt,
          work.data(), &lwork, rwork.data(), iwork.data(), &info, 1);
  blas::check_info(info, "zgesdd");
  if (info > 0) throw Error(ErrorCode::NotConverged, "zgesdd: the SVD of the snapshots did not converge");
  return out;
}

template <>
Eigen eigen<double>(Mat<double> A) {
  const int n = dim(A.rows, "rows"), lda = std::max(1, n), one = 1;
  Eigen e;
  e.values.resize(static_cast<std::size_t>(n));
  e.vectors = Mat<cplx>(n, n);
  if (n == 0) return e;
  std::vector<double> wr(static_cast<std::size_t>(n)), wi(static_cast<std::size_t>(n)), vr(static_cast<std::size_t>(n) * n);
  const char jobvl = 'N', jobvr = 'V';
  double dummy = 0, query = 0;
  int info = 0, lwork = -1;
  dgeev_(&jobvl, &jobvr, &n, A.data.data(), &lda, wr.data(), wi.data(), &dummy, &one, vr.data(), &lda, &query, &lwork,
         &info, 1, 1);
  blas::check_info(info, "dgeev");
  lwork = std::max(1, static_cast<int>(query));
  std::vector<double> work(static_cast<std::size_t>(lwork));
  dgeev_(&jobvl, &jobvr, &n, A.data.data(), &lda, wr.data(), wi.data(), &dummy, &one, vr.data(), &lda, work.data(),
         &lwork, &info, 1, 1);
  blas::check_info(info, "dgeev");
  if (info > 0) throw Error(ErrorCode::NotConverged, "dgeev: the eigenvalues of the reduced operator did not converge");
  // A pair λ = wr ± i·wi occupies columns j, j + 1 as (re, im): v = vr_j ± i·vr_{j+1}.
  for (int j = 0; j < n; ++j) {
    const std::size_t jn = static_cast<std::size_t>(j) * n;
    if (wi[static_cast<std::size_t>(j)] == 0) {
      e.values[static_cast<std::size_t>(j)] = {wr[static_cast<std::size_t>(j)], 0.0};
      for (int i = 0; i < n; ++i) e.vectors.data[jn + i] = {vr[jn + i], 0.0};
    } else {
      const std::size_t kn = jn + n;
      e.values[static_cast<std::size_t>(j)] = {wr[static_cast<std::size_t>(j)], wi[static_cast<std::size_t>(j)]};
      e.values[static_cast<std::size_t>(j) + 1] = {wr[static_cast<std::size_t>(j) + 1], wi[static_cast<std::size_t>(j) + 1]};
      for (int i = 0; i < n; ++i) {
        e.vectors.data[jn + i] = {vr[jn + i], vr[kn + i]};
        e.vectors.data[kn + i] = {vr[jn + i], -vr[kn + i]};
      }
      ++j;
    }
  }
  return e;
}

template <>
Eigen eigen<cplx>(Mat<cplx> A) {
  const int n = dim(A.rows, "rows"), lda = std::max(1, n), one = 1;
  Eigen e;
  e.values.resize(static_cast<std::size_t>(n));
  e.vectors = Mat<cplx>(n, n);
  if (n == 0) return e;
  std::vector<double> rwork(static_cast<std::size_t>(2) * n);
  const char jobvl = 'N', jobvr = 'V';
  cplx dummy, query;
  int info = 0, lwork = -1;
  zgeev_(&jobvl, &jobvr, &n, A.data.data(), &lda, e.values.data(), &dummy, &one, e.vectors.data.data(), &lda, &query,
         &lwork, rwork.data(), &info, 1, 1);
  blas::check_info(info, "zgeev");
  lwork = std::max(1, static_cast<int>(query.real()));
  std::vector<cplx> work(static_cast<std::size_t>(lwork));
  zgeev_(&jobvl, &jobvr, &n, A.data.data(), &lda, e.values.data(), &dummy, &one, e.vectors.data.data(), &lda,
         work.data(), &lwork, rwork.data(), &info, 1, 1);
  blas::check_info(info, "zgeev");
  if (info > 0) throw Error(ErrorCode::NotConverged, "zgeev: the eigenvalues of the reduced operator did not converge");
  return e;
}

template <>
Mat<double> solve<double>(Mat<double> A, Mat<double> B, const char* argument) {
  const int n = dim(A.rows, "rows"), nrhs = dim(B.cols, "cols"), ld = std::max(1, n);
  std::vector<int> ipiv(static_cast<std::size_t>(std::max(1, n)));
  int info = 0;
  dgesv_(&n, &nrhs, A.data.data(), &ld, ipiv.data(), B.data.data(), &ld, &info);
  blas::check_info(info, "dgesv");
  RANDLA_EXPECTS(info == 0, argument) << "Expected a matrix whose reduced operator is invertible for " << argument
                                      << " but received one whose operator is singular (LU pivot " << info << " is 0)";
  return B;
}

template <>
Mat<cplx> solve<cplx>(Mat<cplx> A, Mat<cplx> B, const char* argument) {
  const int n = dim(A.rows, "rows"), nrhs = dim(B.cols, "cols"), ld = std::max(1, n);
  std::vector<int> ipiv(static_cast<std::size_t>(std::max(1, n)));
  int info = 0;
  zgesv_(&n, &nrhs, A.data.data(), &ld, ipiv.data(), B.data.data(), &ld, &info);
  blas::check_info(info, "zgesv");
  RANDLA_EXPECTS(info == 0, argument) << "Expected a matrix whose reduced operator is invertible for " << argument
                                      << " but received one whose operator is singular (LU pivot " << info << " is 0)";
  return B;
}

void householder_qr(int m, int n, double* a, int lda, double* tau) {
  int info = 0, lwork = -1;
  double query = 0;
  blas::geqrf(m, n, a, lda, tau, &query, lwork, &info);
  blas::check_info(info, "geqrf");
  lwork = std::max(1, static_cast<int>(query));
  std::vector<double> work(static_cast<std::size_t>(lwork));
  blas::geqrf(m, n, a, lda, tau, work.data(), lwork, &info);
  blas::check_info(info, "geqrf");
}

void householder_qr(int m, int n, cplx* a, int lda, cplx* tau) {
  int info = 0, lwork = -1;
  cplx query;
  zgeqrf_(&m, &n, a, &lda, tau, &query, &lwork, &info);
  blas::check_info(info, "zgeqrf");
  lwork = std::max(1, static_cast<int>(query.real()));
  std::vector<cplx> work(static_cast<std::size_t>(lwork));
  zgeqrf_(&m, &n, a, &lda, tau, work.data(), &lwork, &info);
  blas::check_info(info, "zgeqrf");
}

void householder_apply(bool adjoint, int m, int n, int k, const double* a, int lda, const double* tau, double* c,
                       int ldc) {
  const char trans = adjoint ? 'T' : 'N';
  int info = 0, lwork = -1;
  double query = 0;
  blas::ormqr('L', trans, m, n, k, a, lda, tau, c, ldc, &query, lwork, &info);
  blas::check_info(info, "ormqr");
  lwork = std::max(1, static_cast<int>(query));
  std::vector<double> work(static_cast<std::size_t>(lwork));
  blas::ormqr('L', trans, m, n, k, a, lda, tau, c, ldc, work.data(), lwork, &info);
  blas::check_info(info, "ormqr");
}

void householder_apply(bool adjoint, int m, int n, int k, const cplx* a, int lda, const cplx* tau, cplx* c, int ldc) {
  const char side = 'L', trans = adjoint ? 'C' : 'N';
  int info = 0, lwork = -1;
  cplx query;
  zunmqr_(&side, &trans, &m, &n, &k, a, &lda, tau, c, &ldc, &query, &lwork, &info, 1, 1);
  blas::check_info(info, "zunmqr");
  lwork = std::max(1, static_cast<int>(query.real()));
  std::vector<cplx> work(static_cast<std::size_t>(lwork));
  zunmqr_(&side, &trans, &m, &n, &k, a, &lda, tau, c, &ldc, work.data(), &lwork, &info, 1, 1);
  blas::check_info(info, "zunmqr");
}

bool cholesky_solve(Mat<cplx> A, std::vector<cplx>& b) {
  const int n = dim(A.rows, "rows"), ld = std::max(1, n), one = 1;
  const char uplo = 'L';
  int info = 0;
  zpotrf_(&uplo, &n, A.data.data(), &ld, &info, 1);
  if (info != 0) return false;
  zpotrs_(&uplo, &n, &one, A.data.data(), &ld, b.data(), &ld, &info, 1);
  blas::check_info(info, "zpotrs");
  return true;
}

template Mat<double> product<double>(char, const Mat<double>&, char, const Mat<double>&);
template Mat<cplx> product<cplx>(char, const Mat<cplx>&, char, const Mat<cplx>&);

}  // namespace randla::dmd_detail
