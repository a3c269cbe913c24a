// Randomized SVD on the device: Halko, Martinsson, Tropp, SIAM Review 2011, Algorithm 4.4
// (subspace iteration, the normalizer of normalize.cu between passes) and Algorithm 5.1 (SVD of
// B = QᵀA), with exactly the passes and the Philox Ω of the CPU backend (docs/algorithms/rsvd.md),
// so the same seed gives the same answer to rounding. Products on cuBLAS in the input's precision.
// Deviations (docs/gpu.md): the small SVD of Bᵀ (n x l) is a device QR in f64 (CholeskyQR2 with
// its Householder fallback) followed by LAPACK's gesdd of the l x l R on the host, instead of
// gesdd of Bᵀ itself; fixed rank only for now.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <new>
#include <string>
#include <vector>

#include "cpu/input_checks.hpp"
#include "cuda/device_blas.cuh"
#include "cuda/normalize.cuh"

namespace randla::cuda {
namespace {

using detail::DeviceBlock;
using detail::dim;
using detail::grid_for;

// The preconditions of the CPU's rsvd (same messages), plus what the device does not do yet.
void expect_options(const RsvdOptions& o, std::int64_t rows, std::int64_t cols) {
  const std::int64_t min_dim = std::min(rows, cols);
  RANDLA_EXPECTS(o.tol == 0, "tol")
      << "Expected tol = 0 (a fixed rank) on the CUDA backend but received " << o.tol
      << " (fixed accuracy runs on the CPU backend)";
  RANDLA_EXPECTS(o.rank >= 1 && o.rank <= min_dim, "rank")
      << "Expected an integer in [1, " << min_dim << "] for rank but received " << o.rank;
  RANDLA_EXPECTS(o.oversamples >= 0, "oversamples")
      << "Expected a non-negative integer for oversamples but received " << o.oversamples;
  RANDLA_EXPECTS(o.power_iters >= -1 && o.power_iters <= 1000, "power_iters")
      << "Expected an integer in [0, 1000] (or -1 for auto) for power_iters but received " << o.power_iters;
  RANDLA_EXPECTS(o.sparse_nnz >= 1, "sparse_nnz")
      << "Expected a positive integer for sparse_nnz but received " << o.sparse_nnz;
  const int normalizer = static_cast<int>(o.normalizer);
  RANDLA_EXPECTS(normalizer >= 0 && normalizer <= static_cast<int>(Normalizer::None), "normalizer")
      << "Expected a Normalizer for normalizer but received " << normalizer;
  RANDLA_EXPECTS(o.test_matrix == TestMatrixKind::Gaussian || o.test_matrix == TestMatrixKind::Rademacher ||
                     o.test_matrix == TestMatrixKind::Uniform,
                 "test_matrix")
      << "Expected gaussian, rademacher or uniform for test_matrix on the CUDA backend but received "
      << test_matrix_kind_name(o.test_matrix) << " (sparse-sign and srht run on the CPU backend only)";
  RANDLA_EXPECTS(!o.center, "center")
      << "Expected center = false on the CUDA backend but received true (centering runs on the CPU backend)";
  RANDLA_EXPECTS(!o.estimate_error, "estimate_error")
      << "Expected estimate_error = false on the CUDA backend but received true (it runs on the CPU backend)";
}

template <class V>
void expect_shape(const V& A, const char* argument) {
  RANDLA_EXPECTS_CODE(A.rows >= 1 && A.cols >= 1, ErrorCode::Shape, argument)
      << "Expected at least 1 row and 1 column for " << argument << " but received " << A.rows << " x " << A.cols;
  RANDLA_EXPECTS(A.data != nullptr, argument) << "Expected data for " << argument << " but received a null pointer";
  const std::int64_t min_ld = A.layout == Layout::ColMajor ? A.rows : A.cols;
  RANDLA_EXPECTS_CODE(A.ld >= min_ld, ErrorCode::Shape, argument)
      << "Expected a leading dimension >= " << min_ld << " for " << argument << " but received " << A.ld;
  dim(A.rows, "rows");
  dim(A.cols, "cols");
  dim(A.ld, "leading dimension");
}

// The storage-order index of the first NaN/Inf (the CPU's expect_finite reports the same entry).
// Blocks stride over the stored lines, threads along a line: coalesced, and no 64-bit division
// per entry (with one, the scan of a 4 GB f32 A took 2.7 ms; now 1.8 ms, docs/gpu.md).
template <class T>
__global__ void first_non_finite(const T* a, std::int64_t ld, std::int64_t inner, std::int64_t outer,
                                 unsigned long long* first) {
  for (std::int64_t o = blockIdx.x; o < outer; o += gridDim.x) {
    const T* line = a + o * ld;
    for (std::int64_t i = threadIdx.x; i < inner; i += blockDim.x)
      if (!isfinite(line[i])) atomicMin(first, static_cast<unsigned long long>(o * inner + i));
  }
}

template <class T>
void expect_finite(const Context& c, DeviceMatrixView<const T> A, const char* argument) {
  const bool col_major = A.layout == Layout::ColMajor;
  const std::int64_t outer = col_major ? A.cols : A.rows, inner = col_major ? A.rows : A.cols;
  DeviceBlock<unsigned long long> first(c, 1, 1);
  const unsigned long long none = ~0ull;
  RANDLA_CUDA_CHECK(cudaMemcpyAsync(first.data(), &none, sizeof none, cudaMemcpyHostToDevice, c.state().stream));
  const unsigned blocks = static_cast<unsigned>(std::min<std::int64_t>(outer, 65535 * 8));
  first_non_finite<T><<<blocks, 256, 0, c.state().stream>>>(A.data, A.ld, inner, outer, first.data());
  detail::check_launch("first_non_finite kernel");
  unsigned long long bad = none;
  RANDLA_CUDA_CHECK(cudaMemcpyAsync(&bad, first.data(), sizeof bad, cudaMemcpyDeviceToHost, c.state().stream));
  RANDLA_CUDA_CHECK(cudaStreamSynchronize(c.state().stream));
  if (bad == none) return;
  const auto e = static_cast<std::int64_t>(bad);
  const std::int64_t o = e / inner, i = e % inner;
  T value{};
  RANDLA_CUDA_CHECK(cudaMemcpyAsync(&value, A.data + o * A.ld + i, sizeof value, cudaMemcpyDeviceToHost, c.state().stream));
  RANDLA_CUDA_CHECK(cudaStreamSynchronize(c.state().stream));
  randla::detail::throw_not_finite(argument, static_cast<double>(value), col_major ? i : o, col_major ? o : i);
}

// The working orientation W (m x n) as cuBLAS sees it: col-major storage S and whether W = Sᵀ.
template <class T>
struct Working {
  const T* data;
  int ld;
  bool transposed;
  std::int64_t m, n;
};

// out (rows x cols, col-major) = in (cols x rows, col-major)ᵀ through a shared tile.
template <class T>
__global__ void transpose(const T* in, std::int64_t rows, std::int64_t cols, T* out) {
  __shared__ T tile[32][33];  // one padding column: no bank conflicts on the transposed read
  const std::int64_t r0 = blockIdx.x * std::int64_t{32}, c0 = blockIdx.y * std::int64_t{32};
  for (int dc = threadIdx.y; dc < 32; dc += blockDim.y) {
    const std::int64_t r = r0 + threadIdx.x, col = c0 + dc;
    if (r < rows && col < cols) tile[dc][threadIdx.x] = in[col + r * cols];
  }
  __syncthreads();
  for (int dr = threadIdx.y; dr < 32; dr += blockDim.y) {
    const std::int64_t r = r0 + dr, col = c0 + threadIdx.x;
    if (r < rows && col < cols) out[r + col * rows] = tile[threadIdx.x][dr];
  }
}

// out = W·X (X n x l) or Wᵀ·X (X m x l): one pass over A, cuBLAS's N·N or T·N case. One
// exception, measured on an H200 with cuBLAS 13.0 (docs/gpu.md): f32 T·N with the long side
// first (W = Sᵀ, a row-major A) runs at 30 TFLOP/s where its transposed twin Outᵀ = Xᵀ·S
// (also T·N, the short side first) runs at 44; the twin is computed and transposed back
// (l x m, a few µs). For f64 the direct form is the faster one.
template <class T>
void apply(const Context& c, const Working<T>& W, bool transpose_a, const DeviceBlock<T>& X, DeviceBlock<T>& out) {
  const std::int64_t rows = transpose_a ? W.n : W.m, inner = transpose_a ? W.m : W.n;
  const bool op_t = transpose_a != W.transposed;
  if (std::is_same_v<T, float> && op_t) {
    DeviceBlock<T> twin(c, X.cols, rows);  // l x rows = outᵀ
    detail::gemm(c, CUBLAS_OP_T, CUBLAS_OP_N, dim(X.cols, "sketch columns"), dim(rows, "A rows"), dim(inner, "A cols"),
                 T(1), X.data(), dim(X.ld(), "ld"), W.data, W.ld, T(0), twin.data(), dim(twin.ld(), "ld"));
    const dim3 tiles(static_cast<unsigned>((rows + 31) / 32), static_cast<unsigned>((X.cols + 31) / 32));
    transpose<T><<<tiles, dim3(32, 8), 0, c.state().stream>>>(twin.data(), rows, X.cols, out.data());
    detail::check_launch("transpose kernel");
    return;
  }
  detail::gemm(c, op_t ? CUBLAS_OP_T : CUBLAS_OP_N, CUBLAS_OP_N, dim(rows, "A rows"), dim(X.cols, "sketch columns"),
               dim(inner, "A cols"), T(1), W.data, W.ld, X.data(), dim(X.ld(), "ld"), T(0), out.data(),
               dim(out.ld(), "ld"));
}

template <class From, class To>
__global__ void convert(const From* in, std::int64_t count, To* out) {
  for (std::int64_t e = blockIdx.x * std::int64_t{blockDim.x} + threadIdx.x; e < count;
       e += std::int64_t{gridDim.x} * blockDim.x)
    out[e] = static_cast<To>(in[e]);
}

template <class From, class To>
void convert_block(const Context& c, const DeviceBlock<From>& in, DeviceBlock<To>& out) {
  const std::int64_t count = in.rows * in.cols;
  convert<From, To><<<grid_for(count), 256, 0, c.state().stream>>>(in.data(), count, out.data());
  detail::check_launch("convert kernel");
}

// The sign rule (scikit-learn svd_flip, u-based): per column of `left` (rows x k, col-major), the
// entry of largest |.|, the first such on ties, decides; sign[j] = −1 when it is negative. One
// block per column; ties resolve to the smaller index in every reduction step, as the CPU's scan.
template <class T>
__global__ void column_signs(const T* left, std::int64_t rows, T* sign) {
  __shared__ double best_value[256];
  __shared__ std::int64_t best_index[256];
  const T* col = left + blockIdx.x * rows;
  double best = -1;
  std::int64_t arg = 0;
  for (std::int64_t i = threadIdx.x; i < rows; i += blockDim.x) {
    const double v = fabs(static_cast<double>(col[i]));
    if (v > best) {  // strict: the first index wins among equal values of this thread
      best = v;
      arg = i;
    }
  }
  best_value[threadIdx.x] = best;
  best_index[threadIdx.x] = arg;
  __syncthreads();
  for (unsigned half = blockDim.x / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) {
      const double v = best_value[threadIdx.x + half];
      const std::int64_t i = best_index[threadIdx.x + half];
      if (v > best_value[threadIdx.x] || (v == best_value[threadIdx.x] && i < best_index[threadIdx.x])) {
        best_value[threadIdx.x] = v;
        best_index[threadIdx.x] = i;
      }
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) sign[blockIdx.x] = col[best_index[0]] < T(0) ? T(-1) : T(1);
}

// out (rows x k, row-major) = left (rows x k, col-major) with column j times sign[j]: a transpose
// through a shared tile, so both the reads and the writes are coalesced.
template <class T>
__global__ void signed_transpose(const T* left, std::int64_t rows, int k, const T* sign, T* out) {
  __shared__ T tile[32][33];  // one padding column: no bank conflicts on the transposed read
  const std::int64_t i0 = blockIdx.x * std::int64_t{32};
  const int j0 = blockIdx.y * 32;
  for (int dj = threadIdx.y; dj < 32; dj += blockDim.y) {
    const std::int64_t i = i0 + threadIdx.x;
    const int j = j0 + dj;
    if (i < rows && j < k) tile[dj][threadIdx.x] = left[i + j * rows] * sign[j];
  }
  __syncthreads();
  for (int di = threadIdx.y; di < 32; di += blockDim.y) {
    const std::int64_t i = i0 + di;
    const int j = j0 + threadIdx.x;
    if (i < rows && j < k) out[i * k + j] = tile[threadIdx.x][di];
  }
}

// out (k x cols, row-major) = right (cols x k, col-major) with column j times sign[j]: the same
// memory order, so a plain scaling.
template <class T>
__global__ void signed_copy(const T* right, std::int64_t cols, std::int64_t k, const T* sign, T* out) {
  for (std::int64_t e = blockIdx.x * std::int64_t{blockDim.x} + threadIdx.x; e < cols * k;
       e += std::int64_t{gridDim.x} * blockDim.x)
    out[e] = right[e] * sign[e / cols];
}

// Synchronizes before reporting a pass when someone listens, so that progress and abort see the
// pass done; without a listener the stream runs ahead.
void report_pass(const Context& c, const RunControl& control, PassCounter& passes) {
  if (control.progress || control.cancel) RANDLA_CUDA_CHECK(cudaStreamSynchronize(c.state().stream));
  passes.pass();
}

template <class T>
DeviceRsvdResult<T> rsvd_on_device(const Context& c, DeviceMatrixView<const T> A, const RsvdOptions& o,
                                   const RunControl& control) {
  const std::int64_t rows = A.rows, cols = A.cols;
  const std::int64_t min_dim = std::min(rows, cols);
  if (o.check_finite) expect_finite(c, A, "A");
  const std::int64_t q = o.power_iters >= 0 ? o.power_iters : auto_power_iters(o.rank, rows, cols);
  const Normalizer normalizer = resolve_normalizer(o.normalizer, q);

  // Orientation (the CPU's rule) and the storage behind it: a row-major A is the col-major Aᵀ.
  const bool wide = o.transpose == Transpose::Auto ? rows < cols : o.transpose == Transpose::Yes;
  const bool col_major = A.layout == Layout::ColMajor;
  Working<T> W{A.data, dim(A.ld, "leading dimension"), col_major ? wide : !wide, wide ? cols : rows,
               wide ? rows : cols};
  const std::int64_t m = W.m, n = W.n, k = o.rank;
  const std::int64_t l = std::min(o.rank + o.oversamples, min_dim);
  PassCounter passes(control, static_cast<int>(2 * q + 2));

  // Ω (n x l): stream 0, block 0 of the seed (docs/rng.md), generated in place.
  TestMatrixSpec spec;
  spec.kind = o.test_matrix;
  spec.seed = o.seed;
  spec.stream = Stream::RangeFinder;
  spec.rows = n;
  spec.cols = l;
  spec.nnz = o.sparse_nnz;
  DeviceBlock<T> Y(c, m, l), Z(c, n, l);
  {
    DeviceBlock<T> omega(c, n, l);
    fill_test_matrix<T>(c, {omega.data(), n, l, omega.ld(), Layout::ColMajor}, spec);
    apply(c, W, false, omega, Y);
  }
  report_pass(c, control, passes);
  for (std::int64_t it = 0; it < q; ++it) {
    detail::normalize(c, Y, normalizer);
    apply(c, W, true, Y, Z);
    report_pass(c, control, passes);
    detail::normalize(c, Z, normalizer);
    apply(c, W, false, Z, Y);
    report_pass(c, control, passes);
  }
  // The basis: CholeskyQR2 with its Householder fallbacks, whatever the normalizer (as the CPU).
  detail::normalize(c, Y, Normalizer::CholQR2);
  DeviceBlock<T>& Q = Y;
  DeviceBlock<T>& Bt = Z;  // Bᵀ = WᵀQ (n x l)
  apply(c, W, true, Q, Bt);
  report_pass(c, control, passes);

  // Small SVD in f64: Bᵀ = Q_B·R (on the device), R = W_R·diag(s)·Z_Rᵀ (host gesdd, l x l), so
  // Bᵀ = (Q_B·W_R)·diag(s)·Z_Rᵀ and A ≈ (Q·Z_R)·diag(s)·(Q_B·W_R)ᵀ.
  DeviceBlock<double> bt64;
  if constexpr (std::is_same_v<T, double>) {
    bt64.swap(Bt);
  } else {
    bt64 = DeviceBlock<double>(c, n, l);
    convert_block(c, Bt, bt64);
    Bt = DeviceBlock<T>();
  }
  const int n32 = dim(n, "n"), l32 = dim(l, "l");
  {
    // Q_B by CholeskyQR2 with its Householder fallbacks (orthonormal to O(u), normalize.cu), then
    // R = Q_Bᵀ·Bᵀ, so Bᵀ = Q_B·R to O(u‖B‖): all products, where cuSOLVER's Householder QR
    // (geqrf + orgqr) is a chain of panel factorizations (3.0 ms at 100000 x 60 in f64 on an
    // H200, against 0.4 ms for CholeskyQR2's pieces, docs/gpu.md).
    DeviceBlock<double> qb(c, n, l);
    RANDLA_CUDA_CHECK(cudaMemcpyAsync(qb.data(), bt64.data(), static_cast<std::size_t>(n * l) * sizeof(double),
                                      cudaMemcpyDeviceToDevice, c.state().stream));
    detail::normalize(c, qb, Normalizer::CholQR2);
    DeviceBlock<double> r_device(c, l, l);
    detail::gemm(c, CUBLAS_OP_T, CUBLAS_OP_N, l32, l32, n32, 1.0, qb.data(), n32, bt64.data(), n32, 0.0,
                 r_device.data(), l32);
    bt64.swap(qb);  // from here on bt64 holds Q_B
    DenseMatrix<double> R(l, l);
    detail::copy_to_host(c, R.data.data(), r_device.data(), R.data.size() * sizeof(double));
    const ThinSvd svd = thin_svd(R);
    // V_tall = Q_B·W_R[:, :k] (n x k, f64), then in T; U_tall = Q·Z_R[:, :k] (m x k, in T).
    DeviceBlock<double> wk(c, l, k), v64(c, n, k);
    detail::copy_to_device(c, wk.data(), svd.W.data(), static_cast<std::size_t>(l * k) * sizeof(double), 1,
                           static_cast<std::size_t>(l * k) * sizeof(double));
    detail::gemm(c, CUBLAS_OP_N, CUBLAS_OP_N, n32, dim(k, "k"), l32, 1.0, bt64.data(), n32, wk.data(), l32, 0.0,
                 v64.data(), n32);
    std::vector<T> zk(static_cast<std::size_t>(l * k));
    for (std::int64_t j = 0; j < k; ++j)
      for (std::int64_t i = 0; i < l; ++i)
        zk[static_cast<std::size_t>(i + j * l)] = static_cast<T>(svd.Z[static_cast<std::size_t>(i + j * l)]);
    DeviceBlock<T> z(c, l, k), u_tall(c, m, k);
    detail::copy_to_device(c, z.data(), zk.data(), zk.size() * sizeof(T), 1, zk.size() * sizeof(T));
    detail::gemm(c, CUBLAS_OP_N, CUBLAS_OP_N, dim(m, "m"), dim(k, "k"), l32, T(1), Q.data(), dim(Q.ld(), "ld"),
                 z.data(), l32, T(0), u_tall.data(), dim(m, "m"));
    DeviceBlock<T> v_tall;
    if constexpr (std::is_same_v<T, double>) {
      v_tall.swap(v64);
    } else {
      v_tall = DeviceBlock<T>(c, n, k);
      convert_block(c, v64, v_tall);
    }

    DeviceRsvdResult<T> r;
    r.rows = rows;
    r.cols = cols;
    r.rank = k;
    r.S.assign(svd.S.begin(), svd.S.begin() + k);
    r.power_iters = q;
    r.normalizer = normalizer;
    // For a wide A the factors of Aᵀ swap: U = V_tall, V = U_tall.
    const DeviceBlock<T>& left = wide ? v_tall : u_tall;
    const DeviceBlock<T>& right = wide ? u_tall : v_tall;
    DeviceBlock<T> sign(c, k, 1);
    column_signs<T><<<static_cast<unsigned>(k), 256, 0, c.state().stream>>>(left.data(), rows, sign.data());
    detail::check_launch("column_signs kernel");
    if (o.compute_u) {
      r.U = DeviceArray<T>(c, static_cast<std::size_t>(rows * k));
      const dim3 tiles(static_cast<unsigned>((rows + 31) / 32), static_cast<unsigned>((k + 31) / 32));
      signed_transpose<T><<<tiles, dim3(32, 8), 0, c.state().stream>>>(left.data(), rows, static_cast<int>(k),
                                                                         sign.data(), r.U.data());
      detail::check_launch("signed_transpose kernel");
    }
    if (o.compute_v) {
      r.Vt = DeviceArray<T>(c, static_cast<std::size_t>(k * cols));
      signed_copy<T><<<grid_for(k * cols), 256, 0, c.state().stream>>>(right.data(), cols, k, sign.data(), r.Vt.data());
      detail::check_launch("signed_copy kernel");
    }
    RANDLA_CUDA_CHECK(cudaStreamSynchronize(c.state().stream));
    return r;
  }
}

template <class T>
DeviceRsvdResult<T> guarded(const Context& c, DeviceMatrixView<const T> A, const RsvdOptions& o,
                            const RunControl& control) {
  try {
    return rsvd_on_device(c, A, o, control);
  } catch (const std::bad_alloc&) {
    throw Error(ErrorCode::OutOfMemory,
                "Out of memory: randomized SVD of a " + std::to_string(A.rows) + " x " + std::to_string(A.cols) +
                    " matrix needs more host memory than is available",
                "A");
  }
}

}  // namespace

template <class T>
DeviceRsvdResult<T> rsvd_device(const Context& c, DeviceMatrixView<const T> A, const RsvdOptions& o,
                                const RunControl& control) {
  expect_shape(A, "A");
  expect_options(o, A.rows, A.cols);
  RANDLA_EXPECTS(detail::is_device_pointer(c, A.data), "A")
      << "Expected memory of device " << c.device() << " for A but received a host pointer or another device's memory";
  detail::DeviceGuard guard(c.device());
  return guarded(c, A, o, control);
}

template <class T>
RsvdResult<T> rsvd(const Context& c, DeviceMatrixView<const T> A, const RsvdOptions& o, const RunControl& control) {
  DeviceRsvdResult<T> d = rsvd_device(c, A, o, control);
  RsvdResult<T> r;
  r.rows = d.rows;
  r.cols = d.cols;
  r.rank = d.rank;
  r.S = std::move(d.S);
  r.power_iters = d.power_iters;
  r.normalizer = d.normalizer;
  if (d.U.size() > 0) r.U = to_host(c, d.U.data(), d.U.size());
  if (d.Vt.size() > 0) r.Vt = to_host(c, d.Vt.data(), d.Vt.size());
  return r;
}

template <class T>
RsvdResult<T> rsvd(const Context& c, MatrixView<const T> A, const RsvdOptions& o, const RunControl& control) {
  expect_shape(A, "A");
  expect_options(o, A.rows, A.cols);
  detail::DeviceGuard guard(c.device());
  // One copy of the stored rectangle, packed (ld = the stored inner size) on the device.
  const bool col_major = A.layout == Layout::ColMajor;
  const std::int64_t inner = col_major ? A.rows : A.cols, outer = col_major ? A.cols : A.rows;
  DeviceArray<T> copy(c, static_cast<std::size_t>(inner * outer));
  detail::copy_to_device(c, copy.data(), A.data, static_cast<std::size_t>(inner) * sizeof(T),
                         static_cast<std::size_t>(outer), static_cast<std::size_t>(A.ld) * sizeof(T));
  return rsvd<T>(c, DeviceMatrixView<const T>{copy.data(), A.rows, A.cols, inner, A.layout}, o, control);
}

template DeviceRsvdResult<float> rsvd_device<float>(const Context&, DeviceMatrixView<const float>, const RsvdOptions&,
                                                    const RunControl&);
template DeviceRsvdResult<double> rsvd_device<double>(const Context&, DeviceMatrixView<const double>,
                                                      const RsvdOptions&, const RunControl&);
template RsvdResult<float> rsvd<float>(const Context&, DeviceMatrixView<const float>, const RsvdOptions&,
                                       const RunControl&);
template RsvdResult<double> rsvd<double>(const Context&, DeviceMatrixView<const double>, const RsvdOptions&,
                                         const RunControl&);
template RsvdResult<float> rsvd<float>(const Context&, MatrixView<const float>, const RsvdOptions&, const RunControl&);
template RsvdResult<double> rsvd<double>(const Context&, MatrixView<const double>, const RsvdOptions&,
                                         const RunControl&);

}  // namespace randla::cuda
