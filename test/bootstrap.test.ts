// Bootstrap error estimation through the facade (docs/algorithms/bootstrap.md) on every backend:
// the estimates' invariants, extrapolation and rowsFor, adaptive sketching, covariance and least
// squares, progress and abort, bad input; then native against reference for the same seed (the
// same draws, estimates equal to rounding) and native on 1 and 2 threads (the same bits).
// The statistical behaviour (coverage) is tested on the reference backend in
// test/reference-bootstrap.test.ts and on the core in native/tests/test_bootstrap.cpp.
import { afterAll, describe, expect, it } from 'vitest';

import {
  backends,
  bootstrapCovarianceError,
  bootstrapCovarianceErrorSync,
  bootstrapLstsqError,
  bootstrapLstsqErrorSync,
  bootstrapSvdError,
  bootstrapSvdErrorSync,
  matrix,
  setThreads,
  sketchedLstsq,
  sketchedLstsqSync,
  sketchedSvd,
  sketchedSvdSync,
  type Matrix,
  type RowSketch,
} from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import { rejects } from './helpers/errors.js';
import { bootstrap as tol, expectAllClose, expectAtMost, expectClose, referenceBootstrap } from './helpers/tolerance.js';

const SIGMA = [8, 4, 2, 1];

/**
 * m × n, row-major: Σ_r σ_r·u_r·v_rᵀ for the four σ above plus 0.02·noise, with deterministic
 * oscillating u_r, v_r and noise. The top four singular values are well separated (gaps ≥ ~1), so
 * the sketched vectors are well defined and two backends' rounding stays O(u·σ₁/gap).
 */
function testMatrix(m: number, n: number): Matrix<Float64Array> {
  const data = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let a = 0.02 * Math.sin(i * i * 0.013 + j * j * 0.7 + 0.3 * i * j);
      for (let r = 0; r < SIGMA.length; r++) {
        a += (SIGMA[r]! / Math.sqrt(m * n / 4)) * Math.sin(0.37 * (r + 1) * i + 1.1 * r) * Math.cos(0.91 * (r + 1) * j + r);
      }
      data[i * n + j] = a;
    }
  }
  return matrix(data, m, n);
}

function colMajor(A: Matrix<Float64Array>): Matrix<Float64Array> {
  const out = new Float64Array(A.data.length);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) out[i + j * A.rows] = A.data[i * A.cols + j]!;
  return { data: out, rows: A.rows, cols: A.cols, layout: 'col-major' };
}

/** A consistent system: b = A·x with x = (1, −2, 3, …). */
function consistent(A: Matrix<Float64Array>): { b: Float64Array; x: Float64Array } {
  const x = Float64Array.from({ length: A.cols }, (_, j) => (j % 2 ? -1 : 1) * (j + 1));
  const b = new Float64Array(A.rows);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) b[i] += A.data[i * A.cols + j]! * x[j]!;
  return { b, x };
}

/** A well-conditioned m × n matrix for least squares: identity-like top block plus oscillation. */
function lstsqMatrix(m: number, n: number): Matrix<Float64Array> {
  return matrix(Float64Array.from({ length: m * n }, (_, e) => Math.cos(e * e * 0.001 + e) + (e % (n + 1) === 0 ? 1 : 0)), m, n);
}

const A = testMatrix(2000, 30);
const SKETCHES: RowSketch[] = ['uniform', 'energy', 'gaussian'];

describe.each(BACKENDS)('bootstrap on $name', ({ name: backend, available }) => {
  it.skipIf(!available)('bootstrapSvdError: invariants of the estimates, extrapolate, rowsFor, sync = async', async () => {
    for (const sketch of SKETCHES) {
      const r = await bootstrapSvdError(A, { rank: 3, sketchRows: 200, sketch, replicates: 30, seed: 11, backend });
      expect(r.backend).toBe(backend);
      expect(r.seed).toBe(11);
      expect(r.sketchRows).toBe(200);
      expect(r.S.length).toBe(3);
      expect(r.Vt).toMatchObject({ rows: 3, cols: 30, layout: 'row-major' });
      expect(r.perComponent.value.length).toBe(3);
      expect(r.perComponent.vector.length).toBe(3);
      // The quantile of a maximum over j is at least each component's quantile.
      for (let j = 0; j < 3; j++) {
        expectAtMost(r.perComponent.value[j]!, r.valueError, `${sketch}: value[${j}] ≤ valueError`);
        expectAtMost(r.perComponent.vector[j]!, r.vectorError, `${sketch}: vector[${j}] ≤ vectorError`);
      }
      // Distance from span(Ṽ) ≤ distance from span(ṽⱼ), per replicate and component.
      expectAtMost(r.subspaceError, r.vectorError, `${sketch}: subspaceError ≤ vectorError`);
      expect(r.valueError).toBeGreaterThan(0);
      // The estimates are of the sketch noise, not rounding: far from zero and far below σ₁.
      expect(r.valueError).toBeLessThan(r.S[0]!);

      // The same sketch as sketchedSvd's, for the same seed.
      const s = await sketchedSvd(A, { rank: 3, sketchRows: 200, sketch, seed: 11, backend });
      expect(s.S).toEqual(r.S);
      expect(s.Vt.data).toEqual(r.Vt.data);

      const e = r.extrapolate(800);
      expectClose(e.valueError, r.valueError / 2, 4 * Number.EPSILON * r.valueError, 'extrapolated valueError');
      expectClose(e.vectorError, r.vectorError / 2, 4 * Number.EPSILON * r.vectorError, 'extrapolated vectorError');
      expectClose(e.subspaceError, r.subspaceError / 2, 4 * Number.EPSILON * r.subspaceError, 'extrapolated subspaceError');
      for (const metric of ['value', 'vector'] as const) {
        const estimate = metric === 'value' ? r.valueError : r.vectorError;
        const target = estimate / 3;
        const rows = r.rowsFor(target, metric);
        expect(estimate * Math.sqrt(200 / rows)).toBeLessThanOrEqual(target);
        expect(estimate * Math.sqrt(200 / (rows - 1))).toBeGreaterThan(target);
        expect(Math.abs(rows - 1800)).toBeLessThanOrEqual(1);
      }
      expect(r.rowsFor(1e9)).toBe(3); // never below the rank
      // Beyond 2^53 rows no ±1 step is representable: "more rows than can exist", on every backend.
      expect(r.rowsFor(1e-300)).toBe(2 ** 53);

      const sync = bootstrapSvdErrorSync(A, { rank: 3, sketchRows: 200, sketch, replicates: 30, seed: 11, backend });
      expect(sync.valueError).toBe(r.valueError);
      expect(sync.vectorError).toBe(r.vectorError);
      expect(sync.perComponent.vector).toEqual(r.perComponent.vector);
    }
  });

  it.skipIf(!available)('either layout and f32 input (read exactly) give the same result; inputs are not mutated', async () => {
    const before = Float64Array.from(A.data);
    const rowMajor = await bootstrapSvdError(A, { rank: 3, sketchRows: 150, sketch: 'energy', replicates: 10, seed: 3, backend });
    const C = colMajor(A);
    const colBefore = Float64Array.from(C.data);
    const col = await bootstrapSvdError(C, { rank: 3, sketchRows: 150, sketch: 'energy', replicates: 10, seed: 3, backend });
    expect(A.data).toEqual(before);
    expect(C.data).toEqual(colBefore);
    expectAllClose(col.S, rowMajor.S, tol.backendsAgree * SIGMA[0]!, 'col-major S');
    expectClose(col.valueError, rowMajor.valueError, tol.backendsAgree * SIGMA[0]!, 'col-major valueError');

    // f32 input is read exactly and computed in f64: the same as its f64 widening.
    const A32 = matrix(Float32Array.from(A.data), A.rows, A.cols);
    const A32widened = matrix(Float64Array.from(A32.data), A.rows, A.cols);
    const snapshot = Float32Array.from(A32.data);
    for (const sketch of SKETCHES) {
      const r32 = await bootstrapSvdError(A32, { rank: 3, sketchRows: 150, sketch, replicates: 10, seed: 3, backend });
      const r64 = await bootstrapSvdError(A32widened, { rank: 3, sketchRows: 150, sketch, replicates: 10, seed: 3, backend });
      expectAllClose(r32.S, r64.S, tol.backendsAgree * SIGMA[0]!, `${sketch}: f32 S`);
      expectClose(r32.valueError, r64.valueError, tol.backendsAgree * SIGMA[0]!, `${sketch}: f32 valueError`);
      expectClose(r32.vectorError, r64.vectorError, tol.backendsAgree * SIGMA[0]!, `${sketch}: f32 vectorError`);
    }
    expect(A32.data).toEqual(snapshot);

    const { b } = consistent(lstsqMatrix(500, 6));
    const L = lstsqMatrix(500, 6);
    const bBefore = Float64Array.from(b);
    const LBefore = Float64Array.from(L.data);
    await bootstrapLstsqError(L, b, { sketchRows: 60, replicates: 10, seed: 1, backend });
    expect(b).toEqual(bBefore);
    expect(L.data).toEqual(LBefore);
    const L32 = matrix(Float32Array.from(L.data), 500, 6);
    const b32 = Float32Array.from(b);
    const x32 = await sketchedLstsq(L32, b32, { sketchRows: 60, seed: 1, backend });
    const x64 = await sketchedLstsq(matrix(Float64Array.from(L32.data), 500, 6), Float64Array.from(b32), { sketchRows: 60, seed: 1, backend });
    expectAllClose(x32.x, x64.x, tol.backendsAgree * 10, 'f32 least squares');
  });

  it.skipIf(!available)('sketchedSvd: left vectors are orthonormal and span A·Ṽ; a seed is drawn and returned when omitted', async () => {
    const s = await sketchedSvd(A, { rank: 3, sketchRows: 300, leftVectors: true, seed: 5, backend });
    const U = s.U!;
    expect(U).toMatchObject({ rows: 2000, cols: 3, layout: 'row-major' });
    for (let a = 0; a < 3; a++) {
      for (let c = 0; c < 3; c++) {
        let d = 0;
        for (let i = 0; i < 2000; i++) d += U.data[i * 3 + a]! * U.data[i * 3 + c]!;
        expectClose(d, a === c ? 1 : 0, 64 * Number.EPSILON, `UᵀU[${a}, ${c}]`);
      }
    }
    // Ũⱼ ∝ A·ṽⱼ: the cosine of their angle is 1 (Gram–Schmidt keeps the first column's direction).
    const Av = new Float64Array(2000);
    for (let i = 0; i < 2000; i++) for (let j = 0; j < 30; j++) Av[i] += A.data[i * 30 + j]! * s.Vt.data[j]!;
    let dot = 0, norm = 0;
    for (let i = 0; i < 2000; i++) {
      dot += Av[i]! * U.data[i * 3]!;
      norm += Av[i]! ** 2;
    }
    expectClose(dot / Math.sqrt(norm), 1, 64 * Number.EPSILON, 'cos(Ũ₀, A·ṽ₀)');

    const sync = sketchedSvdSync(A, { rank: 3, sketchRows: 300, leftVectors: true, seed: 5, backend });
    expect(sync.U!.data).toEqual(U.data);

    const drawn = await sketchedSvd(A, { rank: 2, sketchRows: 100, backend });
    expect(Number.isSafeInteger(drawn.seed)).toBe(true);
    const again = await sketchedSvd(A, { rank: 2, sketchRows: 100, seed: drawn.seed, backend });
    expect(again.S).toEqual(drawn.S);
  });

  it.skipIf(!available)('adaptive sketchedSvd grows the sketch until the estimate meets the tolerance', async () => {
    const progress: number[] = [];
    const r = await sketchedSvd(A, {
      rank: 3, tolerance: 0.2, metric: 'value', initialRows: 60, replicates: 20, seed: 9, backend, leftVectors: true,
      onProgress: (p) => progress.push(p.pass),
    });
    const path = r.path!;
    expect(path.length).toBeGreaterThan(1);
    expect(path[0]!.rows).toBe(60);
    for (let s = 1; s < path.length; s++) expect(path[s]!.rows).toBeGreaterThanOrEqual(Math.ceil(1.25 * path[s - 1]!.rows));
    expect(r.converged).toBe(true);
    expect(path.at(-1)!.valueError).toBeLessThanOrEqual(0.2);
    for (const step of path.slice(0, -1)) expect(step.valueError).toBeGreaterThan(0.2);
    expect(r.sketchRows).toBe(path.at(-1)!.rows);
    // Progress counts replicates over the steps: 20 per step, never going back.
    expect(progress.at(-1)).toBe(20 * path.length);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThan(progress[i - 1]!);
    // The final factors are those of a fixed sketch of that size (the same draws).
    const fixed = await sketchedSvd(A, { rank: 3, sketchRows: r.sketchRows, seed: 9, backend, leftVectors: true });
    expect(r.S).toEqual(fixed.S);
    expect(r.U!.data).toEqual(fixed.U!.data);
    // ... and its bootstrap is the last step of the path.
    const last = await bootstrapSvdError(A, { rank: 3, sketchRows: r.sketchRows, replicates: 20, seed: 9, backend });
    expect(last.valueError).toBe(path.at(-1)!.valueError);

    const capped = sketchedSvdSync(A, { rank: 3, tolerance: 1e-9, initialRows: 40, maxRows: 80, replicates: 5, seed: 9, backend });
    expect(capped.converged).toBe(false);
    expect(capped.sketchRows).toBe(80);
    expect(capped.path!.map((s) => s.rows)).toEqual([40, 80]);
  });

  it.skipIf(!available)('bootstrapCovarianceError: extrapolate, rowsFor, sync = async', async () => {
    const r = await bootstrapCovarianceError(A, { sketchRows: 300, replicates: 20, seed: 2, backend });
    expect(r.error).toBeGreaterThan(0);
    expect(r.relativeError).toBeGreaterThan(0);
    expect(r.relativeError).toBeLessThan(1);
    expect(r.sketchRows).toBe(300);
    const e = r.extrapolate(1200);
    expectClose(e.error, r.error / 2, 4 * Number.EPSILON * r.error, 'extrapolated error');
    expectClose(e.relativeError, r.relativeError / 2, 4 * Number.EPSILON * r.relativeError, 'extrapolated relativeError');
    expect(Math.abs(r.rowsFor(r.error / 2) - 1200)).toBeLessThanOrEqual(1);
    const sync = bootstrapCovarianceErrorSync(A, { sketchRows: 300, replicates: 20, seed: 2, backend });
    expect(sync.error).toBe(r.error);
  });

  it.skipIf(!available)('sketchedLstsq and bootstrapLstsqError: exact on a consistent system; the estimate of an inconsistent one', async () => {
    const L = lstsqMatrix(3000, 8);
    const { b, x } = consistent(L);
    const s = await sketchedLstsq(L, b, { sketchRows: 80, seed: 4, backend });
    let xNorm = 0;
    for (const v of x) xNorm += v * v;
    expectAllClose(s.x, x, referenceBootstrap.lstsqConsistent * Math.sqrt(xNorm), 'consistent x̃');
    const r = await bootstrapLstsqError(L, b, { sketchRows: 80, replicates: 20, seed: 4, backend });
    expect(r.x).toEqual(s.x);
    expectAtMost(r.error, referenceBootstrap.lstsqConsistent * Math.sqrt(xNorm), 'consistent: every resample solves exactly');

    const noisy = Float64Array.from(b, (v, i) => v + Math.sin(7 * i * i));
    const n1 = await bootstrapLstsqError(L, noisy, { sketchRows: 80, replicates: 20, seed: 4, backend });
    expect(n1.error).toBeGreaterThan(1e-3);
    expectClose(n1.relativeError, n1.error / Math.hypot(...n1.x), 8 * Number.EPSILON * n1.relativeError, 'relativeError');
    expect(n1.rowsFor(1e9)).toBe(8); // never below the columns
    expect(Math.abs(n1.rowsFor(n1.error / 2) - 320)).toBeLessThanOrEqual(1);
    const sync = bootstrapLstsqErrorSync(L, Array.from(noisy), { sketchRows: 80, replicates: 20, seed: 4, backend });
    expect(sync.error).toBe(n1.error);
    expect(sketchedLstsqSync(L, noisy, { sketchRows: 80, seed: 4, backend }).x).toEqual(n1.x);

    // t = n: a resample (rows with replacement) repeats a row with probability 1 − n!/nⁿ, and then
    // loses full column rank; those replicates count as infinite errors instead of failing the call.
    const square = await bootstrapLstsqError(L, noisy, { sketchRows: 8, replicates: 10, seed: 4, backend });
    expect(square.x.every(Number.isFinite)).toBe(true);
    expect(square.error).toBe(Number.POSITIVE_INFINITY);
    expect(square.rowsFor(1)).toBe(2 ** 53);
  });

  it.skipIf(!available)('reports replicates done, honours the signal, rethrows an onProgress error', async () => {
    for (const run of [
      (o: object) => bootstrapSvdError(A, { rank: 3, sketchRows: 100, ...o }),
      (o: object) => bootstrapCovarianceError(A, { sketchRows: 100, ...o }),
      (o: object) => bootstrapLstsqError(lstsqMatrix(400, 5), new Float64Array(400).fill(1), { sketchRows: 50, ...o }),
    ]) {
      const seen: { pass: number; totalPasses: number }[] = [];
      await run({ replicates: 12, seed: 1, backend, onProgress: (p: { pass: number; totalPasses: number }) => seen.push(p) });
      expect(seen.at(-1)).toEqual({ pass: 12, totalPasses: 12 });
      for (const p of seen) expect(p.totalPasses).toBe(12);

      const pre = new AbortController();
      pre.abort(new Error('stop'));
      await expect(run({ replicates: 12, seed: 1, backend, signal: pre.signal })).rejects.toMatchObject({ code: 'ERR_RANDLA_ABORTED' });

      // Progress reaches JS asynchronously on the native backend: with 400 replicates an abort sent
      // at the first report lands before the last one.
      const midway = new AbortController();
      let reports = 0;
      await expect(run({ replicates: 400, seed: 1, backend, signal: midway.signal, onProgress: () => { reports++; midway.abort(); } }))
        .rejects.toMatchObject({ code: 'ERR_RANDLA_ABORTED' });
      expect(reports).toBeLessThan(400);

      await expect(run({ replicates: 12, seed: 1, backend, onProgress: () => { throw new Error('callback failed'); } }))
        .rejects.toThrow('callback failed');
    }
  });

  it.skipIf(!available)('rejects bad input with stable codes naming the argument', async () => {
    const svd = (o: Record<string, unknown>, M: unknown = A) => bootstrapSvdError(M as Matrix, { rank: 3, sketchRows: 100, backend, ...o } as never);
    await rejects(svd({ replicates: 1 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.replicates');
    await rejects(svd({ replicates: 2.5 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.replicates');
    await rejects(svd({ alpha: 0 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.alpha');
    await rejects(svd({ alpha: 1 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.alpha');
    await rejects(svd({ alpha: Number.NaN }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.alpha');
    await rejects(svd({ sketchRows: 2 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.sketchRows');
    await rejects(svd({ sketchRows: 2 ** 31 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.sketchRows');
    await rejects(svd({ rank: 0 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.rank');
    await rejects(svd({ rank: 31 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.rank');
    await rejects(svd({ sketch: 'srht' }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.sketch');
    await rejects(svd({ seed: -1 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.seed');
    await rejects(svd({ replicate: 10 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.replicate');
    await rejects(svd({ signal: 'no' }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.signal');
    await rejects(svd({ backend: 'gpu' }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.backend');
    await rejects(svd({}, { data: new Float64Array(5), rows: 2, cols: 3, layout: 'row-major' }), 'ERR_RANDLA_SHAPE', 'A.data');
    const nan = matrix(Float64Array.from(A.data), A.rows, A.cols);
    nan.data[17] = Number.NaN;
    await rejects(svd({}, nan), 'ERR_RANDLA_NOT_FINITE', 'A');
    await rejects(svd({ sketch: 'energy' }, matrix(new Float64Array(200), 20, 10)), 'ERR_RANDLA_INVALID_ARGUMENT', 'A');
    await rejects(() => bootstrapSvdErrorSync(A, { rank: 3, sketchRows: 100, alpha: 2, backend }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.alpha');

    const r = await svd({ replicates: 5, seed: 1 });
    await rejects(() => r.extrapolate(0), 'ERR_RANDLA_INVALID_ARGUMENT', 'rows');
    await rejects(() => r.rowsFor(0), 'ERR_RANDLA_INVALID_ARGUMENT', 'tolerance');
    await rejects(() => r.rowsFor(1, 'angle' as never), 'ERR_RANDLA_INVALID_ARGUMENT', 'metric');

    const sk = (o: Record<string, unknown>) => sketchedSvd(A, { rank: 3, backend, ...o } as never);
    await rejects(sk({}), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.sketchRows');
    await rejects(sk({ sketchRows: 100, tolerance: 0.1 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.tolerance');
    await rejects(sk({ sketchRows: 100, replicates: 10 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.replicates');
    await rejects(sk({ tolerance: -1 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.tolerance');
    await rejects(sk({ tolerance: 0.1, metric: 'subspace' }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.metric');
    await rejects(sk({ tolerance: 0.1, maxRows: 50, initialRows: 60 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.initialRows');
    await rejects(sk({ tolerance: 0.1, maxRows: 2 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.maxRows');
    await rejects(sk({ sketchRows: 100, leftVectors: 'yes' }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.leftVectors');
    await rejects(
      () => sketchedSvdSync(matrix(Float64Array.from({ length: 20 }, Math.sin), 2, 10), { rank: 3, sketchRows: 10, leftVectors: true, backend }),
      'ERR_RANDLA_INVALID_ARGUMENT',
      'options.rank',
    );

    await rejects(bootstrapCovarianceError(A, { sketchRows: 0, backend }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.sketchRows');
    await rejects(bootstrapCovarianceError(A, { sketchRows: 10, replicates: 1, backend }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.replicates');

    const L = lstsqMatrix(100, 5);
    const b = new Float64Array(100).fill(1);
    await rejects(sketchedLstsq(L, b, { sketchRows: 4, backend }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.sketchRows');
    await rejects(sketchedLstsq(L, new Float64Array(99), { sketchRows: 10, backend }), 'ERR_RANDLA_SHAPE', 'b');
    await rejects(sketchedLstsq(L, 'b' as never, { sketchRows: 10, backend }), 'ERR_RANDLA_INVALID_ARGUMENT', 'b');
    await rejects(sketchedLstsq(matrix(Float32Array.from(L.data), 100, 5), b, { sketchRows: 10, backend }), 'ERR_RANDLA_INVALID_ARGUMENT', 'b');
    await rejects(sketchedLstsq(L, b, { sketchRows: 10, replicates: 5, backend } as never), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.replicates');
    const nanB = Float64Array.from(b);
    nanB[3] = Number.POSITIVE_INFINITY;
    await rejects(sketchedLstsq(L, nanB, { sketchRows: 10, backend }), 'ERR_RANDLA_NOT_FINITE', 'b');
    // Two equal columns: every sketch of A is rank deficient.
    const deficient = matrix(Float64Array.from({ length: 100 * 3 }, (_, e) => Math.cos(Math.floor(e / 3) * (e % 3 === 2 ? 1 : (e % 3) + 1))), 100, 3);
    await rejects(sketchedLstsq(deficient, b, { sketchRows: 20, seed: 1, backend }), 'ERR_RANDLA_INVALID_ARGUMENT', 'A');
    await rejects(bootstrapLstsqError(L, b, { sketchRows: 10, alpha: 1.5, backend }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.alpha');
  });
});

const both = BACKENDS.every((b) => b.available);

describe.skipIf(!both)('native and reference: the same draws, the same estimates to rounding', () => {
  const scale = SIGMA[0]!;
  it('bootstrapSvdError for every sketch', async () => {
    for (const sketch of SKETCHES) {
      const options = { rank: 3, sketchRows: 160, sketch, replicates: 25, alpha: 0.2, seed: 12345678901234567890n };
      const nat = await bootstrapSvdError(A, { ...options, backend: 'native' });
      const ref = await bootstrapSvdError(A, { ...options, backend: 'reference' });
      expectAllClose(nat.S, ref.S, tol.backendsAgree * scale, `${sketch}: S`);
      expectAllClose(nat.Vt.data, ref.Vt.data, tol.backendsAgree * scale, `${sketch}: Vt`);
      expectClose(nat.valueError, ref.valueError, tol.backendsAgree * scale, `${sketch}: valueError`);
      expectClose(nat.vectorError, ref.vectorError, tol.backendsAgree * scale, `${sketch}: vectorError`);
      expectClose(nat.subspaceError, ref.subspaceError, tol.backendsAgree * scale, `${sketch}: subspaceError`);
      expectClose(nat.leftVectorError, ref.leftVectorError, tol.backendsAgree * scale, `${sketch}: leftVectorError`);
      expectAllClose(nat.perComponent.left, ref.perComponent.left, tol.backendsAgree * scale, `${sketch}: perComponent.left`);
      expect(nat.rowsFor(nat.leftVectorError / 2, 'left')).toBe(ref.rowsFor(ref.leftVectorError / 2, 'left'));
      expectAllClose(nat.perComponent.value, ref.perComponent.value, tol.backendsAgree * scale, `${sketch}: perComponent.value`);
      expectAllClose(nat.perComponent.vector, ref.perComponent.vector, tol.backendsAgree * scale, `${sketch}: perComponent.vector`);
      expect(nat.rowsFor(nat.valueError / 2)).toBe(ref.rowsFor(ref.valueError / 2));
    }
  });

  it('sketchedSvd (with left vectors), adaptive path, covariance, least squares', async () => {
    const s = { rank: 3, sketchRows: 120, sketch: 'gaussian' as const, leftVectors: true, seed: 8 };
    const nat = await sketchedSvd(A, { ...s, backend: 'native' });
    const ref = await sketchedSvd(A, { ...s, backend: 'reference' });
    expectAllClose(nat.S, ref.S, tol.backendsAgree * scale, 'S');
    expectAllClose(nat.U!.data, ref.U!.data, tol.backendsAgree * scale, 'U');

    const ad = { rank: 3, tolerance: 0.2, initialRows: 50, replicates: 15, seed: 8 };
    const an = await sketchedSvd(A, { ...ad, backend: 'native' });
    const ar = await sketchedSvd(A, { ...ad, backend: 'reference' });
    expect(an.path!.map((p) => p.rows)).toEqual(ar.path!.map((p) => p.rows));
    expect(an.converged).toBe(ar.converged);
    an.path!.forEach((p, i) => expectClose(p.valueError, ar.path![i]!.valueError, tol.backendsAgree * scale, `path[${i}].valueError`));
    an.path!.forEach((p, i) => expectClose(p.leftVectorError, ar.path![i]!.leftVectorError, tol.backendsAgree * scale, `path[${i}].leftVectorError`));
    // Adaptive sketching aimed at the left vectors stops where their estimate meets the tolerance.
    const al = { ...ad, metric: 'left' as const };
    const ln0 = await sketchedSvd(A, { ...al, backend: 'native' });
    const lr0 = await sketchedSvd(A, { ...al, backend: 'reference' });
    expect(ln0.path!.map((p) => p.rows)).toEqual(lr0.path!.map((p) => p.rows));
    if (ln0.converged) expectAtMost(ln0.path!.at(-1)!.leftVectorError, al.tolerance, 'final leftVectorError');

    const cov = { sketchRows: 200, sketch: 'energy' as const, replicates: 15, seed: 8 };
    const cn = await bootstrapCovarianceError(A, { ...cov, backend: 'native' });
    const cr = await bootstrapCovarianceError(A, { ...cov, backend: 'reference' });
    expectClose(cn.relativeError, cr.relativeError, tol.backendsAgree, 'covariance relativeError');
    expectClose(cn.error, cr.error, tol.backendsAgree * (cn.error / cn.relativeError), 'covariance error');

    const L = lstsqMatrix(2000, 8);
    const b = Float64Array.from({ length: 2000 }, (_, i) => Math.sin(i * 0.1) + Math.cos(i * i));
    for (const sketch of SKETCHES) {
      const o = { sketchRows: 60, sketch, replicates: 15, seed: 8 };
      const ln = await bootstrapLstsqError(L, b, { ...o, backend: 'native' });
      const lr = await bootstrapLstsqError(L, b, { ...o, backend: 'reference' });
      const xs = Math.hypot(...lr.x);
      expectAllClose(ln.x, lr.x, tol.backendsAgree * xs, `${sketch}: x̃`);
      expectClose(ln.error, lr.error, tol.backendsAgree * xs, `${sketch}: lstsq error`);
    }
  });
});

const native = BACKENDS.find((b) => b.name === 'native')!;

describe.skipIf(!native.available)('native on 1 and 2 threads: the same bits', () => {
  const initial = backends().find((b) => b.name === 'native')?.threads ?? 1;
  afterAll(() => setThreads(initial));

  it('bootstrapSvdError, adaptive sketchedSvd, covariance and least squares', async () => {
    const runs = async () => ({
      svd: await bootstrapSvdError(A, { rank: 3, sketchRows: 150, replicates: 17, seed: 21, backend: 'native' }),
      adaptive: await sketchedSvd(A, { rank: 3, tolerance: 0.2, initialRows: 50, replicates: 9, seed: 21, backend: 'native' }),
      cov: await bootstrapCovarianceError(A, { sketchRows: 150, sketch: 'gaussian', replicates: 17, seed: 21, backend: 'native' }),
      lstsq: await bootstrapLstsqError(lstsqMatrix(1000, 6), Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i)), {
        sketchRows: 40, replicates: 17, seed: 21, backend: 'native',
      }),
    });
    setThreads(1);
    const one = await runs();
    setThreads(2);
    const two = await runs();
    expect(two.svd.valueError).toBe(one.svd.valueError);
    expect(two.svd.vectorError).toBe(one.svd.vectorError);
    expect(two.svd.subspaceError).toBe(one.svd.subspaceError);
    expect(two.svd.perComponent.value).toEqual(one.svd.perComponent.value);
    expect(two.svd.perComponent.vector).toEqual(one.svd.perComponent.vector);
    expect(two.adaptive.path).toEqual(one.adaptive.path);
    expect(two.cov.error).toBe(one.cov.error);
    expect(two.lstsq.error).toBe(one.lstsq.error);
    expect(two.lstsq.x).toEqual(one.lstsq.x);
  });
});
