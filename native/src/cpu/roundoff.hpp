// The unit roundoff of float64, u = 2^−53 (Higham, "Accuracy and Stability of Numerical
// Algorithms", §2.1): the Nyström cores' and RPCholesky's default tolerances scale with it, the
// same on the CPU and the GPU.
#pragma once

namespace randla {

inline constexpr double kUnitRoundoff = 0x1p-53;

}  // namespace randla
