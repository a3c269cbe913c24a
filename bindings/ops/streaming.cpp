// Binding of the single-pass streaming SVD (Tropp, Yurtsever, Udell, Cevher, SISC 2019, Alg.
// 4.1–4.4; the core is native/src/cpu/streaming_svd.cpp): a native StreamingSketch object that owns
// the sketch; update() and finalize() run in an AsyncWorker, with sync twins.
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common.hpp"
#include "randla/streaming_svd.hpp"

namespace randla::bindings {
namespace {

[[noreturn]] void rethrow(Napi::Env env, const CapturedError& e) { throw to_js_error(env, e.code, e.message, e.argument); }

template <class F>
void run_or_throw(Napi::Env env, F&& body) {
  if (auto error = capture(std::forward<F>(body))) rethrow(env, *error);
}

std::vector<double> read_f64(const Napi::Value& value, const char* name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw_invalid(value.Env(), std::string("Expected a Float64Array for ") + name + " but received another value", name);
  }
  const Napi::Float64Array a = value.As<Napi::Float64Array>();
  return std::vector<double>(a.Data(), a.Data() + a.ElementLength());
}

Napi::Object result_to_js(Napi::Env env, const std::variant<std::monostate, RsvdResult<float>, RsvdResult<double>>& result) {
  Napi::Object out = Napi::Object::New(env);
  std::visit([&](const auto& r) {
    if constexpr (!std::is_same_v<std::decay_t<decltype(r)>, std::monostate>) {
      out.Set("U", to_js_matrix(env, to_typed_array(env, r.U.data(), r.U.size()), r.rows, r.rank));
      out.Set("S", to_typed_array(env, r.S.data(), r.S.size()));
      out.Set("Vt", to_js_matrix(env, to_typed_array(env, r.Vt.data(), r.Vt.size()), r.rank, r.cols));
      out.Set("rank", Napi::Number::New(env, static_cast<double>(r.rank)));
    }
  }, result);
  return out;
}

class StreamingSketch : public Napi::ObjectWrap<StreamingSketch> {
 public:
  static Napi::Function define(Napi::Env env);
  explicit StreamingSketch(const Napi::CallbackInfo& info);

  // One operation at a time: an async update or finalize owns the sketch until it settles.
  void acquire(Napi::Env env) {
    if (busy_) {
      throw_invalid(env,
                    "Expected no operation in progress on this sketch but an asynchronous update or finalize is "
                    "still running (await it first)",
                    "this");
    }
    busy_ = true;
  }
  void release() { busy_ = false; }

  template <class F>
  decltype(auto) visit(F&& f) {
    return f64_ ? f(*f64_) : f(*f32_);
  }
  bool is_f32() const { return f32_ != nullptr; }

 private:
  Napi::Value update(const Napi::CallbackInfo& info);
  Napi::Value update_sync(const Napi::CallbackInfo& info);
  Napi::Value finalize(const Napi::CallbackInfo& info);
  Napi::Value finalize_sync(const Napi::CallbackInfo& info);
  Napi::Value merge(const Napi::CallbackInfo& info);
  Napi::Value get_state(const Napi::CallbackInfo& info);
  Napi::Value set_state(const Napi::CallbackInfo& info);
  Napi::Value add_state(const Napi::CallbackInfo& info);

  std::unique_ptr<StreamingSvd<float>> f32_;
  std::unique_ptr<StreamingSvd<double>> f64_;
  bool busy_ = false;
};

// What update() needs, read on the main thread: the block (kept alive) and where it goes.
struct UpdateBaton {
  InputMatrix block;
  std::int64_t row_offset = 0;
  bool check_finite = true;
};

UpdateBaton read_update(const Napi::CallbackInfo& info, bool f32) {
  Napi::Env env = info.Env();
  UpdateBaton b;
  b.block = read_matrix(info[0], "rowBlock");
  if (b.block.is_f32() != f32) {
    throw_invalid(env, std::string("Expected a ") + (f32 ? "Float32Array" : "Float64Array") +
                           " for rowBlock.data (the sketch's dtype) but received a " +
                           (b.block.is_f32() ? "Float32Array" : "Float64Array"),
                  "rowBlock.data");
  }
  Napi::Object args = Napi::Object::New(env);
  args.Set("rowOffset", info[1]);
  b.row_offset = read_int(args, "rowOffset", "rowOffset");
  b.check_finite = info[2].IsUndefined() ? true : info[2].ToBoolean().Value();
  return b;
}

std::int64_t read_rank(const Napi::CallbackInfo& info) {
  if (info[0].IsUndefined()) return 0;
  Napi::Object args = Napi::Object::New(info.Env());
  args.Set("rank", info[0]);
  return read_int(args, "rank", "rank");
}

// Runs on a libuv worker; the wrapper object is referenced so it outlives the work, and the
// sketch is marked busy so no other call touches it meanwhile.
class SketchWorker : public Napi::AsyncWorker {
 public:
  SketchWorker(Napi::Env env, StreamingSketch* sketch, Napi::Object self, const char* name)
      : Napi::AsyncWorker(env, name), sketch_(sketch), self_(Napi::Persistent(self)), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  virtual void compute() = 0;
  virtual Napi::Value value(Napi::Env env) = 0;

  void Execute() override { error_ = capture([&] { compute(); }); }
  void OnOK() override {
    Napi::Env env = Env();
    sketch_->release();
    if (error_) deferred_.Reject(to_js_error(env, error_->code, error_->message, error_->argument).Value());
    else deferred_.Resolve(value(env));
  }
  void OnError(const Napi::Error& error) override {
    sketch_->release();
    deferred_.Reject(error.Value());
  }

  StreamingSketch* sketch_;

 private:
  Napi::ObjectReference self_;
  Napi::Promise::Deferred deferred_;
  std::optional<CapturedError> error_;
};

class UpdateWorker : public SketchWorker {
 public:
  UpdateWorker(Napi::Env env, StreamingSketch* sketch, Napi::Object self, UpdateBaton baton)
      : SketchWorker(env, sketch, self, "randla.streamingUpdate"), baton_(std::move(baton)) {}

 protected:
  void compute() override {
    sketch_->visit([&](auto& s) {
      using T = typename std::decay_t<decltype(s)>::value_type;
      s.update(baton_.block.view<T>(), baton_.row_offset, baton_.check_finite);
    });
  }
  Napi::Value value(Napi::Env env) override { return env.Undefined(); }

 private:
  UpdateBaton baton_;
};

class FinalizeWorker : public SketchWorker {
 public:
  FinalizeWorker(Napi::Env env, StreamingSketch* sketch, Napi::Object self, std::int64_t rank)
      : SketchWorker(env, sketch, self, "randla.streamingFinalize"), rank_(rank) {}

 protected:
  void compute() override {
    sketch_->visit([&](auto& s) { result_ = s.finalize(rank_); });
  }
  Napi::Value value(Napi::Env env) override { return result_to_js(env, result_); }

 private:
  std::int64_t rank_;
  std::variant<std::monostate, RsvdResult<float>, RsvdResult<double>> result_;
};

Napi::Function StreamingSketch::define(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "StreamingSketch",
                                    {
                                        InstanceMethod<&StreamingSketch::update>("update"),
                                        InstanceMethod<&StreamingSketch::update_sync>("updateSync"),
                                        InstanceMethod<&StreamingSketch::finalize>("finalize"),
                                        InstanceMethod<&StreamingSketch::finalize_sync>("finalizeSync"),
                                        InstanceMethod<&StreamingSketch::merge>("merge"),
                                        InstanceMethod<&StreamingSketch::get_state>("getState"),
                                        InstanceMethod<&StreamingSketch::set_state>("setState"),
                                        InstanceMethod<&StreamingSketch::add_state>("addState"),
                                    });
  addon_data(env).streaming_sketch = Napi::Persistent(ctor);
  return ctor;
}

// new StreamingSketch({ rows, cols, rank, rangeSize, coreSize, seed: bigint, dtype })
StreamingSketch::StreamingSketch(const Napi::CallbackInfo& info) : Napi::ObjectWrap<StreamingSketch>(info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw_invalid(env, "Expected an options object for options", "options");
  const Napi::Object o = info[0].As<Napi::Object>();
  const std::int64_t rows = read_int(o, "rows", "options.rows"), cols = read_int(o, "cols", "options.cols");
  const std::int64_t rank = read_int(o, "rank", "options.rank");
  const std::int64_t k = read_int(o, "rangeSize", "options.rangeSize"), s = read_int(o, "coreSize", "options.coreSize");
  const std::uint64_t seed = read_u64(o, "seed", "options.seed");
  const std::string dtype = read_string(o, "dtype", "options.dtype");
  if (dtype != "float64" && dtype != "float32") {
    throw_invalid(env, "Expected 'float64' or 'float32' for options.dtype but received \"" + dtype + "\"", "options.dtype");
  }
  run_or_throw(env, [&] {
    if (dtype == "float32") f32_ = std::make_unique<StreamingSvd<float>>(rows, cols, rank, k, s, seed);
    else f64_ = std::make_unique<StreamingSvd<double>>(rows, cols, rank, k, s, seed);
  });
}

// update(rowBlock, rowOffset, checkFinite) -> Promise<void>
Napi::Value StreamingSketch::update(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  UpdateBaton baton = read_update(info, is_f32());
  acquire(env);
  auto* worker = new UpdateWorker(env, this, info.This().As<Napi::Object>(), std::move(baton));
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

// updateSync(rowBlock, rowOffset, checkFinite)
Napi::Value StreamingSketch::update_sync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  UpdateBaton baton = read_update(info, is_f32());
  acquire(env);
  const auto error = capture([&] {
    visit([&](auto& s) {
      using T = typename std::decay_t<decltype(s)>::value_type;
      s.update(baton.block.view<T>(), baton.row_offset, baton.check_finite);
    });
  });
  release();
  if (error) rethrow(env, *error);
  return env.Undefined();
}

// finalize(rank?) -> Promise<{ U, S, Vt, rank }>
Napi::Value StreamingSketch::finalize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::int64_t rank = read_rank(info);
  acquire(env);
  auto* worker = new FinalizeWorker(env, this, info.This().As<Napi::Object>(), rank);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

// finalizeSync(rank?) -> { U, S, Vt, rank }
Napi::Value StreamingSketch::finalize_sync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::int64_t rank = read_rank(info);
  acquire(env);
  std::variant<std::monostate, RsvdResult<float>, RsvdResult<double>> result;
  const auto error = capture([&] { visit([&](auto& s) { result = s.finalize(rank); }); });
  release();
  if (error) rethrow(env, *error);
  return result_to_js(env, result);
}

// merge(other: StreamingSketch): this += other (same sizes, seed and dtype).
Napi::Value StreamingSketch::merge(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject() || !info[0].As<Napi::Object>().InstanceOf(addon_data(info.Env()).streaming_sketch.Value())) {
    throw_invalid(env, "Expected a native StreamingSketch for other", "other");
  }
  StreamingSketch* other = Unwrap(info[0].As<Napi::Object>());
  if (other->is_f32() != is_f32()) {
    throw_invalid(env, std::string("Expected the same dtype for other but received ") +
                           (other->is_f32() ? "float32" : "float64") + " (this sketch has " +
                           (is_f32() ? "float32" : "float64") + ")",
                  "other");
  }
  if (other == this) throw_invalid(env, "Expected another sketch for other but received this one", "other");
  acquire(env);
  if (other->busy_) {
    release();
    throw_invalid(env, "Expected no operation in progress on other but one is still running", "other");
  }
  const auto error = capture([&] {
    if (is_f32()) f32_->merge(*other->f32_);
    else f64_->merge(*other->f64_);
  });
  release();
  if (error) rethrow(env, *error);
  return env.Undefined();
}

// getState() -> { Y, Xt, Z }: copies of the sketches (column-major f64).
Napi::Value StreamingSketch::get_state(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  acquire(env);
  Napi::Object out = Napi::Object::New(env);
  visit([&](auto& s) {
    out.Set("Y", to_typed_array(env, s.range_sketch().data(), s.range_sketch().size()));
    out.Set("Xt", to_typed_array(env, s.corange_sketch().data(), s.corange_sketch().size()));
    out.Set("Z", to_typed_array(env, s.core_sketch().data(), s.core_sketch().size()));
  });
  release();
  return out;
}

// setState(Y, Xt, Z): replaces the sketches (sizes checked, finite).
Napi::Value StreamingSketch::set_state(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<double> Y = read_f64(info[0], "state.Y"), Xt = read_f64(info[1], "state.Xt"), Z = read_f64(info[2], "state.Z");
  acquire(env);
  const auto error = capture([&] { visit([&](auto& s) { s.restore(std::move(Y), std::move(Xt), std::move(Z)); }); });
  release();
  if (error) rethrow(env, *error);
  return env.Undefined();
}

// addState(Y, Xt, Z): this += a sketch given by its arrays (e.g. from another backend).
Napi::Value StreamingSketch::add_state(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<double> Y = read_f64(info[0], "state.Y"), Xt = read_f64(info[1], "state.Xt"), Z = read_f64(info[2], "state.Z");
  acquire(env);
  const auto error = capture([&] {
    visit([&](auto& s) {
      std::decay_t<decltype(s)> other(s.rows(), s.cols(), s.rank(), s.range_size(), s.core_size(), s.seed());
      other.restore(std::move(Y), std::move(Xt), std::move(Z));
      s.merge(other);
    });
  });
  release();
  if (error) rethrow(env, *error);
  return env.Undefined();
}

}  // namespace

void register_streaming(Napi::Env env, Napi::Object exports) {
  exports.Set("StreamingSketch", StreamingSketch::define(env));
}

}  // namespace randla::bindings
