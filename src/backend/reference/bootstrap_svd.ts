// Bootstrap error estimation for the sketched SVD: Lopes, Erichson & Mahoney, "Error estimation
// for sketched SVD via the bootstrap" (ICML 2020), Algorithm 1, with extrapolation (§3) and the
// adaptive sketch size built on it; the exact contract is docs/algorithms/bootstrap.md.

import { ErrorCode, invalid, RandlaError } from '../../errors.js';
import { toMatrix } from '../../matrix.js';
import type { Matrix, Progress } from '../../types.js';
import { expectFinite, expectInteger, expectOneOf, expectSeed } from '../../validate.js';
import { applyA, householderQ, smallSvd } from './dense.js';
import { resampleIndices, rowSketch, type RowSketchKind } from './row_sketch.js';
import { runSteps, type Steps } from './steps.js';

/** The largest sketch: row indices and resample indices stay int32 on every backend. */
export const MAX_SKETCH_ROWS = 2147483647;
/** Replicate b is block b of stream 10, and blocks are < 2^24 (docs/rng.md). */
export const MAX_REPLICATES = 16777216;

export interface SketchedSvdOptions {
  rank: number;
  sketchRows: number;
  sketch?: RowSketchKind;
  seed?: number | bigint;
  leftVectors?: boolean;
  checkFinite?: boolean;
}

export interface SketchedSvdResult {
  /** σ̃ (k), non-increasing. */
  S: Float64Array;
  /** Ṽᵀ, row-major k × n; each row's first largest-|·| entry is positive. */
  Vt: Matrix<Float64Array>;
  /** Ũ = orth(A·Ṽ·Σ̃⁻¹), row-major m × k, with `leftVectors: true`. */
  U?: Matrix<Float64Array>;
  sketchRows: number;
  seed: bigint;
}

export interface BootstrapSvdOptions extends Omit<SketchedSvdOptions, 'leftVectors'> {
  replicates?: number;
  alpha?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** Which estimate rowsFor() and adaptive sketching aim at: singular values, right vectors, left vectors. */
export type ErrorMetric = 'value' | 'vector' | 'left';
export const ERROR_METRICS: readonly ErrorMetric[] = ['value', 'vector', 'left'];

export interface BootstrapSvdResult extends SketchedSvdResult {
  /** (1 − α) quantile of max_j |σ*ⱼ − σ̃ⱼ| over the replicates. */
  valueError: number;
  /** (1 − α) quantile of max_j ‖v*ⱼ − ṽⱼ(ṽⱼᵀv*ⱼ)‖₂ (sine of the angle between ṽⱼ and v*ⱼ). */
  vectorError: number;
  /**
   * (1 − α) quantile of max_j ‖(I − ṼṼᵀ)v*ⱼ‖₂: the distance of the replicates' vectors from the
   * sketched subspace (zero to rounding when A has rank ≤ k). Not in the contract yet: see
   * the report; it is the issue's "‖(I − ṼṼᵀ)v*‖".
   */
  subspaceError: number;
  /**
   * The left vectors from the sketch alone (Lopes et al. 2020): ũⱼ ∝ A·ṽⱼ and uⱼ ∝ A·vⱼ, read in the
   * sketch as Y·ṽⱼ and Y·v*ⱼ: (1 − α) quantile of max_j of the sine of their angle.
   */
  leftVectorError: number;
  /** Per-component quantiles of |σ*ⱼ − σ̃ⱼ|, of the sin-angles and of the left sin-angles. */
  perComponent: { value: Float64Array; vector: Float64Array; left: Float64Array };
  /** Each replicate's maxima (B values each), in replicate order. */
  replicateErrors: { value: Float64Array; vector: Float64Array; subspace: Float64Array; left: Float64Array };
  replicates: number;
  alpha: number;
  /** The estimates at a sketch of `rows` rows: each times √(t / rows). */
  extrapolate(rows: number): { valueError: number; vectorError: number; leftVectorError: number };
  /** The smallest t' ≥ k whose extrapolated estimate of `metric` is ≤ tolerance. */
  rowsFor(tolerance: number, metric?: ErrorMetric): number;
}

/** Top-k singular values and right singular vectors (n × k, column-major) of a t × n block. */
interface TopSvd {
  S: Float64Array;
  V: Float64Array;
}

/**
 * The top k singular triplets' values and right vectors of the column-major t × n block Y, from
 * the thin SVD of Y (of Yᵀ when t < n, whose left vectors are Y's right ones).
 */
function topRightSvd(Y: Float64Array, t: number, n: number, k: number): TopSvd {
  const S = new Float64Array(k);
  const V = new Float64Array(n * k);
  if (t >= n) {
    // Y = Q·R and R (n × n) has Y's singular values and right vectors: the SVD then works on n²
    // numbers instead of t·n and forms no t × n left factor (LAPACK's dgesdd does the same for t ≫ n).
    const svd = smallSvd(triangularFactor(Y, t, n, n), n, n);
    S.set(svd.S.subarray(0, k));
    V.set(svd.Z.subarray(0, n * k));
  } else {
    const Yt = new Float64Array(n * t);
    for (let q = 0; q < t; q++) for (let j = 0; j < n; j++) Yt[j + q * n] = Y[q + j * t]!;
    const svd = smallSvd(Yt, n, t);
    S.set(svd.S.subarray(0, k));
    V.set(svd.W.subarray(0, n * k));
  }
  return { S, V };
}

/**
 * The Householder QR of the first `pivots` columns of the column-major t × cols block Y
 * (t ≥ pivots), with the reflectors applied to all `cols` columns: returns the top `pivots` rows
 * of Qᵀ·Y, column-major pivots × cols (R, then Qᵀ times the trailing columns, as LAPACK's dgeqrf +
 * dormqr would give). Y is not modified.
 */
export function triangularFactor(Y: Float64Array, t: number, cols: number, pivots: number): Float64Array {
  const W = Y.slice(0, t * cols);
  for (let j = 0; j < pivots; j++) {
    const vo = j * t;
    let scale = 0;
    for (let i = j + 1; i < t; i++) scale = Math.max(scale, Math.abs(W[vo + i]!));
    if (scale === 0) continue; // the column is already upper triangular: H_j = I
    let ssq = 0;
    for (let i = j + 1; i < t; i++) {
      const x = W[vo + i]! / scale;
      ssq += x * x;
    }
    const alpha = W[vo + j]!;
    const norm = Math.hypot(alpha, scale * Math.sqrt(ssq));
    const beta = alpha >= 0 ? -norm : norm;
    const tau = (beta - alpha) / beta;
    const inv = 1 / (alpha - beta);
    for (let i = j + 1; i < t; i++) W[vo + i] = W[vo + i]! * inv;
    W[vo + j] = beta;
    for (let c = j + 1; c < cols; c++) {
      const co = c * t;
      let s = W[co + j]!;
      for (let i = j + 1; i < t; i++) s += W[vo + i]! * W[co + i]!;
      s *= tau;
      W[co + j] = W[co + j]! - s;
      for (let i = j + 1; i < t; i++) W[co + i] = W[co + i]! - s * W[vo + i]!;
    }
  }
  const R = new Float64Array(pivots * cols);
  for (let c = 0; c < cols; c++) for (let i = 0; i < Math.min(c + 1, pivots); i++) R[i + c * pivots] = W[i + c * t]!;
  return R;
}

/** The columns of Y·V (t × k, column-major; Y t × n, V n × k), each scaled to unit norm (zero stays zero). */
function unitColumnsOfProduct(Y: Float64Array, t: number, n: number, V: Float64Array, k: number): Float64Array {
  const P = new Float64Array(t * k);
  for (let j = 0; j < k; j++) {
    const po = j * t;
    for (let i = 0; i < n; i++) {
      const x = V[j * n + i]!;
      const yo = i * t;
      for (let q = 0; q < t; q++) P[po + q] = P[po + q]! + Y[yo + q]! * x;
    }
    let ss = 0;
    for (let q = 0; q < t; q++) ss += P[po + q]! * P[po + q]!;
    if (ss > 0) {
      const inv = 1 / Math.sqrt(ss);
      for (let q = 0; q < t; q++) P[po + q] = P[po + q]! * inv;
    }
  }
  return P;
}

/**
 * ‖b − a(aᵀb)‖₂ with b = y/‖y‖ for the unit (or zero) a = A[ao … ao + len): the sine of the angle
 * between a and y from the projection (accurate near 0); 0 when y = 0.
 */
function unitSinAngle(A: Float64Array, ao: number, y: Float64Array, len: number): number {
  let yy = 0;
  let ay = 0;
  for (let i = 0; i < len; i++) {
    yy += y[i]! * y[i]!;
    ay += A[ao + i]! * y[i]!;
  }
  if (!(yy > 0)) return 0;
  const inv = 1 / Math.sqrt(yy);
  const c = ay * inv;
  let ss = 0;
  for (let i = 0; i < len; i++) {
    const d = y[i]! * inv - A[ao + i]! * c;
    ss += d * d;
  }
  return Math.sqrt(ss);
}

/** Makes the first largest-|·| entry of each column of the column-major rows × k block positive. */
function flipColumns(V: Float64Array, rows: number, k: number): void {
  for (let j = 0; j < k; j++) {
    const o = j * rows;
    let at = 0;
    let best = -1;
    for (let i = 0; i < rows; i++) {
      const a = Math.abs(V[o + i]!);
      if (a > best) {
        best = a;
        at = i;
      }
    }
    if (V[o + at]! < 0) for (let i = 0; i < rows; i++) V[o + i] = -V[o + i]!;
  }
}

function rowMajorOf(V: Float64Array, rows: number, cols: number): Matrix<Float64Array> {
  // Column-major rows × cols read as row-major cols × rows: the transpose, with no copy.
  return { data: V, rows: cols, cols: rows, layout: 'row-major' };
}

function transposeToRowMajor(X: Float64Array, rows: number, cols: number): Matrix<Float64Array> {
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) out[i * cols + j] = X[i + j * rows]!;
  return { data: out, rows, cols, layout: 'row-major' };
}

/**
 * The nearest-rank (1 − α) quantile of x: its ⌈(1 − α)·B⌉-th smallest value (one of the
 * samples, no interpolation; docs/algorithms/bootstrap.md step 3). x is not modified.
 *
 * @example
 * nearestRankQuantile(Float64Array.from([5, 1, 4, 2, 3]), 0.2); // 4: the ⌈0.8·5⌉ = 4th smallest
 */
export function nearestRankQuantile(x: Float64Array, alpha: number): number {
  const B = x.length;
  const rank = Math.min(B, Math.max(1, Math.ceil((1 - alpha) * B)));
  return Float64Array.from(x).sort()[rank - 1]!;
}

/**
 * An estimate made with t sketch rows, extrapolated to t' rows: estimate·√(t / t') (the errors
 * shrink as t^−1/2, Lopes et al. 2020 §3).
 *
 * @example
 * extrapolateError(0.2, 100, 400); // 0.1
 */
export function extrapolateError(estimate: number, t: number, rows: number): number {
  return estimate * Math.sqrt(t / rows);
}

/**
 * The smallest integer t' ≥ k with estimate·√(t / t') ≤ tolerance: ⌈t·(estimate/tolerance)²⌉,
 * then moved by ±1 while the inequality, evaluated in f64 as written, says otherwise.
 *
 * @example
 * rowsForTolerance(0.2, 100, 5, 0.1); // 400
 */
export function rowsForTolerance(estimate: number, t: number, k: number, tolerance: number): number {
  if (!(typeof tolerance === 'number' && tolerance > 0 && Number.isFinite(tolerance))) {
    throw invalid('tolerance', 'a finite number > 0', tolerance);
  }
  const meets = (rows: number): boolean => estimate * Math.sqrt(t / rows) <= tolerance;
  const ratio = estimate / tolerance;
  const guess = Math.ceil(t * ratio * ratio);
  // Beyond 2^53 a step of ±1 is not representable (the loops below would never end): the answer
  // is "more rows than can exist", reported as 2^53 as the native core does.
  if (!(guess < 2 ** 53)) return 2 ** 53;
  let rows = Math.max(k, guess);
  while (rows > k && meets(rows - 1)) rows--;
  while (!meets(rows)) rows++;
  return rows;
}

interface Validated {
  A: Matrix;
  k: number;
  t: number;
  sketch: RowSketchKind;
  seed: bigint;
}

function randomSeed(): bigint {
  return BigInt(Math.floor(Math.random() * 2 ** 53));
}

function validate(Ain: unknown, options: SketchedSvdOptions): Validated {
  if (options === null || typeof options !== 'object') throw invalid('options', 'an options object', options);
  const A = toMatrix(Ain, 'A');
  if (options.checkFinite !== false) expectFinite(A, 'A');
  const k = expectInteger(options.rank, 'options.rank', 1, A.cols);
  const sketch = expectOneOf<RowSketchKind>(options.sketch ?? 'uniform', 'options.sketch', ['uniform', 'energy', 'gaussian']);
  const t = expectInteger(options.sketchRows, 'options.sketchRows', k, MAX_SKETCH_ROWS);
  const seed = options.seed === undefined ? randomSeed() : expectSeed(options.seed, 'options.seed');
  return { A, k, t, sketch, seed };
}

function sketchAndFactor(v: Validated): { Y: Float64Array; top: TopSvd } {
  const n = v.A.cols;
  const Y = rowSketch(v.A, v.t, v.sketch, v.seed);
  const top = topRightSvd(Y, v.t, n, v.k);
  flipColumns(top.V, n, v.k);
  return { Y, top };
}

/**
 * Ũ = orth(A·Ṽ·Σ̃⁻¹), column-major m × k: one pass over A, then Householder QR with the signs of
 * Q's columns chosen so that diag(R) > 0. Columns with σ̃ⱼ = 0 are left out of the product (zero)
 * and so filled by the QR's completion.
 */
function leftVectorsOf(A: Matrix, top: TopSvd, k: number): Float64Array {
  const m = A.rows;
  if (m < k) {
    // Ũ has k orthonormal columns of length m.
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected options.rank <= A.rows = ${m} with options.leftVectors but received ${k}`, {
      argument: 'options.rank',
    });
  }
  const AV = applyA(A, top.V, k); // m × k
  for (let j = 0; j < k; j++) {
    const s = top.S[j]!;
    const o = j * m;
    if (s > 0) for (let i = 0; i < m; i++) AV[o + i] = AV[o + i]! / s;
    else AV.fill(0, o, o + m);
  }
  const Q = householderQ(AV, m, k);
  for (let j = 0; j < k; j++) {
    // R_jj = Q[:, j]ᵀ·AV[:, j]; make it positive (LAPACK's reflectors give −sign(·)).
    const o = j * m;
    let r = 0;
    for (let i = 0; i < m; i++) r += Q[o + i]! * AV[o + i]!;
    if (r < 0) for (let i = 0; i < m; i++) Q[o + i] = -Q[o + i]!;
  }
  return Q;
}

/**
 * The top-k singular values and right singular vectors of the sketch Y = S·A (t rows), and with
 * `leftVectors: true` the left vectors orth(A·Ṽ·Σ̃⁻¹) (docs/algorithms/bootstrap.md).
 *
 * @example
 * const A = { data: new Float64Array(600).map((_, i) => Math.sin(i)), rows: 200, cols: 3, layout: 'row-major' as const };
 * const { S, Vt } = referenceSketchedSvd(A, { rank: 2, sketchRows: 50, seed: 1 }); // S ≈ A's top 2 σ
 */
export function referenceSketchedSvd(A: Matrix | unknown, options: SketchedSvdOptions): SketchedSvdResult {
  const v = validate(A, options);
  if (options.leftVectors !== undefined && typeof options.leftVectors !== 'boolean') throw invalid('options.leftVectors', 'a boolean', options.leftVectors);
  const n = v.A.cols;
  const { top } = sketchAndFactor(v);
  const result: SketchedSvdResult = { S: top.S, Vt: rowMajorOf(top.V, n, v.k), sketchRows: v.t, seed: v.seed };
  if (options.leftVectors === true) result.U = transposeToRowMajor(leftVectorsOf(v.A, top, v.k), v.A.rows, v.k);
  return result;
}

function expectAlpha(alpha: unknown): number {
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) throw invalid('options.alpha', 'a number in (0, 1)', alpha);
  return alpha;
}

/**
 * Bootstrap estimates of the error of the sketched SVD against the exact SVD of A, from the
 * sketch alone (Lopes, Erichson & Mahoney 2020, Algorithm 1): B resamples of Y's rows, each
 * factorized, and the (1 − α) quantiles of the errors against the sketched solution.
 *
 * @example
 * const A = { data: new Float64Array(3000).map((_, i) => Math.sin(i * i)), rows: 1000, cols: 3, layout: 'row-major' as const };
 * const r = referenceBootstrapSvdError(A, { rank: 2, sketchRows: 100, replicates: 20, seed: 7 });
 * r.valueError; // ≈ the 0.9 quantile of max_j |σ̃ⱼ − σⱼ|
 * r.rowsFor(r.valueError / 2); // about 400
 */
export function referenceBootstrapSvdError(A: Matrix | unknown, options: BootstrapSvdOptions): BootstrapSvdResult {
  return runSteps(bootstrapSvdSteps(A, options));
}

/** {@link referenceBootstrapSvdError} as steps: one per replicate. */
export function* bootstrapSvdSteps(A: Matrix | unknown, options: BootstrapSvdOptions): Steps<BootstrapSvdResult> {
  const v = validate(A, options);
  const B = expectInteger(options.replicates ?? 50, 'options.replicates', 2, MAX_REPLICATES);
  const alpha = expectAlpha(options.alpha ?? 0.1);
  const { signal, onProgress } = options;
  const { k, t } = v;
  const n = v.A.cols;
  const { Y, top } = sketchAndFactor(v);

  const valueErr = new Float64Array(B * k); // replicate b, component j at b·k + j
  const vectorErr = new Float64Array(B * k);
  const maxValue = new Float64Array(B);
  const maxVector = new Float64Array(B);
  const maxSubspace = new Float64Array(B);
  const Ystar = new Float64Array(t * n);
  const proj = new Float64Array(k);
  const leftErr = new Float64Array(B * k);
  const maxLeft = new Float64Array(B);
  // a_j = Y·ṽⱼ/‖Y·ṽⱼ‖: the sketch's own left vectors, against which each replicate's are measured.
  const sketchLeft = unitColumnsOfProduct(Y, t, n, top.V, k);
  const starLeft = new Float64Array(t);
  for (let b = 0; b < B; b++) {
    if (signal?.aborted) throw new RandlaError(ErrorCode.ABORTED, 'The operation was aborted', { cause: signal.reason });
    const idx = resampleIndices(t, b, v.seed);
    for (let j = 0; j < n; j++) {
      const o = j * t;
      for (let q = 0; q < t; q++) Ystar[o + q] = Y[o + idx[q]!]!;
    }
    const star = topRightSvd(Ystar, t, n, k);
    let mv = 0;
    let mV = 0;
    let mS = 0;
    let mU = 0;
    for (let j = 0; j < k; j++) {
      const ev = Math.abs(star.S[j]! - top.S[j]!);
      const vs = j * n;
      // Ṽᵀv*ⱼ: its j-th entry gives the per-vector angle, all k the distance from span(Ṽ).
      for (let c = 0; c < k; c++) {
        const vc = c * n;
        let s = 0;
        for (let i = 0; i < n; i++) s += top.V[vc + i]! * star.V[vs + i]!;
        proj[c] = s;
      }
      const cj = proj[j]!;
      let sinSq = 0;
      let outSq = 0;
      for (let i = 0; i < n; i++) {
        const x = star.V[vs + i]!;
        const r = x - top.V[vs + i]! * cj;
        sinSq += r * r;
        let p = x;
        for (let c = 0; c < k; c++) p -= top.V[c * n + i]! * proj[c]!;
        outSq += p * p;
      }
      const eV = Math.sqrt(sinSq);
      valueErr[b * k + j] = ev;
      vectorErr[b * k + j] = eV;
      if (ev > mv) mv = ev;
      if (eV > mV) mV = eV;
      const eS = Math.sqrt(outSq);
      if (eS > mS) mS = eS;
      // Y·v*ⱼ, then the sine of its angle with a_j.
      starLeft.fill(0);
      for (let i = 0; i < n; i++) {
        const x = star.V[vs + i]!;
        const yo = i * t;
        for (let q = 0; q < t; q++) starLeft[q] = starLeft[q]! + Y[yo + q]! * x;
      }
      const eU = unitSinAngle(sketchLeft, j * t, starLeft, t);
      leftErr[b * k + j] = eU;
      if (eU > mU) mU = eU;
    }
    maxValue[b] = mv;
    maxVector[b] = mV;
    maxSubspace[b] = mS;
    maxLeft[b] = mU;
    onProgress?.({ pass: b + 1, totalPasses: B });
    yield;
  }

  const perValue = new Float64Array(k);
  const perVector = new Float64Array(k);
  const perLeft = new Float64Array(k);
  const column = new Float64Array(B);
  for (let j = 0; j < k; j++) {
    for (let b = 0; b < B; b++) column[b] = valueErr[b * k + j]!;
    perValue[j] = nearestRankQuantile(column, alpha);
    for (let b = 0; b < B; b++) column[b] = vectorErr[b * k + j]!;
    perVector[j] = nearestRankQuantile(column, alpha);
    for (let b = 0; b < B; b++) column[b] = leftErr[b * k + j]!;
    perLeft[j] = nearestRankQuantile(column, alpha);
  }
  const valueError = nearestRankQuantile(maxValue, alpha);
  const vectorError = nearestRankQuantile(maxVector, alpha);
  const leftVectorError = nearestRankQuantile(maxLeft, alpha);
  const estimates = { value: valueError, vector: vectorError, left: leftVectorError };
  return {
    S: top.S,
    Vt: rowMajorOf(top.V, n, k),
    sketchRows: t,
    seed: v.seed,
    valueError,
    vectorError,
    subspaceError: nearestRankQuantile(maxSubspace, alpha),
    leftVectorError,
    perComponent: { value: perValue, vector: perVector, left: perLeft },
    replicateErrors: { value: maxValue, vector: maxVector, subspace: maxSubspace, left: maxLeft },
    replicates: B,
    alpha,
    extrapolate(rows: number) {
      const r = expectInteger(rows, 'rows', 1);
      return {
        valueError: extrapolateError(valueError, t, r),
        vectorError: extrapolateError(vectorError, t, r),
        leftVectorError: extrapolateError(leftVectorError, t, r),
      };
    },
    rowsFor(tolerance: number, metric: ErrorMetric = 'value') {
      const which = expectOneOf<ErrorMetric>(metric, 'metric', ERROR_METRICS);
      return rowsForTolerance(estimates[which], t, k, tolerance);
    },
  };
}

export interface AdaptiveSketchedSvdOptions extends Omit<BootstrapSvdOptions, 'sketchRows'> {
  tolerance: number;
  initialRows?: number;
  metric?: ErrorMetric;
  maxRows?: number;
}

export interface AdaptiveSketchedSvdResult extends BootstrapSvdResult {
  path: { rows: number; valueError: number; vectorError: number; leftVectorError: number }[];
  converged: boolean;
}

/**
 * Adaptive sketch size (docs/algorithms/bootstrap.md, "Adaptive sketching"): sketch t_s rows
 * (draws 0 … t_s − 1 of the same seed, so earlier rows are kept), estimate the error by the
 * bootstrap, stop when it meets `tolerance`, else grow to min(maxRows, max(rowsFor, ⌈1.25·t_s⌉)).
 *
 * @example
 * const A = { data: new Float64Array(3000).map((_, i) => Math.sin(i * i)), rows: 1000, cols: 3, layout: 'row-major' as const };
 * const r = referenceAdaptiveSketchedSvd(A, { rank: 2, tolerance: 1.5, replicates: 20, seed: 7 });
 * r.path; // one { rows, valueError, vectorError } per step, starting at 100 rows
 * r.converged; // whether the last valueError is <= 1.5 (else the sketch reached maxRows)
 */
export function referenceAdaptiveSketchedSvd(A: Matrix | unknown, options: AdaptiveSketchedSvdOptions): AdaptiveSketchedSvdResult {
  return runSteps(adaptiveSketchedSvdSteps(A, options));
}

/** {@link referenceAdaptiveSketchedSvd} as steps: one per replicate of every sketch size tried. */
export function* adaptiveSketchedSvdSteps(A: Matrix | unknown, options: AdaptiveSketchedSvdOptions): Steps<AdaptiveSketchedSvdResult> {
  if (options === null || typeof options !== 'object') throw invalid('options', 'an options object', options);
  const M = toMatrix(A, 'A');
  const k = expectInteger(options.rank, 'options.rank', 1, M.cols);
  const tolerance = options.tolerance;
  if (typeof tolerance !== 'number' || !(tolerance > 0) || !Number.isFinite(tolerance)) throw invalid('options.tolerance', 'a finite number > 0', tolerance);
  const metric = expectOneOf<ErrorMetric>(options.metric ?? 'value', 'options.metric', ERROR_METRICS);
  const maxRows = expectInteger(options.maxRows ?? Math.min(MAX_SKETCH_ROWS, 16 * M.rows), 'options.maxRows', k, MAX_SKETCH_ROWS);
  const initialRows = expectInteger(options.initialRows ?? Math.max(2 * k, 100), 'options.initialRows', k, MAX_SKETCH_ROWS);
  const seed = options.seed === undefined ? randomSeed() : expectSeed(options.seed, 'options.seed');
  // The default initialRows can exceed a small maxRows (16·m < 100): start at the cap then.
  let rows = Math.min(initialRows, maxRows);
  const path: AdaptiveSketchedSvdResult['path'] = [];
  // Progress counts replicates over every step so far, as the native core reports it.
  const { onProgress } = options;
  let doneBefore = 0;
  const stepProgress = onProgress
    ? (p: Progress) => onProgress({ pass: doneBefore + p.pass, totalPasses: doneBefore + p.totalPasses })
    : undefined;
  for (;;) {
    const r = yield* bootstrapSvdSteps(M, { ...options, rank: k, sketchRows: rows, seed, ...(stepProgress ? { onProgress: stepProgress } : {}) });
    doneBefore += r.replicates;
    path.push({ rows, valueError: r.valueError, vectorError: r.vectorError, leftVectorError: r.leftVectorError });
    const estimate = { value: r.valueError, vector: r.vectorError, left: r.leftVectorError }[metric];
    const converged = estimate <= tolerance;
    if (converged || rows >= maxRows) return Object.assign(r, { path, converged });
    rows = Math.min(maxRows, Math.max(r.rowsFor(tolerance, metric), Math.ceil(1.25 * rows)));
  }
}
