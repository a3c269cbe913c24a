// Randomized SVD facade: Halko, Martinsson, Tropp, SIAM Review 2011, Alg. 4.3/4.4 + 5.1, with
// fixed accuracy by Yu, Gu, Li, SIMAX 2018, Alg. 2 (randQB_EI). Validates and normalises input
// (dense, CSR, LinearOperator), resolves the `auto` rules, picks a backend and returns canonical
// factors (docs/algorithms/rsvd.md).
import { selectBackend, type BackendName } from './backend/index.js';
import { rsvdOperator } from './backend/reference/operator_driver.js';
import type { RsvdOutput, RsvdRequest } from './backend/types.js';
import { invalid, RandlaError, ErrorCode } from './errors.js';
import { toMatrix, type MatrixInput } from './matrix.js';
import { randomSeed, rejectUnknownOptions } from './options.js';
import { expectCsr, isCsr } from './sparse.js';
import type { CsrMatrix, Float, LinearOperator, Matrix, Normalizer, Progress, SketchKind } from './types.js';
import { expectBoolean, expectInteger, expectObject, expectOneOf, expectSeed } from './validate.js';

export interface RsvdOptions {
  /** Number of singular triplets k, 1 <= k <= min(rows, cols). Omit it when `tol` is given. */
  rank?: number;
  /** Extra sketch columns p (default 10); the sketch has min(k + p, min(rows, cols)) columns. */
  oversamples?: number;
  /** Power (subspace) iterations q (default 2); 'auto': 7 when k < 0.1·min(rows, cols), else 4 (scikit-learn). */
  powerIters?: number | 'auto';
  /** Re-normalisation between power iterations (default 'qr'); 'auto': 'none' when q <= 2, else 'lu' (scikit-learn). */
  normalizer?: Normalizer | 'auto';
  /** Test matrix (default 'gaussian'); see docs/rng.md. */
  sketch?: SketchKind;
  /** Non-zeros per row of the 'sparse-sign' test matrix (ζ, default 8). */
  sparseNnz?: number;
  /** Philox seed; random when omitted. The seed used is returned, so any run can be repeated. */
  seed?: number | bigint;
  /** Run the range finder on Aᵀ: 'auto' (default) when rows < cols. */
  transpose?: 'auto' | boolean;
  /** Fixed accuracy: target relative Frobenius error ‖A − UΣVᵀ‖_F/‖A‖_F in (0, 1); chooses the rank. */
  tol?: number;
  /** Fixed accuracy: columns added per step (default 10). */
  blockSize?: number;
  /** Fixed accuracy: the largest rank allowed (default min(rows, cols)). */
  maxRank?: number;
  /** Also estimate ‖A − UΣVᵀ‖₂ by a block power method on the residual (default false). */
  estimateError?: boolean;
  /** Power iterations of that estimate (default 6). */
  errorIters?: number;
  /** Factorize A − 1μᵀ, μ the column means, without forming it (default false). */
  center?: boolean;
  /** Return U (default true). */
  computeU?: boolean;
  /** Return Vt (default true). */
  computeV?: boolean;
  /** 'auto' (default): native when built, else reference. */
  backend?: BackendName;
  /** Reject NaN/±Infinity in A (default true). */
  checkFinite?: boolean;
  /** Aborts the computation between passes over A; the promise rejects with ERR_RANDLA_ABORTED. */
  signal?: AbortSignal;
  /** Called after each pass over A. */
  onProgress?: (progress: Progress) => void;
}

interface RsvdCommon {
  /** rank singular values, non-increasing, always f64. */
  S: Float64Array;
  /** The rank of the result: `rank`, or the one chosen for `tol`. */
  rank: number;
  /** The seed used (the one given, or the random one drawn). */
  seed: number | bigint;
  /** The backend that computed the result. */
  backend: string;
  dtype: 'float32' | 'float64';
  /** Power iterations and normalizer that ran (after 'auto'). */
  powerIters: number;
  normalizer: Normalizer;
  /** With `tol`: the estimate of ‖A − UΣVᵀ‖_F/‖A‖_F it stopped at, and whether tol was met within maxRank. */
  relativeError?: number;
  converged?: boolean;
  /** With `estimateError`: the estimate of ‖A − UΣVᵀ‖₂ (a lower bound that converges from below). */
  spectralError?: number;
  /** With `center`: the column means μ. */
  mean?: Float64Array;
}

/** U is rows x rank and Vt is rank x cols, row-major, in the dtype of A; absent when not computed. */
export type RsvdResult<T extends Float = Float, O extends RsvdOptions = RsvdOptions> = RsvdCommon &
  (O extends { computeU: false } ? { U?: undefined } : { U: Matrix<T> }) &
  (O extends { computeV: false } ? { Vt?: undefined } : { Vt: Matrix<T> });

/** What `rsvd` accepts as A. */
export type RsvdInput = MatrixInput | CsrMatrix | LinearOperator;

const KNOWN_OPTIONS = new Set([
  'rank', 'oversamples', 'powerIters', 'normalizer', 'sketch', 'sparseNnz', 'seed', 'transpose', 'tol', 'blockSize',
  'maxRank', 'estimateError', 'errorIters', 'center', 'computeU', 'computeV', 'backend', 'checkFinite', 'signal',
  'onProgress',
]);


/** Whether `value` looks like a LinearOperator (an object with matmul and rmatmul functions). */
export function isLinearOperator(value: unknown): value is LinearOperator {
  const v = value as Partial<LinearOperator> | null;
  return typeof v === 'object' && v !== null && typeof v.matmul === 'function' && typeof v.rmatmul === 'function';
}

function expectOperator(value: LinearOperator, argument: string): LinearOperator {
  expectInteger(value.rows, `${argument}.rows`, 1);
  expectInteger(value.cols, `${argument}.cols`, 1);
  return value;
}


/** The smallest tol the fixed-accuracy indicator resolves in a dtype (docs/algorithms/rsvd.md). */
const TOL_FLOOR = { float32: 1e-3, float64: 1e-7 } as const;

function warn(message: string, code: string): void {
  process.emitWarning(message, { type: 'RandlaWarning', code });
}

interface Prepared {
  A: Matrix | CsrMatrix | LinearOperator;
  request: Omit<RsvdRequest, 'A'>;
  seed: number | bigint;
  backendName: BackendName;
  dtype: 'float32' | 'float64';
}

/** Validates A and the options, resolves the 'auto' rules; shared by rsvd, rsvdSync and pca. */
export function prepareRsvd(input: unknown, options: RsvdOptions, rankArgument = 'options.rank'): Prepared {
  const o = expectObject(options, 'options') as Partial<RsvdOptions> & Record<string, unknown>;
  rejectUnknownOptions(o, KNOWN_OPTIONS);
  const A: Matrix | CsrMatrix | LinearOperator = isLinearOperator(input)
    ? expectOperator(input, 'A')
    : isCsr(input)
      ? expectCsr(input, 'A')
      : toMatrix(input, 'A');
  const dtype = 'data' in A ? (A.data instanceof Float32Array ? 'float32' : 'float64') : 'values' in A ? (A.values instanceof Float32Array ? 'float32' : 'float64') : 'float64';
  const minDim = Math.min(A.rows, A.cols);

  const tol = o.tol === undefined ? 0 : o.tol;
  if (o.tol !== undefined && !(typeof tol === 'number' && tol > 0 && tol < 1)) throw invalid('options.tol', 'a number in (0, 1)', o.tol);
  let rank = 0;
  if (tol === 0) rank = expectInteger(o.rank, rankArgument, 1, minDim);
  else if (o.rank !== undefined) {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected either options.rank or options.tol but received both (rank ${String(o.rank)}, tol ${tol}); tol chooses the rank, cap it with options.maxRank`, {
      argument: 'options.rank',
    });
  }
  const blockSize = expectInteger(o.blockSize ?? Math.min(10, minDim), 'options.blockSize', 1, minDim);
  const maxRank = expectInteger(o.maxRank ?? minDim, 'options.maxRank', 1, minDim);
  const oversamples = expectInteger(o.oversamples ?? 10, 'options.oversamples', 0);
  const powerIters =
    o.powerIters === 'auto' ? (10 * (tol > 0 ? blockSize : rank) < minDim ? 7 : 4) : expectInteger(o.powerIters ?? 2, 'options.powerIters', 0, 1000);
  const normalizerOption = expectOneOf<Normalizer | 'auto'>(o.normalizer ?? 'qr', 'options.normalizer', ['qr', 'lu', 'cholqr2', 'none', 'auto']);
  const normalizer: Normalizer = normalizerOption === 'auto' ? (powerIters <= 2 ? 'none' : 'lu') : normalizerOption;
  if (normalizer === 'none' && powerIters >= 3) {
    warn(`rsvd: normalizer 'none' with ${powerIters} power iterations loses accuracy in floating point (HMT 2011 §4.5); use 'qr', 'lu' or 'cholqr2'`, 'RANDLA_UNNORMALIZED_POWER_ITERATIONS');
  }
  const sketch = expectOneOf<SketchKind>(o.sketch ?? 'gaussian', 'options.sketch', ['gaussian', 'rademacher', 'uniform', 'sparse-sign', 'srht']);
  const sparseNnz = expectInteger(o.sparseNnz ?? 8, 'options.sparseNnz', 1);
  const transpose = o.transpose ?? 'auto';
  if (transpose !== 'auto' && typeof transpose !== 'boolean') throw invalid('options.transpose', "'auto', true or false", transpose);
  const estimateError = expectBoolean(o.estimateError ?? false, 'options.estimateError');
  const errorIters = expectInteger(o.errorIters ?? 6, 'options.errorIters', 1, 1000);
  const center = expectBoolean(o.center ?? false, 'options.center');
  const computeU = expectBoolean(o.computeU ?? true, 'options.computeU');
  const computeV = expectBoolean(o.computeV ?? true, 'options.computeV');
  const checkFinite = expectBoolean(o.checkFinite ?? true, 'options.checkFinite');
  const seed = o.seed ?? randomSeed();
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw invalid('options.signal', 'an AbortSignal', o.signal);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw invalid('options.onProgress', 'a function', o.onProgress);
  if (tol > 0) {
    if (isLinearOperator(A)) {
      throw new RandlaError(ErrorCode.INVALID_ARGUMENT, 'Expected a dense or CSR matrix with options.tol but received a LinearOperator: fixed accuracy needs ‖A‖_F, which an operator cannot give without n products; give options.rank instead', {
        argument: 'options.tol',
      });
    }
    if (tol < TOL_FLOOR[dtype]) {
      warn(`rsvd: tol ${tol} is below what the ${dtype} error indicator resolves (about ${TOL_FLOOR[dtype]}); the rank may be larger than needed`, 'RANDLA_TOL_BELOW_PRECISION');
    }
  }
  const request: Omit<RsvdRequest, 'A'> = {
    rank,
    oversamples,
    powerIters,
    normalizer,
    sketch,
    sparseNnz,
    seed: expectSeed(seed, 'options.seed'),
    transpose,
    tol,
    blockSize,
    maxRank,
    estimateError,
    errorIters,
    center,
    computeU,
    computeV,
    checkFinite,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  };
  return { A, request, seed, backendName: (o.backend ?? 'auto') as BackendName, dtype };
}

function finish(out: RsvdOutput, prepared: Prepared, backend: string): RsvdResult {
  if (prepared.request.tol > 0 && out.converged === false) {
    warn(`rsvd: tol ${prepared.request.tol} not met within maxRank ${prepared.request.maxRank} (relative error ${out.relativeError})`, 'RANDLA_TOL_NOT_MET');
  }
  const result: Record<string, unknown> = {
    S: out.S,
    rank: out.rank,
    seed: prepared.seed,
    backend,
    dtype: prepared.dtype,
    powerIters: prepared.request.powerIters,
    normalizer: prepared.request.normalizer,
  };
  if (out.U) result.U = out.U;
  if (out.Vt) result.Vt = out.Vt;
  if (out.relativeError !== undefined) result.relativeError = out.relativeError;
  if (out.converged !== undefined) result.converged = out.converged;
  if (out.spectralError !== undefined) result.spectralError = out.spectralError;
  if (out.mean !== undefined) result.mean = out.mean;
  return result as unknown as RsvdResult;
}

/** Runs a prepared request on its backend (the matrix-free driver for a LinearOperator). */
export async function runRsvd(prepared: Prepared): Promise<RsvdResult> {
  const backend = selectBackend(prepared.backendName);
  const { A, request } = prepared;
  const out = isLinearOperator(A)
    ? await rsvdOperator(A, request, backend.kernels, prepared.dtype)
    : await backend.rsvd({ ...request, A });
  return finish(out, prepared, backend.name);
}

export function runRsvdSync(prepared: Prepared): RsvdResult {
  const backend = selectBackend(prepared.backendName);
  const { A, request } = prepared;
  if (isLinearOperator(A)) {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, 'Expected a dense or CSR matrix for A in rsvdSync but received a LinearOperator, whose products may be asynchronous: use rsvd()', {
      argument: 'A',
    });
  }
  return finish(backend.rsvdSync({ ...request, A }), prepared, backend.name);
}

/**
 * Randomized SVD A ≈ U·diag(S)·Vt (Halko, Martinsson, Tropp 2011), off the main thread.
 * A is a dense matrix (either layout, f32/f64, number[][], ml-matrix), a CSR matrix or a
 * LinearOperator. Fixed rank (`rank`) or fixed accuracy (`tol`, Yu, Gu, Li 2018).
 * Signs are canonical: the largest-|.| entry of each column of U is positive.
 *
 * @example
 * ```ts
 * import { matrix, rsvd } from 'randla';
 * const A = matrix(Float64Array.from({ length: 200 * 50 }, (_, i) => Math.sin(i)), 200, 50);
 * const { U, S, Vt, seed } = await rsvd(A, { rank: 5, seed: 42 });
 * const { rank, relativeError } = await rsvd(A, { tol: 1e-6 });
 * console.log(S, U.rows, Vt.cols, seed, rank, relativeError);
 * ```
 */
export async function rsvd<T extends Float = Float, O extends RsvdOptions = RsvdOptions>(
  A: Matrix<T> | RsvdInput,
  options: O,
): Promise<RsvdResult<T, O>> {
  return (await runRsvd(prepareRsvd(A, options))) as unknown as RsvdResult<T, O>;
}

/**
 * Synchronous twin of {@link rsvd} for scripts: blocks the event loop while it runs;
 * `signal` and `onProgress` are not used, and A cannot be a LinearOperator.
 *
 * @example
 * ```ts
 * import { rsvdSync } from 'randla';
 * const { S } = rsvdSync([[3, 0], [0, 1], [0, 0]], { rank: 1, seed: 1 });
 * console.log(S[0]); // 3
 * ```
 */
export function rsvdSync<T extends Float = Float, O extends RsvdOptions = RsvdOptions>(
  A: Matrix<T> | MatrixInput | CsrMatrix,
  options: O,
): RsvdResult<T, O> {
  return runRsvdSync(prepareRsvd(A, options)) as unknown as RsvdResult<T, O>;
}
