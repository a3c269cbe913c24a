// Test matrices of every kind against their definitions (docs/rng.md): element-addressable
// (blocks, layouts, thread counts and test_matrix_entry all agree), the structure of sparse-sign
// and SRHT matrices, their moments, and the fast SRHT sketch against A·Ω with Ω materialised.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "check.hpp"
#include "randla/error.hpp"
#include "randla/test_matrix.hpp"
#include "randla/threads.hpp"
#include "tolerance.hpp"

using namespace randla;
namespace tol = randla::test;

namespace {


TestMatrixSpec make_spec(TestMatrixKind kind, std::int64_t rows, std::int64_t cols, std::uint64_t seed = 99,
                         std::uint32_t block = 0, std::int64_t nnz = 3) {
  TestMatrixSpec spec;
  spec.kind = kind;
  spec.seed = seed;
  spec.rows = rows;
  spec.cols = cols;
  spec.nnz = nnz;
  spec.block = block;
  return spec;
}

template <class T = double>
std::vector<T> full(const TestMatrixSpec& spec) {
  std::vector<T> out(static_cast<std::size_t>(spec.rows * spec.cols));
  fill_test_matrix(dense_view(out.data(), spec.rows, spec.cols, Layout::ColMajor), spec);
  return out;
}

// Whether f() throws randla::Error with this code and argument.
bool throws(const std::function<void()>& f, ErrorCode code, const std::string& argument) {
  try {
    f();
  } catch (const Error& e) {
    return e.code() == code && e.argument() == argument;
  }
  return false;
}

}  // namespace

TEST_CASE("every kind: 1 and 2 threads, both layouts, sub-blocks and test_matrix_entry agree") {
  // 1031 rows: two thread chunks, and an SRHT padded to N = 2048.
  const std::int64_t n = 1031, l = 17;
  for (auto kind : kAllTestMatrixKinds)
    for (std::uint32_t block : {0u, 2u}) {
      const TestMatrixSpec spec = make_spec(kind, n, l, 99, block);
      const std::string what = std::string(test_matrix_kind_name(kind)) + ", block " + std::to_string(block);
      std::vector<double> two(n * l), row_major(n * l), sub(100 * 5);
      set_threads(1);
      const std::vector<double> one = full(spec);
      set_threads(2);
      fill_test_matrix(dense_view(two.data(), n, l, Layout::ColMajor), spec);
      fill_test_matrix(dense_view(row_major.data(), n, l, Layout::RowMajor), spec);
      fill_test_matrix(dense_view(sub.data(), 100, 5, Layout::ColMajor), spec, 500, 9);
      bool same_threads = true, same_layout = true, same_block = true, same_entry = true;
      for (std::int64_t j = 0; j < l; ++j)
        for (std::int64_t i = 0; i < n; ++i) {
          same_threads &= one[i + j * n] == two[i + j * n];
          same_layout &= one[i + j * n] == row_major[i * l + j];
        }
      for (std::int64_t j = 0; j < 5; ++j)
        for (std::int64_t i = 0; i < 100; ++i) same_block &= sub[i + j * 100] == one[(500 + i) + (9 + j) * n];
      for (std::int64_t i : {std::int64_t{0}, std::int64_t{1}, std::int64_t{517}, n - 1})
        for (std::int64_t j : {std::int64_t{0}, std::int64_t{8}, l - 1})
          same_entry &= test_matrix_entry(spec, i, j) == one[i + j * n];
      CHECK(same_threads, what + ": same entries for 1 and 2 threads");
      CHECK(same_layout, what + ": same entries in row-major and col-major storage");
      CHECK(same_block, what + ": a sub-block equals the corresponding entries of the whole");
      CHECK(same_entry, what + ": test_matrix_entry equals the filled matrix");
      // Another block is another matrix: most entries differ (all of them, but for the zeros of
      // sparse-sign and the ±1/√l values of the SRHT, which agree by chance about half the time).
      const std::vector<double> other = full(make_spec(kind, n, l, 99, block + 1));
      std::int64_t same = 0;
      for (std::size_t t = 0; t < one.size(); ++t) same += one[t] == other[t];
      CHECK_AT_MOST(static_cast<double>(same) / static_cast<double>(one.size()), 0.9,
                    (what + ": share of entries equal to the next block's").c_str());
    }
}

TEST_CASE("f32 test matrices are the f64 ones rounded to nearest") {
  for (auto kind : kAllTestMatrixKinds) {
    const TestMatrixSpec spec = make_spec(kind, 64, 6, 5);
    const std::vector<float> f = full<float>(spec);
    const std::vector<double> d = full<double>(spec);
    bool same = true;
    for (std::size_t i = 0; i < f.size(); ++i) same &= f[i] == static_cast<float>(d[i]);
    CHECK(same, std::string(test_matrix_kind_name(kind)) + ": float entries equal static_cast<float>(double entries)");
  }
}

TEST_CASE("the elementwise kinds are the documented functions of (seed, stream + 256·block, i, j)") {
  TestMatrixSpec spec = make_spec(TestMatrixKind::Gaussian, 40, 7, 1234, 5);
  spec.stream = Stream::ErrorEstimate;
  const std::uint32_t word = 1 + 256 * 5;
  CHECK(test_matrix_entry(spec, 3, 4) == gaussian_entry(1234, word, 3, 4), "gaussian entry");
  spec.kind = TestMatrixKind::Rademacher;
  CHECK(test_matrix_entry(spec, 3, 4) == rademacher_entry(1234, word, 3, 4), "rademacher entry");
  spec.kind = TestMatrixKind::Uniform;
  const Philox4x32 x = entry_words(1234, word, 3, 4);
  CHECK(test_matrix_entry(spec, 3, 4) == 2.0 * uniform_closed_open(x.v[0], x.v[1]) - 1.0, "uniform entry");
  CHECK(stream_word(Stream::StreamingCoreRight, 7) == 5 + 256 * 7, "stream word = stream + 256·block");
  CHECK(gaussian_entry(1, 0, 0, 0) != gaussian_entry(2, 0, 0, 0), "seed changes entries");
  CHECK(gaussian_entry(1, 0, 0, 0) != gaussian_entry(1, 1, 0, 0), "stream changes entries");
  CHECK(gaussian_entry(1, 0, 1, 0) != gaussian_entry(1, 0, 0, 1), "(1, 0) and (0, 1) differ");
}

TEST_CASE("sparse sign: exactly ζ non-zeros ±1/√ζ per row, ζ clamped to [1, l]") {
  const std::int64_t n = 500, l = 23;
  for (std::int64_t nnz : {1, 3, 8, 23, 40}) {
    const std::int64_t zeta = std::min(nnz, l);
    const std::vector<double> omega = full(make_spec(TestMatrixKind::SparseSign, n, l, 7, 0, nnz));
    const double value = 1.0 / std::sqrt(static_cast<double>(zeta));
    bool counts = true, values = true;
    for (std::int64_t i = 0; i < n; ++i) {
      std::int64_t nonzeros = 0;
      for (std::int64_t j = 0; j < l; ++j) {
        const double w = omega[i + j * n];
        if (w != 0) {
          ++nonzeros;
          values &= w == value || w == -value;
        }
      }
      // Positions that repeated would write one cell twice and leave fewer than ζ non-zeros.
      counts &= nonzeros == zeta;
    }
    CHECK(counts, "nnz " + std::to_string(nnz) + ": every row has exactly min(nnz, l) distinct non-zeros");
    CHECK(values, "nnz " + std::to_string(nnz) + ": every non-zero is ±1/√ζ");
  }
}

TEST_CASE("sparse sign: positions uniform over columns, signs balanced") {
  // A partial Fisher–Yates picks each of the l positions with probability ζ/l.
  const std::int64_t n = 20000, l = 5, zeta = 2;
  const std::vector<double> omega = full(make_spec(TestMatrixKind::SparseSign, n, l, 11, 0, zeta));
  const double p = static_cast<double>(zeta) / l;
  std::int64_t plus = 0;
  for (std::int64_t j = 0; j < l; ++j) {
    std::int64_t hits = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      hits += omega[i + j * n] != 0;
      plus += omega[i + j * n] > 0;
    }
    CHECK_CLOSE(static_cast<double>(hits) / n, p, 5 * std::sqrt(p * (1 - p) / n),
                ("share of rows with a non-zero in column " + std::to_string(j)).c_str());
  }
  CHECK_CLOSE(static_cast<double>(plus) / (n * zeta), 0.5, 5 * 0.5 / std::sqrt(n * zeta), "share of + signs");
}

TEST_CASE("moments of every kind: mean 0; E ω² = 1, 1, 1/3, 1/l, 1/l") {
  const std::int64_t n = 4000, l = 25;
  const double count = static_cast<double>(n * l);
  for (auto kind : kAllTestMatrixKinds) {
    const std::vector<double> omega = full(make_spec(kind, n, l, 2024, 0, 8));
    double sum = 0, sum2 = 0, sum4 = 0;
    for (double w : omega) {
      sum += w;
      sum2 += w * w;
      sum4 += w * w * w * w;
    }
    const double mean = sum / count, second = sum2 / count;
    // E ω² = 1 (gaussian, rademacher), 1/3 (uniform on [−1, 1)); sparse sign: ζ entries 1/ζ in
    // each row of l; SRHT: every entry is ±1/√l. E ω⁴ gives the standard error of the mean of ω².
    double expected = 1.0 / l;
    if (kind == TestMatrixKind::Gaussian || kind == TestMatrixKind::Rademacher) expected = 1.0;
    if (kind == TestMatrixKind::Uniform) expected = 1.0 / 3.0;
    const double se_second = std::sqrt(std::max(sum4 / count - second * second, 0.0) / count);
    // Rows are independent with mean 0 for every kind (an SRHT row shares its sign d_i, a
    // sparse-sign row its positions), so the mean's standard error is √(Σ_i (row sum)²)/(n·l).
    double rows_sq = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      double row = 0;
      for (std::int64_t j = 0; j < l; ++j) row += omega[i + j * n];
      rows_sq += row * row;
    }
    const double se_mean = std::sqrt(rows_sq) / count;
    const std::string what = std::string(test_matrix_kind_name(kind));
    CHECK_CLOSE(mean, 0.0, 5 * se_mean, (what + ": mean of the entries").c_str());
    // Plus the rounding of the sum, for the kinds whose squares are fixed (±1, ±1/√ζ, ±1/√l).
    CHECK_CLOSE(second, expected, 5 * se_second + count * tol::eps<double>() * expected,
                (what + ": mean of the squared entries").c_str());
  }
}

TEST_CASE("srht: columns distinct in [0, N); all of them when l = N; uniform over seeds") {
  for (std::int64_t n : {1000, 1024, 1, 3}) {
    const auto N = static_cast<std::int64_t>(std::bit_ceil(static_cast<std::uint64_t>(n)));
    for (std::int64_t l : {std::int64_t{1}, std::min<std::int64_t>(n, 20), N}) {
      std::vector<std::int64_t> s = srht_columns(make_spec(TestMatrixKind::Srht, n, l, 3));
      CHECK(static_cast<std::int64_t>(s.size()) == l, "one column per column of Ω");
      std::sort(s.begin(), s.end());
      CHECK(std::adjacent_find(s.begin(), s.end()) == s.end(), "columns are distinct");
      CHECK(s.front() >= 0 && s.back() < N, "columns lie in [0, N)");
      if (l == N) CHECK(s.front() == 0 && s.back() == N - 1, "l = N samples every column");
    }
  }
  // N = 16, l = 4: over 4000 seeds every column is chosen with probability 1/4, and the first
  // pick is uniform on [0, 16).
  const int seeds = 4000;
  std::vector<int> chosen(16), first(16);
  for (int seed = 0; seed < seeds; ++seed) {
    const auto s = srht_columns(make_spec(TestMatrixKind::Srht, 16, 4, static_cast<std::uint64_t>(seed)));
    for (auto c : s) ++chosen[static_cast<std::size_t>(c)];
    ++first[static_cast<std::size_t>(s[0])];
  }
  for (int c = 0; c < 16; ++c) {
    CHECK_CLOSE(chosen[c] / double(seeds), 0.25, 5 * std::sqrt(0.25 * 0.75 / seeds), "share of seeds choosing a column");
    CHECK_CLOSE(first[c] / double(seeds), 1.0 / 16, 5 * std::sqrt((1.0 / 16) * (15.0 / 16) / seeds),
                "share of seeds whose first column is c");
  }
}

TEST_CASE("srht: Ω = d_i·(−1)^popcount(i & s_j)/√l, and ΩᵀΩ = (1/l)·Σ_{i<n} (−1)^popcount(i & (s_a ^ s_b))") {
  // For n = N the sum is N·δ_ab, so ΩᵀΩ = (N/l)·I: √(N/l)·H·P has orthonormal columns scaled by
  // √(N/l). For n < N the first n rows of H are not orthogonal, and the sum is the exact Gram.
  for (std::int64_t n : {256, 200}) {
    const std::int64_t l = 12;
    const TestMatrixSpec spec = make_spec(TestMatrixKind::Srht, n, l, 17, 1);
    const std::vector<double> omega = full(spec);
    const std::vector<std::int64_t> s = srht_columns(spec);
    const double inv = 1.0 / std::sqrt(double(l));
    bool entries = true;
    const std::uint32_t word = stream_word(spec.stream, spec.block);
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < l; ++j) {
        const double h = (std::popcount(static_cast<std::uint64_t>(i & s[j])) % 2) ? -1.0 : 1.0;
        entries &= omega[i + j * n] == srht_sign(spec.seed, word, static_cast<std::uint64_t>(i)) * h * inv;
      }
    CHECK(entries, "n = " + std::to_string(n) + ": entries are d_i·(−1)^popcount(i & s_j)/√l");
    double worst = 0;
    for (std::int64_t a = 0; a < l; ++a)
      for (std::int64_t b = 0; b < l; ++b) {
        double gram = 0;
        for (std::int64_t i = 0; i < n; ++i) gram += omega[i + a * n] * omega[i + b * n];
        double exact = 0;
        for (std::int64_t i = 0; i < n; ++i) exact += (std::popcount(static_cast<std::uint64_t>(i & (s[a] ^ s[b]))) % 2) ? -1 : 1;
        if (n == 256) CHECK(exact == (a == b ? 256.0 : 0.0), "rows of H are orthogonal when n = N");
        worst = std::max(worst, std::abs(gram - exact / l));
      }
    // n products of (1/√l)², each off by ≤ 2 ulp, and n roundings of a sum ≤ n/l.
    CHECK_AT_MOST(worst, 4.0 * n * tol::eps<double>() * n / l, ("n = " + std::to_string(n) + ": ‖ΩᵀΩ − G/l‖max").c_str());
  }
}

namespace {

// op(A)·Ω in f64 for the materialised Ω, against sketch_srht in T, for A (m x n) stored in
// `layout` with leading dimension ld >= its minimum.
template <class T>
void check_sketch_srht(std::int64_t m, std::int64_t n, std::int64_t l, Layout layout, std::int64_t pad) {
  const TestMatrixSpec spec = make_spec(TestMatrixKind::Srht, n, l, 31, 4);
  const std::int64_t ld = (layout == Layout::ColMajor ? m : n) + pad;
  std::vector<T> storage(static_cast<std::size_t>(ld * (layout == Layout::ColMajor ? n : m)), T(-7));
  MatrixView<T> A{storage.data(), m, n, ld, layout};
  const std::vector<double> a = full(make_spec(TestMatrixKind::Gaussian, m, n, 8));
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < m; ++i) A(i, j) = static_cast<T>(a[i + j * m]);
  const std::vector<T> before = storage;

  const std::vector<double> omega = full(spec);
  DenseMatrix<T> Y;
  set_threads(1);
  sketch_srht<T>(A, spec, Y);
  DenseMatrix<T> Y2;
  set_threads(2);
  sketch_srht<T>(A, spec, Y2);

  const int stages = std::countr_zero(std::bit_ceil(static_cast<std::uint64_t>(n)));
  double worst = 0, worst_bound = 1;
  for (std::int64_t i = 0; i < m; ++i) {
    double abs_row = 0;
    for (std::int64_t c = 0; c < n; ++c) abs_row += std::abs(double(A(i, c)));
    for (std::int64_t j = 0; j < l; ++j) {
      long double exact = 0;  // so that the reference's own rounding is negligible
      for (std::int64_t c = 0; c < n; ++c) exact += static_cast<long double>(A(i, c)) * omega[c + j * n];
      const double bound = tol::fwht_sketch<T>(stages) * abs_row / std::sqrt(double(l));
      const double diff = static_cast<double>(std::abs(static_cast<long double>(Y(i, j)) - exact));
      if (diff / bound > worst / worst_bound) {
        worst = diff;
        worst_bound = bound;
      }
    }
  }
  const std::string what = std::string(sizeof(T) == 4 ? "f32 " : "f64 ") + (layout == Layout::ColMajor ? "col" : "row") +
                           "-major " + std::to_string(m) + " x " + std::to_string(n) + ", l = " + std::to_string(l);
  CHECK(Y.rows == m && Y.cols == l, what + ": out is m x l");
  CHECK_AT_MOST(worst, worst_bound, (what + ": worst |sketch_srht − A·Ω| against its bound").c_str());
  CHECK(Y.data == Y2.data, what + ": same result for 1 and 2 threads");
  CHECK(storage == before, what + ": A is not modified");
}

}  // namespace

TEST_CASE("sketch_srht equals A·Ω with Ω materialised, both layouts, f32 and f64") {
  for (auto layout : {Layout::ColMajor, Layout::RowMajor}) {
    // n a power of two and not; m not a multiple of the lanes; a padded leading dimension; the
    // 1 x 1 corner; N = 2048 > the in-cache block of the transform.
    check_sketch_srht<double>(37, 64, 10, layout, 0);
    check_sketch_srht<double>(37, 100, 100, layout, 3);
    check_sketch_srht<double>(5, 1, 1, layout, 0);
    check_sketch_srht<double>(20, 1500, 16, layout, 0);
    check_sketch_srht<float>(37, 64, 10, layout, 2);
    check_sketch_srht<float>(41, 100, 30, layout, 0);
    check_sketch_srht<float>(20, 1500, 16, layout, 1);
  }
}

TEST_CASE("preconditions: shape, stream, block, nnz, srht width, entry and block bounds") {
  const TestMatrixSpec ok = make_spec(TestMatrixKind::SparseSign, 10, 4);
  auto entry = [](TestMatrixSpec spec) { return [spec] { test_matrix_entry(spec, 0, 0); }; };
  TestMatrixSpec bad = ok;
  bad.rows = 0;
  CHECK(throws(entry(bad), ErrorCode::Shape, "spec"), "0 rows");
  bad = ok;
  bad.cols = std::int64_t{1} << 31;
  CHECK(throws(entry(bad), ErrorCode::Shape, "spec"), "2^31 columns");
  bad = ok;
  bad.rows = std::int64_t{1} << 53;
  CHECK(throws(entry(bad), ErrorCode::Shape, "spec"), "2^53 rows");
  bad = ok;
  bad.stream = static_cast<Stream>(256);
  CHECK(throws(entry(bad), ErrorCode::InvalidArgument, "spec.stream"), "stream 256");
  bad = ok;
  bad.block = 1u << 24;
  CHECK(throws(entry(bad), ErrorCode::InvalidArgument, "spec.block"), "block 2^24");
  bad = ok;
  bad.nnz = 0;
  CHECK(throws(entry(bad), ErrorCode::InvalidArgument, "spec.nnz"), "sparse sign with nnz 0");
  bad.kind = TestMatrixKind::Gaussian;
  CHECK(!throws(entry(bad), ErrorCode::InvalidArgument, "spec.nnz"), "nnz is ignored by the gaussian kind");
  bad = make_spec(TestMatrixKind::Srht, 5, 9);
  CHECK(throws(entry(bad), ErrorCode::Shape, "spec"), "srht with more columns than N");
  CHECK(throws([] { srht_columns(make_spec(TestMatrixKind::Gaussian, 8, 2)); }, ErrorCode::InvalidArgument, "spec.kind"),
        "srht_columns of a gaussian spec");
  CHECK(throws([&] { test_matrix_entry(ok, 10, 0); }, ErrorCode::InvalidArgument, "i, j"), "entry row out of range");
  CHECK(throws([&] { test_matrix_entry(ok, 0, -1); }, ErrorCode::InvalidArgument, "i, j"), "entry column out of range");
  std::vector<double> block(6);
  CHECK(throws([&] { fill_test_matrix(dense_view(block.data(), 3, 2, Layout::ColMajor), ok, 8, 0); }, ErrorCode::Shape,
               "out"),
        "block past the last row");
  CHECK(throws([&] { fill_test_matrix(dense_view(block.data(), 3, 2, Layout::ColMajor), ok, 0, 3); }, ErrorCode::Shape,
               "out"),
        "block past the last column");
  std::vector<double> a(6);
  DenseMatrix<double> out;
  const TestMatrixSpec srht = make_spec(TestMatrixKind::Srht, 4, 2);
  CHECK(throws([&] { sketch_srht<double>(dense_view<const double>(a.data(), 2, 3, Layout::ColMajor), srht, out); },
               ErrorCode::Shape, "A"),
        "sketch_srht with A.cols != spec.rows");
  CHECK(throws([&] { sketch_srht<double>(dense_view<const double>(a.data(), 3, 2, Layout::ColMajor), ok, out); },
               ErrorCode::InvalidArgument, "spec.kind"),
        "sketch_srht of a sparse-sign spec");
}

TEST_MAIN()
