// Row sketches Y = S·A for the bootstrap error estimates of Lopes, Erichson & Mahoney (ICML 2020,
// Algorithm 1): uniform and energy (squared-row-norm) row sampling with replacement and a Gaussian
// projection, with the exact draws of docs/algorithms/bootstrap.md (Philox stream 9; stream 10 for
// the bootstrap resamples), so the native core draws the same rows and entries.

import { ErrorCode, RandlaError } from '../../errors.js';
import type { Matrix } from '../../types.js';
import { applyAt } from './dense.js';
import { gaussianEntry, philox4x32_10, seedKey, STREAM_BOOTSTRAP_RESAMPLE, STREAM_BOOTSTRAP_SKETCH, streamWord, uniformIndex, uniformOfTwoWords } from './philox.js';

/** How the t rows of the sketch are formed (docs/algorithms/bootstrap.md, "Sketches"). */
export type RowSketchKind = 'uniform' | 'energy' | 'gaussian';

const TWO_POW_32 = 4294967296;
/** Rows of a Gaussian sketch formed together: 64 columns of Ω, 64·m doubles. */
const GAUSSIAN_PANEL = 64;

/** The words of draw q of a row sketch or a resample: counter (q mod 2^32, ⌊q/2^32⌋, 0, word). */
function drawWords(k0: number, k1: number, word: number, q: number, out: Uint32Array): void {
  philox4x32_10(q >>> 0, Math.floor(q / TWO_POW_32), 0, word, k0, k1, out);
}

/**
 * The rows r_0 … r_{t−1} of a uniform row sketch of an m-row matrix: r_q = idx(m) of draw q
 * (with replacement, probability 1/m each). Draw q does not depend on t, so a longer sketch of the
 * same seed starts with the same rows.
 *
 * @example
 * uniformRowDraws(1000, 8, 0x0123456789abcdefn); // the same 8 rows on every backend
 */
export function uniformRowDraws(m: number, t: number, seed: bigint): Float64Array {
  const [k0, k1] = seedKey(seed);
  const words = new Uint32Array(4);
  const rows = new Float64Array(t);
  for (let q = 0; q < t; q++) {
    drawWords(k0, k1, STREAM_BOOTSTRAP_SKETCH, q, words);
    rows[q] = uniformIndex(words[0]!, words[1]!, m);
  }
  return rows;
}

/**
 * Squared row norms ‖A[i, :]‖² (each summed in ascending j, in f64; f32 data read exactly) and
 * their prefix sums c_i in ascending i: the cumulative distribution of energy sampling, unnormalised.
 */
export function rowEnergies(A: Matrix): { energy: Float64Array; cumulative: Float64Array } {
  const { rows: m, cols: n, data } = A;
  const energy = new Float64Array(m);
  if (A.layout === 'row-major') {
    for (let i = 0; i < m; i++) {
      let s = 0;
      const o = i * n;
      for (let j = 0; j < n; j++) s += data[o + j]! * data[o + j]!;
      energy[i] = s;
    }
  } else {
    // Column by column, which adds each row's squares in ascending j as the contract fixes.
    for (let j = 0; j < n; j++) {
      const o = j * m;
      for (let i = 0; i < m; i++) energy[i] += data[o + i]! * data[o + i]!;
    }
  }
  const cumulative = new Float64Array(m);
  let c = 0;
  for (let i = 0; i < m; i++) cumulative[i] = c += energy[i]!;
  return { energy, cumulative };
}

/**
 * The rows of an energy sketch: r_q = the smallest r with c_r > U[x0, x1]·c_{m−1} for draw q,
 * the exact inversion of the cumulative distribution (rows of zero norm are never drawn, since
 * they do not raise c). `cumulative` is rowEnergies' prefix sums with c_{m−1} > 0.
 *
 * @example
 * const { cumulative } = rowEnergies({ data: new Float64Array([1, 0, 2]), rows: 3, cols: 1, layout: 'row-major' });
 * energyRowDraws(cumulative, 4, 7n); // only rows 0 and 2 (probabilities 1/5, 4/5)
 */
export function energyRowDraws(cumulative: Float64Array, t: number, seed: bigint): Float64Array {
  const [k0, k1] = seedKey(seed);
  const m = cumulative.length;
  const total = cumulative[m - 1]!;
  const words = new Uint32Array(4);
  const rows = new Float64Array(t);
  for (let q = 0; q < t; q++) {
    drawWords(k0, k1, STREAM_BOOTSTRAP_SKETCH, q, words);
    const level = uniformOfTwoWords(words[0]!, words[1]!) * total;
    // Binary search for the first c_r > level. level < total (U ≤ 1 − 2^−53 and the product
    // rounds below a normal total), so one exists; were it not, the first row reaching the total
    // (as the native core's fallback) keeps zero rows undrawn.
    const strict = level < total;
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (strict ? cumulative[mid]! > level : cumulative[mid]! >= total) hi = mid;
      else lo = mid + 1;
    }
    rows[q] = lo;
  }
  return rows;
}

/**
 * The resample of replicate b of a t-row sketch: i*_q = idx(t) of counter (q, 0, 10 + 256·b),
 * q = 0 … t − 1 (replicate b is block b of stream 10).
 *
 * @example
 * resampleIndices(500, 3, 0x0123456789abcdefn); // 500 indices in [0, 500), the same natively
 */
export function resampleIndices(t: number, b: number, seed: bigint): Int32Array {
  const [k0, k1] = seedKey(seed);
  const word = streamWord(STREAM_BOOTSTRAP_RESAMPLE, b);
  const words = new Uint32Array(4);
  const out = new Int32Array(t);
  for (let q = 0; q < t; q++) {
    drawWords(k0, k1, word, q, words);
    out[q] = uniformIndex(words[0]!, words[1]!, t);
  }
  return out;
}

/**
 * Copies row `r` of A, times `scale` (or divided by it, with `divide`), into row q of the
 * column-major t × n block Y. The contract writes energy rows as A[r, :] / √(t·p_r): dividing, not
 * multiplying by the reciprocal, gives the native core's bits.
 */
function putRow(A: Matrix, r: number, scale: number, divide: boolean, Y: Float64Array, q: number, t: number): void {
  const { rows: m, cols: n, data } = A;
  const stride = A.layout === 'row-major' ? 1 : m;
  const o = A.layout === 'row-major' ? r * n : r;
  if (divide) for (let j = 0; j < n; j++) Y[q + j * t] = data[o + j * stride]! / scale;
  else for (let j = 0; j < n; j++) Y[q + j * t] = data[o + j * stride]! * scale;
}

/**
 * The sketch Y = S·A with t rows, column-major t × n in f64 (entry (q, j) at q + j·t), exactly as
 * docs/algorithms/bootstrap.md fixes it. A is validated by the caller (finite; ‖A‖_F > 0 for
 * `energy`, which this function still checks because the draws need it). A is never modified.
 *
 * @example
 * const A = { data: new Float64Array([1, 2, 3, 4, 5, 6]), rows: 3, cols: 2, layout: 'row-major' as const };
 * rowSketch(A, 4, 'uniform', 42n); // 4 × 2, each row √(3/4) times a row of A
 */
export function rowSketch(A: Matrix, t: number, kind: RowSketchKind, seed: bigint): Float64Array {
  const { rows: m, cols: n } = A;
  const Y = new Float64Array(t * n);
  if (kind === 'uniform') {
    const rows = uniformRowDraws(m, t, seed);
    const scale = Math.sqrt(m / t);
    for (let q = 0; q < t; q++) putRow(A, rows[q]!, scale, false, Y, q, t);
  } else if (kind === 'energy') {
    const { energy, cumulative } = rowEnergies(A);
    const total = cumulative[m - 1]!;
    if (!(total > 0 && Number.isFinite(total))) {
      // p_r = ‖A[r, :]‖²/‖A‖²_F needs a positive, finite total (squares of entries near 1e154 overflow).
      throw new RandlaError(
        ErrorCode.INVALID_ARGUMENT,
        `Expected a matrix with 0 < ‖A‖²_F < 2^1024 for A with options.sketch = 'energy' but received ‖A‖²_F = ${total}`,
        { argument: 'A' },
      );
    }
    const rows = energyRowDraws(cumulative, t, seed);
    for (let q = 0; q < t; q++) {
      const r = rows[q]!;
      const p = energy[r]! / total;
      putRow(A, r, Math.sqrt(t * p), true, Y, q, t);
    }
  } else {
    // Y = Ωᵀ·A/√t with Ω the m × t Gaussian matrix of stream 9, block 0, formed GAUSSIAN_PANEL
    // columns (rows of S) at a time so that memory stays O(m·GAUSSIAN_PANEL) for any t.
    const [k0, k1] = seedKey(seed);
    const inv = 1 / Math.sqrt(t);
    for (let q0 = 0; q0 < t; q0 += GAUSSIAN_PANEL) {
      const l = Math.min(GAUSSIAN_PANEL, t - q0);
      const omega = new Float64Array(m * l);
      for (let c = 0; c < l; c++) {
        const o = c * m;
        for (let r = 0; r < m; r++) omega[o + r] = gaussianEntry(k0, k1, STREAM_BOOTSTRAP_SKETCH, r, q0 + c);
      }
      const AtOmega = applyAt(A, omega, l); // n × l, column-major: rows q0 … q0 + l − 1 of Y, times √t
      for (let c = 0; c < l; c++) for (let j = 0; j < n; j++) Y[q0 + c + j * t] = AtOmega[j + c * n]! * inv;
    }
  }
  return Y;
}
