// Binding of randomized SVD (Halko, Martinsson, Tropp 2011, Alg. 4.3/4.4 + 5.1; the core is
// native/src/cpu/rsvd.cpp): rsvd() runs in an AsyncProgressQueueWorker, rsvdSync() on the caller.
#include <memory>
#include <optional>
#include <variant>

#include "common.hpp"
#include "randla/rsvd.hpp"

namespace randla::bindings {
namespace {

struct Pass {
  int done, total;
};

// Everything the computation needs, read from JS on the main thread.
struct RsvdBaton {
  InputMatrix A;
  RsvdOptions options;
  std::shared_ptr<std::atomic<bool>> cancel;
  std::variant<std::monostate, RsvdResult<float>, RsvdResult<double>> result;
  std::optional<CapturedError> error;
};

std::unique_ptr<RsvdBaton> read_baton(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto baton = std::make_unique<RsvdBaton>();
  baton->A = read_matrix(info[0], "A");
  if (!info[1].IsObject()) throw_invalid(env, "Expected an options object for options", "options");
  const Napi::Object o = info[1].As<Napi::Object>();
  baton->options.rank = read_int(o, "rank", "options.rank");
  baton->options.oversamples = read_int(o, "oversamples", "options.oversamples");
  baton->options.power_iters = read_int(o, "powerIters", "options.powerIters");
  const std::string normalizer = read_string(o, "normalizer", "options.normalizer");
  if (normalizer == "qr") baton->options.normalizer = Normalizer::QR;
  else if (normalizer == "lu") baton->options.normalizer = Normalizer::LU;
  else if (normalizer == "none") baton->options.normalizer = Normalizer::None;
  else throw_invalid(env, "Expected 'qr', 'lu' or 'none' for options.normalizer but received \"" + normalizer + "\"", "options.normalizer");
  const std::string sketch = read_string(o, "sketch", "options.sketch");
  if (sketch == "gaussian") baton->options.test_matrix = TestMatrixKind::Gaussian;
  else if (sketch == "rademacher") baton->options.test_matrix = TestMatrixKind::Rademacher;
  else throw_invalid(env, "Expected 'gaussian' or 'rademacher' for options.sketch but received \"" + sketch + "\"", "options.sketch");
  baton->options.seed = read_u64(o, "seed", "options.seed");
  baton->options.check_finite = read_bool(o, "checkFinite", "options.checkFinite", true);
  baton->cancel = AbortToken::from_options(o);
  return baton;
}

void compute(RsvdBaton& b, const RunControl& control) {
  b.error = capture([&] {
    if (b.A.is_f32()) b.result = rsvd<float>(b.A.view<float>(), b.options, control);
    else b.result = rsvd<double>(b.A.view<double>(), b.options, control);
  });
}

Napi::Object to_js(Napi::Env env, RsvdBaton& b) {
  Napi::Object out = Napi::Object::New(env);
  std::visit([&](auto& r) {
    if constexpr (!std::is_same_v<std::decay_t<decltype(r)>, std::monostate>) {
      out.Set("U", to_js_matrix(env, to_typed_array(env, r.U.data(), r.U.size()), r.rows, r.rank));
      out.Set("S", to_typed_array(env, r.S.data(), r.S.size()));
      out.Set("Vt", to_js_matrix(env, to_typed_array(env, r.Vt.data(), r.Vt.size()), r.rank, r.cols));
    }
  }, b.result);
  return out;
}

class RsvdWorker : public Napi::AsyncProgressQueueWorker<Pass> {
 public:
  RsvdWorker(Napi::Env env, std::unique_ptr<RsvdBaton> baton, Napi::Value on_progress)
      : Napi::AsyncProgressQueueWorker<Pass>(env, "randla.rsvd"),
        baton_(std::move(baton)),
        deferred_(Napi::Promise::Deferred::New(env)) {
    if (on_progress.IsFunction()) on_progress_ = Napi::Persistent(on_progress.As<Napi::Function>());
  }
  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  void Execute(const ExecutionProgress& progress) override {
    RunControl control;
    control.cancel = baton_->cancel.get();
    if (!on_progress_.IsEmpty()) {
      control.progress = [&progress](int done, int total) {
        const Pass p{done, total};
        progress.Send(&p, 1);
      };
    }
    compute(*baton_, control);
  }
  void OnProgress(const Pass* passes, size_t count) override {
    if (on_progress_.IsEmpty() || count == 0) return;
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    const Pass& last = passes[count - 1];
    // The facade wraps the user's callback so it never throws into native code.
    on_progress_.Call({Napi::Number::New(env, last.done), Napi::Number::New(env, last.total)});
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (baton_->error) {
      const auto& e = *baton_->error;
      deferred_.Reject(to_js_error(env, e.code, e.message, e.argument).Value());
    } else {
      deferred_.Resolve(to_js(env, *baton_));
    }
  }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  std::unique_ptr<RsvdBaton> baton_;
  Napi::Promise::Deferred deferred_;
  Napi::FunctionReference on_progress_;
};

// rsvd(A, options, onProgress?) -> Promise<{ U, S, Vt }>
Napi::Value rsvd_async(const Napi::CallbackInfo& info) {
  auto baton = read_baton(info);
  auto* worker = new RsvdWorker(info.Env(), std::move(baton), info[2]);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

// rsvdSync(A, options) -> { U, S, Vt }
Napi::Value rsvd_sync(const Napi::CallbackInfo& info) {
  auto baton = read_baton(info);
  compute(*baton, RunControl{});
  if (baton->error) throw to_js_error(info.Env(), baton->error->code, baton->error->message, baton->error->argument);
  return to_js(info.Env(), *baton);
}

}  // namespace

void register_rsvd(Napi::Env env, Napi::Object exports) {
  exports.Set("rsvd", Napi::Function::New<rsvd_async>(env, "rsvd"));
  exports.Set("rsvdSync", Napi::Function::New<rsvd_sync>(env, "rsvdSync"));
}

}  // namespace randla::bindings
