// The one place where BLAS/LAPACK is declared: CBLAS from cblas.h, and the Fortran LAPACK
// symbols that OpenBLAS (and any reference LAPACK) export, since OpenBLAS ships no LAPACKE.
// Typed overloads let one template serve float and double.
#pragma once

#include <cblas.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "randla/dense_matrix.hpp"
#include "randla/error.hpp"
#include "randla/matrix_view.hpp"

extern "C" {
// gfortran passes the length of each CHARACTER argument as a trailing size_t.
void sgeqrf_(const int* m, const int* n, float* a, const int* lda, float* tau, float* work, const int* lwork, int* info);
void dgeqrf_(const int* m, const int* n, double* a, const int* lda, double* tau, double* work, const int* lwork, int* info);
void sorgqr_(const int* m, const int* n, const int* k, float* a, const int* lda, const float* tau, float* work,
             const int* lwork, int* info);
void dorgqr_(const int* m, const int* n, const int* k, double* a, const int* lda, const double* tau, double* work,
             const int* lwork, int* info);
void dormqr_(const char* side, const char* trans, const int* m, const int* n, const int* k, const double* a,
             const int* lda, const double* tau, double* c, const int* ldc, double* work, const int* lwork, int* info,
             std::size_t side_len, std::size_t trans_len);
void sgetrf_(const int* m, const int* n, float* a, const int* lda, int* ipiv, int* info);
void dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info, std::size_t uplo_len);
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info, std::size_t uplo_len);
void strtri_(const char* uplo, const char* diag, const int* n, float* a, const int* lda, int* info, std::size_t uplo_len,
             std::size_t diag_len);
void dtrtri_(const char* uplo, const char* diag, const int* n, double* a, const int* lda, int* info,
             std::size_t uplo_len, std::size_t diag_len);
void dgesdd_(const char* jobz, const int* m, const int* n, double* a, const int* lda, double* s, double* u,
             const int* ldu, double* vt, const int* ldvt, double* work, const int* lwork, int* iwork, int* info,
             std::size_t jobz_len);
void dgesvdx_(const char* jobu, const char* jobvt, const char* range, const int* m, const int* n, double* a,
              const int* lda, const double* vl, const double* vu, const int* il, const int* iu, int* ns, double* s,
              double* u, const int* ldu, double* vt, const int* ldvt, double* work, const int* lwork, int* iwork,
              int* info, std::size_t jobu_len, std::size_t jobvt_len, std::size_t range_len);
// Complex Householder QR and the application of its Q (the DMD of complex snapshots).
void zgeqrf_(const int* m, const int* n, void* a, const int* lda, void* tau, void* work, const int* lwork, int* info);
void zunmqr_(const char* side, const char* trans, const int* m, const int* n, const int* k, const void* a,
             const int* lda, const void* tau, void* c, const int* ldc, void* work, const int* lwork, int* info,
             std::size_t side_len, std::size_t trans_len);
void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w, double* work,
             const int* lwork, int* iwork, const int* liwork, int* info, std::size_t jobz_len, std::size_t uplo_len);
}

namespace randla::blas {

// BLAS/LAPACK take 32-bit dimensions here (LP64 OpenBLAS): every dimension passes through this.
inline int dim(std::int64_t value, const char* what) {
  RANDLA_EXPECTS_CODE(value >= 0 && value <= INT_MAX, ErrorCode::Shape, what)
      << "Expected a dimension in [0, " << INT_MAX << "] for " << what << " but received " << value;
  return static_cast<int>(value);
}

// A view as BLAS sees it: col-major storage plus the operation that yields the logical matrix.
template <class T>
struct Operand {
  const T* data;
  int ld;
  CBLAS_TRANSPOSE op;
};

template <class T>
Operand<T> operand(MatrixView<const T> A, bool transpose) {
  const bool stored_transposed = A.layout == Layout::RowMajor;
  return {A.data, dim(A.ld < 1 ? 1 : A.ld, "leading dimension"),
          (stored_transposed != transpose) ? CblasTrans : CblasNoTrans};
}

inline void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, float alpha, const float* a, int lda,
                 const float* b, int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(CblasColMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
inline void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, double alpha, const double* a, int lda,
                 const double* b, int ldb, double beta, double* c, int ldc) {
  cblas_dgemm(CblasColMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

inline void syrk(CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, int n, int k, float alpha, const float* a, int lda, float beta,
                 float* c, int ldc) {
  cblas_ssyrk(CblasColMajor, uplo, trans, n, k, alpha, a, lda, beta, c, ldc);
}
inline void syrk(CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, int n, int k, double alpha, const double* a, int lda,
                 double beta, double* c, int ldc) {
  cblas_dsyrk(CblasColMajor, uplo, trans, n, k, alpha, a, lda, beta, c, ldc);
}
inline void trsm(CBLAS_SIDE side, CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, CBLAS_DIAG diag, int m, int n, float alpha,
                 const float* a, int lda, float* b, int ldb) {
  cblas_strsm(CblasColMajor, side, uplo, trans, diag, m, n, alpha, a, lda, b, ldb);
}
inline void trsm(CBLAS_SIDE side, CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, CBLAS_DIAG diag, int m, int n, double alpha,
                 const double* a, int lda, double* b, int ldb) {
  cblas_dtrsm(CblasColMajor, side, uplo, trans, diag, m, n, alpha, a, lda, b, ldb);
}

inline void trmm(CBLAS_SIDE side, CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, CBLAS_DIAG diag, int m, int n, float alpha,
                 const float* a, int lda, float* b, int ldb) {
  cblas_strmm(CblasColMajor, side, uplo, trans, diag, m, n, alpha, a, lda, b, ldb);
}
inline void trmm(CBLAS_SIDE side, CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, CBLAS_DIAG diag, int m, int n, double alpha,
                 const double* a, int lda, double* b, int ldb) {
  cblas_dtrmm(CblasColMajor, side, uplo, trans, diag, m, n, alpha, a, lda, b, ldb);
}

inline void check_info(int info, const char* routine) {
  if (info < 0) {
    throw Error(ErrorCode::Internal, std::string(routine) + ": argument " + std::to_string(-info) + " was invalid");
  }
}

inline void geqrf(int m, int n, float* a, int lda, float* tau, float* work, int lwork, int* info) {
  sgeqrf_(&m, &n, a, &lda, tau, work, &lwork, info);
}
inline void geqrf(int m, int n, double* a, int lda, double* tau, double* work, int lwork, int* info) {
  dgeqrf_(&m, &n, a, &lda, tau, work, &lwork, info);
}
inline void orgqr(int m, int n, int k, float* a, int lda, const float* tau, float* work, int lwork, int* info) {
  sorgqr_(&m, &n, &k, a, &lda, tau, work, &lwork, info);
}
inline void orgqr(int m, int n, int k, double* a, int lda, const double* tau, double* work, int lwork, int* info) {
  dorgqr_(&m, &n, &k, a, &lda, tau, work, &lwork, info);
}
// C ← op(Q)·C (side 'L') with Q the product of the k reflectors of geqrf stored in a.
inline void ormqr(char side, char trans, int m, int n, int k, const double* a, int lda, const double* tau, double* c,
                  int ldc, double* work, int lwork, int* info) {
  dormqr_(&side, &trans, &m, &n, &k, a, &lda, tau, c, &ldc, work, &lwork, info, 1, 1);
}
inline void potrf(char uplo, int n, float* a, int lda, int* info) { spotrf_(&uplo, &n, a, &lda, info, 1); }
inline void potrf(char uplo, int n, double* a, int lda, int* info) { dpotrf_(&uplo, &n, a, &lda, info, 1); }
inline void trtri(char uplo, char diag, int n, float* a, int lda, int* info) {
  strtri_(&uplo, &diag, &n, a, &lda, info, 1, 1);
}
inline void trtri(char uplo, char diag, int n, double* a, int lda, int* info) {
  dtrtri_(&uplo, &diag, &n, a, &lda, info, 1, 1);
}
inline void getrf(int m, int n, float* a, int lda, int* ipiv, int* info) { sgetrf_(&m, &n, a, &lda, ipiv, info); }
inline void getrf(int m, int n, double* a, int lda, int* ipiv, int* info) { dgetrf_(&m, &n, a, &lda, ipiv, info); }

// Replaces the m x n (m >= n) col-major a with the thin Q of its Householder QR.
template <class T>
void thin_q(int m, int n, T* a, int lda) {
  if (n == 0) return;
  std::vector<T> tau(static_cast<std::size_t>(n));
  int info = 0;
  T query = 0;
  geqrf(m, n, a, lda, tau.data(), &query, -1, &info);
  check_info(info, "geqrf");
  int lwork = static_cast<int>(query);
  T query2 = 0;
  orgqr(m, n, n, a, lda, tau.data(), &query2, -1, &info);
  check_info(info, "orgqr");
  lwork = std::max(lwork, static_cast<int>(query2));
  lwork = std::max(lwork, n);
  std::vector<T> work(static_cast<std::size_t>(lwork));
  geqrf(m, n, a, lda, tau.data(), work.data(), lwork, &info);
  check_info(info, "geqrf");
  orgqr(m, n, n, a, lda, tau.data(), work.data(), lwork, &info);
  check_info(info, "orgqr");
}

// Thin SVD of the m x n col-major a (overwritten): a = U diag(s) Vt, U m x r, Vt r x n, r = min(m, n).
struct SvdFactors {
  std::vector<double> U, s, Vt;
  int rows = 0, cols = 0, r = 0;
};

inline SvdFactors svd(int m, int n, double* a, int lda) {
  SvdFactors f;
  f.rows = m;
  f.cols = n;
  f.r = std::min(m, n);
  f.U.resize(static_cast<std::size_t>(m) * f.r);
  f.s.resize(static_cast<std::size_t>(f.r));
  f.Vt.resize(static_cast<std::size_t>(f.r) * n);
  std::vector<int> iwork(static_cast<std::size_t>(8) * f.r);
  const char jobz = 'S';
  int ldu = std::max(1, m), ldvt = std::max(1, f.r), info = 0, lwork = -1;
  double query = 0;
  dgesdd_(&jobz, &m, &n, a, &lda, f.s.data(), f.U.data(), &ldu, f.Vt.data(), &ldvt, &query, &lwork, iwork.data(),
          &info, 1);
  check_info(info, "gesdd");
  lwork = std::max(1, static_cast<int>(query));
  std::vector<double> work(static_cast<std::size_t>(lwork));
  dgesdd_(&jobz, &m, &n, a, &lda, f.s.data(), f.U.data(), &ldu, f.Vt.data(), &ldvt, work.data(), &lwork,
          iwork.data(), &info, 1);
  check_info(info, "gesdd");
  if (info > 0) throw Error(ErrorCode::NotConverged, "gesdd: the small SVD did not converge");
  return f;
}

// C = alpha·op(A)·op(B) + beta·C for col-major blocks. C is resized (and zeroed) first when
// beta == 0; an inner dimension of 0 leaves beta·C, as BLAS defines it.
template <class T>
void multiply(bool transpose_a, bool transpose_b, T alpha, const DenseMatrix<T>& A, const DenseMatrix<T>& B, T beta,
              DenseMatrix<T>& C) {
  const std::int64_t m = transpose_a ? A.cols : A.rows, k = transpose_a ? A.rows : A.cols;
  const std::int64_t n = transpose_b ? B.rows : B.cols;
  RANDLA_EXPECTS_CODE((transpose_b ? B.cols : B.rows) == k, ErrorCode::Internal, "multiply")
      << "Expected matching inner dimensions in multiply but received " << k << " and "
      << (transpose_b ? B.cols : B.rows);
  if (beta == T(0)) {
    C = DenseMatrix<T>(m, n);
  } else {
    RANDLA_EXPECTS_CODE(C.rows == m && C.cols == n, ErrorCode::Internal, "multiply")
        << "Expected a " << m << " x " << n << " accumulator in multiply but received " << C.rows << " x " << C.cols;
  }
  if (m == 0 || n == 0) return;
  gemm(transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, dim(m, "rows"),
       dim(n, "cols"), dim(k, "inner dimension"), alpha, A.data.data(), dim(std::max<std::int64_t>(1, A.rows), "ld"),
       B.data.data(), dim(std::max<std::int64_t>(1, B.rows), "ld"), beta, C.data.data(),
       dim(std::max<std::int64_t>(1, m), "ld"));
}

}  // namespace randla::blas
