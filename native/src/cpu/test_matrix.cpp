// Element-addressable test matrices from Philox4x32-10; the exact mapping is docs/rng.md.
// Sparse sign: Clarkson & Woodruff 2013, as in Tropp, Yurtsever, Udell, Cevher 2019 §3.3 and
// Martinsson & Tropp 2020 §9.2. SRHT: Woolfe, Liberty, Rokhlin, Tygert 2008 (its signs and
// column sample live here; the fast transform A·Ω is srht.cpp).
#include "randla/test_matrix.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>

#include "randla/error.hpp"
#include "randla/threads.hpp"

namespace randla {
namespace {

// Rows stay JavaScript-safe integers; columns leave the top half of the counter's j word free for
// the structured kinds (philox.hpp), so no two kinds on one stream share a counter.
constexpr std::int64_t kMaxRows = (std::int64_t{1} << 53) - 1;
constexpr std::int64_t kMaxCols = (std::int64_t{1} << 31) - 1;
constexpr std::uint32_t kMaxBlock = 1u << 24;

std::int64_t padded_rows(const TestMatrixSpec& spec) {
  return static_cast<std::int64_t>(std::bit_ceil(static_cast<std::uint64_t>(spec.rows)));
}

std::int64_t sparse_nnz(const TestMatrixSpec& spec) { return std::min(spec.nnz, spec.cols); }

std::uint32_t spec_stream_word(const TestMatrixSpec& spec) { return stream_word(spec.stream, spec.block); }

void expect_spec(const TestMatrixSpec& spec) {
  const int kind = static_cast<int>(spec.kind);
  RANDLA_EXPECTS(kind >= 0 && kind <= static_cast<int>(TestMatrixKind::Srht), "spec.kind")
      << "Expected a TestMatrixKind for spec.kind but received " << kind;
  RANDLA_EXPECTS_CODE(spec.rows >= 1 && spec.rows <= kMaxRows && spec.cols >= 1 && spec.cols <= kMaxCols,
                      ErrorCode::Shape, "spec")
      << "Expected a test matrix of 1 to 2^53 - 1 rows and 1 to 2^31 - 1 columns but received " << spec.rows
      << " x " << spec.cols;
  RANDLA_EXPECTS(static_cast<std::uint32_t>(spec.stream) < 256u, "spec.stream")
      << "Expected a stream in [0, 256) for spec.stream but received " << static_cast<std::uint32_t>(spec.stream);
  RANDLA_EXPECTS(spec.block < kMaxBlock, "spec.block")
      << "Expected a block in [0, 2^24) for spec.block but received " << spec.block;
  if (spec.kind == TestMatrixKind::SparseSign) {
    RANDLA_EXPECTS(spec.nnz >= 1, "spec.nnz")
        << "Expected at least 1 non-zero per row for spec.nnz but received " << spec.nnz;
  }
  if (spec.kind == TestMatrixKind::Srht) {
    RANDLA_EXPECTS_CODE(spec.cols <= padded_rows(spec), ErrorCode::Shape, "spec")
        << "Expected at most " << padded_rows(spec) << " columns (rows padded to a power of two) for an srht of "
        << spec.rows << " rows but received " << spec.cols;
  }
}

double elementwise_entry(const TestMatrixSpec& spec, std::int64_t i, std::int64_t j) {
  const std::uint32_t s = spec_stream_word(spec);
  const auto ii = static_cast<std::uint64_t>(i);
  const auto jj = static_cast<std::uint32_t>(j);
  switch (spec.kind) {
    case TestMatrixKind::Gaussian: return gaussian_entry(spec.seed, s, ii, jj);
    case TestMatrixKind::Rademacher: return rademacher_entry(spec.seed, s, ii, jj);
    case TestMatrixKind::Uniform: return uniform_pm1_entry(spec.seed, s, ii, jj);
    default: break;
  }
  throw Error(ErrorCode::Internal, "elementwise_entry: structured kind");
}

// The array a[k] = k of a partial Fisher–Yates shuffle, stored only where a step wrote it: open
// addressing over a power-of-two table, emptied in O(1) by a generation stamp, so a row's ζ
// steps cost O(ζ) time and memory whatever the length of the array.
class VirtualArray {
 public:
  explicit VirtualArray(std::int64_t steps) {
    std::size_t capacity = 16;
    while (capacity < 2 * static_cast<std::size_t>(steps)) capacity <<= 1;
    slots_.resize(capacity);
    mask_ = capacity - 1;
    shift_ = 64 - std::countr_zero(capacity);
  }

  void clear() {
    if (++generation_ == 0) {  // wrapped: stale stamps could look live again
      for (Slot& slot : slots_) slot.generation = 0;
      generation_ = 1;
    }
  }

  // One step: swaps a[t] and a[r] (t <= r) and returns the new a[t]. Later steps read only
  // indices above t, so only the new a[r] needs storing.
  std::int64_t swap_out(std::int64_t t, std::int64_t r) {
    const Slot& at_t = find(t);
    const std::int64_t value_t = live(at_t) ? at_t.value : t;
    Slot& at_r = find(r);
    const std::int64_t value_r = live(at_r) ? at_r.value : r;
    at_r = {r, value_t, generation_};
    return value_r;
  }

 private:
  struct Slot {
    std::int64_t key = 0;
    std::int64_t value = 0;
    std::uint32_t generation = 0;
  };

  bool live(const Slot& slot) const { return slot.generation == generation_; }

  // The slot holding key, or the empty slot where it would go.
  Slot& find(std::int64_t key) {
    std::size_t h = static_cast<std::size_t>((static_cast<std::uint64_t>(key) * 0x9E3779B97F4A7C15ull) >> shift_);
    while (live(slots_[h]) && slots_[h].key != key) h = (h + 1) & mask_;
    return slots_[h];
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  int shift_ = 0;
  std::uint32_t generation_ = 1;  // slots start at 0: empty
};

// Row i of a sparse-sign Ω: ζ distinct positions by a partial Fisher–Yates over [0, l), each
// with its sign; take(position, sign) runs once per non-zero, in step order.
template <class Take>
void sparse_sign_row(const TestMatrixSpec& spec, std::int64_t zeta, std::int64_t i, VirtualArray& a, Take&& take) {
  const std::uint32_t s = spec_stream_word(spec);
  a.clear();
  for (std::int64_t t = 0; t < zeta; ++t) {
    const Philox4x32 x = sparse_sign_words(spec.seed, s, static_cast<std::uint64_t>(i), static_cast<std::uint32_t>(t));
    const auto r = t + static_cast<std::int64_t>(uniform_index(x.v[0], x.v[1], static_cast<std::uint64_t>(spec.cols - t)));
    take(a.swap_out(t, r), (x.v[2] >> 31) ? -1.0 : 1.0);
  }
}

// s_0 .. s_{count−1}: the first count steps of a partial Fisher–Yates over [0, N).
std::vector<std::int64_t> srht_column_prefix(const TestMatrixSpec& spec, std::int64_t count) {
  const std::int64_t N = padded_rows(spec);
  const std::uint32_t s = spec_stream_word(spec);
  VirtualArray a(count);
  a.clear();
  std::vector<std::int64_t> columns(static_cast<std::size_t>(count));
  for (std::int64_t t = 0; t < count; ++t) {
    const Philox4x32 x = srht_column_words(spec.seed, s, static_cast<std::uint32_t>(t));
    const auto r = t + static_cast<std::int64_t>(uniform_index(x.v[0], x.v[1], static_cast<std::uint64_t>(N - t)));
    columns[static_cast<std::size_t>(t)] = a.swap_out(t, r);
  }
  return columns;
}

// Ω(i, j) of an SRHT: d_i·(−1)^popcount(i & s_j)/√l.
double srht_value(double sign, std::int64_t i, std::int64_t column, double scale) {
  return (std::popcount(static_cast<std::uint64_t>(i & column)) & 1) ? -sign * scale : sign * scale;
}

}  // namespace

double test_matrix_entry(const TestMatrixSpec& spec, std::int64_t i, std::int64_t j) {
  expect_spec(spec);
  RANDLA_EXPECTS(i >= 0 && i < spec.rows && j >= 0 && j < spec.cols, "i, j")
      << "Expected an entry inside " << spec.rows << " x " << spec.cols << " but received (" << i << ", " << j << ")";
  switch (spec.kind) {
    case TestMatrixKind::Gaussian:
    case TestMatrixKind::Rademacher:
    case TestMatrixKind::Uniform: return elementwise_entry(spec, i, j);
    case TestMatrixKind::SparseSign: {
      const std::int64_t zeta = sparse_nnz(spec);
      VirtualArray a(zeta);
      double value = 0.0;
      sparse_sign_row(spec, zeta, i, a, [&](std::int64_t position, double sign) {
        if (position == j) value = sign * (1.0 / std::sqrt(static_cast<double>(zeta)));
      });
      return value;
    }
    case TestMatrixKind::Srht: {
      const std::int64_t column = srht_column_prefix(spec, j + 1).back();
      return srht_value(srht_sign(spec.seed, spec_stream_word(spec), static_cast<std::uint64_t>(i)), i, column,
                        1.0 / std::sqrt(static_cast<double>(spec.cols)));
    }
  }
  throw Error(ErrorCode::Internal, "test_matrix_entry: unknown kind");
}

std::vector<std::int64_t> srht_columns(const TestMatrixSpec& spec) {
  expect_spec(spec);
  RANDLA_EXPECTS(spec.kind == TestMatrixKind::Srht, "spec.kind")
      << "Expected the srht kind for spec.kind but received kind " << static_cast<int>(spec.kind);
  return srht_column_prefix(spec, spec.cols);
}

template <class T>
void fill_test_matrix(MatrixView<T> out, const TestMatrixSpec& spec, std::int64_t row0, std::int64_t col0) {
  expect_spec(spec);
  RANDLA_EXPECTS_CODE(out.rows >= 0 && out.cols >= 0 && row0 >= 0 && col0 >= 0 && row0 + out.rows <= spec.rows &&
                          col0 + out.cols <= spec.cols,
                      ErrorCode::Shape, "out")
      << "Expected a block inside the " << spec.rows << " x " << spec.cols << " test matrix but received rows ["
      << row0 << ", " << row0 + out.rows << ") and columns [" << col0 << ", " << col0 + out.cols << ")";
  switch (spec.kind) {
    case TestMatrixKind::Gaussian:
    case TestMatrixKind::Rademacher:
    case TestMatrixKind::Uniform:
      parallel_for(out.rows, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t j = 0; j < out.cols; ++j)
          for (std::int64_t i = begin; i < end; ++i)
            out(i, j) = static_cast<T>(elementwise_entry(spec, row0 + i, col0 + j));
      }, 256);
      return;
    case TestMatrixKind::SparseSign: {
      // O(rows·ζ): zero the block, then scatter the non-zeros of each row that fall inside it.
      const std::int64_t zeta = sparse_nnz(spec);
      const T value = static_cast<T>(1.0 / std::sqrt(static_cast<double>(zeta)));
      parallel_for(out.rows, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t j = 0; j < out.cols; ++j)
          for (std::int64_t i = begin; i < end; ++i) out(i, j) = T(0);
        VirtualArray a(zeta);
        for (std::int64_t i = begin; i < end; ++i) {
          sparse_sign_row(spec, zeta, row0 + i, a, [&](std::int64_t position, double sign) {
            if (position >= col0 && position < col0 + out.cols) out(i, position - col0) = sign < 0 ? -value : value;
          });
        }
      }, 256);
      return;
    }
    case TestMatrixKind::Srht: {
      const std::vector<std::int64_t> columns = srht_column_prefix(spec, col0 + out.cols);
      const double scale = 1.0 / std::sqrt(static_cast<double>(spec.cols));
      const std::uint32_t s = spec_stream_word(spec);
      parallel_for(out.rows, [&](std::int64_t begin, std::int64_t end) {
        std::vector<double> signs(static_cast<std::size_t>(end - begin));
        for (std::int64_t i = begin; i < end; ++i)
          signs[static_cast<std::size_t>(i - begin)] = srht_sign(spec.seed, s, static_cast<std::uint64_t>(row0 + i));
        for (std::int64_t j = 0; j < out.cols; ++j) {
          const std::int64_t column = columns[static_cast<std::size_t>(col0 + j)];
          for (std::int64_t i = begin; i < end; ++i)
            out(i, j) = static_cast<T>(srht_value(signs[static_cast<std::size_t>(i - begin)], row0 + i, column, scale));
        }
      }, 256);
      return;
    }
  }
  throw Error(ErrorCode::Internal, "fill_test_matrix: unknown kind");
}

template void fill_test_matrix<float>(MatrixView<float>, const TestMatrixSpec&, std::int64_t, std::int64_t);
template void fill_test_matrix<double>(MatrixView<double>, const TestMatrixSpec&, std::int64_t, std::int64_t);

}  // namespace randla
