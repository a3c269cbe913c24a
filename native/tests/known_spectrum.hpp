// Test matrices with known singular values, A = U·diag(σ)·Vᵀ for random orthonormal U and V,
// and the exact measurements the tests compare against (LAPACK on the dense residual).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "check.hpp"
#include "cpu/blas_lapack.hpp"
#include "randla/rsvd.hpp"

namespace randla::test {

// The canonical sign rule of every SVD result: the largest-|.| entry of each U column is
// positive, and S is non-increasing.
template <class T>
void check_sign_rule(const RsvdResult<T>& r) {
  for (std::int64_t j = 0; j < r.rank; ++j) {
    std::int64_t arg = 0;
    for (std::int64_t i = 1; i < r.rows; ++i)
      if (std::abs(r.U[i * r.rank + j]) > std::abs(r.U[arg * r.rank + j])) arg = i;
    CHECK(r.U[arg * r.rank + j] > 0, "largest-|.| entry of U[:, " + std::to_string(j) + "] is positive");
  }
  for (std::int64_t j = 1; j < r.rank; ++j) CHECK(r.S[j] <= r.S[j - 1], "S non-increasing");
}

// Orthonormal m x r basis (col-major): the thin Q of a Gaussian matrix drawn from its own seed.
inline std::vector<double> orthonormal_basis(std::int64_t m, std::int64_t r, std::uint64_t seed) {
  std::vector<double> q(static_cast<std::size_t>(m * r));
  fill_test_matrix(dense_view(q.data(), m, r, Layout::ColMajor), TestMatrixKind::Gaussian, seed, Stream::RangeFinder);
  blas::thin_q(static_cast<int>(m), static_cast<int>(r), q.data(), static_cast<int>(m));
  return q;
}

// A = U diag(sigma) Vᵀ (m x n, col-major, f64); U and V from the seeds.
inline std::vector<double> with_spectrum(std::int64_t m, std::int64_t n, const std::vector<double>& sigma,
                                         std::uint64_t seed_u = 1001, std::uint64_t seed_v = 2002) {
  const auto r = static_cast<std::int64_t>(sigma.size());
  auto us = orthonormal_basis(m, r, seed_u);
  const auto V = orthonormal_basis(n, r, seed_v);
  for (std::int64_t j = 0; j < r; ++j)
    for (std::int64_t i = 0; i < m; ++i) us[static_cast<std::size_t>(i + j * m)] *= sigma[static_cast<std::size_t>(j)];
  std::vector<double> A(static_cast<std::size_t>(m * n));
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, static_cast<int>(m), static_cast<int>(n), static_cast<int>(r),
              1.0, us.data(), static_cast<int>(m), V.data(), static_cast<int>(n), 0.0, A.data(), static_cast<int>(m));
  return A;
}

// Aᵀ (n x m, col-major) of the col-major m x n A.
inline std::vector<double> transpose(const std::vector<double>& A, std::int64_t m, std::int64_t n) {
  std::vector<double> At(A.size());
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < m; ++i) At[static_cast<std::size_t>(j + i * n)] = A[static_cast<std::size_t>(i + j * m)];
  return At;
}

// σᵢ = i^(−power), i = 1..count.
inline std::vector<double> polynomial_decay(std::int64_t count, double power) {
  std::vector<double> s(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) s[static_cast<std::size_t>(i)] = std::pow(double(i + 1), -power);
  return s;
}
// σᵢ = e^(−rate·(i − 1)), i = 1..count.
inline std::vector<double> exponential_decay(std::int64_t count, double rate) {
  std::vector<double> s(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) s[static_cast<std::size_t>(i)] = std::exp(-rate * double(i));
  return s;
}

// The col-major f64 matrix stored as T in the given layout.
template <class T>
std::vector<T> stored(const std::vector<double>& colmajor, std::int64_t m, std::int64_t n, Layout layout) {
  std::vector<T> out(colmajor.size());
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < m; ++i)
      out[static_cast<std::size_t>(layout == Layout::ColMajor ? i + j * m : i * n + j)] =
          static_cast<T>(colmajor[static_cast<std::size_t>(i + j * m)]);
  return out;
}

// What was given to the algorithm, back in col-major f64 (for f32 input: A rounded to f32).
template <class T>
std::vector<double> given(const std::vector<T>& data, std::int64_t m, std::int64_t n, Layout layout) {
  std::vector<double> out(static_cast<std::size_t>(m * n));
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < m; ++i)
      out[static_cast<std::size_t>(i + j * m)] =
          double(data[static_cast<std::size_t>(layout == Layout::ColMajor ? i + j * m : i * n + j)]);
  return out;
}

// A − U diag(S) Vt in f64, col-major (U rows x rank and Vt rank x cols, row-major, as returned).
template <class T>
std::vector<double> residual(const std::vector<double>& A, const RsvdResult<T>& r) {
  const std::int64_t m = r.rows, n = r.cols, k = r.rank;
  std::vector<double> us(static_cast<std::size_t>(m * k)), vt(static_cast<std::size_t>(k * n));
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t t = 0; t < k; ++t)
      us[static_cast<std::size_t>(i * k + t)] = double(r.U[static_cast<std::size_t>(i * k + t)]) * r.S[static_cast<std::size_t>(t)];
  for (std::size_t i = 0; i < vt.size(); ++i) vt[i] = double(r.Vt[i]);
  std::vector<double> R(A);
  // Col-major R (m x n) −= (row-major US)·(row-major Vt): as col-major, USᵀ is k x m and Vtᵀ is n x k.
  cblas_dgemm(CblasColMajor, CblasTrans, CblasTrans, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), -1.0,
              us.data(), static_cast<int>(std::max<std::int64_t>(1, k)), vt.data(), static_cast<int>(n), 1.0, R.data(),
              static_cast<int>(m));
  return R;
}

inline double frobenius(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v * v;
  return std::sqrt(s);
}

// All singular values of the m x n col-major M (LAPACK gesdd without vectors).
inline std::vector<double> singular_values(std::vector<double> M, std::int64_t m, std::int64_t n) {
  const int mi = static_cast<int>(m), ni = static_cast<int>(n), r = std::min(mi, ni);
  std::vector<double> s(static_cast<std::size_t>(r));
  std::vector<int> iwork(static_cast<std::size_t>(8) * static_cast<std::size_t>(r));
  const char jobz = 'N';
  int lda = std::max(1, mi), one = 1, info = 0, lwork = -1;
  double query = 0, dummy = 0;
  dgesdd_(&jobz, &mi, &ni, M.data(), &lda, s.data(), &dummy, &one, &dummy, &one, &query, &lwork, iwork.data(), &info, 1);
  lwork = std::max(1, static_cast<int>(query));
  std::vector<double> work(static_cast<std::size_t>(lwork));
  dgesdd_(&jobz, &mi, &ni, M.data(), &lda, s.data(), &dummy, &one, &dummy, &one, work.data(), &lwork, iwork.data(),
          &info, 1);
  if (info != 0) throw Error(ErrorCode::NotConverged, "test: gesdd failed");
  return s;
}

inline double spectral_norm(const std::vector<double>& M, std::int64_t m, std::int64_t n) {
  return singular_values(M, m, n)[0];
}

// max |XᵀX − I| for a col-major block (columns are the vectors).
template <class T>
double orthonormality_error(const DenseMatrix<T>& X) {
  double worst = 0;
  for (std::int64_t a = 0; a < X.cols; ++a)
    for (std::int64_t b = 0; b < X.cols; ++b) {
      double s = 0;
      for (std::int64_t i = 0; i < X.rows; ++i) s += double(X(i, a)) * double(X(i, b));
      worst = std::max(worst, std::abs(s - (a == b ? 1.0 : 0.0)));
    }
  return worst;
}

// max |XᵀX − I| for X stored row-major rows x cols whose vectors are its columns or its rows.
template <class T>
double orthonormality_error(const std::vector<T>& X, std::int64_t rows, std::int64_t cols, bool vectors_are_rows) {
  double worst = 0;
  const std::int64_t count = vectors_are_rows ? rows : cols, len = vectors_are_rows ? cols : rows;
  auto at = [&](std::int64_t v, std::int64_t t) {
    return double(vectors_are_rows ? X[static_cast<std::size_t>(v * cols + t)] : X[static_cast<std::size_t>(t * cols + v)]);
  };
  for (std::int64_t a = 0; a < count; ++a)
    for (std::int64_t b = 0; b < count; ++b) {
      double s = 0;
      for (std::int64_t t = 0; t < len; ++t) s += at(a, t) * at(b, t);
      worst = std::max(worst, std::abs(s - (a == b ? 1.0 : 0.0)));
    }
  return worst;
}

// Runs `call`, which must throw randla::Error with `code` naming `argument` (in the message too).
template <class F>
void expect_error(F&& call, ErrorCode code, const std::string& argument, const std::string& what) {
  try {
    call();
    CHECK(false, what + ": expected an error for " + argument);
  } catch (const Error& e) {
    CHECK(e.code() == code, what + ": code " + error_code_name(e.code()) + ", expected " + error_code_name(code));
    CHECK(e.argument() == argument, what + ": argument named '" + e.argument() + "', expected '" + argument + "'");
    CHECK(std::string(e.what()).find(argument) != std::string::npos, what + ": message names " + argument + ": " + e.what());
  }
}

}  // namespace randla::test
