// A posteriori estimate of ‖A − U·diag(S)·Vᵀ‖₂ by the power method on the residual, as fbpca's
// diffsnorm (Tygert's fbpca, companion code of Halko, Martinsson, Tropp 2011); deviation: a block
// of min(8, n) start vectors instead of one. docs/algorithms/rsvd.md, "A posteriori error"; twin
// of native residual_norm.cpp.

import type { DenseKernels } from '../types.js';
import { multiply, multiplyTransposed } from './dense.js';
import type { Operator } from './operators.js';
import { settle, type PassCounter, type Steps } from './passes.js';
import { STREAM_ERROR_ESTIMATE } from './philox.js';
import { testMatrixBlock } from './range_finder.js';

/** Start vectors of the block power method. */
const BLOCK = 8;

export interface ResidualNormOptions {
  /** Power iterations, >= 1. */
  iters: number;
  seed: bigint;
  roundSketch: boolean;
}

/** Y −= F·diag(S)·(Gᵀ·X) for F (p × k), G (r × k), X (r × s): the rank-k part of a product. */
function subtractLowRank(Y: Float64Array, F: Float64Array, p: number, S: Float64Array, G: Float64Array, r: number, X: Float64Array, s: number): void {
  const k = S.length;
  const C = multiplyTransposed(G, r, k, X, s);
  for (let j = 0; j < s; j++) for (let i = 0; i < k; i++) C[i + j * k]! *= S[i]!;
  const FC = multiply(F, p, k, C, s);
  for (let t = 0; t < Y.length; t++) Y[t]! -= FC[t]!;
}

/**
 * σ_max(W) of the column-major p × s block W as √λ_max(WᵀW), by the kernels' SVD of the s × s
 * Gram matrix (as the native core): squaring costs accuracy only in the small singular values.
 */
function largestSingularValue(W: Float64Array, p: number, s: number, kernels: DenseKernels): number {
  const G = multiplyTransposed(W, p, s, W, s);
  return Math.sqrt(Math.max(0, kernels.svd(G, s, s).S[0]!));
}

/**
 * Estimate of ‖R‖₂, R = A − U·diag(S)·Vᵀ (U m × k, V n × k, column-major): X = qr(Ω_e) for the
 * n × min(8, n) Gaussian block of stream 1; then `iters` times W = RX, Z = RᵀW, σ = σ_max(W),
 * X ← qr(Z) but for the last time. σ is a lower bound on ‖R‖₂ that converges from below.
 * Each iteration is reported as `A.gramPasses` passes, once both products are done.
 */
export function* residualNorm(
  A: Operator,
  U: Float64Array,
  S: Float64Array,
  V: Float64Array,
  o: ResidualNormOptions,
  kernels: DenseKernels,
  passes: PassCounter,
): Steps<number> {
  const m = A.rows;
  const n = A.cols;
  const s = Math.min(BLOCK, n);
  const omega = testMatrixBlock({ kind: 'gaussian', seed: o.seed, stream: STREAM_ERROR_ESTIMATE, rows: n, cols: s }, o.roundSketch);
  let X = kernels.normalize(omega, n, s, 'qr');
  let sigma = 0;
  for (let it = 0; it < o.iters; it++) {
    const W = yield* settle(A.apply(false, X, s));
    subtractLowRank(W, U, m, S, V, n, X, s);
    const Z = yield* settle(A.apply(true, W, s));
    subtractLowRank(Z, V, n, S, U, m, W, s);
    yield* passes.pass(A.gramPasses);
    sigma = largestSingularValue(W, m, s, kernels);
    if (it < o.iters - 1) X = kernels.normalize(Z, n, s, 'qr');
  }
  return sigma;
}
