// Matrix construction and interop: TypedArray, number[][] and ml-matrix in, zero-copy Matrix out.
import { AbstractMatrix, Matrix as MlMatrix } from 'ml-matrix';

import { ErrorCode, invalid, RandlaError } from './errors.js';
import type { Float, Layout, Matrix } from './types.js';
import { expectInteger, expectMatrix, expectOneOf, isFloatArray } from './validate.js';

/** What the algorithms accept as a dense matrix. */
export type MatrixInput = Matrix | number[][] | AbstractMatrix;

/**
 * Builds a Matrix. A TypedArray is wrapped without copying; `number[][]` (rows of equal
 * length) is copied into a row-major Float64Array.
 *
 * @example
 * ```ts
 * import { matrix } from 'randla';
 * const A = matrix(new Float64Array([1, 2, 3, 4, 5, 6]), 2, 3); // 2 x 3, row-major
 * const B = matrix([[1, 2], [3, 4]]);
 * ```
 */
export function matrix<T extends Float>(data: T, rows: number, cols?: number, layout?: Layout): Matrix<T>;
export function matrix(data: number[][]): Matrix<Float64Array>;
export function matrix(data: Float | number[][], rows?: number, cols?: number, layout: Layout = 'row-major'): Matrix {
  if (Array.isArray(data)) return fromRows(data, 'data');
  if (!isFloatArray(data)) throw invalid('data', 'a Float64Array, Float32Array or number[][]', data);
  const r = expectInteger(rows, 'rows', 1);
  const c = cols === undefined ? data.length / r : cols;
  return expectMatrix({ data, rows: r, cols: c, layout: expectOneOf(layout, 'layout', ['row-major', 'col-major']) }, 'matrix');
}

function fromRows(rows: number[][], argument: string): Matrix<Float64Array> {
  const m = rows.length;
  if (m === 0 || !Array.isArray(rows[0]) || rows[0].length === 0) {
    throw new RandlaError(ErrorCode.SHAPE, `Expected a non-empty number[][] for ${argument} but received ${m === 0 ? 'an empty array' : 'an empty first row'}`, { argument });
  }
  const n = rows[0].length;
  const data = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const row = rows[i];
    if (!Array.isArray(row) || row.length !== n) {
      throw new RandlaError(
        ErrorCode.SHAPE,
        `Expected ${argument}[${i}] to be an array of length ${n} but received ${Array.isArray(row) ? `length ${row.length}` : typeof row}`,
        { argument: `${argument}[${i}]` },
      );
    }
    for (let j = 0; j < n; j++) {
      const v = row[j];
      if (typeof v !== 'number') throw invalid(`${argument}[${i}][${j}]`, 'a number', v);
      data[i * n + j] = v;
    }
  }
  return { data, rows: m, cols: n, layout: 'row-major' };
}

/** Normalises any MatrixInput to a Matrix (zero-copy for a Matrix, one copy otherwise). */
export function toMatrix(input: unknown, argument: string): Matrix {
  if (Array.isArray(input)) return fromRows(input as number[][], argument);
  if (AbstractMatrix.isMatrix(input)) {
    const ml = input as AbstractMatrix;
    if (ml.rows === 0 || ml.columns === 0) {
      throw new RandlaError(ErrorCode.SHAPE, `Expected a non-empty matrix for ${argument} but received ${ml.rows} x ${ml.columns}`, { argument });
    }
    return { data: Float64Array.from(ml.to1DArray()), rows: ml.rows, cols: ml.columns, layout: 'row-major' };
  }
  return expectMatrix(input, argument);
}

/** Copies a Matrix into an ml-matrix `Matrix` (for interop with ml-matrix's decompositions). */
export function toMlMatrix(m: Matrix): MlMatrix {
  const checked = expectMatrix(m, 'm');
  const out = new MlMatrix(checked.rows, checked.cols);
  for (let i = 0; i < checked.rows; i++) for (let j = 0; j < checked.cols; j++) out.set(i, j, at(checked, i, j));
  return out;
}

/** Entry (i, j) of a Matrix in either layout. */
export function at(m: Matrix, i: number, j: number): number {
  return m.data[m.layout === 'row-major' ? i * m.cols + j : i + j * m.rows]!;
}
