// Re-normalisation of sample blocks between power iterations on the device (docs/algorithms/
// rsvd.md; Halko, Martinsson, Tropp 2011, Alg. 4.4): Householder QR (cuSOLVER geqrf + orgqr);
// LU with partial pivoting, P·L (getrf, as the CPU backend, scikit-learn and fbpca); CholeskyQR2
// (Yamamoto, Nakatsukasa, Yanagisawa, Fukaya, ETNA 2015: Gram product + potrf + trsm) with the shifted
// CholeskyQR3 of Fukaya, Kannan, Nakatsukasa, Zhang, Yanagisawa, SISC 2020, Alg. 4.2, and
// Householder QR when a Cholesky still fails. Deviation from cuML: LU pivots (docs/gpu.md says
// why); the last CholeskyQR step multiplies by the explicit R⁻¹ like the CPU.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <vector>

#include "cuda/device_blas.cuh"
#include "cuda/normalize.cuh"

namespace randla::cuda::detail {
namespace {

// Workspace of one factorization, from the context's scratch pool.
template <class T>
struct Work {
  DeviceBlock<T> work;
  DeviceBlock<int> info;
  Work(const Context& c, std::int64_t elements) : work(c, std::max<std::int64_t>(1, elements), 1), info(c, 2, 1) {}
};

template <class T>
__global__ void set_identity(T* a, int n) {
  for (std::int64_t e = blockIdx.x * std::int64_t{blockDim.x} + threadIdx.x; e < std::int64_t{n} * n;
       e += std::int64_t{gridDim.x} * blockDim.x)
    a[e] = (e % n == e / n) ? T(1) : T(0);
}

// The unit lower trapezoidal L from getrf's packed output: zero above the diagonal, one on it.
// `top` = min(m, n): only those rows hold entries of U.
template <class T>
__global__ void unit_lower(T* y, std::int64_t m, int n, std::int64_t top) {
  for (std::int64_t e = blockIdx.x * std::int64_t{blockDim.x} + threadIdx.x; e < top * n;
       e += std::int64_t{gridDim.x} * blockDim.x) {
    const std::int64_t j = e / top, i = e - j * top;
    if (i < j) y[i + j * m] = T(0);
    else if (i == j) y[i + j * m] = T(1);
  }
}

// rows[r] of Y (m x n) -> tmp(r, :) and back to their targets: the row permutation of P·L.
template <class T>
__global__ void gather_rows(const T* y, std::int64_t m, int n, const std::int64_t* rows, int count, T* tmp) {
  for (std::int64_t e = blockIdx.x * std::int64_t{blockDim.x} + threadIdx.x; e < std::int64_t{count} * n;
       e += std::int64_t{gridDim.x} * blockDim.x) {
    const std::int64_t j = e / count, r = e - j * count;
    tmp[r + j * count] = y[rows[r] + j * m];
  }
}
template <class T>
__global__ void scatter_rows(T* y, std::int64_t m, int n, const std::int64_t* rows, int count, const T* tmp) {
  for (std::int64_t e = blockIdx.x * std::int64_t{blockDim.x} + threadIdx.x; e < std::int64_t{count} * n;
       e += std::int64_t{gridDim.x} * blockDim.x) {
    const std::int64_t j = e / count, r = e - j * count;
    y[rows[r] + j * m] = tmp[r + j * count];
  }
}

// Y <- P·L of Y = P·L·U (scipy lu(permute_l=True)): same range as Y, half the flops of QR.
template <class T>
void permuted_lower(const Context& c, DeviceBlock<T>& Y) {
  const int m = dim(Y.rows, "rows"), n = dim(Y.cols, "cols");
  const int kmin = std::min(m, n);
  Work<T> w(c, getrf_work(c, m, n, Y.data(), std::max(1, m)));
  DeviceBlock<int> ipiv(c, std::max(1, kmin), 1);
  getrf(c, m, n, Y.data(), std::max(1, m), w.work.data(), ipiv.data(), w.info.data());
  // info > 0 is an exactly singular U, which does not affect L: no error (as on the CPU).
  read_info(c, w.info.data(), "getrf");
  unit_lower<T><<<grid_for(std::int64_t{kmin} * n), 256, 0, c.state().stream>>>(Y.data(), m, n, kmin);
  check_launch("unit_lower kernel");
  // getrf swapped rows i <-> ipiv[i] in order; P·L undoes them in reverse order. Only the rows
  // some swap touched move, so the permutation is worked out on the host over those alone.
  std::vector<int> pivots(static_cast<std::size_t>(kmin));
  copy_to_host(c, pivots.data(), ipiv.data(), pivots.size() * sizeof(int));
  std::map<std::int64_t, std::int64_t> holds;  // row -> the row of L it ends up holding
  auto at = [&](std::int64_t r) -> std::int64_t& { return holds.try_emplace(r, r).first->second; };
  for (int i = kmin - 1; i >= 0; --i) {
    const std::int64_t p = pivots[static_cast<std::size_t>(i)] - 1;
    if (p != i) std::swap(at(i), at(p));
  }
  std::vector<std::int64_t> targets, sources;
  for (const auto& [row, from] : holds)
    if (row != from) {
      targets.push_back(row);
      sources.push_back(from);
    }
  if (targets.empty()) return;
  const int count = static_cast<int>(targets.size());
  DeviceBlock<std::int64_t> index(c, 2 * count, 1);
  std::vector<std::int64_t> both(sources);
  both.insert(both.end(), targets.begin(), targets.end());
  copy_to_device(c, index.data(), both.data(), both.size() * sizeof(std::int64_t), 1, both.size() * sizeof(std::int64_t));
  DeviceBlock<T> tmp(c, count, n);
  gather_rows<T><<<grid_for(std::int64_t{count} * n), 256, 0, c.state().stream>>>(Y.data(), m, n, index.data(), count,
                                                                                   tmp.data());
  check_launch("gather_rows kernel");
  scatter_rows<T><<<grid_for(std::int64_t{count} * n), 256, 0, c.state().stream>>>(Y.data(), m, n,
                                                                                    index.data() + count, count, tmp.data());
  check_launch("scatter_rows kernel");
}

// G = YᵀY (l x l): the only pass over Y besides the division. A gemm, not syrk: on a tall Y
// cuBLAS's syrk is slow (100000 x 60 on an H200: f32 8.0 ms against 0.064 ms for gemm, f64
// 0.67 against 0.043, docs/gpu.md). gemm fills both triangles; potrf reads the upper one.
template <class T>
void gram(const Context& c, const DeviceBlock<T>& Y, DeviceBlock<T>& G) {
  const int m = dim(Y.rows, "rows"), l = dim(Y.cols, "cols");
  gemm(c, CUBLAS_OP_T, CUBLAS_OP_N, l, l, m, T(1), Y.data(), std::max(1, m), Y.data(), std::max(1, m), T(0), G.data(), l);
}

// Y ← Y·R⁻¹ with R the upper Cholesky factor of G (G is overwritten). False, with Y untouched,
// when potrf finds G numerically not positive definite, or, in the `last` step, a pivot R_jj < 1/2
// shows that the previous step did not make Y orthonormal (Y numerically rank deficient): the
// CPU's rule (src/cpu/normalize.cpp). The last step multiplies by the explicit l x l inverse
// (κ(R) ≈ 1 there, so as accurate as the solve, and a plain gemm); earlier steps keep the
// backward-stable triangular solve of the CholeskyQR2 analysis.
template <class T>
bool divide_by_cholesky(const Context& c, DeviceBlock<T>& Y, DeviceBlock<T>& G, bool last) {
  const int m = dim(Y.rows, "rows"), l = dim(Y.cols, "cols");
  Work<T> w(c, potrf_work(c, l, G.data(), l));
  potrf(c, l, G.data(), l, w.work.data(), static_cast<int>(w.work.rows), w.info.data());
  if (read_info(c, w.info.data(), "potrf") > 0) return false;
  if (!last) {
    trsm_right_upper(c, m, l, G.data(), l, Y.data(), std::max(1, m));
    return true;
  }
  std::vector<T> diagonal(static_cast<std::size_t>(l));
  RANDLA_CUDA_CHECK(cudaMemcpy2DAsync(diagonal.data(), sizeof(T), G.data(), (l + 1) * sizeof(T), sizeof(T), l,
                                      cudaMemcpyDeviceToHost, c.state().stream));
  RANDLA_CUDA_CHECK(cudaStreamSynchronize(c.state().stream));
  for (T d : diagonal)
    if (!(d >= T(0.5))) return false;
  DeviceBlock<T> inverse(c, l, l);
  set_identity<T><<<grid_for(std::int64_t{l} * l), 256, 0, c.state().stream>>>(inverse.data(), l);
  check_launch("set_identity kernel");
  trsm_right_upper(c, l, l, G.data(), l, inverse.data(), l);
  DeviceBlock<T> out(c, m, l);
  gemm(c, CUBLAS_OP_N, CUBLAS_OP_N, m, l, l, T(1), Y.data(), std::max(1, m), inverse.data(), l, T(0), out.data(),
       std::max(1, m));
  Y.swap(out);
  return true;
}

template <class T>
bool cholesky_qr_step(const Context& c, DeviceBlock<T>& Y, DeviceBlock<T>& G, bool last) {
  gram(c, Y, G);
  return divide_by_cholesky(c, Y, G, last);
}

// CholeskyQR2, and shifted CholeskyQR3 when the first Gram matrix is not numerically positive
// definite: the CPU's sequence of steps exactly (src/cpu/normalize.cpp), on cuBLAS/cuSOLVER.
template <class T>
void cholesky_qr2(const Context& c, DeviceBlock<T>& Y) {
  if (Y.cols == 0) return;
  const std::int64_t l = Y.cols;
  DeviceBlock<T> G(c, l, l), shifted(c, l, l);
  gram(c, Y, G);
  // potrf overwrites G; the shifted attempt needs the same Gram matrix.
  RANDLA_CUDA_CHECK(cudaMemcpyAsync(shifted.data(), G.data(), static_cast<std::size_t>(l * l) * sizeof(T),
                                    cudaMemcpyDeviceToDevice, c.state().stream));
  if (divide_by_cholesky(c, Y, G, false)) {
    if (!cholesky_qr_step(c, Y, G, true)) householder(c, Y);
    return;
  }
  // Rare path: the l x l shift is worked out on the host.
  std::vector<T> g(static_cast<std::size_t>(l * l));
  copy_to_host(c, g.data(), shifted.data(), g.size() * sizeof(T));
  const double m = static_cast<double>(Y.rows), ld = static_cast<double>(l);
  const double u = std::numeric_limits<T>::epsilon() / 2;  // unit roundoff
  double frobenius_squared = 0;
  for (std::int64_t j = 0; j < l; ++j) frobenius_squared += static_cast<double>(g[static_cast<std::size_t>(j + j * l)]);
  const T shift = static_cast<T>(11 * (m * ld + ld * (ld + 1)) * u * frobenius_squared);
  for (std::int64_t j = 0; j < l; ++j) g[static_cast<std::size_t>(j + j * l)] += shift;
  copy_to_device(c, shifted.data(), g.data(), g.size() * sizeof(T), 1, g.size() * sizeof(T));
  if (!divide_by_cholesky(c, Y, shifted, false) || !cholesky_qr_step(c, Y, G, false) ||
      !cholesky_qr_step(c, Y, G, true))
    householder(c, Y);
}

}  // namespace

template <class T>
void householder(const Context& c, DeviceBlock<T>& Y) {
  const int m = dim(Y.rows, "rows"), n = dim(Y.cols, "cols");
  if (n == 0) return;
  const int lda = std::max(1, m);
  DeviceBlock<T> tau(c, n, 1);
  const int lwork = std::max(geqrf_work(c, m, n, Y.data(), lda), orgqr_work(c, m, n, n, Y.data(), lda, tau.data()));
  Work<T> w(c, lwork);
  geqrf(c, m, n, Y.data(), lda, tau.data(), w.work.data(), lwork, w.info.data());
  orgqr(c, m, n, n, Y.data(), lda, tau.data(), w.work.data(), lwork, w.info.data() + 1);
  int info[2] = {0, 0};
  copy_to_host(c, info, w.info.data(), sizeof info);
  if (info[0] < 0 || info[1] < 0)
    throw Error(ErrorCode::Internal, "geqrf/orgqr: an argument had an illegal value (info " + std::to_string(info[0]) +
                                         ", " + std::to_string(info[1]) + ")");
}

template <class T>
void normalize(const Context& c, DeviceBlock<T>& Y, Normalizer normalizer) {
  RANDLA_EXPECTS_CODE(Y.rows >= Y.cols || normalizer == Normalizer::None, ErrorCode::Shape, "Y")
      << "Expected a block with at least as many rows as columns for Y but received " << Y.rows << " x " << Y.cols;
  switch (normalizer) {
    case Normalizer::QR: householder(c, Y); return;
    case Normalizer::LU: permuted_lower(c, Y); return;
    case Normalizer::CholQR2: cholesky_qr2(c, Y); return;
    case Normalizer::None: return;
    case Normalizer::Auto: break;
  }
  throw Error(ErrorCode::Internal, "normalize: Normalizer::Auto must be resolved first", "normalizer");
}

template void normalize<float>(const Context&, DeviceBlock<float>&, Normalizer);
template void normalize<double>(const Context&, DeviceBlock<double>&, Normalizer);
template void householder<float>(const Context&, DeviceBlock<float>&);
template void householder<double>(const Context&, DeviceBlock<double>&);

}  // namespace randla::cuda::detail
