// Dynamic Mode Decomposition on the reference backend: the driver of docs/algorithms/dmd.md
// (preprocessing → variant → normalised, ordered eigenpairs → modes → amplitudes → residuals). The
// papers are named in each variant's file: Tu et al. 2014 (exact), Dawson et al. 2016 (fb), Hemati et
// al. 2017 (tls), Erichson et al. 2019 (randomized), Le Clainche & Vega 2017 (delays), Jovanović et al. 2014.

import { ErrorCode, invalid, RandlaError } from '../../errors.js';
import type { ComplexMatrix, Matrix } from '../../types.js';
import { expectFinite, expectInteger, expectOneOf } from '../../validate.js';
import type { DmdOutput, DmdRequest, DmdVariant } from '../types.js';
import { ccolumns, cmul, isComplexMatrix, toCMat, toComplexMatrix, type CMat } from './complex.js';
import { firstAmplitudes, optimalAmplitudes } from './dmd_amplitudes.js';
import { dropBlockLastRows, hankel, liftBlocks, projectSnapshots, type SnapshotProjection } from './dmd_delays.js';
import { eigenOrder, exactDmd, normaliseEigenvectors, normaliseModePhases, ritzResiduals, type DmdFit, type DmdPairs } from './dmd_exact.js';
import { fbDmd } from './dmd_fb.js';
import { randomizedDmd } from './dmd_randomized.js';
import { tlsDmd } from './dmd_tls.js';

const VARIANTS: readonly DmdVariant[] = ['exact', 'projected', 'fb', 'tls', 'randomized'];

/** −1, 0, a number in (0, 1) or an integer ≥ 1 (`integerOnly`: an integer ≥ 1). */
function expectRank(value: unknown, argument: string, integerOnly: boolean): number {
  const ok =
    typeof value === 'number' &&
    (integerOnly
      ? Number.isInteger(value) && value >= 1
      : value === -1 || value === 0 || (value > 0 && value < 1) || (Number.isInteger(value) && value >= 1));
  if (!ok) throw invalid(argument, integerOnly ? 'an integer >= 1' : '-1, 0, a number in (0, 1) or an integer >= 1', value);
  return value;
}

function shapeOf(X: Matrix | ComplexMatrix): [number, number] {
  return isComplexMatrix(X) ? [X.re.rows, X.re.cols] : [X.rows, X.cols];
}

function checkFinite(X: Matrix | ComplexMatrix, argument: string): void {
  if (isComplexMatrix(X)) {
    expectFinite(X.re, argument);
    expectFinite(X.im, argument);
  } else {
    expectFinite(X, argument);
  }
}

/**
 * The contract's "Errors" (docs/algorithms/dmd.md), each naming its argument. The facade checks the
 * types of the fields first; these are the checks that need the shapes and the preprocessing.
 */
export function validateDmdRequest(request: DmdRequest, options: { checkFinite?: boolean } = {}): void {
  const { X, Y } = request;
  const [n, m] = shapeOf(X);
  if (isComplexMatrix(X) && (X.im.rows !== n || X.im.cols !== m)) {
    throw new RandlaError(ErrorCode.SHAPE, `Expected X.im of shape ${n} x ${m} (as X.re) but received ${X.im.rows} x ${X.im.cols}`, { argument: 'X.im' });
  }
  const minSnapshots = request.increments ? 3 : 2;
  if (m < minSnapshots) {
    throw new RandlaError(
      ErrorCode.SHAPE,
      `Expected X with at least ${minSnapshots} snapshots (columns)${request.increments ? ' with increments' : ''} but received ${n} x ${m}`,
      { argument: 'X' },
    );
  }
  expectOneOf(request.variant, 'options.variant', VARIANTS);
  expectOneOf(request.amplitudes, 'options.amplitudes', ['first', 'optimal'] as const);
  expectOneOf(request.threshold, 'options.threshold', ['exact', 'cubic'] as const);
  if (!(typeof request.dt === 'number' && Number.isFinite(request.dt) && request.dt > 0)) {
    throw invalid('options.dt', 'a finite number > 0', request.dt);
  }
  if (request.increments && request.affine) {
    throw invalid('options.increments', 'not both options.increments and options.affine (the differences already cancel the constant)', request.increments);
  }
  if (Y !== undefined) {
    const [yn, ym] = shapeOf(Y);
    if (isComplexMatrix(Y) !== isComplexMatrix(X) || yn !== n || ym !== m || (isComplexMatrix(Y) && (Y.im.rows !== n || Y.im.cols !== m))) {
      throw new RandlaError(
        ErrorCode.SHAPE,
        `Expected options.Y as X (${isComplexMatrix(X) ? 'complex' : 'real'} ${n} x ${m}) but received ${isComplexMatrix(Y) ? 'complex' : 'real'} ${yn} x ${ym}`,
        { argument: 'options.Y' },
      );
    }
    if (request.increments) throw invalid('options.Y', 'no explicit pairs with increments: true', 'a matrix');
    if (request.delays !== 1) throw invalid('options.Y', `no explicit pairs with delays = ${request.delays}`, 'a matrix');
  }
  const preprocessed = request.increments ? m - 1 : m;
  expectInteger(request.delays, 'options.delays', 1, preprocessed - 1);
  const randomized = request.variant === 'randomized';
  expectRank(request.rank, 'options.rank', randomized);
  if (request.projectRank !== undefined) expectRank(request.projectRank, 'options.projectRank', false);
  if (request.tlsRank !== undefined) expectRank(request.tlsRank, 'options.tlsRank', true);
  if (randomized && isComplexMatrix(X)) {
    throw invalid('options.variant', "'exact', 'projected', 'fb' or 'tls' for complex X (randomized DMD takes real input)", request.variant);
  }
  if (randomized && Y !== undefined) {
    throw invalid('options.Y', "no explicit pairs with variant 'randomized' (its QB is of the snapshot sequence)", 'a matrix');
  }
  // The facade skips this for the native backend, whose core checks while it copies X.
  if (options.checkFinite === false) return;
  checkFinite(X, 'X');
  if (Y !== undefined) checkFinite(Y, 'options.Y');
}

/** D[:, k] = X[:, k + 1] − X[:, k]. */
function differences(X: CMat): CMat {
  const N = X.rows;
  const m = X.cols - 1;
  const D: CMat = { rows: N, cols: m, re: new Float64Array(N * m), im: new Float64Array(N * m) };
  for (let t = 0; t < N * m; t++) {
    D.re[t] = X.re[t + N]! - X.re[t]!;
    D.im[t] = X.im[t + N]! - X.im[t]!;
  }
  return D;
}

/** [X; 1ᵀ]. */
function appendOnes(X: CMat): CMat {
  const N = X.rows + 1;
  const m = X.cols;
  const A: CMat = { rows: N, cols: m, re: new Float64Array(N * m), im: new Float64Array(N * m) };
  for (let k = 0; k < m; k++) {
    A.re.set(X.re.subarray(k * X.rows, (k + 1) * X.rows), k * N);
    A.im.set(X.im.subarray(k * X.rows, (k + 1) * X.rows), k * N);
    A.re[k * N + N - 1] = 1;
  }
  return A;
}

function firstColumn(X: CMat): { re: Float64Array; im: Float64Array } {
  return { re: X.re.slice(0, X.rows), im: X.im.slice(0, X.rows) };
}

/** Columns of A in the order `order`. */
function permuteColumns(A: CMat, order: number[]): CMat {
  const B: CMat = { rows: A.rows, cols: A.cols, re: new Float64Array(A.re.length), im: new Float64Array(A.im.length) };
  order.forEach((src, dst) => {
    B.re.set(A.re.subarray(src * A.rows, (src + 1) * A.rows), dst * A.rows);
    B.im.set(A.im.subarray(src * A.rows, (src + 1) * A.rows), dst * A.rows);
  });
  return B;
}

/**
 * DMD of the request on the reference backend (docs/algorithms/dmd.md). Validates what the
 * contract's "Errors" list (every RandlaError names its argument), never mutates X or Y.
 *
 * @example
 * // x_{k+1} = 0.9·x_k in one dimension: λ = 0.9
 * const X = { data: new Float64Array([1, 0.9, 0.81, 0.729]), rows: 1, cols: 4, layout: 'row-major' as const };
 * referenceDmd({ X, dt: 1, variant: 'exact', rank: -1, threshold: 'exact', delays: 1, affine: false,
 *   increments: false, amplitudes: 'first', oversamples: 10, powerIters: 2, normalizer: 'qr', sketch: 'gaussian',
 *   seed: 0n }).eigs.re;
 * // ≈ Float64Array [0.9]
 */
export function referenceDmd(request: DmdRequest): DmdOutput {
  validateDmdRequest(request);
  // Three stages (preprocessing, variant, amplitudes), as the native driver reports them; an
  // aborted signal is honoured between stages.
  const stage = (pass: number) => {
    if (request.signal?.aborted) throw new RandlaError(ErrorCode.ABORTED, 'The operation was aborted', { cause: request.signal.reason });
    request.onProgress?.({ pass, totalPasses: 3 });
  };
  if (request.signal?.aborted) throw new RandlaError(ErrorCode.ABORTED, 'The operation was aborted', { cause: request.signal.reason });
  const isReal = !isComplexMatrix(request.X);
  let X = toCMat(request.X);
  let Y = request.Y ? toCMat(request.Y) : undefined;
  const d = request.delays;

  // Preprocessing, in the contract's order: increments, affine, delays (HODMD projection first).
  if (request.increments) X = differences(X);
  if (request.affine) {
    X = appendOnes(X);
    if (Y) Y = appendOnes(Y);
  }
  let projection: SnapshotProjection | undefined;
  if (d > 1) {
    if (request.projectRank !== undefined) {
      projection = projectSnapshots(X, { rank: request.projectRank, threshold: request.threshold });
      X = projection.reduced;
    }
    X = hankel(X, d);
  }

  stage(1);

  const m = X.cols;
  const pairs: DmdPairs = Y ? { X1: X, X2: Y, isReal } : { X1: ccolumns(X, 0, m - 1), X2: ccolumns(X, 1, m), isReal };
  const rule = { rank: request.rank, threshold: request.threshold };
  let fit: DmdFit;
  switch (request.variant) {
    case 'exact':
    case 'projected':
      fit = exactDmd(pairs, rule, request.variant);
      break;
    case 'fb':
      fit = fbDmd(pairs, rule);
      break;
    case 'tls':
      fit = tlsDmd(pairs, rule, request.tlsRank);
      break;
    case 'randomized':
      fit = randomizedDmd(X, { ...rule, oversamples: request.oversamples, powerIters: request.powerIters, normalizer: request.normalizer, sketch: request.sketch, seed: request.seed });
      break;
  }

  stage(2);

  normaliseEigenvectors(fit.W);
  const residuals = ritzResiduals(fit.G, fit.U, fit.W, fit.values);
  let modes = cmul(fit.basis, fit.W);
  // 'first': b = W⁻¹·(B⁺·x₀) in the basis' space (with HODMD the reduced one: U₀ is an isometry,
  // so the minimiser is that of the lifted modes against the projected data).
  const first = request.amplitudes === 'first' ? firstAmplitudes(fit.basis, fit.W, fit.x0 ?? firstColumn(X), modes) : undefined;
  if (fit.lift) modes = cmul(fit.lift, modes);
  const amplitudes = first ?? optimalAmplitudes(modes, X, fit.values);
  if (projection) modes = liftBlocks(modes, projection.basis, d);
  if (request.affine) modes = dropBlockLastRows(modes, d);
  // Last of all, the phase of each mode in the caller's space (independent of any SVD convention).
  normaliseModePhases(modes, amplitudes);

  const order = eigenOrder(fit.values);
  const r = order.length;
  const eigs = { re: new Float64Array(r), im: new Float64Array(r) };
  const b = { re: new Float64Array(r), im: new Float64Array(r) };
  const res = new Float64Array(r);
  order.forEach((src, dst) => {
    eigs.re[dst] = fit.values.re[src]!;
    eigs.im[dst] = fit.values.im[src]!;
    b.re[dst] = amplitudes.re[src]!;
    b.im[dst] = amplitudes.im[src]!;
    res[dst] = residuals[src]!;
  });
  stage(3);
  return {
    eigs,
    modes: toComplexMatrix(permuteColumns(modes, order)),
    amplitudes: b,
    singularValues: fit.singularValues,
    rank: fit.rank,
    residuals: res,
  };
}
