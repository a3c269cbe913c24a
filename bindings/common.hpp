// Shared binding glue: JS value -> plain C++ "baton" fields on the main thread (sharp's
// pattern: Execute() never touches N-API), errors mapped to ERR_RANDLA_* codes in one place.
#pragma once

#include <napi.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "randla/control.hpp"
#include "randla/csr.hpp"
#include "randla/error.hpp"
#include "randla/matrix_view.hpp"

namespace randla::bindings {

// A Float32Array/Float64Array matrix from JS, kept alive by a reference for the whole call.
struct InputMatrix {
  napi_typedarray_type type = napi_float64_array;
  const void* data = nullptr;
  std::int64_t rows = 0, cols = 0;
  Layout layout = Layout::RowMajor;
  Napi::Reference<Napi::TypedArray> keep_alive;

  bool is_f32() const { return type == napi_float32_array; }
  template <class T>
  MatrixView<const T> view() const {
    return dense_view(static_cast<const T*>(data), rows, cols, layout);
  }
};

// Reads { data, rows, cols, layout } named `name` in messages; throws a RandlaError-shaped JS error.
InputMatrix read_matrix(const Napi::Value& value, const char* name);

// A CSR matrix from JS ({ format: 'csr', rows, cols, indptr, indices, values }), its arrays kept
// alive for the whole call. Only types and lengths are checked here; the core's validate_csr
// checks the structure off the main thread.
struct InputCsr {
  napi_typedarray_type type = napi_float64_array;
  std::int64_t rows = 0, cols = 0;
  // The structure is copied on the main thread: validate_csr checks the copy, so JS code that
  // rewrites indptr/indices while the worker runs (an onProgress callback can) cannot make the
  // products index out of bounds. Values stay zero-copy: changing them changes numbers only.
  std::vector<std::int32_t> indptr_copy, indices_copy;
  const std::int32_t* indptr = nullptr;
  const std::int32_t* indices = nullptr;
  const void* values = nullptr;
  Napi::Reference<Napi::TypedArray> keep_values;

  bool is_f32() const { return type == napi_float32_array; }
  template <class T>
  CsrView<T> view() const {
    return {rows, cols, indptr, indices, static_cast<const T*>(values)};
  }
};
bool is_csr(const Napi::Value& value);
InputCsr read_csr(const Napi::Value& value, const char* name);

// A finite number option.
double read_double(const Napi::Object& options, const char* key, const char* name);

// Option readers: `name` is the argument's name as the user wrote it, e.g. "options.rank".
std::int64_t read_int(const Napi::Object& options, const char* key, const char* name);
std::string read_string(const Napi::Object& options, const char* key, const char* name);
std::uint64_t read_u64(const Napi::Object& options, const char* key, const char* name);
bool read_bool(const Napi::Object& options, const char* key, const char* name, bool fallback);

// The one mapping of native failures to JS: an Error with `code` (ERR_RANDLA_*) and `argument`.
Napi::Error to_js_error(Napi::Env env, ErrorCode code, const std::string& message, const std::string& argument);
[[noreturn]] void throw_invalid(Napi::Env env, const std::string& message, const std::string& argument,
                                ErrorCode code = ErrorCode::InvalidArgument);

// A failure captured on a worker thread, turned into a JS error later on the main thread.
struct CapturedError {
  ErrorCode code = ErrorCode::Internal;
  std::string message;
  std::string argument;
};
// Runs `body`, converting every C++ exception into a CapturedError (never lets one escape).
template <class F>
std::optional<CapturedError> capture(F&& body) {
  try {
    body();
    return std::nullopt;
  } catch (const Error& e) {
    return CapturedError{e.code(), e.what(), e.argument()};
  } catch (const std::bad_alloc&) {
    return CapturedError{ErrorCode::OutOfMemory, "Out of memory", ""};
  } catch (const std::exception& e) {
    return CapturedError{ErrorCode::Internal, e.what(), ""};
  } catch (...) {
    return CapturedError{ErrorCode::Internal, "Unknown native error", ""};
  }
}

// Per-environment state: the addon may load in the main thread and in worker threads, each a
// separate environment, so class constructors live in the environment's instance data, never
// in process-wide statics (which another environment would overwrite, or leave dangling when it
// exits).
struct AddonData {
  Napi::FunctionReference abort_token;
  Napi::FunctionReference streaming_sketch;
  Napi::FunctionReference vortical_network;
};
AddonData& addon_data(Napi::Env env);

// Cancellation flag shared by a JS AbortToken object and the worker computing for it.
class AbortToken : public Napi::ObjectWrap<AbortToken> {
 public:
  static Napi::Function define(Napi::Env env);
  explicit AbortToken(const Napi::CallbackInfo& info);
  std::shared_ptr<std::atomic<bool>> flag() const { return flag_; }
  // The token passed as options.abortToken, or nullptr.
  static std::shared_ptr<std::atomic<bool>> from_options(const Napi::Object& options);

 private:
  Napi::Value abort(const Napi::CallbackInfo& info);
  std::shared_ptr<std::atomic<bool>> flag_ = std::make_shared<std::atomic<bool>>(false);
};

// Copies a result vector into a fresh JS-owned TypedArray.
Napi::TypedArray to_typed_array(Napi::Env env, const float* data, std::size_t n);
Napi::TypedArray to_typed_array(Napi::Env env, const double* data, std::size_t n);
Napi::Object to_js_matrix(Napi::Env env, Napi::TypedArray data, std::int64_t rows, std::int64_t cols);

// The one async shape of a whole-call operation (rsvd, nystrom): `compute(baton, control)` runs
// on a libuv worker with the baton's cancel flag and progress wired to `onProgress(done, total)`;
// the promise resolves with `to_js(env, baton)` or rejects with the baton's captured error.
// Baton needs `std::shared_ptr<std::atomic<bool>> cancel` and `std::optional<CapturedError> error`.
struct PassProgress {
  int done, total;
};

template <class Baton>
class ProgressWorker : public Napi::AsyncProgressQueueWorker<PassProgress> {
 public:
  using Compute = void (*)(Baton&, const RunControl&);
  using ToJs = Napi::Object (*)(Napi::Env, Baton&);

  // Queues the work and returns its promise.
  static Napi::Promise queue(Napi::Env env, const char* name, std::unique_ptr<Baton> baton, Napi::Value on_progress,
                             Compute compute, ToJs to_js) {
    auto* worker = new ProgressWorker(env, name, std::move(baton), on_progress, compute, to_js);
    Napi::Promise promise = worker->deferred_.Promise();
    worker->Queue();
    return promise;
  }

 protected:
  void Execute(const ExecutionProgress& progress) override {
    RunControl control;
    control.cancel = baton_->cancel.get();
    if (!on_progress_.IsEmpty()) {
      control.progress = [&progress](int done, int total) {
        const PassProgress p{done, total};
        progress.Send(&p, 1);
      };
    }
    compute_(*baton_, control);
  }
  void OnProgress(const PassProgress* passes, size_t count) override {
    if (on_progress_.IsEmpty() || count == 0) return;
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    const PassProgress& last = passes[count - 1];
    // The facade wraps the user's callback so it never throws into native code.
    on_progress_.Call({Napi::Number::New(env, last.done), Napi::Number::New(env, last.total)});
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (baton_->error) {
      const auto& e = *baton_->error;
      deferred_.Reject(to_js_error(env, e.code, e.message, e.argument).Value());
    } else {
      deferred_.Resolve(to_js_(env, *baton_));
    }
  }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  ProgressWorker(Napi::Env env, const char* name, std::unique_ptr<Baton> baton, Napi::Value on_progress, Compute compute,
                 ToJs to_js)
      : Napi::AsyncProgressQueueWorker<PassProgress>(env, name),
        baton_(std::move(baton)),
        deferred_(Napi::Promise::Deferred::New(env)),
        compute_(compute),
        to_js_(to_js) {
    if (on_progress.IsFunction()) on_progress_ = Napi::Persistent(on_progress.As<Napi::Function>());
  }

  std::unique_ptr<Baton> baton_;
  Napi::Promise::Deferred deferred_;
  Napi::FunctionReference on_progress_;
  Compute compute_;
  ToJs to_js_;
};

// The sync twin: computes on the caller, throws the captured error or returns to_js.
template <class Baton>
Napi::Value run_sync(Napi::Env env, Baton& baton, void (*compute)(Baton&, const RunControl&),
                     Napi::Object (*to_js)(Napi::Env, Baton&)) {
  compute(baton, RunControl{});
  if (baton.error) throw to_js_error(env, baton.error->code, baton.error->message, baton.error->argument);
  return to_js(env, baton);
}

}  // namespace randla::bindings
