// CUDA backend of the randla core: device query, device memory, Philox test matrices generated
// in place on the device (Salmon et al., SC 2011; the mapping of docs/rng.md), and the randomized
// SVD of Halko, Martinsson, Tropp, SIAM Review 2011 (Algorithms 4.4 and 5.1) with the same passes
// as the CPU backend (docs/algorithms/rsvd.md, docs/gpu.md); and Nyström (docs/algorithms/
// nystrom.md) of vortical networks (Nair & Taira, JFM 2015) and rbf / laplacian kernel matrices
// with the columns, the basis and the eigenvectors on the device. Thin wrappers over src/cuda/.
//
// This header includes no CUDA header: streams travel as `CUstream_st*` (what cudaStream_t
// is), so code that only calls the backend (tests, bindings) compiles with any C++ compiler.
// Every CUDA, cuBLAS and cuSOLVER status is checked; a failure throws randla::Error with
// ErrorCode::Cuda (ERR_RANDLA_CUDA), naming the call and the status (`cublasDgemm failed:
// CUBLAS_STATUS_EXECUTION_FAILED`); a device allocation that does not fit throws OutOfMemory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "randla/control.hpp"
#include "randla/dense_matrix.hpp"
#include "randla/matrix_view.hpp"
#include "randla/nystrom.hpp"
#include "randla/rsvd.hpp"
#include "randla/symmetric_operator.hpp"
#include "randla/test_matrix.hpp"
#include "randla/vortical_network.hpp"

struct CUstream_st;  // cudaStream_t is CUstream_st*

namespace randla::cuda {

using StreamHandle = CUstream_st*;

// Whether a CUDA device can be used, without throwing: `devices` is 0 and `reason` says why
// (no driver, driver older than the runtime, no device) when none can.
struct Availability {
  int devices = 0;
  std::string reason;
};
Availability availability() noexcept;

struct DeviceInfo {
  int index = 0;
  std::string name;
  std::size_t total_memory = 0;  // bytes
  std::size_t free_memory = 0;   // bytes, when queried
  int major = 0, minor = 0;      // compute capability
  int multiprocessors = 0;
  int driver_version = 0, runtime_version = 0;  // e.g. 13000 for 13.0
};
// Throws ErrorCode::InvalidArgument for an index outside [0, devices), ErrorCode::Cuda when
// the driver cannot be queried.
DeviceInfo device_info(int device);

// One device, one stream and the cuBLAS/cuSOLVER handles bound to it. Work of one context is
// ordered on its stream; calls on one context must not overlap (one context per thread).
class Context {
 public:
  // `stream` null: the context creates (and later destroys) its own non-blocking stream.
  explicit Context(int device = 0, StreamHandle stream = nullptr);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  int device() const noexcept;
  StreamHandle stream() const noexcept;
  // Blocks until all work queued on the stream is done (and reports its errors).
  void synchronize() const;
  // Frees the device memory the context keeps for reuse between calls (sketch-sized blocks).
  void trim() const;

  struct State;
  State& state() const noexcept { return *state_; }

 private:
  std::unique_ptr<State> state_;
};

// Device memory from cudaMalloc (never managed memory), released by the destructor.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  // `bytes` on the context's device; throws OutOfMemory when it does not fit.
  DeviceBuffer(const Context& context, std::size_t bytes);
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer&& other) noexcept { swap(other); }
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
    DeviceBuffer(std::move(other)).swap(*this);
    return *this;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  void* data() const noexcept { return data_; }
  std::size_t bytes() const noexcept { return bytes_; }
  void swap(DeviceBuffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(bytes_, other.bytes_);
    std::swap(device_, other.device_);
  }

 private:
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
  int device_ = 0;
};

// `size` values of T in device memory.
template <class T>
class DeviceArray {
 public:
  DeviceArray() = default;
  DeviceArray(const Context& context, std::size_t size) : buffer_(context, size * sizeof(T)), size_(size) {}
  T* data() const noexcept { return static_cast<T*>(buffer_.data()); }
  std::size_t size() const noexcept { return size_; }

 private:
  DeviceBuffer buffer_;
  std::size_t size_ = 0;
};

// A dense matrix in device memory, either layout, as MatrixView describes host memory.
template <class T>
struct DeviceMatrixView {
  T* data = nullptr;  // device pointer
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t ld = 0;
  Layout layout = Layout::ColMajor;

  operator DeviceMatrixView<const T>() const { return {data, rows, cols, ld, layout}; }
};

// Host <-> device copies on the context's stream; they return when the data has arrived.
// Large copies go through the context's pinned staging buffers (docs/gpu.md).
template <class T>
DeviceArray<T> to_device(const Context& context, const T* host, std::size_t size);
template <class T>
std::vector<T> to_host(const Context& context, const T* device, std::size_t size);

// Fills `out` (device memory, any layout) with rows [row0, row0 + rows) and columns
// [col0, col0 + cols) of Ω, rounded to T: the same values as randla::fill_test_matrix on the
// host (bit for bit for rademacher and uniform; gaussian up to the few-ulp differences of the
// device's log/cos from the host libm's, docs/rng.md). Gaussian, rademacher and uniform only:
// sparse-sign and srht are not on the device yet (ErrorCode::InvalidArgument).
template <class T>
void fill_test_matrix(const Context& context, DeviceMatrixView<T> out, const TestMatrixSpec& spec,
                      std::int64_t row0 = 0, std::int64_t col0 = 0);

// The factors of a randomized SVD left on the device: U rows x rank and Vt rank x cols, both
// row-major like RsvdResult; S on the host (it is tiny).
template <class T>
struct DeviceRsvdResult {
  std::int64_t rows = 0, cols = 0, rank = 0;
  DeviceArray<T> U;   // empty unless compute_u
  DeviceArray<T> Vt;  // empty unless compute_v
  std::vector<double> S;
  std::int64_t power_iters = 0;
  Normalizer normalizer = Normalizer::QR;
};

// Randomized SVD of a matrix already on the device, with the passes of the CPU backend
// (docs/algorithms/rsvd.md) and the same Ω for the same seed, so the answer agrees with
// randla::rsvd to rounding. Options: fixed rank (tol = 0), center = false, estimate_error =
// false, and the gaussian, rademacher or uniform test matrix on the device for now; anything
// else is ErrorCode::InvalidArgument naming the option. A is only read.
template <class T>
DeviceRsvdResult<T> rsvd_device(const Context& context, DeviceMatrixView<const T> A, const RsvdOptions& options,
                                const RunControl& control = {});
// The same, with U and Vt copied back into fresh host arrays.
template <class T>
RsvdResult<T> rsvd(const Context& context, DeviceMatrixView<const T> A, const RsvdOptions& options,
                   const RunControl& control = {});
// Host input (either layout): copied to the device once (pinned staging), factorized there,
// U and Vt copied back.
template <class T>
RsvdResult<T> rsvd(const Context& context, MatrixView<const T> A, const RsvdOptions& options,
                   const RunControl& control = {});

// --- Nyström on the device (docs/gpu.md, "Nyström on the device") ---

// A[:, idx] of the vortical network (N x |idx|, col-major, copied back), generated on the device
// with the operation order of the CPU's VorticalNetwork::columns, so the same bits. Any α.
// Throws InvalidArgument for an index outside [0, N).
DenseMatrix<double> network_columns(const Context& context, const VorticalNetwork& network,
                                    const std::vector<std::int64_t>& idx);
// A[:, idx] of the rbf / laplacian kernel matrix of the points (n x d, either layout, f32 or
// f64), generated on the device: the exponent is the CPU's KernelOperator::entry bit for bit,
// exp is the device's (within 1 ulp of the correctly rounded value, docs/gpu.md). The checks
// of KernelOperator (kind, gamma, shape, NaN/Inf in the points), then InvalidArgument for an
// index outside [0, n).
template <class T>
DenseMatrix<double> kernel_columns(const Context& context, KernelKind kind, MatrixView<const T> points, double gamma,
                                   const std::vector<std::int64_t>& idx);

// randla::nystrom of the undirected network (the VorticalNetworkOperator's matrix) with the
// columns, the basis of C and the eigenvectors on the device and the l x l eigenproblems on the
// host: the same indices, method and, to rounding, the same pairs as the CPU on the same seed.
// Sampling uniform or quasi-uniform (drawn on the host); method auto, indefinite or psd.
// RPCholesky and gaussian sampling and the scaled core are InvalidArgument (they run on the CPU
// backend); α ≠ 0.5 is NotSymmetric; every other option is checked as on the CPU. Progress
// reports the l columns once they are computed; an abort is honoured after them.
NystromResult nystrom_network(const Context& context, const VorticalNetwork& network, const NystromOptions& options,
                              const RunControl& control = {});
// The same for the kernel matrix of the points (psd by construction: `auto` takes the psd core
// and falls back to the indefinite one when its Cholesky fails, as on the CPU).
template <class T>
NystromResult nystrom_kernel(const Context& context, KernelKind kind, MatrixView<const T> points, double gamma,
                             const NystromOptions& options, const RunControl& control = {});

}  // namespace randla::cuda
