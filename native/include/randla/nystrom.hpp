// Nyström eigendecomposition of a symmetric matrix (docs/algorithms/nystrom.md, the exact
// contract). Column sampling: uniform, quasi-uniform (Bai, Erichson, Gopalakrishnan Meena,
// Taira, Brunton 2019) and block RPCholesky (Chen, Epperly, Tropp, Webber 2022, Alg. 2 with
// blocks); the gaussian sketch and the stable psd core of Tropp, Yurtsever, Udell, Cevher 2017,
// Alg. 3; an indefinite core (C = QR, eigenpairs of R·W_K⁺·Rᵀ) and the scaled eigenpairs of
// Williams & Seeger 2001.
#pragma once

#include <cstdint>
#include <string_view>
#include <string>
#include <vector>

#include "randla/control.hpp"
#include "randla/dense_matrix.hpp"
#include "randla/matrix_view.hpp"
#include "randla/symmetric_operator.hpp"

namespace randla {

enum class NystromSampling { Uniform, QuasiUniform, RpCholesky, Gaussian };
enum class NystromMethod { Auto, Indefinite, Psd, Scaled };

constexpr const char* nystrom_sampling_name(NystromSampling s) noexcept {
  switch (s) {
    case NystromSampling::Uniform: return "uniform";
    case NystromSampling::QuasiUniform: return "quasi-uniform";
    case NystromSampling::RpCholesky: return "rpcholesky";
    case NystromSampling::Gaussian: return "gaussian";
  }
  return "uniform";
}
constexpr bool parse_nystrom_sampling(std::string_view name, NystromSampling& s) noexcept {
  for (NystromSampling k : {NystromSampling::Uniform, NystromSampling::QuasiUniform, NystromSampling::RpCholesky,
                            NystromSampling::Gaussian}) {
    if (name == nystrom_sampling_name(k)) {
      s = k;
      return true;
    }
  }
  return false;
}
constexpr const char* nystrom_method_name(NystromMethod m) noexcept {
  switch (m) {
    case NystromMethod::Auto: return "auto";
    case NystromMethod::Indefinite: return "indefinite";
    case NystromMethod::Psd: return "psd";
    case NystromMethod::Scaled: return "scaled";
  }
  return "auto";
}
constexpr bool parse_nystrom_method(std::string_view name, NystromMethod& m) noexcept {
  for (NystromMethod k : {NystromMethod::Auto, NystromMethod::Indefinite, NystromMethod::Psd, NystromMethod::Scaled}) {
    if (name == nystrom_method_name(k)) {
      m = k;
      return true;
    }
  }
  return false;
}

struct NystromOptions {
  std::int64_t rank = 0;                  // r, 1 <= r <= l
  std::int64_t columns = 0;               // l, r <= l <= n (sketch width for gaussian)
  NystromSampling sampling = NystromSampling::Uniform;
  NystromMethod method = NystromMethod::Auto;
  std::int64_t core_rank = 0;             // r_c in [r, l]; 0: r
  double core_tolerance = -1;             // τ; < 0: 10·l·u, u = 2^−53
  std::int64_t block_size = 0;            // RPCholesky b; 0: ceil(l / 10)
  std::uint64_t seed = 0;
  MatrixView<const double> coords{};      // n x d, quasi-uniform only (data == nullptr: none)
};

struct NystromResult {
  std::vector<double> values;             // by non-increasing |value| (ties: larger value first)
  DenseMatrix<double> vectors;            // n x values.size(), col-major; largest-|.| entry positive
  std::vector<std::int64_t> indices;      // S in sampling order (empty for gaussian)
  NystromMethod method = NystromMethod::Psd;  // resolved
  std::int64_t columns = 0;               // |S| (l for gaussian); < l only when RPCholesky stopped early
};

// The driver: sampling, method resolution, core, canonical order and signs. Fewer than r pairs
// come back only when the core has fewer (RPCholesky stopped early at |S| < r: A − Â is then 0;
// scaled with fewer than r eigenvalues of W above τ). Progress counts columns computed (one
// pass for gaussian); an abort is honoured between column batches.
NystromResult nystrom(const SymmetricOperator& A, const NystromOptions& options, const RunControl& control = {});

// --- Components (exposed for tests and for the bindings' matrix-free driver) ---

// The sizes a run uses, after the option checks every backend shares (sampling and method in
// range, columns, rank, coreRank, coreTolerance, blockSize, quasi-uniform coords), with the
// defaults applied: core_rank = rank when 0, τ = 10·l·u when negative, block = ⌈l / 10⌉ when 0.
struct NystromSizes {
  std::int64_t columns = 0, rank = 0, core_rank = 0, block = 0;
  double tau = 0;
};
NystromSizes checked_nystrom_sizes(std::int64_t n, const NystromOptions& options);

// B(i, j) = B(j, i) = ½(B(i, j) + B(j, i)): the symmetric part of a square B, in place.
void symmetrize(DenseMatrix<double>& B);

// The eigenvalue half of W's PSD test: W's smallest eigenvalue (w ascending) ≥ −τ·max|λ(W)|.
// `why` receives the reason when it fails.
bool core_eigenvalues_psd(const std::vector<double>& w, double tau, std::string& why);

// out = A[:, idx] (n x |idx|), checked: Shape when the operator returns another shape, NotFinite
// for NaN/Inf (argument "A.columns").
void sampled_columns(const SymmetricOperator& A, const std::vector<std::int64_t>& idx, DenseMatrix<double>& out);

// Uniform sampling without replacement: l distinct indices of [0, n) (partial Fisher–Yates).
std::vector<std::int64_t> uniform_columns(std::int64_t n, std::int64_t l, std::uint64_t seed);
// Spatially stratified sampling over the rows of coords (n x d): l distinct indices.
std::vector<std::int64_t> quasi_uniform_columns(MatrixView<const double> coords, std::int64_t l, std::uint64_t seed);

struct RpCholeskyResult {
  std::vector<std::int64_t> indices;  // S in pivot order
  DenseMatrix<double> F;              // n x (at most |S|), A ≈ F·Fᵀ (fewer when a block lost rank)
  DenseMatrix<double> C;              // A[:, S], n x |S|, in the order of S
};
// Block RPCholesky with l columns in blocks of b. Stops early once the residual trace Σd is at
// most tolerance·tr(A) (tolerance < 0: 10·l·u, the core tolerance's default). Throws NotPsd for
// a negative diagonal entry, a zero trace or a failed Cholesky of a block; InvalidArgument when
// A has no diagonal. Reports the columns of each block to `passes`.
RpCholeskyResult rpcholesky(const SymmetricOperator& A, std::int64_t l, std::int64_t b, std::uint64_t seed,
                            PassCounter& passes, double tolerance = -1);
RpCholeskyResult rpcholesky(const SymmetricOperator& A, std::int64_t l, std::int64_t b, std::uint64_t seed,
                            const RunControl& control = {}, double tolerance = -1);

// Eigenpairs of one core, unsorted (the driver sorts and fixes signs).
struct NystromPairs {
  std::vector<double> values;
  DenseMatrix<double> vectors;  // n x values.size()
};

// Symmetric eigendecomposition (LAPACK dsyevd) of the n x n col-major a (overwritten by the
// eigenvectors); eigenvalues ascending.
std::vector<double> symmetric_eigen(DenseMatrix<double>& a);

// Tropp et al. 2017 Alg. 3 on Y (n x l) and the test matrix Ω: `selected` = S for column
// sampling (Ω the column selector), else `omega` (n x l). Throws NotPsd when Cholesky of the
// shifted core fails.
NystromPairs nystrom_psd_core(const DenseMatrix<double>& Y, const std::vector<std::int64_t>* selected,
                              const DenseMatrix<double>* omega);
// The psd core given A ≈ F·Fᵀ (RPCholesky): thin SVD of F, λ = σ².
NystromPairs nystrom_factor_core(const DenseMatrix<double>& F);
// C·W_K⁺·Cᵀ by C = QR and the eigenpairs of R·W_K⁺·Rᵀ. W_eigvals ascending and W_eigvecs are
// W's eigendecomposition (symmetric_eigen), K its r_c largest |λ| above τ·max|λ|. wanted > 0:
// only the `wanted` pairs of largest |λ| (ties: larger first) are returned, and Q is never formed
// (its reflectors are applied to those eigenvectors alone); otherwise all l pairs.
NystromPairs nystrom_indefinite_core(const DenseMatrix<double>& C, const std::vector<double>& W_eigvals,
                                     const DenseMatrix<double>& W_eigvecs, std::int64_t core_rank, double tau, std::int64_t wanted = -1);
// Williams–Seeger: (n / l)·λ_j and √(l / n)·C·v_j / λ_j over the same K.
NystromPairs nystrom_scaled_core(const DenseMatrix<double>& C, const std::vector<double>& W_eigvals,
                                 const DenseMatrix<double>& W_eigvecs, std::int64_t core_rank, double tau);

}  // namespace randla
