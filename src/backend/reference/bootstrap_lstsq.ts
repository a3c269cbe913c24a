// Sketched least squares and the bootstrap of its error: Lopes, Wang & Mahoney, "Error estimation
// for randomized least-squares algorithms via the bootstrap", ICML 2018 (Algorithm 1, the
// sketch-and-solve case); the draws and the sketch of [A | b] are docs/algorithms/bootstrap.md.

import { ErrorCode, invalid, RandlaError } from '../../errors.js';
import { toMatrix } from '../../matrix.js';
import type { Matrix, Progress } from '../../types.js';
import { expectFinite, expectInteger, expectOneOf, expectSeed, isFloatArray } from '../../validate.js';
import { extrapolateError, MAX_REPLICATES, MAX_SKETCH_ROWS, nearestRankQuantile, rowsForTolerance, triangularFactor } from './bootstrap_svd.js';
import { resampleIndices, rowSketch, type RowSketchKind } from './row_sketch.js';
import { runSteps, type Steps } from './steps.js';

export interface SketchedLstsqOptions {
  sketchRows: number;
  sketch?: RowSketchKind;
  seed?: number | bigint;
  checkFinite?: boolean;
}

export interface BootstrapLstsqOptions extends SketchedLstsqOptions {
  replicates?: number;
  alpha?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface SketchedLstsqResult {
  /** x̃ = argmin ‖S·A·x − S·b‖₂. */
  x: Float64Array;
  sketchRows: number;
  seed: bigint;
}

export interface BootstrapLstsqResult extends SketchedLstsqResult {
  /** (1 − α) quantile of ‖x*_b − x̃‖₂: estimates ‖x̃ − x_exact‖₂. */
  error: number;
  /** error / ‖x̃‖₂. */
  relativeError: number;
  /** ‖x*_b − x̃‖₂ per replicate (+Infinity for a resample whose S·A lost full column rank). */
  replicateErrors: Float64Array;
  extrapolate(rows: number): { error: number; relativeError: number };
  rowsFor(tolerance: number): number;
}

/**
 * The solution of min ‖Y[:, :n]·x − Y[:, n]‖₂ for the column-major t × (n + 1) block Y = [S·A | S·b]
 * by Householder QR of S·A (t ≥ n); `undefined` when R is numerically singular: a diagonal entry
 * at most max(t, n)·eps·max|R_jj| (numpy.linalg.lstsq's default rcond, applied to R's diagonal).
 */
function solveSketched(Y: Float64Array, t: number, n: number): Float64Array | undefined {
  const R = triangularFactor(Y, t, n + 1, n); // n × (n + 1): R | Qᵀ·S·b
  let largest = 0;
  for (let j = 0; j < n; j++) largest = Math.max(largest, Math.abs(R[j + j * n]!));
  const floor = Math.max(t, n) * Number.EPSILON * largest;
  const x = new Float64Array(n);
  for (let j = n - 1; j >= 0; j--) {
    const d = R[j + j * n]!;
    if (!(Math.abs(d) > floor)) return undefined;
    let s = R[j + n * n]!;
    for (let c = j + 1; c < n; c++) s -= R[j + c * n]! * x[c]!;
    x[j] = s / d;
  }
  return x;
}

interface Prepared {
  Y: Float64Array;
  t: number;
  n: number;
  seed: bigint;
  x: Float64Array;
}

function prepare(Ain: unknown, bin: unknown, options: SketchedLstsqOptions): Prepared {
  if (options === null || typeof options !== 'object') throw invalid('options', 'an options object', options);
  const A = toMatrix(Ain, 'A');
  if (!isFloatArray(bin)) throw invalid('b', 'a Float64Array or Float32Array', bin);
  const b = bin;
  if (b.length !== A.rows) {
    throw new RandlaError(ErrorCode.SHAPE, `Expected b.length = A.rows = ${A.rows} but received ${b.length}`, { argument: 'b' });
  }
  const m = A.rows;
  const n = A.cols;
  // [A | b], row-major m × (n + 1): the energy sketch uses the row norms of the augmented matrix.
  const aug = new Float64Array(m * (n + 1));
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) aug[i * (n + 1) + j] = A.data[A.layout === 'row-major' ? i * n + j : i + j * m]!;
    aug[i * (n + 1) + n] = b[i]!;
  }
  const augmented: Matrix<Float64Array> = { data: aug, rows: m, cols: n + 1, layout: 'row-major' };
  if (options.checkFinite !== false) {
    expectFinite(A, 'A');
    expectFinite({ data: b, rows: m, cols: 1, layout: 'col-major' }, 'b');
  }
  const sketch = expectOneOf<RowSketchKind>(options.sketch ?? 'uniform', 'options.sketch', ['uniform', 'energy', 'gaussian']);
  const t = expectInteger(options.sketchRows, 'options.sketchRows', n, MAX_SKETCH_ROWS);
  const seed = options.seed === undefined ? BigInt(Math.floor(Math.random() * 2 ** 53)) : expectSeed(options.seed, 'options.seed');
  const Y = rowSketch(augmented, t, sketch, seed);
  const x = solveSketched(Y, t, n);
  if (x === undefined) {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected S·A of full column rank ${n} for A but received a rank-deficient sketch (t = ${t})`, {
      argument: 'A',
    });
  }
  return { Y, t, n, seed, x };
}

/**
 * Sketch-and-solve least squares: x̃ = argmin ‖S·A·x − S·b‖₂ with S a t-row sketch of [A | b].
 *
 * @example
 * const A = { data: new Float64Array(400).map((_, i) => Math.cos(i * i)), rows: 200, cols: 2, layout: 'row-major' as const };
 * const b = new Float64Array(200).map((_, i) => 3 * A.data[2 * i] - A.data[2 * i + 1]);
 * referenceSketchedLstsq(A, b, { sketchRows: 20, seed: 1 }).x; // ≈ [3, -1]: a consistent system
 */
export function referenceSketchedLstsq(A: unknown, b: unknown, options: SketchedLstsqOptions): SketchedLstsqResult {
  const p = prepare(A, b, options);
  return { x: p.x, sketchRows: p.t, seed: p.seed };
}

/**
 * Bootstrap estimate of ‖x̃ − x_exact‖₂ (Lopes, Wang & Mahoney 2018): each replicate re-solves on
 * the resampled rows of [S·A | S·b] (stream 10, block b). A replicate whose resample loses full
 * column rank counts as an infinite error, so the estimate errs on the safe side.
 *
 * @example
 * const A = { data: new Float64Array(400).map((_, i) => Math.cos(i * i)), rows: 200, cols: 2, layout: 'row-major' as const };
 * const b = new Float64Array(200).map((_, i) => Math.sin(i));
 * referenceBootstrapLstsqError(A, b, { sketchRows: 40, replicates: 20, seed: 1 }).error; // ≈ ‖x̃ − x‖₂
 */
export function referenceBootstrapLstsqError(A: unknown, b: unknown, options: BootstrapLstsqOptions): BootstrapLstsqResult {
  return runSteps(bootstrapLstsqSteps(A, b, options));
}

/** {@link referenceBootstrapLstsqError} as steps: one per replicate. */
export function* bootstrapLstsqSteps(A: unknown, b: unknown, options: BootstrapLstsqOptions): Steps<BootstrapLstsqResult> {
  const p = prepare(A, b, options);
  const B = expectInteger(options.replicates ?? 50, 'options.replicates', 2, MAX_REPLICATES);
  const alpha = options.alpha ?? 0.1;
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) throw invalid('options.alpha', 'a number in (0, 1)', alpha);
  const { Y, t, n, x } = p;
  const cols = n + 1;
  const errors = new Float64Array(B);
  const Ystar = new Float64Array(t * cols);
  for (let r = 0; r < B; r++) {
    if (options.signal?.aborted) throw new RandlaError(ErrorCode.ABORTED, 'The operation was aborted', { cause: options.signal.reason });
    const idx = resampleIndices(t, r, p.seed);
    for (let j = 0; j < cols; j++) {
      const o = j * t;
      for (let q = 0; q < t; q++) Ystar[o + q] = Y[o + idx[q]!]!;
    }
    const xs = solveSketched(Ystar, t, n);
    if (xs === undefined) errors[r] = Infinity;
    else {
      let s = 0;
      for (let j = 0; j < n; j++) s += (xs[j]! - x[j]!) ** 2;
      errors[r] = Math.sqrt(s);
    }
    options.onProgress?.({ pass: r + 1, totalPasses: B });
    yield;
  }
  let norm = 0;
  for (let j = 0; j < n; j++) norm += x[j]! * x[j]!;
  const error = nearestRankQuantile(errors, alpha);
  const relativeError = error / Math.sqrt(norm);
  return {
    x,
    sketchRows: t,
    seed: p.seed,
    error,
    relativeError,
    replicateErrors: errors,
    extrapolate(rows: number) {
      const rr = expectInteger(rows, 'rows', 1);
      return { error: extrapolateError(error, t, rr), relativeError: extrapolateError(relativeError, t, rr) };
    },
    rowsFor(tolerance: number) {
      return rowsForTolerance(error, t, n, tolerance);
    },
  };
}
