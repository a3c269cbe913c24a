// Bootstrap of the operator-norm error of a sketched Gram (covariance) matrix: Lopes, Erichson &
// Mahoney, "Bootstrapping the operator norm in high dimensions: error estimation for covariance
// matrices and sketching", Bernoulli 2023 (Algorithm 1, sketching form); docs/algorithms/bootstrap.md.

import { invalid, ErrorCode, RandlaError } from '../../errors.js';
import { toMatrix } from '../../matrix.js';
import type { Progress } from '../../types.js';
import { expectFinite, expectInteger, expectOneOf, expectSeed } from '../../validate.js';
import { extrapolateError, MAX_REPLICATES, MAX_SKETCH_ROWS, nearestRankQuantile, rowsForTolerance } from './bootstrap_svd.js';
import { multiplyTransposed, symmetricEigen } from './dense.js';
import { resampleIndices, rowSketch, type RowSketchKind } from './row_sketch.js';
import { runSteps, type Steps } from './steps.js';

export interface BootstrapCovarianceOptions {
  sketchRows: number;
  sketch?: RowSketchKind;
  replicates?: number;
  alpha?: number;
  seed?: number | bigint;
  checkFinite?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface BootstrapCovarianceResult {
  /** (1 − α) quantile of ‖Y*ᵀY* − Σ̃‖₂ over the replicates: estimates ‖Σ̃ − AᵀA‖₂. */
  error: number;
  /** error / ‖Σ̃‖₂. */
  relativeError: number;
  /** ‖Y*ᵀY* − Σ̃‖₂ of each replicate, in replicate order. */
  replicateErrors: Float64Array;
  sketchRows: number;
  seed: bigint;
  extrapolate(rows: number): { error: number; relativeError: number };
  rowsFor(tolerance: number): number;
}

/** The largest |eigenvalue| of the symmetric column-major n × n block D (symmetrized first). */
function symmetricNorm(D: Float64Array, n: number): number {
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < j; i++) {
      const v = 0.5 * (D[i + j * n]! + D[j + i * n]!);
      D[i + j * n] = v;
      D[j + i * n] = v;
    }
  }
  const { values } = symmetricEigen(D, n);
  return Math.max(Math.abs(values[0]!), Math.abs(values[n - 1]!));
}

/**
 * Bootstrap estimate of ‖Σ̃ − AᵀA‖₂ for Σ̃ = ỸᵀỸ, Ỹ = S·A of t rows, from the sketch alone: each
 * replicate resamples Ỹ's rows (stream 10, block b) and measures ‖Y*ᵀY* − Σ̃‖₂.
 *
 * @example
 * const A = { data: new Float64Array(3000).map((_, i) => Math.sin(i * i)), rows: 1000, cols: 3, layout: 'row-major' as const };
 * referenceBootstrapCovarianceError(A, { sketchRows: 100, replicates: 20, seed: 7 }).relativeError; // ≈ 0.1–0.3
 */
export function referenceBootstrapCovarianceError(Ain: unknown, options: BootstrapCovarianceOptions): BootstrapCovarianceResult {
  return runSteps(bootstrapCovarianceSteps(Ain, options));
}

/** {@link referenceBootstrapCovarianceError} as steps: one per replicate. */
export function* bootstrapCovarianceSteps(Ain: unknown, options: BootstrapCovarianceOptions): Steps<BootstrapCovarianceResult> {
  if (options === null || typeof options !== 'object') throw invalid('options', 'an options object', options);
  const A = toMatrix(Ain, 'A');
  if (options.checkFinite !== false) expectFinite(A, 'A');
  const sketch = expectOneOf<RowSketchKind>(options.sketch ?? 'uniform', 'options.sketch', ['uniform', 'energy', 'gaussian']);
  const t = expectInteger(options.sketchRows, 'options.sketchRows', 1, MAX_SKETCH_ROWS);
  const B = expectInteger(options.replicates ?? 50, 'options.replicates', 2, MAX_REPLICATES);
  const alpha = options.alpha ?? 0.1;
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) throw invalid('options.alpha', 'a number in (0, 1)', alpha);
  const seed = options.seed === undefined ? BigInt(Math.floor(Math.random() * 2 ** 53)) : expectSeed(options.seed, 'options.seed');
  const n = A.cols;

  const Y = rowSketch(A, t, sketch, seed);
  const gram = multiplyTransposed(Y, t, n, Y, n);
  const gramNorm = symmetricNorm(gram.slice(), n);
  const errors = new Float64Array(B);
  const Ystar = new Float64Array(t * n);
  for (let b = 0; b < B; b++) {
    if (options.signal?.aborted) throw new RandlaError(ErrorCode.ABORTED, 'The operation was aborted', { cause: options.signal.reason });
    const idx = resampleIndices(t, b, seed);
    for (let j = 0; j < n; j++) {
      const o = j * t;
      for (let q = 0; q < t; q++) Ystar[o + q] = Y[o + idx[q]!]!;
    }
    const D = multiplyTransposed(Ystar, t, n, Ystar, n);
    for (let e = 0; e < n * n; e++) D[e] = D[e]! - gram[e]!;
    errors[b] = symmetricNorm(D, n);
    options.onProgress?.({ pass: b + 1, totalPasses: B });
    yield;
  }
  const error = nearestRankQuantile(errors, alpha);
  const relativeError = error / gramNorm;
  return {
    error,
    relativeError,
    replicateErrors: errors,
    sketchRows: t,
    seed,
    extrapolate(rows: number) {
      const r = expectInteger(rows, 'rows', 1);
      return { error: extrapolateError(error, t, r), relativeError: extrapolateError(relativeError, t, r) };
    },
    rowsFor(tolerance: number) {
      return rowsForTolerance(error, t, 1, tolerance);
    },
  };
}
