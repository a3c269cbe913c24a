// The randomized SVD of a matrix-free LinearOperator: the passes of docs/algorithms/rsvd.md (Halko,
// Martinsson, Tropp 2011, Alg. 4.3/4.4 + 5.1) driven from TypeScript, each one `matmul` or
// `rmatmul` call whose result is checked; the dense steps run on the chosen backend's kernels.

import { RandlaError, ErrorCode, invalid } from '../../errors.js';
import type { LinearOperator, Matrix } from '../../types.js';
import { expectFinite, expectMatrix } from '../../validate.js';
import type { DenseKernels, RsvdOutput, RsvdRequest } from '../types.js';
import { andThen, type Operator } from './operators.js';
import { runAsync } from './passes.js';
import { rsvdSteps } from './rsvd.js';

/**
 * What a user's callback `name` returned (`A.matmul`, `A.rmatmul`, a SymmetricOperator's
 * `A.columns`): checked to be a Matrix of `rows` × l (ERR_RANDLA_SHAPE otherwise; `why` says what
 * fixed that shape, e.g. "X is 30 x 5") with finite entries (ERR_RANDLA_NOT_FINITE, when
 * `checkFinite`), copied into a fresh column-major Float64Array.
 */
export function checkedResult(result: unknown, name: string, rows: number, l: number, why: string, checkFinite: boolean): Float64Array {
  if (result === null || typeof result !== 'object') throw invalid(name, 'a Matrix { data, rows, cols, layout } as the result', result);
  const R = expectMatrix(result, name);
  if (R.rows !== rows || R.cols !== l) {
    throw new RandlaError(
      ErrorCode.SHAPE,
      `Expected a ${rows} x ${l} matrix from ${name} (${why}) but received ${R.rows} x ${R.cols}`,
      { argument: name },
    );
  }
  if (checkFinite) expectFinite(R, name);
  const out = new Float64Array(rows * l);
  const { data } = R;
  if (R.layout === 'col-major') {
    out.set(data);
  } else {
    for (let i = 0; i < rows; i++) for (let j = 0; j < l; j++) out[i + j * rows] = data[i * l + j]!;
  }
  return out;
}

/**
 * A LinearOperator as the operator the algorithm runs on. Each product passes the operator a
 * fresh copy of X (its own to keep or modify) and checks what comes back; a thrown error or a
 * rejected Promise propagates unchanged. Column sums are one `rmatmul` of a ones column.
 */
function matrixFreeOperator(op: LinearOperator, checkFinite: boolean): Operator {
  const { rows, cols } = op;
  const call = (transpose: boolean, X: Float64Array, l: number): ReturnType<Operator['apply']> => {
    const inner = transpose ? rows : cols;
    const outRows = transpose ? cols : rows;
    const name = transpose ? 'A.rmatmul' : 'A.matmul';
    const arg: Matrix<Float64Array> = { data: X.slice(0, inner * l), rows: inner, cols: l, layout: 'col-major' };
    const result = transpose ? op.rmatmul(arg) : op.matmul(arg);
    return andThen(result as Matrix | Promise<Matrix>, (r) => checkedResult(r, name, outRows, l, `X is ${inner} x ${l}`, checkFinite));
  };
  return {
    rows,
    cols,
    gramPasses: 2,
    apply: call,
    frobeniusSquared() {
      throw new RandlaError(ErrorCode.INTERNAL, 'a LinearOperator has no cheap ‖A‖_F: options.tol must have been rejected');
    },
    columnSums: () => call(true, new Float64Array(rows).fill(1), 1),
    // Products are checked as they come back; there is no stored entry to scan.
    expectFinite: () => undefined,
  };
}

/**
 * Randomized SVD of a matrix-free operator: the same passes as every backend, each one
 * `op.matmul(X)` or `op.rmatmul(X)` with X an f64 col-major Matrix; results may be Promises and
 * may come back in either layout and dtype. Fixed rank only: `tol` needs ‖A‖_F, which an
 * operator cannot give cheaply (ERR_RANDLA_INVALID_ARGUMENT naming options.tol). `center` costs
 * one `rmatmul` of a ones column. U and Vt come back in `dtypeOut`.
 *
 * @example
 * import { referenceKernels } from './normalize.js';
 * const A = { rows: 3, cols: 2,
 *   matmul: (X) => ({ data: Float64Array.from([3 * X.data[0], 2 * X.data[1], 0]), rows: 3, cols: 1, layout: 'col-major' }),
 *   rmatmul: (Y) => ({ data: Float64Array.from([3 * Y.data[0], 2 * Y.data[1]]), rows: 2, cols: 1, layout: 'col-major' }) };
 * // (a rank-1 request with oversamples 0 multiplies blocks of one column)
 * (await rsvdOperator(A, { rank: 1, oversamples: 0, powerIters: 2, normalizer: 'qr', sketch: 'gaussian', sparseNnz: 8,
 *   seed: 1n, transpose: 'auto', tol: 0, blockSize: 10, maxRank: 0, estimateError: false, errorIters: 4,
 *   center: false, computeU: true, computeV: true, checkFinite: true }, referenceKernels, 'float64')).S; // ≈ [3]
 */
export async function rsvdOperator(
  op: LinearOperator,
  request: Omit<RsvdRequest, 'A'>,
  kernels: DenseKernels,
  dtypeOut: 'float32' | 'float64',
): Promise<RsvdOutput> {
  if (request.tol > 0) {
    throw new RandlaError(
      ErrorCode.INVALID_ARGUMENT,
      `Expected no options.tol (a fixed rank) for a LinearOperator but received ${request.tol}: fixed accuracy needs ‖A‖_F, which an operator cannot give without n products; give options.rank instead`,
      { argument: 'options.tol' },
    );
  }
  for (const method of ['matmul', 'rmatmul'] as const) {
    if (typeof op[method] !== 'function') {
      throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a function for A.${method} but received ${typeof op[method]}`, {
        argument: `A.${method}`,
      });
    }
  }
  const { signal: _signal, onProgress: _onProgress, ...params } = request;
  const steps = rsvdSteps(matrixFreeOperator(op, request.checkFinite), { ...params, roundSketch: false, dtype: dtypeOut }, kernels);
  return runAsync(steps, request);
}
