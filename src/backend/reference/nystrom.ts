// Nyström eigendecomposition of a symmetric matrix from sampled columns or one sketch A·Ω:
// Williams & Seeger 2001; Tropp, Yurtsever, Udell, Cevher 2017, Alg. 3 (psd core); Chen, Epperly,
// Tropp, Webber 2022, Alg. 2 (block RPCholesky). The steps are docs/algorithms/nystrom.md's, the
// same as the native core's; only sampled columns are ever computed from an operator or kernel.

import { RandlaError, ErrorCode } from '../../errors.js';
import type { Matrix } from '../../types.js';
import type { NystromInput, NystromMethod, NystromOutput, NystromRequest } from '../types.js';
import { applyA, multiplyTransposed, symmetricEigen, type SymmetricEigen } from './dense.js';
import { kernelColumns, kernelDiagonal, kernelMatrix, kernelProduct } from './kernel_operator.js';
import {
  canonicalPairs,
  fromFactor,
  indefiniteCore,
  notPsd,
  psdCoreColumns,
  psdCoreSketch,
  psdVerdict,
  sampledCore,
  scaledCore,
  symmetrize,
  type Eigenpairs,
  type PsdVerdict,
} from './nystrom_cores.js';
import { quasiUniformColumns, uniformColumns } from './nystrom_sampling.js';
import type { Awaitable } from './operators.js';
import { PassCounter, runAsync, runSync, settle, type Steps } from './passes.js';
import { STREAM_NYSTROM_SKETCH, testMatrix } from './philox.js';
import { rpcholeskySteps, type ColumnSource } from './rpcholesky.js';

const UNIT_ROUNDOFF = 2 ** -53;

/** The input as the algorithm sees it: columns, the diagonal when known, and A·X when there is one. */
interface Source extends ColumnSource {
  /** Kernels: positive definite by construction, so `auto` is `psd` without a test. */
  readonly knownPsd: boolean;
  /** diag(A), or undefined when the input cannot give it. */
  diagonal(): Awaitable<Float64Array> | undefined;
  /** A·X for a column-major n × l block X; absent for operators. */
  product?(X: Float64Array, l: number): Float64Array;
}

function denseSource(A: Matrix): Source {
  const n = A.rows;
  const data = A.data;
  // Column j of a symmetric matrix is its row j, so whatever the layout, data[j·n .. j·n + n) is
  // taken as column j (contiguous), as the native core does; f32 entries widen exactly.
  return {
    size: n,
    knownPsd: false,
    columns(indices) {
      const out = new Float64Array(n * indices.length);
      for (let t = 0; t < indices.length; t++) {
        const j = indices[t]!;
        for (let i = 0; i < n; i++) out[t * n + i] = data[j * n + i]!;
      }
      return out;
    },
    diagonal() {
      const d = new Float64Array(n);
      for (let i = 0; i < n; i++) d[i] = data[i * n + i]!;
      return d;
    },
    product(X, l) {
      return applyA(A, X, l);
    },
  };
}

function sourceOf(input: NystromInput): Source {
  switch (input.kind) {
    case 'dense':
      return denseSource(input.A);
    case 'kernel': {
      const K = kernelMatrix(input.points, input.kernel, input.gamma);
      return {
        size: K.size,
        knownPsd: true,
        columns: (indices) => kernelColumns(K, indices),
        diagonal: () => kernelDiagonal(K),
        product: (X, l) => kernelProduct(K, X, l),
      };
    }
    case 'operator': {
      const diagonal = input.diagonal;
      return {
        size: input.size,
        knownPsd: false,
        columns: (indices) => input.columns(indices),
        diagonal: () => (diagonal ? diagonal.call(input) : undefined),
      };
    }
    default:
      throw invalid('A', 'a dense matrix, a kernel or an operator', JSON.stringify((input as { kind?: unknown }).kind));
  }
}

/** diag(A) checked: n finite entries. */
function checkedDiagonal(d: Float64Array, n: number): Float64Array {
  if (d.length !== n) {
    throw new RandlaError(ErrorCode.SHAPE, `Expected a diagonal of length ${n} for A.diagonal() but received length ${d.length}`, {
      argument: 'A.diagonal',
    });
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(d[i]!)) {
      throw new RandlaError(ErrorCode.NOT_FINITE, `Expected finite entries for A.diagonal() but received ${d[i]} at ${i}`, {
        argument: 'A.diagonal',
      });
    }
  }
  return d;
}

// Like errors.ts invalid(), with `actual` already worded ("12 rows", "'gaussian'"): these
// messages describe the received value better than its type and value would.
function invalid(argument: string, expected: string, actual: string): RandlaError {
  return new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected ${expected} for ${argument} but received ${actual}`, { argument });
}

/** The request's sizes and defaults, checked again (the facade has; this backend is callable on its own). */
function resolved(request: NystromRequest, n: number) {
  const r = request.rank;
  const l = request.columns;
  if (!(Number.isInteger(l) && l >= 1 && l <= n)) throw invalid('options.columns', `an integer in [1, ${n}]`, String(l));
  if (!(Number.isInteger(r) && r >= 1 && r <= l)) throw invalid('options.rank', `an integer in [1, ${l}] (the columns)`, String(r));
  const coreRank = request.coreRank > 0 ? request.coreRank : r;
  if (!(Number.isInteger(coreRank) && coreRank >= r && coreRank <= l)) {
    throw invalid('options.coreRank', `an integer in [${r}, ${l}]`, String(request.coreRank));
  }
  const tau = request.coreTolerance >= 0 ? request.coreTolerance : 10 * l * UNIT_ROUNDOFF;
  const blockSize = request.blockSize > 0 ? request.blockSize : Math.ceil(l / 10);
  return { r, l, coreRank, tau, blockSize };
}

/**
 * Nyström as a generator of steps (passes.ts): one progress step per batch of columns computed
 * (`blockSize` columns, or one RPCholesky block; `pass` counts columns, `totalPasses` is l), or
 * one for the single product of `gaussian`; the driver checks `signal` after each.
 */
export function* nystromSteps(request: NystromRequest): Steps<NystromOutput> {
  const input = request.input;
  const source = sourceOf(input);
  const n = source.size;
  const { r, l, coreRank, tau, blockSize } = resolved(request, n);
  const sampling = request.sampling;
  let method: NystromMethod = request.method;
  const passes = new PassCounter();

  /**
   * The psd or the indefinite core as decided. With `method: 'auto'`, a W that passed the PSD test
   * but whose shifted Cholesky still fails (PSD only to within τ) falls back to the indefinite
   * core, as the native core does; an explicit 'psd' keeps the error.
   */
  function withFallback(
    decided: { method: Exclude<NystromMethod, 'auto'>; verdict?: PsdVerdict },
    W: Float64Array,
    k: number,
    psd: () => Eigenpairs,
    indefinite: (eig: SymmetricEigen) => Eigenpairs,
  ): [Exclude<NystromMethod, 'auto'>, Eigenpairs] {
    if (decided.method !== 'psd') return [decided.method, indefinite(decided.verdict!.eig)];
    try {
      return ['psd', psd()];
    } catch (e) {
      if (method !== 'auto' || !(e instanceof RandlaError) || e.code !== ErrorCode.NOT_PSD) throw e;
      return ['indefinite', indefinite(decided.verdict?.eig ?? symmetricEigen(W, k))];
    }
  }

  /** The method for a non-rpcholesky sample with core W: auto resolved, psd tested. */
  function* decide(W: Float64Array, k: number): Steps<{ method: Exclude<NystromMethod, 'auto'>; verdict?: PsdVerdict }> {
    if (method === 'scaled' || method === 'indefinite') return { method, verdict: psdVerdict(W, k, tau, undefined) };
    if (source.knownPsd) return { method: 'psd' };
    const d = source.diagonal();
    const diagonal = d === undefined ? undefined : checkedDiagonal(yield* settle(d), n);
    const verdict = psdVerdict(W, k, tau, diagonal);
    if (verdict.psd) return { method: 'psd', verdict };
    if (method === 'psd') throw notPsd(verdict.reason!);
    return { method: 'indefinite', verdict };
  }

  if (sampling === 'gaussian') {
    if (!source.product) throw invalid('options.sampling', "'uniform', 'quasi-uniform' or 'rpcholesky' for an operator (it has no product A·Ω)", "'gaussian'");
    if (method === 'scaled') throw invalid('options.method', "'auto', 'psd' or 'indefinite' with sampling 'gaussian'", "'scaled'");
    passes.setTotal(1);
    const Omega = testMatrix(n, l, request.seed, STREAM_NYSTROM_SKETCH, 'gaussian');
    const Y = source.product(Omega, l);
    yield* passes.pass();
    const W = symmetrize(multiplyTransposed(Omega, n, l, Y, l), l);
    const decided = yield* decide(W, l);
    const [chosen, pairs] = withFallback(decided, W, l, () => psdCoreSketch(Y, Omega, n, l), (eig) => indefiniteCore(Y, n, l, eig, coreRank, tau));
    return { ...canonicalPairs(pairs, n, r), method: chosen, columns: l };
  }

  if (sampling === 'rpcholesky') {
    const d = source.diagonal();
    if (d === undefined) throw invalid('A.diagonal', "a diagonal() method for sampling 'rpcholesky'", 'an operator without one');
    const diagonal = checkedDiagonal(yield* settle(d), n);
    const chosen: Exclude<NystromMethod, 'auto'> = method === 'auto' ? 'psd' : method;
    passes.setTotal(l);
    const { S, F, rank, C } = yield* rpcholeskySteps(source, diagonal, l, blockSize, request.seed, tau, passes, chosen !== 'psd');
    const k = S.length;
    let pairs: Eigenpairs;
    if (chosen === 'psd') {
      pairs = fromFactor(F, n, rank, 0);
    } else {
      const W = sampledCore(C!, n, S);
      const eig = psdVerdict(W, k, tau, undefined).eig;
      const kc = Math.min(coreRank, k);
      pairs = chosen === 'indefinite' ? indefiniteCore(C!, n, k, eig, kc, tau) : scaledCore(C!, n, k, eig, kc, tau);
    }
    return { ...canonicalPairs(pairs, n, r), indices: S, method: chosen, columns: k };
  }

  let S: Int32Array;
  if (sampling === 'uniform') {
    S = uniformColumns(n, l, request.seed);
  } else if (sampling === 'quasi-uniform') {
    const coords = request.coords;
    if (!coords) throw invalid('options.coords', "n × d point coordinates for sampling 'quasi-uniform'", 'none');
    if (coords.rows !== n) throw invalid('options.coords', `${n} rows (one per node)`, `${coords.rows} rows`);
    S = quasiUniformColumns(coords, l, request.seed);
  } else {
    throw invalid('options.sampling', "'uniform', 'quasi-uniform', 'rpcholesky' or 'gaussian'", JSON.stringify(sampling));
  }

  passes.setTotal(l);
  const C = new Float64Array(n * l);
  for (let t0 = 0; t0 < l; t0 += blockSize) {
    const t1 = Math.min(l, t0 + blockSize);
    C.set(yield* settle(source.columns(S.subarray(t0, t1))), t0 * n);
    yield* passes.pass(t1 - t0);
  }
  const W = sampledCore(C, n, S);
  const decided = yield* decide(W, l);
  const [chosen, pairs] =
    decided.method === 'scaled'
      ? (['scaled', scaledCore(C, n, l, decided.verdict!.eig, coreRank, tau)] as const)
      : withFallback(decided, W, l, () => psdCoreColumns(C, n, S), (eig) => indefiniteCore(C, n, l, eig, coreRank, tau));
  return { ...canonicalPairs(pairs, n, r), indices: S, method: chosen, columns: l };
}

/**
 * Nyström eigendecomposition on the reference backend, synchronously, for a dense or kernel input
 * or an operator whose `columns()` and `diagonal()` answer at once. Calls `onProgress` after each
 * batch of columns and honours an aborted `signal` between them.
 *
 * @example
 * const A = { data: new Float64Array([2, 1, 1, 2]), rows: 2, cols: 2, layout: 'row-major' as const };
 * nystromReferenceSync({ input: { kind: 'dense', A }, rank: 1, columns: 2, sampling: 'uniform', method: 'auto',
 *   coreRank: 1, coreTolerance: -1, blockSize: 0, seed: 1n }).values; // ≈ Float64Array [3]
 */
export function nystromReferenceSync(request: NystromRequest): NystromOutput {
  return runSync(nystromSteps(request), request);
}

/**
 * Nyström eigendecomposition on the reference backend: the steps of {@link nystromReferenceSync},
 * awaiting asynchronous operator columns and yielding to the event loop between batches. Rejects
 * with `ERR_RANDLA_ABORTED` once `signal` is aborted.
 *
 * @example
 * const A = { data: new Float64Array([2, 1, 1, 2]), rows: 2, cols: 2, layout: 'row-major' as const };
 * (await nystromReference({ input: { kind: 'dense', A }, rank: 1, columns: 2, sampling: 'uniform', method: 'auto',
 *   coreRank: 1, coreTolerance: -1, blockSize: 0, seed: 1n })).values; // ≈ Float64Array [3]
 */
export async function nystromReference(request: NystromRequest): Promise<NystromOutput> {
  return runAsync(nystromSteps(request), request);
}
