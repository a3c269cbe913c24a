// CSR input (scipy.sparse.csr_matrix's arrays): structural validation with the same rules and
// messages as the native validate_csr (native/src/cpu/csr.cpp), and dense <-> CSR helpers.
import { ErrorCode, invalid, RandlaError } from './errors.js';
import type { CsrMatrix, Float, Matrix } from './types.js';
import { expectMatrix, isDetached, isFloatArray } from './validate.js';

/** Row numbers must fit the 32-bit indices of the transposed (CSC) copy the backends build. */
const MAX_ROWS = 2 ** 31 - 1;

/**
 * True when `value` is meant as a CSR matrix (an object with `format: 'csr'`); says nothing
 * about whether it is well formed: {@link expectCsr} checks that.
 *
 * @example
 * ```ts
 * isCsr({ format: 'csr', rows: 1, cols: 1 }); // true
 * isCsr([[1]]); // false
 * ```
 */
export function isCsr(value: unknown): value is CsrMatrix {
  return value !== null && typeof value === 'object' && (value as { format?: unknown }).format === 'csr';
}

/** A dimension: not an integer is a type error, an integer out of range a shape error. */
function expectDimension(value: unknown, argument: string, max: number): number {
  const expected = max === Number.MAX_SAFE_INTEGER ? 'an integer >= 1' : `an integer in [1, ${max}]`;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(argument, expected, value);
  if (value < 1 || value > max) {
    throw new RandlaError(ErrorCode.SHAPE, `Expected ${expected} for ${argument} but received ${value}`, { argument });
  }
  return value;
}

function expectAttached(data: ArrayBufferView, argument: string): void {
  if (isDetached(data)) {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected an attached buffer for ${argument} but received a detached ArrayBuffer`, {
      argument,
    });
  }
}

function expectLength(actual: number, expected: number, argument: string, rule: string): void {
  if (actual !== expected) {
    throw new RandlaError(ErrorCode.SHAPE, `Expected ${argument}.length = ${rule} = ${expected} but received ${actual}`, { argument });
  }
}

/**
 * Checks a CSR matrix: `format: 'csr'`; `rows` in [1, 2³¹ − 1] and `cols` >= 1; `indptr` and
 * `indices` Int32Array, `values` Float64Array or Float32Array, none detached;
 * `indptr.length = rows + 1`, `indptr[0] = 0`, `indptr` non-decreasing,
 * `indices.length = values.length = indptr[rows]`, every index in [0, cols). Unsorted and
 * repeated indices within a row are allowed (repeats add up). Throws RandlaError naming the
 * first offending entry (`A.indptr[17]`, `A.indices[42]`), the expected and the actual value:
 * ERR_RANDLA_SHAPE for shapes and lengths, ERR_RANDLA_INVALID_ARGUMENT for types, indptr and
 * indices. Returns a fresh object over the same arrays (no copy).
 *
 * @example
 * ```ts
 * const A = expectCsr({ format: 'csr', rows: 2, cols: 3, indptr: new Int32Array([0, 1, 3]),
 *   indices: new Int32Array([2, 0, 1]), values: new Float64Array([1, 2, 3]) }, 'A');
 * expectCsr({ ...A, indices: new Int32Array([2, 0, 3]) }, 'A');
 * // throws: Expected an index in [0, 3) for A.indices[2] but received 3
 * ```
 */
export function expectCsr(value: unknown, argument: string): CsrMatrix {
  if (value === null || typeof value !== 'object') {
    throw invalid(argument, "a CSR matrix { format: 'csr', rows, cols, indptr, indices, values }", value);
  }
  const m = value as Partial<Record<keyof CsrMatrix, unknown>>;
  if (m.format !== 'csr') throw invalid(`${argument}.format`, "'csr'", m.format);
  const rows = expectDimension(m.rows, `${argument}.rows`, MAX_ROWS);
  const cols = expectDimension(m.cols, `${argument}.cols`, Number.MAX_SAFE_INTEGER);
  const { indptr, indices, values } = m;
  if (!(indptr instanceof Int32Array)) throw invalid(`${argument}.indptr`, 'an Int32Array', indptr);
  if (!(indices instanceof Int32Array)) throw invalid(`${argument}.indices`, 'an Int32Array', indices);
  if (!isFloatArray(values)) throw invalid(`${argument}.values`, 'a Float64Array or Float32Array', values);
  expectAttached(indptr, `${argument}.indptr`);
  expectAttached(indices, `${argument}.indices`);
  expectAttached(values, `${argument}.values`);

  const ptr = `${argument}.indptr`;
  expectLength(indptr.length, rows + 1, ptr, 'rows + 1');
  if (indptr[0] !== 0) {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected 0 for ${ptr}[0] but received ${indptr[0]}`, { argument: ptr });
  }
  for (let i = 0; i < rows; i++) {
    if (indptr[i + 1]! < indptr[i]!) {
      throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a value >= ${ptr}[${i}] = ${indptr[i]} for ${ptr}[${i + 1}] but received ${indptr[i + 1]}`, {
        argument: ptr,
      });
    }
  }
  const nnz = indptr[rows]!;
  expectLength(indices.length, nnz, `${argument}.indices`, `${ptr}[rows]`);
  expectLength(values.length, nnz, `${argument}.values`, `${ptr}[rows]`);
  for (let p = 0; p < nnz; p++) {
    const j = indices[p]!;
    if (j < 0 || j >= cols) {
      throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected an index in [0, ${cols}) for ${argument}.indices[${p}] but received ${j}`, {
        argument: `${argument}.indices`,
      });
    }
  }
  return { format: 'csr', rows, cols, indptr, indices, values: values as Float };
}

/**
 * The CSR form of a dense matrix (either layout): the entries with |a| > threshold, each row's
 * indices ascending. NaN entries are kept, so a later finiteness check still sees them.
 *
 * @example
 * ```ts
 * import { csrFromDense, matrix } from 'randla';
 * const A = csrFromDense(matrix([[0, 2], [3, 0]]));
 * // { format: 'csr', rows: 2, cols: 2, indptr: [0, 1, 2], indices: [1, 0], values: [2, 3] }
 * ```
 */
export function csrFromDense(A: Matrix, threshold = 0): CsrMatrix<Float64Array> {
  const { data, rows, cols, layout } = expectMatrix(A, 'A');
  if (typeof threshold !== 'number' || !(threshold >= 0)) throw invalid('threshold', 'a number >= 0', threshold);
  expectDimension(rows, 'A.rows', MAX_ROWS);
  const rowStride = layout === 'row-major' ? cols : 1;
  const colStride = layout === 'row-major' ? 1 : rows;
  const keep = (v: number): boolean => !(Math.abs(v) <= threshold);
  let nnz = 0;
  for (let t = 0; t < data.length; t++) if (keep(data[t]!)) nnz++;
  if (nnz > 2 ** 31 - 1) {
    throw new RandlaError(ErrorCode.SHAPE, `Expected at most ${2 ** 31 - 1} stored entries (32-bit indptr) for A but received ${nnz}`, { argument: 'A' });
  }
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let p = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = data[i * rowStride + j * colStride]!;
      if (keep(v)) {
        indices[p] = j;
        values[p++] = v;
      }
    }
    indptr[i + 1] = p;
  }
  return { format: 'csr', rows, cols, indptr, indices, values };
}

/**
 * The dense (row-major, f64) form of a CSR matrix, repeated indices added up.
 *
 * @example
 * ```ts
 * import { csrToDense } from 'randla';
 * const D = csrToDense({ format: 'csr', rows: 1, cols: 2, indptr: new Int32Array([0, 2]),
 *   indices: new Int32Array([1, 1]), values: new Float64Array([1, 2]) });
 * // D.data: Float64Array [0, 3]
 * ```
 */
export function csrToDense(A: CsrMatrix): Matrix<Float64Array> {
  const { rows, cols, indptr, indices, values } = expectCsr(A, 'A');
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) data[i * cols + indices[p]!]! += values[p]!;
  }
  return { data, rows, cols, layout: 'row-major' };
}
