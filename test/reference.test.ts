import { describe, expect, it } from 'vitest';
import { ErrorCode, RandlaError } from '../src/errors.js';
import type { CsrMatrix, Layout, Matrix, Normalizer, SketchKind } from '../src/types.js';
import type { RsvdOutput, RsvdRequest } from '../src/backend/types.js';
import {
  STREAM_RANGE_FINDER,
  gaussianEntry,
  philox4x32_10,
  rademacherEntry,
  seedKey,
  testMatrix,
} from '../src/backend/reference/philox.js';
import { applyA, applyAt, householderQ, luPermutedLower, smallSvd } from '../src/backend/reference/dense.js';
import { rsvdReference, rsvdReferenceAsync } from '../src/backend/reference/rsvd.js';
import { centeredOperator, csrOperator, denseOperator, transposedOperator } from '../src/backend/reference/operators.js';
import { referenceBackend } from '../src/backend/reference/index.js';

import {
  EPS64 as F64_EPSILON,
  expectAllClose,
  expectClose,
  reference as referenceTolerance,
} from './helpers/tolerance.js';
import { bytesOf } from './helpers/spectrum.js';
import { at } from '../src/matrix.js';
import { requestOptions } from './helpers/request.js';

const {
  qr: QR_TOL_F64,
  product: PRODUCT_TOL_F64,
  productF32Data: PRODUCT_TOL_F32_DATA,
  sigmaF64: SIGMA_REL_TOL_F64,
  sigmaF32: SIGMA_REL_TOL_F32,
  factorF64: FACTOR_TOL_F64,
  factorF32: FACTOR_TOL_F32,
  standardErrors: STANDARD_ERRORS,
} = referenceTolerance;

// ---------------------------------------------------------------------------------------------
// helpers

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let t = 0; t < x.length; t++) m = Math.max(m, Math.abs(x[t]));
  return m;
}

/** Column-major product of column-major blocks, C = op(A) op(B), plain triple loop. */
function matmul(
  a: ArrayLike<number>,
  aRows: number,
  aCols: number,
  aT: boolean,
  b: ArrayLike<number>,
  bRows: number,
  bCols: number,
  bT: boolean,
): Float64Array {
  const m = aT ? aCols : aRows;
  const inner = aT ? aRows : aCols;
  const n = bT ? bRows : bCols;
  expect(bT ? bCols : bRows).toBe(inner);
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < inner; k++) {
        const x = aT ? a[k + i * aRows] : a[i + k * aRows];
        const y = bT ? b[j + k * bRows] : b[k + j * bRows];
        s += x * y;
      }
      C[i + j * m] = s;
    }
  }
  return C;
}

function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i + i * n] = 1;
  return I;
}

/** A Matrix holding the column-major m × n values `dense` in the given layout and dtype. */
function toMatrix(dense: Float64Array, m: number, n: number, layout: Layout, dtype: 'f64' | 'f32'): Matrix {
  const data = dtype === 'f32' ? new Float32Array(m * n) : new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      data[layout === 'col-major' ? i + j * m : i * n + j] = dense[i + j * m];
    }
  }
  return { data, rows: m, cols: n, layout };
}

/** Column-major values of a Matrix (in f64). */
function denseOf(A: Matrix): Float64Array {
  const out = new Float64Array(A.rows * A.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) out[i + j * A.rows] = at(A, i, j);
  return out;
}

const RANK = 5;
const SIGMAS = Array.from({ length: RANK }, (_, i) => 1 / (i + 1));

/**
 * Column-major m × n matrix U0 diag(σ) V0ᵀ with σ_i = 1/i, i ≤ 5, whose orthonormal factors are
 * the Householder Q of Philox Gaussian blocks: the exact singular values are known.
 */
function lowRank(m: number, n: number): Float64Array {
  const U0 = householderQ(testMatrix(m, RANK, 11n, 7, 'gaussian'), m, RANK);
  const V0 = householderQ(testMatrix(n, RANK, 12n, 7, 'gaussian'), n, RANK);
  const A = new Float64Array(m * n);
  for (let r = 0; r < RANK; r++) {
    for (let j = 0; j < n; j++) {
      const v = SIGMAS[r] * V0[j + r * n];
      for (let i = 0; i < m; i++) A[i + j * m] += U0[i + r * m] * v;
    }
  }
  return A;
}

function request(A: Matrix, overrides: Partial<RsvdRequest> = {}): RsvdRequest {
  return { A, ...requestOptions({ rank: RANK, oversamples: 5, errorIters: 4, ...overrides }) };
}

/** Checks shapes, dtype, σ, orthonormality, reconstruction and the sign rule of an rsvd output. */
function checkRsvd(A: Matrix, out: RsvdOutput, what: string): void {
  const f32 = A.data instanceof Float32Array;
  const k = out.S.length;
  expect(out.S).toBeInstanceOf(Float64Array);
  expect(out.U!.data).toBeInstanceOf(f32 ? Float32Array : Float64Array);
  expect(out.Vt!.data).toBeInstanceOf(f32 ? Float32Array : Float64Array);
  expect([out.U!.rows, out.U!.cols, out.U!.layout]).toEqual([A.rows, k, 'row-major']);
  expect([out.Vt!.rows, out.Vt!.cols, out.Vt!.layout]).toEqual([k, A.cols, 'row-major']);

  const sigmaTol = f32 ? SIGMA_REL_TOL_F32 : SIGMA_REL_TOL_F64;
  for (let i = 0; i < k; i++) expectClose(out.S[i], SIGMAS[i], sigmaTol * SIGMAS[i], `${what}: σ${i + 1}`);

  const factorTol = f32 ? FACTOR_TOL_F32 : FACTOR_TOL_F64;
  const U = denseOf(out.U!);
  const Vt = denseOf(out.Vt!);
  expectAllClose(matmul(U, A.rows, k, true, U, A.rows, k, false), identity(k), factorTol, `${what}: UᵀU − I`);
  expectAllClose(matmul(Vt, k, A.cols, false, Vt, k, A.cols, true), identity(k), factorTol, `${what}: Vt Vtᵀ − I`);

  const US = U.slice();
  for (let j = 0; j < k; j++) for (let i = 0; i < A.rows; i++) US[i + j * A.rows] *= out.S[j];
  const target = denseOf(A);
  expectAllClose(matmul(US, A.rows, k, false, Vt, k, A.cols, false), target, factorTol * maxAbs(target), `${what}: U S Vt − A`);

  // Sign rule: the first entry of largest |value| in each column of U is positive.
  for (let j = 0; j < k; j++) {
    let best = 0;
    for (let i = 1; i < A.rows; i++) if (Math.abs(U[i + j * A.rows]) > Math.abs(U[best + j * A.rows])) best = i;
    expect(U[best + j * A.rows], `${what}: sign of U column ${j}`).toBeGreaterThan(0);
  }
}

// ---------------------------------------------------------------------------------------------
// Philox

describe('philox4x32_10', () => {
  // Random123 tests/kat_vectors, the `philox4x32 10` lines (docs/rng.md).
  const KAT: [number[], number[], number[]][] = [
    [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
    [
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
    ],
    [
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      [0xa4093822, 0x299f31d0],
      [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
    ],
  ];

  it.each(KAT)('matches the Random123 known answer for counter %j, key %j', (c, k, expected) => {
    const out = new Uint32Array(4);
    philox4x32_10(c[0], c[1], c[2], c[3], k[0], k[1], out);
    expect(Array.from(out, (x) => x.toString(16))).toEqual(expected.map((x) => x.toString(16)));
  });

  it('splits a 64-bit seed into the key words', () => {
    expect(seedKey(0n)).toEqual([0, 0]);
    expect(seedKey(0x123456789abcdef0n)).toEqual([0x9abcdef0, 0x12345678]);
    expect(seedKey(2n ** 64n - 1n)).toEqual([0xffffffff, 0xffffffff]);
  });

  it('maps the words of entry (0, 0), seed 0, stream 0 to numbers as docs/rng.md states', () => {
    // Counter (0, 0, 0, 0), key (0, 0): the first known-answer output. The 53-bit uniforms are
    // rebuilt here with BigInt, independently of the shifts and scalings of philox.ts.
    const [x0, x1, x2, x3] = [0x6627e8d5n, 0xe169c58dn, 0xbc57ac4cn, 0x9b00dbd8n];
    const u1 = (2 ** 53 - Number(((x0 >> 5n) << 26n) | (x1 >> 6n))) / 2 ** 53;
    const u2 = Number(((x2 >> 5n) << 26n) | (x3 >> 6n)) / 2 ** 53;
    const g = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    expect(gaussianEntry(0, 0, 0, 0, 0)).toBe(g);
    expect(rademacherEntry(0, 0, 0, 0, 0)).toBe(1); // top bit of 0x6627e8d5 is 0
    // An entry past 2^32 rows: counter words (i mod 2^32, floor(i / 2^32), j, stream).
    const i = 2 ** 52 + 2 ** 32 * 5 + 7;
    const out = new Uint32Array(4);
    philox4x32_10(7, 2 ** 20 + 5, 3, 9, 1, 2, out);
    expect(rademacherEntry(1, 2, 9, i, 3)).toBe(out[0] >>> 31 === 0 ? 1 : -1);
    const v1 = (2 ** 53 - ((out[0] >>> 5) * 2 ** 26 + (out[1] >>> 6))) / 2 ** 53;
    const v2 = ((out[2] >>> 5) * 2 ** 26 + (out[3] >>> 6)) / 2 ** 53;
    expect(gaussianEntry(1, 2, 9, i, 3)).toBe(Math.sqrt(-2 * Math.log(v1)) * Math.cos(2 * Math.PI * v2));
  });

  it.each(['gaussian', 'rademacher'] as const)('%s entries are addressable one at a time', (kind) => {
    const seed = 0xfedcba9876543210n;
    const [k0, k1] = seedKey(seed);
    const n = 37;
    const l = 6;
    const omega = testMatrix(n, l, seed, 3, kind);
    const entry = kind === 'gaussian' ? gaussianEntry : rademacherEntry;
    for (let j = 0; j < l; j++) {
      for (let i = 0; i < n; i++) expect(omega[i + j * n], `(${i}, ${j})`).toBe(entry(k0, k1, 3, i, j));
    }
    // A bigger matrix holds the smaller one as its leading block.
    const bigger = testMatrix(n + 10, l + 2, seed, 3, kind);
    for (let j = 0; j < l; j++) for (let i = 0; i < n; i++) expect(bigger[i + j * (n + 10)]).toBe(omega[i + j * n]);
  });

  it('matches the cross-language vectors of docs/rng.md (shared with native/tests/test_philox.cpp)', () => {
    const [k0, k1] = seedKey(0x0123456789abcdefn);
    const vectors: [number, number, number, number][] = [
      [0, 0, 1.3948689342854275, -1],
      [5, 3, -1.077966403770696, -1],
      [2 ** 32 + 7, 2, 1.1015628358011695, -1],
    ];
    for (const [i, j, gaussian, rademacher] of vectors) {
      // A few ulp: backends may differ only through libm's log and cos.
      expectClose(gaussianEntry(k0, k1, 0, i, j), gaussian, 8 * F64_EPSILON * Math.abs(gaussian), `gaussian (${i}, ${j})`);
      expect(rademacherEntry(k0, k1, 0, i, j)).toBe(rademacher);
    }
  });

  it('gives different numbers for another stream, seed or position', () => {
    const [k0, k1] = seedKey(42n);
    const [s0, s1] = seedKey(43n);
    const g = gaussianEntry(k0, k1, STREAM_RANGE_FINDER, 4, 2);
    expect(gaussianEntry(k0, k1, STREAM_RANGE_FINDER + 1, 4, 2)).not.toBe(g);
    expect(gaussianEntry(s0, s1, STREAM_RANGE_FINDER, 4, 2)).not.toBe(g);
    expect(gaussianEntry(k0, k1, STREAM_RANGE_FINDER, 2, 4)).not.toBe(g);
    expect(gaussianEntry(k0, k1, STREAM_RANGE_FINDER, 4 + 2 ** 32, 2)).not.toBe(g);
    // Whole matrices: no two share more than chance agreement of signs.
    const a = testMatrix(1000, 2, 42n, 0, 'rademacher');
    const b = testMatrix(1000, 2, 42n, 1, 'rademacher');
    let same = 0;
    for (let t = 0; t < a.length; t++) if (a[t] === b[t]) same++;
    const n = a.length;
    expectClose(same / n, 0.5, (STANDARD_ERRORS * 0.5) / Math.sqrt(n), 'share of equal signs, streams 0 and 1');
  });

  it('draws standard normal Gaussians: mean and variance of 1e5 entries', () => {
    const x = testMatrix(1000, 100, 2024n, STREAM_RANGE_FINDER, 'gaussian');
    const n = x.length;
    let sum = 0;
    for (const v of x) sum += v;
    const mean = sum / n;
    let ss = 0;
    let s4 = 0;
    for (const v of x) {
      ss += (v - mean) ** 2;
      s4 += v ** 4;
    }
    const variance = ss / (n - 1);
    // SE(mean) = σ/√n; SE(s²) = σ²·√(2/(n−1)); E[x⁴] = 3 with SE √(E[x⁸] − 9)/√n = √96/√n.
    expectClose(mean, 0, STANDARD_ERRORS / Math.sqrt(n), 'sample mean');
    expectClose(variance, 1, STANDARD_ERRORS * Math.sqrt(2 / (n - 1)), 'sample variance');
    expectClose(s4 / n, 3, (STANDARD_ERRORS * Math.sqrt(96)) / Math.sqrt(n), 'sample fourth moment');
  });

  it('draws balanced Rademacher signs', () => {
    const x = testMatrix(1000, 100, 2024n, STREAM_RANGE_FINDER, 'rademacher');
    const n = x.length;
    let plus = 0;
    for (const v of x) {
      if (v !== 1 && v !== -1) throw new Error(`rademacher entry ${v} is not ±1`);
      if (v === 1) plus++;
    }
    expectClose(plus / n, 0.5, (STANDARD_ERRORS * 0.5) / Math.sqrt(n), 'share of +1');
  });
});

// ---------------------------------------------------------------------------------------------
// dense kernels

describe('applyA / applyAt', () => {
  // 600 rows crosses the 512-row block; 41 columns and l = 7 leave remainders of the 4-unrolling.
  const cases: [number, number, Layout, 'f64' | 'f32', boolean][] = [];
  for (const [m, n] of [
    [600, 41],
    [13, 5],
  ] as const) {
    for (const layout of ['col-major', 'row-major'] as const) {
      for (const dtype of ['f64', 'f32'] as const) {
        for (const transposed of [false, true]) cases.push([m, n, layout, dtype, transposed]);
      }
    }
  }

  it.each(cases)('%i x %i %s %s, transposed %s', (m, n, layout, dtype, transposed) => {
    const A = toMatrix(testMatrix(m, n, 5n, 1, 'gaussian'), m, n, layout, dtype);
    const before = bytesOf(A.data);
    const dense = denseOf(A);
    const absDense = dense.map(Math.abs);
    const tol = dtype === 'f32' ? PRODUCT_TOL_F32_DATA : PRODUCT_TOL_F64;
    const l = 7;
    const rowsOp = transposed ? n : m;
    const colsOp = transposed ? m : n;

    const X = testMatrix(colsOp, l, 6n, 1, 'gaussian');
    const Y = applyA(A, X, l, transposed);
    const expectedY = matmul(dense, m, n, transposed, X, colsOp, l, false);
    const boundY = matmul(absDense, m, n, transposed, X.map(Math.abs), colsOp, l, false);
    expect(Y.length).toBe(rowsOp * l);
    for (let t = 0; t < Y.length; t++) expectClose(Y[t], expectedY[t], tol * boundY[t], `op(A)·X [${t}]`);

    const W = testMatrix(rowsOp, l, 7n, 1, 'gaussian');
    const Z = applyAt(A, W, l, transposed);
    const expectedZ = matmul(dense, m, n, !transposed, W, rowsOp, l, false);
    const boundZ = matmul(absDense, m, n, !transposed, W.map(Math.abs), rowsOp, l, false);
    expect(Z.length).toBe(colsOp * l);
    for (let t = 0; t < Z.length; t++) expectClose(Z[t], expectedZ[t], tol * boundZ[t], `op(A)ᵀ·X [${t}]`);

    expect(bytesOf(A.data)).toEqual(before);
  });
});

describe('householderQ', () => {
  it.each([
    [600, 12],
    [40, 40],
    [7, 1],
  ])('%i x %i: QᵀQ = I and Q·(QᵀY) = Y, R upper triangular', (m, l) => {
    const Y = testMatrix(m, l, 8n, 2, 'gaussian');
    const copy = Y.slice();
    const Q = householderQ(Y, m, l);
    expect(Y).toEqual(copy);
    expectAllClose(matmul(Q, m, l, true, Q, m, l, false), identity(l), QR_TOL_F64, 'QᵀQ − I');
    const R = matmul(Q, m, l, true, Y, m, l, false);
    const scale = maxAbs(Y);
    for (let j = 0; j < l; j++) {
      for (let i = j + 1; i < l; i++) expectClose(R[i + j * l], 0, QR_TOL_F64 * scale, `R[${i}, ${j}] below the diagonal`);
    }
    expectAllClose(matmul(Q, m, l, false, R, l, l, false), Y, QR_TOL_F64 * scale, 'Q·R − Y');
  });

  it('follows LAPACK signs and stays orthonormal on a rank-deficient block', () => {
    expectAllClose(householderQ(new Float64Array([3, 4]), 2, 1), [-0.6, -0.8], 4 * F64_EPSILON, 'Q of (3, 4)');
    const m = 50;
    const Y = new Float64Array(m * 4);
    const g = testMatrix(m, 2, 9n, 2, 'gaussian');
    Y.set(g.subarray(0, m), 0); // column 0
    Y.set(g.subarray(0, m), m); // column 1 = column 0
    // column 2 stays zero
    Y.set(g.subarray(m, 2 * m), 3 * m);
    const Q = householderQ(Y, m, 4);
    expectAllClose(matmul(Q, m, 4, true, Q, m, 4, false), identity(4), QR_TOL_F64, 'QᵀQ − I (rank 2)');
    const R = matmul(Q, m, 4, true, Y, m, 4, false);
    expectAllClose(matmul(Q, m, 4, false, R, 4, 4, false), Y, QR_TOL_F64 * maxAbs(Y), 'Q·R − Y (rank 2)');
  });
});

describe('luPermutedLower', () => {
  it.each([
    [600, 12],
    [30, 30],
  ])('%i x %i: P·L is permuted unit lower trapezoidal and spans range(Y)', (m, l) => {
    const Y = testMatrix(m, l, 10n, 2, 'gaussian');
    const copy = Y.slice();
    const PL = luPermutedLower(Y, m, l);
    expect(Y).toEqual(copy);
    // Partial pivoting bounds every multiplier by 1.
    expect(maxAbs(PL)).toBeLessThanOrEqual(1);
    // Row π(j) of P·L is (ℓ_j0, …, ℓ_j,j−1, 1, 0, …, 0) for distinct rows π(0), …, π(l−1).
    const pivotRows = new Set<number>();
    for (let j = 0; j < l; j++) {
      const candidates: number[] = [];
      for (let i = 0; i < m; i++) {
        if (PL[i + j * m] !== 1) continue;
        let zerosAfter = true;
        for (let c = j + 1; c < l; c++) if (PL[i + c * m] !== 0) zerosAfter = false;
        if (zerosAfter && !pivotRows.has(i)) candidates.push(i);
      }
      expect(candidates.length, `unit pivot row of column ${j}`).toBe(1);
      pivotRows.add(candidates[0]);
    }
    // Same column space: Y − QQᵀY vanishes for Q = orth(P·L).
    const Q = householderQ(PL, m, l);
    const proj = matmul(Q, m, l, false, matmul(Q, m, l, true, Y, m, l, false), l, l, false);
    expectAllClose(proj, Y, QR_TOL_F64 * maxAbs(Y) * l, 'Y − QQᵀY, Q = orth(P·L)');
  });

  it('matches scipy lu(permute_l=True) on a 2 x 1 and a 3 x 2 example', () => {
    expect(Array.from(luPermutedLower(new Float64Array([1, 2]), 2, 1))).toEqual([0.5, 1]);
    // Y = [[1, 2], [4, 5], [2, 7]]: pivots rows 1 then 2; scipy gives
    // P·L = [[0.25, 0.1666...], [1, 0], [0.5, 1]].
    const PL = luPermutedLower(new Float64Array([1, 4, 2, 2, 5, 7]), 3, 2);
    expectAllClose(PL, [0.25, 1, 0.5, (2 - 1.25) / (7 - 2.5), 0, 1], 4 * F64_EPSILON, 'P·L');
  });
});

describe('smallSvd', () => {
  it('factorizes a tall block: W Σ Zᵀ = B, orthonormal factors, descending Σ', () => {
    const n = 80;
    const l = 10;
    const B = testMatrix(n, l, 13n, 2, 'gaussian');
    const copy = B.slice();
    const { W, S, Z } = smallSvd(B, n, l);
    expect(B).toEqual(copy);
    for (let j = 1; j < l; j++) expect(S[j]).toBeLessThanOrEqual(S[j - 1]);
    expectAllClose(matmul(W, n, l, true, W, n, l, false), identity(l), QR_TOL_F64, 'WᵀW − I');
    expectAllClose(matmul(Z, l, l, true, Z, l, l, false), identity(l), QR_TOL_F64, 'ZᵀZ − I');
    const WS = W.slice();
    for (let j = 0; j < l; j++) for (let i = 0; i < n; i++) WS[i + j * n] *= S[j];
    expectAllClose(matmul(WS, n, l, false, Z, l, l, true), B, QR_TOL_F64 * maxAbs(B), 'W Σ Zᵀ − B');
  });
});

// ---------------------------------------------------------------------------------------------
// operators

describe('operators', () => {
  // A 5 x 4 CSR matrix with an empty row, unsorted indices and a repeated (3, 1), and its dense form.
  const csr: CsrMatrix = {
    format: 'csr',
    rows: 5,
    cols: 4,
    indptr: new Int32Array([0, 2, 2, 5, 7, 8]),
    indices: new Int32Array([3, 0, 2, 0, 1, 1, 1, 3]),
    values: new Float64Array([1.5, -2, 4, 0.5, 3, 2, -7, 6]),
  };
  const dense = new Float64Array(20); // column-major
  for (let i = 0; i < 5; i++) {
    for (let p = csr.indptr[i]; p < csr.indptr[i + 1]; p++) dense[i + csr.indices[p] * 5] += csr.values[p] as number;
  }

  /** Checks op against the dense D (column-major m × n); `froScale` bounds the rounding of ‖A‖²_F. */
  function checkOperator(op: ReturnType<typeof denseOperator>, D: Float64Array, m: number, n: number, what: string, froScale?: number): void {
    const absD = D.map(Math.abs);
    const Xn = testMatrix(n, 3, 3n, 1, 'gaussian');
    const Ym = testMatrix(m, 3, 4n, 1, 'gaussian');
    const AX = op.apply(false, Xn, 3) as Float64Array;
    const bound = matmul(absD, m, n, false, Xn.map(Math.abs), n, 3, false);
    const expected = matmul(D, m, n, false, Xn, n, 3, false);
    for (let t = 0; t < AX.length; t++) expectClose(AX[t], expected[t], PRODUCT_TOL_F64 * bound[t], `${what}: A·X [${t}]`);
    const AtY = op.apply(true, Ym, 3) as Float64Array;
    const boundT = matmul(absD, m, n, true, Ym.map(Math.abs), m, 3, false);
    const expectedT = matmul(D, m, n, true, Ym, m, 3, false);
    for (let t = 0; t < AtY.length; t++) expectClose(AtY[t], expectedT[t], PRODUCT_TOL_F64 * boundT[t], `${what}: Aᵀ·Y [${t}]`);
    let fro = 0;
    for (const v of D) fro += v * v;
    expectClose(op.frobeniusSquared() as number, fro, PRODUCT_TOL_F64 * (froScale ?? fro), `${what}: ‖A‖²_F`);
    const sums = new Float64Array(n);
    const sumBound = new Float64Array(n);
    for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) (sums[j] += D[i + j * m]), (sumBound[j] += absD[i + j * m]);
    const got = op.columnSums() as Float64Array;
    for (let j = 0; j < n; j++) expectClose(got[j], sums[j], PRODUCT_TOL_F64 * sumBound[j], `${what}: column sum ${j}`);
  }

  it('CSR: products, ‖A‖²_F (repeats add up first) and column sums equal the dense ones', () => {
    checkOperator(csrOperator(csr), dense, 5, 4, 'CSR');
  });

  it('dense (both layouts, f32 too) and transposed views', () => {
    for (const layout of ['row-major', 'col-major'] as const) {
      for (const dtype of ['f64', 'f32'] as const) {
        const A = toMatrix(dense, 5, 4, layout, dtype);
        checkOperator(denseOperator(A), denseOf(A), 5, 4, `dense ${layout} ${dtype}`);
        checkOperator(transposedOperator(denseOperator(A)), transposeDense(denseOf(A), 5, 4), 4, 5, `transposed dense ${layout} ${dtype}`);
      }
    }
    const T = transposedOperator(csrOperator(csr));
    expect([T.rows, T.cols, T.gramPasses, T.dense]).toEqual([4, 5, 2, undefined]);
    checkOperator(T, transposeDense(dense, 5, 4), 4, 5, 'transposed CSR');
    const D = transposedOperator(denseOperator(toMatrix(dense, 5, 4, 'row-major', 'f64')));
    expect([D.gramPasses, D.dense?.transposed]).toEqual([1, true]);
  });

  it('centered: A − 1μᵀ for any μ, never formed, over CSR and dense', () => {
    const mu = new Float64Array([0.25, -1, 3, 0.5]);
    const C = dense.slice();
    for (let j = 0; j < 4; j++) for (let i = 0; i < 5; i++) C[i + j * 5] -= mu[j];
    // ‖A − 1μᵀ‖²_F = ‖A‖²_F − 2μᵀ(1ᵀA) + m‖μ‖²: rounding relative to the terms, not the result.
    let froScale = 0;
    for (let j = 0; j < 4; j++) {
      let colSum = 0;
      for (let i = 0; i < 5; i++) (froScale += dense[i + j * 5] ** 2), (colSum += Math.abs(dense[i + j * 5]));
      froScale += 2 * Math.abs(mu[j]) * colSum + 5 * mu[j] ** 2;
    }
    const fromCsr = centeredOperator(csrOperator(csr), mu);
    expect(fromCsr.gramPasses).toBe(2);
    expect(fromCsr.dense).toBeUndefined();
    checkOperator(fromCsr, C, 5, 4, 'centered CSR', froScale);
    checkOperator(centeredOperator(denseOperator(toMatrix(dense, 5, 4, 'col-major', 'f64')), mu), C, 5, 4, 'centered dense', froScale);
  });
});

// ---------------------------------------------------------------------------------------------
// rsvd

describe('rsvdReference', () => {
  const tall = lowRank(60, 40);
  const cases: [string, number, number, Layout, 'f64' | 'f32', Normalizer, SketchKind][] = [];
  for (const layout of ['col-major', 'row-major'] as const) {
    for (const dtype of ['f64', 'f32'] as const) {
      for (const [m, n] of [
        [60, 40],
        [40, 60],
      ] as const) {
        cases.push([m < n ? 'wide' : 'tall', m, n, layout, dtype, 'qr', 'gaussian']);
      }
    }
  }
  for (const normalizer of ['lu', 'cholqr2', 'none'] as const) cases.push(['tall', 60, 40, 'col-major', 'f64', normalizer, 'gaussian']);
  cases.push(['tall', 60, 40, 'row-major', 'f64', 'qr', 'rademacher']);
  cases.push(['wide', 40, 60, 'col-major', 'f64', 'lu', 'rademacher']);
  cases.push(['tall', 60, 40, 'row-major', 'f64', 'qr', 'uniform']);
  cases.push(['wide', 40, 60, 'row-major', 'f32', 'cholqr2', 'sparse-sign']);
  cases.push(['tall', 60, 40, 'col-major', 'f64', 'lu', 'srht']);
  cases.push(['wide', 40, 60, 'row-major', 'f32', 'qr', 'srht']);

  it.each(cases)('recovers σ = 1/i of an exact rank-5 %s %i x %i %s %s matrix (%s, %s)', (_, m, n, layout, dtype, normalizer, sketch) => {
    const dense = m === 60 ? tall : transposeDense(tall, 60, 40);
    const A = toMatrix(dense, m, n, layout, dtype);
    const before = bytesOf(A.data);
    const out = rsvdReference(request(A, { normalizer, sketch }));
    expect(bytesOf(A.data), 'input bytes after the call').toEqual(before);
    checkRsvd(A, out, `${m}x${n} ${layout} ${dtype} ${normalizer} ${sketch}`);
  });

  it('gives the same factors for both layouts of the same matrix', () => {
    const a = rsvdReference(request(toMatrix(tall, 60, 40, 'col-major', 'f64')));
    const b = rsvdReference(request(toMatrix(tall, 60, 40, 'row-major', 'f64')));
    expectAllClose(b.S, a.S, SIGMA_REL_TOL_F64, 'σ, row-major vs col-major');
    expectAllClose(b.U!.data, a.U!.data, FACTOR_TOL_F64, 'U, row-major vs col-major');
    expectAllClose(b.Vt!.data, a.Vt!.data, FACTOR_TOL_F64, 'Vt, row-major vs col-major');
  });

  it('reads a view at a byteOffset and returns a rank below the sketch size', () => {
    const A0 = toMatrix(tall, 60, 40, 'row-major', 'f64');
    const backing = new Float64Array(3 + A0.data.length);
    backing.set(A0.data, 3);
    const A1: Matrix = { ...A0, data: backing.subarray(3) };
    const a = rsvdReference(request(A0, { rank: 3 }));
    const b = rsvdReference(request(A1, { rank: 3 }));
    expect(b.S.length).toBe(3);
    expect(b.S).toEqual(a.S);
    expect(b.U!.data).toEqual(a.U!.data);
    expect(b.Vt!.data).toEqual(a.Vt!.data);
    for (let i = 0; i < 3; i++) expectClose(b.S[i], SIGMAS[i], SIGMA_REL_TOL_F64 * SIGMAS[i], `σ${i + 1}, rank 3`);
  });

  it.each([NaN, Infinity, -Infinity])('rejects %s in A with ERR_RANDLA_NOT_FINITE unless checkFinite is off', (bad) => {
    const A = toMatrix(tall, 60, 40, 'row-major', 'f64');
    A.data[7 * 40 + 3] = bad;
    let error: unknown;
    try {
      rsvdReference(request(A));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RandlaError);
    expect((error as RandlaError).code).toBe(ErrorCode.NOT_FINITE);
    expect((error as RandlaError).message).toContain('(7, 3)');
    // Unchecked, the non-finite value flows through to the output instead of hanging or throwing.
    const out = rsvdReference(request(A, { checkFinite: false }));
    expect(out.S.some((s) => !Number.isFinite(s))).toBe(true);
  });

  it('is deterministic in the seed', () => {
    const A = toMatrix(tall, 60, 40, 'col-major', 'f64');
    const a = rsvdReference(request(A, { seed: 1n, rank: 2, oversamples: 0, powerIters: 0 }));
    const b = rsvdReference(request(A, { seed: 1n, rank: 2, oversamples: 0, powerIters: 0 }));
    const c = rsvdReference(request(A, { seed: 2n, rank: 2, oversamples: 0, powerIters: 0 }));
    expect(b.U!.data).toEqual(a.U!.data);
    expect(b.S).toEqual(a.S);
    // With l = k = 2 < rank 5 and no power iteration the sketch is rough: another seed moves σ.
    expect(c.S[0]).not.toBe(a.S[0]);
  });
});

function transposeDense(a: Float64Array, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j + i * n] = a[i + j * m];
  return t;
}

describe('rsvdReferenceAsync', () => {
  const A = toMatrix(lowRank(60, 40), 60, 40, 'col-major', 'f64');

  it('reports 2q + 2 passes and returns what the sync twin returns', async () => {
    for (const powerIters of [0, 3]) {
      const seen: { pass: number; totalPasses: number }[] = [];
      const out = await rsvdReferenceAsync(request(A, { powerIters, onProgress: (p) => seen.push(p) }));
      const total = 2 * powerIters + 2;
      expect(seen).toEqual(Array.from({ length: total }, (_, i) => ({ pass: i + 1, totalPasses: total })));
      const sync = rsvdReference(request(A, { powerIters }));
      expect(out.S).toEqual(sync.S);
      expect(out.U!.data).toEqual(sync.U!.data);
      expect(out.Vt!.data).toEqual(sync.Vt!.data);
    }
  });

  it('rejects with ERR_RANDLA_ABORTED for an already-aborted signal', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    let progress = 0;
    const error = await rsvdReferenceAsync(request(A, { signal: controller.signal, onProgress: () => progress++ })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RandlaError);
    expect((error as RandlaError).code).toBe(ErrorCode.ABORTED);
    expect((error as RandlaError).cause).toBe(reason);
    expect(progress).toBe(0);
  });

  it('stops between passes once the signal is aborted', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const promise = rsvdReferenceAsync(
      request(A, {
        signal: controller.signal,
        onProgress: ({ pass }) => {
          seen.push(pass);
          if (pass === 2) controller.abort();
        },
      }),
    );
    await expect(promise).rejects.toMatchObject({ code: ErrorCode.ABORTED });
    expect(seen).toEqual([1, 2]);
  });
});

describe('referenceBackend', () => {
  it('describes itself and runs rsvd both ways', async () => {
    expect(referenceBackend.name).toBe('reference');
    expect(referenceBackend.info()).toEqual({ name: 'reference', available: true, threads: 1 });
    const A = toMatrix(lowRank(60, 40), 60, 40, 'row-major', 'f32');
    checkRsvd(A, referenceBackend.rsvdSync(request(A)), 'backend sync');
    checkRsvd(A, await referenceBackend.rsvd(request(A)), 'backend async');
  });
});
