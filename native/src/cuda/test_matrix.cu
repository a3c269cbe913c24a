// Random test matrices Ω generated in place on the device from Philox4x32-10 (Salmon, Moraes,
// Dror, Shaw, SC 2011) with the element addressing of docs/rng.md: the device runs the very
// functions of randla/philox.hpp (host and device), one thread per entry, so entry (i, j) is
// the CPU's bit for bit (gaussian up to the device's log/cos rounding, a few ulp).
// Deviation: sparse-sign and srht are not generated on the device yet (their rows replay a
// partial Fisher–Yates shuffle; the CPU keeps them).
#include <cstdint>

#include "cuda/context.cuh"
#include "randla/philox.hpp"

namespace randla::cuda {
namespace {

constexpr std::int64_t kMaxRows = (std::int64_t{1} << 53) - 1;
constexpr std::int64_t kMaxCols = (std::int64_t{1} << 31) - 1;
constexpr std::uint32_t kMaxBlock = 1u << 24;

// The checks of the CPU's fill_test_matrix (same messages), for the kinds the device has.
void expect_spec(const TestMatrixSpec& spec) {
  RANDLA_EXPECTS(spec.kind == TestMatrixKind::Gaussian || spec.kind == TestMatrixKind::Rademacher ||
                     spec.kind == TestMatrixKind::Uniform,
                 "spec.kind")
      << "Expected gaussian, rademacher or uniform for spec.kind on the CUDA backend but received "
      << test_matrix_kind_name(spec.kind) << " (sparse-sign and srht run on the CPU backend only)";
  RANDLA_EXPECTS_CODE(spec.rows >= 1 && spec.rows <= kMaxRows && spec.cols >= 1 && spec.cols <= kMaxCols,
                      ErrorCode::Shape, "spec")
      << "Expected a test matrix of 1 to 2^53 - 1 rows and 1 to 2^31 - 1 columns but received " << spec.rows
      << " x " << spec.cols;
  RANDLA_EXPECTS(static_cast<std::uint32_t>(spec.stream) < 256u, "spec.stream")
      << "Expected a stream in [0, 256) for spec.stream but received " << static_cast<std::uint32_t>(spec.stream);
  RANDLA_EXPECTS(spec.block < kMaxBlock, "spec.block")
      << "Expected a block in [0, 2^24) for spec.block but received " << spec.block;
}

// One thread per entry, consecutive threads on consecutive addresses of the stored order
// (coalesced stores); the index arithmetic is 64-bit because Ω may exceed 2^32 entries.
template <class T>
__global__ void fill_elementwise(T* out, std::int64_t ld, std::int64_t rows, std::int64_t cols, bool row_major,
                                 TestMatrixKind kind, std::uint64_t seed, std::uint32_t word, std::int64_t row0,
                                 std::int64_t col0) {
  const std::int64_t count = rows * cols;
  const std::int64_t inner = row_major ? cols : rows;
  for (std::int64_t e = blockIdx.x * std::int64_t{blockDim.x} + threadIdx.x; e < count;
       e += std::int64_t{gridDim.x} * blockDim.x) {
    const std::int64_t o = e / inner, in = e - o * inner;
    const std::int64_t i = row_major ? o : in, j = row_major ? in : o;
    const auto gi = static_cast<std::uint64_t>(row0 + i);
    const auto gj = static_cast<std::uint32_t>(col0 + j);
    double v;
    switch (kind) {
      case TestMatrixKind::Gaussian: v = gaussian_entry(seed, word, gi, gj); break;
      case TestMatrixKind::Rademacher: v = rademacher_entry(seed, word, gi, gj); break;
      default: v = uniform_pm1_entry(seed, word, gi, gj); break;
    }
    out[o * ld + in] = static_cast<T>(v);
  }
}

}  // namespace

template <class T>
void fill_test_matrix(const Context& context, DeviceMatrixView<T> out, const TestMatrixSpec& spec, std::int64_t row0,
                      std::int64_t col0) {
  expect_spec(spec);
  RANDLA_EXPECTS_CODE(out.rows >= 0 && out.cols >= 0 && row0 >= 0 && col0 >= 0 && row0 + out.rows <= spec.rows &&
                          col0 + out.cols <= spec.cols,
                      ErrorCode::Shape, "out")
      << "Expected a block inside the " << spec.rows << " x " << spec.cols << " test matrix for out but received rows ["
      << row0 << ", " << row0 + out.rows << ") and columns [" << col0 << ", " << col0 + out.cols << ")";
  const bool row_major = out.layout == Layout::RowMajor;
  const std::int64_t inner = row_major ? out.cols : out.rows;
  RANDLA_EXPECTS_CODE(out.ld >= inner && out.ld >= 1, ErrorCode::Shape, "out")
      << "Expected a leading dimension >= " << inner << " for out but received " << out.ld;
  if (out.rows == 0 || out.cols == 0) return;
  RANDLA_EXPECTS(out.data != nullptr, "out") << "Expected device memory for out but received a null pointer";
  RANDLA_EXPECTS(detail::is_device_pointer(context, out.data), "out")
      << "Expected memory of device " << context.device() << " for out but received a pointer it cannot write";
  detail::DeviceGuard guard(context.device());
  const std::int64_t count = out.rows * out.cols;
  fill_elementwise<T><<<detail::grid_for(count), 256, 0, context.state().stream>>>(
      out.data, out.ld, out.rows, out.cols, row_major, spec.kind, spec.seed, stream_word(spec.stream, spec.block),
      row0, col0);
  detail::check_launch("fill_test_matrix kernel");
}

template void fill_test_matrix<float>(const Context&, DeviceMatrixView<float>, const TestMatrixSpec&, std::int64_t,
                                      std::int64_t);
template void fill_test_matrix<double>(const Context&, DeviceMatrixView<double>, const TestMatrixSpec&, std::int64_t,
                                       std::int64_t);

}  // namespace randla::cuda
