// Bootstrap error estimation for sketched factorizations: Lopes, Erichson & Mahoney, ICML 2020
// (Algorithm 1, sketched SVD, with §3's extrapolation and an adaptive sketch size built on it);
// Lopes, Erichson & Mahoney, Bernoulli 2023 (covariance); Lopes, Wang & Mahoney, ICML 2018
// (Algorithm 1, least squares). The contract is docs/algorithms/bootstrap.md; this facade
// validates the options, resolves their defaults and picks a backend.
import { selectBackend, type BackendName } from './backend/index.js';
import { extrapolateError, MAX_REPLICATES, MAX_SKETCH_ROWS, rowsForTolerance } from './backend/reference/bootstrap_svd.js';
import type { Backend, ErrorMetric, RowSketch } from './backend/types.js';
import { ErrorCode, invalid, RandlaError } from './errors.js';
import { toMatrix, type MatrixInput } from './matrix.js';
import { randomSeed, rejectUnknownOptions } from './options.js';
import type { Matrix, Progress } from './types.js';
import { expectBoolean, expectInteger, expectObject, expectOneOf, expectSeed, isFloatArray } from './validate.js';

export type { ErrorMetric, RowSketch } from './backend/types.js';

/** Options every bootstrap call shares. */
interface CommonOptions {
  /** How the t sketch rows are formed (default 'uniform'): docs/algorithms/bootstrap.md, "Sketches". */
  sketch?: RowSketch;
  /** Omitted: a random 53-bit seed, returned in the result. */
  seed?: number | bigint;
  /** 'auto' (default): native when built, else reference. */
  backend?: BackendName;
  /** Checked between replicates (and between passes over A). */
  signal?: AbortSignal;
  /** Called as replicates finish: `pass` replicates of `totalPasses` (adaptive: summed over the steps so far). */
  onProgress?: (progress: Progress) => void;
}

interface BootstrapOptions {
  /** B ≥ 2 resamples of the sketch (default 50). */
  replicates?: number;
  /** The estimates are (1 − alpha) quantiles, 0 < alpha < 1 (default 0.1). */
  alpha?: number;
}

export interface SketchedSvdOptions extends CommonOptions, BootstrapOptions {
  /** k, singular triplets returned. */
  rank: number;
  /** t, rows of the sketch (k ≤ t); give either this or `tolerance`. */
  sketchRows?: number;
  /** Adaptive mode: grow the sketch until the bootstrap estimate of `metric` is ≤ tolerance. */
  tolerance?: number;
  /** Adaptive: the first sketch size (default min(maxRows, max(2k, 100))). */
  initialRows?: number;
  /** Adaptive: the estimate aimed at (default 'value'). */
  metric?: ErrorMetric;
  /** Adaptive: the largest sketch tried (default min(16·m, 2^31 − 1)). */
  maxRows?: number;
  /** Also Ũ = orth(A·Ṽ·Σ̃⁻¹): one more pass over A (default false). */
  leftVectors?: boolean;
}

export interface SketchedSvdResult {
  /** σ̃, k values, non-increasing (f64). */
  S: Float64Array;
  /** Ṽᵀ, k × n row-major f64; each row's first largest-|·| entry is positive. */
  Vt: Matrix<Float64Array>;
  /** Ũ, m × k row-major f64, with `leftVectors: true`. */
  U?: Matrix<Float64Array>;
  /** The sketch size used (adaptive: the last one tried). */
  sketchRows: number;
  /** Adaptive mode: one entry per sketch tried, with its bootstrap estimates. */
  path?: { rows: number; valueError: number; vectorError: number; leftVectorError: number }[];
  /** Adaptive mode: whether the last estimate met the tolerance (else the sketch reached maxRows). */
  converged?: boolean;
  seed: number | bigint;
  backend: string;
}

export interface BootstrapSvdOptions extends CommonOptions, BootstrapOptions {
  rank: number;
  sketchRows: number;
}

/** The four estimates, as measured or extrapolated to another sketch size. */
export interface SvdErrorEstimate {
  /** (1 − α) quantile of max_j |σ̃ⱼ − σⱼ| (absolute). */
  valueError: number;
  /** (1 − α) quantile of max_j of the sine of the angle between ṽⱼ and vⱼ. */
  vectorError: number;
  /** (1 − α) quantile of max_j of the distance of vⱼ from span(Ṽ). */
  subspaceError: number;
  /**
   * (1 − α) quantile of max_j of the sine of the angle between the left vectors ũⱼ ∝ A·ṽⱼ (what
   * `sketchedSvd(…, { leftVectors: true })` returns, re-orthonormalised) and uⱼ, estimated from
   * the sketch alone as in the paper: the angle between Y·ṽⱼ and Y·v*ⱼ.
   */
  leftVectorError: number;
}

export interface BootstrapSvdResult extends SvdErrorEstimate {
  S: Float64Array;
  Vt: Matrix<Float64Array>;
  /** Per-component quantiles of |σ̃ⱼ − σⱼ|, of the sin-angles and of the left sin-angles (k each). */
  perComponent: { value: Float64Array; vector: Float64Array; left: Float64Array };
  sketchRows: number;
  seed: number | bigint;
  backend: string;
  /** The estimates for a sketch of `rows` rows: each · √(sketchRows / rows). */
  extrapolate(rows: number): SvdErrorEstimate;
  /** The smallest sketch size ≥ rank whose extrapolated estimate of `metric` (default 'value') is ≤ tolerance. */
  rowsFor(tolerance: number, metric?: ErrorMetric): number;
}

export interface BootstrapCovarianceOptions extends CommonOptions, BootstrapOptions {
  sketchRows: number;
}

export interface BootstrapCovarianceResult {
  /** (1 − α) quantile estimate of ‖ỸᵀỸ − AᵀA‖₂. */
  error: number;
  /** error / ‖ỸᵀỸ‖₂. */
  relativeError: number;
  sketchRows: number;
  seed: number | bigint;
  backend: string;
  extrapolate(rows: number): { error: number; relativeError: number };
  /** The smallest sketch size ≥ 1 whose extrapolated error is ≤ tolerance. */
  rowsFor(tolerance: number): number;
}

export interface SketchedLstsqOptions extends Omit<CommonOptions, 'onProgress'> {
  /** t ≥ A.cols rows of the sketch of [A | b]. */
  sketchRows: number;
}

export interface SketchedLstsqResult {
  /** x̃ = argmin ‖S·A·x − S·b‖₂ (f64). */
  x: Float64Array;
  sketchRows: number;
  seed: number | bigint;
  backend: string;
}

export interface BootstrapLstsqOptions extends CommonOptions, BootstrapOptions {
  sketchRows: number;
}

export interface BootstrapLstsqResult extends SketchedLstsqResult {
  /** (1 − α) quantile estimate of ‖x̃ − x‖₂, x the exact least-squares solution. */
  error: number;
  /** error / ‖x̃‖₂. */
  relativeError: number;
  extrapolate(rows: number): { error: number; relativeError: number };
  /** The smallest sketch size ≥ A.cols whose extrapolated error is ≤ tolerance. */
  rowsFor(tolerance: number): number;
}

const COMMON = ['sketch', 'seed', 'backend', 'signal', 'onProgress'];
const BOOTSTRAP = ['replicates', 'alpha'];
const ADAPTIVE_ONLY = ['tolerance', 'initialRows', 'metric', 'maxRows', ...BOOTSTRAP];
const SKETCHED_SVD_OPTIONS = new Set(['rank', 'sketchRows', 'leftVectors', ...ADAPTIVE_ONLY, ...COMMON]);
const BOOTSTRAP_SVD_OPTIONS = new Set(['rank', 'sketchRows', ...BOOTSTRAP, ...COMMON]);
const COVARIANCE_OPTIONS = new Set(['sketchRows', ...BOOTSTRAP, ...COMMON]);
const SKETCHED_LSTSQ_OPTIONS = new Set(['sketchRows', 'sketch', 'seed', 'backend', 'signal']);
const BOOTSTRAP_LSTSQ_OPTIONS = new Set(['sketchRows', ...BOOTSTRAP, ...COMMON]);
const SKETCHES: readonly RowSketch[] = ['uniform', 'energy', 'gaussian'];
const METRICS: readonly ErrorMetric[] = ['value', 'vector', 'left'];

type Raw = Record<string, unknown>;

interface Common {
  A: Matrix;
  sketch: RowSketch;
  seed: number | bigint;
  request: { sketch: RowSketch; seed: bigint; signal?: AbortSignal; onProgress?: (p: Progress) => void };
  backendName: BackendName;
}

function common(Ain: unknown, options: unknown, known: ReadonlySet<string>): { o: Raw; c: Common } {
  const o = expectObject(options, 'options');
  rejectUnknownOptions(o, known);
  const A = toMatrix(Ain, 'A');
  const sketch = expectOneOf<RowSketch>(o.sketch ?? 'uniform', 'options.sketch', SKETCHES);
  const seed = (o.seed ?? randomSeed()) as number | bigint;
  const seedBits = expectSeed(seed, 'options.seed');
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw invalid('options.signal', 'an AbortSignal', o.signal);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw invalid('options.onProgress', 'a function', o.onProgress);
  const request = {
    sketch,
    seed: seedBits,
    ...(o.signal ? { signal: o.signal as AbortSignal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress as (p: Progress) => void } : {}),
  };
  const backendName = (o.backend ?? 'auto') as BackendName;
  return { o, c: { A, sketch, seed, request, backendName } };
}

function replicatesAndAlpha(o: Raw): { replicates: number; alpha: number } {
  const replicates = expectInteger(o.replicates ?? 50, 'options.replicates', 2, MAX_REPLICATES);
  const alpha = o.alpha ?? 0.1;
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) throw invalid('options.alpha', 'a number in (0, 1)', alpha);
  return { replicates, alpha };
}

function expectTolerance(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw invalid(argument, 'a finite number > 0', value);
  return value;
}

function expectRows(rows: unknown): number {
  return expectInteger(rows, 'rows', 1);
}

// --- sketchedSvd ---

type PreparedSketchedSvd =
  | { adaptive: false; c: Common; request: Parameters<Backend['sketchedSvdSync']>[0] }
  | { adaptive: true; c: Common; request: Parameters<Backend['adaptiveSketchedSvdSync']>[0] };

function prepareSketchedSvd(Ain: unknown, options: unknown): PreparedSketchedSvd {
  const { o, c } = common(Ain, options, SKETCHED_SVD_OPTIONS);
  const { A } = c;
  const rank = expectInteger(o.rank, 'options.rank', 1, A.cols);
  const leftVectors = expectBoolean(o.leftVectors ?? false, 'options.leftVectors');
  if (leftVectors && rank > A.rows) {
    throw invalid('options.rank', `an integer in [1, ${A.rows}] (at most A.rows, for options.leftVectors)`, rank);
  }
  if ((o.sketchRows === undefined) === (o.tolerance === undefined)) {
    throw new RandlaError(
      ErrorCode.INVALID_ARGUMENT,
      `Expected exactly one of options.sketchRows (a fixed sketch) and options.tolerance (adaptive) but received ${o.sketchRows === undefined ? 'neither' : 'both'}`,
      { argument: o.sketchRows === undefined ? 'options.sketchRows' : 'options.tolerance' },
    );
  }
  if (o.sketchRows !== undefined) {
    // A fixed sketch runs no bootstrap: the adaptive options would be silently ignored.
    for (const key of ADAPTIVE_ONLY) {
      if (o[key] !== undefined) throw invalid(`options.${key}`, 'no value without options.tolerance (it applies to adaptive sketching only)', o[key]);
    }
    const sketchRows = expectInteger(o.sketchRows, 'options.sketchRows', rank, MAX_SKETCH_ROWS);
    return { adaptive: false, c, request: { A, rank, sketchRows, leftVectors, ...c.request } };
  }
  const tolerance = expectTolerance(o.tolerance, 'options.tolerance');
  const metric = expectOneOf<ErrorMetric>(o.metric ?? 'value', 'options.metric', METRICS);
  const maxRows = expectInteger(o.maxRows ?? Math.min(MAX_SKETCH_ROWS, 16 * A.rows), 'options.maxRows', rank, MAX_SKETCH_ROWS);
  const initialRows = expectInteger(o.initialRows ?? Math.min(maxRows, Math.max(2 * rank, 100)), 'options.initialRows', rank, maxRows);
  const { replicates, alpha } = replicatesAndAlpha(o);
  return {
    adaptive: true,
    c,
    request: { A, rank, tolerance, metric, maxRows, initialRows, replicates, alpha, leftVectors, ...c.request },
  };
}

function finishSketchedSvd(
  out: { S: Float64Array; Vt: Matrix<Float64Array>; U?: Matrix<Float64Array>; sketchRows: number; path?: SketchedSvdResult['path']; converged?: boolean },
  c: Common,
  backend: string,
): SketchedSvdResult {
  return {
    S: out.S,
    Vt: out.Vt,
    ...(out.U ? { U: out.U } : {}),
    sketchRows: out.sketchRows,
    ...(out.path ? { path: out.path, converged: out.converged! } : {}),
    seed: c.seed,
    backend,
  };
}

/**
 * The top-k singular values and right singular vectors of a row sketch Y = S·A of t rows (rows
 * sampled uniformly or by energy, or a Gaussian projection), and with `leftVectors: true` the
 * left vectors orth(A·Ṽ·Σ̃⁻¹). With `tolerance` instead of `sketchRows` the sketch grows (keeping
 * the rows already drawn) until the bootstrap estimate of the error meets the tolerance; the
 * result then reports the `path` taken and whether it `converged`.
 *
 * @example
 * ```ts
 * import { matrix, sketchedSvd } from 'randla';
 * const A = matrix(new Float64Array(20000 * 20).map((_, e) => (Math.random() - 0.5) / (1 + (e % 20))), 20000, 20);
 * const fixed = await sketchedSvd(A, { rank: 3, sketchRows: 400, seed: 1 });
 * const adaptive = await sketchedSvd(A, { rank: 3, tolerance: 0.5, seed: 1 }); // grows the sketch from 100 rows
 * console.log(fixed.S, adaptive.sketchRows, adaptive.converged, adaptive.path);
 * ```
 */
export async function sketchedSvd(A: MatrixInput, options: SketchedSvdOptions): Promise<SketchedSvdResult> {
  const p = prepareSketchedSvd(A, options);
  const backend = selectBackend(p.c.backendName);
  const out = p.adaptive ? await backend.adaptiveSketchedSvd(p.request) : await backend.sketchedSvd(p.request);
  return finishSketchedSvd(out, p.c, backend.name);
}

/** Synchronous twin of {@link sketchedSvd}: blocks the event loop. */
export function sketchedSvdSync(A: MatrixInput, options: SketchedSvdOptions): SketchedSvdResult {
  const p = prepareSketchedSvd(A, options);
  const backend = selectBackend(p.c.backendName);
  const out = p.adaptive ? backend.adaptiveSketchedSvdSync(p.request) : backend.sketchedSvdSync(p.request);
  return finishSketchedSvd(out, p.c, backend.name);
}

// --- bootstrapSvdError ---

function prepareBootstrapSvd(Ain: unknown, options: unknown): { c: Common; request: Parameters<Backend['bootstrapSvdErrorSync']>[0] } {
  const { o, c } = common(Ain, options, BOOTSTRAP_SVD_OPTIONS);
  const rank = expectInteger(o.rank, 'options.rank', 1, c.A.cols);
  const sketchRows = expectInteger(o.sketchRows, 'options.sketchRows', rank, MAX_SKETCH_ROWS);
  return { c, request: { A: c.A, rank, sketchRows, ...replicatesAndAlpha(o), ...c.request } };
}

function finishBootstrapSvd(out: Awaited<ReturnType<Backend['bootstrapSvdError']>>, c: Common, rank: number, backend: string): BootstrapSvdResult {
  const { valueError, vectorError, subspaceError, leftVectorError, sketchRows: t } = out;
  const estimates: Record<ErrorMetric, number> = { value: valueError, vector: vectorError, left: leftVectorError };
  return {
    S: out.S,
    Vt: out.Vt,
    valueError,
    vectorError,
    subspaceError,
    leftVectorError,
    perComponent: out.perComponent,
    sketchRows: t,
    seed: c.seed,
    backend,
    extrapolate(rows: number): SvdErrorEstimate {
      const r = expectRows(rows);
      return {
        valueError: extrapolateError(valueError, t, r),
        vectorError: extrapolateError(vectorError, t, r),
        subspaceError: extrapolateError(subspaceError, t, r),
        leftVectorError: extrapolateError(leftVectorError, t, r),
      };
    },
    rowsFor(tolerance: number, metric: ErrorMetric = 'value'): number {
      const which = expectOneOf<ErrorMetric>(metric, 'metric', METRICS);
      return rowsForTolerance(estimates[which], t, rank, tolerance);
    },
  };
}

/**
 * Estimates how far the sketched SVD (see {@link sketchedSvd}) is from the exact SVD of A, from
 * the sketch alone (no further pass over A): `replicates` resamples of the sketch's rows, each
 * factorized, give the (1 − alpha) quantiles of the singular-value error (absolute), of the
 * right vectors' sin-angles and of their distance from the sketched subspace. `extrapolate(t')`
 * and `rowsFor(tolerance)` predict the error of other sketch sizes (errors shrink as t^−1/2).
 *
 * @example
 * ```ts
 * import { matrix, bootstrapSvdError } from 'randla';
 * const A = matrix(new Float64Array(20000 * 20).map((_, e) => (Math.random() - 0.5) / (1 + (e % 20))), 20000, 20);
 * const r = await bootstrapSvdError(A, { rank: 3, sketchRows: 400, replicates: 50, alpha: 0.1, seed: 1 });
 * console.log(r.valueError, r.vectorError, r.extrapolate(1600), r.rowsFor(r.valueError / 2));
 * ```
 */
export async function bootstrapSvdError(A: MatrixInput, options: BootstrapSvdOptions): Promise<BootstrapSvdResult> {
  const p = prepareBootstrapSvd(A, options);
  const backend = selectBackend(p.c.backendName);
  return finishBootstrapSvd(await backend.bootstrapSvdError(p.request), p.c, p.request.rank, backend.name);
}

/** Synchronous twin of {@link bootstrapSvdError}: blocks the event loop. */
export function bootstrapSvdErrorSync(A: MatrixInput, options: BootstrapSvdOptions): BootstrapSvdResult {
  const p = prepareBootstrapSvd(A, options);
  const backend = selectBackend(p.c.backendName);
  return finishBootstrapSvd(backend.bootstrapSvdErrorSync(p.request), p.c, p.request.rank, backend.name);
}

// --- bootstrapCovarianceError ---

function prepareCovariance(Ain: unknown, options: unknown): { c: Common; request: Parameters<Backend['bootstrapCovarianceErrorSync']>[0] } {
  const { o, c } = common(Ain, options, COVARIANCE_OPTIONS);
  const sketchRows = expectInteger(o.sketchRows, 'options.sketchRows', 1, MAX_SKETCH_ROWS);
  return { c, request: { A: c.A, sketchRows, ...replicatesAndAlpha(o), ...c.request } };
}

/** error and relativeError with their extrapolation and rowsFor (covariance and least squares). */
function scalarEstimate(error: number, relativeError: number, t: number, minRows: number) {
  return {
    error,
    relativeError,
    extrapolate(rows: number): { error: number; relativeError: number } {
      const r = expectRows(rows);
      return { error: extrapolateError(error, t, r), relativeError: extrapolateError(relativeError, t, r) };
    },
    rowsFor(tolerance: number): number {
      return rowsForTolerance(error, t, minRows, tolerance);
    },
  };
}

/**
 * Estimates the operator-norm error ‖ỸᵀỸ − AᵀA‖₂ of the sketched Gram (covariance) matrix of a
 * row sketch Ỹ = S·A from the sketch alone (Lopes, Erichson & Mahoney, Bernoulli 2023), as an
 * absolute `error` and relative to ‖ỸᵀỸ‖₂.
 *
 * @example
 * ```ts
 * import { matrix, bootstrapCovarianceError } from 'randla';
 * const A = matrix(new Float64Array(20000 * 20).map((_, e) => (Math.random() - 0.5) / (1 + (e % 20))), 20000, 20);
 * const r = await bootstrapCovarianceError(A, { sketchRows: 500, seed: 1 });
 * console.log(r.relativeError, r.rowsFor(r.error / 2));
 * ```
 */
export async function bootstrapCovarianceError(A: MatrixInput, options: BootstrapCovarianceOptions): Promise<BootstrapCovarianceResult> {
  const p = prepareCovariance(A, options);
  const backend = selectBackend(p.c.backendName);
  const out = await backend.bootstrapCovarianceError(p.request);
  return { ...scalarEstimate(out.error, out.relativeError, out.sketchRows, 1), sketchRows: out.sketchRows, seed: p.c.seed, backend: backend.name };
}

/** Synchronous twin of {@link bootstrapCovarianceError}: blocks the event loop. */
export function bootstrapCovarianceErrorSync(A: MatrixInput, options: BootstrapCovarianceOptions): BootstrapCovarianceResult {
  const p = prepareCovariance(A, options);
  const backend = selectBackend(p.c.backendName);
  const out = backend.bootstrapCovarianceErrorSync(p.request);
  return { ...scalarEstimate(out.error, out.relativeError, out.sketchRows, 1), sketchRows: out.sketchRows, seed: p.c.seed, backend: backend.name };
}

// --- sketchedLstsq and bootstrapLstsqError ---

/**
 * b as the backends take it: A.rows values in A's dtype. f32 A is read exactly, so b must be f32
 * too (rounding an f64 b would change the problem); with f64 A, an f32 b or a number[] is
 * widened exactly into a copy.
 */
function rhsFor(A: Matrix, b: unknown): Float64Array | Float32Array {
  const f32 = A.data instanceof Float32Array;
  let out: Float64Array | Float32Array;
  if (f32) {
    if (!(b instanceof Float32Array)) throw invalid('b', 'a Float32Array (A is float32)', b);
    out = b;
  } else if (b instanceof Float64Array) {
    out = b;
  } else if (isFloatArray(b) || (Array.isArray(b) && b.every((v) => typeof v === 'number'))) {
    out = Float64Array.from(b as ArrayLike<number>);
  } else {
    throw invalid('b', 'a Float64Array, a Float32Array or an array of numbers', b);
  }
  if (out.length !== A.rows) {
    throw new RandlaError(ErrorCode.SHAPE, `Expected b.length = A.rows = ${A.rows} but received ${out.length}`, { argument: 'b' });
  }
  return out;
}

function prepareLstsq(Ain: unknown, b: unknown, options: unknown, known: ReadonlySet<string>) {
  const { o, c } = common(Ain, options, known);
  const rhs = rhsFor(c.A, b);
  const sketchRows = expectInteger(o.sketchRows, 'options.sketchRows', c.A.cols, MAX_SKETCH_ROWS);
  const request: Parameters<Backend['sketchedLstsqSync']>[0] = { A: c.A, b: rhs, sketchRows, ...c.request };
  return { o, c, request };
}

function prepareBootstrapLstsq(Ain: unknown, b: unknown, options: unknown) {
  const { o, c, request } = prepareLstsq(Ain, b, options, BOOTSTRAP_LSTSQ_OPTIONS);
  return { c, request: { ...request, ...replicatesAndAlpha(o) } };
}

/**
 * The sketched least-squares solution x̃ = argmin ‖S·A·x − S·b‖₂ for a row sketch of t ≥ n rows of
 * [A | b] (Householder QR of S·A; S·A must have full column rank).
 *
 * @example
 * ```ts
 * import { matrix, sketchedLstsq } from 'randla';
 * const A = matrix(Float64Array.from({ length: 5000 * 4 }, (_, i) => Math.cos(i * i)), 5000, 4);
 * const b = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i));
 * const { x } = await sketchedLstsq(A, b, { sketchRows: 200, seed: 1 });
 * ```
 */
export async function sketchedLstsq(A: MatrixInput, b: ArrayLike<number>, options: SketchedLstsqOptions): Promise<SketchedLstsqResult> {
  const p = prepareLstsq(A, b, options, SKETCHED_LSTSQ_OPTIONS);
  const backend = selectBackend(p.c.backendName);
  const out = await backend.sketchedLstsq(p.request);
  return { x: out.x, sketchRows: out.sketchRows, seed: p.c.seed, backend: backend.name };
}

/** Synchronous twin of {@link sketchedLstsq}: blocks the event loop. */
export function sketchedLstsqSync(A: MatrixInput, b: ArrayLike<number>, options: SketchedLstsqOptions): SketchedLstsqResult {
  const p = prepareLstsq(A, b, options, SKETCHED_LSTSQ_OPTIONS);
  const backend = selectBackend(p.c.backendName);
  const out = backend.sketchedLstsqSync(p.request);
  return { x: out.x, sketchRows: out.sketchRows, seed: p.c.seed, backend: backend.name };
}

/**
 * Estimates ‖x̃ − x‖₂ of the sketched least-squares solution (see {@link sketchedLstsq}) from the
 * sketch alone (Lopes, Wang & Mahoney, ICML 2018): each replicate re-solves on resampled rows of
 * [S·A | S·b]; a resample that loses full column rank counts as an infinite error.
 *
 * @example
 * ```ts
 * import { matrix, bootstrapLstsqError } from 'randla';
 * const A = matrix(Float64Array.from({ length: 5000 * 4 }, (_, i) => Math.cos(i * i)), 5000, 4);
 * const b = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i));
 * const r = await bootstrapLstsqError(A, b, { sketchRows: 200, seed: 1 });
 * console.log(r.x, r.error, r.rowsFor(r.error / 2));
 * ```
 */
export async function bootstrapLstsqError(A: MatrixInput, b: ArrayLike<number>, options: BootstrapLstsqOptions): Promise<BootstrapLstsqResult> {
  const p = prepareBootstrapLstsq(A, b, options);
  const backend = selectBackend(p.c.backendName);
  const out = await backend.bootstrapLstsqError(p.request);
  return { x: out.x, ...scalarEstimate(out.error, out.relativeError, out.sketchRows, p.c.A.cols), sketchRows: out.sketchRows, seed: p.c.seed, backend: backend.name };
}

/** Synchronous twin of {@link bootstrapLstsqError}: blocks the event loop. */
export function bootstrapLstsqErrorSync(A: MatrixInput, b: ArrayLike<number>, options: BootstrapLstsqOptions): BootstrapLstsqResult {
  const p = prepareBootstrapLstsq(A, b, options);
  const backend = selectBackend(p.c.backendName);
  const out = backend.bootstrapLstsqErrorSync(p.request);
  return { x: out.x, ...scalarEstimate(out.error, out.relativeError, out.sketchRows, p.c.A.cols), sketchRows: out.sketchRows, seed: p.c.seed, backend: backend.name };
}
