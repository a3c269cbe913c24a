// Row sketches Y = S·A for the bootstrap of Lopes, Erichson, Mahoney, ICML 2020 (Algorithm 1,
// step 1): uniform and energy (squared-row-norm) row sampling with replacement and the Gaussian
// projection, with the exact draws of docs/algorithms/bootstrap.md so every backend forms one Y.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "cpu/input_checks.hpp"
#include "cpu/row_sketch.hpp"
#include "randla/bootstrap.hpp"
#include "randla/error.hpp"
#include "randla/philox.hpp"
#include "randla/threads.hpp"

namespace randla {
namespace {

constexpr std::uint32_t kSketchWord = static_cast<std::uint32_t>(Stream::BootstrapSketch);

// Rows of A per block of the Gaussian sketch: Ω's block (rows x t) and A's block (rows x n) stay
// small whatever m is, and f32 input is widened block by block instead of copied whole.
constexpr std::int64_t kRowBlock = 256;
// Rows of Y per gemm of the Gaussian sketch: fixed, so the split never depends on threads().
constexpr std::int64_t kColumnChunk = 64;

template <class T>
void check_matrix(MatrixView<const T> A) {
  RANDLA_EXPECTS_CODE(A.data != nullptr && A.rows >= 1 && A.cols >= 1, ErrorCode::Shape, "A")
      << "Expected a non-empty matrix for A but received " << A.rows << " x " << A.cols;
  // One sweep in memory order; only when it finds something is the first offender located in
  // row-major order (the order both backends name).
  const bool col = A.layout == Layout::ColMajor;
  const std::int64_t outer = col ? A.cols : A.rows, inner = col ? A.rows : A.cols;
  bool finite = true;
  for (std::int64_t o = 0; o < outer && finite; ++o) {
    const T* p = A.data + o * A.ld;
    for (std::int64_t i = 0; i < inner; ++i) finite = finite && std::isfinite(p[i]);
  }
  if (finite) return;
  for (std::int64_t i = 0; i < A.rows; ++i)
    for (std::int64_t j = 0; j < A.cols; ++j)
      if (!std::isfinite(A(i, j))) detail::throw_not_finite("A", static_cast<double>(A(i, j)), i, j);
}

void check_sketch_rows(std::int64_t t) {
  RANDLA_EXPECTS(t >= 1 && t <= kMaxSketchRows, "options.sketchRows")
      << "Expected an integer in [1, " << kMaxSketchRows << "] for options.sketchRows but received " << t;
}

void check_sketch_kind(RowSketch sketch) {
  const int id = static_cast<int>(sketch);
  RANDLA_EXPECTS(id >= 0 && id <= static_cast<int>(RowSketch::Gaussian), "options.sketch")
      << "Expected 'uniform', 'energy' or 'gaussian' for options.sketch but received " << id;
}

// Squared row norms, each summed in ascending j in f64.
template <class Source>
std::vector<double> squared_row_norms(const Source& A) {
  std::vector<double> norms(static_cast<std::size_t>(A.rows), 0.0);
  for (std::int64_t i = 0; i < A.rows; ++i) {
    double s = 0;
    for (std::int64_t j = 0; j < A.cols; ++j) {
      const double v = static_cast<double>(A(i, j));
      s += v * v;
    }
    norms[static_cast<std::size_t>(i)] = s;
  }
  return norms;
}

// The energy draws from the prefix sums c (ascending i): exact inversion of the cumulative
// distribution, so a row of zero norm (c_r = c_{r−1}) is never the smallest r with c_r > x.
std::vector<std::int64_t> invert_prefix(const std::vector<double>& c, std::int64_t t, std::uint64_t seed) {
  const double total = c.back();
  std::vector<std::int64_t> rows(static_cast<std::size_t>(t));
  for (std::int64_t q = 0; q < t; ++q) {
    const Philox4x32 x = entry_words(seed, kSketchWord, static_cast<std::uint64_t>(q), 0);
    const double target = uniform_closed_open(x.v[0], x.v[1]) * total;
    auto it = std::upper_bound(c.begin(), c.end(), target);
    // U < 1 keeps the product below c_{m−1}; the fallback (the first row reaching the total)
    // only keeps that a local fact.
    if (it == c.end()) it = std::lower_bound(c.begin(), c.end(), total);
    rows[static_cast<std::size_t>(q)] = it - c.begin();
  }
  return rows;
}

template <class Source>
std::vector<double> prefix_energy(const Source& A, std::vector<double>& norms) {
  norms = squared_row_norms(A);
  std::vector<double> c(norms.size());
  double s = 0;
  for (std::size_t i = 0; i < norms.size(); ++i) c[i] = (s += norms[i]);
  RANDLA_EXPECTS(s > 0, "A") << "Expected a matrix with a non-zero Frobenius norm for A (energy sketch) but received "
                                "one whose rows are all zero";
  RANDLA_EXPECTS(std::isfinite(s), "A")
      << "Expected a Frobenius norm below the f64 range for A (energy sketch) but received ‖A‖²_F = " << s;
  return c;
}

// Y(q, :) = scale_q · A[rows_q, :].
template <class Source>
void gather_rows(const Source& A, const std::vector<std::int64_t>& rows, const std::vector<double>& scale,
                 bool divide, DenseMatrix<double>& Y) {
  const std::int64_t t = static_cast<std::int64_t>(rows.size()), n = A.cols;
  parallel_for(n, [&](std::int64_t j0, std::int64_t j1) {
    for (std::int64_t j = j0; j < j1; ++j) {
      double* y = Y.col(j);
      for (std::int64_t q = 0; q < t; ++q) {
        const double a = static_cast<double>(A(rows[static_cast<std::size_t>(q)], j));
        y[q] = divide ? a / scale[static_cast<std::size_t>(q)] : scale[static_cast<std::size_t>(q)] * a;
      }
    }
  });
}

// Y = (1/√t)·Ωᵀ·A, Ω(r, q) the Gaussian entry (r, q) of stream 9, block 0; summed over row
// blocks of A in ascending order, so the result does not depend on the thread count.
template <class Source>
void gaussian_sketch(const Source& A, std::int64_t t, std::uint64_t seed, DenseMatrix<double>& Y,
                     const RunControl& control) {
  const std::int64_t m = A.rows, n = A.cols;
  std::fill(Y.data.begin(), Y.data.end(), 0.0);
  const SingleThreadedBlas single;
  DenseMatrix<double> omega, block;
  for (std::int64_t r0 = 0; r0 < m; r0 += kRowBlock) {
    control.check();
    const std::int64_t rb = std::min(kRowBlock, m - r0);
    omega.resize_for_overwrite(rb, t);
    block.resize_for_overwrite(rb, n);
    parallel_for(t, [&](std::int64_t q0, std::int64_t q1) {
      for (std::int64_t q = q0; q < q1; ++q)
        for (std::int64_t r = 0; r < rb; ++r)
          omega(r, q) = gaussian_entry(seed, kSketchWord, static_cast<std::uint64_t>(r0 + r), static_cast<std::uint32_t>(q));
    });
    for (std::int64_t j = 0; j < n; ++j)
      for (std::int64_t r = 0; r < rb; ++r) block(r, j) = static_cast<double>(A(r0 + r, j));
    // Rows of Y in fixed chunks, each a single-threaded gemm: the same products whatever the
    // thread count (a threaded gemm's bits change with it).
    const std::int64_t chunks = (t + kColumnChunk - 1) / kColumnChunk;
    parallel_for(chunks, [&](std::int64_t c0, std::int64_t c1) {
      for (std::int64_t c = c0; c < c1; ++c) {
        const std::int64_t q0 = c * kColumnChunk, qn = std::min(kColumnChunk, t - q0);
        blas::gemm(CblasTrans, CblasNoTrans, blas::dim(qn, "sketchRows"), blas::dim(n, "cols"), blas::dim(rb, "rows"),
                   1.0, omega.col(q0), blas::dim(rb, "ld"), block.data.data(), blas::dim(rb, "ld"), 1.0,
                   Y.data.data() + q0, blas::dim(t, "ld"));
      }
    });
  }
  const double scale = 1.0 / std::sqrt(static_cast<double>(t));
  for (double& y : Y.data) y *= scale;
}

}  // namespace

std::vector<std::int64_t> uniform_row_draws(std::int64_t m, std::int64_t t, std::uint64_t seed) {
  RANDLA_EXPECTS_CODE(m >= 1, ErrorCode::Shape, "A") << "Expected at least 1 row for A but received " << m;
  check_sketch_rows(t);
  std::vector<std::int64_t> rows(static_cast<std::size_t>(t));
  for (std::int64_t q = 0; q < t; ++q) {
    const Philox4x32 x = entry_words(seed, kSketchWord, static_cast<std::uint64_t>(q), 0);
    rows[static_cast<std::size_t>(q)] = static_cast<std::int64_t>(uniform_index(x.v[0], x.v[1], static_cast<std::uint64_t>(m)));
  }
  return rows;
}

template <class T>
std::vector<std::int64_t> energy_row_draws(MatrixView<const T> A, std::int64_t t, std::uint64_t seed) {
  check_matrix(A);
  check_sketch_rows(t);
  std::vector<double> norms;
  return invert_prefix(prefix_energy(A, norms), t, seed);
}

std::vector<std::int64_t> resample_indices(std::int64_t t, std::int64_t replicate, std::uint64_t seed) {
  check_sketch_rows(t);
  RANDLA_EXPECTS(replicate >= 0 && replicate < (std::int64_t{1} << 24), "replicate")
      << "Expected an integer in [0, 2^24) for replicate but received " << replicate;
  const std::uint32_t word = stream_word(Stream::BootstrapResample, static_cast<std::uint32_t>(replicate));
  std::vector<std::int64_t> idx(static_cast<std::size_t>(t));
  for (std::int64_t q = 0; q < t; ++q) {
    const Philox4x32 x = entry_words(seed, word, static_cast<std::uint64_t>(q), 0);
    idx[static_cast<std::size_t>(q)] = static_cast<std::int64_t>(uniform_index(x.v[0], x.v[1], static_cast<std::uint64_t>(t)));
  }
  return idx;
}

namespace {

// Y = S·source (t x cols), source any m x c matrix with (i, j) access (A, or [A | b]).
template <class Source>
DenseMatrix<double> sketch_of(const Source& A, std::int64_t t, RowSketch sketch, std::uint64_t seed,
                              const RunControl& control) {
  control.check();
  const std::int64_t m = A.rows, n = A.cols;
  DenseMatrix<double> Y(t, n);
  switch (sketch) {
    case RowSketch::Uniform: {
      const std::vector<std::int64_t> rows = uniform_row_draws(m, t, seed);
      // √(m/t) · A[r_q, :]: each row drawn with probability 1/m, so E YᵀY = AᵀA.
      const std::vector<double> scale(static_cast<std::size_t>(t),
                                      std::sqrt(static_cast<double>(m) / static_cast<double>(t)));
      gather_rows(A, rows, scale, false, Y);
      break;
    }
    case RowSketch::Energy: {
      std::vector<double> norms;
      const std::vector<double> c = prefix_energy(A, norms);
      const std::vector<std::int64_t> rows = invert_prefix(c, t, seed);
      // A[r, :] / √(t·p_r), p_r = ‖A[r, :]‖² / ‖A‖²_F: E YᵀY = AᵀA again.
      std::vector<double> divisor(static_cast<std::size_t>(t));
      for (std::int64_t q = 0; q < t; ++q) {
        const double p = norms[static_cast<std::size_t>(rows[static_cast<std::size_t>(q)])] / c.back();
        divisor[static_cast<std::size_t>(q)] = std::sqrt(static_cast<double>(t) * p);
      }
      gather_rows(A, rows, divisor, true, Y);
      break;
    }
    case RowSketch::Gaussian: gaussian_sketch(A, t, seed, Y, control); break;
  }
  return Y;
}

// [A | b] without forming it: column n is b.
template <class T>
struct Augmented {
  MatrixView<const T> A;
  const T* b;
  std::int64_t rows, cols;
  double operator()(std::int64_t i, std::int64_t j) const {
    return j < A.cols ? static_cast<double>(A(i, j)) : static_cast<double>(b[i]);
  }
};

}  // namespace

template <class T>
DenseMatrix<double> row_sketch(MatrixView<const T> A, std::int64_t t, RowSketch sketch, std::uint64_t seed,
                               const RunControl& control) {
  check_sketch_kind(sketch);
  check_sketch_rows(t);
  check_matrix(A);
  return sketch_of(A, t, sketch, seed, control);
}

template <class T>
DenseMatrix<double> augmented_row_sketch(MatrixView<const T> A, const T* b, std::int64_t t, RowSketch sketch,
                                         std::uint64_t seed, const RunControl& control) {
  check_sketch_kind(sketch);
  check_sketch_rows(t);
  check_matrix(A);
  RANDLA_EXPECTS(b != nullptr, "b") << "Expected a vector of " << A.rows << " values for b but received none";
  for (std::int64_t i = 0; i < A.rows; ++i)
    if (!std::isfinite(b[i])) detail::throw_not_finite("b", static_cast<double>(b[i]), i, 0);
  return sketch_of(Augmented<T>{A, b, A.rows, A.cols + 1}, t, sketch, seed, control);
}

template std::vector<std::int64_t> energy_row_draws<float>(MatrixView<const float>, std::int64_t, std::uint64_t);
template std::vector<std::int64_t> energy_row_draws<double>(MatrixView<const double>, std::int64_t, std::uint64_t);
template DenseMatrix<double> row_sketch<float>(MatrixView<const float>, std::int64_t, RowSketch, std::uint64_t,
                                               const RunControl&);
template DenseMatrix<double> row_sketch<double>(MatrixView<const double>, std::int64_t, RowSketch, std::uint64_t,
                                                const RunControl&);
template DenseMatrix<double> augmented_row_sketch<float>(MatrixView<const float>, const float*, std::int64_t, RowSketch,
                                                         std::uint64_t, const RunControl&);
template DenseMatrix<double> augmented_row_sketch<double>(MatrixView<const double>, const double*, std::int64_t,
                                                          RowSketch, std::uint64_t, const RunControl&);

}  // namespace randla
