// CSR input as a LinearOperator: row-parallel sparse × dense products (Saad, "Iterative Methods
// for Sparse Linear Systems", 2nd ed. 2003, §3.4, the CSR product, applied to a block of l
// vectors), and Aᵀ through the CSC copy built by counting sort (Gustavson, "Two fast algorithms
// for sparse matrices: multiplication and permuted transposition", ACM TOMS 4(3), 1978).
// Deliberate choices: products accumulate in T, as BLAS and scipy do; every output entry is
// summed in storage order, so results never depend on the thread count.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "cpu/input_checks.hpp"
#include "randla/csr.hpp"
#include "randla/error.hpp"
#include "randla/threads.hpp"

namespace randla {
namespace {

constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::max();

// Multiply-adds below which spawning a thread costs more than it saves (thread start ~ 20 µs).
constexpr std::int64_t kGrain = std::int64_t{1} << 16;

// The smallest position in [0, n) where bad(p) holds, or kNone. Scanned on threads(); the chunks
// share the smallest position found so far, so a chunk that starts past it stops early, and the
// answer is the first bad position whatever the split.
template <class Bad>
std::int64_t first_bad(std::int64_t n, Bad bad, std::int64_t min_chunk = 1 << 15) {
  std::atomic<std::int64_t> first{kNone};
  parallel_for(n, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t p = begin; p < end; ++p) {
      if ((p & 4095) == 0 && p >= first.load(std::memory_order_relaxed)) return;
      if (bad(p)) {
        std::int64_t seen = first.load(std::memory_order_relaxed);
        while (p < seen && !first.compare_exchange_weak(seen, p, std::memory_order_relaxed)) {
        }
        return;
      }
    }
  }, min_chunk);
  return first.load();
}

// A CSR structure with `rows` rows: the input, or the CSC copy read as the CSR form of Aᵀ.
template <class T>
struct Rows {
  std::int64_t rows;
  const std::int32_t* indptr;
  const std::int32_t* indices;
  const T* values;
};

// Splits the rows into `pieces` contiguous ranges of about equal cost (stored entries + rows:
// a row costs its multiply-adds plus writing its output), so one dense row does not leave the
// other threads idle. Boundary c is the first row i with indptr[i] + i >= c·total/pieces.
template <class T>
std::vector<std::int64_t> balanced_rows(const Rows<T>& A, std::int64_t pieces) {
  const std::int64_t total = static_cast<std::int64_t>(A.indptr[A.rows]) + A.rows;
  std::vector<std::int64_t> bounds(static_cast<std::size_t>(pieces + 1));
  bounds[0] = 0;
  bounds[static_cast<std::size_t>(pieces)] = A.rows;
  for (std::int64_t c = 1; c < pieces; ++c) {
    const std::int64_t target = total * c / pieces;
    std::int64_t lo = 0, hi = A.rows;  // cost(i) = indptr[i] + i is strictly increasing
    while (lo < hi) {
      const std::int64_t mid = lo + (hi - lo) / 2;
      if (static_cast<std::int64_t>(A.indptr[mid]) + mid < target) lo = mid + 1;
      else hi = mid;
    }
    bounds[static_cast<std::size_t>(c)] = lo;
  }
  return bounds;
}

// out (A.rows x l, col-major) = A·X for X (inner x l, col-major).
template <class T>
void multiply(const Rows<T>& A, std::int64_t inner, const DenseMatrix<T>& X, DenseMatrix<T>& out) {
  const std::int64_t m = A.rows, l = X.cols;
  out.resize_for_overwrite(m, l);  // every row is written below
  if (m == 0 || l == 0) return;
  const std::int64_t nnz = A.indptr[m];

  // Each stored entry needs row `j` of X: l values that are `inner` apart in col-major X. A
  // row-major copy makes them one contiguous run; it costs one pass over X, which pays off
  // unless A has far fewer entries than X has rows (then X is read in place, strided).
  const bool in_place = l == 1 || nnz * 4 < inner;
  std::vector<T> xt;
  if (!in_place) {
    xt.resize(static_cast<std::size_t>(inner * l));
    constexpr std::int64_t block = 64;  // rows of X per tile: the tile's writes stay in cache
    const std::int64_t tiles = (inner + block - 1) / block;
    parallel_for(tiles, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t tile = begin; tile < end; ++tile) {
        const std::int64_t j0 = tile * block, j1 = std::min(inner, j0 + block);
        for (std::int64_t t = 0; t < l; ++t) {
          const T* x = X.col(t);
          for (std::int64_t j = j0; j < j1; ++j) xt[static_cast<std::size_t>(j * l + t)] = x[j];
        }
      }
    }, std::max<std::int64_t>(1, kGrain / (block * l)));
  }
  const T* xrows = xt.data();
  const T* xcols = X.data.data();

  const std::int64_t work = (nnz + m) * l;
  const std::int64_t pieces = std::max<std::int64_t>(1, std::min<std::int64_t>(threads(), work / kGrain));
  const std::vector<std::int64_t> bounds = balanced_rows(A, pieces);

  parallel_for(pieces, [&](std::int64_t first_piece, std::int64_t last_piece) {
    const std::int64_t r0 = bounds[static_cast<std::size_t>(first_piece)];
    const std::int64_t r1 = bounds[static_cast<std::size_t>(last_piece)];
    if (in_place) {
      for (std::int64_t t = 0; t < l; ++t) {
        const T* x = xcols + t * inner;
        T* o = out.col(t);
        for (std::int64_t i = r0; i < r1; ++i) {
          T sum = 0;
          for (std::int32_t p = A.indptr[i]; p < A.indptr[i + 1]; ++p) sum += A.values[p] * x[A.indices[p]];
          o[i] = sum;
        }
      }
      return;
    }
    // Rows are accumulated row-major in a tile of `block` rows, then written to the col-major
    // output one contiguous column segment at a time.
    constexpr std::int64_t block = 64;
    std::vector<T> tile(static_cast<std::size_t>(block * l));
    for (std::int64_t i0 = r0; i0 < r1; i0 += block) {
      const std::int64_t rows = std::min(block, r1 - i0);
      for (std::int64_t r = 0; r < rows; ++r) {
        T* __restrict acc = tile.data() + r * l;
        std::fill(acc, acc + l, T(0));
        const std::int64_t i = i0 + r;
        for (std::int32_t p = A.indptr[i]; p < A.indptr[i + 1]; ++p) {
          const T v = A.values[p];
          const T* __restrict x = xrows + static_cast<std::int64_t>(A.indices[p]) * l;
          for (std::int64_t t = 0; t < l; ++t) acc[t] += v * x[t];
        }
      }
      for (std::int64_t t = 0; t < l; ++t) {
        T* o = out.col(t) + i0;
        for (std::int64_t r = 0; r < rows; ++r) o[r] = tile[static_cast<std::size_t>(r * l + t)];
      }
    }
  }, 1);
}

// out (A.cols x l, col-major) = Aᵀ·Y for Y (A.rows x l, col-major) by scattering each stored
// entry a_ij·Y(i, :) into output row j, reading A and Y once, in order. The output is kept
// row-major in tiles of one cache line of columns (8 f64 or 16 f32), so each entry costs one
// line of Y (sequential) and one line of the tile (cached: n·64 bytes); threads take whole
// tiles of columns. Every output entry adds its terms in storage order (rows ascending), the
// same order as the CSC path: the two give the same bits, whatever the thread count. Gather
// through the CSC copy instead reads a scattered 8·l-byte row of Y per entry, which misses
// the cache once Y outgrows it (measured 4–6× slower at 100000 x 20000, l = 30).
template <class T>
void multiply_transposed(const CsrView<T>& A, const DenseMatrix<T>& Y, DenseMatrix<T>& out) {
  const std::int64_t m = A.rows, n = A.cols, l = Y.cols;
  out.resize_for_overwrite(n, l);  // every column of every tile is written below
  constexpr std::int64_t width = 64 / static_cast<std::int64_t>(sizeof(T));
  const std::int64_t tiles = (l + width - 1) / width;
  parallel_for(tiles, [&](std::int64_t first, std::int64_t last) {
    std::vector<T> acc(static_cast<std::size_t>(n * width));
    for (std::int64_t tile = first; tile < last; ++tile) {
      const std::int64_t t0 = tile * width, w = std::min(width, l - t0);
      std::fill(acc.begin(), acc.end(), T(0));
      const T* y[width];
      for (std::int64_t s = 0; s < w; ++s) y[s] = Y.col(t0 + s);
      for (std::int64_t i = 0; i < m; ++i) {
        const std::int32_t begin = A.indptr[i], end = A.indptr[i + 1];
        if (begin == end) continue;
        T yi[width];
        for (std::int64_t s = 0; s < width; ++s) yi[s] = s < w ? y[s][i] : T(0);
        for (std::int32_t p = begin; p < end; ++p) {
          const T v = A.values[p];
          T* __restrict a = acc.data() + static_cast<std::int64_t>(A.indices[p]) * width;
          for (std::int64_t s = 0; s < width; ++s) a[s] += v * yi[s];
        }
      }
      for (std::int64_t s = 0; s < w; ++s) {
        T* o = out.col(t0 + s);
        for (std::int64_t j = 0; j < n; ++j) o[j] = acc[static_cast<std::size_t>(j * width + s)];
      }
    }
  }, 1);
}

}  // namespace

template <class T>
void validate_csr(const CsrView<T>& A, const char* argument) {
  const std::string name = argument ? argument : "A";
  const std::string rows = name + ".rows", cols = name + ".cols";
  const std::string indptr = name + ".indptr", indices = name + ".indices", values = name + ".values";
  // Row numbers must fit the 32-bit indices of the CSC copy, as column numbers fit A.indices.
  constexpr std::int64_t max_rows = std::numeric_limits<std::int32_t>::max();
  RANDLA_EXPECTS_CODE(A.rows >= 1 && A.rows <= max_rows, ErrorCode::Shape, rows.c_str())
      << "Expected an integer in [1, " << max_rows << "] for " << rows << " but received " << A.rows;
  RANDLA_EXPECTS_CODE(A.cols >= 1, ErrorCode::Shape, cols.c_str())
      << "Expected an integer >= 1 for " << cols << " but received " << A.cols;
  RANDLA_EXPECTS(A.indptr != nullptr, indptr.c_str()) << "Expected an array for " << indptr << " but received null";
  RANDLA_EXPECTS(A.indptr[0] == 0, indptr.c_str())
      << "Expected 0 for " << indptr << "[0] but received " << A.indptr[0];

  const std::int32_t* ptr = A.indptr;
  const std::int64_t down = first_bad(A.rows, [ptr](std::int64_t i) { return ptr[i + 1] < ptr[i]; });
  RANDLA_EXPECTS(down == kNone, indptr.c_str())
      << "Expected a value >= " << indptr << "[" << down << "] = " << ptr[down] << " for " << indptr << "["
      << down + 1 << "] but received " << ptr[down + 1];

  // indptr starts at 0 and never decreases, so nnz = indptr[rows] >= 0.
  const std::int64_t nnz = A.indptr[A.rows];
  if (nnz == 0) return;
  RANDLA_EXPECTS(A.indices != nullptr, indices.c_str())
      << "Expected an array of " << nnz << " entries for " << indices << " but received null";
  RANDLA_EXPECTS(A.values != nullptr, values.c_str())
      << "Expected an array of " << nnz << " entries for " << values << " but received null";
  const std::int32_t* idx = A.indices;
  const std::int64_t n = A.cols;
  const std::int64_t bad = first_bad(nnz, [idx, n](std::int64_t p) { return idx[p] < 0 || idx[p] >= n; });
  RANDLA_EXPECTS(bad == kNone, indices.c_str())
      << "Expected an index in [0, " << n << ") for " << indices << "[" << bad << "] but received " << idx[bad];
}

template <class T>
CsrOperator<T>::CsrOperator(CsrView<T> A) : A_(A) {}

// The CSC copy, i.e. Aᵀ in CSR form: a counting sort of the entries by column, scattered in
// storage order so that each column lists its entries by row (and repeats of (i, j) stay in
// their stored order, next to each other). Serial: it runs once, and keeps that order for free.
template <class T>
static void build_transpose(const CsrView<T>& A, std::vector<std::int32_t>& t_indptr,
                            std::vector<std::int32_t>& t_indices, std::vector<T>& t_values) {
  const std::int64_t nnz = A.nnz();
  std::vector<std::int32_t> ptr(static_cast<std::size_t>(A.cols + 1), 0);
  for (std::int64_t p = 0; p < nnz; ++p) ++ptr[static_cast<std::size_t>(A.indices[p]) + 1];
  for (std::int64_t j = 0; j < A.cols; ++j) ptr[static_cast<std::size_t>(j + 1)] += ptr[static_cast<std::size_t>(j)];
  std::vector<std::int32_t> next(ptr.begin(), ptr.end() - 1);
  std::vector<std::int32_t> rows_of(static_cast<std::size_t>(nnz));
  std::vector<T> vals(static_cast<std::size_t>(nnz));
  for (std::int64_t i = 0; i < A.rows; ++i) {
    for (std::int32_t p = A.indptr[i]; p < A.indptr[i + 1]; ++p) {
      const std::int32_t q = next[static_cast<std::size_t>(A.indices[p])]++;
      rows_of[static_cast<std::size_t>(q)] = static_cast<std::int32_t>(i);
      vals[static_cast<std::size_t>(q)] = A.values[p];
    }
  }
  t_indptr = std::move(ptr);
  t_indices = std::move(rows_of);
  t_values = std::move(vals);
}

template <class T>
void CsrOperator<T>::apply(bool transpose, const DenseMatrix<T>& X, DenseMatrix<T>& out) const {
  const std::int64_t inner = transpose ? A_.rows : A_.cols;
  RANDLA_EXPECTS_CODE(X.rows == inner, ErrorCode::Shape, "X")
      << "Expected " << inner << " rows for X but received " << X.rows;
  if (!transpose) {
    multiply(Rows<T>{A_.rows, A_.indptr, A_.indices, A_.values}, inner, X, out);
    return;
  }
  // Scatter when the column tiles keep every thread busy; with fewer tiles than threads (small
  // l), gather through the CSC copy, which splits the output rows across threads instead.
  constexpr std::int64_t width = 64 / static_cast<std::int64_t>(sizeof(T));
  if ((X.cols + width - 1) / width >= threads()) {
    multiply_transposed(A_, X, out);
    return;
  }
  std::call_once(transpose_once_, [this] { build_transpose(A_, t_indptr_, t_indices_, t_values_); });
  multiply(Rows<T>{A_.cols, t_indptr_.data(), t_indices_.data(), t_values_.data()}, inner, X, out);
}

template <class T>
double CsrOperator<T>::frobenius_norm_squared() const {
  // A repeated (i, j) is one entry of A: its values add up before squaring. In the CSC copy the
  // repeats of an entry sit next to each other (same column, same row), so a column merges them
  // in one sweep. rsvd needs that copy for Aᵀ anyway.
  std::call_once(transpose_once_, [this] { build_transpose(A_, t_indptr_, t_indices_, t_values_); });
  std::vector<double> partial(static_cast<std::size_t>(A_.cols), 0.0);
  parallel_for(A_.cols, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = begin; j < end; ++j) {
      double sum = 0;
      std::int32_t p = t_indptr_[static_cast<std::size_t>(j)];
      const std::int32_t stop = t_indptr_[static_cast<std::size_t>(j + 1)];
      while (p < stop) {
        const std::int32_t row = t_indices_[static_cast<std::size_t>(p)];
        double entry = 0;
        for (; p < stop && t_indices_[static_cast<std::size_t>(p)] == row; ++p)
          entry += static_cast<double>(t_values_[static_cast<std::size_t>(p)]);
        sum += entry * entry;
      }
      partial[static_cast<std::size_t>(j)] = sum;
    }
  }, 1024);
  double total = 0;  // summed in a fixed order: independent of the thread count
  for (double v : partial) total += v;
  return total;
}

template <class T>
std::vector<double> CsrOperator<T>::column_sums() const {
  // Each column of the CSC copy is contiguous and ordered by row: the sums run in parallel over
  // columns, each in the same order as a serial sweep of A would add them.
  std::call_once(transpose_once_, [this] { build_transpose(A_, t_indptr_, t_indices_, t_values_); });
  std::vector<double> sums(static_cast<std::size_t>(A_.cols), 0.0);
  parallel_for(A_.cols, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = begin; j < end; ++j) {
      double sum = 0;
      for (std::int32_t p = t_indptr_[static_cast<std::size_t>(j)]; p < t_indptr_[static_cast<std::size_t>(j + 1)]; ++p)
        sum += static_cast<double>(t_values_[static_cast<std::size_t>(p)]);
      sums[static_cast<std::size_t>(j)] = sum;
    }
  }, 1024);
  return sums;
}

template <class T>
void CsrOperator<T>::expect_finite(const char* argument) const {
  const T* values = A_.values;
  // NaN/Inf have all exponent bits set: an integer test, cheaper than std::isfinite.
  using Bits = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
  constexpr Bits exponent = sizeof(T) == 8 ? Bits(0x7ff0000000000000ull) : Bits(0x7f800000u);
  const std::int64_t bad = first_bad(A_.nnz(), [values](std::int64_t p) {
    Bits bits;
    std::memcpy(&bits, values + p, sizeof bits);
    return (bits & exponent) == exponent;
  });
  if (bad == kNone) return;
  // The row holding entry `bad`: the last i with indptr[i] <= bad (empty rows share indptr values).
  const std::int64_t row = std::upper_bound(A_.indptr, A_.indptr + A_.rows + 1, bad,
                                            [](std::int64_t p, std::int32_t start) { return p < start; }) -
                           A_.indptr - 1;
  detail::throw_not_finite(argument, static_cast<double>(values[bad]), row, A_.indices[bad]);
}

template void validate_csr<float>(const CsrView<float>&, const char*);
template void validate_csr<double>(const CsrView<double>&, const char*);
template class CsrOperator<float>;
template class CsrOperator<double>;

}  // namespace randla
