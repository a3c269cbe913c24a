// The one place where C++ test tolerances live; every bound derives from the dtype's epsilon.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

namespace randla::test {

template <class T>
constexpr double eps() {
  return std::numeric_limits<T>::epsilon();
}

// Orthonormality ‖QᵀQ − I‖_max of an f64 basis of a few hundred rows: a few thousand ulps.
template <class T>
constexpr double orthonormality() {
  return 4096 * eps<T>();
}
// Relative Frobenius residual of an exactly low-rank matrix: the 1e-10 (f64) and
// 1e-4 (f32) budgets, derived as ~4.5e5 and ~840 epsilons.
template <class T>
constexpr double exact_low_rank_residual() {
  return std::is_same_v<T, double> ? 4.5e5 * eps<double>() : 840 * eps<float>();
}
// Singular values of an exactly low-rank matrix, relative.
template <class T>
constexpr double exact_low_rank_values() {
  return std::is_same_v<T, double> ? 4.5e5 * eps<double>() : 840 * eps<float>();
}

// One entry of a product computed two ways (CSR against BLAS on the densified matrix, or the
// skinny kernels against BLAS), relative to Σ|a||x| over its `terms` terms: each sum carries at
// most terms·u of rounding, and a densified copy one more u for each entry whose repeats were
// added up (u = eps/2).
template <class T>
constexpr double product_entry(std::int64_t terms) {
  return static_cast<double>(terms + 2) * eps<T>();
}
// The same algorithm on two operators for one matrix (CSR and dense): outputs differ only by
// the rounding of the products, amplified by the conditioning of the small SVD. Relative for
// singular values, absolute for entries of the unit singular vectors; the 1e-10 (f64).
template <class T>
constexpr double operators_agree() {
  return std::is_same_v<T, double> ? 4.5e5 * eps<double>() : 840 * eps<float>();
}

// One entry of the SRHT sketch by fast Walsh–Hadamard transform (`stages` = log2 N) against
// A·Ω with Ω materialised, relative to Σ|a|/√l: each output is a sum down a tree of depth
// `stages` (γ_stages), then one scaling and the rounding of 1/√l to T (u = eps/2, so 2× margin).
template <class T>
constexpr double fwht_sketch(int stages) {
  return static_cast<double>(stages + 2) * eps<T>();
}

// Streaming SVD sketches of the same matrix fed in different blocks, orders or partitions (then
// merged) agree to rounding: relative Frobenius difference of the sketches and of what finalize
// returns. f64: the 1e-12 (~4500 eps); f32 blocks are multiplied in f32 (sgemm), so
// sums of a few hundred products differ by ~sqrt(n) eps32.
template <class T>
constexpr double streaming_rounding() {
  return std::is_same_v<T, double> ? 4500 * eps<double>() : 256 * eps<float>();
}

// ‖Y − QQᵀY‖_F / ‖Y‖_F for an orthonormal basis Q of range(Y) (m x l blocks, a few hundred
// rows): rounding in the factorization, O(√(ml)·u) and in practice a few u.
template <class T>
constexpr double range_loss() {
  return 256 * eps<T>();
}
// Singular values from two normalizers that span the same range (cholqr2 vs qr), relative: the
// ranges differ by rounding, amplified by the power iterations' conditioning.
template <class T>
constexpr double normalizer_agreement() {
  return 1e3 * eps<T>();
}

// Singular vectors of an exactly low-rank matrix with well separated singular values, entrywise:
// the same budget as the values (the gaps are O(1) relative, so vectors are as accurate).
template <class T>
constexpr double exact_low_rank_vectors() {
  return exact_low_rank_values<T>();
}

// Acceptance bounds of the randomized SVD, as multiples of the optimal error σ_{k+1} (Eckart–
// Young). Not epsilon-derived: they bound a randomized error, which HMT 2011 (Thm. 10.8, 9.2)
// bounds in expectation; the fixed seeds make each test deterministic.
//   polynomial decay σᵢ = i⁻², k = 20, p = 10: q = 2 (every sketch and normalizer) and q = 0
constexpr double spectral_error_q2 = 1.05;
constexpr double spectral_error_q0 = 3.0;
//   exponential decay σᵢ = e^(−0.25(i−1)), k = 15, p = 5: q = 0 and q = 1
constexpr double spectral_error_exp_q0 = 2.5;
constexpr double spectral_error_exp_q1 = 1.01;

// Fixed accuracy: the indicator E = ‖A‖²_F − ‖B‖²_F against the exact ‖A − QB‖²_F, both over
// ‖A‖²_F. A difference of two sums of squares cancels against ‖A‖²_F, and B = QᵀA is a product
// in T: accurate to a modest multiple of ε whatever tol is.
template <class T>
constexpr double error_indicator() {
  return 1e3 * eps<T>();
}

// Fixed accuracy (randQB_EI): the chosen rank may exceed the smallest rank that meets tol (the
// truncated SVD's) by this fraction.
constexpr double fixed_accuracy_rank_slack = 0.10;

// The residual-norm estimate is a lower bound that converges from below: it must reach this
// fraction of the exact ‖R‖₂ with the default iterations...
constexpr double residual_estimate_floor = 0.9;
// ...and exceed ‖R‖₂ only by rounding: the W = A·X − U·C products (cancellation against
// ‖A‖₂, not ‖R‖₂, hence relative to ‖A‖₂).
template <class T>
constexpr double residual_estimate_excess() {
  return 256 * eps<T>();
}

// One vortical-network adjacency entry (α|Γ_i| + (1−α)|Γ_j|)/(2π r_ij) computed in two operation
// orders (hypot against sqrt, one division against two): about six roundings each side, so a
// relative difference of a few eps (the 1e-14 is ~45 eps).
template <class T>
constexpr double vortical_entry() {
  return 16 * eps<T>();
}

// Nyström on an exactly low-rank symmetric matrix (n = 400, rank 20-30): eigenvalues relative
// to |λ₁| and unit eigenvectors (‖v̂ − v‖₂), and the relative Frobenius reconstruction error of
// the scaled core. The 1e-8 (≈ 4.5e7 eps): the cores apply W's pseudo-inverse, which
// amplifies the rounding of the sampled columns by W's condition number (up to ~1e6 here).
template <class T>
constexpr double nystrom_exact() {
  return 4.5e7 * eps<T>();
}
// Kernel columns computed twice (threads, or A·X by blocks against dense gemm on the formed
// kernel): entries in [0, 1], sums of n products, relative to Σ|k||x|.
template <class T>
constexpr double kernel_product(std::int64_t terms) {
  return product_entry<T>(terms);
}
// Statistical acceptance of Nyström sampling quality (not epsilon-derived): RPCholesky's median
// trace error at most this fraction of uniform sampling's on clustered points with outliers.
constexpr double rpcholesky_trace_ratio = 0.5;
// A vortical network of ~1200 nodes with 400 sampled columns: the median relative error of the
// leading (Perron) eigenvalue over seeds (the 3 %; a statistical bound, not rounding).
constexpr double network_perron_median = 0.03;

// CUDA backend against the CPU backend on the same seed (docs/gpu.md): the same passes and the
// same Ω, but other summation orders (cuBLAS against OpenBLAS) and a device QR before the small
// SVD, so the outputs differ by rounding amplified by the conditioning of the small SVD:
// singular values relative, entries of the unit singular vectors absolute. The 1e-10
// (f64) and 1e-4 (f32) on well-conditioned cases.
template <class T>
constexpr double cuda_agrees_with_cpu() {
  return std::is_same_v<T, double> ? 4.5e5 * eps<double>() : 840 * eps<float>();
}
// Gaussian test-matrix entries, device against host, relative: √(−2 ln u1)·cos(2π u2) with the
// device's log (1 ulp) and cos (2 ulp, CUDA Math API) against glibc's (< 1 ulp), sqrt correctly
// rounded on both: at most about 4 ulp apart in f64, and the f32 roundings of two such values
// at most 1 ulp of f32 apart. Every other kind is bit for bit.
template <class T>
constexpr double cuda_gaussian_entry() {
  return 8 * eps<T>();
}

// Kernel-matrix entries on the device against KernelOperator::entry, in ulps: the exponent
// −γ·Σ is the CPU's bit for bit (explicitly rounded steps, docs/gpu.md), and exp(x) is within
// 1 ulp of the exact value on the device (CUDA Math API, double exp) and within 1 ulp with
// glibc, so the two results are at most 2 ulps apart. The network's columns are bit for bit.
constexpr std::int64_t cuda_kernel_entry_ulps = 2;
// GPU Nyström against CPU Nyström on the same seed and the same indices: the eigenvector
// subspaces (sine of the largest principal angle, ‖U_gpu − U_cpu·(U_cpuᵀU_gpu)‖_F, an upper
// bound on it). The two differ by the rounding of the n x l QR (CholeskyQR2 against Householder,
// cuBLAS against OpenBLAS: O(u·κ) in the l x l core), moved by Davis–Kahan's 1 / relative gap
// of the kept eigenvalues; the test cases have relative gaps above 1e-2, so rounding of 1e-13
// stays far below this bound. Eigenvalues use cuda_agrees_with_cpu<double>() (relative).
constexpr double cuda_nystrom_subspace = 1e-8;

// --- Bootstrap error estimation (docs/algorithms/bootstrap.md) ---
// The sketched SVD (LAPACK's SVD of Yᵀ) against a separate LAPACK SVD of Y: singular values
// relative to σ̃₁, and the sine of the angle between the right vectors, which rounding moves by
// O(u·σ̃₁/gap); the test spectra have relative gaps above 1/30, so 1e3·eps leaves a wide margin.
template <class T>
constexpr double sketched_svd_rounding() {
  return 1e3 * eps<T>();
}
// Exact rank (rank 5, t = 200, k = 5): every resample spans the same row space, so the
// subspace (vector) error estimate is rounding; the bound 1e-8 (~4.5e7 eps).
template <class T>
constexpr double bootstrap_exact_rank_vectors() {
  return 4.5e7 * eps<T>();
}
// Statistical acceptance (not epsilon-derived). Coverage counts out of R runs at nominal 1 − α
// must lie within this many binomial standard deviations of R·(1 − α) (a two-sided normal tail
// below 1e-4).
constexpr double coverage_sigmas = 4.0;
// The estimate at t₀ extrapolated to 4·t₀, over the true 0.9-quantile measured at 4·t₀ (the band).
constexpr double extrapolation_low = 0.6;
constexpr double extrapolation_high = 1.6;
// Sharpness: the median estimate over the coverage runs, over the empirical (1 − α) quantile of
// the true error across those runs, lies in [1/f, f]: an estimate that covers by being vacuous
// (or that is far too small) fails even when the coverage count cannot.
constexpr double bootstrap_sharpness_factor = 2.5;
// Sketched least squares on a consistent system (b = A·x in f64, κ(A) ~ 10): x̃ = x up to the
// rounding of b and of the QR solve, relative to ‖x‖; the bootstrap's spread likewise.
template <class T>
constexpr double lstsq_consistent() {
  return 4.5e5 * eps<T>();
}

// --- Dynamic Mode Decomposition (docs/algorithms/dmd.md) ---
// Noise-free linear data of a small, well-conditioned system (the 2 x 2 rotation-like map,
// κ(X₁) ~ 1): eigenvalues are the r x r eigenproblem's to rounding, a few hundred eps (the
// issue's 1e-12 is ~4500 eps).
template <class T>
constexpr double dmd_small_system_eigs() {
  return 4.5e3 * eps<T>();
}
// A 200-step forecast of that system: λ²⁰⁰ moves a rounding δλ by 200·δλ; the 1e-10.
template <class T>
constexpr double dmd_small_system_forecast() {
  return 4.5e5 * eps<T>();
}
// Six non-orthogonal modes in 64 dimensions with decay to 0.5³⁰ over the snapshots: X₁'s
// condition number reaches ~1e4, which multiplies rounding in the eigenvalues; the 1e-10.
template <class T>
constexpr double dmd_mode_system_eigs() {
  return 4.5e5 * eps<T>();
}
// Affine gradient descent: eigenvalues 1 − ηhᵢ of data whose slowest and fastest directions
// differ by 0.5²⁵ over the run (κ(X₁) ~ 1e6–1e7): the 1e-8.
template <class T>
constexpr double dmd_affine_eigs() {
  return 4.5e7 * eps<T>();
}
// Randomized against exact DMD on exactly low-rank data: the QB captures the range to rounding;
// the 1e-10. On low-rank-plus-noise data with q = 2 the captured subspace differs from the
// exact one by (σ_{l+1}/σ_r)^(2q+1); the 1e-6 (a property of the data, not of eps).
template <class T>
constexpr double dmd_randomized_low_rank() {
  return 4.5e5 * eps<T>();
}
constexpr double dmd_randomized_noisy = 1e-6;
// OnlineDmd against the weighted batch fit (long double normal equations) of random 6-dim pairs
// after every one of 60 updates: the Sherman–Morrison recursion accumulates O(k·κ(XWXᵀ)·u); the
// issue's 1e-12 (~4500 eps), relative to the largest entry.
template <class T>
constexpr double dmd_online_batch() {
  return 4.5e3 * eps<T>();
}
// WindowDmd: each step is a downdate and an update, whose rounding is amplified by the
// conditioning of the 10-pair window's X·Xᵀ (κ ~ 1e2 here).
template <class T>
constexpr double dmd_window_batch() {
  return 4.5e4 * eps<T>();
}

}  // namespace randla::test
