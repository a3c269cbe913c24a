// Random test matrices Ω (rows × cols) of every sketch kind from Philox4x32-10, element-addressable
// (docs/rng.md); the twin of native/src/cpu/test_matrix.cpp and srht.cpp, equal to them bit for
// bit but for libm's log/cos in the Gaussian. Sparse sign: Clarkson & Woodruff 2013, as in Tropp,
// Yurtsever, Udell, Cevher 2019 §3.3; SRHT: Woolfe, Liberty, Rokhlin, Tygert 2008 and Tropp 2011.

import { ErrorCode, invalid } from '../../errors.js';
import type { Matrix, SketchKind } from '../../types.js';
import {
  gaussianEntry,
  rademacherEntry,
  seedKey,
  sparseSignWords,
  srhtColumnWords,
  srhtSign,
  streamWord,
  testMatrix,
  uniformEntry,
  uniformIndex,
} from './philox.js';

export {
  STREAM_ERROR_ESTIMATE,
  STREAM_RANGE_FINDER,
  STREAM_STREAMING_CORE_LEFT,
  STREAM_STREAMING_CORE_RIGHT,
  STREAM_STREAMING_CO_RANGE,
  STREAM_STREAMING_RANGE,
} from './philox.js';

/** Which test matrix: the twin of `TestMatrixSpec` in native/include/randla/test_matrix.hpp. */
export interface TestMatrixSpec {
  kind: SketchKind;
  /** Unsigned 64-bit seed. */
  seed: bigint;
  /** What the numbers are for, one of the `STREAM_*` constants (< 256). */
  stream: number;
  /** n: rows of Ω, the dimension being sketched (< 2^53). */
  rows: number;
  /** l: columns of Ω (< 2^31); the sparse-sign and SRHT structure depends on it. */
  cols: number;
  /** Sparse sign: non-zeros per row of Ω (ζ), at least 1, clamped to `cols`. Default 8. */
  nnz?: number;
  /** Adaptive QB's block (< 2^24): an independent matrix of the same stream. Default 0. */
  block?: number;
}

const KINDS: readonly SketchKind[] = ['gaussian', 'rademacher', 'uniform', 'sparse-sign', 'srht'];
const MAX_ROWS = 2 ** 53 - 1;
const MAX_COLS = 2 ** 31 - 1;
const MAX_BLOCK = 2 ** 24;
const DEFAULT_NNZ = 8;
const TWO_POW_32 = 4294967296;

/** A checked spec with the numbers every kind needs. */
interface Resolved {
  kind: SketchKind;
  seed: bigint;
  k0: number;
  k1: number;
  /** The counter's last word, stream + 256·block. */
  word: number;
  rows: number;
  cols: number;
  /** Sparse sign: ζ = min(nnz, cols). */
  zeta: number;
  /** SRHT: rows padded to a power of two. */
  padded: number;
}

function isIntegerIn(x: unknown, lo: number, hi: number): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi;
}

function paddedSize(n: number): number {
  let N = 1;
  while (N < n) N *= 2;
  return N;
}

function resolve(spec: TestMatrixSpec): Resolved {
  if (!KINDS.includes(spec.kind)) throw invalid('spec.kind', `one of ${KINDS.join(', ')}`, spec.kind);
  if (typeof spec.seed !== 'bigint' || spec.seed < 0n || spec.seed >= 2n ** 64n) {
    throw invalid('spec.seed', 'a bigint in [0, 2^64)', spec.seed);
  }
  if (!isIntegerIn(spec.stream, 0, 255)) throw invalid('spec.stream', 'an integer in [0, 256)', spec.stream);
  if (!isIntegerIn(spec.rows, 1, MAX_ROWS)) {
    throw invalid('spec.rows', 'an integer in [1, 2^53 - 1]', spec.rows, ErrorCode.SHAPE);
  }
  if (!isIntegerIn(spec.cols, 1, MAX_COLS)) {
    throw invalid('spec.cols', 'an integer in [1, 2^31 - 1]', spec.cols, ErrorCode.SHAPE);
  }
  const block = spec.block ?? 0;
  if (!isIntegerIn(block, 0, MAX_BLOCK - 1)) throw invalid('spec.block', 'an integer in [0, 2^24)', spec.block);
  const nnz = spec.nnz ?? DEFAULT_NNZ;
  if (spec.kind === 'sparse-sign' && !isIntegerIn(nnz, 1, Number.MAX_SAFE_INTEGER)) {
    throw invalid('spec.nnz', 'a positive integer', spec.nnz);
  }
  const padded = paddedSize(spec.rows);
  if (spec.kind === 'srht' && spec.cols > padded) {
    throw invalid('spec.cols', `at most ${padded} (the ${spec.rows} rows padded to a power of two) for an srht`, spec.cols, ErrorCode.SHAPE);
  }
  const [k0, k1] = seedKey(spec.seed);
  return {
    kind: spec.kind,
    seed: spec.seed,
    k0,
    k1,
    word: streamWord(spec.stream, block),
    rows: spec.rows,
    cols: spec.cols,
    zeta: Math.min(nnz, spec.cols),
    padded,
  };
}

/**
 * One step of a partial Fisher–Yates shuffle of the virtual array a[k] = k, of which `moved`
 * holds only the entries a step wrote: swaps a[t] and a[r] (t <= r) and returns the new a[t].
 * Later steps read only indices above t, so only the new a[r] is stored.
 */
function swapOut(moved: Map<number, number>, t: number, r: number): number {
  const at = moved.get(t) ?? t;
  const ar = moved.get(r) ?? r;
  moved.set(r, at);
  return ar;
}

/** Row i of a sparse-sign Ω: `take(position, sign)` once per non-zero, in step order. */
function sparseSignRow(
  s: Resolved,
  i: number,
  words: Uint32Array,
  moved: Map<number, number>,
  take: (position: number, sign: number) => void,
): void {
  moved.clear();
  for (let t = 0; t < s.zeta; t++) {
    sparseSignWords(s.k0, s.k1, s.word, i, t, words);
    const r = t + uniformIndex(words[0], words[1], s.cols - t);
    take(swapOut(moved, t, r), words[2] >>> 31 === 0 ? 1 : -1);
  }
}

/** s_0 .. s_{count−1}: the first `count` steps of a partial Fisher–Yates over [0, N). */
function srhtColumnPrefix(s: Resolved, count: number): number[] {
  const words = new Uint32Array(4);
  const moved = new Map<number, number>();
  const columns = new Array<number>(count);
  for (let t = 0; t < count; t++) {
    srhtColumnWords(s.k0, s.k1, s.word, t, words);
    columns[t] = swapOut(moved, t, t + uniformIndex(words[0], words[1], s.padded - t));
  }
  return columns;
}

/** Parity of popcount(a & b) for integers below 2^53 (JS bitwise operators see 32 bits). */
function parityOfAnd(a: number, b: number): number {
  let x = ((a >>> 0) & (b >>> 0)) ^ (Math.floor(a / TWO_POW_32) & Math.floor(b / TWO_POW_32));
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** Ω(i, j) of an SRHT: d_i·(−1)^popcount(i & s_j)/√l. */
function srhtValue(sign: number, i: number, column: number, scale: number): number {
  return parityOfAnd(i, column) ? -sign * scale : sign * scale;
}

/**
 * Entry (i, j) of the test matrix Ω of `spec`, in f64: a pure function of the spec and (i, j),
 * the same on every backend (docs/rng.md). Slow for the structured kinds (a sparse-sign entry
 * replays its row, an SRHT entry the column selection up to j): for tests and documentation.
 *
 * @example
 * const spec = { kind: 'sparse-sign', seed: 42n, stream: 0, rows: 100, cols: 10, nnz: 2 } as const;
 * testMatrixEntry(spec, 3, 1); // 0 or ±1/√2
 */
export function testMatrixEntry(spec: TestMatrixSpec, i: number, j: number): number {
  const s = resolve(spec);
  if (!isIntegerIn(i, 0, s.rows - 1)) throw invalid('i', `an integer in [0, ${s.rows})`, i);
  if (!isIntegerIn(j, 0, s.cols - 1)) throw invalid('j', `an integer in [0, ${s.cols})`, j);
  switch (s.kind) {
    case 'gaussian':
      return gaussianEntry(s.k0, s.k1, s.word, i, j);
    case 'rademacher':
      return rademacherEntry(s.k0, s.k1, s.word, i, j);
    case 'uniform':
      return uniformEntry(s.k0, s.k1, s.word, i, j);
    case 'sparse-sign': {
      let value = 0;
      sparseSignRow(s, i, new Uint32Array(4), new Map(), (position, sign) => {
        if (position === j) value = sign * (1 / Math.sqrt(s.zeta));
      });
      return value;
    }
    case 'srht': {
      const column = srhtColumnPrefix(s, j + 1)[j];
      return srhtValue(srhtSign(s.k0, s.k1, s.word, i), i, column, 1 / Math.sqrt(s.cols));
    }
  }
}

/**
 * The whole test matrix Ω of `spec`: column-major `rows × cols` (entry (i, j) at `i + j·rows`),
 * in f64. For an f32 sketch, round each entry with `Math.fround` (what the native core does).
 * A sparse-sign matrix costs O(rows·ζ) draws, an SRHT one draw per row and per column.
 *
 * @example
 * const omega = testMatrixOf({ kind: 'srht', seed: 42n, stream: 0, rows: 100, cols: 10 });
 * omega[3 + 1 * 100] === testMatrixEntry({ kind: 'srht', seed: 42n, stream: 0, rows: 100, cols: 10 }, 3, 1); // true
 */
export function testMatrixOf(spec: TestMatrixSpec): Float64Array {
  const s = resolve(spec);
  const { rows, cols } = s;
  switch (s.kind) {
    case 'gaussian':
    case 'rademacher':
    case 'uniform':
      return testMatrix(rows, cols, s.seed, s.word, s.kind);
    case 'sparse-sign': {
      const out = new Float64Array(rows * cols);
      const value = 1 / Math.sqrt(s.zeta);
      const words = new Uint32Array(4);
      const moved = new Map<number, number>();
      for (let i = 0; i < rows; i++) {
        sparseSignRow(s, i, words, moved, (position, sign) => {
          out[i + position * rows] = sign * value;
        });
      }
      return out;
    }
    case 'srht': {
      const out = new Float64Array(rows * cols);
      const columns = srhtColumnPrefix(s, cols);
      const scale = 1 / Math.sqrt(cols);
      for (let i = 0; i < rows; i++) {
        const sign = srhtSign(s.k0, s.k1, s.word, i);
        for (let j = 0; j < cols; j++) out[i + j * rows] = srhtValue(sign, i, columns[j], scale);
      }
      return out;
    }
  }
}

/**
 * The l Hadamard columns s_0 .. s_{l−1} that an SRHT samples, in order: a partial Fisher–Yates
 * over [0, N), N = rows padded to a power of two (docs/rng.md).
 *
 * @example
 * srhtColumns({ kind: 'srht', seed: 42n, stream: 0, rows: 1000, cols: 4 }); // 4 distinct numbers in [0, 1024)
 */
export function srhtColumns(spec: TestMatrixSpec): number[] {
  const s = resolve(spec);
  if (s.kind !== 'srht') throw invalid('spec.kind', "'srht'", spec.kind);
  return srhtColumnPrefix(s, s.cols);
}

/** In-place unnormalised Walsh–Hadamard transform: b_c ← Σ_i b_i·(−1)^popcount(i & c). */
function fwht(b: Float64Array): void {
  const N = b.length;
  for (let h = 1; h < N; h *= 2) {
    for (let base = 0; base < N; base += 2 * h) {
      for (let c = base; c < base + h; c++) {
        const u = b[c];
        const v = b[c + h];
        b[c] = u + v;
        b[c + h] = u - v;
      }
    }
  }
}

/**
 * op(A)·Ω for the SRHT Ω of `spec` by a fast Walsh–Hadamard transform of each row of op(A)·D,
 * zero padded to N: O(m·N·log N) work instead of O(m·n·l), and Ω is never formed. op(A) = A, or
 * Aᵀ when `transposed`; its columns must number `spec.rows`. Returns the column-major
 * (rows of op(A)) × l product in f64; f32 data is read exactly. Runs the butterflies of
 * native/src/cpu/srht.cpp in the same order, so f64 results agree with it bit for bit.
 *
 * @example
 * const A = { data: new Float64Array(6).fill(1), rows: 2, cols: 3, layout: 'row-major' as const };
 * sketchSrht(A, false, { kind: 'srht', seed: 7n, stream: 0, rows: 3, cols: 2 }); // Float64Array(4)
 */
export function sketchSrht(A: Matrix, transposed: boolean, spec: TestMatrixSpec): Float64Array {
  const s = resolve(spec);
  if (s.kind !== 'srht') throw invalid('spec.kind', "'srht'", spec.kind);
  const m = transposed ? A.cols : A.rows;
  const n = transposed ? A.rows : A.cols;
  if (n !== s.rows) {
    throw invalid('A', `a matrix whose ${transposed ? 'rows' : 'columns'} number ${s.rows} (the rows of the srht)`, `${A.rows} x ${A.cols}`, ErrorCode.SHAPE);
  }
  // op(A)[r, c] = data[r·rowStride + c·colStride] for either layout and orientation.
  const colMajor = A.layout === 'col-major';
  const aRow = colMajor ? 1 : A.cols;
  const aCol = colMajor ? A.rows : 1;
  const rowStride = transposed ? aCol : aRow;
  const colStride = transposed ? aRow : aCol;
  const signs = new Float64Array(n);
  for (let c = 0; c < n; c++) signs[c] = srhtSign(s.k0, s.k1, s.word, c);
  const columns = srhtColumnPrefix(s, s.cols);
  const scale = 1 / Math.sqrt(s.cols);
  const data = A.data;
  const out = new Float64Array(m * s.cols);
  const b = new Float64Array(s.padded);
  for (let r = 0; r < m; r++) {
    const base = r * rowStride;
    for (let c = 0; c < n; c++) b[c] = data[base + c * colStride] * signs[c];
    b.fill(0, n);
    fwht(b);
    for (let j = 0; j < s.cols; j++) out[r + j * m] = b[columns[j]] * scale;
  }
  return out;
}
