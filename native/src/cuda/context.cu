// Device query, contexts (device + stream + cuBLAS/cuSOLVER handles), device memory by plain
// cudaMalloc (never managed memory) and host <-> device copies through pinned staging buffers:
// the runtime under the CUDA backend's algorithms (Halko–Martinsson–Tropp 2011 in rsvd.cu).
#include <algorithm>
#include <cstring>
#include <string>

#include "cuda/context.cuh"
#include "randla/threads.hpp"

namespace randla::cuda {

Availability availability() noexcept {
  Availability a;
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    cudaGetLastError();
    a.reason = std::string("cudaGetDeviceCount failed: ") + cudaGetErrorName(status) + " (" +
               cudaGetErrorString(status) + ")";
    return a;
  }
  if (count == 0) {
    a.reason = "no CUDA device is visible";
    return a;
  }
  a.devices = count;
  return a;
}

DeviceInfo device_info(int device) {
  int count = 0;
  RANDLA_CUDA_CHECK(cudaGetDeviceCount(&count));
  RANDLA_EXPECTS(device >= 0 && device < count, "device")
      << "Expected a device index in [0, " << count << ") for device but received " << device;
  cudaDeviceProp prop{};
  RANDLA_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  DeviceInfo info;
  info.index = device;
  info.name = prop.name;
  info.total_memory = prop.totalGlobalMem;
  info.major = prop.major;
  info.minor = prop.minor;
  info.multiprocessors = prop.multiProcessorCount;
  RANDLA_CUDA_CHECK(cudaDriverGetVersion(&info.driver_version));
  RANDLA_CUDA_CHECK(cudaRuntimeGetVersion(&info.runtime_version));
  {
    detail::DeviceGuard guard(device);
    std::size_t free_bytes = 0, total = 0;
    RANDLA_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total));
    info.free_memory = free_bytes;
  }
  return info;
}

Context::Context(int device, StreamHandle stream) : state_(std::make_unique<State>()) {
  int count = 0;
  RANDLA_CUDA_CHECK(cudaGetDeviceCount(&count));
  RANDLA_EXPECTS(device >= 0 && device < count, "device")
      << "Expected a device index in [0, " << count << ") for device but received " << device;
  State& s = *state_;
  s.device = device;
  detail::DeviceGuard guard(device);
  // Partly built state is released by ~State through the destructor below only once the
  // constructor finished, so clean up by hand on the way out of a failure.
  try {
    if (stream == nullptr) {
      RANDLA_CUDA_CHECK(cudaStreamCreateWithFlags(&s.stream, cudaStreamNonBlocking));
      s.owns_stream = true;
    } else {
      s.stream = stream;
    }
    RANDLA_CUDA_CHECK(cublasCreate(&s.blas));
    RANDLA_CUDA_CHECK(cublasSetStream(s.blas, s.stream));
    // Scalars (alpha, beta) come from the host; results read back (amax) go through explicit copies.
    RANDLA_CUDA_CHECK(cublasSetPointerMode(s.blas, CUBLAS_POINTER_MODE_HOST));
    // The default math: f32 products in f32 arithmetic (TF32 only where asked for, which we
    // never do), without the pedantic mode's slow reference kernels (docs/gpu.md).
    RANDLA_CUDA_CHECK(cublasSetMathMode(s.blas, CUBLAS_DEFAULT_MATH));
    RANDLA_CUDA_CHECK(cusolverDnCreate(&s.solver));
    RANDLA_CUDA_CHECK(cusolverDnSetStream(s.solver, s.stream));
  } catch (...) {
    if (s.solver) cusolverDnDestroy(s.solver);
    if (s.blas) cublasDestroy(s.blas);
    if (s.owns_stream && s.stream) cudaStreamDestroy(s.stream);
    throw;
  }
}

Context::~Context() {
  State& s = *state_;
  // Best effort: destructors do not throw, and a failed release leaves nothing to do. The
  // caller's current device is restored afterwards.
  int previous = s.device;
  cudaGetDevice(&previous);
  cudaSetDevice(s.device);
  if (s.stream) cudaStreamSynchronize(s.stream);
  for (auto& [pointer, bytes] : s.scratch) cudaFree(pointer);
  for (int b = 0; b < 2; ++b) {
    if (s.staged[b]) cudaEventDestroy(s.staged[b]);
    if (s.staging[b]) cudaFreeHost(s.staging[b]);
  }
  if (s.solver) cusolverDnDestroy(s.solver);
  if (s.blas) cublasDestroy(s.blas);
  if (s.owns_stream && s.stream) cudaStreamDestroy(s.stream);
  if (previous != s.device) cudaSetDevice(previous);
}

int Context::device() const noexcept { return state_->device; }
StreamHandle Context::stream() const noexcept { return state_->stream; }

void Context::synchronize() const {
  detail::DeviceGuard guard(state_->device);
  RANDLA_CUDA_CHECK(cudaStreamSynchronize(state_->stream));
}

DeviceBuffer::DeviceBuffer(const Context& context, std::size_t bytes) : bytes_(bytes), device_(context.device()) {
  if (bytes == 0) return;
  detail::DeviceGuard guard(device_);
  RANDLA_CUDA_CHECK(cudaMalloc(&data_, bytes));
}

DeviceBuffer::~DeviceBuffer() {
  if (data_ == nullptr) return;
  int previous = 0;
  cudaGetDevice(&previous);
  if (previous != device_) cudaSetDevice(device_);
  cudaFree(data_);
  if (previous != device_) cudaSetDevice(previous);
}

void Context::trim() const {
  detail::DeviceGuard guard(state_->device);
  RANDLA_CUDA_CHECK(cudaStreamSynchronize(state_->stream));
  for (auto& [pointer, bytes] : state_->scratch) RANDLA_CUDA_CHECK(cudaFree(pointer));
  state_->scratch.clear();
}

namespace detail {

ScratchBuffer::ScratchBuffer(const Context& context, std::size_t bytes) : state_(&context.state()), bytes_(bytes) {
  if (bytes == 0) return;
  auto& pool = state_->scratch;
  // Best fit among the free blocks; a block much larger than asked stays for a larger request.
  auto best = pool.end();
  for (auto it = pool.begin(); it != pool.end(); ++it)
    if (it->second >= bytes && it->second <= 2 * bytes && (best == pool.end() || it->second < best->second)) best = it;
  if (best != pool.end()) {
    data_ = best->first;
    bytes_ = best->second;
    pool.erase(best);
    return;
  }
  DeviceGuard guard(state_->device);
  if (cudaMalloc(&data_, bytes) != cudaSuccess) {
    // Out of memory: hand the cached blocks back to the device and try once more.
    cudaGetLastError();
    data_ = nullptr;
    RANDLA_CUDA_CHECK(cudaStreamSynchronize(state_->stream));
    for (auto& [pointer, size] : pool) RANDLA_CUDA_CHECK(cudaFree(pointer));
    pool.clear();
    RANDLA_CUDA_CHECK(cudaMalloc(&data_, bytes));
  }
}

ScratchBuffer::~ScratchBuffer() {
  if (data_ != nullptr) state_->scratch.emplace_back(data_, bytes_);
}

namespace {

void ensure_staging(Context::State& s) {
  for (int b = 0; b < 2; ++b) {
    if (s.staging[b] == nullptr) RANDLA_CUDA_CHECK(cudaHostAlloc(&s.staging[b], Context::State::kStagingBytes, cudaHostAllocDefault));
    if (s.staged[b] == nullptr) RANDLA_CUDA_CHECK(cudaEventCreateWithFlags(&s.staged[b], cudaEventDisableTiming));
  }
}

// Below this a copy goes straight from pageable memory: staging would only add latency.
constexpr std::size_t kDirectBytes = std::size_t{1} << 20;

// memcpy of a staging chunk on the core's threads: one core copies about 10 GB/s, under what
// PCIe moves, so the host side of a staged transfer is split (each thread a contiguous piece).
void parallel_memcpy(char* dst, const char* src, std::size_t bytes) {
  constexpr std::size_t kPiece = std::size_t{1} << 20;
  const auto pieces = static_cast<std::int64_t>((bytes + kPiece - 1) / kPiece);
  parallel_for(pieces, [&](std::int64_t begin, std::int64_t end) {
    const std::size_t from = static_cast<std::size_t>(begin) * kPiece;
    const std::size_t to = std::min(bytes, static_cast<std::size_t>(end) * kPiece);
    std::memcpy(dst + from, src + from, to - from);
  });
}

}  // namespace

void copy_to_device(const Context& context, void* device, const void* host, std::size_t line_bytes, std::size_t lines,
                    std::size_t host_pitch) {
  Context::State& s = context.state();
  DeviceGuard guard(s.device);
  const std::size_t total = line_bytes * lines;
  if (total == 0) return;
  auto* dst = static_cast<char*>(device);
  const auto* src = static_cast<const char*>(host);
  if (total < kDirectBytes) {
    if (host_pitch == line_bytes || lines == 1) {
      RANDLA_CUDA_CHECK(cudaMemcpyAsync(dst, src, total, cudaMemcpyHostToDevice, s.stream));
    } else {
      RANDLA_CUDA_CHECK(cudaMemcpy2DAsync(dst, line_bytes, src, host_pitch, line_bytes, lines, cudaMemcpyHostToDevice,
                                          s.stream));
    }
    RANDLA_CUDA_CHECK(cudaStreamSynchronize(s.stream));
    return;
  }
  ensure_staging(s);
  const std::size_t chunk = Context::State::kStagingBytes;
  // The bytes of the packed device image, produced in order chunk by chunk: whole lines when they
  // fit in a chunk, else pieces of one line.
  std::size_t done = 0;
  int b = 0;
  while (done < total) {
    const std::size_t n = std::min(chunk, total - done);
    // The DMA that last read this buffer must be over before the host overwrites it.
    RANDLA_CUDA_CHECK(cudaEventSynchronize(s.staged[b]));
    char* stage = static_cast<char*>(s.staging[b]);
    if (host_pitch == line_bytes) {
      parallel_memcpy(stage, src + done, n);
    } else {
      // Pitched lines: the chunk's bytes [done, done + n) of the packed image, line by line, the
      // lines shared among the threads.
      const std::size_t first = done / line_bytes, last = (done + n - 1) / line_bytes;
      parallel_for(static_cast<std::int64_t>(last - first + 1), [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t t = begin; t < end; ++t) {
          const std::size_t line = first + static_cast<std::size_t>(t);
          const std::size_t lo = std::max(done, line * line_bytes), hi = std::min(done + n, (line + 1) * line_bytes);
          std::memcpy(stage + (lo - done), src + line * host_pitch + (lo - line * line_bytes), hi - lo);
        }
      });
    }
    RANDLA_CUDA_CHECK(cudaMemcpyAsync(dst + done, stage, n, cudaMemcpyHostToDevice, s.stream));
    RANDLA_CUDA_CHECK(cudaEventRecord(s.staged[b], s.stream));
    done += n;
    b ^= 1;
  }
  RANDLA_CUDA_CHECK(cudaStreamSynchronize(s.stream));
}

void copy_to_host(const Context& context, void* host, const void* device, std::size_t bytes) {
  Context::State& s = context.state();
  DeviceGuard guard(s.device);
  if (bytes == 0) return;
  auto* dst = static_cast<char*>(host);
  const auto* src = static_cast<const char*>(device);
  if (bytes < kDirectBytes) {
    RANDLA_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, s.stream));
    RANDLA_CUDA_CHECK(cudaStreamSynchronize(s.stream));
    return;
  }
  ensure_staging(s);
  const std::size_t chunk = Context::State::kStagingBytes;
  const std::size_t chunks = (bytes + chunk - 1) / chunk;
  auto issue = [&](std::size_t c) {
    const std::size_t offset = c * chunk, n = std::min(chunk, bytes - offset);
    RANDLA_CUDA_CHECK(cudaMemcpyAsync(s.staging[c % 2], src + offset, n, cudaMemcpyDeviceToHost, s.stream));
    RANDLA_CUDA_CHECK(cudaEventRecord(s.staged[c % 2], s.stream));
  };
  // The DMA of chunk c + 1 runs while the host copies chunk c out of the other buffer.
  issue(0);
  for (std::size_t c = 0; c < chunks; ++c) {
    if (c + 1 < chunks) issue(c + 1);
    RANDLA_CUDA_CHECK(cudaEventSynchronize(s.staged[c % 2]));
    const std::size_t offset = c * chunk, n = std::min(chunk, bytes - offset);
    parallel_memcpy(dst + offset, static_cast<const char*>(s.staging[c % 2]), n);
  }
}

bool is_device_pointer(const Context& context, const void* pointer) {
  cudaPointerAttributes attributes{};
  const cudaError_t status = cudaPointerGetAttributes(&attributes, pointer);
  if (status != cudaSuccess) {
    cudaGetLastError();  // an unknown pointer is an answer, not an error
    return false;
  }
  if (attributes.type == cudaMemoryTypeManaged) return true;
  return attributes.type == cudaMemoryTypeDevice && attributes.device == context.device();
}

}  // namespace detail

template <class T>
DeviceArray<T> to_device(const Context& context, const T* host, std::size_t size) {
  RANDLA_EXPECTS(host != nullptr || size == 0, "host") << "Expected data for host but received a null pointer";
  DeviceArray<T> out(context, size);
  detail::copy_to_device(context, out.data(), host, size * sizeof(T), 1, size * sizeof(T));
  return out;
}

template <class T>
std::vector<T> to_host(const Context& context, const T* device, std::size_t size) {
  RANDLA_EXPECTS(device != nullptr || size == 0, "device") << "Expected data for device but received a null pointer";
  std::vector<T> out(size);
  detail::copy_to_host(context, out.data(), device, size * sizeof(T));
  return out;
}

template DeviceArray<float> to_device<float>(const Context&, const float*, std::size_t);
template DeviceArray<double> to_device<double>(const Context&, const double*, std::size_t);
template DeviceArray<int> to_device<int>(const Context&, const int*, std::size_t);
template std::vector<float> to_host<float>(const Context&, const float*, std::size_t);
template std::vector<double> to_host<double>(const Context&, const double*, std::size_t);
template std::vector<int> to_host<int>(const Context&, const int*, std::size_t);

}  // namespace randla::cuda
