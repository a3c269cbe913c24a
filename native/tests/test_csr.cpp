// The CSR operator against a dense reference (DenseOperator, i.e. BLAS gemm, on the densified
// matrix): products both ways, norms, column sums, for unsorted and repeated indices, empty rows
// and columns, f32/f64 and several block widths; thread-count independence; validation and
// NaN/Inf errors; and rsvd of CSR input against rsvd of the same matrix densified.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "check.hpp"
#include "randla/csr.hpp"
#include "randla/error.hpp"
#include "randla/linear_operator.hpp"
#include "randla/rsvd.hpp"
#include "randla/threads.hpp"
#include "tolerance.hpp"

using namespace randla;
namespace tol = randla::test;

namespace {

// splitmix64: a fixed, portable stream (std distributions differ between standard libraries).
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::int64_t below(std::int64_t n) { return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n)); }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53 * 2 - 1; }  // [-1, 1)
};

template <class T>
struct Csr {
  std::int64_t rows = 0, cols = 0;
  std::vector<std::int32_t> indptr, indices;
  std::vector<T> values;
  CsrView<T> view() const { return {rows, cols, indptr.data(), indices.data(), values.data()}; }
};

// Random CSR with the awkward cases built in: every 5th row empty (and the last), row 1 fully
// dense in reverse column order, columns j ≡ 2 (mod 7) empty, random (unsorted) order, and about
// one entry in six repeating an earlier column of its row. per_row = 0: very sparse instead (at
// most one entry per row, in about a fifth of the rows, no dense row).
template <class T>
Csr<T> random_csr(std::int64_t rows, std::int64_t cols, std::int64_t per_row, std::uint64_t seed) {
  Rng rng{seed};
  Csr<T> A;
  A.rows = rows;
  A.cols = cols;
  A.indptr.push_back(0);
  for (std::int64_t i = 0; i < rows; ++i) {
    const std::size_t start = A.indices.size();
    if (i == 1 && per_row > 0) {
      for (std::int64_t j = cols - 1; j >= 0; --j) {
        if (j % 7 == 2) continue;
        A.indices.push_back(static_cast<std::int32_t>(j));
        A.values.push_back(static_cast<T>(rng.uniform()));
      }
    } else if (i % 5 != 3 && i != rows - 1) {
      const std::int64_t count = per_row > 0 ? rng.below(2 * per_row + 1) : std::int64_t{rng.below(4) == 0};
      for (std::int64_t c = 0; c < count; ++c) {
        std::int64_t j;
        if (A.indices.size() > start && rng.below(6) == 0) {
          j = A.indices[start + static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(A.indices.size() - start)))];
        } else {
          j = rng.below(cols);
          if (j % 7 == 2) j = (j + 1) % cols;
        }
        A.indices.push_back(static_cast<std::int32_t>(j));
        A.values.push_back(static_cast<T>(rng.uniform()));
      }
    }
    A.indptr.push_back(static_cast<std::int32_t>(A.indices.size()));
  }
  return A;
}

// The matrix, col-major, repeats added up in f64.
template <class T>
std::vector<double> densify(const Csr<T>& A) {
  std::vector<double> D(static_cast<std::size_t>(A.rows * A.cols), 0.0);
  for (std::int64_t i = 0; i < A.rows; ++i)
    for (std::int32_t p = A.indptr[i]; p < A.indptr[i + 1]; ++p) D[i + A.indices[p] * A.rows] += A.values[p];
  return D;
}

template <class T>
DenseMatrix<T> random_block(std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
  Rng rng{seed};
  DenseMatrix<T> X(rows, cols);
  for (auto& v : X.data) v = static_cast<T>(rng.uniform());
  return X;
}

// op(A)·X against the gemm of the densified matrix, entry by entry, each to its own bound:
// (terms + 2)·eps·Σ|a||x| over the terms of that entry (tolerance.hpp, product_entry).
template <class T>
void check_products(const Csr<T>& A, std::int64_t l, const char* label) {
  std::vector<double> D = densify(A);
  std::vector<T> Dt(D.begin(), D.end());
  const DenseOperator<T> dense(dense_view<const T>(Dt.data(), A.rows, A.cols, Layout::ColMajor));
  const Csr<T> before = A;
  const CsrOperator<T> sparse(A.view());
  for (bool transpose : {false, true}) {
    const std::int64_t inner = transpose ? A.rows : A.cols, outer = transpose ? A.cols : A.rows;
    const DenseMatrix<T> X = random_block<T>(inner, l, 99 + l + (transpose ? 1000 : 0));
    const DenseMatrix<T> X_before = X;
    DenseMatrix<T> got, want;
    sparse.apply(transpose, X, got);
    dense.apply(transpose, X, want);
    CHECK(got.rows == outer && got.cols == l, std::string(label) + ": output shape");
    CHECK(X.data == X_before.data, std::string(label) + ": X unchanged");
    // Σ|a||x| and the number of stored terms of every output entry.
    std::vector<double> magnitude(static_cast<std::size_t>(outer * l), 0.0);
    std::vector<std::int64_t> terms(static_cast<std::size_t>(outer), 0);
    for (std::int64_t i = 0; i < A.rows; ++i)
      for (std::int32_t p = A.indptr[i]; p < A.indptr[i + 1]; ++p) {
        const std::int64_t j = A.indices[p], o = transpose ? j : i, x = transpose ? i : j;
        ++terms[o];
        for (std::int64_t t = 0; t < l; ++t)
          magnitude[o + t * outer] += std::abs(double(A.values[p])) * std::abs(double(X(x, t)));
      }
    double worst = -1, worst_bound = 0, worst_got = 0, worst_want = 0;
    for (std::int64_t t = 0; t < l; ++t)
      for (std::int64_t o = 0; o < outer; ++o) {
        const double diff = std::abs(double(got(o, t)) - double(want(o, t)));
        const double bound = tol::product_entry<T>(terms[o]) * magnitude[o + t * outer];
        if (diff - bound > worst - worst_bound || worst < 0) {
          worst = diff;
          worst_bound = bound;
          worst_got = got(o, t);
          worst_want = want(o, t);
        }
      }
    const std::string what = std::string(label) + (transpose ? ": (Aᵀ·X) worst entry" : ": (A·X) worst entry");
    CHECK_CLOSE(worst_got, worst_want, worst_bound, what.c_str());
  }
  CHECK(A.indptr == before.indptr && A.indices == before.indices && A.values == before.values,
        std::string(label) + ": A unchanged");

  // ‖A‖²_F and 1ᵀA with repeats added up first, against the f64 densified matrix.
  double fro = 0;
  for (double v : D) fro += v * v;
  CHECK_CLOSE(sparse.frobenius_norm_squared(), fro, tol::product_entry<double>(static_cast<std::int64_t>(A.values.size())) * fro,
              (std::string(label) + ": ‖A‖²_F").c_str());
  const std::vector<double> sums = sparse.column_sums();
  CHECK(static_cast<std::int64_t>(sums.size()) == A.cols, std::string(label) + ": column_sums size");
  for (std::int64_t j = 0; j < A.cols && j < static_cast<std::int64_t>(sums.size()); ++j) {
    double want = 0, mag = 0;
    for (std::int64_t i = 0; i < A.rows; ++i) {
      want += D[i + j * A.rows];
      mag += std::abs(D[i + j * A.rows]);
    }
    CHECK_CLOSE(sums[j], want, tol::product_entry<double>(A.rows) * mag,
                (std::string(label) + ": column sum " + std::to_string(j)).c_str());
  }
}

template <class T>
void products_against_dense() {
  const char* dtype = sizeof(T) == 8 ? "f64" : "f32";
  struct Shape {
    std::int64_t rows, cols, per_row;
  };
  // Square-ish, tall, wide, and one so sparse that both products read X in place (nnz·4 < rows, cols).
  for (const Shape s : {Shape{97, 83, 6}, Shape{400, 60, 9}, Shape{50, 300, 30}, Shape{300, 2000, 0}}) {
    for (std::int64_t l : {1, 3, 17, 64}) {
      const Csr<T> A = random_csr<T>(s.rows, s.cols, s.per_row, 7 * s.rows + s.cols);
      const std::string label = std::string(dtype) + " " + std::to_string(s.rows) + "x" + std::to_string(s.cols) +
                                " (nnz " + std::to_string(A.values.size()) + ") l=" + std::to_string(l);
      check_products(A, l, label.c_str());
    }
  }
}

TEST_CASE("A·X and Aᵀ·Y match the densified gemm (f64)") { products_against_dense<double>(); }
TEST_CASE("A·X and Aᵀ·Y match the densified gemm (f32)") { products_against_dense<float>(); }

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

// The same products on 1 and 2 threads, bit for bit. The sizes make each product split into two
// pieces on 2 threads (tiled path, and the in-place path of a very sparse A).
template <class T>
void thread_count_independence() {
  const int saved = threads();
  struct Case {
    std::int64_t rows, cols, per_row, l;
  };
  for (const Case c : {Case{3000, 700, 25, 17}, Case{40000, 40000, 0, 4}}) {
    const Csr<T> A = c.per_row > 0 ? random_csr<T>(c.rows, c.cols, c.per_row, 5) : [&] {
      // ~1 entry in 8 rows: A·X and Aᵀ·Y both read X in place.
      Csr<T> S;
      S.rows = c.rows;
      S.cols = c.cols;
      Rng rng{17};
      S.indptr.push_back(0);
      for (std::int64_t i = 0; i < c.rows; ++i) {
        if (rng.below(8) == 0) {
          S.indices.push_back(static_cast<std::int32_t>(rng.below(c.cols)));
          S.values.push_back(static_cast<T>(rng.uniform()));
        }
        S.indptr.push_back(static_cast<std::int32_t>(S.indices.size()));
      }
      return S;
    }();
    const DenseMatrix<T> X = random_block<T>(c.cols, c.l, 3), Y = random_block<T>(c.rows, c.l, 4);
    std::vector<T> ax[2], aty[2];
    std::vector<double> sums[2];
    double fro[2];
    for (int n : {1, 2}) {
      set_threads(n);
      const CsrOperator<T> op(A.view());
      DenseMatrix<T> out;
      op.apply(false, X, out);
      ax[n - 1] = out.data;
      op.apply(true, Y, out);
      aty[n - 1] = out.data;
      sums[n - 1] = op.column_sums();
      fro[n - 1] = op.frobenius_norm_squared();
    }
    const std::string label = std::to_string(c.rows) + "x" + std::to_string(c.cols) + (sizeof(T) == 8 ? " f64" : " f32");
    CHECK(same_bits(ax[0], ax[1]), label + ": A·X identical on 1 and 2 threads");
    CHECK(same_bits(aty[0], aty[1]), label + ": Aᵀ·Y identical on 1 and 2 threads");
    CHECK(same_bits(sums[0], sums[1]), label + ": column sums identical on 1 and 2 threads");
    CHECK(std::memcmp(&fro[0], &fro[1], sizeof(double)) == 0, label + ": ‖A‖²_F identical on 1 and 2 threads");
  }
  set_threads(saved);
}

TEST_CASE("results do not depend on the thread count (f64)") { thread_count_independence<double>(); }
TEST_CASE("results do not depend on the thread count (f32)") { thread_count_independence<float>(); }

TEST_CASE("a matrix with no stored entries: zero products, norm and sums") {
  const std::vector<std::int32_t> indptr(5, 0);
  const CsrView<double> A{4, 3, indptr.data(), nullptr, nullptr};
  validate_csr(A, "A");
  const CsrOperator<double> op(A);
  DenseMatrix<double> out;
  op.apply(false, random_block<double>(3, 2, 1), out);
  CHECK(out.rows == 4 && out.cols == 2, "A·X shape");
  CHECK(std::all_of(out.data.begin(), out.data.end(), [](double v) { return v == 0; }), "A·X = 0");
  op.apply(true, random_block<double>(4, 2, 1), out);
  CHECK(out.rows == 3 && out.cols == 2, "Aᵀ·Y shape");
  CHECK(std::all_of(out.data.begin(), out.data.end(), [](double v) { return v == 0; }), "Aᵀ·Y = 0");
  CHECK(op.frobenius_norm_squared() == 0, "‖A‖²_F = 0");
  CHECK(op.column_sums() == std::vector<double>(3, 0.0), "column sums = 0");
  op.expect_finite("A");
}

TEST_CASE("repeats cancel: ‖A‖_F of 1 + (−1) at one position is 0") {
  const std::vector<std::int32_t> indptr{0, 3}, indices{1, 0, 1};
  const std::vector<double> values{1.0, 2.0, -1.0};
  const CsrOperator<double> op(CsrView<double>{1, 2, indptr.data(), indices.data(), values.data()});
  CHECK_CLOSE(op.frobenius_norm_squared(), 4.0, 0.0, "‖[2, 0]‖²_F");
  const auto sums = op.column_sums();
  CHECK_CLOSE(sums[0], 2.0, 0.0, "column sum 0");
  CHECK_CLOSE(sums[1], 0.0, 0.0, "column sum 1");
}

// Runs f, which must throw randla::Error with this code, argument and message.
template <class F>
void expect_error(F f, ErrorCode code, const std::string& argument, const std::string& message) {
  try {
    f();
    CHECK(false, "expected randla::Error \"" + message + "\", nothing was thrown");
  } catch (const Error& e) {
    CHECK(e.code() == code, std::string("code ") + error_code_name(e.code()) + ", expected " + error_code_name(code) +
                                " (" + e.what() + ")");
    CHECK(e.argument() == argument, "argument \"" + e.argument() + "\", expected \"" + argument + "\"");
    CHECK(std::string(e.what()) == message, std::string("message \"") + e.what() + "\", expected \"" + message + "\"");
  }
}

TEST_CASE("validate_csr names the first malformed position, its expected and actual value") {
  const std::vector<std::int32_t> indices{0, 4, 2, 1, 3};
  const std::vector<double> values(5, 1.0);
  auto validate = [&](std::int64_t rows, std::int64_t cols, const std::vector<std::int32_t>& indptr,
                      const std::vector<std::int32_t>& idx, const char* name = "A") {
    return [=] { validate_csr(CsrView<double>{rows, cols, indptr.data(), idx.data(), values.data()}, name); };
  };
  const std::vector<std::int32_t> good{0, 2, 2, 5};
  validate(3, 5, good, indices)();  // well formed: no throw

  expect_error(validate(0, 5, {0}, indices), ErrorCode::Shape, "A.rows",
               "Expected an integer in [1, 2147483647] for A.rows but received 0");
  expect_error(validate(3, 0, good, indices), ErrorCode::Shape, "A.cols",
               "Expected an integer >= 1 for A.cols but received 0");
  expect_error(validate(-2, 5, good, indices), ErrorCode::Shape, "A.rows",
               "Expected an integer in [1, 2147483647] for A.rows but received -2");
  expect_error([&] { validate_csr(CsrView<double>{3, 5, nullptr, indices.data(), values.data()}, "A"); },
               ErrorCode::InvalidArgument, "A.indptr", "Expected an array for A.indptr but received null");
  expect_error(validate(3, 5, {1, 2, 2, 5}, indices), ErrorCode::InvalidArgument, "A.indptr",
               "Expected 0 for A.indptr[0] but received 1");
  expect_error(validate(3, 5, {0, 3, 2, 5}, indices), ErrorCode::InvalidArgument, "A.indptr",
               "Expected a value >= A.indptr[1] = 3 for A.indptr[2] but received 2");
  expect_error(validate(3, 5, {0, 2, 2, -1}, indices), ErrorCode::InvalidArgument, "A.indptr",
               "Expected a value >= A.indptr[2] = 2 for A.indptr[3] but received -1");
  expect_error(validate(3, 4, good, indices), ErrorCode::InvalidArgument, "A.indices",
               "Expected an index in [0, 4) for A.indices[1] but received 4");
  expect_error(validate(3, 5, good, {0, 1, 2, -1, 3}), ErrorCode::InvalidArgument, "A.indices",
               "Expected an index in [0, 5) for A.indices[3] but received -1");
  expect_error(validate(3, 5, good, {0, 1, 2, 7, -3}, "M"), ErrorCode::InvalidArgument, "M.indices",
               "Expected an index in [0, 5) for M.indices[3] but received 7");
  expect_error([&] { validate_csr(CsrView<double>{3, 5, good.data(), nullptr, values.data()}, "A"); },
               ErrorCode::InvalidArgument, "A.indices", "Expected an array of 5 entries for A.indices but received null");
  expect_error([&] { validate_csr(CsrView<double>{3, 5, good.data(), indices.data(), nullptr}, "A"); },
               ErrorCode::InvalidArgument, "A.values", "Expected an array of 5 entries for A.values but received null");
}

TEST_CASE("validate_csr reports the first bad position whatever the thread count") {
  // Long enough that the scans split across 2 threads; bad positions in both halves.
  const std::int64_t rows = 100000;
  std::vector<std::int32_t> indptr(static_cast<std::size_t>(rows + 1));
  for (std::int64_t i = 0; i <= rows; ++i) indptr[i] = static_cast<std::int32_t>(i);
  std::vector<std::int32_t> indices(static_cast<std::size_t>(rows), 0);
  std::vector<float> values(static_cast<std::size_t>(rows), 1.0f);
  indices[30001] = 9;
  indices[60002] = -9;
  indices[90003] = 9;
  const int saved = threads();
  for (int n : {1, 2}) {
    set_threads(n);
    expect_error([&] { validate_csr(CsrView<float>{rows, 9, indptr.data(), indices.data(), values.data()}, "A"); },
                 ErrorCode::InvalidArgument, "A.indices", "Expected an index in [0, 9) for A.indices[30001] but received 9");
    // The first position of each half bad: the second half's is found while the first's is known.
    std::vector<std::int32_t> edges(indices);
    edges[0] = 10;
    edges[50001] = 11;
    expect_error([&] { validate_csr(CsrView<float>{rows, 9, indptr.data(), edges.data(), values.data()}, "A"); },
                 ErrorCode::InvalidArgument, "A.indices", "Expected an index in [0, 9) for A.indices[0] but received 10");
    std::vector<std::int32_t> bad = indptr;
    bad[70000] = 5;
    bad[95000] = 7;
    expect_error([&] { validate_csr(CsrView<float>{rows, 9, bad.data(), indices.data(), values.data()}, "A"); },
                 ErrorCode::InvalidArgument, "A.indptr",
                 "Expected a value >= A.indptr[69999] = 69999 for A.indptr[70000] but received 5");
  }
  set_threads(saved);
}

template <class T>
void finite_check() {
  // Rows 0 and 2 empty: the row of an entry comes from indptr, not from its position.
  const std::vector<std::int32_t> indptr{0, 0, 2, 2, 5};
  const std::vector<std::int32_t> indices{3, 1, 0, 7, 2};
  std::vector<T> values{1, 2, 3, 4, 5};
  const CsrView<T> A{4, 8, indptr.data(), indices.data(), values.data()};
  CsrOperator<T>(A).expect_finite("A");
  values[3] = std::numeric_limits<T>::quiet_NaN();
  values[4] = std::numeric_limits<T>::infinity();
  expect_error([&] { CsrOperator<T>(A).expect_finite("A"); }, ErrorCode::NotFinite, "A",
               "Expected finite values for A but received NaN at (3, 7)");
  values[3] = 4;
  expect_error([&] { CsrOperator<T>(A).expect_finite("A"); }, ErrorCode::NotFinite, "A",
               "Expected finite values for A but received Infinity at (3, 2)");
  values[1] = -std::numeric_limits<T>::infinity();
  expect_error([&] { CsrOperator<T>(A).expect_finite("B"); }, ErrorCode::NotFinite, "B",
               "Expected finite values for B but received -Infinity at (1, 1)");
}

TEST_CASE("expect_finite names the row and column of the first NaN/Inf (f64)") { finite_check<double>(); }
TEST_CASE("expect_finite names the row and column of the first NaN/Inf (f32)") { finite_check<float>(); }

// Tridiagonal n x n, well separated leading singular values (diagonal 1/(i+1), off-diagonals a
// tenth of it), each row stored diagonal first (unsorted).
template <class T>
Csr<T> tridiagonal(std::int64_t n) {
  Csr<T> A;
  A.rows = A.cols = n;
  A.indptr.push_back(0);
  for (std::int64_t i = 0; i < n; ++i) {
    const double d = 1.0 / double(i + 1);
    A.indices.push_back(static_cast<std::int32_t>(i));
    A.values.push_back(static_cast<T>(d));
    if (i + 1 < n) {
      A.indices.push_back(static_cast<std::int32_t>(i + 1));
      A.values.push_back(static_cast<T>(0.1 * d));
    }
    if (i > 0) {
      A.indices.push_back(static_cast<std::int32_t>(i - 1));
      A.values.push_back(static_cast<T>(-0.1 * d));
    }
    A.indptr.push_back(static_cast<std::int32_t>(A.indices.size()));
  }
  return A;
}

template <class T>
void compare_results(const RsvdResult<T>& s, const RsvdResult<T>& d, const std::string& label) {
  CHECK(s.rank == d.rank && s.U.size() == d.U.size() && s.Vt.size() == d.Vt.size(), label + ": shapes");
  if (s.rank != d.rank || s.U.size() != d.U.size() || s.Vt.size() != d.Vt.size()) return;
  const double t = tol::operators_agree<T>();
  for (std::int64_t j = 0; j < s.rank; ++j)
    CHECK_CLOSE(s.S[j] / d.S[j], 1.0, t, (label + ": σ" + std::to_string(j + 1) + " relative").c_str());
  auto worst = [](const std::vector<T>& a, const std::vector<T>& b, double& ga, double& gb) {
    double w = -1;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (std::abs(double(a[i]) - double(b[i])) > w) {
        w = std::abs(double(a[i]) - double(b[i]));
        ga = a[i];
        gb = b[i];
      }
  };
  double a = 0, b = 0;
  worst(s.U, d.U, a, b);
  CHECK_CLOSE(a, b, t, (label + ": worst entry of U").c_str());
  worst(s.Vt, d.Vt, a, b);
  CHECK_CLOSE(a, b, t, (label + ": worst entry of Vt").c_str());
}

template <class T>
void rsvd_matches_dense(const Csr<T>& A, const RsvdOptions& o, const std::string& label) {
  const std::vector<double> D = densify(A);
  std::vector<T> Dt(D.begin(), D.end());
  const auto sparse = rsvd<T>(A.view(), o);
  const auto dense = rsvd<T>(dense_view<const T>(Dt.data(), A.rows, A.cols, Layout::ColMajor), o);
  compare_results(sparse, dense, label);
}

TEST_CASE("rsvd(CsrView) of a 3000 x 3000 tridiagonal equals rsvd of it densified, same seed") {
  RsvdOptions o;
  o.rank = 10;
  o.oversamples = 10;
  o.power_iters = 2;
  o.seed = 11;
  rsvd_matches_dense(tridiagonal<double>(3000), o, "f64 tridiagonal");
  rsvd_matches_dense(tridiagonal<float>(3000), o, "f32 tridiagonal");
}

TEST_CASE("rsvd(CsrView) of a wide random CSR (factorized as Aᵀ) equals rsvd of it densified") {
  RsvdOptions o;
  o.rank = 5;
  o.oversamples = 10;
  o.power_iters = 2;
  o.seed = 3;
  // A few large entries on top of the random ones give a leading spectrum with clear gaps.
  Csr<double> A = random_csr<double>(120, 400, 8, 21);
  for (std::size_t p = 0; p < A.values.size(); p += 37) A.values[p] *= 20.0 + double(p % 5);
  rsvd_matches_dense(A, o, "f64 120x400");
}

TEST_CASE("rsvd(CsrView) validates A and rejects NaN") {
  const std::vector<std::int32_t> indptr{0, 1, 2}, indices{0, 5};
  std::vector<double> values{1, 2};
  RsvdOptions o;
  o.rank = 1;
  expect_error([&] { rsvd<double>(CsrView<double>{2, 2, indptr.data(), indices.data(), values.data()}, o); },
               ErrorCode::InvalidArgument, "A.indices", "Expected an index in [0, 2) for A.indices[1] but received 5");
  const std::vector<std::int32_t> ok{0, 1};
  values[1] = std::numeric_limits<double>::quiet_NaN();
  expect_error([&] { rsvd<double>(CsrView<double>{2, 2, indptr.data(), ok.data(), values.data()}, o); },
               ErrorCode::NotFinite, "A", "Expected finite values for A but received NaN at (1, 1)");
}

}  // namespace

TEST_MAIN()
