// Nyström eigendecomposition on the device (docs/algorithms/nystrom.md, docs/gpu.md "Nyström on
// the device"): the sampled columns of the vortical interaction network (Nair & Taira, JFM 2015;
// Taira, Nair & Brunton, JFM 2016 §2) and of the rbf / laplacian kernel matrices generated on the
// device; the psd core of Tropp, Yurtsever, Udell, Cevher 2017, Alg. 3 and the indefinite core
// (C = QR, eigenpairs of R·W_K⁺·Rᵀ) with their n-sized steps on cuBLAS/cuSOLVER and their l x l
// steps on the host through the CPU backend's own cores, so the same seed gives the CPU's answer
// to rounding. The column indices are drawn on the host by the CPU's sampling functions.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <new>
#include <numbers>
#include <numeric>
#include <string>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/roundoff.hpp"
#include "cuda/device_blas.cuh"
#include "cuda/normalize.cuh"

namespace randla::cuda {
namespace {

using detail::DeviceBlock;
using detail::dim;
using detail::grid_for;

// 2π exactly as vortical_network.cpp forms it (2 · π rounded: the scaling by 2 is exact).
constexpr double kTwoPi = 2 * std::numbers::pi;

// ---------------------------------------------------------------------------------------------
// Column kernels. Every arithmetic step is an explicitly rounded intrinsic (__dsub_rn, __dmul_rn,
// __dadd_rn, __dsqrt_rn, __ddiv_rn): nvcc contracts a·b + c into one fma by default, which
// rounds once where the CPU (x86-64 without -mfma, so never contracted) rounds twice. With every
// step rounded as the CPU rounds it, the network's columns are the CPU's bit for bit, and the
// kernels' exponents are too (only exp itself differs, docs/gpu.md).

// A_ij of vortical_network.cpp's entry(), i ≠ j: (α·|Γ_i| + β·|Γ_j|) / (2π·r_ij),
// r_ij = sqrt(ddx² + ddy²), in that operation order.
__device__ __forceinline__ double network_entry(double xi, double yi, double mi, double xj, double yj, double mj,
                                                double alpha, double beta) {
  const double ddx = __dsub_rn(xi, xj);
  const double ddy = __dsub_rn(yi, yj);
  const double r = __dsqrt_rn(__dadd_rn(__dmul_rn(ddx, ddx), __dmul_rn(ddy, ddy)));
  return __ddiv_rn(__dadd_rn(__dmul_rn(alpha, mi), __dmul_rn(beta, mj)), __dmul_rn(kTwoPi, r));
}

// out(:, t) = A[:, idx[t]]: x over rows (grid-stride), y over columns, each column's node read
// once per thread. Coalesced: consecutive threads read consecutive x, y, |Γ| and write
// consecutive rows of one column.
__global__ void network_columns_kernel(const double* x, const double* y, const double* magnitude, double alpha,
                                       double beta, std::int64_t n, const std::int64_t* idx, std::int64_t l,
                                       double* out) {
  for (std::int64_t t = blockIdx.y; t < l; t += gridDim.y) {
    const std::int64_t j = idx[t];
    const double xj = x[j], yj = y[j], mj = magnitude[j];
    double* column = out + t * n;
    for (std::int64_t i = blockIdx.x * std::int64_t{blockDim.x} + threadIdx.x; i < n;
         i += std::int64_t{gridDim.x} * blockDim.x)
      column[i] = i == j ? 0.0 : network_entry(x[i], y[i], magnitude[i], xj, yj, mj, alpha, beta);
  }
}

// KernelOperator::entry: the sum over k = 0 … d − 1 in order, in f64, then exp(−γ·sum). The
// points are packed col-major (n x d) in f64, so point i's coordinate k is p[i + k·n].
__global__ void kernel_columns_kernel(const double* p, std::int64_t n, std::int64_t d, bool rbf, double gamma,
                                      const std::int64_t* idx, std::int64_t l, double* out) {
  for (std::int64_t t = blockIdx.y; t < l; t += gridDim.y) {
    const std::int64_t j = idx[t];
    double* column = out + t * n;
    for (std::int64_t i = blockIdx.x * std::int64_t{blockDim.x} + threadIdx.x; i < n;
         i += std::int64_t{gridDim.x} * blockDim.x) {
      double sum = 0;
      for (std::int64_t k = 0; k < d; ++k) {
        const double diff = __dsub_rn(p[i + k * n], p[j + k * n]);
        sum = __dadd_rn(sum, rbf ? __dmul_rn(diff, diff) : fabs(diff));
      }
      column[i] = exp(__dmul_rn(-gamma, sum));
    }
  }
}

dim3 column_grid(std::int64_t n, std::int64_t l) {
  const std::int64_t per_column = std::min<std::int64_t>((n + 255) / 256, 4096);
  return dim3(static_cast<unsigned>(std::max<std::int64_t>(1, per_column)),
              static_cast<unsigned>(std::clamp<std::int64_t>(l, 1, 65535)));
}

// W(t, j) = C(idx[t], j): the rows of the sampled columns at the sampled nodes (l x l).
__global__ void gather_rows_kernel(const double* c, std::int64_t n, const std::int64_t* idx, std::int64_t l,
                                   double* w) {
  for (std::int64_t e = blockIdx.x * std::int64_t{blockDim.x} + threadIdx.x; e < l * l;
       e += std::int64_t{gridDim.x} * blockDim.x) {
    const std::int64_t j = e / l, t = e - j * l;
    w[e] = c[idx[t] + j * n];
  }
}

// Y(idx[t], t) += ν: Tropp et al.'s shift of the psd core for the column selector Ω = I[:, S].
__global__ void add_shift_kernel(double* y, std::int64_t n, const std::int64_t* idx, std::int64_t l, double nu) {
  for (std::int64_t t = blockIdx.x * std::int64_t{blockDim.x} + threadIdx.x; t < l;
       t += std::int64_t{gridDim.x} * blockDim.x)
    y[idx[t] + t * n] += nu;
}

// The CPU's sign rule (nystrom.cpp, canonical): each column's first largest-|.| entry made
// positive. One block per column; ties go to the smaller row, as the CPU's strict '>' scan.
__global__ void fix_signs_kernel(double* v, std::int64_t n) {
  __shared__ double best_abs[256];
  __shared__ std::int64_t best_row[256];
  double* column = v + blockIdx.x * n;
  double a = -1;
  std::int64_t row = 0;
  for (std::int64_t i = threadIdx.x; i < n; i += blockDim.x) {
    const double f = fabs(column[i]);
    if (f > a) {
      a = f;
      row = i;
    }
  }
  best_abs[threadIdx.x] = a;
  best_row[threadIdx.x] = row;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      const double o = best_abs[threadIdx.x + s];
      const std::int64_t orow = best_row[threadIdx.x + s];
      if (o > best_abs[threadIdx.x] || (o == best_abs[threadIdx.x] && orow < best_row[threadIdx.x])) {
        best_abs[threadIdx.x] = o;
        best_row[threadIdx.x] = orow;
      }
    }
    __syncthreads();
  }
  const double sign = column[best_row[0]] < 0 ? -1.0 : 1.0;
  __syncthreads();
  if (sign < 0)
    for (std::int64_t i = threadIdx.x; i < n; i += blockDim.x) column[i] = -column[i];
}

// ---------------------------------------------------------------------------------------------
// The two column sources, uploaded once per call.

template <class T>
void upload(const Context& c, DeviceBlock<T>& block, const std::vector<T>& host) {
  const std::size_t bytes = host.size() * sizeof(T);
  if (bytes > 0) detail::copy_to_device(c, block.data(), host.data(), bytes, 1, bytes);
}

template <class T>
DeviceBlock<T> to_block(const Context& c, const std::vector<T>& host) {
  DeviceBlock<T> block(c, std::max<std::int64_t>(1, static_cast<std::int64_t>(host.size())), 1);
  upload(c, block, host);
  return block;
}

void expect_indices(const std::vector<std::int64_t>& idx, std::int64_t n, const char* what) {
  for (std::size_t t = 0; t < idx.size(); ++t)
    RANDLA_EXPECTS(idx[t] >= 0 && idx[t] < n, "indices")
        << "Expected " << what << " indices in [0, " << n << ") for indices but received " << idx[t] << " at position "
        << t;
}

class DeviceNetwork {
 public:
  DeviceNetwork(const Context& c, const VorticalNetwork& network)
      : n_(network.size()), alpha_(network.alpha()), beta_(1 - network.alpha()) {
    const DenseMatrix<double>& coords = network.coords();
    std::vector<double> x(coords.col(0), coords.col(0) + n_), y(coords.col(1), coords.col(1) + n_), m(network.circulation());
    for (double& v : m) v = std::abs(v);  // |Γ_i|, as the CPU keeps it (exact)
    x_ = to_block(c, x);
    y_ = to_block(c, y);
    magnitude_ = to_block(c, m);
  }
  std::int64_t size() const { return n_; }
  bool known_psd() const { return false; }
  void columns(const Context& c, const std::int64_t* idx, std::int64_t l, double* out) const {
    if (l == 0) return;
    network_columns_kernel<<<column_grid(n_, l), 256, 0, c.state().stream>>>(x_.data(), y_.data(), magnitude_.data(),
                                                                            alpha_, beta_, n_, idx, l, out);
    detail::check_launch("network_columns kernel");
  }

 private:
  std::int64_t n_;
  double alpha_, beta_;
  DeviceBlock<double> x_, y_, magnitude_;
};

class DeviceKernel {
 public:
  template <class T>
  DeviceKernel(const Context& c, KernelKind kind, MatrixView<const T> points, double gamma)
      : n_(points.rows), d_(points.cols), rbf_(kind == KernelKind::Rbf), gamma_(gamma) {
    // The CPU operator's own checks (kind, γ, shape, NaN/Inf in the points), same messages.
    const KernelOperator<T> check(kind, points, gamma);
    std::vector<double> packed(static_cast<std::size_t>(n_ * d_));
    for (std::int64_t k = 0; k < d_; ++k)
      for (std::int64_t i = 0; i < n_; ++i) packed[static_cast<std::size_t>(i + k * n_)] = static_cast<double>(points(i, k));
    points_ = to_block(c, packed);
  }
  std::int64_t size() const { return n_; }
  bool known_psd() const { return true; }
  void columns(const Context& c, const std::int64_t* idx, std::int64_t l, double* out) const {
    if (l == 0) return;
    kernel_columns_kernel<<<column_grid(n_, l), 256, 0, c.state().stream>>>(points_.data(), n_, d_, rbf_, gamma_, idx,
                                                                           l, out);
    detail::check_launch("kernel_columns kernel");
  }

 private:
  std::int64_t n_, d_;
  bool rbf_;
  double gamma_;
  DeviceBlock<double> points_;
};

template <class Source>
DenseMatrix<double> columns_to_host(const Context& c, const Source& A, const std::vector<std::int64_t>& idx) {
  const std::int64_t n = A.size(), l = static_cast<std::int64_t>(idx.size());
  DenseMatrix<double> out(n, l);
  if (l == 0) return out;
  const DeviceBlock<std::int64_t> index = to_block(c, idx);
  DeviceBlock<double> C(c, n, l);
  A.columns(c, index.data(), l, C.data());
  detail::copy_to_host(c, out.data.data(), C.data(), out.data.size() * sizeof(double));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The driver.

// The options the CPU's nystrom() accepts (its own checks, checked_nystrom_sizes), less what the
// device does not do: RPCholesky and gaussian sampling, the scaled core.
NystromSizes expect_options(const NystromOptions& o, std::int64_t n) {
  const NystromSizes sizes = checked_nystrom_sizes(n, o);
  RANDLA_EXPECTS(o.sampling == NystromSampling::Uniform || o.sampling == NystromSampling::QuasiUniform,
                 "options.sampling")
      << "Expected 'uniform' or 'quasi-uniform' for options.sampling on the CUDA backend (the others run on the CPU "
         "backend) but received '"
      << nystrom_sampling_name(o.sampling) << "'";
  RANDLA_EXPECTS(o.method != NystromMethod::Scaled, "options.method")
      << "Expected 'auto', 'indefinite' or 'psd' for options.method on the CUDA backend (scaled runs on the CPU "
         "backend) but received 'scaled'";
  return sizes;
}

// An orthonormal basis of the columns of C (n x l, on the device) and R = QᵀC (l x l, on the
// host), so C = Q·R to O(u‖C‖): CholeskyQR2 with its shifted-CholeskyQR3 and Householder
// fallbacks (normalize.cu), all products, where cuSOLVER's geqrf + orgqr is a chain of panel
// factorizations (docs/gpu.md). R need not be triangular: the cores only use C = Q·R.
DenseMatrix<double> orthonormal_basis(const Context& c, const DeviceBlock<double>& C, DeviceBlock<double>& Q) {
  const std::int64_t n = C.rows, l = C.cols;
  Q = DeviceBlock<double>(c, n, l);
  RANDLA_CUDA_CHECK(cudaMemcpyAsync(Q.data(), C.data(), static_cast<std::size_t>(n * l) * sizeof(double),
                                    cudaMemcpyDeviceToDevice, c.state().stream));
  detail::normalize(c, Q, Normalizer::CholQR2);
  const int n32 = dim(n, "n"), l32 = dim(l, "l");
  DeviceBlock<double> r_device(c, l, l);
  detail::gemm(c, CUBLAS_OP_T, CUBLAS_OP_N, l32, l32, n32, 1.0, Q.data(), n32, C.data(), n32, 0.0, r_device.data(), l32);
  DenseMatrix<double> R(l, l);
  detail::copy_to_host(c, R.data.data(), r_device.data(), R.data.size() * sizeof(double));
  return R;
}

// The indefinite core: with C = Q·R, C·W_K⁺·Cᵀ = Q·(R·W_K⁺·Rᵀ)·Qᵀ. The CPU's core run on the
// l x l R (its Householder QR of R = Q₂·R₂ and eigenpairs (λ, V_M) of R₂·W_K⁺·R₂ᵀ) returns the
// small vectors Q₂·V_M (the `wanted` = r of largest |λ|); the n x r eigenvectors are Q·Q₂·V_M,
// formed by the caller.
NystromPairs indefinite_core(const Context& c, const DeviceBlock<double>& C, const std::vector<double>& w,
                             const DenseMatrix<double>& V, std::int64_t core_rank, double tau, std::int64_t wanted,
                             DeviceBlock<double>& Q) {
  const DenseMatrix<double> R = orthonormal_basis(c, C, Q);
  return nystrom_indefinite_core(R, w, V, core_rank, tau, wanted);
}

// Tropp et al. 2017, Alg. 3 with Ω = I[:, S] (nystrom_cores.cpp, nystrom_psd_core): ν from
// ‖C‖_F, Y_ν = C + ν·Ω, B = sym(Ωᵀ·Y_ν) and its Cholesky factor on the host (LAPACK, l x l),
// F = Y_ν·U⁻¹ on the device, then F's thin SVD as F = Q·R_F (device) and R_F's SVD (the CPU's
// factor core on the l x l R_F): λ = max(0, σ² − ν), vectors Q·U_R (formed by the caller).
NystromPairs psd_core(const Context& c, const DeviceBlock<double>& C, const DeviceBlock<std::int64_t>& index,
                      DeviceBlock<double>& Q) {
  const std::int64_t n = C.rows, l = C.cols;
  const int n32 = dim(n, "n"), l32 = dim(l, "l");
  double norm = 0;
  // The Frobenius norm in one call (C is contiguous); cuBLAS's scaled sum differs from the CPU's
  // plain sum of squares by rounding only, which moves ν (a ~u-sized shift) by ~u relative.
  RANDLA_CUDA_CHECK(cublasDnrm2(c.state().blas, dim(n * l, "n*l"), C.data(), 1, &norm));
  const double nu = std::sqrt(static_cast<double>(n)) * kUnitRoundoff * norm;
  DeviceBlock<double> F(c, n, l);
  RANDLA_CUDA_CHECK(cudaMemcpyAsync(F.data(), C.data(), static_cast<std::size_t>(n * l) * sizeof(double),
                                    cudaMemcpyDeviceToDevice, c.state().stream));
  add_shift_kernel<<<grid_for(l), 256, 0, c.state().stream>>>(F.data(), n, index.data(), l, nu);
  detail::check_launch("add_shift kernel");
  DeviceBlock<double> b_device(c, l, l);
  gather_rows_kernel<<<grid_for(l * l), 256, 0, c.state().stream>>>(F.data(), n, index.data(), l, b_device.data());
  detail::check_launch("gather_rows kernel");
  DenseMatrix<double> B(l, l);
  detail::copy_to_host(c, B.data.data(), b_device.data(), B.data.size() * sizeof(double));
  symmetrize(B);
  int info = 0;
  blas::potrf('U', l32, B.data.data(), l32, &info);
  blas::check_info(info, "potrf");
  RANDLA_EXPECTS_CODE(info == 0, ErrorCode::NotPsd, "A")
      << "Expected a positive-semidefinite matrix for A but received one whose shifted Nyström core W + nu*I "
      << "(nu = " << nu << ") has no Cholesky factor (leading minor " << info << ")";
  upload(c, b_device, B.data);
  detail::trsm_right_upper(c, n32, l32, b_device.data(), l32, F.data(), n32);
  const DenseMatrix<double> R = orthonormal_basis(c, F, Q);
  NystromPairs pairs = nystrom_factor_core(R);
  for (double& v : pairs.values) v = std::max(0.0, v - nu);
  return pairs;
}

// The CPU's canonical(): the r pairs of largest |value| (ties: larger value first); the chosen
// small vectors are multiplied by Q on the device and each column's first largest-|.| entry is
// made positive there, so only n x r values come back.
void canonical(const Context& c, const NystromPairs& pairs, const DeviceBlock<double>& Q, std::int64_t r,
               NystromResult& out) {
  const std::int64_t n = Q.rows, l = Q.cols;
  std::vector<std::int64_t> order(pairs.values.size());
  std::iota(order.begin(), order.end(), std::int64_t{0});
  const auto& v = pairs.values;
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    const double fa = std::abs(v[static_cast<std::size_t>(a)]), fb = std::abs(v[static_cast<std::size_t>(b)]);
    return fa != fb ? fa > fb : v[static_cast<std::size_t>(a)] > v[static_cast<std::size_t>(b)];
  });
  const std::int64_t k = std::min<std::int64_t>(r, static_cast<std::int64_t>(order.size()));
  out.values.resize(static_cast<std::size_t>(k));
  out.vectors = DenseMatrix<double>(n, k);
  if (k == 0) return;
  std::vector<double> chosen(static_cast<std::size_t>(l * k));
  for (std::int64_t t = 0; t < k; ++t) {
    const std::int64_t p = order[static_cast<std::size_t>(t)];
    out.values[static_cast<std::size_t>(t)] = v[static_cast<std::size_t>(p)];
    std::copy(pairs.vectors.col(p), pairs.vectors.col(p) + l, chosen.begin() + t * l);
  }
  const DeviceBlock<double> small = to_block(c, chosen);
  DeviceBlock<double> vectors(c, n, k);
  const int n32 = dim(n, "n"), l32 = dim(l, "l"), k32 = dim(k, "rank");
  detail::gemm(c, CUBLAS_OP_N, CUBLAS_OP_N, n32, k32, l32, 1.0, Q.data(), n32, small.data(), l32, 0.0, vectors.data(),
               n32);
  fix_signs_kernel<<<static_cast<unsigned>(k), 256, 0, c.state().stream>>>(vectors.data(), n);
  detail::check_launch("fix_signs kernel");
  detail::copy_to_host(c, out.vectors.data.data(), vectors.data(), out.vectors.data.size() * sizeof(double));
}

// The CPU's nystrom() (nystrom.cpp) for uniform and quasi-uniform sampling, step for step.
template <class Source>
NystromResult nystrom_on_device(const Context& c, const Source& A, const NystromOptions& o, const NystromSizes& z,
                                const RunControl& control) {
  const std::int64_t n = A.size();
  const std::int64_t l = z.columns, r = z.rank, core_rank = z.core_rank;
  const double tau = z.tau;

  PassCounter passes(control, static_cast<int>(l));
  NystromResult result;
  result.indices = o.sampling == NystromSampling::Uniform ? uniform_columns(n, l, o.seed)
                                                          : quasi_uniform_columns(o.coords, l, o.seed);
  result.columns = static_cast<std::int64_t>(result.indices.size());
  const DeviceBlock<std::int64_t> index = to_block(c, result.indices);
  DeviceBlock<double> C(c, n, l);
  // The columns are finite by construction (distinct grid cells are never at distance 0; exp of
  // a finite non-positive number is in [0, 1]; inputs are checked): no scan, unlike the CPU's
  // generic SymmetricOperator path.
  A.columns(c, index.data(), l, C.data());
  if (control.progress || control.cancel) RANDLA_CUDA_CHECK(cudaStreamSynchronize(c.state().stream));
  passes.pass(static_cast<int>(l));

  // W = sym(C[S, :]) on the host (l x l) and, unless A is psd by construction, its eigenpairs.
  DenseMatrix<double> W(l, l);
  {
    DeviceBlock<double> w_device(c, l, l);
    gather_rows_kernel<<<grid_for(l * l), 256, 0, c.state().stream>>>(C.data(), n, index.data(), l, w_device.data());
    detail::check_launch("gather_rows kernel");
    detail::copy_to_host(c, W.data.data(), w_device.data(), W.data.size() * sizeof(double));
  }
  symmetrize(W);
  std::vector<double> w;
  DenseMatrix<double> V = W;
  const bool needs_eigen = o.method == NystromMethod::Indefinite || !A.known_psd();
  if (needs_eigen) w = symmetric_eigen(V);

  NystromMethod method = o.method;
  if (method == NystromMethod::Auto || method == NystromMethod::Psd) {
    // The CPU's PSD test on W's eigenvalues (core_eigenvalues_psd); its diagonal half never
    // fails here: both sources' diagonals are non-negative (zeros for the network, ones for the
    // kernels).
    std::string why;
    const bool psd = A.known_psd() || core_eigenvalues_psd(w, tau, why);
    if (method == NystromMethod::Psd) {
      RANDLA_EXPECTS_CODE(psd, ErrorCode::NotPsd, "A")
          << "Expected a positive-semidefinite matrix for A (method 'psd') but received " << why;
    }
    method = psd ? NystromMethod::Psd : NystromMethod::Indefinite;
  }
  passes.check();
  result.method = method;
  DeviceBlock<double> Q;
  if (method == NystromMethod::Psd) {
    try {
      const NystromPairs pairs = psd_core(c, C, index, Q);
      canonical(c, pairs, Q, r, result);
      return result;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::NotPsd || o.method != NystromMethod::Auto) throw;
      if (w.empty() && l > 0) w = symmetric_eigen(V);
      result.method = NystromMethod::Indefinite;
    }
  }
  const NystromPairs pairs = indefinite_core(c, C, w, V, core_rank, tau, r, Q);
  canonical(c, pairs, Q, r, result);
  return result;
}

template <class Source>
NystromResult guarded(const Context& c, const Source& A, const NystromOptions& o, const NystromSizes& sizes,
                      const RunControl& control) {
  try {
    return nystrom_on_device(c, A, o, sizes, control);
  } catch (const std::bad_alloc&) {
    throw Error(ErrorCode::OutOfMemory,
                "Out of memory: Nystrom with " + std::to_string(o.columns) + " columns of a matrix of size " +
                    std::to_string(A.size()) + " needs more host memory than is available",
                "A");
  }
}

void expect_undirected(const VorticalNetwork& network) {
  RANDLA_EXPECTS_CODE(network.alpha() == 0.5, ErrorCode::NotSymmetric, "A")
      << "Expected the undirected network (alpha = 0.5) for A but received alpha = " << network.alpha();
}

}  // namespace

DenseMatrix<double> network_columns(const Context& c, const VorticalNetwork& network,
                                    const std::vector<std::int64_t>& idx) {
  expect_indices(idx, network.size(), "node");
  detail::DeviceGuard guard(c.device());
  const DeviceNetwork A(c, network);
  return columns_to_host(c, A, idx);
}

template <class T>
DenseMatrix<double> kernel_columns(const Context& c, KernelKind kind, MatrixView<const T> points, double gamma,
                                   const std::vector<std::int64_t>& idx) {
  detail::DeviceGuard guard(c.device());
  const DeviceKernel A(c, kind, points, gamma);
  expect_indices(idx, A.size(), "column");
  return columns_to_host(c, A, idx);
}

NystromResult nystrom_network(const Context& c, const VorticalNetwork& network, const NystromOptions& options,
                              const RunControl& control) {
  expect_undirected(network);
  const NystromSizes sizes = expect_options(options, network.size());
  detail::DeviceGuard guard(c.device());
  const DeviceNetwork A(c, network);
  return guarded(c, A, options, sizes, control);
}

template <class T>
NystromResult nystrom_kernel(const Context& c, KernelKind kind, MatrixView<const T> points, double gamma,
                             const NystromOptions& options, const RunControl& control) {
  detail::DeviceGuard guard(c.device());
  const DeviceKernel A(c, kind, points, gamma);
  const NystromSizes sizes = expect_options(options, A.size());
  return guarded(c, A, options, sizes, control);
}

template DenseMatrix<double> kernel_columns<float>(const Context&, KernelKind, MatrixView<const float>, double,
                                                   const std::vector<std::int64_t>&);
template DenseMatrix<double> kernel_columns<double>(const Context&, KernelKind, MatrixView<const double>, double,
                                                    const std::vector<std::int64_t>&);
template NystromResult nystrom_kernel<float>(const Context&, KernelKind, MatrixView<const float>, double,
                                             const NystromOptions&, const RunControl&);
template NystromResult nystrom_kernel<double>(const Context&, KernelKind, MatrixView<const double>, double,
                                              const NystromOptions&, const RunControl&);

}  // namespace randla::cuda
