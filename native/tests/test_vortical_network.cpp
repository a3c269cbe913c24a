// The vortical network operator against a dense adjacency built here from the definition
// (docs/flow-networks.md) on a field of three Lamb–Oseen vortices: node selection, columns,
// symmetry, zero diagonal, the Perron eigenvector of the dense matrix (LAPACK dsyevd),
// multiply and strength against dense products, thread-count independence, and bad input.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <string>
#include <vector>

#include "check.hpp"
#include "cpu/blas_lapack.hpp"
#include "randla/error.hpp"
#include "randla/nystrom.hpp"
#include "randla/threads.hpp"
#include "randla/vortical_network.hpp"
#include "tolerance.hpp"

using namespace randla;
namespace tol = randla::test;

namespace {

constexpr std::int64_t grid = 64;
constexpr double spacing = 1.0 / grid;
// Chosen so that about 1200 of the 4096 cells are nodes: small enough to form A densely.
constexpr double relative_level = 0.02;

struct Vortex {
  double x, y, circulation, core;
};

// ω = Σ Γ/(π r_c²)·exp(−|x − x_k|²/r_c²), row-major ny × nx, row r at y = r·dy.
std::vector<double> lamb_oseen(std::int64_t ny, std::int64_t nx, double dx, double dy) {
  const Vortex vortices[] = {{0.3, 0.3, 1.0, 0.09}, {0.7, 0.4, -0.8, 0.11}, {0.45, 0.75, 0.6, 0.08}};
  std::vector<double> w(static_cast<std::size_t>(ny * nx), 0.0);
  for (std::int64_t r = 0; r < ny; ++r) {
    for (std::int64_t c = 0; c < nx; ++c) {
      double sum = 0;
      for (const auto& v : vortices) {
        const double ddx = c * dx - v.x, ddy = r * dy - v.y;
        sum += v.circulation / (std::numbers::pi * v.core * v.core) * std::exp(-(ddx * ddx + ddy * ddy) / (v.core * v.core));
      }
      w[static_cast<std::size_t>(r * nx + c)] = sum;
    }
  }
  return w;
}

struct Dense {
  std::int64_t n = 0;
  std::vector<double> a;  // col-major n x n
  double operator()(std::int64_t i, std::int64_t j) const { return a[static_cast<std::size_t>(i + j * n)]; }
};

// The adjacency from DESIGN.md's formula, written independently of the operator: node selection by
// its own scan, distances by hypot, and the two terms divided separately.
Dense dense_adjacency(const std::vector<double>& w, std::int64_t ny, std::int64_t nx, double dx, double dy,
                      double relative, double alpha, std::vector<std::int64_t>* nodes_out = nullptr) {
  const double peak = std::abs(*std::max_element(w.begin(), w.end(), [](double p, double q) { return std::abs(p) < std::abs(q); }));
  std::vector<std::int64_t> nodes;
  for (std::int64_t k = 0; k < ny * nx; ++k) {
    if (std::abs(w[static_cast<std::size_t>(k)]) > relative * peak && w[static_cast<std::size_t>(k)] != 0) nodes.push_back(k);
  }
  Dense A;
  A.n = static_cast<std::int64_t>(nodes.size());
  A.a.assign(static_cast<std::size_t>(A.n * A.n), 0.0);
  for (std::int64_t j = 0; j < A.n; ++j) {
    const std::int64_t kj = nodes[static_cast<std::size_t>(j)];
    const double gj = std::abs(w[static_cast<std::size_t>(kj)] * dx * dy);
    for (std::int64_t i = 0; i < A.n; ++i) {
      if (i == j) continue;
      const std::int64_t ki = nodes[static_cast<std::size_t>(i)];
      const double gi = std::abs(w[static_cast<std::size_t>(ki)] * dx * dy);
      // Coordinates as defined, x = c·dx and y = r·dy, then their differences ((c_i − c_j)·dx would
      // differ from the definition by the cancellation in x_i − x_j, up to ~2·nx ulp, for inexact dx).
      const double r = std::hypot(static_cast<double>(ki % nx) * dx - static_cast<double>(kj % nx) * dx,
                                  static_cast<double>(ki / nx) * dy - static_cast<double>(kj / nx) * dy);
      A.a[static_cast<std::size_t>(i + j * A.n)] = alpha * gi / (2 * std::numbers::pi * r) + (1 - alpha) * gj / (2 * std::numbers::pi * r);
    }
  }
  if (nodes_out) *nodes_out = nodes;
  return A;
}

std::vector<std::int64_t> all_indices(std::int64_t n) {
  std::vector<std::int64_t> idx(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) idx[static_cast<std::size_t>(i)] = i;
  return idx;
}

VorticalNetworkOptions options(double alpha) {
  VorticalNetworkOptions o;
  o.relative_threshold = relative_level;
  o.alpha = alpha;
  return o;
}

// Worst relative entry difference of the operator's columns against the dense matrix.
void check_columns_match(double alpha) {
  const auto w = lamb_oseen(grid, grid, spacing, spacing);
  std::vector<std::int64_t> nodes;
  const Dense A = dense_adjacency(w, grid, grid, spacing, spacing, relative_level, alpha, &nodes);
  const VorticalNetwork net(w.data(), grid, grid, spacing, spacing, options(alpha));
  CHECK(net.size() == A.n, "node count equals the direct scan's");
  CHECK(net.size() > 1000 && net.size() < 1500, "the field has about 1200 nodes: " + std::to_string(net.size()));
  CHECK(net.nodes() == nodes, "nodes in row-major scan order");
  double worst_coord = 0;
  for (std::int64_t i = 0; i < net.size(); ++i) {
    const std::int64_t k = nodes[static_cast<std::size_t>(i)];
    worst_coord = std::max({worst_coord, std::abs(net.coords()(i, 0) - (k % grid) * spacing),
                            std::abs(net.coords()(i, 1) - (k / grid) * spacing),
                            std::abs(net.circulation()[static_cast<std::size_t>(i)] - w[static_cast<std::size_t>(k)] * spacing * spacing)});
  }
  CHECK_CLOSE(worst_coord, 0.0, 0.0, "coords x = c·dx, y = r·dy and Γ = ω·dx·dy");

  // Columns in a scrambled order with a repeat, to show each column depends on its index only.
  std::vector<std::int64_t> idx = all_indices(net.size());
  std::reverse(idx.begin(), idx.begin() + idx.size() / 2);
  idx.push_back(7);
  DenseMatrix<double> C;
  net.columns(idx, C);
  CHECK(C.rows == net.size() && C.cols == static_cast<std::int64_t>(idx.size()), "columns shape N x |idx|");
  double worst = 0;
  for (std::int64_t t = 0; t < C.cols; ++t) {
    const std::int64_t j = idx[static_cast<std::size_t>(t)];
    for (std::int64_t i = 0; i < C.rows; ++i) {
      const double expected = A(i, j);
      const double diff = std::abs(C(i, t) - expected);
      worst = std::max(worst, i == j ? diff : diff / std::abs(expected));
    }
  }
  CHECK_AT_MOST(worst, tol::vortical_entry<double>(), "columns vs dense adjacency, max relative entry difference");
}

}  // namespace

TEST_CASE("columns equal the dense adjacency (alpha = 0.5)") { check_columns_match(0.5); }
TEST_CASE("columns equal the dense adjacency (alpha = 0.3, directed)") { check_columns_match(0.3); }

TEST_CASE("symmetric for alpha = 0.5 only; zero diagonal") {
  const auto w = lamb_oseen(grid, grid, spacing, spacing);
  for (const double alpha : {0.5, 0.2, 1.0}) {
    const VorticalNetwork net(w.data(), grid, grid, spacing, spacing, options(alpha));
    DenseMatrix<double> C;
    net.columns(all_indices(net.size()), C);
    double asymmetry = 0, scale = 0, diagonal = 0;
    for (std::int64_t j = 0; j < C.cols; ++j) {
      diagonal = std::max(diagonal, std::abs(C(j, j)));
      for (std::int64_t i = 0; i < C.rows; ++i) {
        asymmetry = std::max(asymmetry, std::abs(C(i, j) - C(j, i)));
        scale = std::max(scale, std::abs(C(i, j)));
      }
    }
    CHECK_CLOSE(diagonal, 0.0, 0.0, "A_ii = 0");
    const auto d = net.diagonal();
    CHECK(static_cast<std::int64_t>(d.size()) == net.size() && std::all_of(d.begin(), d.end(), [](double v) { return v == 0.0; }),
          "diagonal() is N zeros");
    if (alpha == 0.5) {
      // The numerator is one commutative sum and r_ij = r_ji bit for bit: exactly symmetric.
      CHECK_CLOSE(asymmetry, 0.0, 0.0, "max |A - A^T| for alpha = 0.5");
    } else {
      // |A_ij − A_ji| = |2α − 1|·||Γ_i| − |Γ_j||/(2π r_ij): a sizeable fraction of max A.
      CHECK(asymmetry > 0.1 * std::abs(2 * alpha - 1) * scale,
            "max |A - A^T| = " + std::to_string(asymmetry) + " is not small for alpha = " + std::to_string(alpha));
    }
  }
}

TEST_CASE("leading eigenvector of the dense adjacency is one-signed (Perron)") {
  const auto w = lamb_oseen(grid, grid, spacing, spacing);
  const VorticalNetwork net(w.data(), grid, grid, spacing, spacing, options(0.5));
  DenseMatrix<double> C;
  net.columns(all_indices(net.size()), C);
  const int n = static_cast<int>(net.size());
  std::vector<double> values(static_cast<std::size_t>(n));
  int info = 0, lwork = -1, liwork = -1, iquery = 0;
  double query = 0;
  const char jobz = 'V', uplo = 'L';
  dsyevd_(&jobz, &uplo, &n, C.data.data(), &n, values.data(), &query, &lwork, &iquery, &liwork, &info, 1, 1);
  lwork = static_cast<int>(query);
  liwork = iquery;
  std::vector<double> work(static_cast<std::size_t>(lwork));
  std::vector<int> iwork(static_cast<std::size_t>(liwork));
  dsyevd_(&jobz, &uplo, &n, C.data.data(), &n, values.data(), work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
  CHECK(info == 0, "dsyevd info = " + std::to_string(info));
  // Ascending values: the last is the Perron root, which is the spectral radius, and the trace is 0.
  const double top = values.back(), bottom = values.front();
  CHECK(top > 0 && top >= std::abs(bottom), "largest eigenvalue is the spectral radius");
  double trace = 0, scale = 0;
  for (const double v : values) {
    trace += v;
    scale += std::abs(v);
  }
  CHECK_AT_MOST(std::abs(trace), 64 * n * tol::eps<double>() * scale, "sum of eigenvalues = trace = 0");
  const double* v = C.col(n - 1);
  const double sign = v[0] > 0 ? 1.0 : -1.0;
  double smallest = 1;
  for (int i = 0; i < n; ++i) smallest = std::min(smallest, sign * v[i]);
  // An irreducible non-negative matrix has a strictly positive Perron vector.
  CHECK(smallest > 0, "min entry of the sign-fixed Perron vector = " + std::to_string(smallest) + " is positive");
}

TEST_CASE("Nystrom with 400 columns finds the leading eigenvalue within 3% (median over seeds)") {
  const auto w = lamb_oseen(grid, grid, spacing, spacing);
  auto net = std::make_shared<const VorticalNetwork>(w.data(), grid, grid, spacing, spacing, options(0.5));
  const std::int64_t n = net->size();
  CHECK(n >= 1000 && n <= 1500, "about 1000-1500 nodes: " + std::to_string(n));
  // The Perron root from LAPACK on the dense adjacency.
  DenseMatrix<double> C;
  net->columns(all_indices(n), C);
  const int ni = static_cast<int>(n);
  std::vector<double> values(static_cast<std::size_t>(n));
  int info = 0, lwork = -1, liwork = -1, iquery = 0;
  double query = 0;
  const char jobz = 'N', uplo = 'L';
  dsyevd_(&jobz, &uplo, &ni, C.data.data(), &ni, values.data(), &query, &lwork, &iquery, &liwork, &info, 1, 1);
  lwork = static_cast<int>(query);
  liwork = iquery;
  std::vector<double> work(static_cast<std::size_t>(lwork));
  std::vector<int> iwork(static_cast<std::size_t>(liwork));
  dsyevd_(&jobz, &uplo, &ni, C.data.data(), &ni, values.data(), work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
  CHECK(info == 0, "dsyevd info = " + std::to_string(info));
  const double perron = values.back();
  const VorticalNetworkOperator A(net);
  for (const auto sampling : {NystromSampling::Uniform, NystromSampling::QuasiUniform}) {
    std::vector<double> errors;
    for (std::uint64_t seed = 1; seed <= 9; ++seed) {
      NystromOptions o;
      o.rank = 5;
      o.columns = 400;
      o.sampling = sampling;
      o.seed = seed;
      o.coords = net->coords().view();
      const NystromResult r = nystrom(A, o);
      CHECK(r.method == NystromMethod::Indefinite, "a zero-diagonal network takes the indefinite core");
      errors.push_back(std::abs(r.values[0] - perron) / perron);
    }
    std::sort(errors.begin(), errors.end());
    const std::string what = std::string("median relative error of the leading eigenvalue, ") + nystrom_sampling_name(sampling);
    CHECK_AT_MOST(errors[errors.size() / 2], tol::network_perron_median, what.c_str());
  }
  // A directed network is not symmetric: the adapter refuses it.
  auto directed = std::make_shared<const VorticalNetwork>(w.data(), grid, grid, spacing, spacing, options(0.7));
  bool refused = false;
  try {
    const VorticalNetworkOperator refused_operator(directed);
  } catch (const Error& e) {
    refused = e.code() == ErrorCode::NotSymmetric && e.argument() == "A";
  }
  CHECK(refused, "the operator of a directed network (alpha = 0.7) throws NotSymmetric naming A");
}

TEST_CASE("multiply and strength equal dense products") {
  const auto w = lamb_oseen(grid, grid, spacing, spacing);
  for (const double alpha : {0.5, 0.7}) {
    const VorticalNetwork net(w.data(), grid, grid, spacing, spacing, options(alpha));
    const Dense A = dense_adjacency(w, grid, grid, spacing, spacing, relative_level, alpha);
    const std::int64_t n = net.size();
    std::vector<double> x(static_cast<std::size_t>(n)), y(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) x[static_cast<std::size_t>(i)] = std::sin(0.37 * i + 1.0);
    net.multiply(x.data(), y.data());
    const auto s = net.strength();
    double worst = 0, worst_strength = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      double expected = 0, magnitude = 0, row = 0;
      for (std::int64_t j = 0; j < n; ++j) {
        expected += A(i, j) * x[static_cast<std::size_t>(j)];
        magnitude += std::abs(A(i, j) * x[static_cast<std::size_t>(j)]);
        row += A(i, j);
      }
      worst = std::max(worst, std::abs(y[static_cast<std::size_t>(i)] - expected) / magnitude);
      worst_strength = std::max(worst_strength, std::abs(s[static_cast<std::size_t>(i)] - row) / row);
    }
    // Each product entry and the entries themselves carry rounding: the dense one a few u more.
    CHECK_AT_MOST(worst, tol::product_entry<double>(n) + tol::vortical_entry<double>(), "multiply vs dense A·x, relative to Σ|A||x|");
    CHECK_AT_MOST(worst_strength, tol::product_entry<double>(n) + tol::vortical_entry<double>(), "strength vs dense row sums, relative");
  }
}

TEST_CASE("block multiply equals dense A·X and the one-column products") {
  const auto w = lamb_oseen(grid, grid, spacing, spacing);
  const VorticalNetwork net(w.data(), grid, grid, spacing, spacing, options(0.5));
  const Dense A = dense_adjacency(w, grid, grid, spacing, spacing, relative_level, 0.5);
  const std::int64_t n = net.size();
  // 11 columns: one full panel of 8 and a remainder of 3.
  const std::int64_t b = 11;
  std::vector<double> X(static_cast<std::size_t>(n * b)), Y(X.size(), std::nan(""));
  for (std::int64_t k = 0; k < n * b; ++k) X[static_cast<std::size_t>(k)] = std::cos(0.013 * static_cast<double>(k * k % 977) + 0.5);
  const std::vector<double> X_before = X;
  net.multiply(X.data(), b, Y.data());
  CHECK(X == X_before, "multiply leaves X unchanged");
  double worst = 0;
  bool same_as_columns = true;
  for (std::int64_t c = 0; c < b; ++c) {
    std::vector<double> y(static_cast<std::size_t>(n));
    net.multiply(X.data() + c * n, y.data());
    for (std::int64_t i = 0; i < n; ++i) {
      same_as_columns = same_as_columns && y[static_cast<std::size_t>(i)] == Y[static_cast<std::size_t>(c * n + i)];
      double expected = 0, magnitude = 0;
      for (std::int64_t j = 0; j < n; ++j) {
        expected += A(i, j) * X[static_cast<std::size_t>(c * n + j)];
        magnitude += std::abs(A(i, j) * X[static_cast<std::size_t>(c * n + j)]);
      }
      worst = std::max(worst, std::abs(Y[static_cast<std::size_t>(c * n + i)] - expected) / magnitude);
    }
  }
  CHECK(same_as_columns, "each column of the block product equals its one-column product bitwise");
  CHECK_AT_MOST(worst, tol::product_entry<double>(n) + tol::vortical_entry<double>(), "block multiply vs dense A·X, relative to Σ|A||x|");
}

TEST_CASE("results do not depend on the thread count") {
  const auto w = lamb_oseen(grid, grid, spacing, spacing);
  const VorticalNetwork net(w.data(), grid, grid, spacing, spacing, options(0.5));
  const auto idx = all_indices(net.size());
  std::vector<double> x(static_cast<std::size_t>(net.size()));
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::cos(0.11 * static_cast<double>(i));
  const int saved = threads();
  std::vector<DenseMatrix<double>> columns;
  std::vector<std::vector<double>> products;
  for (const int t : {1, 2, 3}) {
    set_threads(t);
    DenseMatrix<double> C;
    net.columns(idx, C);
    columns.push_back(C);
    std::vector<double> y(x.size());
    net.multiply(x.data(), y.data());
    products.push_back(y);
  }
  set_threads(saved);
  for (std::size_t k = 1; k < columns.size(); ++k) {
    CHECK(columns[k].data == columns[0].data, "columns bitwise equal for 1 and " + std::to_string(k + 1) + " threads");
    CHECK(products[k] == products[0], "multiply bitwise equal for 1 and " + std::to_string(k + 1) + " threads");
  }
}

TEST_CASE("a col-major view gives the same network as the row-major array") {
  const std::int64_t ny = 40, nx = 56;
  const double dx = 0.02, dy = 0.025;
  const auto w = lamb_oseen(ny, nx, dx, dy);
  std::vector<double> transposed(w.size());
  for (std::int64_t r = 0; r < ny; ++r)
    for (std::int64_t c = 0; c < nx; ++c) transposed[static_cast<std::size_t>(r + c * ny)] = w[static_cast<std::size_t>(r * nx + c)];
  VorticalNetworkOptions o;
  o.relative_threshold = 0.05;
  const VorticalNetwork a(w.data(), ny, nx, dx, dy, o);
  const VorticalNetwork b(MatrixView<const double>{transposed.data(), ny, nx, ny, Layout::ColMajor}, dx, dy, o);
  CHECK(a.nodes() == b.nodes() && a.circulation() == b.circulation() && a.coords().data == b.coords().data,
        "same nodes, circulation and coords");
  // Non-square cells: coordinates use dx for columns and dy for rows.
  const std::int64_t k = a.nodes()[3];
  CHECK_CLOSE(a.coords()(3, 0), (k % nx) * dx, 0.0, "x of node 3");
  CHECK_CLOSE(a.coords()(3, 1), (k / nx) * dy, 0.0, "y of node 3");
}

TEST_CASE("thresholds are strict and both apply") {
  // Values 0, 1, 2, 3, 4 in one row: max 4.
  const double w[] = {0, 1, -2, 3, 4};
  auto nodes_for = [&](double threshold, double relative) {
    VorticalNetworkOptions o;
    o.threshold = threshold;
    o.relative_threshold = relative;
    return VorticalNetwork(w, 1, 5, 1.0, 1.0, o).nodes();
  };
  CHECK((nodes_for(0, 0) == std::vector<std::int64_t>{1, 2, 3, 4}), "zero cells are never nodes");
  CHECK((nodes_for(1, 0) == std::vector<std::int64_t>{2, 3, 4}), "|w| = threshold is not a node");
  CHECK((nodes_for(0, 0.5) == std::vector<std::int64_t>{3, 4}), "|w| = relative * max is not a node");
  CHECK((nodes_for(2.5, 0.25) == std::vector<std::int64_t>{3, 4}), "the stricter of the two levels applies");
  const VorticalNetwork net(w, 1, 5, 1.0, 1.0);
  CHECK_CLOSE(net.circulation()[1], -2.0, 0.0, "circulation keeps the sign of w");
}

namespace {

template <class F>
void expect_error(F&& f, ErrorCode code, const std::string& argument, const std::string& fragment, const char* what) {
  try {
    f();
    CHECK(false, std::string(what) + ": no error thrown");
  } catch (const Error& e) {
    CHECK(e.code() == code, std::string(what) + ": code " + error_code_name(e.code()));
    CHECK(e.argument() == argument, std::string(what) + ": argument '" + e.argument() + "'");
    CHECK(std::string(e.what()).find(fragment) != std::string::npos, std::string(what) + ": message '" + e.what() + "'");
  }
}

}  // namespace

TEST_CASE("bad input is rejected with a clear error") {
  std::vector<double> w = lamb_oseen(8, 8, 0.1, 0.1);
  auto build = [&](double dx, double dy, double threshold, double relative, double alpha) {
    VorticalNetworkOptions o;
    o.threshold = threshold;
    o.relative_threshold = relative;
    o.alpha = alpha;
    return VorticalNetwork(w.data(), 8, 8, dx, dy, o);
  };
  const double nan = std::nan("");
  expect_error([&] { build(0, 0.1, 0, 0, 0.5); }, ErrorCode::InvalidArgument, "dx", "received 0", "dx = 0");
  expect_error([&] { build(0.1, nan, 0, 0, 0.5); }, ErrorCode::InvalidArgument, "dy", "dy", "dy = NaN");
  expect_error([&] { build(0.1, INFINITY, 0, 0, 0.5); }, ErrorCode::InvalidArgument, "dy", "dy", "dy = Inf");
  expect_error([&] { build(0.1, 0.1, -1, 0, 0.5); }, ErrorCode::InvalidArgument, "threshold", "received -1", "threshold < 0");
  expect_error([&] { build(0.1, 0.1, 0, 1.5, 0.5); }, ErrorCode::InvalidArgument, "relative_threshold", "[0, 1]", "relative > 1");
  expect_error([&] { build(0.1, 0.1, 0, nan, 0.5); }, ErrorCode::InvalidArgument, "relative_threshold", "[0, 1]", "relative NaN");
  expect_error([&] { build(0.1, 0.1, 0, 0, -0.1); }, ErrorCode::InvalidArgument, "alpha", "received -0.1", "alpha < 0");
  expect_error([&] { build(0.1, 0.1, 0, 0, 1.01); }, ErrorCode::InvalidArgument, "alpha", "alpha", "alpha > 1");
  expect_error([&] { build(0.1, 0.1, 0, 1.0, 0.5); }, ErrorCode::InvalidArgument, "vorticity", "at least 2 nodes", "relative = 1: no node");
  expect_error([&] { build(0.1, 0.1, 1e9, 0, 0.5); }, ErrorCode::InvalidArgument, "vorticity", "received 0", "no cell above threshold");
  {
    const double one[] = {0, 0, 5, 0};
    expect_error([&] { VorticalNetwork(one, 2, 2, 1, 1); }, ErrorCode::InvalidArgument, "vorticity", "received 1", "one node");
  }
  expect_error([&] { VorticalNetwork(w.data(), 0, 8, 0.1, 0.1); }, ErrorCode::Shape, "vorticity", "0 x 8", "empty grid");
  w[2 * 8 + 5] = nan;
  expect_error([&] { build(0.1, 0.1, 0, 0, 0.5); }, ErrorCode::NotFinite, "vorticity", "NaN at (2, 5)", "NaN cell");
  w[2 * 8 + 5] = -INFINITY;
  expect_error([&] { build(0.1, 0.1, 0, 0, 0.5); }, ErrorCode::NotFinite, "vorticity", "-Infinity at (2, 5)", "-Inf cell");
  w[2 * 8 + 5] = 1;
  const VorticalNetwork net = build(0.1, 0.1, 0, 0, 0.5);
  DenseMatrix<double> C;
  expect_error([&] { net.columns({0, net.size()}, C); }, ErrorCode::InvalidArgument, "indices", "at position 1", "index = N");
  expect_error([&] { net.columns({-1}, C); }, ErrorCode::InvalidArgument, "indices", "received -1", "index < 0");
  net.columns({}, C);
  CHECK(C.rows == net.size() && C.cols == 0, "no indices: an N x 0 block");
}

TEST_MAIN()
