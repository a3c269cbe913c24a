// The state behind randla::cuda::Context (one device, one stream, the cuBLAS and cuSOLVER
// handles bound to that stream, pinned staging buffers) and the helpers every CUDA source of the
// backend shares: device guard, launch geometry, typed device blocks. Halko–Martinsson–Tropp's
// algorithms run on top of these (rsvd.cu, normalize.cu); nothing here is an algorithm.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cusolverDn.h>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "cuda/check.cuh"
#include "randla/cuda.hpp"

namespace randla::cuda {

struct Context::State {
  int device = 0;
  cudaStream_t stream = nullptr;
  bool owns_stream = false;
  cublasHandle_t blas = nullptr;
  cusolverDnHandle_t solver = nullptr;
  // Two pinned buffers used alternately, so that the host copy into one overlaps the DMA
  // of the other (allocated on the first large transfer).
  static constexpr std::size_t kStagingBytes = std::size_t{64} << 20;
  void* staging[2] = {nullptr, nullptr};
  cudaEvent_t staged[2] = {nullptr, nullptr};
  // The per-context pool of sketch-sized scratch blocks (free ones, kept for the next call):
  // cudaFree synchronizes the whole device, so blocks are recycled on the stream instead.
  // Reuse is safe without events because every user of a block runs on this one stream.
  std::vector<std::pair<void*, std::size_t>> scratch;
};

namespace detail {

// Makes the context's device current for the scope of a call and restores the caller's.
class DeviceGuard {
 public:
  explicit DeviceGuard(int device) {
    RANDLA_CUDA_CHECK(cudaGetDevice(&previous_));
    if (previous_ != device) RANDLA_CUDA_CHECK(cudaSetDevice(device));
    restore_ = previous_ != device;
  }
  ~DeviceGuard() {
    if (restore_) cudaSetDevice(previous_);  // best effort: a destructor must not throw
  }
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int previous_ = 0;
  bool restore_ = false;
};

// Device memory from the context's scratch pool, returned to it (not freed) by the destructor.
class ScratchBuffer {
 public:
  ScratchBuffer() = default;
  ScratchBuffer(const Context& context, std::size_t bytes);
  ~ScratchBuffer();
  ScratchBuffer(ScratchBuffer&& other) noexcept { swap(other); }
  ScratchBuffer& operator=(ScratchBuffer&& other) noexcept {
    ScratchBuffer(std::move(other)).swap(*this);
    return *this;
  }
  ScratchBuffer(const ScratchBuffer&) = delete;
  ScratchBuffer& operator=(const ScratchBuffer&) = delete;
  void* data() const noexcept { return data_; }
  void swap(ScratchBuffer& other) noexcept {
    std::swap(state_, other.state_);
    std::swap(data_, other.data_);
    std::swap(bytes_, other.bytes_);
  }

 private:
  Context::State* state_ = nullptr;
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
};

// A col-major block in device memory (ld = rows) from the scratch pool: the sketches, bases
// and factors the algorithms build on the device (the device twin of DenseMatrix).
template <class T>
struct DeviceBlock {
  ScratchBuffer storage;
  std::int64_t rows = 0, cols = 0;

  DeviceBlock() = default;
  DeviceBlock(const Context& context, std::int64_t r, std::int64_t c)
      : storage(context, static_cast<std::size_t>(r * c) * sizeof(T)), rows(r), cols(c) {}
  T* data() const noexcept { return static_cast<T*>(storage.data()); }
  std::int64_t ld() const noexcept { return rows > 0 ? rows : 1; }
  void swap(DeviceBlock& other) noexcept {
    storage.swap(other.storage);
    std::swap(rows, other.rows);
    std::swap(cols, other.cols);
  }
};

// Grid of a 1-D loop over `count` items with a grid-stride kernel: enough blocks to fill the
// device several times over, never more than the items need.
inline unsigned grid_for(std::int64_t count, int threads = 256) {
  const std::int64_t blocks = (count + threads - 1) / threads;
  return static_cast<unsigned>(blocks < 1 ? 1 : blocks > 65535 * 8 ? 65535 * 8 : blocks);
}

// Host <-> device copies through the pinned staging buffers (context.cu). `lines` lines of
// `line_bytes` each, `pitch` bytes apart on the host and packed on the device.
void copy_to_device(const Context& context, void* device, const void* host, std::size_t line_bytes,
                    std::size_t lines, std::size_t host_pitch);
void copy_to_host(const Context& context, void* host, const void* device, std::size_t bytes);

// Whether `pointer` is device memory of the context's device (or managed memory): the check
// that turns a host pointer passed as device input into a clear InvalidArgument.
bool is_device_pointer(const Context& context, const void* pointer);

}  // namespace detail
}  // namespace randla::cuda
