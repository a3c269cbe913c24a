// Binding of Dynamic Mode Decomposition (docs/algorithms/dmd.md; the core is
// native/src/cpu/dmd*.cpp and online_dmd.cpp): dmd and dmdBatch as async workers with sync twins,
// and the OnlineDmd / WindowDmd objects, whose O(n²) updates run synchronously (microseconds:
// a worker's hand-off would cost more than the update).
#include <complex>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common.hpp"
#include "randla/dmd.hpp"

namespace randla::bindings {
namespace {

using cplx = std::complex<double>;

// Snapshots: a real matrix (f32/f64, either layout) or { re, im } of two f64 matrices.
struct InputSnapshots {
  bool complex = false;
  InputMatrix real;
  InputMatrix re, im;
};

InputSnapshots read_snapshots(const Napi::Value& value, const char* name) {
  InputSnapshots s;
  if (value.IsObject() && value.As<Napi::Object>().Has("re") && value.As<Napi::Object>().Has("im")) {
    const Napi::Object o = value.As<Napi::Object>();
    s.complex = true;
    const std::string base(name);
    s.re = read_matrix(o.Get("re"), (base + ".re").c_str());
    s.im = read_matrix(o.Get("im"), (base + ".im").c_str());
    if (s.re.is_f32() || s.im.is_f32()) {
      throw_invalid(value.Env(), "Expected Float64Array parts for the complex " + base + " but received a Float32Array",
                    name);
    }
  } else {
    s.real = read_matrix(value, name);
  }
  return s;
}

struct DmdBaton {
  InputSnapshots X;
  std::optional<InputSnapshots> Y;
  std::vector<InputMatrix> groups;  // dmdBatch
  bool batch = false;
  DmdOptions options;
  std::shared_ptr<std::atomic<bool>> cancel;
  std::vector<DmdResult> results;
  std::optional<CapturedError> error;
};

template <class E>
E read_enum(const Napi::Object& o, const char* key, const char* name, std::initializer_list<std::pair<const char*, E>> values,
            const char* expected) {
  const std::string v = read_string(o, key, name);
  for (const auto& [label, e] : values)
    if (v == label) return e;
  throw_invalid(o.Env(), std::string("Expected ") + expected + " for " + name + " but received \"" + v + "\"", name);
}

DmdOptions read_options(const Napi::Object& o) {
  DmdOptions d;
  const std::string variant = read_string(o, "variant", "options.variant");
  if (!parse_dmd_variant(variant.c_str(), d.variant)) {
    throw_invalid(o.Env(), "Expected 'exact', 'projected', 'fb', 'tls' or 'randomized' for options.variant but received \"" +
                               variant + "\"", "options.variant");
  }
  d.rank = read_double(o, "rank", "options.rank");
  d.threshold = read_enum<DmdThreshold>(o, "threshold", "options.threshold",
                                        {{"exact", DmdThreshold::Exact}, {"cubic", DmdThreshold::Cubic}}, "'exact' or 'cubic'");
  if (o.Has("tlsRank") && !o.Get("tlsRank").IsUndefined()) d.tls_rank = read_int(o, "tlsRank", "options.tlsRank");
  if (o.Has("projectRank") && !o.Get("projectRank").IsUndefined()) {
    d.has_project_rank = true;
    d.project_rank = read_double(o, "projectRank", "options.projectRank");
  }
  d.delays = read_int(o, "delays", "options.delays");
  d.affine = read_bool(o, "affine", "options.affine", false);
  d.increments = read_bool(o, "increments", "options.increments", false);
  d.amplitudes = read_enum<DmdAmplitudes>(o, "amplitudes", "options.amplitudes",
                                          {{"first", DmdAmplitudes::First}, {"optimal", DmdAmplitudes::Optimal}},
                                          "'first' or 'optimal'");
  d.oversamples = read_int(o, "oversamples", "options.oversamples");
  d.power_iters = read_int(o, "powerIters", "options.powerIters");
  const std::string normalizer = read_string(o, "normalizer", "options.normalizer");
  if (!parse_normalizer(normalizer, d.normalizer)) {
    throw_invalid(o.Env(), "Expected 'qr', 'lu', 'cholqr2', 'none' or 'auto' for options.normalizer but received \"" +
                               normalizer + "\"", "options.normalizer");
  }
  const std::string sketch = read_string(o, "sketch", "options.sketch");
  if (!parse_test_matrix_kind(sketch, d.sketch)) {
    throw_invalid(o.Env(), "Expected a test matrix kind for options.sketch but received \"" + sketch + "\"", "options.sketch");
  }
  d.seed = read_u64(o, "seed", "options.seed");
  return d;
}

Napi::Object options_object(const Napi::CallbackInfo& info, std::size_t at) {
  if (!info[at].IsObject()) throw_invalid(info.Env(), "Expected an options object for options", "options");
  return info[at].As<Napi::Object>();
}

// dmd(X, Y | null, options): the snapshots, the explicit pairs, then the options.
std::unique_ptr<DmdBaton> read_dmd(const Napi::CallbackInfo& info) {
  auto baton = std::make_unique<DmdBaton>();
  baton->X = read_snapshots(info[0], "X");
  if (!info[1].IsNull() && !info[1].IsUndefined()) {
    baton->Y = read_snapshots(info[1], "options.Y");
    if (baton->Y->complex != baton->X.complex) {
      throw_invalid(info.Env(), "Expected options.Y of the kind of X (both real or both complex)", "options.Y",
                    ErrorCode::Shape);
    }
  }
  const Napi::Object o = options_object(info, 2);
  baton->options = read_options(o);
  baton->cancel = AbortToken::from_options(o);
  return baton;
}

// dmdBatch(groups, options): an array of real matrices, then the options.
std::unique_ptr<DmdBaton> read_batch(const Napi::CallbackInfo& info) {
  auto baton = std::make_unique<DmdBaton>();
  baton->batch = true;
  if (!info[0].IsArray()) throw_invalid(info.Env(), "Expected an array of matrices for groups", "groups");
  const Napi::Array groups = info[0].As<Napi::Array>();
  for (std::uint32_t g = 0; g < groups.Length(); ++g) {
    const std::string name = "groups[" + std::to_string(g) + "]";
    baton->groups.push_back(read_matrix(groups.Get(g), name.c_str()));
    if (baton->groups.back().is_f32()) throw_invalid(info.Env(), "Expected a Float64Array matrix for " + name, name);
  }
  const Napi::Object o = options_object(info, 1);
  baton->options = read_options(o);
  baton->cancel = AbortToken::from_options(o);
  return baton;
}

ComplexMatrixView complex_view(const InputSnapshots& s) { return {s.re.view<double>(), s.im.view<double>()}; }

void compute(DmdBaton& b, const RunControl& control) {
  b.error = capture([&] {
    if (b.batch) {
      std::vector<MatrixView<const double>> views;
      for (const InputMatrix& g : b.groups) views.push_back(g.view<double>());
      b.results = dmd_batch(views, b.options, control);
      return;
    }
    b.results.resize(1);
    if (b.X.complex) {
      const ComplexMatrixView x = complex_view(b.X);
      std::optional<ComplexMatrixView> y;
      if (b.Y) y = complex_view(*b.Y);
      b.results[0] = dmd(x, y ? &*y : nullptr, b.options, control);
    } else if (b.X.real.is_f32()) {
      std::optional<MatrixView<const float>> y;
      if (b.Y) {
        if (!b.Y->real.is_f32()) throw Error(ErrorCode::Shape, "Expected options.Y of the dtype of X (Float32Array)", "options.Y");
        y = b.Y->real.view<float>();
      }
      b.results[0] = dmd(b.X.real.view<float>(), y ? &*y : nullptr, b.options, control);
    } else {
      std::optional<MatrixView<const double>> y;
      if (b.Y) {
        if (b.Y->real.is_f32()) throw Error(ErrorCode::Shape, "Expected options.Y of the dtype of X (Float64Array)", "options.Y");
        y = b.Y->real.view<double>();
      }
      b.results[0] = dmd(b.X.real.view<double>(), y ? &*y : nullptr, b.options, control);
    }
  });
}

Napi::Object complex_array(Napi::Env env, const std::vector<cplx>& v) {
  std::vector<double> re(v.size()), im(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    re[i] = v[i].real();
    im[i] = v[i].imag();
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("re", to_typed_array(env, re.data(), re.size()));
  out.Set("im", to_typed_array(env, im.data(), im.size()));
  return out;
}

Napi::Object result_to_js(Napi::Env env, const DmdResult& r) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("eigs", complex_array(env, r.eigs));
  // Modes: the core's col-major N x r, row-major for JS, split into real and imaginary parts.
  const std::int64_t N = r.modes.rows, k = r.modes.cols;
  std::vector<double> re(static_cast<std::size_t>(N * k)), im(re.size());
  for (std::int64_t j = 0; j < k; ++j)
    for (std::int64_t i = 0; i < N; ++i) {
      const cplx v = r.modes(i, j);
      re[static_cast<std::size_t>(i * k + j)] = v.real();
      im[static_cast<std::size_t>(i * k + j)] = v.imag();
    }
  Napi::Object modes = Napi::Object::New(env);
  modes.Set("re", to_js_matrix(env, to_typed_array(env, re.data(), re.size()), N, k));
  modes.Set("im", to_js_matrix(env, to_typed_array(env, im.data(), im.size()), N, k));
  out.Set("modes", modes);
  out.Set("amplitudes", complex_array(env, r.amplitudes));
  out.Set("singularValues", to_typed_array(env, r.singular_values.data(), r.singular_values.size()));
  out.Set("rank", Napi::Number::New(env, static_cast<double>(r.rank)));
  out.Set("residuals", to_typed_array(env, r.residuals.data(), r.residuals.size()));
  return out;
}

Napi::Object to_js(Napi::Env env, DmdBaton& b) {
  if (!b.batch) return result_to_js(env, b.results[0]);
  Napi::Object out = Napi::Object::New(env);
  Napi::Array list = Napi::Array::New(env, b.results.size());
  for (std::size_t g = 0; g < b.results.size(); ++g) list.Set(static_cast<std::uint32_t>(g), result_to_js(env, b.results[g]));
  out.Set("results", list);
  return out;
}

Napi::Value dmd_async(const Napi::CallbackInfo& info) {
  return ProgressWorker<DmdBaton>::queue(info.Env(), "randla.dmd", read_dmd(info), info[3], compute, to_js);
}
Napi::Value dmd_sync(const Napi::CallbackInfo& info) {
  auto baton = read_dmd(info);
  return run_sync(info.Env(), *baton, compute, to_js);
}
Napi::Value batch_async(const Napi::CallbackInfo& info) {
  return ProgressWorker<DmdBaton>::queue(info.Env(), "randla.dmdBatch", read_batch(info), info[2], compute, to_js);
}
Napi::Value batch_sync(const Napi::CallbackInfo& info) {
  auto baton = read_batch(info);
  return run_sync(info.Env(), *baton, compute, to_js);
}

// --- OnlineDmd / WindowDmd ---

const double* read_vector(const Napi::Value& value, std::int64_t n, const char* name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw_invalid(value.Env(), std::string("Expected a Float64Array for ") + name, name);
  }
  const Napi::Float64Array a = value.As<Napi::Float64Array>();
  if (a.ArrayBuffer().IsDetached()) throw_invalid(value.Env(), std::string("Expected an attached buffer for ") + name, name);
  if (static_cast<std::int64_t>(a.ElementLength()) != n) {
    throw_invalid(value.Env(), std::string("Expected ") + std::to_string(n) + " values for " + name + " but received " +
                                   std::to_string(a.ElementLength()), name, ErrorCode::Shape);
  }
  return a.Data();
}

template <class F>
auto guarded(Napi::Env env, F&& body) {
  std::optional<CapturedError> error;
  using R = decltype(body());
  if constexpr (std::is_void_v<R>) {
    error = capture(std::forward<F>(body));
    if (error) throw to_js_error(env, error->code, error->message, error->argument);
  } else {
    std::optional<R> out;
    error = capture([&] { out = body(); });
    if (error) throw to_js_error(env, error->code, error->message, error->argument);
    return std::move(*out);
  }
}

// One wrapper for both recursive fits: Core is OnlineDmd or WindowDmd.
template <class Core>
class StreamingDmd : public Napi::ObjectWrap<StreamingDmd<Core>> {
 public:
  static Napi::Function define(Napi::Env env, const char* name) {
    return StreamingDmd::DefineClass(env, name,
                                     {StreamingDmd::InstanceMethod("update", &StreamingDmd::update),
                                      StreamingDmd::InstanceMethod("ready", &StreamingDmd::ready),
                                      StreamingDmd::InstanceMethod("pairs", &StreamingDmd::pairs),
                                      StreamingDmd::InstanceMethod("operator", &StreamingDmd::op),
                                      StreamingDmd::InstanceMethod("eigs", &StreamingDmd::eigs)});
  }
  // new OnlineDmd(n, weighting) / new WindowDmd(n, window)
  explicit StreamingDmd(const Napi::CallbackInfo& info) : Napi::ObjectWrap<StreamingDmd<Core>>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsNumber() || !info[1].IsNumber()) throw_invalid(env, "Expected (n, parameter) numbers", "n");
    const double n = info[0].As<Napi::Number>().DoubleValue(), p = info[1].As<Napi::Number>().DoubleValue();
    guarded(env, [&] {
      if constexpr (std::is_same_v<Core, OnlineDmd>) core_ = std::make_unique<Core>(static_cast<std::int64_t>(n), p);
      else core_ = std::make_unique<Core>(static_cast<std::int64_t>(n), static_cast<std::int64_t>(p));
    });
  }

 private:
  Napi::Value update(const Napi::CallbackInfo& info) {
    const double* x = read_vector(info[0], core_->size(), "x");
    const double* y = read_vector(info[1], core_->size(), "y");
    guarded(info.Env(), [&] { core_->update(x, y); });
    return info.Env().Undefined();
  }
  Napi::Value ready(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), core_->ready()); }
  Napi::Value pairs(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(core_->pairs()));
  }
  // A as a row-major n x n Float64Array (the core keeps it col-major).
  Napi::Value op(const Napi::CallbackInfo& info) {
    const std::int64_t n = core_->size();
    std::vector<double> row = guarded(info.Env(), [&] {
      const DenseMatrix<double>& A = core_->op();
      std::vector<double> r(static_cast<std::size_t>(n * n));
      for (std::int64_t j = 0; j < n; ++j)
        for (std::int64_t i = 0; i < n; ++i) r[static_cast<std::size_t>(i * n + j)] = A(i, j);
      return r;
    });
    return to_typed_array(info.Env(), row.data(), row.size());
  }
  Napi::Value eigs(const Napi::CallbackInfo& info) {
    const std::vector<cplx> e = guarded(info.Env(), [&] { return core_->eigs(); });
    return complex_array(info.Env(), e);
  }

  std::unique_ptr<Core> core_;
};

}  // namespace

void register_dmd(Napi::Env env, Napi::Object exports) {
  exports.Set("dmd", Napi::Function::New<dmd_async>(env, "dmd"));
  exports.Set("dmdSync", Napi::Function::New<dmd_sync>(env, "dmdSync"));
  exports.Set("dmdBatch", Napi::Function::New<batch_async>(env, "dmdBatch"));
  exports.Set("dmdBatchSync", Napi::Function::New<batch_sync>(env, "dmdBatchSync"));
  exports.Set("OnlineDmd", StreamingDmd<OnlineDmd>::define(env, "OnlineDmd"));
  exports.Set("WindowDmd", StreamingDmd<WindowDmd>::define(env, "WindowDmd"));
}

}  // namespace randla::bindings
