// Randomized range finder and QB: Halko, Martinsson, Tropp, SIAM Review 2011, Algorithm 4.3 (power
// iterations) and 4.4 (subspace iteration, re-normalising between products); the normalizer is a
// choice (normalize.ts). docs/algorithms/rsvd.md fixes the passes; twin of native range_finder.cpp.

import type { Normalizer, SketchKind } from '../../types.js';
import type { DenseKernels } from '../types.js';
import type { Operator } from './operators.js';
import { settle, type PassCounter, type Steps } from './passes.js';
import { STREAM_RANGE_FINDER } from './philox.js';
import { sketchSrht, testMatrixOf, type TestMatrixSpec } from './sketch.js';

/** What the range finder draws its test matrices with (docs/rng.md). */
export interface SketchOptions {
  sketch: SketchKind;
  sparseNnz: number;
  seed: bigint;
  /** Round Ω to f32 first: for f32 input the native backend sketches with f32 numbers. */
  roundSketch: boolean;
}

/** The test matrix of `spec` as a column-major block, rounded to f32 when asked. */
export function testMatrixBlock(spec: TestMatrixSpec, roundSketch: boolean): Float64Array {
  const omega = testMatrixOf(spec);
  if (roundSketch) for (let t = 0; t < omega.length; t++) omega[t] = Math.fround(omega[t]!);
  return omega;
}

/**
 * A·Ω for the test matrix of `spec` (one pass, not reported here): for a dense A and the SRHT by
 * fast Walsh–Hadamard transforms of A's rows (Ω never formed), else as a product with Ω, which
 * the caller may pass when it needs Ω itself too.
 */
export function* sketchProduct(A: Operator, spec: TestMatrixSpec, roundSketch: boolean, omega?: Float64Array): Steps<Float64Array> {
  if (spec.kind === 'srht' && A.dense) return sketchSrht(A.dense.matrix, A.dense.transposed, spec);
  return yield* settle(A.apply(false, omega ?? testMatrixBlock(spec, roundSketch), spec.cols));
}

export interface QbOptions extends SketchOptions {
  /** l: columns of the basis, 1 <= l <= min(rows, cols). */
  size: number;
  powerIters: number;
  normalizer: Normalizer;
}

/** A ≈ Q·B: Q (m × l) orthonormal, Bᵀ = AᵀQ (n × l), both column-major. */
export interface QbFactors {
  Q: Float64Array;
  Bt: Float64Array;
}

/**
 * Q from the range finder (2q + 1 passes) and Bᵀ = AᵀQ (the last pass), each pass reported.
 * Ω is the n × l test matrix of stream 0.
 */
export function* qb(A: Operator, o: QbOptions, kernels: DenseKernels, passes: PassCounter): Steps<QbFactors> {
  const m = A.rows;
  const n = A.cols;
  const l = o.size;
  const spec: TestMatrixSpec = { kind: o.sketch, seed: o.seed, stream: STREAM_RANGE_FINDER, rows: n, cols: l, nnz: o.sparseNnz };

  let Y = yield* sketchProduct(A, spec, o.roundSketch);
  yield* passes.pass();
  for (let it = 0; it < o.powerIters; it++) {
    let Z = yield* settle(A.apply(true, kernels.normalize(Y, m, l, o.normalizer), l));
    yield* passes.pass();
    Z = kernels.normalize(Z, n, l, o.normalizer);
    Y = yield* settle(A.apply(false, Z, l));
    yield* passes.pass();
  }
  // the basis: CholeskyQR2 with its Householder fallbacks, as range_finder.cpp (docs/algorithms/rsvd.md step 5)
  const Q = kernels.normalize(Y, m, l, 'cholqr2');
  // Bᵀ = AᵀQ rather than B = QᵀA: the product the operator has, and the tall block the SVD takes.
  const Bt = yield* settle(A.apply(true, Q, l));
  yield* passes.pass();
  return { Q, Bt };
}
