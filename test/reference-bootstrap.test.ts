// Bootstrap error estimation for the sketched SVD on the reference backend (Lopes, Erichson &
// Mahoney, ICML 2020; docs/algorithms/bootstrap.md): exact draws with known answers the native
// core must reproduce, sketches against their definitions, the sketched SVD and one replicate
// against ml-matrix's SVD, and the statistics (coverage, extrapolation) against matrices whose
// exact SVD is known by construction.
import { EigenvalueDecomposition, Matrix as MlMatrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  extrapolateError,
  nearestRankQuantile,
  referenceAdaptiveSketchedSvd,
  referenceBootstrapSvdError,
  referenceSketchedSvd,
  rowsForTolerance,
  type BootstrapSvdResult,
} from '../src/backend/reference/bootstrap_svd.js';
import { referenceBootstrapCovarianceError } from '../src/backend/reference/bootstrap_covariance.js';
import { referenceBootstrapLstsqError, referenceSketchedLstsq } from '../src/backend/reference/bootstrap_lstsq.js';
import { gaussianEntry, philox4x32_10, seedKey, streamWord, uniformOfTwoWords } from '../src/backend/reference/philox.js';
import { energyRowDraws, resampleIndices, rowEnergies, rowSketch, uniformRowDraws } from '../src/backend/reference/row_sketch.js';
import { bootstrapCovarianceError, bootstrapLstsqError, bootstrapSvdError, sketchedSvd } from '../src/bootstrap.js';
import { ErrorCode, RandlaError } from '../src/errors.js';
import type { Matrix } from '../src/types.js';
import { lcg, store, withSpectrum } from './helpers/spectrum.js';
import { EPS64, expectAllClose, expectAtMost, expectClose, referenceBootstrap as tol } from './helpers/tolerance.js';

const SEED = 0x0123456789abcdefn;

/** The 6 × 3 known-answer matrix A[i][j] = (i + 1)·(j + 2) − 3·j, row-major. */
function smallMatrix(): Matrix<Float64Array> {
  const data = new Float64Array(18);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 3; j++) data[i * 3 + j] = (i + 1) * (j + 2) - 3 * j;
  return { data, rows: 6, cols: 3, layout: 'row-major' };
}

function entry(A: Matrix, i: number, j: number): number {
  return A.data[A.layout === 'row-major' ? i * A.cols + j : i + j * A.rows]!;
}

/** ml-matrix's SVD of the column-major t × n block Y: σ and V (n × min(t, n)). */
function mlSvd(Y: Float64Array, t: number, n: number): { S: number[]; V: MlMatrix } {
  const M = new MlMatrix(t, n);
  for (let j = 0; j < n; j++) for (let q = 0; q < t; q++) M.set(q, j, Y[q + j * t]!);
  const svd = new SingularValueDecomposition(M, { autoTranspose: true });
  return { S: svd.diagonal, V: svd.rightSingularVectors };
}

/** x / ‖x‖₂. */
function unit(x: number[]): number[] {
  const norm = Math.hypot(...x);
  return x.map((v) => v / norm);
}

/** ‖x − y·(yᵀx)‖₂ for unit n-vectors: the sine of their angle. */
function sinAngle(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < x.length; i++) c += x[i]! * y[i]!;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i]! - y[i]! * c) ** 2;
  return Math.sqrt(s);
}

function expectRandlaError(fn: () => unknown, code: string, argument: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(RandlaError);
  expect((caught as RandlaError).code).toBe(code);
  expect((caught as RandlaError).argument).toBe(argument);
}

describe('row sketch draws (exact, shared with the native core)', () => {
  it('known answers for seed 0x0123456789abcdef', () => {
    // (a) uniform r_0..r_7, m = 1000; (b) energy r_0..r_7 of the 6 × 3 matrix; (c) replicate 3's
    // i*_0..i*_7 for t = 500. The C++ tests hold the same lists.
    expect(Array.from(uniformRowDraws(1000, 8, SEED))).toEqual([62, 655, 320, 826, 216, 283, 218, 85]);
    const { energy, cumulative } = rowEnergies(smallMatrix());
    expect(Array.from(energy)).toEqual([8, 29, 108, 245, 440, 693]);
    expect(Array.from(energyRowDraws(cumulative, 8, SEED))).toEqual([2, 5, 4, 5, 3, 4, 3, 2]);
    expect(Array.from(resampleIndices(500, 3, SEED).subarray(0, 8))).toEqual([370, 163, 316, 379, 96, 339, 433, 308]);
  });

  it('draws follow the counters of the contract, independently recomputed', () => {
    const [k0, k1] = seedKey(SEED);
    const w = new Uint32Array(4);
    const { cumulative } = rowEnergies(smallMatrix());
    const energy = energyRowDraws(cumulative, 64, SEED);
    const uniform = uniformRowDraws(1000, 64, SEED);
    const resample = resampleIndices(500, 3, SEED);
    for (let q = 0; q < 64; q++) {
      philox4x32_10(q, 0, 0, 9, k0, k1, w);
      const u = uniformOfTwoWords(w[0]!, w[1]!);
      expect(uniform[q]).toBe(Math.floor(u * 1000));
      // Linear scan for the smallest r with c_r > U·c_{m−1}.
      let r = 0;
      while (!(cumulative[r]! > u * cumulative[5]!)) r++;
      expect(energy[q]).toBe(r);
      philox4x32_10(q, 0, 0, 10 + 256 * 3, k0, k1, w);
      expect(resample[q]).toBe(Math.floor(uniformOfTwoWords(w[0]!, w[1]!) * 500));
    }
    // Draw q does not depend on t: a longer sketch starts with the shorter one's rows.
    expect(Array.from(uniformRowDraws(1000, 8, SEED))).toEqual(Array.from(uniform.subarray(0, 8)));
    expect(streamWord(10, 3)).toBe(10 + 256 * 3);
  });

  it('energy sampling never draws a zero row and follows p_r', () => {
    // Rows 1 and 3 are zero; the others have energies 1, 4, 9: p = 1/14, 4/14, 9/14.
    const A: Matrix = { data: new Float64Array([1, 0, 2, 0, 3]), rows: 5, cols: 1, layout: 'col-major' };
    const { cumulative } = rowEnergies(A);
    const draws = energyRowDraws(cumulative, 14000, 5n);
    const counts = [0, 0, 0, 0, 0];
    for (const r of draws) counts[r]!++;
    expect(counts[1]).toBe(0);
    expect(counts[3]).toBe(0);
    const p = [1 / 14, 0, 4 / 14, 0, 9 / 14];
    for (const r of [0, 2, 4]) {
      const sd = Math.sqrt(14000 * p[r]! * (1 - p[r]!));
      // 5 standard errors: a 6e-7 two-sided level per row.
      expectAtMost(Math.abs(counts[r]! - 14000 * p[r]!), 5 * sd, `energy draws of row ${r}`);
    }
  });

  it('uniform and energy sketches are the scaled drawn rows, in every layout and dtype', () => {
    const K = withSpectrum(300, 7, [3, 2, 1, 0.5], 11);
    const rowMajor = store(K.dense, 'row-major', 'float64');
    const t = 40;
    for (const kind of ['uniform', 'energy'] as const) {
      const Y = rowSketch(rowMajor, t, kind, SEED);
      const { energy, cumulative } = rowEnergies(rowMajor);
      const rows = kind === 'uniform' ? uniformRowDraws(300, t, SEED) : energyRowDraws(cumulative, t, SEED);
      for (let q = 0; q < t; q++) {
        const r = rows[q]!;
        for (let j = 0; j < 7; j++) {
          const expected = kind === 'uniform' ? entry(rowMajor, r, j) * Math.sqrt(300 / t) : entry(rowMajor, r, j) / Math.sqrt(t * (energy[r]! / cumulative[299]!));
          expect(Y[q + j * t]).toBe(expected);
        }
      }
      // Row sums of squares in ascending j whatever the layout: the same bits.
      expect(Array.from(rowSketch(store(K.dense, 'col-major', 'float64'), t, kind, SEED))).toEqual(Array.from(Y));
      // f32 data is read exactly: the sketch of the rounded matrix in either layout agrees.
      const f32 = rowSketch(store(K.dense, 'row-major', 'float32'), t, kind, SEED);
      expect(Array.from(rowSketch(store(K.dense, 'col-major', 'float32'), t, kind, SEED))).toEqual(Array.from(f32));
    }
  });

  it('the gaussian sketch is Ωᵀ·A/√t with Ω of stream 9', () => {
    const K = withSpectrum(120, 6, [2, 1, 0.5], 5);
    const A = store(K.dense, 'col-major', 'float64');
    const t = 130; // three panels of Ω's columns (64, 64, 2)
    const Y = rowSketch(A, t, 'gaussian', SEED);
    const [k0, k1] = seedKey(SEED);
    const expected = new Float64Array(t * 6);
    const scale = new Float64Array(t * 6);
    for (let q = 0; q < t; q++) {
      for (let j = 0; j < 6; j++) {
        let s = 0;
        let a = 0;
        for (let r = 0; r < 120; r++) {
          const g = gaussianEntry(k0, k1, 9, r, q);
          s += g * entry(A, r, j);
          a += Math.abs(g * entry(A, r, j));
        }
        expected[q + j * t] = s / Math.sqrt(t);
        scale[q + j * t] = a / Math.sqrt(t);
      }
    }
    for (let e = 0; e < Y.length; e++) expectClose(Y[e]!, expected[e]!, tol.sketchSum(120) * scale[e]!, `gaussian sketch entry ${e}`);
  });
});

describe('referenceSketchedSvd', () => {
  it('is the SVD of the sketch (t ≥ n and t < n), with the sign rule', () => {
    const K = withSpectrum(400, 12, [4, 3, 2, 1, 0.5, 0.25], 21);
    const A = store(K.dense, 'row-major', 'float64');
    for (const [t, sketch] of [[60, 'uniform'], [8, 'energy'], [30, 'gaussian']] as const) {
      const k = 4;
      const r = referenceSketchedSvd(A, { rank: k, sketchRows: t, sketch, seed: SEED });
      const truth = mlSvd(rowSketch(A, t, sketch, SEED), t, 12);
      expectAllClose(r.S, truth.S.slice(0, k), tol.svdOfSketch * truth.S[0]!, `σ̃ (t = ${t}, ${sketch})`);
      for (let j = 0; j < k; j++) {
        const v = r.Vt.data.subarray(j * 12, (j + 1) * 12);
        const gap = Math.min(truth.S[j - 1] ?? Infinity, truth.S[j]!) - truth.S[j + 1]!;
        const gapBelow = Math.min(truth.S[j]! - truth.S[j + 1]!, j > 0 ? truth.S[j - 1]! - truth.S[j]! : Infinity);
        expectAtMost(sinAngle(v, truth.V.getColumn(j)), (tol.svdOfSketch * truth.S[0]!) / Math.min(gap, gapBelow), `ṽ_${j} (t = ${t}, ${sketch})`);
        // Sign rule: the first largest-|·| entry is positive.
        let at = 0;
        for (let i = 1; i < 12; i++) if (Math.abs(v[i]!) > Math.abs(v[at]!)) at = i;
        expect(v[at]).toBeGreaterThan(0);
      }
    }
  });

  it('left vectors: orthonormal, spanning A·Ṽ, diag(ŨᵀAṼ) > 0', () => {
    const K = withSpectrum(300, 10, [5, 4, 3, 2, 1], 4);
    const A = store(K.dense, 'col-major', 'float64');
    const k = 5;
    const r = referenceSketchedSvd(A, { rank: k, sketchRows: 80, seed: 3, leftVectors: true });
    const U = new MlMatrix(300, k);
    for (let i = 0; i < 300; i++) for (let j = 0; j < k; j++) U.set(i, j, r.U!.data[i * k + j]!);
    const V = new MlMatrix(10, k);
    for (let i = 0; i < 10; i++) for (let j = 0; j < k; j++) V.set(i, j, r.Vt.data[j * 10 + i]!);
    const G = U.transpose().mmul(U);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) expectClose(G.get(a, b), a === b ? 1 : 0, 64 * EPS64 * 300, `ŨᵀŨ (${a}, ${b})`);
    const AV = K.dense.mmul(V);
    const C = U.transpose().mmul(AV);
    const scale = AV.norm('frobenius');
    const residual = AV.clone().sub(U.mmul(C)).norm('frobenius') / scale; // ml-matrix's sub works in place
    expectAtMost(residual, 64 * EPS64 * 300, '‖(I − ŨŨᵀ)AṼ‖_F / ‖AṼ‖_F');
    for (let j = 0; j < k; j++) expect(C.get(j, j)).toBeGreaterThan(0);
  });
});

describe('referenceBootstrapSvdError', () => {
  it('one replicate recomputed from its definition, and the nearest-rank quantiles', () => {
    const K = withSpectrum(500, 10, [3, 2, 1.5, 1, 0.3, 0.2], 8);
    const A = store(K.dense, 'row-major', 'float64');
    const k = 3;
    const t = 50;
    const B = 12;
    const r = referenceBootstrapSvdError(A, { rank: k, sketchRows: t, sketch: 'energy', replicates: B, alpha: 0.2, seed: SEED });
    const Y = rowSketch(A, t, 'energy', SEED);
    const sketched = mlSvd(Y, t, 10);
    for (const b of [0, 3, 11]) {
      const idx = resampleIndices(t, b, SEED);
      const Ys = new Float64Array(t * 10);
      for (let j = 0; j < 10; j++) for (let q = 0; q < t; q++) Ys[q + j * t] = Y[idx[q]! + j * t]!;
      const star = mlSvd(Ys, t, 10);
      let ev = 0;
      let eV = 0;
      let eU = 0;
      let gap = Infinity;
      const Ym = MlMatrix.from1DArray(10, t, Y).transpose(); // Y, t × 10 (Y is column-major)
      for (let j = 0; j < k; j++) {
        ev = Math.max(ev, Math.abs(star.S[j]! - sketched.S[j]!));
        eV = Math.max(eV, sinAngle(star.V.getColumn(j), sketched.V.getColumn(j)));
        // The left vectors read in the sketch: the angle between Y·ṽⱼ and Y·v*ⱼ.
        const leftOf = (v: number[]): number[] => unit(Ym.mmul(MlMatrix.columnVector(v)).getColumn(0));
        eU = Math.max(eU, sinAngle(leftOf(star.V.getColumn(j)), leftOf(sketched.V.getColumn(j))));
        for (const S of [star.S, sketched.S]) gap = Math.min(gap, S[j]! - S[j + 1]!, j > 0 ? S[j - 1]! - S[j]! : Infinity);
      }
      expectClose(r.replicateErrors.value[b]!, ev, tol.svdOfSketch * sketched.S[0]!, `replicate ${b} value error`);
      expectClose(r.replicateErrors.vector[b]!, eV, (tol.svdOfSketch * sketched.S[0]!) / gap, `replicate ${b} vector error`);
      expectClose(r.replicateErrors.left[b]!, eU, (tol.svdOfSketch * sketched.S[0]!) / (gap * sketched.S[k - 1]!), `replicate ${b} left vector error`);
    }
    // ⌈0.8·12⌉ = 10: the 10th smallest replicate maximum.
    const sorted = Array.from(r.replicateErrors.value).sort((a, b) => a - b);
    expect(r.valueError).toBe(sorted[9]);
    expect(r.vectorError).toBe(Array.from(r.replicateErrors.vector).sort((a, b) => a - b)[9]);
    expect(r.leftVectorError).toBe(Array.from(r.replicateErrors.left).sort((a, b) => a - b)[9]);
    expect(r.perComponent.value.length).toBe(k);
    for (let j = 0; j < k; j++) expectAtMost(r.perComponent.value[j]!, r.valueError, `perComponent.value[${j}] ≤ valueError`);
    expect(nearestRankQuantile(Float64Array.from([5, 1, 4, 2, 3]), 0.2)).toBe(4);
    // The same seed gives the same estimate; progress counts replicates.
    const seen: number[] = [];
    const again = referenceBootstrapSvdError(A, { rank: k, sketchRows: t, sketch: 'energy', replicates: B, alpha: 0.2, seed: SEED, onProgress: (p) => seen.push(p.pass) });
    expect(again.valueError).toBe(r.valueError);
    expect(seen).toEqual(Array.from({ length: B }, (_, b) => b + 1));
  });

  describe('statistics on σᵢ = 1/i (2000 × 50, uniform rows, k = 5, B = 30)', () => {
    const m = 2000;
    const n = 50;
    const k = 5;
    const t0 = 200;
    const sigma = Array.from({ length: n }, (_, i) => 1 / (i + 1));
    let K: ReturnType<typeof withSpectrum>;
    let A: Matrix;
    const runs: { result: BootstrapSvdResult; value: number; vector: number; left: number }[] = [];

    /** The true errors of a sketched solution against A's exact SVD (known by construction). */
    function trueErrors(S: Float64Array, Vt: Matrix): { value: number; vector: number } {
      let value = 0;
      let vector = 0;
      for (let j = 0; j < k; j++) {
        value = Math.max(value, Math.abs(S[j]! - sigma[j]!));
        vector = Math.max(vector, sinAngle(K.Y.getColumn(j), Vt.data.subarray(j * n, (j + 1) * n)));
      }
      return { value, vector };
    }

    const quantile90 = (x: number[]): number => [...x].sort((a, b) => a - b)[Math.ceil(0.9 * x.length) - 1]!;
    const median = (x: number[]): number => [...x].sort((a, b) => a - b)[x.length >> 1]!;

    beforeAll(() => {
      K = withSpectrum(m, n, sigma, 3);
      A = store(K.dense, 'row-major', 'float64');
      for (let s = 0; s < tol.coverageRuns; s++) {
        const result = referenceBootstrapSvdError(A, { rank: k, sketchRows: t0, replicates: 30, alpha: 0.1, seed: 1000 + s });
        // The left vectors sketchedSvd returns for the same seed, against A's (known) left vectors.
        const U = referenceSketchedSvd(A, { rank: k, sketchRows: t0, seed: 1000 + s, leftVectors: true }).U!;
        let left = 0;
        for (let j = 0; j < k; j++) left = Math.max(left, sinAngle(K.X.getColumn(j), Array.from({ length: m }, (_, i) => U.data[i * k + j]!)));
        runs.push({ result, ...trueErrors(result.S, result.Vt), left });
      }
    });

    it('coverage of the 0.9 estimates', () => {
      // Measured with these seeds: 56/60 (values), 54/60 (vectors) and 59/60 (left vectors, conservative like the native core's).
      const covered = { value: 0, vector: 0, left: 0 };
      for (const r of runs) {
        if (r.left <= r.result.leftVectorError) covered.left++;
        if (r.value <= r.result.valueError) covered.value++;
        if (r.vector <= r.result.vectorError) covered.vector++;
      }
      expect(covered.value, `values covered in ${covered.value} of ${runs.length}`).toBeGreaterThanOrEqual(tol.coverageMinCount);
      expect(covered.vector, `vectors covered in ${covered.vector} of ${runs.length}`).toBeGreaterThanOrEqual(tol.coverageMinCount);
      expect(covered.left, `left vectors covered in ${covered.left} of ${runs.length}`).toBeGreaterThanOrEqual(tol.coverageMinCount);
      const estimateOf = { value: 'valueError', vector: 'vectorError', left: 'leftVectorError' } as const;
      for (const metric of ['value', 'vector', 'left'] as const) {
        const ratio = median(runs.map((r) => r.result[estimateOf[metric]])) / quantile90(runs.map((r) => r[metric]));
        expect(ratio, `${metric}: median estimate / true 0.9 quantile = ${ratio}`).toBeGreaterThanOrEqual(tol.medianRatio.low);
        expect(ratio, `${metric}: median estimate / true 0.9 quantile = ${ratio}`).toBeLessThanOrEqual(tol.medianRatio.high);
      }
    });

    it('extrapolation from t₀ to 4·t₀ meets the true 0.9 quantile there', () => {
      const truth = { value: [] as number[], vector: [] as number[] };
      for (let s = 0; s < tol.coverageRuns; s++) {
        const r = referenceSketchedSvd(A, { rank: k, sketchRows: 4 * t0, seed: 5000 + s });
        const e = trueErrors(r.S, r.Vt);
        truth.value.push(e.value);
        truth.vector.push(e.vector);
      }
      // The median over the R estimates at t₀: the claim is about the estimator, and a single
      // run's estimate scatters by the bootstrap's own noise (B = 30).
      for (const metric of ['value', 'vector'] as const) {
        const predicted = median(runs.map((r) => r.result.extrapolate(4 * t0)[metric === 'value' ? 'valueError' : 'vectorError']));
        const ratio = predicted / quantile90(truth[metric]);
        expect(ratio, `${metric}: extrapolated / true at 4·t₀ = ${ratio}`).toBeGreaterThanOrEqual(tol.extrapolation.low);
        expect(ratio, `${metric}: extrapolated / true at 4·t₀ = ${ratio}`).toBeLessThanOrEqual(tol.extrapolation.high);
      }
    });

    it('adaptive sketching stops at the tolerance and reuses the draws', () => {
      const tolerance = 0.025;
      const r = referenceAdaptiveSketchedSvd(A, { rank: k, tolerance, replicates: 30, seed: 77 });
      expect(r.converged).toBe(true);
      expect(r.path[0]!.rows).toBe(100);
      for (let s = 1; s < r.path.length; s++) expect(r.path[s]!.rows).toBeGreaterThanOrEqual(Math.ceil(1.25 * r.path[s - 1]!.rows));
      const last = r.path[r.path.length - 1]!;
      expectAtMost(last.valueError, tolerance, 'final value estimate');
      for (let s = 0; s + 1 < r.path.length; s++) expect(r.path[s]!.valueError).toBeGreaterThan(tolerance);
      expect(r.sketchRows).toBe(last.rows);
      // The final step is the fixed-size estimate with its row count and the same seed.
      const fixed = referenceBootstrapSvdError(A, { rank: k, sketchRows: last.rows, replicates: 30, seed: 77 });
      expect(fixed.valueError).toBe(r.valueError);
      // A cap it cannot meet: stops there, not converged.
      const capped = referenceAdaptiveSketchedSvd(A, { rank: k, tolerance: 1e-4, initialRows: 50, maxRows: 80, replicates: 10, seed: 77 });
      expect(capped.converged).toBe(false);
      expect(capped.path.map((p) => p.rows)).toEqual([50, 80]);
    });
  });

  it('adaptive sketching meets its tolerance on the true error for most seeds (1000 × 20, k = 3)', () => {
    const m = 1000;
    const n = 20;
    const k = 3;
    const sigma = Array.from({ length: n }, (_, i) => 1 / (i + 1));
    const K = withSpectrum(m, n, sigma, 7);
    const A = store(K.dense, 'row-major', 'float64');
    for (const [metric, tolerance] of [['value', 0.02], ['vector', 0.1]] as const) {
      let met = 0;
      for (let s = 0; s < tol.adaptiveRuns; s++) {
        const r = referenceAdaptiveSketchedSvd(A, { rank: k, tolerance, metric, replicates: 30, seed: 900 + s });
        let error = 0;
        for (let j = 0; j < k; j++) {
          const e = metric === 'value' ? Math.abs(r.S[j]! - sigma[j]!) : sinAngle(K.Y.getColumn(j), r.Vt.data.subarray(j * n, (j + 1) * n));
          error = Math.max(error, e);
        }
        if (r.converged && error <= tolerance) met++;
      }
      expect(met, `${metric}: tolerance met in ${met} of ${tol.adaptiveRuns}`).toBeGreaterThanOrEqual(tol.adaptiveMinCount);
    }
  });

  it('exact rank 5: the replicates stay in the sketched subspace (≤ 1e-8)', () => {
    const K = withSpectrum(2000, 50, [5, 4, 3, 2, 1], 13);
    const A = store(K.dense, 'row-major', 'float64');
    const r = referenceBootstrapSvdError(A, { rank: 5, sketchRows: 200, replicates: 20, seed: SEED });
    expectAtMost(r.subspaceError, tol.exactRankSubspace, 'subspace error estimate');
    // And the sketched subspace is A's row space: ‖(I − VVᵀ)ṽⱼ‖ with V exact.
    for (let j = 0; j < 5; j++) {
      const v = r.Vt.data.subarray(j * 50, (j + 1) * 50);
      const c = K.Y.transpose().mmul(MlMatrix.columnVector(Array.from(v)));
      const out = MlMatrix.columnVector(Array.from(v)).sub(K.Y.mmul(c)).norm('frobenius');
      expectAtMost(out, tol.exactRankSubspace, `‖(I − VVᵀ)ṽ_${j}‖`);
    }
  });

  it('extrapolate and rowsFor are the √(t/t′) law, rowsFor minimal', () => {
    expect(extrapolateError(0.2, 100, 400)).toBe(0.1);
    expect(rowsForTolerance(0.2, 100, 5, 0.1)).toBe(400);
    expect(rowsForTolerance(0, 100, 5, 0.1)).toBe(5);
    expect(rowsForTolerance(0.01, 100, 7, 0.1)).toBe(7); // already met: the floor k
    for (const [est, t, tolerance] of [[0.3, 137, 0.07], [1e-3, 999, 3e-4], [0.5, 10, 0.499999]] as const) {
      const rows = rowsForTolerance(est, t, 1, tolerance);
      expectAtMost(est * Math.sqrt(t / rows), tolerance, 'rowsFor meets the tolerance');
      expect(est * Math.sqrt(t / (rows - 1)) > tolerance).toBe(true);
    }
    const K = withSpectrum(300, 8, [2, 1, 0.5], 2);
    const r = referenceBootstrapSvdError(store(K.dense, 'row-major', 'float64'), { rank: 2, sketchRows: 40, replicates: 10, seed: 1 });
    expect(r.extrapolate(160).valueError).toBe(r.valueError * Math.sqrt(40 / 160));
    expect(r.rowsFor(r.vectorError / 2, 'vector')).toBe(rowsForTolerance(r.vectorError, 40, 2, r.vectorError / 2));
    expectRandlaError(() => r.rowsFor(0), ErrorCode.INVALID_ARGUMENT, 'tolerance');
  });

  it('bad input names the argument', () => {
    const K = withSpectrum(50, 6, [2, 1], 2);
    const A = store(K.dense, 'row-major', 'float64');
    const base = { rank: 2, sketchRows: 20, seed: 1 };
    const bad = (o: object, code: string, argument: string, M: unknown = A): void =>
      expectRandlaError(() => referenceBootstrapSvdError(M, { ...base, ...o } as never), code, argument);
    bad({ replicates: 1 }, ErrorCode.INVALID_ARGUMENT, 'options.replicates');
    bad({ replicates: 2.5 }, ErrorCode.INVALID_ARGUMENT, 'options.replicates');
    bad({ alpha: 0 }, ErrorCode.INVALID_ARGUMENT, 'options.alpha');
    bad({ alpha: 1 }, ErrorCode.INVALID_ARGUMENT, 'options.alpha');
    bad({ alpha: Number.NaN }, ErrorCode.INVALID_ARGUMENT, 'options.alpha');
    bad({ sketchRows: 1 }, ErrorCode.INVALID_ARGUMENT, 'options.sketchRows');
    bad({ sketchRows: 2 ** 31 }, ErrorCode.INVALID_ARGUMENT, 'options.sketchRows');
    bad({ rank: 0 }, ErrorCode.INVALID_ARGUMENT, 'options.rank');
    bad({ rank: 7 }, ErrorCode.INVALID_ARGUMENT, 'options.rank');
    bad({ sketch: 'srht' }, ErrorCode.INVALID_ARGUMENT, 'options.sketch');
    bad({ seed: -1 }, ErrorCode.INVALID_ARGUMENT, 'options.seed');
    const withNaN = { ...A, data: A.data.slice() };
    withNaN.data[7] = Number.NaN;
    bad({}, ErrorCode.NOT_FINITE, 'A', withNaN);
    bad({ sketch: 'energy' }, ErrorCode.INVALID_ARGUMENT, 'A', { ...A, data: new Float64Array(300) });
    const controller = new AbortController();
    controller.abort();
    bad({ signal: controller.signal }, ErrorCode.ABORTED, undefined as never);
    expectRandlaError(() => referenceAdaptiveSketchedSvd(A, { rank: 2, tolerance: 0 }), ErrorCode.INVALID_ARGUMENT, 'options.tolerance');
    // Inputs are never modified.
    const before = A.data.slice();
    referenceSketchedSvd(A, { ...base, sketch: 'gaussian', leftVectors: true });
    expect(Array.from(A.data)).toEqual(Array.from(before));
  });
});

/** The column-major t × n block as an ml-matrix. */
function mlOf(Y: Float64Array, t: number, n: number): MlMatrix {
  const M = new MlMatrix(t, n);
  for (let j = 0; j < n; j++) for (let q = 0; q < t; q++) M.set(q, j, Y[q + j * t]!);
  return M;
}

function spectralNormSymmetric(D: MlMatrix): number {
  const values = new EigenvalueDecomposition(D, { assumeSymmetric: true }).realEigenvalues;
  return Math.max(...values.map(Math.abs));
}

describe('referenceBootstrapCovarianceError (Bernoulli 2023)', () => {
  const m = 2000;
  const n = 20;
  const K = withSpectrum(m, n, Array.from({ length: n }, (_, i) => 1 / (i + 1)), 3);
  const A = store(K.dense, 'row-major', 'float64');

  it('replicates recomputed from their definition', () => {
    const t = 100;
    const r = referenceBootstrapCovarianceError(A, { sketchRows: t, sketch: 'energy', replicates: 8, alpha: 0.25, seed: SEED });
    const Y = mlOf(rowSketch(A, t, 'energy', SEED), t, n);
    const gram = Y.transpose().mmul(Y);
    for (const b of [0, 5]) {
      const idx = resampleIndices(t, b, SEED);
      const Ys = new MlMatrix(t, n);
      for (let q = 0; q < t; q++) for (let j = 0; j < n; j++) Ys.set(q, j, Y.get(idx[q]!, j));
      const expected = spectralNormSymmetric(Ys.transpose().mmul(Ys).sub(gram));
      // Gram products and a symmetric eigensolver: errors of O(u·‖Y‖²) on each side.
      expectClose(r.replicateErrors[b]!, expected, tol.svdOfSketch * spectralNormSymmetric(gram), `replicate ${b}`);
    }
    expect(r.error).toBe(Array.from(r.replicateErrors).sort((a, b) => a - b)[5]); // ⌈0.75·8⌉ = 6th smallest
    expectClose(r.relativeError, r.error / spectralNormSymmetric(gram), tol.svdOfSketch, 'relativeError');
    expect(r.extrapolate(4 * t).error).toBe(r.error * Math.sqrt(1 / 4));
  });

  it('coverage of ‖ỸᵀỸ − AᵀA‖₂ (uniform rows, t = 200, B = 30)', () => {
    // Measured with these seeds: 55/60; the bound is the 1e-4-level binomial one.
    const AtA = K.dense.transpose().mmul(K.dense);
    let covered = 0;
    const truths: number[] = [];
    const estimates: number[] = [];
    for (let s = 0; s < tol.coverageRuns; s++) {
      const seed = 100 + s;
      const r = referenceBootstrapCovarianceError(A, { sketchRows: 200, replicates: 30, seed });
      const Y = mlOf(rowSketch(A, 200, 'uniform', BigInt(seed)), 200, n);
      const truth = spectralNormSymmetric(Y.transpose().mmul(Y).sub(AtA));
      if (truth <= r.error) covered++;
      truths.push(truth);
      estimates.push(r.error);
    }
    expect(covered, `covered in ${covered} of ${tol.coverageRuns}`).toBeGreaterThanOrEqual(tol.coverageMinCount);
    const ratio = estimates.sort((a, b) => a - b)[estimates.length >> 1]! / truths.sort((a, b) => a - b)[Math.ceil(0.9 * truths.length) - 1]!;
    expect(ratio, `median estimate / true 0.9 quantile = ${ratio}`).toBeGreaterThanOrEqual(tol.medianRatio.low);
    expect(ratio, `median estimate / true 0.9 quantile = ${ratio}`).toBeLessThanOrEqual(tol.medianRatio.high);
  });
});

describe('referenceSketchedLstsq and referenceBootstrapLstsqError (ICML 2018)', () => {
  const m = 2000;
  const n = 10;
  const L = withSpectrum(m, n, Array.from({ length: n }, (_, i) => 1 + i), 5); // κ = 10
  const A = store(L.dense, 'row-major', 'float64');
  const next = lcg(9);
  const x0 = Array.from({ length: n }, () => next());
  const Ax = L.dense.mmul(MlMatrix.columnVector(x0)).to1DArray();

  it('a consistent system is solved exactly, and the estimate is rounding', () => {
    const b = Float64Array.from(Ax);
    const xNorm = Math.hypot(...x0);
    for (const sketch of ['uniform', 'energy', 'gaussian'] as const) {
      const x = referenceSketchedLstsq(A, b, { sketchRows: 100, sketch, seed: 4 }).x;
      expectAllClose(x, x0, tol.lstsqConsistent * xNorm, `x̃ (${sketch})`);
      const r = referenceBootstrapLstsqError(A, b, { sketchRows: 100, sketch, replicates: 10, seed: 4 });
      expectAtMost(r.error, tol.lstsqConsistent * xNorm, `error estimate (${sketch})`);
      expect(Array.from(r.x)).toEqual(Array.from(x));
    }
  });

  it('coverage on an inconsistent system (uniform rows, t = 100, B = 30), and one replicate re-solved', () => {
    const b = Float64Array.from(Ax, (v) => v + 0.05 * next());
    const exact = new QrDecomposition(L.dense).solve(MlMatrix.columnVector(Array.from(b))).to1DArray();
    let covered = 0;
    const truths: number[] = [];
    const estimates: number[] = [];
    for (let s = 0; s < tol.coverageRuns; s++) {
      const r = referenceBootstrapLstsqError(A, b, { sketchRows: 100, replicates: 30, seed: 300 + s });
      const truth = Math.hypot(...Array.from(r.x, (v, j) => v - exact[j]!));
      if (truth <= r.error) covered++;
      truths.push(truth);
      estimates.push(r.error);
    }
    // Measured with these seeds: 56/60 (gaussian sketches: 52/60).
    expect(covered, `covered in ${covered} of ${tol.coverageRuns}`).toBeGreaterThanOrEqual(tol.coverageMinCount);
    const ratio = estimates.sort((a, c) => a - c)[estimates.length >> 1]! / truths.sort((a, c) => a - c)[Math.ceil(0.9 * truths.length) - 1]!;
    expect(ratio, `median estimate / true 0.9 quantile = ${ratio}`).toBeGreaterThanOrEqual(tol.medianRatio.low);
    expect(ratio, `median estimate / true 0.9 quantile = ${ratio}`).toBeLessThanOrEqual(tol.medianRatio.high);

    // Replicate 2 from its definition: resample [S·A | S·b], solve by ml-matrix's QR.
    const r = referenceBootstrapLstsqError(A, b, { sketchRows: 100, replicates: 3, seed: 300 });
    const aug = new Float64Array(m * (n + 1));
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) aug[i * (n + 1) + j] = A.data[i * n + j]!;
      aug[i * (n + 1) + n] = b[i]!;
    }
    const Y = mlOf(rowSketch({ data: aug, rows: m, cols: n + 1, layout: 'row-major' }, 100, 'uniform', 300n), 100, n + 1);
    const idx = resampleIndices(100, 2, 300n);
    const Ys = new MlMatrix(100, n + 1);
    for (let q = 0; q < 100; q++) for (let j = 0; j <= n; j++) Ys.set(q, j, Y.get(idx[q]!, j));
    const xs = new QrDecomposition(Ys.subMatrix(0, 99, 0, n - 1)).solve(Ys.subMatrix(0, 99, n, n)).to1DArray();
    const expected = Math.hypot(...xs.map((v, j) => v - r.x[j]!));
    expectClose(r.replicateErrors[2]!, expected, tol.lstsqConsistent * Math.hypot(...r.x), 'replicate 2');
  });

  it('bad input', () => {
    const b = Float64Array.from(Ax);
    expectRandlaError(() => referenceSketchedLstsq(A, b.subarray(1), { sketchRows: 50 }), ErrorCode.SHAPE, 'b');
    expectRandlaError(() => referenceSketchedLstsq(A, b, { sketchRows: n - 1 }), ErrorCode.INVALID_ARGUMENT, 'options.sketchRows');
    expectRandlaError(() => referenceBootstrapLstsqError(A, b, { sketchRows: 50, replicates: 1 }), ErrorCode.INVALID_ARGUMENT, 'options.replicates');
    const bad = b.slice();
    bad[3] = Number.POSITIVE_INFINITY;
    expectRandlaError(() => referenceSketchedLstsq(A, bad, { sketchRows: 50 }), ErrorCode.NOT_FINITE, 'b');
    // Rank-deficient A: two equal columns.
    const D = { data: new Float64Array(200 * 2).map((_, e) => Math.sin(e >> 1)), rows: 200, cols: 2, layout: 'row-major' as const };
    expectRandlaError(() => referenceSketchedLstsq(D, new Float64Array(200).fill(1), { sketchRows: 20, seed: 1 }), ErrorCode.INVALID_ARGUMENT, 'A');
    expectRandlaError(() => referenceBootstrapCovarianceError(A, { sketchRows: 0 }), ErrorCode.INVALID_ARGUMENT, 'options.sketchRows');
    expectRandlaError(() => referenceBootstrapCovarianceError(A, { sketchRows: 10, alpha: 1.5 }), ErrorCode.INVALID_ARGUMENT, 'options.alpha');
  });
});

describe('reference backend, async bootstrap: the event loop turns between replicates', () => {
  // 2000 × 40, rank 5, t = 400: each replicate takes a fraction of a millisecond, 4000 of them
  // well over the timer below, so an abort from a timer lands mid-run.
  const data = Float64Array.from({ length: 2000 * 40 }, (_, e) => Math.sin(e * e * 0.37) / (1 + (e % 40)));
  const A = { data, rows: 2000, cols: 40, layout: 'row-major' as const };

  it.each([
    ['bootstrapSvdError', (signal: AbortSignal, onProgress: (p: { pass: number }) => void) => bootstrapSvdError(A, { rank: 5, sketchRows: 400, replicates: 4000, seed: 1, backend: 'reference', signal, onProgress })],
    ['bootstrapCovarianceError', (signal: AbortSignal, onProgress: (p: { pass: number }) => void) => bootstrapCovarianceError(A, { sketchRows: 400, replicates: 4000, seed: 1, backend: 'reference', signal, onProgress })],
    [
      'bootstrapLstsqError',
      (signal: AbortSignal, onProgress: (p: { pass: number }) => void) =>
        bootstrapLstsqError(A, Float64Array.from({ length: 2000 }, (_, i) => Math.cos(i)), { sketchRows: 400, replicates: 4000, seed: 1, backend: 'reference', signal, onProgress }),
    ],
    ['sketchedSvd (adaptive)', (signal: AbortSignal, onProgress: (p: { pass: number }) => void) => sketchedSvd(A, { rank: 5, tolerance: 1e-9, replicates: 4000, seed: 1, backend: 'reference', signal, onProgress })],
  ])('%s: a timer aborts it mid-run; timers run while it computes', async (_name, run) => {
    const controller = new AbortController();
    let ticks = 0;
    let passes = 0;
    const interval = setInterval(() => (ticks += 1), 1);
    const timer = setTimeout(() => controller.abort(new Error('timer')), 30);
    try {
      await expect(run(controller.signal, (p) => (passes = p.pass))).rejects.toMatchObject({ code: 'ERR_RANDLA_ABORTED' });
    } finally {
      clearInterval(interval);
      clearTimeout(timer);
    }
    expect(ticks).toBeGreaterThan(0);
    expect(passes).toBeGreaterThan(0);
    expect(passes).toBeLessThan(4000);
  });
});
