// Binding of randomized SVD (Halko, Martinsson, Tropp 2011, Alg. 4.3/4.4 + 5.1; the core is
// native/src/cpu/rsvd.cpp): rsvd() runs in an AsyncProgressQueueWorker, rsvdSync() on the caller.
#include <memory>
#include <string>
#include <optional>
#include <variant>

#include "common.hpp"
#include "randla/rsvd.hpp"

namespace randla::bindings {
namespace {

// Everything the computation needs, read from JS on the main thread.
struct RsvdBaton {
  std::variant<InputMatrix, InputCsr> A;
  RsvdOptions options;
  std::shared_ptr<std::atomic<bool>> cancel;
  std::variant<std::monostate, RsvdResult<float>, RsvdResult<double>> result;
  std::optional<CapturedError> error;
};

Normalizer read_normalizer(Napi::Env env, const Napi::Object& o) {
  const std::string v = read_string(o, "normalizer", "options.normalizer");
  Normalizer n;
  if (!parse_normalizer(v, n)) {
    throw_invalid(env, "Expected 'qr', 'lu', 'cholqr2', 'none' or 'auto' for options.normalizer but received \"" + v + "\"",
                  "options.normalizer");
  }
  return n;
}

TestMatrixKind read_sketch(Napi::Env env, const Napi::Object& o) {
  const std::string v = read_string(o, "sketch", "options.sketch");
  TestMatrixKind kind;
  if (!parse_test_matrix_kind(v, kind)) {
    throw_invalid(env, "Expected 'gaussian', 'rademacher', 'uniform', 'sparse-sign' or 'srht' for options.sketch but received \"" +
                           v + "\"", "options.sketch");
  }
  return kind;
}

Transpose read_transpose(Napi::Env env, const Napi::Object& o) {
  const Napi::Value v = o.Get("transpose");
  if (v.IsUndefined()) return Transpose::Auto;
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? Transpose::Yes : Transpose::No;
  if (v.IsString() && v.As<Napi::String>().Utf8Value() == "auto") return Transpose::Auto;
  throw_invalid(env, "Expected 'auto', true or false for options.transpose", "options.transpose");
}

std::unique_ptr<RsvdBaton> read_baton(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto baton = std::make_unique<RsvdBaton>();
  if (is_csr(info[0])) baton->A = read_csr(info[0], "A");
  else baton->A = read_matrix(info[0], "A");
  if (!info[1].IsObject()) throw_invalid(env, "Expected an options object for options", "options");
  const Napi::Object o = info[1].As<Napi::Object>();
  RsvdOptions& opt = baton->options;
  opt.rank = read_int(o, "rank", "options.rank");
  opt.oversamples = read_int(o, "oversamples", "options.oversamples");
  opt.power_iters = read_int(o, "powerIters", "options.powerIters");
  opt.normalizer = read_normalizer(env, o);
  opt.test_matrix = read_sketch(env, o);
  opt.sparse_nnz = read_int(o, "sparseNnz", "options.sparseNnz");
  opt.seed = read_u64(o, "seed", "options.seed");
  opt.transpose = read_transpose(env, o);
  opt.tol = read_double(o, "tol", "options.tol");
  opt.block_size = read_int(o, "blockSize", "options.blockSize");
  opt.max_rank = read_int(o, "maxRank", "options.maxRank");
  opt.estimate_error = read_bool(o, "estimateError", "options.estimateError", false);
  opt.error_iters = read_int(o, "errorIters", "options.errorIters");
  opt.center = read_bool(o, "center", "options.center", false);
  opt.compute_u = read_bool(o, "computeU", "options.computeU", true);
  opt.compute_v = read_bool(o, "computeV", "options.computeV", true);
  opt.check_finite = read_bool(o, "checkFinite", "options.checkFinite", true);
  baton->cancel = AbortToken::from_options(o);
  return baton;
}

void compute(RsvdBaton& b, const RunControl& control) {
  b.error = capture([&] {
    std::visit([&](const auto& A) {
      if (A.is_f32()) b.result = rsvd<float>(A.template view<float>(), b.options, control);
      else b.result = rsvd<double>(A.template view<double>(), b.options, control);
    }, b.A);
  });
}

Napi::Object to_js(Napi::Env env, RsvdBaton& b) {
  Napi::Object out = Napi::Object::New(env);
  std::visit([&](auto& r) {
    if constexpr (!std::is_same_v<std::decay_t<decltype(r)>, std::monostate>) {
      if (b.options.compute_u) out.Set("U", to_js_matrix(env, to_typed_array(env, r.U.data(), r.U.size()), r.rows, r.rank));
      out.Set("S", to_typed_array(env, r.S.data(), r.S.size()));
      if (b.options.compute_v) out.Set("Vt", to_js_matrix(env, to_typed_array(env, r.Vt.data(), r.Vt.size()), r.rank, r.cols));
      out.Set("rank", Napi::Number::New(env, static_cast<double>(r.rank)));
      out.Set("powerIters", Napi::Number::New(env, static_cast<double>(r.power_iters)));
      out.Set("normalizer", Napi::String::New(env, normalizer_name(r.normalizer)));
      if (b.options.tol > 0) {
        out.Set("relativeError", Napi::Number::New(env, r.relative_error));
        out.Set("converged", Napi::Boolean::New(env, r.converged));
      }
      if (b.options.estimate_error) out.Set("spectralError", Napi::Number::New(env, r.spectral_error));
      if (b.options.center) out.Set("mean", to_typed_array(env, r.mean.data(), r.mean.size()));
    }
  }, b.result);
  return out;
}

// rsvd(A, options, onProgress?) -> Promise
Napi::Value rsvd_async(const Napi::CallbackInfo& info) {
  return ProgressWorker<RsvdBaton>::queue(info.Env(), "randla.rsvd", read_baton(info), info[2], compute, to_js);
}

Napi::Value rsvd_sync(const Napi::CallbackInfo& info) {
  auto baton = read_baton(info);
  return run_sync(info.Env(), *baton, compute, to_js);
}

}  // namespace

void register_rsvd(Napi::Env env, Napi::Object exports) {
  exports.Set("rsvd", Napi::Function::New<rsvd_async>(env, "rsvd"));
  exports.Set("rsvdSync", Napi::Function::New<rsvd_sync>(env, "rsvdSync"));
}

}  // namespace randla::bindings
