// Binding of bootstrap error estimation for sketched factorizations (Lopes, Erichson, Mahoney,
// ICML 2020, Alg. 1; Bernoulli 2023; Lopes, Wang, Mahoney, ICML 2018, Alg. 1): the contract is
// docs/algorithms/bootstrap.md, the core native/src/cpu/bootstrap_*.cpp. Every entry point has an
// async form (AsyncProgressQueueWorker, progress = replicates done) and a sync twin.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common.hpp"
#include "randla/bootstrap.hpp"

namespace randla::bindings {
namespace {

enum class Op { SketchedSvd, AdaptiveSvd, BootstrapSvd, BootstrapCovariance, SketchedLstsq, BootstrapLstsq };

// One baton for every bootstrap operation: the fields an operation does not use stay default.
struct BootstrapBaton {
  Op op = Op::SketchedSvd;
  InputMatrix A;
  // b for least squares, in A's dtype (the facade converts), used in place and kept alive.
  const void* b = nullptr;
  Napi::Reference<Napi::TypedArray> keep_b;
  SketchedSvdOptions sketched;
  AdaptiveSvdOptions adaptive;
  BootstrapSvdOptions bootstrap;
  BootstrapCovarianceOptions covariance;
  SketchedLstsqOptions lstsq;
  std::shared_ptr<std::atomic<bool>> cancel;

  SketchedSvdResult svd;
  AdaptiveSvdResult adaptive_result;
  BootstrapSvdResult bootstrap_result;
  BootstrapCovarianceResult covariance_result;
  BootstrapLstsqResult lstsq_result;  // sketchedLstsq fills x and sketch_rows only
  std::optional<CapturedError> error;
};

RowSketch read_sketch(const Napi::Object& o) {
  const std::string name = read_string(o, "sketch", "options.sketch");
  RowSketch s;
  if (!parse_row_sketch(name, s)) {
    throw_invalid(o.Env(), "Expected 'uniform', 'energy' or 'gaussian' for options.sketch but received \"" + name + "\"",
                  "options.sketch");
  }
  return s;
}

ErrorMetric read_metric(const Napi::Object& o) {
  const std::string name = read_string(o, "metric", "options.metric");
  if (name == "value") return ErrorMetric::Value;
  if (name == "vector") return ErrorMetric::Vector;
  if (name == "left") return ErrorMetric::Left;
  throw_invalid(o.Env(), "Expected 'value', 'vector' or 'left' for options.metric but received \"" + name + "\"",
                "options.metric");
}

// b: a TypedArray of A's dtype with A.rows entries, read in place (byteOffset honoured by N-API).
void read_rhs(const Napi::Value& value, BootstrapBaton& baton) {
  Napi::Env env = value.Env();
  const napi_typedarray_type want = baton.A.type;
  const char* what = want == napi_float32_array ? "a Float32Array (the dtype of A)" : "a Float64Array (the dtype of A)";
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != want) {
    throw_invalid(env, std::string("Expected ") + what + " for b", "b");
  }
  const Napi::TypedArray array = value.As<Napi::TypedArray>();
  if (array.ArrayBuffer().IsDetached()) throw_invalid(env, "Expected an attached buffer for b but received a detached ArrayBuffer", "b");
  if (static_cast<std::int64_t>(array.ElementLength()) != baton.A.rows) {
    throw_invalid(env, "Expected b.length = A.rows = " + std::to_string(baton.A.rows) + " but received " +
                           std::to_string(array.ElementLength()), "b", ErrorCode::Shape);
  }
  napi_typedarray_type type;
  size_t length;
  void* data = nullptr;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, array, &type, &length, &data, &buffer, &offset) != napi_ok) {
    throw_invalid(env, "Expected a readable TypedArray for b", "b");
  }
  baton.b = data;  // already offset by byteOffset
  baton.keep_b = Napi::Persistent(array);
}

// (A, [b,] options): the matrix, the right-hand side for least squares, then the options object.
std::unique_ptr<BootstrapBaton> read_baton(const Napi::CallbackInfo& info, Op op) {
  Napi::Env env = info.Env();
  auto baton = std::make_unique<BootstrapBaton>();
  baton->op = op;
  baton->A = read_matrix(info[0], "A");
  const bool lstsq = op == Op::SketchedLstsq || op == Op::BootstrapLstsq;
  if (lstsq) read_rhs(info[1], *baton);
  const Napi::Value opts = info[lstsq ? 2 : 1];
  if (!opts.IsObject()) throw_invalid(env, "Expected an options object for options", "options");
  const Napi::Object o = opts.As<Napi::Object>();
  switch (op) {
    case Op::SketchedSvd: {
      SketchedSvdOptions& s = baton->sketched;
      s.rank = read_int(o, "rank", "options.rank");
      s.sketch_rows = read_int(o, "sketchRows", "options.sketchRows");
      s.sketch = read_sketch(o);
      s.seed = read_u64(o, "seed", "options.seed");
      s.left_vectors = read_bool(o, "leftVectors", "options.leftVectors", false);
      break;
    }
    case Op::AdaptiveSvd: {
      AdaptiveSvdOptions& s = baton->adaptive;
      s.rank = read_int(o, "rank", "options.rank");
      s.tolerance = read_double(o, "tolerance", "options.tolerance");
      s.initial_rows = read_int(o, "initialRows", "options.initialRows");
      s.max_rows = read_int(o, "maxRows", "options.maxRows");
      s.metric = read_metric(o);
      s.sketch = read_sketch(o);
      s.replicates = read_int(o, "replicates", "options.replicates");
      s.alpha = read_double(o, "alpha", "options.alpha");
      s.seed = read_u64(o, "seed", "options.seed");
      s.left_vectors = read_bool(o, "leftVectors", "options.leftVectors", false);
      break;
    }
    case Op::BootstrapSvd: {
      BootstrapSvdOptions& s = baton->bootstrap;
      s.rank = read_int(o, "rank", "options.rank");
      s.sketch_rows = read_int(o, "sketchRows", "options.sketchRows");
      s.sketch = read_sketch(o);
      s.replicates = read_int(o, "replicates", "options.replicates");
      s.alpha = read_double(o, "alpha", "options.alpha");
      s.seed = read_u64(o, "seed", "options.seed");
      break;
    }
    case Op::BootstrapCovariance: {
      BootstrapCovarianceOptions& s = baton->covariance;
      s.sketch_rows = read_int(o, "sketchRows", "options.sketchRows");
      s.sketch = read_sketch(o);
      s.replicates = read_int(o, "replicates", "options.replicates");
      s.alpha = read_double(o, "alpha", "options.alpha");
      s.seed = read_u64(o, "seed", "options.seed");
      break;
    }
    case Op::SketchedLstsq:
    case Op::BootstrapLstsq: {
      SketchedLstsqOptions& s = baton->lstsq;
      s.sketch_rows = read_int(o, "sketchRows", "options.sketchRows");
      s.sketch = read_sketch(o);
      s.seed = read_u64(o, "seed", "options.seed");
      if (op == Op::BootstrapLstsq) {
        s.replicates = read_int(o, "replicates", "options.replicates");
        s.alpha = read_double(o, "alpha", "options.alpha");
      }
      break;
    }
  }
  baton->cancel = AbortToken::from_options(o);
  return baton;
}

template <class T>
void compute_typed(BootstrapBaton& b, const RunControl& control) {
  const MatrixView<const T> A = b.A.view<T>();
  const T* rhs = static_cast<const T*>(b.b);
  switch (b.op) {
    case Op::SketchedSvd: b.svd = sketched_svd(A, b.sketched, control); break;
    case Op::AdaptiveSvd: b.adaptive_result = adaptive_sketched_svd(A, b.adaptive, control); break;
    case Op::BootstrapSvd: b.bootstrap_result = bootstrap_svd_error(A, b.bootstrap, control); break;
    case Op::BootstrapCovariance: b.covariance_result = bootstrap_covariance_error(A, b.covariance, control); break;
    case Op::SketchedLstsq:
      b.lstsq_result.x = sketched_lstsq(A, rhs, b.lstsq, control);
      b.lstsq_result.sketch_rows = b.lstsq.sketch_rows;
      break;
    case Op::BootstrapLstsq: b.lstsq_result = bootstrap_lstsq_error(A, rhs, b.lstsq, control); break;
  }
}

void compute(BootstrapBaton& b, const RunControl& control) {
  b.error = capture([&] {
    if (b.A.is_f32()) compute_typed<float>(b, control);
    else compute_typed<double>(b, control);
  });
}

Napi::Number number(Napi::Env env, double v) { return Napi::Number::New(env, v); }

// S, Vt (k x n row-major: the core's col-major n x k V holds exactly those numbers) and U
// (m x k col-major in the core, row-major for JS) when present.
void set_factors(Napi::Env env, Napi::Object out, const std::vector<double>& S, const DenseMatrix<double>& V,
                 const DenseMatrix<double>& U) {
  out.Set("S", to_typed_array(env, S.data(), S.size()));
  out.Set("Vt", to_js_matrix(env, to_typed_array(env, V.data.data(), V.data.size()), V.cols, V.rows));
  if (!U.data.empty()) {
    const std::int64_t m = U.rows, k = U.cols;
    std::vector<double> row_major(static_cast<std::size_t>(m * k));
    for (std::int64_t j = 0; j < k; ++j)
      for (std::int64_t i = 0; i < m; ++i) row_major[static_cast<std::size_t>(i * k + j)] = U.data[static_cast<std::size_t>(i + j * m)];
    out.Set("U", to_js_matrix(env, to_typed_array(env, row_major.data(), row_major.size()), m, k));
  }
}

Napi::Object to_js(Napi::Env env, BootstrapBaton& b) {
  Napi::Object out = Napi::Object::New(env);
  switch (b.op) {
    case Op::SketchedSvd:
      set_factors(env, out, b.svd.S, b.svd.V, b.svd.U);
      out.Set("sketchRows", number(env, static_cast<double>(b.svd.sketch_rows)));
      break;
    case Op::AdaptiveSvd: {
      const AdaptiveSvdResult& r = b.adaptive_result;
      set_factors(env, out, r.svd.S, r.svd.V, r.svd.U);
      out.Set("sketchRows", number(env, static_cast<double>(r.svd.sketch_rows)));
      Napi::Array path = Napi::Array::New(env, r.path.size());
      for (std::size_t s = 0; s < r.path.size(); ++s) {
        Napi::Object step = Napi::Object::New(env);
        step.Set("rows", number(env, static_cast<double>(r.path[s].rows)));
        step.Set("valueError", number(env, r.path[s].value_error));
        step.Set("vectorError", number(env, r.path[s].vector_error));
        step.Set("leftVectorError", number(env, r.path[s].left_error));
        path.Set(static_cast<uint32_t>(s), step);
      }
      out.Set("path", path);
      out.Set("converged", Napi::Boolean::New(env, r.converged));
      break;
    }
    case Op::BootstrapSvd: {
      const BootstrapSvdResult& r = b.bootstrap_result;
      set_factors(env, out, r.S, r.V, DenseMatrix<double>());
      out.Set("valueError", number(env, r.value_error));
      out.Set("vectorError", number(env, r.vector_error));
      out.Set("subspaceError", number(env, r.subspace_error));
      out.Set("leftVectorError", number(env, r.left_error));
      Napi::Object per = Napi::Object::New(env);
      per.Set("value", to_typed_array(env, r.value_per_component.data(), r.value_per_component.size()));
      per.Set("vector", to_typed_array(env, r.vector_per_component.data(), r.vector_per_component.size()));
      per.Set("left", to_typed_array(env, r.left_per_component.data(), r.left_per_component.size()));
      out.Set("perComponent", per);
      out.Set("sketchRows", number(env, static_cast<double>(r.sketch_rows)));
      break;
    }
    case Op::BootstrapCovariance: {
      const BootstrapCovarianceResult& r = b.covariance_result;
      out.Set("error", number(env, r.error));
      out.Set("relativeError", number(env, r.relative_error));
      out.Set("sketchRows", number(env, static_cast<double>(r.sketch_rows)));
      break;
    }
    case Op::SketchedLstsq:
    case Op::BootstrapLstsq: {
      const BootstrapLstsqResult& r = b.lstsq_result;
      out.Set("x", to_typed_array(env, r.x.data(), r.x.size()));
      out.Set("sketchRows", number(env, static_cast<double>(r.sketch_rows)));
      if (b.op == Op::BootstrapLstsq) {
        out.Set("error", number(env, r.error));
        out.Set("relativeError", number(env, r.relative_error));
      }
      break;
    }
  }
  return out;
}

// The async form takes onProgress after the options; the sync form has none.
template <Op op>
Napi::Value run_async(const Napi::CallbackInfo& info) {
  constexpr bool lstsq = op == Op::SketchedLstsq || op == Op::BootstrapLstsq;
  return ProgressWorker<BootstrapBaton>::queue(info.Env(), "randla.bootstrap", read_baton(info, op), info[lstsq ? 3 : 2],
                                               compute, to_js);
}

template <Op op>
Napi::Value run_sync_js(const Napi::CallbackInfo& info) {
  auto baton = read_baton(info, op);
  return run_sync(info.Env(), *baton, compute, to_js);
}

template <Op op>
void export_pair(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New<run_async<op>>(env, name));
  const std::string sync = std::string(name) + "Sync";
  exports.Set(sync, Napi::Function::New<run_sync_js<op>>(env, sync));
}

}  // namespace

void register_bootstrap(Napi::Env env, Napi::Object exports) {
  export_pair<Op::SketchedSvd>(env, exports, "sketchedSvd");
  export_pair<Op::AdaptiveSvd>(env, exports, "adaptiveSketchedSvd");
  export_pair<Op::BootstrapSvd>(env, exports, "bootstrapSvdError");
  export_pair<Op::BootstrapCovariance>(env, exports, "bootstrapCovarianceError");
  export_pair<Op::SketchedLstsq>(env, exports, "sketchedLstsq");
  export_pair<Op::BootstrapLstsq>(env, exports, "bootstrapLstsqError");
}

}  // namespace randla::bindings
