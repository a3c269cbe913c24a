// The complete randomized SVD of the reference backend (docs/algorithms/rsvd.md) against exact
// decompositions and closed-form spectra: every sketch and normalizer, fixed accuracy, implicit
// centering, CSR input, the matrix-free driver, the error estimate, progress and options.
import { Matrix as MlMatrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';

import { rsvdOperator } from '../src/backend/reference/operator_driver.js';
import { choleskyQr2, referenceKernels } from '../src/backend/reference/normalize.js';
import { rsvdReference, rsvdReferenceAsync } from '../src/backend/reference/rsvd.js';
import { referenceBackend } from '../src/backend/reference/index.js';
import { applyA, applyAt, householderQ } from '../src/backend/reference/dense.js';
import type { DenseKernels, RsvdOutput, RsvdRequest } from '../src/backend/types.js';
import { ErrorCode, RandlaError } from '../src/errors.js';
import { toMlMatrix } from '../src/matrix.js';
import type { CsrMatrix, LinearOperator, Matrix, Normalizer, Progress, SketchKind } from '../src/types.js';
import { lcg, product, spectralNorm, store, withSpectrum } from './helpers/spectrum.js';
import {
  EPS32,
  EPS64,
  expectAllClose,
  expectAtMost,
  expectClose,
  reference as referenceTolerance,
  referenceRsvd as tol,
} from './helpers/tolerance.js';
import { requestOptions } from './helpers/request.js';

// ---------------------------------------------------------------------------------------------
// helpers

type Input = Matrix | CsrMatrix;
type Request = Omit<RsvdRequest, 'A'>;

function options(overrides: Partial<Request> = {}): Request {
  return requestOptions({ errorIters: 4, ...overrides });
}

function run(A: Input, overrides: Partial<Request> = {}): RsvdOutput {
  return rsvdReference({ ...options(overrides), A });
}

/** U·diag(S)·Vt of an output that has both factors. */
function approximation(out: RsvdOutput): MlMatrix {
  return product(out.U!, out.S, out.Vt!);
}

function frobenius(m: MlMatrix): number {
  return m.norm('frobenius');
}

/** A − 1·(column means)ᵀ, formed explicitly, and the means. */
function centeredExplicitly(A: MlMatrix): { centered: MlMatrix; mean: number[] } {
  const mean = A.mean('column');
  const centered = A.clone();
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.columns; j++) centered.set(i, j, A.get(i, j) - mean[j]!);
  return { centered, mean };
}

/** The CSR form of a dense ml-matrix (its non-zeros, row by row). */
function csrOf(D: MlMatrix, dtype: 'float64' | 'float32' = 'float64'): CsrMatrix {
  const indptr = new Int32Array(D.rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < D.rows; i++) {
    for (let j = 0; j < D.columns; j++) {
      if (D.get(i, j) !== 0) {
        indices.push(j);
        values.push(D.get(i, j));
      }
    }
    indptr[i + 1] = indices.length;
  }
  return {
    format: 'csr',
    rows: D.rows,
    cols: D.columns,
    indptr,
    indices: Int32Array.from(indices),
    values: dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values),
  };
}

/**
 * A random sparse m × n matrix (about `density` of the entries non-zero) as CSR with unsorted
 * rows and every third entry stored as two repeats that add up, and the dense matrix it means.
 */
function sparseCase(m: number, n: number, density: number, seed: number): { csr: CsrMatrix<Float64Array>; dense: MlMatrix } {
  const next = lcg(seed);
  const dense = new MlMatrix(m, n);
  const indptr = new Int32Array(m + 1);
  const indices: number[] = [];
  const values: number[] = [];
  let count = 0;
  for (let i = 0; i < m; i++) {
    const row: [number, number][] = [];
    for (let j = 0; j < n; j++) {
      if (next() + 0.5 >= density) continue;
      const v = 2 * next();
      dense.set(i, j, v);
      if (++count % 3 === 0) row.push([j, v / 4], [j, v - v / 4]);
      else row.push([j, v]);
    }
    row.reverse();
    for (const [j, v] of row) {
      indices.push(j);
      values.push(v);
    }
    indptr[i + 1] = indices.length;
  }
  // The dense matrix holds what the repeats add up to, in the order the CSR stores them.
  for (let i = 0; i < m; i++) {
    const sums = new Map<number, number>();
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) sums.set(indices[p]!, (sums.get(indices[p]!) ?? 0) + values[p]!);
    for (const [j, v] of sums) dense.set(i, j, v);
  }
  return { csr: { format: 'csr', rows: m, cols: n, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) }, dense };
}

/** Two outputs of the same computation agree: S, U, Vt (sign-canonical) and the extras. */
function expectSameResult(actual: RsvdOutput, expected: RsvdOutput, rel: number, what: string): void {
  expect(actual.rank, `${what}: rank`).toBe(expected.rank);
  const s0 = expected.S[0]!;
  expectAllClose(actual.S, expected.S, rel * s0, `${what}: S`);
  const f32 = expected.U?.data instanceof Float32Array;
  // f32 factors of two f64 computations that agree to `rel` may still round 1 ulp apart.
  const factorTol = f32 ? 2 * EPS32 : rel;
  if (expected.U) expectAllClose(actual.U!.data, expected.U.data, factorTol, `${what}: U`);
  if (expected.Vt) expectAllClose(actual.Vt!.data, expected.Vt.data, factorTol, `${what}: Vt`);
  if (expected.spectralError !== undefined) expectClose(actual.spectralError!, expected.spectralError, rel * s0, `${what}: spectralError`);
  if (expected.mean) expectAllClose(actual.mean!, expected.mean, rel * Math.max(...expected.mean.map(Math.abs)), `${what}: mean`);
  if (expected.relativeError !== undefined) expectClose(actual.relativeError!, expected.relativeError, rel, `${what}: relativeError`);
  expect(actual.converged, `${what}: converged`).toBe(expected.converged);
}

async function errorOf(promise: Promise<unknown>): Promise<RandlaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RandlaError);
  return error as RandlaError;
}

// Test matrices with known spectra (A = X·diag(σ)·Yᵀ, X and Y orthonormal).
const POLY_SIGMA = Array.from({ length: 120 }, (_, i) => (i + 1) ** -2);
const poly = withSpectrum(300, 120, POLY_SIGMA, 3);
const EXP_SIGMA = Array.from({ length: 150 }, (_, i) => Math.exp(-0.1 * i));
const expo = withSpectrum(300, 150, EXP_SIGMA, 9);

// ---------------------------------------------------------------------------------------------
// fixed rank: every sketch and normalizer

describe('fixed rank on σᵢ = i⁻² (300 x 120, k = 10, p = 10, q = 2)', () => {
  const sketches: SketchKind[] = ['gaussian', 'rademacher', 'uniform', 'sparse-sign', 'srht'];
  const normalizers: Normalizer[] = ['qr', 'lu', 'cholqr2', 'none'];
  const cases = sketches.flatMap((sketch) => normalizers.map((normalizer) => [sketch, normalizer] as const));
  const A = store(poly.dense, 'row-major', 'float64');
  const bound = tol.spectralErrorFactor * POLY_SIGMA[10]!;

  it.each(cases)('%s sketch, %s normalizer: ‖A − UΣVᵀ‖₂ <= 1.05·σ₁₁', (sketch, normalizer) => {
    const out = run(A, { sketch, normalizer, sparseNnz: 4 });
    expect(out.rank).toBe(10);
    expect(out.S.length).toBe(10);
    const error = spectralNorm(poly.dense.clone().sub(approximation(out)));
    expectAtMost(error, bound, `${sketch}/${normalizer}: spectral error`);
    // The singular values of QB never exceed A's (interlacing), and here they are close.
    for (let i = 0; i < 10; i++) {
      expectAtMost(out.S[i]!, POLY_SIGMA[i]! * (1 + 64 * EPS64), `${sketch}/${normalizer}: σ${i + 1} from above`);
      expectAtMost(POLY_SIGMA[i]! - out.S[i]!, bound, `${sketch}/${normalizer}: σ${i + 1} from below`);
    }
  });

  it.each([
    ['wide (transposed)', 'gaussian'],
    ['wide (transposed)', 'srht'],
  ] as const)('%s %s: the same bound, factors of the original orientation', (_, sketch) => {
    const wide = poly.dense.transpose();
    const out = run(store(wide, 'col-major', 'float64'), { sketch });
    expect([out.U!.rows, out.U!.cols, out.Vt!.rows, out.Vt!.cols]).toEqual([120, 10, 10, 300]);
    expectAtMost(spectralNorm(wide.clone().sub(approximation(out))), bound, `wide ${sketch}: spectral error`);
  });

  it.each(['gaussian', 'srht'] as const)('f32 input, %s: f32 factors, the same bound', (sketch) => {
    const A32 = store(poly.dense, 'col-major', 'float32');
    const out = run(A32, { sketch });
    expect(out.U!.data).toBeInstanceOf(Float32Array);
    expect(out.Vt!.data).toBeInstanceOf(Float32Array);
    expect(out.S).toBeInstanceOf(Float64Array);
    expectAtMost(spectralNorm(toMlMatrix(A32).sub(approximation(out))), bound, `f32 ${sketch}: spectral error`);
  });

  it('transpose: true and false give the same approximation as auto', () => {
    const auto = run(A, { rank: 5 });
    for (const transpose of [true, false]) {
      const out = run(A, { rank: 5, transpose });
      const error = spectralNorm(poly.dense.clone().sub(approximation(out)));
      expectAtMost(error, tol.spectralErrorFactor * POLY_SIGMA[5]!, `transpose ${transpose}: spectral error`);
      if (!transpose) expectSameResult(out, auto, 0, 'transpose false = auto for a tall A');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// fixed accuracy

/** The Eckart–Young optimum: the smallest r with ‖A − A_r‖_F <= tol·‖A‖_F. */
function optimalRank(sigma: number[], tolerance: number): number {
  const total = sigma.reduce((s, x) => s + x * x, 0);
  let tail = total;
  for (let r = 0; r < sigma.length; r++) {
    if (tail <= tolerance * tolerance * total) return r;
    tail -= sigma[r]! ** 2;
  }
  return sigma.length;
}

describe('fixed accuracy (randQB_EI) on σᵢ = e^(−0.1(i−1)) (300 x 150)', () => {
  const A = store(expo.dense, 'row-major', 'float64');
  const normA = frobenius(expo.dense);

  it.each([1e-1, 1e-2, 1e-4])('tol %s: error <= tol, the indicator is exact, rank within 10 %% of optimal', (tolerance) => {
    const out = run(A, { rank: 0, tol: tolerance });
    const achieved = frobenius(expo.dense.clone().sub(approximation(out))) / normA;
    expect(out.converged).toBe(true);
    expectAtMost(out.relativeError!, tolerance, `tol ${tolerance}: relativeError`);
    expectClose(achieved ** 2, out.relativeError! ** 2, tol.indicator, `tol ${tolerance}: exact vs indicated error²`);
    const best = optimalRank(EXP_SIGMA, tolerance);
    expect(out.rank, `tol ${tolerance}: rank ${out.rank} vs optimal ${best}`).toBeGreaterThanOrEqual(best);
    expectAtMost(out.rank, Math.floor(tol.rankExcess * best), `tol ${tolerance}: rank vs 1.1·optimal ${best}`);
    expect(out.S.length).toBe(out.rank);
    expect(out.U!.cols).toBe(out.rank);
  });

  it('stops at maxRank, not converged, and reports the error it reached', () => {
    const out = run(A, { rank: 0, tol: 1e-4, maxRank: 25, blockSize: 10 });
    expect(out.converged).toBe(false);
    expect(out.rank).toBe(25);
    const achieved = frobenius(expo.dense.clone().sub(approximation(out))) / normA;
    expectClose(achieved ** 2, out.relativeError! ** 2, tol.indicator, 'exact vs indicated error² at maxRank');
    expect(out.relativeError!).toBeGreaterThan(1e-4);
  });

  it('progress: 1 + (2q + 2) per block, the total an upper bound until the last block', () => {
    const seen: Progress[] = [];
    const q = 1;
    const out = run(A, { rank: 0, tol: 1e-2, powerIters: q, blockSize: 10, onProgress: (p) => seen.push(p) } as Partial<Request>);
    // Whole blocks ran, enough columns for the chosen rank.
    const blocks = (seen.length - 1) / (2 * q + 2);
    expect(Number.isInteger(blocks)).toBe(true);
    expect(blocks * 10).toBeGreaterThanOrEqual(out.rank);
    expect(seen.map((p) => p.pass)).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
    const bound = 1 + (2 * q + 2) * 15; // ⌈150 / 10⌉ blocks at most
    for (const p of seen.slice(0, -1)) expect(p.totalPasses).toBe(bound);
    // The last block's last report carries the trimmed total: progress ends at total = done.
    expect(seen.at(-1)).toEqual({ pass: seen.length, totalPasses: seen.length });
    // The estimate's passes (1 per iteration on dense A) are planned from the start.
    const withEstimate: Progress[] = [];
    run(A, { rank: 0, tol: 1e-2, powerIters: q, estimateError: true, errorIters: 3, onProgress: (p) => withEstimate.push(p) } as Partial<Request>);
    const N = seen.length;
    expect(withEstimate.slice(0, N - 1).every((p) => p.totalPasses === bound + 3)).toBe(true);
    expect(withEstimate.slice(N - 1)).toEqual([N, N + 1, N + 2, N + 3].map((pass) => ({ pass, totalPasses: N + 3 })));
  });

  it('centered: the indicator uses ‖A − 1μᵀ‖_F, exact against the centered matrix', () => {
    const shifted = expo.dense.clone();
    for (let i = 0; i < shifted.rows; i++) for (let j = 0; j < shifted.columns; j++) shifted.set(i, j, shifted.get(i, j) + 0.3 * ((j % 7) - 3));
    const { centered } = centeredExplicitly(shifted);
    const out = run(store(shifted, 'col-major', 'float64'), { rank: 0, tol: 1e-3, center: true });
    const achieved = frobenius(centered.clone().sub(approximation(out))) / frobenius(centered);
    expect(out.converged).toBe(true);
    expectAtMost(out.relativeError!, 1e-3, 'centered relativeError');
    // ‖A − 1μᵀ‖²_F = ‖A‖²_F − 2μᵀ(1ᵀA) + m‖μ‖² cancels: its rounding is relative to ‖A‖²_F.
    const cancellation = (frobenius(shifted) / frobenius(centered)) ** 2;
    expectClose(achieved ** 2, out.relativeError! ** 2, tol.indicator * cancellation, 'centered: exact vs indicated error²');
  });
});

// ---------------------------------------------------------------------------------------------
// centered PCA

describe('center: PCA of A − 1μᵀ without forming it', () => {
  // A = L + 1cᵀ, L of rank 5 (not centered): A − 1μᵀ = (I − 11ᵀ/m)·L has rank <= 5.
  const L = withSpectrum(200, 60, [5, 4, 3, 2, 1], 11).dense;
  const A = L.clone();
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.columns; j++) A.set(i, j, A.get(i, j) + 10 + j);

  function checkAgainstExplicit(out: RsvdOutput, D: MlMatrix, k: number, what: string): void {
    const { centered, mean } = centeredExplicitly(D);
    const exact = new SingularValueDecomposition(centered, { autoTranspose: true });
    expectAllClose(out.mean!, mean, tol.centered * Math.max(...mean.map(Math.abs)), `${what}: mean`);
    for (let i = 0; i < k; i++) expectClose(out.S[i]!, exact.diagonal[i]!, tol.centered * exact.diagonal[0]!, `${what}: σ${i + 1}`);
    const scale = Math.max(...centered.to1DArray().map(Math.abs));
    expectAllClose(approximation(out).to1DArray(), centered.to1DArray(), tol.centered * scale, `${what}: UΣVᵀ − (A − 1μᵀ)`);
    // Singular vectors, with ml-matrix's signs made canonical (largest |entry| of U positive).
    const U = toMlMatrix(out.U!);
    for (let j = 0; j < k; j++) {
      const u = exact.leftSingularVectors.getColumn(j);
      let best = 0;
      for (let i = 1; i < u.length; i++) if (Math.abs(u[i]!) > Math.abs(u[best]!)) best = i;
      const sign = u[best]! < 0 ? -1 : 1;
      expectAllClose(U.getColumn(j), u.map((x) => sign * x), tol.centered, `${what}: U column ${j}`);
    }
  }

  it('dense tall and wide, both layouts: matches ml-matrix SVD of the explicitly centered matrix', () => {
    checkAgainstExplicit(run(store(A, 'row-major', 'float64'), { rank: 5, oversamples: 5, center: true }), A, 5, 'tall row-major');
    checkAgainstExplicit(run(store(A, 'col-major', 'float64'), { rank: 5, oversamples: 5, center: true }), A, 5, 'tall col-major');
    // Wide: the same construction, 60 x 200 (a transposed A would have row offsets, which centering keeps).
    const W = withSpectrum(60, 200, [5, 4, 3, 2, 1], 12).dense;
    for (let i = 0; i < W.rows; i++) for (let j = 0; j < W.columns; j++) W.set(i, j, W.get(i, j) - 3 + 0.01 * j);
    checkAgainstExplicit(run(store(W, 'row-major', 'float64'), { rank: 5, oversamples: 5, center: true }), W, 5, 'wide');
  });

  it('CSR: a sparse rank-3 matrix, centered implicitly (never densified)', () => {
    const S = new MlMatrix(120, 50);
    const next = lcg(21);
    for (let r = 0; r < 3; r++) {
      const x = Array.from({ length: 120 }, (_, i) => ((i * 7 + r * 13) % 5 === 0 ? next() : 0));
      const y = Array.from({ length: 50 }, (_, j) => ((j * 3 + r) % 4 === 0 ? next() : 0));
      for (let i = 0; i < 120; i++) for (let j = 0; j < 50; j++) if (x[i] && y[j]) S.set(i, j, S.get(i, j) + x[i]! * y[j]!);
    }
    const out = run(csrOf(S), { rank: 3, oversamples: 5, center: true });
    checkAgainstExplicit(out, S, 3, 'CSR rank 3');
  });

  it('progress: one more pass for the mean', () => {
    const seen: Progress[] = [];
    run(store(A, 'row-major', 'float64'), { rank: 5, powerIters: 1, center: true, onProgress: (p) => seen.push(p) } as Partial<Request>);
    expect(seen[0]).toEqual({ pass: 1, totalPasses: 1 });
    expect(seen.slice(1)).toEqual(Array.from({ length: 4 }, (_, i) => ({ pass: i + 2, totalPasses: 5 })));
  });
});

// ---------------------------------------------------------------------------------------------
// CSR

describe('CSR input', () => {
  const { csr, dense } = sparseCase(200, 80, 0.1, 5);

  it.each([
    ['gaussian', 'qr', false, false],
    ['sparse-sign', 'cholqr2', false, false],
    ['srht', 'lu', false, false],
    ['rademacher', 'qr', true, true],
  ] as const)('equals the dense result for the same seed: %s, %s, center %s, estimateError %s', (sketch, normalizer, center, estimateError) => {
    const o = { rank: 5, sketch, normalizer, center, estimateError } as const;
    const fromCsr = run(csr, o);
    const fromDense = run(store(dense, 'row-major', 'float64'), o);
    expectSameResult(fromCsr, fromDense, tol.sameSeed, `CSR vs dense ${sketch}`);
  });

  it('wide CSR (rows < cols) and f32 values equal the dense result', () => {
    const wide = sparseCase(60, 150, 0.1, 8);
    expectSameResult(run(wide.csr, { rank: 4 }), run(store(wide.dense, 'col-major', 'float64'), { rank: 4 }), tol.sameSeed, 'wide CSR');
    const D = sparseCase(90, 40, 0.2, 9).dense;
    const A32 = csrOf(D, 'float32');
    const out32 = run(A32, { rank: 4, sketch: 'sparse-sign' });
    expect(out32.U!.data).toBeInstanceOf(Float32Array);
    expectSameResult(out32, run(store(D, 'row-major', 'float32'), { rank: 4, sketch: 'sparse-sign' }), tol.sameSeed, 'f32 CSR');
  });

  it('fixed accuracy on CSR equals dense', () => {
    const o = { rank: 0, tol: 0.3, blockSize: 4 } as const;
    expectSameResult(run(csr, o), run(store(dense, 'col-major', 'float64'), o), tol.sameSeed, 'fixed accuracy CSR');
  });

  it('repeated indices add up: ‖A‖_F of the indicator sees the summed entries', () => {
    // One row, (0, 0) stored as 3 + 4: ‖A‖_F = 7, not 5; a rank-1 approximation is exact.
    const A: CsrMatrix = { format: 'csr', rows: 2, cols: 2, indptr: new Int32Array([0, 2, 2]), indices: new Int32Array([0, 0]), values: new Float64Array([3, 4]) };
    const out = run(A, { rank: 0, tol: 0.5, blockSize: 1, oversamples: 0 });
    expectClose(out.S[0]!, 7, 8 * EPS64 * 7, 'σ₁ of [[3 + 4, 0], [0, 0]]');
    expect(out.rank).toBe(1);
    expect(out.converged).toBe(true);
    expectClose(out.relativeError!, 0, 8 * EPS64, 'relative error of an exact rank-1 fit');
  });

  it.each([NaN, Infinity, -Infinity])('rejects %s with ERR_RANDLA_NOT_FINITE naming its (row, col)', (bad) => {
    // Row 1 is empty, so the stored position of the bad value is not its row.
    const A: CsrMatrix = {
      format: 'csr',
      rows: 3,
      cols: 4,
      indptr: new Int32Array([0, 2, 2, 4]),
      indices: new Int32Array([1, 0, 3, 2]),
      values: new Float64Array([1, 2, 3, bad]),
    };
    let error: unknown;
    try {
      run(A, { rank: 1, oversamples: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RandlaError);
    expect((error as RandlaError).code).toBe(ErrorCode.NOT_FINITE);
    expect((error as RandlaError).message).toContain('at (2, 2)');
  });

  it('progress: the error estimate costs 2 passes per iteration on CSR, 1 on dense', () => {
    const q = 1;
    const iters = 3;
    for (const [input, perIteration] of [
      [csr, 2],
      [store(dense, 'row-major', 'float64'), 1],
    ] as const) {
      const seen: Progress[] = [];
      run(input, { rank: 5, powerIters: q, estimateError: true, errorIters: iters, onProgress: (p) => seen.push(p) } as Partial<Request>);
      const total = 2 * q + 2 + perIteration * iters;
      const passes = [...Array.from({ length: 2 * q + 2 }, (_, i) => i + 1), ...Array.from({ length: iters }, (_, i) => 2 * q + 2 + perIteration * (i + 1))];
      expect(seen).toEqual(passes.map((pass) => ({ pass, totalPasses: total })));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// error estimate

describe('estimateError', () => {
  function checkEstimate(out: RsvdOutput, D: MlMatrix, what: string): void {
    const truth = spectralNorm(D.clone().sub(approximation(out)));
    const estimate = out.spectralError!;
    expectAtMost(estimate, truth * (1 + tol.estimateAbove), `${what}: estimate vs true ‖A − UΣVᵀ‖₂ (a lower bound)`);
    expectAtMost(tol.estimateShare * truth, estimate, `${what}: 0.9·true vs estimate`);
  }

  it('is within [0.9, 1] of the true ‖A − UΣVᵀ‖₂: tall, wide, centered, CSR', () => {
    checkEstimate(run(store(poly.dense, 'row-major', 'float64'), { estimateError: true }), poly.dense, 'tall dense');
    const wide = poly.dense.transpose();
    checkEstimate(run(store(wide, 'col-major', 'float64'), { rank: 8, estimateError: true }), wide, 'wide dense');
    const { centered } = centeredExplicitly(expo.dense);
    checkEstimate(run(store(expo.dense, 'row-major', 'float64'), { rank: 6, center: true, estimateError: true }), centered, 'centered');
    const { csr, dense } = sparseCase(200, 80, 0.1, 5);
    checkEstimate(run(csr, { rank: 5, estimateError: true, errorIters: 6 }), dense, 'CSR');
  });

  it('is absent unless asked for, and leaves the factors unchanged', () => {
    const A = store(poly.dense, 'row-major', 'float64');
    const plain = run(A);
    const estimated = run(A, { estimateError: true });
    expect(plain.spectralError).toBeUndefined();
    expect(estimated.S).toEqual(plain.S);
    expect(estimated.U!.data).toEqual(plain.U!.data);
  });
});

// ---------------------------------------------------------------------------------------------
// options and drivers

describe('computeU / computeV', () => {
  const A = store(poly.dense, 'col-major', 'float64');
  const full = run(A, { rank: 6 });

  it('omits U or Vt and leaves the other factor exactly as in the full result', () => {
    const noU = run(A, { rank: 6, computeU: false });
    expect(noU.U).toBeUndefined();
    expect(noU.Vt!.data).toEqual(full.Vt!.data);
    expect(noU.S).toEqual(full.S);
    const noV = run(A, { rank: 6, computeV: false });
    expect(noV.Vt).toBeUndefined();
    expect(noV.U!.data).toEqual(full.U!.data);
    const neither = run(A, { rank: 6, computeU: false, computeV: false });
    expect(neither.U).toBeUndefined();
    expect(neither.Vt).toBeUndefined();
    expect(neither.S).toEqual(full.S);
  });
});

describe('normalizer cholqr2', () => {
  it('recovers an exact rank-5 matrix with l = 15 > rank (the Cholesky of a rank-deficient block fails)', () => {
    const low = withSpectrum(120, 70, [1, 0.5, 0.25, 0.125, 0.0625], 4);
    const out = run(store(low.dense, 'row-major', 'float64'), { rank: 5, normalizer: 'cholqr2' });
    for (let i = 0; i < 5; i++) expectClose(out.S[i]!, low.sigma[i]!, referenceTolerance.sigmaF64 * low.sigma[i]!, `σ${i + 1}`);
    expectAllClose(approximation(out).to1DArray(), low.dense.to1DArray(), referenceTolerance.factorF64, 'UΣVᵀ − A');
  });

  it('spans the range of a block with a zero and a repeated column, orthonormally (QR fallback)', () => {
    const m = 60;
    const next = lcg(2);
    const Y = new Float64Array(m * 5);
    for (let i = 0; i < m; i++) {
      Y[i] = next();
      Y[i + m] = next();
      Y[i + 3 * m] = Y[i]!; // repeats column 0; column 2 stays zero
      Y[i + 4 * m] = next();
    }
    const copy = Y.slice();
    const Q = choleskyQr2(Y, m, 5);
    expect(Y).toEqual(copy);
    const QM = MlMatrix.from1DArray(5, m, Q).transpose();
    const YM = MlMatrix.from1DArray(5, m, Y).transpose();
    expectAllClose(QM.transpose().mmul(QM).to1DArray(), MlMatrix.eye(5).to1DArray(), referenceTolerance.qr, 'QᵀQ − I');
    expectAllClose(QM.mmul(QM.transpose().mmul(YM)).to1DArray(), YM.to1DArray(), referenceTolerance.qr, 'QQᵀY − Y');
  });

  it('orthonormalizes a block of condition 1e12 (shifted CholeskyQR3) and spans it', () => {
    // κ(Y)² = 1e24 > 1/u: the first Gram matrix is not numerically positive definite.
    const m = 80;
    const l = 6;
    const X = withSpectrum(m, l, [1, 1e-3, 1e-6, 1e-8, 1e-10, 1e-12], 6).dense;
    const Y = Float64Array.from(X.transpose().to1DArray()); // column-major
    const Q = choleskyQr2(Y, m, l);
    const QM = MlMatrix.from1DArray(l, m, Q).transpose();
    expectAllClose(QM.transpose().mmul(QM).to1DArray(), MlMatrix.eye(l).to1DArray(), referenceTolerance.qr, 'QᵀQ − I');
    // Each column of Y is in range(Q) to rounding relative to ‖Y‖ (backward stability: the
    // individual columns of Q are not determined to better than u·κ, so they are not compared).
    expectAllClose(QM.mmul(QM.transpose().mmul(X)).to1DArray(), X.to1DArray(), referenceTolerance.qr, 'QQᵀY − Y');
  });

  it('equals Householder QR up to column signs on a well-conditioned block', () => {
    const m = 50;
    const l = 7;
    const next = lcg(8);
    const Y = Float64Array.from({ length: m * l }, next);
    const Q = choleskyQr2(Y, m, l);
    const H = householderQ(Y, m, l);
    for (let j = 0; j < l; j++) {
      const sign = Math.sign(Q[j * m]!) === Math.sign(H[j * m]!) ? 1 : -1;
      expectAllClose(Q.subarray(j * m, (j + 1) * m), H.subarray(j * m, (j + 1) * m).map((x) => sign * x), referenceTolerance.qr, `column ${j}`);
    }
  });
});

describe('drivers', () => {
  const A = store(poly.dense, 'row-major', 'float64');

  it('sync and async runs report the same progress and return the same result', async () => {
    for (const o of [{ powerIters: 3 }, { center: true, estimateError: true }, { rank: 0, tol: 0.05 }] as Partial<Request>[]) {
      const a: Progress[] = [];
      const b: Progress[] = [];
      const sync = run(A, { ...o, onProgress: (p: Progress) => a.push(p) } as Partial<Request>);
      const async = await rsvdReferenceAsync({ ...options({ ...o, onProgress: (p: Progress) => b.push(p) } as Partial<Request>), A });
      expect(b).toEqual(a);
      expectSameResult(async, sync, 0, `async vs sync ${JSON.stringify(o)}`);
    }
  });

  it('aborts a fixed-accuracy run between passes', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const promise = rsvdReferenceAsync({
      ...options({
        rank: 0,
        tol: 1e-6,
        signal: controller.signal,
        onProgress: ({ pass }: Progress) => {
          seen.push(pass);
          if (pass === 3) controller.abort(new Error('enough'));
        },
      } as Partial<Request>),
      A,
    });
    const error = await errorOf(promise);
    expect(error.code).toBe(ErrorCode.ABORTED);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('referenceBackend exposes the reference kernels', () => {
    expect(referenceBackend.kernels).toBe(referenceKernels);
    expectAllClose(referenceKernels.normalize(new Float64Array([3, 4]), 2, 1, 'cholqr2'), [0.6, 0.8], 4 * EPS64, 'cholqr2 of (3, 4)');
  });
});

// ---------------------------------------------------------------------------------------------
// matrix-free driver

/** A LinearOperator over a dense Matrix, answering synchronously or with Promises, in a chosen layout. */
function operatorOf(A: Matrix, mode: 'sync' | 'async', layout: 'col-major' | 'row-major' = 'col-major', calls?: string[]): LinearOperator {
  const wrap = (data: Float64Array, rows: number, cols: number): Matrix => {
    if (layout === 'col-major') return { data, rows, cols, layout };
    const t = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[i * cols + j] = data[i + j * rows]!;
    return { data: t, rows, cols, layout };
  };
  const answer = (m: Matrix) => (mode === 'sync' ? m : Promise.resolve(m));
  return {
    rows: A.rows,
    cols: A.cols,
    matmul(X) {
      calls?.push('matmul');
      return answer(wrap(applyA(A, X.data, X.cols), A.rows, X.cols));
    },
    rmatmul(X) {
      calls?.push('rmatmul');
      return answer(wrap(applyAt(A, X.data, X.cols), A.cols, X.cols));
    },
  };
}

function runOperator(op: LinearOperator, overrides: Partial<Request> = {}, kernels: DenseKernels = referenceKernels): Promise<RsvdOutput> {
  return rsvdOperator(op, options(overrides), kernels, 'float64');
}

describe('rsvdOperator (LinearOperator input)', () => {
  const A = store(poly.dense, 'row-major', 'float64');
  const wide = store(poly.dense.transpose(), 'col-major', 'float64');

  it.each([
    ['sync', 'col-major', 'gaussian'],
    ['async', 'row-major', 'gaussian'],
    ['async', 'col-major', 'sparse-sign'],
    ['sync', 'row-major', 'srht'],
  ] as const)('%s %s results, %s sketch: equals the dense result for the same seed', async (mode, layout, sketch) => {
    for (const [M, o] of [
      [A, { sketch }],
      [A, { sketch, center: true, estimateError: true }],
      [wide, { sketch, rank: 7, estimateError: true }],
    ] as const) {
      const fromOperator = await runOperator(operatorOf(M, mode, layout), o);
      expectSameResult(fromOperator, run(M, o), tol.sameSeed, `operator ${mode} ${layout} ${JSON.stringify(o)}`);
    }
  });

  it('counts 1 pass for the mean, 2q + 2, and 2 per error iteration; one call per pass', async () => {
    const calls: string[] = [];
    const seen: Progress[] = [];
    const q = 2;
    await runOperator(operatorOf(A, 'async', 'col-major', calls), {
      center: true,
      estimateError: true,
      errorIters: 3,
      powerIters: q,
      onProgress: (p: Progress) => seen.push(p),
    } as Partial<Request>);
    const total = 1 + 2 * q + 2 + 2 * 3;
    expect(calls.length).toBe(total);
    expect(calls[0]).toBe('rmatmul'); // the column sums: Aᵀ·1
    // The mean's pass is reported before the rest is planned, as by the native core.
    expect(seen[0]).toEqual({ pass: 1, totalPasses: 1 });
    expect(seen.slice(1).every((p) => p.totalPasses === total)).toBe(true);
    expect(seen.map((p) => p.pass)).toEqual([...Array.from({ length: 1 + 2 * q + 2 }, (_, i) => i + 1), 9, 11, 13]);
  });

  it('runs the dense steps on the kernels it is given', async () => {
    const used: string[] = [];
    const counting: DenseKernels = {
      normalize: (Y, rows, cols, normalizer) => (used.push(normalizer), referenceKernels.normalize(Y, rows, cols, normalizer)),
      svd: (B, rows, cols) => (used.push('svd'), referenceKernels.svd(B, rows, cols)),
    };
    await runOperator(operatorOf(A, 'sync'), { powerIters: 1, normalizer: 'lu' }, counting);
    expect(used).toEqual(['lu', 'lu', 'cholqr2', 'svd']);
  });

  it('gives each call its own X: an operator that overwrites X changes nothing', async () => {
    const base = operatorOf(A, 'sync');
    const vandal: LinearOperator = {
      rows: A.rows,
      cols: A.cols,
      matmul(X) {
        const r = base.matmul(X);
        X.data.fill(NaN);
        return r;
      },
      rmatmul(X) {
        const r = base.rmatmul(X);
        X.data.fill(NaN);
        return r;
      },
    };
    expectSameResult(await runOperator(vandal), await runOperator(base), 0, 'X overwritten by the operator');
  });

  it('returns f32 factors for dtypeOut float32', async () => {
    const out = await rsvdOperator(operatorOf(A, 'sync'), options({ rank: 3 }), referenceKernels, 'float32');
    expect(out.U!.data).toBeInstanceOf(Float32Array);
    expect(out.Vt!.data).toBeInstanceOf(Float32Array);
    expect(out.S).toBeInstanceOf(Float64Array);
  });

  it('accepts f32 results', async () => {
    const A32 = store(poly.dense, 'col-major', 'float32');
    const op: LinearOperator = {
      rows: A32.rows,
      cols: A32.cols,
      matmul: (X) => ({ data: Float32Array.from(applyA(A32, X.data, X.cols)), rows: A32.rows, cols: X.cols, layout: 'col-major' }),
      rmatmul: (X) => ({ data: Float32Array.from(applyAt(A32, X.data, X.cols)), rows: A32.cols, cols: X.cols, layout: 'col-major' }),
    };
    const out = await runOperator(op, { rank: 5 });
    expectAtMost(spectralNorm(poly.dense.clone().sub(approximation(out))), tol.spectralErrorFactor * POLY_SIGMA[5]!, 'f32 results');
  });

  describe('checks what the operator returns', () => {
    function withMatmul(matmul: LinearOperator['matmul'], rmatmul?: LinearOperator['rmatmul']): LinearOperator {
      const base = operatorOf(A, 'sync');
      return { rows: A.rows, cols: A.cols, matmul, rmatmul: rmatmul ?? ((X) => base.rmatmul(X)) };
    }

    it('a result of the wrong shape: ERR_RANDLA_SHAPE naming A.matmul or A.rmatmul with both shapes', async () => {
      const short = await errorOf(
        runOperator(withMatmul((X) => ({ data: new Float64Array((A.rows - 1) * X.cols), rows: A.rows - 1, cols: X.cols, layout: 'col-major' }))),
      );
      expect(short.code).toBe(ErrorCode.SHAPE);
      expect(short.argument).toBe('A.matmul');
      expect(short.message).toContain(`${A.rows} x 20`);
      expect(short.message).toContain(`${A.rows - 1} x 20`);
      const base = operatorOf(A, 'sync');
      const wrongR = await errorOf(
        runOperator(
          withMatmul(
            (X) => base.matmul(X),
            (X) => ({ data: new Float64Array(A.cols * (X.cols + 1)), rows: A.cols, cols: X.cols + 1, layout: 'row-major' }),
          ),
        ),
      );
      expect(wrongR.code).toBe(ErrorCode.SHAPE);
      expect(wrongR.argument).toBe('A.rmatmul');
      const inconsistent = await errorOf(runOperator(withMatmul((X) => ({ data: new Float64Array(3), rows: A.rows, cols: X.cols, layout: 'col-major' }))));
      expect(inconsistent.code).toBe(ErrorCode.SHAPE);
    });

    it('not a Matrix: ERR_RANDLA_INVALID_ARGUMENT naming A.matmul', async () => {
      for (const bad of [42, null, { data: [1, 2], rows: 2, cols: 1, layout: 'col-major' }]) {
        const error = await errorOf(runOperator(withMatmul(() => bad as unknown as Matrix)));
        expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
        expect(error.argument).toMatch(/^A\.matmul/);
      }
    });

    it.each([NaN, Infinity])('%s in a result: ERR_RANDLA_NOT_FINITE naming A.matmul and the entry', async (bad) => {
      const base = operatorOf(A, 'async');
      const error = await errorOf(
        runOperator(
          withMatmul(async (X) => {
            const r = (await base.matmul(X)) as Matrix<Float64Array>;
            r.data[5 + 2 * A.rows] = bad;
            return r;
          }),
        ),
      );
      expect(error.code).toBe(ErrorCode.NOT_FINITE);
      expect(error.argument).toBe('A.matmul');
      expect(error.message).toContain('(5, 2)');
      // Unchecked, the value flows through instead of throwing or hanging.
      const out = await runOperator(
        withMatmul((X) => {
          const r = base.matmul(X) as Promise<Matrix<Float64Array>>;
          return r.then((m) => ((m.data[0] = bad), m));
        }),
        { checkFinite: false },
      );
      expect(out.S.some((s) => !Number.isFinite(s))).toBe(true);
    });

    it('a thrown error or a rejected Promise propagates unchanged', async () => {
      const thrown = new TypeError('operator failed');
      const caught = await runOperator(
        withMatmul(() => {
          throw thrown;
        }),
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(caught).toBe(thrown);
      const rejected = new Error('async operator failed');
      const caught2 = await runOperator(withMatmul(() => Promise.reject(rejected))).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(caught2).toBe(rejected);
    });
  });

  it('rejects tol > 0 with ERR_RANDLA_INVALID_ARGUMENT naming options.tol', async () => {
    const error = await errorOf(runOperator(operatorOf(A, 'sync'), { rank: 0, tol: 0.1 }));
    expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(error.argument).toBe('options.tol');
  });

  it('honours an AbortSignal between passes', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const error = await errorOf(
      runOperator(operatorOf(A, 'async'), {
        signal: controller.signal,
        onProgress: ({ pass }: Progress) => {
          seen.push(pass);
          if (pass === 2) controller.abort();
        },
      } as Partial<Request>),
    );
    expect(error.code).toBe(ErrorCode.ABORTED);
    expect(seen).toEqual([1, 2]);
  });
});
