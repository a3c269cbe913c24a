// Dynamic Mode Decomposition through the facade (docs/algorithms/dmd.md) on every backend: the
// analytic 2 × 2 system, prediction and reconstruction, complex and delayed input, async = sync,
// progress and abort, inputs never mutated, bad input; then native against reference (the same
// contract: eigenvalues, normalised modes, amplitudes and residuals equal to rounding) for every
// variant, dmdBatch against a loop, and OnlineDmd / WindowDmd on both backends. The analytic
// truth of each variant is tested on the reference (test/reference-dmd.test.ts) and on the core
// (native/tests/test_dmd.cpp).
import { describe, expect, it } from 'vitest';

import {
  dmd,
  dmdBatch,
  dmdBatchSync,
  dmdSync,
  matrix,
  OnlineDmd,
  WindowDmd,
  type ComplexMatrix,
  type DmdResult,
  type DmdVariant,
  type Matrix,
} from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import { rejects } from './helpers/errors.js';
import { dmd as tol, dmdBackends, expectAllClose, expectAtMost, expectClose } from './helpers/tolerance.js';

const S3 = Math.sqrt(3);

/** Snapshots of x ↦ A·x for A = [[1, 1], [−1, 2]]/√3 (eigenvalues e^{±iπ/6}), row-major 2 × m. */
function rotationSnapshots(m: number): Matrix<Float64Array> {
  const data = new Float64Array(2 * m);
  let x = [1, 0.5];
  for (let k = 0; k < m; k++) {
    data[k] = x[0]!;
    data[m + k] = x[1]!;
    x = [(x[0]! + x[1]!) / S3, (-x[0]! + 2 * x[1]!) / S3];
  }
  return matrix(data, 2, m);
}

/**
 * 48 × m real snapshots of six non-orthogonal modes (two complex pairs, two real) with distinct
 * eigenvalues, plus `noise` times a deterministic oscillation: well separated, so both backends'
 * eigenvectors are well defined and agree to rounding times a modest condition number.
 */
function modeSnapshots(m: number, noise: number, n = 48): Matrix<Float64Array> {
  const lambdas: [number, number][] = [
    [0.97 * Math.cos(0.4), 0.97 * Math.sin(0.4)],
    [0.9 * Math.cos(1.1), 0.9 * Math.sin(1.1)],
  ];
  const data = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m; k++) {
      let v = 0;
      lambdas.forEach(([re, im], p) => {
        const r = Math.hypot(re, im) ** k;
        const th = Math.atan2(im, re) * k;
        // Re(φ·λᵏ) with φ = a + ib: a pair of modes per complex λ.
        const a = Math.sin(0.3 * (p + 1) * i + p);
        const b = Math.cos(0.17 * (p + 2) * i);
        v += 2 * r * (a * Math.cos(th) - b * Math.sin(th));
      });
      v += Math.cos(0.05 * i) * 0.8 ** k + Math.sin(0.11 * i + 1) * 0.5 ** k;
      v += noise * Math.sin(i * i * 0.37 + k * k * 0.11 + i * k);
      data[i * m + k] = v;
    }
  }
  return matrix(data, n, m);
}

/** f(x, t) = sech(x + 3)·e^{2.3it} + 2·sech(x)·tanh(x)·e^{2.8it} on 65 points × m times. */
function complexWaves(m: number, dt: number): ComplexMatrix {
  const n = 65;
  const re = new Float64Array(n * m);
  const im = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const x = -5 + (10 * i) / (n - 1);
    for (let k = 0; k < m; k++) {
      const t = k * dt;
      const a = 1 / Math.cosh(x + 3);
      const b = (2 / Math.cosh(x)) * Math.tanh(x);
      re[i * m + k] = a * Math.cos(2.3 * t) + b * Math.cos(2.8 * t);
      im[i * m + k] = a * Math.sin(2.3 * t) + b * Math.sin(2.8 * t);
    }
  }
  return { re: matrix(re, n, m), im: matrix(im, n, m) };
}

function spectrumError(eigs: { re: Float64Array; im: Float64Array }, truth: [number, number][]): number {
  expect(eigs.re.length).toBe(truth.length);
  let worst = 0;
  for (const [tr, ti] of truth) {
    let best = Infinity;
    for (let j = 0; j < eigs.re.length; j++) best = Math.min(best, Math.hypot(eigs.re[j]! - tr, eigs.im[j]! - ti));
    worst = Math.max(worst, best);
  }
  return worst;
}

const VARIANTS: DmdVariant[] = ['exact', 'projected', 'fb', 'tls', 'randomized'];
const ROTATION: [number, number][] = [
  [Math.cos(Math.PI / 6), -Math.sin(Math.PI / 6)],
  [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)],
];

describe.each(BACKENDS)('dmd on $name', ({ name: backend, available }) => {
  it.skipIf(!available)('the 2 × 2 system: e^{±iπ/6}, 200-step prediction, reconstruction, every variant', async () => {
    const X = rotationSnapshots(20);
    const far = rotationSnapshots(220);
    for (const variant of VARIANTS) {
      const r = await dmd(X, { rank: 2, variant, backend, seed: 3, oversamples: 0 });
      expect(r.backend).toBe(backend);
      expectAtMost(spectrumError(r.eigs, ROTATION), tol.eigs2x2, `${variant}: eigenvalues`);
      expect(r.eigs.im[0]).toBeLessThan(0);
      expectAllClose(r.frequency, Float64Array.of(-1 / 12, 1 / 12), tol.eigs2x2, `${variant}: frequency (dt = 1)`);
      expectAllClose(r.growthRate, Float64Array.of(0, 0), tol.eigs2x2, `${variant}: growth rate`);
      const p = r.predict(200) as Matrix<Float64Array>;
      expect([p.rows, p.cols, p.layout]).toEqual([2, 200, 'row-major']);
      let worst = 0;
      for (let i = 0; i < 2; i++) for (let k = 0; k < 200; k++) worst = Math.max(worst, Math.abs(p.data[i * 200 + k]! - far.data[i * 220 + 20 + k]!));
      expectAtMost(worst, tol.forecast, `${variant}: 200-step prediction`);
      const rec = r.reconstruct() as Matrix<Float64Array>;
      expectAllClose(rec.data, X.data, tol.forecast, `${variant}: reconstruction of the input`);
    }
  });

  it.skipIf(!available)('rank −1 on rank-deficient snapshots keeps the non-zero singular values: a finite operator', async () => {
    // The rotation's two states, a copy of the first and a constant row (rank 3 in 4 rows, with
    // the constant: X₁ has exactly one zero singular value).
    const R = rotationSnapshots(20);
    const X = matrix(Float64Array.from({ length: 4 * 20 }, (_, e) => {
      const i = Math.floor(e / 20), k = e % 20;
      return i < 2 ? R.data[i * 20 + k]! : i === 2 ? R.data[k]! : 1;
    }), 4, 20);
    for (const variant of ['exact', 'projected', 'fb', 'tls'] as DmdVariant[]) {
      const r = await dmd(X, { rank: -1, variant, backend });
      expect(r.rank, `${variant}: rank`).toBe(3);
      expect([...r.eigs.re, ...r.eigs.im].every(Number.isFinite), `${variant}: finite eigenvalues`).toBe(true);
      const moduli = Array.from(r.eigs.re, (re, j) => Math.hypot(re, r.eigs.im[j]!)).sort((a, b) => a - b);
      expectAllClose(Float64Array.from(moduli), Float64Array.of(1, 1, 1), tol.eigs2x2, `${variant}: e^{±iπ/6} and the constant's 1`);
    }
  });

  it.skipIf(!available)('complex waves and real waves with delays; sync = async; inputs untouched', async () => {
    const dt = (4 * Math.PI) / 128;
    const Z = complexWaves(129, dt);
    const before = [Float64Array.from(Z.re.data), Float64Array.from(Z.im.data)];
    const r = await dmd(Z, { rank: 0.9, dt, backend });
    expect(r.rank).toBe(2);
    expectAllClose(Float64Array.from(r.omega.im).sort(), Float64Array.of(2.3, 2.8), tol.omega, 'complex: omega');
    const s = dmdSync(Z, { rank: 0.9, dt, backend });
    expect(s.eigs).toEqual(r.eigs);
    expect(s.modes.re.data).toEqual(r.modes.re.data);
    expect(Z.re.data).toEqual(before[0]);
    expect(Z.im.data).toEqual(before[1]);
    const rec = r.reconstruct() as ComplexMatrix;
    expectAllClose(rec.re.data, Z.re.data, tol.reconstruct, 'complex reconstruction (re)');
    expectAllClose(rec.im.data, Z.im.data, tol.reconstruct, 'complex reconstruction (im)');

    // The real part needs delays: two spatial profiles carry four frequencies.
    const R = matrix(Float64Array.from(Z.re.data), Z.re.rows, Z.re.cols);
    const d = await dmd(R, { rank: 4, dt, delays: 2, backend });
    expect(d.modes.re.rows).toBe(2 * 65);
    expectAllClose(Float64Array.from(d.omega.im).sort(), Float64Array.of(-2.8, -2.3, 2.3, 2.8), tol.omega, 'delays: omega');
    const dr = d.reconstruct() as Matrix<Float64Array>;
    expectAllClose(dr.data, R.data, tol.reconstruct, 'delays: reconstruction averages the delayed copies');
  });

  it.skipIf(!available)('progress, abort, bad input', async () => {
    const X = rotationSnapshots(12);
    const seen: number[] = [];
    await dmd(X, { rank: 2, backend, onProgress: (p) => seen.push(p.pass) });
    if (backend === 'native') expect(seen).toEqual([1, 2, 3]);
    const controller = new AbortController();
    controller.abort();
    await expect(dmd(X, { rank: 2, backend, signal: controller.signal })).rejects.toMatchObject({ code: 'ERR_RANDLA_ABORTED' });
    await rejects(() => dmdSync(X, { dt: 0, backend }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.dt');
    await rejects(() => dmdSync(X, { rank: 1.5, backend }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.rank');
    await rejects(() => dmdSync(X, { delays: 12, backend }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.delays');
    await rejects(() => dmdSync(matrix(new Float64Array(2), 2, 1), { backend }), 'ERR_RANDLA_SHAPE', 'X');
    await rejects(() => dmdSync(X, { Y: rotationSnapshots(11), backend }), 'ERR_RANDLA_SHAPE', 'options.Y');
    await rejects(() => dmdSync(X, { variant: 'randomized', rank: 0, backend }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.rank');
    await rejects(() => dmdSync(X, { bogus: 1, backend } as never), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.bogus');
    const nan = Float64Array.from(X.data);
    nan[3] = NaN;
    await rejects(() => dmdSync(matrix(nan, 2, 12), { backend }), 'ERR_RANDLA_NOT_FINITE', 'X');
  });

  it.skipIf(!available)('dmdBatch equals a loop of dmd; OnlineDmd and WindowDmd fit the rotation', async () => {
    const groups = Array.from({ length: 6 }, (_, g) => modeSnapshots(30 + g, 1e-3));
    const batch = await dmdBatch(groups, { rank: 6, backend });
    const sync = dmdBatchSync(groups, { rank: 6, backend });
    groups.forEach((X, g) => {
      const lone = dmdSync(X, { rank: 6, backend });
      expectAllClose(batch[g]!.eigs.re, lone.eigs.re, dmdBackends.batch, `group ${g}: eigs (re)`);
      expectAllClose(batch[g]!.eigs.im, lone.eigs.im, dmdBackends.batch, `group ${g}: eigs (im)`);
      expect(sync[g]!.eigs).toEqual(batch[g]!.eigs);
    });
    await rejects(() => dmdBatchSync([groups[0]!, matrix(new Float64Array(2), 2, 1)], { backend }), 'ERR_RANDLA_SHAPE', 'groups[1]');
    const bad = Float64Array.from(groups[2]!.data);
    bad[7] = Infinity;
    await rejects(() => dmdBatchSync([groups[0]!, groups[1]!, matrix(bad, 48, 32)], { backend }), 'ERR_RANDLA_NOT_FINITE', 'groups[2]');

    const X = rotationSnapshots(30);
    const online = new OnlineDmd({ backend });
    const window = new WindowDmd({ window: 5, backend });
    for (let k = 0; k + 1 < 30; k++) {
      const x = Float64Array.of(X.data[k]!, X.data[30 + k]!);
      const y = Float64Array.of(X.data[k + 1]!, X.data[30 + k + 1]!);
      online.update(x, y);
      window.update(x, y);
    }
    expect(online.ready && window.ready).toBe(true);
    expect(online.backend).toBe(backend);
    const A = Float64Array.of(1 / S3, 1 / S3, -1 / S3, 2 / S3);
    expectAllClose(online.operator().data, A, tol.online, 'online operator');
    expectAllClose(window.operator().data, A, dmdBackends.window, 'window operator');
    expectAtMost(spectrumError(online.eigs(), ROTATION), tol.eigs2x2, 'online eigenvalues');
    await rejects(() => online.update(Float64Array.of(1), Float64Array.of(1)), 'ERR_RANDLA_SHAPE', 'x');
    await rejects(() => new OnlineDmd({ weighting: 0 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.weighting');
  });
});

const both = BACKENDS.every((b) => b.available);

/** Native against reference: the same contract, so the same numbers to rounding. */
function expectSameFit(nat: DmdResult, ref: DmdResult, what: string, scale: number): void {
  expect(nat.rank, `${what}: rank`).toBe(ref.rank);
  expectAllClose(nat.singularValues, ref.singularValues, dmdBackends.agree * scale, `${what}: singular values`);
  expectAllClose(nat.eigs.re, ref.eigs.re, dmdBackends.agree, `${what}: eigs (re)`);
  expectAllClose(nat.eigs.im, ref.eigs.im, dmdBackends.agree, `${what}: eigs (im)`);
  expectAllClose(nat.modes.re.data, ref.modes.re.data, dmdBackends.modes * scale, `${what}: modes (re)`);
  expectAllClose(nat.modes.im.data, ref.modes.im.data, dmdBackends.modes * scale, `${what}: modes (im)`);
  const bScale = Math.max(...Array.from(ref.amplitudes.re, (v, j) => Math.hypot(v, ref.amplitudes.im[j]!)));
  expectAllClose(nat.amplitudes.re, ref.amplitudes.re, dmdBackends.modes * bScale, `${what}: amplitudes (re)`);
  expectAllClose(nat.amplitudes.im, ref.amplitudes.im, dmdBackends.modes * bScale, `${what}: amplitudes (im)`);
  expectAllClose(nat.residuals, ref.residuals, dmdBackends.agree * scale, `${what}: residuals`);
}

describe.skipIf(!both)('native and reference: the same contract, the same numbers', () => {
  it('every variant on noisy real modes; amplitudes first and optimal', async () => {
    const X = modeSnapshots(40, 1e-3);
    for (const variant of VARIANTS) {
      for (const amplitudes of ['first', 'optimal'] as const) {
        const o = { rank: 6, variant, amplitudes, seed: 11, oversamples: 4 };
        const nat = await dmd(X, { ...o, backend: 'native' });
        const ref = await dmd(X, { ...o, backend: 'reference' });
        expectSameFit(nat, ref, `${variant}/${amplitudes}`, nat.singularValues[0]!);
      }
    }
  });

  it('tall snapshots (the native core compresses them by a blocked QR first: 4 blocks, 2 with pairs): every variant, explicit pairs, optimal amplitudes', async () => {
    const X = modeSnapshots(40, 1e-3, 1400);
    for (const variant of ['exact', 'projected', 'fb', 'tls'] as const) {
      for (const amplitudes of ['first', 'optimal'] as const) {
        const o = { rank: 6, variant, amplitudes };
        const nat = await dmd(X, { ...o, backend: 'native' });
        const ref = await dmd(X, { ...o, backend: 'reference' });
        expectSameFit(nat, ref, `tall ${variant}/${amplitudes}`, nat.singularValues[0]!);
      }
    }
    // Explicit pairs: X[:, :-1] and X[:, 1:] as separate matrices give the sequence's fit.
    const cols = (first: number) => matrix(Float64Array.from({ length: 1400 * 39 }, (_, e) => X.data[Math.floor(e / 39) * 40 + (e % 39) + first]!), 1400, 39);
    const pairs = await dmd(cols(0), { rank: 6, Y: cols(1), backend: 'native' });
    const seq = await dmd(X, { rank: 6, backend: 'native' });
    expectAllClose(pairs.eigs.re, seq.eigs.re, dmdBackends.agree, 'explicit pairs (re)');
    expectAllClose(pairs.eigs.im, seq.eigs.im, dmdBackends.agree, 'explicit pairs (im)');
    // Rank 0 on tall data: the threshold's β uses the snapshots' rows, not R's.
    const r0n = await dmd(X, { rank: 0, backend: 'native' });
    const r0r = await dmd(X, { rank: 0, backend: 'reference' });
    expect(r0n.rank).toBe(r0r.rank);
  });

  it('complex input, delays with and without projectRank, affine and increments, rank rules', async () => {
    const dt = (4 * Math.PI) / 128;
    const Z = complexWaves(129, dt);
    for (const variant of ['exact', 'projected', 'fb', 'tls'] as const) {
      const nat = await dmd(Z, { rank: 2, dt, variant, backend: 'native' });
      const ref = await dmd(Z, { rank: 2, dt, variant, backend: 'reference' });
      expectSameFit(nat, ref, `complex ${variant}`, nat.singularValues[0]!);
    }
    const R = matrix(Float64Array.from(Z.re.data), Z.re.rows, Z.re.cols);
    for (const o of [{ delays: 2 }, { delays: 3, projectRank: 2 }, { delays: 2, affine: true }, { increments: true, delays: 2 }]) {
      const nat = await dmd(R, { rank: 4, dt, ...o, backend: 'native' });
      const ref = await dmd(R, { rank: 4, dt, ...o, backend: 'reference' });
      expectSameFit(nat, ref, JSON.stringify(o), nat.singularValues[0]!);
    }
    for (const rank of [0, 0.99, -1] as const) {
      for (const threshold of ['exact', 'cubic'] as const) {
        const X = modeSnapshots(40, 1e-3);
        const nat = await dmd(X, { rank, threshold, backend: 'native' });
        const ref = await dmd(X, { rank, threshold, backend: 'reference' });
        expect(nat.rank, `rank ${rank} ${threshold}`).toBe(ref.rank);
        expectClose(nat.eigs.re.length, ref.eigs.re.length, 0, 'as many eigenvalues');
      }
    }
  });

  it('OnlineDmd and WindowDmd: the same operator after every update', () => {
    const X = modeSnapshots(60, 0.1);
    const n = 6;
    const pick = (k: number) => Float64Array.from({ length: n }, (_, i) => X.data[i * 60 + k]!);
    const fits = ['native', 'reference'].map((backend) => [
      new OnlineDmd({ weighting: 0.95, backend: backend as 'native' }),
      new WindowDmd({ window: 12, backend: backend as 'native' }),
    ]);
    for (let k = 0; k + 1 < 60; k++) {
      for (const pair of fits) for (const f of pair) f.update(pick(k), pick(k + 1));
      for (let which = 0; which < 2; which++) {
        const [nat, ref] = [fits[0]![which]!, fits[1]![which]!];
        expect(nat.ready).toBe(ref.ready);
        if (nat.ready) {
          const a = ref.operator().data;
          const scale = Math.max(...Array.from(a, Math.abs));
          expectAllClose(nat.operator().data, a, dmdBackends.recursive * scale, `${which ? 'window' : 'online'} after pair ${k}`);
        }
      }
    }
  });
});
