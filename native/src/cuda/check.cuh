// Status checks of the CUDA backend: every CUDA runtime, cuBLAS and cuSOLVER call goes through
// one of these, so a failure becomes randla::Error(ErrorCode::Cuda) whose message names the call
// and the status ("cublasDgemm failed: CUBLAS_STATUS_EXECUTION_FAILED"), never a crash or a
// silently wrong answer. Allocation failures are ErrorCode::OutOfMemory, as on the CPU.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cusolverDn.h>

#include <cstring>
#include <string>

#include "randla/error.hpp"

namespace randla::cuda::detail {

inline const char* cusolver_status_name(cusolverStatus_t status) noexcept {
  switch (status) {
    case CUSOLVER_STATUS_SUCCESS: return "CUSOLVER_STATUS_SUCCESS";
    case CUSOLVER_STATUS_NOT_INITIALIZED: return "CUSOLVER_STATUS_NOT_INITIALIZED";
    case CUSOLVER_STATUS_ALLOC_FAILED: return "CUSOLVER_STATUS_ALLOC_FAILED";
    case CUSOLVER_STATUS_INVALID_VALUE: return "CUSOLVER_STATUS_INVALID_VALUE";
    case CUSOLVER_STATUS_ARCH_MISMATCH: return "CUSOLVER_STATUS_ARCH_MISMATCH";
    case CUSOLVER_STATUS_MAPPING_ERROR: return "CUSOLVER_STATUS_MAPPING_ERROR";
    case CUSOLVER_STATUS_EXECUTION_FAILED: return "CUSOLVER_STATUS_EXECUTION_FAILED";
    case CUSOLVER_STATUS_INTERNAL_ERROR: return "CUSOLVER_STATUS_INTERNAL_ERROR";
    case CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED: return "CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED";
    case CUSOLVER_STATUS_NOT_SUPPORTED: return "CUSOLVER_STATUS_NOT_SUPPORTED";
    case CUSOLVER_STATUS_ZERO_PIVOT: return "CUSOLVER_STATUS_ZERO_PIVOT";
    case CUSOLVER_STATUS_INVALID_LICENSE: return "CUSOLVER_STATUS_INVALID_LICENSE";
    case CUSOLVER_STATUS_IRS_PARAMS_NOT_INITIALIZED: return "CUSOLVER_STATUS_IRS_PARAMS_NOT_INITIALIZED";
    case CUSOLVER_STATUS_IRS_PARAMS_INVALID: return "CUSOLVER_STATUS_IRS_PARAMS_INVALID";
    case CUSOLVER_STATUS_IRS_INTERNAL_ERROR: return "CUSOLVER_STATUS_IRS_INTERNAL_ERROR";
    case CUSOLVER_STATUS_IRS_NOT_SUPPORTED: return "CUSOLVER_STATUS_IRS_NOT_SUPPORTED";
    case CUSOLVER_STATUS_IRS_OUT_OF_RANGE: return "CUSOLVER_STATUS_IRS_OUT_OF_RANGE";
    case CUSOLVER_STATUS_INVALID_WORKSPACE: return "CUSOLVER_STATUS_INVALID_WORKSPACE";
    default: break;
  }
  return "CUSOLVER_STATUS_UNKNOWN";
}

// "cublasDgemm(handle, ...)" -> "cublasDgemm": the call's name without its arguments (built on
// the failure path only).
inline std::string call_name(const char* text) { return std::string(text, std::strcspn(text, "(")); }

[[noreturn]] inline void throw_cuda(const char* call, const char* status, const char* detail = nullptr) {
  std::string message = call_name(call) + " failed: " + status;
  if (detail && *detail) message += std::string(" (") + detail + ")";
  throw Error(ErrorCode::Cuda, std::move(message));
}

inline void check(cudaError_t status, const char* call) {
  if (status == cudaSuccess) return;
  if (status == cudaErrorMemoryAllocation) {
    cudaGetLastError();  // not sticky: clear it so later checks do not see it again
    throw Error(ErrorCode::OutOfMemory, call_name(call) + " failed: " + cudaGetErrorName(status) +
                                            " (the device has not enough free memory)");
  }
  throw_cuda(call, cudaGetErrorName(status), cudaGetErrorString(status));
}

inline void check(cublasStatus_t status, const char* call) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  if (status == CUBLAS_STATUS_ALLOC_FAILED)
    throw Error(ErrorCode::OutOfMemory, call_name(call) + " failed: CUBLAS_STATUS_ALLOC_FAILED");
  throw_cuda(call, cublasGetStatusName(status));
}

inline void check(cusolverStatus_t status, const char* call) {
  if (status == CUSOLVER_STATUS_SUCCESS) return;
  if (status == CUSOLVER_STATUS_ALLOC_FAILED)
    throw Error(ErrorCode::OutOfMemory, call_name(call) + " failed: CUSOLVER_STATUS_ALLOC_FAILED");
  throw_cuda(call, cusolver_status_name(status));
}

// After a kernel launch: launch errors (bad configuration) now, execution errors at the next
// synchronizing call, which is checked too.
inline void check_launch(const char* kernel) { check(cudaGetLastError(), kernel); }

}  // namespace randla::cuda::detail

// RANDLA_CUDA_CHECK(cublasDgemm(...)): the text of the call up to its '(' names it in the message.
#define RANDLA_CUDA_CHECK(call) ::randla::cuda::detail::check((call), #call)
