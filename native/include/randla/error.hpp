// Errors of the randla core and the RANDLA_EXPECTS precondition macro.
// Every public entry point states its preconditions so that no input reaches BLAS/LAPACK in a
// state that could crash the process: C++ callers bypass the TypeScript validation.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace randla {

// Stable codes; the bindings map each one to an `ERR_RANDLA_*` string in one place.
enum class ErrorCode {
  InvalidArgument,
  NotFinite,
  Shape,
  NotConverged,
  OutOfMemory,
  BackendUnavailable,
  Aborted,
  Cuda,
  Internal,
  NotSymmetric,
  NotPsd,
};

// The stable string of each code, as JavaScript sees it in `error.code`.
constexpr const char* error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::InvalidArgument: return "ERR_RANDLA_INVALID_ARGUMENT";
    case ErrorCode::NotFinite: return "ERR_RANDLA_NOT_FINITE";
    case ErrorCode::Shape: return "ERR_RANDLA_SHAPE";
    case ErrorCode::NotConverged: return "ERR_RANDLA_NOT_CONVERGED";
    case ErrorCode::OutOfMemory: return "ERR_RANDLA_OUT_OF_MEMORY";
    case ErrorCode::BackendUnavailable: return "ERR_RANDLA_BACKEND_UNAVAILABLE";
    case ErrorCode::Aborted: return "ERR_RANDLA_ABORTED";
    case ErrorCode::Cuda: return "ERR_RANDLA_CUDA";
    case ErrorCode::Internal: return "ERR_RANDLA_INTERNAL";
    case ErrorCode::NotSymmetric: return "ERR_RANDLA_NOT_SYMMETRIC";
    case ErrorCode::NotPsd: return "ERR_RANDLA_NOT_PSD";
  }
  return "ERR_RANDLA_INTERNAL";
}

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::string argument = {})
      : std::runtime_error(std::move(message)), code_(code), argument_(std::move(argument)) {}
  ErrorCode code() const noexcept { return code_; }
  // The argument at fault (e.g. "A", "rank"), empty when none applies.
  const std::string& argument() const noexcept { return argument_; }

 private:
  ErrorCode code_;
  std::string argument_;
};

namespace detail {

// Collects `<<` operands; `Raise = Message{} << ...` throws once the message is complete,
// so the macro reads as a statement and never throws from a destructor.
class Message {
 public:
  template <class V>
  Message& operator<<(const V& value) {
    stream_ << value;
    return *this;
  }
  std::string str() const { return stream_.str(); }

 private:
  std::ostringstream stream_;
};

struct Raise {
  ErrorCode code;
  const char* argument;
  [[noreturn]] void operator=(const Message& message) const {
    throw Error(code, message.str(), argument ? argument : "");
  }
};

}  // namespace detail
}  // namespace randla

// RANDLA_EXPECTS(cond, "argument") << "Expected ... for argument but received " << value;
#define RANDLA_EXPECTS_CODE(cond, code, argument) \
  if (cond) {                                       \
  } else                                            \
    ::randla::detail::Raise{(code), (argument)} = ::randla::detail::Message {}
#define RANDLA_EXPECTS(cond, argument) \
  RANDLA_EXPECTS_CODE(cond, ::randla::ErrorCode::InvalidArgument, argument)
