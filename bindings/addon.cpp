// Module entry: one register_* per operation (bindings/ops/*.cpp), plus backend information,
// thread control and the AbortToken class.
#include <napi.h>

#include "common.hpp"
#include "randla/threads.hpp"

namespace randla::bindings {

void register_rsvd(Napi::Env env, Napi::Object exports);
void register_streaming(Napi::Env env, Napi::Object exports);
void register_kernels(Napi::Env env, Napi::Object exports);
void register_nystrom(Napi::Env env, Napi::Object exports);
void register_bootstrap(Napi::Env env, Napi::Object exports);
void register_dmd(Napi::Env env, Napi::Object exports);

namespace {

Napi::Value backend_info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("threads", Napi::Number::New(env, threads()));
  out.Set("blas", Napi::String::New(env, blas_name()));
  out.Set("kernels", Napi::String::New(env, product_kernels()));
  out.Set("cuda", Napi::Boolean::New(env, false));
  return out;
}

Napi::Value set_threads_js(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) throw_invalid(env, "Expected an integer in [1, 4096] for n", "n");
  const double n = info[0].As<Napi::Number>().DoubleValue();
  if (!(n >= 1 && n <= 4096) || static_cast<double>(static_cast<int>(n)) != n) {
    throw_invalid(env, "Expected an integer in [1, 4096] for n but received " + std::to_string(n), "n");
  }
  set_threads(static_cast<int>(n));
  return env.Undefined();
}

}  // namespace

Napi::Object init(Napi::Env env, Napi::Object exports) {
  exports.Set("AbortToken", AbortToken::define(env));
  exports.Set("backendInfo", Napi::Function::New<backend_info>(env, "backendInfo"));
  exports.Set("setThreads", Napi::Function::New<set_threads_js>(env, "setThreads"));
  register_rsvd(env, exports);
  register_streaming(env, exports);
  register_kernels(env, exports);
  register_nystrom(env, exports);
  register_bootstrap(env, exports);
  register_dmd(env, exports);
  return exports;
}

}  // namespace randla::bindings

static Napi::Object InitRandla(Napi::Env env, Napi::Object exports) { return randla::bindings::init(env, exports); }

NODE_API_MODULE(randla, InitRandla)
