// CSR validation (the rules and messages of the native validate_csr) and the dense <-> CSR
// helpers, against hand-built matrices.
import { describe, expect, it } from 'vitest';

import { ErrorCode, RandlaError } from '../src/errors.js';
import { csrFromDense, csrToDense, expectCsr, isCsr } from '../src/sparse.js';
import type { CsrMatrix, Matrix } from '../src/types.js';

/** 3 x 5: row 0 = {4: 1, 0: 2} (unsorted), row 1 empty, row 2 = {2: 3 + 4 (repeated), 1: 5}. */
function sample(): CsrMatrix<Float64Array> {
  return {
    format: 'csr',
    rows: 3,
    cols: 5,
    indptr: new Int32Array([0, 2, 2, 5]),
    indices: new Int32Array([4, 0, 2, 2, 1]),
    values: new Float64Array([1, 2, 3, 4, 5]),
  };
}

const sampleDense = [
  [2, 0, 0, 0, 1],
  [0, 0, 0, 0, 0],
  [0, 5, 7, 0, 0],
];

/** Runs f, which must throw a RandlaError with exactly this code, argument and message. */
function expectRandlaError(f: () => unknown, code: ErrorCode, argument: string, message: string): void {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected RandlaError "${message}"`).toBeInstanceOf(RandlaError);
  const e = thrown as RandlaError;
  expect({ code: e.code, argument: e.argument, message: e.message }).toEqual({ code, argument, message });
}

/** The array, after its buffer has been transferred away (it reads as length 0). */
function detach<T extends ArrayBufferView>(array: T): T {
  structuredClone(array.buffer, { transfer: [array.buffer as ArrayBuffer] });
  return array;
}

describe('isCsr', () => {
  it('is true exactly for objects with format "csr"', () => {
    expect(isCsr(sample())).toBe(true);
    expect(isCsr({ format: 'csr' })).toBe(true);
    expect(isCsr({ format: 'csc' })).toBe(false);
    expect(isCsr({ data: new Float64Array(1), rows: 1, cols: 1, layout: 'row-major' })).toBe(false);
    expect(isCsr([[1]])).toBe(false);
    expect(isCsr(null)).toBe(false);
    expect(isCsr('csr')).toBe(false);
  });
});

describe('expectCsr', () => {
  it('accepts a well-formed matrix (unsorted, repeated indices, empty rows) without copying', () => {
    const A = sample();
    const checked = expectCsr(A, 'A');
    expect(checked).not.toBe(A);
    expect(checked.indptr).toBe(A.indptr);
    expect(checked.indices).toBe(A.indices);
    expect(checked.values).toBe(A.values);
    expect([checked.format, checked.rows, checked.cols]).toEqual(['csr', 3, 5]);
  });

  it('accepts Float32Array values and a matrix without stored entries', () => {
    expect(expectCsr({ ...sample(), values: new Float32Array([1, 2, 3, 4, 5]) }, 'A').values).toBeInstanceOf(Float32Array);
    const empty = { format: 'csr', rows: 2, cols: 2, indptr: new Int32Array(3), indices: new Int32Array(0), values: new Float64Array(0) };
    expect(expectCsr(empty, 'A').rows).toBe(2);
  });

  it('accepts views at an offset into a larger buffer', () => {
    const ptr = new Int32Array([9, 0, 2, 2, 5]).subarray(1);
    const idx = new Int32Array([9, 9, 4, 0, 2, 2, 1]).subarray(2);
    const val = new Float64Array([0, 1, 2, 3, 4, 5]).subarray(1);
    const A = { ...sample(), indptr: ptr, indices: idx, values: val };
    expect(csrToDense(expectCsr(A, 'A')).data).toEqual(Float64Array.from(sampleDense.flat()));
  });

  const { INVALID_ARGUMENT, SHAPE } = ErrorCode;
  type Case = [string, (A: Record<string, unknown>) => unknown, ErrorCode, string, string];
  const cases: Case[] = [
    ['not an object', () => 42, INVALID_ARGUMENT, 'A', "Expected a CSR matrix { format: 'csr', rows, cols, indptr, indices, values } for A but received number 42"],
    ['wrong format', (A) => ({ ...A, format: 'csc' }), INVALID_ARGUMENT, 'A.format', `Expected 'csr' for A.format but received string "csc"`],
    ['rows 0', (A) => ({ ...A, rows: 0, indptr: new Int32Array([0]) }), SHAPE, 'A.rows', 'Expected an integer in [1, 2147483647] for A.rows but received 0'],
    ['rows 2^31', (A) => ({ ...A, rows: 2 ** 31 }), SHAPE, 'A.rows', 'Expected an integer in [1, 2147483647] for A.rows but received 2147483648'],
    ['rows not an integer', (A) => ({ ...A, rows: 2.5 }), INVALID_ARGUMENT, 'A.rows', 'Expected an integer in [1, 2147483647] for A.rows but received number 2.5'],
    ['rows a string', (A) => ({ ...A, rows: '3' }), INVALID_ARGUMENT, 'A.rows', 'Expected an integer in [1, 2147483647] for A.rows but received string "3"'],
    ['cols 0', (A) => ({ ...A, cols: 0 }), SHAPE, 'A.cols', 'Expected an integer >= 1 for A.cols but received 0'],
    ['cols NaN', (A) => ({ ...A, cols: NaN }), INVALID_ARGUMENT, 'A.cols', 'Expected an integer >= 1 for A.cols but received number NaN'],
    ['indptr a plain array', (A) => ({ ...A, indptr: [0, 2, 2, 5] }), INVALID_ARGUMENT, 'A.indptr', 'Expected an Int32Array for A.indptr but received Array(4)'],
    ['indptr a Uint32Array', (A) => ({ ...A, indptr: new Uint32Array([0, 2, 2, 5]) }), INVALID_ARGUMENT, 'A.indptr', 'Expected an Int32Array for A.indptr but received Uint32Array(4)'],
    ['indices missing', (A) => ({ ...A, indices: undefined }), INVALID_ARGUMENT, 'A.indices', 'Expected an Int32Array for A.indices but received undefined'],
    ['indices a Float64Array', (A) => ({ ...A, indices: new Float64Array([4, 0, 2, 2, 1]) }), INVALID_ARGUMENT, 'A.indices', 'Expected an Int32Array for A.indices but received Float64Array(5)'],
    ['values an Int32Array', (A) => ({ ...A, values: new Int32Array(5) }), INVALID_ARGUMENT, 'A.values', 'Expected a Float64Array or Float32Array for A.values but received Int32Array(5)'],
    ['indptr detached', (A) => ({ ...A, indptr: detach(new Int32Array([0, 2, 2, 5])) }), INVALID_ARGUMENT, 'A.indptr', 'Expected an attached buffer for A.indptr but received a detached ArrayBuffer'],
    ['indices detached', (A) => ({ ...A, indices: detach(new Int32Array([4, 0, 2, 2, 1])) }), INVALID_ARGUMENT, 'A.indices', 'Expected an attached buffer for A.indices but received a detached ArrayBuffer'],
    ['values detached', (A) => ({ ...A, values: detach(new Float64Array(5)) }), INVALID_ARGUMENT, 'A.values', 'Expected an attached buffer for A.values but received a detached ArrayBuffer'],
    ['indptr too short', (A) => ({ ...A, indptr: new Int32Array([0, 2, 5]) }), SHAPE, 'A.indptr', 'Expected A.indptr.length = rows + 1 = 4 but received 3'],
    ['indptr[0] != 0', (A) => ({ ...A, indptr: new Int32Array([1, 2, 2, 5]) }), INVALID_ARGUMENT, 'A.indptr', 'Expected 0 for A.indptr[0] but received 1'],
    ['indptr decreasing (first of two)', (A) => ({ ...A, indptr: new Int32Array([0, 3, 2, 1]) }), INVALID_ARGUMENT, 'A.indptr', 'Expected a value >= A.indptr[1] = 3 for A.indptr[2] but received 2'],
    ['indptr[rows] negative', (A) => ({ ...A, indptr: new Int32Array([0, 2, 2, -1]) }), INVALID_ARGUMENT, 'A.indptr', 'Expected a value >= A.indptr[2] = 2 for A.indptr[3] but received -1'],
    ['indices longer than nnz', (A) => ({ ...A, indices: new Int32Array([4, 0, 2, 2, 1, 0]) }), SHAPE, 'A.indices', 'Expected A.indices.length = A.indptr[rows] = 5 but received 6'],
    ['values shorter than nnz', (A) => ({ ...A, values: new Float64Array(4) }), SHAPE, 'A.values', 'Expected A.values.length = A.indptr[rows] = 5 but received 4'],
    ['index = cols', (A) => ({ ...A, indices: new Int32Array([4, 0, 2, 5, 7]) }), INVALID_ARGUMENT, 'A.indices', 'Expected an index in [0, 5) for A.indices[3] but received 5'],
    ['negative index', (A) => ({ ...A, indices: new Int32Array([4, -1, 2, 2, 1]) }), INVALID_ARGUMENT, 'A.indices', 'Expected an index in [0, 5) for A.indices[1] but received -1'],
  ];

  it.each(cases)('rejects %s, naming the argument, the expected and the actual value', (_, mutate, code, argument, message) => {
    const A = sample();
    const before = [A.indptr.slice(), A.indices.slice(), A.values.slice()];
    expectRandlaError(() => expectCsr(mutate(A as unknown as Record<string, unknown>), 'A'), code, argument, message);
    expect([A.indptr, A.indices, A.values]).toEqual(before);
  });

  it('names the argument it is given', () => {
    expectRandlaError(
      () => expectCsr({ ...sample(), indices: new Int32Array([4, 0, 2, 2, 9]) }, 'X'),
      ErrorCode.INVALID_ARGUMENT,
      'X.indices',
      'Expected an index in [0, 5) for X.indices[4] but received 9',
    );
  });
});

describe('csrFromDense', () => {
  const rowMajor: Matrix<Float64Array> = { data: Float64Array.from(sampleDense.flat()), rows: 3, cols: 5, layout: 'row-major' };
  const colMajor: Matrix<Float32Array> = {
    data: Float32Array.from({ length: 15 }, (_, t) => sampleDense[t % 3]![Math.floor(t / 3)]!),
    rows: 3,
    cols: 5,
    layout: 'col-major',
  };

  it.each([
    ['row-major f64', rowMajor],
    ['col-major f32', colMajor],
  ] as const)('stores the non-zeros of a %s matrix row by row, indices ascending', (_, A) => {
    const before = A.data.slice();
    const S = csrFromDense(A);
    expect(A.data).toEqual(before);
    expect(S.format).toBe('csr');
    expect([S.rows, S.cols]).toEqual([3, 5]);
    expect(Array.from(S.indptr)).toEqual([0, 2, 2, 4]);
    expect(Array.from(S.indices)).toEqual([0, 4, 1, 2]);
    expect(S.values).toBeInstanceOf(Float64Array);
    expect(Array.from(S.values)).toEqual([2, 1, 5, 7]);
    expect(expectCsr(S, 'S')).toBeTruthy();
  });

  it('drops entries with |a| <= threshold and keeps NaN', () => {
    const A: Matrix = { data: new Float64Array([0.5, -3, NaN, 1e-9, 0, -0.5]), rows: 2, cols: 3, layout: 'row-major' };
    const S = csrFromDense(A, 0.5);
    expect(Array.from(S.indptr)).toEqual([0, 2, 2]);
    expect(Array.from(S.indices)).toEqual([1, 2]);
    expect(Array.from(S.values)).toEqual([-3, NaN]);
    expect(Array.from(csrFromDense(A).indices)).toEqual([0, 1, 2, 0, 2]);
  });

  it('rejects a bad matrix or threshold', () => {
    expect(() => csrFromDense({ data: new Float64Array(3), rows: 2, cols: 2, layout: 'row-major' })).toThrow(
      'Expected A.data.length = rows * cols = 4 but received 3',
    );
    expectRandlaError(() => csrFromDense(rowMajor, -1), ErrorCode.INVALID_ARGUMENT, 'threshold', 'Expected a number >= 0 for threshold but received number -1');
    expectRandlaError(() => csrFromDense(rowMajor, NaN), ErrorCode.INVALID_ARGUMENT, 'threshold', 'Expected a number >= 0 for threshold but received number NaN');
  });
});

describe('csrToDense', () => {
  it('adds repeated indices up and leaves empty rows zero (row-major f64)', () => {
    const A = sample();
    const D = csrToDense(A);
    expect([D.rows, D.cols, D.layout]).toEqual([3, 5, 'row-major']);
    expect(D.data).toEqual(Float64Array.from(sampleDense.flat()));
    expect(Array.from(A.values)).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads f32 values', () => {
    const D = csrToDense({ ...sample(), values: new Float32Array([0.1, 2, 3, 4, 5]) });
    expect(D.data).toBeInstanceOf(Float64Array);
    expect(D.data[4]).toBe(Math.fround(0.1));
  });

  it('inverts csrFromDense', () => {
    // A deterministic pseudo-random 7 x 9 matrix with about half of its entries zero.
    const data = Float64Array.from({ length: 63 }, (_, t) => ((t * 13) % 3 === 0 ? 0 : (((t * 37) % 11) - 5) * 0.25));
    const A: Matrix<Float64Array> = { data, rows: 7, cols: 9, layout: 'row-major' };
    expect(csrToDense(csrFromDense(A)).data).toEqual(data);
  });

  it('validates its input', () => {
    expectRandlaError(
      () => csrToDense({ ...sample(), indptr: new Int32Array([0, 2, 1, 5]) }),
      ErrorCode.INVALID_ARGUMENT,
      'A.indptr',
      'Expected a value >= A.indptr[1] = 2 for A.indptr[2] but received 1',
    );
  });
});
