// Binding of Nyström eigendecomposition (docs/algorithms/nystrom.md; the core is
// native/src/cpu/nystrom.cpp) and of vortical flow networks (native/src/cpu/vortical_network.cpp):
// nystrom() runs in an AsyncProgressQueueWorker, nystromSync() on the caller; a VorticalNetwork
// object holds the native network, whose columns the worker computes without JS.
#include <atomic>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common.hpp"
#include "randla/nystrom.hpp"
#include "randla/vortical_network.hpp"

namespace randla::bindings {
namespace {

// new VorticalNetwork(vorticity, dx, dy, { threshold, relativeThreshold, alpha })
class NetworkWrap : public Napi::ObjectWrap<NetworkWrap> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "VorticalNetwork",
                       {InstanceMethod<&NetworkWrap::columns_js>("columns"), InstanceMethod<&NetworkWrap::multiply_js>("multiply"),
                        InstanceMethod<&NetworkWrap::multiply_sync_js>("multiplySync"),
                        InstanceMethod<&NetworkWrap::strength_js>("strength"),
                        InstanceMethod<&NetworkWrap::strength_sync_js>("strengthSync"), InstanceMethod<&NetworkWrap::nodes_js>("nodes"),
                        InstanceMethod<&NetworkWrap::coords_js>("coords"),
                        InstanceMethod<&NetworkWrap::circulation_js>("circulation")});
  }

  explicit NetworkWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NetworkWrap>(info) {
    Napi::Env env = info.Env();
    const InputMatrix field = read_matrix(info[0], "field.vorticity");
    if (field.is_f32()) throw_invalid(env, "Expected a Float64Array for field.vorticity.data", "field.vorticity.data");
    if (!info[1].IsNumber() || !info[2].IsNumber()) throw_invalid(env, "Expected numbers for field.dx and field.dy", "field.dx");
    if (!info[3].IsObject()) throw_invalid(env, "Expected an options object for options", "options");
    const Napi::Object o = info[3].As<Napi::Object>();
    VorticalNetworkOptions options;
    options.threshold = read_double(o, "threshold", "options.threshold");
    options.relative_threshold = read_double(o, "relativeThreshold", "options.relativeThreshold");
    options.alpha = read_double(o, "alpha", "options.alpha");
    const double dx = info[1].As<Napi::Number>().DoubleValue(), dy = info[2].As<Napi::Number>().DoubleValue();
    std::shared_ptr<VorticalNetwork> net;
    if (auto error = capture([&] { net = std::make_shared<VorticalNetwork>(field.view<double>(), dx, dy, options); })) {
      throw to_js_error(env, error->code, error->message, error->argument);
    }
    net_ = std::move(net);
  }

  std::shared_ptr<const VorticalNetwork> network() const { return net_; }

 private:
  // columns(indices: Int32Array) -> Float64Array, N × |indices| col-major
  Napi::Value columns_js(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
      throw_invalid(env, "Expected an Int32Array for indices", "indices");
    }
    const Napi::Int32Array js = info[0].As<Napi::Int32Array>();
    std::vector<std::int64_t> idx(js.ElementLength());
    for (std::size_t k = 0; k < idx.size(); ++k) idx[k] = js[k];
    DenseMatrix<double> out;
    if (auto error = capture([&] { net_->columns(idx, out); })) throw to_js_error(env, error->code, error->message, error->argument);
    return to_typed_array(env, out.data.data(), out.data.size());
  }
  // multiply(X: Float64Array, b) -> Promise<Float64Array>: A·X for an N × b col-major block, on a
  // libuv worker (O(N²·b)); multiplySync(X, b) computes on the caller. X is copied first, since
  // JS may rewrite it while the worker runs.
  Napi::Value multiply_js(const Napi::CallbackInfo& info) {
    auto baton = read_product(info);
    return ProgressWorker<ProductBaton>::queue(info.Env(), "randla.vorticalNetwork.multiply", std::move(baton),
                                               Napi::Value(), compute_product, product_to_js);
  }
  Napi::Value multiply_sync_js(const Napi::CallbackInfo& info) {
    auto baton = read_product(info);
    return run_sync(info.Env(), *baton, compute_product, product_to_js);
  }
  // strength() -> Promise<Float64Array>, the row sums A·1 (O(N²)); strengthSync() on the caller.
  Napi::Value strength_js(const Napi::CallbackInfo& info) {
    return ProgressWorker<ProductBaton>::queue(info.Env(), "randla.vorticalNetwork.strength", ones_product(), Napi::Value(),
                                               compute_product, product_to_js);
  }
  Napi::Value strength_sync_js(const Napi::CallbackInfo& info) {
    auto baton = ones_product();
    return run_sync(info.Env(), *baton, compute_product, product_to_js);
  }

  struct ProductBaton {
    std::shared_ptr<const VorticalNetwork> net;
    std::vector<double> X, Y;
    std::int64_t b = 1;
    std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
    std::optional<CapturedError> error;
  };
  std::unique_ptr<ProductBaton> read_product(const Napi::CallbackInfo& info) const {
    Napi::Env env = info.Env();
    const std::int64_t n = net_->size();
    if (!info[1].IsNumber()) throw_invalid(env, "Expected a column count for x", "x");
    const double b = info[1].As<Napi::Number>().DoubleValue();
    if (!(b >= 1) || b != std::floor(b) || b * static_cast<double>(n) > 9007199254740991.0) {
      throw_invalid(env, "Expected a positive integer column count for x but received " + std::to_string(b), "x");
    }
    const auto expected = static_cast<std::size_t>(b) * static_cast<std::size_t>(n);
    if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
        info[0].As<Napi::Float64Array>().ElementLength() != expected) {
      throw_invalid(env, "Expected a Float64Array of length " + std::to_string(expected) + " for x", "x");
    }
    const Napi::Float64Array x = info[0].As<Napi::Float64Array>();
    auto baton = std::make_unique<ProductBaton>();
    baton->net = net_;
    baton->b = static_cast<std::int64_t>(b);
    baton->X.assign(x.Data(), x.Data() + x.ElementLength());
    return baton;
  }
  std::unique_ptr<ProductBaton> ones_product() const {
    auto baton = std::make_unique<ProductBaton>();
    baton->net = net_;
    baton->X.assign(static_cast<std::size_t>(net_->size()), 1.0);
    return baton;
  }
  static void compute_product(ProductBaton& baton, const RunControl&) {
    baton.error = capture([&] {
      baton.Y.resize(baton.X.size());
      baton.net->multiply(baton.X.data(), baton.b, baton.Y.data());
    });
  }
  static Napi::Object product_to_js(Napi::Env env, ProductBaton& baton) {
    return to_typed_array(env, baton.Y.data(), baton.Y.size());
  }
  Napi::Value nodes_js(const Napi::CallbackInfo& info) {
    const auto& nodes = net_->nodes();
    Napi::Int32Array out = Napi::Int32Array::New(info.Env(), nodes.size());
    for (std::size_t k = 0; k < nodes.size(); ++k) out[k] = static_cast<std::int32_t>(nodes[k]);
    return out;
  }
  Napi::Value coords_js(const Napi::CallbackInfo& info) {
    const auto& c = net_->coords();
    return to_typed_array(info.Env(), c.data.data(), c.data.size());
  }
  Napi::Value circulation_js(const Napi::CallbackInfo& info) {
    const auto& g = net_->circulation();
    return to_typed_array(info.Env(), g.data(), g.size());
  }

  std::shared_ptr<const VorticalNetwork> net_;
};

struct KernelInput {
  KernelKind kind;
  InputMatrix points;
  double gamma;
};

struct NystromBaton {
  std::variant<InputMatrix, KernelInput, std::shared_ptr<const VorticalNetwork>> A;
  bool check_symmetry = false;
  NystromOptions options;
  std::vector<double> coords;  // f64 copy of the coordinates (n × d col-major), when given
  std::shared_ptr<std::atomic<bool>> cancel;
  NystromResult result;
  std::optional<CapturedError> error;
};

std::unique_ptr<NystromBaton> read_baton(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto baton = std::make_unique<NystromBaton>();
  if (!info[0].IsObject()) throw_invalid(env, "Expected an input object for A", "A");
  const Napi::Object input = info[0].As<Napi::Object>();
  const std::string kind = read_string(input, "kind", "A.kind");
  if (kind == "dense") {
    baton->A = read_matrix(input.Get("A"), "A");
    baton->check_symmetry = read_bool(input, "checkSymmetry", "A.checkSymmetry", false);
  } else if (kind == "kernel") {
    KernelInput k;
    const std::string name = read_string(input, "kernel", "A.kernel");
    if (!parse_kernel_kind(name, k.kind)) throw_invalid(env, "Expected 'rbf' or 'laplacian' for A.kernel but received \"" + name + "\"", "A.kernel");
    k.points = read_matrix(input.Get("points"), "A.points");
    k.gamma = read_double(input, "gamma", "A.gamma");
    baton->A = std::move(k);
  } else if (kind == "network") {
    const Napi::Value handle = input.Get("network");
    if (!handle.IsObject() || !handle.As<Napi::Object>().InstanceOf(addon_data(env).vortical_network.Value())) {
      throw_invalid(env, "Expected a native VorticalNetwork for A.network", "A.network");
    }
    baton->A = NetworkWrap::Unwrap(handle.As<Napi::Object>())->network();
  } else {
    throw_invalid(env, "Expected 'dense', 'kernel' or 'network' for A.kind but received \"" + kind + "\"", "A.kind");
  }
  if (!info[1].IsObject()) throw_invalid(env, "Expected an options object for options", "options");
  const Napi::Object o = info[1].As<Napi::Object>();
  NystromOptions& opt = baton->options;
  opt.rank = read_int(o, "rank", "options.rank");
  opt.columns = read_int(o, "columns", "options.columns");
  const std::string sampling = read_string(o, "sampling", "options.sampling");
  if (!parse_nystrom_sampling(sampling, opt.sampling)) {
    throw_invalid(env, "Expected 'uniform', 'quasi-uniform', 'rpcholesky' or 'gaussian' for options.sampling but received \"" + sampling + "\"", "options.sampling");
  }
  const std::string method = read_string(o, "method", "options.method");
  if (!parse_nystrom_method(method, opt.method)) {
    throw_invalid(env, "Expected 'auto', 'indefinite', 'psd' or 'scaled' for options.method but received \"" + method + "\"", "options.method");
  }
  opt.core_rank = read_int(o, "coreRank", "options.coreRank");
  opt.core_tolerance = read_double(o, "coreTolerance", "options.coreTolerance");
  opt.block_size = read_int(o, "blockSize", "options.blockSize");
  opt.seed = read_u64(o, "seed", "options.seed");
  const Napi::Value coords = o.Get("coords");
  if (!coords.IsUndefined()) {
    const InputMatrix c = read_matrix(coords, "options.coords");
    baton->coords.resize(static_cast<std::size_t>(c.rows * c.cols));
    for (std::int64_t j = 0; j < c.cols; ++j) {
      for (std::int64_t i = 0; i < c.rows; ++i) {
        baton->coords[static_cast<std::size_t>(i + j * c.rows)] =
            c.is_f32() ? static_cast<double>(c.view<float>()(i, j)) : c.view<double>()(i, j);
      }
    }
    opt.coords = dense_view<const double>(baton->coords.data(), c.rows, c.cols, Layout::ColMajor);
  }
  baton->cancel = AbortToken::from_options(o);
  return baton;
}

void compute(NystromBaton& b, const RunControl& control) {
  b.error = capture([&] {
    if (const auto* dense = std::get_if<InputMatrix>(&b.A)) {
      if (dense->is_f32()) b.result = nystrom(DenseSymmetricOperator<float>(dense->view<float>(), b.check_symmetry), b.options, control);
      else b.result = nystrom(DenseSymmetricOperator<double>(dense->view<double>(), b.check_symmetry), b.options, control);
    } else if (const auto* kernel = std::get_if<KernelInput>(&b.A)) {
      if (kernel->points.is_f32()) {
        b.result = nystrom(KernelOperator<float>(kernel->kind, kernel->points.view<float>(), kernel->gamma), b.options, control);
      } else {
        b.result = nystrom(KernelOperator<double>(kernel->kind, kernel->points.view<double>(), kernel->gamma), b.options, control);
      }
    } else {
      b.result = nystrom(VorticalNetworkOperator(std::get<std::shared_ptr<const VorticalNetwork>>(b.A)), b.options, control);
    }
  });
}

Napi::Object to_js(Napi::Env env, NystromBaton& b) {
  const NystromResult& r = b.result;
  Napi::Object out = Napi::Object::New(env);
  out.Set("values", to_typed_array(env, r.values.data(), r.values.size()));
  // vectors n × r: col-major in the core, row-major for JS
  const std::int64_t n = r.vectors.rows, k = r.vectors.cols;
  std::vector<double> row_major(static_cast<std::size_t>(n * k));
  for (std::int64_t j = 0; j < k; ++j)
    for (std::int64_t i = 0; i < n; ++i) row_major[static_cast<std::size_t>(i * k + j)] = r.vectors(i, j);
  out.Set("vectors", to_js_matrix(env, to_typed_array(env, row_major.data(), row_major.size()), n, k));
  if (b.options.sampling != NystromSampling::Gaussian) {
    Napi::Int32Array indices = Napi::Int32Array::New(env, r.indices.size());
    for (std::size_t t = 0; t < r.indices.size(); ++t) indices[t] = static_cast<std::int32_t>(r.indices[t]);
    out.Set("indices", indices);
  }
  out.Set("method", Napi::String::New(env, nystrom_method_name(r.method)));
  out.Set("columns", Napi::Number::New(env, static_cast<double>(r.columns)));
  return out;
}

// nystrom(A, options, onProgress?) -> Promise
Napi::Value nystrom_async(const Napi::CallbackInfo& info) {
  return ProgressWorker<NystromBaton>::queue(info.Env(), "randla.nystrom", read_baton(info), info[2], compute, to_js);
}

Napi::Value nystrom_sync(const Napi::CallbackInfo& info) {
  auto baton = read_baton(info);
  return run_sync(info.Env(), *baton, compute, to_js);
}

}  // namespace

void register_nystrom(Napi::Env env, Napi::Object exports) {
  Napi::Function network = NetworkWrap::define(env);
  addon_data(env).vortical_network = Napi::Persistent(network);
  exports.Set("VorticalNetwork", network);
  exports.Set("nystrom", Napi::Function::New<nystrom_async>(env, "nystrom"));
  exports.Set("nystromSync", Napi::Function::New<nystrom_sync>(env, "nystromSync"));
}

}  // namespace randla::bindings
