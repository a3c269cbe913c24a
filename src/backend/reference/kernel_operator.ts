// Kernel matrices A_ij = k(x_i, x_j) of n points for Nyström (docs/algorithms/nystrom.md, "Inputs"):
// rbf exp(−γ‖x − y‖²₂) and laplacian exp(−γ‖x − y‖₁). Only sampled columns and A·Ω are computed;
// A itself is never formed. Points in f32 are widened to f64 before any arithmetic.

import type { Matrix } from '../../types.js';

export type KernelName = 'rbf' | 'laplacian';

/**
 * Rows of A computed together by {@link kernelProduct}: one block of 128 rows × n kernel values
 * at a time, so memory stays O(128·n) whatever n is.
 */
const PRODUCT_ROW_BLOCK = 128;

/** A kernel matrix over points copied once into row-major f64 (point i at `points[i*d .. i*d+d)`). */
export interface KernelMatrix {
  readonly size: number;
  readonly dims: number;
  readonly kernel: KernelName;
  readonly gamma: number;
  /** The points, row-major n × d f64 (a copy: the input is never touched again). */
  readonly points: Float64Array;
}

/**
 * The kernel matrix of `points` (n × d, either layout, f32 or f64) for `kernel` and `gamma` > 0.
 *
 * @example
 * const K = kernelMatrix({ data: new Float64Array([0, 1]), rows: 2, cols: 1, layout: 'row-major' }, 'rbf', 1);
 * kernelColumns(K, Int32Array.of(0)); // Float64Array [1, exp(-1)]
 */
export function kernelMatrix(points: Matrix, kernel: KernelName, gamma: number): KernelMatrix {
  const n = points.rows;
  const d = points.cols;
  const copy = new Float64Array(n * d);
  const rowMajor = points.layout === 'row-major';
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) copy[i * d + k] = points.data[rowMajor ? i * d + k : i + k * n]!;
  }
  return { size: n, dims: d, kernel, gamma, points: copy };
}

/**
 * k(x_i, x_j), by the direct sum of squared (rbf) or absolute (laplacian) differences: the
 * expansion ‖x‖² + ‖y‖² − 2xᵀy would lose the small distances that matter most. The sum is
 * symmetric in i and j bit for bit ((a − b)² = (b − a)²), so the sampled W is exactly symmetric.
 */
function entry(K: KernelMatrix, i: number, j: number): number {
  const P = K.points;
  const d = K.dims;
  const a = i * d;
  const b = j * d;
  let s = 0;
  if (K.kernel === 'rbf') {
    for (let k = 0; k < d; k++) {
      const t = P[a + k]! - P[b + k]!;
      s += t * t;
    }
  } else {
    for (let k = 0; k < d; k++) s += Math.abs(P[a + k]! - P[b + k]!);
  }
  return Math.exp(-K.gamma * s);
}

/**
 * A[:, indices]: a fresh column-major n × |indices| block, O(n·d) per column.
 *
 * @example
 * const K = kernelMatrix({ data: new Float64Array([0, 2]), rows: 2, cols: 1, layout: 'col-major' }, 'laplacian', 0.5);
 * kernelColumns(K, Int32Array.of(1)); // Float64Array [exp(-1), 1]
 */
export function kernelColumns(K: KernelMatrix, indices: Int32Array): Float64Array {
  const n = K.size;
  const out = new Float64Array(n * indices.length);
  for (let t = 0; t < indices.length; t++) {
    const j = indices[t]!;
    const o = t * n;
    for (let i = 0; i < n; i++) out[o + i] = entry(K, i, j);
  }
  return out;
}

/**
 * diag(A): every kernel here is 1 on the diagonal (k(x, x) = exp(0)).
 *
 * @example
 * kernelDiagonal(kernelMatrix({ data: new Float64Array(3), rows: 3, cols: 1, layout: 'col-major' }, 'rbf', 1)); // [1, 1, 1]
 */
export function kernelDiagonal(K: KernelMatrix): Float64Array {
  return new Float64Array(K.size).fill(1);
}

/**
 * A·X for a column-major n × l block X: a fresh column-major n × l block. Rows of A are computed
 * in blocks of {@link PRODUCT_ROW_BLOCK} and multiplied at once, so A is never held whole.
 *
 * @example
 * const K = kernelMatrix({ data: new Float64Array([0, 1]), rows: 2, cols: 1, layout: 'col-major' }, 'rbf', 1);
 * kernelProduct(K, new Float64Array([1, 1]), 1); // Float64Array [1 + exp(-1), exp(-1) + 1]
 */
export function kernelProduct(K: KernelMatrix, X: Float64Array, l: number): Float64Array {
  const n = K.size;
  const Y = new Float64Array(n * l);
  const block = new Float64Array(PRODUCT_ROW_BLOCK * n); // row-major rows × n: row i of A is contiguous
  for (let i0 = 0; i0 < n; i0 += PRODUCT_ROW_BLOCK) {
    const rows = Math.min(PRODUCT_ROW_BLOCK, n - i0);
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      for (let j = 0; j < n; j++) block[o + j] = entry(K, i0 + r, j);
    }
    for (let c = 0; c < l; c++) {
      const xo = c * n;
      for (let r = 0; r < rows; r++) {
        const o = r * n;
        let s = 0;
        for (let j = 0; j < n; j++) s += block[o + j]! * X[xo + j]!;
        Y[xo + i0 + r] = s;
      }
    }
  }
  return Y;
}
