// Binding of the small dense steps of the randomized SVD (docs/algorithms/rsvd.md) for the
// matrix-free driver in TypeScript (src/backend/reference/operator_driver.ts): normalize() of a
// sample block and the thin SVD of B. Synchronous: they work on m x l and l x l blocks while the
// products, the expensive part, are the caller's own matmul/rmatmul.
#include <string>

#include "common.hpp"
#include "randla/rsvd.hpp"

namespace randla::bindings {
namespace {

DenseMatrix<double> read_block(const Napi::CallbackInfo& info, const char* name) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw_invalid(env, std::string("Expected a Float64Array for ") + name, name);
  }
  const Napi::Float64Array data = info[0].As<Napi::Float64Array>();
  if (!info[1].IsNumber() || !info[2].IsNumber()) throw_invalid(env, "Expected integer rows and cols", "rows");
  const auto rows = static_cast<std::int64_t>(info[1].As<Napi::Number>().Int64Value());
  const auto cols = static_cast<std::int64_t>(info[2].As<Napi::Number>().Int64Value());
  if (rows < 1 || cols < 1 || static_cast<double>(rows) * static_cast<double>(cols) != static_cast<double>(data.ElementLength())) {
    throw_invalid(env, std::string("Expected ") + name + ".length = rows * cols", name, ErrorCode::Shape);
  }
  DenseMatrix<double> block(rows, cols);
  std::copy(data.Data(), data.Data() + data.ElementLength(), block.data.begin());
  return block;
}

// normalizeBlock(Y, rows, cols, normalizer) -> Float64Array (a fresh array; Y is not modified)
Napi::Value normalize_block(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DenseMatrix<double> Y = read_block(info, "Y");
  const std::string name = info[3].IsString() ? info[3].As<Napi::String>().Utf8Value() : "";
  Normalizer n;
  if (!parse_normalizer(name, n) || n == Normalizer::Auto) throw_invalid(env, "Expected 'qr', 'lu', 'cholqr2' or 'none' for normalizer but received \"" + name + "\"", "normalizer");
  const auto error = capture([&] { normalize(Y, n); });
  if (error) throw to_js_error(env, error->code, error->message, error->argument);
  return to_typed_array(env, Y.data.data(), Y.data.size());
}

// thinSvd(B, rows, cols) -> { W, S, Z } (col-major)
Napi::Value thin_svd_js(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DenseMatrix<double> B = read_block(info, "B");
  ThinSvd f;
  const auto error = capture([&] { f = thin_svd(B); });
  if (error) throw to_js_error(env, error->code, error->message, error->argument);
  Napi::Object out = Napi::Object::New(env);
  out.Set("W", to_typed_array(env, f.W.data(), f.W.size()));
  out.Set("S", to_typed_array(env, f.S.data(), f.S.size()));
  out.Set("Z", to_typed_array(env, f.Z.data(), f.Z.size()));
  return out;
}

}  // namespace

void register_kernels(Napi::Env env, Napi::Object exports) {
  exports.Set("normalizeBlock", Napi::Function::New<normalize_block>(env, "normalizeBlock"));
  exports.Set("thinSvd", Napi::Function::New<thin_svd_js>(env, "thinSvd"));
}

}  // namespace randla::bindings
