// The one place where C++ test tolerances live; every bound derives from the dtype's epsilon.
#pragma once

#include <limits>
#include <type_traits>

namespace randla::test {

template <class T>
constexpr double eps() {
  return std::numeric_limits<T>::epsilon();
}

// Orthonormality ‖QᵀQ − I‖_max of an f64 basis of a few hundred rows: a few thousand ulps.
template <class T>
constexpr double orthonormality() {
  return 4096 * eps<T>();
}
// Relative Frobenius residual of an exactly low-rank matrix: the 1e-10 (f64) and
// 1e-4 (f32) budgets, derived as ~4.5e5 and ~840 epsilons.
template <class T>
constexpr double exact_low_rank_residual() {
  return std::is_same_v<T, double> ? 4.5e5 * eps<double>() : 840 * eps<float>();
}
// Singular values of an exactly low-rank matrix, relative.
template <class T>
constexpr double exact_low_rank_values() {
  return std::is_same_v<T, double> ? 4.5e5 * eps<double>() : 840 * eps<float>();
}

}  // namespace randla::test
