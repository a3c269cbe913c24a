// Typed overloads of the cuBLAS and cuSOLVER routines the CUDA backend uses (the device twin of
// src/cpu/blas_lapack.hpp), so one template serves f32 and f64, every status is checked with
// the routine's own name, and every dimension passes the 32-bit check the CPU backend makes.
// Each cuSOLVER factorization reads its `info` back (a synchronization) and returns it.
#pragma once

#include <climits>
#include <cstdint>

#include "cuda/context.cuh"

namespace randla::cuda::detail {

// cuBLAS and the classic cuSOLVER API take 32-bit dimensions, like LP64 BLAS on the host.
inline int dim(std::int64_t value, const char* what) {
  RANDLA_EXPECTS_CODE(value >= 0 && value <= INT_MAX, ErrorCode::Shape, what)
      << "Expected a dimension in [0, " << INT_MAX << "] for " << what << " but received " << value;
  return static_cast<int>(value);
}

inline void gemm(const Context& c, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, float alpha,
                 const float* a, int lda, const float* b, int ldb, float beta, float* out, int ldc) {
  RANDLA_CUDA_CHECK(cublasSgemm(c.state().blas, ta, tb, m, n, k, &alpha, a, lda, b, ldb, &beta, out, ldc));
}
inline void gemm(const Context& c, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, double alpha,
                 const double* a, int lda, const double* b, int ldb, double beta, double* out, int ldc) {
  RANDLA_CUDA_CHECK(cublasDgemm(c.state().blas, ta, tb, m, n, k, &alpha, a, lda, b, ldb, &beta, out, ldc));
}

// B ← B·R⁻¹ for an upper triangular R (right side, no transpose, non-unit).
inline void trsm_right_upper(const Context& c, int m, int n, const float* r, int ldr, float* b, int ldb) {
  const float one = 1;
  RANDLA_CUDA_CHECK(cublasStrsm(c.state().blas, CUBLAS_SIDE_RIGHT, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_N,
                                CUBLAS_DIAG_NON_UNIT, m, n, &one, r, ldr, b, ldb));
}
inline void trsm_right_upper(const Context& c, int m, int n, const double* r, int ldr, double* b, int ldb) {
  const double one = 1;
  RANDLA_CUDA_CHECK(cublasDtrsm(c.state().blas, CUBLAS_SIDE_RIGHT, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_N,
                                CUBLAS_DIAG_NON_UNIT, m, n, &one, r, ldr, b, ldb));
}

// cuSOLVER: workspace sizes (in elements) and the factorizations.
inline int geqrf_work(const Context& c, int m, int n, float* a, int lda) {
  int lwork = 0;
  RANDLA_CUDA_CHECK(cusolverDnSgeqrf_bufferSize(c.state().solver, m, n, a, lda, &lwork));
  return lwork;
}
inline int geqrf_work(const Context& c, int m, int n, double* a, int lda) {
  int lwork = 0;
  RANDLA_CUDA_CHECK(cusolverDnDgeqrf_bufferSize(c.state().solver, m, n, a, lda, &lwork));
  return lwork;
}
inline void geqrf(const Context& c, int m, int n, float* a, int lda, float* tau, float* work, int lwork, int* info) {
  RANDLA_CUDA_CHECK(cusolverDnSgeqrf(c.state().solver, m, n, a, lda, tau, work, lwork, info));
}
inline void geqrf(const Context& c, int m, int n, double* a, int lda, double* tau, double* work, int lwork, int* info) {
  RANDLA_CUDA_CHECK(cusolverDnDgeqrf(c.state().solver, m, n, a, lda, tau, work, lwork, info));
}
inline int orgqr_work(const Context& c, int m, int n, int k, const float* a, int lda, const float* tau) {
  int lwork = 0;
  RANDLA_CUDA_CHECK(cusolverDnSorgqr_bufferSize(c.state().solver, m, n, k, a, lda, tau, &lwork));
  return lwork;
}
inline int orgqr_work(const Context& c, int m, int n, int k, const double* a, int lda, const double* tau) {
  int lwork = 0;
  RANDLA_CUDA_CHECK(cusolverDnDorgqr_bufferSize(c.state().solver, m, n, k, a, lda, tau, &lwork));
  return lwork;
}
inline void orgqr(const Context& c, int m, int n, int k, float* a, int lda, const float* tau, float* work, int lwork,
                  int* info) {
  RANDLA_CUDA_CHECK(cusolverDnSorgqr(c.state().solver, m, n, k, a, lda, tau, work, lwork, info));
}
inline void orgqr(const Context& c, int m, int n, int k, double* a, int lda, const double* tau, double* work,
                  int lwork, int* info) {
  RANDLA_CUDA_CHECK(cusolverDnDorgqr(c.state().solver, m, n, k, a, lda, tau, work, lwork, info));
}
inline int getrf_work(const Context& c, int m, int n, float* a, int lda) {
  int lwork = 0;
  RANDLA_CUDA_CHECK(cusolverDnSgetrf_bufferSize(c.state().solver, m, n, a, lda, &lwork));
  return lwork;
}
inline int getrf_work(const Context& c, int m, int n, double* a, int lda) {
  int lwork = 0;
  RANDLA_CUDA_CHECK(cusolverDnDgetrf_bufferSize(c.state().solver, m, n, a, lda, &lwork));
  return lwork;
}
// ipiv null: no pivoting.
inline void getrf(const Context& c, int m, int n, float* a, int lda, float* work, int* ipiv, int* info) {
  RANDLA_CUDA_CHECK(cusolverDnSgetrf(c.state().solver, m, n, a, lda, work, ipiv, info));
}
inline void getrf(const Context& c, int m, int n, double* a, int lda, double* work, int* ipiv, int* info) {
  RANDLA_CUDA_CHECK(cusolverDnDgetrf(c.state().solver, m, n, a, lda, work, ipiv, info));
}
inline int potrf_work(const Context& c, int n, float* a, int lda) {
  int lwork = 0;
  RANDLA_CUDA_CHECK(cusolverDnSpotrf_bufferSize(c.state().solver, CUBLAS_FILL_MODE_UPPER, n, a, lda, &lwork));
  return lwork;
}
inline int potrf_work(const Context& c, int n, double* a, int lda) {
  int lwork = 0;
  RANDLA_CUDA_CHECK(cusolverDnDpotrf_bufferSize(c.state().solver, CUBLAS_FILL_MODE_UPPER, n, a, lda, &lwork));
  return lwork;
}
inline void potrf(const Context& c, int n, float* a, int lda, float* work, int lwork, int* info) {
  RANDLA_CUDA_CHECK(cusolverDnSpotrf(c.state().solver, CUBLAS_FILL_MODE_UPPER, n, a, lda, work, lwork, info));
}
inline void potrf(const Context& c, int n, double* a, int lda, double* work, int lwork, int* info) {
  RANDLA_CUDA_CHECK(cusolverDnDpotrf(c.state().solver, CUBLAS_FILL_MODE_UPPER, n, a, lda, work, lwork, info));
}

// Reads a cuSOLVER `info` back (waits for the routine) and rejects the negative values that mean
// an argument was wrong: a bug in the caller, not a property of the data.
inline int read_info(const Context& c, const int* device_info, const char* routine) {
  int info = 0;
  RANDLA_CUDA_CHECK(cudaMemcpyAsync(&info, device_info, sizeof info, cudaMemcpyDeviceToHost, c.state().stream));
  RANDLA_CUDA_CHECK(cudaStreamSynchronize(c.state().stream));
  if (info < 0)
    throw Error(ErrorCode::Internal, std::string(routine) + ": argument " + std::to_string(-info) + " had an illegal value");
  return info;
}

}  // namespace randla::cuda::detail
