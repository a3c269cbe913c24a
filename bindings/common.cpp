#include "common.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace randla::bindings {
namespace {


std::string describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsNumber()) {
    const double d = v.As<Napi::Number>().DoubleValue();
    std::string s = std::to_string(d);
    if (std::floor(d) == d && std::abs(d) < 1e15) s = std::to_string(static_cast<long long>(d));
    return "number " + s;
  }
  if (v.IsBigInt()) return "bigint";
  if (v.IsString()) return "string \"" + v.As<Napi::String>().Utf8Value() + "\"";
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? "boolean true" : "boolean false";
  if (v.IsTypedArray()) return "TypedArray";
  if (v.IsArray()) return "Array";
  if (v.IsFunction()) return "function";
  return "object";
}

}  // namespace

AddonData& addon_data(Napi::Env env) {
  AddonData* data = env.GetInstanceData<AddonData>();
  if (data == nullptr) {
    data = new AddonData();
    env.SetInstanceData(data);  // deleted by Node when the environment is torn down
  }
  return *data;
}

Napi::Error to_js_error(Napi::Env env, ErrorCode code, const std::string& message, const std::string& argument) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, error_code_name(code)));
  if (!argument.empty()) error.Set("argument", Napi::String::New(env, argument));
  return error;
}

void throw_invalid(Napi::Env env, const std::string& message, const std::string& argument, ErrorCode code) {
  throw to_js_error(env, code, message, argument);
}

InputMatrix read_matrix(const Napi::Value& value, const char* name) {
  Napi::Env env = value.Env();
  const std::string n(name);
  if (!value.IsObject()) {
    throw_invalid(env, "Expected a matrix object { data, rows, cols, layout } for " + n + " but received " + describe(value), n);
  }
  const Napi::Object obj = value.As<Napi::Object>();
  const Napi::Value data = obj.Get("data");
  if (!data.IsTypedArray()) {
    throw_invalid(env, "Expected a Float64Array or Float32Array for " + n + ".data but received " + describe(data), n + ".data");
  }
  const Napi::TypedArray array = data.As<Napi::TypedArray>();
  const napi_typedarray_type type = array.TypedArrayType();
  if (type != napi_float64_array && type != napi_float32_array) {
    throw_invalid(env, "Expected a Float64Array or Float32Array for " + n + ".data but received another TypedArray", n + ".data");
  }
  if (array.ArrayBuffer().IsDetached()) {
    throw_invalid(env, "Expected an attached buffer for " + n + ".data but received a detached ArrayBuffer", n + ".data");
  }
  InputMatrix m;
  m.type = type;
  m.rows = read_int(obj, "rows", (n + ".rows").c_str());
  m.cols = read_int(obj, "cols", (n + ".cols").c_str());
  if (m.rows < 1 || m.cols < 1) {
    throw_invalid(env, "Expected a positive shape for " + n + " but received " + std::to_string(m.rows) + " x " +
                           std::to_string(m.cols), n, ErrorCode::Shape);
  }
  const std::string layout = read_string(obj, "layout", (n + ".layout").c_str());
  if (layout == "row-major") {
    m.layout = Layout::RowMajor;
  } else if (layout == "col-major") {
    m.layout = Layout::ColMajor;
  } else {
    throw_invalid(env, "Expected 'row-major' or 'col-major' for " + n + ".layout but received \"" + layout + "\"", n + ".layout");
  }
  const std::size_t length = array.ElementLength();
  if (static_cast<double>(m.rows) * static_cast<double>(m.cols) != static_cast<double>(length)) {
    throw_invalid(env, "Expected " + n + ".data.length = rows * cols = " + std::to_string(m.rows * m.cols) +
                           " but received " + std::to_string(length), n + ".data", ErrorCode::Shape);
  }
  // napi_get_typedarray_info already offsets the pointer by byteOffset.
  m.data = static_cast<const std::uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
  m.keep_alive = Napi::Persistent(array);
  return m;
}

bool is_csr(const Napi::Value& value) {
  if (!value.IsObject()) return false;
  const Napi::Value format = value.As<Napi::Object>().Get("format");
  return format.IsString() && format.As<Napi::String>().Utf8Value() == "csr";
}

namespace {

Napi::TypedArray read_array(const Napi::Object& obj, const char* key, const std::string& name,
                            std::initializer_list<napi_typedarray_type> types, const char* expected) {
  Napi::Env env = obj.Env();
  const Napi::Value v = obj.Get(key);
  const std::string arg = name + "." + key;
  if (!v.IsTypedArray()) throw_invalid(env, "Expected " + std::string(expected) + " for " + arg + " but received " + describe(v), arg);
  const Napi::TypedArray array = v.As<Napi::TypedArray>();
  bool ok = false;
  for (auto t : types) ok = ok || array.TypedArrayType() == t;
  if (!ok) throw_invalid(env, "Expected " + std::string(expected) + " for " + arg + " but received another TypedArray", arg);
  if (array.ArrayBuffer().IsDetached()) {
    throw_invalid(env, "Expected an attached buffer for " + arg + " but received a detached ArrayBuffer", arg);
  }
  return array;
}

const void* data_of(const Napi::TypedArray& array) {
  return static_cast<const std::uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
}

}  // namespace

InputCsr read_csr(const Napi::Value& value, const char* name) {
  Napi::Env env = value.Env();
  const std::string n(name);
  const Napi::Object obj = value.As<Napi::Object>();
  InputCsr m;
  m.rows = read_int(obj, "rows", (n + ".rows").c_str());
  m.cols = read_int(obj, "cols", (n + ".cols").c_str());
  if (m.rows < 1 || m.cols < 1 || m.rows > 2147483647 || m.cols > 2147483647) {
    throw_invalid(env, "Expected a shape in [1, 2^31) x [1, 2^31) for " + n + " but received " + std::to_string(m.rows) +
                           " x " + std::to_string(m.cols), n, ErrorCode::Shape);
  }
  const Napi::TypedArray indptr = read_array(obj, "indptr", n, {napi_int32_array}, "an Int32Array");
  const Napi::TypedArray indices = read_array(obj, "indices", n, {napi_int32_array}, "an Int32Array");
  const Napi::TypedArray values = read_array(obj, "values", n, {napi_float64_array, napi_float32_array}, "a Float64Array or Float32Array");
  if (indptr.ElementLength() != static_cast<std::size_t>(m.rows) + 1) {
    throw_invalid(env, "Expected " + n + ".indptr.length = rows + 1 = " + std::to_string(m.rows + 1) + " but received " +
                           std::to_string(indptr.ElementLength()), n + ".indptr", ErrorCode::Shape);
  }
  const auto* indptr_data = static_cast<const std::int32_t*>(data_of(indptr));
  m.indptr_copy.assign(indptr_data, indptr_data + m.rows + 1);
  m.indptr = m.indptr_copy.data();
  const std::int64_t nnz = m.indptr[m.rows];
  if (nnz < 0 || indices.ElementLength() != static_cast<std::size_t>(nnz) || values.ElementLength() != static_cast<std::size_t>(nnz)) {
    throw_invalid(env, "Expected " + n + ".indices.length = " + n + ".values.length = indptr[rows] = " + std::to_string(nnz) +
                           " but received " + std::to_string(indices.ElementLength()) + " and " +
                           std::to_string(values.ElementLength()), n + ".indices", ErrorCode::Shape);
  }
  m.type = values.TypedArrayType();
  const auto* indices_data = static_cast<const std::int32_t*>(data_of(indices));
  m.indices_copy.assign(indices_data, indices_data + nnz);
  m.indices = m.indices_copy.data();
  m.values = data_of(values);
  m.keep_values = Napi::Persistent(values);
  return m;
}

double read_double(const Napi::Object& options, const char* key, const char* name) {
  const Napi::Value v = options.Get(key);
  if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue())) {
    throw_invalid(options.Env(), std::string("Expected a finite number for ") + name + " but received " + describe(v), name);
  }
  return v.As<Napi::Number>().DoubleValue();
}

std::int64_t read_int(const Napi::Object& options, const char* key, const char* name) {
  const Napi::Value v = options.Get(key);
  const double max = 9007199254740991.0;
  if (!v.IsNumber()) throw_invalid(options.Env(), std::string("Expected an integer for ") + name + " but received " + describe(v), name);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d || std::abs(d) > max) {
    throw_invalid(options.Env(), std::string("Expected an integer for ") + name + " but received " + describe(v), name);
  }
  return static_cast<std::int64_t>(d);
}

std::string read_string(const Napi::Object& options, const char* key, const char* name) {
  const Napi::Value v = options.Get(key);
  if (!v.IsString()) throw_invalid(options.Env(), std::string("Expected a string for ") + name + " but received " + describe(v), name);
  return v.As<Napi::String>().Utf8Value();
}

std::uint64_t read_u64(const Napi::Object& options, const char* key, const char* name) {
  const Napi::Value v = options.Get(key);
  if (v.IsBigInt()) {
    bool lossless = false;
    const std::uint64_t value = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (lossless) return value;
  }
  throw_invalid(options.Env(), std::string("Expected a bigint in [0, 2^64) for ") + name + " but received " + describe(v), name);
}

bool read_bool(const Napi::Object& options, const char* key, const char* name, bool fallback) {
  const Napi::Value v = options.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsBoolean()) throw_invalid(options.Env(), std::string("Expected a boolean for ") + name + " but received " + describe(v), name);
  return v.As<Napi::Boolean>().Value();
}

Napi::Function AbortToken::define(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "AbortToken", {InstanceMethod<&AbortToken::abort>("abort")});
  addon_data(env).abort_token = Napi::Persistent(ctor);
  return ctor;
}

AbortToken::AbortToken(const Napi::CallbackInfo& info) : Napi::ObjectWrap<AbortToken>(info) {}

Napi::Value AbortToken::abort(const Napi::CallbackInfo& info) {
  flag_->store(true);
  return info.Env().Undefined();
}

std::shared_ptr<std::atomic<bool>> AbortToken::from_options(const Napi::Object& options) {
  const Napi::Value v = options.Get("abortToken");
  if (v.IsUndefined() || v.IsNull()) return nullptr;
  const Napi::FunctionReference& ctor = addon_data(options.Env()).abort_token;
  if (!v.IsObject() || ctor.IsEmpty() || !v.As<Napi::Object>().InstanceOf(ctor.Value())) {
    throw_invalid(options.Env(), "Expected an AbortToken for options.abortToken but received " + describe(v), "options.abortToken");
  }
  return Napi::ObjectWrap<AbortToken>::Unwrap(v.As<Napi::Object>())->flag();
}

Napi::TypedArray to_typed_array(Napi::Env env, const float* data, std::size_t n) {
  Napi::Float32Array out = Napi::Float32Array::New(env, n);
  if (n) std::memcpy(out.Data(), data, n * sizeof(float));
  return out;
}

Napi::TypedArray to_typed_array(Napi::Env env, const double* data, std::size_t n) {
  Napi::Float64Array out = Napi::Float64Array::New(env, n);
  if (n) std::memcpy(out.Data(), data, n * sizeof(double));
  return out;
}

Napi::Object to_js_matrix(Napi::Env env, Napi::TypedArray data, std::int64_t rows, std::int64_t cols) {
  Napi::Object m = Napi::Object::New(env);
  m.Set("data", data);
  m.Set("rows", Napi::Number::New(env, static_cast<double>(rows)));
  m.Set("cols", Napi::Number::New(env, static_cast<double>(cols)));
  m.Set("layout", Napi::String::New(env, "row-major"));
  return m;
}

}  // namespace randla::bindings
