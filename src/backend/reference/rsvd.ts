// Randomized SVD: Halko, Martinsson, Tropp, SIAM Review 53(2), 2011, Algorithms 4.3/4.4 (range
// finder with power/subspace iterations) and 5.1 (direct SVD of B = QᵀA); passes as docs/algorithms/rsvd.md.

import { RandlaError, ErrorCode } from '../../errors.js';
import type { Matrix, Progress } from '../../types.js';
import { expectFinite } from '../../validate.js';
import type { RsvdOutput, RsvdRequest } from '../types.js';
import { applyA, applyAt, householderQ, luPermutedLower, smallSvd } from './dense.js';
import { STREAM_RANGE_FINDER, testMatrix } from './philox.js';

function normalize(Y: Float64Array, rows: number, cols: number, normalizer: RsvdRequest['normalizer']): Float64Array {
  switch (normalizer) {
    case 'qr':
      return householderQ(Y, rows, cols);
    case 'lu':
      return luPermutedLower(Y, rows, cols);
    case 'none':
      return Y;
  }
}

/**
 * The algorithm as a generator that yields after each of its 2q + 2 passes over A, so the sync
 * and async drivers run the very same steps and differ only in what they do between passes.
 *
 * Precision: an f32 input is read as f64 and every product, QR and LU runs in f64; only U and Vt
 * are rounded to f32 at the end. The native backend runs the products in f32 (sgemm), so the two
 * agree to f32 accuracy, not bit for bit; the reference stays the more accurate of the two, which
 * is what an oracle for tests should be. The sketch Ω itself is rounded to f32 first, so both
 * backends sketch with the same numbers.
 */
function* rsvdPasses(request: RsvdRequest): Generator<Progress, RsvdOutput, void> {
  const { A, rank: k, oversamples: p, powerIters: q, normalizer, sketch, seed } = request;
  const f32 = A.data instanceof Float32Array;
  // The facade leaves this scan to the backend, so the native one can run it off the main thread.
  if (request.checkFinite) expectFinite(A, 'A');

  // 1. Orientation: a wide A is factorized as Aᵀ (a transposed view, no copy).
  const transposed = A.rows < A.cols;
  const m = transposed ? A.cols : A.rows;
  const n = transposed ? A.rows : A.cols;

  // 2. Sketch size and test matrix Ω (n × l), Philox stream 0.
  const l = Math.min(k + p, n);
  if (!(k >= 1 && k <= l)) {
    throw new RandlaError(ErrorCode.INTERNAL, `rsvd needs 1 <= rank <= min(rows, cols) but received rank ${k} for ${A.rows} x ${A.cols}`);
  }
  const omega = testMatrix(n, l, seed, STREAM_RANGE_FINDER, sketch);
  if (f32) for (let t = 0; t < omega.length; t++) omega[t] = Math.fround(omega[t]);

  const totalPasses = 2 * q + 2;
  let pass = 0;

  // 3. Y = A Ω.
  let Y = applyA(A, omega, l, transposed);
  yield { pass: ++pass, totalPasses };

  // 4. Power (subspace) iterations.
  for (let it = 0; it < q; it++) {
    const Yn = normalize(Y, m, l, normalizer);
    let Z = applyAt(A, Yn, l, transposed);
    yield { pass: ++pass, totalPasses };
    Z = normalize(Z, n, l, normalizer);
    Y = applyA(A, Z, l, transposed);
    yield { pass: ++pass, totalPasses };
  }

  // 5. Orthonormal basis of the range.
  const Q = householderQ(Y, m, l);

  // 6. Bᵀ = AᵀQ (n × l) and its SVD Bᵀ = W Σ Zᵀ, in f64 for both dtypes.
  const Bt = applyAt(A, Q, l, transposed);
  yield { pass: ++pass, totalPasses };
  const { W, S: sigma, Z } = smallSvd(Bt, n, l);

  // 7. U = Q Z[:, :k] (m × k, column-major), V = W[:, :k] (n × k, column-major).
  const Ut = new Float64Array(m * k);
  for (let j = 0; j < k; j++) {
    const uo = j * m;
    for (let c = 0; c < l; c++) {
      const z = Z[c + j * l];
      if (z === 0) continue;
      const qo = c * m;
      for (let i = 0; i < m; i++) Ut[uo + i] += Q[qo + i] * z;
    }
  }
  const Vt = W.subarray(0, n * k);

  // Back to A's orientation: for a wide A the factors of Aᵀ swap roles.
  const U = transposed ? Vt : Ut;
  const V = transposed ? Ut : Vt;
  const rows = A.rows;
  const cols = A.cols;

  // 8. Canonical signs (scikit-learn svd_flip, u-based) on the returned U, decided in f64.
  const sign = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const uo = j * rows;
    let best = 0;
    let bestAbs = -1;
    for (let i = 0; i < rows; i++) {
      const a = Math.abs(U[uo + i]);
      if (a > bestAbs) {
        bestAbs = a;
        best = i;
      }
    }
    sign[j] = U[uo + best] < 0 ? -1 : 1;
  }

  const outU = f32 ? new Float32Array(rows * k) : new Float64Array(rows * k);
  const outVt = f32 ? new Float32Array(k * cols) : new Float64Array(k * cols);
  for (let j = 0; j < k; j++) {
    const sj = sign[j];
    const uo = j * rows;
    for (let i = 0; i < rows; i++) outU[i * k + j] = sj * U[uo + i];
    const vo = j * cols;
    for (let i = 0; i < cols; i++) outVt[j * cols + i] = sj * V[vo + i];
  }

  const result: RsvdOutput = {
    U: { data: outU, rows, cols: k, layout: 'row-major' } satisfies Matrix,
    S: sigma.slice(0, k),
    Vt: { data: outVt, rows: k, cols, layout: 'row-major' } satisfies Matrix,
  };
  return result;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new RandlaError(ErrorCode.ABORTED, 'rsvd was aborted', { cause: signal.reason });
  }
}

/**
 * Randomized SVD on the reference backend, synchronously. Rejects NaN/±Infinity in A with
 * `ERR_RANDLA_NOT_FINITE` when `checkFinite` is set, calls `onProgress` after each pass over A
 * and honours an aborted `signal` between passes.
 *
 * @example
 * const A = { data: new Float64Array([3, 0, 0, 0, 2, 0]), rows: 3, cols: 2, layout: 'col-major' as const };
 * rsvdReference({ A, rank: 1, oversamples: 1, powerIters: 1, normalizer: 'qr', sketch: 'gaussian', seed: 7n, checkFinite: true }).S;
 * // ≈ Float64Array [3]
 */
export function rsvdReference(request: RsvdRequest): RsvdOutput {
  throwIfAborted(request.signal);
  const passes = rsvdPasses(request);
  for (;;) {
    const step = passes.next();
    if (step.done) return step.value;
    request.onProgress?.(step.value);
    throwIfAborted(request.signal);
  }
}

/**
 * Randomized SVD on the reference backend: the same steps as {@link rsvdReference}, yielding to
 * the event loop between passes so that `signal` and timers get their turn. Rejects with
 * `ERR_RANDLA_ABORTED` (cause: the signal's reason) once `signal` is aborted.
 *
 * @example
 * const A = { data: new Float64Array([3, 0, 0, 0, 2, 0]), rows: 3, cols: 2, layout: 'col-major' as const };
 * (await rsvdReferenceAsync({ A, rank: 1, oversamples: 1, powerIters: 1, normalizer: 'qr', sketch: 'gaussian', seed: 7n, checkFinite: true })).S;
 * // ≈ Float64Array [3]
 */
export async function rsvdReferenceAsync(request: RsvdRequest): Promise<RsvdOutput> {
  throwIfAborted(request.signal);
  const passes = rsvdPasses(request);
  for (;;) {
    const step = passes.next();
    if (step.done) return step.value;
    request.onProgress?.(step.value);
    await new Promise<void>((resolve) => setImmediate(resolve));
    throwIfAborted(request.signal);
  }
}
