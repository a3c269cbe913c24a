// Flow-field generators (src/flow/fields.ts, docs/flow-networks.md) against closed forms: Lamb–
// Oseen values and circulation, the street's geometry, the documented Philox mapping of random
// vortices, and the pseudo-spectral solver: exact viscous decay of a steady Euler mode, third-order
// drift of energy and enstrophy with ν = 0, decay with ν > 0, zero mean, a real field, the initial
// spectrum's peak, determinism; and .npy loading.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { philox4x32_10, seedKey } from '../src/backend/reference/philox.js';
import { ErrorCode, RandlaError } from '../src/errors.js';
import {
  STREAM_FLOW_FIELDS,
  lambOseenField,
  loadVorticityNpy,
  randomVortexField,
  turbulenceField,
  turbulenceInitialSpectrum,
  VorticitySolver,
  vortexStreetField,
} from '../src/flow/fields.js';
import { writeNpy } from '../src/io/npy.js';
import { EPS64, expectAtMost, expectClose, flow as tol } from './helpers/tolerance.js';

async function expectRandlaError(fn: () => unknown, code: string, argument: string): Promise<void> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RandlaError);
    expect((e as RandlaError).code).toBe(code);
    expect((e as RandlaError).argument).toBe(argument);
    return;
  }
  throw new Error(`expected ${code} for ${argument}, nothing thrown`);
}

describe('Lamb–Oseen fields', () => {
  it('matches the closed form and carries the circulation', () => {
    const gamma = 1.7;
    const rc = 0.08;
    const f = lambOseenField({ nx: 100, ny: 80, lx: 1, ly: 0.8, vortices: [{ x: 0.5, y: 0.4, circulation: gamma, coreRadius: rc }] });
    expect([f.vorticity.rows, f.vorticity.cols, f.vorticity.layout]).toEqual([80, 100, 'row-major']);
    expectClose(f.dx, 0.01, EPS64, 'dx = lx/nx');
    expectClose(f.dy, 0.01, EPS64, 'dy = ly/ny');
    // Cell (r, c) = (40, 50) is the centre: ω = Γ/(π r_c²).
    const peak = gamma / (Math.PI * rc * rc);
    expectClose(f.vorticity.data[40 * 100 + 50]!, peak, 4 * EPS64 * peak, 'peak vorticity');
    // (r, c) = (45, 38): x = 0.38, y = 0.45.
    const d2 = (0.38 - 0.5) ** 2 + (0.45 - 0.4) ** 2;
    expectClose(f.vorticity.data[45 * 100 + 38]!, peak * Math.exp(-d2 / (rc * rc)), 16 * EPS64 * peak, 'ω at (45, 38)');
    // Σ ω dx dy: the midpoint rule of a Gaussian well inside the domain is spectrally accurate.
    let total = 0;
    for (const v of f.vorticity.data) total += v * f.dx * f.dy;
    expectClose(total, gamma, 1e-9, 'total circulation');
  });

  it('rejects bad options', async () => {
    const v = [{ x: 0, y: 0, circulation: 1, coreRadius: 0.1 }];
    await expectRandlaError(() => lambOseenField({ nx: 0, ny: 4, vortices: v }), ErrorCode.INVALID_ARGUMENT, 'options.nx');
    await expectRandlaError(() => lambOseenField({ nx: 4, ny: 4, lx: -1, vortices: v }), ErrorCode.INVALID_ARGUMENT, 'options.lx');
    await expectRandlaError(() => lambOseenField({ nx: 4, ny: 4, vortices: [] }), ErrorCode.INVALID_ARGUMENT, 'options.vortices');
    await expectRandlaError(
      () => lambOseenField({ nx: 4, ny: 4, vortices: [{ x: 0, y: 0, circulation: 1, coreRadius: 0 }] }),
      ErrorCode.INVALID_ARGUMENT,
      'options.vortices[0].coreRadius',
    );
  });
});

describe('vortex street', () => {
  it('has two staggered rows of opposite sign with h/a = 0.281', () => {
    const s = vortexStreetField({ nx: 256, ny: 64 });
    const upper = s.vortices.filter((v) => v.circulation < 0);
    const lower = s.vortices.filter((v) => v.circulation > 0);
    // x in [0, 8): upper at 0.5 … 7.5, lower at 1 … 7.
    expect(upper.length).toBe(8);
    expect(lower.length).toBe(7);
    for (let k = 0; k < 7; k++) {
      expectClose(upper[k]!.x, 0.5 + k, 4 * EPS64, `upper x ${k}`);
      expectClose(lower[k]!.x, 1 + k, 4 * EPS64, `lower x ${k} (staggered by a/2)`);
      expectClose(upper[k]!.y - lower[k]!.y, 0.281, 4 * EPS64, 'row separation h');
    }
    // The field has the vortex's sign at its centre (cell nearest (x, y)).
    for (const v of s.vortices) {
      const r = Math.round(v.y / s.dy);
      const c = Math.round(v.x / s.dx);
      expect(Math.sign(s.vorticity.data[r * 256 + c]!)).toBe(Math.sign(v.circulation));
    }
  });
});

describe('random vortices', () => {
  it('follow the documented Philox mapping on stream 8', () => {
    const f = randomVortexField({ nx: 32, ny: 32, count: 40, seed: 99n });
    const [k0, k1] = seedKey(99n);
    const w = new Uint32Array(4);
    const u = (a: number, b: number) => ((a >>> 5) * 2 ** 26 + (b >>> 6)) / 2 ** 53;
    for (const k of [0, 17, 39]) {
      philox4x32_10(k, 0, 0, STREAM_FLOW_FIELDS, k0, k1, w);
      expect(f.vortices[k]!.x).toBe(u(w[0]!, w[1]!));
      expect(f.vortices[k]!.y).toBe(u(w[2]!, w[3]!));
      philox4x32_10(k, 0, 1, STREAM_FLOW_FIELDS, k0, k1, w);
      const strength = 0.5 + 1 * u(w[0]!, w[1]!);
      philox4x32_10(k, 0, 2, STREAM_FLOW_FIELDS, k0, k1, w);
      expect(f.vortices[k]!.circulation).toBe((w[0]! >>> 31 === 0 ? 1 : -1) * strength);
    }
    for (const v of f.vortices) {
      expect(Math.abs(v.circulation)).toBeGreaterThanOrEqual(0.5);
      expect(Math.abs(v.circulation)).toBeLessThan(1.5);
      expect(v.coreRadius).toBeGreaterThanOrEqual(0.02);
      expect(v.coreRadius).toBeLessThan(0.05);
    }
    expect(f.vortices.some((v) => v.circulation > 0) && f.vortices.some((v) => v.circulation < 0)).toBe(true);
    const again = randomVortexField({ nx: 32, ny: 32, count: 40, seed: 99 });
    expect(Array.from(again.vorticity.data)).toEqual(Array.from(f.vorticity.data));
    const other = randomVortexField({ nx: 32, ny: 32, count: 40, seed: 100 });
    expect(other.vortices[0]!.x).not.toBe(f.vortices[0]!.x);
  });
});

/** ω̂ of a seeded field scaled to energy 0.5 on an n² grid. */
function initialSolver(n: number, viscosity: number, seed: bigint, peak: number): VorticitySolver {
  const spectrum = turbulenceInitialSpectrum(n, seed, peak);
  const solver = new VorticitySolver(n, viscosity);
  solver.setSpectrum(spectrum.re, spectrum.im);
  const scale = Math.sqrt(0.5 / solver.energy());
  for (let i = 0; i < n * n; i++) {
    spectrum.re[i]! *= scale;
    spectrum.im[i]! *= scale;
  }
  solver.setSpectrum(spectrum.re, spectrum.im);
  return solver;
}

describe('pseudo-spectral vorticity solver', () => {
  it('decays a steady Euler mode exactly as SSP-RK3 on dω/dt = −ν|k|²ω', () => {
    // ω = cos(2x + y) + ½ sin(x − 2y): one shell |k|² = 5, so u·∇ω = 0 and ω(t) = ω(0)·g(t).
    const n = 32;
    const nu = 0.01;
    const dt = 0.05;
    const steps = 20;
    const h = (2 * Math.PI) / n;
    const w0 = new Float64Array(n * n);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) w0[r * n + c] = Math.cos(2 * c * h + r * h) + 0.5 * Math.sin(c * h - 2 * r * h);
    const solver = new VorticitySolver(n, nu);
    solver.setVorticity(w0);
    for (let s = 0; s < steps; s++) solver.step(dt);
    const z = 5 * nu * dt;
    const gain = (1 - z + (z * z) / 2 - (z * z * z) / 6) ** steps; // SSP-RK3's stability polynomial
    const { omega, imaginary } = solver.vorticity();
    let worst = 0;
    for (let i = 0; i < n * n; i++) worst = Math.max(worst, Math.abs(omega[i]! - gain * w0[i]!));
    expectAtMost(worst / 1.5, tol.spectralRounding, 'ω(t) vs RK3 decay of ω(0), relative to max|ω|');
    expectClose(gain, Math.exp(-5 * nu * solver.time), 1e-9, 'the RK3 gain is exp(−ν|k|²t) to O(dt³)');
    expectAtMost(imaginary, tol.spectralRounding, 'imaginary part of the inverse transform');
  });

  it('advects with the right sign: dω/dt = −u·∇ω for ω = cos x + cos 2y', () => {
    // ψ = cos x + cos(2y)/4, u = ψ_y = −sin(2y)/2, v = −ψ_x = sin x, so −u·∇ω = 1.5·sin x·sin 2y.
    const n = 32;
    const h = (2 * Math.PI) / n;
    const w0 = new Float64Array(n * n);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) w0[r * n + c] = Math.cos(c * h) + Math.cos(2 * r * h);
    const solver = new VorticitySolver(n, 0);
    solver.setVorticity(w0);
    const dt = 1e-5;
    solver.step(dt);
    const { omega } = solver.vorticity();
    let worst = 0;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const rate = (omega[r * n + c]! - w0[r * n + c]!) / dt;
        worst = Math.max(worst, Math.abs(rate - 1.5 * Math.sin(c * h) * Math.sin(2 * r * h)));
      }
    }
    // O(dt) from the second time derivative (|ω_tt| = O(1)), far below a wrong sign's error of 3.
    expectAtMost(worst, 1e-4, 'finite-difference dω/dt against −u·∇ω');
  });

  it('conserves energy and enstrophy to third order with ν = 0', () => {
    const drift = (steps: number) => {
      const s = initialSolver(32, 0, 3n, 4);
      const e0 = s.energy();
      const z0 = s.enstrophy();
      for (let k = 0; k < steps; k++) s.step(0.2 / steps);
      return [Math.abs(s.energy() - e0) / e0, Math.abs(s.enstrophy() - z0) / z0] as const;
    };
    const coarse = drift(10);
    const fine = drift(20);
    for (const q of [0, 1]) {
      const name = q === 0 ? 'energy' : 'enstrophy';
      expectAtMost(coarse[q], 1e-4, `${name} drift over 10 steps`);
      // Far above rounding (1e-7 vs 1e-16), so the ratio measures the time-stepping error.
      expect(fine[q]).toBeGreaterThan(1e6 * EPS64);
      expect(Math.log2(coarse[q] / fine[q])).toBeGreaterThan(tol.invariantOrder);
    }
  });

  it('dissipates energy and enstrophy with ν > 0 and keeps a zero mean', () => {
    const s = initialSolver(32, 0.02, 5n, 4);
    let e = s.energy();
    let z = s.enstrophy();
    for (let k = 0; k < 10; k++) {
      s.step({ cfl: 0.6, maxDt: 1 });
      const e1 = s.energy();
      const z1 = s.enstrophy();
      expect(e1).toBeLessThan(e);
      expect(z1).toBeLessThan(z);
      e = e1;
      z = z1;
    }
    const { omega } = s.vorticity();
    let mean = 0;
    let rms = 0;
    for (const v of omega) {
      mean += v / omega.length;
      rms += (v * v) / omega.length;
    }
    expectAtMost(Math.abs(mean), tol.spectralRounding * Math.sqrt(rms), 'mean vorticity');
  });

  it('starts from a spectrum that peaks near k0', () => {
    for (const [seed, k0] of [
      [1n, 6],
      [2n, 10],
    ] as const) {
      const spectrum = initialSolver(128, 0, seed, k0).energySpectrum();
      let argmax = 1;
      let total = 0;
      let moment = 0;
      for (let k = 1; k < spectrum.length; k++) {
        if (spectrum[k]! > spectrum[argmax]!) argmax = k;
        total += spectrum[k]!;
        moment += k * spectrum[k]!;
      }
      expect(Math.abs(argmax - k0)).toBeLessThanOrEqual(2);
      // Mean wavenumber of E(k) ∝ k⁴exp(−2k²/k0²): Γ(3)/Γ(5/2)·k0/√2 ≈ 1.064·k0.
      expectClose(moment / total, 1.0638 * k0, 0.1 * k0, `spectral centroid for k0 = ${k0}`);
    }
  });
});

describe('turbulenceField', () => {
  it('is deterministic for a seed, real, finite, zero-mean and sized n × n on [0, 2π)²', () => {
    const a = turbulenceField({ n: 64, seed: 11, turnovers: 2 });
    const b = turbulenceField({ n: 64, seed: 11n, turnovers: 2 });
    const c = turbulenceField({ n: 64, seed: 12, turnovers: 2 });
    expect([a.vorticity.rows, a.vorticity.cols]).toEqual([64, 64]);
    expectClose(a.dx, (2 * Math.PI) / 64, 0, 'dx = 2π/n');
    expect(a.steps).toBeGreaterThan(2);
    expect(Array.from(a.vorticity.data)).toEqual(Array.from(b.vorticity.data));
    expect(Array.from(c.vorticity.data)).not.toEqual(Array.from(a.vorticity.data));
    let mean = 0;
    let rms = 0;
    for (const v of a.vorticity.data) {
      expect(Number.isFinite(v)).toBe(true);
      mean += v / 4096;
      rms += (v * v) / 4096;
    }
    expectAtMost(Math.abs(mean), tol.spectralRounding * Math.sqrt(rms), 'mean vorticity');
    // The run ends at turnovers / ω_rms(0); ω_rms(0) = √(2Z) for the scaled initial field.
    const z0 = initialSolver(64, 0, 11n, 6).enstrophy();
    expectClose(a.time, 2 / Math.sqrt(2 * z0), 1e-12, 'end time');
  });

  it('rejects bad options', async () => {
    await expectRandlaError(() => turbulenceField({ n: 100, seed: 1 }), ErrorCode.INVALID_ARGUMENT, 'options.n');
    await expectRandlaError(() => turbulenceField({ n: 64, seed: -1 }), ErrorCode.INVALID_ARGUMENT, 'options.seed');
    await expectRandlaError(() => turbulenceField({ n: 64, seed: 1, peakWavenumber: 30 }), ErrorCode.INVALID_ARGUMENT, 'options.peakWavenumber');
    await expectRandlaError(() => turbulenceField({ n: 64, seed: 1, cfl: 2 }), ErrorCode.INVALID_ARGUMENT, 'options.cfl');
    await expectRandlaError(() => turbulenceField({ n: 64, seed: 1, viscosity: -1 }), ErrorCode.INVALID_ARGUMENT, 'options.viscosity');
  });
});

describe('loadVorticityNpy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'randla-flow-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads f64 and f32 arrays with row = y', async () => {
    const values = [0, 1.5, -2, 3, 0.25, 8];
    for (const dtype of ['f64', 'f32'] as const) {
      const path = join(dir, `omega-${dtype}.npy`);
      const data = dtype === 'f64' ? Float64Array.from(values) : Float32Array.from(values);
      await writeNpy(path, { data, rows: 2, cols: 3, layout: 'row-major' });
      const f = await loadVorticityNpy(path, { dx: 0.1, dy: 0.2 });
      expect(f.vorticity.data).toBeInstanceOf(Float64Array);
      expect([f.vorticity.rows, f.vorticity.cols, f.vorticity.layout]).toEqual([2, 3, 'row-major']);
      expect(Array.from(f.vorticity.data)).toEqual(values);
      expect([f.dx, f.dy]).toEqual([0.1, 0.2]);
    }
    await expectRandlaError(() => loadVorticityNpy(join(dir, 'omega-f64.npy'), { dx: 0, dy: 1 }), ErrorCode.INVALID_ARGUMENT, 'options.dx');
    await expectRandlaError(() => loadVorticityNpy(join(dir, 'missing.npy'), { dx: 1, dy: 1 }), ErrorCode.INVALID_ARGUMENT, 'path');
  });
});
