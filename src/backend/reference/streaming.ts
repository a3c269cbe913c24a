// Single-pass streaming SVD: Tropp, Yurtsever, Udell, Cevher, "Streaming low-rank matrix
// approximation with an application to scientific simulation", SISC 2019, Algorithms 4.1–4.4.
// The pure-TypeScript twin of native/src/cpu/streaming_svd.cpp: the same sketches from the same
// Philox entries (docs/algorithms/streaming.md), so one seed gives one result to rounding.

import { ErrorCode, RandlaError } from '../../errors.js';
import type { Float, Matrix } from '../../types.js';
import { expectFinite } from '../../validate.js';
import { applyA, applyAt, householderQ, multiplyTransposed, smallSvd } from './dense.js';
import {
  gaussianEntry,
  seedKey,
  STREAM_STREAMING_CO_RANGE,
  STREAM_STREAMING_CORE_LEFT,
  STREAM_STREAMING_CORE_RIGHT,
  STREAM_STREAMING_RANGE,
} from './philox.js';

export interface StreamingSizes {
  rows: number;
  cols: number;
  rank: number;
  /** k: columns of Y = AΩ and rows of X = ΥA. */
  rangeSize: number;
  /** s: Z = ΦAΨᵀ is s × s. */
  coreSize: number;
  seed: bigint;
  dtype: 'float64' | 'float32';
}

/** The sketches, column-major f64: Y (m × k), Xt = Xᵀ (n × k), Z (s × s). */
export interface StreamingState {
  Y: Float64Array;
  Xt: Float64Array;
  Z: Float64Array;
}

/** What finalize returns before the facade adds seed and backend. */
export interface StreamingFactors {
  U: Matrix;
  S: Float64Array;
  Vt: Matrix;
  rank: number;
}

/** Rows of a block processed at a time: as the native core, about 8 MB of f64 temporaries. */
function chunkRows(k: number, s: number): number {
  return Math.min(4096, Math.max(64, Math.floor(2 ** 20 / (2 * k + 2 * s))));
}

/**
 * Rows [row0, row0 + rows) and all `cols` columns of the Gaussian test matrix of `stream`,
 * column-major; rounded to f32 when the sketch is f32, as the native core's are.
 */
function gaussianRows(seed: bigint, stream: number, row0: number, rows: number, cols: number, f32: boolean): Float64Array {
  const [k0, k1] = seedKey(seed);
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const base = j * rows;
    for (let i = 0; i < rows; i++) {
      const g = gaussianEntry(k0, k1, stream, row0 + i, j);
      out[base + i] = f32 ? Math.fround(g) : g;
    }
  }
  return out;
}

/** Rows [r0, r0 + count) of a block as a contiguous row-major Matrix (a view when it already is one). */
function rowsOf(B: Matrix, r0: number, count: number): Matrix {
  if (B.layout === 'row-major') return { data: B.data.subarray(r0 * B.cols, (r0 + count) * B.cols), rows: count, cols: B.cols, layout: 'row-major' };
  const out = B.data instanceof Float32Array ? new Float32Array(count * B.cols) : new Float64Array(count * B.cols);
  for (let j = 0; j < B.cols; j++) {
    const base = j * B.rows + r0;
    for (let i = 0; i < count; i++) out[i * B.cols + j] = B.data[base + i]!;
  }
  return { data: out, rows: count, cols: B.cols, layout: 'row-major' };
}

/**
 * The least-squares solution X (k × c) of M·X ≈ B for M (s × k, s ≥ k, full column rank) and B
 * (s × c), column-major: X = R⁻¹·Q₁ᵀB with M = Q₁R (Householder), by back substitution.
 */
function leastSquares(M: Float64Array, s: number, k: number, B: Float64Array, c: number): Float64Array {
  const Q = householderQ(M, s, k);
  const R = multiplyTransposed(Q, s, k, M, k); // Q₁ᵀM: upper triangular up to rounding below the diagonal
  const X = multiplyTransposed(Q, s, k, B, c);
  for (let col = 0; col < c; col++) {
    const xo = col * k;
    for (let i = k - 1; i >= 0; i--) {
      let v = X[xo + i]!;
      for (let t = i + 1; t < k; t++) v -= R[i + t * k]! * X[xo + t]!;
      X[xo + i] = v / R[i + i * k]!;
    }
  }
  return X;
}

function expectSameLength(actual: Float64Array, expected: number, argument: string): void {
  if (actual.length !== expected) {
    throw new RandlaError(ErrorCode.SHAPE, `Expected ${expected} entries for ${argument} but received ${actual.length}`, { argument });
  }
}

/**
 * The linear sketch of an m × n matrix fed as blocks of rows, and the rank-r approximation
 * recovered from it (Tropp et al. 2019). Memory O((m + n)·k + s²); the matrix is never stored.
 *
 * @example
 * const sketch = new ReferenceStreamingSketch({ rows: 3, cols: 2, rank: 1, rangeSize: 2, coreSize: 2, seed: 7n, dtype: 'float64' });
 * sketch.updateSync({ data: new Float64Array([3, 0, 0, 1, 0, 0]), rows: 3, cols: 2, layout: 'row-major' }, 0, true);
 * sketch.finalizeSync(1).S; // ≈ Float64Array [3]
 */
export class ReferenceStreamingSketch {
  readonly sizes: StreamingSizes;
  private Y: Float64Array;
  private Xt: Float64Array;
  private Z: Float64Array;
  private omega: Float64Array | undefined; // n × k, built on the first update
  private psiT: Float64Array | undefined; // n × s

  constructor(sizes: StreamingSizes) {
    this.sizes = sizes;
    const { rows: m, cols: n, rangeSize: k, coreSize: s } = sizes;
    this.Y = new Float64Array(m * k);
    this.Xt = new Float64Array(n * k);
    this.Z = new Float64Array(s * s);
  }

  private testMatrices(): { omega: Float64Array; psiT: Float64Array } {
    const { cols: n, rangeSize: k, coreSize: s, seed, dtype } = this.sizes;
    this.omega ??= gaussianRows(seed, STREAM_STREAMING_RANGE, 0, n, k, dtype === 'float32');
    this.psiT ??= gaussianRows(seed, STREAM_STREAMING_CORE_RIGHT, 0, n, s, dtype === 'float32');
    return { omega: this.omega, psiT: this.psiT };
  }

  /** The update of Alg. 4.2 for one chunk of rows at a time; yields after each chunk. */
  private *updateSteps(block: Matrix, rowOffset: number, checkFinite: boolean): Generator<void, void, void> {
    if (checkFinite) expectFinite(block, 'rowBlock');
    const { rows: m, cols: n, rangeSize: k, coreSize: s, seed, dtype } = this.sizes;
    const f32 = dtype === 'float32';
    const { omega, psiT } = this.testMatrices();
    const step = chunkRows(k, s);
    for (let c0 = 0; c0 < block.rows; c0 += step) {
      const rows = Math.min(step, block.rows - c0);
      const row0 = rowOffset + c0;
      const B = rowsOf(block, c0, rows);
      // Y[rows] += B·Ω
      const yb = applyA(B, omega, k);
      for (let j = 0; j < k; j++) {
        const yo = row0 + j * m;
        const bo = j * rows;
        for (let i = 0; i < rows; i++) this.Y[yo + i] += yb[bo + i]!;
      }
      // Xᵀ += Bᵀ·Υᵀ[rows]
      const xt = applyAt(B, gaussianRows(seed, STREAM_STREAMING_CO_RANGE, row0, rows, k, f32), k);
      for (let t = 0; t < n * k; t++) this.Xt[t] += xt[t]!;
      // Z += Φ[:, rows]·(B·Ψᵀ)
      const w = applyA(B, psiT, s);
      const z = multiplyTransposed(gaussianRows(seed, STREAM_STREAMING_CORE_LEFT, row0, rows, s, f32), rows, s, w, s);
      for (let t = 0; t < s * s; t++) this.Z[t] += z[t]!;
      yield;
    }
  }

  /** A[rowOffset : rowOffset + b, :] += block, synchronously. The facade has checked shapes. */
  updateSync(block: Matrix, rowOffset: number, checkFinite: boolean): void {
    for (const _ of this.updateSteps(block, rowOffset, checkFinite));
  }

  /** As {@link updateSync}, yielding to the event loop between chunks of rows. */
  async update(block: Matrix, rowOffset: number, checkFinite: boolean): Promise<void> {
    for (const _ of this.updateSteps(block, rowOffset, checkFinite)) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Alg. 4.3 and 4.4: Q = orth(Y), P = orth(Xᵀ), C = (ΦQ)⁺Z((ΨP)⁺)ᵀ, truncated SVD of C. */
  finalizeSync(rank: number): StreamingFactors {
    const { rows: m, cols: n, rangeSize: k, coreSize: s, seed, dtype } = this.sizes;
    const f32 = dtype === 'float32';
    const r = rank;
    const Q = householderQ(this.Y, m, k);
    const P = householderQ(this.Xt, n, k);
    // ΦQ (s × k) with Φᵀ generated a block of rows at a time: it is m × s.
    const phiQ = new Float64Array(s * k);
    const step = chunkRows(k, s);
    for (let i0 = 0; i0 < m; i0 += step) {
      const rows = Math.min(step, m - i0);
      const q = new Float64Array(rows * k);
      for (let j = 0; j < k; j++) q.set(Q.subarray(i0 + j * m, i0 + j * m + rows), j * rows);
      const part = multiplyTransposed(gaussianRows(seed, STREAM_STREAMING_CORE_LEFT, i0, rows, s, f32), rows, s, q, k);
      for (let t = 0; t < s * k; t++) phiQ[t] += part[t]!;
    }
    const { psiT } = this.testMatrices();
    const psiP = multiplyTransposed(psiT, n, s, P, k);
    // W = (ΦQ)⁺Z (k × s); Cᵀ = (ΨP)⁺Wᵀ (k × k).
    const W = leastSquares(phiQ, s, k, this.Z, s);
    const Wt = new Float64Array(s * k);
    for (let j = 0; j < s; j++) for (let i = 0; i < k; i++) Wt[j + i * s] = W[i + j * k]!;
    const Ct = leastSquares(psiP, s, k, Wt, k);
    const C = new Float64Array(k * k);
    for (let j = 0; j < k; j++) for (let i = 0; i < k; i++) C[i + j * k] = Ct[j + i * k]!;
    const { W: Uc, S: sigma, Z: Vc } = smallSvd(C, k, k);

    // U = Q·U_C[:, :r] (m × r), V = P·V_C[:, :r] (n × r), column-major.
    const U = new Float64Array(m * r);
    const V = new Float64Array(n * r);
    for (let j = 0; j < r; j++) {
      for (let c = 0; c < k; c++) {
        const a = Uc[c + j * k]!;
        const b = Vc[c + j * k]!;
        for (let i = 0; i < m; i++) U[i + j * m] += Q[i + c * m]! * a;
        for (let i = 0; i < n; i++) V[i + j * n] += P[i + c * n]! * b;
      }
    }
    // Canonical signs (scikit-learn svd_flip, u-based), decided in f64.
    const outU: Float = f32 ? new Float32Array(m * r) : new Float64Array(m * r);
    const outVt: Float = f32 ? new Float32Array(r * n) : new Float64Array(r * n);
    for (let j = 0; j < r; j++) {
      let arg = 0;
      for (let i = 1; i < m; i++) if (Math.abs(U[i + j * m]!) > Math.abs(U[arg + j * m]!)) arg = i;
      const sign = U[arg + j * m]! < 0 ? -1 : 1;
      for (let i = 0; i < m; i++) outU[i * r + j] = sign * U[i + j * m]!;
      for (let c = 0; c < n; c++) outVt[j * n + c] = sign * V[c + j * n]!;
    }
    return {
      U: { data: outU, rows: m, cols: r, layout: 'row-major' },
      S: sigma.slice(0, r),
      Vt: { data: outVt, rows: r, cols: n, layout: 'row-major' },
      rank: r,
    };
  }

  async finalize(rank: number): Promise<StreamingFactors> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return this.finalizeSync(rank);
  }

  /** Copies of the sketches. */
  getState(): StreamingState {
    return { Y: this.Y.slice(), Xt: this.Xt.slice(), Z: this.Z.slice() };
  }

  /** Replaces the sketches (copied). */
  setState(Y: Float64Array, Xt: Float64Array, Z: Float64Array): void {
    this.checkState(Y, Xt, Z);
    this.Y = Y.slice();
    this.Xt = Xt.slice();
    this.Z = Z.slice();
  }

  /** Adds another sketch of the same sizes and seed (linearity: the sketch of A + A'). */
  addState(Y: Float64Array, Xt: Float64Array, Z: Float64Array): void {
    this.checkState(Y, Xt, Z);
    for (let t = 0; t < Y.length; t++) this.Y[t] += Y[t]!;
    for (let t = 0; t < Xt.length; t++) this.Xt[t] += Xt[t]!;
    for (let t = 0; t < Z.length; t++) this.Z[t] += Z[t]!;
  }

  private checkState(Y: Float64Array, Xt: Float64Array, Z: Float64Array): void {
    const { rows: m, cols: n, rangeSize: k, coreSize: s } = this.sizes;
    expectSameLength(Y, m * k, 'state.Y');
    expectSameLength(Xt, n * k, 'state.Xt');
    expectSameLength(Z, s * s, 'state.Z');
  }
}
