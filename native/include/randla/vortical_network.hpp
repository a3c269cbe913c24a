// Vortical interaction network of a 2-D vorticity field (Nair & Taira, "Network-theoretic approach
// to sparsified discrete vortex dynamics", JFM 2015; Taira, Nair & Brunton, JFM 2016 §2), as a
// matrix-free symmetric operator: its columns are computed on demand, the N × N adjacency never is.
//
// Definitions (docs/flow-networks.md): the field is ny × nx with row r at y = r·dy and column c
// at x = c·dx. Cell (r, c) is a node when |ω| > threshold and |ω| > relative_threshold·max|ω|
// (strict), numbered in row-major scan order. Γ_i = ω_i·dx·dy and, for i ≠ j,
//   A_ij = (α·|Γ_i| + (1 − α)·|Γ_j|) / (2π·r_ij),   r_ij = sqrt((x_i − x_j)² + (y_i − y_j)²),
// with A_ii = 0. α = 0.5 gives the undirected (symmetric) network.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "randla/dense_matrix.hpp"
#include "randla/matrix_view.hpp"
#include "randla/symmetric_operator.hpp"

namespace randla {

struct VorticalNetworkOptions {
  // Absolute |ω| level a node must exceed (>= 0).
  double threshold = 0;
  // Fraction of max|ω| a node must exceed, in [0, 1].
  double relative_threshold = 0;
  // Weight of the source node's circulation, in [0, 1]; 0.5: undirected.
  double alpha = 0.5;
};

class VorticalNetwork {
 public:
  // vorticity: ny × nx in either layout (row index = y). Throws InvalidArgument for dx, dy not
  // positive and finite, thresholds or alpha out of range, fewer than 2 nodes; NotFinite naming
  // the cell (r, c) for NaN/Inf vorticity. The field is not kept: only the nodes are.
  VorticalNetwork(MatrixView<const double> vorticity, double dx, double dy, const VorticalNetworkOptions& options = {});
  // The same for a densely packed row-major ny × nx array.
  VorticalNetwork(const double* vorticity, std::int64_t ny, std::int64_t nx, double dx, double dy,
                  const VorticalNetworkOptions& options = {});

  // N, the number of nodes.
  std::int64_t size() const noexcept { return static_cast<std::int64_t>(nodes_.size()); }
  double alpha() const noexcept { return alpha_; }
  // Grid index r·nx + c of each node, ascending.
  const std::vector<std::int64_t>& nodes() const noexcept { return nodes_; }
  // N × 2 col-major: column 0 holds x = c·dx, column 1 holds y = r·dy.
  const DenseMatrix<double>& coords() const noexcept { return coords_; }
  // Γ_i = ω_i·dx·dy (signed).
  const std::vector<double>& circulation() const noexcept { return circulation_; }

  // out = A[:, idx] (N × |idx|, col-major, resized). O(N) per column, threaded over rows; every
  // entry is a function of (i, j) alone, so the result does not depend on the thread count.
  // Throws InvalidArgument for an index outside [0, N).
  void columns(const std::vector<std::int64_t>& idx, DenseMatrix<double>& out) const;
  // diag(A): zeros (no self-interaction).
  std::vector<double> diagonal() const;
  // y = A·x for x, y of length N (y must not alias x): multiply(x, 1, y).
  void multiply(const double* x, double* y) const;
  // Y = A·X for N × b col-major blocks (Y must not alias X). O(N²·b), matrix-free: each weight is
  // computed as columns() computes it, then used for up to 8 columns of X at once; threaded over
  // rows, each row summed in a fixed order, so the result does not depend on the thread count.
  // A reference (Lanczos), not a fast path; the AVX-512 kernel is used where the CPU has it.
  void multiply(const double* X, std::int64_t b, double* Y) const;
  // Row sums s_i = Σ_j A_ij (the out-strength; for α = 0.5 the strength of node i).
  std::vector<double> strength() const;

 private:
  void build(MatrixView<const double> vorticity, double dx, double dy, const VorticalNetworkOptions& options);

  std::vector<std::int64_t> nodes_;
  DenseMatrix<double> coords_;
  std::vector<double> circulation_;
  // |Γ_i|, kept so that each entry costs one sqrt and one division.
  std::vector<double> magnitude_;
  double alpha_ = 0.5;
};

// The undirected network as Nyström's SymmetricOperator (shares the network): columns() and
// diagonal() as above, products by multiply(). Throws NotSymmetric for α ≠ 0.5 (a directed
// network is not symmetric, and Nyström needs a symmetric matrix).
class VorticalNetworkOperator final : public SymmetricOperator {
 public:
  explicit VorticalNetworkOperator(std::shared_ptr<const VorticalNetwork> network);
  std::int64_t size() const override { return network_->size(); }
  void columns(const std::vector<std::int64_t>& idx, DenseMatrix<double>& out) const override { network_->columns(idx, out); }
  bool has_diagonal() const override { return true; }
  std::vector<double> diagonal() const override { return network_->diagonal(); }
  bool has_product() const override { return true; }
  void product(const DenseMatrix<double>& X, DenseMatrix<double>& out) const override;
  const VorticalNetwork& network() const noexcept { return *network_; }

 private:
  std::shared_ptr<const VorticalNetwork> network_;
};

}  // namespace randla
