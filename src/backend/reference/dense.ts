// Dense kernels of the reference backend over column-major Float64Array blocks: products with
// the input matrix, Householder QR (thin Q), LU with partial pivoting (P·L), and a small SVD.
// Plain JS stands in for BLAS here, so every loop walks memory contiguously (docs/algorithms/rsvd.md).

import { EigenvalueDecomposition, Matrix as MlMatrix, SingularValueDecomposition } from 'ml-matrix';
import { RandlaError, ErrorCode } from '../../errors.js';
import type { Float, Matrix } from '../../types.js';

/**
 * Rows of A processed together by the products. The block of the output (or of the right-hand
 * side) that belongs to these rows, `ROW_BLOCK × l` doubles, must stay in L2 cache while every
 * column of A streams past it once: 512 rows × 30 columns is 120 KiB.
 */
const ROW_BLOCK = 512;

/**
 * Storage of `A` read as one column-major matrix: a row-major m × n matrix is the column-major
 * n × m matrix Aᵀ over the same data, so no layout ever needs a copy.
 */
interface Storage {
  data: Float;
  rows: number;
  cols: number;
  /** Whether `op(A)` is this storage transposed. */
  transposedOp: boolean;
}

function storageOf(A: Matrix, transposed: boolean): Storage {
  const rowMajor = A.layout === 'row-major';
  return {
    data: A.data,
    rows: rowMajor ? A.cols : A.rows,
    cols: rowMajor ? A.rows : A.cols,
    transposedOp: rowMajor !== transposed,
  };
}

/** Rows of `op(A)`: A's rows, or its columns when `transposed` (the tall orientation of a wide A). */
export function opRows(A: Matrix, transposed: boolean): number {
  return transposed ? A.cols : A.rows;
}

/** Columns of `op(A)`. */
export function opCols(A: Matrix, transposed: boolean): number {
  return transposed ? A.rows : A.cols;
}

/**
 * `op(A) · X` for op(A) = A, or Aᵀ when `transposed`. X is column-major `opCols × l`; the result
 * is a fresh column-major `opRows × l` block. A is read, never copied or written.
 *
 * @example
 * const A = { data: new Float64Array([1, 2, 3, 4]), rows: 2, cols: 2, layout: 'row-major' as const };
 * applyA(A, new Float64Array([1, 0]), 1); // Float64Array [1, 3]: the first column of A
 */
export function applyA(A: Matrix, X: Float64Array, l: number, transposed = false): Float64Array {
  const s = storageOf(A, transposed);
  return s.transposedOp ? gemmTN(s.data, s.rows, s.cols, X, l) : gemmNN(s.data, s.rows, s.cols, X, l);
}

/**
 * `op(A)ᵀ · X` for op(A) = A, or Aᵀ when `transposed`. X is column-major `opRows × l`; the
 * result is a fresh column-major `opCols × l` block.
 *
 * @example
 * const A = { data: new Float64Array([1, 2, 3, 4]), rows: 2, cols: 2, layout: 'row-major' as const };
 * applyAt(A, new Float64Array([1, 0]), 1); // Float64Array [1, 2]: the first row of A
 */
export function applyAt(A: Matrix, X: Float64Array, l: number, transposed = false): Float64Array {
  const s = storageOf(A, transposed);
  return s.transposedOp ? gemmNN(s.data, s.rows, s.cols, X, l) : gemmTN(s.data, s.rows, s.cols, X, l);
}

/**
 * D·X for column-major blocks D (r × c, f32 or f64 read as f64) and X (c × l): a fresh
 * column-major r × l block.
 *
 * @example
 * multiply(new Float64Array([1, 2, 3, 4]), 2, 2, new Float64Array([1, 1]), 1); // Float64Array [4, 6]
 */
export function multiply(D: Float, r: number, c: number, X: Float64Array, l: number): Float64Array {
  return gemmNN(D, r, c, X, l);
}

/**
 * Dᵀ·Y for column-major blocks D (r × c) and Y (r × l): a fresh column-major c × l block.
 *
 * @example
 * multiplyTransposed(new Float64Array([1, 2, 3, 4]), 2, 2, new Float64Array([1, 1]), 1); // Float64Array [3, 7]
 */
export function multiplyTransposed(D: Float, r: number, c: number, Y: Float64Array, l: number): Float64Array {
  return gemmTN(D, r, c, Y, l);
}

/**
 * Y = D · X for column-major D (r × c) and X (c × l). Within a block of rows, four columns of D
 * are folded into two columns of Y at a time: each load of D serves two outputs and each
 * load/store of Y carries four products.
 */
function gemmNN(D: Float, r: number, c: number, X: Float64Array, l: number): Float64Array {
  const Y = new Float64Array(r * l);
  for (let i0 = 0; i0 < r; i0 += ROW_BLOCK) {
    const i1 = Math.min(i0 + ROW_BLOCK, r);
    let k = 0;
    for (; k + 3 < c; k += 4) {
      const d0 = k * r;
      const d1 = d0 + r;
      const d2 = d1 + r;
      const d3 = d2 + r;
      let j = 0;
      for (; j + 1 < l; j += 2) {
        const xa = k + j * c;
        const xb = xa + c;
        const a0 = X[xa];
        const a1 = X[xa + 1];
        const a2 = X[xa + 2];
        const a3 = X[xa + 3];
        const b0 = X[xb];
        const b1 = X[xb + 1];
        const b2 = X[xb + 2];
        const b3 = X[xb + 3];
        const ya = j * r;
        const yb = ya + r;
        for (let i = i0; i < i1; i++) {
          const p0 = D[d0 + i];
          const p1 = D[d1 + i];
          const p2 = D[d2 + i];
          const p3 = D[d3 + i];
          Y[ya + i] += a0 * p0 + a1 * p1 + a2 * p2 + a3 * p3;
          Y[yb + i] += b0 * p0 + b1 * p1 + b2 * p2 + b3 * p3;
        }
      }
      for (; j < l; j++) {
        const xa = k + j * c;
        const a0 = X[xa];
        const a1 = X[xa + 1];
        const a2 = X[xa + 2];
        const a3 = X[xa + 3];
        const ya = j * r;
        for (let i = i0; i < i1; i++) {
          Y[ya + i] += a0 * D[d0 + i] + a1 * D[d1 + i] + a2 * D[d2 + i] + a3 * D[d3 + i];
        }
      }
    }
    for (; k < c; k++) {
      const d0 = k * r;
      for (let j = 0; j < l; j++) {
        const a0 = X[k + j * c];
        const ya = j * r;
        for (let i = i0; i < i1; i++) Y[ya + i] += a0 * D[d0 + i];
      }
    }
  }
  return Y;
}

/**
 * Z = Dᵀ · Y for column-major D (r × c) and Y (r × l): dot products of contiguous columns. The
 * rows are blocked so the block of Y stays in cache while all of D streams past it once; four
 * columns of D against two of Y give eight independent sums per row, which hides the latency
 * of the additions.
 */
function gemmTN(D: Float, r: number, c: number, Y: Float64Array, l: number): Float64Array {
  const Z = new Float64Array(c * l);
  for (let i0 = 0; i0 < r; i0 += ROW_BLOCK) {
    const i1 = Math.min(i0 + ROW_BLOCK, r);
    let k = 0;
    for (; k + 3 < c; k += 4) {
      const d0 = k * r;
      const d1 = d0 + r;
      const d2 = d1 + r;
      const d3 = d2 + r;
      let j = 0;
      for (; j + 1 < l; j += 2) {
        const ya = j * r;
        const yb = ya + r;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let b0 = 0;
        let b1 = 0;
        let b2 = 0;
        let b3 = 0;
        for (let i = i0; i < i1; i++) {
          const v = Y[ya + i];
          const w = Y[yb + i];
          const p0 = D[d0 + i];
          const p1 = D[d1 + i];
          const p2 = D[d2 + i];
          const p3 = D[d3 + i];
          a0 += p0 * v;
          a1 += p1 * v;
          a2 += p2 * v;
          a3 += p3 * v;
          b0 += p0 * w;
          b1 += p1 * w;
          b2 += p2 * w;
          b3 += p3 * w;
        }
        const za = k + j * c;
        const zb = za + c;
        Z[za] += a0;
        Z[za + 1] += a1;
        Z[za + 2] += a2;
        Z[za + 3] += a3;
        Z[zb] += b0;
        Z[zb + 1] += b1;
        Z[zb + 2] += b2;
        Z[zb + 3] += b3;
      }
      for (; j < l; j++) {
        const ya = j * r;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let i = i0; i < i1; i++) {
          const v = Y[ya + i];
          a0 += D[d0 + i] * v;
          a1 += D[d1 + i] * v;
          a2 += D[d2 + i] * v;
          a3 += D[d3 + i] * v;
        }
        const za = k + j * c;
        Z[za] += a0;
        Z[za + 1] += a1;
        Z[za + 2] += a2;
        Z[za + 3] += a3;
      }
    }
    for (; k < c; k++) {
      const d0 = k * r;
      for (let j = 0; j < l; j++) {
        const ya = j * r;
        let a0 = 0;
        for (let i = i0; i < i1; i++) a0 += D[d0 + i] * Y[ya + i];
        Z[k + j * c] += a0;
      }
    }
  }
  return Z;
}

/** Internal precondition of the kernels below (and of the normalizers): rows ≥ cols ≥ minCols. */
export function requireTall(rows: number, cols: number, what: string, minCols = 0): void {
  if (!(rows >= cols && cols >= minCols)) {
    throw new RandlaError(ErrorCode.INTERNAL, `${what} needs a tall block (rows >= cols >= ${minCols}) but received ${rows} x ${cols}`);
  }
}

/**
 * Explicit thin Q (rows × cols, column-major) of the Householder QR of the tall column-major
 * block Y, with LAPACK's reflector convention (dgeqrf + dorgqr): R's diagonal is −sign(y_jj)·‖·‖,
 * and a column that is already zero below the diagonal gets the identity reflector. Y is not
 * modified.
 *
 * @example
 * householderQ(new Float64Array([3, 4]), 2, 1); // ≈ Float64Array [-0.6, -0.8]
 */
export function householderQ(Y: Float64Array, rows: number, cols: number): Float64Array {
  requireTall(rows, cols, 'householderQ');
  const m = rows;
  const W = Y.slice(0, m * cols);
  const tau = new Float64Array(cols);

  for (let j = 0; j < cols; j++) {
    const vo = j * m;
    // Scaled norm of the part below the diagonal: squares of values near 1e±154 would
    // overflow or underflow.
    let scale = 0;
    for (let i = j + 1; i < m; i++) scale = Math.max(scale, Math.abs(W[vo + i]));
    if (scale === 0) continue; // H_j = I, as dlarfg does when that part is zero
    let ssq = 0;
    for (let i = j + 1; i < m; i++) {
      const t = W[vo + i] / scale;
      ssq += t * t;
    }
    const alpha = W[vo + j];
    const norm = Math.hypot(alpha, scale * Math.sqrt(ssq));
    const beta = alpha >= 0 ? -norm : norm;
    tau[j] = (beta - alpha) / beta;
    const inv = 1 / (alpha - beta);
    for (let i = j + 1; i < m; i++) W[vo + i] *= inv;
    W[vo + j] = beta;
    // H_j = I − τ v vᵀ with v = (1, W[j+1:, j]) on the trailing columns.
    for (let c = j + 1; c < cols; c++) {
      const co = c * m;
      let s = W[co + j];
      for (let i = j + 1; i < m; i++) s += W[vo + i] * W[co + i];
      s *= tau[j];
      W[co + j] -= s;
      for (let i = j + 1; i < m; i++) W[co + i] -= s * W[vo + i];
    }
  }

  // Q = H_0 ⋯ H_{l−1} I[:, :l], accumulated backwards: when H_j is applied, columns < j are
  // still unit vectors with zeros in rows ≥ j, so only columns ≥ j and rows ≥ j change.
  const Q = new Float64Array(m * cols);
  for (let c = 0; c < cols; c++) Q[c * m + c] = 1;
  for (let j = cols - 1; j >= 0; j--) {
    const t = tau[j];
    if (t === 0) continue;
    const vo = j * m;
    for (let c = j; c < cols; c++) {
      const co = c * m;
      let s = Q[co + j];
      for (let i = j + 1; i < m; i++) s += W[vo + i] * Q[co + i];
      s *= t;
      Q[co + j] -= s;
      for (let i = j + 1; i < m; i++) Q[co + i] -= s * W[vo + i];
    }
  }
  return Q;
}

/**
 * P·L (rows × cols, column-major) of the LU factorization with partial pivoting Y = P·L·U of
 * the tall column-major block Y: scipy's `lu(Y, permute_l=True)[0]`, the normalizer of
 * scikit-learn and fbpca. Pivots are the first entry of largest |value| (LAPACK's idamax); a
 * zero pivot leaves its column unscaled, as dgetf2 does. Y is not modified.
 *
 * @example
 * luPermutedLower(new Float64Array([1, 2]), 2, 1); // Float64Array [0.5, 1]
 */
export function luPermutedLower(Y: Float64Array, rows: number, cols: number): Float64Array {
  requireTall(rows, cols, 'luPermutedLower');
  const m = rows;
  const W = Y.slice(0, m * cols);
  // perm[i]: the row of Y that sits in row i of L after the interchanges.
  const perm = new Int32Array(m);
  for (let i = 0; i < m; i++) perm[i] = i;

  for (let j = 0; j < cols; j++) {
    const vo = j * m;
    let p = j;
    let maxAbs = Math.abs(W[vo + j]);
    for (let i = j + 1; i < m; i++) {
      const a = Math.abs(W[vo + i]);
      if (a > maxAbs) {
        maxAbs = a;
        p = i;
      }
    }
    if (p !== j) {
      for (let c = 0; c < cols; c++) {
        const co = c * m;
        const t = W[co + j];
        W[co + j] = W[co + p];
        W[co + p] = t;
      }
      const t = perm[j];
      perm[j] = perm[p];
      perm[p] = t;
    }
    const pivot = W[vo + j];
    if (pivot !== 0) {
      const inv = 1 / pivot;
      for (let i = j + 1; i < m; i++) W[vo + i] *= inv;
    }
    for (let c = j + 1; c < cols; c++) {
      const co = c * m;
      const f = W[co + j];
      if (f === 0) continue;
      for (let i = j + 1; i < m; i++) W[co + i] -= W[vo + i] * f;
    }
  }

  const PL = new Float64Array(m * cols);
  for (let c = 0; c < cols; c++) {
    const co = c * m;
    PL[co + perm[c]] = 1;
    for (let i = c + 1; i < m; i++) PL[co + perm[i]] = W[co + i];
  }
  return PL;
}

/** Thin SVD B = W·diag(S)·Zᵀ of a small tall block: W is rows × cols, Z is cols × cols. */
export interface SmallSvd {
  /** Left singular vectors, column-major rows × cols. */
  W: Float64Array;
  /** Singular values, non-increasing. */
  S: Float64Array;
  /** Right singular vectors, column-major cols × cols. */
  Z: Float64Array;
}

/**
 * Thin SVD of the tall column-major block B (rows × cols, rows ≥ cols) in f64, by ml-matrix
 * (Golub–Kahan–Reinsch, as in JAMA). B is not modified.
 *
 * @example
 * smallSvd(new Float64Array([0, 2, 0, 0, 0, 1]), 3, 2).S; // Float64Array [2, 1]
 */
export function smallSvd(B: Float64Array, rows: number, cols: number): SmallSvd {
  requireTall(rows, cols, 'smallSvd');
  const M = new MlMatrix(rows, cols);
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < rows; i++) M.set(i, c, B[i + c * rows]);
  }
  const svd = new SingularValueDecomposition(M, {
    computeLeftSingularVectors: true,
    computeRightSingularVectors: true,
    autoTranspose: false,
  });
  const U = svd.leftSingularVectors;
  const V = svd.rightSingularVectors;
  const sigma = svd.diagonal;
  const W = new Float64Array(rows * cols);
  const Z = new Float64Array(cols * cols);
  const S = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    S[c] = sigma[c];
    for (let i = 0; i < rows; i++) W[i + c * rows] = U.get(i, c);
    for (let i = 0; i < cols; i++) Z[i + c * cols] = V.get(i, c);
  }
  return { W, S, Z };
}

/** Eigendecomposition A = V·diag(values)·Vᵀ of a small symmetric block. */
export interface SymmetricEigen {
  /** Eigenvalues, non-decreasing. */
  values: Float64Array;
  /** Orthonormal eigenvectors, column-major n × n, column j for values[j]. */
  vectors: Float64Array;
}

/**
 * Eigendecomposition of the symmetric column-major n × n block A in f64, by ml-matrix
 * (Householder tridiagonalization and the implicit QL method, tred2/tql2 as in JAMA). Only
 * symmetry is assumed: the caller symmetrizes first. A is not modified.
 *
 * @example
 * symmetricEigen(new Float64Array([2, 1, 1, 2]), 2).values; // ≈ Float64Array [1, 3]
 */
export function symmetricEigen(A: Float64Array, n: number): SymmetricEigen {
  const M = new MlMatrix(n, n);
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < n; i++) M.set(i, c, A[i + c * n]);
  }
  const evd = new EigenvalueDecomposition(M, { assumeSymmetric: true });
  const V = evd.eigenvectorMatrix;
  const values = Float64Array.from(evd.realEigenvalues);
  const vectors = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < n; i++) vectors[i + c * n] = V.get(i, c);
  }
  return { values, vectors };
}

/**
 * Upper Cholesky factor R (RᵀR = A, column-major n × n, zero below the diagonal) of the symmetric
 * column-major block A, reading only its upper triangle as LAPACK's dpotrf('U') does; `undefined`
 * when a pivot is not positive (or not finite), where dpotrf reports INFO > 0. A is not modified.
 *
 * @example
 * choleskyUpper(new Float64Array([4, 2, 2, 5]), 2); // Float64Array [2, 0, 1, 2]
 */
export function choleskyUpper(A: Float64Array, n: number): Float64Array | undefined {
  const R = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const cj = j * n;
    // Row j of R: the pivot from column j of A's upper triangle, then the rest of row j.
    let pivot = A[j + cj];
    for (let k = 0; k < j; k++) pivot -= R[k + cj] * R[k + cj];
    if (!(pivot > 0) || !Number.isFinite(pivot)) return undefined;
    const rjj = Math.sqrt(pivot);
    R[j + cj] = rjj;
    for (let c = j + 1; c < n; c++) {
      const cc = c * n;
      let s = A[j + cc];
      for (let k = 0; k < j; k++) s -= R[k + cj] * R[k + cc];
      R[j + cc] = s / rjj;
    }
  }
  return R;
}

/**
 * X = Y·R⁻¹ for a column-major rows × n block Y and an upper-triangular n × n R with a non-zero
 * diagonal (BLAS dtrsm, right side, upper, no transpose): a fresh column-major block. Column j of
 * X is (Y[:, j] − Σ_{k<j} X[:, k]·R[k, j]) / R[j, j].
 *
 * @example
 * solveUpperRight(new Float64Array([2, 4]), 2, new Float64Array([2]), 1); // Float64Array [1, 2]
 */
export function solveUpperRight(Y: Float64Array, rows: number, R: Float64Array, n: number): Float64Array {
  const X = Y.slice(0, rows * n);
  for (let j = 0; j < n; j++) {
    const xj = j * rows;
    for (let k = 0; k < j; k++) {
      const f = R[k + j * n];
      if (f === 0) continue;
      const xk = k * rows;
      for (let i = 0; i < rows; i++) X[xj + i] -= X[xk + i] * f;
    }
    const inv = 1 / R[j + j * n];
    for (let i = 0; i < rows; i++) X[xj + i] *= inv;
  }
  return X;
}
