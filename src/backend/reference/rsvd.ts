// Randomized SVD: Halko, Martinsson, Tropp, SIAM Review 53(2), 2011, Algorithms 4.3/4.4 (range
// finder with power/subspace iterations) and 5.1 (direct SVD of B = QᵀA); fixed accuracy by Yu, Gu,
// Li, SIMAX 2018, Algorithm 2 (randQB_EI). The passes are docs/algorithms/rsvd.md's, the same as
// the native core's (native/src/cpu/rsvd.cpp). Deviation: f32 input is computed in f64.

import { RandlaError, ErrorCode } from '../../errors.js';
import type { CsrMatrix, Matrix } from '../../types.js';
import type { DenseKernels, RsvdOutput, RsvdRequest } from '../types.js';
import { adaptiveQb } from './adaptive_qb.js';
import { multiply } from './dense.js';
import { referenceKernels } from './normalize.js';
import { centeredOperator, csrOperator, denseOperator, transposedOperator, type Operator } from './operators.js';
import { PassCounter, runAsync, runSync, settle, type Steps } from './passes.js';
import { qb } from './range_finder.js';
import { residualNorm } from './residual_norm.js';

/** What the algorithm needs besides its input operator: the request, less the input and the driver's concerns. */
export interface RsvdParams extends Omit<RsvdRequest, 'A' | 'signal' | 'onProgress'> {
  /** Round the test matrices to f32 (f32 input: the native backend sketches with f32 numbers). */
  roundSketch: boolean;
  /** The dtype of the returned U and Vt. */
  dtype: 'float32' | 'float64';
}

/**
 * The randomized SVD of the operator `input` as a generator of steps: every product goes
 * through `input` (and may have to be awaited), every dense step through `kernels`, and a
 * progress step follows each pass over A. The sync, async and matrix-free drivers run it.
 *
 * Passes (docs/algorithms/rsvd.md): 1 for `center`; 2q + 2 for a fixed rank, or 1 + (2q + 2)
 * per block for a fixed accuracy; `errorIters`·gramPasses for `estimateError`.
 */
export function* rsvdSteps(input: Operator, p: RsvdParams, kernels: DenseKernels): Steps<RsvdOutput> {
  const rows = input.rows;
  const cols = input.cols;
  const minDim = Math.min(rows, cols);
  const fixedAccuracy = p.tol > 0;
  if (!fixedAccuracy && !(p.rank >= 1 && p.rank <= minDim)) {
    throw new RandlaError(ErrorCode.INTERNAL, `rsvd needs 1 <= rank <= ${minDim} but received rank ${p.rank} for ${rows} x ${cols}`);
  }
  if (p.checkFinite) input.expectFinite('A');
  const passes = new PassCounter();
  const q = p.powerIters;

  // Centering: μ = column means (one pass); A − 1μᵀ stays implicit.
  let base = input;
  let mean: Float64Array | undefined;
  if (p.center) {
    passes.setTotal(1);
    mean = yield* settle(input.columnSums());
    for (let j = 0; j < cols; j++) mean[j]! /= rows;
    yield* passes.pass();
    base = centeredOperator(input, mean);
  }

  // 1. Orientation: the range finder runs on the tall one (Aᵀ, a view) unless told otherwise.
  const wide = p.transpose === 'auto' ? rows < cols : p.transpose;
  const A = wide ? transposedOperator(base) : base;
  const m = A.rows;
  const n = A.cols;
  const errorPasses = p.estimateError ? p.errorIters * A.gramPasses : 0;
  const sketch = { sketch: p.sketch, sparseNnz: p.sparseNnz, seed: p.seed, roundSketch: p.roundSketch };

  // 2–6 (or randQB_EI): Q (m × l) and Bᵀ = AᵀQ (n × l).
  let Q: Float64Array;
  let Bt: Float64Array;
  let l: number;
  let fa: { normSquared: number; residualSquared: number; converged: boolean } | undefined;
  if (!fixedAccuracy) {
    l = Math.min(p.rank + p.oversamples, minDim);
    passes.setTotal(passes.done + 2 * q + 2 + errorPasses);
    ({ Q, Bt } = yield* qb(A, { ...sketch, size: l, powerIters: q, normalizer: p.normalizer }, kernels, passes));
  } else {
    const maxRank = p.maxRank === 0 ? minDim : p.maxRank;
    passes.setTotal(passes.done + errorPasses); // adaptiveQb plans its own passes on top
    const f = yield* adaptiveQb(
      A,
      { ...sketch, tol: p.tol, blockSize: p.blockSize, maxRank, powerIters: q, normalizer: p.normalizer },
      kernels,
      passes,
    );
    ({ Q, Bt } = f);
    l = f.size;
    fa = f;
  }

  // Small SVD in f64: Bᵀ = W·diag(σ)·Zᵀ, so B = Z·diag(σ)·Wᵀ and A ≈ (QZ)·diag(σ)·Wᵀ.
  const { W, S: sigma, Z } = kernels.svd(Bt, n, l);

  let k = p.rank;
  let relativeError: number | undefined;
  if (fa) {
    // ‖A − Q·B_k‖²_F = E + Σ_{i>k} σᵢ², E = ‖A − QB‖²_F: the smallest k that meets tol²·‖A‖²_F.
    const target = p.tol * p.tol * fa.normSquared;
    const tail = new Float64Array(l + 1); // tail[c] = Σ_{i>=c} σᵢ² (0-based)
    for (let i = l - 1; i >= 0; i--) tail[i] = tail[i + 1]! + sigma[i]! * sigma[i]!;
    k = l;
    if (fa.converged) {
      for (let c = 1; c <= l; c++) {
        if (fa.residualSquared + tail[c]! <= target) {
          k = c;
          break;
        }
      }
    }
    const err2 = Math.max(0, fa.residualSquared + tail[k]!);
    relativeError = fa.normSquared > 0 ? Math.sqrt(err2 / fa.normSquared) : 0;
  }

  // 7. U = Q·Z[:, :k] (m × k), V = W[:, :k] (n × k), in the working orientation.
  const uTall = multiply(Q, m, l, Z.subarray(0, l * k), k);
  const vTall = W.subarray(0, n * k);
  const S = sigma.slice(0, k);

  let spectralError: number | undefined;
  if (p.estimateError) {
    spectralError = yield* residualNorm(A, uTall, S, vTall, { iters: p.errorIters, seed: p.seed, roundSketch: p.roundSketch }, kernels, passes);
  }

  // Back to A's orientation (a wide A's factors swap), then 8: canonical signs.
  const left = wide ? vTall : uTall; // rows × k
  const right = wide ? uTall : vTall; // cols × k
  const out: RsvdOutput = { S, rank: k, ...canonicalFactors(left, right, rows, cols, k, p) };
  if (fa) {
    out.relativeError = relativeError!;
    out.converged = fa.converged;
  }
  if (spectralError !== undefined) out.spectralError = spectralError;
  if (mean) out.mean = mean;
  return out;
}

/**
 * U (rows × k) and Vt (k × cols), row-major in the output dtype, with scikit-learn's svd_flip
 * (u-based) signs: the first entry of largest |value| of each returned U column is positive. The
 * rule is decided on U as returned (rounded to f32 for f32 output), also when U is not.
 */
function canonicalFactors(
  left: Float64Array,
  right: Float64Array,
  rows: number,
  cols: number,
  k: number,
  p: Pick<RsvdParams, 'computeU' | 'computeV' | 'dtype'>,
): Pick<RsvdOutput, 'U' | 'Vt'> {
  const f32 = p.dtype === 'float32';
  const round = f32 ? Math.fround : (x: number) => x;
  const U = p.computeU ? (f32 ? new Float32Array(rows * k) : new Float64Array(rows * k)) : undefined;
  const Vt = p.computeV ? (f32 ? new Float32Array(k * cols) : new Float64Array(k * cols)) : undefined;
  for (let j = 0; j < k; j++) {
    const uo = j * rows;
    let best = 0;
    let bestAbs = -1;
    for (let i = 0; i < rows; i++) {
      const a = Math.abs(round(left[uo + i]!));
      if (a > bestAbs) {
        bestAbs = a;
        best = i;
      }
    }
    const sign = round(left[uo + best]!) < 0 ? -1 : 1;
    if (U) for (let i = 0; i < rows; i++) U[i * k + j] = sign * left[uo + i]!;
    if (Vt) {
      const vo = j * cols;
      for (let i = 0; i < cols; i++) Vt[j * cols + i] = sign * right[vo + i]!;
    }
  }
  const out: Pick<RsvdOutput, 'U' | 'Vt'> = {};
  if (U) out.U = { data: U, rows, cols: k, layout: 'row-major' } satisfies Matrix;
  if (Vt) out.Vt = { data: Vt, rows: k, cols, layout: 'row-major' } satisfies Matrix;
  return out;
}

function isCsr(A: Matrix | CsrMatrix): A is CsrMatrix {
  return (A as CsrMatrix).format === 'csr';
}

/** The request's input as an operator, and the parameters of the algorithm for it. */
function prepare(request: RsvdRequest): [Operator, RsvdParams] {
  const { A, signal: _signal, onProgress: _onProgress, ...rest } = request;
  const csr = isCsr(A);
  const f32 = (csr ? A.values : A.data) instanceof Float32Array;
  const op = csr ? csrOperator(A) : denseOperator(A);
  return [op, { ...rest, roundSketch: f32, dtype: f32 ? 'float32' : 'float64' }];
}

/**
 * Randomized SVD on the reference backend, synchronously, for a dense or CSR input. Rejects
 * NaN/±Infinity in A with `ERR_RANDLA_NOT_FINITE` when `checkFinite` is set, calls `onProgress`
 * after each pass over A and honours an aborted `signal` between passes.
 *
 * @example
 * const A = { data: new Float64Array([3, 0, 0, 0, 2, 0]), rows: 3, cols: 2, layout: 'col-major' as const };
 * rsvdReference({ A, rank: 1, oversamples: 1, powerIters: 1, normalizer: 'qr', sketch: 'gaussian', sparseNnz: 8,
 *   seed: 7n, transpose: 'auto', tol: 0, blockSize: 10, maxRank: 0, estimateError: false, errorIters: 4,
 *   center: false, computeU: true, computeV: true, checkFinite: true }).S;
 * // ≈ Float64Array [3]
 */
export function rsvdReference(request: RsvdRequest): RsvdOutput {
  const [op, params] = prepare(request);
  return runSync(rsvdSteps(op, params, referenceKernels), request);
}

/**
 * Randomized SVD on the reference backend: the same steps as {@link rsvdReference}, yielding to
 * the event loop between passes so that `signal` and timers get their turn. Rejects with
 * `ERR_RANDLA_ABORTED` (cause: the signal's reason) once `signal` is aborted.
 *
 * @example
 * const A = { data: new Float64Array([3, 0, 0, 0, 2, 0]), rows: 3, cols: 2, layout: 'col-major' as const };
 * (await rsvdReferenceAsync({ A, rank: 1, oversamples: 1, powerIters: 1, normalizer: 'qr', sketch: 'gaussian',
 *   sparseNnz: 8, seed: 7n, transpose: 'auto', tol: 0, blockSize: 10, maxRank: 0, estimateError: false,
 *   errorIters: 4, center: false, computeU: true, computeV: true, checkFinite: true })).S;
 * // ≈ Float64Array [3]
 */
export async function rsvdReferenceAsync(request: RsvdRequest): Promise<RsvdOutput> {
  const [op, params] = prepare(request);
  return runAsync(rsvdSteps(op, params, referenceKernels), request);
}
