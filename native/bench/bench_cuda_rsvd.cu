// Benchmark of the CUDA randomized SVD (Halko, Martinsson, Tropp 2011, Alg. 4.4 + 5.1) against
// its bandwidth bound and against cuSOLVER's own randomized SVD (cusolverDnXgesvdr) on the same
// matrix: randla_bench_cuda_rsvd [m n k p q reps]. The matrix is randla_bench_rsvd's (Philox
// gaussian, seed 77), generated on the device. Timing: CUDA events around each call after two
// warm-up calls, median of `reps`. First the device-to-device copy rate, which sets the bound:
// an rsvd must read A 2q + 2 times, so bound = (2q + 2)·m·n·sizeof(T) / rate. One JSON line per
// measurement on stdout (scripts/gpu/table.py turns them into docs/gpu.md's table).
#include <cublasLt.h>
#include <cuda_runtime.h>
#include <cusolverDn.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "cuda/check.cuh"
#include "cuda/context.cuh"
#include "randla/cuda.hpp"

namespace {

using randla::cuda::detail::check;

// Median time (ms) of `reps` runs of `body` on `stream`, after two warm-up runs; `prepare`
// (untimed) runs before each.
double median_ms(cudaStream_t stream, int reps, const std::function<void()>& body,
                 const std::function<void()>& prepare = [] {}) {
  cudaEvent_t start, stop;
  check(cudaEventCreate(&start), "cudaEventCreate");
  check(cudaEventCreate(&stop), "cudaEventCreate");
  std::vector<double> times;
  for (int r = 0; r < reps + 2; ++r) {
    prepare();
    check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    check(cudaEventRecord(start, stream), "cudaEventRecord");
    body();
    check(cudaEventRecord(stop, stream), "cudaEventRecord");
    check(cudaEventSynchronize(stop), "cudaEventSynchronize");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
    if (r >= 2) times.push_back(ms);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// Device-to-device copy of `bytes`: the rate counts bytes read plus bytes written.
double copy_rate(const randla::cuda::Context& c, std::size_t bytes) {
  randla::cuda::DeviceBuffer a(c, bytes), b(c, bytes);
  check(cudaMemsetAsync(a.data(), 1, bytes, c.stream()), "cudaMemsetAsync");
  const double ms = median_ms(c.stream(), 9, [&] {
    check(cudaMemcpyAsync(b.data(), a.data(), bytes, cudaMemcpyDeviceToDevice, c.stream()), "cudaMemcpyAsync");
  });
  const double rate = 2.0 * double(bytes) / (ms * 1e-3);
  std::printf("{\"what\":\"d2d_copy\",\"bytes\":%zu,\"median_ms\":%.4f,\"rate_GBs\":%.1f}\n", bytes, ms, rate / 1e9);
  return rate;
}

// Host-to-device rates: from pinned memory (the PCIe ceiling), from pageable memory (the
// driver's own staging), and through randla's staged copy (to_device), 1 GiB each.
void host_rates(const randla::cuda::Context& c) {
  const std::size_t bytes = std::size_t{1} << 30;
  randla::cuda::DeviceBuffer d(c, bytes);
  void* pinned = nullptr;
  check(cudaHostAlloc(&pinned, bytes, cudaHostAllocDefault), "cudaHostAlloc");
  std::vector<char> pageable(bytes, 1);
  std::memset(pinned, 1, bytes);
  const double pin_ms = median_ms(c.stream(), 5, [&] {
    check(cudaMemcpyAsync(d.data(), pinned, bytes, cudaMemcpyHostToDevice, c.stream()), "cudaMemcpyAsync");
  });
  const double page_ms = median_ms(c.stream(), 5, [&] {
    check(cudaMemcpyAsync(d.data(), pageable.data(), bytes, cudaMemcpyHostToDevice, c.stream()), "cudaMemcpyAsync");
  });
  const double staged_ms = median_ms(c.stream(), 5, [&] {
    randla::cuda::detail::copy_to_device(c, d.data(), pageable.data(), bytes, 1, bytes);
  });
  cudaFreeHost(pinned);
  std::printf("{\"what\":\"h2d\",\"bytes\":%zu,\"pinned_GBs\":%.1f,\"pageable_GBs\":%.1f,\"staged_GBs\":%.1f}\n",
              bytes, bytes / pin_ms / 1e6, bytes / page_ms / 1e6, bytes / staged_ms / 1e6);
  std::fflush(stdout);
}

template <class T>
const char* dtype() {
  return sizeof(T) == 4 ? "f32" : "f64";
}

__global__ void widen(const float* in, std::size_t count, double* out) {
  for (std::size_t e = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; e < count;
       e += std::size_t{gridDim.x} * blockDim.x)
    out[e] = in[e];
}

// The two products of a pass with a row-major A (W = Sᵀ for the col-major storage S = Aᵀ): Y = A·X
// (cuBLAS T·N) and Z = Aᵀ·Y (N·N), f32 under each cuBLAS compute type, timed and compared with
// the f64 product of the same (f32) values: where the f32 time goes, and what the tensor-core
// modes would cost in accuracy. FAST_TF32 is shown for reference only (not accurate enough).
void gemm_study(const randla::cuda::Context& c, std::int64_t m, std::int64_t n, std::int64_t l, int reps) {
  randla::TestMatrixSpec spec;
  spec.seed = 77;
  spec.rows = m;
  spec.cols = n;
  randla::cuda::DeviceArray<float> A(c, static_cast<std::size_t>(m * n)), X(c, static_cast<std::size_t>(n * l)),
      Y(c, static_cast<std::size_t>(m * l)), Z(c, static_cast<std::size_t>(n * l));
  randla::cuda::fill_test_matrix<float>(c, {A.data(), m, n, n, randla::Layout::RowMajor}, spec);
  randla::TestMatrixSpec xs = spec;
  xs.seed = 5;
  xs.rows = n;
  xs.cols = l;
  randla::cuda::fill_test_matrix<float>(c, {X.data(), n, l, n, randla::Layout::ColMajor}, xs);
  // f64 reference from the same f32 values.
  std::vector<double> y_ref, z_ref;
  {
    randla::cuda::DeviceArray<double> A64(c, A.size()), X64(c, X.size()), Y64(c, Y.size()), Z64(c, Z.size());
    widen<<<4096, 256, 0, c.stream()>>>(A.data(), A.size(), A64.data());
    widen<<<4096, 256, 0, c.stream()>>>(X.data(), X.size(), X64.data());
    check(cudaGetLastError(), "widen");
    const double one = 1, zero = 0;
    cublasHandle_t h = c.state().blas;
    check(cublasDgemm(h, CUBLAS_OP_T, CUBLAS_OP_N, m, l, n, &one, A64.data(), n, X64.data(), n, &zero, Y64.data(), m),
          "cublasDgemm");
    check(cublasDgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, n, l, m, &one, A64.data(), n, Y64.data(), m, &zero, Z64.data(), n),
          "cublasDgemm");
    const double ms_y = median_ms(c.stream(), reps, [&] {
      check(cublasDgemm(h, CUBLAS_OP_T, CUBLAS_OP_N, m, l, n, &one, A64.data(), n, X64.data(), n, &zero, Y64.data(), m),
            "cublasDgemm");
    });
    const double ms_z = median_ms(c.stream(), reps, [&] {
      check(cublasDgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, n, l, m, &one, A64.data(), n, Y64.data(), m, &zero, Z64.data(), n),
            "cublasDgemm");
    });
    const double flops = 2.0 * double(m) * double(n) * double(l);
    std::printf("{\"what\":\"gemm\",\"dtype\":\"f64\",\"mode\":\"64F\",\"AX_ms\":%.3f,\"AtY_ms\":%.3f,"
                "\"AX_TFs\":%.1f,\"AtY_TFs\":%.1f}\n",
                ms_y, ms_z, flops / ms_y / 1e9, flops / ms_z / 1e9);
    y_ref = randla::cuda::to_host(c, Y64.data(), Y64.size());
    // Z's reference from the f32 Y of each mode would differ per mode: use the f64 chain (A64ᵀ·Y64).
    z_ref = randla::cuda::to_host(c, Z64.data(), Z64.size());
  }
  auto rel = [](const std::vector<float>& a, const std::vector<double>& b) {
    double num = 0, den = 0;
    for (std::size_t i = 0; i < b.size(); ++i) {
      num += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
      den += b[i] * b[i];
    }
    return std::sqrt(num / den);
  };
  struct Mode {
    const char* name;
    cublasComputeType_t type;
    bool eager;
  };
  const Mode modes[] = {{"32F", CUBLAS_COMPUTE_32F, false},
                        {"32F_PEDANTIC", CUBLAS_COMPUTE_32F_PEDANTIC, false},
                        {"32F_EMULATED_16BFX9 (eager)", CUBLAS_COMPUTE_32F_EMULATED_16BFX9, true},
                        {"32F_EMULATED_16BFX9 (performant)", CUBLAS_COMPUTE_32F_EMULATED_16BFX9, false},
                        {"32F_FAST_TF32", CUBLAS_COMPUTE_32F_FAST_TF32, false}};
  cublasHandle_t h = c.state().blas;
  const float one = 1, zero = 0;
  const double flops = 2.0 * double(m) * double(n) * double(l);
  // Z from the f64-exact Y: upload the reference Y rounded to f32, so only Z's product is measured.
  std::vector<float> y32(y_ref.begin(), y_ref.end());
  randla::cuda::DeviceArray<float> Yin = randla::cuda::to_device(c, y32.data(), y32.size());
  for (const Mode& mode : modes) {
    try {
      check(cublasSetEmulationStrategy(h, mode.eager ? CUBLAS_EMULATION_STRATEGY_EAGER : CUBLAS_EMULATION_STRATEGY_PERFORMANT),
            "cublasSetEmulationStrategy");
      auto ax = [&] {
        check(cublasGemmEx(h, CUBLAS_OP_T, CUBLAS_OP_N, m, l, n, &one, A.data(), CUDA_R_32F, n, X.data(), CUDA_R_32F, n,
                           &zero, Y.data(), CUDA_R_32F, m, mode.type, CUBLAS_GEMM_DEFAULT),
              "cublasGemmEx");
      };
      auto aty = [&] {
        check(cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, n, l, m, &one, A.data(), CUDA_R_32F, n, Yin.data(), CUDA_R_32F,
                           m, &zero, Z.data(), CUDA_R_32F, n, mode.type, CUBLAS_GEMM_DEFAULT),
              "cublasGemmEx");
      };
      const double ms_y = median_ms(c.stream(), reps, ax), ms_z = median_ms(c.stream(), reps, aty);
      const double ey = rel(randla::cuda::to_host(c, Y.data(), Y.size()), y_ref);
      // Z's reference: A64ᵀ·Y64 where Yin = round(Y64): the rounding of Yin itself is ~ u32.
      const double ez = rel(randla::cuda::to_host(c, Z.data(), Z.size()), z_ref);
      std::printf("{\"what\":\"gemm\",\"dtype\":\"f32\",\"mode\":\"%s\",\"AX_ms\":%.3f,\"AtY_ms\":%.3f,"
                  "\"AX_TFs\":%.1f,\"AtY_TFs\":%.1f,\"AX_relerr\":%.2e,\"AtY_relerr\":%.2e}\n",
                  mode.name, ms_y, ms_z, flops / ms_y / 1e9, flops / ms_z / 1e9, ey, ez);
    } catch (const randla::Error& e) {
      std::printf("{\"what\":\"gemm\",\"dtype\":\"f32\",\"mode\":\"%s\",\"error\":\"%s\"}\n", mode.name, e.what());
    }
    std::fflush(stdout);
  }
  check(cublasSetEmulationStrategy(h, CUBLAS_EMULATION_STRATEGY_DEFAULT), "cublasSetEmulationStrategy");
}

template <class T>
void bench(const randla::cuda::Context& c, std::int64_t m, std::int64_t n, std::int64_t k, std::int64_t p,
           std::int64_t q, int reps, double rate) {
  const double bound_ms = double(2 * q + 2) * double(m) * double(n) * sizeof(T) / rate * 1e3;
  randla::TestMatrixSpec spec;
  spec.kind = randla::TestMatrixKind::Gaussian;
  spec.seed = 77;
  spec.rows = m;
  spec.cols = n;
  // randla_bench_rsvd's matrix: row-major m x n.
  randla::cuda::DeviceArray<T> A(c, static_cast<std::size_t>(m * n));
  randla::cuda::fill_test_matrix<T>(c, {A.data(), m, n, n, randla::Layout::RowMajor}, spec);
  c.synchronize();
  auto emit = [&](const std::string& who, const std::string& variant, double ms, double s1) {
    std::printf("{\"what\":\"rsvd\",\"contender\":\"%s\",\"variant\":\"%s\",\"dtype\":\"%s\",\"m\":%lld,\"n\":%lld,"
                "\"k\":%lld,\"p\":%lld,\"q\":%lld,\"median_ms\":%.3f,\"bound_ms\":%.3f,\"x_bound\":%.2f,\"sigma1\":%.6g}\n",
                who.c_str(), variant.c_str(), dtype<T>(), (long long)m, (long long)n, (long long)k, (long long)p,
                (long long)q, ms, bound_ms, ms / bound_ms, s1);
    std::fflush(stdout);
  };
  randla::RsvdOptions o;
  o.rank = k;
  o.oversamples = p;
  o.power_iters = q;
  o.seed = 1;
  o.check_finite = false;  // as the other contenders: no scan of A for NaN/Inf
  const randla::cuda::DeviceMatrixView<const T> row_major{A.data(), m, n, n, randla::Layout::RowMajor};
  for (randla::Normalizer nz : {randla::Normalizer::CholQR2, randla::Normalizer::QR, randla::Normalizer::LU,
                                randla::Normalizer::None}) {
    o.normalizer = nz;
    double s1 = 0;
    const double ms = median_ms(c.stream(), reps, [&] {
      s1 = randla::cuda::rsvd_device<T>(c, row_major, o).S[0];
    });
    emit("randla-cuda", std::string("row-major ") + randla::normalizer_name(nz), ms, s1);
  }
  o.normalizer = randla::Normalizer::CholQR2;
  o.check_finite = true;
  {
    double s1 = 0;
    const double ms = median_ms(c.stream(), reps, [&] { s1 = randla::cuda::rsvd_device<T>(c, row_major, o).S[0]; });
    emit("randla-cuda", "row-major cholqr2 check_finite", ms, s1);
  }
  o.check_finite = false;
  // The same matrix stored col-major (for gesvdr too, which overwrites it: refilled before each run).
  randla::cuda::DeviceArray<T> C(c, static_cast<std::size_t>(m * n));
  randla::cuda::fill_test_matrix<T>(c, {C.data(), m, n, m, randla::Layout::ColMajor}, spec);
  {
    const randla::cuda::DeviceMatrixView<const T> col_major{C.data(), m, n, m, randla::Layout::ColMajor};
    double s1 = 0;
    const double ms = median_ms(c.stream(), reps, [&] { s1 = randla::cuda::rsvd_device<T>(c, col_major, o).S[0]; });
    emit("randla-cuda", "col-major cholqr2", ms, s1);
  }
  // Host input and host output: the copy in (pinned staging) and the factors back.
  if (sizeof(T) == 4) {
    std::vector<T> host = randla::cuda::to_host(c, A.data(), A.size());
    double s1 = 0;
    const randla::MatrixView<const T> view{host.data(), m, n, n, randla::Layout::RowMajor};
    const double ms = median_ms(c.stream(), std::min(reps, 3), [&] { s1 = randla::cuda::rsvd<T>(c, view, o).S[0]; });
    emit("randla-cuda", "host input+output, row-major cholqr2", ms, s1);
  }

  // cuSOLVER's randomized SVD on the col-major copy (it overwrites A).
  cusolverDnHandle_t solver = nullptr;
  cusolverDnParams_t params = nullptr;
  try {
    check(cusolverDnCreate(&solver), "cusolverDnCreate");
    check(cusolverDnSetStream(solver, c.stream()), "cusolverDnSetStream");
    check(cusolverDnCreateParams(&params), "cusolverDnCreateParams");
    const cudaDataType type = sizeof(T) == 4 ? CUDA_R_32F : CUDA_R_64F;
    const std::int64_t mn = std::min(m, n);
    randla::cuda::DeviceArray<T> S(c, static_cast<std::size_t>(mn)), U(c, static_cast<std::size_t>(m * (k + p))),
        V(c, static_cast<std::size_t>(n * (k + p)));
    std::size_t device_bytes = 0, host_bytes = 0;
    check(cusolverDnXgesvdr_bufferSize(solver, params, 'S', 'S', m, n, k, p, q, type, C.data(), m, type, S.data(),
                                       type, U.data(), m, type, V.data(), n, type, &device_bytes, &host_bytes),
          "cusolverDnXgesvdr_bufferSize");
    randla::cuda::DeviceBuffer work(c, std::max<std::size_t>(device_bytes, 1));
    std::vector<char> host_work(std::max<std::size_t>(host_bytes, 1));
    randla::cuda::DeviceArray<int> info(c, 1);
    const double ms = median_ms(
        c.stream(), reps,
        [&] {
          check(cusolverDnXgesvdr(solver, params, 'S', 'S', m, n, k, p, q, type, C.data(), m, type, S.data(), type,
                                  U.data(), m, type, V.data(), n, type, work.data(), device_bytes, host_work.data(),
                                  host_bytes, info.data()),
                "cusolverDnXgesvdr");
        },
        [&] { randla::cuda::fill_test_matrix<T>(c, {C.data(), m, n, m, randla::Layout::ColMajor}, spec); });
    const int status = randla::cuda::to_host(c, info.data(), 1)[0];
    const T s1 = randla::cuda::to_host(c, S.data(), 1)[0];
    emit("cusolverDnXgesvdr", status == 0 ? "col-major" : "col-major (info != 0)", ms, double(s1));
  } catch (const randla::Error& e) {
    std::printf("{\"what\":\"rsvd\",\"contender\":\"cusolverDnXgesvdr\",\"dtype\":\"%s\",\"error\":\"%s\"}\n",
                dtype<T>(), e.what());
  }
  if (params) cusolverDnDestroyParams(params);
  if (solver) cusolverDnDestroy(solver);
}

// Pieces of the normalizers and of the passes, each timed alone on an m x l block (f32, f64):
// syrk against gemm for the Gram matrix, trsm, potrf, geqrf + orgqr, getrf, and the four ways
// to write a pass's product with a row-major A (transposed outputs included).
template <class T>
void pieces_study(const randla::cuda::Context& c, std::int64_t m, std::int64_t n, std::int64_t l, int reps) {
  cublasHandle_t h = c.state().blas;
  cusolverDnHandle_t sh = c.state().solver;
  const T one = 1, zero = 0;
  randla::TestMatrixSpec spec;
  spec.seed = 3;
  spec.rows = m;
  spec.cols = n;
  randla::cuda::DeviceArray<T> S(c, static_cast<std::size_t>(m * n)), Y(c, static_cast<std::size_t>(m * l)),
      W(c, static_cast<std::size_t>(m * l)), X(c, static_cast<std::size_t>(n * l)), Z(c, static_cast<std::size_t>(n * l)),
      G(c, static_cast<std::size_t>(l * l)), R(c, static_cast<std::size_t>(l * l)), tau(c, static_cast<std::size_t>(l));
  randla::cuda::fill_test_matrix<T>(c, {S.data(), m, n, n, randla::Layout::RowMajor}, spec);
  spec.rows = m;
  spec.cols = l;
  randla::cuda::fill_test_matrix<T>(c, {Y.data(), m, l, m, randla::Layout::ColMajor}, spec);
  spec.rows = n;
  randla::cuda::fill_test_matrix<T>(c, {X.data(), n, l, n, randla::Layout::ColMajor}, spec);
  const int mi = static_cast<int>(m), ni = static_cast<int>(n), li = static_cast<int>(l);
  auto gemm = [&](cublasOperation_t ta, cublasOperation_t tb, int mm, int nn, int kk, const T* a, int lda, const T* b,
                  int ldb, T* out, int ldc) {
    if constexpr (sizeof(T) == 4)
      check(cublasSgemm(h, ta, tb, mm, nn, kk, &one, a, lda, b, ldb, &zero, out, ldc), "cublasSgemm");
    else
      check(cublasDgemm(h, ta, tb, mm, nn, kk, &one, a, lda, b, ldb, &zero, out, ldc), "cublasDgemm");
  };
  auto emit = [&](const char* what, double ms) {
    std::printf("{\"what\":\"piece\",\"dtype\":\"%s\",\"piece\":\"%s\",\"m\":%lld,\"n\":%lld,\"l\":%lld,"
                "\"median_ms\":%.4f}\n", dtype<T>(), what, (long long)m, (long long)n, (long long)l, ms);
    std::fflush(stdout);
  };
  emit("gram by syrk", median_ms(c.stream(), reps, [&] {
    if constexpr (sizeof(T) == 4)
      check(cublasSsyrk(h, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_T, li, mi, &one, Y.data(), mi, &zero, G.data(), li), "syrk");
    else
      check(cublasDsyrk(h, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_T, li, mi, &one, Y.data(), mi, &zero, G.data(), li), "syrk");
  }));
  emit("gram by gemm", median_ms(c.stream(), reps, [&] { gemm(CUBLAS_OP_T, CUBLAS_OP_N, li, li, mi, Y.data(), mi, Y.data(), mi, G.data(), li); }));
  // A well-conditioned upper triangular R: the Cholesky factor of YᵀY/m + I.
  gemm(CUBLAS_OP_T, CUBLAS_OP_N, li, li, mi, Y.data(), mi, Y.data(), mi, G.data(), li);
  {
    int lwork = 0;
    if constexpr (sizeof(T) == 4) check(cusolverDnSpotrf_bufferSize(sh, CUBLAS_FILL_MODE_UPPER, li, G.data(), li, &lwork), "potrf_bufferSize");
    else check(cusolverDnDpotrf_bufferSize(sh, CUBLAS_FILL_MODE_UPPER, li, G.data(), li, &lwork), "potrf_bufferSize");
    randla::cuda::DeviceArray<T> work(c, static_cast<std::size_t>(std::max(1, lwork)));
    randla::cuda::DeviceArray<int> info(c, 1);
    emit("potrf", median_ms(c.stream(), reps, [&] {
      check(cudaMemcpyAsync(R.data(), G.data(), l * l * sizeof(T), cudaMemcpyDeviceToDevice, c.stream()), "copy");
      if constexpr (sizeof(T) == 4) check(cusolverDnSpotrf(sh, CUBLAS_FILL_MODE_UPPER, li, R.data(), li, work.data(), lwork, info.data()), "potrf");
      else check(cusolverDnDpotrf(sh, CUBLAS_FILL_MODE_UPPER, li, R.data(), li, work.data(), lwork, info.data()), "potrf");
    }));
  }
  emit("trsm right upper (m x l)", median_ms(c.stream(), reps, [&] {
    check(cudaMemcpyAsync(W.data(), Y.data(), m * l * sizeof(T), cudaMemcpyDeviceToDevice, c.stream()), "copy");
    if constexpr (sizeof(T) == 4)
      check(cublasStrsm(h, CUBLAS_SIDE_RIGHT, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_N, CUBLAS_DIAG_NON_UNIT, mi, li, &one, R.data(), li, W.data(), mi), "trsm");
    else
      check(cublasDtrsm(h, CUBLAS_SIDE_RIGHT, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_N, CUBLAS_DIAG_NON_UNIT, mi, li, &one, R.data(), li, W.data(), mi), "trsm");
  }));
  emit("copy m x l (subtract from trsm)", median_ms(c.stream(), reps, [&] {
    check(cudaMemcpyAsync(W.data(), Y.data(), m * l * sizeof(T), cudaMemcpyDeviceToDevice, c.stream()), "copy");
  }));
  emit("gemm m x l by l x l", median_ms(c.stream(), reps, [&] { gemm(CUBLAS_OP_N, CUBLAS_OP_N, mi, li, li, Y.data(), mi, R.data(), li, W.data(), mi); }));
  {
    int lq = 0, lo = 0, lu = 0;
    if constexpr (sizeof(T) == 4) {
      check(cusolverDnSgeqrf_bufferSize(sh, mi, li, W.data(), mi, &lq), "bs");
      check(cusolverDnSorgqr_bufferSize(sh, mi, li, li, W.data(), mi, tau.data(), &lo), "bs");
      check(cusolverDnSgetrf_bufferSize(sh, mi, li, W.data(), mi, &lu), "bs");
    } else {
      check(cusolverDnDgeqrf_bufferSize(sh, mi, li, W.data(), mi, &lq), "bs");
      check(cusolverDnDorgqr_bufferSize(sh, mi, li, li, W.data(), mi, tau.data(), &lo), "bs");
      check(cusolverDnDgetrf_bufferSize(sh, mi, li, W.data(), mi, &lu), "bs");
    }
    const int lwork = std::max({lq, lo, lu, 1});
    randla::cuda::DeviceArray<T> work(c, static_cast<std::size_t>(lwork));
    randla::cuda::DeviceArray<int> info(c, 1), ipiv(c, static_cast<std::size_t>(l));
    emit("geqrf + orgqr (m x l)", median_ms(c.stream(), reps, [&] {
      check(cudaMemcpyAsync(W.data(), Y.data(), m * l * sizeof(T), cudaMemcpyDeviceToDevice, c.stream()), "copy");
      if constexpr (sizeof(T) == 4) {
        check(cusolverDnSgeqrf(sh, mi, li, W.data(), mi, tau.data(), work.data(), lwork, info.data()), "geqrf");
        check(cusolverDnSorgqr(sh, mi, li, li, W.data(), mi, tau.data(), work.data(), lwork, info.data()), "orgqr");
      } else {
        check(cusolverDnDgeqrf(sh, mi, li, W.data(), mi, tau.data(), work.data(), lwork, info.data()), "geqrf");
        check(cusolverDnDorgqr(sh, mi, li, li, W.data(), mi, tau.data(), work.data(), lwork, info.data()), "orgqr");
      }
    }));
    for (bool pivot : {true, false})
      emit(pivot ? "getrf pivoted (m x l)" : "getrf unpivoted (m x l)", median_ms(c.stream(), reps, [&] {
        check(cudaMemcpyAsync(W.data(), Y.data(), m * l * sizeof(T), cudaMemcpyDeviceToDevice, c.stream()), "copy");
        if constexpr (sizeof(T) == 4) check(cusolverDnSgetrf(sh, mi, li, W.data(), mi, work.data(), pivot ? ipiv.data() : nullptr, info.data()), "getrf");
        else check(cusolverDnDgetrf(sh, mi, li, W.data(), mi, work.data(), pivot ? ipiv.data() : nullptr, info.data()), "getrf");
      }));
  }
  // A row-major A is the col-major S = Aᵀ (n x m). The passes: Y = A·X and Z = Aᵀ·Y, each as
  // written now and as its transposed twin (Yᵀ = Xᵀ·S, Zᵀ = Yᵀ·Sᵀ).
  emit("A.X as S^T.X (T,N)", median_ms(c.stream(), reps, [&] { gemm(CUBLAS_OP_T, CUBLAS_OP_N, mi, li, ni, S.data(), ni, X.data(), ni, Y.data(), mi); }));
  emit("A.X as (X^T.S)^T (T,N)", median_ms(c.stream(), reps, [&] { gemm(CUBLAS_OP_T, CUBLAS_OP_N, li, mi, ni, X.data(), ni, S.data(), ni, W.data(), li); }));
  emit("A^T.Y as S.Y (N,N)", median_ms(c.stream(), reps, [&] { gemm(CUBLAS_OP_N, CUBLAS_OP_N, ni, li, mi, S.data(), ni, Y.data(), mi, Z.data(), ni); }));
  emit("A^T.Y as (Y^T.S^T)^T (T,T)", median_ms(c.stream(), reps, [&] { gemm(CUBLAS_OP_T, CUBLAS_OP_T, li, ni, mi, Y.data(), mi, S.data(), ni, X.data(), li); }));
  // Col-major A (S = A, m x n): Y = S·X (N,N) and Z = Sᵀ·Y (T,N), and Zᵀ = Yᵀ·S (T,N).
  emit("colmajor A.X as S.X (N,N)", median_ms(c.stream(), reps, [&] { gemm(CUBLAS_OP_N, CUBLAS_OP_N, mi, li, ni, S.data(), mi, X.data(), ni, Y.data(), mi); }));
  emit("colmajor A^T.Y as S^T.Y (T,N)", median_ms(c.stream(), reps, [&] { gemm(CUBLAS_OP_T, CUBLAS_OP_N, ni, li, mi, S.data(), mi, Y.data(), mi, Z.data(), ni); }));
  emit("colmajor A^T.Y as (Y^T.S)^T (T,N)", median_ms(c.stream(), reps, [&] { gemm(CUBLAS_OP_T, CUBLAS_OP_N, li, ni, mi, Y.data(), mi, S.data(), mi, X.data(), li); }));
}

// The f32 pass products through cuBLASLt: every algorithm its heuristic offers (up to 32, 64 MiB
// of workspace), each timed; the best against cublasSgemm's choice. Measurement only: whether an
// autotuned product would pay (docs/gpu.md).
void lt_study(const randla::cuda::Context& c, std::int64_t m, std::int64_t n, std::int64_t l, int reps) {
  randla::TestMatrixSpec spec;
  spec.seed = 77;
  spec.rows = m;
  spec.cols = n;
  randla::cuda::DeviceArray<float> S(c, static_cast<std::size_t>(m * n)), X(c, static_cast<std::size_t>(n * l)),
      Y(c, static_cast<std::size_t>(m * l)), Z(c, static_cast<std::size_t>(n * l));
  randla::cuda::fill_test_matrix<float>(c, {S.data(), m, n, n, randla::Layout::RowMajor}, spec);
  spec.rows = n;
  spec.cols = l;
  randla::cuda::fill_test_matrix<float>(c, {X.data(), n, l, n, randla::Layout::ColMajor}, spec);
  spec.rows = m;
  randla::cuda::fill_test_matrix<float>(c, {Y.data(), m, l, m, randla::Layout::ColMajor}, spec);
  cublasLtHandle_t lt = nullptr;
  check(cublasLtCreate(&lt), "cublasLtCreate");
  const std::size_t workspace_bytes = std::size_t{64} << 20;
  randla::cuda::DeviceBuffer workspace(c, workspace_bytes);
  struct Shape {
    const char* name;
    cublasOperation_t ta, tb;
    std::int64_t rows, cols, inner;
    const float *a, *b;
    std::int64_t lda, ldb;
    float* out;
    std::int64_t ldc;
  };
  const Shape shapes[] = {
      {"A.X twin (X^T.S, T,N)", CUBLAS_OP_T, CUBLAS_OP_N, l, m, n, X.data(), S.data(), n, n, Y.data(), l},
      {"A^T.Y (S.Y, N,N)", CUBLAS_OP_N, CUBLAS_OP_N, n, l, m, S.data(), Y.data(), n, m, Z.data(), n},
  };
  const float one = 1, zero = 0;
  for (const Shape& sh : shapes) {
    const double sgemm_ms = median_ms(c.stream(), reps, [&] {
      check(cublasSgemm(c.state().blas, sh.ta, sh.tb, sh.rows, sh.cols, sh.inner, &one, sh.a, sh.lda, sh.b, sh.ldb,
                        &zero, sh.out, sh.ldc),
            "cublasSgemm");
    });
    cublasLtMatmulDesc_t desc = nullptr;
    cublasLtMatrixLayout_t la = nullptr, lb = nullptr, lc = nullptr;
    cublasLtMatmulPreference_t pref = nullptr;
    check(cublasLtMatmulDescCreate(&desc, CUBLAS_COMPUTE_32F, CUDA_R_32F), "cublasLtMatmulDescCreate");
    check(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSA, &sh.ta, sizeof sh.ta), "set transa");
    check(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSB, &sh.tb, sizeof sh.tb), "set transb");
    const bool at = sh.ta == CUBLAS_OP_T, bt = sh.tb == CUBLAS_OP_T;
    check(cublasLtMatrixLayoutCreate(&la, CUDA_R_32F, at ? sh.inner : sh.rows, at ? sh.rows : sh.inner, sh.lda), "layout");
    check(cublasLtMatrixLayoutCreate(&lb, CUDA_R_32F, bt ? sh.cols : sh.inner, bt ? sh.inner : sh.cols, sh.ldb), "layout");
    check(cublasLtMatrixLayoutCreate(&lc, CUDA_R_32F, sh.rows, sh.cols, sh.ldc), "layout");
    check(cublasLtMatmulPreferenceCreate(&pref), "cublasLtMatmulPreferenceCreate");
    check(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &workspace_bytes,
                                               sizeof workspace_bytes),
          "set workspace");
    cublasLtMatmulHeuristicResult_t results[32];
    int count = 0;
    check(cublasLtMatmulAlgoGetHeuristic(lt, desc, la, lb, lc, lc, pref, 32, results, &count),
          "cublasLtMatmulAlgoGetHeuristic");
    double best = 1e30;
    int best_index = -1;
    double first = 0;
    for (int i = 0; i < count; ++i) {
      if (results[i].state != CUBLAS_STATUS_SUCCESS) continue;
      double ms = 0;
      try {
        ms = median_ms(c.stream(), 5, [&] {
          check(cublasLtMatmul(lt, desc, &one, sh.a, la, sh.b, lb, &zero, sh.out, lc, sh.out, lc, &results[i].algo,
                               workspace.data(), workspace_bytes, c.stream()),
                "cublasLtMatmul");
        });
      } catch (const randla::Error&) {
        continue;
      }
      if (i == 0) first = ms;
      if (ms < best) {
        best = ms;
        best_index = i;
      }
    }
    std::printf("{\"what\":\"lt\",\"shape\":\"%s\",\"sgemm_ms\":%.3f,\"lt_algos\":%d,\"lt_first_ms\":%.3f,"
                "\"lt_best_ms\":%.3f,\"lt_best_index\":%d}\n",
                sh.name, sgemm_ms, count, first, best, best_index);
    std::fflush(stdout);
    cublasLtMatmulPreferenceDestroy(pref);
    cublasLtMatrixLayoutDestroy(la);
    cublasLtMatrixLayoutDestroy(lb);
    cublasLtMatrixLayoutDestroy(lc);
    cublasLtMatmulDescDestroy(desc);
  }
  cublasLtDestroy(lt);
}

}  // namespace

int main(int argc, char** argv) {
  auto arg = [&](int i, long long dflt) { return argc > i ? std::atoll(argv[i]) : dflt; };
  const auto m = arg(1, 100000), n = arg(2, 10000), k = arg(3, 50), p = arg(4, 10), q = arg(5, 2);
  const int reps = static_cast<int>(arg(6, 9));
  const randla::cuda::Availability a = randla::cuda::availability();
  if (a.devices == 0) {
    std::fprintf(stderr, "no CUDA device: %s\n", a.reason.c_str());
    return 77;
  }
  try {
    const randla::cuda::DeviceInfo d = randla::cuda::device_info(0);
    std::printf("{\"what\":\"device\",\"name\":\"%s\",\"memory_GiB\":%.1f,\"sm\":%d%d,\"multiprocessors\":%d,"
                "\"driver\":%d,\"runtime\":%d}\n",
                d.name.c_str(), double(d.total_memory) / (1 << 30), d.major, d.minor, d.multiprocessors,
                d.driver_version, d.runtime_version);
    randla::cuda::Context c;
    const double rate = copy_rate(c, std::size_t{4} << 30);
    host_rates(c);
    if (std::getenv("RANDLA_BENCH_GEMM")) {
      gemm_study(c, m, n, k + p, reps);
      c.trim();
    }
    if (std::getenv("RANDLA_BENCH_LT")) {
      lt_study(c, m, n, k + p, reps);
      c.trim();
    }
    if (std::getenv("RANDLA_BENCH_PIECES")) {
      pieces_study<float>(c, m, n, k + p, reps);
      pieces_study<double>(c, m, n, k + p, reps);
      c.trim();
    }
    bench<float>(c, m, n, k, p, q, reps, rate);
    c.trim();
    bench<double>(c, m, n, k, p, q, reps, rate);
  } catch (const randla::Error& e) {
    std::fprintf(stderr, "error: %s: %s\n", randla::error_code_name(e.code()), e.what());
    return 1;
  }
  return 0;
}
