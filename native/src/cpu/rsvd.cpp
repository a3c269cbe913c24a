// Randomized SVD: Halko, Martinsson, Tropp, SIAM Review 2011, Algorithm 5.1 (direct SVD of
// B = QᵀA) on the basis of Algorithm 4.3/4.4. Deviation: the small SVD runs in f64 for f32
// input too; wide A is factorized as Aᵀ (a view, no copy) with the factors swapped.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <limits>
#include <new>
#include <sstream>
#include <vector>

#include "cpu/blas_lapack.hpp"
#include "randla/rsvd.hpp"
#include "randla/threads.hpp"

namespace randla {
namespace {

template <class T>
void expect_view(MatrixView<const T> A, const char* argument) {
  RANDLA_EXPECTS_CODE(A.rows >= 1 && A.cols >= 1, ErrorCode::Shape, argument)
      << "Expected at least 1 row and 1 column for " << argument << " but received " << A.rows << " x " << A.cols;
  RANDLA_EXPECTS(A.data != nullptr, argument) << "Expected data for " << argument << " but received a null pointer";
  const std::int64_t min_ld = A.layout == Layout::ColMajor ? A.rows : A.cols;
  RANDLA_EXPECTS_CODE(A.ld >= min_ld, ErrorCode::Shape, argument)
      << "Expected a leading dimension >= " << min_ld << " for " << argument << " but received " << A.ld;
  blas::dim(A.rows, "rows");
  blas::dim(A.cols, "cols");
  blas::dim(A.ld, "leading dimension");
}

}  // namespace

template <class T>
void expect_finite(MatrixView<const T> A, const char* argument) {
  // Storage order: `outer` runs over stored columns (col-major) or rows (row-major).
  const bool col_major = A.layout == Layout::ColMajor;
  const std::int64_t outer = col_major ? A.cols : A.rows, inner = col_major ? A.rows : A.cols;
  const std::int64_t none = std::numeric_limits<std::int64_t>::max();
  std::vector<std::int64_t> chunk_first(static_cast<std::size_t>(outer), none);
  parallel_for(outer, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t o = begin; o < end; ++o) {
      const T* p = A.data + o * A.ld;
      // NaN/Inf have all exponent bits set: an integer test the compiler vectorizes, unlike isfinite.
      using Bits = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
      constexpr Bits exponent = sizeof(T) == 8 ? Bits(0x7ff0000000000000ull) : Bits(0x7f800000u);
      Bits bad = 0;
      for (std::int64_t i = 0; i < inner; ++i) {
        Bits bits;
        std::memcpy(&bits, p + i, sizeof bits);
        bad |= Bits((bits & exponent) == exponent);
      }
      if (bad) {
        for (std::int64_t i = 0; i < inner; ++i) {
          if (!std::isfinite(p[i])) {
            chunk_first[static_cast<std::size_t>(o)] = o * inner + i;
            break;
          }
        }
        return;  // the first bad entry of this chunk is found
      }
    }
  }, 64);
  const std::int64_t bad = *std::min_element(chunk_first.begin(), chunk_first.end());
  if (bad == none) return;
  const std::int64_t o = bad / inner, i = bad % inner;
  const std::int64_t row = col_major ? i : o, col = col_major ? o : i;
  const T value = A(row, col);
  std::ostringstream msg;
  msg << "Expected finite values for " << argument << " but received " << (std::isnan(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity")
      << " at (" << row << ", " << col << ")";
  throw Error(ErrorCode::NotFinite, msg.str(), argument);
}

template <class T>
RsvdResult<T> rsvd(MatrixView<const T> A, const RsvdOptions& options, const RunControl& control) {
  expect_view(A, "A");
  const std::int64_t min_dim = std::min(A.rows, A.cols);
  RANDLA_EXPECTS(options.rank >= 1 && options.rank <= min_dim, "rank")
      << "Expected an integer in [1, " << min_dim << "] for rank but received " << options.rank;
  RANDLA_EXPECTS(options.oversamples >= 0, "oversamples")
      << "Expected a non-negative integer for oversamples but received " << options.oversamples;
  RANDLA_EXPECTS(options.power_iters >= 0 && options.power_iters <= 1000, "power_iters")
      << "Expected an integer in [0, 1000] for power_iters but received " << options.power_iters;
  try {
    if (options.check_finite) expect_finite(A, "A");

    const bool wide = A.rows < A.cols;
    const MatrixView<const T> tall = wide ? A.transposed() : A;
    const std::int64_t m = tall.rows, n = tall.cols, k = options.rank;
    const std::int64_t l = std::min(k + options.oversamples, n);

    RangeFinderOptions rf;
    rf.size = l;
    rf.power_iters = options.power_iters;
    rf.normalizer = options.normalizer;
    rf.test_matrix = options.test_matrix;
    rf.seed = options.seed;
    QbFactors<T> f = qb(tall, rf, control);

    // Small SVD in f64: Bᵀ = W diag(s) Zᵀ, so that B = Z diag(s) Wᵀ and A ≈ (Q·Z) diag(s) Wᵀ.
    std::vector<double> Bt(f.Bt.data.begin(), f.Bt.data.end());
    f.Bt = {};
    blas::SvdFactors svd = blas::svd(blas::dim(n, "n"), blas::dim(l, "l"), Bt.data(), blas::dim(n, "n"));

    // U_tall = Q · Z[:, :k] (m x k) in the input precision; Z(i, j) = Zᵀ(j, i).
    DenseMatrix<T> z(l, k);
    for (std::int64_t j = 0; j < k; ++j)
      for (std::int64_t i = 0; i < l; ++i) z(i, j) = static_cast<T>(svd.Vt[static_cast<std::size_t>(j + i * l)]);
    DenseMatrix<T> u_tall(m, k);
    blas::gemm(CblasNoTrans, CblasNoTrans, blas::dim(m, "m"), blas::dim(k, "k"), blas::dim(l, "l"), T(1),
               f.Q.data.data(), blas::dim(m, "m"), z.data.data(), blas::dim(l, "l"), T(0), u_tall.data.data(),
               blas::dim(m, "m"));
    f.Q = {};

    RsvdResult<T> r;
    r.rows = A.rows;
    r.cols = A.cols;
    r.rank = k;
    r.S.assign(svd.s.begin(), svd.s.begin() + k);
    r.U.resize(static_cast<std::size_t>(A.rows * k));
    r.Vt.resize(static_cast<std::size_t>(k * A.cols));
    // V_tall = W[:, :k] (n x k). For a wide A the factors of Aᵀ swap: U = V_tall, V = U_tall.
    auto v_tall = [&](std::int64_t i, std::int64_t j) { return svd.U[static_cast<std::size_t>(i + j * n)]; };
    auto left = [&](std::int64_t i, std::int64_t j) -> double {
      return wide ? v_tall(i, j) : static_cast<double>(u_tall(i, j));
    };
    auto right = [&](std::int64_t i, std::int64_t j) -> double {  // entry (i, j) of V (cols x k)
      return wide ? static_cast<double>(u_tall(i, j)) : v_tall(i, j);
    };
    for (std::int64_t j = 0; j < k; ++j) {
      // Sign rule (scikit-learn svd_flip, u-based): largest-|.| entry of U[:, j] positive.
      std::int64_t arg = 0;
      double best = -1;
      for (std::int64_t i = 0; i < A.rows; ++i) {
        const double v = std::abs(left(i, j));
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      const double sign = left(arg, j) < 0 ? -1.0 : 1.0;
      for (std::int64_t i = 0; i < A.rows; ++i)
        r.U[static_cast<std::size_t>(i * k + j)] = static_cast<T>(sign * left(i, j));
      for (std::int64_t c = 0; c < A.cols; ++c)
        r.Vt[static_cast<std::size_t>(j * A.cols + c)] = static_cast<T>(sign * right(c, j));
    }
    return r;
  } catch (const std::bad_alloc&) {
    throw Error(ErrorCode::OutOfMemory,
                "Out of memory: randomized SVD of a " + std::to_string(A.rows) + " x " + std::to_string(A.cols) +
                    " matrix needs more memory than is available",
                "A");
  }
}

template void expect_finite<float>(MatrixView<const float>, const char*);
template void expect_finite<double>(MatrixView<const double>, const char*);
template RsvdResult<float> rsvd<float>(MatrixView<const float>, const RsvdOptions&, const RunControl&);
template RsvdResult<double> rsvd<double>(MatrixView<const double>, const RsvdOptions&, const RunControl&);

}  // namespace randla
