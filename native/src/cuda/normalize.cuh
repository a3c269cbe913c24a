// Re-normalisation of sample blocks on the device (the twin of src/cpu/normalize.cpp): Householder
// QR; LU with partial pivoting (P·L, as the CPU, scikit-learn and fbpca); CholeskyQR2 (Yamamoto,
// Nakatsukasa, Yanagisawa, Fukaya 2015) with the shifted CholeskyQR3 fallback of Fukaya et al.,
// SISC 2020, Alg. 4.2, and Householder QR as the last resort. docs/gpu.md lists the deviations.
#pragma once

#include "cuda/context.cuh"
#include "randla/rsvd.hpp"

namespace randla::cuda::detail {

// Y ← normalize(Y) in place (m x l, m >= l unless None); Auto must be resolved by the caller.
template <class T>
void normalize(const Context& context, DeviceBlock<T>& Y, Normalizer normalizer);

// Y ← the thin Q of its Householder QR (geqrf + orgqr).
template <class T>
void householder(const Context& context, DeviceBlock<T>& Y);

}  // namespace randla::cuda::detail
