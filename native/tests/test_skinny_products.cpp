// The skinny-product kernels (cpu/skinny_products.cpp) against BLAS gemm: both layouts, both
// directions, f32/f64, every panel width up to the widest taken, tile and row-block remainders,
// a leading dimension larger than the row; thread-count independence (bit for bit); and the
// cases they must decline. Every check runs on each instruction set this CPU has (AVX-512 and
// AVX2 on an AVX-512 machine); skipped, with a message, on a CPU with neither.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "check.hpp"
#include "cpu/blas_lapack.hpp"
#include "cpu/products.hpp"
#include "cpu/skinny_products.hpp"
#include "randla/linear_operator.hpp"
#include "randla/threads.hpp"
#include "tolerance.hpp"

using namespace randla;
namespace tol = randla::test;

namespace {

// splitmix64 uniforms in [-1, 1): fixed and portable.
struct Rng {
  std::uint64_t state;
  double uniform() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53 * 2 - 1;
  }
};

// A (rows × cols) stored in `layout` with leading dimension ld = stored length + 3 (a view into
// a wider buffer), and X (inner × l) column-major.
template <class T>
struct Case {
  std::vector<T> storage;
  MatrixView<const T> A;
  DenseMatrix<T> X;
};

template <class T>
Case<T> make_case(std::int64_t rows, std::int64_t cols, Layout layout, bool transpose, std::int64_t l,
                  std::uint64_t seed) {
  Case<T> c;
  Rng rng{seed};
  const std::int64_t stored = layout == Layout::RowMajor ? cols : rows, outer = layout == Layout::RowMajor ? rows : cols;
  const std::int64_t ld = stored + 3;
  c.storage.resize(static_cast<std::size_t>(outer * ld));
  for (auto& v : c.storage) v = static_cast<T>(rng.uniform());
  c.A = {c.storage.data(), rows, cols, ld, layout};
  const std::int64_t inner = transpose ? rows : cols;
  c.X = DenseMatrix<T>(inner, l);
  for (auto& v : c.X.data) v = static_cast<T>(rng.uniform());
  return c;
}

// Every entry of op(A)·X against BLAS, relative to Σ|a||x| (tolerance.hpp, product_entry).
template <class T>
void check_against_blas(std::int64_t rows, std::int64_t cols, Layout layout, bool transpose, std::int64_t l) {
  const auto c = make_case<T>(rows, cols, layout, transpose, l, 1000 * rows + 10 * l + cols);
  DenseMatrix<T> skinny, blas_out;
  const bool taken = detail::skinny_apply(c.A, transpose, c.X, skinny);
  CHECK(taken, "the kernels take this shape");
  if (!taken) return;
  const detail::SkinnyIsa isa = detail::skinny_isa();
  detail::set_skinny_enabled(false);
  detail::apply(c.A, transpose, c.X, blas_out);
  detail::set_skinny_isa(isa);

  const std::int64_t out_rows = transpose ? cols : rows, inner = transpose ? rows : cols;
  CHECK(skinny.rows == out_rows && skinny.cols == l, "output shape");
  double worst = 0, worst_bound = 1, worst_ratio = -1;
  for (std::int64_t j = 0; j < l; ++j) {
    for (std::int64_t i = 0; i < out_rows; ++i) {
      double magnitude = 0;
      for (std::int64_t t = 0; t < inner; ++t) {
        const double a = transpose ? c.A(t, i) : c.A(i, t);
        magnitude += std::abs(a * static_cast<double>(c.X(t, j)));
      }
      const double bound = tol::product_entry<T>(inner) * magnitude;
      const double diff = std::abs(static_cast<double>(skinny(i, j)) - static_cast<double>(blas_out(i, j)));
      if (diff / bound > worst_ratio) {
        worst_ratio = diff / bound;
        worst = diff;
        worst_bound = bound;
      }
    }
  }
  char what[160];
  std::snprintf(what, sizeof what, "%s %s %lldx%lld %s%s l=%lld: worst entry |skinny − BLAS|",
                detail::skinny_isa_name(isa), sizeof(T) == 4 ? "f32" : "f64",
                (long long)rows, (long long)cols, layout == Layout::RowMajor ? "row-major" : "col-major",
                transpose ? " transposed" : "", (long long)l);
  CHECK_AT_MOST(worst, worst_bound, what);
}

template <class T>
void every_shape() {
  // W: lanes of a 64-byte (AVX-512) vector; h = W / 2 those of a 32-byte (AVX2) one.
  constexpr std::int64_t W = 64 / sizeof(T), h = W / 2;
  // Panel widths: one lane, a partial vector, whole vectors, 1–4 vectors of either set, AVX2's
  // full 3-vector panel and one more lane, two and more panels, the widest.
  const std::int64_t widths[] = {1, h - 1, h, W - 1, W, W + 1, 3 * h, 3 * h + 1, 2 * W + 3, 3 * W, 4 * W - 2,
                                 4 * W + 1, 6 * W + 5, detail::skinny_max_columns<T>()};
  for (Layout layout : {Layout::RowMajor, Layout::ColMajor}) {
    for (bool transpose : {false, true}) {
      for (std::int64_t l : widths) {
        // 1100 rows: full row blocks of the cols kernel and a remainder; 37 and 5 columns:
        // remainders of every tile height; 1100 columns: full depth passes of the rows kernel
        // and a remainder; 300 × 700: several row blocks of the rows kernel and a remainder.
        check_against_blas<T>(1100, 37, layout, transpose, l);
        check_against_blas<T>(37, 1100, layout, transpose, l);
        check_against_blas<T>(5, 3, layout, transpose, l);
        check_against_blas<T>(300, 700, layout, transpose, l);
      }
    }
  }
}

}  // namespace

// The instruction sets this CPU runs the kernels on, best first.
std::vector<detail::SkinnyIsa> supported_isas() {
  std::vector<detail::SkinnyIsa> out;
  for (auto isa : {detail::SkinnyIsa::Avx512, detail::SkinnyIsa::Avx2})
    if (detail::skinny_isa_supported(isa)) out.push_back(isa);
  return out;
}

// Runs `body` once on each supported instruction set, then restores the best one.
template <class F>
void on_each_isa(F&& body) {
  for (auto isa : supported_isas()) {
    detail::set_skinny_isa(isa);
    std::printf("  kernels: %s\n", detail::skinny_isa_name(isa));
    body();
  }
  detail::set_skinny_enabled(true);
}

TEST_CASE("skinny products equal BLAS gemm, f64") {
  if (supported_isas().empty()) {
    std::printf("skip: this CPU has neither AVX2+FMA nor AVX-512; BLAS runs every product\n");
    return;
  }
  on_each_isa([] { every_shape<double>(); });
}

TEST_CASE("skinny products equal BLAS gemm, f32") {
  on_each_isa([] { every_shape<float>(); });
}

TEST_CASE("skinny products do not depend on the thread count (bit for bit)") {
  on_each_isa([] {
    for (bool transpose : {false, true}) {
      const auto c = make_case<double>(3001, 517, Layout::RowMajor, transpose, 30, 7);
      DenseMatrix<double> one, many;
      const int before = threads();
      set_threads(1);
      detail::skinny_apply(c.A, transpose, c.X, one);
      set_threads(3);
      detail::skinny_apply(c.A, transpose, c.X, many);
      set_threads(before);
      CHECK(one.data.size() == many.data.size() &&
                std::memcmp(one.data.data(), many.data.data(), one.data.size() * sizeof(double)) == 0,
            transpose ? "Aᵀ·X, 1 vs 3 threads" : "A·X, 1 vs 3 threads");
    }
  });
}

TEST_CASE("skinny products decline what they do not take, leaving the output alone") {
  on_each_isa([] {
    const auto wide = make_case<double>(40, 30, Layout::RowMajor, false, detail::skinny_max_columns<double>() + 1, 3);
    DenseMatrix<double> out(2, 2);
    out(0, 0) = 42;
    CHECK(!detail::skinny_apply(wide.A, false, wide.X, out), "X wider than the widest taken goes to BLAS");
    CHECK(out.rows == 2 && out.cols == 2 && out(0, 0) == 42, "output untouched");
    const auto empty = make_case<double>(0, 30, Layout::RowMajor, false, 4, 3);
    CHECK(!detail::skinny_apply(empty.A, false, empty.X, out), "an empty A goes to BLAS");
  });
  detail::set_skinny_enabled(false);
  const auto fine = make_case<double>(40, 30, Layout::RowMajor, false, 8, 3);
  DenseMatrix<double> out;
  CHECK(!detail::skinny_apply(fine.A, false, fine.X, out), "switched off");
  CHECK(!detail::set_skinny_isa(detail::SkinnyIsa::Avx512) || detail::skinny_isa_supported(detail::SkinnyIsa::Avx512),
        "an instruction set the CPU lacks is refused");
  detail::set_skinny_enabled(true);
}

// The fused pair P = op(A)·X, W = op(A)ᵀ·P (skinny_gram) against the two separate products,
// bit for bit, on 1 to 3 threads. op(A) is A for a row-major A and Aᵀ for a column-major one.
template <class T>
void fused_pair_is_two_products(std::int64_t rows, std::int64_t cols, Layout layout, std::int64_t l) {
  const bool transpose = layout == Layout::ColMajor;
  const auto c = make_case<T>(rows, cols, layout, transpose, l, 77 * rows + cols + l);
  DenseMatrix<T> P1, W1;
  CHECK(detail::skinny_apply(c.A, transpose, c.X, P1) && detail::skinny_apply(c.A, !transpose, P1, W1),
        "the separate products run on the kernels");
  const int before = threads();
  for (int t : {1, 2, 3}) {
    set_threads(t);
    DenseMatrix<T> P, W;
    const bool taken = detail::skinny_gram(c.A, transpose, c.X, P, W);
    char what[160];
    std::snprintf(what, sizeof what, "%s %s %lldx%lld %s l=%lld, %d thread(s): fused pair == two products, bit for bit",
                  detail::skinny_isa_name(detail::skinny_isa()), sizeof(T) == 4 ? "f32" : "f64", (long long)rows,
                  (long long)cols, layout == Layout::RowMajor ? "row-major" : "col-major", (long long)l, t);
    CHECK(taken && P.rows == P1.rows && P.cols == l && W.rows == W1.rows && W.cols == l &&
              std::memcmp(P.data.data(), P1.data.data(), P.data.size() * sizeof(T)) == 0 &&
              std::memcmp(W.data.data(), W1.data.data(), W.data.size() * sizeof(T)) == 0,
          what);
  }
  set_threads(before);
}

template <class T>
void fused_pair_shapes() {
  constexpr std::int64_t W = 64 / sizeof(T);
  for (Layout layout : {Layout::RowMajor, Layout::ColMajor}) {
    for (std::int64_t l : {std::int64_t{1}, W - 1, 3 * W / 2 + 1, 4 * W - 2, detail::skinny_max_columns<T>()}) {
      // Several row blocks of the fused kernel with a remainder, fewer rows than one block, a
      // tiny case (one thread), and a streamed one with 1–3 threads each owning columns.
      fused_pair_is_two_products<T>(1100, 37, layout, l);
      fused_pair_is_two_products<T>(37, 1100, layout, l);
      fused_pair_is_two_products<T>(5, 3, layout, l);
      fused_pair_is_two_products<T>(3001, 517, layout, l);
    }
  }
}

TEST_CASE("fused pair op(A)·X, op(A)ᵀ·(op(A)·X) equals the two products bit for bit, f64 and f32") {
  on_each_isa([] {
    fused_pair_shapes<double>();
    fused_pair_shapes<float>();
  });
}

TEST_CASE("fused pair: declines the order a layout cannot stream; DenseOperator falls back to two products") {
  on_each_isa([] {
    for (Layout layout : {Layout::RowMajor, Layout::ColMajor}) {
      const bool streams = layout == Layout::ColMajor;  // the order that streams is transpose = streams
      const auto c = make_case<double>(300, 200, layout, !streams, 12, 5);
      DenseMatrix<double> P(2, 2), W(2, 2);
      P(0, 0) = 42;
      CHECK(!detail::skinny_gram(c.A, !streams, c.X, P, W), "the other order is declined");
      CHECK(P.rows == 2 && P(0, 0) == 42, "output untouched");
      const DenseOperator<double> op(c.A);
      CHECK(op.pair_passes(!streams, 12) == 2 && op.pair_passes(streams, 12) == 1 &&
                op.pair_passes(streams, detail::skinny_max_columns<double>() + 1) == 2,
            "pair_passes: 1 only for the streamed order and a width the kernels take");
      DenseMatrix<double> P1, W1;
      op.apply_pair(!streams, c.X, P, W);
      op.apply(!streams, c.X, P1);
      op.apply(streams, P1, W1);
      CHECK(P.data == P1.data && W.data == W1.data, "apply_pair in the other order is the two products");
      const TransposedOperator<double> t(op);
      CHECK(t.pair_passes(!streams, 12) == 1 && t.pair_passes(streams, 12) == 2, "Aᵀ streams the other order");
    }
  });
  detail::set_skinny_enabled(false);
  const auto c = make_case<double>(300, 200, Layout::RowMajor, false, 12, 5);
  DenseMatrix<double> P, W;
  CHECK(!detail::skinny_gram(c.A, false, c.X, P, W) && DenseOperator<double>(c.A).pair_passes(false, 12) == 2,
        "switched off: no fused pair");
  detail::set_skinny_enabled(true);
}

TEST_MAIN()
