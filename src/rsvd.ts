// Randomized SVD facade: Halko, Martinsson, Tropp, SIAM Review 2011, Alg. 4.3/4.4 + 5.1.
// Validates and normalises input, picks a backend, returns canonical factors (docs/algorithms/rsvd.md).
import { webcrypto } from 'node:crypto';

import { selectBackend, type BackendName } from './backend/index.js';
import type { RsvdOutput, RsvdRequest } from './backend/types.js';
import { invalid, RandlaError, ErrorCode } from './errors.js';
import { toMatrix, type MatrixInput } from './matrix.js';
import type { Float, Matrix, Normalizer, Progress, SketchKind } from './types.js';
import { expectBoolean, expectInteger, expectObject, expectOneOf, expectSeed } from './validate.js';

export interface RsvdOptions {
  /** Number of singular triplets k, 1 <= k <= min(rows, cols). */
  rank: number;
  /** Extra sketch columns p (default 10); the sketch has min(k + p, min(rows, cols)) columns. */
  oversamples?: number;
  /** Power (subspace) iterations q (default 2); each costs two more passes over A. */
  powerIters?: number;
  /** Re-normalisation between power iterations (default 'qr'; 'lu' as scikit-learn/fbpca). */
  normalizer?: Normalizer;
  /** Test matrix (default 'gaussian'). */
  sketch?: SketchKind;
  /** Philox seed; random when omitted. The seed used is returned, so any run can be repeated. */
  seed?: number | bigint;
  /** 'auto' (default): native when built, else reference. */
  backend?: BackendName;
  /** Reject NaN/±Infinity in A (default true). */
  checkFinite?: boolean;
  /** Aborts the computation between passes over A; the promise rejects with ERR_RANDLA_ABORTED. */
  signal?: AbortSignal;
  /** Called after each of the 2q + 2 passes over A. */
  onProgress?: (progress: Progress) => void;
}

export interface RsvdResult<T extends Float = Float> {
  /** rows x rank, row-major, the dtype of A. */
  U: Matrix<T>;
  /** rank singular values, non-increasing, always f64. */
  S: Float64Array;
  /** rank x cols, row-major, the dtype of A. */
  Vt: Matrix<T>;
  /** The seed used (the one given, or the random one drawn). */
  seed: number | bigint;
  /** The backend that computed the result. */
  backend: string;
  dtype: 'float32' | 'float64';
}

const KNOWN_OPTIONS = new Set([
  'rank', 'oversamples', 'powerIters', 'normalizer', 'sketch', 'seed', 'backend', 'checkFinite', 'signal', 'onProgress',
]);

function randomSeed(): number {
  const [hi, lo] = webcrypto.getRandomValues(new Uint32Array(2)) as unknown as [number, number];
  return (hi & 0x1fffff) * 2 ** 32 + lo; // 53 bits: a safe integer, easy to store and pass back
}

function prepare(A: MatrixInput, options: RsvdOptions): { request: RsvdRequest; seed: number | bigint; backendName: BackendName } {
  const o = expectObject(options, 'options') as Partial<RsvdOptions> & Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a known option in options but received options.${key} (known: ${[...KNOWN_OPTIONS].join(', ')})`, {
        argument: `options.${key}`,
      });
    }
  }
  const matrix = toMatrix(A, 'A');
  const minDim = Math.min(matrix.rows, matrix.cols);
  const rank = expectInteger(o.rank, 'options.rank', 1, minDim);
  const oversamples = expectInteger(o.oversamples ?? 10, 'options.oversamples', 0);
  const powerIters = expectInteger(o.powerIters ?? 2, 'options.powerIters', 0, 1000);
  const normalizer = expectOneOf<Normalizer>(o.normalizer ?? 'qr', 'options.normalizer', ['qr', 'lu', 'none']);
  const sketch = expectOneOf<SketchKind>(o.sketch ?? 'gaussian', 'options.sketch', ['gaussian', 'rademacher']);
  const seed = o.seed ?? randomSeed();
  const checkFinite = expectBoolean(o.checkFinite ?? true, 'options.checkFinite');
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw invalid('options.signal', 'an AbortSignal', o.signal);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw invalid('options.onProgress', 'a function', o.onProgress);
  const request: RsvdRequest = {
    A: matrix,
    rank,
    oversamples,
    powerIters,
    normalizer,
    sketch,
    seed: expectSeed(seed, 'options.seed'),
    checkFinite,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  };
  return { request, seed, backendName: (o.backend ?? 'auto') as BackendName };
}

function finish(out: RsvdOutput, seed: number | bigint, backend: string): RsvdResult {
  return { U: out.U, S: out.S, Vt: out.Vt, seed, backend, dtype: out.U.data instanceof Float32Array ? 'float32' : 'float64' };
}

/**
 * Randomized SVD A ≈ U·diag(S)·Vt of rank k (Halko, Martinsson, Tropp 2011), off the main thread.
 * Signs are canonical: the largest-|.| entry of each column of U is positive.
 *
 * @example
 * ```ts
 * import { matrix, rsvd } from 'randla';
 * const A = matrix(Float64Array.from({ length: 200 * 50 }, (_, i) => Math.sin(i)), 200, 50);
 * const { U, S, Vt, seed } = await rsvd(A, { rank: 5, seed: 42 });
 * console.log(S, U.rows, Vt.cols, seed);
 * ```
 */
export async function rsvd<T extends Float = Float>(A: Matrix<T> | MatrixInput, options: RsvdOptions): Promise<RsvdResult<T>> {
  const { request, seed, backendName } = prepare(A, options);
  const backend = selectBackend(backendName);
  return finish(await backend.rsvd(request), seed, backend.name) as RsvdResult<T>;
}

/**
 * Synchronous twin of {@link rsvd} for scripts: blocks the event loop while it runs;
 * `signal` and `onProgress` are not used.
 *
 * @example
 * ```ts
 * import { rsvdSync } from 'randla';
 * const { S } = rsvdSync([[3, 0], [0, 1], [0, 0]], { rank: 1, seed: 1 });
 * console.log(S[0]); // 3
 * ```
 */
export function rsvdSync<T extends Float = Float>(A: Matrix<T> | MatrixInput, options: RsvdOptions): RsvdResult<T> {
  const { request, seed, backendName } = prepare(A, options);
  const backend = selectBackend(backendName);
  return finish(backend.rsvdSync(request), seed, backend.name) as RsvdResult<T>;
}
