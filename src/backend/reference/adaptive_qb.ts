// Fixed-accuracy QB: Yu, Gu, Li, "Efficient randomized algorithms for the fixed-precision low-rank
// matrix approximation", SIMAX 39(3), 2018, Algorithm 2 (randQB_EI), with the normalizer of
// docs/algorithms/rsvd.md between power iterations. Twin of native adaptive_qb.cpp.

import type { Normalizer } from '../../types.js';
import type { DenseKernels } from '../types.js';
import { multiply, multiplyTransposed } from './dense.js';
import type { Operator } from './operators.js';
import { settle, type PassCounter, type Steps } from './passes.js';
import { STREAM_RANGE_FINDER } from './philox.js';
import { sketchProduct, testMatrixBlock, type SketchOptions } from './range_finder.js';
import type { TestMatrixSpec } from './sketch.js';

export interface AdaptiveQbOptions extends SketchOptions {
  /** Target ‖A − QB‖_F / ‖A‖_F, in (0, 1). */
  tol: number;
  /** b: columns added per block. */
  blockSize: number;
  /** Cap on the columns of Q, 1 <= maxRank <= min(rows, cols). */
  maxRank: number;
  powerIters: number;
  normalizer: Normalizer;
}

export interface AdaptiveQbFactors {
  /** m × K, orthonormal columns, column-major. */
  Q: Float64Array;
  /** n × K, Bᵀ = AᵀQ, column-major. */
  Bt: Float64Array;
  /** K: columns of Q. */
  size: number;
  /** ‖A‖²_F (one pass). */
  normSquared: number;
  /** E = ‖A‖²_F − ‖B‖²_F at the stop: ‖A − QB‖²_F, without touching A again. */
  residualSquared: number;
  /** E <= tol²·‖A‖²_F within maxRank. */
  converged: boolean;
}

/** Y −= Q·(Bᵀ)ᵀ·X for Q (m × K), Bᵀ (n × K), X (n × b): removes what QB already explains of A·X. */
function subtractQb(Y: Float64Array, Q: Float64Array, Bt: Float64Array, m: number, n: number, K: number, X: Float64Array, b: number): void {
  if (K === 0) return;
  const QBX = multiply(Q, m, K, multiplyTransposed(Bt, n, K, X, b), b);
  for (let t = 0; t < Y.length; t++) Y[t]! -= QBX[t]!;
}

/** Y −= Q·(Qᵀ·Y) for Q (m × K): the component of Y in range(Q). */
function subtractProjection(Y: Float64Array, Q: Float64Array, m: number, K: number, b: number): void {
  if (K === 0) return;
  const QQY = multiply(Q, m, K, multiplyTransposed(Q, m, K, Y, b), b);
  for (let t = 0; t < Y.length; t++) Y[t]! -= QQY[t]!;
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * randQB_EI: grows Q and Bᵀ by blocks of b columns until the indicator E = ‖A‖²_F − ‖B‖²_F is at
 * most tol²·‖A‖²_F, or K reaches maxRank. Passes: 1 (‖A‖_F) + (2q + 2) per block. Progress
 * totals, as the native core's: at the start the most that can run (⌈maxRank / b⌉ blocks) on
 * top of what the caller already plans after this stage; trimmed before the last block's last
 * report, so that report's total is what ran (plus the caller's plan).
 */
export function* adaptiveQb(A: Operator, o: AdaptiveQbOptions, kernels: DenseKernels, passes: PassCounter): Steps<AdaptiveQbFactors> {
  const m = A.rows;
  const n = A.cols;
  const q = o.powerIters;
  const plannedAfter = Math.max(0, passes.total - passes.done);
  passes.setTotal(passes.done + 1 + (2 * q + 2) * Math.ceil(o.maxRank / o.blockSize) + plannedAfter);

  const normSquared = yield* settle(A.frobeniusSquared());
  yield* passes.pass();
  const target = o.tol * o.tol * normSquared;

  let Q: Float64Array = new Float64Array(0);
  let Bt: Float64Array = new Float64Array(0);
  let K = 0;
  let E = normSquared;
  let converged = false;
  for (let t = 0; K < o.maxRank; t++) {
    const b = Math.min(o.blockSize, o.maxRank - K);
    // Block t draws an independent matrix of stream 0 (docs/rng.md: the block above the stream).
    const spec: TestMatrixSpec = { kind: o.sketch, seed: o.seed, stream: STREAM_RANGE_FINDER, rows: n, cols: b, nnz: o.sparseNnz, block: t };
    const omega = testMatrixBlock(spec, o.roundSketch);
    let Y = yield* sketchProduct(A, spec, o.roundSketch, omega);
    subtractQb(Y, Q, Bt, m, n, K, omega, b);
    yield* passes.pass();
    for (let it = 0; it < q; it++) {
      const Yn = kernels.normalize(Y, m, b, o.normalizer);
      let Z = yield* settle(A.apply(true, Yn, b));
      // Z = AᵀY − Bᵀ(QᵀY): (A − QB)ᵀY.
      if (K > 0) {
        const BtQY = multiply(Bt, n, K, multiplyTransposed(Q, m, K, Yn, b), b);
        for (let s = 0; s < Z.length; s++) Z[s]! -= BtQY[s]!;
      }
      yield* passes.pass();
      Z = kernels.normalize(Z, n, b, o.normalizer);
      Y = yield* settle(A.apply(false, Z, b));
      subtractQb(Y, Q, Bt, m, n, K, Z, b);
      yield* passes.pass();
    }
    // Q_t = qr(Y), then once more against Q (Alg. 2, line 10): the subtractions above lose
    // orthogonality to Q when the sample is mostly in range(Q). Both QRs run for every block,
    // the first too, as in the native core.
    const Qt = kernels.normalize(Y, m, b, 'qr');
    subtractProjection(Qt, Q, m, K, b);
    const Qtt = kernels.normalize(Qt, m, b, 'qr');
    const Btt = yield* settle(A.apply(true, Qtt, b));
    Q = concat(Q, Qtt);
    Bt = concat(Bt, Btt);
    K += b;
    let block2 = 0;
    for (let s = 0; s < Btt.length; s++) block2 += Btt[s]! * Btt[s]!;
    E -= block2;
    converged = E <= target;
    if (converged || K >= o.maxRank) passes.setTotal(passes.done + 1 + plannedAfter);
    yield* passes.pass();
    if (converged) break;
  }
  // E is a difference of two sums: rounding can leave it slightly negative; a norm is not.
  return { Q, Bt, size: K, normSquared, residualSquared: Math.max(0, E), converged };
}
