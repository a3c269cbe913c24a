// The DMD driver (docs/algorithms/dmd.md): input checks, preprocessing (increments, affine,
// delays with the optional HODMD projection), the variant (dmd_exact, dmd_fb, dmd_tls,
// dmd_randomized), the amplitudes (dmd_amplitudes) and the modes in the caller's space.
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "cpu/dmd_internal.hpp"
#include "randla/dmd.hpp"
#include "randla/error.hpp"

namespace randla {

const char* dmd_variant_name(DmdVariant v) noexcept {
  switch (v) {
    case DmdVariant::Exact: return "exact";
    case DmdVariant::Projected: return "projected";
    case DmdVariant::ForwardBackward: return "fb";
    case DmdVariant::TotalLeastSquares: return "tls";
    case DmdVariant::Randomized: return "randomized";
  }
  return "exact";
}

bool parse_dmd_variant(const char* name, DmdVariant& v) noexcept {
  for (DmdVariant k : {DmdVariant::Exact, DmdVariant::Projected, DmdVariant::ForwardBackward,
                       DmdVariant::TotalLeastSquares, DmdVariant::Randomized}) {
    if (std::strcmp(name, dmd_variant_name(k)) == 0) {
      v = k;
      return true;
    }
  }
  return false;
}

namespace {

using dmd_detail::cplx;
using dmd_detail::Mat;

// −1, 0, a number in (0, 1) or an integer >= 1.
void check_rank_rule(double value, const char* argument) {
  const bool ok = value == -1 || value == 0 || (value > 0 && value < 1) || (value >= 1 && std::isfinite(value) && std::floor(value) == value);
  RANDLA_EXPECTS(ok, argument) << "Expected -1, 0, a number in (0, 1) or an integer >= 1 for " << argument
                               << " but received " << value;
}

template <class S>
Mat<double> load_real(MatrixView<const S> X, const char* argument) {
  RANDLA_EXPECTS_CODE(X.data != nullptr && X.rows >= 1 && X.cols >= 1, ErrorCode::Shape, argument)
      << "Expected a non-empty matrix for " << argument << " but received " << X.rows << " x " << X.cols;
  Mat<double> M(X.rows, X.cols);
  // Copy in 64 x 64 tiles: a row-major X is a transpose, which element order would make strided
  // on one side (at 20000 x 400 the plain loop cost a quarter of an exact fit). NaN/Inf are
  // counted and reported after the copy, so the loop stays branch-free.
  constexpr std::int64_t kTile = 64;
  bool finite = true;
  for (std::int64_t j0 = 0; j0 < X.cols; j0 += kTile)
    for (std::int64_t i0 = 0; i0 < X.rows; i0 += kTile) {
      const std::int64_t j1 = std::min(X.cols, j0 + kTile), i1 = std::min(X.rows, i0 + kTile);
      for (std::int64_t j = j0; j < j1; ++j)
        for (std::int64_t i = i0; i < i1; ++i) {
          const double v = static_cast<double>(X(i, j));
          finite &= std::isfinite(v);
          M(i, j) = v;
        }
    }
  if (!finite) {
    for (std::int64_t j = 0; j < X.cols; ++j)
      for (std::int64_t i = 0; i < X.rows; ++i)
        RANDLA_EXPECTS_CODE(std::isfinite(M(i, j)), ErrorCode::NotFinite, argument)
            << "Expected finite values in " << argument << " but received " << M(i, j) << " at (" << i << ", " << j
            << ")";
  }
  return M;
}

Mat<cplx> load_complex(const ComplexMatrixView& X, const char* argument) {
  RANDLA_EXPECTS_CODE(X.re.data != nullptr && X.im.data != nullptr && X.re.rows >= 1 && X.re.cols >= 1 &&
                          X.im.rows == X.re.rows && X.im.cols == X.re.cols,
                      ErrorCode::Shape, argument)
      << "Expected non-empty real and imaginary parts of one shape for " << argument << " but received "
      << X.re.rows << " x " << X.re.cols << " and " << X.im.rows << " x " << X.im.cols;
  Mat<cplx> M(X.re.rows, X.re.cols);
  for (std::int64_t j = 0; j < X.re.cols; ++j)
    for (std::int64_t i = 0; i < X.re.rows; ++i) {
      const double re = X.re(i, j), im = X.im(i, j);
      RANDLA_EXPECTS_CODE(std::isfinite(re) && std::isfinite(im), ErrorCode::NotFinite, argument)
          << "Expected finite values in " << argument << " but received " << re << " + " << im << "i at (" << i
          << ", " << j << ")";
      M(i, j) = {re, im};
    }
  return M;
}

template <class T>
Mat<T> columns(const Mat<T>& X, std::int64_t first, std::int64_t count) {
  Mat<T> C(X.rows, count);
  std::copy(X.col(first), X.col(first) + X.rows * count, C.data.begin());
  return C;
}

template <class T>
Mat<T> with_ones_row(const Mat<T>& X) {
  Mat<T> A(X.rows + 1, X.cols);
  for (std::int64_t k = 0; k < X.cols; ++k) {
    std::copy(X.col(k), X.col(k) + X.rows, A.col(k));
    A(X.rows, k) = T(1);
  }
  return A;
}

// Each output mode's pivot entry (the first within a 1e-8 relative tie of the largest squared
// modulus) made real and positive, its amplitude counter-rotated so that Φ·b is unchanged: the
// modes in the caller's space do not depend on any SVD's sign or phase convention, so this makes
// them the same on every backend (docs/algorithms/dmd.md, "Normalisation").
void canonical_phases(Mat<cplx>& modes, std::vector<cplx>& amplitudes) {
  for (std::int64_t j = 0; j < modes.cols; ++j) {
    cplx* phi = modes.col(j);
    double peak = 0;
    for (std::int64_t i = 0; i < modes.rows; ++i) peak = std::max(peak, phi[i].real() * phi[i].real() + phi[i].imag() * phi[i].imag());
    if (!(peak > 0)) continue;
    std::int64_t p = 0;
    while (!(phi[p].real() * phi[p].real() + phi[p].imag() * phi[p].imag() >= (1 - 1e-8) * peak)) ++p;
    const cplx c = std::conj(phi[p]) / std::abs(phi[p]);
    for (std::int64_t i = 0; i < modes.rows; ++i) phi[i] *= c;
    phi[p] = {phi[p].real(), 0.0};
    amplitudes[static_cast<std::size_t>(j)] *= std::conj(c);
  }
}

// The checks that need only the options and the shapes (X rows x cols; Y, if any, y_rows x y_cols).
void check_request(const DmdOptions& o, std::int64_t cols, bool has_y, std::int64_t rows, std::int64_t y_rows,
                   std::int64_t y_cols) {
  check_rank_rule(o.rank, "options.rank");
  if (o.has_project_rank) check_rank_rule(o.project_rank, "options.projectRank");
  RANDLA_EXPECTS(o.tls_rank >= 0, "options.tlsRank")
      << "Expected an integer >= 1 for options.tlsRank but received " << o.tls_rank;
  RANDLA_EXPECTS(!(o.affine && o.increments), "options.increments")
      << "Expected options.increments and options.affine not both true (the differences already cancel the "
      << "constant) but received both";
  if (has_y) {
    RANDLA_EXPECTS_CODE(y_rows == rows && y_cols == cols, ErrorCode::Shape, "options.Y")
        << "Expected " << rows << " x " << cols << " for options.Y (the shape of X) but received " << y_rows << " x "
        << y_cols;
    RANDLA_EXPECTS(!o.increments && o.delays == 1, "options.Y")
        << "Expected no options.Y with options.increments or options.delays > 1 (they need a time series) but "
        << "received explicit pairs";
  }
  const std::int64_t min_cols = o.increments ? 3 : 2;
  RANDLA_EXPECTS_CODE(cols >= min_cols, ErrorCode::Shape, "X")
      << "Expected at least " << min_cols << " snapshots (columns) in X but received " << cols;
}

template <class T>
DmdResult finish(dmd_detail::VariantResult v, std::vector<cplx> amplitudes,
                 const std::optional<dmd_detail::Projection<T>>& projection, std::int64_t block_rows,
                 const DmdOptions& o, const RunControl& control);

template <class T>
DmdResult run(Mat<T> X, std::optional<Mat<T>> Y, const DmdOptions& o, const RunControl& control) {
  check_request(o, X.cols, Y.has_value(), X.rows, Y ? Y->rows : 0, Y ? Y->cols : 0);

  if (o.increments) {
    Mat<T> D(X.rows, X.cols - 1);
    for (std::int64_t k = 0; k + 1 < X.cols; ++k)
      for (std::int64_t i = 0; i < X.rows; ++i) D(i, k) = X(i, k + 1) - X(i, k);
    X = std::move(D);
  }
  if (o.affine) {
    X = with_ones_row(X);
    if (Y) Y = with_ones_row(*Y);
  }
  const std::int64_t block_rows = X.rows;  // rows per delay block in the data space
  RANDLA_EXPECTS(o.delays >= 1 && o.delays <= X.cols - 1, "options.delays")
      << "Expected an integer in [1, " << X.cols - 1 << "] for options.delays but received " << o.delays;
  std::optional<dmd_detail::Projection<T>> projection;
  if (o.delays > 1) {
    if (o.has_project_rank) {
      projection = dmd_detail::project<T>(X, o.project_rank, o.threshold);
      X = dmd_detail::hankel<T>(projection->reduced, o.delays);
    } else {
      X = dmd_detail::hankel<T>(X, o.delays);
    }
  }
  control.check();
  control.report(1, 3);

  dmd_detail::VariantResult v;
  // The data the amplitudes fit, in the coordinates of the variant's modes.
  Mat<T> fitted;
  std::optional<dmd_detail::QrCompression<T>> qr;
  if (o.variant == DmdVariant::Randomized) {
    if constexpr (dmd_detail::is_complex<T>) {
      RANDLA_EXPECTS(false, "options.variant")
          << "Expected real snapshots for options.variant 'randomized' (its QB is real) but received complex ones";
    } else {
      RANDLA_EXPECTS(!Y, "options.Y") << "Expected no options.Y with options.variant 'randomized' (its QB is of the "
                                      << "snapshot sequence) but received explicit pairs";
      v = dmd_detail::randomized_dmd(X.view(), o);
      fitted = std::move(X);
    }
  } else {
    const std::int64_t N = X.rows, m = X.cols, width = Y ? 2 * m : m;
    Mat<T> Xw, Yw;
    if (N >= 2 * width) {
      // Tall snapshots: the variant runs on R of X = Q·R (of [X Y] with explicit pairs), exactly.
      Mat<T> stacked = Y ? Mat<T>(N, width) : std::move(X);
      if (Y) {
        std::copy(X.data.begin(), X.data.end(), stacked.data.begin());
        std::copy(Y->data.begin(), Y->data.end(), stacked.data.begin() + N * m);
      }
      qr = dmd_detail::compress<T>(std::move(stacked));
      Xw = columns(qr->R, 0, m);
      if (Y) Yw = columns(qr->R, m, m);
    } else {
      Xw = std::move(X);
      if (Y) Yw = std::move(*Y);
    }
    const Mat<T> X1 = Y ? Xw : columns(Xw, 0, m - 1);
    const Mat<T> X2 = Y ? Yw : columns(Xw, 1, m - 1);
    switch (o.variant) {
      case DmdVariant::Exact: v = dmd_detail::exact_dmd<T>(X1, X2, o, false, nullptr, N); break;
      case DmdVariant::Projected: v = dmd_detail::exact_dmd<T>(X1, X2, o, true, nullptr, N); break;
      case DmdVariant::ForwardBackward: v = dmd_detail::forward_backward_dmd<T>(X1, X2, o, N); break;
      case DmdVariant::TotalLeastSquares: v = dmd_detail::total_least_squares_dmd<T>(X1, X2, o, N); break;
      case DmdVariant::Randomized: break;
    }
    fitted = std::move(Xw);
  }
  control.check();
  control.report(2, 3);

  // Amplitudes in the variant's coordinates (Q preserves the least-squares fits), then the lift.
  std::vector<cplx> amplitudes = o.amplitudes == DmdAmplitudes::Optimal
                                     ? dmd_detail::optimal_amplitudes<T>(v.modes, v.eig.values, fitted.view())
                                     : std::move(v.first_amplitudes);
  if (qr) v.modes = dmd_detail::apply_q<T>(*qr, v.modes);
  return finish<T>(std::move(v), std::move(amplitudes), projection, block_rows, o, control);
}

// The result in the caller's space: HODMD blocks lifted by U₀, the affine row of each block
// dropped, the canonical phases.
template <class T>
DmdResult finish(dmd_detail::VariantResult v, std::vector<cplx> amplitudes,
                 const std::optional<dmd_detail::Projection<T>>& projection, std::int64_t block_rows,
                 const DmdOptions& o, const RunControl& control) {
  DmdResult out;
  out.amplitudes = std::move(amplitudes);
  out.eigs = v.eig.values;
  out.singular_values = v.singular_values;
  out.rank = v.rank;
  out.residuals = v.residuals;

  Mat<cplx> modes = std::move(v.modes);
  const std::int64_t r = modes.cols, d = o.delays;
  if (projection) {
    const std::int64_t r0 = projection->U0.cols;
    Mat<cplx> lifted(block_rows * d, r);
    for (std::int64_t l = 0; l < d; ++l) {
      Mat<cplx> block(r0, r);
      for (std::int64_t j = 0; j < r; ++j)
        for (std::int64_t i = 0; i < r0; ++i) block(i, j) = modes(l * r0 + i, j);
      const Mat<cplx> up = dmd_detail::times_complex<T>(projection->U0, block);
      for (std::int64_t j = 0; j < r; ++j)
        for (std::int64_t i = 0; i < block_rows; ++i) lifted(l * block_rows + i, j) = up(i, j);
    }
    modes = std::move(lifted);
  }
  if (o.affine) {
    const std::int64_t kept = block_rows - 1;
    Mat<cplx> dropped(kept * d, r);
    for (std::int64_t j = 0; j < r; ++j)
      for (std::int64_t l = 0; l < d; ++l)
        for (std::int64_t i = 0; i < kept; ++i) dropped(l * kept + i, j) = modes(l * block_rows + i, j);
    modes = std::move(dropped);
  }
  canonical_phases(modes, out.amplitudes);
  out.modes = std::move(modes);
  control.report(3, 3);
  return out;
}

}  // namespace

namespace {
// Randomized DMD of f64 snapshots with no preprocessing reads the caller's X in place: its QB
// only multiplies by X, so the N x m copy the other variants factorize is not made (at 20000 x 400
// the copy alone is a third of the randomized fit).
DmdResult randomized_in_place(MatrixView<const double> X, const DmdOptions& o, const RunControl& control) {
  check_request(o, X.cols, false, X.rows, 0, 0);
  RANDLA_EXPECTS_CODE(X.data != nullptr && X.rows >= 1, ErrorCode::Shape, "X")
      << "Expected a non-empty matrix for X but received " << X.rows << " x " << X.cols;
  // In storage order (a row-major X read column by column would stride through memory), with
  // the position reported in the caller's (row, column).
  const bool col_major = X.layout == Layout::ColMajor;
  const std::int64_t outer = col_major ? X.cols : X.rows, inner = col_major ? X.rows : X.cols;
  for (std::int64_t a = 0; a < outer; ++a) {
    const double* line = X.data + a * X.ld;
    bool finite = true;
    for (std::int64_t b = 0; b < inner; ++b) finite &= std::isfinite(line[b]);
    if (finite) continue;
    for (std::int64_t b = 0; b < inner; ++b) {
      const std::int64_t i = col_major ? b : a, j = col_major ? a : b;
      RANDLA_EXPECTS_CODE(std::isfinite(line[b]), ErrorCode::NotFinite, "X")
          << "Expected finite values in X but received " << line[b] << " at (" << i << ", " << j << ")";
    }
  }
  control.check();
  control.report(1, 3);
  dmd_detail::VariantResult v = dmd_detail::randomized_dmd(X, o);
  control.check();
  control.report(2, 3);
  std::vector<cplx> amplitudes = o.amplitudes == DmdAmplitudes::Optimal
                                     ? dmd_detail::optimal_amplitudes<double>(v.modes, v.eig.values, X)
                                     : std::move(v.first_amplitudes);
  return finish<double>(std::move(v), std::move(amplitudes), std::nullopt, X.rows, o, control);
}

template <class S>
DmdResult dmd_real(MatrixView<const S> X, const MatrixView<const S>* Y, const DmdOptions& options,
                   const RunControl& control) {
  if constexpr (std::is_same_v<S, double>) {
    if (options.variant == DmdVariant::Randomized && Y == nullptr && !options.increments && !options.affine &&
        options.delays == 1)
      return randomized_in_place(X, options, control);
  }
  Mat<double> x = load_real(X, "X");
  std::optional<Mat<double>> y;
  if (Y != nullptr) y = load_real(*Y, "options.Y");
  return run<double>(std::move(x), std::move(y), options, control);
}
}  // namespace

DmdResult dmd(MatrixView<const double> X, const MatrixView<const double>* Y, const DmdOptions& options,
              const RunControl& control) {
  return dmd_real<double>(X, Y, options, control);
}

DmdResult dmd(MatrixView<const float> X, const MatrixView<const float>* Y, const DmdOptions& options,
              const RunControl& control) {
  return dmd_real<float>(X, Y, options, control);
}

DmdResult dmd(const ComplexMatrixView& X, const ComplexMatrixView* Y, const DmdOptions& options,
              const RunControl& control) {
  Mat<cplx> x = load_complex(X, "X");
  std::optional<Mat<cplx>> y;
  if (Y != nullptr) y = load_complex(*Y, "options.Y");
  return run<cplx>(std::move(x), std::move(y), options, control);
}


}  // namespace randla
