// The input of the randomized algorithms as the operator they need: products with blocks of
// vectors, ‖A‖²_F and column sums; the TypeScript twin of native/include/randla/linear_operator.hpp
// (docs/algorithms/rsvd.md, "Input kinds"). Dense matrices, CSR matrices, the implicitly centered
// A − 1μᵀ and transposed views all implement it, so the passes are written once.

import { RandlaError, ErrorCode } from '../../errors.js';
import type { CsrMatrix, Matrix } from '../../types.js';
import { expectFinite } from '../../validate.js';
import { applyA, applyAt } from './dense.js';

/**
 * A value now, or later: the products of a matrix-free operator may be asynchronous. Dense and
 * CSR operators always answer at once, so their synchronous driver never waits.
 */
export type Awaitable<T> = T | Promise<T>;

/** True for a Promise or any other thenable. */
export function isThenable<T>(value: Awaitable<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** `f(value)`, now when `value` is, or once it has resolved. */
export function andThen<T, U>(value: Awaitable<T>, f: (v: T) => Awaitable<U>): Awaitable<U> {
  return isThenable(value) ? Promise.resolve(value).then(f) : f(value);
}

export interface Operator {
  readonly rows: number;
  readonly cols: number;
  /**
   * Passes over A that the error estimate's W = A·X, Z = Aᵀ·W cost per iteration: 1 where the
   * native backend fuses them (a dense A, or its transpose, streamed once by row blocks), else 2.
   * Progress counts what the native backend counts, so both report the same passes.
   */
  readonly gramPasses: 1 | 2;
  /** The dense matrix behind the operator, when there is one: op = `matrix`, or its transpose. */
  readonly dense?: { matrix: Matrix; transposed: boolean };
  /** op·X (X is cols × l) or opᵀ·X (X is rows × l, `transpose`): a fresh column-major block. One pass. */
  apply(transpose: boolean, X: Float64Array, l: number): Awaitable<Float64Array>;
  /** ‖op‖²_F in f64 (one pass). */
  frobeniusSquared(): Awaitable<number>;
  /** 1ᵀ·op, the column sums, in f64 (one pass). */
  columnSums(): Awaitable<Float64Array>;
  /** Throws ERR_RANDLA_NOT_FINITE naming the first NaN/±Infinity stored entry as (row, col). */
  expectFinite(argument: string): void;
}

/**
 * A dense Matrix (either layout, f32 or f64, read as f64) as an operator; products by the
 * blocked kernels of dense.ts.
 *
 * @example
 * const A = denseOperator({ data: new Float64Array([1, 2, 3, 4]), rows: 2, cols: 2, layout: 'row-major' });
 * A.apply(false, new Float64Array([1, 0]), 1); // Float64Array [1, 3]
 */
export function denseOperator(A: Matrix): Operator {
  return {
    rows: A.rows,
    cols: A.cols,
    gramPasses: 1,
    dense: { matrix: A, transposed: false },
    apply: (transpose, X, l) => (transpose ? applyAt(A, X, l) : applyA(A, X, l)),
    frobeniusSquared() {
      const { data } = A;
      let sum = 0;
      for (let t = 0; t < data.length; t++) sum += data[t]! * data[t]!;
      return sum;
    },
    columnSums() {
      const { data, rows, cols } = A;
      const sums = new Float64Array(cols);
      if (A.layout === 'row-major') {
        for (let i = 0; i < rows; i++) {
          const o = i * cols;
          for (let j = 0; j < cols; j++) sums[j] += data[o + j]!;
        }
      } else {
        for (let j = 0; j < cols; j++) {
          const o = j * rows;
          let s = 0;
          for (let i = 0; i < rows; i++) s += data[o + i]!;
          sums[j] = s;
        }
      }
      return sums;
    },
    expectFinite: (argument) => expectFinite(A, argument),
  };
}

/** The transpose of a CSR matrix in CSR form (the CSC copy): entries of a column by row, repeats in storage order. */
interface Transposed {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** Counting sort of the entries by column, scattered in storage order (native csr.cpp does the same). */
function transposeCsr(A: CsrMatrix): Transposed {
  const nnz = A.indptr[A.rows]!;
  const indptr = new Int32Array(A.cols + 1);
  for (let p = 0; p < nnz; p++) indptr[A.indices[p]! + 1]!++;
  for (let j = 0; j < A.cols; j++) indptr[j + 1]! += indptr[j]!;
  const next = indptr.slice(0, A.cols);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  for (let i = 0; i < A.rows; i++) {
    for (let p = A.indptr[i]!; p < A.indptr[i + 1]!; p++) {
      const q = next[A.indices[p]!]!++;
      indices[q] = i;
      values[q] = A.values[p]!;
    }
  }
  return { indptr, indices, values };
}

/** out (rows × l) = S·X for a CSR structure S with `rows` rows and X (inner × l), each sum in storage order. */
function csrTimes(
  rows: number,
  indptr: Int32Array,
  indices: Int32Array,
  values: ArrayLike<number>,
  inner: number,
  X: Float64Array,
  l: number,
): Float64Array {
  const out = new Float64Array(rows * l);
  for (let t = 0; t < l; t++) {
    const xo = t * inner;
    const oo = t * rows;
    for (let i = 0; i < rows; i++) {
      let sum = 0;
      for (let p = indptr[i]!; p < indptr[i + 1]!; p++) sum += values[p]! * X[xo + indices[p]!]!;
      out[oo + i] = sum;
    }
  }
  return out;
}

/**
 * A validated CSR matrix as an operator: A·X row by row, Aᵀ·X row by row of the CSC copy built
 * on first use, so every output entry is summed in the order the native backend sums it.
 * Repeated (i, j) entries add up; values are read as f64. Never densified.
 *
 * @example
 * const A = csrOperator({ format: 'csr', rows: 2, cols: 2, indptr: new Int32Array([0, 1, 2]),
 *   indices: new Int32Array([1, 0]), values: new Float64Array([5, 7]) });
 * A.apply(false, new Float64Array([1, 0]), 1); // Float64Array [0, 7]
 */
export function csrOperator(A: CsrMatrix): Operator {
  let csc: Transposed | undefined;
  const transposed = (): Transposed => (csc ??= transposeCsr(A));
  return {
    rows: A.rows,
    cols: A.cols,
    gramPasses: 2,
    apply(transpose, X, l) {
      if (!transpose) return csrTimes(A.rows, A.indptr, A.indices, A.values, A.cols, X, l);
      const t = transposed();
      return csrTimes(A.cols, t.indptr, t.indices, t.values, A.rows, X, l);
    },
    frobeniusSquared() {
      // A repeated (i, j) is one entry of A: its values add up before squaring. In the CSC copy
      // the repeats of an entry are neighbours (same column, same row).
      const t = transposed();
      let total = 0;
      for (let j = 0; j < A.cols; j++) {
        let sum = 0;
        let p = t.indptr[j]!;
        const stop = t.indptr[j + 1]!;
        while (p < stop) {
          const row = t.indices[p]!;
          let entry = 0;
          for (; p < stop && t.indices[p] === row; p++) entry += t.values[p]!;
          sum += entry * entry;
        }
        total += sum;
      }
      return total;
    },
    columnSums() {
      const t = transposed();
      const sums = new Float64Array(A.cols);
      for (let j = 0; j < A.cols; j++) {
        let sum = 0;
        for (let p = t.indptr[j]!; p < t.indptr[j + 1]!; p++) sum += t.values[p]!;
        sums[j] = sum;
      }
      return sums;
    },
    expectFinite(argument) {
      const { values, indptr } = A;
      for (let p = 0; p < values.length; p++) {
        const v = values[p]!;
        if (v - v === 0) continue;
        // The row holding entry p: the last i with indptr[i] <= p (empty rows share indptr values).
        let lo = 0;
        let hi = A.rows;
        while (lo < hi) {
          const mid = (lo + hi + 1) >>> 1;
          if (indptr[mid]! <= p) lo = mid;
          else hi = mid - 1;
        }
        throw new RandlaError(
          ErrorCode.NOT_FINITE,
          `Expected finite values for ${argument} but received ${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'} at (${lo}, ${A.indices[p]})`,
          { argument },
        );
      }
    },
  };
}

/**
 * A − 1μᵀ, never formed: (A − 1μᵀ)X = AX − 1(μᵀX) and (A − 1μᵀ)ᵀY = AᵀY − μ(1ᵀY), so PCA of a
 * sparse or matrix-free input stays sparse or matrix-free.
 *
 * @example
 * const A = denseOperator({ data: new Float64Array([1, 3]), rows: 2, cols: 1, layout: 'col-major' });
 * centeredOperator(A, new Float64Array([2])).apply(false, new Float64Array([1]), 1); // Float64Array [-1, 1]
 */
export function centeredOperator(A: Operator, mean: Float64Array): Operator {
  if (mean.length !== A.cols) {
    throw new RandlaError(ErrorCode.INTERNAL, `centeredOperator needs ${A.cols} means but received ${mean.length}`);
  }
  const m = A.rows;
  const n = A.cols;
  return {
    rows: m,
    cols: n,
    gramPasses: 2,
    apply(transpose, X, l) {
      return andThen(A.apply(transpose, X, l), (out) => {
        if (!transpose) {
          for (let j = 0; j < l; j++) {
            const xo = j * n;
            let dot = 0;
            for (let i = 0; i < n; i++) dot += mean[i]! * X[xo + i]!;
            const oo = j * m;
            for (let i = 0; i < m; i++) out[oo + i]! -= dot;
          }
        } else {
          for (let j = 0; j < l; j++) {
            const yo = j * m;
            let sum = 0;
            for (let i = 0; i < m; i++) sum += X[yo + i]!;
            const oo = j * n;
            for (let i = 0; i < n; i++) out[oo + i]! -= mean[i]! * sum;
          }
        }
        return out;
      });
    },
    frobeniusSquared() {
      // ‖A − 1μᵀ‖²_F = ‖A‖²_F − 2μᵀ(1ᵀA) + m‖μ‖², exact for any μ; the column sums are read
      // again from A rather than trusted, as the native CenteredOperator does.
      return andThen(A.columnSums(), (sums) =>
        andThen(A.frobeniusSquared(), (norm) => {
          let cross = 0;
          let mu2 = 0;
          for (let j = 0; j < n; j++) {
            cross += mean[j]! * sums[j]!;
            mu2 += mean[j]! * mean[j]!;
          }
          const value = norm - 2 * cross + m * mu2;
          return value > 0 ? value : 0;
        }),
      );
    },
    columnSums() {
      return andThen(A.columnSums(), (sums) => {
        const out = new Float64Array(n);
        for (let j = 0; j < n; j++) out[j] = sums[j]! - m * mean[j]!;
        return out;
      });
    },
    expectFinite: (argument) => A.expectFinite(argument),
  };
}

/**
 * Aᵀ without a copy: the tall orientation of a wide A. Products swap roles; a dense A stays
 * visible (transposed) for the SRHT fast path.
 *
 * @example
 * const A = denseOperator({ data: new Float64Array([1, 2]), rows: 1, cols: 2, layout: 'row-major' });
 * transposedOperator(A).rows; // 2
 */
export function transposedOperator(A: Operator): Operator {
  const dense = A.dense;
  return {
    rows: A.cols,
    cols: A.rows,
    gramPasses: dense ? 1 : 2,
    ...(dense ? { dense: { matrix: dense.matrix, transposed: !dense.transposed } } : {}),
    apply: (transpose, X, l) => A.apply(!transpose, X, l),
    frobeniusSquared: () => A.frobeniusSquared(),
    // The column sums of Aᵀ are A's row sums: one product with a vector of ones.
    columnSums: () => A.apply(false, new Float64Array(A.cols).fill(1), 1),
    expectFinite: (argument) => A.expectFinite(argument),
  };
}
