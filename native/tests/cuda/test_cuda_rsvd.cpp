// The CUDA randomized SVD (Halko, Martinsson, Tropp 2011, Alg. 4.4 + 5.1) against the CPU backend
// on the same seed: every normalizer, test-matrix kind, layout and orientation, both entry points
// (host input, device input), f64 to 1e-10 and f32 to 1e-4 on well-conditioned matrices with
// known spectra; the status mapping; and a planted bad input in each entry point. Exits 77
// (ctest: skipped) when no CUDA device is visible.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "check.hpp"
#include "cuda/check.cuh"
#include "known_spectrum.hpp"
#include "randla/cuda.hpp"
#include "randla/rsvd.hpp"
#include "tolerance.hpp"

using namespace randla;
namespace tol = randla::test;

namespace {

randla::cuda::Context& context() {
  static randla::cuda::Context c;
  return c;
}

// One row of the comparison table: the matrix, the options, the entry point.
struct Case {
  std::int64_t m, n;
  Layout layout;
  std::int64_t rank, oversamples, power_iters;
  Normalizer normalizer;
  TestMatrixKind kind;
  bool device_input;  // rsvd(DeviceMatrixView) instead of rsvd(MatrixView)
  std::int64_t pad;   // ld = dense ld + pad
  std::uint64_t seed;
};

std::string describe(const Case& c, bool f64) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%lldx%lld %s %s k=%lld p=%lld q=%lld %s %s %s ld+%lld seed %llu", (long long)c.m,
                (long long)c.n, f64 ? "f64" : "f32", c.layout == Layout::ColMajor ? "col" : "row", (long long)c.rank,
                (long long)c.oversamples, (long long)c.power_iters, normalizer_name(c.normalizer),
                test_matrix_kind_name(c.kind), c.device_input ? "device-input" : "host-input", (long long)c.pad,
                (unsigned long long)c.seed);
  return buf;
}

// σᵢ = 1 − drop·(i − 1)/r, i = 1..r, then exactly zero: well separated values, so the top-k
// singular pairs are well conditioned and CPU and GPU must agree to rounding. f32 gets the
// flatter spectrum (drop 0.45, κ < 2): without normalization the sample block's condition number
// grows like κ(A)^(2q+1), and its rounding (u·κ of the range) must stay well under 1e-4.
std::vector<double> spectrum(std::int64_t r, double drop = 0.9) {
  std::vector<double> s(static_cast<std::size_t>(r));
  for (std::int64_t i = 0; i < r; ++i) s[static_cast<std::size_t>(i)] = 1.0 - drop * double(i) / double(r);
  return s;
}

template <class T>
void compare(const Case& c) {
  const std::string what = describe(c, sizeof(T) == 8);
  const std::int64_t r = std::min<std::int64_t>(c.rank, std::min(c.m, c.n));
  const auto A = tol::with_spectrum(c.m, c.n, spectrum(r, sizeof(T) == 8 ? 0.9 : 0.45), 1000 + c.seed, 2000 + c.seed);
  // Stored with a padded leading dimension: the core must honour ld on both backends.
  const std::int64_t inner = c.layout == Layout::ColMajor ? c.m : c.n, outer = c.layout == Layout::ColMajor ? c.n : c.m;
  const std::int64_t ld = inner + c.pad;
  std::vector<T> data(static_cast<std::size_t>(ld * outer), T(0));
  for (std::int64_t j = 0; j < c.n; ++j)
    for (std::int64_t i = 0; i < c.m; ++i)
      data[static_cast<std::size_t>(c.layout == Layout::ColMajor ? i + j * ld : i * ld + j)] =
          static_cast<T>(A[static_cast<std::size_t>(i + j * c.m)]);
  const MatrixView<const T> view{data.data(), c.m, c.n, ld, c.layout};
  RsvdOptions o;
  o.rank = c.rank;
  o.oversamples = c.oversamples;
  o.power_iters = c.power_iters;
  o.normalizer = c.normalizer;
  o.test_matrix = c.kind;
  o.seed = c.seed;
  const RsvdResult<T> cpu = randla::rsvd<T>(view, o);
  RsvdResult<T> gpu;
  if (c.device_input) {
    const randla::cuda::DeviceArray<T> dev = randla::cuda::to_device(context(), data.data(), data.size());
    gpu = randla::cuda::rsvd<T>(context(), randla::cuda::DeviceMatrixView<const T>{dev.data(), c.m, c.n, ld, c.layout}, o);
  } else {
    gpu = randla::cuda::rsvd<T>(context(), view, o);
  }
  CHECK(gpu.rows == c.m && gpu.cols == c.n && gpu.rank == c.rank, what + ": shape of the result");
  CHECK(gpu.power_iters == cpu.power_iters && gpu.normalizer == cpu.normalizer, what + ": resolved options");
  CHECK(gpu.U.size() == cpu.U.size() && gpu.Vt.size() == cpu.Vt.size() && gpu.S.size() == cpu.S.size(),
        what + ": sizes of U, S, Vt");
  if (gpu.U.size() != cpu.U.size() || gpu.Vt.size() != cpu.Vt.size() || gpu.S.size() != cpu.S.size()) return;
  const double t = tol::cuda_agrees_with_cpu<T>();
  for (std::size_t i = 0; i < cpu.S.size(); ++i)
    CHECK_CLOSE(gpu.S[i] / cpu.S[i], 1.0, t, (what + ": sigma_" + std::to_string(i) + " relative").c_str());
  // Both results are canonical (sign rule), so the singular vectors agree entry by entry.
  double du = 0, dv = 0;
  for (std::size_t i = 0; i < cpu.U.size(); ++i) du = std::max(du, std::abs(double(gpu.U[i]) - double(cpu.U[i])));
  for (std::size_t i = 0; i < cpu.Vt.size(); ++i) dv = std::max(dv, std::abs(double(gpu.Vt[i]) - double(cpu.Vt[i])));
  CHECK_AT_MOST(du, t, (what + ": max |U_gpu − U_cpu|").c_str());
  CHECK_AT_MOST(dv, t, (what + ": max |Vt_gpu − Vt_cpu|").c_str());
  tol::check_sign_rule(gpu);
}

template <class T>
void compare_all(const std::vector<Case>& cases) {
  for (const Case& c : cases) compare<T>(c);
}

const Normalizer kNormalizers[] = {Normalizer::QR, Normalizer::LU, Normalizer::CholQR2, Normalizer::None,
                                   Normalizer::Auto};

}  // namespace

TEST_CASE("GPU rsvd = CPU rsvd, f64, every normalizer and kind, tall and wide, both layouts and entry points") {
  std::vector<Case> cases;
  std::uint64_t seed = 11;
  for (Normalizer nz : kNormalizers)
    for (TestMatrixKind kind : {TestMatrixKind::Gaussian, TestMatrixKind::Rademacher, TestMatrixKind::Uniform}) {
      cases.push_back({500, 300, Layout::ColMajor, 10, 10, 2, nz, kind, false, 0, seed++});
      cases.push_back({300, 500, Layout::RowMajor, 10, 10, 2, nz, kind, true, 3, seed++});
    }
  // q = 0 and 1, a basis as wide as the matrix (l = min(m, n)), auto power iterations, row-major
  // tall and col-major wide inputs.
  cases.push_back({400, 200, Layout::RowMajor, 12, 8, 0, Normalizer::QR, TestMatrixKind::Gaussian, false, 0, 101});
  cases.push_back({200, 400, Layout::ColMajor, 12, 8, 1, Normalizer::CholQR2, TestMatrixKind::Gaussian, true, 1, 102});
  cases.push_back({300, 40, Layout::ColMajor, 30, 20, 2, Normalizer::LU, TestMatrixKind::Gaussian, false, 0, 103});
  cases.push_back({250, 120, Layout::RowMajor, 8, 10, -1, Normalizer::Auto, TestMatrixKind::Uniform, true, 0, 104});
  compare_all<double>(cases);
}

TEST_CASE("GPU rsvd = CPU rsvd, f32, every normalizer, tall and wide, both layouts and entry points") {
  std::vector<Case> cases;
  std::uint64_t seed = 201;
  for (Normalizer nz : kNormalizers) {
    // Without normalization (none, and auto, which is none for q <= 2) one power iteration only.
    const std::int64_t q = nz == Normalizer::None || nz == Normalizer::Auto ? 1 : 2;
    cases.push_back({600, 250, Layout::RowMajor, 10, 10, q, nz, TestMatrixKind::Gaussian, false, 0, seed++});
    cases.push_back({250, 600, Layout::ColMajor, 10, 10, 1, nz, TestMatrixKind::Rademacher, true, 2, seed++});
  }
  compare_all<float>(cases);
}

TEST_CASE("GPU rsvd = CPU rsvd on inputs large enough for the pinned staging path (f64 and f32)") {
  // 80 MB each: copied in two 64 MB chunks. The f64 one is row-major with ld = cols + 12, so the
  // staging packs pitched lines, one of them split across the chunk boundary.
  compare<double>({20000, 500, Layout::RowMajor, 20, 10, 2, Normalizer::CholQR2, TestMatrixKind::Gaussian, false, 12, 301});
  compare<float>({40000, 500, Layout::ColMajor, 20, 10, 2, Normalizer::QR, TestMatrixKind::Gaussian, false, 0, 302});
}

TEST_CASE("GPU lu normalizer survives zero leading rows (where LU without pivoting breaks down)") {
  // The first 40 rows of A are zero, so the first rows of every sample block are too.
  const std::int64_t m = 400, n = 150, k = 8;
  auto A = tol::with_spectrum(m, n, spectrum(k), 31, 32);
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < 40; ++i) A[static_cast<std::size_t>(i + j * m)] = 0;
  RsvdOptions o;
  o.rank = k;
  o.power_iters = 3;
  o.normalizer = Normalizer::LU;
  o.seed = 5;
  const MatrixView<const double> view{A.data(), m, n, m, Layout::ColMajor};
  const auto cpu = randla::rsvd<double>(view, o);
  const auto gpu = randla::cuda::rsvd<double>(context(), view, o);
  for (std::int64_t i = 0; i < k; ++i)
    CHECK_CLOSE(gpu.S[i] / cpu.S[i], 1.0, tol::cuda_agrees_with_cpu<double>(), "sigma relative, zero leading rows");
  CHECK_AT_MOST(tol::frobenius(tol::residual(A, gpu)) / tol::frobenius(A), tol::exact_low_rank_residual<double>(),
                "relative Frobenius residual of the exactly low-rank A");
}

TEST_CASE("GPU rsvd: compute_u / compute_v off, device result entry point, transpose, progress and abort") {
  const std::int64_t m = 300, n = 200, k = 6;
  const auto A = tol::with_spectrum(m, n, spectrum(k), 41, 42);
  RsvdOptions o;
  o.rank = k;
  o.seed = 9;
  const MatrixView<const double> view{A.data(), m, n, m, Layout::ColMajor};
  const auto full = randla::cuda::rsvd<double>(context(), view, o);
  o.compute_u = false;
  const auto no_u = randla::cuda::rsvd<double>(context(), view, o);
  CHECK(no_u.U.empty() && no_u.Vt == full.Vt && no_u.S == full.S, "compute_u = false: no U, the same S and Vt");
  o.compute_u = true;
  o.compute_v = false;
  const auto no_v = randla::cuda::rsvd<double>(context(), view, o);
  CHECK(no_v.Vt.empty() && no_v.U == full.U, "compute_v = false: no Vt, the same U");
  o.compute_v = true;

  const randla::cuda::DeviceArray<double> dev = randla::cuda::to_device(context(), A.data(), A.size());
  const randla::cuda::DeviceMatrixView<const double> dview{dev.data(), m, n, m, Layout::ColMajor};
  const auto d = randla::cuda::rsvd_device<double>(context(), dview, o);
  CHECK(randla::cuda::to_host(context(), d.U.data(), d.U.size()) == full.U, "rsvd_device leaves the same U on the device");
  CHECK(randla::cuda::to_host(context(), d.Vt.data(), d.Vt.size()) == full.Vt, "rsvd_device: the same Vt");

  // transpose = Yes on a tall A: the range finder runs on Aᵀ, as on the CPU.
  RsvdOptions ot = o;
  ot.transpose = Transpose::Yes;
  const auto cpu_t = randla::rsvd<double>(view, ot);
  const auto gpu_t = randla::cuda::rsvd<double>(context(), view, ot);
  for (std::int64_t i = 0; i < k; ++i)
    CHECK_CLOSE(gpu_t.S[i] / cpu_t.S[i], 1.0, tol::cuda_agrees_with_cpu<double>(), "transpose = Yes: sigma relative");
  double dt = 0;
  for (std::size_t i = 0; i < cpu_t.U.size(); ++i) dt = std::max(dt, std::abs(gpu_t.U[i] - cpu_t.U[i]));
  CHECK_AT_MOST(dt, tol::cuda_agrees_with_cpu<double>(), "transpose = Yes: max |U_gpu − U_cpu|");

  std::vector<int> reports;
  RunControl control;
  control.progress = [&](int done, int total) { reports.push_back(done * 1000 + total); };
  randla::cuda::rsvd<double>(context(), dview, o, control);
  CHECK(reports.size() == 6 && reports.back() == 6006, "progress: 2q + 2 = 6 passes reported, ending at (6, 6)");
  std::atomic<bool> cancel{true};
  RunControl abort;
  abort.cancel = &cancel;
  try {
    randla::cuda::rsvd<double>(context(), dview, o, abort);
    CHECK(false, "a cancelled call must throw");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::Aborted, std::string("cancelled call: ") + error_code_name(e.code()));
  }
}

TEST_CASE("planted bad inputs give a clear randla::Error in every entry point") {
  const std::int64_t m = 60, n = 40;
  std::vector<double> A = tol::with_spectrum(m, n, spectrum(5), 51, 52);
  RsvdOptions o;
  o.rank = 5;
  const MatrixView<const double> view{A.data(), m, n, m, Layout::ColMajor};
  auto& c = context();
  // Host input.
  std::vector<double> nan_a = A;
  nan_a[3 + 7 * m] = std::nan("");
  tol::expect_error([&] { randla::cuda::rsvd<double>(c, MatrixView<const double>{nan_a.data(), m, n, m, Layout::ColMajor}, o); },
                    ErrorCode::NotFinite, "A", "NaN in host input");
  try {
    randla::cuda::rsvd<double>(c, MatrixView<const double>{nan_a.data(), m, n, m, Layout::ColMajor}, o);
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("NaN at (3, 7)") != std::string::npos, std::string("names the entry: ") + e.what());
  }
  RsvdOptions bad = o;
  bad.rank = 0;
  tol::expect_error([&] { randla::cuda::rsvd<double>(c, view, bad); }, ErrorCode::InvalidArgument, "rank", "rank 0");
  bad = o;
  bad.tol = 0.1;
  bad.rank = 0;
  tol::expect_error([&] { randla::cuda::rsvd<double>(c, view, bad); }, ErrorCode::InvalidArgument, "tol", "fixed accuracy");
  bad = o;
  bad.test_matrix = TestMatrixKind::Srht;
  tol::expect_error([&] { randla::cuda::rsvd<double>(c, view, bad); }, ErrorCode::InvalidArgument, "test_matrix", "srht");
  bad = o;
  bad.center = true;
  tol::expect_error([&] { randla::cuda::rsvd<double>(c, view, bad); }, ErrorCode::InvalidArgument, "center", "center");
  tol::expect_error([&] { randla::cuda::rsvd<double>(c, MatrixView<const double>{A.data(), m, n, m - 1, Layout::ColMajor}, o); },
                    ErrorCode::Shape, "A", "leading dimension too small");
  tol::expect_error([&] { randla::cuda::rsvd<double>(c, MatrixView<const double>{nullptr, m, n, m, Layout::ColMajor}, o); },
                    ErrorCode::InvalidArgument, "A", "null host pointer");
  // Device input: a host pointer passed as device memory, an Inf on the device (row-major).
  tol::expect_error([&] { randla::cuda::rsvd<double>(c, randla::cuda::DeviceMatrixView<const double>{A.data(), m, n, m, Layout::ColMajor}, o); },
                    ErrorCode::InvalidArgument, "A", "host pointer as device input");
  tol::expect_error([&] { randla::cuda::rsvd_device<double>(c, randla::cuda::DeviceMatrixView<const double>{A.data(), m, n, m, Layout::ColMajor}, o); },
                    ErrorCode::InvalidArgument, "A", "host pointer to rsvd_device");
  std::vector<float> inf_a(static_cast<std::size_t>(m * n), 1.0f);
  inf_a[static_cast<std::size_t>(5 * n + 2)] = -INFINITY;  // row-major (5, 2)
  const auto dev = randla::cuda::to_device(c, inf_a.data(), inf_a.size());
  try {
    RsvdOptions of = o;
    randla::cuda::rsvd<float>(c, randla::cuda::DeviceMatrixView<const float>{dev.data(), m, n, n, Layout::RowMajor}, of);
    CHECK(false, "Inf on the device must be rejected");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::NotFinite && std::string(e.what()).find("-Infinity at (5, 2)") != std::string::npos,
          std::string("device Inf named: ") + e.what());
  }
  // Contexts and devices that do not exist; allocations that cannot fit.
  tol::expect_error([&] { randla::cuda::Context bogus(1 << 20); }, ErrorCode::InvalidArgument, "device", "device index");
  tol::expect_error([&] { randla::cuda::device_info(-1); }, ErrorCode::InvalidArgument, "device", "device_info(-1)");
  try {
    randla::cuda::DeviceArray<double> huge(c, std::size_t{1} << 47);  // 1 PiB
    CHECK(false, "a 1 PiB allocation must fail");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::OutOfMemory && std::string(e.what()).find("cudaMalloc failed: cudaErrorMemoryAllocation") == 0,
          std::string("1 PiB: ") + error_code_name(e.code()) + ": " + e.what());
  }
}

TEST_CASE("CUDA, cuBLAS and cuSOLVER statuses map to ERR_RANDLA_CUDA naming the call and the status") {
  auto expect = [](auto status, const char* call, const std::string& message) {
    try {
      randla::cuda::detail::check(status, call);
      CHECK(false, std::string(call) + ": a failed status must throw");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::Cuda, std::string(call) + ": code " + error_code_name(e.code()));
      CHECK(std::string(e.what()).rfind(message, 0) == 0, std::string("message '") + e.what() + "' starts with '" + message + "'");
    }
  };
  expect(CUBLAS_STATUS_EXECUTION_FAILED, "cublasDgemm(handle, a, b)", "cublasDgemm failed: CUBLAS_STATUS_EXECUTION_FAILED");
  expect(CUSOLVER_STATUS_INVALID_VALUE, "cusolverDnDgeqrf(h)", "cusolverDnDgeqrf failed: CUSOLVER_STATUS_INVALID_VALUE");
  expect(cudaErrorIllegalAddress, "cudaMemcpyAsync(a, b)", "cudaMemcpyAsync failed: cudaErrorIllegalAddress");
  randla::cuda::detail::check(CUBLAS_STATUS_SUCCESS, "cublasDgemm");  // success does not throw
}

int main() {
  const randla::cuda::Availability a = randla::cuda::availability();
  if (a.devices == 0) {
    std::printf("SKIPPED: no CUDA device (%s)\n", a.reason.c_str());
    return 77;  // ctest SKIP_RETURN_CODE: reported as skipped, never as passed
  }
  const randla::cuda::DeviceInfo d = randla::cuda::device_info(0);
  std::printf("device 0: %s, %.1f GiB, sm_%d%d, %d SMs, driver %d, runtime %d\n", d.name.c_str(),
              double(d.total_memory) / (1 << 30), d.major, d.minor, d.multiprocessors, d.driver_version,
              d.runtime_version);
  return randla::test::run_all();
}
