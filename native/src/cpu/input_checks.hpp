// The one wording of a non-finite input entry, shared by every operator's expect_finite().
#pragma once

#include <cmath>
#include <cstdint>
#include <sstream>

#include "randla/error.hpp"

namespace randla::detail {

[[noreturn]] inline void throw_not_finite(const char* argument, double value, std::int64_t row, std::int64_t col) {
  std::ostringstream msg;
  msg << "Expected finite values for " << argument << " but received "
      << (std::isnan(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity") << " at (" << row << ", " << col << ")";
  throw Error(ErrorCode::NotFinite, msg.str(), argument);
}

}  // namespace randla::detail
